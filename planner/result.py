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

_INF = math.inf
Severity = Literal["error", "warning", "info"]
Status = Literal["none", "ok", "warn", "over"]
#: Below this share of its planned ceiling a component is comfortable (ok); up to the ceiling it is near
#: it (warn); past the ceiling, over (saturated is the extreme of over: utilisation 1 or more).
COMFORT = 0.8


class Evidence(NamedTuple):
    """A figure that fired a finding: whose (a component or client id, or "plan"), which, its value and unit
    (planner.review.figures formats it and reads it again from another result, for a fix's before/after)."""

    owner: str
    name: str
    value: float
    unit: str = ""
    better: Literal["lower", "higher", ""] = "lower"

    def as_dict(self) -> dict[str, Any]:
        value = None if isinstance(self.value, float) and not math.isfinite(self.value) else self.value
        return {"owner": self.owner, "name": self.name, "value": value, "unit": self.unit, "better": self.better}


class Finding(NamedTuple):
    """A problem of the design shown to the user (not an exception), found by a rule of the design review
    (planner/review). Immutable (a NamedTuple: a large plan may have thousands).

    ``severity`` "error" is the review's *critical* (the design fails at peak, or can lose money or data).
    ``code`` is the finding's short name (kept from the engine's first findings: saturated, spof, ...; the
    rule id for newer rules), ``rule`` the stable rule id (CAP-OVER, REL-SPOF-LB, ...)."""

    severity: Severity
    code: str
    message: str
    component: str | None = None
    advice: str = ""
    rule: str = ""
    components: tuple[str, ...] = ()   # every component concerned, `component` first
    figures: tuple[Evidence, ...] = ()  # the numbers that fired it
    source: str = ""                    # where the rule comes from (published practice, the seed notes)
    see_also: tuple[str, ...] = ()      # weaker findings folded into this one (their messages)

    def as_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "rule": self.rule, "component": self.component,
                "components": list(self.components or ((self.component,) if self.component else ())),
                "message": self.message, "advice": self.advice, "figures": [f.as_dict() for f in self.figures],
                "source": self.source, "see_also": list(self.see_also)}


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
    count_unit: str             # what it counts: instances, nodes, replicas, brokers; partitions of a managed store
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
    wait: float                 # of which queued: mean wait Wq (M/M/c)
    p50: float                  # response-time percentiles at peak (M/M/c), seconds
    p95: float
    p99: float
    workers: float              # k: requests one instance serves at once (stated, or Little's law)
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
    def status(self) -> Status:
        """The one status vocabulary of the GUI, CLI and documents: none / ok / warn / over."""
        return status_of(self.utilisation, self.ceiling)

    @property
    def saturated(self) -> bool:
        """Requests or bytes at 100 % (queues grow without bound), or data / hot set beyond what fits."""
        if self.binding in ("storage", "memory"):
            return self.utilisation > 1.0 + 1e-9
        return self.utilisation >= 1.0

    def as_dict(self) -> dict[str, Any]:
        data = self._asdict()
        del data["figures"]
        data["qps_peak"] = self.qps_peak
        data["qps_avg"] = self.qps_avg
        data["headroom"] = self.headroom
        data["status"] = self.status
        data["details"] = {k: None if v == _INF or v == -_INF else v for k, v in self.details.items()}
        for key in [k for k, v in data.items() if v == _INF or v == -_INF]:  # JSON has no infinity: null
            data[key] = None
        return data


def status_of(utilisation: float, ceiling: float) -> Status:
    """none without load; ok below COMFORT x the ceiling; warn up to the ceiling; over past it."""
    if not utilisation or math.isnan(utilisation) or utilisation <= 0:
        return "none"
    if ceiling <= 0:
        return "over"
    if utilisation < ceiling * COMFORT:
        return "ok"
    if utilisation <= ceiling * (1 + 1e-9):
        return "warn"
    return "over"


@dataclass(frozen=True, slots=True)
class ClientResult:
    """What one client experiences end to end."""

    id: str
    name: str
    users: float
    read_latency: float         # mean, along request paths, cache-weighted, with network hops
    write_latency: float
    availability: float         # share of its requests served (reads and writes weighted by volume)
    needs: tuple[str, ...]
    figures: Mapping[str, Figure] = field(default_factory=dict)
    share: float = 1.0          # its fraction of the users (planner.engine.ClientShares)
    read_availability: float = 1.0
    write_availability: float = 1.0
    #: {client id: {("read" | "write", p): seconds}}: end-to-end percentiles (planner.paths), worked out on first use
    path_percentiles: Mapping[str, Mapping[tuple[str, float], float]] = field(default_factory=dict, repr=False)

    def percentile(self, operation: str, p: float) -> float:
        """End-to-end response-time percentile (s) of its reads or writes, e.g. percentile("read", 0.99)."""
        return self.path_percentiles[self.id][(operation, p)]

    @property
    def read_p99(self) -> float:
        return self.percentile("read", 0.99)

    @property
    def write_p99(self) -> float:
        return self.percentile("write", 0.99)

    def as_dict(self) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            return None if isinstance(value, float) and (math.isinf(value) or math.isnan(value)) else value

        data = {"name": self.name, "users": self.users, "share": self.share,
                "read_latency": clean(self.read_latency), "write_latency": clean(self.write_latency),
                "availability": self.availability, "read_availability": self.read_availability,
                "write_availability": self.write_availability, "needs": list(self.needs)}
        if self.path_percentiles:
            from archplan.planner.paths import METHOD

            data["percentiles_method"] = METHOD
            for operation in ("read", "write"):
                for p, name in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
                    data[f"{operation}_{name}"] = clean(self.percentile(operation, p))
        return data


@dataclass(frozen=True, slots=True)
class BreakingPoint:
    """The traffic the current counts sustain, and which component breaks first."""

    component: str | None
    multiplier_at_target: float     # traffic x this keeps every component at or under target utilisation
    dau_at_target: float
    multiplier_at_saturation: float  # traffic x this drives the first component to utilisation 1
    dau_at_saturation: float
    figure: Figure | None = None
    resource: str | None = None      # what runs out first: throughput / bandwidth / storage / memory
    #: the same with every count frozen as deployed today (no auto-sizing): "what breaks at 10x as it is"
    deployed_component: str | None = None
    deployed_resource: str | None = None
    deployed_multiplier: float = math.inf


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
    plan_figures: Mapping[str, Figure] = field(default_factory=dict)  # the plan as a whole (egress tiers, ...)
    #: findings the plan accepts (settings.ignored_findings): kept out of `findings`, still listed by the review
    ignored: tuple[Finding, ...] = ()
    #: where the prices come from: "AWS us-east-1 list prices of 2024-07-01" (the catalog's price table)
    price_basis: str = ""
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # derived views, built once

    def deployment(self, plan) -> Mapping[str, Any]:
        """Per component, what deploying it takes (planner/deployment.py), derived once for this result."""
        from archplan.planner.deployment import deployment

        return deployment(plan, self)

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
        out += [("plan", name, fig) for name, fig in self.plan_figures.items()]
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
            "price_basis": self.price_basis,
            "totals": {k: clean(getattr(self.totals, k)) for k in self.totals.__slots__},
            "bottleneck": self.bottleneck,
            "single_points_of_failure": {k: list(v) for k, v in self.spofs.items()},
            "breaking_point": {k: clean(getattr(bp, k)) for k in bp.__slots__ if k != "figure"},
            "clients": {cid: c.as_dict() for cid, c in self.clients.items()},
            "components": comps,
            "findings": [f.as_dict() for f in self.findings],
            "ignored_findings": [f.as_dict() for f in self.ignored],
        }
