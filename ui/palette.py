"""
The component palette: every catalog kind, grouped by category, searchable, draggable onto the canvas.

Entries come from planner.catalog (kinds are data, not classes). Dragging an entry starts a QDrag whose
MIME type "application/x-archplan-kind" carries the kind id (utf-8), which the canvas view accepts;
double-click or Enter asks the window to add the kind at the centre of the view (`add_requested`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import resources
from archplan.planner.catalog import Catalog, ComponentKind, default_catalog
from archplan.ui.canvas.style import CATEGORY_COLOURS, FALLBACK_CATEGORY_COLOUR

KIND_MIME = "application/x-archplan-kind"
ICON_DIR = resources.icons_dir()

#: Categories in display order, with their titles.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("edge", "Edge"),
    ("compute", "Compute"),
    ("data", "Data"),
    ("messaging", "Messaging"),
    ("observability", "Observability"),
    ("external", "External"),
)

KIND_ROLE = Qt.ItemDataRole.UserRole


@cache
def kind_icon(icon_name: str) -> QIcon:
    """The kind's icon (ui/icons/<icon>.svg); an empty icon if the file is missing."""
    path = Path(ICON_DIR) / f"{icon_name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def kind_mime_data(kind_id: str) -> QMimeData:
    """What a palette drag carries: the kind id under the Archplan MIME type (and as plain text)."""
    mime = QMimeData()
    mime.setData(KIND_MIME, kind_id.encode("utf-8"))
    mime.setText(kind_id)
    return mime


class _KindTree(QTreeWidget):
    """The tree of entries: starts drags with the kind's MIME data; Enter adds the current entry."""

    activated_kind = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setIconSize(QSize(24, 24))
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(False)
        self.itemDoubleClicked.connect(self._on_double_clicked)

    def _on_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        kind = item.data(0, KIND_ROLE)
        if kind:
            self.activated_kind.emit(kind)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.currentItem()
            if item is not None and item.data(0, KIND_ROLE):
                self.activated_kind.emit(item.data(0, KIND_ROLE))
                return
        super().keyPressEvent(event)

    def mimeTypes(self) -> list[str]:
        return [KIND_MIME]

    def mimeData(self, items) -> QMimeData:
        kinds = [it.data(0, KIND_ROLE) for it in items if it.data(0, KIND_ROLE)]
        return kind_mime_data(kinds[0]) if kinds else QMimeData()

    def startDrag(self, supported_actions) -> None:
        item = self.currentItem()
        kind = item.data(0, KIND_ROLE) if item is not None else None
        if not kind:
            return
        drag = QDrag(self)
        drag.setMimeData(kind_mime_data(kind))
        drag.setPixmap(item.icon(0).pixmap(40, 40))
        drag.exec(Qt.DropAction.CopyAction)


class Palette(QWidget):
    """Searchable list of component kinds to drag onto the canvas."""

    #: Add a component of this kind at the centre of the view (double-click / Enter).
    add_requested = Signal(str)

    def __init__(self, catalog: Catalog | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog or default_catalog()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search components…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._add_first_match)
        self.tree = _KindTree()
        self.tree.activated_kind.connect(self.add_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._populate()

    def _populate(self) -> None:
        groups = self.catalog.by_category()
        bold = self.tree.font()
        bold.setBold(True)
        for category, title in CATEGORIES:
            kinds = groups.get(category, [])
            if not kinds:
                continue
            header = QTreeWidgetItem([title.upper()])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            header.setFont(0, bold)
            header.setForeground(0, QColor(CATEGORY_COLOURS.get(category, FALLBACK_CATEGORY_COLOUR)))
            header.setSizeHint(0, QSize(0, self.tree.fontMetrics().height() + 12))
            header.setData(0, Qt.ItemDataRole.UserRole + 1, category)
            self.tree.addTopLevelItem(header)
            for kind in kinds:
                header.addChild(self._entry(kind))
            header.setExpanded(True)

    def _entry(self, kind: ComponentKind) -> QTreeWidgetItem:
        item = QTreeWidgetItem([kind.label])
        item.setIcon(0, kind_icon(kind.icon))
        item.setData(0, KIND_ROLE, kind.id)
        item.setToolTip(0, f"<b>{kind.label}</b> <code>{kind.id}</code><br>{kind.description}"
                           "<br><i>Drag onto the canvas, or double-click to add.</i>")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
        self._items[kind.id] = item
        return item

    # ------------------------------------------------------------------ queries (also used by tests)
    def item(self, kind_id: str) -> QTreeWidgetItem:
        return self._items[kind_id]

    def visible_kinds(self) -> list[str]:
        """Kind ids currently shown (after filtering), in display order."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            header = self.tree.topLevelItem(i)
            for j in range(header.childCount()):
                child = header.child(j)
                if not child.isHidden():
                    out.append(child.data(0, KIND_ROLE))
        return out

    def category_titles(self) -> list[str]:
        titles = {title.upper(): title for _cat, title in CATEGORIES}
        return [titles[self.tree.topLevelItem(i).text(0)] for i in range(self.tree.topLevelItemCount())]

    def mime_data(self, kind_id: str) -> QMimeData:
        """The MIME data a drag of `kind_id` carries (the same object startDrag sends)."""
        if kind_id not in self._items:
            raise KeyError(f"{kind_id!r} is not in the palette")
        return kind_mime_data(kind_id)

    # ------------------------------------------------------------------ filtering
    def filter(self, text: str) -> None:
        """Show entries whose label, id or description contains every word of `text`."""
        words = text.lower().split()
        for i in range(self.tree.topLevelItemCount()):
            header = self.tree.topLevelItem(i)
            shown = 0
            for j in range(header.childCount()):
                child = header.child(j)
                kind = self.catalog[child.data(0, KIND_ROLE)]
                haystack = f"{kind.label} {kind.id} {kind.description}".lower()
                match = all(w in haystack for w in words)
                child.setHidden(not match)
                shown += match
            header.setHidden(shown == 0)
            if words:
                header.setExpanded(True)

    def _add_first_match(self) -> None:
        visible = self.visible_kinds()
        if self.search.text().strip() and visible:
            self.add_requested.emit(visible[0])
