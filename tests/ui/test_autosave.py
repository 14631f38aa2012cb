"""Autosave writes unsaved work atomically and start-up recovery brings it back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from archplan.planner.io import load_plan, save_plan
from archplan.ui.autosave import Autosave, autosave_dir, find_recoverable, offer_recovery
from archplan.ui.editor import Editor
from archplan.ui.files import fallback_plan


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "autosave"


@pytest.fixture
def autosave(editor, folder):
    saver = Autosave(editor, folder, interval_ms=60_000, session="current")
    yield saver
    saver.close()


def test_default_folder_respects_archplan_home(monkeypatch, tmp_path):
    monkeypatch.setenv("ARCHPLAN_HOME", str(tmp_path / "home"))
    assert autosave_dir() == tmp_path / "home" / "data" / "autosave"


def test_default_folder_without_archplan_home_is_platformdirs(monkeypatch):
    import platformdirs

    monkeypatch.delenv("ARCHPLAN_HOME")
    assert autosave_dir() == Path(platformdirs.user_data_dir("archplan")) / "autosave"


def test_interval_is_one_minute(autosave):
    assert autosave.timer.interval() == 60_000
    assert autosave.timer.isActive()


def test_nothing_written_while_unmodified(autosave, folder):
    assert autosave.save_now() is None
    assert not autosave.plan_path.exists()


def test_timer_writes_the_modified_plan_with_metadata(autosave, editor, folder, tmp_path):
    editor.mark_saved(str(tmp_path / "mine.json"))
    editor.set_traffic(dau=3_000_000)
    autosave.timer.timeout.emit()
    assert autosave.plan_path.exists()
    assert load_plan(autosave.plan_path).model_dump() == editor.plan.model_dump()
    meta = json.loads(autosave.meta_path.read_text())
    assert meta["original_path"] == str(tmp_path / "mine.json")
    assert meta["plan_name"] == editor.plan.name
    assert meta["saved_at"] > 0
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]  # atomic: no leftovers


def test_clean_save_deletes_the_autosave(autosave, editor, tmp_path):
    editor.set_traffic(dau=3_000_000)
    assert autosave.save_now() is not None
    save_plan(editor.plan, tmp_path / "saved.json")
    editor.mark_saved(str(tmp_path / "saved.json"))
    assert not autosave.plan_path.exists()
    assert not autosave.meta_path.exists()


def test_undo_back_to_saved_state_deletes_the_autosave(autosave, editor):
    editor.set_traffic(dau=3_000_000)
    autosave.save_now()
    editor.undo_stack.undo()
    assert not autosave.plan_path.exists()


def test_close_removes_files_and_lock(autosave, editor, folder):
    editor.set_traffic(dau=3_000_000)
    autosave.save_now()
    assert (folder / "current.lock").exists()
    autosave.close()
    assert list(folder.iterdir()) == []


def _crash(editor_plan_change, folder, session="crashed", original=None):
    """A session that autosaved and then died (its lock released without cleaning up); its plan."""
    other = Editor(fallback_plan())
    if original:
        other.mark_saved(original)
    editor_plan_change(other)
    saver = Autosave(other, folder, session=session)
    saver.save_now()
    saver.timer.stop()
    saver._lock.unlock()  # the process is gone: the lock is free, the files remain
    plan = other.plan.model_copy(deep=True)
    other.state_changed.disconnect(saver._on_state_changed)  # a crash does not clean up
    other.undo_stack.setClean()
    return plan


def test_running_sessions_are_not_offered(editor, folder):
    other = Editor(fallback_plan())
    other.set_traffic(dau=5_000_000)
    live = Autosave(other, folder, session="live")
    live.save_now()
    assert find_recoverable(folder, exclude_session="current") == []
    live.close()
    other.undo_stack.setClean()


def test_recovery_restores_the_newest_plan_as_modified(editor, folder, tmp_path):
    original = str(tmp_path / "work.json")
    crashed = _crash(lambda e: e.set_traffic(dau=7_000_000), folder, original=original)
    current = Autosave(editor, folder, session="current")
    found = find_recoverable(folder, exclude_session="current")
    assert [r.session for r in found] == ["crashed"]
    assert found[0].original_path == original
    asked = []

    def ask(parent, recoveries):
        asked.append(recoveries)
        return "recover"

    assert offer_recovery(editor, current, ask=ask)
    assert asked and asked[0][0].session == "crashed"
    assert editor.plan.model_dump() == crashed.model_dump()
    assert editor.plan.traffic.dau == 7_000_000
    assert editor.is_modified()
    assert editor.path == original
    assert not (folder / "crashed.json").exists()  # moved under the current session
    assert current.plan_path.exists()
    assert find_recoverable(folder, exclude_session="current") == []
    current.close()


def test_discarding_a_recovery_deletes_it_and_keeps_the_plan(editor, folder):
    _crash(lambda e: e.set_traffic(dau=7_000_000), folder)
    before = editor.plan.model_dump()
    current = Autosave(editor, folder, session="current")
    assert not offer_recovery(editor, current, ask=lambda parent, found: "discard")
    assert editor.plan.model_dump() == before
    assert not editor.is_modified()
    assert not (folder / "crashed.json").exists()
    current.close()


def test_later_keeps_the_files(editor, folder):
    _crash(lambda e: e.set_traffic(dau=7_000_000), folder)
    current = Autosave(editor, folder, session="current")
    assert not offer_recovery(editor, current, ask=lambda parent, found: "later")
    assert (folder / "crashed.json").exists()
    current.close()


def test_newest_is_offered_first(editor, folder):
    _crash(lambda e: e.set_traffic(dau=2_000_000), folder, session="older")
    os.utime(folder / "older.json", (1, 1))
    meta = json.loads((folder / "older.meta.json").read_text())
    meta["saved_at"] = 1.0
    (folder / "older.meta.json").write_text(json.dumps(meta))
    _crash(lambda e: e.set_traffic(dau=9_000_000), folder, session="newer")
    assert [r.session for r in find_recoverable(folder)] == ["newer", "older"]


def test_unreadable_autosave_is_reported_and_kept(editor, folder):
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text("{ not json")
    current = Autosave(editor, folder, session="current")
    before = editor.plan.model_dump()
    messages = []
    assert not offer_recovery(editor, current, ask=lambda parent, found: "recover", warn=messages.append)
    assert messages and "not valid JSON" in messages[0]
    assert editor.plan.model_dump() == before
    assert (folder / "broken.json").exists()
    current.close()


def test_write_failure_is_reported_not_raised(editor, tmp_path, qtbot):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    saver = Autosave(editor, blocker / "autosave", session="s")
    editor.set_traffic(dau=3_000_000)
    with qtbot.waitSignal(saver.failed) as signal:
        assert saver.save_now() is None
    assert "Autosave failed" in signal.args[0]
