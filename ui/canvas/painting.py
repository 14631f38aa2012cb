"""
Geometry and painting of canvas items, kept apart from their behaviour (items.py).

A card is laid out around its centre (the component's position):

    [icon]  Name                          (!)      <- SPOF marker
            Kind label              need 5         <- a fixed count below the recommended one
    1.76K QPS  x3               ▮▮▮▯ 62 %          <- badge row: peak QPS, count, utilisation

Groups are translucent rounded frames with a title band. Links are drawn by arrows.py. Every text
width is measured once and cached: 1,000 cards must paint in well under a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from archplan.ui.canvas import style
from archplan.ui.canvas.icons import render_icon

if TYPE_CHECKING:
    from archplan.ui.canvas.badges import Badge

# ------------------------------------------------------------------------------------------ card geometry
W, H = style.CARD_W, style.CARD_H
CARD_RECT = QRectF(-W / 2, -H / 2, W, H)
PAD = 12.0
TILE_RECT = QRectF(-W / 2 + PAD, -H / 2 + PAD, 36, 36)
TEXT_X = TILE_RECT.right() + 10
NAME_RECT = QRectF(TEXT_X, -H / 2 + 11, W / 2 - PAD - TEXT_X, 18)
KIND_RECT = QRectF(TEXT_X, -H / 2 + 30, W / 2 - PAD - TEXT_X, 16)
ROW_RECT = QRectF(-W / 2 + PAD, H / 2 - 27, W - 2 * PAD, 17)
SPOF_RECT = QRectF(W / 2 - PAD - 15, -H / 2 + 12, 15, 14)
HANDLE_CENTRE = QPointF(W / 2, 0)
HANDLE_RADIUS = 7.0
TAG_H = 16.0
#: Everything a card may paint: shadow, selection glow, bottleneck tag, connection handle.
CARD_BOUNDS = CARD_RECT.adjusted(-6, -TAG_H / 2 - 3, HANDLE_RADIUS + 3, 7)

LEVEL_COLOURS = {"ok": style.UTIL_OK, "warn": style.UTIL_WARN, "over": style.UTIL_OVER,
                 "none": style.UTIL_NONE}

_metrics: dict[int, QFontMetricsF] = {}
_widths: dict[tuple[int, str], float] = {}
_elided: dict[tuple[int, str, int], str] = {}


def text_width(font: QFont, text: str) -> float:
    key = (id(font), text)
    if key not in _widths:
        _widths[key] = _fm(font).horizontalAdvance(text)
    return _widths[key]


def elided(font: QFont, text: str, width: float) -> str:
    key = (id(font), text, int(width))
    if key not in _elided:
        _elided[key] = _fm(font).elidedText(text, Qt.TextElideMode.ElideRight, width)
    return _elided[key]


def _fm(font: QFont) -> QFontMetricsF:
    if id(font) not in _metrics:
        _metrics[id(font)] = QFontMetricsF(font)
    return _metrics[id(font)]


def card_path(rect: QRectF = CARD_RECT, radius: float = style.CARD_RADIUS) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    return path


_CARD_PATH = None


def _card_path() -> QPainterPath:
    global _CARD_PATH
    if _CARD_PATH is None:
        _CARD_PATH = card_path()
    return _CARD_PATH


# ------------------------------------------------------------------------------------------ card painting
class CardState:
    """What a card shows; items.ComponentItem fills it in."""

    __slots__ = (
        "badge",
        "category",
        "drop_target",
        "hovered",
        "icon",
        "kind_label",
        "name",
        "plain",
        "selected",
    )

    def __init__(self):
        self.name = ""
        self.kind_label = ""
        self.category = ""
        self.icon = ""
        self.badge: Badge | None = None
        self.selected = False
        self.hovered = False
        self.drop_target = False
        self.plain = False          # image export: no hover/handle decorations


def paint_card(painter: QPainter, s: CardState) -> None:
    badge = s.badge
    accent = style.category_colour(s.category)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = _card_path()

    # soft shadow: two offset layers read as elevation without a blur effect
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.SHADOW)
    painter.drawRoundedRect(CARD_RECT.translated(0, 2.5), style.CARD_RADIUS, style.CARD_RADIUS)
    painter.drawRoundedRect(CARD_RECT.adjusted(-1, 0, 1, 4.5), style.CARD_RADIUS + 1, style.CARD_RADIUS + 1)

    if s.selected and not s.plain:  # a soft halo and a ring outside the border (visible on a red border too)
        painter.setBrush(style.tint(style.SELECTION, 34))
        halo = style.CARD_RADIUS + 5
        painter.drawRoundedRect(CARD_RECT.adjusted(-5, -5, 5, 5), halo, halo)
        painter.setPen(QPen(style.SELECTION, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(CARD_RECT.adjusted(-3.5, -3.5, 3.5, 3.5), style.CARD_RADIUS + 3.5,
                                style.CARD_RADIUS + 3.5)
        painter.setPen(Qt.PenStyle.NoPen)

    painter.setBrush(style.CARD_FILL)
    painter.drawPath(path)
    # category accent along the left edge, clipped to the rounded card
    painter.save()
    painter.setClipPath(path)
    painter.fillRect(QRectF(CARD_RECT.left(), CARD_RECT.top(), 4, H), accent)
    painter.restore()

    bottleneck = badge is not None and badge.bottleneck
    if bottleneck:
        pen = QPen(style.bottleneck_colour(badge.level), 2.5)
    elif s.drop_target and not s.plain:
        pen = QPen(style.SELECTION, 2, Qt.PenStyle.DashLine)
    elif s.selected and not s.plain:
        pen = QPen(style.SELECTION, 2)
    elif s.hovered and not s.plain:
        pen = QPen(style.HOVER, 1.5)
    else:
        pen = QPen(style.CARD_BORDER, 1)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)

    # icon tile
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.tint(accent, 26))
    painter.drawRoundedRect(TILE_RECT, 8, 8)
    if not render_icon(painter, s.icon, TILE_RECT.adjusted(5, 5, -5, -5)):
        painter.setPen(accent)
        painter.setFont(style.font(15, 700))
        painter.drawText(TILE_RECT, Qt.AlignmentFlag.AlignCenter, (s.kind_label or "?")[:1])

    spof = badge is not None and bool(badge.spof)
    name_width = NAME_RECT.width() - (SPOF_RECT.width() + 6 if spof else 0)
    painter.setPen(style.INK)
    painter.setFont(style.name_font())
    painter.drawText(QRectF(NAME_RECT.x(), NAME_RECT.y(), name_width, NAME_RECT.height()),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     elided(style.name_font(), s.name, name_width))

    kind_width = KIND_RECT.width()
    if badge is not None and badge.need_text:
        anchor = QPointF(KIND_RECT.right(), KIND_RECT.center().y())
        chip_w = _chip(painter, badge.need_text, anchor, style.SHORT, align_right=True, strong=True)
        kind_width -= chip_w + 6
    painter.setPen(style.MUTED)
    painter.setFont(style.kind_font())
    painter.drawText(QRectF(KIND_RECT.x(), KIND_RECT.y(), kind_width, KIND_RECT.height()),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     elided(style.kind_font(), s.kind_label, kind_width))

    if badge is not None:
        _paint_badge_row(painter, badge)
        if spof:
            paint_warning_triangle(painter, SPOF_RECT)
        if bottleneck:
            _paint_tag(painter, "BOTTLENECK", style.bottleneck_colour(badge.level))

    if s.hovered and not s.plain:
        painter.setPen(QPen(style.SELECTION, 1.5))
        painter.setBrush(style.CARD_FILL)
        painter.drawEllipse(HANDLE_CENTRE, HANDLE_RADIUS, HANDLE_RADIUS)
        painter.drawLine(HANDLE_CENTRE + QPointF(-3, 0), HANDLE_CENTRE + QPointF(3, 0))
        painter.drawLine(HANDLE_CENTRE + QPointF(0, -3), HANDLE_CENTRE + QPointF(0, 3))


def paint_card_overview(painter: QPainter, s: CardState) -> None:
    """A card seen from far away (text would be unreadable): shape, category, load colour, marks."""
    badge = s.badge
    accent = style.category_colour(s.category)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    bottleneck = badge is not None and badge.bottleneck
    if bottleneck:
        pen = QPen(style.bottleneck_colour(badge.level), 5)
    elif s.selected and not s.plain:
        pen = QPen(style.SELECTION, 4)
    else:
        pen = QPen(style.CARD_BORDER, 2)
    painter.setPen(pen)
    painter.setBrush(style.CARD_FILL)
    painter.drawRoundedRect(CARD_RECT, style.CARD_RADIUS, style.CARD_RADIUS)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.tint(accent, 60))
    painter.drawRoundedRect(TILE_RECT, 8, 8)
    name_bar = QRectF(TEXT_X, NAME_RECT.y() + 3, NAME_RECT.width() * 0.8, 12)
    painter.fillRect(name_bar, style.tint(style.INK, 40))
    if badge is not None and badge.level != "none":
        load_bar = QRectF(ROW_RECT.left(), ROW_RECT.top() + 3, ROW_RECT.width(), 10)
        painter.fillRect(load_bar, LEVEL_COLOURS[badge.level])
    if badge is not None and badge.spof:
        paint_warning_triangle(painter, SPOF_RECT.adjusted(-6, -4, 2, 4))


def _paint_badge_row(painter: QPainter, badge: Badge) -> None:
    row = ROW_RECT
    cy = row.center().y()
    font = style.badge_font()
    x = row.left()
    painter.setFont(font)
    painter.setPen(style.INK if badge.qps_text != "–" else style.FAINT)
    qps_w = text_width(font, badge.qps_text)
    painter.drawText(QRectF(x, row.top(), qps_w + 2, row.height()), Qt.AlignmentFlag.AlignVCenter,
                     badge.qps_text)
    x += qps_w + 8
    if badge.count_text:
        colour = style.SHORT if badge.need_text else style.MUTED
        x += _chip(painter, badge.count_text, QPointF(x, cy), colour, strong=bool(badge.need_text)) + 6
    if badge.level == "none" or badge.utilisation is None:
        return
    colour = LEVEL_COLOURS[badge.level]
    pct_w = text_width(font, badge.util_text)
    right = row.right()
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawText(QRectF(right - pct_w - 1, row.top(), pct_w + 2, row.height()),
                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, badge.util_text)
    bar_w = 30.0
    bar_right = right - pct_w - 5
    if bar_right - bar_w < x:      # no room: the percentage alone says it
        return
    bar = QRectF(bar_right - bar_w, cy - 2.5, bar_w, 5)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.BAR_TRACK)
    painter.drawRoundedRect(bar, 2.5, 2.5)
    fill = bar.adjusted(0, 0, -bar_w * (1 - min(1.0, max(0.04, badge.utilisation))), 0)
    painter.setBrush(colour)
    painter.drawRoundedRect(fill, 2.5, 2.5)


def _chip(painter: QPainter, text: str, anchor: QPointF, colour: QColor, align_right: bool = False,
          strong: bool = False) -> float:
    """A small rounded label; returns its width. `anchor` is its left (or right) middle."""
    font = style.small_font()
    width = text_width(font, text) + 10
    left = anchor.x() - width if align_right else anchor.x()
    rect = QRectF(left, anchor.y() - 8, width, 16)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.tint(colour, 38 if strong else 26))
    painter.drawRoundedRect(rect, 8, 8)
    painter.setPen(colour.darker(115) if strong else colour.darker(130))
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return width


def _paint_tag(painter: QPainter, text: str, colour: QColor) -> None:
    font = style.font(9, 700)
    width = text_width(font, text) + 12
    rect = QRectF(CARD_RECT.right() - PAD - width, CARD_RECT.top() - TAG_H / 2, width, TAG_H)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(rect, TAG_H / 2, TAG_H / 2)
    painter.setPen(QColor("white"))
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def paint_warning_triangle(painter: QPainter, rect: QRectF) -> None:
    triangle = QPolygonF([QPointF(rect.center().x(), rect.top()), rect.bottomRight(), rect.bottomLeft()])
    painter.setPen(QPen(style.SPOF.darker(110), 1.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.setBrush(style.SPOF)
    painter.drawPolygon(triangle)
    painter.setPen(QPen(QColor("white"), 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    cx = rect.center().x()
    painter.drawLine(QPointF(cx, rect.top() + 4.5), QPointF(cx, rect.bottom() - 5))
    painter.drawPoint(QPointF(cx, rect.bottom() - 2.5))


# ------------------------------------------------------------------------------------------ groups
def paint_group(painter: QPainter, rect: QRectF, name: str, kind: str, selected: bool, plain: bool,
                drop_target: bool = False) -> None:
    colour = QColor(style.GROUP_COLOURS.get(kind, style.GROUP_COLOURS["group"]))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    border = style.SELECTION if (selected or drop_target) and not plain else style.tint(colour, 120)
    pen = QPen(border, 2 if (selected or drop_target) and not plain else 1.2,
               Qt.PenStyle.DashLine if drop_target and not plain else Qt.PenStyle.SolidLine)
    painter.setPen(pen)
    painter.setBrush(style.tint(colour, 14))
    painter.drawRoundedRect(rect, 14, 14)
    title = QRectF(rect.left() + 14, rect.top() + 4, rect.width() - 28, style.GROUP_TITLE_H - 4)
    font = style.font(12, 700)
    kind_font = style.font(9, 700)
    painter.setFont(font)
    painter.setPen(colour.darker(125))
    name_w = min(text_width(font, name), title.width() * 0.7)
    name_rect = QRectF(title.left(), title.top(), name_w + 2, title.height())
    painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter, elided(font, name, name_w + 2))
    painter.setFont(kind_font)
    painter.setPen(style.tint(colour, 170))
    kind_rect = QRectF(title.left() + name_w + 8, title.top() + 1, title.width() - name_w - 8, title.height())
    painter.drawText(kind_rect, Qt.AlignmentFlag.AlignVCenter, kind.upper())
