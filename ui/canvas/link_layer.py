"""
The layer that draws every link of the canvas, kept per view as an image the size of the viewport.

A dense plan has hundreds of long links crossing the view, and stroking them costs ~25 ms each time
the whole view repaints, far more than the cards (which blit their own cached pixmaps). Most repaints
change no link: a badge after a recompute, a renamed or hovered card, an expose. So one item draws all
links into an image per view and blits it; a link whose drawing changes (route, label, kind, selection,
removal) marks only its own rectangle for redrawing (`redraw`), and every link crossing that rectangle
is drawn again there, in stacking order. A scroll moves the image and draws only the newly shown strip;
a zoom draws it all again.

Why not Qt's DeviceCoordinateCache on this item: for an item larger than the view, Qt redraws an
invalidated area into a pixmap as large as that area (thousands of pixels tall for a long link), and
the raster engine's antialiasing of a long, nearly vertical line drawn that far into a device lands up
to a tenth of a pixel away from the same line drawn in the view: the redrawn part visibly differed from
the rest. Its pixmaps also live in QPixmapCache (10 MB by default), which a viewport-sized one can
overflow. Here the image is the viewport's size and a redraw is clipped to it, like Qt's own repaint of
a part of the view.

Renders without a view (scene.render: image export) and plain renders draw the links directly, as
vectors. The LinkItems stay the hit targets (selection, rubber band, tooltips).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QRegion, QTransform
from PySide6.QtWidgets import QGraphicsItem, QWidget

from archplan.ui.canvas.items import Z_LINK, LinkItem, plain_render


class _ViewImage:
    """The links as one view shows them: an image of its viewport, what is stale in it, and the
    transform (scene -> viewport) it was drawn with."""

    __slots__ = ("image", "rect", "stale", "transform", "widget")

    def __init__(self, widget: QWidget, size, ratio: float, transform: QTransform):
        self.widget = widget          # held, so its id (the key) is not reused while this lives
        self.image = QImage(round(size.width() * ratio), round(size.height() * ratio),
                            QImage.Format.Format_ARGB32_Premultiplied)
        self.image.setDevicePixelRatio(ratio)
        self.rect = QRect(QPoint(0, 0), size)           # viewport (logical) pixels
        self.transform = transform
        self.stale = QRegion(self.rect)

    def follow(self, transform: QTransform) -> None:
        """The view scrolled or zoomed: keep what is still valid (a scroll by whole pixels moves it)."""
        old = self.transform
        if transform == old:
            return
        dx, dy = transform.dx() - old.dx(), transform.dy() - old.dy()
        same_scale = (transform.m11(), transform.m12(), transform.m21(), transform.m22()) == \
                     (old.m11(), old.m12(), old.m21(), old.m22())
        self.transform = transform
        if not (same_scale and _whole(dx) and _whole(dy)):
            self.stale = QRegion(self.rect)
            return
        shift = QPoint(round(dx), round(dy))
        moved = QImage(self.image.size(), self.image.format())
        moved.setDevicePixelRatio(self.image.devicePixelRatio())
        moved.fill(Qt.GlobalColor.transparent)
        with QPainter(moved) as painter:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.drawImage(shift, self.image)
        self.image = moved
        kept = QRegion(self.rect.translated(shift)).intersected(self.rect)
        shown = QRegion(self.rect).subtracted(kept)                 # the strip the scroll brought in
        self.stale = self.stale.translated(shift).intersected(self.rect).united(shown)

    def mark(self, scene_rect: QRectF) -> None:
        area = self.transform.mapRect(scene_rect).toAlignedRect().adjusted(-2, -2, 2, 2)
        self.stale = self.stale.united(area.intersected(self.rect))


#: Transforms beyond a scale (rotation, shear, projection) are drawn directly, uncached.
_SCALE = QTransform.TransformationType.TxScale.value


def _whole(value: float) -> bool:
    return math.isclose(value, round(value), abs_tol=1e-6)


class LinkLayer(QGraphicsItem):
    """Draws the scene's links (LinkItems draw nothing themselves), from an image per view."""

    def __init__(self, links: Mapping[str, LinkItem]):
        super().__init__()
        self._links = links           # the scene's links in insertion order: Qt's order for equal z
        self._bounds = QRectF()
        self._views: dict[tuple[int, float], _ViewImage] = {}
        self._held: list[float] | None = None   # while `held`: the area changed, [left, top, right, bottom]
        self.setZValue(Z_LINK)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    @contextmanager
    def held(self):
        """Collect redraws (a plan being built: thousands of links) and draw their area once at the end."""
        self._held = [math.inf, math.inf, -math.inf, -math.inf]
        try:
            yield
        finally:
            (left, top, right, bottom), self._held = self._held, None
            if right > left and bottom > top:
                self.redraw(QRectF(left, top, right - left, bottom - top))

    def redraw(self, rect: QRectF) -> None:
        """The links' drawing inside `rect` (scene coordinates) changed: draw it again."""
        if rect.isEmpty():
            return
        held = self._held
        if held is not None:
            held[0], held[1] = min(held[0], rect.left()), min(held[1], rect.top())
            held[2], held[3] = max(held[2], rect.right()), max(held[3], rect.bottom())
            return
        if not self._bounds.contains(rect):
            self.prepareGeometryChange()
            self._bounds = self._bounds.united(rect) if not self._bounds.isEmpty() else QRectF(rect)
        for view in self._views.values():
            view.mark(rect)
        self.update(rect)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return QPainterPath()         # never a hit target

    def paint(self, painter: QPainter, option, widget: QWidget | None = None) -> None:
        exposed = option.exposedRect
        transform = painter.worldTransform()
        if widget is None or plain_render(self) or transform.type().value > _SCALE:
            self.draw(painter, exposed)   # an export or a render of the scene itself: vectors
            return
        view = self._view_image(widget, painter.device().devicePixelRatioF(), transform)
        area = transform.mapRect(exposed).toAlignedRect().intersected(view.rect)
        todo = view.stale.intersected(area)
        if not todo.isEmpty():
            self._draw_into(view, todo, painter.renderHints())
            view.stale = view.stale.subtracted(todo)
        ratio = view.image.devicePixelRatio()
        source = QRectF(area.x() * ratio, area.y() * ratio, area.width() * ratio, area.height() * ratio)
        painter.save()
        painter.setWorldTransform(QTransform())
        painter.drawImage(QRectF(area), view.image, source)
        painter.restore()

    def draw(self, painter: QPainter, exposed: QRectF) -> None:
        """Draw every link crossing `exposed` (scene coordinates), in stacking order."""
        for item in self._links.values():
            if item.boundingRect().intersects(exposed) and item.isVisible() and item.drawing is not None:
                item.draw(painter, exposed)

    def _view_image(self, widget: QWidget, ratio: float, transform: QTransform) -> _ViewImage:
        key = (id(widget), ratio)
        view = self._views.get(key)
        if view is None or view.rect.size() != widget.size():
            if view is None:  # a new view: forget those whose widget is gone
                for gone in [k for k, v in self._views.items() if not shiboken6.isValid(v.widget)]:
                    del self._views[gone]
            view = self._views[key] = _ViewImage(widget, widget.size(), ratio, transform)
        else:
            view.follow(transform)
        return view

    def _draw_into(self, view: _ViewImage, todo: QRegion, hints) -> None:
        with QPainter(view.image) as painter:
            painter.setRenderHints(hints)
            painter.setClipRegion(todo)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.fillRect(todo.boundingRect(), QColor(Qt.GlobalColor.transparent))
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            painter.setWorldTransform(view.transform)
            inverse, _ok = view.transform.inverted()
            self.draw(painter, inverse.mapRect(QRectF(todo.boundingRect())))
