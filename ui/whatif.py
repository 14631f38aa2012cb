"""
What-if traffic scaling: a typed multiplier (×3.7) beside a slider from ×0.1 to ×100, bound to
Document.set_multiplier.

The slider moves in steps people use: 0.05 from ×0.1 to ×2 (fine where most questions are: "what if we
get 30 % more users?"), 0.1 up to ×5, then coarser; the box takes any multiplier typed ("3.7", "x3.7",
"×250", "150 %") and the slider shows the nearest step. The multiplier is a view setting, not part of
the plan: it is neither saved nor undoable, and every figure in the results is recomputed for the
scaled traffic. The control also says where the current counts break: "breaks at 2.3M DAU (×4.6 of
planned traffic): PostgreSQL primary", read from the result's breaking point (the same figure the
results summary and the work panel show).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSlider, QToolButton, QWidget

from archplan.planner import units
from archplan.ui import theme
from archplan.ui.document import Document


def _steps() -> tuple[float, ...]:
    out: list[float] = []
    for start, stop, step in ((0.1, 2.0, 0.05), (2.0, 5.0, 0.1), (5.0, 10.0, 0.5), (10.0, 20.0, 1.0),
                              (20.0, 50.0, 2.5), (50.0, 100.0, 5.0)):
        value = start
        while value < stop - 1e-9:
            out.append(round(value, 4))
            value += step
    out.append(100.0)
    return tuple(dict.fromkeys(out))


#: The slider's multipliers, in order.
STEPS: tuple[float, ...] = _steps()
#: What the box accepts.
MIN_MULTIPLIER, MAX_MULTIPLIER = 1e-3, 1e6


def nearest_step(multiplier: float) -> int:
    """Index of the step closest to `multiplier` on a log scale."""
    return min(range(len(STEPS)), key=lambda i: abs(math.log(STEPS[i]) - math.log(multiplier)))


def parse_multiplier(text: str) -> float:
    """'3.7', 'x3.7', '×3.7', '3.7x', '1K' or '370 %' -> the multiplier; ValueError with a one-line reason."""
    raw = text.strip().replace("×", "x").replace("X", "x")
    raw = raw.removeprefix("x").removesuffix("x").strip()
    try:
        value = units.parse_count(raw[:-1].strip()) / 100 if raw.endswith("%") else units.parse_count(raw)
    except (units.UnitError, ValueError):
        raise ValueError(f"{text.strip()!r} is not a multiplier (try 3.7, x0.5 or 150 %)") from None
    if not math.isfinite(value) or not MIN_MULTIPLIER <= value <= MAX_MULTIPLIER:
        raise ValueError(f"the multiplier must be between {MIN_MULTIPLIER:g} and {MAX_MULTIPLIER:,.0f}")
    return value


def breaking_text(document: Document) -> str:
    """Where the deployed counts stop coping, relative to the plan's own traffic."""
    result = document.result
    if result is None:
        return "computing…" if document.pending else "cannot compute"
    bp = result.breaking_point
    if bp.component is None or not math.isfinite(bp.multiplier_at_target):
        return "no component limits the traffic"
    component = document.component(bp.component)
    name = component.name if component is not None else bp.component
    relative = bp.multiplier_at_target * result.multiplier
    return (f"breaks at {units.format_count(bp.dau_at_target)} DAU (×{units.format_count(relative)}): {name} "
            f"({bp.resource})")


class WhatIfControl(QWidget):
    """'What-if traffic ×[3.7] [----|----] Reset  breaks at …' for the toolbar."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.title = QLabel("What-if traffic ×")
        self.value = QLineEdit()
        self.value.setFixedWidth(self.value.fontMetrics().horizontalAdvance("0000.00") + 12)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.value.setToolTip("Type a multiplier of every client's users: 3.7, x0.5 or 150 % (not saved, "
                              "not undoable)")
        self.value.editingFinished.connect(self._on_typed)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, len(STEPS) - 1)
        self.slider.setPageStep(5)
        self.slider.setFixedWidth(160)
        self.slider.setToolTip("Scale every client's users from ×0.1 to ×100, in steps of 0.05 below ×2")
        self.reset = QToolButton()
        self.reset.setText("Reset")
        self.reset.setToolTip("Back to the plan's traffic")
        self.reset.setAutoRaise(True)
        self.reset.clicked.connect(lambda: self.set_multiplier(1.0))
        self.breaking = QLabel()
        self.breaking.setMinimumWidth(160)
        self.message = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.slider)
        layout.addWidget(self.reset)
        layout.addWidget(self.breaking, 1)
        self.slider.valueChanged.connect(lambda i: document.set_multiplier(STEPS[i]))
        document.multiplier_changed.connect(self._show_multiplier)
        document.result_changed.connect(self._show_breaking)
        self._show_multiplier(document.multiplier)
        self._show_breaking()

    def set_multiplier(self, multiplier: float) -> None:
        self.document.set_multiplier(multiplier)
        self._show_multiplier(self.document.multiplier)

    def _on_typed(self) -> None:
        try:
            value = parse_multiplier(self.value.text())
        except ValueError as exc:
            self.message = str(exc)
            self.value.setStyleSheet(f"color: {theme.current().error};")
            self.value.setToolTip(self.message)
            return
        self.message = ""
        self.value.setToolTip("Type a multiplier of every client's users: 3.7, x0.5 or 150 %")
        self.set_multiplier(value)

    def _show_multiplier(self, multiplier: float) -> None:
        index = nearest_step(multiplier)
        if self.slider.value() != index:
            self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(False)
        self.value.setText(units.format_count(multiplier, 4))
        self.reset.setEnabled(multiplier != 1.0)
        self.value.setStyleSheet("" if multiplier == 1.0 else f"color: {theme.current().info}; font-weight: bold;")

    def _show_breaking(self) -> None:
        text = breaking_text(self.document)
        result = self.document.result
        danger = result is not None and result.breaking_point.component is not None and \
            result.breaking_point.multiplier_at_target < 1
        self.breaking.setText(text)
        colours = theme.current()
        bad = danger or (result is None and not self.document.pending)
        self.breaking.setStyleSheet(f"color: {colours.error};" if bad else f"color: {colours.muted};")
        self.breaking.setToolTip("Traffic at which the first component reaches its planned ceiling (throughput, "
                                 "bandwidth, storage or memory) with the deployed instance counts (auto counts "
                                 "are sized for the current traffic).")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._show_multiplier(self.document.multiplier)
            self._show_breaking()
        super().changeEvent(event)
