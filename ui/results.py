"""
The results dock: plan summary, per-component table, findings and "show your work".

Everything shown is read from the document's latest PlanResult (recomputed after every edit, never
stored). Choosing a row or a finding asks the window to select that component on the canvas
(`component_selected`, `select_requested`); selecting on the canvas selects the row
(`select_component`), without echoing back.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import units
from archplan.planner.summary import COLUMNS, COMPACT
from archplan.ui import theme
from archplan.ui.budgets import budgets_html
from archplan.ui.document import Document
from archplan.ui.findings import COMPONENT_ROLE, FindingsView
from archplan.ui.results_model import ID_ROLE, ResultsModel
from archplan.ui.work_panel import WorkPanel

__all__ = ["COMPONENT_ROLE", "ResultsPanel", "plan_summary_html"]
#: The summary names at most this many clients (a large plan has hundreds).
MAX_CLIENTS = 3


def plan_summary_html(document: Document, tails: bool = True) -> str:
    """Bottleneck, single points of failure, breaking point and what each client sees, as rich text.
    Without `tails` the clients' end-to-end p99s read "…": the engine works them out on first use (a
    convolution over the plan, a frame's worth at 1,000 components), so the panel shows them once edits pause."""
    colours = theme.current()
    result = document.result
    if result is None:
        if document.pending:
            return f"<span style='color:{colours.muted}'>Computing the plan…</span>"
        return (f"<span style='color:{colours.error}'><b>The plan cannot be computed:</b> "
                f"{html.escape(document.result_error or 'unknown error')}</span>")

    def name(cid: str | None) -> str:
        component = document.component(cid) if cid else None
        return html.escape(component.name if component is not None else cid or "")

    parts = []
    if result.bottleneck:
        r = result.components[result.bottleneck]
        parts.append(f"<b>Bottleneck:</b> {name(result.bottleneck)} ({units.format_percent(r.utilisation)} "
                     f"{r.binding})")
    else:
        parts.append("<b>Bottleneck:</b> none")
    bp = result.breaking_point
    if bp.component:
        parts.append(f"<b>Breaks at</b> {units.format_count(bp.dau_at_target)} DAU "
                     f"(×{units.format_count(bp.multiplier_at_target * result.multiplier)}): {name(bp.component)} "
                     f"({bp.resource})")
    spofs = list(result.spofs)
    if spofs:
        shown = ", ".join(name(c) for c in spofs[:4]) + (f" +{len(spofs) - 4}" if len(spofs) > 4 else "")
        parts.append(f"<b style='color:{colours.warning}'>SPOFs:</b> {shown}")
    else:
        parts.append("<b>SPOFs:</b> none")
    line1 = " &nbsp;·&nbsp; ".join(parts)
    shown_clients = list(result.clients.items())[:MAX_CLIENTS]
    def p99(client, operation: str) -> str:
        return units.format_duration(client.percentile(operation, 0.99)) if tails else "…"

    clients = [f"<b>{name(cid)}</b>: read {units.format_duration(c.read_latency)} "
               f"(p99 {p99(c, 'read')}), write {units.format_duration(c.write_latency)} "
               f"(p99 {p99(c, 'write')}), availability {units.format_availability(c.availability)}"
               for cid, c in shown_clients]
    more = len(result.clients) - len(shown_clients)
    if more > 0:
        clients.append(f"{more} more client{'s' * (more != 1)} (in the table)")
    line2 = " &nbsp;·&nbsp; ".join(clients) if clients else "No client: add a web or mobile client to send traffic."
    if result.multiplier != 1:
        multiplier = units.format_count(result.multiplier)
        line2 += f" &nbsp;<span style='color:{colours.info}'>(what-if: traffic ×{multiplier})</span>"
    budgets = budgets_html(document.plan.settings.budgets, result)
    return f"{line1}<br>{line2}" + (f"<br>{budgets}" if budgets else "")


class ResultsPanel(QWidget):
    """Summary line, sortable table, findings and the work panel.

    The table's column widths and sort order are the user's: kept in QSettings ("results/header") when
    `settings` is given, and never overridden by the automatic fitting once a column was resized."""

    #: The user chose a component's row (select it on the canvas).
    component_selected = Signal(str)
    #: The user chose a finding: select these components on the canvas.
    select_requested = Signal(list)

    HEADER_KEY = "results/header/v3"   # v3: planner.summary's columns; the CLI's subset shown at first
    #: Rows whose text the column fitting measures (besides the header).
    FIT_ROWS = 200

    def __init__(self, document: Document, parent: QWidget | None = None, settings: QSettings | None = None):
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setContentsMargins(4, 2, 4, 2)

        self.model = ResultsModel(document, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setVisible(False)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        font = self.table.font()
        font.setPointSizeF(max(font.pointSizeF() - 1, 8))
        self.table.setFont(font)
        self.table.horizontalHeader().setFont(font)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 7)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)        # sorts with the model's own keys (ResultsModel.sort)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)

        self.findings = FindingsView(document)
        self.findings.component_chosen.connect(self._on_finding)
        self.work = WorkPanel(document)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.work, "Show your work")
        self.tabs.addTab(self.findings, "Findings")
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.table)
        self.split.addWidget(self.tabs)
        self.split.setStretchFactor(0, 5)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([1000, 420])   # at 1366 px the table shows availability and cost
        self.split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.split, 1)
        self._selecting = False
        self._sized = False
        self._fitting = False
        self._user_sized: set[int] = set()       # columns the user resized: never fitted again
        self._refit = QTimer(self, singleShot=True, interval=250)
        self._refit.timeout.connect(lambda: self.fit_columns(grow_only=True))
        #: the clients' p99s once edits pause (75 ms of convolution at 10,000 components: not on every step
        #: of a what-if drag or of fast typing)
        self._tails = QTimer(self, singleShot=True, interval=200)
        self._tails.timeout.connect(lambda: self.summary.setText(plan_summary_html(self.document)))
        self._save_header = QTimer(self, singleShot=True, interval=400)
        self._save_header.timeout.connect(self.save_header)
        if not self._restore_header():
            self._show_compact()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.sectionResized.connect(self._on_section_resized)
        header.sortIndicatorChanged.connect(lambda *_: self._save_header.start())
        header.sectionMoved.connect(lambda *_: self._save_header.start())
        document.result_changed.connect(self.refresh)
        document.plan_reset.connect(self._on_plan_reset)
        document.component_changed.connect(self._on_component_changed)
        self.refresh()
        self._tails.stop()   # counted from when the event loop runs (not while the window is still built)
        QTimer.singleShot(0, self, self._tails.start)

    # ------------------------------------------------------------------ column memory
    def _restore_header(self) -> bool:
        state = self.settings.value(self.HEADER_KEY) if self.settings is not None else None
        if state is not None and self.table.horizontalHeader().restoreState(state):
            self._user_sized = set(range(self.model.columnCount()))
            self._sized = True
            return True
        return False

    def _show_compact(self) -> None:
        """At first only the CLI's columns (planner.COMPACT): availability and cost show without
        scrolling on a 1366-pixel screen; the traffic split and bandwidths come back from the header's menu."""
        shown = {c.key for c in COMPACT}
        self._fitting = True   # showing or hiding resizes sections: not the user's resizing
        try:
            for i, c in enumerate(COLUMNS):
                self.table.setColumnHidden(2 + i, c.key not in shown)
        finally:
            self._fitting = False

    def _column_menu(self, pos) -> None:
        """The header's context menu: show or hide each figure column (remembered with the header)."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for i, c in enumerate(COLUMNS):
            column = 2 + i
            action = menu.addAction(c.header)
            action.setToolTip(c.tooltip)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda on, column=column: self.set_column_shown(column, on))
        menu.addSeparator()
        menu.addAction("Show the CLI's columns", lambda: (self._show_compact(), self._save_header.start()))
        menu.popup(header.mapToGlobal(pos))
        self.column_menu = menu

    def set_column_shown(self, column: int, shown: bool) -> None:
        self._fitting = True
        try:
            self.table.setColumnHidden(column, not shown)
        finally:
            self._fitting = False
        if shown and self.table.columnWidth(column) < 20:
            self.fit_columns()
        self._save_header.start()

    def save_header(self) -> None:
        if self.settings is not None:
            self.settings.setValue(self.HEADER_KEY, self.table.horizontalHeader().saveState())

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting:
            self._user_sized.add(column)
            self._save_header.start()

    # ------------------------------------------------------------------ refresh
    def refresh(self) -> None:
        self.summary.setText(plan_summary_html(self.document, tails=False))
        self._tails.start()   # the clients' p99s once edits pause (restarted by every refresh)
        self._fill_findings()
        if self.model.rowCount():
            if self._sized:
                self._refit.start()  # widen columns for grown numbers once edits pause (a drag of the
            else:                    # what-if slider or fast typing recompute many times a second)
                self.fit_columns()
                self._sized = True
        selected = self.work.component_id
        if selected is not None and self.model.row_of(selected) < 0:
            self.work.show_component(None)

    def _on_plan_reset(self) -> None:
        self.work.show_component(None)
        if len(self._user_sized) < self.model.columnCount():
            self._sized = False  # a new plan: fit the columns to its names

    def _on_component_changed(self, cid: str) -> None:
        """A rename computes nothing: the summary and the findings take the new name from the plan."""
        result, component = self.document.result, self.document.component(cid)
        figures = result.components.get(cid) if result is not None else None
        if figures is None or component is None:
            return
        if component.name != figures.name or self.findings.model_.is_renamed(figures.name):
            self.summary.setText(plan_summary_html(self.document))
            self.findings.model_.component_renamed(cid)

    def fit_columns(self, grow_only: bool = False) -> None:
        """Columns as wide as their widest text among the header and the first rows (names and kinds at
        most 200 px, numbers never cut); `grow_only` widens columns whose numbers grew (what-if) and
        never shrinks them, so the table does not jump. Columns the user resized are left alone."""
        metrics = self.table.fontMetrics()
        header_metrics = self.table.horizontalHeader().fontMetrics()
        rows = range(min(self.model.rowCount(), self.FIT_ROWS))
        self._fitting = True
        try:
            for column in range(self.model.columnCount()):
                if column in self._user_sized:
                    continue
                title = self.model.headerData(column, Qt.Orientation.Horizontal)
                texts = (self.model.data(self.model.index(row, column)) or "" for row in rows)
                width = max((metrics.horizontalAdvance(t) for t in texts), default=0) + 14
                width = max(width, header_metrics.horizontalAdvance(title) + 26)  # room for the sort arrow
                if column < 2:
                    width = min(width, 200)
                if not grow_only or width > self.table.columnWidth(column):
                    self.table.setColumnWidth(column, width)
        finally:
            self._fitting = False

    def _fill_findings(self) -> None:
        if not self.findings.model_.refresh():
            return  # the same findings: keep the list (and its scroll position and selection)
        result = self.document.result
        if result is None:
            self.tabs.setTabText(1, "Findings (1)" if self.document.result_error else "Findings")
            return
        errors = len(result.errors())
        count = len(result.findings)
        self.tabs.setTabText(1, f"Findings ({count})" + (f" · {errors} error{'s' * (errors != 1)}" if errors else ""))

    # ------------------------------------------------------------------ selection
    def _on_row_changed(self, current, _previous) -> None:
        if not current.isValid():
            return
        cid = self.model.data(current, ID_ROLE)
        if cid is None:
            return
        self.work.show_component(cid)
        if not self._selecting:
            self.component_selected.emit(cid)

    def _on_finding(self, cid: str) -> None:
        self.select_requested.emit([cid])
        self.select_component(cid)

    def select_component(self, component_id: str | None) -> None:
        """Select the component's row (called when the canvas selection changes); no echo."""
        self._selecting = True
        try:
            row = self.model.row_of(component_id) if component_id else -1
            if row < 0:
                self.table.selectionModel().clear()
                self.work.show_component(None)
                return
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
            self.work.show_component(component_id)
        finally:
            self._selecting = False

    def selected_component(self) -> str | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.data(index, ID_ROLE) if index.isValid() else None
