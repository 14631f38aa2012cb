"""
What-if traffic scaling: a slider from ×0.1 to ×100 (log steps) bound to Document.set_multiplier.

The multiplier is a view setting, not part of the plan: it is neither saved nor undoable, and every
figure in the results is recomputed for the scaled traffic. The control also says where the current
counts break: "breaks at 2.3M DAU (×4.6 of planned traffic): PostgreSQL primary".
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from archplan.planner import units
from archplan.ui.document import Document

STEPS: tuple[float, ...] = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)


def nearest_step(multiplier: float) -> int:
    """Index of the step closest to `multiplier` on a log scale."""
    return min(range(len(STEPS)), key=lambda i: abs(math.log(STEPS[i]) - math.log(multiplier)))


def breaking_text(document: Document) -> str:
    """Where the deployed counts stop coping, relative to the plan's own traffic."""
    result = document.result
    if result is None:
        return "cannot compute"
    bp = result.breaking_point
    if bp.component is None or not math.isfinite(bp.multiplier_at_target):
        return "no component limits the traffic"
    try:
        name = document.plan.component(bp.component).name
    except KeyError:
        name = bp.component
    relative = bp.multiplier_at_target * result.multiplier
    return (f"breaks at {units.format_count(bp.dau_at_target)} DAU (×{units.format_count(relative)}): {name} "
            f"({bp.resource})")


class WhatIfControl(QWidget):
    """'Traffic ×1 [----|----] breaks at …' for the toolbar."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.title = QLabel("What-if traffic")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, len(STEPS) - 1)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(1)
        self.slider.setFixedWidth(150)
        self.slider.setToolTip("Scale every client's users from ×0.1 to ×100 (not saved, not undoable)")
        self.value = QLabel()
        self.value.setMinimumWidth(44)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.reset = QToolButton()
        self.reset.setText("Reset")
        self.reset.setToolTip("Back to the plan's traffic")
        self.reset.setAutoRaise(True)
        self.reset.clicked.connect(lambda: self.set_multiplier(1.0))
        self.breaking = QLabel()
        self.breaking.setMinimumWidth(220)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.slider)
        layout.addWidget(self.value)
        layout.addWidget(self.reset)
        layout.addWidget(self.breaking, 1)
        self.slider.valueChanged.connect(lambda i: document.set_multiplier(STEPS[i]))
        document.multiplier_changed.connect(self._show_multiplier)
        document.result_changed.connect(self._show_breaking)
        self._show_multiplier(document.multiplier)
        self._show_breaking()

    def set_multiplier(self, multiplier: float) -> None:
        self.slider.setValue(nearest_step(multiplier))
        self.document.set_multiplier(multiplier)

    def _show_multiplier(self, multiplier: float) -> None:
        index = nearest_step(multiplier)
        if self.slider.value() != index:
            self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(False)
        self.value.setText(f"<b>×{units.format_count(multiplier)}</b>")
        self.reset.setEnabled(multiplier != 1.0)
        self.value.setStyleSheet("" if multiplier == 1.0 else "color: #1565c0;")

    def _show_breaking(self) -> None:
        text = breaking_text(self.document)
        result = self.document.result
        danger = result is not None and result.breaking_point.component is not None and \
            result.breaking_point.multiplier_at_target < 1
        self.breaking.setText(text)
        self.breaking.setStyleSheet("color: #b71c1c;" if danger or result is None else "color: #37474f;")
        self.breaking.setToolTip("Traffic at which the first component reaches its planned ceiling with the "
                                 "deployed instance counts (auto counts are sized for the current traffic).")
