"""
What `compute(plan)` returns: frozen, derived data that is never stored in the plan file.

Every headline number also appears in ``figures`` as a `Figure`, which carries the formula and the
values substituted ("show your work").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from archplan.planner.formulas import Figure

Severity = Literal["error", "warning", "info"]


class Finding(NamedTuple):
    """A modelling problem shown to the user (not an exception). Immutable (a NamedTuple: a large plan
    may have thousands)."""

    severity: Severity
    code: str
    message: str
    component: str | None = None
    advice: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "component": self.component,
                "message": self.message, "advice": self.advice}


class ComponentResult(NamedTuple):
    """Figures of one component at peak (rates per second, sizes in bytes, latency in seconds).

    Immutable (a NamedTuple: cheap to create for 10,000 components)."""

    id: str
    name: str
    kind: str
    behaviour: str
    reads_avg: float
    writes_avg: float
    reads_peak: float
    writes_peak: float
    load: float                 # instances' worth of work on the binding resource (100 % busy)
    binding: str                # throughput / bandwidth / storage / memory / none
    needed: int                 # instances needed before redundancy
    recommended: int            # with redundancy (HA / N+1)
    count: int                  # deployed: the user's fixed count, else the recommended one
    fixed: bool
    utilisation: float          # at `count`, on the binding resource
    ceiling: float              # planned ceiling of that resource (target utilisation, fill ratio, usable memory)
    storage_per_day: float
    storage_total: float        # over the retention, with growth, one copy
    storage_replicated: float   # with every copy: what the disks hold
    memory: float               # cache hot set
    bandwidth_in: float         # peak bytes/s received
    bandwidth_out: float        # peak bytes/s returned
    latency: float              # mean response time at peak (inf when saturated)
    instance_availability: float
    availability: float
    monthly_cost: float
    figures: Mapping[str, Figure]  # built on first use (planner.formulas.LazyFigures)
    details: dict[str, float]

    @property
    def qps_peak(self) -> float:
        return self.reads_peak + self.writes_peak

    @property
    def qps_avg(self) -> float:
        return self.reads_avg + self.writes_avg

    @property
    def headroom(self) -> float:
        """Utilisation relative to its planned ceiling: above 1 means over target."""
        return self.utilisation / self.ceiling if self.ceiling > 0 else math.inf

    @property
    def saturated(self) -> bool:
        """Requests or bytes at 100 % (queues grow without bound), or data / hot set beyond what fits."""
        if self.binding in ("storage", "memory"):
            return self.utilisation > 1.0 + 1e-9
        return self.utilisation >= 1.0

    def as_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self._fields if name not in ("figures", "details")}
        data["qps_peak"] = self.qps_peak
        data["qps_avg"] = self.qps_avg
        data["headroom"] = self.headroom
        data["details"] = dict(self.details)
        return {k: (None if isinstance(v, float) and math.isinf(v) else v) for k, v in data.items()}


@dataclass(frozen=True, slots=True)
class ClientResult:
    """What one client experiences end to end."""

    id: str
    name: str
    users: float
    read_latency: float         # mean, along request paths, cache-weighted, with network hops
    write_latency: float
    availability: float         # series over every component its requests need
    needs: tuple[str, ...]
    figures: Mapping[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BreakingPoint:
    """The traffic the current counts sustain, and which component breaks first."""

    component: str | None
    multiplier_at_target: float     # traffic x this keeps every component at or under target utilisation
    dau_at_target: float
    multiplier_at_saturation: float  # traffic x this drives the first component to utilisation 1
    dau_at_saturation: float
    figure: Figure | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    dau: float
    entry_qps_avg: float
    entry_qps_peak: float
    storage_per_day: float
    storage_total: float
    storage_replicated: float
    instances: int                  # servers you run (managed services and clients not counted)
    monthly_cost: float
    availability: float             # the worst client's


@dataclass(frozen=True, slots=True)
class PlanResult:
    components: dict[str, ComponentResult]
    clients: dict[str, ClientResult]
    totals: Totals
    bottleneck: str | None
    spofs: dict[str, tuple[str, ...]]
    breaking_point: BreakingPoint
    findings: tuple[Finding, ...]
    multiplier: float = 1.0

    def __getitem__(self, component_id: str) -> ComponentResult:
        return self.components[component_id]

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def figure(self, component_id: str, name: str) -> Figure:
        return self.components[component_id].figures[name]

    def all_figures(self) -> list[tuple[str, str, Figure]]:
        """(owner id, figure name, figure) for every figure of the plan: components, clients, breaking point."""
        out = [(cid, name, fig) for cid, r in self.components.items() for name, fig in r.figures.items()]
        out += [(cid, name, fig) for cid, r in self.clients.items() for name, fig in r.figures.items()]
        if self.breaking_point.figure is not None:
            out.append(("plan", "breaking_point", self.breaking_point.figure))
        return out

    def as_dict(self, explain: bool = False) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            return None if isinstance(value, float) and (math.isinf(value) or math.isnan(value)) else value

        comps = {}
        for cid, r in self.components.items():
            comps[cid] = r.as_dict()
            if explain:
                comps[cid]["work"] = {n: f.explain() for n, f in r.figures.items()}
        bp = self.breaking_point
        return {
            "multiplier": self.multiplier,
            "totals": {k: clean(getattr(self.totals, k)) for k in self.totals.__slots__},
            "bottleneck": self.bottleneck,
            "single_points_of_failure": {k: list(v) for k, v in self.spofs.items()},
            "breaking_point": {k: clean(getattr(bp, k)) for k in bp.__slots__ if k != "figure"},
            "clients": {cid: {"name": c.name, "users": c.users, "read_latency": clean(c.read_latency),
                              "write_latency": clean(c.write_latency), "availability": c.availability,
                              "needs": list(c.needs)} for cid, c in self.clients.items()},
            "components": comps,
            "findings": [f.as_dict() for f in self.findings],
        }
