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
