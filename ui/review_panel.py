"""
The Review panel: the design review's findings (planner/review) grouped by severity, each with its numbers,
its source and its fix.

Choosing a finding selects its components on the canvas (`select_requested`) and shows what fired it and,
for a finding with a fix, the fix's edits and a before/after of the figures it changes (the plan computed
with and without the fix). *Apply* applies that fix as ONE undoable command (`ApplyPlanEdits`), *Apply all*
applies every fix, most severe first, recomputing after each, as one command too; *Ignore…* accepts the
finding with a reason saved in the plan (settings.ignored_findings, one undoable settings edit), and
*Restore* undoes that for an ignored one.

The window docks it with `build_review_dock(window, editor)` (one line where docks are declared).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import review, units
from archplan.planner.model import Plan
from archplan.planner.result import Finding
from archplan.planner.review.figures import fmt
from archplan.planner.review.figures import label as figure_label
from archplan.ui.document import Document
from archplan.ui.editor import Editor

FINDING_ROLE = Qt.ItemDataRole.UserRole
GROUPS = (("error", "Critical"), ("warning", "Warnings"), ("info", "Info"))
SEVERITY_ICON = {"error": QStyle.StandardPixmap.SP_MessageBoxCritical,
                 "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
                 "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
                 "ignored": QStyle.StandardPixmap.SP_DialogNoButton}


# ------------------------------------------------------------------------------------------ the command

def sync_plan(doc: Document, target: Plan) -> None:
    """Make the document's plan equal to `target` through the document's primitives (so the canvas and
    every view follow): links and components that go, components and groups that come, changed fields,
    links that come, settings and traffic."""
    plan = doc.plan
    want_groups = {g.id: g for g in target.groups}
    for group in target.groups:
        if group.id not in {g.id for g in plan.groups}:
            doc.add_group(group, [], target.groups.index(group))
    want_links = {lk.id: lk for lk in target.links}
    for link in list(plan.links):
        if link.id not in want_links:
            doc.remove_link(link.id)
    want = {c.id: c for c in target.components}
    for comp in list(plan.components):
        if comp.id not in want:
            doc.remove_component(comp.id)
    have = {c.id: c for c in plan.components}
    for index, comp in enumerate(target.components):
        if comp.id not in have:
            doc.add_component(comp, index)
        elif have[comp.id] != comp:
            old, new = have[comp.id].model_dump(), comp.model_dump()
            doc.update_component(comp.id, **{k: v for k, v in new.items() if old[k] != v and k != "id"})
    have_links = {lk.id: lk for lk in plan.links}
    for index, link in enumerate(target.links):
        if link.id not in have_links:
            doc.add_link(link, index)
        elif have_links[link.id] != link:
            old, new = have_links[link.id].model_dump(), link.model_dump()
            doc.update_link(link.id, **{k: v for k, v in new.items() if old[k] != v and k != "id"})
    for group in list(plan.groups):
        if group.id not in want_groups:
            doc.remove_group(group.id)
        elif group != want_groups[group.id]:
            old, new = group.model_dump(), want_groups[group.id].model_dump()
            doc.update_group(group.id, **{k: v for k, v in new.items() if old[k] != v and k != "id"})
    if plan.settings != target.settings:
        old, new = plan.settings.model_dump(), target.settings.model_dump()
        doc.update_settings(**{k: v for k, v in new.items() if old[k] != v})
    if plan.traffic != target.traffic:
        old, new = plan.traffic.model_dump(), target.traffic.model_dump()
        doc.update_traffic(**{k: v for k, v in new.items() if old[k] != v})


class ApplyPlanEdits(QUndoCommand):
    """One review fix (or all of them) as one undo step: redo brings the plan to the fixed plan, undo back
    to the plan as it was, both through document primitives."""

    def __init__(self, doc: Document, fixed: Plan, text: str):
        super().__init__(text)
        self.doc = doc
        self.before = doc.plan.model_copy(deep=True)
        self.after = fixed.model_copy(deep=True)

    def redo(self) -> None:
        sync_plan(self.doc, self.after)

    def undo(self) -> None:
        sync_plan(self.doc, self.before)


# ------------------------------------------------------------------------------------------ the panel

class ReviewPanel(QWidget):
    """Findings by severity, the chosen one's numbers and fix, and the buttons that act on it."""

    #: Select these components on the canvas.
    select_requested = Signal(list)

    def __init__(self, editor: Editor, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.document = editor.document
        #: Asks the reason to ignore a finding (None: cancelled). Replaceable (tests answer it).
        self.ask_reason: Callable[[Finding], str | None] = self._default_ask_reason
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.targets = QLabel()
        self.targets.setWordWrap(True)
        self.targets.setStyleSheet("color: #555;")
        self.targets.setToolTip("Rules that compare clients with a target read the plan's budgets (inspector, plan "
                                "page): minimum availability and maximum read / write p99")
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.currentItemChanged.connect(lambda current, _previous: self._on_current(current))
        self.tree.itemClicked.connect(lambda item, _column: self._on_current(item))
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setToolTip("Apply this finding's fix (one undo step)")
        self.apply_all_button = QPushButton("Apply all")
        self.apply_all_button.setToolTip("Apply every fix, most severe finding first, recomputing after each "
                                         "(one undo step)")
        self.ignore_button = QPushButton("Ignore…")
        self.ignore_button.setToolTip("Accept this finding with a reason saved in the plan: it stays quiet")
        self.apply_button.clicked.connect(self.apply_current)
        self.apply_all_button.clicked.connect(self.apply_all)
        self.ignore_button.clicked.connect(self.toggle_ignore)
        buttons = QHBoxLayout()
        for button in (self.apply_button, self.apply_all_button, self.ignore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.details)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.targets)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self._shown: object = None
        #: When True (docked in a window), a hidden panel skips recomputes and catches up when shown: a large
        #: plan's findings are not rebuilt after every edit behind the inspector's tab.
        self.lazy = False
        self._stale = False
        self._watching = False
        self._preview: review.Preview | None = None
        self._preview_key: object = None
        self.document.result_changed.connect(self.refresh)
        self.document.plan_info_changed.connect(self._show_targets)
        self.document.plan_reset.connect(self._show_targets)
        self._show_targets()
        self.refresh()

    # ------------------------------------------------------------------ state
    def current_finding(self) -> Finding | None:
        item = self.tree.currentItem()
        return item.data(0, FINDING_ROLE) if item is not None else None

    def finding_items(self) -> list[QTreeWidgetItem]:
        items = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            items += [group.child(i) for i in range(group.childCount())]
        return items

    def select_finding(self, rule: str, component: str | None = None) -> Finding:
        """Make the finding of `rule` (on `component`) current, as a click would; returns it."""
        if self._stale:
            self.refresh(force=True)
        for item in self.finding_items():
            finding = item.data(0, FINDING_ROLE)
            if finding.rule == rule and (component is None or finding.component == component):
                if self.tree.currentItem() is item:
                    self._on_current(item)
                else:
                    self.tree.setCurrentItem(item)
                return finding
        raise LookupError(f"no finding {rule} on {component}")

    # ------------------------------------------------------------------ refresh
    def showEvent(self, event) -> None:
        super().showEvent(event)
        dock = self.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        if dock is not None and not self._watching:
            self._watching = True  # a tabbed dock brought to the front: catch up then
            dock.visibilityChanged.connect(lambda shown: shown and self._stale and self.refresh(force=True))
        if self._stale:
            self.refresh(force=True)

    def exposed(self) -> bool:
        """On screen: shown, and not behind another dock's tab."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def refresh(self, force: bool = False) -> None:
        if self.lazy and not force and not self.exposed():
            self._stale = True
            return
        self._stale = False
        result = self.document.result
        if result is None:
            self.summary.setText(f"<span style='color:#c62828'>The plan cannot be computed: "
                                 f"{html.escape(self.document.result_error or '')}</span>")
            self.tree.clear()
            self._shown = None
            self._show(None)
            return
        counts = {s: sum(1 for f in result.findings if f.severity == s) for s, _ in GROUPS}
        verdict = ("<b style='color:#2e7d32'>passes</b>" if not counts["error"] and not counts["warning"] else
                   "<b style='color:#c62828'>does not pass</b>")
        self.summary.setText(f"Design review {verdict}: {counts['error']} critical, {counts['warning']} warning"
                             f"{'s' if counts['warning'] != 1 else ''}, {counts['info']} info"
                             + (f", {len(result.ignored)} ignored" if result.ignored else ""))
        shown = (result.findings, result.ignored)
        self.apply_all_button.setEnabled(any(review.has_fixer(f) for f in result.findings))
        if shown == self._shown:
            self._show(self.current_finding())  # same findings: keep the selection, refresh the numbers
            return
        current = self.current_finding()
        self._shown = shown
        self.tree.blockSignals(True)
        self.tree.clear()
        restore = None
        names = {c: r.name for c, r in result.components.items()}
        for severity, title in (*GROUPS, ("ignored", "Ignored")):
            members = result.ignored if severity == "ignored" else [f for f in result.findings
                                                                    if f.severity == severity]
            if not members:
                continue
            group = QTreeWidgetItem([f"{title} ({len(members)})"])
            group.setIcon(0, self.style().standardIcon(SEVERITY_ICON[severity]))
            group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.tree.addTopLevelItem(group)
            for finding in members:
                who = names.get(finding.component) or (result.clients[finding.component].name
                                                       if finding.component in result.clients else "plan")
                item = QTreeWidgetItem([f"{finding.rule} · {who}: {finding.message}"])
                item.setData(0, FINDING_ROLE, finding)
                item.setToolTip(0, finding.message)
                group.addChild(item)
                if current is not None and review.key(finding) == review.key(current):
                    restore = item
            group.setExpanded(severity != "ignored")
        if restore is not None:
            self.tree.setCurrentItem(restore)  # signals blocked: a recompute does not reselect on the canvas
        self.tree.blockSignals(False)
        self._show(restore.data(0, FINDING_ROLE) if restore is not None else None)

    # ------------------------------------------------------------------ details
    def _on_current(self, item: QTreeWidgetItem | None) -> None:
        """The user chose a finding (click or keys): show it and select its components on the canvas."""
        finding = item.data(0, FINDING_ROLE) if item is not None else None
        self._show(finding)
        if finding is not None:
            present = {c.id for c in self.document.plan.components}
            ids = [c for c in finding.components if c in present]
            if ids:
                self.select_requested.emit(ids)

    def preview(self, finding: Finding) -> review.Preview | None:
        """The finding's fix and its before/after, computed once per result."""
        key = (review.key(finding), id(self.document.result))
        if key != self._preview_key:
            try:
                self._preview = review.preview(self.document.plan, finding, self.document.result)
            except (review.FixError, ValueError):
                self._preview = None
            self._preview_key = key
        return self._preview

    def _show(self, finding: Finding | None) -> None:
        result = self.document.result
        ignored = finding is not None and result is not None and finding in result.ignored
        if finding is None or result is None:
            self.details.setHtml("<p style='color:#666'>Choose a finding to see its numbers, its source and its "
                                 "fix.</p>")
            self.apply_button.setEnabled(False)
            self.ignore_button.setEnabled(False)
            self.ignore_button.setText("Ignore…")
            return
        rule = review.rule_of(finding)
        esc = html.escape
        parts = [f"<p><b>{esc(finding.rule)}</b> · {esc(review.SEVERITY_LABEL[finding.severity])}"
                 + (f" · {esc(rule.title)}" if rule else "") + "</p>",
                 f"<p>{esc(finding.message)}</p>"]
        if finding.advice:
            parts.append(f"<p><b>What to do:</b> {esc(finding.advice)}</p>")
        if finding.figures:
            rows = "".join(f"<tr><td>{esc(figure_label(result, e))}</td><td align='right'>{esc(fmt(e.value, e.unit))}"
                           f"</td></tr>" for e in finding.figures)
            parts.append(f"<p><b>Figures</b></p><table cellspacing='0' cellpadding='2'>{rows}</table>")
        for also in finding.see_also:
            parts.append(f"<p><i>See also</i> {esc(also)}</p>")
        p = None if ignored else self.preview(finding)
        if p is not None:
            edits = "".join(f"<li>{esc(op.describe())}</li>" for op in p.fix.operations)
            rows = "".join(
                f"<tr><td>{esc(r.label)}</td><td align='right'>{esc(fmt(r.before, r.unit))}</td><td>→</td>"
                f"<td align='right'><b style='color:{_colour(r.improved)}'>{esc(fmt(r.after, r.unit))}</b></td></tr>"
                for r in p.rows)
            parts.append(f"<p><b>Fix:</b> {esc(p.fix.summary)}</p><ul>{edits}</ul>"
                         f"<p><b>Before → after</b> (the plan computed with the fix)</p>"
                         f"<table cellspacing='0' cellpadding='2'>{rows}</table>")
            if p.new_critical:
                parts.append("<p style='color:#c62828'>It brings a new critical finding: "
                             + esc("; ".join(f.message for f in p.new_critical)) + "</p>")
        elif not ignored:
            parts.append("<p><i>No automatic fix: this one is advice.</i></p>")
        if ignored:
            parts.append(f"<p><b>Ignored:</b> {esc(review.ignore_reason(self.document.plan, finding) or '')}</p>")
        if finding.source:
            parts.append(f"<p style='color:#555'><b>Source:</b> {esc(finding.source)}</p>")
        self.details.setHtml("".join(parts))
        self.apply_button.setEnabled(p is not None)
        self.ignore_button.setEnabled(True)
        self.ignore_button.setText("Restore" if ignored else "Ignore…")

    # ------------------------------------------------------------------ actions
    def apply_current(self) -> bool:
        finding = self.current_finding()
        if finding is None:
            return False
        p = self.preview(finding)
        if p is None:
            return False
        self.editor.undo_stack.push(ApplyPlanEdits(self.document, p.plan, f"Review: {p.fix.summary}"))
        return True

    def apply_all(self) -> int:
        fixed, fixes = review.apply_all(self.document.plan)
        if fixes:
            self.editor.undo_stack.push(ApplyPlanEdits(self.document, fixed, f"Review: apply {len(fixes)} fixes"))
        return len(fixes)

    def toggle_ignore(self) -> bool:
        finding = self.current_finding()
        result = self.document.result
        if finding is None or result is None:
            return False
        plan = self.document.plan
        if finding in result.ignored:
            self.editor.set_settings(ignored_findings=review.ignored_without(plan, finding.rule, finding.component))
            return True
        reason = self.ask_reason(finding)
        if not reason or not reason.strip():
            return False
        self.editor.set_settings(ignored_findings=review.ignored_with(plan, finding, reason))
        return True

    # ------------------------------------------------------------------ targets
    def _show_targets(self) -> None:
        """The budgets the target rules read (they are edited in the inspector's plan page)."""
        b = self.document.plan.settings.budgets
        parts = []
        if b.min_availability is not None:
            parts.append(f"availability ≥ {units.format_availability(b.min_availability)}")
        for name, value in (("read p99", b.max_read_p99), ("write p99", b.max_write_p99)):
            if value is not None:
                parts.append(f"{name} ≤ {units.format_duration(value)}")
        own = sum(1 for c in b.clients.values() if c.model_dump(exclude_none=True))
        if own:
            parts.append(f"{own} client budget{'s' if own != 1 else ''}")
        self.targets.setText("Targets (the plan's budgets): " + ", ".join(parts) if parts else
                             "No availability or p99 budget: the rules that compare clients with a target stay "
                             "quiet (set budgets in the inspector's plan page).")

    def _default_ask_reason(self, finding: Finding) -> str | None:
        text, ok = QInputDialog.getText(self, "Ignore finding", f"Why is {finding.rule} acceptable here? (saved in "
                                        "the plan)")
        return text if ok else None


def _colour(improved: bool | None) -> str:
    return {True: "#2e7d32", False: "#c62828"}.get(improved, "#333")


def build_review_dock(window, editor: Editor) -> ReviewPanel:
    """The Review panel for a main window: stored as `window.review`; choosing a finding selects its
    components on the window's canvas."""
    panel = ReviewPanel(editor)
    panel.lazy = True
    window.review = panel
    scene = getattr(window, "scene", None)
    if scene is not None:
        panel.select_requested.connect(scene.select_ids)
    return panel
