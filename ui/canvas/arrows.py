"""
Geometry and painting of links: arrows between the borders of their ends' rectangles.

An arrow is a polyline. Straight links run from border to border through their bends (the link's
`waypoints`); orthogonal ones (`route="orthogonal"`) go from anchor to anchor (the ends' centres and
the bends) in horizontal and vertical segments. Either way the line is trimmed where it leaves the
source's rectangle and where it enters the target's. A pair of opposite straight links without bends
is drawn side by side (`offset`). An arrow's drawing is computed when its ends move (`LinkShape`), not
on every paint, and only the part of a long shaft inside the exposed area is stroked: a dense
1,000-component plan can have hundreds of long links crossing the view.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen, QPolygonF

from archplan.ui.canvas import style
from archplan.ui.canvas.painting import text_width

ARROW = 9.0
LINK_PENS = {
    "request": (Qt.PenStyle.SolidLine, 1.6),
    "async": (Qt.PenStyle.DashLine, 1.6),
    "replication": (Qt.PenStyle.DotLine, 1.8),
    "event": (Qt.PenStyle.DashDotLine, 1.6),
    "health": (Qt.PenStyle.DotLine, 1.0),
}


def clip_to_rect(inside: QPointF, outside: QPointF, rect: QRectF) -> QPointF:
    """Where the segment from `inside` (the rect's centre) towards `outside` leaves `rect`."""
    dx, dy = outside.x() - inside.x(), outside.y() - inside.y()
    if dx == 0 and dy == 0:
        return QPointF(inside)
    tx = (rect.width() / 2) / abs(dx) if dx else math.inf
    ty = (rect.height() / 2) / abs(dy) if dy else math.inf
    t = min(tx, ty, 1.0)
    return QPointF(inside.x() + dx * t, inside.y() + dy * t)


def link_line(source: QRectF, target: QRectF, offset: float = 0.0, gap: float = 2.0) -> QLineF | None:
    """The visible segment from the source's border to the target's border (None if they overlap).

    `offset` shifts the line sideways (opposite links between one pair are drawn apart)."""
    a, b = source.center(), target.center()
    if offset:
        length = math.hypot(b.x() - a.x(), b.y() - a.y()) or 1.0
        nx, ny = -(b.y() - a.y()) / length * offset, (b.x() - a.x()) / length * offset
        a, b = a + QPointF(nx, ny), b + QPointF(nx, ny)
    src_rect = QRectF(source.adjusted(-gap, -gap, gap, gap))
    dst_rect = QRectF(target.adjusted(-gap - 1, -gap - 1, gap + 1, gap + 1))
    if src_rect.intersects(dst_rect):  # touching or nested (a card inside its own group): nothing to draw
        return None
    src_rect.moveCenter(a)
    dst_rect.moveCenter(b)
    start = clip_to_rect(a, b, src_rect)
    end = clip_to_rect(b, a, dst_rect)
    line = QLineF(start, end)
    return line if line.length() > ARROW else None


def _exit_point(points: list[QPointF], rect: QRectF) -> tuple[int, QPointF] | None:
    """Walking the polyline from its start (inside `rect`): the segment where it leaves the rectangle and
    the point where it does; None if it never leaves."""
    for i in range(len(points) - 1):
        a, b = points[i], points[i + 1]
        if rect.contains(b):
            continue
        if not rect.contains(a):
            return i, QPointF(a)
        clipped = clip_line(QLineF(a, b), rect)   # the part inside: from a to the border
        return i, clipped.p2() if clipped is not None else QPointF(a)
    return None


def trim(points: Sequence[QPointF], source: QRectF, target: QRectF) -> list[QPointF] | None:
    """The polyline from where it leaves `source` to where it enters `target` (None when nothing is left)."""
    pts = [QPointF(p) for p in points]
    start = _exit_point(pts, source)
    if start is None:
        return None
    i, p = start
    pts = [p] + pts[i + 1:]
    end = _exit_point(pts[::-1], target)
    if end is None:
        return None
    j, q = end
    pts = pts[:len(pts) - 1 - j] + [q]
    out = [pts[0]]
    for point in pts[1:]:
        if QLineF(out[-1], point).length() > 0.01:
            out.append(point)
    if len(out) < 2 or _length(out) <= ARROW:
        return None
    return out


def _elbow(p: QPointF, q: QPointF, horizontal: bool) -> list[QPointF]:
    """p to q in right angles: across, along, across (a Z), starting horizontally or vertically."""
    if horizontal:
        mid = (p.x() + q.x()) / 2
        return [QPointF(mid, p.y()), QPointF(mid, q.y())]
    mid = (p.y() + q.y()) / 2
    return [QPointF(p.x(), mid), QPointF(q.x(), mid)]


#: A link end as (centre x, centre y, half width, half height), in scene coordinates.
Box = tuple[float, float, float, float]


def box_of(rect: QRectF) -> Box:
    return (rect.x() + rect.width() / 2, rect.y() + rect.height() / 2, rect.width() / 2, rect.height() / 2)


def _leave(cx: float, cy: float, hw: float, hh: float, ox: float, oy: float) -> tuple[float, float]:
    """Where the segment from the centre (cx, cy) towards (ox, oy) leaves a box of half sizes hw, hh."""
    dx, dy = ox - cx, oy - cy
    if dx == 0 and dy == 0:
        return cx, cy
    t = 1.0   # comparisons rather than min(): this runs twice for each of 10,000s of links
    if dx:
        tx = hw / (dx if dx > 0 else -dx)
        if tx < t:
            t = tx
    if dy:
        ty = hh / (dy if dy > 0 else -dy)
        if ty < t:
            t = ty
    return cx + dx * t, cy + dy * t


def straight_line(source: Box, target: Box, offset: float = 0.0, gap: float = 2.0
                  ) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """`link_line` on plain numbers (the common case, routed for every link of a plan as it opens:
    10,000s of them): the start and end points, or None."""
    ax, ay, ahw, ahh = source
    bx, by, bhw, bhh = target
    ahw, ahh, bhw, bhh = ahw + gap, ahh + gap, bhw + gap + 1, bhh + gap + 1
    if abs(ax - bx) < ahw + bhw and abs(ay - by) < ahh + bhh:
        return None     # touching or nested (a card inside its own group): nothing to draw
    if offset:
        length = math.hypot(bx - ax, by - ay) or 1.0
        nx, ny = -(by - ay) / length * offset, (bx - ax) / length * offset
        ax, ay, bx, by = ax + nx, ay + ny, bx + nx, by + ny
    start = _leave(ax, ay, ahw, ahh, bx, by)
    end = _leave(bx, by, bhw, bhh, ax, ay)
    if math.hypot(end[0] - start[0], end[1] - start[1]) <= ARROW:
        return None
    return start, end


def route_xy(source: Box, target: Box, waypoints: Sequence[tuple[float, float]] = (), orthogonal: bool = False,
             offset: float = 0.0) -> list[tuple[float, float]] | None:
    """`route_points` on plain numbers: the polyline as (x, y) pairs, or None."""
    if not waypoints and not orthogonal:
        line = straight_line(source, target, offset)
        return None if line is None else list(line)
    def rect(box: Box) -> QRectF:
        return QRectF(box[0] - box[2], box[1] - box[3], 2 * box[2], 2 * box[3])
    points = route_points(rect(source), rect(target), [QPointF(x, y) for x, y in waypoints], orthogonal, offset)
    return None if points is None else [(p.x(), p.y()) for p in points]


def route_points(source: QRectF, target: QRectF, waypoints: Sequence[QPointF] = (), orthogonal: bool = False,
                 offset: float = 0.0) -> list[QPointF] | None:
    """The drawn polyline of a link between two rectangles (scene coordinates), or None when there is
    nothing to draw (the ends overlap)."""
    if not waypoints and not orthogonal:
        line = link_line(source, target, offset)
        return None if line is None else [line.p1(), line.p2()]
    gap = 2.0
    src = source.adjusted(-gap, -gap, gap, gap)
    dst = target.adjusted(-gap - 1, -gap - 1, gap + 1, gap + 1)
    if not waypoints and src.intersects(dst):
        return None
    anchors = [source.center(), *(QPointF(p) for p in waypoints), target.center()]
    if orthogonal:
        points = [anchors[0]]
        for p, q in pairwise(anchors):
            horizontal = abs(q.x() - p.x()) >= abs(q.y() - p.y())
            points += _elbow(p, q, horizontal) + [q]
        anchors = points
    return trim(anchors, src, dst)


def _length(points: Sequence[QPointF]) -> float:
    return sum(QLineF(a, b).length() for a, b in pairwise(points))


def point_at(points: Sequence[QPointF], fraction: float) -> QPointF:
    """The point `fraction` (0..1) of the way along a polyline."""
    total = _length(points)
    goal = total * fraction
    for a, b in pairwise(points):
        step = QLineF(a, b).length()
        if goal <= step and step > 0:
            return QLineF(a, b).pointAt(goal / step)
        goal -= step
    return QPointF(points[-1])


def arrow_head(line: QLineF, size: float = ARROW) -> QPolygonF:
    angle = math.atan2(line.dy(), line.dx())
    tip = line.p2()
    left = tip - QPointF(math.cos(angle - 0.42) * size, math.sin(angle - 0.42) * size)
    right = tip - QPointF(math.cos(angle + 0.42) * size, math.sin(angle + 0.42) * size)
    return QPolygonF([tip, left, right])


def clip_span(x0: float, y0: float, dx: float, dy: float,
              box: tuple[float, float, float, float]) -> tuple[float, float] | None:
    """The parameters (t0, t1) in [0, 1] of the segment (x0, y0) + t (dx, dy) that lie inside the box
    (left, top, right, bottom), or None when it misses it (Liang-Barsky). Plain floats: the link layer's
    hit tests and the layout's routing call it in loops."""
    left, top, right, bottom = box
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            if t > t0:
                t0 = t
        elif t < t1:
            t1 = t
        if t0 > t1:
            return None
    return t0, t1


def clip_line(line: QLineF, rect: QRectF) -> QLineF | None:
    """The part of `line` inside `rect` (Liang-Barsky), or None."""
    span = clip_span(line.x1(), line.y1(), line.dx(), line.dy(),
                     (rect.left(), rect.top(), rect.right(), rect.bottom()))
    return None if span is None else QLineF(line.pointAt(span[0]), line.pointAt(span[1]))


_pens: dict[tuple[str, bool, bool, bool], tuple[QPen, QPen, QBrush]] = {}


def link_pens(kind: str, selected: bool, hairline: bool = False) -> tuple[QPen, QPen, QBrush]:
    """(shaft pen, arrow-head pen, arrow-head brush) for a link kind, built once (per theme)."""
    key = (kind, selected, hairline, style.DARK)
    if key not in _pens:
        style_, width = LINK_PENS.get(kind, LINK_PENS["request"])
        colour = style.LINK_HEALTH if kind == "health" else style.LINK_COLOUR
        colour = style.SELECTION if selected else colour
        # flat caps: round caps cost 5-10x more to stroke, and the arrow head covers the end anyway;
        # zoomed out, a 1-pixel cosmetic line is three times cheaper and looks the same
        shaft_width = 0 if hairline else width + (0.8 if selected else 0)
        shaft = QPen(colour, shaft_width, style_, Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.MiterJoin)
        head = QPen(colour, 0 if hairline else 1.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap,
                    Qt.PenJoinStyle.MiterJoin)
        _pens[key] = (shaft, head, QBrush(colour))
    return _pens[key]


def label_rect(centre: QPointF, text: str) -> QRectF:
    font = style.small_font()
    width = text_width(font, text) + 10
    rect = QRectF(0, 0, width, 16)
    rect.moveCenter(centre)
    return rect


class LinkShape:
    """The drawing of one arrow, computed when its ends move (not on every paint)."""

    __slots__ = ("head", "head_rect", "label_rect", "line", "points", "shafts")

    def __init__(self, points: Sequence[QPointF], kind: str, label: str):
        self.points = list(points)
        self.line = QLineF(self.points[0], self.points[-1])
        last = QLineF(self.points[-2], self.points[-1])
        shortened = QLineF(last.p1(), last.pointAt(max(0.0, 1 - (ARROW * 0.8) / max(last.length(), 1e-9))))
        self.shafts = [QLineF(a, b) for a, b in pairwise(self.points[:-1])] + [shortened]
        self.head = arrow_head(last, ARROW if kind != "health" else 7.0)
        self.head_rect = self.head.boundingRect()
        self.label_rect = label_rect(point_at(self.points, 0.5), label) if label else None

    def path(self) -> QPainterPath:
        path = QPainterPath(self.points[0])
        for point in self.points[1:]:
            path.lineTo(point)
        return path


def paint_link(painter: QPainter, shape: LinkShape, kind: str, label: str, selected: bool,
               exposed: QRectF | None = None, lod: float = 1.0) -> None:
    """Draw the arrow; only the part of the shaft inside `exposed` is stroked (long links crossing
    the view would otherwise be stroked over their whole length on every repaint)."""
    shafts = shape.shafts
    show_label = shape.label_rect is not None and lod >= 0.45
    if exposed is not None:
        area = exposed.adjusted(-4, -4, 4, 4)
        shafts = [s for s in (clip_line(s, area) for s in shafts) if s is not None]
        if not shafts and not area.intersects(shape.head_rect) \
                and not (show_label and area.intersects(shape.label_rect)):
            return  # a long link whose bounding box, but not its line, crosses the exposed area
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    shaft_pen, head_pen, head_brush = link_pens(kind, selected, hairline=lod < 0.6)
    if shafts:
        painter.setPen(shaft_pen)
        painter.drawLines(shafts)
    painter.setPen(head_pen)
    painter.setBrush(head_brush)
    painter.drawPolygon(shape.head)
    if show_label:
        rect = shape.label_rect
        painter.setPen(QPen(style.SELECTION if selected else style.CARD_BORDER, 1))
        painter.setBrush(style.LINK_LABEL_FILL)
        painter.drawRoundedRect(rect, 8, 8)
        painter.setPen(style.SELECTION if selected else style.MUTED)
        painter.setFont(style.small_font())
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
