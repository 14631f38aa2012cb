"""
A practice run as saved in the plan (``Plan.practice``): what the candidate answered and when.

Everything here is typed by the candidate or recorded by the timer; nothing is computed (the score is
worked out from this record and the plan by planner.practice.score, never stored). A plan without a
practice run has ``practice`` None and is saved exactly as before the field existed.

Times on the timeline are seconds since the run started (a monotonic clock); ``started_at`` is the
wall-clock start for the debrief's title, free text (ISO 8601 when the app writes it).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from archplan.planner import units

Level = Literal["junior", "mid", "senior", "staff"]
LEVELS: tuple[str, ...] = ("junior", "mid", "senior", "staff")
#: What a timeline entry records.
EventKind = Literal["start", "step", "reveal", "seed", "hint", "pause", "resume", "predict", "score", "end"]


def _finite(value: float) -> float:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("must be a finite number")
    return value


def _fraction(value: object) -> float:
    try:
        return units.parse_fraction(value)
    except units.UnitError as exc:
        raise ValueError(str(exc)) from None


def _money(value: object) -> float:
    try:
        return units.parse_money(value)
    except units.UnitError as exc:
        raise ValueError(str(exc)) from None


Seconds = Annotated[float, Field(ge=0), AfterValidator(_finite)]
Number = Annotated[float, Field(ge=0), AfterValidator(_finite)]
Text = Annotated[str, Field(max_length=4_000)]
Key = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)


class TimelineEvent(_Record):
    """One thing that happened, ``t`` seconds after the start: a step began, estimates were revealed, a hint
    was used, the traffic profile was seeded, predictions were made, the run was scored."""

    t: Seconds
    event: EventKind
    step: Key | None = Field(None, description="The step it belongs to (planner.practice.steps.STEPS).")
    detail: Text = ""


class TradeOff(_Record):
    """A decision closed in the deep dive: the option chosen, the alternative rejected and why."""

    decision: Key = Field(description="Id of the prompt's decision point.")
    chosen: Key = Field(description="Id of the option chosen.")
    rejected: Key | None = Field(None, description="Id of the alternative rejected.")
    reason: Text = ""


class Predictions(_Record):
    """Predicted before the engine's figures are shown (step 5: predict, then reveal)."""

    bottleneck: str | None = Field(None, max_length=128, description="Id of the component expected to saturate first.")
    spofs: list[Annotated[str, Field(max_length=128)]] = Field(default_factory=list, max_length=200)
    availability: Annotated[float, BeforeValidator(_fraction)] | None = None
    monthly_cost: Annotated[float, BeforeValidator(_money)] | None = None


class PracticeRun(_Record):
    """The candidate's answers to one prompt, with the timeline of the run."""

    prompt: Key = Field(description="Id of the prompt (planner/practice/prompts/<id>.json).")
    level: Level = Field("senior", description="The bar the run is scored against.")
    started_at: Annotated[str, Field(max_length=64)] = ""
    # step 1: requirements
    in_scope: list[Key] = Field(default_factory=list, max_length=50, description="Functional requirements in scope.")
    out_of_scope: list[Key] = Field(default_factory=list, max_length=50)
    nfrs: dict[Key, Text] = Field(default_factory=dict, description="Non-functional requirement id -> the target.")
    read_write_ratio: Number | None = None
    entities: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(default_factory=list, max_length=50)
    # step 2: estimates
    assumptions: dict[Key, Number] = Field(
        default_factory=dict, description="Inputs the candidate used (estimate input names, base units).")
    estimates: dict[Key, Number] = Field(default_factory=dict,
                                         description="Graded figure -> the candidate's value (base units).")
    work: dict[Key, Text] = Field(default_factory=dict, description="Graded figure -> the work shown.")
    implications: list[Text] = Field(default_factory=list, max_length=20, description='"So we need ..." notes.')
    revealed: bool = False
    seeded_from: Literal["mine", "reference"] | None = None
    # steps 4-5: deep dive, bottlenecks and trade-offs
    predictions: Predictions = Field(default_factory=Predictions)
    tradeoffs: list[TradeOff] = Field(default_factory=list, max_length=20)
    next_10x: Text = Field("", description="What changes at the next 10x.")
    notes: dict[Key, Text] = Field(default_factory=dict, description="Step id -> the candidate's notes.")
    hints: list[Key] = Field(default_factory=list, max_length=100, description="Hints used, in order.")
    timeline: list[TimelineEvent] = Field(default_factory=list, max_length=10_000)
