"""
The kind picker of the component inspector: every catalog kind in the palette's categories, with its
icon, and searchable.

A combo box whose list shows the categories as headers (not choosable) and the kinds under them, like
the palette. Typing in it filters nothing away but completes: "redis", "queue" or "postgres" offers the
kinds whose label or id contains the words, and choosing one applies it (one undo step, through the
callback). Leaving the box without choosing puts the current kind's name back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from archplan.planner.catalog import Catalog
from archplan.ui.canvas.style import CATEGORY_COLOURS, FALLBACK_CATEGORY_COLOUR
from archplan.ui.fields import _Field
from archplan.ui.palette import CATEGORIES, kind_icon

KIND_ROLE = Qt.ItemDataRole.UserRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1


class _Words(QSortFilterProxyModel):
    """Kinds whose label, id or category contain every typed word (headers never match)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.words: list[str] = []

    def set_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):    # Qt 6.9+: invalidateFilter is deprecated
            self.beginFilterChange()
            self.words = text.lower().split()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words = text.lower().split()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:
        index = self.sourceModel().index(row, 0, parent)
        haystack = index.data(SEARCH_ROLE)
        return bool(haystack) and all(word in haystack for word in self.words)


class KindField(_Field):
    """Choose a component kind; `combo.findData(kind id)` and `combo.activated` work as on any combo."""

    def __init__(self, catalog: Catalog, apply: Callable[[Any], None] | None = None, tooltip: str = "",
                 parent: QWidget | None = None):
        self.combo = QComboBox()
        super().__init__(self.combo, apply, tooltip, parent)
        self.catalog = catalog
        self.model = QStandardItemModel(self)
        groups = catalog.by_category()
        for category, title in CATEGORIES:
            kinds = groups.get(category, [])
            if not kinds:
                continue
            header = QStandardItem(title.upper())
            header.setFlags(Qt.ItemFlag.NoItemFlags)   # a heading: not selectable
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            header.setForeground(QColor(CATEGORY_COLOURS.get(category, FALLBACK_CATEGORY_COLOUR)))
            self.model.appendRow(header)
            for kind in kinds:
                item = QStandardItem(kind_icon(kind.icon), kind.label)
                item.setData(kind.id, KIND_ROLE)
                item.setData(f"{kind.label} {kind.id} {title}".lower(), SEARCH_ROLE)
                item.setToolTip(f"{kind.label} ({kind.id})\n{kind.description}")
                self.model.appendRow(item)
        self.combo.setModel(self.model)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)   # a narrow inspector; the list itself is as wide as it needs
        self.combo.view().setMinimumWidth(self.combo.view().sizeHintForColumn(0) + 32)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMaxVisibleItems(20)
        self.combo.lineEdit().setPlaceholderText("Search kinds…")
        self.matches = _Words(self)
        self.matches.setSourceModel(self.model)
        self.completer = QCompleter(self.matches, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.combo.setCompleter(self.completer)
        self.combo.lineEdit().textEdited.connect(self._on_typed)
        self.completer.activated[QModelIndex].connect(self._on_completed)
        self.combo.activated.connect(self._on_activated)
        self.combo.lineEdit().editingFinished.connect(self._restore_text)
        self._current: str | None = None
        self._updating = False

    # ------------------------------------------------------------------ choosing
    def _on_typed(self, text: str) -> None:
        self.matches.set_text(text)
        self.completer.complete()

    def _on_completed(self, index) -> None:
        kind = index.data(KIND_ROLE)
        if kind:
            self.choose(kind)

    def _on_activated(self, row: int) -> None:
        if self._updating:
            return
        kind = self.combo.itemData(row, KIND_ROLE)
        if kind:
            self.choose(kind)
        else:
            self._restore_text()

    def choose(self, kind: str) -> None:
        """Apply a kind (as choosing it in the list does)."""
        if kind != self._current and self._apply(kind):
            self.message.clear()
        self._restore_text()

    def search(self, text: str) -> list[str]:
        """The kinds offered for `text` (as typed in the box)."""
        self.matches.set_text(text)
        return [self.matches.index(r, 0).data(KIND_ROLE) for r in range(self.matches.rowCount())]

    def _restore_text(self) -> None:
        """Show the current kind again (after a search that chose nothing)."""
        self.set_value(self._current)

    # ------------------------------------------------------------------ from the model
    def set_value(self, value: Any) -> None:
        self._updating = True
        try:
            self._current = value
            index = self.combo.findData(value, KIND_ROLE)
            if index >= 0:
                self.combo.setCurrentIndex(index)
                self.combo.setEditText(self.combo.itemText(index))
            self.message.clear()
        finally:
            self._updating = False

    def value(self) -> Any:
        return self._current

