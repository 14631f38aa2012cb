"""Budgets in the app: edited in the inspector's plan page (undoable, validated inline) and shown as pass /
fail in the results header, with figures from planner.budgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from archplan.planner import units
from archplan.planner.budgets import evaluate
from archplan.planner.model import Budgets
from archplan.ui.budgets import BUDGET_FIELDS, FAIL_COLOUR, PASS_COLOUR, budgets_html
from archplan.ui.inspector import Inspector
from archplan.ui.results import ResultsPanel


@pytest.fixture
def inspector(qtbot, editor):
    widget = Inspector(editor)
    qtbot.addWidget(widget)
    widget.resize(420, 1200)
    widget.show()
    return widget


@pytest.fixture
def results(qtbot, editor):
    panel = ResultsPanel(editor.document)
    qtbot.addWidget(panel)
    panel.resize(1200, 320)
    panel.show()
    return panel


@pytest.mark.parametrize(("name", "text", "value"), [
    ("max_monthly_cost", "$5k", 5_000.0), ("min_availability", "99.9%", 0.999), ("max_read_p99", "200ms", 0.2),
    ("max_write_p99", "1.5s", 1.5), ("min_headroom", "2x", 2.0), ("max_utilisation", "80 %", 0.8)])
def test_typing_a_budget_sets_it_in_one_undo_step(inspector, editor, type_text, name, text, value):
    field = inspector.plan_page.budgets.fields[name]
    steps = editor.undo_stack.count()
    type_text(field.edit, text)
    assert getattr(editor.plan.settings.budgets, name) == pytest.approx(value)
    assert editor.undo_stack.count() == steps + 1
    assert not field.has_error()
    assert field.quantity.parse(field.edit.text()) == pytest.approx(value)  # the text reads back as the value
    editor.undo_stack.undo()
    assert getattr(editor.plan.settings.budgets, name) is None
    assert field.edit.text() == ""  # the field follows the undo


def test_every_plan_wide_budget_has_a_field_with_its_description(inspector):
    fields = inspector.plan_page.budgets.fields
    assert [name for name, _label, _q in BUDGET_FIELDS] == list(fields)
    assert set(fields) == set(Budgets.model_fields) - {"clients", "components"}
    for name, field in fields.items():
        assert field.toolTip() == Budgets.model_fields[name].description
        assert field.edit.placeholderText() == "no budget"


@pytest.mark.parametrize(("name", "text"), [("min_availability", "150%"), ("min_availability", "99.9"),
                                            ("max_read_p99", "fast"), ("max_monthly_cost", "-5"),
                                            ("min_headroom", "0x")])
def test_a_bad_budget_is_refused_inline(inspector, editor, type_text, name, text):
    before = editor.plan.settings.budgets
    field = inspector.plan_page.budgets.fields[name]
    type_text(field.edit, text)
    assert field.has_error() and field.message.text()
    assert editor.plan.settings.budgets == before


def test_emptying_a_field_removes_the_budget_and_keeps_the_others(inspector, editor, type_text, qtbot):
    fields = inspector.plan_page.budgets.fields
    type_text(fields["max_monthly_cost"].edit, "$5k")
    type_text(fields["max_read_p99"].edit, "250ms")
    edit = fields["max_monthly_cost"].edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert editor.plan.settings.budgets.max_monthly_cost is None
    assert editor.plan.settings.budgets.max_read_p99 == pytest.approx(0.25)


def test_client_and_component_budgets_survive_an_edit_of_a_plan_wide_one(inspector, editor, type_text):
    editor.set_settings(budgets={"clients": {"web": {"max_read_p99": 0.3}}, "components": {"x": {"max_p99": 1}}})
    type_text(inspector.plan_page.budgets.fields["max_utilisation"].edit, "90%")
    budgets = editor.plan.settings.budgets
    assert budgets.max_utilisation == 0.9
    assert budgets.clients["web"].max_read_p99 == 0.3 and budgets.components["x"].max_p99 == 1


def test_header_says_nothing_about_budgets_when_none_are_set(results):
    assert "Budgets" not in results.summary.text()


def test_header_shows_each_budget_as_pass_or_fail_and_follows_edits(results, inspector, editor, type_text):
    editor.document.recompute_now()
    result = editor.document.result
    client = next(iter(result.clients.values()))
    cost = result.totals.monthly_cost
    type_text(inspector.plan_page.budgets.fields["max_monthly_cost"].edit, f"{cost * 2:.0f}")
    editor.document.recompute_now()
    text = results.summary.text()
    assert "Budgets: The budget is met" in text and PASS_COLOUR in text and "✓</span> monthly cost" in text
    assert units.format_money(cost) in text

    type_text(inspector.plan_page.budgets.fields["max_read_p99"].edit, f"{client.read_p99 * 1000 / 2:.3f}ms")
    editor.document.recompute_now()
    text = results.summary.text()
    assert "Budgets: 1 of 2 budgets missed" in text and FAIL_COLOUR in text
    assert f"✗</span> read p99, {client.name}" in text and units.format_duration(client.read_p99) in text
    assert text.index("✗") < text.index("✓")  # the missed budget first

    editor.undo_stack.undo()
    editor.document.recompute_now()
    assert "The budget is met" in results.summary.text()


def test_header_lists_a_few_budgets_then_a_count(editor):
    editor.document.recompute_now()
    result = editor.document.result
    server = next(c.id for c in result.components.values() if c.behaviour != "client")
    budgets = Budgets(max_monthly_cost=1e9, min_availability=0.5, max_read_p99=100, max_write_p99=100,
                      min_headroom=1e-3, max_utilisation=1.0, components={server: {"max_p99": 100}})
    checks = evaluate(budgets, result)
    assert len(checks) > 3
    text = budgets_html(budgets, result, shown=3)
    assert text.count("✓") == 3 and f"+{len(checks) - 3} more" in text
    assert budgets_html(Budgets(), result) == ""


def test_edits_of_two_budgets_are_two_undo_steps(inspector, editor, type_text):
    fields = inspector.plan_page.budgets.fields
    steps = editor.undo_stack.count()
    type_text(fields["max_monthly_cost"].edit, "$5k")
    type_text(fields["max_monthly_cost"].edit, "$6k")  # the same budget again at once: merged
    type_text(fields["max_read_p99"].edit, "250ms")
    assert editor.undo_stack.count() == steps + 2
    assert editor.undo_stack.undoText() == "Edit budget: max read p99"
    editor.undo_stack.undo()
    assert editor.plan.settings.budgets.max_monthly_cost == 6_000 and editor.plan.settings.budgets.max_read_p99 is None
    editor.undo_stack.undo()
    assert editor.plan.settings.budgets == Budgets()
