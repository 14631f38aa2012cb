"""The document: the only mutator of the open plan; recomputes after edits that change a figure."""

from plans import PlanBuilder

from ui.editor import Editor


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
