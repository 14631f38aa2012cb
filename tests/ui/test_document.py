"""The document: the only mutator of the open plan; recomputes after edits that change a figure."""

from plans import PlanBuilder

from archplan.ui.editor import Editor


def make_editor():
    plan = (PlanBuilder().add("web", "client.web").add("svc", "service.go").link("web", "svc").plan)
    return Editor(plan, debounce_ms=5)


def test_edits_that_change_figures_recompute(qtbot):
    editor = make_editor()
    before = editor.document.result
    with qtbot.waitSignal(editor.document.result_changed, timeout=2_000):
        editor.set_component("svc", instances=7)
    assert editor.document.result is not before
    assert editor.document.result["svc"].count == 7
    editor.undo_stack.setClean()


def test_moving_cards_does_not_recompute(qtbot):
    editor = make_editor()
    before = editor.document.result
    with qtbot.assertNotEmitted(editor.document.result_changed, wait=100):
        editor.set_positions({"svc": (500.0, 300.0)})
        editor.set_component("svc", notes="moved for readability")
    assert editor.document.result is before
    assert editor.plan.component("svc").position.x == 500
    editor.undo_stack.setClean()


def test_what_if_multiplier_recomputes_without_touching_the_plan(qtbot):
    editor = make_editor()
    dump = editor.plan.model_dump()
    with qtbot.waitSignal(editor.document.result_changed, timeout=2_000):
        editor.document.set_multiplier(10)
    assert editor.document.result["svc"].reads_avg == 10_000
    assert editor.plan.model_dump() == dump and not editor.is_modified()


def test_quick_edits_of_one_field_merge_but_later_ones_do_not(qtbot, monkeypatch):
    import archplan.ui.commands as commands

    clock = [100.0]
    monkeypatch.setattr(commands.time, "monotonic", lambda: clock[0])
    editor = make_editor()
    for value in (1_000, 2_000, 3_000):  # typing / spinning: one step
        editor.set_traffic(dau=value)
        clock[0] += 0.5
    assert editor.undo_stack.count() == 1
    clock[0] += 10
    editor.set_traffic(dau=4_000)  # the same field, much later: a new step
    assert editor.undo_stack.count() == 2
    editor.undo_stack.undo()
    assert editor.plan.traffic.dau == 3_000
    editor.undo_stack.undo()
    assert editor.plan.traffic.dau == 8_640_000
    editor.undo_stack.setClean()


def test_edits_that_change_no_figure_recompute_nothing(qtbot):
    """Names, notes, positions, link bends, routes and labels, plan notes: nothing to recompute."""
    editor = make_editor()
    before = editor.document.result
    link = editor.plan.links[0].id
    with qtbot.assertNotEmitted(editor.document.result_changed, wait=100):
        editor.set_component("svc", name="Renamed")
        editor.set_component("svc", notes="a note")
        editor.set_positions({"svc": (40.0, 60.0)})
        editor.set_bends(link, [(10.0, 20.0)])
        editor.set_links_route([link], "orthogonal")
        editor.set_link(link, label="HTTPS")
        editor.set_plan_info(notes="# Notes", name="Renamed plan", description="what it does")
        editor.undo_stack.undo()
        editor.undo_stack.redo()
    assert editor.document.result is before
    with qtbot.waitSignal(editor.document.result_changed, timeout=2_000):
        editor.set_link(link, share=0.5)           # a figure changes: computed again
    assert editor.document.result is not before
    editor.undo_stack.setClean()
