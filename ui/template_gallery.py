"""
"New from template": a gallery of the plans a design can start from.

`choose_template(parent)` shows `TemplateGallery`, a dialog listing a "Blank plan" entry and every
template of the library (built-in, user, team) as a card: generated thumbnail with a source badge,
title and key figures (peak QPS, monthly cost, components), plus the selected one's description.
A search box filters by name, title, description and source; Enter or a double-click chooses.
Files that could not be read are listed in a collapsible area instead of hiding the rest. It returns
a fresh Plan (read again from disk when chosen), or None when cancelled. Nothing here edits a
document: the caller loads the returned plan through its Editor.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import units
from archplan.planner.library import (
    TemplateError,
    TemplateInfo,
    delete_template,
    list_templates,
    load_template,
    rename_template,
    team_templates_dir,
    template_summary,
)
from archplan.planner.model import Plan
from archplan.ui import theme
from archplan.ui.canvas import style
from archplan.ui.thumbnail import cached_thumbnail

THUMB_SIZE = (320, 200)       # rendered
ICON_SIZE = QSize(216, 135)   # shown
BLANK = ""                    # item name of the blank-plan entry
NAME_ROLE = Qt.ItemDataRole.UserRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
BADGE_COLOURS = {"built-in": "#475569", "user": "#16a34a", "team": "#2563eb"}
#: Where a template comes from, as the details say it.
ORIGINS = {"built-in": "built into Archplan", "user": "your templates", "team": "team templates"}


@dataclass(frozen=True, slots=True)
class GalleryEntry:
    """One template as the gallery shows it."""

    info: TemplateInfo
    summary: dict
    thumbnail: QImage


def _figures(summary: dict) -> str:
    if summary.get("error"):
        return "cannot compute: " + summary["error"]
    parts = []
    if summary.get("peak_qps") is not None:
        parts.append(f"{units.format_qps(summary['peak_qps'])} peak")
    if summary.get("monthly_cost") is not None:
        parts.append(f"{units.format_money(summary['monthly_cost'])}/mo")
    parts.append(f"{summary['components']} components")
    return " · ".join(parts)


def _badged(image: QImage, source: str) -> QPixmap:
    """The thumbnail with its source ("built-in", "user", "team") in a rounded badge."""
    pixmap = QPixmap.fromImage(image)
    with QPainter(pixmap) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(style.font(13, 700))
        width = painter.fontMetrics().horizontalAdvance(source) + 16
        rect = QRectF(pixmap.width() - width - 8, 8, width, 22)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BADGE_COLOURS.get(source, "#64748b")))
        painter.drawRoundedRect(rect, 11, 11)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, source)
    return pixmap


def _blank_pixmap() -> QPixmap:
    """A dashed empty card with a plus: the blank-plan entry."""
    pixmap = QPixmap(*THUMB_SIZE)
    pixmap.fill(style.BACKGROUND)
    with QPainter(pixmap) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(style.FAINT, 3, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(QRectF(40, 30, THUMB_SIZE[0] - 80, THUMB_SIZE[1] - 60), 16, 16)
        painter.setPen(QPen(style.MUTED, 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        cx, cy = THUMB_SIZE[0] / 2, THUMB_SIZE[1] / 2
        painter.drawLine(int(cx - 22), int(cy), int(cx + 22), int(cy))
        painter.drawLine(int(cx), int(cy - 22), int(cx), int(cy + 22))
    return pixmap


def load_entries() -> tuple[list[GalleryEntry], list[str]]:
    """Every listable template with its figures and thumbnail, and one line per unreadable file."""
    infos, problems = list_templates()
    lines = [f"{p.path}: {p.message}" for p in problems]
    entries = []
    for info in infos:
        try:
            plan = load_template(info.path)
            thumbnail = cached_thumbnail(info.path, THUMB_SIZE, plan)
        except (TemplateError, OSError) as exc:  # changed or removed since it was listed
            lines.append(f"{info.path}: {exc}")
            continue
        entries.append(GalleryEntry(info, template_summary(plan), thumbnail))
    return entries, lines


class TemplateGallery(QDialog):
    """The gallery dialog; `selected_plan()` after it is accepted."""

    def __init__(self, parent: QWidget | None = None,
                 ask_text: Callable[[str, str, str], str | None] | None = None,
                 confirm: Callable[[str, str], bool] | None = None,
                 open_url: Callable[[QUrl], bool] | None = None):
        super().__init__(parent)
        self.setWindowTitle("New from template")
        self.resize(1100, 720)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:   # a small screen: the dialog fits it
            self.resize(min(1100, screen.width() - 40), min(720, screen.height() - 60))
        self.ask_text = ask_text or self._default_ask_text
        self.confirm = confirm or self._default_confirm
        self.open_url = open_url or QDesktopServices.openUrl
        self._plan: Plan | None = None
        self.entries, self.problems = load_entries()
        self._by_name = {e.info.name: e for e in self.entries}

        self.search = QLineEdit(placeholderText="Search templates (name, description, source)…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setIconSize(ICON_SIZE)
        self.list.setGridSize(QSize(ICON_SIZE.width() + 20, ICON_SIZE.height() + 74))
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(True)
        self.list.setSpacing(6)
        self.details = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setContentsMargins(8, 4, 8, 4)
        details_area = QScrollArea(widgetResizable=True)
        details_area.setWidget(self.details)
        details_area.setFixedWidth(320)
        details_area.setFrameShape(QFrame.Shape.NoFrame)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {theme.current().error};")
        self.message.hide()

        self.problems_toggle = QToolButton(checkable=True)
        self.problems_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.problems_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.problems_toggle.setText(f"{len(self.problems)} template file(s) could not be read")
        self.problems_view = QPlainTextEdit("\n".join(self.problems), readOnly=True)
        self.problems_view.setMaximumHeight(110)
        self.problems_view.hide()
        self.problems_toggle.setVisible(bool(self.problems))
        self.problems_toggle.toggled.connect(self._toggle_problems)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        # managing your own templates: rename, delete, show where they are
        self.rename_button = QPushButton("Rename…")
        self.rename_button.setToolTip("Rename this template (yours or the team's; built-in ones cannot change)")
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete this template file (yours or the team's)")
        self.delete_button.clicked.connect(self.delete_selected)
        self.folder_button = QPushButton("Show folder")
        self.folder_button.setToolTip("Open the folder this template's file is in")
        self.folder_button.clicked.connect(self.open_selected_folder)
        self.team_button = QPushButton("Team folder")
        self.team_button.setToolTip("Open the team templates folder (Edit > Preferences sets it)")
        self.team_button.clicked.connect(self.open_team_folder)
        manage = QHBoxLayout()
        for button in (self.rename_button, self.delete_button, self.folder_button, self.team_button):
            manage.addWidget(button)
        side = QVBoxLayout()
        side.addWidget(details_area, 1)
        side.addLayout(manage)

        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(middle, 1)
        layout.addWidget(self.problems_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.problems_view)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self._fill()
        self.search.textChanged.connect(self._filter)
        # Enter anywhere presses the default button (Create); a double-click chooses too. Not
        # itemActivated: on styles that activate on a single click it would accept on every click.
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        self.list.currentItemChanged.connect(self._show_details)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.setCurrentRow(0)
        self.search.setFocus()

    # ---------------------------------------------------------------------------------- contents

    def _fill(self) -> None:
        self.list.clear()
        blank = QListWidgetItem(_blank_pixmap(), "Blank plan\nstart from an empty canvas")
        blank.setData(NAME_ROLE, BLANK)
        blank.setData(SEARCH_ROLE, "blank plan empty new")
        blank.setToolTip("An empty plan with the default traffic profile.")
        self.list.addItem(blank)
        for entry in self.entries:
            info = entry.info
            item = QListWidgetItem(_badged(entry.thumbnail, info.source), f"{info.title}\n{_figures(entry.summary)}")
            item.setData(NAME_ROLE, info.name)
            item.setData(SEARCH_ROLE, " ".join((info.name, info.title, info.description, info.source)).lower())
            item.setToolTip(info.summary)
            self.list.addItem(item)

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def item_named(self, name: str) -> QListWidgetItem | None:
        """The list item of a template name ('' for the blank plan)."""
        return next((item for item in self.items() if item.data(NAME_ROLE) == name), None)

    def select(self, name: str) -> bool:
        item = self.item_named(name)
        if item is None or item.isHidden():
            return False
        self.list.setCurrentItem(item)
        return True

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for item in self.items():
            haystack = item.data(SEARCH_ROLE) or ""
            item.setHidden(not all(word in haystack for word in words))
        current = self.list.currentItem()
        if current is None or current.isHidden():
            visible = [item for item in self.items() if not item.isHidden()]
            self.list.setCurrentItem(visible[0] if visible else None)
            if not visible:
                self.details.setText(f"<i>No template matches “{html.escape(text)}”.</i>")

    def selected_info(self) -> TemplateInfo | None:
        item = self.list.currentItem()
        name = item.data(NAME_ROLE) if item is not None else BLANK
        entry = self._by_name.get(name)
        return entry.info if entry is not None else None

    def _update_buttons(self) -> None:
        info = self.selected_info()
        editable = info is not None and info.source != "built-in"
        self.rename_button.setEnabled(editable)
        self.delete_button.setEnabled(editable)
        self.folder_button.setEnabled(info is not None)
        self.team_button.setEnabled(team_templates_dir() is not None)

    def _show_details(self, item: QListWidgetItem | None, _previous=None) -> None:
        self.message.hide()
        self._update_buttons()
        if item is None:
            self.details.clear()
            return
        name = item.data(NAME_ROLE)
        if name == BLANK:
            self.details.setText("<h3>Blank plan</h3><p>An empty canvas with the default traffic profile "
                                 "(1M daily users). Add components from the palette.</p>")
            return
        entry = self._by_name[name]
        info, summary = entry.info, entry.summary
        paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in info.description.split("\n\n") if p.strip())
        shadows = f" (shadows the {', '.join(info.shadows)} one)" if info.shadows else ""
        self.details.setText(
            f"<h3>{html.escape(info.title)}</h3>"
            f"<p><b>{html.escape(_figures(summary))}</b><br>"
            f"<span style='color:{theme.current().muted}'>{html.escape(ORIGINS[info.source])}"
            f"{html.escape(shadows)} · <code>{html.escape(info.name)}</code><br>"
            f"{html.escape(str(info.path))}</span></p>{paragraphs}")

    # ---------------------------------------------------------------------------------- managing

    def _default_ask_text(self, title: str, label: str, default: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label, text=default)
        return text.strip() if ok and text.strip() else None

    def _default_confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _reload(self, select: str | None = None) -> None:
        self.entries, self.problems = load_entries()
        self._by_name = {e.info.name: e for e in self.entries}
        self._fill()
        self._filter(self.search.text())
        if select is None or not self.select(select):
            self.list.setCurrentRow(0)

    def rename_selected(self) -> bool:
        info = self.selected_info()
        if info is None:
            return False
        title = self.ask_text("Rename template", "New name:", info.title)
        if not title:
            return False
        try:
            path = rename_template(f"{info.source}:{info.name}", title)
        except TemplateError as exc:
            self._warn(str(exc))
            return False
        self._reload(path.stem)
        return True

    def delete_selected(self) -> bool:
        info = self.selected_info()
        if info is None or not self.confirm("Delete template",
                                            f"Delete the template “{info.title}” ({info.path})?"):
            return False
        try:
            delete_template(f"{info.source}:{info.name}")
        except TemplateError as exc:
            self._warn(str(exc))
            return False
        self._reload()
        return True

    def open_selected_folder(self) -> bool:
        info = self.selected_info()
        return info is not None and self.open_url(QUrl.fromLocalFile(str(info.path.parent)))

    def open_team_folder(self) -> bool:
        team = team_templates_dir()
        if team is None or not team.is_dir():
            self._warn("No team templates folder: choose one in Edit > Preferences.")
            return False
        return self.open_url(QUrl.fromLocalFile(str(team)))

    def _toggle_problems(self, shown: bool) -> None:
        self.problems_view.setVisible(shown)
        self.problems_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    # ---------------------------------------------------------------------------------- result

    def accept(self) -> None:
        """Read the chosen template again (it may have changed); stay open with a message if it fails."""
        item = self.list.currentItem()
        if item is None or item.isHidden():
            self._warn("Choose a template, or the blank plan.")
            return
        name = item.data(NAME_ROLE)
        if name == BLANK:
            self._plan = Plan()
        else:
            try:
                self._plan = load_template(self._by_name[name].info.path)
            except TemplateError as exc:
                self._warn(str(exc))
                return
        super().accept()

    def _warn(self, text: str) -> None:
        self.message.setText(" ".join(text.split()))
        self.message.show()

    def selected_plan(self) -> Plan | None:
        """The chosen plan once accepted, else None."""
        return self._plan if self.result() == QDialog.DialogCode.Accepted else None


def choose_template(parent: QWidget | None = None) -> Plan | None:
    """Show the gallery; the chosen template as a new Plan, or None if cancelled."""
    dialog = TemplateGallery(parent, ask_text=getattr(parent, "ask_text", None),
                             confirm=getattr(parent, "confirm", None))
    try:
        dialog.exec()
        return dialog.selected_plan()
    finally:
        dialog.deleteLater()
