"""
The per-component results table: a QAbstractTableModel over the document's latest PlanResult.

One row per component of the plan, in plan order (a sort proxy orders the view). Display text is
formatted by planner.units; the sort role holds the raw number so columns sort numerically.
Utilisation is coloured against the component's planned ceiling: green under it, amber over it,
red when saturated. Rows stay when a plan cannot be computed (numbers show as a dash).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from archplan.planner import units
from archplan.planner.catalog import default_catalog
from archplan.planner.result import ComponentResult
from archplan.ui.document import Document

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

OK_BG, OVER_BG, SATURATED_BG = QColor("#e3f4e6"), QColor("#fff1d6"), QColor("#fbe0e0")
OK_FG, OVER_FG, SATURATED_FG = QColor("#1b5e20"), QColor("#8a5300"), QColor("#b71c1c")


def _rw(r: ComponentResult) -> str:
    return f"{units.format_count(r.reads_peak)} / {units.format_count(r.writes_peak)}"


def _instances(r: ComponentResult) -> str:
    return f"{r.count} / {r.needed}" + (" (fixed)" if r.fixed else "")


def _rate(value: float) -> str:
    return f"{units.format_size(value)}/s"


#: (header, tooltip, text(result), sort key(result))
COLUMNS: tuple[tuple[str, str, Callable[[ComponentResult], str], Callable[[ComponentResult], float]], ...] = (
    ("Peak QPS", "Reads + writes per second at peak", lambda r: units.format_qps(r.qps_peak), lambda r: r.qps_peak),
    ("R / W", "Peak reads / writes per second", _rw, lambda r: r.reads_peak),
    ("Inst.", "Instances deployed / needed before redundancy", _instances, lambda r: r.count),
    ("Util.", "Peak utilisation of the binding resource with the deployed count",
     lambda r: units.format_percent(r.utilisation), lambda r: r.utilisation),
    ("Storage", "Bytes stored over the retention, all copies",
     lambda r: units.format_size(r.storage_replicated) if r.storage_replicated else "—",
     lambda r: r.storage_replicated),
    ("In", "Peak bandwidth received (bytes per second)", lambda r: _rate(r.bandwidth_in), lambda r: r.bandwidth_in),
    ("Out", "Peak bandwidth returned (bytes per second)", lambda r: _rate(r.bandwidth_out), lambda r: r.bandwidth_out),
    ("Latency", "Mean response time at peak (queueing included)", lambda r: units.format_duration(r.latency),
     lambda r: r.latency),
    ("Avail.", "Availability of the component (k of N instances)",
     lambda r: units.format_availability(r.availability), lambda r: r.availability),
    ("$ / month", "Monthly cost, on-demand list prices", lambda r: units.format_money(r.monthly_cost),
     lambda r: r.monthly_cost),
)
HEADERS = ("Component", "Kind") + tuple(c[0] for c in COLUMNS)
UTILISATION_COLUMN = 2 + [c[0] for c in COLUMNS].index("Util.")
#: Columns that mean nothing for a client (it is not an instance fleet).
CLIENT_BLANK = {2 + [c[0] for c in COLUMNS].index(name) for name in ("Inst.", "Util.", "Latency", "$ / month")}


def _header_tip(column: int) -> str:
    return COLUMNS[column - 2][1] if column >= 2 else HEADERS[column]


class ResultsModel(QAbstractTableModel):
    """Rows = plan components; columns = the headline figures of each."""

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document
        self.catalog = default_catalog()
        self._ids: list[str] = [c.id for c in document.plan.components]
        document.result_changed.connect(self.refresh)
        document.plan_reset.connect(self.refresh)

    def refresh(self) -> None:
        ids = [c.id for c in self.document.plan.components]
        if ids != self._ids:
            self.beginResetModel()
            self._ids = ids
            self.endResetModel()
        elif ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(HEADERS) - 1))

    def component_id(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, component_id: str) -> int:
        return self._ids.index(component_id) if component_id in self._ids else -1

    def _component(self, row: int, cid: str):
        """The component shown in `row`: rows follow the plan's order, so this is one look-up (a view
        asks for every cell of every row when it sizes its columns), with a search if they differ."""
        components = self.document.plan.components
        if row < len(components) and components[row].id == cid:
            return components[row]
        try:
            return self.document.plan.component(cid)
        except KeyError:
            return None

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
        _header, _tip, text_of, key_of = COLUMNS[column - 2]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if result is not None and result.behaviour == "client" and column in CLIENT_BLANK:
            return "—" if role == Qt.ItemDataRole.DisplayRole else None  # clients are not sized
        if role == Qt.ItemDataRole.DisplayRole:
            return text_of(result) if result is not None else "—"
        if role == SORT_ROLE:
            value = key_of(result) if result is not None else -1.0
            return value if math.isfinite(value) else 1e308
        if result is not None and column == UTILISATION_COLUMN:
            over, saturated = result.headroom > 1 + 1e-9, result.saturated
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(SATURATED_BG if saturated else OVER_BG if over else OK_BG)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(SATURATED_FG if saturated else OVER_FG if over else OK_FG)
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"{units.format_percent(result.utilisation)} of {result.binding} at peak; planned ceiling "
                        f"{units.format_percent(result.ceiling)}")
        if role == Qt.ItemDataRole.ToolTipRole and result is not None:
            return f"{_header_tip(column)}: {text_of(result)}"
        return None
