"""
Geometry and painting of links: straight arrows between the borders of their ends' rectangles.

A pair of opposite links is drawn side by side (`offset`). An arrow's drawing is computed when its ends
move (`LinkShape`), not on every paint, and only the part of a long shaft inside the exposed area is
stroked: a dense 1,000-component plan can have hundreds of long links crossing the view.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen, QPolygonF

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


def arrow_head(line: QLineF, size: float = ARROW) -> QPolygonF:
    angle = math.atan2(line.dy(), line.dx())
    tip = line.p2()
    left = tip - QPointF(math.cos(angle - 0.42) * size, math.sin(angle - 0.42) * size)
    right = tip - QPointF(math.cos(angle + 0.42) * size, math.sin(angle + 0.42) * size)
    return QPolygonF([tip, left, right])


def clip_line(line: QLineF, rect: QRectF) -> QLineF | None:
    """The part of `line` inside `rect` (Liang-Barsky), or None."""
    x0, y0, dx, dy = line.x1(), line.y1(), line.dx(), line.dy()
    t0, t1 = 0.0, 1.0
    bounds = ((-dx, x0 - rect.left()), (dx, rect.right() - x0),
              (-dy, y0 - rect.top()), (dy, rect.bottom() - y0))
    for p, q in bounds:
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return QLineF(line.pointAt(t0), line.pointAt(t1))


_pens: dict[tuple[str, bool, bool], tuple[QPen, QPen, QBrush]] = {}


def link_pens(kind: str, selected: bool, hairline: bool = False) -> tuple[QPen, QPen, QBrush]:
    """(shaft pen, arrow-head pen, arrow-head brush) for a link kind, built once."""
    key = (kind, selected, hairline)
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


def label_rect(line: QLineF, text: str) -> QRectF:
    font = style.small_font()
    width = text_width(font, text) + 10
    rect = QRectF(0, 0, width, 16)
    rect.moveCenter(line.center())
    return rect


class LinkShape:
    """The drawing of one arrow, computed when its ends move (not on every paint)."""

    __slots__ = ("head", "head_rect", "label_rect", "line", "shaft")

    def __init__(self, line: QLineF, kind: str, label: str):
        self.line = line
        self.shaft = QLineF(line.p1(), line.pointAt(max(0.0, 1 - (ARROW * 0.8) / max(line.length(), 1e-9))))
        self.head = arrow_head(line, ARROW if kind != "health" else 7.0)
        self.head_rect = self.head.boundingRect()
        self.label_rect = label_rect(line, label) if label else None


def paint_link(painter: QPainter, shape: LinkShape, kind: str, label: str, selected: bool,
               exposed: QRectF | None = None, lod: float = 1.0) -> None:
    """Draw the arrow; only the part of the shaft inside `exposed` is stroked (long links crossing
    the view would otherwise be stroked over their whole length on every repaint)."""
    shaft = shape.shaft
    show_label = shape.label_rect is not None and lod >= 0.45
    if exposed is not None:
        area = exposed.adjusted(-4, -4, 4, 4)
        shaft = clip_line(shaft, area)
        if shaft is None and not area.intersects(shape.head_rect) \
                and not (show_label and area.intersects(shape.label_rect)):
            return  # a long link whose bounding box, but not its line, crosses the exposed area
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    shaft_pen, head_pen, head_brush = link_pens(kind, selected, hairline=lod < 0.6)
    if shaft is not None:
        painter.setPen(shaft_pen)
        painter.drawLine(shaft)
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
