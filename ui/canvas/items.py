"""
Canvas items: read-only views of a Component, a Link and a Group.

Items never change the plan. The scene creates them from document signals, feeds them the current
model object (`set_component`, `set_link`, `set_group`) and the computed badge (`set_badge_inputs`),
and turns gestures on them into Editor calls. Painting and geometry live in painting.py; the scene's
links are drawn by link_layer.py.

Z order: groups (beneath, nested ones above their parents) < links < cards < gesture feedback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem

from archplan.planner import units
from archplan.ui.canvas import arrows, painting, style
from archplan.ui.canvas.badges import EMPTY, Badge, BadgeFeed, badge_from_inputs, badge_inputs

if TYPE_CHECKING:
    from archplan.planner.catalog import ComponentKind
    from archplan.planner.model import Component, Group, Link

Z_GROUP = -100.0
Z_LINK = -10.0
Z_CARD = 0.0
Z_FEEDBACK = 1000.0
#: Below this zoom a card's text is unreadable: it is drawn as a simplified overview.
OVERVIEW_LOD = 0.4
#: How far from its centre the connection handle takes a press (a little more than it is drawn).
HANDLE_HIT = painting.HANDLE_RADIUS + 3
_CARD_SHAPE: QPainterPath | None = None
_NO_PEN = QPen(Qt.PenStyle.NoPen)
_FLAG = QGraphicsItem.GraphicsItemFlag
_LINK_FLAGS = _FLAG.ItemIsSelectable | _FLAG.ItemUsesExtendedStyleOption
_LAYER_LINK_FLAGS = _LINK_FLAGS | _FLAG.ItemHasNoContents
_CARD_FLAGS = _FLAG.ItemIsSelectable
_DEVICE_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache


def _card_shape() -> QPainterPath:
    global _CARD_SHAPE
    if _CARD_SHAPE is None:
        path = painting.card_path()
        handle = QPainterPath()
        handle.addEllipse(painting.HANDLE_CENTRE, HANDLE_HIT, HANDLE_HIT)
        _CARD_SHAPE = path.united(handle)
    return _CARD_SHAPE


def plain_render(item: QGraphicsItem) -> bool:
    """True while the scene renders an image: no hover or selection decorations."""
    return bool(getattr(item.scene(), "exporting", False))


class ComponentItem(QGraphicsRectItem):
    """A component card centred on the component's position, with its live badge row.

    Its bounding rectangle is a plain rectangle kept by Qt (QGraphicsRectItem), not a Python
    `boundingRect` override, and it has no itemChange override: the scene keeps no spatial index, so Qt
    asks every item for its bounds on each paint, and a 10,000-card plan must not call into Python for
    each of them, nor for every flag, position and selection change. Whoever moves a card tells the
    scene (`CanvasScene.component_item_moved`) so its links and groups follow."""

    def __init__(self, component: Component, kind: ComponentKind, feed: BadgeFeed | None = None):
        super().__init__(painting.CARD_BOUNDS)
        self.setPen(_NO_PEN)
        self.component_id = component.id
        self.component = component
        self.kind = kind
        self._feed = feed
        self._generation = -1                       # the feed generation the badge was read from
        self._badge: Badge = EMPTY
        self._badge_inputs: tuple | None = None     # what the badge is made from (None: set directly)
        self._state = painting.CardState()
        self._x = self._y = 0.0                     # the position, kept here: pos() is slow to read
        # Not ItemIsMovable: the scene runs drags itself so a whole drag becomes one undo step.
        self.setFlags(_CARD_FLAGS)
        self.setAcceptHoverEvents(True)
        self.setCacheMode(_DEVICE_CACHE)
        self.set_component(component, kind)

    # ------------------------------------------------------------------ data
    def set_component(self, component: Component, kind: ComponentKind) -> bool:
        """Show the component's current fields; returns whether the card moved."""
        self.component, self.kind = component, kind
        s = self._state
        shown = (component.name, kind.label, kind.category, kind.icon)
        if shown != (s.name, s.kind_label, s.category, s.icon):
            s.name, s.kind_label, s.category, s.icon = shown
            self.update()
        x, y = component.position.x, component.position.y
        if (x, y) != (self._x, self._y):
            self.move_to(QPointF(x, y))
            return True
        return False

    def move_to(self, centre: QPointF) -> None:
        """Put the card's centre there (the caller tells the scene, so links and groups follow)."""
        self._x, self._y = centre.x(), centre.y()
        self.setPos(centre)

    def centre(self) -> QPointF:
        """The card's centre in scene coordinates (its position)."""
        return QPointF(self._x, self._y)

    def x(self) -> float:
        return self._x

    def y(self) -> float:
        return self._y

    @property
    def badge(self) -> Badge:
        """The figures shown: read from the feed's latest result if it changed since last time."""
        feed = self._feed
        if feed is not None and self._generation != feed.generation:
            self._generation = feed.generation
            self._take(badge_inputs(self.component, self.kind, feed.result))
        return self._badge

    def refresh_badge(self) -> bool:
        """Read the feed now (a card on screen after a new result); True if the badge changed (the
        card then repaints)."""
        before = self._badge
        badge = self.badge
        if badge is not before:
            self.update()
            return True
        return False

    def set_badge(self, badge: Badge) -> bool:
        """Show these figures; returns whether anything visible changed (then the card repaints)."""
        self._badge_inputs = None
        if self._feed is not None:
            self._generation = self._feed.generation
        if badge == self._badge:
            return False
        self._badge = self._state.badge = badge
        self.update()
        return True

    def set_badge_inputs(self, inputs: tuple) -> bool:
        """Show the badge made from `badges.badge_inputs(...)`, formatting it only if the inputs changed
        (a new result leaves most of 1,000 cards' figures as they were); returns whether it changed."""
        if self._feed is not None:
            self._generation = self._feed.generation
        if self._take(inputs):
            self.update()
            return True
        return False

    def _take(self, inputs: tuple) -> bool:
        if inputs == self._badge_inputs:
            return False
        self._badge_inputs = inputs
        badge = badge_from_inputs(inputs)
        if badge == self._badge:
            return False
        self._badge = self._state.badge = badge
        return True

    @property
    def badge_text(self) -> str:
        return self.badge.text

    @property
    def is_bottleneck(self) -> bool:
        return self.badge.bottleneck

    @property
    def is_spof(self) -> bool:
        return bool(self.badge.spof)

    def set_drop_target(self, on: bool) -> None:
        if self._state.drop_target != on:
            self._state.drop_target = on
            self.update()

    # ------------------------------------------------------------------ geometry
    def shape(self) -> QPainterPath:
        """The card and its whole connection handle: the handle's outer half, beyond the card's edge, is
        as much a hit target (and hover area) as the inner half."""
        return _card_shape()

    def box(self) -> tuple[float, float, float, float]:
        """The card as (centre x, centre y, half width, half height): where its links attach."""
        return (self._x, self._y, painting.W / 2, painting.H / 2)

    def card_rect(self) -> QRectF:
        """The card in scene coordinates (links attach to it)."""
        return QRectF(self._x - painting.W / 2, self._y - painting.H / 2, painting.W, painting.H)

    def on_handle(self, scene_pos: QPointF) -> bool:
        """Is `scene_pos` on the connection handle (right edge, either half of the "+")?"""
        d = self.mapFromScene(scene_pos) - painting.HANDLE_CENTRE
        return (d.x() ** 2 + d.y() ** 2) <= HANDLE_HIT ** 2

    def on_spof_marker(self, scene_pos: QPointF) -> bool:
        marker = painting.SPOF_RECT.adjusted(-3, -3, 3, 3)
        return self.is_spof and marker.contains(self.mapFromScene(scene_pos))

    # ------------------------------------------------------------------ Qt
    def hoverEnterEvent(self, event):
        self._set_hovered(True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event):
        self._set_hovered(False)
        super().hoverLeaveEvent(event)

    def _set_hovered(self, on: bool) -> None:
        if self._state.hovered != on:
            self._state.hovered = on
            self.update()

    def paint(self, painter, option, widget=None) -> None:
        self.badge  # noqa: B018 - reads the latest figures if they changed while the card was out of view
        if self._feed is not None:
            self._feed.cached.add(self)
        self._state.selected = self.isSelected()
        self._state.plain = plain_render(self)
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < OVERVIEW_LOD:
            painting.paint_card_overview(painter, self._state)
        else:
            painting.paint_card(painter, self._state)


def link_label(link: Link) -> str:
    """What the arrow says: its label, and its share ("50 %") or fan-out ("x3")."""
    parts = [link.label] if link.label else []
    if link.share is not None:
        parts.append(units.format_percent(link.share, 0))
    if link.fanout is not None:
        parts.append(f"x{units.format_count(link.fanout)}")
    return " · ".join(parts)


class LinkCanvas(Protocol):
    """Where a link's drawing lives when it does not paint itself (the scene's LinkLayer)."""

    def changed(self, item: LinkItem, before: list[tuple[float, float]] | None,
                before_label: tuple[float, float, float, float] | None) -> None: ...

    def restyled(self, item: LinkItem) -> None: ...


class LinkItem(QGraphicsRectItem):
    """An arrow from the source's border to the target's, styled by link kind.

    In a scene it is the link's hit target (selection, rubber band, tooltip) but draws nothing itself:
    the scene's LinkLayer draws every link, and whatever changes an arrow's drawing (its route, label or
    kind here, its selection in the scene) tells the layer which rectangle to redraw. (No itemChange
    override: Qt would call into Python for every change of 1,000s of links.) Without a layer it paints
    itself. Its drawing (`drawing`) and hit shape are built when first needed: most of 10,000 links are
    never on screen."""

    def __init__(self, link: Link, layer: LinkCanvas | None = None):
        super().__init__()                    # bounds kept by Qt (see ComponentItem); nothing drawn by Qt
        self.link_id = link.id
        self.link = link
        self.label = link_label(link)
        self._kind = link.kind
        self.offset = 0.0
        self._points: list[tuple[float, float]] | None = None
        self._shape: arrows.LinkShape | None = None
        self._bounds = QRectF()
        self._label_rect = QRectF()
        self._shown = True                  # isVisible(), kept here (a C++ call per link otherwise)
        self.layer = layer
        # extended style option: paint gets the exposed rectangle, to stroke only the visible shaft
        self.setFlags(_LINK_FLAGS if layer is None else _LAYER_LINK_FLAGS)
        self.setZValue(Z_LINK)

    def set_link(self, link: Link) -> None:
        self.link = link
        label = link_label(link)
        if label != self.label or link.kind != self._kind:
            before_label = self.label_box()
            self.label = label
            self._kind = link.kind
            self._reshape()
            self._changed(self._points, before_label)

    @property
    def line(self) -> QLineF | None:
        """From where the arrow starts to where it ends (its tip), or None when it is not drawn."""
        return QLineF(*self._points[0], *self._points[-1]) if self._points else None

    @property
    def points(self) -> list[QPointF]:
        """The drawn polyline, start to tip (empty when the link is not drawn)."""
        return [QPointF(x, y) for x, y in self._points or ()]

    @property
    def drawing(self) -> arrows.LinkShape | None:
        """What the link layer draws (None: nothing to draw)."""
        if self._shape is None and self._points:
            self._shape = arrows.LinkShape(self.points, self.link.kind, self.label)
        return self._shape

    def midpoint(self) -> QPointF | None:
        """Halfway along the drawn arrow (where its label sits)."""
        return arrows.point_at(self.points, 0.5) if self._points else None

    def update_geometry(self, source: arrows.Box | None, target: arrows.Box | None,
                        waypoints: list[QPointF] | None = None) -> None:
        """Re-route between the ends' boxes (arrows.Box, scene coordinates) through the link's bends (or
        the `waypoints` given, while a bend is dragged); hidden when the ends overlap."""
        points = None
        if source is not None and target is not None:
            if waypoints is not None:
                bends = [(p.x(), p.y()) for p in waypoints]
            else:
                bends = [(p.x, p.y) for p in self.link.waypoints] if self.link.waypoints else ()
            points = arrows.route_xy(source, target, bends, self.link.route == "orthogonal", self.offset)
        if points == self._points:
            return
        before, before_label = self._points, self.label_box()
        self._points = points
        self._reshape()
        visible = points is not None
        if self._shown != visible:
            self._shown = visible
            self.setVisible(visible)
        self._changed(before, before_label)

    def place(self, points: list[tuple[float, float]] | None) -> None:
        """Set the route of a link not shown yet (a plan being built: no old drawing to redraw)."""
        self._points = points
        self._reshape()
        if points is None:
            self._shown = False
            self.setVisible(False)
        elif self.layer is not None:
            self.layer.changed(self, None, None)

    def route(self) -> list[tuple[float, float]]:
        """The drawn polyline as (x, y) pairs (empty when not drawn)."""
        return self._points or []

    def label_box(self) -> tuple[float, float, float, float] | None:
        """The label's rectangle as (left, top, right, bottom), or None without a label or route."""
        if not self.label or not self._points:
            return None
        rect = self._label_rect
        return (rect.left(), rect.top(), rect.right(), rect.bottom())

    def _reshape(self) -> None:
        """The arrow's bounds after its ends moved or its label changed (its drawing is built later)."""
        self._shape = None
        points = self._points
        if not points:
            self._bounds = QRectF()
            self.setRect(self._bounds)
            return
        pad = arrows.ARROW + 3
        if len(points) == 2:   # most links: no list, no min() over it
            (x1, y1), (x2, y2) = points
            left, right = (x1, x2) if x1 <= x2 else (x2, x1)
            top, bottom = (y1, y2) if y1 <= y2 else (y2, y1)
        else:
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
        rect = QRectF(left - pad, top - pad, right - left + 2 * pad, bottom - top + 2 * pad)
        if self.label:
            self._label_rect = arrows.label_rect(arrows.point_at(self.points, 0.5), self.label)
            rect = rect.united(self._label_rect.adjusted(-2, -2, 2, 2))
        self._bounds = rect
        self.setRect(rect)

    def _changed(self, before, before_label) -> None:
        """The drawing changed (route, label, kind): the layer redraws where it was and where it is."""
        if self.layer is not None:
            self.layer.changed(self, before, before_label)
        else:
            self.update()

    def redraw(self) -> None:
        """Draw this link again where it is (its selection changed)."""
        if self.layer is not None:
            self.layer.restyled(self)
        else:
            self.update()

    def path(self) -> QPainterPath:
        path = QPainterPath()
        if self._points:
            path.moveTo(*self._points[0])
            for x, y in self._points[1:]:
                path.lineTo(x, y)
        return path

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        shape = stroker.createStroke(self.path())
        drawing = self.drawing
        if drawing is not None and drawing.label_rect is not None:
            shape.addRect(drawing.label_rect)
        return shape

    def paint(self, painter, option, widget=None) -> None:
        """Qt paints a link itself only when it has no layer."""
        self.draw(painter, option.exposedRect)

    def draw(self, painter, exposed: QRectF) -> None:
        """Draw the arrow; only the part of its shaft inside `exposed` (scene coordinates) is stroked."""
        drawing = self.drawing
        if drawing is not None:
            lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
            arrows.paint_link(painter, drawing, self.link.kind, self.label,
                              self.isSelected() and not plain_render(self), exposed, lod)


class GroupItem(QGraphicsRectItem):
    """A translucent rounded rectangle around its members, with a title band.

    Only the title band and the border are hit targets, so dragging on the group's empty inside still
    draws a rubber band. Dragging the title moves the members (the scene does it)."""

    EMPTY_RECT = QRectF(-110, -70, 220, 140)

    def __init__(self, group: Group):
        super().__init__(self.EMPTY_RECT.adjusted(-2, -2, 2, 2))
        self.setPen(_NO_PEN)
        self.group_id = group.id
        self.group = group
        self._rect = QRectF(self.EMPTY_RECT)
        self._drop_target = False
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(Z_GROUP)

    def set_group(self, group: Group, depth: int = 0) -> None:
        self.group = group
        self.setZValue(Z_GROUP + depth)
        self.update()

    def rect(self) -> QRectF:
        return QRectF(self._rect)

    def set_rect(self, rect: QRectF) -> bool:
        if rect == self._rect:
            return False
        self._rect = QRectF(rect)
        self.setRect(rect.adjusted(-2, -2, 2, 2))
        return True

    def set_drop_target(self, on: bool) -> None:
        if self._drop_target != on:
            self._drop_target = on
            self.update()

    def shape(self) -> QPainterPath:
        outer = QPainterPath()
        outer.addRoundedRect(self._rect.adjusted(-3, -3, 3, 3), 14, 14)
        inner = QPainterPath()
        inner.addRect(self._rect.adjusted(6, style.GROUP_TITLE_H, -6, -6))
        return outer.subtracted(inner)

    def paint(self, painter, option, widget=None) -> None:
        plain = plain_render(self)
        painting.paint_group(painter, self._rect, self.group.name, self.group.kind, self.isSelected(), plain,
                             self._drop_target)
