"""The timeline of a practice run: steps, pauses, overruns, jumping to a solution, time on the score."""

from __future__ import annotations

from practice_designs import good_run, good_twitter, with_run

from archplan.planner.io import dumps, loads
from archplan.planner.practice.record import PracticeRun, TimelineEvent
from archplan.planner.practice.score import score
from archplan.planner.practice.steps import (
    BUDGETS,
    STEP_IDS,
    budget_s,
    deadline_s,
    overruns,
    step_end,
    step_times,
    timer_state,
)


def _run(*events):
    return PracticeRun(prompt="twitter", timeline=[TimelineEvent(t=t, event=e, step=s) for t, e, s in events])


def test_step_times_leave_pauses_out():
    run = _run((0, "step", "read"), (60, "step", "requirements"), (100, "pause", None), (400, "resume", None),
               (460, "step", "estimates"), (500, "end", None))
    times = {t.step: t for t in step_times(run)}
    assert times["read"].duration == 60
    assert times["requirements"].duration == 460 - 60 - 300
    assert times["estimates"].duration == 40
    assert step_end(run, "requirements") == 160


def test_timer_states_and_overruns():
    budget = budget_s("senior", "requirements")
    assert timer_state(budget * 0.5, budget) == "ok"
    assert timer_state(budget, budget) == "warn"
    assert timer_state(budget * 1.5, budget) == "over"
    run = _run((0, "step", "requirements"), (budget * 1.6, "step", "estimates"), (budget * 1.7, "end", None))
    assert [t.step for t in overruns(run)] == ["requirements"]
    assert deadline_s("senior", "high_level") == sum(BUDGETS["senior"][:4]) * 60


def test_the_timeline_is_recorded_on_the_score():
    plan = good_twitter()
    run = good_run(plan)
    s = score(with_run(plan, run))
    assert any(n.startswith("Time per step:") for n in s.notes)
    late = run.model_copy(update={"timeline": [
        TimelineEvent(t=0, event="step", step="requirements"), TimelineEvent(t=20, event="step", step="estimates"),
        TimelineEvent(t=30, event="step", step="high_level"), TimelineEvent(t=3000, event="step", step="deep_dive"),
        TimelineEvent(t=3100, event="end")]})
    s = score(with_run(plan, late))
    points = {p.rule: p for p in s.points()}
    scoped = points["PRAC-REQ-SCOPED-FIRST"]
    assert scoped.got == 0 and "Jumped to a solution" in scoped.message
    assert points["PRAC-HLD-TIME"].got == 0
    assert any(n.startswith("Overran high level") for n in s.notes)


def test_the_run_is_saved_in_the_plan_and_read_back():
    plan = good_twitter()
    saved = with_run(plan, good_run(plan))
    back = loads(dumps(saved))
    assert back.practice == saved.practice
    assert [e.step for e in back.practice.timeline if e.event == "step"] == list(STEP_IDS)
    # a plan without a run is written exactly as before the field existed
    assert '"practice"' not in dumps(plan)
