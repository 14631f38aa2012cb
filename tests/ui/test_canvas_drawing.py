"""Drawing as people expect it from draw.io, yEd and Excalidraw, driven with the mouse and keyboard:
the whole connect handle, re-attaching link ends, bends, right-angle routes, arrow-key nudges, Shift /
Ctrl+click selection, Delete without a question, and the context menus' actions."""

from __future__ import annotations

import itertools

import pytest
from canvas_fixtures import centre, drag, editor, plan, quiet, scene, view, vp
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from archplan.planner.catalog import default_catalog
from archplan.ui.canvas import painting
from archplan.ui.canvas.menus import add_menu_section, context_menu
from archplan.ui.canvas.operations import NUDGE, NUDGE_FAST


def _press_release(view, pos: QPointF, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, vp(view, pos))


_KEPT: list = []   # menus made by the tests stay alive while their actions are used


def _menu_actions(menu) -> dict[str, object]:
    _KEPT.append(menu)
    out = {}
    for action in menu.actions():
        if action.menu() is not None:
            out[action.text()] = action.menu()
        elif not action.isSeparator():
            out[action.text()] = action
    return out


# ------------------------------------------------------------------------------------ connecting
@pytest.mark.parametrize("dx", [-5.0, 0.0, 5.0, 8.0])
def test_the_whole_connect_handle_starts_a_link(editor, scene, view, dx):
    """Both halves of the "+" on the card's right edge take the press, with no hover first."""
    card = scene.component_item("queue")
    handle = card.mapToScene(painting.HANDLE_CENTRE + QPointF(dx, 0))
    assert card.on_handle(handle)
    before = len(editor.plan.links)
    drag(view, handle, centre(editor, "replica"))
    assert len(editor.plan.links) == before + 1
    link = editor.plan.links[-1]
    assert (link.source, link.target) == ("queue", "replica")
    assert scene.selected_link_ids() == [link.id]


def test_shift_drag_from_a_card_connects_and_shift_click_selects(editor, scene, view):
    before = len(editor.plan.links)
    drag(view, centre(editor, "worker"), centre(editor, "replica"), Qt.KeyboardModifier.ShiftModifier)
    assert len(editor.plan.links) == before + 1
    scene.select_ids(["api"])
    _press_release(view, centre(editor, "db"), Qt.KeyboardModifier.ShiftModifier)
    assert scene.selected_component_ids() == ["api", "db"]
    assert len(editor.plan.links) == before + 1          # a click is no connection


def test_ctrl_click_adds_and_takes_out(editor, scene, view):
    scene.select_ids(["api"])
    _press_release(view, centre(editor, "cache"), Qt.KeyboardModifier.ControlModifier)
    assert scene.selected_component_ids() == ["api", "cache"]
    _press_release(view, centre(editor, "api"), Qt.KeyboardModifier.ControlModifier)
    assert scene.selected_component_ids() == ["cache"]
    link = scene.link_item("lb-api")
    _press_release(view, link.midpoint(), Qt.KeyboardModifier.ControlModifier)
    assert scene.selected_link_ids() == ["lb-api"] and scene.selected_component_ids() == ["cache"]


# ------------------------------------------------------------------------------------ link handles
def test_a_selected_link_shows_its_handles(editor, scene, view):
    scene.select_ids(["api-db"])
    handles = scene.link_handles()
    kinds = [h.kind for h in handles.handles()]
    assert kinds[:2] == ["source", "target"] and "insert" in kinds
    scene.select_ids(["api-db", "lb-api"])
    assert scene.link_handles() is None


def test_dragging_an_end_reattaches_the_link(editor, scene, view):
    scene.select_ids(["api-db"])
    tip = scene.link_item("api-db").points[-1]
    drag(view, tip, centre(editor, "replica"))
    link = editor.plan.link("api-db")
    assert (link.source, link.target) == ("api", "replica")
    editor.undo_stack.undo()
    assert editor.plan.link("api-db").target == "db"
    scene.select_ids(["api-db"])
    start = scene.link_item("api-db").points[0]
    drag(view, start, centre(editor, "worker"))
    assert editor.plan.link("api-db").source == "worker"


def test_reattaching_onto_an_existing_link_is_refused_with_a_message(editor, scene, view, qtbot):
    scene.select_ids(["api-db"])
    tip = scene.link_item("api-db").points[-1]
    with qtbot.waitSignal(scene.message) as blocker:
        drag(view, tip, centre(editor, "cache"))          # api -> cache exists already
    assert "already linked" in blocker.args[0]
    assert editor.plan.link("api-db").target == "db"


def test_dragging_a_links_middle_bends_it_one_undo_step_and_computes_nothing(editor, scene, view):
    editor.document.recompute_now()
    result = editor.document.result
    item = scene.link_item("api-queue")
    middle = item.midpoint()
    steps = editor.undo_stack.count()
    bend = middle + QPointF(-120, 60)
    drag(view, middle, bend)
    link = editor.plan.link("api-queue")
    assert len(link.waypoints) == 1
    assert abs(link.waypoints[0].x - bend.x()) < 2 and abs(link.waypoints[0].y - bend.y()) < 2
    assert editor.undo_stack.count() == steps + 1
    assert editor.document.result is result and not editor.document._timer.isActive()   # no figure changed
    points = scene.link_item("api-queue").points
    assert any(abs(p.x() - bend.x()) < 2 and abs(p.y() - bend.y()) < 2 for p in points)  # drawn through it
    # a second bend, added on the other stretch, goes in the right place of the list
    scene.select_ids(["api-queue"])
    inserts = [h for h in scene.link_handles().handles() if h.kind == "insert"]
    drag(view, inserts[-1].pos, inserts[-1].pos + QPointF(40, 40))
    assert len(editor.plan.link("api-queue").waypoints) == 2
    # double-click a bend: it goes
    scene.select_ids(["api-queue"])
    first = next(h for h in scene.link_handles().handles() if h.kind == "bend")
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, vp(view, first.pos))
    assert len(editor.plan.link("api-queue").waypoints) == 1
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert editor.plan.link("api-queue").waypoints == []


def test_right_angle_route_draws_horizontal_and_vertical_segments(editor, scene, view):
    scene.select_ids(["api-cache"])
    menu = context_menu(scene, scene.link_item("api-cache").midpoint())
    _menu_actions(_menu_actions(menu)["Route"])["Right angles"].trigger()
    assert editor.plan.link("api-cache").route == "orthogonal"
    points = scene.link_item("api-cache").points
    assert len(points) >= 3
    for a, b in itertools.pairwise(points):
        assert abs(a.x() - b.x()) < 1e-6 or abs(a.y() - b.y()) < 1e-6
    editor.undo_stack.undo()
    assert len(scene.link_item("api-cache").points) == 2


# ------------------------------------------------------------------------------------ keyboard
def test_arrow_keys_nudge_the_selection_and_shift_goes_ten_times_further(editor, scene, view):
    scene.select_ids(["api", "cache"])
    view.setFocus()
    x, y = editor.plan.component("api").position.x, editor.plan.component("api").position.y
    steps = editor.undo_stack.count()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Right)
    QTest.keyClick(view.viewport(), Qt.Key.Key_Right)
    QTest.keyClick(view.viewport(), Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    api = editor.plan.component("api").position
    assert (api.x, api.y) == (x + 2 * NUDGE, y + NUDGE_FAST)
    assert editor.plan.component("cache").position.x == 860 + 2 * NUDGE
    assert editor.undo_stack.count() == steps + 1          # one burst of nudges, one undo step
    assert scene.link_item("lb-api").line.p2().x() > 0      # the links followed
    editor.undo_stack.undo()
    assert (editor.plan.component("api").position.x, editor.plan.component("api").position.y) == (x, y)


def test_arrow_keys_without_a_selection_scroll_the_view(editor, scene, view):
    scene.select_ids([])
    view.setFocus()
    before = view.horizontalScrollBar().value()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Right)
    assert editor.undo_stack.count() == 0
    assert view.horizontalScrollBar().value() >= before


def test_delete_asks_nothing_and_undo_brings_everything_back(editor, scene, view):
    before = editor.plan.model_dump()
    scene.select_ids(["api", "db-replica"])
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Delete)
    assert "api" not in {c.id for c in editor.plan.components}
    assert not any("api" in (lk.source, lk.target) for lk in editor.plan.links)
    editor.undo_stack.undo()
    assert editor.plan.model_dump() == before


# ------------------------------------------------------------------------------------ context menus
def test_card_menu_offers_what_fits_a_card(editor, scene):
    actions = _menu_actions(context_menu(scene, centre(editor, "db")))
    assert {"Show figures", "Duplicate", "Group", "Replace kind", "Add cache in front", "Add read replica",
            "Bring to zone", "Delete"} <= set(actions)
    actions = _menu_actions(context_menu(scene, centre(editor, "api")))
    assert "Add read replica" not in actions        # only a SQL primary has replicas


def test_replace_kind_from_the_grouped_menu(editor, scene):
    replace = _menu_actions(context_menu(scene, centre(editor, "cache")))["Replace kind"]
    data = _menu_actions(replace)["Data"]
    _menu_actions(data)[default_catalog()["cache.memcached"].label].trigger()
    assert editor.plan.component("cache").kind == "cache.memcached"
    editor.undo_stack.undo()
    assert editor.plan.component("cache").kind == "cache.redis"


def test_add_cache_in_front_takes_the_callers_requests(editor, scene):
    incoming = [lk.id for lk in editor.plan.links if lk.target == "db" and lk.kind == "request"]
    assert incoming
    _menu_actions(context_menu(scene, centre(editor, "db")))["Add cache in front"].trigger()
    new = scene.selected_component_ids()[0]
    assert editor.plan.component(new).kind == "cache.redis"
    assert editor.plan.component(new).group == "vpc"                      # beside what it fronts
    assert all(editor.plan.link(lid).target == new for lid in incoming)   # the callers now ask the cache
    assert any(lk.source == new and lk.target == "db" for lk in editor.plan.links)
    editor.document.recompute_now()
    assert editor.document.result is not None
    after = editor.plan.model_dump()
    editor.undo_stack.undo()                              # one step
    assert new not in {c.id for c in editor.plan.components}
    assert all(editor.plan.link(lid).target == "db" for lid in incoming)
    editor.undo_stack.redo()
    assert editor.plan.model_dump() == after


def test_add_read_replica_moves_the_reads_and_computes(editor, scene):
    editor.set_component("db", instances=1)
    editor.document.recompute_now()
    reads_before = editor.document.result.components["db"].reads_peak
    _menu_actions(context_menu(scene, centre(editor, "db")))["Add read replica"].trigger()
    replica = scene.selected_component_ids()[0]
    assert editor.plan.component(replica).kind == "db.postgres_replica"
    assert any(lk.source == "db" and lk.target == replica and lk.kind == "replication" for lk in editor.plan.links)
    editor.document.recompute_now()
    assert editor.document.result.components["db"].reads_peak <= reads_before
    editor.undo_stack.undo()
    assert replica not in {c.id for c in editor.plan.components}


def test_bring_to_zone(editor, scene):
    scene.select_ids(["api"])
    zones = _menu_actions(context_menu(scene, centre(editor, "api")))["Bring to zone"]
    _menu_actions(zones)["Data tier"].trigger()
    assert editor.plan.component("api").group == "vpc"
    assert scene.group_item("vpc").rect().contains(scene.component_item("api").card_rect())


def test_link_menu_reverses_and_sets_the_share(editor, scene):
    link = scene.link_item("api-queue")
    actions = _menu_actions(context_menu(scene, link.midpoint()))
    assert {"Reverse direction", "Set share…", "Route", "Remove bends", "Delete"} <= set(actions)
    actions["Reverse direction"].trigger()
    assert (editor.plan.link("api-queue").source, editor.plan.link("api-queue").target) == ("queue", "api")
    scene.ask_text = lambda title, label, default: "25 %"
    _menu_actions(context_menu(scene, scene.link_item("web-lb").midpoint()))["Set share…"].trigger()
    assert editor.plan.link("web-lb").share == pytest.approx(0.25)
    scene.ask_text = lambda title, label, default: "auto"
    _menu_actions(context_menu(scene, scene.link_item("web-lb").midpoint()))["Set share…"].trigger()
    assert editor.plan.link("web-lb").share is None


def test_canvas_menu_pastes_here_lays_out_and_fits(editor, scene, view):
    scene.select_ids(["worker"])
    scene.copy_selection()
    empty = QPointF(1400, 700)
    actions = _menu_actions(context_menu(scene, empty))
    assert {"Paste here", "Auto layout", "Fit to window"} <= set(actions)
    actions["Paste here"].trigger()
    pasted = scene.selected_component_ids()[0]
    position = editor.plan.component(pasted).position
    assert abs(position.x - empty.x()) <= 20 and abs(position.y - empty.y()) <= 20
    view.set_zoom(3.0)
    _menu_actions(context_menu(scene, QPointF(-500, -500)))["Fit to window"].trigger()
    assert view.zoom() < 3.0


def test_other_features_add_entries_in_a_named_section(editor, scene):
    """The failure-injection feature (Simulate) will add "Fail" here; the hook is the menu section."""
    failed = []

    def fail_section(menu, context):
        if context.kind == "card":
            menu.addAction("Fail", lambda: failed.append(context.item_id))

    remove = add_menu_section("fail", fail_section)
    try:
        actions = _menu_actions(context_menu(scene, centre(editor, "db")))
        actions["Fail"].trigger()
        assert failed == ["db"]
        assert "Fail" not in _menu_actions(context_menu(scene, scene.link_item("api-db").midpoint()))
    finally:
        remove()
    assert "Fail" not in _menu_actions(context_menu(scene, centre(editor, "db")))
    with pytest.raises(ValueError, match="unknown menu section"):
        add_menu_section("nowhere", fail_section)


# ------------------------------------------------------------------------------------ paste
def test_paste_never_lands_on_the_originals(editor, scene):
    scene.select_ids(["api", "db"])
    scene.copy_selection()
    taken = {(c.position.x, c.position.y) for c in editor.plan.components}
    first = scene.paste(centre(editor, "api") + (centre(editor, "db") - centre(editor, "api")) / 2)
    for cid in first:
        position = editor.plan.component(cid).position
        assert (position.x, position.y) not in taken
    second = scene.paste()
    places = {(editor.plan.component(c).position.x, editor.plan.component(c).position.y) for c in first + second}
    assert len(places) == 4
