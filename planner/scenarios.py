"""
Failure injection: what the plan does when parts of it fail, are slow or lose their cache (issue 14).

A scenario is a list of faults. Each is applied to a copy of the plan (never the user's plan), and the
copy is computed by ``compute()`` like any plan; every figure of the report is read from the two
results (before and after). The transformations:

- **Counts frozen first.** Every self-managed component's auto-sized count becomes the fixed count the
  engine deploys at this traffic, so the survivors carry the load with what is deployed (they do not
  silently auto-size). Managed services keep scaling within their provider.
- **A component down** (``--fail``, a zone, or all its instances lost): the requests that reach it from
  a caller with an alternative move there. An alternative is another request link of the same caller
  that splits its traffic (not a fan-out call) to a live component of the same kind carrying the same
  classes (the engine's alternatives, planner.reliability), where the caller balances load (a load
  balancer, DNS) or the targets are interchangeable (read replicas); or another member of the group a
  link goes into. So a second app server behind the same load balancer takes over; another service of
  the same kind behind an API gateway does not (it is a different route).
  The moved link's share goes to the alternatives in proportion to what they carried. A component
  whose every caller fails over is removed from the copy with its links. One that still receives
  requests stays as a dead end: its availability is 0 (so the engine's path availability counts every
  request that needs it as failed) and it calls nothing (its outgoing links are removed: a dead service
  calls no database, a dead health check detects nothing); replication links stay, so its replicas
  keep the data they hold (they also keep replaying the writes that reach it: an upper bound).
  A cache with an origin behind it is bypassed instead (cache-aside: callers read from the origin), as
  if cold. Clients never fail: their users stay and lose what failed.
- **k instances lost**: the frozen count drops by k (k >= count: the component is down).
- **Slow** (latency x N): its service time (``latency_ms``; a worker's ``job_s``) times N. Callers'
  threads held while they wait are not modelled (each component is its own M/M/c queue).
- **Cold**: a cache's hit ratio (a CDN's offload) is 0: every read goes to the origin.
- **Retries**: an external API that is down fails every call, and its callers' retries multiply its
  calls to 1 + retries (the engine's retry formula with failure rate 1).

The report says which clients fail (an operation they make is entirely lost: the component is one of
their ``needs``, their dominators) or degrade (more errors, or a slower p99), the error rate, the new
utilisations and bottleneck, and whether the rest holds: every client still served and no surviving
component saturated that was not saturated before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from archplan.planner.catalog import Behaviour, Catalog, default_catalog
from archplan.planner.engine import compute
from archplan.planner.graph import expand_links, members_by_group
from archplan.planner.model import Plan
from archplan.planner.result import PlanResult

#: Callers that spread requests over interchangeable targets: what they sent to a dead one moves to
#: the others of its kind. Other callers (an API gateway, a service) route each request to one place.
BALANCERS = (Behaviour.LOAD_BALANCER, Behaviour.DNS)
#: Targets any of which serves a request, whoever calls them (read replicas).
INTERCHANGEABLE = (Behaviour.SQL_REPLICA,)
FaultKind = Literal["down", "instances", "zone", "slow", "cold"]
#: A client is degraded when its error rate grows by more than this (absolute share of its requests) ...
DEGRADED_ERRORS = 1e-3
#: ... or the p99 of its reads or writes grows by more than this factor.
DEGRADED_LATENCY = 1.10


class ScenarioError(ValueError):
    """A fault that does not apply to the plan (unknown id, a client, a managed service's instances)."""


@dataclass(frozen=True)
class Fault:
    """One thing that goes wrong: ``down`` (a component), ``instances`` (lose `amount` of them), ``zone``
    (every component of a group), ``slow`` (latency x `amount`), ``cold`` (hit ratio 0)."""

    kind: FaultKind
    target: str
    amount: float = 0.0

    def label(self, plan: Plan) -> str:
        names = {c.id: c.name for c in plan.components} | {g.id: g.name for g in plan.groups}
        name = names.get(self.target, self.target)
        return {"down": f"{name} down", "instances": f"{name} loses {self.amount:g} instance(s)",
                "zone": f"{name} down", "slow": f"{name} {self.amount:g}x slower",
                "cold": f"{name} cold"}[self.kind]


def down(cid: str) -> Fault:
    return Fault("down", cid)


def lose(cid: str, k: int = 1) -> Fault:
    return Fault("instances", cid, float(k))


def zone(group: str) -> Fault:
    return Fault("zone", group)


def slow(cid: str, factor: float) -> Fault:
    return Fault("slow", cid, float(factor))


def cold(cid: str) -> Fault:
    return Fault("cold", cid)


# ------------------------------------------------------------------------------------------ transformations

def deployed(plan: Plan, result: PlanResult, catalog: Catalog | None = None) -> Plan:
    """A copy of the plan with every self-managed component's count fixed at what `result` deploys."""
    catalog = catalog or default_catalog()
    components = []
    for c in plan.components:
        kind = catalog[c.kind]
        r = result.components.get(c.id)
        if c.instances == "auto" and r is not None and not kind.managed and kind.behaviour is not Behaviour.CLIENT:
            c = c.model_copy(update={"instances": max(1, min(1_000_000, int(r.count)))})
        components.append(c)
    return plan.model_copy(update={"components": components})


@dataclass
class Applied:
    """A plan with the faults applied, and what was done to it."""

    plan: Plan
    down: set[str] = field(default_factory=set)          # dead ends: availability 0, forward nothing
    removed: set[str] = field(default_factory=set)       # down, every caller failed over
    bypassed: set[str] = field(default_factory=set)      # caches down, callers read from the origin
    reduced: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> (count before, after)
    slowed: dict[str, float] = field(default_factory=dict)
    cold: set[str] = field(default_factory=set)
    moved: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # (caller, from, to alternatives)
    labels: list[str] = field(default_factory=list)

    def state(self, cid: str) -> str:
        if cid in self.down:
            return "down"
        if cid in self.removed:
            return "down (failed over)"
        if cid in self.bypassed:
            return "down (bypassed)"
        parts = []
        if cid in self.reduced:
            before, after = self.reduced[cid]
            parts.append(f"{after} of {before}")
        if cid in self.slowed:
            parts.append(f"{self.slowed[cid]:g}x slower")
        if cid in self.cold:
            parts.append("cold")
        return ", ".join(parts) or "up"


def group_id(plan: Plan, name: str) -> str:
    """A group's id from its id or its name (case-insensitive)."""
    for g in plan.groups:
        if g.id == name:
            return g.id
    found = [g.id for g in plan.groups if g.name.lower() == name.strip().lower()]
    if len(found) == 1:
        return found[0]
    known = ", ".join(f"{g.id} ({g.name})" for g in plan.groups) or "the plan has no groups"
    raise ScenarioError(f"no zone or group {name!r} (known: {known})" if not found else
                        f"several groups are named {name!r}: give its id ({', '.join(found)})")


def apply(plan: Plan, result: PlanResult, faults: list[Fault] | tuple[Fault, ...],
          catalog: Catalog | None = None) -> Applied:
    """The plan with the faults applied (counts frozen as `result` deploys them); `plan` is not touched."""
    catalog = catalog or default_catalog()
    comps = {c.id: c for c in plan.components}
    behaviour = {c.id: catalog[c.kind].behaviour for c in plan.components}
    frozen = deployed(plan, result, catalog)
    applied = Applied(frozen, labels=[f.label(plan) for f in faults])
    dead: set[str] = set()
    updates: dict[str, dict[str, Any]] = {}  # component id -> field updates

    def component(cid: str, what: str) -> str:
        if cid not in comps:
            raise ScenarioError(f"no component {cid!r} to {what}")
        if behaviour[cid] is Behaviour.CLIENT:
            raise ScenarioError(f"{cid!r} is a client: its users do not fail; fail what it calls")
        return cid

    members = members_by_group(plan)
    for fault in faults:
        if fault.kind == "zone":
            gid = group_id(plan, fault.target)
            dead |= {cid for cid in members[gid] if behaviour[cid] is not Behaviour.CLIENT}
        elif fault.kind == "down":
            dead.add(component(fault.target, "take down"))
        elif fault.kind == "instances":
            cid = component(fault.target, "take instances from")
            if catalog[comps[cid].kind].managed:
                raise ScenarioError(f"{comps[cid].name} is a managed service: its provider replaces instances; "
                                    f"take the whole service down instead")
            before = int(result.components[cid].count)
            after = before - int(fault.amount)
            if after <= 0:
                dead.add(cid)
            else:
                applied.reduced[cid] = (before, after)
                updates.setdefault(cid, {})["instances"] = after
        elif fault.kind == "slow":
            cid = component(fault.target, "slow down")
            if not fault.amount > 0 or not math.isfinite(fault.amount):
                raise ScenarioError(f"slow factor for {cid!r} must be a positive number (got {fault.amount!r})")
            c = comps[cid]
            factor = fault.amount * applied.slowed.get(cid, 1.0)
            applied.slowed[cid] = factor
            if behaviour[cid] is Behaviour.WORKER:
                updates.setdefault(cid, {})["params"] = {**c.params, "job_s": c.param("job_s") * factor}
            else:
                base = c.capacity.get("latency_ms", catalog[c.kind].capacity.latency_ms)
                updates.setdefault(cid, {})["capacity"] = {**c.capacity, "latency_ms": base * factor}
        elif fault.kind == "cold":
            cid = component(fault.target, "make cold")
            if behaviour[cid] not in (Behaviour.CACHE, Behaviour.CDN):
                raise ScenarioError(f"{comps[cid].name} is not a cache or a CDN: nothing to make cold")
            applied.cold.add(cid)
        else:  # pragma: no cover - Fault.kind is a Literal
            raise ScenarioError(f"unknown fault {fault.kind!r}")

    caches = {cid for cid in dead if behaviour[cid] is Behaviour.CACHE
              and any(lk.source == cid and lk.kind == "request" for lk in plan.links)}
    applied.bypassed = caches
    dead -= caches
    for cid in applied.cold | caches:
        parameter = "hit_ratio" if behaviour[cid] is Behaviour.CACHE else "offload"
        updates.setdefault(cid, {})["params"] = {**updates.get(cid, {}).get("params", comps[cid].params),
                                                 parameter: 0.0}
    for cid in dead:
        if behaviour[cid] is Behaviour.EXTERNAL:  # every call fails: callers retry it `retries` times
            updates.setdefault(cid, {})["params"] = {**updates.get(cid, {}).get("params", comps[cid].params),
                                                     "failure_rate": 1.0}
    frozen = frozen.model_copy(update={"components": [
        c.model_copy(update=updates[c.id]) if c.id in updates else c for c in frozen.components]})
    applied.plan = _take_down(frozen, dead, applied, catalog)
    return applied


def _take_down(plan: Plan, dead: set[str], applied: Applied, catalog: Catalog) -> Plan:
    """Move what callers with an alternative sent to the dead components; remove those no one calls any
    more; leave the others as dead ends (availability 0, no outgoing links)."""
    if not dead:
        return plan
    from archplan.planner.columns import ComponentTable
    from archplan.planner.propagation import Transfers

    transfers = Transfers(expand_links(plan), ComponentTable(plan, catalog))
    kind = {c.id: c.kind for c in plan.components}
    behaviour = {c.id: catalog[c.kind].behaviour for c in plan.components}
    edges = transfers.edges
    by_source: dict[str, list[int]] = {}
    for e, edge in enumerate(edges):
        if transfers.request[e] and not transfers.needed[e]:
            by_source.setdefault(edge.source, []).append(e)
    dropped: set[str] = set()              # link ids removed (moved to alternatives)
    extra: dict[str, float] = {}           # link id -> share added
    base: dict[str, float] = {}            # link id -> its share before
    still_called: set[str] = set()
    for e, edge in enumerate(edges):
        d = edge.target
        if d not in dead or edge.source in dead or not transfers.request[e]:
            continue
        carried = transfers.factors[e] > 0
        balances = behaviour[edge.source] in BALANCERS or behaviour[d] in INTERCHANGEABLE
        alternatives = [a for a in by_source.get(edge.source, ()) if a != e and edges[a].target not in dead
                        and kind[edges[a].target] == kind[d] and (transfers.factors[a][carried] > 0).all()
                        and (balances or edges[a].link is edge.link)]
        if transfers.needed[e] or not alternatives:
            still_called.add(d)
            continue
        applied.moved.append((edge.source, d, tuple(dict.fromkeys(edges[a].target for a in alternatives))))
        link = edge.link
        if link.target != d:  # a link into a group: it splits over the group's other members once d is gone
            continue
        direct = [a for a in alternatives if edges[a].link.target == edges[a].target]
        if not direct:
            continue
        column = int(transfers.factors[e].argmax())  # the class the link carries most of
        moved = float(transfers.factors[e, column])
        weights = [float(transfers.factors[a, column]) for a in direct]
        total = sum(weights)
        for a, weight in zip(direct, weights):
            lid = edges[a].link.id
            base.setdefault(lid, weight)
            extra[lid] = extra.get(lid, 0.0) + moved * (weight / total if total > 0 else 1.0 / len(direct))
        dropped.add(link.id)
    applied.down = set(still_called)
    applied.removed = dead - still_called
    gone = applied.removed
    links = []
    for link in plan.links:
        if (link.id in dropped or link.source in gone or link.target in gone
                or (link.source in applied.down and link.kind != "replication")):
            continue
        if link.id in extra:
            link = link.model_copy(update={"share": min(1.0, base[link.id] + extra[link.id]), "fanout": None})
        links.append(link)
    components = [c.model_copy(update={"capacity": {**c.capacity, "availability": 0.0}}) if c.id in applied.down
                  else c for c in plan.components if c.id not in gone]
    return plan.model_copy(update={"components": components, "links": links})


# ------------------------------------------------------------------------------------------ report

@dataclass(frozen=True)
class ClientImpact:
    """What one client sees: ``fails`` when an operation it makes is entirely lost, ``partly fails`` when
    some of its requests reach a component that is down, ``degraded`` when more of its requests fail (fewer
    instances up, overload) or its p99 grows, else ``ok``. Pairs are (before, after)."""

    id: str
    name: str
    status: Literal["ok", "degraded", "partly fails", "fails"]
    lost: tuple[str, ...]                       # "reads" / "writes" no longer served at all
    availability: tuple[float, float]
    read_p99: tuple[float, float]
    write_p99: tuple[float, float]
    reasons: tuple[str, ...]

    @property
    def error_rate(self) -> tuple[float, float]:
        return 1.0 - self.availability[0], 1.0 - self.availability[1]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "status": self.status, "lost": list(self.lost),
                "availability": _pair(self.availability), "error_rate": _pair(self.error_rate),
                "read_p99": _pair(self.read_p99), "write_p99": _pair(self.write_p99), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ComponentImpact:
    """One component before and after: its state (up, down, failed over, bypassed, fewer instances,
    slower, cold), count, utilisation and status (None after: removed from the copy)."""

    id: str
    name: str
    state: str
    count: tuple[int, int | None]
    utilisation: tuple[float, float | None]
    status: tuple[str, str | None]
    saturated: bool                             # after the faults (a survivor that cannot carry its load)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "state": self.state, "count": list(self.count),
                "utilisation": _pair(self.utilisation), "status": list(self.status), "saturated": self.saturated}


@dataclass(frozen=True)
class RetryImpact:
    """Calls per request to an external API (1 + retries x failure rate), before and after."""

    id: str
    name: str
    attempts: tuple[float, float]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "attempts": list(self.attempts)}


@dataclass(frozen=True)
class ScenarioReport:
    labels: tuple[str, ...]
    multiplier: float
    plan: Plan                                  # the copy the faults were applied to
    before: PlanResult                          # the plan as deployed (counts frozen), nothing failed
    after: PlanResult
    applied: Applied
    clients: tuple[ClientImpact, ...]
    components: tuple[ComponentImpact, ...]
    retries: tuple[RetryImpact, ...]
    error_rate: tuple[float, float]             # share of all client requests failing, before and after
    bottleneck: str | None                      # the busiest survivor after the faults
    newly_saturated: tuple[str, ...]

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.clients if c.status == "fails")

    @property
    def partly_failing(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.clients if c.status == "partly fails")

    @property
    def degraded(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.clients if c.status == "degraded")

    @property
    def holds(self) -> bool:
        """No request of any client meets a component that is down, and no survivor is newly saturated."""
        return not self.failing and not self.partly_failing and not self.newly_saturated

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": list(self.labels), "multiplier": self.multiplier, "holds": self.holds,
                "error_rate": _pair(self.error_rate), "bottleneck": self.bottleneck,
                "newly_saturated": list(self.newly_saturated),
                "moved": [{"caller": s, "from": d, "to": list(to)} for s, d, to in self.applied.moved],
                "clients": [c.as_dict() for c in self.clients],
                "components": [c.as_dict() for c in self.components],
                "retries": [r.as_dict() for r in self.retries]}


def _pair(values: tuple[float | None, float | None]) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and not math.isfinite(v)) else v for v in values]


def run(plan: Plan, faults: list[Fault] | tuple[Fault, ...], multiplier: float = 1.0,
        catalog: Catalog | None = None, sized: PlanResult | None = None,
        before: PlanResult | None = None) -> ScenarioReport:
    """Apply the faults to a copy of the plan sized for this traffic and compare the two results.

    `sized` (compute(plan, multiplier)) and `before` (the same with counts frozen) may be given when
    running many scenarios on one plan."""
    catalog = catalog or default_catalog()
    sized = sized or compute(plan, multiplier=multiplier, catalog=catalog)
    applied = apply(plan, sized, faults, catalog)
    before = before or compute(deployed(plan, sized, catalog), multiplier=multiplier, catalog=catalog)
    after = compute(applied.plan, multiplier=multiplier, catalog=catalog)
    return report(plan, applied, before, after, multiplier, catalog)


def _lost(before: float, after: float) -> bool:
    return before > 1e-9 and after <= 1e-9


def _p99(result: PlanResult, cid: str, operation: str) -> float:
    client = result.clients[cid]
    return client.percentile(operation, 0.99) if (client.read_latency if operation == "read"
                                                  else client.write_latency) else math.nan


def report(plan: Plan, applied: Applied, before: PlanResult, after: PlanResult, multiplier: float = 1.0,
           catalog: Catalog | None = None) -> ScenarioReport:
    catalog = catalog or default_catalog()
    clients = []
    for cid, b in before.clients.items():
        a = after.clients[cid]
        sent = before.components[cid]
        lost = tuple(op for op, volume, x, y in (("reads", sent.reads_peak, b.read_availability, a.read_availability),
                                                 ("writes", sent.writes_peak, b.write_availability,
                                                  a.write_availability)) if volume > 0 and _lost(x, y))
        lost += tuple(op for op in _cut_classes(applied, cid, catalog) if op not in lost)
        reasons = [f"{op} fail" for op in lost]
        dead = [after.components[d].name for d in a.needs if d in applied.down]
        if dead:
            reasons.append(f"requests through {', '.join(dead)} fail")
        if not lost and (1 - a.availability) - (1 - b.availability) > DEGRADED_ERRORS:
            reasons.append(f"errors {100 * (1 - b.availability):.2g} % -> {100 * (1 - a.availability):.2g} %")
        p99 = {op: (_p99(before, cid, op), _p99(after, cid, op)) for op in ("read", "write")}
        for op, (x, y) in p99.items():
            if not lost and math.isfinite(x) and x > 0 and not y <= x * DEGRADED_LATENCY:
                reasons.append(f"{op} p99 x{y / x:.3g}" if math.isfinite(y) else f"{op}s saturated")
        status = "fails" if lost else "partly fails" if dead else "degraded" if reasons else "ok"
        clients.append(ClientImpact(cid, b.name, status, lost, (b.availability, a.availability), p99["read"],
                                    p99["write"], tuple(reasons)))
    components, survivors = [], []
    for cid, b in before.components.items():
        if b.behaviour == "client":
            continue
        a = after.components.get(cid)
        alive = a is not None and cid not in applied.down
        saturated = alive and a.saturated
        if alive:
            survivors.append(a)
        components.append(ComponentImpact(cid, b.name, applied.state(cid), (b.count, a.count if a else None),
                                          (b.utilisation, a.utilisation if alive else None),
                                          (b.status, a.status if alive else None), saturated))
    newly = tuple(c.id for c in components if c.saturated and not before.components[c.id].saturated)
    bottleneck = after.bottleneck if after.bottleneck in {s.id for s in survivors} else max(
        (s for s in survivors if s.utilisation > 0), key=lambda s: s.headroom, default=None)
    if bottleneck is not None and not isinstance(bottleneck, str):
        bottleneck = bottleneck.id
    retries = []
    for cid, a in after.components.items():
        calls = a.figures.get("calls") if a.behaviour == "external" else None
        b = before.components[cid]
        old = b.figures.get("calls") if b.behaviour == "external" else None
        if calls is not None and old is not None and calls.inputs["requests"] > 0 and old.inputs["requests"] > 0:
            retries.append(RetryImpact(cid, a.name, (old.value / old.inputs["requests"],
                                                     calls.value / calls.inputs["requests"])))
    return ScenarioReport(tuple(applied.labels), multiplier, applied.plan, before, after, applied, tuple(clients),
                          tuple(components), tuple(retries), (error_rate(before), error_rate(after)), bottleneck,
                          newly)


#: How the report names the traffic classes (planner.model.TRAFFIC_CLASSES).
CLASS_NAMES = {"read": "reads", "write": "writes", "media_read": "media reads", "media_write": "media writes"}


def _cut_classes(applied: Applied, client: str, catalog: Catalog) -> tuple[str, ...]:
    """Classes whose every request from the client hits a component that is down, found on the request
    graph: a request is served where it ends (a component that passes the class on to no one, or a cache or
    CDN answering its hits) and lost at a dead component; it needs every fan-out call it makes and one of
    the calls that split it. The engine's availability counts reads and writes; this also sees media."""
    from archplan.planner.model import TRAFFIC_CLASSES, link_classes

    plan = applied.plan
    behaviour = {c.id: catalog[c.kind].behaviour for c in plan.components}
    calls: dict[str, list[tuple[str, tuple[str, ...], str | None, bool]]] = {}
    for edge in expand_links(plan):
        if edge.kind == "request":
            link = edge.link
            calls.setdefault(edge.source, []).append((edge.target, link_classes(plan, link), link.deliver_as,
                                                      link.fanout is not None and link.share is None))
    memo: dict[tuple[str, str], bool] = {}
    absorbs = (Behaviour.CACHE, Behaviour.CDN)

    def served(node: str, cls: str) -> bool:
        key = (node, cls)
        if key not in memo:
            memo[key] = False  # request links never loop; this only guards against a malformed plan
            outs = [(t, as_ or cls, needed) for t, classes, as_, needed in calls.get(node, ()) if cls in classes]
            if node in applied.down:
                memo[key] = False
            elif not outs or (behaviour[node] in absorbs and cls in ("read", "media_read")):
                memo[key] = True
            else:
                split = [served(t, c) for t, c, needed in outs if not needed]
                memo[key] = all(served(t, c) for t, c, needed in outs if needed) and (not split or any(split))
        return memo[key]

    t = plan.traffic
    volume = {"read": t.reads_per_user, "write": t.writes_per_user, "media_read": t.reads_per_user *
              t.media_read_fraction, "media_write": t.writes_per_user * t.media_fraction}
    sent = {cls for _t, classes, _as, _n in calls.get(client, ()) for cls in classes if volume[cls] > 0}
    return tuple(CLASS_NAMES[c] for c in TRAFFIC_CLASSES if c in sent and not served(client, c))


def error_rate(result: PlanResult) -> float:
    """Share of all the clients' requests that fail: their unavailability weighted by what they send."""
    sent = {cid: result.components[cid].qps_peak for cid in result.clients}
    total = sum(sent.values())
    if total <= 0:
        return 0.0
    return sum(sent[cid] * (1.0 - c.availability) for cid, c in result.clients.items()) / total
