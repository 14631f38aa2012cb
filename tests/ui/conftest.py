"""Fixture chain for the GUI tests: plan -> editor -> widgets (-> window, in test_main_window.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from archplan.planner.model import Plan
from archplan.ui.editor import Editor
from archplan.ui.files import fallback_plan
from archplan.ui.main_window import MainWindow


@pytest.fixture
def plan() -> Plan:
    """The small three-tier plan: web -> LB -> app -> cache -> PostgreSQL primary + replica."""
    return fallback_plan()


@pytest.fixture
def editor(qapp, plan) -> Editor:
    editor = Editor(plan, debounce_ms=0)
    yield editor
    # Clean before it is collected: otherwise its undo stack emits cleanChanged into the half-destroyed
    # Editor (ui/editor.py connects it to a lambda) and prints "Signal source has been deleted".
    editor.undo_stack.setClean()


@pytest.fixture
def type_text(qtbot):
    """Type into a QLineEdit like a user: select all, the keys, then Return (editingFinished)."""

    def type_(line_edit, text: str, finish: bool = True) -> None:
        line_edit.setFocus()
        line_edit.selectAll()
        qtbot.keyClicks(line_edit, text)
        if finish:
            qtbot.keyClick(line_edit, Qt.Key.Key_Return)

    return type_


class Recorder:
    """Stands in for the window's modal questions: records what was asked and answers as told."""

    def __init__(self):
        self.warnings: list[tuple[str, str]] = []
        self.save_answer = "fail"
        self.save_questions = 0

    def warn(self, title: str, text: str) -> None:
        self.warnings.append((title, text))

    def ask_save(self) -> str:
        self.save_questions += 1
        if self.save_answer == "fail":
            raise AssertionError("unexpected 'save changes?' question")
        return self.save_answer


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, tmp_path, settings):
    """Factory: a window on an editor, with recorded questions; closed (discarding) at teardown."""
    editors = []

    def make(editor=None, settings_=None):
        window = MainWindow(editor, settings=settings_ or settings, autosave_dir=tmp_path / "autosave")
        recorder = Recorder()
        window._warn = recorder.warn
        window._ask_save = recorder.ask_save
        window._ask_open_path = lambda start: pytest.fail("unexpected open dialog")
        window._ask_save_path = lambda *args: pytest.fail("unexpected save dialog")
        window.recorder = recorder
        qtbot.addWidget(window, before_close_func=lambda w: setattr(w.recorder, "save_answer", "discard"))
        editors.append(window.editor)
        if window.settings.value("window/geometry") is None:
            window.resize(1400, 900)
        window.show()
        return window

    yield make
    for editor in editors:  # see conftest.editor: no cleanChanged into a half-destroyed Editor
        editor.undo_stack.setClean()


@pytest.fixture
def window(make_window, editor):
    return make_window(editor)


@pytest.fixture(scope="session", autouse=True)
def _clipboard_released_before_exit(qapp):
    """Empty the clipboard when the session's QApplication is done with it.

    Data put on the clipboard (ui/canvas/clipboard.py's QMimeData) is otherwise deleted by a Qt static
    destructor after Python has shut down, and the interpreter dies of SIGSEGV after every test passed."""
    yield
    from archplan.ui.canvas.clipboard import release_clipboard

    release_clipboard()
