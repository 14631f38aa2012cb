"""
Plan A vs plan B: which components were added, removed or changed, and how the figures that decide a
design moved (peak QPS, instances, storage, latency, availability, cost, breaking point).

Components are matched by id first, then by name and kind (case-insensitive name), so a plan
re-imported from code, whose ids differ, still lines up with the drawn one. Every figure is read from
the two `PlanResult`s (both plans computed by planner.engine): nothing is recomputed here, and a
delta is exactly B's figure minus A's.

The compared figures are data (`PLAN_FIGURES`, `COMPONENT_FIGURES`): to compare a new figure, add one
entry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archplan.planner.model import Component, Plan
from archplan.planner.result import ComponentResult, PlanResult

#: Plan fields that do not change what a component is (where it is drawn, its free text).
IGNORED_FIELDS = ("id", "position", "notes")


def _worst(values) -> float | None:
    values = [v for v in values if v is not None]
    return max(values) if values else None


@dataclass(frozen=True)
class Measure:
    """A compared figure: its key, how to show it, and how to read it from a result."""

    key: str
    label: str
    unit: str                        # qps / count / size / duration / availability / money / multiplier / users
    read: Callable[[Any], float | None]
    better: str = "lower"            # which way is good: "lower", "higher" or "" (neither)


#: Figures of the whole plan, read from a PlanResult.
PLAN_FIGURES: tuple[Measure, ...] = (
    Measure("peak_qps", "peak QPS at the entry", "qps", lambda r: r.totals.entry_qps_peak, ""),
    Measure("instances", "instances", "count", lambda r: r.totals.instances),
    Measure("storage", "storage with copies", "size", lambda r: r.totals.storage_replicated),
    Measure("latency", "latency (worst client, mean)", "duration",
            lambda r: _worst(max(c.read_latency, c.write_latency) for c in r.clients.values())),
    Measure("latency_p99", "latency p99 (worst client)", "duration",
            lambda r: _worst(max(c.read_p99, c.write_p99) for c in r.clients.values())),
    Measure("availability", "availability (worst client)", "availability", lambda r: r.totals.availability,
            "higher"),
    Measure("cost", "cost per month", "money", lambda r: r.totals.monthly_cost),
    Measure("breaking_point", "breaking point (traffic x)", "multiplier",
            lambda r: r.breaking_point.multiplier_at_target, "higher"),
    Measure("breaking_dau", "breaking point (daily users)", "users", lambda r: r.breaking_point.dau_at_target,
            "higher"),
)

#: Figures of one component, read from its ComponentResult.
COMPONENT_FIGURES: tuple[Measure, ...] = (
    Measure("peak_qps", "peak QPS", "qps", lambda c: c.qps_peak, ""),
    Measure("instances", "instances", "count", lambda c: c.count),
    Measure("storage", "storage", "size", lambda c: c.storage_replicated),
    Measure("latency", "latency (mean)", "duration", lambda c: c.latency),
    Measure("latency_p99", "latency p99", "duration", lambda c: c.p99),
    Measure("availability", "availability", "availability", lambda c: c.availability, "higher"),
    Measure("cost", "cost per month", "money", lambda c: c.monthly_cost),
)


@dataclass(frozen=True)
class Delta:
    """One figure in A and in B."""

    key: str
    label: str
    unit: str
    a: float | None
    b: float | None
    better: str = "lower"

    @property
    def delta(self) -> float | None:
        if self.a is None or self.b is None:
            return None
        if math.isinf(self.a) or math.isinf(self.b):  # a saturated figure: equal or not comparable
            return 0.0 if self.a == self.b else None
        return self.b - self.a

    @property
    def ratio(self) -> float | None:
        """B / A (None when A is 0 or a value is missing)."""
        if self.a in (None, 0) or self.b is None or math.isinf(self.a):
            return None
        return self.b / self.a

    def as_dict(self) -> dict:
        def clean(v):
            return None if v is None or (isinstance(v, float) and (math.isinf(v) or math.isnan(v))) else v
        return {"key": self.key, "label": self.label, "unit": self.unit, "a": clean(self.a), "b": clean(self.b),
                "delta": clean(self.delta), "ratio": clean(self.ratio)}


@dataclass(frozen=True)
class Match:
    """A component of A and its counterpart in B."""

    a: str
    b: str
    name: str
    kind_a: str
    kind_b: str
    by: str                              # "id" or "name and kind"
    changed: tuple[str, ...]             # plan fields that differ (kind, instances, capacity, ...)
    figures: tuple[Delta, ...]

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "name": self.name, "kind_a": self.kind_a, "kind_b": self.kind_b,
                "matched_by": self.by, "changed": list(self.changed), "figures": [d.as_dict() for d in self.figures]}


@dataclass(frozen=True)
class Side:
    """A component only one plan has."""

    id: str
    name: str
    kind: str
    figures: tuple[Delta, ...] = ()

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "figures": [d.as_dict() for d in self.figures]}


@dataclass(frozen=True)
class Comparison:
    a_name: str
    b_name: str
    added: tuple[Side, ...]
    removed: tuple[Side, ...]
    matched: tuple[Match, ...]
    totals: tuple[Delta, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> tuple[Match, ...]:
        return tuple(m for m in self.matched if m.changed)

    def total(self, key: str) -> Delta:
        for delta in self.totals:
            if delta.key == key:
                return delta
        raise KeyError(key)

    def as_dict(self) -> dict:
        return {"a": self.a_name, "b": self.b_name, "totals": [d.as_dict() for d in self.totals],
                "added": [s.as_dict() for s in self.added], "removed": [s.as_dict() for s in self.removed],
                "changed": [m.as_dict() for m in self.changed],
                "unchanged": [m.as_dict() for m in self.matched if not m.changed]}


def match_components(a: Plan, b: Plan) -> list[tuple[Component, Component, str]]:
    """(component of A, component of B, how) pairs: by id, then by name and kind."""
    b_by_id = {c.id: c for c in b.components}
    pairs: list[tuple[Component, Component, str]] = []
    used_b: set[str] = set()
    rest = []
    for comp in a.components:
        other = b_by_id.get(comp.id)
        if other is not None and (other.kind == comp.kind or other.name.casefold() == comp.name.casefold()):
            pairs.append((comp, other, "id"))
            used_b.add(other.id)
        else:
            rest.append(comp)
    by_name_kind: dict[tuple[str, str], list[Component]] = {}
    for comp in b.components:
        if comp.id not in used_b:
            by_name_kind.setdefault((comp.name.casefold(), comp.kind), []).append(comp)
    for comp in rest:
        candidates = by_name_kind.get((comp.name.casefold(), comp.kind))
        if candidates:
            other = candidates.pop(0)
            pairs.append((comp, other, "name and kind"))
            used_b.add(other.id)
    return pairs


def changed_fields(a: Component, b: Component) -> tuple[str, ...]:
    """The plan fields that differ between two matched components (ignoring where they are drawn)."""
    da, db = a.model_dump(exclude=set(IGNORED_FIELDS)), b.model_dump(exclude=set(IGNORED_FIELDS))
    return tuple(k for k in da if da[k] != db[k])


def _figures(measures: tuple[Measure, ...], ra, rb) -> tuple[Delta, ...]:
    out = []
    for m in measures:
        a = m.read(ra) if ra is not None else None
        b = m.read(rb) if rb is not None else None
        if a is None and b is None:
            continue
        out.append(Delta(m.key, m.label, m.unit, a, b, m.better))
    return tuple(out)


def compare(a: Plan, ra: PlanResult, b: Plan, rb: PlanResult) -> Comparison:
    """Plan A (computed as `ra`) against plan B (computed as `rb`)."""
    pairs = match_components(a, b)
    matched_a = {pa.id for pa, _pb, _how in pairs}
    matched_b = {pb.id for _pa, pb, _how in pairs}
    matches = []
    for pa, pb, how in pairs:
        ca: ComponentResult | None = ra.components.get(pa.id)
        cb: ComponentResult | None = rb.components.get(pb.id)
        matches.append(Match(pa.id, pb.id, pb.name, pa.kind, pb.kind, how, changed_fields(pa, pb),
                             _figures(COMPONENT_FIGURES, ca, cb)))
    removed = tuple(Side(c.id, c.name, c.kind, _figures(COMPONENT_FIGURES, ra.components.get(c.id), None))
                    for c in a.components if c.id not in matched_a)
    added = tuple(Side(c.id, c.name, c.kind, _figures(COMPONENT_FIGURES, None, rb.components.get(c.id)))
                  for c in b.components if c.id not in matched_b)
    notes = []
    if ra.multiplier != rb.multiplier:
        notes.append(f"A is computed at traffic x{ra.multiplier:g}, B at x{rb.multiplier:g}")
    return Comparison(a.name, b.name, added, removed, tuple(matches), _figures(PLAN_FIGURES, ra, rb), tuple(notes))
