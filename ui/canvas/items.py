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

from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QStyleOptionGraphicsItem,
)

from archplan.planner import units
from archplan.ui.canvas import arrows, painting, style
from archplan.ui.canvas.badges import EMPTY, Badge, badge_from_inputs

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


class ComponentItem(QGraphicsObject):
    """A component card centred on the component's position, with its live badge row."""

    def __init__(self, component: Component, kind: ComponentKind):
        super().__init__()
        self.component_id = component.id
        self.component = component
        self.kind = kind
        self.badge: Badge = EMPTY
        self._badge_inputs: tuple | None = None     # what `badge` was made from (None: set directly)
        self._state = painting.CardState()
        # Not ItemIsMovable: the scene runs drags itself so a whole drag becomes one undo step.
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(Z_CARD)
        self.set_component(component, kind)

    # ------------------------------------------------------------------ data
    def set_component(self, component: Component, kind: ComponentKind) -> None:
        self.component, self.kind = component, kind
        s = self._state
        shown = (component.name, kind.label, kind.category, kind.icon)
        if shown != (s.name, s.kind_label, s.category, s.icon):
            s.name, s.kind_label, s.category, s.icon = shown
            self.update()
        pos = QPointF(component.position.x, component.position.y)
        if self.pos() != pos:
            self.setPos(pos)

    def set_badge(self, badge: Badge) -> bool:
        """Show new figures; returns whether anything visible changed (then the card repaints)."""
        self._badge_inputs = None
        return self._show_badge(badge)

    def set_badge_inputs(self, inputs: tuple) -> bool:
        """Show the badge made from `badges.badge_inputs(...)`, formatting it only if the inputs changed
        (a new result leaves most of 1,000 cards' figures as they were); returns whether it changed."""
        if inputs == self._badge_inputs:
            return False
        changed = self._show_badge(badge_from_inputs(inputs))
        self._badge_inputs = inputs
        return changed

    def _show_badge(self, badge: Badge) -> bool:
        if badge == self.badge:
            return False
        self.badge = badge
        self._state.badge = badge
        self.update()
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
    def boundingRect(self) -> QRectF:
        return painting.CARD_BOUNDS

    def shape(self) -> QPainterPath:
        """The card and its whole connection handle: the handle's outer half, beyond the card's edge, is
        as much a hit target (and hover area) as the inner half."""
        return _card_shape()

    def card_rect(self) -> QRectF:
        """The card in scene coordinates (links attach to it)."""
        return painting.CARD_RECT.translated(self.pos())

    def on_handle(self, scene_pos: QPointF) -> bool:
        """Is `scene_pos` on the connection handle (right edge, either half of the "+")?"""
        d = self.mapFromScene(scene_pos) - painting.HANDLE_CENTRE
        return (d.x() ** 2 + d.y() ** 2) <= HANDLE_HIT ** 2

    def on_spof_marker(self, scene_pos: QPointF) -> bool:
        marker = painting.SPOF_RECT.adjusted(-3, -3, 3, 3)
        return self.is_spof and marker.contains(self.mapFromScene(scene_pos))

    # ------------------------------------------------------------------ Qt
    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            scene = self.scene()
            if scene is not None and hasattr(scene, "component_item_moved"):
                scene.component_item_moved(self)
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self._state.selected = bool(value)
        return super().itemChange(change, value)

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

    def redraw(self, rect: QRectF) -> None: ...


class LinkItem(QGraphicsPathItem):
    """An arrow from the source's border to the target's, styled by link kind.

    In a scene it is the link's hit target (selection, rubber band, tooltip) but draws nothing itself:
    the scene's LinkLayer draws every link, and whatever changes an arrow's drawing (its route, label or
    kind here, its selection in the scene) tells the layer which rectangle to redraw. (No itemChange
    override: Qt would call into Python for every change of 1,000s of links.) Without a layer it paints
    itself."""

    def __init__(self, link: Link, layer: LinkCanvas | None = None):
        super().__init__()
        self.link_id = link.id
        self.link = link
        self.label = link_label(link)
        self._kind = link.kind
        self.offset = 0.0
        self._points: list[QPointF] | None = None
        self._shape: arrows.LinkShape | None = None
        self._bounds = QRectF()
        self.layer = layer
        # extended style option: paint gets the exposed rectangle, to stroke only the visible shaft
        flags = (QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                 | QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        if layer is not None:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
        self.setFlags(flags)
        self.setZValue(Z_LINK)

    def set_link(self, link: Link) -> None:
        self.link = link
        label = link_label(link)
        if label != self.label or link.kind != self._kind:
            self.prepareGeometryChange()
            old = QRectF(self._bounds)
            self.label = label
            self._kind = link.kind
            self._reshape()
            self._redraw(old)
            self._redraw(self._bounds)

    @property
    def line(self) -> QLineF | None:
        """From where the arrow starts to where it ends (its tip), or None when it is not drawn."""
        return QLineF(self._points[0], self._points[-1]) if self._points else None

    @property
    def points(self) -> list[QPointF]:
        """The drawn polyline, start to tip (empty when the link is not drawn)."""
        return list(self._points or ())

    @property
    def drawing(self) -> arrows.LinkShape | None:
        """What the link layer draws (None: nothing to draw)."""
        return self._shape

    def midpoint(self) -> QPointF | None:
        """Halfway along the drawn arrow (where its label sits)."""
        return arrows.point_at(self._points, 0.5) if self._points else None

    def update_geometry(self, source: QRectF | None, target: QRectF | None,
                        waypoints: list[QPointF] | None = None) -> None:
        """Re-route between the ends' rectangles (scene coordinates) through the link's bends (or the
        `waypoints` given, while a bend is dragged); hidden when the ends overlap."""
        points = None
        if source is not None and target is not None:
            bends = waypoints if waypoints is not None else [QPointF(p.x, p.y) for p in self.link.waypoints]
            points = arrows.route_points(source, target, bends, self.link.route == "orthogonal", self.offset)
        if points == self._points:
            return
        self.prepareGeometryChange()
        old = QRectF(self._bounds)
        self._points = points
        path = QPainterPath()
        if points:
            path.moveTo(points[0])
            for point in points[1:]:
                path.lineTo(point)
        self.setPath(path)
        self._reshape()
        self.setVisible(points is not None)
        self._redraw(old)
        self._redraw(self._bounds)

    def _reshape(self) -> None:
        """Recompute the arrow's drawing and bounds (after its ends moved or its label changed)."""
        if not self._points:
            self._shape, self._bounds = None, QRectF()
            return
        self._shape = arrows.LinkShape(self._points, self.link.kind, self.label)
        pad = arrows.ARROW + 3
        xs = [p.x() for p in self._points]
        ys = [p.y() for p in self._points]
        rect = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(-pad, -pad, pad, pad)
        if self._shape.label_rect is not None:
            rect = rect.united(self._shape.label_rect.adjusted(-2, -2, 2, 2))
        self._bounds = rect

    def _redraw(self, rect: QRectF) -> None:
        """The drawing inside `rect` (scene coordinates) changed."""
        if self.layer is not None:
            self.layer.redraw(rect)
        else:
            self.update()

    def redraw(self) -> None:
        """Draw this link again where it is (its selection changed)."""
        self._redraw(self._bounds)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        shape = stroker.createStroke(self.path())
        if self._shape is not None and self._shape.label_rect is not None:
            shape.addRect(self._shape.label_rect)
        return shape

    def paint(self, painter, option, widget=None) -> None:
        """Qt paints a link itself only when it has no layer."""
        self.draw(painter, option.exposedRect)

    def draw(self, painter, exposed: QRectF) -> None:
        """Draw the arrow; only the part of its shaft inside `exposed` (scene coordinates) is stroked."""
        if self._shape is not None:
            lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
            arrows.paint_link(painter, self._shape, self.link.kind, self.label,
                              self.isSelected() and not plain_render(self), exposed, lod)


class GroupItem(QGraphicsObject):
    """A translucent rounded rectangle around its members, with a title band.

    Only the title band and the border are hit targets, so dragging on the group's empty inside still
    draws a rubber band. Dragging the title moves the members (the scene does it)."""

    EMPTY_RECT = QRectF(-110, -70, 220, 140)

    def __init__(self, group: Group):
        super().__init__()
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
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        return True

    def set_drop_target(self, on: bool) -> None:
        if self._drop_target != on:
            self._drop_target = on
            self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

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
