"""Edit > Preferences (team templates folder) and "Save as Template" into the user or team folder.

Real widgets; the folder picker, "Open folder" and the window's questions are answered by hooks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from archplan.planner.io import load_plan
from archplan.planner.library import list_templates, settings_path, team_templates_dir, user_templates_dir
from archplan.ui.preferences import PreferencesDialog


@pytest.fixture(autouse=True)
def _no_team_env(monkeypatch):
    monkeypatch.delenv("ARCHPLAN_TEAM_TEMPLATES", raising=False)


@pytest.fixture
def team(tmp_path) -> Path:
    folder = tmp_path / "team-repo" / "templates"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def make_dialog(qtbot):
    def make(**hooks) -> PreferencesDialog:
        hooks.setdefault("ask_directory", lambda start: pytest.fail("unexpected folder dialog"))
        hooks.setdefault("open_url", lambda url: pytest.fail("unexpected file manager"))
        dialog = PreferencesDialog(**hooks)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


# ---------------------------------------------------------------------------------------- preferences

def test_browsing_a_folder_and_saving_persists_it(make_dialog, team):
    asked = []
    dialog = make_dialog(ask_directory=lambda start: asked.append(start) or str(team))
    assert dialog.team_edit.text() == "" and dialog.team_edit.isEnabled()
    dialog.browse_button.click()
    assert asked and dialog.team_edit.text() == str(team)
    assert team_templates_dir() is None  # nothing stored before Save
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert team_templates_dir() == team.resolve()
    assert dialog.error.isHidden()
    # a new dialog shows the stored folder
    assert make_dialog().team_edit.text() == str(team.resolve())


def test_cancelled_folder_picker_keeps_the_field(make_dialog, team):
    dialog = make_dialog(ask_directory=lambda start: None)
    dialog.team_edit.setText(str(team))
    dialog.browse_button.click()
    assert dialog.team_edit.text() == str(team)


def test_missing_folder_shows_an_inline_error_and_changes_nothing(make_dialog, team, tmp_path):
    first = make_dialog()
    first.team_edit.setText(str(team))
    first.accept()
    before = settings_path().read_text()

    dialog = make_dialog()
    missing = tmp_path / "no-such-folder"
    dialog.team_edit.setText(str(missing))
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert not dialog.error.isHidden()
    assert "does not exist" in dialog.error.text() and "no-such-folder" in dialog.error.text()
    assert "color: #c62828" in dialog.error.styleSheet()
    assert team_templates_dir() == team.resolve()
    assert settings_path().read_text() == before
    # fixing the field clears the message on the next save
    dialog.team_edit.setText(str(team))
    dialog.accept()
    assert dialog.error.isHidden() and dialog.result() == dialog.DialogCode.Accepted


def test_clear_forgets_the_team_folder(make_dialog, team):
    first = make_dialog()
    first.team_edit.setText(str(team))
    first.accept()
    assert team_templates_dir() == team.resolve()
    dialog = make_dialog()
    assert dialog.team_edit.text() == str(team.resolve())
    dialog.clear_button.click()
    assert dialog.team_edit.text() == ""
    dialog.accept()
    assert team_templates_dir() is None
    assert team.is_dir()  # the folder itself is not touched


def test_environment_override_disables_the_field(make_dialog, team, tmp_path, monkeypatch):
    stored = tmp_path / "stored"
    stored.mkdir()
    first = make_dialog()
    first.team_edit.setText(str(stored))
    first.accept()
    monkeypatch.setenv("ARCHPLAN_TEAM_TEMPLATES", str(team))
    dialog = make_dialog()
    assert dialog.team_edit.text() == str(team)
    assert not dialog.team_edit.isEnabled()
    assert not dialog.browse_button.isEnabled() and not dialog.clear_button.isEnabled()
    assert not dialog.env_note.isHidden()
    assert "ARCHPLAN_TEAM_TEMPLATES" in dialog.env_note.text() and "overrides" in dialog.env_note.text()
    dialog.accept()  # saving stores nothing: the setting underneath is kept
    monkeypatch.delenv("ARCHPLAN_TEAM_TEMPLATES")
    assert team_templates_dir() == stored.resolve()


def test_user_folder_is_shown_read_only_and_opens(make_dialog):
    opened: list[QUrl] = []
    dialog = make_dialog(open_url=lambda url: opened.append(url) or True)
    assert dialog.user_dir.text() == str(user_templates_dir())
    assert dialog.user_dir.isReadOnly()
    dialog.open_user_button.click()
    assert [url.toLocalFile() for url in opened] == [str(user_templates_dir())]
    assert user_templates_dir().is_dir()
    assert dialog.error.isHidden()


def test_file_manager_failure_is_reported_inline(make_dialog):
    dialog = make_dialog(open_url=lambda url: False)
    assert not dialog.open_user_folder()
    assert not dialog.error.isHidden() and str(user_templates_dir()) in dialog.error.text()


def test_edit_menu_opens_preferences_with_ctrl_comma(window, team):
    action = window.action_map["preferences"]
    assert QKeySequence("Ctrl+,") in action.shortcuts()
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert action in edit_menu.actions()
    window._ask_directory = lambda start: str(team)
    seen = []

    def answer():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        dialog.browse_button.click()
        dialog.accept()

    QTimer.singleShot(0, answer)
    action.trigger()
    assert isinstance(seen[0], PreferencesDialog)
    assert team_templates_dir() == team.resolve()
    assert str(team.resolve()) in window.statusBar().currentMessage()


# ---------------------------------------------------------------------------------------- save as template

def _configure_team(folder: Path) -> None:
    from archplan.planner.library import set_team_templates_dir

    set_team_templates_dir(folder)


def test_save_as_team_template_writes_to_the_team_folder(window, team):
    _configure_team(team)
    questions = []
    window._ask_text = lambda title, label, default: "Team shop"
    window._ask_choice = lambda title, label, options: questions.append(options) or options[1]
    assert window.files.save_as_template()
    assert questions == [["My templates", f"Team templates ({team.resolve()})"]]
    saved = team / "team_shop.json"
    assert saved.is_file() and load_plan(saved).name == "Team shop"
    assert not list(user_templates_dir().glob("*.json"))
    infos = {info.name: info for info in list_templates()[0]}
    assert infos["team_shop"].source == "team" and infos["team_shop"].path == saved.resolve()
    message = window.statusBar().currentMessage()
    assert "team" in message and str(saved.resolve()) in message


def test_save_as_team_template_keeps_the_replace_question(window, editor, team):
    _configure_team(team)
    window._ask_text = lambda title, label, default: "Team shop"
    window._ask_choice = lambda title, label, options: options[1]
    assert window.files.save_as_template()
    editor.set_traffic(dau=7_000_000)
    window._confirm = lambda title, text: False
    assert not window.files.save_as_template()
    assert load_plan(team / "team_shop.json").traffic.dau != 7_000_000
    window._confirm = lambda title, text: True
    assert window.files.save_as_template()
    assert load_plan(team / "team_shop.json").traffic.dau == 7_000_000


def test_choosing_my_templates_writes_to_the_user_folder(window, team):
    _configure_team(team)
    window._ask_text = lambda title, label, default: "Mine only"
    window._ask_choice = lambda title, label, options: options[0]
    assert window.files.save_as_template()
    assert (user_templates_dir() / "mine_only.json").is_file()
    assert not list(team.glob("*.json"))
    infos = {info.name: info for info in list_templates()[0]}
    assert infos["mine_only"].source == "user"
    assert "my templates" in window.statusBar().currentMessage()


def test_cancelling_the_folder_question_saves_nothing(window, team):
    _configure_team(team)
    window._ask_text = lambda title, label, default: "Undecided"
    window._ask_choice = lambda title, label, options: None
    assert not window.files.save_as_template()
    assert not list(team.glob("*.json")) and not list(user_templates_dir().glob("*.json"))


def test_without_a_team_folder_no_question_is_asked(window):
    window._ask_text = lambda title, label, default: "Solo"
    window._ask_choice = lambda *args: pytest.fail("unexpected folder question")
    assert window.files.save_as_template()
    assert (user_templates_dir() / "solo.json").is_file()


def test_a_vanished_team_folder_is_reported_not_recreated(window, team):
    _configure_team(team)
    team.rmdir()
    window._ask_text = lambda title, label, default: "Lost"
    window._ask_choice = lambda title, label, options: options[1]
    assert not window.files.save_as_template()
    assert not team.exists()
    assert window.recorder.warnings and "does not exist" in window.recorder.warnings[-1][1]


def test_the_author_of_exported_documents_is_a_preference(make_dialog):
    from archplan.exports.pdf import default_author

    dialog = make_dialog()
    dialog.author_edit.setText("  Ada   Lovelace ")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert default_author() == "Ada Lovelace"
    assert make_dialog().author_edit.text() == "Ada Lovelace"
