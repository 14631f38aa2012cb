"""
Budgets: the limits a design must meet (planner.model.Budgets), checked against a computed result.

`evaluate(budgets, result)` turns every budget that is set into `Check`s: the budget, the figure read
from the `PlanResult` (nothing is computed here), the margin and pass / fail. The CLI (`archplan check`),
the results header, the PDF and the pytest plugin all show these checks.

Which figure each budget reads:

- max_monthly_cost: `totals.monthly_cost`.
- min_availability, max_read_p99, max_write_p99: one check per client (`ClientResult.availability`,
  `read_p99`, `write_p99`); a client's own budget (`budgets.clients[id]`) replaces the plan-wide one.
- min_headroom: `breaking_point.multiplier_at_target`, the traffic multiplier at which the first component
  reaches its planned ceiling; infinite (every component scales out) meets any headroom.
- max_utilisation: the highest `ComponentResult.utilisation` at peak among the components without a
  utilisation budget of their own (one check, naming the worst component); each component budget is a
  check of its own, with its p99 and availability budgets.

A budget that cannot be read (a client or component the plan no longer has, a plan without clients)
fails: a check that proves nothing must not pass in CI.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from archplan.planner import units
from archplan.planner.model import Budgets
from archplan.planner.result import PlanResult

Limit = Literal["max", "min"]

#: CLI / API override name -> the Budgets fields it sets (and the client / component fields it replaces).
OVERRIDES: dict[str, tuple[tuple[str, ...], str | None, tuple[str, ...]]] = {
    # name: (plan-wide fields, per-subject table, per-subject fields)
    "max_monthly_cost": (("max_monthly_cost",), None, ()),
    "min_availability": (("min_availability",), "clients", ("min_availability",)),
    "max_p99": (("max_read_p99", "max_write_p99"), "clients", ("max_read_p99", "max_write_p99")),
    "max_read_p99": (("max_read_p99",), "clients", ("max_read_p99",)),
    "max_write_p99": (("max_write_p99",), "clients", ("max_write_p99",)),
    "min_headroom": (("min_headroom",), None, ()),
    "max_utilisation": (("max_utilisation",), "components", ("max_utilisation",)),
}


@dataclass(frozen=True)
class Check:
    """One budget against its figure. `margin` is the room left in the budget's unit: positive when the
    budget holds, negative by how much it is missed."""

    key: str                    # stable id: "max_read_p99[web]", "max_monthly_cost", ...
    label: str                  # what is measured, for people: "read p99, Web client"
    unit: str                   # money / availability / duration / multiplier / percent
    limit: Limit                # "max": the figure must stay at or under the budget; "min": at or above
    budget: float
    figure: float | None        # None: the figure could not be read (the check fails; see detail)
    subject: str | None = None  # the client or component id it is about
    detail: str = ""            # which component breaks first, the worst component, why no figure
    source: str = "plan"        # "plan", or "override" when a flag / argument replaced the plan's budget

    @property
    def passed(self) -> bool:
        figure = self.figure
        if figure is None or math.isnan(figure):
            return False
        if math.isclose(figure, self.budget, rel_tol=1e-12, abs_tol=1e-15):
            return True
        return figure <= self.budget if self.limit == "max" else figure >= self.budget

    @property
    def margin(self) -> float | None:
        if self.figure is None or math.isnan(self.figure):
            return None
        if math.isinf(self.figure) and math.isinf(self.budget):
            return 0.0
        return self.budget - self.figure if self.limit == "max" else self.figure - self.budget

    @property
    def status(self) -> str:
        return "pass" if self.passed else "fail"

    # ------------------------------------------------------------------ as people read it
    @property
    def budget_text(self) -> str:
        return ("≤ " if self.limit == "max" else "≥ ") + format_value(self.unit, self.budget, budget=True)

    @property
    def figure_text(self) -> str:
        return "not computed" if self.figure is None or math.isnan(self.figure) else format_value(self.unit,
                                                                                                  self.figure)

    @property
    def margin_text(self) -> str:
        margin = self.margin
        if margin is None:
            return "-"
        amount = format_amount(self.unit, abs(margin))
        if self.passed:
            return f"{amount} to spare" if margin else "exactly at the budget"
        return f"{amount} over" if self.limit == "max" else f"{amount} short"

    def sentence(self) -> str:
        """'read p99, Web client: 250 ms against a budget of ≤ 200 ms (50 ms over)'."""
        text = f"{self.label}: {self.figure_text} against a budget of {self.budget_text} ({self.margin_text})"
        return text + (f"; {self.detail}" if self.detail else "")

    def as_dict(self) -> dict[str, Any]:
        def clean(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) or math.isinf(value) else value

        return {"key": self.key, "label": self.label, "unit": self.unit, "limit": self.limit,
                "budget": clean(self.budget), "figure": clean(self.figure), "margin": clean(self.margin),
                "passed": self.passed, "subject": self.subject, "detail": self.detail, "source": self.source}


def format_value(unit: str, value: float, budget: bool = False) -> str:
    """A figure or a budget as people read it (a budget's availability keeps the digits it was given)."""
    if unit == "money":
        return units.format_money(value)
    if unit == "availability":
        if budget:
            return f"{value * 100:.10g} %"
        return units.format_availability(value)
    if unit == "duration":
        return "∞ (saturated)" if math.isinf(value) else units.format_duration(value)
    if unit == "multiplier":
        return units.format_multiplier(value)
    if unit == "percent":
        return units.format_percent(value)
    raise ValueError(f"unknown budget unit {unit!r}")


def format_amount(unit: str, value: float) -> str:
    """A margin (a difference) in the budget's unit: percentage points for shares."""
    if math.isinf(value):
        return "∞"
    if unit in ("availability", "percent"):
        return f"{value * 100:.2g} pt" if unit == "availability" else f"{value * 100:.1f} pt"
    if unit == "multiplier":
        return f"x{value:.3g}"
    return format_value(unit, value)


# ---------------------------------------------------------------------------------------- overrides

def with_overrides(budgets: Budgets, **values: float | None) -> tuple[Budgets, frozenset[str]]:
    """The budgets with some replaced (CLI flags, assert_budget arguments), and the fields replaced.

    An override replaces the plan's budget of that measure everywhere it is set: `max_p99=0.2` is the
    read and write p99 budget of every client for this check, whatever the clients' own budgets say;
    `max_utilisation` replaces the components' own utilisation budgets the same way. Values of None are
    ignored. Names: see OVERRIDES."""
    unknown = set(values) - set(OVERRIDES)
    if unknown:
        raise ValueError(f"no budget named {sorted(unknown)[0]!r} (known: {', '.join(OVERRIDES)})")
    data = budgets.model_dump()
    replaced: set[str] = set()
    for name, value in values.items():
        if value is None:
            continue
        fields, table, subject_fields = OVERRIDES[name]
        for field in fields:
            data[field] = value
            replaced.add(field)
        if table:
            for entry in data[table].values():
                for field in subject_fields:
                    entry[field] = None
    return Budgets.model_validate(data), frozenset(replaced)


# ---------------------------------------------------------------------------------------- evaluation

def evaluate(budgets: Budgets, result: PlanResult, overridden: Iterable[str] = ()) -> list[Check]:
    """Every budget that is set, as checks against `result` (in a stable order: cost, headroom,
    utilisation, then clients, then components). `overridden` names the Budgets fields that came from
    an override (their checks say so)."""
    overridden = frozenset(overridden)

    def source(field: str) -> str:
        return "override" if field in overridden else "plan"

    checks: list[Check] = []
    if budgets.max_monthly_cost is not None:
        checks.append(Check("max_monthly_cost", "monthly cost", "money", "max", budgets.max_monthly_cost,
                            result.totals.monthly_cost, source=source("max_monthly_cost")))
    if budgets.min_headroom is not None:
        checks.append(_headroom(budgets.min_headroom, result, source("min_headroom")))
    if budgets.max_utilisation is not None:
        checks.append(_worst_utilisation(budgets, result, source("max_utilisation")))
    checks += _client_checks(budgets, result, source)
    checks += _component_checks(budgets, result)
    return checks


def _headroom(budget: float, result: PlanResult, source: str) -> Check:
    bp = result.breaking_point
    names = {cid: r.name for cid, r in result.components.items()}
    if bp.component and math.isfinite(bp.multiplier_at_target):
        detail = f"{names.get(bp.component, bp.component)} reaches its ceiling on {bp.resource} first"
    else:
        detail = "every component scales out: no breaking point within the model"
    return Check("min_headroom", "headroom to the breaking point", "multiplier", "min", budget,
                 bp.multiplier_at_target, subject=bp.component, detail=detail, source=source)


def _servers(result: PlanResult):
    return [r for r in result.components.values() if r.behaviour != "client"]


def _worst_utilisation(budgets: Budgets, result: PlanResult, source: str) -> Check:
    own = {cid for cid, b in budgets.components.items() if b.max_utilisation is not None}
    covered = [r for r in _servers(result) if r.id not in own]
    if not covered:
        return Check("max_utilisation", "utilisation at peak, every component", "percent", "max",
                     budgets.max_utilisation, 0.0, detail="no component to check", source=source)
    worst = max(covered, key=lambda r: r.utilisation)
    return Check("max_utilisation", "utilisation at peak, every component", "percent", "max", budgets.max_utilisation,
                 worst.utilisation, subject=worst.id, detail=f"highest: {worst.name} ({worst.binding})", source=source)


#: client measure -> (label, unit, limit, how to read it)
_CLIENT_MEASURES = (
    ("min_availability", "availability", "availability", "min", lambda c: c.availability),
    ("max_read_p99", "read p99", "duration", "max", lambda c: c.read_p99),
    ("max_write_p99", "write p99", "duration", "max", lambda c: c.write_p99),
)


def _client_checks(budgets: Budgets, result: PlanResult, source) -> list[Check]:
    checks: list[Check] = []
    for field, label, unit, limit, read in _CLIENT_MEASURES:
        plan_wide = getattr(budgets, field)
        if plan_wide is not None and not result.clients:
            checks.append(Check(field, f"{label}, every client", unit, limit, plan_wide, None,
                                detail="the plan has no client", source=source(field)))
        for cid, client in result.clients.items():
            own = budgets.clients.get(cid)
            budget = getattr(own, field) if own is not None else None
            if budget is None:
                budget = plan_wide
            if budget is None:
                continue
            checks.append(Check(f"{field}[{cid}]", f"{label}, {client.name}", unit, limit, budget,
                                _read(read, client), subject=cid, source=source(field)))
        for cid, own in budgets.clients.items():
            if cid not in result.clients and getattr(own, field) is not None:
                checks.append(Check(f"{field}[{cid}]", f"{label}, {cid}", unit, limit, getattr(own, field), None,
                                    subject=cid, detail=f"the plan has no client {cid!r}", source=source(field)))
    return checks


#: component measure -> (key prefix, label, unit, limit, how to read it)
_COMPONENT_MEASURES = (
    ("max_utilisation", "max_utilisation", "utilisation at peak", "percent", "max", lambda r: r.utilisation),
    ("max_p99", "component_max_p99", "p99", "duration", "max", lambda r: r.p99),
    ("min_availability", "component_min_availability", "availability", "availability", "min",
     lambda r: r.availability),
)


def _component_checks(budgets: Budgets, result: PlanResult) -> list[Check]:
    checks: list[Check] = []
    for cid, own in budgets.components.items():
        component = result.components.get(cid)
        for field, prefix, label, unit, limit, read in _COMPONENT_MEASURES:
            budget = getattr(own, field)
            if budget is None:
                continue
            if component is None:
                checks.append(Check(f"{prefix}[{cid}]", f"{label}, {cid}", unit, limit, budget, None, subject=cid,
                                    detail=f"the plan has no component {cid!r}"))
                continue
            checks.append(Check(f"{prefix}[{cid}]", f"{label}, {component.name}", unit, limit, budget,
                                _read(read, component), subject=cid))
    return checks


def _read(read, item) -> float | None:
    try:
        value = float(read(item))
    except (KeyError, TypeError, ValueError):  # a figure the engine did not work out
        return None
    return None if math.isnan(value) else value


# ---------------------------------------------------------------------------------------- summaries

def failed(checks: Iterable[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


def summary_line(checks: list[Check]) -> str:
    """'All 5 budgets met' / '2 of 5 budgets missed' / 'No budgets set'."""
    if not checks:
        return "No budgets set"
    missed = len(failed(checks))
    total = len(checks)
    noun = "budget" if total == 1 else "budgets"
    if not missed:
        return f"All {total} {noun} met" if total > 1 else "The budget is met"
    return f"{missed} of {total} {noun} missed"


def by_key(checks: Iterable[Check]) -> Mapping[str, Check]:
    return {c.key: c for c in checks}
