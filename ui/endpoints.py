"""
The endpoints table of the inspector: a component's API endpoints (name, method, path, read/write,
share of the component's reads or writes, payload size), edited in place.

Every change applies the whole list through the callback (Editor.set_component(endpoints=...)), so it
is validated by the model and undoable; a cell that cannot be read (a share of 1.5, a size "abc")
shows a red line under the table and the plan is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archplan.planner.model import Endpoint
from archplan.ui.fields import FieldError
from archplan.ui.quantities import FRACTION, SIZE

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
OPERATIONS = ("read", "write")
COLUMNS = ("Name", "Method", "Path", "Op", "Share", "Payload")
_TIPS = (
    "A short name for the endpoint.",
    "HTTP method.",
    "URL path, starting with /.",
    "Whether it counts among the component's reads or writes.",
    Endpoint.model_fields["share"].description,
    Endpoint.model_fields["payload_size"].description,
)


class EndpointsEditor(QWidget):
    """Add, remove and edit a component's endpoints."""

    def __init__(self, apply: Callable[[list[dict[str, Any]]], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.apply_callback = apply
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        for column, tip in enumerate(_TIPS):
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(36)
        for column, width in enumerate((0, 70, 0, 62, 44, 58)):
            if width:  # name and path share what is left
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                self.table.setColumnWidth(column, width)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(QComboBox().sizeHint().height() + 2)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(90)
        self.table.itemChanged.connect(self._on_changed)
        self.add_button = QPushButton("Add endpoint")
        self.remove_button = QPushButton("Remove")
        self.add_button.clicked.connect(self.add_endpoint)
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = FieldError(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._updating = False
        self._model: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ model -> table
    def set_value(self, endpoints: list[Endpoint]) -> None:
        data = [e.model_dump() for e in endpoints]
        if data == self._model:
            return
        self._model = data
        self._updating = True
        self.table.setRowCount(0)
        for endpoint in data:
            self._append_row(endpoint)
        self._updating = False
        self.message.clear()
        self._fit_height()

    def _append_row(self, endpoint: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(endpoint["name"]))
        self.table.setCellWidget(row, 1, self._combo(METHODS, endpoint["method"]))
        self.table.setItem(row, 2, QTableWidgetItem(endpoint["path"]))
        self.table.setCellWidget(row, 3, self._combo(OPERATIONS, endpoint["operation"]))
        self.table.setItem(row, 4, QTableWidgetItem(FRACTION.exact(endpoint["share"])))
        payload = endpoint["payload_size"]
        self.table.setItem(row, 5, QTableWidgetItem(SIZE.exact(payload) if payload else "0"))

    def _combo(self, choices: tuple[str, ...], value: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(list(choices))
        combo.setCurrentText(value)
        combo.setFrame(False)
        combo.currentIndexChanged.connect(lambda _i: self._on_changed())
        return combo

    def _fit_height(self) -> None:
        """Tall enough for every row (up to eight), so the inspector scrolls rather than the table."""
        rows = self.table.rowCount()
        height = (self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
                  + max(min(rows, 8), 1) * self.table.verticalHeader().defaultSectionSize())
        self.table.setFixedHeight(height)

    # ------------------------------------------------------------------ table -> model
    def rows(self) -> list[dict[str, Any]]:
        """The table as endpoint dicts; raises ValueError naming the cell that cannot be read."""
        out = []
        for row in range(self.table.rowCount()):
            def text(column: int, row: int = row) -> str:
                item = self.table.item(row, column)
                return item.text().strip() if item is not None else ""

            try:
                share = FRACTION.parse(text(4) or "1")
            except ValueError as exc:
                raise ValueError(f"row {row + 1}, share: {exc}") from None
            try:
                payload = SIZE.parse(text(5) or "0")
            except ValueError as exc:
                raise ValueError(f"row {row + 1}, payload: {exc}") from None
            out.append({"name": text(0), "method": self.table.cellWidget(row, 1).currentText(), "path": text(2),
                        "operation": self.table.cellWidget(row, 3).currentText(), "share": share,
                        "payload_size": payload})
        return out

    def _rows_or_error(self) -> list[dict[str, Any]] | None:
        """The table's rows, or None after showing why a cell cannot be read."""
        try:
            return self.rows()
        except ValueError as exc:
            self.message.show_error(str(exc))
            return None

    def _on_changed(self, *_args) -> None:
        if self._updating:
            return
        rows = self._rows_or_error()
        if rows is None:
            return
        self._send(rows)

    def _send(self, rows: list[dict[str, Any]]) -> bool:
        try:
            self.apply_callback(rows)
        except (ValueError, KeyError, TypeError) as exc:
            self.message.show_error(str(exc).splitlines()[0])
            return False
        self.message.clear()
        self._model = [Endpoint.model_validate(r).model_dump() for r in rows]
        return True

    def add_endpoint(self) -> None:
        rows = self._rows_or_error()
        if rows is None:
            return
        names = {r["name"] for r in rows}
        n = len(rows) + 1
        while f"endpoint {n}" in names:
            n += 1
        rows.append({"name": f"endpoint {n}", "method": "GET", "path": "/", "operation": "read", "share": 1.0,
                     "payload_size": 0.0})
        if self._send(rows):
            self._model = []  # force a rebuild from the plan
            self.set_value([Endpoint.model_validate(r) for r in rows])

    def remove_selected(self) -> None:
        selected = sorted({index.row() for index in self.table.selectedIndexes()})
        if not selected and self.table.currentRow() >= 0:
            selected = [self.table.currentRow()]
        if not selected:
            return
        rows = self._rows_or_error()
        if rows is None:
            return
        kept = [r for i, r in enumerate(rows) if i not in selected]
        if self._send(kept):
            self._model = []
            self.set_value([Endpoint.model_validate(r) for r in kept])
