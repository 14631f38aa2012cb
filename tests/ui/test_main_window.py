"""The main window: docks, menus, shortcuts, drag and drop, selection sync, status bar, layout memory.

Fixtures (make_window, window, settings) live in conftest.py; file operations are in test_window_files.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent, QKeySequence
from window_probe import modules_after_window

from archplan.ui.canvas.view import CanvasView

ROOT = Path(__file__).resolve().parents[2]


def test_layout_docks_and_central_canvas(window):
    assert isinstance(window.centralWidget(), CanvasView)
    areas = {name: window.dockWidgetArea(dock) for name, dock in window.docks.items()}
    assert areas["palette"] == Qt.DockWidgetArea.LeftDockWidgetArea
    assert areas["inspector"] == Qt.DockWidgetArea.RightDockWidgetArea
    assert areas["results"] == Qt.DockWidgetArea.BottomDockWidgetArea
    assert not window.docks["history"].isVisible()
    assert window.docks["palette"].isVisible() and window.docks["results"].isVisible()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Analyse", "&Help"]
    view_menu = window.menuBar().actions()[2].menu()
    toggles = {a.text() for a in view_menu.actions()}
    assert {"Components", "Inspector", "Results", "Undo history"} <= toggles


@pytest.mark.parametrize("name, keys", [
    ("new", "Ctrl+N"), ("open", "Ctrl+O"), ("save", "Ctrl+S"), ("save_as", "Ctrl+Shift+S"), ("quit", "Ctrl+Q"),
    ("undo", "Ctrl+Z"), ("redo", "Ctrl+Y"), ("redo", "Ctrl+Shift+Z"), ("cut", "Ctrl+X"), ("copy", "Ctrl+C"),
    ("paste", "Ctrl+V"), ("duplicate", "Ctrl+D"), ("delete", "Del"), ("select_all", "Ctrl+A"),
    ("group", "Ctrl+G"), ("auto_layout", "Ctrl+L"), ("zoom_in", "Ctrl++"), ("zoom_out", "Ctrl+-"),
    ("zoom_reset", "Ctrl+1"), ("zoom_fit", "Ctrl+0"),
])
def test_shortcuts(window, name, keys):
    assert QKeySequence(keys) in window.action_map[name].shortcuts()


def test_export_menu_lists_every_format_and_canvas_images(window):
    from archplan.exports import FORMATS

    texts = [a.text() for a in window.export_menu.actions() if not a.isSeparator()]
    assert len(texts) == len(FORMATS) + 2
    assert "Canvas as PNG…" in texts and "Canvas as SVG…" in texts


def _drop(view: CanvasView, mime, point: QPoint) -> None:
    event = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    view.dropEvent(event)


def test_drag_from_palette_adds_component_everywhere(window, editor):
    count = len(editor.plan.components)
    _drop(window.view, window.component_palette.mime_data("search.elasticsearch"), QPoint(200, 150))
    assert len(editor.plan.components) == count + 1
    added = editor.plan.components[-1]
    assert added.kind == "search.elasticsearch"
    editor.document.recompute_now()
    assert window.results.model.rowCount() == count + 1
    assert window.scene.selected_component_ids() == [added.id]
    assert window.inspector.current == ("component", added.id)


def test_double_click_in_palette_adds_at_view_centre(window, editor):
    count = len(editor.plan.components)
    window.component_palette.add_requested.emit("queue.sqs")
    assert len(editor.plan.components) == count + 1
    added = editor.plan.components[-1]
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    assert abs(added.position.x - centre.x()) <= 20 and abs(added.position.y - centre.y()) <= 20


def test_inspector_edit_updates_results_and_status(window, editor, type_text):
    window.scene.select_ids([])
    type_text(window.inspector.plan_page.traffic["dau"].edit, "10M")
    editor.document.recompute_now()
    assert editor.plan.traffic.dau == 10_000_000
    assert window.totals_label.text().startswith("10M DAU")
    assert editor.document.result.price_basis in window.totals_label.toolTip()
    assert window.isWindowModified()


def test_undo_redo_restore_exact_state(window, editor):
    before = editor.plan.model_dump()
    cid = editor.add_component("cache.memcached", 100, 300)
    editor.connect("python", cid)
    editor.set_component("redis", instances=3, capacity={"read_qps": 1234.5})
    editor.delete(["postgres-replica"])
    window.scene.select_ids(["python", "redis"])
    window.scene.duplicate_selection()
    after = editor.plan.model_dump()
    while editor.undo_stack.canUndo():
        window.action_map["undo"].trigger()
    assert editor.plan.model_dump() == before
    assert not window.isWindowModified()
    while editor.undo_stack.canRedo():
        window.action_map["redo"].trigger()
    assert editor.plan.model_dump() == after


def test_layout_is_remembered(make_window, window, settings):
    window.docks["results"].hide()
    window.docks["history"].show()
    window.resize(720, 530)  # inside the offscreen screen (800x600): restoreGeometry keeps it on screen
    assert window.close()
    again = make_window(None, settings)
    assert not again.docks["results"].isVisible()
    assert again.docks["history"].isVisible()
    assert (again.size().width(), again.size().height()) == (720, 530)


def test_selection_sync_between_canvas_results_and_inspector(window):
    window.scene.select_ids(["redis"])
    assert window.results.selected_component() == "redis"
    assert window.inspector.current == ("component", "redis")
    index = window.results.model.index(window.results.model.row_of("python"), 0)
    window.results.table.selectionModel().setCurrentIndex(
        index, window.results.table.selectionModel().SelectionFlag.ClearAndSelect)
    assert window.scene.selected_component_ids() == ["python"]
    assert window.inspector.current == ("component", "python")
    window.scene.select_ids([])
    assert window.inspector.current == ("plan", None)


def test_finding_click_selects_on_canvas(window, editor):
    result = editor.document.result
    finding = next(f for f in result.findings if f.component)
    row = next(i for i in range(window.results.findings.count())
               if window.results.findings.component(i) == finding.component)
    window.results.findings.choose(row)
    assert window.scene.selected_component_ids() == [finding.component]


def test_status_bar_shows_compute_error_in_red(window, editor):
    editor.connect("postgres", "python", kind="request")
    editor.document.recompute_now()
    assert "Cannot compute" in window.totals_label.text()
    assert "c62828" in window.totals_label.styleSheet()
    editor.undo_stack.undo()
    editor.document.recompute_now()
    assert "DAU" in window.totals_label.text() and window.totals_label.styleSheet() == ""


def test_whatif_in_toolbar_scales_status(window, editor):
    window.whatif.set_multiplier(10.0)
    editor.document.recompute_now()
    assert "(×10)" in window.totals_label.text()
    assert editor.document.result.totals.dau == pytest.approx(10 * editor.plan.traffic.dau)


def test_group_selection_asks_a_name(window, editor):
    window._ask_text = lambda title, label, default: "Data zone"
    window.scene.select_ids(["postgres", "postgres-replica"])
    window.action_map["group"].trigger()
    group = next(g for g in editor.plan.groups if g.name == "Data zone")
    assert editor.plan.component("postgres").group == group.id


def test_conventions_dialog_quotes_units(window):
    from archplan.ui.help_dialogs import conventions_html

    text = conventions_html()
    assert "86,400" in text and "1 KB = 1,000 B" in text


def test_smoke_start(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ARCHPLAN_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "main.py", "--smoke"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "archplan: GUI started (" in done.stdout
    count = int(done.stdout.split("(")[1].split()[0])
    assert count >= 5


def test_scene_messages_reach_the_status_bar(window):
    window.scene.message.emit("these two are already linked")
    assert window.statusBar().currentMessage() == "these two are already linked"


def test_activating_a_component_opens_it_in_the_inspector(window):
    window.scene.component_activated.emit("redis")
    assert window.inspector.current == ("component", "redis")
    assert window.docks["inspector"].isVisible()
    assert window.inspector.component_page.name.edit.hasFocus()


def test_building_the_window_does_not_load_practice_mode():
    """File > Practice… loads ui/practice.py (and the prompts, the scorer) when chosen, not at start-up (the
    plan model holds a practice run, so the package and its record are loaded)."""
    found = modules_after_window("('practice' in w.action_map) and sorted(m for m in sys.modules if 'practice' in m "
                                 "and not m.endswith(('.practice', '.record')))")
    assert found == "[]"
