"""
The figures a finding names (`Evidence`): how to print them, and how to read the same figure from another
result - the plan after its fix - so a fix's benefit is measured, never estimated by hand.

A figure is read by name from its owner: a component's result field or detail (utilisation, p99,
availability, count, monthly_cost, backlog, ...), a client's (availability, read_p99, ...), the plan's
totals (owner "plan"), or a measure a rule registers (`MEASURES`) for a figure the engine has no field for
(the load a provider sees in an outage, the survivors' utilisation after losing an instance, ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from archplan.planner import units
from archplan.planner.model import Plan
from archplan.planner.result import ComponentResult, Evidence, PlanResult

#: name -> function(plan, result, owner) -> value (None: the figure does not exist there).
MEASURES: dict[str, Callable[[Plan, PlanResult, str], float | None]] = {}

_CLIENT_FIGURES = ("availability", "read_availability", "write_availability", "read_latency", "write_latency")


def measure(name: str):
    """Register a measure (decorator)."""
    def register(function):
        MEASURES[name] = function
        return function
    return register


def read(plan: Plan, result: PlanResult, owner: str, name: str) -> float | None:
    """The figure `name` of `owner` in `result`, or None where it does not exist (a removed component)."""
    if name in MEASURES:
        return MEASURES[name](plan, result, owner)
    if owner == "plan":
        return getattr(result.totals, name, None)
    if owner in result.clients:
        client = result.clients[owner]
        if name in _CLIENT_FIGURES:
            return getattr(client, name)
        if name in ("read_p99", "write_p99"):
            return client.percentile(name.split("_")[0], 0.99)
        return None
    r = result.components.get(owner)
    if r is None:
        return None
    if name in ComponentResult._fields or name in ("headroom", "qps_peak", "qps_avg"):
        value = getattr(r, name)
        return float(value) if isinstance(value, int | float) else None
    if name in r.details:
        return r.details[name]
    return None


def label(result: PlanResult | None, e: Evidence) -> str:
    """'Primary DB utilisation', 'Web client read p99', 'plan monthly cost'."""
    if e.owner == "plan" or result is None:
        who = "plan" if e.owner == "plan" else e.owner
    elif e.owner in result.clients:
        who = result.clients[e.owner].name
    elif e.owner in result.components:
        who = result.components[e.owner].name
    else:
        who = e.owner
    return f"{who} {e.name.replace('_', ' ')}"


def fmt(value: float | None, unit: str) -> str:
    """A figure for people, in the project's one formatting (planner.units)."""
    if value is None:
        return "-"
    if isinstance(value, float) and math.isnan(value):
        return "-"
    if isinstance(value, float) and math.isinf(value):
        return "unbounded"
    if unit == "%":
        return units.format_percent(value)
    if unit == "availability":
        return units.format_availability(value)
    if unit == "s":
        return units.format_duration(value)
    if unit == "USD/month":
        return units.format_money(value) + "/month"
    if unit == "QPS":
        return units.format_qps(value)
    if unit == "B":
        return units.format_size(value)
    if unit == "B/s":
        return units.format_bandwidth(value)
    if unit == "B/month":
        return units.format_size(value) + "/month"
    if unit == "x":
        return f"x{value:.3g}"
    if unit in ("", "count"):
        return units.format_count(value)
    return f"{units.format_count(value)} {unit}"


def improved(e: Evidence, before: float | None, after: float | None) -> bool | None:
    """True when `after` is better than `before` in the figure's direction; None when not comparable."""
    if before is None or after is None or not e.better:
        return None
    if (isinstance(before, float) and math.isnan(before)) or (isinstance(after, float) and math.isnan(after)):
        return None
    if e.better == "lower":
        return after < before - 1e-12 * max(1.0, abs(before)) if math.isfinite(before) else math.isfinite(after)
    return after > before + 1e-15
