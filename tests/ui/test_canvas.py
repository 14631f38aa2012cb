"""The canvas driven like a user would: drops, drags, clicks and keys on the real scene and view.

Fixture chain: plan -> editor -> scene -> view (each test asks for the lowest layer it needs).
"""

from __future__ import annotations

import pytest
from canvas_fixtures import (
    centre,
    drag,
    editor,
    pair_editor,
    pair_view,
    plan,
    quiet,
    scene,
    view,
    vp,
)
from canvas_plans import layered_plan
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from archplan.planner import units
from archplan.planner.model import Component, Plan, Position
from archplan.ui.canvas import CanvasScene
from archplan.ui.canvas.layout import overlapping
from archplan.ui.canvas.menus import context_menu
from archplan.ui.canvas.style import CARD_H, CARD_W, GRID
from archplan.ui.editor import Editor


# ------------------------------------------------------------------------------------------ mirroring
def test_scene_mirrors_the_plan(editor, scene):
    plan = editor.plan
    assert {i.component_id for i in scene.component_items()} == {c.id for c in plan.components}
    assert {i.link_id for i in scene.link_items()} == {lk.id for lk in plan.links}
    assert {i.group_id for i in scene.group_items()} == {g.id for g in plan.groups}
    for c in plan.components:
        assert scene.component_item(c.id).pos() == QPointF(c.position.x, c.position.y)


def test_group_frame_encloses_members_and_follows_them(editor, scene):
    frame = scene.group_item("vpc").rect()
    for cid in ("cache", "db", "replica"):
        assert frame.contains(scene.component_item(cid).card_rect())
    assert not frame.contains(scene.component_item("api").card_rect())
    editor.move({"db": (860.0, 300.0)}, {"db": (860.0, 700.0)})
    assert scene.group_item("vpc").rect().contains(scene.component_item("db").card_rect())
    assert scene.group_item("vpc").rect().bottom() > frame.bottom() + 300


def test_links_follow_a_moved_card(editor, scene):
    before = scene.link_item("lb-api").line
    editor.move({"api": (560.0, 220.0)}, {"api": (560.0, 600.0)})
    after = scene.link_item("lb-api").line
    assert after is not None and after != before
    assert scene.component_item("api").card_rect().adjusted(-4, -4, 4, 4).contains(after.p2())


def test_plan_reset_rebuilds_items(editor, scene):
    old_item = scene.component_item("api")
    other = layered_plan(12)
    editor.load(other)
    assert scene.component_item("api") is None and old_item not in scene.items()
    assert {i.component_id for i in scene.component_items()} == {c.id for c in other.components}
    assert len(scene.link_items()) == len(other.links)


def test_detach_stops_following(editor, scene):
    scene.detach()
    editor.add_component("cache.redis", 0, 0)
    assert len(scene.component_items()) == len(editor.plan.components) - 1


# ------------------------------------------------------------------------------------------ drop / connect
def test_shift_drag_between_cards_connects_them(pair_editor, pair_view):
    drag(pair_view, QPointF(0, 0), QPointF(400, 200), Qt.KeyboardModifier.ShiftModifier)
    links = pair_editor.plan.links
    assert [(lk.source, lk.target) for lk in links] == [("svc", "kv")]
    assert pair_view.canvas.link_item(links[0].id) is not None
    assert pair_editor.undo_stack.count() == 1
    assert pair_editor.plan.component("svc").position == Position(x=0, y=0)  # the card did not move


def test_dragging_from_the_handle_connects(pair_editor, pair_view):
    handle = QPointF(CARD_W / 2 - 2, 0)
    drag(pair_view, handle, QPointF(400, 200))
    assert [(lk.source, lk.target) for lk in pair_editor.plan.links] == [("svc", "kv")]


def test_connecting_to_nothing_or_twice_adds_nothing(pair_editor, pair_view, qtbot):
    drag(pair_view, QPointF(0, 0), QPointF(150, 400), Qt.KeyboardModifier.ShiftModifier)
    assert pair_editor.plan.links == []
    assert not [i for i in pair_view.scene().items() if i.zValue() >= 1000]  # feedback line removed
    drag(pair_view, QPointF(0, 0), QPointF(400, 200), Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(pair_view.canvas.message) as blocker:
        drag(pair_view, QPointF(0, 0), QPointF(400, 200), Qt.KeyboardModifier.ShiftModifier)
    assert len(pair_editor.plan.links) == 1
    assert "already linked" in blocker.args[0]


# ------------------------------------------------------------------------------------------ move
def test_dragging_a_card_is_one_undo_step(editor, scene, view):
    start = centre(editor, "api")
    count = editor.undo_stack.count()
    drag(view, start, start + QPointF(130, 90), steps=10)
    assert editor.undo_stack.count() == count + 1
    moved = centre(editor, "api")
    assert moved != start and scene.component_item("api").pos() == moved
    editor.undo_stack.undo()
    assert centre(editor, "api") == start
    assert scene.component_item("api").pos() == start


def test_dragging_moves_the_whole_selection_and_snaps(editor, scene, view):
    scene.set_snap_to_grid(True)
    scene.select_ids(["api", "queue"])
    before = {cid: centre(editor, cid) for cid in ("api", "queue")}
    drag(view, before["api"], before["api"] + QPointF(97, 61))
    after = {cid: centre(editor, cid) for cid in ("api", "queue")}
    assert after["api"].x() % GRID == 0 and after["api"].y() % GRID == 0
    assert after["queue"] - before["queue"] == after["api"] - before["api"]
    assert editor.undo_stack.undoText() == "Move"


def test_a_click_without_motion_records_nothing(editor, scene, view):
    count = editor.undo_stack.count()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     vp(view, centre(editor, "db")))
    assert editor.undo_stack.count() == count
    assert scene.selected_component_ids() == ["db"]


def test_rubber_band_on_background_selects(editor, scene, view):
    # from above-left of the two clients to below them: only the clients (and nothing else) inside
    drag(view, QPointF(-130, 60), QPointF(120, 390))
    assert scene.selected_component_ids() == ["web", "mobile"]


# ------------------------------------------------------------------------------------- delete / clipboard
def test_delete_and_undo_restore_components_and_links_in_order(editor, scene, view):
    before = editor.plan.model_dump()
    scene.select_ids(["api", "cache", "lb-api"])
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Delete)
    plan = editor.plan
    assert {"api", "cache"}.isdisjoint(c.id for c in plan.components)
    assert not [lk for lk in plan.links if {lk.source, lk.target} & {"api", "cache"}]
    assert scene.component_item("api") is None and scene.link_item("api-db") is None
    editor.undo_stack.undo()
    assert editor.plan.model_dump() == before
    assert scene.link_item("api-db") is not None and scene.component_item("cache") is not None


def test_copy_paste_creates_new_ids_and_the_links_among_them(editor, scene):
    scene.select_ids(["api", "queue", "worker"])
    assert scene.copy_selection()
    before = {c.id for c in editor.plan.components}
    new_ids = scene.paste()
    assert len(new_ids) == 3 and before.isdisjoint(new_ids)
    new_links = [lk for lk in editor.plan.links if lk.source in new_ids or lk.target in new_ids]
    assert sorted((lk.source, lk.target) for lk in new_links) == sorted(
        [(new_ids[0], new_ids[1]), (new_ids[1], new_ids[2])])
    assert set(scene.selected_component_ids()) == set(new_ids)
    assert centre(editor, new_ids[0]) == centre(editor, "api") + QPointF(40, 40)
    again = scene.paste()
    assert centre(editor, again[0]) == centre(editor, "api") + QPointF(80, 80)


def test_paste_at_a_point_centres_there(editor, scene):
    scene.select_ids(["db"])
    scene.copy_selection()
    (new,) = scene.paste(QPointF(-500, -500))
    assert centre(editor, new) == QPointF(-500, -500)


def test_paste_without_archplan_data_says_so(editor, scene, qtbot):
    from PySide6.QtWidgets import QApplication

    QApplication.clipboard().setText("hello")
    before = editor.plan.model_dump()
    with qtbot.waitSignal(scene.message):
        assert scene.paste() == []
    assert editor.plan.model_dump() == before


def test_cut_and_duplicate(editor, scene):
    scene.select_ids(["worker"])
    dup = scene.duplicate_selection()
    assert len(dup) == 1 and editor.plan.component(dup[0]).kind == "compute.worker"
    scene.select_ids(["worker"])
    scene.cut_selection()
    assert "worker" not in {c.id for c in editor.plan.components}
    (pasted,) = scene.paste()
    assert editor.plan.component(pasted).name == "Fulfilment worker"


# ------------------------------------------------------------------------------------------ arrange
@pytest.fixture
def twenty(qapp) -> Editor:
    editor = Editor(layered_plan(20))
    yield editor
    quiet(editor)


@pytest.mark.parametrize("mode", ["left", "right", "top", "bottom", "hcenter", "vcenter", "hdistribute",
                                  "vdistribute"])
def test_align_is_one_undo_step_without_overlaps(twenty, mode):
    scene = CanvasScene(twenty)
    scene.select_ids([c.id for c in twenty.plan.components])
    before = twenty.plan.model_dump()
    count = twenty.undo_stack.count()
    scene.align(mode)
    assert twenty.undo_stack.count() == count + 1
    positions = {c.id: (c.position.x, c.position.y) for c in twenty.plan.components}
    assert overlapping(positions, (CARD_W, CARD_H)) == []
    axis_values = {"left": {x for x, _ in positions.values()}, "top": {y for _, y in positions.values()}}
    if mode in axis_values:
        assert len(axis_values[mode]) == 1
    twenty.undo_stack.undo()
    assert twenty.plan.model_dump() == before
    scene.detach()


def test_auto_layout_is_one_step_left_to_right_without_overlaps(twenty):
    scene = CanvasScene(twenty)
    plan = twenty.plan
    for c in plan.components:  # pile everything up first
        twenty.set_positions({c.id: (0.0, 0.0)})
    count = twenty.undo_stack.count()
    scene.auto_layout()
    assert twenty.undo_stack.count() == count + 1
    positions = {c.id: (c.position.x, c.position.y) for c in plan.components}
    assert overlapping(positions, (CARD_W, CARD_H)) == []
    assert all(positions[lk.source][0] < positions[lk.target][0] for lk in plan.links)
    assert {i.component_id: (i.x(), i.y()) for i in scene.component_items()} == positions
    scene.detach()


def test_group_selection_makes_one_group_around_the_cards(editor, scene):
    scene.select_ids(["lb", "api"])
    gid = scene.group_selection("Edge", "tier")
    assert editor.plan.group(gid).name == "Edge"
    assert {c.id for c in editor.plan.components if c.group == gid} == {"lb", "api"}
    frame = scene.group_item(gid).rect()
    assert frame.contains(scene.component_item("lb").card_rect())
    assert scene.selected_group_ids() == [gid]
    editor.undo_stack.undo()
    assert scene.group_item(gid) is None


# ------------------------------------------------------------------------------------------ badges
def test_badges_follow_instances_and_traffic(editor, scene):
    api = scene.component_item("api")
    result = editor.document.result
    assert api.badge.qps_text == units.format_qps(result.components["api"].qps_peak)
    assert api.badge.count_text == "x3" and api.badge.need_text.startswith("need")
    editor.set_component("api", instances=12)
    editor.document.recompute_now()
    assert api.badge.count_text == "x12" and api.badge.need_text == ""
    assert api.badge.level == "ok"
    old_qps = api.badge.qps_text
    editor.set_traffic(dau=20_000_000)
    editor.document.recompute_now()
    new = editor.document.result.components["api"]
    assert api.badge.qps_text == units.format_qps(new.qps_peak) != old_qps
    assert api.badge.level == "over" and "need" in api.badge_text


def test_bottleneck_and_spof_are_marked(editor, scene):
    result = editor.document.result
    assert result.bottleneck is not None
    marked = [i.component_id for i in scene.component_items() if i.is_bottleneck]
    assert marked == [result.bottleneck]
    assert {i.component_id for i in scene.component_items() if i.is_spof} == set(result.spofs)
    editor.set_component(result.bottleneck, instances=50)  # plenty: another component becomes the bottleneck
    editor.document.recompute_now()
    new = editor.document.result.bottleneck
    assert new is not None and new != result.bottleneck
    assert [i.component_id for i in scene.component_items() if i.is_bottleneck] == [new]


def test_tooltip_shows_key_figures(editor, scene):
    text = scene.tooltip_at(centre(editor, "cache"))
    r = editor.document.result.components["cache"]
    assert "Session cache" in text and units.format_qps(r.qps_peak) in text
    assert "Web app" in scene.tooltip_at(scene.link_item("web-lb").line.center())


def test_uncomputable_plan_shows_empty_badges(qapp):
    plan = Plan(components=[
        Component(id="a", kind="service.go", name="A"), Component(id="b", kind="service.go", name="B",
                                                                   position=Position(x=300, y=0))])
    editor = Editor(plan)
    scene = CanvasScene(editor)
    editor.connect("a", "b")
    editor.connect("b", "a")   # a request cycle: compute refuses it
    editor.document.recompute_now()
    assert editor.document.result is None
    assert all(i.badge.qps_text == "–" for i in scene.component_items())
    scene.detach()
    quiet(editor)


# ------------------------------------------------------------------------------------------ gestures on items
def test_double_click_and_context_menu_activate_a_component(editor, scene, view, qtbot):
    with qtbot.waitSignal(scene.component_activated) as blocker:
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                          vp(view, centre(editor, "db")))
    assert blocker.args == ["db"]
    menu = context_menu(scene, centre(editor, "cache"))
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert {"Show figures", "Duplicate", "Group", "Delete"} <= set(actions)
    assert scene.selected_component_ids() == ["cache"]
    with qtbot.waitSignal(scene.component_activated) as blocker:
        actions["Show figures"].trigger()
    assert blocker.args == ["cache"]
    actions["Delete"].trigger()
    assert "cache" not in {c.id for c in editor.plan.components}


def test_selection_signal_and_ids(editor, scene, qtbot):
    with qtbot.waitSignal(scene.selection_ids_changed):
        scene.select_ids(["api", "lb-api", "vpc", "nope"])
    assert scene.selected_component_ids() == ["api"]
    assert scene.selected_link_ids() == ["lb-api"]
    assert scene.selected_group_ids() == ["vpc"]


def test_dragging_onto_a_group_links_to_the_group(editor, scene, view):
    # (1140, 300) is inside the "Data tier" frame but on none of its cards
    assert scene.group_item("vpc").rect().contains(QPointF(1140, 300))
    drag(view, centre(editor, "worker"), QPointF(1140, 300), Qt.KeyboardModifier.ShiftModifier)
    (link,) = [lk for lk in editor.plan.links if lk.source == "worker"]
    assert link.target == "vpc"
    line = scene.link_item(link.id).line
    frame = scene.group_item("vpc").rect()
    assert frame.adjusted(-5, -5, 5, 5).contains(line.p2())
    assert not frame.adjusted(5, 5, -5, -5).contains(line.p2())


def test_opposite_links_are_drawn_apart(pair_editor, pair_view):
    scene = pair_view.canvas
    there = pair_editor.connect("svc", "kv", kind="async")
    back = pair_editor.connect("kv", "svc", kind="async")
    a, b = scene.link_item(there).line, scene.link_item(back).line
    assert a.center() != b.center()
    pair_editor.undo_stack.undo()
    assert scene.link_item(there).line.center() != a.center()  # back on the centre line alone


def test_undo_of_a_move_moves_links_and_frames_back(editor, scene):
    line, frame = scene.link_item("api-db").line, scene.group_item("vpc").rect()
    editor.move({"db": (860.0, 300.0)}, {"db": (1500.0, 900.0)})
    editor.undo_stack.undo()
    assert scene.link_item("api-db").line == line and scene.group_item("vpc").rect() == frame


def test_spof_marker_has_its_own_tooltip(editor, scene):
    item = scene.component_item("db")
    assert item.is_spof
    from archplan.ui.canvas.painting import SPOF_RECT
    marker = item.mapToScene(SPOF_RECT.center())
    assert scene.tooltip_at(marker).startswith("Single point of failure")


def test_the_installed_qt_binding_does_not_leak_none():
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call (setPen, update, ...)
    and the interpreter aborts after a few frames ("Fatal Python error: none_dealloc"). pyproject.toml
    excludes that release; this catches any other binding with the same fault."""
    import sys

    from PySide6.QtCore import QPointF

    probe, before = QPointF(), sys.getrefcount(None)
    for _ in range(1_000):
        probe.setX(1.0)
    assert sys.getrefcount(None) - before > -10, "this PySide6 release leaks references to None"


def test_dragging_a_group_title_moves_its_members_in_one_step(editor, scene, view):
    frame = scene.group_item("vpc").rect()
    title = QPointF(frame.left() + 120, frame.top() + 10)
    before = {cid: centre(editor, cid) for cid in ("cache", "db", "replica", "api")}
    count = editor.undo_stack.count()
    drag(view, title, title + QPointF(0, 200))
    assert scene.selected_group_ids() == ["vpc"]
    assert editor.undo_stack.count() == count + 1
    delta = centre(editor, "cache") - before["cache"]
    assert (delta.x(), delta.y()) == pytest.approx((0, 200), abs=2)  # view pixels -> scene units
    assert all(centre(editor, cid) - before[cid] == delta for cid in ("db", "replica"))
    assert centre(editor, "api") == before["api"]
    assert scene.group_item("vpc").rect() == frame.translated(delta)


def test_bottleneck_mark_is_red_only_past_its_ceiling():
    from archplan.ui.canvas import style

    assert style.bottleneck_colour("over") == style.BOTTLENECK
    assert style.bottleneck_colour("warn") == style.UTIL_WARN
    assert style.bottleneck_colour("ok") == style.BOTTLENECK_CALM != style.BOTTLENECK
