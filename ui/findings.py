"""
The findings list of the results dock: one row per finding of the latest result (or the reason the
plan cannot be computed), with its severity icon and advice.

A model over the result's findings rather than a list of items: a 10,000-component plan has thousands
of findings, and rows of one height lay out at once. Texts are made when asked for,
with the plan's current component names: a rename computes nothing, so the result still holds the old
names, which are replaced here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListView, QStyle, QWidget

from archplan.ui.document import Document

COMPONENT_ROLE = Qt.ItemDataRole.UserRole
SEVERITY_ICON = {"error": QStyle.StandardPixmap.SP_MessageBoxCritical,
                 "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
                 "info": QStyle.StandardPixmap.SP_MessageBoxInformation}


class FindingsModel(QAbstractListModel):
    def __init__(self, document: Document, icon, row_size: QSize, parent=None):
        super().__init__(parent)
        self.document = document
        self._icon = icon
        self._row_size = row_size
        self._shown: object = None
        self._renamed: dict[str, str] = {}   # old name -> current name, for the findings' texts

    def refresh(self) -> bool:
        """Follow a new result; False (and nothing changes) when its findings are the same as shown."""
        result = self.document.result
        shown = result.findings if result is not None else self.document.result_error
        if shown == self._shown and self.rowCount():
            return False
        self.beginResetModel()
        self._shown = shown
        self._renamed = {}
        self.endResetModel()
        return True

    def component_renamed(self, cid: str) -> None:
        """A component's name changed (nothing is recomputed for that): its findings say the new name."""
        result = self.document.result
        figures = result.components.get(cid) if result is not None else None
        component = self.document.component(cid)
        if figures is None or component is None:
            return
        old = figures.name
        if self._renamed.get(old, old) == component.name:
            return
        if component.name != old:
            self._renamed[old] = component.name
        else:
            self._renamed.pop(old, None)
        for row, finding in enumerate(self._findings()):   # only the findings that say its name change
            if finding.component == cid or old in finding.message or old in (finding.advice or ""):
                self.dataChanged.emit(self.index(row), self.index(row))

    def is_renamed(self, name: str) -> bool:
        """Whether the texts show another name in place of this one (from the result)."""
        return name in self._renamed

    def _findings(self):
        result = self.document.result
        return result.findings if result is not None else ()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._findings()) if self.document.result is not None else int(self.document.result_error
                                                                                   is not None)

    def text(self, row: int) -> str:
        if self.document.result is None:
            return self.document.result_error or "The plan cannot be computed."
        finding = self._findings()[row]
        text = finding.message + (f"\n→ {finding.advice}" if finding.advice else "")
        for old, new in self._renamed.items():
            text = text.replace(old, new)
        return text

    def component(self, row: int) -> str | None:
        return self._findings()[row].component if self.document.result is not None else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row)
        if role == Qt.ItemDataRole.DecorationRole:
            severity = self._findings()[row].severity if self.document.result is not None else "error"
            return self._icon(severity)
        if role == COMPONENT_ROLE:
            return self.component(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.document.result is None:
                return self.text(row)
            finding = self._findings()[row]
            return f"{self.text(row)}\n({finding.severity}: {finding.code})"
        if role == Qt.ItemDataRole.SizeHintRole:
            return self._row_size
        return None


class FindingsView(QListView):
    """The findings, word-wrapped; a click or Enter on one asks to select its component."""

    #: A finding about this component was chosen.
    component_chosen = Signal(str)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self._icons: dict[str, QIcon] = {}
        self.model_ = FindingsModel(document, self._icon, QSize(0, 3 * self.fontMetrics().lineSpacing() + 8), self)
        self.setModel(self.model_)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        # Rows of one height (three lines; the full text is the tooltip): a view of thousands of
        # findings lays out in constant time, and a changed text does not re-measure every row.
        self.setUniformItemSizes(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.clicked.connect(self._on_chosen)
        self.activated.connect(self._on_chosen)

    def _icon(self, severity: str) -> QIcon:
        icon = self._icons.get(severity)
        if icon is None:
            pixmap = SEVERITY_ICON.get(severity, SEVERITY_ICON["info"])
            icon = self._icons[severity] = self.style().standardIcon(pixmap)
        return icon

    def count(self) -> int:
        return self.model_.rowCount()

    def text(self, row: int) -> str:
        return self.model_.text(row)

    def component(self, row: int) -> str | None:
        return self.model_.component(row)

    def choose(self, row: int) -> None:
        """As a click on that finding."""
        self._on_chosen(self.model_.index(row))

    def _on_chosen(self, index: QModelIndex) -> None:
        cid = self.model_.component(index.row()) if index.isValid() else None
        if cid:
            self.component_chosen.emit(cid)
