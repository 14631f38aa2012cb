"""The inspector edits the plan through the Editor: unit-aware fields, inline errors, one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from archplan.planner.catalog import default_catalog
from archplan.planner.model import Component, Link, TrafficProfile
from archplan.ui.inspector import Inspector


@pytest.fixture
def inspector(qtbot, editor):
    widget = Inspector(editor)
    qtbot.addWidget(widget)
    widget.resize(420, 900)
    widget.show()
    widget.plan_page.details.set_expanded(True)   # per-user rates and sizes (collapsed at first)
    return widget


def test_typing_dau_changes_the_plan_and_the_results(inspector, editor, type_text):
    """Typing "10M" in the DAU field sets 10,000,000 users; the results follow; one undo step."""
    before = editor.plan.model_dump()
    steps = editor.undo_stack.count()
    field = inspector.plan_page.traffic["dau"]
    type_text(field.edit, "10M")
    assert editor.plan.traffic.dau == 10_000_000
    assert editor.undo_stack.count() == steps + 1  # "1", "10", "10M" merged
    editor.document.recompute_now()
    assert editor.document.result.totals.dau == 10_000_000
    assert field.edit.text() == "10M"
    assert not field.has_error()
    editor.undo_stack.undo()
    assert editor.plan.model_dump() == before
    assert field.edit.text() == "1M"  # the field follows the undo


def test_normalised_value_is_shown(inspector, editor, type_text):
    field = inspector.plan_page.traffic["response_size"]
    type_text(field.edit, "1500", finish=False)
    assert field.message.text() == "= 1.5 KB"
    assert field.message.isVisible() and not field.has_error()
    field.edit.editingFinished.emit()
    assert field.edit.text() == "1.5 KB"
    assert editor.plan.traffic.response_size == 1500


@pytest.mark.parametrize("name, text, expected", [
    ("dau", "lots", "not understood"),
    ("response_size", "-5 KB", "negative"),
    ("retention", "5 fortnights", "not understood"),
    ("target_utilisation", "150 %", "between 0 and 1"),
    ("yearly_growth", "500", "less than or equal to 100"),
])
def test_invalid_input_shows_inline_error_and_leaves_plan_unchanged(inspector, editor, type_text, name, text,
                                                                    expected):
    before = editor.plan.model_dump()
    steps = editor.undo_stack.count()
    field = inspector.plan_page.traffic[name]
    type_text(field.edit, text)
    assert field.has_error()
    assert field.message.isVisible()
    assert expected in field.message.text()
    assert field.message.styleSheet().startswith("color: #c62828")
    assert editor.plan.model_dump() == before
    assert editor.undo_stack.count() == steps


def test_tooltips_come_from_field_descriptions(inspector):
    assert inspector.plan_page.traffic["dau"].edit.toolTip() == TrafficProfile.model_fields["dau"].description
    page = inspector.component_page
    inspector.show_selection(["redis"])
    assert page.instances.spin.toolTip() == Component.model_fields["instances"].description
    hit = page.params["hit_ratio"].field.edit
    assert "Share of reads answered by the cache" in hit.toolTip()
    assert "between 0 and 1" in hit.toolTip()


def test_component_page_edits_name_instances_and_capacity(inspector, editor, type_text):
    inspector.show_selection(["redis"])
    page = inspector.component_page
    assert inspector.page_shown() == "component"
    type_text(page.name.edit, "Session cache")
    assert editor.plan.component("redis").name == "Session cache"

    page.instances.spin.setValue(4)
    assert editor.plan.component("redis").instances == 4
    page.instances.spin.setValue(0)
    assert editor.plan.component("redis").instances == "auto"
    assert page.instances.spin.text() == "auto"

    row = page.capacity["read_qps"]
    default = default_catalog()["cache.redis"].capacity.read_qps
    assert row.field.edit.placeholderText() == f"default {row.field.quantity.exact(default)}"
    type_text(row.field.edit, "50K")
    assert editor.plan.component("redis").capacity == {"read_qps": 50_000}
    assert row.reset.isEnabled()
    row.reset.click()
    assert editor.plan.component("redis").capacity == {}
    assert row.field.edit.text() == ""
    type_text(row.field.edit, "3M/min")  # rates accept a period: 3M per minute = 50K per second
    assert editor.plan.component("redis").capacity == {"read_qps": 50_000}
    assert row.field.edit.text() == "50K/s"


def test_component_summary_follows_results(inspector, editor, type_text):
    inspector.show_selection(["python"])
    page = inspector.component_page
    page.instances.spin.setValue(7)
    editor.document.recompute_now()
    assert "<b>7</b> instance(s)" in page.summary.text()


def test_parameter_out_of_bounds_is_refused(inspector, editor, type_text):
    inspector.show_selection(["redis"])
    field = inspector.component_page.params["hit_ratio"].field
    before = editor.plan.model_dump()
    type_text(field.edit, "1.5")
    assert field.has_error()
    assert editor.plan.model_dump() == before
    type_text(field.edit, "95 %")
    assert not field.has_error()
    assert editor.plan.component("redis").params == {"hit_ratio": 0.95}


def test_changing_kind_drops_parameters_the_new_kind_lacks(inspector, editor, type_text):
    inspector.show_selection(["redis"])
    page = inspector.component_page
    type_text(page.params["hit_ratio"].field.edit, "0.9")
    index = page.kind.combo.findData("cache.memcached")
    page.kind.combo.activated.emit(index)
    assert editor.plan.component("redis").kind == "cache.memcached"
    assert editor.plan.component("redis").params == {"hit_ratio": 0.9}  # memcached is a cache too
    page.kind.combo.activated.emit(page.kind.combo.findData("service.go"))
    assert editor.plan.component("redis").kind == "service.go"
    assert editor.plan.component("redis").params == {}
    assert not page.params_box.isVisibleTo(inspector)


def test_typing_is_applied_on_enter_and_survives_refreshes(inspector, editor, qtbot):
    """Half-typed text is not applied; unrelated model changes keep it and its cursor; undo rewrites it."""
    inspector.show_selection(["redis"])
    edit = inspector.component_page.name.edit
    edit.setFocus()
    edit.setCursorPosition(2)
    qtbot.keyClicks(edit, "XY")
    assert editor.plan.component("redis").name == "Cache"  # not applied while typing
    editor.set_component("redis", instances=3)  # the page refreshes for another field
    assert edit.text() == "CaXYche" and edit.cursorPosition() == 4
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert editor.plan.component("redis").name == "CaXYche"
    assert edit.cursorPosition() == 4
    editor.set_traffic(dau=2_000_000)
    assert edit.text() == "CaXYche" and edit.cursorPosition() == 4
    editor.undo_stack.undo()  # the traffic
    editor.undo_stack.undo()  # the name
    assert editor.plan.component("redis").name == "Cache"
    assert edit.text() == "Cache"
    assert edit.cursorPosition() == 4
    editor.undo_stack.redo()
    assert edit.text() == "CaXYche"


def test_empty_name_is_refused(inspector, editor, qtbot):
    inspector.show_selection(["redis"])
    field = inspector.component_page.name
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key.Key_Backspace)
    assert field.has_error()  # said while typing
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.has_error()
    assert "cannot be empty" in field.message.text()
    assert editor.plan.component("redis").name == "Cache"


def test_link_page_kind_share_fanout_and_classes(inspector, editor, type_text):
    link = next(lk for lk in editor.plan.links if lk.source == "redis" and lk.target == "postgres")
    inspector.show_selection([], [link.id])
    page = inspector.link_page
    assert inspector.page_shown() == "link"
    assert "Cache → PostgreSQL primary" in page.title.text()
    assert page.classes["write"].isChecked() and not page.classes["read"].isChecked()
    page.classes["read"].setChecked(True)
    assert editor.plan.link(link.id).classes == ["read", "write"]
    type_text(page.share.edit, "50 %")
    assert editor.plan.link(link.id).share == 0.5
    before = editor.plan.model_dump()
    type_text(page.fanout.edit, "3")
    assert page.fanout.has_error()
    assert "not both" in page.fanout.message.text()
    assert editor.plan.model_dump() == before
    page.kind.combo.activated.emit(page.kind.combo.findData("async"))
    assert editor.plan.link(link.id).kind == "async"


def test_endpoints_add_edit_remove(inspector, editor):
    inspector.show_selection(["python"])
    table = inspector.component_page.endpoints
    table.add_button.click()
    assert [e.name for e in editor.plan.component("python").endpoints] == ["endpoint 1"]
    table.table.item(0, 2).setText("/photos")
    assert editor.plan.component("python").endpoints[0].path == "/photos"
    before = editor.plan.model_dump()
    table.table.item(0, 4).setText("2")
    assert table.message.is_error
    assert editor.plan.model_dump() == before
    table.table.item(0, 4).setText("0.25")
    assert editor.plan.component("python").endpoints[0].share == 0.25
    table.table.selectRow(0)
    table.remove_button.click()
    assert editor.plan.component("python").endpoints == []


def test_notes_typing_is_one_undo_step(inspector, editor, qtbot):
    inspector.show_selection(["python"])
    notes = inspector.component_page.notes.text_edit
    steps = editor.undo_stack.count()
    notes.setFocus()
    qtbot.keyClicks(notes, "Stateless")
    assert editor.plan.component("python").notes == "Stateless"
    assert editor.undo_stack.count() == steps + 1


def test_plan_page_after_deleting_the_selected_component(inspector, editor):
    inspector.show_selection(["redis"])
    editor.delete(["redis"])
    assert inspector.current == ("plan", None)
    assert inspector.page_shown() == "plan"


def test_group_page_rename(inspector, editor, type_text):
    gid = editor.group(["python", "redis"], "Zone A")
    inspector.show_selection([], [], [gid])
    page = inspector.group_page
    assert "App service" in page.members.text()
    type_text(page.name.edit, "Zone B")
    assert editor.plan.group(gid).name == "Zone B"


def test_multi_selection_shows_a_count(inspector):
    inspector.show_selection(["redis", "python"])
    assert "2 components selected" in inspector.multi_page.text()


def test_settings_choice_applies(inspector, editor):
    field = inspector.plan_page.default_redundancy
    field.combo.activated.emit(field.combo.findData("ha"))
    assert editor.plan.settings.default_redundancy == "ha"
    editor.undo_stack.undo()
    assert field.combo.currentData() == "none"


def test_enter_key_in_field_commits(inspector, editor, qtbot):
    field = inspector.plan_page.traffic["reads_per_user"].edit
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "25")
    qtbot.keyClick(field, Qt.Key.Key_Enter)
    assert editor.plan.traffic.reads_per_user == 25


def test_retention_override_changes_storage_and_clears_back(inspector, editor, type_text, qtbot):
    """Typing "3d" keeps three days in this store only; the storage follows; empty is the profile's again."""
    inspector.show_selection(["postgres"])
    page = inspector.component_page
    field = page.retention
    assert page.component_form.isRowVisible(field)
    assert field.edit.toolTip() == Component.model_fields["retention"].description
    assert field.edit.placeholderText() == f"profile: {field.quantity.exact(editor.plan.traffic.retention)}"
    editor.document.recompute_now()
    profile_storage = editor.document.result.components["postgres"].storage_total
    assert profile_storage > 0
    steps = editor.undo_stack.count()

    type_text(field.edit, "3d")
    assert editor.plan.component("postgres").retention == 259_200
    assert editor.undo_stack.count() == steps + 1
    assert not field.has_error()
    editor.document.recompute_now()
    short_storage = editor.document.result.components["postgres"].storage_total
    assert 0 < short_storage < profile_storage  # three days instead of the profile's year
    editor.undo_stack.undo()
    assert editor.plan.component("postgres").retention is None
    assert field.edit.text() == ""  # the field follows undo and redo
    editor.undo_stack.redo()
    assert editor.plan.component("postgres").retention == 259_200
    assert field.quantity.parse(field.edit.text()) == 259_200

    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert editor.plan.component("postgres").retention is None
    assert field.edit.text() == ""
    editor.document.recompute_now()
    assert editor.document.result.components["postgres"].storage_total == pytest.approx(profile_storage)


def test_retention_placeholder_follows_the_profile(inspector, editor):
    inspector.show_selection(["postgres"])
    field = inspector.component_page.retention
    editor.set_traffic(retention=30 * 86_400)
    assert field.edit.placeholderText() == f"profile: {field.quantity.exact(30 * 86_400)}"
    assert field.edit.text() == ""


def test_retention_shown_only_for_kinds_that_keep_data(inspector, editor):
    page = inspector.component_page
    catalog = default_catalog()
    assert not catalog["cache.redis"].stores_data
    inspector.show_selection(["redis"])
    assert not page.component_form.isRowVisible(page.retention)
    assert not page.retention.isVisibleTo(inspector)
    inspector.show_selection(["postgres"])
    assert page.retention.isVisibleTo(inspector)
    editor.set_component("postgres", kind="search.elasticsearch")  # the row follows the kind
    assert page.retention.isVisibleTo(inspector)
    editor.set_component("postgres", kind="service.go")
    assert not page.retention.isVisibleTo(inspector)


def test_delivered_as_choice_is_one_undo_step(inspector, editor, qtbot):
    link_id = "python-to-redis"
    inspector.show_selection([], [link_id])
    combo = inspector.link_page.deliver_as.combo
    assert combo.toolTip() == Link.model_fields["deliver_as"].description
    assert [combo.itemText(i) for i in range(combo.count())] == ["as sent", "reads", "writes"]
    assert combo.currentText() == "as sent"
    steps = editor.undo_stack.count()
    combo.setFocus()
    qtbot.keyClicks(combo, "w")  # keyboard search picks "writes", as a user choosing it would
    assert combo.currentText() == "writes"
    assert editor.plan.link(link_id).deliver_as == "write"
    assert editor.undo_stack.count() == steps + 1
    editor.undo_stack.undo()
    assert editor.plan.link(link_id).deliver_as is None
    assert combo.currentText() == "as sent"
    editor.undo_stack.redo()
    assert combo.currentText() == "writes"


def test_event_link_says_what_as_sent_means(inspector, editor):
    link_id = "python-to-redis"
    inspector.show_selection([], [link_id])
    page = inspector.link_page
    page.kind.combo.activated.emit(page.kind.combo.findData("event"))
    assert editor.plan.link(link_id).kind == "event"
    assert page.deliver_as.combo.currentText() == "as sent (events: writes)"
    page.deliver_as.combo.activated.emit(page.deliver_as.combo.findData("read"))
    assert editor.plan.link(link_id).deliver_as == "read"
    assert editor.plan.link(link_id).delivered_as == "read"
    assert page.deliver_as.combo.currentText() == "reads"
    editor.undo_stack.undo()
    editor.undo_stack.undo()  # back to a request link: nothing is converted
    assert page.deliver_as.combo.currentText() == "as sent"
