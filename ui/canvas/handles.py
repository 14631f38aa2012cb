"""
Handles of the selected link, as draw.io shows them: a round handle on each end (drag it onto another
card or group to re-attach that end), a square on each bend (drag to move it, double-click to remove
it), and a small diamond halfway along each stretch (drag it to add a bend there).

`LinkHandles` only draws them and says which one is under a point (`hit`); the gestures in
interactions.py do the dragging, and the Editor records the result as one undo step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from archplan.ui.canvas import style
from archplan.ui.canvas.items import Z_FEEDBACK, LinkItem

RADIUS = 5.0
#: How far (in view pixels) from a handle a press still takes it.
HIT = 9.0


@dataclass(frozen=True)
class Handle:
    """`kind` is "source" / "target" (an end), "bend" (bend `index`) or "insert" (a new bend at
    `index` in the link's list of bends); `pos` is where it is drawn."""

    kind: str
    pos: QPointF
    index: int = -1


def insertion_index(anchors: list[QPointF], point: QPointF) -> int:
    """Where a new bend at `point` goes in a link's bends: between the two anchors (the ends' centres and
    the bends, in order) it lengthens the path least."""
    def extra(i: int) -> float:
        a, b = anchors[i], anchors[i + 1]
        return QLineF(a, point).length() + QLineF(point, b).length() - QLineF(a, b).length()
    return min(range(len(anchors) - 1), key=extra)


class LinkHandles(QGraphicsItem):
    """The handles of one link (the scene shows it for a single selected link)."""

    def __init__(self, link: LinkItem):
        super().__init__()
        self.link = link
        self._handles: list[Handle] = []
        self.setZValue(Z_FEEDBACK - 1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)   # the scene's gestures take the presses
        self.refresh()

    def refresh(self) -> None:
        """Follow the link's drawn route (after it moved or changed)."""
        self.prepareGeometryChange()
        points = self.link.points
        handles: list[Handle] = []
        if len(points) >= 2:
            handles.append(Handle("source", points[0]))
            handles.append(Handle("target", points[-1]))
            bends = [QPointF(p.x, p.y) for p in self.link.link.waypoints]
            handles += [Handle("bend", p, i) for i, p in enumerate(bends)]
            for a, b in pairwise(points):
                if QLineF(a, b).length() > 6 * RADIUS:
                    middle = (a + b) / 2
                    if not any(QLineF(middle, p).length() < 3 * RADIUS for p in bends):
                        handles.append(Handle("insert", middle))
        self._handles = handles
        self.update()

    def handles(self) -> list[Handle]:
        return list(self._handles)

    def hit(self, pos: QPointF, scale: float = 1.0) -> Handle | None:
        """The handle under `pos` (scene coordinates); `scale` is the view's zoom."""
        reach = HIT / max(scale, 1e-6)
        best, best_d = None, math.inf
        for handle in self._handles:
            d = QLineF(handle.pos, pos).length()
            if d <= reach and d < best_d - 1e-9:  # ends and bends come first in the list: they win ties
                best, best_d = handle, d
        return best

    def boundingRect(self) -> QRectF:
        if not self._handles:
            return QRectF()
        xs = [h.pos.x() for h in self._handles]
        ys = [h.pos.y() for h in self._handles]
        pad = RADIUS * 4
        return QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(-pad, -pad, pad, pad)

    def shape(self) -> QPainterPath:
        return QPainterPath()   # never a hit target for Qt: `hit` decides

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if getattr(self.scene(), "exporting", False):
            return
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        r = RADIUS / max(min(lod, 1.5), 0.25)   # about the same size on screen at any zoom
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(style.SELECTION, 1.5 / max(lod, 0.25)))
        for handle in self._handles:
            p = handle.pos
            if handle.kind in ("source", "target"):
                painter.setBrush(style.CARD_FILL if handle.kind == "source" else style.SELECTION)
                painter.drawEllipse(p, r, r)
            elif handle.kind == "bend":
                painter.setBrush(style.SELECTION)
                painter.drawRect(QRectF(p.x() - r * 0.8, p.y() - r * 0.8, r * 1.6, r * 1.6))
            else:
                painter.setBrush(style.CARD_FILL)
                d = r * 0.8
                painter.drawPolygon(QPolygonF([p + QPointF(0, -d), p + QPointF(d, 0), p + QPointF(0, d),
                                               p + QPointF(-d, 0)]))
