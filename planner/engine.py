"""
The capacity engine: ``compute(plan) -> PlanResult``, a pure function of the plan document.

Steps (capacity-model.md):
1. Expand links (groups to members), refuse request cycles, order the graph (async loops as blocks).
2. Propagate the traffic profile from the clients (planner.propagation).
3. Size every component (planner.sizing): instances, utilisation, storage, memory, latency.
4. Availability: per instance from MTBF / MTTR where a health check watches it (detection + restart),
   else the kind's SLA figure; per component k of N; per client in series over what it needs.
5. Single points of failure (dominators on the request graph), the bottleneck, the breaking point,
   cost and findings.

Every figure is produced through planner.formulas, so it can show its work.
"""

from __future__ import annotations

import gc
import math

from planner import availability as avail
from planner import formulas as fx
from planner import units
from planner.catalog import Behaviour, Catalog, default_catalog
from planner.graph import (
    Edge,
    evaluation_order,
    expand_links,
    reachable,
    request_successors,
    single_points_of_failure,
)
from planner.model import TRAFFIC_CLASSES, Plan
from planner.propagation import (
    CLASS_INDEX,
    N_CLASSES,
    NodeLoad,
    edge_transfers,
    pass_ratios,
    propagate,
)
from planner.result import BreakingPoint, ClientResult, ComponentResult, Finding, PlanResult, Totals
from planner.sizing import SINGLE_ACTIVE, Sizing, size

__all__ = ["compute"]

#: What-if range: far past x0.1 - x100 of the GUI, small enough that every figure stays finite.
MIN_MULTIPLIER, MAX_MULTIPLIER = 1e-6, 1e6


def compute(plan: Plan, multiplier: float = 1.0, catalog: Catalog | None = None) -> PlanResult:
    """Propagate, size and assess the plan. ``multiplier`` scales the users (what-if).

    The cyclic garbage collector is paused while computing: the engine allocates many small,
    acyclic objects, and collections triggered by them would rescan the whole (large) plan.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _compute(plan, multiplier, catalog)
    finally:
        if enabled:
            gc.enable()


def _compute(plan: Plan, multiplier: float, catalog: Catalog | None) -> PlanResult:
    if not (math.isfinite(multiplier) and MIN_MULTIPLIER <= multiplier <= MAX_MULTIPLIER):
        raise ValueError(f"traffic multiplier {multiplier!r} must be between {MIN_MULTIPLIER:g} and "
                         f"{MAX_MULTIPLIER:g}")
    catalog = catalog or default_catalog()
    findings: list[Finding] = []
    edges = expand_links(plan)
    order = evaluation_order(plan, edges)  # raises RequestCycleError
    transfers, share_sums = edge_transfers(edges)
    nodes = {c.id: NodeLoad(c, catalog[c.kind]) for c in plan.components}
    for edge in edges:
        if edge.link.kind == "health":
            nodes[edge.target].monitored_by.append(edge.source)

    clients = [c.id for c in plan.components if nodes[c.id].kind.behaviour is Behaviour.CLIENT]
    client_set = frozenset(clients)
    dau = plan.traffic.daily_active_users * multiplier
    weights = {cid: nodes[cid].component.param("user_share") for cid in clients}
    total_weight = sum(weights.values())
    client_users = {cid: dau * w / total_weight if total_weight > 0 else 0.0 for cid, w in weights.items()}
    propagate(plan, nodes, order, transfers, client_users)

    sizings: dict[str, Sizing] = {}
    for cid, node in nodes.items():
        sizings[cid] = size(node, plan, plan.settings.default_redundancy)
    _monitoring(plan, nodes, sizings)
    inst_avail = {cid: _instance_availability(plan, nodes[cid], sizings[cid], nodes) for cid in nodes}
    comp_avail = {cid: _component_availability(nodes[cid], sizings[cid], inst_avail[cid], plan) for cid in nodes}
    costs = {cid: _cost(nodes[cid], sizings[cid]) for cid in nodes}

    results: dict[str, ComponentResult] = {}
    for cid, node in nodes.items():
        s = sizings[cid]
        results[cid] = ComponentResult(
            id=cid, name=node.component.name, kind=node.component.kind, behaviour=node.kind.behaviour.value,
            reads_avg=s.reads_avg, writes_avg=s.writes_avg, reads_peak=s.reads_peak, writes_peak=s.writes_peak,
            load=s.load, binding=s.binding, needed=s.needed, recommended=s.recommended, count=s.count,
            fixed=isinstance(node.component.instances, int), utilisation=s.utilisation, ceiling=s.ceiling,
            storage_per_day=s.storage_per_day, storage_total=s.storage_total,
            storage_replicated=s.storage_replicated, memory=s.memory, bandwidth_in=s.bandwidth_in,
            bandwidth_out=s.bandwidth_out, latency=s.latency, instance_availability=inst_avail[cid],
            availability=comp_avail[cid], monthly_cost=costs[cid], figures=node.figures,
            details=_details(node, s),
        )

    succ = request_successors(edges)
    client_results = _clients(plan, nodes, results, clients, edges, succ, client_users, transfers)
    candidates = {cid for cid, r in results.items()
                  if r.count <= 1 and not nodes[cid].kind.managed and cid not in client_set}
    spofs = {k: tuple(v) for k, v in single_points_of_failure(clients, edges, candidates).items()}
    bottleneck = _bottleneck(results, client_set)
    breaking = _breaking_point(plan, results, client_set, dau)

    findings += _findings(plan, nodes, results, client_set, share_sums, spofs, sizings)
    findings += _idle_links(nodes, transfers)
    totals = Totals(
        dau=dau,
        entry_qps_avg=sum(sum(nodes[c].out_avg) for c in clients),
        entry_qps_peak=sum(sum(nodes[c].out_peak) for c in clients),
        storage_per_day=sum(r.storage_per_day for r in results.values()),
        storage_total=sum(r.storage_total for r in results.values()),
        storage_replicated=sum(r.storage_replicated for r in results.values()),
        instances=sum(r.count for cid, r in results.items() if not nodes[cid].kind.managed),
        monthly_cost=sum(r.monthly_cost for r in results.values()),
        availability=min((c.availability for c in client_results.values()), default=1.0),
    )
    severity_rank = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: severity_rank[f.severity])
    return PlanResult(results, client_results, totals, bottleneck, spofs, breaking, tuple(findings), multiplier)


# ------------------------------------------------------------------------------------------ health

def _monitoring(plan: Plan, nodes: dict[str, NodeLoad], sizings: dict[str, Sizing]) -> None:
    """Health checks: probes per second and the time they take to detect a failure."""
    watched: dict[str, list[str]] = {}
    for cid, node in nodes.items():
        for monitor in node.monitored_by:
            watched.setdefault(monitor, []).append(cid)
    for monitor_id, targets in watched.items():
        monitor = nodes[monitor_id]
        if monitor.kind.behaviour is not Behaviour.MONITOR:
            continue
        comp = monitor.component
        monitor.figures["detection_time"] = fx.DETECTION_TIME.figure(
            interval=comp.param("interval_s"), misses=comp.param("misses"), timeout=comp.param("timeout_s"))
        monitor.figures["probes"] = fx.PROBE_RATE.figure(
            monitored=sum(max(1, sizings[t].count) for t in targets), interval=comp.param("interval_s"))


def _detection(plan: Plan, node: NodeLoad, nodes: dict[str, NodeLoad]) -> float:
    times = [nodes[m].figures["detection_time"].value for m in node.monitored_by
             if "detection_time" in nodes[m].figures]
    return min(times) if times else plan.settings.manual_detection_s


def _instance_availability(plan: Plan, node: NodeLoad, s: Sizing, nodes) -> float:
    if node.kind.behaviour is Behaviour.CLIENT:
        return 1.0
    cap = s.cap
    if node.kind.managed or "availability" in node.component.capacity:
        return cap.availability  # a published SLA (or the user's own figure)
    fig = fx.AVAILABILITY_MTTR.figure(mtbf=cap.mtbf_hours * units.HOUR, detect=_detection(plan, node, nodes),
                                      restart=cap.restart_s)
    node.figures["instance_availability"] = fig
    return fig.value


def _component_availability(node: NodeLoad, s: Sizing, a: float, plan: Plan) -> float:
    behaviour = node.kind.behaviour
    if behaviour is Behaviour.CLIENT:
        return 1.0
    if node.kind.managed:
        return a  # the provider's SLA covers the whole service, however many partitions it uses
    if behaviour is Behaviour.PARTITIONED:
        rf = node.component.param("replication_factor") or plan.traffic.replication_factor
        fig = fx.AVAILABILITY_SHARDED.figure(a=a, rf=min(rf, max(1, s.count)), shards=max(1.0, s.count / rf))
    else:
        needed = 1 if behaviour in SINGLE_ACTIVE else max(1, math.ceil(s.load - 1e-9)) if s.binding in (
            "throughput", "bandwidth") else 1
        fig = fx.AVAILABILITY_K_OF_N.figure(a=a, k=min(needed, max(1, s.count)), N=max(1, s.count))
    node.figures["availability"] = fig
    return fig.value


# ------------------------------------------------------------------------------------------ cost

def _cost(node: NodeLoad, s: Sizing) -> float:
    if node.kind.behaviour is Behaviour.CLIENT:
        return 0.0
    cap = s.cap
    egress_avg = sum(node.in_bytes[c] for c in (CLASS_INDEX["read"], CLASS_INDEX["media_read"]))
    egress_gb = egress_avg * units.MONTH / 1e9 if node.client_fed else 0.0
    requests_m = (s.reads_avg + s.writes_avg) * units.MONTH / 1e6 if cap.request_price_per_million else 0.0
    fig = fx.COST.figure(count=s.count, unit_cost=cap.monthly_cost, stored_gb=s.storage_replicated / 1e9,
                         storage_price=cap.storage_price_gb_month, egress_gb=egress_gb,
                         egress_price=cap.egress_price_gb, requests_m=requests_m,
                         request_price=cap.request_price_per_million)
    node.figures["monthly_cost"] = fig
    return fig.value


def _details(node: NodeLoad, s: Sizing) -> dict[str, float]:
    out: dict[str, float] = {"active": float(s.active), "traffic_utilisation": s.traffic_utilisation,
                             "traffic_ceiling": s.traffic_ceiling}
    behaviour, comp = node.kind.behaviour, node.component
    if s.resource_loads:
        out.update({f"load_{k}": v for k, v in s.resource_loads.items()})
    if behaviour in (Behaviour.QUEUE, Behaviour.PUBSUB):
        avg, peak = sum(node.in_avg), sum(node.in_peak)
        drain = sum(node.out_peak)
        duration = comp.param("peak_duration_s")
        backlog = fx.QUEUE_BACKLOG.figure(peak=peak, drain_rate=drain, D=duration)
        node.figures["backlog"] = backlog
        out.update(consumer_rate=drain, backlog=backlog.value)
        if backlog.value > 0 and drain > avg:
            drain_time = fx.QUEUE_DRAIN_TIME.figure(backlog=backlog.value, drain_rate=drain, avg=avg)
            node.figures["drain_time"] = drain_time
            out["drain_time"] = drain_time.value
    for key in ("detection_time", "probes", "messages", "calls", "samples"):
        if key in node.figures:
            out[key] = node.figures[key].value
    if s.servers:
        out["servers"] = float(s.servers)
        out["p_wait"] = s.p_wait
    return out


# ------------------------------------------------------------------------------------------ clients

def _clients(plan, nodes, results, clients, edges: list[Edge], succ, client_users, transfers
             ) -> dict[str, ClientResult]:
    hop = plan.settings.network_hop_ms / 1000.0
    request_out: dict[str, list[Edge]] = {}
    for edge in edges:
        if edge.link.kind == "request":
            request_out.setdefault(edge.source, []).append(edge)
    factors = {id(t.edge): t.factors for out in transfers.values() for t in out}
    memo: dict[tuple[str, int], float] = {}

    def latency(cid: str, c: int) -> float:
        key = (cid, c)
        if key in memo:
            return memo[key]
        node = nodes[cid]
        own = 0.0 if node.kind.behaviour is Behaviour.CLIENT else results[cid].latency
        ratio = 1.0 if node.kind.behaviour is Behaviour.CLIENT else pass_ratios(node)[c]
        downstream = 0.0
        for edge in request_out.get(cid, []):
            weight = ratio * factors[id(edge)][c]
            if weight:
                downstream += weight * (hop + latency(edge.target, c))
        memo[key] = own + downstream
        return memo[key]

    out: dict[str, ClientResult] = {}
    for cid in clients:
        needs = tuple(sorted(reachable(cid, succ)))
        parts = [results[n].availability for n in needs]
        a_fig = fx.AVAILABILITY_SERIES.figure(parts=parts)
        read_l, write_l = latency(cid, CLASS_INDEX["read"]), latency(cid, CLASS_INDEX["write"])
        figures = {"availability": a_fig,
                   "read_latency": fx.PATH_LATENCY.figure(own=0.0, downstream=read_l),
                   "write_latency": fx.PATH_LATENCY.figure(own=0.0, downstream=write_l)}
        figures.update(nodes[cid].figures)
        out[cid] = ClientResult(cid, nodes[cid].component.name, client_users[cid], read_l, write_l, a_fig.value,
                                needs, figures)
    return out


# ------------------------------------------------------------------------------------------ plan level

def _bottleneck(results: dict[str, ComponentResult], clients: frozenset[str]) -> str | None:
    """The component that limits the plan.

    A component past its ceiling on any resource (requests, bytes, data, memory) comes first: the
    most overloaded one. Otherwise it is the component closest to its ceiling on a resource that grows
    with traffic: stored data fills auto-sized stores to their fill ratio by construction, so it
    would always win without telling anything."""
    over = [(r.headroom, cid) for cid, r in results.items() if cid not in clients and r.headroom > 1 + 1e-9]
    if over:
        return max(over)[1]
    ranked = [(r.details["traffic_utilisation"] / r.details["traffic_ceiling"], r.utilisation, cid)
              for cid, r in results.items() if cid not in clients and r.details["traffic_utilisation"] > 0]
    return max(ranked)[2] if ranked else None


def _breaking_point(plan: Plan, results, clients, dau: float) -> BreakingPoint:
    """Load is linear in traffic, so component i stays under its ceiling up to x ceiling_i / rho_i.

    Only resources that scale with traffic count (requests, bytes, cache memory); stored data grows
    with time and is reported by the storage figures instead."""
    worst, worst_headroom, saturation = None, 0.0, 0.0
    for cid, r in results.items():
        rho = r.details["traffic_utilisation"]
        if cid in clients or rho <= 0:
            continue
        headroom = rho / r.details["traffic_ceiling"]
        if headroom > worst_headroom:
            worst, worst_headroom = r, headroom
        saturation = max(saturation, rho)
    if worst is None:
        return BreakingPoint(None, math.inf, math.inf, math.inf, math.inf)
    fig = fx.BREAKING.figure(u=worst.details["traffic_ceiling"], rho=worst.details["traffic_utilisation"])
    return BreakingPoint(worst.id, fig.value, dau * fig.value, 1.0 / saturation, dau / saturation, fig)


def _findings(plan, nodes, results, clients, share_sums, spofs, sizings) -> list[Finding]:
    u = plan.traffic.target_utilisation
    out: list[Finding] = []
    if not clients:
        out.append(Finding("warning", "no_clients", "The plan has no client, so no traffic enters it.",
                           advice="Add a web or mobile client and link it to the entry point."))
    for cid, r in results.items():
        node = nodes[cid]
        behaviour = node.kind.behaviour
        name = r.name
        if cid in clients:
            continue
        if r.saturated:
            out.append(Finding("error", "saturated", f"{name} is saturated: {units.format_percent(r.utilisation)} "
                               f"of its {r.binding} at peak with {r.count} instance(s).", cid,
                               _advice(behaviour, r)))
        elif r.headroom > 1 + 1e-9:
            out.append(Finding("warning", "over_target", f"{name} runs at {units.format_percent(r.utilisation)} of "
                               f"its {r.binding} at peak, above its {units.format_percent(r.ceiling)} ceiling.", cid,
                               _advice(behaviour, r)))
        if r.qps_avg == 0 and behaviour not in (Behaviour.MONITOR,) and r.storage_total == 0:
            out.append(Finding("info", "no_traffic", f"{name} receives no traffic.", cid,
                               "Link it from a component on a request path, or remove it."))
        for c, total in share_sums.get(cid, {}).items():
            if total > 1 + 1e-9:
                out.append(Finding("warning", "share_sum", f"Links out of {name} claim {total:.0%} of its "
                                   f"{TRAFFIC_CLASSES[c]} traffic (more than 100 %).", cid,
                                   "Shares of one class should add up to at most 1; use a fan-out factor for "
                                   "traffic that really multiplies."))
        if behaviour is Behaviour.SQL_REPLICA and sum(node.repl_avg) == 0 and r.qps_avg > 0:
            out.append(Finding("warning", "replica_unfed", f"{name} takes reads but no replication link feeds it "
                               "the write stream.", cid, "Link the primary to it with a replication link."))
        if r.latency == math.inf and r.utilisation < 1.0:
            out.append(Finding("error", "saturated", f"{name} has no finite latency at peak.", cid))
    for cid, cut in spofs.items():
        others = [results[c].name for c in cut if c != cid]
        what = f"cuts clients off from {', '.join(others[:4])}{' and more' if len(others) > 4 else ''}" if others \
            else "holds what clients need"
        out.append(Finding("warning", "spof", f"{results[cid].name} is a single point of failure: one instance "
                           f"{what}.", cid, "Run at least two instances (redundancy: ha or n+1), or add a "
                                            "standby / replica behind a failover."))
    return out


def _idle_links(nodes: dict[str, NodeLoad], transfers) -> list[Finding]:
    """Request links left without a share where the source's other links already take everything."""
    out = []
    for source, items in transfers.items():
        for t in items:
            link = t.edge.link
            if link.kind != "request" or link.share is not None or link.fanout is not None or any(t.factors):
                continue
            if any(nodes[source].out_avg[CLASS_INDEX[c]] > 0 for c in link.classes):
                src, dst = nodes[source].component.name, nodes[t.target].component.name
                out.append(Finding("warning", "idle_link", f"The link {src} -> {dst} carries nothing: the other "
                                   f"links out of {src} already take all of its traffic.", t.target,
                                   "Give the link a share (and lower the others), or a fan-out factor."))
    return out


def _advice(behaviour: Behaviour, r: ComponentResult) -> str:
    if behaviour in (Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA) and r.binding == "storage":
        return "The data outgrows one node: shard it (shard group) or move blobs to object storage."
    if behaviour is Behaviour.SQL_PRIMARY:
        if r.binding == "storage":
            return "The data outgrows one node: shard it (shard group) or move blobs to object storage."
        if r.reads_peak > r.writes_peak:
            return "Route reads to read replicas or put a cache in front."
        return "Writes exceed one primary: shard the data or queue the writes."
    if behaviour in (Behaviour.EXTERNAL, Behaviour.NOTIFICATION):
        return "The provider's rate limit is reached: queue the calls in front of it and ask for a higher quota."
    if r.fixed:
        return f"Raise the count to at least {r.recommended} or set it to auto."
    return "Lower the load (cache, CDN) or raise the per-instance capacity."
