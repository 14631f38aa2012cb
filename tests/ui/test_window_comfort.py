"""Everyday comfort: a first-start welcome, reopening the last plan, export folders remembered per format,
light and dark themes (following the system), crisp icons, and a window that fits laptop screens with
plans opened at a readable zoom."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage

from archplan.planner.io import load_plan, save_plan
from archplan.ui import theme
from archplan.ui.app_icons import glyph
from archplan.ui.canvas import style
from archplan.ui.files import REOPEN_LAST_KEY

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------------------ welcome, reopen last
def test_the_welcome_shows_once_and_offers_the_last_plan(make_window, tmp_path):
    window = make_window()
    plan_file = tmp_path / "shop.json"
    save_plan(load_plan(ROOT / "templates" / "url_shortener.json"), plan_file)
    window.files.recent.add(plan_file)
    asked = []
    window._ask_welcome = lambda last, reopen: asked.append((last, reopen)) or ("reopen", True)
    assert window.maybe_welcome()
    assert asked == [(str(plan_file.resolve()), False)]
    assert window.editor.path == str(plan_file.resolve())
    assert window.settings.value(REOPEN_LAST_KEY) in (True, "true")
    assert not window.maybe_welcome()            # once
    assert len(asked) == 1


def test_welcome_blank_and_template(make_window, monkeypatch):
    window = make_window()
    window._ask_welcome = lambda last, reopen: ("blank", False)
    assert window.show_welcome() == "blank"
    assert window.editor.plan.components == [] and window.editor.path is None
    chosen = load_plan(ROOT / "templates" / "chat.json")
    monkeypatch.setattr("archplan.ui.template_gallery.choose_template", lambda parent: chosen)
    window._ask_welcome = lambda last, reopen: ("template", False)
    window.show_welcome()
    assert window.editor.plan.name == chosen.name


def test_the_welcome_dialog_buttons(qtbot):
    from archplan.ui.welcome import WelcomeDialog

    dialog = WelcomeDialog(None, reopen_last=False)
    qtbot.addWidget(dialog)
    assert not dialog.reopen_button.isEnabled()
    dialog.blank_button.click()
    assert dialog.choice == "blank"
    again = WelcomeDialog("/plans/shop.json", reopen_last=True)
    qtbot.addWidget(again)
    assert again.reopen_button.isEnabled() and "shop.json" in again.reopen_button.text()
    assert again.reopen_next_time.isChecked()


def test_start_reopens_the_last_plan_when_the_preference_says_so(make_window, tmp_path):
    window = make_window()
    plan_file = tmp_path / "last.json"
    save_plan(load_plan(ROOT / "templates" / "pastebin.json"), plan_file)
    window.files.recent.add(plan_file)
    plan, path, problem = window.files.start_plan([])
    assert path is None and problem is None                      # preference off: the default plan
    window.settings.setValue(REOPEN_LAST_KEY, True)
    plan, path, problem = window.files.start_plan([])
    assert path == str(plan_file.resolve()) and plan.name == load_plan(plan_file).name
    plan_file.write_text("{broken")
    plan, path, problem = window.files.start_plan([])
    assert path is None and "Cannot reopen the last plan" in problem  # a broken last plan: say so, go on


def test_app_start_builds_the_window_then_computes_after_the_first_paint(qtbot, tmp_path, settings):
    from archplan.ui.app import start
    from archplan.ui.main_window import MainWindow

    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave", deferred=True)
    qtbot.addWidget(window, before_close_func=lambda w: w.editor.undo_stack.setClean())
    window._warn = lambda title, text: None
    window.show()
    assert window.editor is None and window.scene is None
    assert not window.action_map["save"].isEnabled()          # nothing to save yet
    start(window, [], interactive=False)
    assert window.editor is not None and window.editor.document.pending
    assert window.totals_label.text() == "Computing…"
    qtbot.waitUntil(lambda: window.editor.document.result is not None, timeout=5000)
    assert "DAU" in window.totals_label.text()
    assert window.action_map["save"].isEnabled()


# ------------------------------------------------------------------------------------ export folders
def test_export_dialogs_start_next_to_the_plan_then_remember_each_format(window, tmp_path):
    plans, exports = tmp_path / "plans", tmp_path / "out"
    plans.mkdir()
    exports.mkdir()
    window.files.save_as(str(plans / "shop.json"))
    asked = []

    def answer(title, file_filter, suggested):
        asked.append(suggested)
        return str(exports / Path(suggested).name)

    window._ask_save_path = answer
    assert window.files.export("markdown")
    assert Path(asked[0]).parent == plans and Path(asked[0]).name == "shop.md"   # next to the plan
    assert window.files.export("markdown")
    assert Path(asked[1]).parent == exports                                      # where markdown went last
    window._ask_save_path = lambda title, file_filter, suggested: asked.append(suggested) or None
    window.files.export("mermaid")
    assert Path(asked[2]).parent == plans            # another format starts next to the plan
    window.files.export_image(".png")
    assert Path(asked[3]).parent == plans


def test_an_unsaved_plan_exports_where_the_last_export_went(window, tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    assert window.files.export("markdown", str(out / "a.md"))
    asked = []
    window._ask_save_path = lambda title, file_filter, suggested: asked.append(suggested) or None
    window.files.export("csv")
    assert (Path(asked[0]).parent == out and Path.home() not in Path(asked[0]).parents) or \
        Path(asked[0]).parent == out


# ------------------------------------------------------------------------------------ themes
@pytest.fixture
def restore_theme():
    yield
    theme.apply(False)


def test_dark_theme_paints_widgets_and_canvas_dark(window, restore_theme, qtbot):
    theme.apply(True)
    assert QGuiApplication.palette().color(QGuiApplication.palette().ColorRole.Window).lightness() < 80
    assert style.BACKGROUND.lightness() < 60 and style.CARD_FILL.lightness() < 80
    window.view.resetCachedContent()
    window.view.viewport().update()
    qtbot.wait(50)
    image = QImage(window.view.viewport().size(), QImage.Format.Format_ARGB32)
    window.view.viewport().render(image)
    corner = QColor(image.pixel(3, 3))
    assert corner.lightness() < 60
    theme.apply(False)
    assert style.BACKGROUND.lightness() > 200


def test_the_preference_follows_the_system_scheme(settings, restore_theme, monkeypatch):
    """With "Follow the system", a change of the desktop's scheme switches the theme at once (the
    offscreen test platform has no scheme of its own: the signal is sent as the desktop would)."""
    hints = QGuiApplication.styleHints()
    settings.setValue(theme.KEY, "system")
    theme.follow_system(settings)
    dark = {"on": True}
    monkeypatch.setattr(theme, "system_is_dark", lambda: dark["on"])
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.current().dark
    dark["on"] = False
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not theme.current().dark
    settings.setValue(theme.KEY, "dark")                 # the preference wins over the system
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert theme.current().dark


def test_preferences_store_theme_and_reopen_last(qtbot, settings, restore_theme):
    from archplan.ui.preferences import PreferencesDialog

    dialog = PreferencesDialog(settings=settings)
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.reopen_last.setChecked(True)
    dialog.accept()
    assert theme.preference(settings) == "dark"
    assert settings.value(REOPEN_LAST_KEY) in (True, "true")


def test_toolbar_glyphs_are_drawn_for_high_dpi_screens(qapp):
    pixmap = glyph("zoom_fit").pixmap(QSize(24, 24), 2.0)
    assert pixmap.width() == 48 and pixmap.devicePixelRatio() == 2.0


# ------------------------------------------------------------------------------------ screens
FIT_SCRIPT = textwrap.dedent("""
    import json, sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from archplan.ui.app import configure
    configure(app)
    from archplan.planner.io import load_plan
    from archplan.ui.canvas.view import READABLE_ZOOM
    from archplan.ui.editor import Editor
    from archplan.ui.main_window import MainWindow
    from archplan.ui.results_model import HEADERS
    window = MainWindow(Editor(load_plan(sys.argv[1])), autosave_dir=sys.argv[2])
    window.show()
    for _ in range(20):
        app.processEvents()
    window.view.zoom_to_plan()
    app.processEvents()
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry()
    table = window.results.table
    cost = HEADERS.index("Cost/mo")
    cost_right = table.columnViewportPosition(cost) + table.columnWidth(cost)
    clients = [c for c in window.editor.plan.components if c.kind.startswith("client.")]
    viewport = window.view.viewport().rect()
    shown = window.view.mapFromScene(window.scene.component_item(clients[0].id).card_rect()).boundingRect()
    print(json.dumps({
        "fits": screen.contains(frame), "canvas": [viewport.width(), viewport.height()],
        "screen": [screen.width(), screen.height()], "zoom": window.view.zoom(), "readable": READABLE_ZOOM,
        "cost_visible": cost_right <= table.viewport().width(), "client_visible": viewport.contains(shown),
    }))
    window.editor.undo_stack.setClean()
    window.close()
""")


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080)])
def test_the_window_fits_the_screen_and_opens_plans_readable(tmp_path, width, height):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"synchronousWindowSystemEvents": False, "windowFrameMargins": False,
                                  "screens": [{"name": "screen", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", ARCHPLAN_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-c", FIT_SCRIPT, str(ROOT / "templates" / "photo_sharing.json"),
                           str(tmp_path / "autosave")], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["fits"]
    assert seen["canvas"][0] >= 0.55 * min(width, 1600) and seen["canvas"][1] >= 0.5 * min(height, 1000)
    assert seen["zoom"] >= seen["readable"] - 1e-9
    assert seen["cost_visible"], "availability and cost must show without scrolling"
    assert seen["client_visible"], "the plan opens on its entry points"
