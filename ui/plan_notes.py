"""
The plan's notes: requirements, decisions and open questions in Markdown, with a preview.

The text is the plan's `notes` field (saved in the file, printed in the PDF's "Notes" section). Typing
applies through Editor.set_plan_info, so each burst of typing is one undo step; undo, redo and opening
another plan refresh the text without moving the cursor when it already says the same.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from archplan.ui import theme
from archplan.ui.editor import Editor

PLACEHOLDER = ("# Requirements\n- 100M daily users, 100:1 reads to writes\n\n# Decisions\n"
               "- Cache in front of the database: reads are 99 % hits\n\n# Open questions\n- …")


class PlanNotes(QWidget):
    """Edit / Preview tabs over the plan's Markdown notes."""

    def __init__(self, editor: Editor, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(PLACEHOLDER)
        self.edit.setTabChangesFocus(False)
        self.preview = QTextBrowser()
        self.preview.setOpenExternalLinks(True)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.edit, "Edit")
        self.tabs.addTab(self.preview, "Preview")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self._updating = False
        self.edit.textChanged.connect(self._on_typed)
        self.tabs.currentChanged.connect(lambda _i: self._render_preview())
        editor.document.plan_info_changed.connect(self.refresh)
        editor.document.plan_reset.connect(self.refresh)
        self.refresh()

    def text(self) -> str:
        return self.edit.toPlainText()

    def _on_typed(self) -> None:
        if self._updating:
            return
        text = self.edit.toPlainText()
        if text == self.editor.plan.notes:
            return
        try:
            self.editor.set_plan_info(notes=text)
        except ValueError as exc:  # EditError: too long
            self.message.setStyleSheet(f"color: {theme.current().error};")
            self.message.setText(str(exc).splitlines()[0])
            self.message.show()
            return
        self.message.hide()

    def refresh(self) -> None:
        notes = self.editor.plan.notes
        if self.edit.toPlainText() != notes:
            self._updating = True
            cursor = self.edit.textCursor()
            position = cursor.position()
            self.edit.setPlainText(notes)
            cursor = self.edit.textCursor()
            cursor.setPosition(min(position, len(notes)))
            self.edit.setTextCursor(cursor)
            self._updating = False
        if self.tabs.currentWidget() is self.preview:
            self._render_preview()

    def _render_preview(self) -> None:
        notes = self.editor.plan.notes.strip()
        if notes:
            self.preview.setMarkdown(notes)
        else:
            self.preview.setHtml(f"<p style='color:{theme.current().muted}'>No notes yet: write them in Markdown "
                                 "on the Edit tab. They are saved with the plan and printed in the PDF.</p>")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._render_preview()
        super().changeEvent(event)

    def show_preview(self, on: bool = True) -> None:
        self.tabs.setCurrentWidget(self.preview if on else self.edit)

