"""
Icons drawn in code: the application icon and the few toolbar glyphs QStyle has no standard icon
for (zoom, fit, layout, group, duplicate). Drawn once at 2x so they stay crisp on HiDPI screens.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

ACCENT = QColor("#2563eb")
INK = QColor("#334155")


def _canvas(size: int) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    pixmap.setDevicePixelRatio(2.0)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


@cache
def app_icon() -> QIcon:
    """Three connected boxes on a blue tile: an architecture at a glance."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        pixmap, p = _canvas(size)
        s = size / 64.0
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ACCENT)
        p.drawRoundedRect(QRectF(2 * s, 2 * s, 60 * s, 60 * s), 13 * s, 13 * s)
        p.setPen(QPen(QColor("#dbeafe"), 3.2 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(22 * s, 21 * s), QPointF(42 * s, 21 * s))
        p.drawLine(QPointF(22 * s, 21 * s), QPointF(32 * s, 43 * s))
        p.drawLine(QPointF(42 * s, 21 * s), QPointF(32 * s, 43 * s))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#ffffff"))
        for x, y in ((13, 13), (35, 13), (24, 36)):
            p.drawRoundedRect(QRectF(x * s, y * s, 16 * s, 14 * s), 3 * s, 3 * s)
        p.end()
        icon.addPixmap(pixmap)
    return icon


def _glyph(draw) -> QIcon:
    pixmap, p = _canvas(24)
    pen = QPen(INK, 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    draw(p)
    p.end()
    return QIcon(pixmap)


def _magnifier(p: QPainter, sign: str) -> None:
    p.drawEllipse(QRectF(3.5, 3.5, 12, 12))
    p.drawLine(QPointF(14, 14), QPointF(20.5, 20.5))
    p.drawLine(QPointF(6.5, 9.5), QPointF(12.5, 9.5))
    if sign == "+":
        p.drawLine(QPointF(9.5, 6.5), QPointF(9.5, 12.5))


def _fit(p: QPainter) -> None:
    for x, y, dx, dy in ((3, 3, 1, 1), (21, 3, -1, 1), (3, 21, 1, -1), (21, 21, -1, -1)):
        path = QPainterPath(QPointF(x, y + 5 * dy))
        path.lineTo(QPointF(x, y))
        path.lineTo(QPointF(x + 5 * dx, y))
        p.drawPath(path)
    p.setBrush(QColor("#bfdbfe"))
    p.drawRoundedRect(QRectF(7.5, 8.5, 9, 7), 1.5, 1.5)


def _layout(p: QPainter) -> None:
    p.setBrush(QColor("#bfdbfe"))
    for x, y in ((3, 4), (3, 14), (15, 9)):
        p.drawRoundedRect(QRectF(x, y, 6, 6), 1.5, 1.5)
    p.drawLine(QPointF(9, 7), QPointF(15, 12))
    p.drawLine(QPointF(9, 17), QPointF(15, 12))


def _group(p: QPainter) -> None:
    p.setPen(QPen(INK, 1.5, Qt.PenStyle.DashLine))
    p.drawRoundedRect(QRectF(2.5, 3.5, 19, 17), 3, 3)
    p.setPen(QPen(INK, 1.6))
    p.setBrush(QColor("#bfdbfe"))
    p.drawRoundedRect(QRectF(6, 8, 5, 5), 1, 1)
    p.drawRoundedRect(QRectF(13, 11, 5, 5), 1, 1)


def _duplicate(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(3.5, 3.5, 11, 11), 2, 2)
    p.setBrush(QColor("#bfdbfe"))
    p.drawRoundedRect(QRectF(9.5, 9.5, 11, 11), 2, 2)


GLYPHS = {
    "zoom_in": lambda p: _magnifier(p, "+"),
    "zoom_out": lambda p: _magnifier(p, "-"),
    "zoom_fit": _fit,
    "auto_layout": _layout,
    "group": _group,
    "duplicate": _duplicate,
}


@cache
def glyph(name: str) -> QIcon:
    return _glyph(GLYPHS[name])
