"""
Input ranges and sensitivity (issue 14): traffic known within bounds, and which input matters most.

Any traffic input may be a range: ``80M..120M``, ``100M+-20%``, ``+-20%`` (around the plan's value) or
``100M+-20M``, given on the command line or kept in the plan (``Plan.ranges``, base units). The
expected value is the plan's own when it lies in the range, else the middle of the range. A point value
stays the default.

Low / expected / high of every headline figure (planner.compare.PLAN_FIGURES: peak QPS, instances,
storage, latency mean and p99, availability, cost, breaking point) come from computing the plan at the
corners of the box of inputs. With up to ``FULL_CORNERS`` ranged inputs every corner is evaluated
(2^k computes): the low and high are then exact over the corners even where a figure is not monotone
in an input. With more, each input is first moved alone to each end (which also gives the sensitivity),
and the corner that pushes each figure down (up) is built from the directions seen, assuming each
figure moves one way with each input between its ends; an input that does not move the figure alone
(a count held at its minimum) is then tried at both ends in that corner, since it may move it once the
others have moved. The expected point and every evaluated point are included, so low <= expected <=
high always.

Where the figures are not monotone: instances, cost and storage rise with every demand input (users,
requests per user, sizes, peak factor, retention, growth) but in steps (whole instances); latency and
availability follow the counts: more load adds instances, which can lower latency or change k of N, so
they can move either way inside a range (the corner set catches it at the ends, not between them);
the breaking point falls as demand rises (a multiplier of today's traffic). target_utilisation and
replication_factor are design choices more than inputs: allowed, not ranged by default.

Sensitivity: each input alone at its two ends (the others expected), the swing of each figure between
them, ranked: a tornado chart's data (`Tornado`), largest swing first. Without ranges, the demand
inputs the plan uses are varied by +-20 %.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Any

from archplan.planner import units
from archplan.planner.catalog import Catalog, default_catalog
from archplan.planner.compare import PLAN_FIGURES, Measure
from archplan.planner.engine import compute
from archplan.planner.model import RANGE_INPUTS, Plan, TrafficProfile
from archplan.planner.result import PlanResult

#: Up to this many ranged inputs, every corner of the box is computed (2^k).
FULL_CORNERS = 5
DEFAULT_SPREAD = 0.2
#: The figures a sensitivity ranking is drawn for by default (keys of PLAN_FIGURES).
TORNADO_FIGURES = ("cost", "instances", "latency_p99")
#: Inputs varied by default (the demand a plan is sized for), when the plan uses them (non-zero).
DEMAND_INPUTS = ("dau", "reads_per_user", "writes_per_user", "peak_factor", "request_size", "response_size",
                 "record_size", "media_fraction", "media_size", "media_read_fraction", "retention", "yearly_growth")
_SIZES = ("request_size", "response_size", "record_size", "media_size")
#: How each input is read and shown: users, size, duration or a plain number.
UNIT = {name: "users" if name in ("dau", "mau") else "size" if name in _SIZES else
        "duration" if name == "retention" else "number" for name in RANGE_INPUTS}
_PARSE = {"users": units.parse_count, "size": units.parse_size, "duration": units.parse_duration,
          "number": units.parse_count}
_FORMAT = {"users": units.format_count, "size": units.format_size, "duration": units.format_duration,
           "number": lambda v: f"{v:.4g}"}


def show_input(name: str, value: float) -> str:
    """A traffic input's value in its own unit (users, size, duration or a plain number), as ranges are
    written: show_input("dau", 8e7) == "80M"."""
    return _FORMAT[UNIT[name]](value)


class RangeError(ValueError):
    """A range that cannot be read or does not fit the input."""


@dataclass(frozen=True)
class InputRange:
    name: str
    low: float
    expected: float
    high: float

    def text(self) -> str:
        return f"{self.name} {show_input(self.name, self.low)}..{show_input(self.name, self.high)}"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "low": self.low, "expected": self.expected, "high": self.high,
                "unit": UNIT[self.name]}


def value_of(plan: Plan, name: str) -> float:
    """The plan's point value of a traffic input (dau: the daily users it works with)."""
    if name == "dau":
        return plan.traffic.daily_active_users
    value = getattr(plan.traffic, name)
    return 0.0 if value is None else float(value)


def _checked(plan: Plan, name: str, low: float, high: float, expected: float | None = None) -> InputRange:
    if name not in RANGE_INPUTS:
        raise RangeError(f"{name!r} is not a traffic input that can be a range (one of {', '.join(RANGE_INPUTS)})")
    if name == "mau" and plan.traffic.dau is not None:
        raise RangeError("the plan gives daily users (dau), so mau is not used: give the range of dau")
    if name == "active_ratio" and plan.traffic.dau is not None:
        raise RangeError("the plan gives daily users (dau), so active_ratio is not used: give the range of dau")
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise RangeError(f"range of {name}: low {low:g} must not be above high {high:g}")
    for end in (low, high):
        try:
            TrafficProfile.model_validate({**plan.traffic.model_dump(), name: end})
        except ValueError as exc:
            errors = getattr(exc, "errors", lambda: [])()
            problem = errors[0]["msg"] if errors else str(exc)
            raise RangeError(f"range of {name}: {end:g} is not a valid value ({problem})") from None
    point = value_of(plan, name) if expected is None else expected
    if not low <= point <= high:
        point = (low + high) / 2
    return InputRange(name, low, point, high)


_SPREAD = re.compile(r"^(?P<centre>.*?)\s*(?:\+-|±|\+/-)\s*(?P<spread>[^%]+?)\s*(?P<percent>%?)$")


def parse_range(plan: Plan, name: str, text: str) -> InputRange:
    """``80M..120M``, ``100M+-20%``, ``+-20%`` (around the plan's value), ``100M+-20M``; a single value
    is a range of one point."""
    name = name.strip().replace("-", "_")
    if name not in RANGE_INPUTS:
        raise RangeError(f"{name!r} is not a traffic input that can be a range (one of {', '.join(RANGE_INPUTS)})")
    parse = _PARSE[UNIT[name]]
    text = text.strip()
    try:
        if ".." in text:
            low, high = (parse(part.strip()) for part in text.split("..", 1))
            return _checked(plan, name, low, high)
        match = _SPREAD.match(text)
        if match:
            centre = parse(match["centre"]) if match["centre"].strip() else value_of(plan, name)
            spread = float(match["spread"]) / 100 * centre if match["percent"] else parse(match["spread"])
            return _checked(plan, name, max(0.0, centre - spread), centre + spread, centre)
        value = parse(text)
    except (units.UnitError, ValueError) as exc:
        if isinstance(exc, RangeError):
            raise
        raise RangeError(f"range of {name}: {exc} (write 80M..120M, 100M+-20% or +-20%)") from None
    return _checked(plan, name, value, value, value)


def plan_ranges(plan: Plan) -> list[InputRange]:
    """The ranges the plan keeps (Plan.ranges)."""
    return [_checked(plan, name, low, high) for name, (low, high) in plan.ranges.items()]


def default_inputs(plan: Plan, spread: float = DEFAULT_SPREAD) -> list[InputRange]:
    """The demand inputs the plan uses, each +- `spread` (kept within what the input allows); the plan's
    own ranges replace them."""
    own = {r.name: r for r in plan_ranges(plan)}
    out = []
    for name in DEMAND_INPUTS:
        if name in own:
            continue
        value = value_of(plan, name)
        if value <= 0:
            continue
        low, high = value * (1 - spread), value * (1 + spread)
        if name == "peak_factor":
            low = max(1.0, low)
        if name.endswith("fraction"):
            high = min(1.0, high)
        out.append(_checked(plan, name, low, high, value))
    return out + list(own.values())


def with_inputs(plan: Plan, values: dict[str, float]) -> Plan:
    """A copy of the plan with these traffic inputs (the plan itself is not touched)."""
    if not values:
        return plan
    traffic = TrafficProfile.model_validate({**plan.traffic.model_dump(), **values})
    return plan.model_copy(update={"traffic": traffic})


# ------------------------------------------------------------------------------------------ evaluation

class _Evaluator:
    """Computes the plan at input points, once each; keeps only the measured figures."""

    def __init__(self, plan: Plan, measures: tuple[Measure, ...], multiplier: float, catalog: Catalog):
        self.plan, self.measures, self.multiplier, self.catalog = plan, measures, multiplier, catalog
        self.seen: dict[tuple[tuple[str, float], ...], dict[str, float | None]] = {}
        self.results: dict[tuple[tuple[str, float], ...], PlanResult] = {}

    def __call__(self, values: dict[str, float], keep: bool = False) -> dict[str, float | None]:
        key = tuple(sorted(values.items()))
        if key not in self.seen:
            result = compute(with_inputs(self.plan, values), multiplier=self.multiplier, catalog=self.catalog)
            self.seen[key] = {m.key: m.read(result) for m in self.measures}
            if keep:
                self.results[key] = result
        return self.seen[key]


@dataclass(frozen=True)
class FigureRange:
    key: str
    label: str
    unit: str
    better: str
    low: float | None
    expected: float | None
    high: float | None
    low_at: dict[str, float]        # the inputs that give the low (high) value
    high_at: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "unit": self.unit, "low": _clean(self.low),
                "expected": _clean(self.expected), "high": _clean(self.high), "low_at": self.low_at,
                "high_at": self.high_at}


@dataclass(frozen=True)
class RangeReport:
    inputs: tuple[InputRange, ...]
    figures: tuple[FigureRange, ...]
    method: str                     # "every corner" or "one at a time, then the bounding corners"
    evaluations: int
    expected: PlanResult            # the plan at the expected inputs

    def figure(self, key: str) -> FigureRange:
        return next(f for f in self.figures if f.key == key)

    def as_dict(self) -> dict[str, Any]:
        return {"inputs": [r.as_dict() for r in self.inputs], "method": self.method, "evaluations": self.evaluations,
                "figures": [f.as_dict() for f in self.figures]}


def _clean(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, float) and math.isinf(value)) else value


def _order(value: float | None) -> float:
    return -math.inf if value is None else value


def evaluate_ranges(plan: Plan, inputs: list[InputRange], multiplier: float = 1.0,
                    catalog: Catalog | None = None, measures: tuple[Measure, ...] = PLAN_FIGURES) -> RangeReport:
    """Low / expected / high of every figure over the box of input ranges."""
    catalog = catalog or default_catalog()
    evaluate = _Evaluator(plan, measures, multiplier, catalog)
    expected_values = {r.name: r.expected for r in inputs}
    expected = evaluate(expected_values, keep=True)
    points: list[dict[str, float]] = [expected_values]
    varying = [r for r in inputs if r.low < r.high]
    if len(varying) <= FULL_CORNERS:
        method = "every corner"
        for ends in itertools.product(*((r.low, r.high) for r in varying)):
            points.append({**expected_values, **{r.name: v for r, v in zip(varying, ends)}})
    else:
        method = "one at a time, then the bounding corners"
        alone = {r.name: (evaluate({**expected_values, r.name: r.low}), evaluate({**expected_values, r.name: r.high}))
                 for r in varying}
        points += [{**expected_values, r.name: v} for r in varying for v in (r.low, r.high)]
        for m in measures:
            for sign in (-1, 1):
                corner, ties = dict(expected_values), []
                for r in varying:
                    at_low, at_high = alone[r.name][0][m.key], alone[r.name][1][m.key]
                    if at_low is None or at_high is None or at_low == at_high:
                        ties.append(r)  # no effect alone: it may have one with the others moved
                        continue
                    corner[r.name] = r.high if (at_high > at_low) == (sign > 0) else r.low
                for r in ties:  # one pass: each such input to whichever end pushes the figure further
                    ends = [{**corner, r.name: v} for v in (r.low, r.high)]
                    found = [(e, evaluate(e)[m.key]) for e in ends]
                    found = [(e, v) for e, v in found if v is not None]
                    if found:
                        corner = (max if sign > 0 else min)(found, key=lambda ev: _order(ev[1]))[0]
                points.append(corner)
    values = [(p, evaluate(p)) for p in points]
    figures = []
    for m in measures:
        seen = [(p, v[m.key]) for p, v in values if v[m.key] is not None and not math.isnan(v[m.key])]
        if not seen:
            figures.append(FigureRange(m.key, m.label, m.unit, m.better, None, expected[m.key], None, {}, {}))
            continue
        low_at, low = min(seen, key=lambda pv: _order(pv[1]))
        high_at, high = max(seen, key=lambda pv: _order(pv[1]))
        figures.append(FigureRange(m.key, m.label, m.unit, m.better, low, expected[m.key], high,
                                   {r.name: low_at[r.name] for r in varying},
                                   {r.name: high_at[r.name] for r in varying}))
    key = tuple(sorted(expected_values.items()))
    return RangeReport(tuple(inputs), tuple(figures), method, len(evaluate.seen), evaluate.results[key])


# ------------------------------------------------------------------------------------------ sensitivity

@dataclass(frozen=True)
class Bar:
    """One input of a tornado: the figure with the input at its low and at its high end."""

    input: str
    low_value: float
    high_value: float
    at_low: float | None
    at_high: float | None

    def range_text(self) -> str:
        """The input's two ends, in its unit: "80M..120M"."""
        return f"{show_input(self.input, self.low_value)}..{show_input(self.input, self.high_value)}"

    @property
    def swing(self) -> float:
        if self.at_low is None or self.at_high is None:
            return 0.0
        if math.isinf(self.at_low) or math.isinf(self.at_high):
            return 0.0 if self.at_low == self.at_high else math.inf
        swing = abs(self.at_high - self.at_low)
        return 0.0 if swing <= 1e-9 * max(abs(self.at_low), abs(self.at_high)) else swing  # rounding noise

    def as_dict(self) -> dict[str, Any]:
        return {"input": self.input, "low_value": self.low_value, "high_value": self.high_value,
                "at_low": _clean(self.at_low), "at_high": _clean(self.at_high), "swing": _clean(self.swing)}


@dataclass(frozen=True)
class Tornado:
    """A figure's sensitivity to each input, largest swing first."""

    key: str
    label: str
    unit: str
    base: float | None
    bars: tuple[Bar, ...]

    def extent(self) -> tuple[float, float]:
        """(low, high) of the value axis a chart needs: every finite end and the base; widened around a single
        value so the axis never has zero length."""
        values = [v for b in self.bars for v in (b.at_low, b.at_high) if v is not None and math.isfinite(v)]
        if self.base is not None and math.isfinite(self.base):
            values.append(self.base)
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        if hi <= lo:
            lo, hi = lo - 0.5 * abs(lo or 1), hi + 0.5 * abs(hi or 1)
        return lo, hi

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "unit": self.unit, "base": _clean(self.base),
                "bars": [b.as_dict() for b in self.bars]}


@dataclass(frozen=True)
class Sensitivity:
    inputs: tuple[InputRange, ...]
    tornados: tuple[Tornado, ...]

    def tornado(self, key: str) -> Tornado:
        return next(t for t in self.tornados if t.key == key)

    def ranking(self, key: str) -> list[str]:
        """The inputs, from the one that moves the figure most."""
        return [b.input for b in self.tornado(key).bars]

    def as_dict(self) -> dict[str, Any]:
        return {"inputs": [r.as_dict() for r in self.inputs], "tornados": [t.as_dict() for t in self.tornados]}


def sensitivity(plan: Plan, inputs: list[InputRange] | None = None, figures: tuple[str, ...] = TORNADO_FIGURES,
                multiplier: float = 1.0, catalog: Catalog | None = None) -> Sensitivity:
    """Each input alone at its ends; the figures' swings ranked (default inputs: `default_inputs`)."""
    catalog = catalog or default_catalog()
    inputs = default_inputs(plan) if inputs is None else inputs
    by_key = {m.key: m for m in PLAN_FIGURES}
    unknown = [f for f in figures if f not in by_key]
    if unknown:
        raise RangeError(f"no figure {unknown[0]!r} (one of {', '.join(by_key)})")
    measures = tuple(by_key[f] for f in figures)
    evaluate = _Evaluator(plan, measures, multiplier, catalog)
    expected_values = {r.name: r.expected for r in inputs}
    base = evaluate(expected_values)
    tornados = []
    for m in measures:
        bars = []
        for r in inputs:
            at_low = evaluate({**expected_values, r.name: r.low})[m.key]
            at_high = evaluate({**expected_values, r.name: r.high})[m.key]
            bars.append(Bar(r.name, r.low, r.high, at_low, at_high))
        bars.sort(key=lambda b: (-b.swing, b.input))
        tornados.append(Tornado(m.key, m.label, m.unit, base[m.key], tuple(bars)))
    return Sensitivity(tuple(inputs), tuple(tornados))
