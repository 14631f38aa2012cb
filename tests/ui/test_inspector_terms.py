"""The inspector speaks an interview's language: DAU/MAU, new items per day, read:write ratio, item size,
peak factor, retention; derived values rounded for people; a grouped, searchable kind picker; a page
that keeps its scroll position while values change."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from archplan.planner import interview, units
from archplan.ui.inspector import Inspector
from archplan.ui.palette import CATEGORIES


@pytest.fixture
def inspector(qtbot, editor):
    widget = Inspector(editor)
    qtbot.addWidget(widget)
    widget.resize(420, 700)
    widget.show()
    return widget


def test_new_items_per_day_sets_the_writes_and_keeps_the_ratio(inspector, editor, type_text):
    traffic = editor.plan.traffic
    ratio = interview.read_write_ratio(traffic)
    page = inspector.plan_page
    steps = editor.undo_stack.count()
    type_text(page.derived["items_per_day"].edit, "50M")
    traffic = editor.plan.traffic
    assert interview.items_per_day(traffic) == pytest.approx(50e6)
    assert traffic.writes_per_user == pytest.approx(50e6 / traffic.daily_active_users)
    assert interview.read_write_ratio(traffic) == pytest.approx(ratio)      # reads followed the writes
    assert editor.undo_stack.count() == steps + 1
    editor.undo_stack.undo()
    assert interview.items_per_day(editor.plan.traffic) != pytest.approx(50e6)


def test_read_write_ratio_is_typed_like_an_interviewer_says_it(inspector, editor, type_text):
    field = inspector.plan_page.derived["read_write_ratio"]
    type_text(field.edit, "100:1")
    traffic = editor.plan.traffic
    assert traffic.reads_per_user == pytest.approx(100 * traffic.writes_per_user)
    assert field.edit.text() == "100:1"
    type_text(field.edit, "1:4")
    assert editor.plan.traffic.reads_per_user == pytest.approx(editor.plan.traffic.writes_per_user / 4)
    assert field.edit.text() == "1:4"
    type_text(field.edit, "many")
    assert field.has_error() and "not understood" in field.message.text()


def test_derived_values_are_rounded_for_people(inspector, editor, type_text):
    """DAU 3M with 1/9 of an item each: 333,333.33 items a day reads "333K", not 333333.333333."""
    editor.set_traffic(dau=3e6, writes_per_user=1 / 9, reads_per_user=1.0)
    page = inspector.plan_page
    assert page.derived["items_per_day"].edit.text() == "333K"
    assert page.derived["read_write_ratio"].edit.text() == "9:1"
    assert page.traffic["writes_per_user"].edit.text() == "0.1111"
    # leaving a rounded field without typing keeps the exact value
    page.traffic["writes_per_user"].edit.setFocus()
    page.traffic["writes_per_user"].edit.editingFinished.emit()
    assert editor.plan.traffic.writes_per_user == 1 / 9


def test_the_estimate_line_shows_the_back_of_the_envelope(inspector, editor, type_text):
    page = inspector.plan_page
    type_text(page.traffic["dau"].edit, "100M")
    type_text(page.derived["items_per_day"].edit, "100M")
    type_text(page.derived["read_write_ratio"].edit, "100:1")
    figures = interview.back_of_envelope(editor.plan.traffic)
    text = page.estimate.text()
    assert units.format_count(figures["write_qps"].value) in text       # 1.16K writes/s
    assert units.format_count(figures["read_qps"].value) in text        # 116K reads/s
    assert units.format_size(figures["storage_per_day"].value) in text


def test_items_per_day_needs_users(inspector, editor, type_text):
    editor.set_traffic(dau=0)
    field = inspector.plan_page.derived["items_per_day"]
    type_text(field.edit, "10K")
    assert field.has_error() and "active users first" in field.message.text()


def test_the_details_are_collapsed_until_asked_for(inspector):
    page = inspector.plan_page
    assert not page.traffic["request_size"].isVisibleTo(inspector)
    page.details.header.click()
    assert page.traffic["request_size"].isVisibleTo(inspector)


# ------------------------------------------------------------------------------------ kind picker
def test_kind_picker_is_grouped_like_the_palette(inspector):
    inspector.show_selection(["redis"])
    picker = inspector.component_page.kind
    model = picker.combo.model()
    headers = [model.item(r).text() for r in range(model.rowCount()) if not model.item(r).isSelectable()]
    assert headers == [title.upper() for _c, title in CATEGORIES]
    assert picker.combo.currentText() == "Redis cache" or "Redis" in picker.combo.currentText()


def test_kind_picker_searches_and_applies_one_undo_step(inspector, editor, qtbot):
    inspector.show_selection(["redis"])
    picker = inspector.component_page.kind
    assert picker.search("memcach") == ["cache.memcached"]
    assert "db.postgres" in picker.search("postgres") and "db.postgres_replica" in picker.search("postgres")
    assert "messaging" not in picker.search("queue")   # kinds, never a heading
    steps = editor.undo_stack.count()
    line = picker.combo.lineEdit()
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "memcach")
    popup = picker.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    first = popup.model().index(0, 0)
    picker.completer.activated[type(first)].emit(first)
    assert editor.plan.component("redis").kind == "cache.memcached"
    assert editor.undo_stack.count() == steps + 1


def test_choosing_a_heading_changes_nothing(inspector, editor):
    inspector.show_selection(["redis"])
    picker = inspector.component_page.kind
    picker.combo.activated.emit(0)   # the first row is the EDGE heading
    assert editor.plan.component("redis").kind == "cache.redis"
    assert picker.combo.currentData(Qt.ItemDataRole.UserRole) == "cache.redis"


# ------------------------------------------------------------------------------------ scrolling
def test_the_component_page_keeps_its_scroll_position_while_values_change(inspector, editor, type_text):
    inspector.show_selection(["python"])
    area = inspector.scroll_area("component")
    bar = area.verticalScrollBar()
    bar.setValue(bar.maximum())
    position = bar.value()
    assert position > 0
    editor.set_component("python", instances=5)
    editor.document.recompute_now()
    editor.set_component("python", notes="a longer note\nover\nseveral\nlines")
    assert bar.value() == position
    inspector.show_selection(["redis"])           # another component of another kind ...
    inspector.show_selection(["python"])          # ... and back: still where the user left it
    assert bar.value() == position


def test_the_summary_reserves_its_lines(inspector, editor):
    """The one-line summary over the fields is given room for three lines, so a longer result text never
    pushes the fields under it down."""
    inspector.show_selection(["python"])
    summary = inspector.component_page.summary
    top = inspector.component_page.name.mapTo(inspector.component_page, inspector.component_page.name.rect()
                                               .topLeft()).y()
    editor.connect("python", "postgres", kind="request")  # a request cycle: a long error text
    editor.connect("postgres", "python", kind="request")
    editor.document.recompute_now()
    inspector.component_page.adjustSize()
    again = inspector.component_page.name.mapTo(inspector.component_page, inspector.component_page.name.rect()
                                                 .topLeft()).y()
    assert summary.minimumHeight() >= 3 * summary.fontMetrics().lineSpacing()
    assert again == top


def test_pages_are_built_when_first_shown(qtbot, editor):
    widget = Inspector(editor)
    qtbot.addWidget(widget)
    assert set(widget._pages) == {"plan"}
    widget.show_selection(["redis"])
    assert set(widget._pages) == {"plan", "component"}


def test_every_page_fits_a_narrow_dock(inspector, editor):
    """On a 1366x768 screen the inspector dock is ~300 px wide: no page may need more (nothing is cut)."""
    inspector.show_selection([editor.plan.components[2].id])
    inspector.show_selection([editor.plan.links[0].id])
    inspector.show_selection([])
    for name in ("plan", "component", "link"):
        assert inspector._page(name).minimumSizeHint().width() <= 320, name
