"""Failure injection in the GUI (ui/faults.py): context menus, undo, Restore all, marks, the Failures panel,
the document's scenario, plan files without faults; and the Resilience view (ui/resilience_view.py).

Hand-checked case, three_tier: web -> lb -> app -> (cache -> replica, db). The load balancer has one app
service behind it, so with the app down every request of the web client fails (reads and writes); with the
primary down its writes fail and its reads still go through the cache and the replica."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QPointF, Qt
from window_probe import modules_after_window

from archplan.planner.engine import compute
from archplan.planner.library import load_template
from archplan.planner.resilience import resilience
from archplan.planner.scenarios import cold, down, lose, run, slow, zone
from archplan.ui import faults as faults_module
from archplan.ui.canvas.menus import context_menu
from archplan.ui.editor import Editor
from archplan.ui.faults import add_fault, card_marks, restore_all


@pytest.fixture
def three_tier():
    return load_template("three_tier")


@pytest.fixture
def win(make_window, qapp, three_tier):
    editor = Editor(three_tier, debounce_ms=0)
    return make_window(editor)


_menus = []  # the menus stay alive while their actions are used


def _menu_actions(window, pos: QPointF) -> dict:
    menu = context_menu(window.scene, pos)
    _menus[:] = [menu]
    return {a.text(): a for a in menu.actions() if not a.isSeparator()}


def _card_menu(window, cid: str) -> dict:
    return _menu_actions(window, window.scene.component_item(cid).scenePos())


def _group_menu(window, gid: str) -> dict:
    rect = window.scene.group_item(gid).rect()
    return _menu_actions(window, QPointF(rect.center().x(), rect.top() + 8))  # the title band


def test_fail_from_the_context_menu_fails_the_client_paths(win):
    doc = win.editor.document
    before = compute(doc.plan)
    assert before.clients["web"].availability > 0.99
    _card_menu(win, "app")["Fail (down)"].trigger()
    assert doc.faults == (down("app"),)
    report = doc.scenario
    assert report is not None and report.failing == ("web",) and not report.holds
    web = doc.result.clients["web"]
    assert web.read_availability == 0 and web.write_availability == 0
    assert doc.result is report.after and doc.plan_result.clients["web"].availability == pytest.approx(
        before.clients["web"].availability)
    # the same figures as the headless scenario
    headless = run(doc.plan, [down("app")])
    assert report.error_rate == pytest.approx(headless.error_rate)
    assert report.bottleneck == headless.bottleneck
    # drawn: the app struck through, the client marked as failing; banner and panel say it
    mark = win.faults.marks.mark("card", "app")
    assert mark is not None and mark.mark.struck and mark.mark.tag.startswith("DOWN")
    assert win.faults.marks.mark("card", "web").mark.tag == "FAILS"
    assert not win.faults.bar.isHidden() and not win.faults.dock.isHidden()
    assert win.dockWidgetArea(win.faults.dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert "App service down" in win.faults.banner.label.text()
    assert "does not hold" in win.faults.banner.label.text()
    assert win.faults.panel.clients.rowCount() == len(report.clients)
    assert win.faults.panel.clients.item(0, 1).text() == "fails"


def test_marks_follow_the_card_and_let_clicks_through(win):
    _card_menu(win, "app")["Fail (down)"].trigger()
    card = win.scene.component_item("app")
    mark = win.faults.marks.mark("card", "app")
    assert mark.parentItem() is card and mark.acceptedMouseButtons() == Qt.MouseButton.NoButton
    assert win.scene.item_at(card.scenePos()) is card     # selecting, dragging and menus still reach the card
    assert "Restore App service" in _card_menu(win, "app")


def test_primary_down_loses_writes_only(win):
    doc = win.editor.document
    _card_menu(win, "db")["Fail (down)"].trigger()
    web = doc.result.clients["web"]
    assert web.write_availability == 0 and web.read_availability > 0.99
    assert doc.scenario.clients[0].lost == ("writes",)


def test_undo_restores_and_redo_fails_again(win):
    doc, stack = win.editor.document, win.editor.undo_stack
    plain = doc.result.clients["web"].availability
    _card_menu(win, "app")["Fail (down)"].trigger()
    assert stack.undoText() == "Fail: App service down"
    stack.undo()
    assert doc.faults == () and doc.scenario is None
    assert doc.result.clients["web"].availability == pytest.approx(plain)
    assert win.faults.marks.marks == {} and win.faults.bar.isHidden()
    stack.redo()
    assert doc.faults == (down("app"),) and doc.result.clients["web"].availability == 0


def test_restore_all_clears_every_fault_in_one_step(win, qtbot, monkeypatch):
    doc = win.editor.document
    _card_menu(win, "db")["Fail (down)"].trigger()
    monkeypatch.setattr(faults_module, "ask_slow_factor", lambda name: 4.0)
    _card_menu(win, "app")["Slow ×N…"].trigger()
    assert doc.faults == (down("db"), slow("app", 4.0))
    assert "Restore all" in _card_menu(win, "cache")
    qtbot.mouseClick(win.faults.banner.restore_button, Qt.MouseButton.LeftButton)
    assert doc.faults == () and doc.scenario is None and win.faults.bar.isHidden()
    assert not win.faults.actions["restore_faults"].isEnabled()
    win.editor.undo_stack.undo()
    assert doc.faults == (down("db"), slow("app", 4.0))


def test_slow_lose_and_cold(win, monkeypatch):
    doc = win.editor.document
    monkeypatch.setattr(faults_module, "ask_slow_factor", lambda name: 10.0)
    count = doc.result.components["app"].count
    _card_menu(win, "app")["Slow ×N…"].trigger()
    assert doc.result.components["app"].latency > doc.plan_result.components["app"].latency
    assert win.faults.marks.mark("card", "app").mark.tag == "10x slower"
    restore_all(win.editor)
    if count > 1:
        _card_menu(win, "app")["Lose 1 instance"].trigger()
        assert doc.scenario.applied.reduced["app"] == (count, count - 1)
        assert doc.result.components["app"].count == count - 1
        restore_all(win.editor)
    menu = _card_menu(win, "cache")
    menu["Cache cold"].trigger()
    assert doc.faults == (cold("cache"),)
    assert doc.result.components["replica"].qps_peak > doc.plan_result.components["replica"].qps_peak
    # the results table shows the scenario's figures, not the plan's
    from archplan.ui.results_model import COLUMNS

    model = win.results.model
    text_of = COLUMNS[0][2]
    shown = model.data(model.index(model.row_of("replica"), 2))
    assert shown == text_of(doc.result.components["replica"]) != text_of(doc.plan_result.components["replica"])
    assert "Cache cold" not in _card_menu(win, "db")       # only caches and CDNs
    assert "Fail (down)" not in _card_menu(win, "web")     # clients never fail


def test_losing_instances_adds_up_and_restore_one(win):
    doc = win.editor.document
    assert add_fault(win.editor, lose("app", 1)) and add_fault(win.editor, lose("app", 1))
    assert doc.faults == (lose("app", 2),)
    assert add_fault(win.editor, down("db"))          # a new fault is added
    assert not add_fault(win.editor, down("db"))      # but never twice
    _card_menu(win, "app")["Restore App service"].trigger()
    assert doc.faults == (down("db"),)


def test_fail_zone_from_the_group_menu(win):
    doc = win.editor.document
    actions = _group_menu(win, "data-tier")
    actions["Fail zone"].trigger()
    assert doc.faults == (zone("data-tier"),)
    report = doc.scenario
    assert {c.id for c in report.components if c.state.startswith("down")} == {"cache", "db", "replica"}
    assert report.failing == ("web",)
    mark = win.faults.marks.mark("zone", "data-tier")
    assert mark is not None and mark.mark.tag == "ZONE DOWN"
    cards, zones = card_marks(doc)
    assert set(zones) == {"data-tier"} and {"cache", "db", "replica"} <= set(cards)
    assert "Restore zone" in _group_menu(win, "data-tier")


def test_saving_never_writes_the_faults(win, tmp_path):
    doc = win.editor.document
    clean = tmp_path / "clean.json"
    assert win.files.save_as(str(clean))
    _card_menu(win, "app")["Fail (down)"].trigger()
    _group_menu(win, "data-tier")["Fail zone"].trigger()
    faulted = tmp_path / "faulted.json"
    assert win.files.save_as(str(faulted))
    assert json.loads(faulted.read_text()) == json.loads(clean.read_text())
    assert not {"faults", "scenario"} & set(json.loads(faulted.read_text())["plan"])
    assert doc.faults  # the what-if stays on screen after saving


def test_exports_use_the_plan_not_the_faults(win, tmp_path, monkeypatch):
    import archplan.exports as exports

    seen = []
    monkeypatch.setattr(exports, "export", lambda plan, result, fmt, path, **kw: seen.append(result) or path)
    _card_menu(win, "app")["Fail (down)"].trigger()
    fmt = next(iter(exports.FORMATS))
    win.files.export(fmt, str(tmp_path / "out"))
    assert seen == [win.editor.document.plan_result]


def test_deleting_a_failed_component_drops_its_fault_and_undo_brings_it_back(win, qtbot):
    doc = win.editor.document
    _card_menu(win, "app")["Fail (down)"].trigger()
    win.editor.delete(["app"])
    qtbot.waitUntil(lambda: doc.scenario is None)
    assert doc.result is not None and "app" not in doc.result.components
    assert "no longer in the plan" in win.faults.banner.label.text()
    win.editor.undo_stack.undo()
    qtbot.waitUntil(lambda: doc.scenario is not None)
    assert doc.scenario.failing == ("web",)


def test_opening_another_plan_forgets_the_faults(win):
    doc = win.editor.document
    _card_menu(win, "app")["Fail (down)"].trigger()
    doc.set_plan(load_template("url_shortener"))
    assert doc.faults == () and doc.scenario is None and win.faults.bar.isHidden()


# ------------------------------------------------------------------------------------------ resilience view
def test_resilience_view_lists_every_single_failure(win):
    from archplan.ui.resilience_view import ResilienceDialog

    dialog = win.faults.show_resilience()
    assert isinstance(dialog, ResilienceDialog)
    expected = resilience(win.editor.plan)
    rows = sum(1 + (r.spare is not None) for r in expected.components) + len(expected.groups)
    assert dialog.table.rowCount() == rows
    labels = [dialog.table.item(i, 0).text() for i in range(rows)]
    assert "App service down" in labels and "Data tier down" in labels
    row = labels.index("App service down")
    outcome = next(r.down for r in expected.components if r.id == "app")
    assert dialog.table.item(row, 1).text() == ("yes" if outcome.holds else "no")
    assert dialog.table.item(row, 2).text() == "Web client"
    assert dialog.inject(labels.index("Data tier down"))
    assert win.editor.document.faults == (zone("data-tier"),)
    dialog.close()


def test_nothing_changes_the_window_until_a_fault(win):
    assert win.faults.bar.isHidden() and win.faults.dock.isHidden()
    assert win.faults.dock is win.docks["failures"] and win.faults.panel is win.failures_panel  # ui/panels.py
    assert not win.faults.actions["restore_faults"].isEnabled()


def test_resilience_is_in_the_analyse_menu(win):
    texts = [a.text() for a in win.menus["analyse"].actions()]
    assert "R&esilience…" in texts and "&Restore all failures" in texts


def test_attaching_the_window_does_not_load_the_engine():
    """The app shows the plan before it loads the engine (ui/app.py): failure injection must not load it early."""
    found = modules_after_window("(w.faults is not None) and sorted(m for m in ('archplan.planner.engine', "
                                 "'archplan.planner.scenarios') if m in sys.modules)")
    assert found == "[]"
