"""
The prompt library: one JSON file per interview prompt in ``planner/practice/prompts/`` (data, like the
templates), read into a frozen `Prompt`.

A prompt carries what the interviewer says (statement, givens with their sources), what the candidate is
expected to find (functional and non-functional requirements, entities, read:write ratio), the traffic
profile behind the givens (the one source of the reference figures: planner.estimate over it, and compute()
of the reference template with it), the figures graded, the key design points and store kinds the design is
checked for, decision points for the deep dive, hints (each costs points when used) and the name of the
reference template (templates/<name>.json). Givens a source lacks are Archplan's and say so (source
"Archplan").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from archplan.planner.estimate import KEYS as ESTIMATE_KEYS
from archplan.planner.estimate import EstimateInput
from archplan.planner.model import TRAFFIC_CLASSES, Plan, TrafficProfile
from archplan.planner.result import PlanResult

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
Key = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")]
#: Steps a hint belongs to (planner.practice.steps.STEPS ids).
HintStep = Literal["requirements", "estimates", "high_level", "deep_dive", "bottlenecks"]
#: Behaviours a check may name (planner.catalog.Behaviour values).
BEHAVIOURS = ("client", "dns", "cdn", "load_balancer", "gateway", "rate_limiter", "service", "worker", "cache",
              "object_store", "sql_primary", "sql_replica", "partitioned", "search", "queue", "pubsub",
              "notification", "monitor", "metrics", "external")


class PromptError(ValueError):
    """A prompt file cannot be read or names something unknown (one line, with the file)."""


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Functional(_Data):
    """A functional requirement; `core` ones are expected in scope, others are optional or distractors."""

    id: Key
    text: str
    core: bool = False
    distractor: bool = Field(False, description="Out of scope for this interview: marking it in scope over-scopes.")
    traffic: Literal["read", "write", "media_read", "media_write"] | None = Field(
        None, description="The traffic class that serves it: its request path is checked on the plan.")
    serves: tuple[str, ...] = Field((), description="Behaviours that serve it (empty: the stores of its class).")


class NonFunctional(_Data):
    """A non-functional requirement the candidate should quantify."""

    id: Key
    text: str
    kind: Literal["latency", "availability", "consistency", "durability", "retention", "other"]
    target: str = Field("", description="The prompt's figure (text with a unit), used by the design checks.")
    options: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()
    source: str = ""


class Given(_Data):
    text: str
    source: str


class ExtraFigure(_Data):
    """A graded figure planner.estimate does not compute (connections, counter memory): its formula and the
    reference inputs, which are givens too."""

    key: Key
    label: str
    expression: str
    unit: str
    inputs: dict[Key, float]
    meaning: str = ""
    source: str = ""


class Check(_Data):
    """A structural check of the candidate's plan (planner.practice.design.run_check).

    - ``reaches``: traffic of `traffic` from a client reaches a component of `behaviours` (or `kinds`);
    - ``not_direct``: no request link from `behaviours` straight to `to`;
    - ``min_count``: at least `minimum` components of `behaviours` (or `kinds`) carry traffic;
    - ``param``: a component of `kinds` has parameter `param` >= `minimum`.
    """

    type: Literal["reaches", "not_direct", "min_count", "param"]
    traffic: Literal["read", "write", "media_read", "media_write"] | None = None
    behaviours: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    param: str = ""
    minimum: float = 1


class KeyPoint(_Data):
    """A design point the reference has and a reviewer expects (a cache on the read path, a queue ...)."""

    id: Key
    text: str
    why: str
    check: Check
    source: str = ""


class Option(_Data):
    """An option of a decision point. `unsound`: why the prompt's numbers rule it out (choosing it earns
    nothing); `check`: what the canvas shows when it is chosen (a choice the design does not show earns
    nothing)."""

    id: Key
    text: str
    unsound: str = ""
    check: Check | None = None


class Decision(_Data):
    """A deep-dive decision point: the options a candidate chooses among and rejects."""

    id: Key
    question: str
    options: tuple[Option, ...]


class Hint(_Data):
    id: Key
    step: HintStep
    text: str
    cost: float = Field(1.0, ge=0, le=5, description="Points the hint costs in its step's dimension.")


class Prompt(_Data):
    """One interview prompt (see the module docstring)."""

    id: Key
    title: str
    statement: str
    source: str
    template: str = Field(description="Reference design: templates/<template>.json.")
    functional: tuple[Functional, ...]
    non_functional: tuple[NonFunctional, ...]
    entities: tuple[str, ...]
    read_write_ratio: float = Field(gt=0)
    givens: tuple[Given, ...]
    traffic: TrafficProfile
    cache_fraction: float = Field(0.2, ge=0, le=1)
    graded: tuple[str, ...]
    published: dict[str, float] = Field(default_factory=dict,
                                        description="The rounded figure the source printed, by graded key.")
    extra_figures: tuple[ExtraFigure, ...] = ()
    key_points: tuple[KeyPoint, ...]
    stores: tuple[KeyPoint, ...] = ()
    components: tuple[int, int] = Field(description="Reference range of components (clients left out).")
    growth: float = Field(10.0, ge=1, description="The traffic the design must survive, as a multiple (next 10x).")
    decisions: tuple[Decision, ...] = ()
    hints: tuple[Hint, ...] = ()
    mistakes: tuple[str, ...] = ()

    def functional_by_id(self) -> dict[str, Functional]:
        return {f.id: f for f in self.functional}

    def nfr(self, kind: str) -> NonFunctional | None:
        return next((n for n in self.non_functional if n.kind == kind), None)

    def hint(self, hint_id: str) -> Hint | None:
        return next((h for h in self.hints if h.id == hint_id), None)

    def decision(self, decision_id: str) -> Decision | None:
        return next((d for d in self.decisions if d.id == decision_id), None)

    def extra(self, key: str) -> ExtraFigure | None:
        return next((x for x in self.extra_figures if x.key == key), None)

    def estimate_input(self, traffic: TrafficProfile | None = None, **overrides: float) -> EstimateInput:
        """The prompt's traffic (or another profile) as planner.estimate's inputs: a read returns the response
        and, for the share of reads that fetch media, a media object."""
        return estimate_input(traffic or self.traffic, self.cache_fraction, **overrides)


def estimate_input(t: TrafficProfile, cache_fraction: float = 0.2, **overrides: float) -> EstimateInput:
    users: dict[str, Any] = {"dau": t.dau} if t.dau is not None else {"mau": t.mau, "active_ratio": t.active_ratio}
    values: dict[str, Any] = {
        **users, "writes_per_user": t.writes_per_user, "reads_per_user": t.reads_per_user,
        "write_size": t.record_size, "read_size": t.response_size + t.media_read_fraction * t.media_size,
        "media_fraction": t.media_fraction, "media_size": t.media_size, "peak_factor": t.peak_factor,
        "retention": t.retention, "replication": t.replication_factor, "cache_fraction": cache_fraction}
    if "dau" in overrides:
        values.pop("mau", None)
        values.pop("active_ratio", None)
    if "mau" in overrides or "active_ratio" in overrides:
        values.pop("dau", None)
        values.setdefault("mau", t.mau if t.mau is not None else t.daily_active_users / t.active_ratio)
        values.setdefault("active_ratio", t.active_ratio)
    values.update({k: v for k, v in overrides.items() if k in EstimateInput.__dataclass_fields__})
    return EstimateInput(**values)


# ------------------------------------------------------------------------------------------ loading

def _check(prompt: Prompt, where: str) -> None:
    known = set(ESTIMATE_KEYS) | {x.key for x in prompt.extra_figures}
    for key in prompt.graded:
        if key not in known:
            raise PromptError(f"{where}: graded figure {key!r} is neither an estimate figure nor an extra figure")
    for fr in prompt.functional:
        if [b for b in fr.serves if b not in BEHAVIOURS]:
            raise PromptError(f"{where}: requirement {fr.id!r} names an unknown behaviour in serves")
    for point in (*prompt.key_points, *prompt.stores):
        bad = [b for b in (*point.check.behaviours, *point.check.to) if b not in BEHAVIOURS]
        if bad:
            raise PromptError(f"{where}: check {point.id!r} names unknown behaviour {bad[0]!r}")
        if point.check.traffic is not None and point.check.traffic not in TRAFFIC_CLASSES:
            raise PromptError(f"{where}: check {point.id!r} names unknown traffic {point.check.traffic!r}")
    for decision in prompt.decisions:
        for option in decision.options:
            if option.check is not None and [b for b in option.check.behaviours if b not in BEHAVIOURS]:
                raise PromptError(f"{where}: option {option.id!r} names an unknown behaviour")
    low, high = prompt.components
    if not 0 < low <= high:
        raise PromptError(f"{where}: components range {low}..{high} is not a range")
    if not any(f.core for f in prompt.functional):
        raise PromptError(f"{where}: no core functional requirement")


def read_prompt(path: Path) -> Prompt:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PromptError(f"{path.name}: cannot read: {exc}") from None
    try:
        prompt = Prompt.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise PromptError(f"{path.name}: {loc}: {err['msg']}") from None
    if prompt.id != path.stem:
        raise PromptError(f"{path.name}: id {prompt.id!r} differs from the file name")
    _check(prompt, path.name)
    return prompt


@cache
def library() -> dict[str, Prompt]:
    """Every built-in prompt by id, in file-name order."""
    return {p.stem: read_prompt(p) for p in sorted(PROMPTS_DIR.glob("*.json"))}


def load_prompt(name: str) -> Prompt:
    """A prompt by id (case-insensitive), PromptError naming the known ones otherwise."""
    prompts = library()
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in prompts:
        return prompts[key]
    raise PromptError(f"no prompt named {name!r} (one of: {', '.join(prompts)})")


# ------------------------------------------------------------------------------------------ reference design

@dataclass(frozen=True)
class Reference:
    """The prompt's reference design: its template with the prompt's traffic profile, computed."""

    plan: Plan
    result: PlanResult


@cache
def reference(prompt_id: str) -> Reference:
    """The reference template with the prompt's traffic (client shares and everything else as drawn)."""
    from archplan.planner.engine import compute
    from archplan.planner.library import load_template

    prompt = load_prompt(prompt_id)
    plan = load_template(f"built-in:{prompt.template}")
    plan = plan.model_copy(update={"traffic": prompt.traffic.model_copy()})
    return Reference(plan, compute(plan))


def seeded_traffic(prompt: Prompt, assumptions: dict[str, float] | None = None) -> TrafficProfile:
    """The traffic profile to draw the design with: the prompt's, with the candidate's own inputs where they
    gave them ("mine"), or as given ("reference")."""
    t = prompt.traffic.model_dump()
    mine = assumptions or {}
    mapping = {"dau": "dau", "writes_per_user": "writes_per_user", "reads_per_user": "reads_per_user",
               "write_size": "record_size", "media_fraction": "media_fraction", "media_size": "media_size",
               "peak_factor": "peak_factor", "retention": "retention", "replication": "replication_factor"}
    for key, field in mapping.items():
        if key in mine:
            t[field] = mine[key]
    if "dau" in mine:
        t["mau"] = None
    elif "mau" in mine or "active_ratio" in mine:
        t["mau"] = mine.get("mau", t["mau"] if t["mau"] is not None else t["dau"] / t["active_ratio"])
        t["active_ratio"] = mine.get("active_ratio", t["active_ratio"])
        t["dau"] = None
    if "read_size" in mine:
        media = t["media_read_fraction"] * t["media_size"]
        t["response_size"] = max(0.0, mine["read_size"] - media)
    return TrafficProfile.model_validate(t)
