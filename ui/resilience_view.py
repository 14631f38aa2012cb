"""
The Resilience view (View > Resilience…): every single failure of the open plan and what survives
it, from planner.resilience (the same rows as `archplan resilience FILE`): each component down, one of
its instances lost (N+1), and every zone or group down (N+zone). Double-click a row (or Inject) to
apply that scenario as what-if faults on the canvas (one undo step).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from archplan.planner import units
from archplan.planner.resilience import Outcome, Resilience, resilience
from archplan.planner.scenarios import Fault, down, lose, zone
from archplan.ui.commands import SetFaults

COLUMNS = ("scenario", "holds", "clients failing", "partly failing", "degraded", "error rate", "busiest survivor",
           "N+1")
HOLDS = QColor("#15803d")
BREAKS = QColor("#b91c1c")


def _pct(value: float | None) -> str:
    if value is None:
        return "-"
    return "0 %" if value == 0 else f"{100 * value:.3g} %"


class ResilienceDialog(QDialog):
    def __init__(self, editor, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.setWindowTitle(f"Resilience — {editor.plan.name}")
        self.resize(1100, 560)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemDoubleClicked.connect(lambda item: self.inject(item.row()))
        buttons = QHBoxLayout()
        self.inject_button = QPushButton("Inject on the canvas")
        self.inject_button.setToolTip("Apply the selected scenario as what-if faults (undoable)")
        self.inject_button.clicked.connect(lambda: self.inject(self.table.currentRow()))
        refresh = QPushButton("Recompute")
        refresh.clicked.connect(self.refresh)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons.addWidget(self.inject_button)
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        buttons.addWidget(close)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.report: Resilience | None = None
        self.faults: list[list[Fault]] = []
        self.refresh()

    def refresh(self) -> None:
        doc = self.editor.document
        self.table.setRowCount(0)
        self.faults = []
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # ~1-3 s on a template: 3 computes a row
        try:
            self.report = report = resilience(doc.plan, doc.multiplier)
        except ValueError as exc:  # a plan that cannot be computed
            self.report = None
            self.summary.setText(f"<span style='color:#c62828'>The plan cannot be computed: {exc}</span>")
            return
        finally:
            QApplication.restoreOverrideCursor()
        survives = report.survives_any_single_failure
        n_plus_one = sum(r.n_plus_one for r in report.components)
        zones_hold = sum(g.down.holds for g in report.groups)
        scaled = f" at traffic ×{units.format_count(report.multiplier)}" if report.multiplier != 1 else ""
        self.summary.setText(
            f"<b>{'Survives' if survives else 'Does not survive'} every single component failure</b>{scaled}; "
            f"{n_plus_one} of {len(report.components)} components carry the peak with one instance fewer (N+1); "
            f"{zones_hold} of {len(report.groups)} zones or groups can go down. Error rate with nothing failed: "
            f"{_pct(report.error_rate)}. Counts are today's (survivors do not auto-size). Double-click a row to "
            "inject it on the canvas.")
        names = {c.id: c.name for c in doc.plan.components}
        rows: list[tuple[Outcome, str, list[Fault]]] = []
        for r in report.components:
            n1 = "managed" if r.managed else ("yes" if r.n_plus_one else "no" if r.spare else "no (1 instance)")
            rows.append((r.down, n1, [down(r.id)]))
            if r.spare is not None:
                rows.append((r.spare, n1, [lose(r.id, 1)]))
        for g in report.groups:
            rows.append((g.down, "", [zone(g.id)]))
        self.table.setRowCount(len(rows))
        for i, (outcome, n1, faults) in enumerate(rows):
            busiest = "-"
            if outcome.bottleneck:
                busiest = (f"{names.get(outcome.bottleneck, outcome.bottleneck)} "
                           f"({units.format_percent(outcome.bottleneck_utilisation or 0)})")
            cells = (outcome.label, "yes" if outcome.holds else "no",
                     ", ".join(names.get(c, c) for c in outcome.failing) or "-",
                     ", ".join(names.get(c, c) for c in outcome.partly_failing) or "-",
                     ", ".join(names.get(c, c) for c in outcome.degraded) or "-",
                     _pct(outcome.error_rate), busiest, n1)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 1:
                    item.setForeground(HOLDS if outcome.holds else BREAKS)
                self.table.setItem(i, col, item)
            self.faults.append(faults)

    def inject(self, row: int) -> bool:
        """Apply row `row`'s scenario as the document's what-if faults (replacing the active ones)."""
        if not 0 <= row < len(self.faults):
            return False
        doc = self.editor.document
        faults = self.faults[row]
        label = "; ".join(f.label(doc.plan) for f in faults)
        self.editor.undo_stack.push(SetFaults(doc, faults, f"Fail: {label}"))
        return True
