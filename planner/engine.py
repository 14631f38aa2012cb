"""
The capacity engine: ``compute(plan) -> PlanResult``, a pure function of the plan document.

Steps (capacity-model.md):
1. Expand links (groups to members), refuse request cycles, level the graph (async loops as blocks).
2. Propagate the traffic profile from the clients (planner.propagation).
3. Size every component (planner.sizing): instances, utilisation, storage, memory, latency.
4. Availability (planner.reliability): per instance, per component (k of N, quorums, overload), per
   client along its request paths (series where every call is needed, parallel between alternatives).
5. Queues against their deployed consumers (planner.queues), cost (planner.costing), end-to-end latency
   (planner.paths), single points of failure (dominators on the request graph), the bottleneck, the
   breaking point (planner.breaking); then the design review's rules (planner.review) read the result
   once and give its findings.

The plan is read once into columns (planner.columns) and every step works on whole columns; every
figure is produced through planner.formulas, so it can show its work, and a component's working is
turned into Figure objects only when someone looks at it (planner.formulas.FigureTable).
"""

from __future__ import annotations

import dataclasses
import gc
import math

import numpy as np

from archplan.planner import formulas as fx
from archplan.planner import paths, queues, reliability
from archplan.planner.breaking import breaking_point
from archplan.planner.catalog import Behaviour, Catalog, default_catalog
from archplan.planner.columns import ComponentTable
from archplan.planner.costing import monthly_cost
from archplan.planner.graph import (
    evaluation_levels,
    expand_links,
    immediate_dominators,
    request_successors,
    single_points_of_failure,
)
from archplan.planner.model import Plan
from archplan.planner.propagation import AVG, MR, MW, PEAK, Propagation, R, Transfers, W, class_sum, pass_ratios
from archplan.planner.result import BreakingPoint, ClientResult, ComponentResult, PlanResult, Totals
from archplan.planner.review.runner import run_rules
from archplan.planner.run import Run
from archplan.planner.sizing import PERCENTILES, RESOURCES, size_all

__all__ = ["compute"]

#: What-if range: far past x0.1 - x100 of the GUI, small enough that every figure stays finite.
MIN_MULTIPLIER, MAX_MULTIPLIER = 1e-6, 1e6

#: The order a component's figures are listed in: traffic, data, sizing, latency, health, cost.
FIGURE_ORDER = ("reads_avg", "writes_avg", "peak_qps", "pass_ratio", "delivered",
                "messages", "calls", "samples", "storage_per_day",
                "storage_total", "memory", "storage_replicated", "capacity_workers", "capacity_workers_write", "load",
                "replay", "load_bandwidth", "instances_throughput", "instances_storage", "instances_memory",
                "instances_needed", "instances_copies", "instances_recommended", "utilisation", "workers",
                "servers", "latency", "wait", "p50", "p95", "p99", "detection_time", "probes",
                "instance_availability", "availability", "availability_read", "availability_overload",
                "path_availability_read", "path_availability_write", "path_availability_media_read",
                "path_availability_media_write", "monthly_cost", "consumer_capacity",
                "backlog", "drain_time", "backlog_growth", "loss_time")
#: What a component's count counts, by behaviour (managed stores: the partitions the provider runs).
COUNT_UNITS = {Behaviour.SQL_REPLICA: "replicas", Behaviour.PARTITIONED: "nodes", Behaviour.SEARCH: "nodes",
               Behaviour.PUBSUB: "brokers", Behaviour.CACHE: "nodes", Behaviour.SQL_PRIMARY: "nodes"}
MANAGED_COUNT_UNITS = {Behaviour.PARTITIONED: "partitions", Behaviour.OBJECT_STORE: "prefixes"}


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
    shares = client_shares(table, transfers, client_rows)
    client_users = np.zeros(table.n)
    client_users[client_rows] = dau * shares.effective
    ratios = pass_ratios(table, figures)
    flows = Propagation(plan, table, transfers, ratios, figures, client_users).run(levels)
    sizing = size_all(plan, table, flows, figures)
    capacity, drain_load = queues.consumers(table, transfers, flows, sizing)
    if capacity is not None:
        # a second pass: queues deliver what their consumers, sized on the drain rate, take at peak
        figures = fx.FigureTable(table.n, FIGURE_ORDER)
        ratios = pass_ratios(table, figures)
        flows = Propagation(plan, table, transfers, ratios, figures, client_users, capacity).run(levels)
        sizing = size_all(plan, table, flows, figures, drain_load)
    run = Run(plan, catalog, table, edges, levels, transfers, ratios, flows, sizing, figures)
    run.shares = shares

    detection = _monitoring(run)
    inst_avail = reliability.instance_availability(run, detection)
    comp_avail, avail_read, avail_write = reliability.component_availability(run, inst_avail)
    queues.assess(run)
    costs = monthly_cost(run)
    results = _results(run, inst_avail, comp_avail, costs)

    succ = request_successors(edges)
    dominators = {cid: immediate_dominators(cid, succ) for cid in clients}
    client_results = _clients(run, clients, dominators, client_users, reliability.path_availability(
        run, avail_read, avail_write))
    lone = np.flatnonzero(run.served & ~table.managed & (sizing.count <= 1))
    candidates = {table.ids[i] for i in lone.tolist()}
    found = single_points_of_failure(clients, succ, candidates, dominators)
    spofs = {k: tuple(found[k]) for k in sorted(found, key=table.index.__getitem__)}  # in plan order
    breaking = breaking_point(run, dau)
    bottleneck = _bottleneck(run, breaking)

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
    prices = catalog.prices
    result = PlanResult(results, client_results, totals, bottleneck, spofs, breaking, (), multiplier,
                        dict(run.plan_figures),
                        price_basis=" ".join(filter(None, (prices.provider, prices.region, "list prices",
                                                             f"of {prices.date}" if prices.date else ""))))
    findings, ignored = run_rules(run, result)
    return dataclasses.replace(result, findings=findings, ignored=ignored)


# ------------------------------------------------------------------------------------------ clients

class ClientShares:
    """How the users divide between the clients (capacity-model.md, "Traffic classes and propagation").

    A client's ``user_share`` is its fraction of the users. Clients without one split what the others
    leave equally, among the clients linked to something: a client dropped on the canvas and not yet
    linked takes no users (and is a finding), so it never silently halves the traffic that reaches the
    system. Explicit shares adding up to more than 1 are scaled down to 1 (a finding says so)."""

    def __init__(self, rows: np.ndarray, given: np.ndarray, connected: np.ndarray, effective: np.ndarray):
        self.rows, self.given, self.connected, self.effective = rows, given, connected, effective

    @property
    def given_total(self) -> float:
        return float(np.nansum(self.given))


def client_shares(table: ComponentTable, transfers: Transfers, rows: np.ndarray) -> ClientShares:
    given = np.array([table.components[i].params.get("user_share", np.nan) for i in rows.tolist()], dtype=float)
    sending = np.zeros(table.n, dtype=bool)
    sending[transfers.source[transfers.carries.any(axis=1)]] = True
    connected = sending[rows]
    explicit = ~np.isnan(given)
    total = float(given[explicit].sum())
    effective = np.where(explicit, given, 0.0)
    if total > 1.0:
        effective = effective / total
    unset = ~explicit & (connected if connected.any() else np.ones(rows.size, dtype=bool))
    if unset.any():
        effective[unset] = max(0.0, 1.0 - min(total, 1.0)) / int(unset.sum())
    return ClientShares(rows, given, connected, effective)


# ------------------------------------------------------------------------------------------ health

def _monitoring(run: Run) -> np.ndarray:
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



# ------------------------------------------------------------------------------------------ results

def _results(run: Run, inst_avail: np.ndarray, comp_avail: np.ndarray, costs: np.ndarray
             ) -> dict[str, ComponentResult]:
    table, s = run.table, run.s
    for key, rows in s.provided_rows.items():
        run.detail(key, rows, s.provided[rows])
    queued = np.flatnonzero(s.servers > 0)
    if queued.size:
        run.detail("servers", queued, s.servers[queued])
        run.detail("p_wait", queued, s.p_wait[queued])
    details = _details(run)
    names = [c.name for c in table.components]
    kinds = [c.kind for c in table.components]
    behaviours = [k.behaviour.value for k in table.kinds]
    binding = [RESOURCES[b] if b >= 0 else "none" for b in s.binding.tolist()]
    ints = [[int(v) for v in column.tolist()] for column in (s.needed, s.recommended, s.count)]
    count_units = _count_units(table)
    figures = [fx.LazyFigures(run.figures, i) for i in range(table.n)]
    percentiles = [s.percentiles[p].tolist() for p in PERCENTILES]
    columns = (table.ids, names, kinds, behaviours, s.reads_avg.tolist(), s.writes_avg.tolist(),
               s.reads_peak.tolist(), s.writes_peak.tolist(), s.load.tolist(), binding, *ints,
               count_units, table.fixed.tolist(), s.utilisation.tolist(), s.ceiling.tolist(),
               s.storage_per_day.tolist(), s.storage_total.tolist(), s.storage_replicated.tolist(), s.memory.tolist(),
               s.bandwidth_in.tolist(),
               s.bandwidth_out.tolist(), s.latency.tolist(), s.wait.tolist(), *percentiles, s.workers.tolist(),
               inst_avail.tolist(), comp_avail.tolist(), costs.tolist(), figures, details)
    make = ComponentResult._make
    return {row[0]: make(row) for row in zip(*columns)}


#: Extra figures listed in a component's details, in this order after its resource loads.
_DETAIL_ORDER = ("consumer_rate", "consumer_capacity", "backlog", "drain_time", "backlog_growth", "loss_time",
                 "detection_time", "probes", "messages", "calls", "samples", "servers", "p_wait", "partitions",
                 "overload_served")


def _count_units(table: ComponentTable) -> list[str]:
    units_by_kind = [MANAGED_COUNT_UNITS.get(k.behaviour, "instances") if k.managed
                     else COUNT_UNITS.get(k.behaviour, "instances") for k in table.kind_list]
    return [units_by_kind[i] for i in table.kind_code.tolist()]


def _details(run: Run) -> list[dict[str, float]]:
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

def _clients(run: Run, clients: list[str], dominators: dict[str, dict[str, str]], client_users: np.ndarray,
             path_availability: np.ndarray) -> dict[str, ClientResult]:
    if not clients:
        return {}
    table = run.table
    rows = np.array([table.index[c] for c in clients], dtype=np.intp)
    latency = paths.mean_path_latency(run)
    percentiles = paths.PathPercentiles(run, clients, latency)
    shares = dict(zip(run.shares.rows.tolist(), run.shares.effective.tolist()))
    out: dict[str, ClientResult] = {}
    for cid, row in zip(clients, rows.tolist()):
        needs = tuple(sorted(n for n in dominators[cid] if n != cid))  # what its requests reach
        # media requests count with the reads and writes they are (each class on its own path)
        sent = run.flows.out[PEAK, row]
        reads, writes = float(sent[R] + sent[MR]), float(sent[W] + sent[MW])
        a_read = float((sent[R] * path_availability[row, 0] + sent[MR] * path_availability[row, 2]) / reads) \
            if reads > 0 else float(path_availability[row, 0])
        a_write = float((sent[W] * path_availability[row, 1] + sent[MW] * path_availability[row, 3]) / writes) \
            if writes > 0 else float(path_availability[row, 1])
        a_fig = fx.CLIENT_AVAILABILITY.figure(reads=reads, a_read=a_read, writes=writes, a_write=a_write) \
            if reads + writes > 0 else fx.CLIENT_AVAILABILITY.figure(reads=1.0, a_read=a_read, writes=0.0, a_write=1.0)
        read_l, write_l = float(latency[row, 0]), float(latency[row, 1])
        figures = fx.LazyFigures(run.figures, row, {
            "availability": a_fig,
            "read_latency": fx.PATH_LATENCY.figure(own=0.0, downstream=read_l),
            "write_latency": fx.PATH_LATENCY.figure(own=0.0, downstream=write_l)})
        out[cid] = ClientResult(cid, table.components[row].name, float(client_users[row]), read_l, write_l,
                                a_fig.value, needs, figures, shares[row], a_read, a_write, percentiles)
    return out


# ------------------------------------------------------------------------------------------ plan level

def _bottleneck(run: Run, breaking: BreakingPoint) -> str | None:
    """The component that limits the plan.

    A component past its ceiling on any resource (requests, bytes, data, memory) comes first: the
    most overloaded one. Otherwise it is the one that breaks first as traffic grows (the breaking
    point), and where everything scales out, the component closest to its ceiling on a resource that
    grows with traffic (stored data fills auto-sized stores to their fill ratio by construction, so it
    would always win without telling anything)."""
    ids, s = run.table.ids, run.s
    headroom = run.headroom()
    over = np.flatnonzero(run.served & (headroom > 1 + 1e-9))
    if over.size:
        return max((float(headroom[i]), ids[i]) for i in over.tolist())[1]
    if breaking.component is not None:
        return breaking.component
    moving = np.flatnonzero(run.served & (s.traffic_utilisation > 0))
    if not moving.size:
        return None
    closeness = s.traffic_utilisation[moving] / s.traffic_ceiling[moving]
    top = moving[closeness == closeness.max()]
    return max((float(s.traffic_utilisation[i] / s.traffic_ceiling[i]), float(s.utilisation[i]), ids[i])
               for i in top.tolist())[2]


