"""Practice mode in the GUI (ui/practice.py): the timer driven by an injected clock (warn at 100 % of a step's
budget, overrun at 150 %, pauses left out), the estimate -> reveal flow with the work shown, hints, seeding the
traffic (one undo step), the score view and the debrief export. Expected figures come from planner.practice."""

from __future__ import annotations

import pytest
from practice_designs import good_twitter
from pypdf import PdfReader

from archplan.planner.practice import steps as st
from archplan.planner.practice.estimation import fmt, reference_figures
from archplan.planner.practice.prompts import load_prompt
from archplan.ui.editor import Editor
from archplan.ui.practice import STATE_COLOUR, PracticeWindow

TWITTER = load_prompt("twitter")


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def twitter_editor(qapp):
    editor = Editor(good_twitter(), debounce_ms=0)
    yield editor
    editor.undo_stack.setClean()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def window(qtbot, twitter_editor, clock, tmp_path):
    w = PracticeWindow(twitter_editor, clock=clock, ask_save_path=lambda _s: str(tmp_path / "debrief.pdf"))
    qtbot.addWidget(w)
    w.prompt_box.setCurrentIndex(w.prompt_box.findData("twitter"))
    w.level_box.setCurrentText("senior")
    w.start()
    yield w
    w.timer.stop()


def to_step(window, step_id):
    while window.current_step != step_id:
        window.next_step()


def test_start_records_the_run_in_the_plan_as_an_undo_step(window, twitter_editor):
    run = twitter_editor.plan.practice
    assert run.prompt == "twitter" and run.level == "senior"
    assert [(e.event, e.step) for e in run.timeline] == [("start", None), ("step", "read")]
    assert window.current_step == "read" and window.timer.isActive()
    assert TWITTER.givens[0].text in window.givens.toPlainText()
    twitter_editor.undo_stack.undo()
    assert twitter_editor.plan.practice is None


def test_timer_warns_at_the_budget_and_records_the_overrun(window, clock):
    to_step(window, "requirements")
    budget = st.budget_s("senior", "requirements")
    clock.advance(budget - 1)
    window.tick()
    assert window.timer_label.property("state") == "ok" and st.fmt_minutes(budget - 1) in window.timer_label.text()
    clock.advance(2)
    window.tick()
    assert window.timer_label.property("state") == "warn" and "time is up" in window.timer_label.text()
    assert STATE_COLOUR["warn"] in window.timer_label.styleSheet()
    clock.advance(budget * 0.5)
    window.tick()
    assert window.timer_label.property("state") == "over"
    window.next_step()
    assert [t.step for t in st.overruns(window.run)] == ["requirements"]


def test_the_qtimer_ticks_the_label(qtbot, twitter_editor, clock):
    w = PracticeWindow(twitter_editor, clock=clock, tick_ms=5)
    qtbot.addWidget(w)
    w.start()
    clock.advance(61)
    qtbot.waitUntil(lambda: "1:01" in w.timer_label.text(), timeout=1000)
    w.timer.stop()


def test_pauses_are_left_out_of_the_step_time(window, clock):
    clock.advance(30)
    window.toggle_pause()
    clock.advance(600)
    window.tick()
    assert "(paused)" in window.timer_label.text() and window.step_elapsed() == pytest.approx(30)
    window.toggle_pause()
    clock.advance(10)
    assert window.step_elapsed() == pytest.approx(40)
    assert [e.event for e in window.run.timeline][-2:] == ["pause", "resume"]


def test_reveal_shows_archplans_figures_with_the_work_and_locks_the_entries(window):
    to_step(window, "estimates")
    figs = reference_figures(TWITTER)
    window.estimate_edits["write_qps"].setText("3.5K")
    window.estimate_edits["storage_per_day"].setText(fmt("size_day", figs["storage_per_day"].value * 40))
    window.implication_edit.setText("so tweets need sharding")
    assert window.reveal()
    run = window.run
    assert run.revealed and run.estimates["write_qps"] == 3_500 and run.implications == ["so tweets need sharding"]
    assert run.timeline[-1].event == "reveal"
    rows = {window.reveal_table.item(r, 0).text(): r for r in range(window.reveal_table.rowCount())}
    row = rows["Average writes per second"]
    assert window.reveal_table.item(row, 2).text() == figs["write_qps"].formatted()
    assert window.reveal_table.item(row, 3).text() == "on target"
    assert window.reveal_table.item(rows["Storage per day"], 3).text() == "wrong order of magnitude"
    work = window.work.toPlainText()
    assert figs["write_qps"].text() in work and "Within 2x of Archplan's figure is fine" in work
    assert window.estimate_edits["write_qps"].isReadOnly() and not window.reveal_button.isEnabled()


def test_a_bad_value_reveals_nothing_and_says_which(window):
    to_step(window, "estimates")
    window.estimate_edits["write_qps"].setText("lots")
    assert not window.reveal()
    assert "Average writes per second" in window.estimate_error.text()
    assert not window.run.revealed and window.reveal_button.isEnabled()


def test_seeding_the_traffic_is_one_undo_step(window, twitter_editor):
    to_step(window, "estimates")
    window.assumption_edits["dau"].setText("100M")
    window.estimate_edits["write_qps"].setText("2.3K")
    assert window.reveal()
    before = twitter_editor.plan.traffic
    window.seed("mine")
    assert twitter_editor.plan.traffic.dau == 100e6 and twitter_editor.plan.practice.seeded_from == "mine"
    # seed = traffic command + record command; undoing the record and the traffic restores the profile
    twitter_editor.undo_stack.undo()
    twitter_editor.undo_stack.undo()
    assert twitter_editor.plan.traffic == before


def test_hints_are_recorded_and_cost_points(window):
    to_step(window, "high_level")
    window.use_hint()
    hint = next(h for h in TWITTER.hints if h.step == "high_level")
    assert window.run.hints == [hint.id] and hint.text in window.hint_label.text()
    assert f"−{hint.cost:g}" in window.hint_label.text()
    assert window.run.timeline[-1].event == "hint"


def test_requirements_and_trade_offs_are_saved_from_their_pages(window):
    to_step(window, "requirements")
    for row, fr in enumerate(TWITTER.functional):
        window.scope_list.cellWidget(row, 1).setCurrentIndex(1 if fr.core else 2 if fr.distractor else 0)
    window.nfr_edits["latency"].setText("p99 200 ms")
    window.ratio_edit.setText("40")
    window.entities_edit.setText("user, tweet, follow")
    window.next_step()
    run = window.run
    assert run.in_scope == [f.id for f in TWITTER.functional if f.core]
    assert run.out_of_scope == [f.id for f in TWITTER.functional if f.distractor]
    assert run.nfrs["latency"] == "p99 200 ms" and run.read_write_ratio == 40 and run.entities[:2] == ["user", "tweet"]
    to_step(window, "deep_dive")
    chosen, rejected, reason = window.decision_widgets["fanout"]
    chosen.setCurrentIndex(chosen.findData("hybrid"))
    rejected.setCurrentIndex(rejected.findData("push"))
    reason.setText("celebrities")
    window.next_step()
    assert [(t.decision, t.chosen, t.rejected) for t in window.run.tradeoffs] == [("fanout", "hybrid", "push")]


def test_finishing_scores_the_run_and_exports_the_debrief(window, tmp_path):
    to_step(window, "bottlenecks")
    window.next_10x_edit.setText("shard the timeline cache")
    window.next_step()  # buffer
    window.next_step()  # end -> score
    assert window.run.timeline[-2].event == "end" and window.run.timeline[-1].event == "score"
    s = window.score
    assert f"{s.percent:.0f} %" in window.score_label.text() and s.band in window.score_label.text()
    assert window.score_tree.topLevelItemCount() == len(s.dimensions)
    lost = s.missing()
    assert lost  # an unanswered run loses points, each with its reason on screen
    shown = [window.score_tree.topLevelItem(i).child(j) for i in range(window.score_tree.topLevelItemCount())
             for j in range(window.score_tree.topLevelItem(i).childCount())]
    messages = {item.text(2) for item in shown}
    assert all(p.message in messages for p in lost)
    window._show_point(next(item for item in shown if item.text(2) == lost[0].message))
    assert lost[0].message in window.score_details.toPlainText()
    path = window.export_debrief()
    assert path == str(tmp_path / "debrief.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Practice debrief" in text and s.band in text


def test_reopening_continues_the_run(qtbot, window, twitter_editor, clock):
    to_step(window, "estimates")
    window.timer.stop()
    again = PracticeWindow(twitter_editor, clock=clock)
    qtbot.addWidget(again)
    assert again.current_step == "estimates" and again.pages.currentIndex() == st.STEP_IDS.index("estimates")
    assert not again.prompt_box.isEnabled()
    again.timer.stop()


def test_the_main_window_has_one_practice_action(make_window, editor):
    main = make_window(editor)
    action = main.action_map["practice"]
    assert action.text() == "&Practice…"
    file_menu = main.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    action.trigger()
    assert main.practice_window.isVisible() and main.practice_window.editor is editor
    main.practice_window.timer.stop()


def test_before_start_the_window_shows_the_prompt_and_how_a_run_goes(qtbot, twitter_editor, clock):
    """Not a set of blank panes: the chosen prompt's statement and the steps, following the prompt choice."""
    from archplan.planner.practice.prompts import library

    window = PracticeWindow(twitter_editor, clock=clock)
    qtbot.addWidget(window)
    prompts = list(library().values())
    for index in (0, len(prompts) - 1):
        window.prompt_box.setCurrentIndex(index)
        text = window.statement.toPlainText()
        assert prompts[index].title in text and "Start" in text
        assert all(s.title in text for s in st.STEPS)
    assert window.pages.currentIndex() == 0
