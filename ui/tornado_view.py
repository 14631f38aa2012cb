"""
The Sensitivity tab of the Load behaviour panel (issue 14): which traffic input moves cost, instances and
p99 the most, as a tornado chart.

From planner.ranges.sensitivity(plan): each input (every demand input the plan uses, +-20 %, or the
ranges the plan keeps) alone at its low and at its high end, the others as planned. One bar per input,
largest swing first: from the figure as planned (the vertical line) to the figure with the input at its
low end (one colour) and at its high end (the other), each end labelled with its value; the input's name
and its two ends on the left. Nothing here computes a figure; values are formatted as the CLI prints
them (planner.cli_compare.human).

Computed only while the tab can be seen, once per change of the plan's figures (ui/lazy_view.py).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QScrollArea, QToolTip, QVBoxLayout, QWidget

from archplan.planner.cli_compare import human
from archplan.ui.document import Document
from archplan.ui.lazy_view import COLOURS, LazyPlanView, is_dark

if TYPE_CHECKING:
    from archplan.planner.ranges import Bar, Sensitivity, Tornado

#: The bar colours: the input at its low end, at its high end.
ENDS = {False: ("#1565c0", "#ef6c00"), True: ("#60a5fa", "#fb923c")}
ROW_PAD = 10


class TornadoChart(QWidget):
    """One Tornado, painted: labels on the left, bars about the planned value."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tornado: Tornado | None = None
        self.setMouseTracking(True)
        self.setMinimumWidth(320)

    def set_tornado(self, tornado: Tornado | None) -> None:
        self.tornado = tornado
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    # ------------------------------------------------------------------ geometry
    def _row(self) -> float:
        return self.fontMetrics().height() + ROW_PAD

    def _top(self) -> float:
        return self.fontMetrics().height() * 1.6 + 6

    def _height(self) -> int:
        bars = len(self.tornado.bars) if self.tornado else 0
        return int(self._top() + bars * self._row() + self.fontMetrics().height() + 12)

    def _label_width(self) -> float:
        if not self.tornado:
            return 0.0
        fm = self.fontMetrics()
        widest = max((fm.horizontalAdvance(f"{b.input}  {b.range_text()}") for b in self.tornado.bars), default=0)
        return min(widest + 12, self.width() * 0.42)

    def _value_width(self) -> float:
        fm = self.fontMetrics()
        t = self.tornado
        texts = [human(t.unit, v) for b in t.bars for v in (b.at_low, b.at_high)] if t else []
        return max((fm.horizontalAdvance(x) for x in texts), default=0) + 8

    def scale(self) -> tuple[float, float, float, float]:
        """(low value, high value, left x, right x) of the value axis."""
        t = self.tornado
        lo, hi = t.extent()
        vw = self._value_width()
        left = self._label_width() + vw
        right = max(left + 40, self.width() - vw - 4)
        return lo, hi, left, right

    def x_of(self, value: float | None) -> float | None:
        if value is None or self.tornado is None:
            return None
        lo, hi, left, right = self.scale()
        if math.isinf(value):
            return right if value > 0 else left
        return left + (value - lo) / (hi - lo) * (right - left)

    def bar_rects(self) -> list[tuple[QRectF | None, QRectF | None]]:
        """For each bar: the rectangle of its low end's part and of its high end's part (None: no value)."""
        t = self.tornado
        if t is None:
            return []
        base = self.x_of(t.base if t.base is not None else 0.0)
        row, top = self._row(), self._top()
        out = []
        for i, b in enumerate(t.bars):
            y = top + i * row + ROW_PAD / 2 - 1
            parts = []
            for value in (b.at_low, b.at_high):
                x = self.x_of(value)
                parts.append(None if x is None or base is None else
                             QRectF(min(x, base), y, abs(x - base), row - ROW_PAD + 2))
            out.append((parts[0], parts[1]))
        return out

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _event) -> None:
        t = self.tornado
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if t is None or not t.bars or all(b.swing == 0 for b in t.bars):
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "No input to vary" if t is None or not t.bars else
                             f"No input moves {t.label} within its range (as planned: {human(t.unit, t.base)})")
            return
        dark = is_dark(palette)
        low_colour, high_colour = (QColor(c) for c in ENDS[dark])
        fm = self.fontMetrics()
        row, top = self._row(), self._top()
        lo, hi, left, right = self.scale()
        base_x = self.x_of(t.base if t.base is not None else 0.0)
        # legend and the planned value
        x = 4.0
        y = fm.ascent() + 2
        for colour, label in ((low_colour, "input at its low end"), (high_colour, "input at its high end")):
            painter.fillRect(QRectF(x, y - fm.ascent() + 2, 10, 10), colour)
            painter.setPen(text)
            painter.drawText(QPointF(x + 14, y), label)
            x += 14 + fm.horizontalAdvance(label) + 16
        planned = f"{t.label} as planned: {human(t.unit, t.base)}"
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QPointF(max(x, right - painter.fontMetrics().horizontalAdvance(planned)), y), planned)
        painter.setFont(self.font())
        rects = self.bar_rects()
        bottom = top + len(t.bars) * row
        for i, (b, (low_rect, high_rect)) in enumerate(zip(t.bars, rects)):
            y0 = top + i * row
            if i % 2:
                painter.fillRect(QRectF(0, y0, self.width(), row), palette.color(QPalette.ColorRole.AlternateBase))
            baseline = y0 + (row + fm.ascent() - fm.descent()) / 2
            painter.setPen(text)
            painter.drawText(QPointF(4, baseline), b.input)
            painter.setPen(muted)
            painter.drawText(QPointF(4 + fm.horizontalAdvance(b.input + "  "), baseline), b.range_text())
            if b.swing == 0:
                painter.setPen(muted)
                painter.drawText(QPointF(base_x + 6, baseline), "no effect")
                continue
            for rect, colour in ((low_rect, low_colour), (high_rect, high_colour)):
                if rect is not None and rect.width() > 0:
                    painter.fillRect(rect, colour)
            ends = [(b.at_low, low_rect), (b.at_high, high_rect)]
            ends = [(v, r) for v, r in ends if v is not None and r is not None]
            ends.sort(key=lambda vr: vr[1].width())
            for n, (value, rect) in enumerate(ends):
                same_side = len(ends) == 2 and (ends[0][1].center().x() < base_x) == (ends[1][1].center().x() < base_x)
                if same_side and n == 0:
                    continue  # inside the longer part: its value is in the tooltip
                label = human(t.unit, value)
                painter.setPen(text)
                if rect.center().x() >= base_x:
                    painter.drawText(QPointF(rect.right() + 4, baseline), label)
                else:
                    painter.drawText(QPointF(rect.left() - 4 - fm.horizontalAdvance(label), baseline), label)
        pen = QPen(text)
        pen.setStyle(Qt.PenStyle.DashLine)
        pen.setWidthF(1.2)
        painter.setPen(pen)
        painter.drawLine(QPointF(base_x, top - 2), QPointF(base_x, bottom + 2))
        grid = QColor(COLOURS[dark]["grid"])
        painter.setPen(grid)
        painter.drawLine(QPointF(left, bottom + 2), QPointF(right, bottom + 2))
        painter.setPen(muted)
        for value, align_left in ((lo, True), (hi, False)):
            label = human(t.unit, value)
            vx = self.x_of(value)
            tx = vx if align_left else vx - fm.horizontalAdvance(label)
            painter.drawText(QPointF(tx, bottom + 4 + fm.ascent()), label)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.tornado is not None:
            i = int((event.pos().y() - self._top()) // self._row())
            if 0 <= i < len(self.tornado.bars):
                QToolTip.showText(event.globalPos(), bar_tooltip(self.tornado, self.tornado.bars[i]), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


def bar_tooltip(t: Tornado, b: Bar) -> str:
    return (f"{b.input} from {b.range_text().replace('..', ' to ')}:\n{t.label} {human(t.unit, b.at_low)} at the low "
            f"end, {human(t.unit, b.at_high)} at the high end (as planned {human(t.unit, t.base)})")


class TornadoView(LazyPlanView):
    """A choice of figure and its tornado chart."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(document, parent)
        self.sensitivity: Sensitivity | None = None
        self.figure = QComboBox()
        self.figure.setToolTip("The figure whose sensitivity to each input is shown")
        self.figure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.figure.currentIndexChanged.connect(self._show_figure)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.chart = TornadoChart()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.chart)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Sensitivity of"))
        top.addWidget(self.figure)
        top.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    def compute(self) -> None:
        from archplan.planner.ranges import sensitivity

        self.sensitivity = sensitivity(self.document.plan)

    def draw(self) -> None:
        wanted = self.figure.currentData()
        self.figure.blockSignals(True)
        self.figure.clear()
        for t in self.sensitivity.tornados:
            self.figure.addItem(t.label, t.key)
        index = self.figure.findData(wanted)
        self.figure.setCurrentIndex(index if index >= 0 else 0)
        self.figure.blockSignals(False)
        own = bool(self.document.plan.ranges)
        self.note.setText("Each input alone at its two ends, the others as planned"
                          + (" (the plan's ranges; other demand inputs ±20 %)" if own else " (±20 %)")
                          + ". Largest swing first.")
        self._show_figure()

    def show_problem(self, text: str) -> None:
        self.sensitivity = None
        self.figure.blockSignals(True)
        self.figure.clear()
        self.figure.blockSignals(False)
        self.note.setText(f"No sensitivity: {text}")
        self.chart.set_tornado(None)

    def tornado(self) -> Tornado | None:
        if self.sensitivity is None or self.figure.currentData() is None:
            return None
        return self.sensitivity.tornado(self.figure.currentData())

    def _show_figure(self, _index: int = 0) -> None:
        self.chart.set_tornado(self.tornado())
