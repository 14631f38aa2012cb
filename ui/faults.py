"""
Failure injection in the GUI (issue 14): what-if faults over the open plan.

Right-click a card > Fail (down), Lose 1 instance, Slow x N…, Cache cold; right-click a zone > Fail
zone. The faults are a view state held by the Document (`Document.faults`), never written into the
plan: the document applies them to a copy of the plan before computing (planner.scenarios.run, the
same as `archplan plan FILE --fail ...`), so the canvas, the results and the work panel show the
scenario's figures, and `Document.scenario` holds its report. Each change is one undo command
(ui.commands.SetFaults), undone like any edit. While faults are active a banner says what they do (clients
failing or degraded, error rate, busiest survivor, whether the rest holds) with a Restore all button;
failed cards are greyed and struck through in red (ui/marks.py) and a Failures dock lists the report.

`install(window)` adds all of it to a main window when it gets its plan (banner, marks, the Failures dock
of ui/panels.py, the "fail" section of the canvas's context menus); ui/actions.py's File > Compare with…,
View > Resilience… and View > Restore all failures call it. `fail_menu(menu, scene, kind, item_id)` fills
a context menu.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.ui.commands import SetFaults
from archplan.ui.marks import AMBER, BLUE, RED, MarkLayer, MarkStyle

if TYPE_CHECKING:  # planner.scenarios loads the engine: the window is attached before it is (ui/app.py)
    from archplan.planner.scenarios import Fault, ScenarioReport

BANNER_STYLE = ("QFrame#fault_banner { background: #fef2f2; border-bottom: 1px solid #fecaca; }"
                "QLabel { color: #7f1d1d; }")
STATUS_COLOURS = {"fails": RED, "partly fails": RED, "degraded": AMBER}


# ------------------------------------------------------------------------------------------ operations
def _name(plan, target: str) -> str:
    for item in (*plan.components, *plan.groups):
        if item.id == target:
            return item.name
    return target


def add_fault(editor, fault: Fault) -> bool:
    """Add a fault as one undo step. Losing instances again adds up; a new slow factor replaces the old
    one; a fault already active is not added twice (returns False)."""
    from archplan.planner.scenarios import Fault

    doc = editor.document
    faults = list(doc.faults)
    same = next((i for i, f in enumerate(faults) if (f.kind, f.target) == (fault.kind, fault.target)), None)
    if same is not None:
        if fault.kind == "instances":
            fault = Fault("instances", fault.target, faults[same].amount + fault.amount)
        elif fault.kind != "slow" or faults[same] == fault:
            return False
        faults[same] = fault
    else:
        faults.append(fault)
    editor.undo_stack.push(SetFaults(doc, faults, f"Fail: {fault.label(doc.plan)}"))
    return True


def restore(editor, target: str) -> bool:
    """Remove every fault on a component or zone (one undo step)."""
    doc = editor.document
    kept = [f for f in doc.faults if f.target != target]
    if len(kept) == len(doc.faults):
        return False
    editor.undo_stack.push(SetFaults(doc, kept, f"Restore {_name(doc.plan, target)}"))
    return True


def restore_all(editor) -> bool:
    doc = editor.document
    if not doc.faults:
        return False
    editor.undo_stack.push(SetFaults(doc, (), "Restore all"))
    return True


def ask_slow_factor(name: str) -> float | None:
    """How many times slower (replaceable: tests answer without a dialog)."""
    value, ok = QInputDialog.getDouble(None, "Slow dependency", f"{name}: service time multiplied by", 5.0,
                                       1.01, 1000.0, 2)
    return value if ok else None


# ------------------------------------------------------------------------------------------ context menu
def fail_menu(menu: QMenu, scene, kind: str, item_id: str | None) -> None:
    """The failure entries of a card's ("card") or zone's ("group") context menu."""
    from archplan.planner.scenarios import cold, down, lose, zone

    editor = scene.editor
    doc = editor.document
    plan = doc.plan
    active = {f.target for f in doc.faults}
    if kind == "card" and item_id is not None:
        component = next((c for c in plan.components if c.id == item_id), None)
        if component is None:
            return
        info = scene.catalog[component.kind]
        if info.behaviour is Behaviour.CLIENT:
            return
        menu.addSeparator()
        menu.addAction("Fail (down)", lambda: add_fault(editor, down(item_id)))
        lose_one = menu.addAction("Lose 1 instance", lambda: add_fault(editor, lose(item_id, 1)))
        lose_one.setEnabled(not info.managed)
        if info.managed:
            lose_one.setToolTip("A managed service: its provider replaces instances")
        menu.addAction("Slow ×N…", lambda: _slow(editor, item_id, component.name))
        if info.behaviour in (Behaviour.CACHE, Behaviour.CDN):
            menu.addAction("Cache cold", lambda: add_fault(editor, cold(item_id)))
        if item_id in active:
            menu.addAction(f"Restore {component.name}", lambda: restore(editor, item_id))
    elif kind == "group" and item_id is not None:
        menu.addSeparator()
        if item_id in active:
            menu.addAction("Restore zone", lambda: restore(editor, item_id))
        else:
            menu.addAction("Fail zone", lambda: add_fault(editor, zone(item_id)))
    if doc.faults:
        menu.addAction("Restore all", lambda: restore_all(editor))


def _slow(editor, cid: str, name: str) -> None:
    from archplan.planner.scenarios import slow

    factor = ask_slow_factor(name)
    if factor is not None and math.isfinite(factor) and factor > 0:
        add_fault(editor, slow(cid, factor))


# ------------------------------------------------------------------------------------------ what it says
def _pct(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    if value == 0:
        return "0 %"
    return f"{100 * value:.3g} %"


def _ms(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "saturated" if value is not None and math.isinf(value) else "-"
    return units.format_duration(value)


def summary_text(doc) -> str:
    """One line: the faults and what they do (from the document's ScenarioReport)."""
    plan, report = doc.plan, doc.scenario
    labels = "; ".join(f.label(plan) for f in doc.faults)
    if report is None:
        problem = doc.scenario_error or "their component or zone is no longer in the plan"
        return f"What-if: {labels}. Not applied: {problem}"
    names = {c.id: c.name for c in report.clients}
    parts = []
    for what, ids in (("fail", report.failing), ("partly fail", report.partly_failing),
                      ("degraded", report.degraded)):
        if ids:
            parts.append(f"{', '.join(names[i] for i in ids)} {what}")
    clients = "; ".join(parts) or "every client served as before"
    bottleneck = ""
    if report.bottleneck:
        b = report.after.components[report.bottleneck]
        bottleneck = f" · busiest survivor {b.name} ({units.format_percent(b.utilisation)})"
    verdict = "the rest holds" if report.holds else "the rest does not hold"
    return (f"What-if: {labels} — {clients} · error rate {_pct(report.error_rate[0])} → "
            f"{_pct(report.error_rate[1])}{bottleneck} · {verdict}")


def card_marks(doc) -> tuple[dict[str, MarkStyle], dict[str, MarkStyle]]:
    """The marks of the cards and zones under the active faults."""
    report: ScenarioReport | None = doc.scenario
    cards: dict[str, MarkStyle] = {}
    zones = {f.target: MarkStyle("ZONE DOWN", RED) for f in doc.faults if f.kind == "zone"}
    if report is None:
        return cards, zones
    applied = report.applied
    for impact in report.components:
        state = impact.state
        if state.startswith("down"):
            tag = {"down": "DOWN", "down (failed over)": "DOWN · FAILED OVER",
                   "down (bypassed)": "DOWN · BYPASSED"}.get(state, "DOWN")
            cards[impact.id] = MarkStyle(tag, RED, struck=True)
        elif state != "up":
            colour = BLUE if impact.id in applied.cold and len(state.split(", ")) == 1 else AMBER
            cards[impact.id] = MarkStyle(state.upper() if state == "cold" else state, colour)
        elif impact.id in report.newly_saturated:
            cards[impact.id] = MarkStyle("OVERLOADED", RED)
    for client in report.clients:
        if client.status != "ok":
            cards[client.id] = MarkStyle(client.status.upper(), STATUS_COLOURS[client.status], outline=True)
    return cards, zones


# ------------------------------------------------------------------------------------------ views
class FaultBanner(QWidget):
    """The what-if banner: what the faults do, and one click to restore everything."""

    def __init__(self, editor, parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtWidgets import QFrame

        self.editor = editor
        frame = QFrame(self)
        frame.setObjectName("fault_banner")
        frame.setStyleSheet(BANNER_STYLE)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QHBoxLayout(frame)
        layout.setContentsMargins(10, 2, 6, 2)
        self.label = ElidedLabel()
        self.restore_button = QPushButton("Restore all")
        self.restore_button.setToolTip("Remove every what-if fault (undoable)")
        self.restore_button.clicked.connect(lambda: restore_all(self.editor))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.restore_button)

    def refresh(self) -> None:
        doc = self.editor.document
        text = summary_text(doc) if doc.faults else ""
        self.label.setText(text)
        self.label.setToolTip(text)


class ElidedLabel(QLabel):
    """One line of text, elided at the right when the window is narrow (the tooltip has all of it); it never
    makes the window wider or taller."""

    def __init__(self, text: str = ""):
        super().__init__(text)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)


class FailuresPanel(QWidget):
    """The scenario's report: per client and per affected component, before and after."""

    CLIENT_COLUMNS = ("client", "status", "errors before", "errors after", "read p99", "write p99", "why")
    COMPONENT_COLUMNS = ("component", "state", "count", "utilisation", "status")

    def __init__(self, editor, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.clients = self._table(self.CLIENT_COLUMNS)
        self.components = self._table(self.COMPONENT_COLUMNS)
        layout.addWidget(self.headline)
        tables = QSplitter(Qt.Orientation.Horizontal)
        tables.addWidget(self.clients)
        tables.addWidget(self.components)
        tables.setSizes([640, 480])
        layout.addWidget(tables, 1)

    @staticmethod
    def _table(columns) -> QTableWidget:
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(list(columns))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMinimumHeight(60)
        return table

    def refresh(self) -> None:
        doc = self.editor.document
        report = doc.scenario
        if report is None:
            self.headline.setText("No failure injected. Right-click a card or a zone > Fail to see what happens."
                                  if not doc.faults else html.escape(summary_text(doc)))
            self.clients.setRowCount(0)
            self.components.setRowCount(0)
            return
        verdict = ("<b style='color:#15803d'>The rest holds</b>" if report.holds
                   else "<b style='color:#b91c1c'>The rest does not hold</b>")
        retries = "".join(f"<br>{html.escape(r.name)}: {r.attempts[0]:.3g} → {r.attempts[1]:.3g} calls a request "
                          f"(retries)" for r in report.retries if r.attempts[0] != r.attempts[1])
        moved = "".join(f"<br>{html.escape(_name(doc.plan, s))} sends what went to {html.escape(_name(doc.plan, d))} "
                        f"to {html.escape(', '.join(_name(doc.plan, t) for t in to))}"
                        for s, d, to in report.applied.moved)
        self.headline.setText(f"{html.escape(summary_text(doc))}<br>{verdict}{moved}{retries}")
        rows = report.clients
        self.clients.setRowCount(len(rows))
        for r, c in enumerate(rows):
            cells = (c.name, c.status, _pct(c.error_rate[0]), _pct(c.error_rate[1]),
                     f"{_ms(c.read_p99[0])} → {_ms(c.read_p99[1])}", f"{_ms(c.write_p99[0])} → {_ms(c.write_p99[1])}",
                     "; ".join(c.reasons))
            self._fill(self.clients, r, cells, STATUS_COLOURS.get(c.status))
        affected = [c for c in report.components if c.state != "up" or c.saturated
                    or c.utilisation[0] != c.utilisation[1]]
        self.components.setRowCount(len(affected))
        for r, c in enumerate(affected):
            count = f"{c.count[0]} → {c.count[1] if c.count[1] is not None else '-'}"
            util = f"{_pct(c.utilisation[0])} → {_pct(c.utilisation[1])}"
            status = f"{c.status[0]} → {c.status[1] or '-'}"
            colour = RED if c.state.startswith("down") or c.saturated else AMBER if c.state != "up" else None
            self._fill(self.components, r, (c.name, c.state, count, util, status), colour)

    @staticmethod
    def _fill(table: QTableWidget, row: int, cells, colour) -> None:
        for col, text in enumerate(cells):
            item = QTableWidgetItem(str(text))
            item.setToolTip(str(text))
            if colour is not None and col == 1:
                item.setForeground(colour)
            table.setItem(row, col, item)


class Faults:
    """Failure injection wired into one main window (see `install`): the banner, the marks, the Failures
    dock (ui/panels.py) and the actions of ui/actions.py's menus (compare, resilience, restore_faults)."""

    def __init__(self, window):
        self.window = window
        self.editor = editor = window.editor
        doc = editor.document
        self.banner = FaultBanner(editor)
        self.bar = QToolBar("Failures")
        self.bar.setObjectName("fault_bar")
        self.bar.setMovable(False)
        self.bar.toggleViewAction().setVisible(False)  # it shows itself while faults are active
        self.bar.addWidget(self.banner)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.bar.hide()
        self.dock = window.docks.get("failures")
        self.panel = getattr(window, "failures_panel", None)
        if self.dock is None or self.panel is None:  # a window without the dock (ui/panels.py): make it here
            self.panel = FailuresPanel(editor)
            self.dock = QDockWidget("Failures", window)
            self.dock.setObjectName("dock_failures")
            self.dock.setWidget(self.panel)
            self.dock.hide()
            window.docks["failures"] = self.dock
        self.marks = MarkLayer(window.scene)
        self.actions = {name: window.action_map[name] for name in ACTIONS if name in window.action_map}
        self._shown_faults: tuple = ()
        self._refreshed = False
        doc.result_changed.connect(self.refresh)
        doc.faults_changed.connect(self.refresh)
        doc.group_changed.connect(lambda _gid: self.marks.refresh_zones())
        doc.component_changed.connect(lambda _cid: self.marks.refresh_zones())
        self.refresh()

    def refresh(self) -> None:
        doc = self.editor.document
        active = bool(doc.faults)
        if not active and not self._shown_faults and self._refreshed:
            return  # no faults before or now: nothing of this feature changes (every edit recomputes)
        self._refreshed = True
        self.banner.refresh()
        self.bar.setVisible(active)
        if "restore_faults" in self.actions:
            self.actions["restore_faults"].setEnabled(active)
        self.panel.refresh()
        cards, zones = card_marks(doc) if active else ({}, {})
        self.marks.set_marks(cards, zones)
        if active and not self._shown_faults:
            self.show_dock()
        self._shown_faults = doc.faults

    def restore_all(self) -> bool:
        return restore_all(self.editor)

    def show_dock(self) -> None:
        """Bring the Failures panel to the front (docked, tabbed with the results, the first time)."""
        w = self.window
        if w.dockWidgetArea(self.dock) == Qt.DockWidgetArea.NoDockWidgetArea:
            w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
            results = w.docks.get("results")
            if results is not None and results.isVisible():
                w.tabifyDockWidget(results, self.dock)
        self.dock.show()
        self.dock.raise_()

    # ------------------------------------------------------------------ views reached from the menus
    def show_resilience(self):
        from archplan.ui.resilience_view import ResilienceDialog

        dialog = ResilienceDialog(self.editor, self.window)
        dialog.show()
        self.resilience_dialog = dialog
        return dialog

    def compare_with(self, plan=None, label: str | None = None):
        from archplan.ui.compare_view import choose_other, open_compare

        if plan is None:
            chosen = choose_other(self.window)
            if chosen is None:
                return None
            plan, label = chosen
        dialog = open_compare(self.window, plan, label)
        self.compare_dialog = dialog
        return dialog


#: The window's actions this feature serves (created with the others by ui/actions.py).
ACTIONS = ("compare", "resilience", "restore_faults")
_menu_section_added = False


def _context_menu_section(menu: QMenu, context) -> None:
    """The "fail" section of the canvas's context menus (ui/canvas/menus.py)."""
    fail_menu(menu, context.scene, context.kind, context.item_id)


def install(window) -> Faults:
    """Add failure injection to a main window with a plan (banner, marks, Failures panel, context menus);
    its actions (Compare with…, Resilience…, Restore all failures) call `window.faults`."""
    global _menu_section_added
    if not _menu_section_added:
        from archplan.ui.canvas.menus import add_menu_section

        add_menu_section("fail", _context_menu_section)
        _menu_section_added = True
    window.faults = Faults(window)
    return window.faults
