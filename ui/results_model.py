"""
The per-component results table: a QAbstractTableModel over the document's latest PlanResult.

One row per component of the plan, in plan order (a sort proxy orders the view). Display text is
formatted by planner.units; the sort role holds the raw number so columns sort numerically.
Utilisation is coloured by the component's status (planner.result.status_of): green with room, amber
near its planned ceiling, red past it. Rows stay when a plan cannot be computed (numbers show as a dash).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from archplan.planner import summary, units
from archplan.planner.catalog import default_catalog
from archplan.ui.document import Document

if TYPE_CHECKING:
    from archplan.planner.result import ComponentResult

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

OK_BG, WARN_BG, OVER_BG = QColor("#e3f4e6"), QColor("#fff1d6"), QColor("#fbe0e0")
OK_FG, WARN_FG, OVER_FG = QColor("#1b5e20"), QColor("#8a5300"), QColor("#b71c1c")


#: (header, tooltip, text(result), sort key(result)): planner.summary's columns, the CLI's and the documents'.
COLUMNS: tuple[tuple[str, str, Callable[[ComponentResult], str], Callable[[ComponentResult], float]], ...] = tuple(
    (c.header, c.tooltip, c.text, c.value) for c in summary.COLUMNS)
HEADERS = ("Component", "Kind") + tuple(c[0] for c in COLUMNS)
UTILISATION_COLUMN = 2 + [c.key for c in summary.COLUMNS].index("utilisation")
#: Columns that mean nothing for a client (it is not an instance fleet).
CLIENT_BLANK = {2 + i for i, c in enumerate(summary.COLUMNS) if c.key in summary.NOT_FOR_CLIENTS}


def _header_tip(column: int) -> str:
    return COLUMNS[column - 2][1] if column >= 2 else HEADERS[column]


#: Everything the figure columns (planner.summary) and the colouring show of a component's result, read
#: in one call: a row repaints only when one of these changed. Fields only (the peak and the status are
#: properties computed from these: at 10,000 rows calling them cost 50 ms an edit).
_ROW_FIGURES = attrgetter("reads_peak", "writes_peak", "count", "count_unit", "recommended",
                          "utilisation", "storage_replicated", "bandwidth_in", "bandwidth_out", "latency", "p99",
                          "availability", "monthly_cost", "ceiling", "binding", "behaviour")


def _runs(rows: list[int]):
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    start = previous = None
    for row in rows:
        if start is None:
            start = previous = row
        elif row == previous + 1:
            previous = row
        else:
            yield start, previous
            start = previous = row
    if start is not None:
        yield start, previous


class ResultsModel(QAbstractTableModel):
    """Rows = plan components; columns = the headline figures of each.

    The model sorts itself (`sort`), on keys read straight from the result: a sort proxy would call
    `data` for every comparison, about a second for 10,000 rows, and again after every edit."""

    #: Above this many rows an edit repaints the visible rows instead of finding the changed ones (reading
    #: every row's figures costs more than repainting a screenful).
    COMPARE_ROWS = 2000

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document
        self.catalog = default_catalog()
        self._plan_ids: list[str] = [c.id for c in document.plan.components]
        self._ids: list[str] = list(self._plan_ids)          # in display order
        self._rows: dict[str, int] = {cid: i for i, cid in enumerate(self._ids)}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._shown: dict[str, tuple] = {}                # the figures each row shows, to repaint only changes
        document.result_changed.connect(self.refresh)
        document.plan_reset.connect(self.refresh)
        document.component_changed.connect(self._on_component_changed)

    def refresh(self) -> None:
        ids = [c.id for c in self.document.plan.components]
        compare = len(ids) <= self.COMPARE_ROWS
        shown = self._figures() if compare else {}
        if ids != self._plan_ids:
            self.beginResetModel()
            self._plan_ids = ids
            self._ids = self._sorted(ids)
            self._rows = {cid: i for i, cid in enumerate(self._ids)}
            self._shown = shown
            self.endResetModel()
        elif ids:
            if self._sort is not None:
                self._reorder(self._sorted(self._plan_ids))
            last = len(HEADERS) - 1
            if not compare:   # the view repaints the rows it shows, and reads the others when scrolled to
                self.dataChanged.emit(self.index(0, 2), self.index(len(ids) - 1, last))
                return
            changed = sorted(self._rows[cid] for cid in ids if shown.get(cid) != self._shown.get(cid))
            self._shown = shown
            for first, end in _runs(changed):   # only the rows whose figures changed repaint
                self.dataChanged.emit(self.index(first, 2), self.index(end, last))

    def _figures(self) -> dict[str, tuple]:
        """What every row shows, unformatted (equal figures: the row need not repaint)."""
        result = self.document.result
        if result is None:
            return {}
        return {cid: _ROW_FIGURES(r) for cid, r in result.components.items()}

    def _on_component_changed(self, cid: str) -> None:
        """A rename (or a new kind) shows at once, without waiting for figures."""
        row = self._rows.get(cid)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 1))

    # ------------------------------------------------------------------ sorting
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = None if column < 0 else (column, order)
        self._reorder(self._sorted(self._plan_ids))

    def sort_column(self) -> tuple[int, Qt.SortOrder] | None:
        return self._sort

    def sort_key(self, cid: str, column: int):
        """What a column sorts by: the raw number (or the lowered text), not its formatting."""
        if column < 2:
            comp = self._component(self._rows.get(cid, -1), cid)
            if comp is None:
                return ""
            return (comp.name if column == 0 else self.catalog[comp.kind].label).lower()
        result = self.document.result.components.get(cid) if self.document.result is not None else None
        if result is None:
            return -1.0
        value = COLUMNS[column - 2][3](result)
        return value if math.isfinite(value) else 1e308

    def _sorted(self, ids: list[str]) -> list[str]:
        if self._sort is None:
            return list(ids)
        column, order = self._sort
        keys = {cid: self.sort_key(cid, column) for cid in ids}
        return sorted(ids, key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)

    def _reorder(self, ids: list[str]) -> None:
        if ids == self._ids:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        rows = {cid: i for i, cid in enumerate(ids)}
        moved = [self.index(rows[self._ids[i.row()]], i.column()) if i.row() < len(self._ids)
                 and self._ids[i.row()] in rows else QModelIndex() for i in old]
        self._ids, self._rows = ids, rows
        self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    def component_id(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, component_id: str) -> int:
        return self._rows.get(component_id, -1)

    def _component(self, row: int, cid: str):
        """The component shown in `row` (an O(1) look-up: a view asks for every cell it sizes)."""
        return self.document.component(cid)

    # ------------------------------------------------------------------ Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section >= 2:
            return COLUMNS[section - 2][1]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        cid = self._ids[index.row()]
        if role == ID_ROLE:
            return cid
        comp = self._component(index.row(), cid)
        if comp is None:
            return None
        column = index.column()
        if column < 2:
            text = comp.name if column == 0 else self.catalog[comp.kind].label
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return text if role == Qt.ItemDataRole.DisplayRole else text.lower()
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{comp.name} ({comp.kind}, id {comp.id})"
            return None
        result = self.document.result.components.get(cid) if self.document.result is not None else None
        _header, _tip, text_of, _key = COLUMNS[column - 2]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if result is not None and result.behaviour == "client" and column in CLIENT_BLANK:
            return "—" if role == Qt.ItemDataRole.DisplayRole else None  # clients are not sized
        if role == Qt.ItemDataRole.DisplayRole:
            return text_of(result) if result is not None else "—"
        if role == SORT_ROLE:
            return self.sort_key(cid, column)
        if result is not None and column == UTILISATION_COLUMN:
            status = result.status  # one vocabulary: ok / warn (near the ceiling) / over (past it)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(OVER_BG if status == "over" else WARN_BG if status == "warn" else OK_BG)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(OVER_FG if status == "over" else WARN_FG if status == "warn" else OK_FG)
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"{units.format_percent(result.utilisation)} of {result.binding} at peak; planned ceiling "
                        f"{units.format_percent(result.ceiling)}")
        if role == Qt.ItemDataRole.ToolTipRole and result is not None:
            return f"{_header_tip(column)}: {text_of(result)}"
        return None
