"""The main window's files: save / open round trips, bad files, save errors, unsaved-changes prompts,
recent files, exports, templates and crash recovery. Modal questions are answered by conftest.Recorder."""

from __future__ import annotations

import json
import sys

import pytest

from archplan.planner.io import SCHEMA_VERSION, dumps, load_plan, save_plan


def test_title_shows_plan_file_and_modified_marker(window, editor, tmp_path):
    assert window.windowTitle() == "Three-tier web app — Untitled[*] — Archplan"
    assert not window.isWindowModified()
    editor.set_traffic(dau=2_000_000)
    assert window.isWindowModified()
    assert window.files.save_as(tmp_path / "shop.json")
    assert window.windowTitle() == "Three-tier web app — shop.json[*] — Archplan"
    assert not window.isWindowModified()
    editor.set_plan_info(name="Shop")
    assert window.windowTitle().startswith("Shop — shop.json")
    assert window.isWindowModified()


def test_save_reopen_round_trip_and_recent_files(make_window, window, editor, tmp_path, settings):
    editor.set_component("redis", notes="hot keys", capacity={"memory": 2 ** 34})
    gid = editor.group(["python", "redis"], "App zone")
    path = tmp_path / "plan.json"
    assert window.files.save_as(path)
    assert not editor.is_modified()
    assert window.files.recent.paths() == [str(path.resolve())]
    saved = editor.plan.model_dump()

    other = make_window(None)
    assert other.open_file(path)
    assert other.editor.plan.model_dump() == saved
    assert other.editor.plan.group(gid).name == "App zone"
    assert other.editor.path == str(path.resolve())
    assert not other.editor.is_modified()
    assert other.windowTitle() == "Three-tier web app — plan.json[*] — Archplan"
    recent = [a.data() for a in other.recent_menu.actions() if a.data()]
    assert recent == [str(path.resolve())]


def test_recent_files_keep_ten_newest_first(window, tmp_path):
    for i in range(12):
        path = tmp_path / f"p{i}.json"
        save_plan(window.editor.plan, path)
        window.files.recent.add(path)
    paths = window.files.recent.paths()
    assert len(paths) == 10
    assert paths[0].endswith("p11.json") and paths[-1].endswith("p2.json")


def test_open_recent_missing_file_is_removed_with_a_message(window, tmp_path):
    gone = tmp_path / "gone.json"
    save_plan(window.editor.plan, gone)
    window.files.recent.add(gone)
    gone.unlink()
    window.refresh_recent_menu()
    before = window.editor.plan.model_dump()
    action = next(a for a in window.recent_menu.actions() if a.data() == str(gone.resolve()))
    action.trigger()
    assert window.files.recent.paths() == []
    assert window.recorder.warnings and "gone" in window.recorder.warnings[0][1]
    assert window.editor.plan.model_dump() == before


@pytest.mark.parametrize("content, expected", [
    ("{ this is not json", "not valid JSON"),
    (json.dumps({"schema_version": SCHEMA_VERSION + 1, "app": "archplan", "plan": {}}), "newer Archplan"),
    (json.dumps({"schema_version": SCHEMA_VERSION, "app": "archplan",
                 "plan": {"traffic": {"dau": -5}}}), "plan.traffic.dau"),
])
def test_bad_file_leaves_plan_untouched_and_says_why(window, editor, tmp_path, content, expected):
    editor.set_traffic(dau=3_000_000)  # unsaved work must survive
    before = editor.plan.model_dump()
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert not window.open_file(bad)
    assert editor.plan.model_dump() == before
    assert editor.is_modified() and editor.path is None
    assert len(window.recorder.warnings) == 1
    title, text = window.recorder.warnings[0]
    assert title == "Cannot open plan"
    assert expected in text and "\n" not in text
    assert window.recorder.save_questions == 0  # nothing to save for: the plan stays


def test_save_failure_keeps_plan_dirty_and_says_why(window, editor, tmp_path):
    editor.set_traffic(dau=3_000_000)
    assert not window.files.save_as(tmp_path / "no-such-folder" / "plan.json")
    assert editor.is_modified()
    assert window.isWindowModified()
    assert window.recorder.warnings[0][0] == "Cannot save plan"
    assert "still unsaved" in window.recorder.warnings[0][1]


def test_close_with_unsaved_changes_cancel_keeps_window(window, editor):
    editor.set_traffic(dau=3_000_000)
    window.recorder.save_answer = "cancel"
    assert not window.close()
    assert window.isVisible()
    assert window.recorder.save_questions == 1
    assert editor.plan.traffic.dau == 3_000_000


def test_close_with_unsaved_changes_discard_closes(window, editor):
    editor.set_traffic(dau=3_000_000)
    window.recorder.save_answer = "discard"
    assert window.close()
    assert not window.isVisible()


def test_close_with_save_writes_the_file(window, editor, tmp_path):
    path = tmp_path / "kept.json"
    window.files.save_as(path)
    editor.set_traffic(dau=4_000_000)
    window.recorder.save_answer = "save"
    assert window.close()
    assert load_plan(path).traffic.dau == 4_000_000


def test_close_clean_window_does_not_ask(window):
    assert window.close()
    assert window.recorder.save_questions == 0


def test_new_with_unsaved_changes_cancel_keeps_plan(window, editor):
    editor.set_traffic(dau=3_000_000)
    before = editor.plan.model_dump()
    window.recorder.save_answer = "cancel"
    window.action_map["new"].trigger()
    assert editor.plan.model_dump() == before
    window.recorder.save_answer = "discard"
    window.action_map["new"].trigger()
    assert editor.plan.components == []
    assert window.windowTitle() == "Untitled plan — Untitled[*] — Archplan"
    assert not editor.is_modified()


def test_export_error_is_shown(window, tmp_path):
    assert not window.files.export("markdown", str(tmp_path / "missing" / "plan.md"))
    assert window.recorder.warnings[0][0] == "Export"
    assert "does not exist" in window.recorder.warnings[0][1]


def test_canvas_png_export(window, tmp_path):
    path = tmp_path / "canvas.png"
    assert window.files.export_image(".png", str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_autosave_recovery_through_the_window(make_window, editor, tmp_path):
    crashed = tmp_path / "autosave"
    crashed.mkdir()
    recovered = editor.plan.model_copy(deep=True)
    recovered.name = "Recovered plan"
    (crashed / "old-session.json").write_text(dumps(recovered))
    window = make_window(None)
    window._ask_recovery = lambda parent, found: "recover"
    assert window.offer_recovery()
    assert window.editor.plan.model_dump() == recovered.model_dump()
    assert window.isWindowModified()
    assert window.windowTitle().startswith("Recovered plan")


def test_save_as_template_asks_before_replacing(window, editor):
    from archplan.planner.library import user_templates_dir

    window._ask_text = lambda title, label, default: "My shop"
    assert window.files.save_as_template()
    saved = list(user_templates_dir().glob("*.json"))
    assert len(saved) == 1 and load_plan(saved[0]).name == "My shop"
    editor.set_traffic(dau=5_000_000)
    asked = []
    window._confirm = lambda title, text: asked.append(text) or False
    assert not window.files.save_as_template()
    assert asked and "already exists" in asked[0]
    assert load_plan(saved[0]).traffic.dau != 5_000_000
    window._confirm = lambda title, text: True
    assert window.files.save_as_template()
    assert load_plan(saved[0]).traffic.dau == 5_000_000


def test_new_from_template_uses_the_gallery(window, editor, monkeypatch):
    import types

    chosen = editor.plan.model_copy(deep=True)
    chosen.name = "From gallery"
    gallery = types.ModuleType("archplan.ui.template_gallery")
    gallery.choose_template = lambda parent: chosen
    monkeypatch.setitem(sys.modules, "archplan.ui.template_gallery", gallery)
    window.action_map["new_template"].trigger()
    assert window.editor.plan.name == "From gallery"
    assert window.editor.path is None and not window.editor.is_modified()
    gallery.choose_template = lambda parent: None  # cancelled: nothing changes
    window.action_map["new_template"].trigger()
    assert window.editor.plan.name == "From gallery"


def test_save_applies_text_still_being_typed(window, editor, qtbot, tmp_path):
    path = tmp_path / "typed.json"
    window.files.save_as(path)
    field = window.inspector.plan_page.traffic["dau"].edit
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "4M")  # no Enter: Ctrl+S comes first
    assert editor.plan.traffic.dau == 1_000_000
    window.action_map["save"].trigger()
    assert load_plan(path).traffic.dau == 4_000_000
    assert not window.isWindowModified()
