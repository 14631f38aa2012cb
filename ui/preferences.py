"""
Edit > Preferences…: appearance (light, dark, or following the system), start-up (reopen the last
plan), where templates live, and who exported documents name as their author.

The dialog shows the user templates folder (read-only, with "Open folder") and lets the user choose a
shared team templates folder (so a team can keep its templates in git). The team folder is stored by
planner.library.set_team_templates_dir when the dialog is saved; a folder it refuses (missing, not a
folder, unreadable settings file) is reported in red inside the dialog, which stays open and changes
nothing. When $ARCHPLAN_TEAM_TEMPLATES is set it wins over the setting, so the field is disabled and
says why. The folder picker and "Open folder" go through replaceable callables (`ask_directory`,
`open_url`) so tests never open a native dialog or a file manager.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from archplan.planner.library import (
    TEAM_ENV,
    TemplateError,
    author_name,
    set_author_name,
    set_team_templates_dir,
    team_templates_dir,
    user_templates_dir,
)


def _error_style() -> str:
    from archplan.ui import theme

    return f"color: {theme.current().error};"


def _note_style() -> str:
    from archplan.ui import theme

    return f"color: {theme.current().muted};"


def team_env_override() -> str | None:
    """The value of $ARCHPLAN_TEAM_TEMPLATES when it is set (it overrides the stored setting), else None."""
    return os.environ.get(TEAM_ENV)


class PreferencesDialog(QDialog):
    """Template folders. `saved_team_dir` holds the stored team folder after a successful save."""

    def __init__(self, parent: QWidget | None = None,
                 ask_directory: Callable[[str], str | None] | None = None,
                 open_url: Callable[[QUrl], bool] | None = None, settings: QSettings | None = None):
        super().__init__(parent)
        from archplan.ui import theme
        from archplan.ui.files import reopen_last
        from archplan.ui.settings import app_settings

        self.settings = settings if settings is not None else app_settings()
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(620)
        self.ask_directory = ask_directory or self._default_ask_directory
        self.open_url = open_url or QDesktopServices.openUrl
        self.saved_team_dir: Path | None = None
        self.env_value = team_env_override()

        # appearance and start-up (QSettings)
        self.theme = QComboBox()
        for label, value in theme.CHOICES:
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(theme.preference(self.settings))))
        self.theme.setToolTip("“Follow the system” switches with the desktop's light or dark mode")
        self.reopen_last = QCheckBox("Reopen the last plan when Archplan starts")
        self.reopen_last.setChecked(reopen_last(self.settings))
        general = QFormLayout()
        general.addRow("Appearance", self.theme)
        general.addRow("Start-up", self.reopen_last)
        general_box = QGroupBox("General")
        general_box.setLayout(general)

        # user templates (read-only)
        self.user_dir = QLineEdit(str(user_templates_dir()), readOnly=True)
        self.open_user_button = QPushButton("Open folder")
        self.open_user_button.setToolTip("Show the user templates folder in the file manager")
        self.open_user_button.clicked.connect(self.open_user_folder)
        user_row = QHBoxLayout()
        user_row.addWidget(self.user_dir, 1)
        user_row.addWidget(self.open_user_button)

        # team templates
        self.team_edit = QLineEdit(placeholderText="No team folder (templates are only yours)")
        self.team_edit.setToolTip("A shared folder (for example in a git repository) holding the team's templates")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Forget the team folder (its files are not touched)")
        self.clear_button.clicked.connect(self.clear_team)
        team_row = QHBoxLayout()
        team_row.addWidget(self.team_edit, 1)
        team_row.addWidget(self.browse_button)
        team_row.addWidget(self.clear_button)
        self.open_team_button = QPushButton("Open folder")
        self.open_team_button.setToolTip("Show the team templates folder in the file manager")
        self.open_team_button.clicked.connect(self.open_team_folder)
        team_row.addWidget(self.open_team_button)
        self.env_note = QLabel(wordWrap=True)
        self.env_note.setStyleSheet(_note_style())
        self.env_note.hide()

        form = QFormLayout()
        form.addRow("User templates folder", user_row)
        form.addRow("Team templates folder", team_row)
        form.addRow("", self.env_note)
        box = QGroupBox("Templates")
        box.setLayout(form)
        hint = QLabel("“Save as Template” writes to your folder, or to the team folder when one is set. "
                      "The template gallery lists built-in, your and team templates.", wordWrap=True)
        hint.setStyleSheet(_note_style())

        # documents
        self.author_edit = QLineEdit(placeholderText="Your name, as exported PDFs name their author")
        self.author_edit.setToolTip("The author in the metadata of exported design documents (PDF)")
        documents_form = QFormLayout()
        documents_form.addRow("Author of exported documents", self.author_edit)
        documents = QGroupBox("Documents")
        documents.setLayout(documents_form)

        self.error = QLabel(wordWrap=True)
        self.error.setStyleSheet(_error_style())
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(general_box)
        layout.addWidget(box)
        layout.addWidget(hint)
        layout.addWidget(documents)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._load()

    # ---------------------------------------------------------------------------------- state

    def _load(self) -> None:
        """Show the author and the effective team folder; lock the folder when the environment overrides it."""
        self.author_edit.setText(author_name())
        if self.env_value is not None:
            self.team_edit.setText(self.env_value.strip())
            for widget in (self.team_edit, self.browse_button, self.clear_button):
                widget.setEnabled(False)
            shown = self.env_value.strip() or "empty: no team folder"
            self.env_note.setText(f"${TEAM_ENV} is set ({shown}) and overrides this setting. "
                                  "Unset it to choose the team folder here.")
            self.env_note.show()
            return
        current = team_templates_dir()
        self.team_edit.setText(str(current) if current is not None else "")
        if current is not None and not current.is_dir():
            self.show_error(f"The team templates folder {current} does not exist any more: "
                            "choose another one or clear it.")

    def team_text(self) -> str:
        return self.team_edit.text().strip()

    def show_error(self, text: str) -> None:
        self.error.setText(" ".join(text.split()))
        self.error.show()

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    # ---------------------------------------------------------------------------------- buttons

    def _default_ask_directory(self, start: str) -> str | None:
        path = QFileDialog.getExistingDirectory(self, "Team templates folder", start)
        return path or None

    def browse(self) -> None:
        start = self.team_text() or str(Path.home())
        path = self.ask_directory(start)
        if path:
            self.team_edit.setText(str(path))
            self.clear_error()

    def clear_team(self) -> None:
        self.team_edit.clear()
        self.clear_error()

    def open_user_folder(self) -> bool:
        """Open the user templates folder (created first, so there is something to open)."""
        folder = user_templates_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.show_error(f"Cannot create {folder}: {exc.strerror or exc}")
            return False
        if not self.open_url(QUrl.fromLocalFile(str(folder))):
            self.show_error(f"Cannot open {folder} in the file manager.")
            return False
        return True

    def open_team_folder(self) -> bool:
        """Open the team templates folder shown in the field (it must exist: it is shared, not ours)."""
        text = self.team_text()
        if not text:
            self.show_error("No team templates folder is set.")
            return False
        folder = Path(text).expanduser()
        if not folder.is_dir():
            self.show_error(f"The team templates folder {folder} does not exist.")
            return False
        if not self.open_url(QUrl.fromLocalFile(str(folder))):
            self.show_error(f"Cannot open {folder} in the file manager.")
            return False
        return True

    def _store_general(self) -> None:
        from archplan.ui import theme
        from archplan.ui.files import REOPEN_LAST_KEY

        self.settings.setValue(theme.KEY, self.theme.currentData())
        self.settings.setValue(REOPEN_LAST_KEY, self.reopen_last.isChecked())
        self.settings.sync()

    def accept(self) -> None:
        """Store the preferences; a team folder the library refuses stays in the field with the reason in
        red (and nothing is stored)."""
        text = self.team_text()
        try:
            if self.env_value is None:  # else the environment decides the team folder: nothing to store
                self.saved_team_dir = set_team_templates_dir(text or None)
            set_author_name(self.author_edit.text())
        except TemplateError as exc:
            self.show_error(str(exc))
            return
        except OSError as exc:
            self.show_error(f"Cannot save the settings: {exc.strerror or exc}")
            return
        self._store_general()
        self.clear_error()
        super().accept()

