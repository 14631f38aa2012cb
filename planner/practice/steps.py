"""
The timed steps of a practice interview and what the timeline says about time (docs/practice.md, 1).

A 45-minute slot: read the prompt (1 min), requirements, estimates, high-level design, deep dive, bottlenecks
and trade-offs, and a buffer that is not scored. Minute budgets depend on the level (senior is the default;
mid gives the high level more time, staff the deep dive). The timer warns at 100 % of a step's budget; an
overrun finding is recorded at 150 %; requirements that end in under a minute (or with no quantified
non-functional requirement) count as "jumped to a solution" (Xu counts answering before scoping as a red
flag [I1]).

Everything here is pure: the GUI's timer asks `timer_state` with its own clock, tests with a fake one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from archplan.planner.practice.record import PracticeRun


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    done_when: str


STEPS: tuple[Step, ...] = (
    Step("read", "Read the prompt", "the givens are read; the timer runs"),
    Step("requirements", "Requirements",
         "2-4 functional requirements in scope, an out-of-scope list, every non-functional requirement with a "
         "number, the read:write ratio, the core entities"),
    Step("estimates", "Estimates",
         "every graded figure entered with its unit and the inputs used, one 'so we need ...' written, then reveal"),
    Step("high_level", "High-level design",
         "each functional requirement has a request path client -> ... -> store on the canvas; the engine computes "
         "it with no modelling error; the traffic profile seeded from your estimates or the reference"),
    Step("deep_dive", "Deep dive",
         "the level's number of decision points closed (option chosen, alternative rejected, reason); nothing over "
         "its utilisation target at peak"),
    Step("bottlenecks", "Bottlenecks and trade-offs",
         "bottleneck, single points of failure, availability and cost predicted, then revealed; trade-offs "
         "recorded; what changes at the next 10x"),
    Step("buffer", "Buffer", "questions for the interviewer; not scored"),
)
STEP_IDS: tuple[str, ...] = tuple(s.id for s in STEPS)
SCORED_STEPS: tuple[str, ...] = STEP_IDS[1:-1]

#: Minutes per step (read, requirements, estimates, high level, deep dive, bottlenecks, buffer) per level.
BUDGETS: dict[str, tuple[float, ...]] = {
    "junior": (1, 5, 5, 13, 11, 5, 5),
    "mid": (1, 5, 5, 13, 11, 5, 5),
    "senior": (1, 5, 5, 10, 14, 5, 5),
    "staff": (1, 4, 3, 8, 20, 5, 4),
}
#: Share of a step's budget at which the timer warns, and at which an overrun is recorded.
WARN_AT = 1.0
OVERRUN_AT = 1.5
#: Requirements shorter than this (seconds) count as jumping to a solution.
MIN_REQUIREMENTS_S = 60.0
#: Decision points a level is expected to close in the deep dive (trade-offs recorded).
DEEP_DIVES = {"junior": 1, "mid": 1, "senior": 2, "staff": 3}


def step(step_id: str) -> Step:
    for s in STEPS:
        if s.id == step_id:
            return s
    raise KeyError(f"no step {step_id!r} (one of: {', '.join(STEP_IDS)})")


def budget_s(level: str, step_id: str) -> float:
    """Seconds the level allows for a step."""
    return BUDGETS[level][STEP_IDS.index(step_id)] * 60.0


def deadline_s(level: str, step_id: str) -> float:
    """Seconds from the start by which the step should be over (the budgets up to and including it)."""
    index = STEP_IDS.index(step_id)
    return sum(BUDGETS[level][:index + 1]) * 60.0


TimerState = Literal["ok", "warn", "over"]


def timer_state(elapsed_s: float, budget: float) -> TimerState:
    """ok below the budget, warn from 100 %, over from 150 % (an overrun is recorded)."""
    if budget <= 0 or elapsed_s < budget * WARN_AT:
        return "ok"
    return "warn" if elapsed_s < budget * OVERRUN_AT else "over"


@dataclass(frozen=True)
class StepTime:
    """How long a step took in a run (seconds), against its budget."""

    step: str
    started: float
    ended: float | None           # None: still running when the timeline stops
    budget: float

    @property
    def duration(self) -> float:
        return (self.ended if self.ended is not None else self.started) - self.started

    @property
    def state(self) -> TimerState:
        return timer_state(self.duration, self.budget)


def step_times(run: PracticeRun) -> list[StepTime]:
    """The steps the timeline shows, in order, each from its "step" event to the next one (or the end).
    Paused time is not counted: a "pause" ... "resume" pair is taken out of the step it falls in."""
    marks: list[tuple[str, float]] = []
    paused_total, paused_at = 0.0, None
    end = None
    for event in run.timeline:
        if event.event == "pause" and paused_at is None:
            paused_at = event.t
        elif event.event == "resume" and paused_at is not None:
            paused_total += event.t - paused_at
            paused_at = None
        elif event.event == "step" and event.step in STEP_IDS:
            marks.append((event.step, event.t - paused_total))
        elif event.event == "end":
            end = event.t - paused_total
    times = []
    for i, (sid, started) in enumerate(marks):
        ended = marks[i + 1][1] if i + 1 < len(marks) else end
        times.append(StepTime(sid, started, ended, budget_s(run.level, sid)))
    return times


def step_end(run: PracticeRun, step_id: str) -> float | None:
    """Seconds from the start (pauses left out) at which the step ended, None if it never did."""
    ends = [t.ended for t in step_times(run) if t.step == step_id and t.ended is not None]
    return max(ends) if ends else None


def overruns(run: PracticeRun) -> list[StepTime]:
    """Steps that ran past 150 % of their budget (the buffer is never an overrun)."""
    return [t for t in step_times(run) if t.step != "buffer" and t.state == "over"]


def fmt_minutes(seconds: float) -> str:
    """90 -> '1:30'."""
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
