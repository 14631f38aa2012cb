"""The canvas repaints only what changed, and what it shows is still what the plan says.

A new result refreshes only the badges whose figures changed: these tests change figures and names and
check every badge against one made afresh from the result.
"""

from __future__ import annotations

from canvas_fixtures import editor, plan, scene  # noqa: F401 - fixtures are found by name

from ui.canvas.badges import badge_for


# ------------------------------------------------------------------------------------------ badges
def test_a_new_result_reformats_only_the_badges_whose_figures_changed(editor, scene):
    items = {item.component_id: item for item in scene.component_items()}
    before = {cid: item.badge for cid, item in items.items()}
    editor.document.recompute_now()          # a new result with the same figures
    assert all(items[cid].badge is badge for cid, badge in before.items())
    editor.set_component("worker", instances=7)
    editor.document.recompute_now()
    assert items["worker"].badge.count_text == "x7"
    assert items["worker"].badge == badge_for(items["worker"].component, items["worker"].kind,
                                              editor.document.result)
    unchanged = [cid for cid in items if cid != "worker" and items[cid].badge is before[cid]]
    assert unchanged, "cards whose figures did not change keep their badge"
    for item in items.values():             # and every badge is what the new result says
        assert item.badge == badge_for(item.component, item.kind, editor.document.result)


def test_a_badge_set_directly_is_replaced_by_the_next_result(editor, scene):
    item = scene.component_item("api")
    shown = item.badge
    item.set_badge(badge_for(item.component, item.kind, None))
    assert item.badge_text == "–"
    editor.document.recompute_now()          # same figures as before the direct set
    assert item.badge == shown


def test_spof_names_follow_a_rename_of_what_is_cut_off(editor, scene):
    editor.set_component("lb", instances=1)   # one load balancer in front of the API and the data tier
    editor.document.recompute_now()
    assert "Shop API" in scene.component_item("lb").badge.spof
    editor.set_component("api", name="Checkout API")
    editor.document.recompute_now()
    spof = scene.component_item("lb").badge.spof
    assert "Checkout API" in spof and "Shop API" not in spof
