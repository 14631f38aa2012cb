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
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import units
from archplan.planner.library import TemplateError, TemplateInfo, list_templates, load_template, template_summary
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

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New from template")
        self.resize(1100, 720)
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

        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addWidget(details_area)
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

    def _show_details(self, item: QListWidgetItem | None, _previous=None) -> None:
        self.message.hide()
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
            f"<span style='color:{theme.current().muted}'>{html.escape(info.source)}{html.escape(shadows)} · "
            f"<code>{html.escape(info.name)}</code></span></p>{paragraphs}")

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
    dialog = TemplateGallery(parent)
    try:
        dialog.exec()
        return dialog.selected_plan()
    finally:
        dialog.deleteLater()
