"""The Review panel: findings by severity, click selects on the canvas, Apply / Apply all as one undo step each,
Ignore with a reason saved in the plan, and the before/after preview of a fix."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from review_plans import naive_plan

from archplan.planner.engine import compute
from archplan.planner.review import passes
from archplan.ui.editor import Editor
from archplan.ui.review_panel import ReviewPanel


@pytest.fixture
def naive_editor(qapp):
    editor = Editor(naive_plan(), debounce_ms=0)
    yield editor
    editor.undo_stack.setClean()


@pytest.fixture
def panel(qtbot, naive_editor):
    panel = ReviewPanel(naive_editor)
    qtbot.addWidget(panel)
    return panel


def settle(qtbot, editor):
    """Let the debounced recompute run."""
    editor.document.recompute_now()
    qtbot.wait(1)


def groups(panel) -> list[str]:
    return [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]


def test_findings_are_grouped_by_severity(panel, naive_editor):
    result = naive_editor.document.result
    titles = groups(panel)
    assert titles[0].startswith("Critical (") and titles[1].startswith("Warnings (") and titles[2].startswith("Info (")
    assert len(panel.finding_items()) == len(result.findings)
    assert "does not pass" in panel.summary.text()
    first_group = panel.tree.topLevelItem(0)
    assert all(first_group.child(i).data(0, Qt.ItemDataRole.UserRole).severity == "error"
               for i in range(first_group.childCount()))


def test_choosing_a_finding_selects_its_component_and_shows_its_numbers(panel, qtbot):
    with qtbot.waitSignal(panel.select_requested) as signal:
        panel.select_finding("REL-SPOF-PRIMARY", "db")
    assert signal.args == [["db"]]
    text = panel.details.toPlainText()
    assert "REL-SPOF-PRIMARY" in text and "Database availability" in text
    assert "Before → after" in text and "plan monthly cost" in text and "Source:" in text
    assert panel.apply_button.isEnabled()


def test_a_click_on_a_finding_item_selects(panel, qtbot):
    item = panel.finding_items()[0]
    rect = panel.tree.visualItemRect(item)
    with qtbot.waitSignal(panel.select_requested):
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.current_finding() is item.data(0, Qt.ItemDataRole.UserRole)


def test_apply_is_one_undo_step(panel, naive_editor, qtbot):
    before = naive_editor.plan.model_copy(deep=True)
    panel.select_finding("DATA-MEDIA-IN-DB", "db")
    expected = panel.preview(panel.current_finding()).plan
    steps = naive_editor.undo_stack.count()
    assert panel.apply_current()
    settle(qtbot, naive_editor)
    assert naive_editor.undo_stack.count() == steps + 1
    assert naive_editor.plan == expected
    assert "DATA-MEDIA-IN-DB" not in {f.rule for f in naive_editor.document.result.findings}
    naive_editor.undo_stack.undo()
    settle(qtbot, naive_editor)
    assert naive_editor.plan == before
    assert "DATA-MEDIA-IN-DB" in {f.rule for f in naive_editor.document.result.findings}
    naive_editor.undo_stack.redo()
    assert naive_editor.plan == expected


def test_apply_all_is_one_undo_step_and_passes(panel, naive_editor, qtbot):
    before = naive_editor.plan.model_copy(deep=True)
    steps = naive_editor.undo_stack.count()
    qtbot.mouseClick(panel.apply_all_button, Qt.MouseButton.LeftButton)
    settle(qtbot, naive_editor)
    assert naive_editor.undo_stack.count() == steps + 1
    assert passes(naive_editor.document.result)
    assert "passes" in panel.summary.text()
    assert naive_editor.plan == naive_editor.plan.model_validate(naive_editor.plan.model_dump())
    naive_editor.undo_stack.undo()
    settle(qtbot, naive_editor)
    assert naive_editor.plan == before


def test_ignore_with_a_reason_then_restore(panel, naive_editor, qtbot):
    panel.ask_reason = lambda finding: "one LB is fine for the pilot"
    panel.select_finding("REL-SPOF-LB", "lb")
    assert panel.ignore_button.text() == "Ignore…"
    assert panel.toggle_ignore()
    settle(qtbot, naive_editor)
    assert [(i.rule, i.component, i.reason) for i in naive_editor.plan.settings.ignored_findings] == \
        [("REL-SPOF-LB", "lb", "one LB is fine for the pilot")]
    assert "REL-SPOF-LB" not in {f.rule for f in naive_editor.document.result.findings}
    assert groups(panel)[-1].startswith("Ignored (1)")
    panel.select_finding("REL-SPOF-LB", "lb")
    assert panel.ignore_button.text() == "Restore"
    assert "one LB is fine for the pilot" in panel.details.toPlainText()
    naive_editor.undo_stack.undo()
    settle(qtbot, naive_editor)
    assert naive_editor.plan.settings.ignored_findings == []
    naive_editor.undo_stack.redo()
    settle(qtbot, naive_editor)
    panel.select_finding("REL-SPOF-LB", "lb")
    assert panel.toggle_ignore()  # Restore
    settle(qtbot, naive_editor)
    assert naive_editor.plan.settings.ignored_findings == []


def test_ignore_cancelled_changes_nothing(panel, naive_editor):
    panel.ask_reason = lambda finding: None
    panel.select_finding("REL-SPOF-LB", "lb")
    steps = naive_editor.undo_stack.count()
    assert not panel.toggle_ignore()
    assert naive_editor.undo_stack.count() == steps


def test_advice_without_a_fix_disables_apply(panel):
    panel.select_finding("REL-SPOF-ZONE")
    assert not panel.apply_button.isEnabled()
    assert "No automatic fix" in panel.details.toPlainText()


def test_the_panel_follows_edits(panel, naive_editor, qtbot):
    naive_editor.set_component("lb", instances=2)
    settle(qtbot, naive_editor)
    assert "REL-SPOF-LB" not in {item.data(0, Qt.ItemDataRole.UserRole).rule for item in panel.finding_items()}


def test_window_docks_the_panel_and_a_finding_selects_on_the_canvas(make_window, qtbot):
    window = make_window(Editor(naive_plan(), debounce_ms=0))
    assert "review" in window.docks and window.review is window.docks["review"].widget()
    window.review.select_finding("REL-SPOF-PRIMARY", "db")
    assert window.scene.selected_component_ids() == ["db"]
    assert compute(window.editor.plan).findings == window.editor.document.result.findings


def test_the_targets_shown_are_the_plans_budgets(panel, naive_editor, qtbot):
    assert "No availability or p99 budget" in panel.targets.text()
    budgets = {**naive_editor.plan.settings.budgets.model_dump(), "min_availability": 0.9995, "max_read_p99": 0.3}
    naive_editor.set_settings(budgets=budgets)
    settle(qtbot, naive_editor)
    assert "availability ≥ 99.950 %" in panel.targets.text() and "read p99 ≤ 300 ms" in panel.targets.text()
    rules = {f.rule for f in naive_editor.document.result.findings}
    assert {"SLO-AVAIL-BUDGET", "FLOW-P99"} <= rules


def test_a_hidden_docked_panel_catches_up_when_shown(make_window, qtbot):
    window = make_window(Editor(naive_plan(), debounce_ms=0))
    window.show()
    dock = window.docks["review"]
    window.docks["inspector"].raise_()
    qtbot.wait(10)
    assert not window.review.exposed()  # tabbed behind the inspector
    window.editor.set_component("lb", instances=2)
    window.editor.document.recompute_now()
    assert window.review._stale
    dock.raise_()
    qtbot.waitUntil(window.review.exposed)
    assert not window.review._stale
    assert "REL-SPOF-LB" not in {i.data(0, Qt.ItemDataRole.UserRole).rule for i in window.review.finding_items()}
