"""
Marks drawn over canvas cards and zones by what-if views, without touching how cards paint: failure
injection (a failed card greyed and struck through in red, "DOWN"), the design comparison (added,
removed, changed cards outlined).

A mark is a child item of the card or group item, so it moves with it and is deleted with it; it takes
no mouse or hover events (clicks, drags and tooltips reach the card underneath) and is drawn on top.
`MarkLayer` keeps one mark per id and replaces the whole set in one call.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from archplan.ui.canvas import style
from archplan.ui.canvas.painting import CARD_RECT, elided, text_width

RED = QColor("#dc2626")
AMBER = QColor("#d97706")
BLUE = QColor("#2563eb")
GREEN = QColor("#16a34a")
TAG_H = 16.0
Z_MARK = 50.0


@dataclass(frozen=True)
class MarkStyle:
    """What a mark shows: a tag text, its colour, and whether the card is struck out (greyed, crossed)."""

    tag: str
    colour: QColor
    struck: bool = False
    outline: bool = True


class Mark(QGraphicsItem):
    """A mark over a card (`zone=False`) or a group frame (`zone=True`)."""

    def __init__(self, parent: QGraphicsItem, mark: MarkStyle, zone: bool = False):
        super().__init__(parent)
        self.mark = mark
        self.zone = zone
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent, False)
        self.setZValue(Z_MARK)

    def area(self) -> QRectF:
        parent = self.parentItem()
        if self.zone and parent is not None and hasattr(parent, "rect"):
            return QRectF(parent.rect())
        return QRectF(CARD_RECT)

    def refresh(self) -> None:
        """The parent's shape changed (a zone resized around its members)."""
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:
        return self.area().adjusted(-4, -TAG_H, 4, 4)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        rect, m = self.area(), self.mark
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        radius = 14 if self.zone else style.CARD_RADIUS
        if m.struck:
            painter.setPen(Qt.PenStyle.NoPen)
            wash = QColor(style.BACKGROUND)
            wash.setAlpha(90 if self.zone else 175)
            painter.setBrush(wash)
            painter.drawRoundedRect(rect, radius, radius)
            if not self.zone:
                pen = QPen(m.colour, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
                painter.setPen(pen)
                inset = rect.adjusted(10, 10, -10, -10)
                painter.drawLine(inset.topLeft(), inset.bottomRight())
                painter.drawLine(inset.bottomLeft(), inset.topRight())
        if m.outline:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(m.colour, 2.5, Qt.PenStyle.DashLine if self.zone else Qt.PenStyle.SolidLine))
            painter.drawRoundedRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5), radius + 1, radius + 1)
        if m.tag:
            font = style.font(9, 700)
            width = min(text_width(font, m.tag) + 12, rect.width() - 16)
            left = rect.left() + (rect.width() - width - 12 if self.zone else 12)
            tag = QRectF(left, rect.top() - TAG_H / 2, width, TAG_H)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(m.colour)
            painter.drawRoundedRect(tag, TAG_H / 2, TAG_H / 2)
            painter.setPen(QColor("white"))
            painter.setFont(font)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, elided(font, m.tag, width - 8))


class MarkLayer:
    """The marks a view shows on one scene: `set_marks(cards, zones)` replaces them all."""

    def __init__(self, scene):
        self.scene = scene
        self.marks: dict[tuple[str, str], Mark] = {}

    def clear(self) -> None:
        for mark in self.marks.values():
            with contextlib.suppress(RuntimeError):  # its card was deleted (and the mark with it)
                if mark.scene() is not None:
                    self.scene.removeItem(mark)
        self.marks = {}

    def set_marks(self, cards: dict[str, MarkStyle], zones: dict[str, MarkStyle] = {}) -> None:  # noqa: B006
        self.clear()
        for kind, marks, lookup in (("card", cards, self.scene.component_item),
                                    ("zone", zones, self.scene.group_item)):
            for item_id, mark in marks.items():
                item = lookup(item_id)
                if item is not None:
                    self.marks[(kind, item_id)] = Mark(item, mark, zone=kind == "zone")

    def refresh_zones(self) -> None:
        for (kind, _id), mark in list(self.marks.items()):
            if kind == "zone":
                with contextlib.suppress(RuntimeError):
                    mark.refresh()

    def mark(self, kind: str, item_id: str) -> Mark | None:
        return self.marks.get((kind, item_id))
