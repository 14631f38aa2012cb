"""
The results dock: plan summary, per-component table, findings and "show your work".

Everything shown is read from the document's latest PlanResult (recomputed after every edit, never
stored). Choosing a row or a finding asks the window to select that component on the canvas
(`component_selected`, `select_requested`); selecting on the canvas selects the row
(`select_component`), without echoing back.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, QSettings, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import units
from archplan.ui.budgets import budgets_html
from archplan.ui.document import Document
from archplan.ui.results_model import ID_ROLE, SORT_ROLE, ResultsModel
from archplan.ui.work_panel import WorkPanel

COMPONENT_ROLE = Qt.ItemDataRole.UserRole
SEVERITY_ICON = {"error": QStyle.StandardPixmap.SP_MessageBoxCritical,
                 "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
                 "info": QStyle.StandardPixmap.SP_MessageBoxInformation}


def plan_summary_html(document: Document) -> str:
    """Bottleneck, single points of failure, breaking point and what each client sees, as rich text."""
    result = document.result
    if result is None:
        return (f"<span style='color:#c62828'><b>The plan cannot be computed:</b> "
                f"{html.escape(document.result_error or 'unknown error')}</span>")
    plan = document.plan
    names = {c.id: c.name for c in plan.components}

    def name(cid: str | None) -> str:
        return html.escape(names.get(cid, cid or ""))

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
        parts.append(f"<b style='color:#8a5300'>SPOFs:</b> {shown}")
    else:
        parts.append("<b>SPOFs:</b> none")
    line1 = " &nbsp;·&nbsp; ".join(parts)
    clients = [f"<b>{name(cid)}</b>: read {units.format_duration(c.read_latency)} "
               f"(p99 {units.format_duration(c.read_p99)}), write {units.format_duration(c.write_latency)} "
               f"(p99 {units.format_duration(c.write_p99)}), availability {units.format_availability(c.availability)}"
               for cid, c in result.clients.items()]
    line2 = " &nbsp;·&nbsp; ".join(clients) if clients else "No client: add a web or mobile client to send traffic."
    if result.multiplier != 1:
        multiplier = units.format_count(result.multiplier)
        line2 += f" &nbsp;<span style='color:#1565c0'>(what-if: traffic ×{multiplier})</span>"
    budgets = budgets_html(plan.settings.budgets, result)
    return f"{line1}<br>{line2}" + (f"<br>{budgets}" if budgets else "")


class ResultsPanel(QWidget):
    """Summary line, sortable table, findings and the work panel."""

    #: The user chose a component's row (select it on the canvas).
    component_selected = Signal(str)
    #: The user chose a finding: select these components on the canvas.
    select_requested = Signal(list)

    def __init__(self, document: Document, parent: QWidget | None = None, settings: QSettings | None = None):
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setStyleSheet("padding: 2px 4px;")

        self.model = ResultsModel(document, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        font = self.table.font()
        font.setPointSizeF(max(font.pointSizeF() - 1, 8))
        self.table.setFont(font)
        self.table.horizontalHeader().setFont(font)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 7)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)

        self.findings = QListWidget()
        self.findings.setWordWrap(True)
        self.findings.setAlternatingRowColors(True)
        self.findings.itemClicked.connect(self._on_finding)
        self.findings.itemActivated.connect(self._on_finding)
        self.work = WorkPanel(document)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.work, "Show your work")
        self.tabs.addTab(self.findings, "Findings")
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.table)
        self.split.addWidget(self.tabs)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([990, 570])
        self.split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.split, 1)
        self._selecting = False
        self._sized = False
        self._shown_findings: object = None  # what the findings list shows (to skip rebuilding it)
        self._refit = QTimer(self, singleShot=True, interval=250)
        self._refit.timeout.connect(lambda: self.fit_columns(grow_only=True))
        self._icons: dict[str, QIcon] = {}
        document.result_changed.connect(self.refresh)
        document.plan_reset.connect(self._on_plan_reset)
        self.refresh()

    # ------------------------------------------------------------------ refresh
    def refresh(self) -> None:
        self.summary.setText(plan_summary_html(self.document))
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
        self._sized = False  # a new plan: fit the columns to its names

    def fit_columns(self, grow_only: bool = False) -> None:
        """Columns as wide as their content (headers without room for a sort arrow they may never
        show); names and kinds are capped so they never crowd the numbers out. `grow_only` widens
        columns whose numbers grew (what-if) and never shrinks them, so the table does not jump."""
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(0 if grow_only else 200)  # rows sampled: the visible ones when growing
        metrics = header.fontMetrics()
        for column in range(self.model.columnCount()):
            header = self.model.headerData(column, Qt.Orientation.Horizontal)
            width = max(self.table.sizeHintForColumn(column) + 6, metrics.horizontalAdvance(header) + 18)
            width = min(width, (124, 104)[column] if column < 2 else 160)
            if not grow_only or width > self.table.columnWidth(column):
                self.table.setColumnWidth(column, width)

    def _fill_findings(self) -> None:
        result = self.document.result
        shown = result.findings if result is not None else self.document.result_error
        if shown == self._shown_findings and self.findings.count():
            return  # the same findings: keep the list (and its scroll position and selection)
        self._shown_findings = shown
        self.findings.clear()
        if result is None:
            item = QListWidgetItem(self._icon("error"), self.document.result_error or "The plan cannot be computed.")
            self.findings.addItem(item)
            self.tabs.setTabText(1, "Findings (1)")
            return
        for finding in result.findings:
            text = finding.message + (f"\n→ {finding.advice}" if finding.advice else "")
            item = QListWidgetItem(self._icon(finding.severity), text)
            item.setData(COMPONENT_ROLE, finding.component)
            item.setToolTip(f"{finding.severity}: {finding.code}")
            self.findings.addItem(item)
        errors = len(result.errors())
        count = len(result.findings)
        self.tabs.setTabText(1, f"Findings ({count})" + (f" · {errors} error{'s' * (errors != 1)}" if errors else ""))

    def _icon(self, severity: str) -> QIcon:
        icon = self._icons.get(severity)
        if icon is None:
            icon = self._icons[severity] = self.style().standardIcon(SEVERITY_ICON.get(severity, SEVERITY_ICON["info"]))
        return icon

    # ------------------------------------------------------------------ selection
    def _on_row_changed(self, current, _previous) -> None:
        if not current.isValid():
            return
        cid = self.proxy.data(current, ID_ROLE)
        if cid is None:
            return
        self.work.show_component(cid)
        if not self._selecting:
            self.component_selected.emit(cid)

    def _on_finding(self, item: QListWidgetItem) -> None:
        cid = item.data(COMPONENT_ROLE)
        if cid:
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
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
            self.work.show_component(component_id)
        finally:
            self._selecting = False

    def selected_component(self) -> str | None:
        index = self.table.selectionModel().currentIndex()
        return self.proxy.data(index, ID_ROLE) if index.isValid() else None
