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
from contextlib import contextmanager
from itertools import pairwise

import shiboken6
from PySide6.QtCore import QLineF, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QRegion, QTransform
from PySide6.QtWidgets import QGraphicsItem, QWidget

from archplan.ui.canvas.arrows import ARROW, clip_line, clip_span
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
#: What a changed link marks stale: pieces of its path at most this long (view pixels), padded by PAD.
PIECE_PX = 96.0
#: How far a link's drawing reaches beyond its line (arrow head, pen, antialiasing), in scene units.
PAD = ARROW + 4.0
#: A stale region in more pieces than this is tested as one rectangle.
MAX_PIECES = 64


def _whole(value: float) -> bool:
    return math.isclose(value, round(value), abs_tol=1e-6)


class _Segments:
    """Every drawn segment of every link (and the edges of its label), to find the links crossing a few
    small rectangles without asking each of 10,000s: a redraw draws only the links that really pass
    through what changed. Plain lists hold them; past NUMPY_FROM segments a numpy copy (kept in step)
    answers the queries, so small plans never load numpy before the window is on screen."""

    NUMPY_FROM = 2000

    def __init__(self):
        self.xy: list[tuple[float, float, float, float] | None] = []
        self.owner: list[LinkItem | None] = []
        self.free: list[int] = []
        self.rows: dict[LinkItem, list[int]] = {}
        self._array = None            # numpy mirror of xy (NaN for free rows), made when needed

    def _row(self) -> int:
        if self.free:
            return self.free.pop()
        self.xy.append(None)
        self.owner.append(None)
        self._array = None            # grown: the mirror is made again when next needed
        return len(self.xy) - 1

    def _set(self, row: int, segment, item) -> None:
        self.xy[row] = segment
        self.owner[row] = item
        if self._array is not None:
            self._array[row] = segment if segment is not None else (math.nan,) * 4

    def put(self, item: LinkItem, segments: list[tuple[float, float, float, float]]) -> None:
        rows = self.rows.get(item)
        if rows is None and len(segments) == 1 and self._array is None:   # a new straight link: most
            row = self.free.pop() if self.free else self._row()
            self.xy[row] = segments[0]
            self.owner[row] = item
            self.rows[item] = [row]
            return
        rows = rows or []
        while len(rows) < len(segments):
            rows.append(self._row())
        for row in rows[len(segments):]:
            self._set(row, None, None)
            self.free.append(row)
        rows = rows[:len(segments)]
        for row, segment in zip(rows, segments):
            self._set(row, segment, item)
        if rows:
            self.rows[item] = rows
        else:
            self.rows.pop(item, None)

    def remove(self, item: LinkItem) -> None:
        self.put(item, [])

    def crossing(self, rects: list[tuple[float, float, float, float]], pad: float) -> set[LinkItem]:
        """The links with a segment within `pad` of one of the rectangles (left, top, right, bottom)."""
        if not rects or not self.xy:
            return set()
        if len(self.xy) >= self.NUMPY_FROM:
            return self._crossing_numpy(rects, pad)
        grown = [(r[0] - pad, r[1] - pad, r[2] + pad, r[3] + pad) for r in rects]
        found = set()
        for segment, item in zip(self.xy, self.owner):
            if segment is not None and item not in found and any(_clip(segment, box) for box in grown):
                found.add(item)
        return found

    def _crossing_numpy(self, rects, pad: float) -> set[LinkItem]:
        import numpy as np

        if self._array is None:
            self._array = np.array([s if s is not None else (math.nan,) * 4 for s in self.xy], dtype=float)
        xy = self._array
        left = min(r[0] for r in rects) - pad
        top = min(r[1] for r in rects) - pad
        right = max(r[2] for r in rects) + pad
        bottom = max(r[3] for r in rects) + pad
        x1, y1, x2, y2 = xy[:, 0], xy[:, 1], xy[:, 2], xy[:, 3]
        with np.errstate(invalid="ignore"):
            near = ((np.minimum(x1, x2) <= right) & (np.maximum(x1, x2) >= left)
                    & (np.minimum(y1, y2) <= bottom) & (np.maximum(y1, y2) >= top))
        rows = np.nonzero(near)[0]
        if len(rows):
            sub = xy[rows]
            hit = np.zeros(len(rows), dtype=bool)
            for rect in rects:
                hit |= _clips(sub, rect, pad)
            rows = rows[hit]
        owner = self.owner
        return {owner[r] for r in rows.tolist()}


def _clip(segment: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    """Does the segment pass through the box (left, top, right, bottom)? (Liang-Barsky.)"""
    x1, y1, x2, y2 = segment
    left, top, right, bottom = box
    if max(x1, x2) < left or min(x1, x2) > right or max(y1, y2) < top or min(y1, y2) > bottom:
        return False
    return clip_span(x1, y1, x2 - x1, y2 - y1, box) is not None


def _clips(xy, rect: tuple[float, float, float, float], pad: float):
    """Which segments (numpy rows x1, y1, x2, y2) pass through the rectangle grown by `pad`."""
    import numpy as np

    left, top, right, bottom = rect[0] - pad, rect[1] - pad, rect[2] + pad, rect[3] + pad
    x1, y1 = xy[:, 0], xy[:, 1]
    dx, dy = xy[:, 2] - x1, xy[:, 3] - y1
    t0 = np.zeros(len(xy))
    t1 = np.ones(len(xy))
    out = np.zeros(len(xy), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
            out |= (p == 0) & (q < 0)
            t = q / p
            t0 = np.where(p < 0, np.maximum(t0, t), t0)
            t1 = np.where(p > 0, np.minimum(t1, t), t1)
    return ~out & (t0 <= t1)


def _segments_of(item: LinkItem) -> list[tuple[float, float, float, float]]:
    points = item.route()
    if not points:
        return []
    if len(points) == 2 and not item.label:
        (x1, y1), (x2, y2) = points
        return [(x1, y1, x2, y2)]
    segments = [(a[0], a[1], b[0], b[1]) for a, b in pairwise(points)]
    label = item.label_box()
    if label is not None:
        left, top, right, bottom = label
        segments += [(left, top, right, top), (right, top, right, bottom), (left, bottom, right, bottom),
                     (left, top, left, bottom)]
    return segments


class LinkLayer(QGraphicsItem):
    """Draws the scene's links (LinkItems draw nothing themselves), from an image per view."""

    def __init__(self):
        super().__init__()
        self._bounds = QRectF()
        self._views: dict[tuple[int, float], _ViewImage] = {}
        self._segments = _Segments()
        self._order: dict[LinkItem, int] = {}   # stacking order of equal z: the order links were added
        self._count = 0
        self._held: list[float] | None = None   # while `held`: the area changed, [left, top, right, bottom]
        self.setZValue(Z_LINK)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    # ------------------------------------------------------------------ what links tell the layer
    @contextmanager
    def held(self):
        """Collect changes (a plan being built: thousands of links) and draw their area once at the end."""
        self._held = [math.inf, math.inf, -math.inf, -math.inf]
        try:
            yield
        finally:
            (left, top, right, bottom), self._held = self._held, None
            if right > left and bottom > top:
                self.redraw(QRectF(left, top, right - left, bottom - top))

    def changed(self, item: LinkItem, before: list[tuple[float, float]] | None,
                before_label: tuple[float, float, float, float] | None) -> None:
        """A link's route or label changed (from `before`): index it again, redraw where it was and is."""
        if item not in self._order:
            self._order[item] = self._count
            self._count += 1
        segments = _segments_of(item)
        self._segments.put(item, segments)
        if self._held is not None:   # a plan being built: its extent, from the segments (no Qt call)
            held = self._held
            for x1, y1, x2, y2 in segments:
                left, right = (x1, x2) if x1 < x2 else (x2, x1)
                top, bottom = (y1, y2) if y1 < y2 else (y2, y1)
                if left - PAD < held[0]:
                    held[0] = left - PAD
                if top - PAD < held[1]:
                    held[1] = top - PAD
                if right + PAD > held[2]:
                    held[2] = right + PAD
                if bottom + PAD > held[3]:
                    held[3] = bottom + PAD
            return
        self._grow(item.boundingRect())
        self._mark_path(before, before_label)
        self._mark_path(item.route(), item.label_box())

    def restyled(self, item: LinkItem) -> None:
        """A link is drawn differently where it is (its selection changed)."""
        self._mark_path(item.route(), item.label_box())

    def removed(self, item: LinkItem) -> None:
        self._segments.remove(item)
        self._order.pop(item, None)
        self._mark_path(item.route(), item.label_box())

    def redraw(self, rect: QRectF) -> None:
        """Everything drawn inside `rect` (scene coordinates) is drawn again."""
        if rect.isEmpty():
            return
        if self._held is not None:
            self._hold(rect)
            return
        self._grow(rect)
        for view in self._views.values():
            view.mark(rect)
        self.update(rect)

    def _hold(self, rect: QRectF) -> None:
        held = self._held
        left, top, width, height = rect.getRect()
        if left < held[0]:
            held[0] = left
        if top < held[1]:
            held[1] = top
        if left + width > held[2]:
            held[2] = left + width
        if top + height > held[3]:
            held[3] = top + height

    def _grow(self, rect: QRectF) -> None:
        if not rect.isEmpty() and not self._bounds.contains(rect):
            self.prepareGeometryChange()
            self._bounds = self._bounds.united(rect) if not self._bounds.isEmpty() else QRectF(rect)

    def _mark_path(self, points, label) -> None:
        """Mark stale, in every view, small padded pieces along a path (and its label): only what a
        changed link touches is drawn again, not its whole (for a long link, huge) bounding box."""
        if not points or not self._views:
            return
        pieces: list[QRectF] = []
        for view in self._views.values():
            inverse, _ok = view.transform.inverted()
            seen = inverse.mapRect(QRectF(view.rect)).adjusted(-PAD, -PAD, PAD, PAD)
            step = PIECE_PX / max(view.transform.m11(), 1e-6)
            for a, b in pairwise(points):
                visible = clip_line(QLineF(a[0], a[1], b[0], b[1]), seen)
                if visible is None:
                    continue
                count = max(1, math.ceil(visible.length() / step))
                for k in range(count):
                    p, q = visible.pointAt(k / count), visible.pointAt((k + 1) / count)
                    piece = QRectF(p, q).normalized().adjusted(-PAD, -PAD, PAD, PAD)
                    view.mark(piece)
                    pieces.append(piece)
            if label is not None:
                rect = QRectF(label[0], label[1], label[2] - label[0], label[3] - label[1]).adjusted(-2, -2, 2, 2)
                view.mark(rect)
                pieces.append(rect)
        for piece in pieces:
            self.update(piece)

    # ------------------------------------------------------------------ Qt
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

    def links_in(self, rects: list[QRectF]) -> list[LinkItem]:
        """The visible links passing through these rectangles (scene coordinates), in stacking order."""
        boxes = [(r.left(), r.top(), r.right(), r.bottom()) for r in rects]
        found = self._segments.crossing(boxes, PAD)
        order = self._order
        return sorted((item for item in found if item.isVisible()), key=lambda item: order.get(item, 0))

    def draw(self, painter: QPainter, exposed: QRectF, pieces: list[QRectF] | None = None) -> None:
        """Draw every link crossing `exposed` (or the `pieces` inside it), in stacking order."""
        for item in self.links_in(pieces or [exposed]):
            if item.drawing is not None:
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
        inverse, _ok = view.transform.inverted()
        rects = list(todo)
        pieces = [inverse.mapRect(QRectF(r)) for r in rects] if len(rects) <= MAX_PIECES else None
        with QPainter(view.image) as painter:
            painter.setRenderHints(hints)
            painter.setClipRegion(todo)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.fillRect(todo.boundingRect(), QColor(Qt.GlobalColor.transparent))
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            painter.setWorldTransform(view.transform)
            self.draw(painter, inverse.mapRect(QRectF(todo.boundingRect())), pieces)
