"""
The practice score (docs/practice.md, section 2): seven dimensions weighted to 100, every point
explained. Requirements and estimates are scored from the practice record; the design from the plan: its
computed result, the design review's findings, the load checks (peak, next 10x, a zone down) and the
comparison with the prompt's reference template (planner.compare). Hints used cost points.

    from archplan.planner.practice.score import score
    s = score(plan)                      # plan.practice names the prompt; or score(plan, prompt="twitter")
    s.percent, s.band, s.missing()       # each missing point says why and what would earn it

Points that need a practice record (requirements, estimates, time, predictions, trade-offs) are "not
assessed" for a plain plan and left out of the percentage. Communication and live collaboration cannot be
measured offline: the score says so and never counts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archplan.planner import units
from archplan.planner.compare import compare
from archplan.planner.engine import compute
from archplan.planner.model import Plan
from archplan.planner.practice import design, load
from archplan.planner.practice.answers import estimation_points, requirement_points
from archplan.planner.practice.points import DIMENSIONS, Point, not_assessed, point, rounded
from archplan.planner.practice.prompts import Prompt, load_prompt, reference
from archplan.planner.practice.record import PracticeRun
from archplan.planner.practice.steps import DEEP_DIVES, deadline_s, fmt_minutes, overruns, step_end, step_times
from archplan.planner.result import PlanResult

#: (lower bound of the percentage, label) after Exponent's four labels [I7]; provisional.
BANDS = ((85.0, "very strong"), (70.0, "strong"), (50.0, "weak"), (0.0, "very weak"))
#: "strong" also needs every assessed dimension at this share of its points.
STRONG_FLOOR = 0.4
#: Where a hint's cost is taken from, by the step it belongs to.
HINT_DIMENSION = {"requirements": "requirements", "estimates": "estimation", "high_level": "high_level",
                  "deep_dive": "tradeoffs", "bottlenecks": "scale"}
CANNOT_MEASURE = ("Communication, live collaboration, taking pushback and honesty about gaps cannot be measured "
                  "by an offline tool: they are never part of this score.")


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    weight: float
    points: tuple[Point, ...]

    @property
    def assessed_max(self) -> float:
        return sum(p.max for p in self.points if p.assessed)

    @property
    def got(self) -> float:
        total = sum(p.got for p in self.points if p.assessed)
        return rounded(min(self.assessed_max, max(0.0, total)))

    @property
    def assessed(self) -> bool:
        return self.assessed_max > 0


@dataclass(frozen=True)
class Score:
    prompt: Prompt
    level: str
    dimensions: tuple[Dimension, ...]
    notes: tuple[str, ...]
    result: PlanResult | None = field(default=None, compare=False)

    @property
    def got(self) -> float:
        return rounded(sum(d.got for d in self.dimensions))

    @property
    def assessed_max(self) -> float:
        return rounded(sum(d.assessed_max for d in self.dimensions))

    @property
    def percent(self) -> float:
        return 100.0 * self.got / self.assessed_max if self.assessed_max else 0.0

    @property
    def band(self) -> str:
        label = next(name for low, name in BANDS if self.percent >= low)
        if label in ("strong", "very strong") and any(
                d.assessed and d.got < STRONG_FLOOR * d.assessed_max for d in self.dimensions):
            return "weak"
        return label

    def points(self) -> list[Point]:
        return [p for d in self.dimensions for p in d.points]

    def missing(self) -> list[Point]:
        """Points lost, each with its explanation (hints used included)."""
        return [p for p in self.points() if p.missing or p.penalty]

    def not_assessed(self) -> list[Point]:
        return [p for p in self.points() if not p.assessed]

    def as_dict(self) -> dict[str, Any]:
        return {"prompt": self.prompt.id, "title": self.prompt.title, "level": self.level, "got": self.got,
                "max": self.assessed_max, "percent": round(self.percent, 1), "band": self.band,
                "dimensions": [{"key": d.key, "title": d.title, "weight": d.weight, "got": d.got,
                                "max": d.assessed_max, "points": [p.as_dict() for p in d.points]}
                               for d in self.dimensions],
                "notes": list(self.notes), "not_measured": CANNOT_MEASURE}


# ------------------------------------------------------------------------------------------ points from the record

def _needs_record(rule: str, dimension: str, title: str, maximum: float) -> Point:
    return not_assessed(rule, dimension, title, maximum, "no practice record (start a practice run to be scored "
                                                         "on it)")


def _time_point(run: PracticeRun | None) -> Point:
    title = "High-level design on time"
    if run is None or not run.timeline:
        return _needs_record("PRAC-HLD-TIME", "high_level", title, 1)
    ended = step_end(run, "high_level")
    deadline = deadline_s(run.level, "high_level")
    if ended is None:
        return not_assessed("PRAC-HLD-TIME", "high_level", title, 1, "the timeline has no end of the high-level step")
    if ended <= deadline:
        return point("PRAC-HLD-TIME", "high_level", title, 1, 1.0,
                     f"A first design was up at {fmt_minutes(ended)}, by the {fmt_minutes(deadline)} the "
                     f"{run.level} level allows.")
    return point("PRAC-HLD-TIME", "high_level", title, 1, 0.0,
                 f"The high-level design ended at {fmt_minutes(ended)}, after {fmt_minutes(deadline)}: Google asks "
                 "for requirements and a first solution on the board by about minute 20.",
                 advice="Draw an end-to-end design first and refine it in the deep dive.", source="[I5]")


def _predict_point(run: PracticeRun | None, result: PlanResult) -> Point:
    title = "Bottleneck and SPOFs predicted"
    if run is None:
        return _needs_record("PRAC-SCALE-PREDICT", "scale", title, 3)
    names = {c.id: c.name for c in result.components.values()}
    actual = result.bottleneck
    guessed = run.predictions.bottleneck
    spofs_actual, spofs_guessed = set(result.spofs), set(run.predictions.spofs)
    required = run.level in ("senior", "staff")
    if not required and guessed is None and not spofs_guessed:
        return point("PRAC-SCALE-PREDICT", "scale", title, 3, 1.0,
                     f"Not required at the {run.level} level (the interviewer leads this part).")
    lines = [f"Predicted bottleneck: {names.get(guessed, guessed) if guessed else 'none'}; computed: "
             f"{names.get(actual, actual) if actual else 'none'}",
             f"Predicted SPOFs: {', '.join(names.get(s, s) for s in sorted(spofs_guessed)) or 'none'}; computed: "
             f"{', '.join(names.get(s, s) for s in sorted(spofs_actual)) or 'none'}"]
    share = (2 / 3 if guessed == actual else 0) + (1 / 3 if spofs_guessed == spofs_actual else 0)
    if share >= 1:
        return point("PRAC-SCALE-PREDICT", "scale", title, 3, 1.0,
                     "You named the bottleneck and the single points of failure before the reveal.", work=tuple(lines))
    misses = []
    if guessed != actual:
        misses.append(f"the engine's bottleneck is {names.get(actual, actual) if actual else 'none'}, you named "
                      f"{names.get(guessed, guessed) if guessed else 'none'}")
    if spofs_guessed != spofs_actual:
        misses.append("the single points of failure differ")
    return point("PRAC-SCALE-PREDICT", "scale", title, 3, share, "Predict, then reveal: " + "; ".join(misses) + ".",
                 work=tuple(lines), advice="Before the reveal, find the component with the least headroom at peak "
                 "and the lone components every request needs.", source="[I4]")


def _tradeoffs_point(prompt: Prompt, run: PracticeRun | None, plan: Plan, result: PlanResult) -> Point:
    title = "Trade-offs argued"
    if run is None:
        return _needs_record("PRAC-TRADE-DECISIONS", "tradeoffs", title, 5)
    needed = DEEP_DIVES[run.level]
    good, lines, problems = 0, [], []
    for t in run.tradeoffs:
        decision = prompt.decision(t.decision)
        options = {o.id: o for o in decision.options} if decision else {}
        if decision is None or t.chosen not in options:
            problems.append(f"{t.decision}: not one of the prompt's decisions or options")
            continue
        chosen = options[t.chosen]
        complete = t.rejected in options and t.rejected != t.chosen and bool(t.reason)
        lines.append(f"{decision.question} Chose {chosen.text}"
                     + (f" over {options[t.rejected].text}" if t.rejected in options else "")
                     + (f": {t.reason}" if t.reason else ""))
        if not complete:
            problems.append(f"{decision.question}: give the rejected alternative and the reason")
            continue
        if chosen.unsound:
            problems.append(f"{chosen.text}: the numbers rule it out ({chosen.unsound})")
            continue
        if chosen.check is not None:
            shown, detail = design.run_check(plan, result, chosen.check)
            if not shown:
                problems.append(f"{chosen.text}: the design does not show it ({detail})")
                continue
        good += 1
    if good >= needed:
        return point("PRAC-TRADE-DECISIONS", "tradeoffs", title, 5, 1.0,
                     f"{good} decision{'s' if good != 1 else ''} closed with the alternative rejected and a reason "
                     f"({needed} expected at the {run.level} level).", work=tuple(lines), source="[I4]")
    return point("PRAC-TRADE-DECISIONS", "tradeoffs", title, 5, good / needed,
                 f"{good} of the {needed} decisions the {run.level} level expects are argued"
                 + (": " + "; ".join(problems) if problems else "."), work=tuple(lines),
                 advice="For each deep-dive decision, say what you chose, what you rejected and why, with a number.",
                 source="[I4]")


def _cost_point(prompt: Prompt, plan: Plan, result: PlanResult) -> Point:
    title = "Cost near the reference design"
    ref = reference(prompt.id)
    comparison = compare(ref.plan, ref.result, plan, result)
    cost = comparison.total("cost")
    r = cost.ratio
    lines = [f"Reference ({prompt.template} at the prompt's traffic): {units.format_money(cost.a)}/month; yours: "
             f"{units.format_money(cost.b)}/month"]
    lines += [f"Only yours: {s.name} ({s.kind})" for s in comparison.added[:4]]
    lines += [f"Only the reference: {s.name} ({s.kind})" for s in comparison.removed[:4]]
    if r is None:
        return point("PRAC-TRADE-COST", "tradeoffs", title, 5, 0.0, "The reference costs nothing to compare with.",
                     work=tuple(lines))
    spread = max(r, 1 / r) if r > 0 else float("inf")
    word = "more" if r > 1 else "less"
    if spread <= 2:
        return point("PRAC-TRADE-COST", "tradeoffs", title, 5, 1.0,
                     f"Your design costs {units.format_money(cost.b)} a month, within 2x of the reference's "
                     f"{units.format_money(cost.a)}.", work=tuple(lines))
    share = 0.5 if spread <= 10 ** 0.5 else 0.0
    return point("PRAC-TRADE-COST", "tradeoffs", title, 5, share,
                 f"Your design costs {spread:.3g}x {word} than the reference ({units.format_money(cost.b)} against "
                 f"{units.format_money(cost.a)} a month)"
                 + (": over-provisioned or an expensive path." if r > 1
                    else ": something the load needs is missing or undersized."),
                 work=tuple(lines), advice="Compare with the reference template (archplan compare): where does the "
                 "money go?", source="planner/compare.py")


def _cost_predict_point(run: PracticeRun | None, result: PlanResult) -> Point:
    title = "Monthly cost predicted"
    if run is None:
        return _needs_record("PRAC-TRADE-COST-PREDICT", "tradeoffs", title, 2)
    guess, actual = run.predictions.monthly_cost, result.totals.monthly_cost
    if run.level not in ("senior", "staff") and guess is None:
        return point("PRAC-TRADE-COST-PREDICT", "tradeoffs", title, 2, 1.0,
                     f"Not required at the {run.level} level.")
    if guess is None:
        return point("PRAC-TRADE-COST-PREDICT", "tradeoffs", title, 2, 0.0,
                     f"No cost was predicted; the design costs {units.format_money(actual)} a month.",
                     advice="Estimate the bill before the reveal: the largest fleets times their price.", source="[I4]")
    r = max(guess / actual, actual / guess) if guess > 0 and actual > 0 else float("inf")
    ok = r <= 2
    return point("PRAC-TRADE-COST-PREDICT", "tradeoffs", title, 2, 1.0 if ok else 0.0,
                 f"Predicted {units.format_money(guess)}, computed {units.format_money(actual)} a month"
                 + (" (within 2x)." if ok else f" ({r:.3g}x apart)."), source="[I4]")


def _next_point(run: PracticeRun | None) -> Point:
    title = "Next 10x named"
    if run is None:
        return _needs_record("PRAC-TRADE-NEXT", "tradeoffs", title, 3)
    if run.next_10x.strip():
        return point("PRAC-TRADE-NEXT", "tradeoffs", title, 3, 1.0, f"Next 10x: {run.next_10x.strip()}")
    if run.level == "junior":
        return point("PRAC-TRADE-NEXT", "tradeoffs", title, 3, 1.0, "Not required at the junior level.")
    return point("PRAC-TRADE-NEXT", "tradeoffs", title, 3, 0.0, "No note on what changes at the next 10x.",
                 advice="Say what breaks first at ten times the traffic and what you would change.", source="[I4]")


def _hint_points(prompt: Prompt, run: PracticeRun | None) -> list[Point]:
    out = []
    for hid in dict.fromkeys(run.hints if run else ()):
        hint = prompt.hint(hid)
        if hint is None:
            continue
        cost = 0.0 if run.level == "junior" else hint.cost
        out.append(Point(f"PRAC-HINT-{hid.upper()}", HINT_DIMENSION[hint.step], "Hint used", -cost, 0.0,
                         f"Hint used: {hint.text}" + (" (free at the junior level)" if not cost else "")))
    return out


# ------------------------------------------------------------------------------------------ the score

def _notes(run: PracticeRun | None) -> list[str]:
    notes = [CANNOT_MEASURE]
    if run is None:
        return notes
    for t in overruns(run):
        notes.append(f"Overran {t.step.replace('_', ' ')}: {fmt_minutes(t.duration)} of a "
                     f"{fmt_minutes(t.budget)} budget.")
    times = step_times(run)
    if times:
        notes.append("Time per step: " + ", ".join(f"{t.step.replace('_', ' ')} {fmt_minutes(t.duration)}"
                                                   for t in times if t.ended is not None))
    written = sum(1 for text in run.notes.values() if text.strip())
    notes.append(f"Communication proxies (not scored): notes written for {written} step{'s' if written != 1 else ''}, "
                 f"{len(run.implications)} implication{'s' if len(run.implications) != 1 else ''}.")
    return notes


def score(plan: Plan, prompt: str | Prompt | None = None, result: PlanResult | None = None) -> Score:
    """Score a plan against a prompt (its practice record's, unless given). ValueError when neither names one."""
    run = plan.practice
    if prompt is None:
        if run is None:
            raise ValueError("the plan has no practice run: give the prompt to score it against")
        prompt = run.prompt
    prompt = prompt if isinstance(prompt, Prompt) else load_prompt(prompt)
    level = run.level if run is not None else "senior"
    scope = run.in_scope if run is not None else None
    try:
        result = result if result is not None else compute(plan)
    except ValueError as exc:  # a request cycle: the design cannot be computed
        raise ValueError(f"the design cannot be computed: {exc}") from None
    model = tuple(f for f in result.findings if f.rule.startswith("MODEL-") and f.rule != "MODEL-NO-TRAFFIC")
    computes = point("PRAC-HLD-COMPUTES", "high_level", "The engine computes it cleanly", 2,
                     0.0 if any(f.severity in ("error", "warning") for f in model) else 1.0,
                     "The engine computes the design with no modelling problem." if not model else
                     "Modelling problems: " + " ".join(f.message for f in model[:3]), findings=model)
    growth, _grown = load.growth_point(prompt, plan)
    by_dimension: dict[str, list[Point]] = {
        "requirements": requirement_points(prompt, run),
        "estimation": estimation_points(prompt, run, plan),
        "high_level": [
            computes,
            design.paths_point(prompt, plan, result, scope),
            design.checks_point("PRAC-HLD-KEY", "high_level", "Key design points", 5, prompt.key_points, plan,
                                 result, "Add what the reference design relies on (see the hints)."),
            design.size_point(prompt, plan),
            design.review_point("PRAC-HLD-IDLE", "high_level", "Every component carries traffic", 1, result, (),
                                ("MODEL-NO-TRAFFIC",)),
            design.api_point(prompt, plan, scope),
            _time_point(run),
            design.review_point("PRAC-HLD-REVIEW", "high_level", "Design review: flow, network, operations", 3,
                                result, design.HLD_FAMILIES),
        ],
        "data": [
            design.checks_point("PRAC-DATA-STORES", "data", "Store kind per data", 4, prompt.stores, plan, result,
                                 "Keep each kind of data in a store that fits its size and access pattern."),
            design.review_point("PRAC-DATA-REVIEW", "data", "Design review: data", 3, result, ("DATA",)),
            design.copies_point(plan, result),
        ],
        "scale": [load.peak_point(plan, result), load.p99_point(prompt, result), growth,
                  _predict_point(run, result)],
        "reliability": [load.spof_point(result), load.availability_point(prompt, result),
                        load.zones_point(plan, result)],
        "tradeoffs": [_tradeoffs_point(prompt, run, plan, result), _cost_point(prompt, plan, result),
                      _cost_predict_point(run, result), _next_point(run)],
    }
    for hint in _hint_points(prompt, run):
        by_dimension[hint.dimension].append(hint)
    dimensions = tuple(Dimension(key, title, weight, tuple(by_dimension[key])) for key, title, weight in DIMENSIONS)
    return Score(prompt, level, dimensions, tuple(_notes(run)), result)
