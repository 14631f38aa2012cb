"""
The capacity engine: ``compute(plan) -> PlanResult``, a pure function of the plan document.

Steps (capacity-model.md):
1. Expand links (groups to members), refuse request cycles, level the graph (async loops as blocks).
2. Propagate the traffic profile from the clients (planner.propagation).
3. Size every component (planner.sizing): instances, utilisation, storage, memory, latency.
4. Availability: per instance from MTBF / MTTR where a health check watches it (detection + restart),
   else the kind's SLA figure; per component k of N; per client in series over what it needs.
5. Single points of failure (dominators on the request graph), the bottleneck, the breaking point,
   cost and findings.

The plan is read once into columns (planner.columns) and every step works on whole columns; every
figure is produced through planner.formulas, so it can show its work, and a component's working is
turned into Figure objects only when someone looks at it (planner.formulas.FigureTable).
"""

from __future__ import annotations

import gc
import math

import numpy as np

from archplan.planner import formulas as fx
from archplan.planner import units
from archplan.planner.catalog import Behaviour, Catalog, default_catalog
from archplan.planner.columns import ComponentTable
from archplan.planner.graph import (
    Edge,
    Level,
    evaluation_levels,
    expand_links,
    immediate_dominators,
    request_successors,
    single_points_of_failure,
)
from archplan.planner.model import TRAFFIC_CLASSES, Plan
from archplan.planner.propagation import AVG, MR, PEAK, Flows, Propagation, R, Transfers, W, class_sum, pass_ratios
from archplan.planner.result import BreakingPoint, ClientResult, ComponentResult, Finding, PlanResult, Totals
from archplan.planner.sizing import BANDWIDTH, RESOURCES, SINGLE_ACTIVE, THROUGHPUT, Sizing, size_all, store_copies

__all__ = ["compute"]

#: What-if range: far past x0.1 - x100 of the GUI, small enough that every figure stays finite.
MIN_MULTIPLIER, MAX_MULTIPLIER = 1e-6, 1e6

#: The order a component's figures are listed in: traffic, data, sizing, latency, health, cost.
FIGURE_ORDER = ("reads_avg", "writes_avg", "peak_qps", "messages", "calls", "samples", "storage_per_day",
                "storage_total", "memory", "storage_replicated", "load", "load_bandwidth", "instances_throughput",
                "instances_storage", "instances_memory", "instances_needed", "instances_copies",
                "instances_recommended", "utilisation", "latency", "detection_time", "probes",
                "instance_availability", "availability", "monthly_cost", "backlog", "drain_time")


def compute(plan: Plan, multiplier: float = 1.0, catalog: Catalog | None = None) -> PlanResult:
    """Propagate, size and assess the plan. ``multiplier`` scales the users (what-if).

    The cyclic garbage collector is paused while computing: the engine allocates many small,
    acyclic objects, and collections triggered by them would rescan the whole (large) plan.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return _compute(plan, multiplier, catalog)
    finally:
        if enabled:
            gc.enable()


class _Run:
    """What one computation has worked out so far (columns by component row)."""

    def __init__(self, plan: Plan, table: ComponentTable, edges: list[Edge], levels: list[Level],
                 transfers: Transfers, ratios: np.ndarray, flows: Flows, sizing: Sizing, figures: fx.FigureTable):
        self.plan, self.table, self.edges, self.levels = plan, table, edges, levels
        self.ratios = ratios  # share of each class a component passes on (rows x classes)
        self.transfers, self.flows, self.s, self.figures = transfers, flows, sizing, figures
        self.client = table.of(Behaviour.CLIENT)
        self.served = ~self.client
        self.extra: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # detail name -> (rows, values)


def _compute(plan: Plan, multiplier: float, catalog: Catalog | None) -> PlanResult:
    if not (math.isfinite(multiplier) and MIN_MULTIPLIER <= multiplier <= MAX_MULTIPLIER):
        raise ValueError(f"traffic multiplier {multiplier!r} must be between {MIN_MULTIPLIER:g} and "
                         f"{MAX_MULTIPLIER:g}")
    catalog = catalog or default_catalog()
    table = ComponentTable(plan, catalog)
    figures = fx.FigureTable(table.n, FIGURE_ORDER)
    edges = expand_links(plan)
    levels = evaluation_levels(plan, edges, table.index)  # raises RequestCycleError
    transfers = Transfers(edges, table)

    client_rows = np.flatnonzero(table.of(Behaviour.CLIENT))
    clients = [table.ids[i] for i in client_rows.tolist()]
    dau = plan.traffic.daily_active_users * multiplier
    weights = table.param("user_share")[client_rows]
    total_weight = sum(weights.tolist())
    client_users = np.zeros(table.n)
    client_users[client_rows] = dau * weights / total_weight if total_weight > 0 else 0.0
    ratios = pass_ratios(table)
    flows = Propagation(plan, table, transfers, ratios, figures, client_users).run(levels)
    sizing = size_all(plan, table, flows, figures)
    run = _Run(plan, table, edges, levels, transfers, ratios, flows, sizing, figures)

    detection = _monitoring(run)
    inst_avail = _instance_availability(run, detection)
    comp_avail = _component_availability(run, inst_avail)
    costs = _cost(run)
    _queues(run)
    results = _results(run, inst_avail, comp_avail, costs)

    succ = request_successors(edges)
    dominators = {cid: immediate_dominators(cid, succ) for cid in clients}
    client_results = _clients(run, results, clients, dominators, client_users)
    lone = np.flatnonzero(run.served & ~table.managed & (sizing.count <= 1))
    candidates = {table.ids[i] for i in lone.tolist()}
    found = single_points_of_failure(clients, succ, candidates, dominators)
    spofs = {k: tuple(found[k]) for k in sorted(found, key=table.index.__getitem__)}  # in plan order
    bottleneck = _bottleneck(run, results)
    breaking = _breaking_point(run, results, dau)

    findings = _findings(run, results, spofs) + _idle_links(run, results)
    totals = Totals(
        dau=dau,
        entry_qps_avg=sum(class_sum(flows.out[AVG, client_rows]).tolist()),
        entry_qps_peak=sum(class_sum(flows.out[PEAK, client_rows]).tolist()),
        storage_per_day=sum(sizing.storage_per_day.tolist()),
        storage_total=sum(sizing.storage_total.tolist()),
        storage_replicated=sum(sizing.storage_replicated.tolist()),
        instances=sum(int(c) for c in sizing.count[~table.managed].tolist()),
        monthly_cost=sum(costs.tolist()),
        availability=min((c.availability for c in client_results.values()), default=1.0),
    )
    severity_rank = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: severity_rank[f.severity])
    return PlanResult(results, client_results, totals, bottleneck, spofs, breaking, tuple(findings), multiplier)


# ------------------------------------------------------------------------------------------ health

def _monitoring(run: _Run) -> np.ndarray:
    """Health checks: probes per second and the time they take to detect a failure. Returns, per
    component, the time to notice that it failed (the fastest health check on it, else by hand)."""
    table, index = run.table, run.table.index
    detection = np.full(table.n, run.plan.settings.manual_detection_s)
    health = [(index[e.source], index[e.target]) for e in run.edges if e.kind == "health"]
    if not health:
        return detection
    source, target = np.array(health, dtype=np.intp).T
    checks = table.of(Behaviour.MONITOR)[source]
    source, target = source[checks], target[checks]
    monitors = np.unique(source)
    if not monitors.size:
        return detection
    interval = table.param("interval_s")[monitors]
    detect = run.figures.add("detection_time", fx.DETECTION_TIME, monitors, interval=interval,
                             misses=table.param("misses")[monitors], timeout=table.param("timeout_s")[monitors])
    watched = np.bincount(np.searchsorted(monitors, source), np.maximum(1.0, run.s.count[target]),
                          minlength=monitors.size)
    probes = run.figures.add("probes", fx.PROBE_RATE, monitors, monitored=watched, interval=interval)
    run.extra["detection_time"] = (monitors, detect)
    run.extra["probes"] = (monitors, probes)
    fastest = np.full(table.n, np.inf)
    np.minimum.at(fastest, target, detect[np.searchsorted(monitors, source)])
    return np.where(np.isinf(fastest), detection, fastest)


def _instance_availability(run: _Run, detection: np.ndarray) -> np.ndarray:
    table, cap = run.table, run.table.capacity
    out = np.ones(table.n)
    published = run.served & (table.managed | table.own_availability)  # an SLA, or the user's own figure
    out[published] = cap["availability"][published]
    rows = np.flatnonzero(run.served & ~published)
    if rows.size:
        out[rows] = run.figures.add("instance_availability", fx.AVAILABILITY_MTTR, rows,
                                    mtbf=cap["mtbf_hours"][rows] * units.HOUR, detect=detection[rows],
                                    restart=cap["restart_s"][rows])
    return out


def _component_availability(run: _Run, a: np.ndarray) -> np.ndarray:
    table, s = run.table, run.s
    out = np.ones(table.n)
    managed = run.served & table.managed
    out[managed] = a[managed]  # the provider's SLA covers the whole service, however many partitions it uses
    own = run.served & ~table.managed
    partitioned = own & table.of(Behaviour.PARTITIONED)
    rows = np.flatnonzero(partitioned)
    if rows.size:
        rf = store_copies(table, run.plan)[rows]
        count = s.count[rows]
        out[rows] = run.figures.add("availability", fx.AVAILABILITY_SHARDED, rows, a=a[rows],
                                    rf=np.minimum(rf, np.maximum(1.0, count)), shards=np.maximum(1.0, count / rf))
    rows = np.flatnonzero(own & ~partitioned)
    if rows.size:
        scales = (s.binding[rows] == THROUGHPUT) | (s.binding[rows] == BANDWIDTH)
        needed = np.where(scales & ~table.of(*SINGLE_ACTIVE)[rows], np.maximum(1.0, np.ceil(s.load[rows] - 1e-9)), 1.0)
        deployed = np.maximum(1.0, s.count[rows])
        out[rows] = run.figures.add("availability", fx.AVAILABILITY_K_OF_N, rows, a=a[rows],
                                    k=np.minimum(needed, deployed), N=deployed)
    return out


# ------------------------------------------------------------------------------------------ cost

def _cost(run: _Run) -> np.ndarray:
    table, s, cap = run.table, run.s, run.table.capacity
    out = np.zeros(table.n)
    rows = np.flatnonzero(run.served)
    if not rows.size:
        return out
    in_bytes = run.flows.in_bytes[rows]
    egress_gb = np.where(run.transfers.client_fed[rows], (in_bytes[:, R] + in_bytes[:, MR]) * units.MONTH / 1e9, 0.0)
    price = cap["request_price_per_million"][rows]
    requests_m = np.where(price != 0, (s.reads_avg[rows] + s.writes_avg[rows]) * units.MONTH / 1e6, 0.0)
    out[rows] = run.figures.add("monthly_cost", fx.COST, rows, count=s.count[rows], unit_cost=cap["monthly_cost"][rows],
                                stored_gb=s.storage_replicated[rows] / 1e9,
                                storage_price=cap["storage_price_gb_month"][rows], egress_gb=egress_gb,
                                egress_price=cap["egress_price_gb"][rows], requests_m=requests_m, request_price=price)
    return out


def _queues(run: _Run) -> None:
    """A queue's backlog at the end of a peak, and how long its consumers take to work it off."""
    rows = np.flatnonzero(run.table.of(Behaviour.QUEUE, Behaviour.PUBSUB))
    if not rows.size:
        return
    flows = run.flows
    avg, peak, drain = class_sum(flows.in_avg[rows]), class_sum(flows.in_peak[rows]), class_sum(flows.out[PEAK, rows])
    backlog = run.figures.add("backlog", fx.QUEUE_BACKLOG, rows, peak=peak, drain_rate=drain,
                              D=run.table.param("peak_duration_s")[rows])
    run.extra["consumer_rate"] = (rows, drain)
    run.extra["backlog"] = (rows, backlog)
    draining = (backlog > 0) & (drain > avg)
    if draining.any():
        run.extra["drain_time"] = (rows[draining], run.figures.add(
            "drain_time", fx.QUEUE_DRAIN_TIME, rows[draining], backlog=backlog[draining], drain_rate=drain[draining],
            avg=avg[draining]))


# ------------------------------------------------------------------------------------------ results

def _results(run: _Run, inst_avail: np.ndarray, comp_avail: np.ndarray, costs: np.ndarray
             ) -> dict[str, ComponentResult]:
    table, s = run.table, run.s
    for key, rows in s.provided_rows.items():
        run.extra[key] = (rows, s.provided[rows])
    queued = np.flatnonzero(s.servers > 0)
    if queued.size:
        run.extra["servers"] = (queued, s.servers[queued])
        run.extra["p_wait"] = (queued, s.p_wait[queued])
    details = _details(run)
    names = [c.name for c in table.components]
    kinds = [c.kind for c in table.components]
    behaviours = [k.behaviour.value for k in table.kinds]
    binding = [RESOURCES[b] if b >= 0 else "none" for b in s.binding.tolist()]
    ints = [[int(v) for v in column.tolist()] for column in (s.needed, s.recommended, s.count)]
    figures = [fx.LazyFigures(run.figures, i) for i in range(table.n)]
    columns = (table.ids, names, kinds, behaviours, s.reads_avg.tolist(), s.writes_avg.tolist(),
               s.reads_peak.tolist(), s.writes_peak.tolist(), s.load.tolist(), binding, *ints,
               table.fixed.tolist(), s.utilisation.tolist(), s.ceiling.tolist(), s.storage_per_day.tolist(),
               s.storage_total.tolist(), s.storage_replicated.tolist(), s.memory.tolist(), s.bandwidth_in.tolist(),
               s.bandwidth_out.tolist(), s.latency.tolist(), inst_avail.tolist(), comp_avail.tolist(),
               costs.tolist(), figures, details)
    make = ComponentResult._make
    return {row[0]: make(row) for row in zip(*columns)}


#: Extra figures listed in a component's details, in this order after its resource loads.
_DETAIL_ORDER = ("consumer_rate", "backlog", "drain_time", "detection_time", "probes", "messages", "calls",
                 "samples", "servers", "p_wait")


def _details(run: _Run) -> list[dict[str, float]]:
    s = run.s
    out = [{"active": a, "traffic_utilisation": tu, "traffic_ceiling": tc}
           for a, tu, tc in zip(s.active.tolist(), s.traffic_utilisation.tolist(), s.traffic_ceiling.tolist())]
    for r, resource in enumerate(RESOURCES):
        column = s.resource[:, r]
        rows = np.flatnonzero(~np.isnan(column))
        key = f"load_{resource}"
        for row, value in zip(rows.tolist(), column[rows].tolist()):
            out[row][key] = value
    for key in _DETAIL_ORDER:
        if key in run.extra:
            rows, values = run.extra[key]
            for row, value in zip(rows.tolist(), values.tolist()):
                out[row][key] = value
    return out


# ------------------------------------------------------------------------------------------ clients

def _request_levels(run: _Run) -> list[np.ndarray]:
    """Rows in an order where every request link goes to a later level (the evaluation levels when
    the graph has no async loop; else a sort of the request links alone, which never loop)."""
    if not any(loops for _singles, loops in run.levels):
        return [np.array(singles, dtype=np.intp) for singles, _loops in run.levels]
    request_edges = [e for e in run.edges if e.kind == "request"]
    return [np.array(singles, dtype=np.intp)
            for singles, _l in evaluation_levels(run.plan, request_edges, run.table.index)]


def _path_latencies(run: _Run) -> np.ndarray:
    """Mean latency from each component to the end of its request paths, for reads and writes.

    L(x) = own(x) + sum over request links x -> y of w (hop + L(y)), w = the share of x's requests
    that make the call (pass ratio x link factor); worked from the last level back to the clients."""
    t, table = run.transfers, run.table
    hop = run.plan.settings.network_hop_ms / 1000.0
    classes = [R, W]
    own = np.where(run.client, 0.0, run.s.latency)
    ratios = run.ratios[:, classes]
    ratios[run.client] = 1.0
    latency = np.zeros((table.n, 2))
    request = np.flatnonzero(t.request)
    for rows in reversed(_request_levels(run)):
        if not rows.size:
            continue
        edges = request[np.isin(t.source[request], rows)]
        total = np.zeros((table.n, 2))
        if edges.size:
            weight = ratios[t.source[edges]] * t.factors[edges][:, classes]
            step = np.where(weight != 0, weight * (hop + latency[t.target[edges]]), 0.0)
            for k in range(2):
                total[:, k] = np.bincount(t.source[edges], step[:, k], minlength=table.n)
        latency[rows] = own[rows, None] + total[rows]
    return latency


def _clients(run: _Run, results: dict[str, ComponentResult], clients: list[str],
             dominators: dict[str, dict[str, str]], client_users: np.ndarray) -> dict[str, ClientResult]:
    if not clients:
        return {}
    table = run.table
    rows = np.array([table.index[c] for c in clients], dtype=np.intp)
    latency = _path_latencies(run)
    out: dict[str, ClientResult] = {}
    for cid, row in zip(clients, rows.tolist()):
        needs = tuple(sorted(n for n in dominators[cid] if n != cid))  # what its requests reach
        a_fig = fx.AVAILABILITY_SERIES.figure(parts=[results[n].availability for n in needs])
        read_l, write_l = float(latency[row, 0]), float(latency[row, 1])
        figures = fx.LazyFigures(run.figures, row, {
            "availability": a_fig,
            "read_latency": fx.PATH_LATENCY.figure(own=0.0, downstream=read_l),
            "write_latency": fx.PATH_LATENCY.figure(own=0.0, downstream=write_l)})
        out[cid] = ClientResult(cid, table.components[row].name, float(client_users[row]), read_l, write_l,
                                a_fig.value, needs, figures)
    return out


# ------------------------------------------------------------------------------------------ plan level

def _headroom(run: _Run) -> np.ndarray:
    s = run.s
    return np.divide(s.utilisation, s.ceiling, out=np.full(run.table.n, np.inf), where=s.ceiling > 0)


def _bottleneck(run: _Run, results: dict[str, ComponentResult]) -> str | None:
    """The component that limits the plan.

    A component past its ceiling on any resource (requests, bytes, data, memory) comes first: the
    most overloaded one. Otherwise it is the component closest to its ceiling on a resource that grows
    with traffic: stored data fills auto-sized stores to their fill ratio by construction, so it
    would always win without telling anything."""
    ids, s = run.table.ids, run.s
    headroom = _headroom(run)
    over = np.flatnonzero(run.served & (headroom > 1 + 1e-9))
    if over.size:
        return max((float(headroom[i]), ids[i]) for i in over.tolist())[1]
    moving = np.flatnonzero(run.served & (s.traffic_utilisation > 0))
    if not moving.size:
        return None
    closeness = s.traffic_utilisation[moving] / s.traffic_ceiling[moving]
    top = moving[closeness == closeness.max()]
    return max((float(s.traffic_utilisation[i] / s.traffic_ceiling[i]), float(s.utilisation[i]), ids[i])
               for i in top.tolist())[2]


def _breaking_point(run: _Run, results: dict[str, ComponentResult], dau: float) -> BreakingPoint:
    """Load is linear in traffic, so component i stays under its ceiling up to x ceiling_i / rho_i.

    Only resources that scale with traffic count (requests, bytes, cache memory); stored data grows
    with time and is reported by the storage figures instead."""
    s = run.s
    moving = np.flatnonzero(run.served & (s.traffic_utilisation > 0))
    if not moving.size:
        return BreakingPoint(None, math.inf, math.inf, math.inf, math.inf)
    rho = s.traffic_utilisation[moving]
    worst = int(moving[np.argmax(rho / s.traffic_ceiling[moving])])
    saturation = float(rho.max())
    fig = fx.BREAKING.figure(u=float(s.traffic_ceiling[worst]), rho=float(s.traffic_utilisation[worst]))
    return BreakingPoint(run.table.ids[worst], fig.value, dau * fig.value, 1.0 / saturation, dau / saturation, fig)


def _findings(run: _Run, results: dict[str, ComponentResult], spofs: dict[str, tuple[str, ...]]) -> list[Finding]:
    table, s = run.table, run.s
    out: list[Finding] = []
    if not run.client.any():
        out.append(Finding("warning", "no_clients", "The plan has no client, so no traffic enters it.",
                           advice="Add a web or mobile client and link it to the entry point."))
    headroom = _headroom(run)
    idle = (s.reads_avg + s.writes_avg == 0) & ~table.of(Behaviour.MONITOR) & (s.storage_total == 0)
    shares = (run.transfers.explicit > 1 + 1e-9).any(axis=1)
    unfed = (table.of(Behaviour.SQL_REPLICA) & (class_sum(run.flows.repl_avg) == 0)
             & (s.reads_avg + s.writes_avg > 0))
    stalled = np.isinf(s.latency) & (s.utilisation < 1.0)
    # rows that may have a finding (saturated implies utilisation >= 1); r.saturated decides below
    flagged = run.served & ((s.utilisation >= 1.0) | (headroom > 1 + 1e-9) | idle | shares | unfed | stalled)
    for row in np.flatnonzero(flagged).tolist():
        cid = table.ids[row]
        r = results[cid]
        behaviour = table.kinds[row].behaviour
        name = r.name
        if r.saturated:
            out.append(Finding("error", "saturated", f"{name} is saturated: {units.format_percent(r.utilisation)} "
                               f"of its {r.binding} at peak with {r.count} instance(s).", cid,
                               _advice(behaviour, r)))
        elif r.headroom > 1 + 1e-9:
            out.append(Finding("warning", "over_target", f"{name} runs at {units.format_percent(r.utilisation)} of "
                               f"its {r.binding} at peak, above its {units.format_percent(r.ceiling)} ceiling.", cid,
                               _advice(behaviour, r)))
        if idle[row]:
            out.append(Finding("info", "no_traffic", f"{name} receives no traffic.", cid,
                               "Link it from a component on a request path, or remove it."))
        for c, total in enumerate(run.transfers.explicit[row].tolist()):
            if total > 1 + 1e-9:
                out.append(Finding("warning", "share_sum", f"Links out of {name} claim {total:.0%} of its "
                                   f"{TRAFFIC_CLASSES[c]} traffic (more than 100 %).", cid,
                                   "Shares of one class should add up to at most 1; use a fan-out factor for "
                                   "traffic that really multiplies."))
        if unfed[row]:
            out.append(Finding("warning", "replica_unfed", f"{name} takes reads but no replication link feeds it "
                               "the write stream.", cid, "Link the primary to it with a replication link."))
        if stalled[row]:
            out.append(Finding("error", "saturated", f"{name} has no finite latency at peak.", cid))
    for cid, cut in spofs.items():
        others = [results[c].name for c in cut if c != cid]
        what = f"cuts clients off from {', '.join(others[:4])}{' and more' if len(others) > 4 else ''}" if others \
            else "holds what clients need"
        out.append(Finding("warning", "spof", f"{results[cid].name} is a single point of failure: one instance "
                           f"{what}.", cid, "Run at least two instances (redundancy: ha or n+1), or add a "
                                            "standby / replica behind a failover."))
    return out


def _idle_links(run: _Run, results: dict[str, ComponentResult]) -> list[Finding]:
    """Request links left without a share where the source's other links already take everything."""
    t = run.transfers
    if not len(t.edges):
        return []
    sending = (t.carries & (run.flows.out[AVG][t.source] > 0)).any(axis=1)
    idle = np.flatnonzero(t.open & ~t.factors.any(axis=1) & sending)
    if not idle.size:
        return []
    _, first = np.unique(t.source, return_index=True)
    first_edge = dict(zip(np.unique(t.source).tolist(), first.tolist()))
    out = []
    for e in sorted(idle.tolist(), key=lambda e: (first_edge[int(t.source[e])], e)):
        edge = t.edges[e]
        src, dst = results[edge.source].name, results[edge.target].name
        out.append(Finding("warning", "idle_link", f"The link {src} -> {dst} carries nothing: the other "
                           f"links out of {src} already take all of its traffic.", edge.target,
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
