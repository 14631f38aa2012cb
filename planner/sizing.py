"""
Sizing every component from the load that reaches it: work, instances, utilisation, storage, memory,
bandwidth and latency (capacity-model.md, "Sizing", "Latency").

Instances needed n = max over resources: throughput ceil(load / u), bandwidth ceil(bytes / (bw x u)),
storage ceil(stored x skew / (node storage x fill)), memory ceil(hot set / (node memory x usable)).
Utilisation at the deployed count is reported on the binding (scarcest) resource.

All components are sized at once: each rule below is one formula evaluated over the rows it applies
to (masks by behaviour and by which figures a kind has), and records its working in the FigureTable.
"""

from __future__ import annotations

import numpy as np

from archplan.planner import formulas as fx
from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.planner.columns import ComponentTable
from archplan.planner.model import Plan
from archplan.planner.propagation import AVG, BYTES, MR, MW, PEAK, Flows, R, W, class_sum
from archplan.planner.queueing import erlang_c

#: Behaviours whose one active instance takes all the load (a standby adds no capacity).
SINGLE_ACTIVE = (Behaviour.SQL_PRIMARY,)
#: Every node holds a full copy of the data: more nodes do not divide storage.
FULL_COPY = (Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA)
#: Provider quotas: "auto" means one account-wide quota, not a count you can raise by adding instances.
QUOTA_BOUND = (Behaviour.EXTERNAL, Behaviour.NOTIFICATION)
STORES_DATA = (Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA, Behaviour.PARTITIONED, Behaviour.OBJECT_STORE)
#: The resources a component may run out of, in the order ties are broken.
RESOURCES = ("throughput", "bandwidth", "storage", "memory")
#: Response-time percentiles reported for every queue, and their figure names.
PERCENTILES = {0.5: "p50", 0.95: "p95", 0.99: "p99"}
THROUGHPUT, BANDWIDTH, STORAGE, MEMORY = range(4)


class Sizing:
    """What size_all() works out, one array element per component row."""

    def __init__(self, n: int):
        zeros = np.zeros
        self.reads_avg, self.writes_avg, self.reads_peak, self.writes_peak = (zeros(n) for _ in range(4))
        self.bandwidth_in, self.bandwidth_out = zeros(n), zeros(n)
        self.storage_per_day, self.storage_total, self.storage_replicated, self.memory = (zeros(n) for _ in range(4))
        #: instances' worth of each resource at peak (NaN: not a limit of this component)
        self.resource = np.full((n, len(RESOURCES)), np.nan)
        self.per_node = np.zeros((n, len(RESOURCES)), dtype=bool)  # carried in full by every node
        self.needed, self.recommended, self.count, self.active = (np.ones(n) for _ in range(4))
        self.binding = np.full(n, -1, dtype=np.intp)  # index into RESOURCES; -1: none
        self.load, self.utilisation, self.ceiling = zeros(n), zeros(n), np.ones(n)
        self.traffic_utilisation, self.traffic_ceiling = zeros(n), np.ones(n)  # scales with traffic (not data)
        self.latency, self.servers, self.p_wait = zeros(n), zeros(n), zeros(n)
        self.wait = zeros(n)  # mean time queued (Wq)
        self.percentiles = {p: zeros(n) for p in PERCENTILES}  # response-time percentiles (s)
        self.workers = zeros(n)  # k: requests one instance serves at once
        self.replay = zeros(n)  # share of every node busy with work that does not divide (replicas: replay)
        self.peak_bytes = zeros((n, 4))
        self.replicated_peak = zeros(n)  # writes/s a replica replays at peak
        self.n_storage, self.n_memory = zeros(n), zeros(n)  # nodes needed for data, for the hot set
        #: utilisation of each resource per node at the deployed count, and its planned ceiling
        self.shares, self.ceilings = np.full((n, len(RESOURCES)), np.nan), np.ones((n, len(RESOURCES)))
        self.provided = zeros(n)  # messages / calls / samples per second a provider handles (average)
        self.provided_rows: dict[str, np.ndarray] = {}  # "messages" / "calls" / "samples" -> its rows


def _ratio(peak: np.ndarray, avg: np.ndarray) -> np.ndarray:
    """peak / avg, 1 where nothing flows."""
    return np.divide(peak, avg, out=np.ones_like(peak), where=avg > 0)


def _rows(mask: np.ndarray) -> np.ndarray:
    return np.flatnonzero(mask)


def size_all(plan: Plan, table: ComponentTable, flows: Flows, figs: fx.FigureTable,
             drain_load: np.ndarray | None = None) -> Sizing:
    """``drain_load`` (per row, NaN where it does not apply): for the consumers of a queue, the work the
    drain rate alone brings (a first sizing pass). They are sized on it, since the queue smooths the peak;
    their utilisation is what they really take at peak, against a ceiling of 100 %: during a peak they
    may run flat out while the queue holds the rest (capacity-model.md, "Queue / pub-sub log")."""
    n = table.n
    s = Sizing(n)
    s.queue_fed = np.zeros(n, dtype=bool) if drain_load is None else ~np.isnan(drain_load)
    if not n:
        return s
    client = table.of(Behaviour.CLIENT)
    served = ~client
    _served(table, flows, figs, s)
    _client_rates(flows, client, s)

    in_avg, in_peak, in_bytes = flows.in_avg, flows.in_peak, flows.in_bytes
    with np.errstate(divide="ignore", invalid="ignore"):
        peak_bytes = np.where(in_avg > 0, in_bytes * in_peak / in_avg, in_bytes)
    peak_bytes[client] = 0.0
    s.peak_bytes = peak_bytes
    s.bandwidth_in[served] = (peak_bytes[:, W] + peak_bytes[:, MW])[served]
    s.bandwidth_out[served] = (peak_bytes[:, R] + peak_bytes[:, MR])[served]

    s.replicated_peak[:] = flows.repl_peak[:, W] + flows.repl_peak[:, MW]
    _worker_capacity(table, figs, served)
    _storage(plan, table, flows, figs, s)
    fill = _fill(table)
    _resources(plan, table, figs, s, served, fill)
    _counts(plan, table, figs, s, served, drain_load)
    _copies(table, figs, s, served)
    _utilisation(plan, table, figs, s, served, fill)
    _latency(table, figs, s, served)
    return s


def service_time(table: ComponentTable) -> np.ndarray:
    """Seconds one request keeps one worker busy: the kind's latency, a worker's job time."""
    return np.where(table.of(Behaviour.WORKER), table.param("job_s"), table.capacity["latency_ms"] / 1000.0)


def _worker_capacity(table: ComponentTable, figs: fx.FigureTable, served: np.ndarray) -> None:
    """A plan that states the workers of an instance (cores, a thread or connection pool) caps what one
    instance completes: k workers busy service_s each finish at most k / service_s requests a second."""
    rows = _rows(served & (table.workers > 0) & ~table.of(Behaviour.WORKER))
    if not rows.size:
        return
    service_s = service_time(table)[rows]
    cap = table.capacity
    for name in ("read_qps", "write_qps"):
        at = rows[(cap[name][rows] != 0) & (service_s > 0)]
        if at.size:
            cap[name][at] = figs.add("capacity_workers" if name == "read_qps" else "capacity_workers_write",
                                     fx.CAPACITY_WORKERS, at, catalog_capacity=cap[name][at],
                                     workers=table.workers[at], service_s=service_time(table)[at])


def _served(table: ComponentTable, flows: Flows, figs: fx.FigureTable, s: Sizing) -> None:
    """(reads, writes) avg and peak each component itself handles; providers count messages or calls."""
    avg, peak = flows.in_avg, flows.in_peak
    s.reads_avg[:] = avg[:, R] + avg[:, MR]
    s.writes_avg[:] = avg[:, W] + avg[:, MW]
    s.reads_peak[:] = peak[:, R] + peak[:, MR]
    s.writes_peak[:] = peak[:, W] + peak[:, MW]
    # a replication link into anything but a read replica (cross-region object copies, a standby store)
    # delivers writes it must take: only a replica replays them apart (its replay, below)
    copies = ~table.of(Behaviour.SQL_REPLICA)
    s.writes_avg[copies] += (flows.repl_avg[:, W] + flows.repl_avg[:, MW])[copies]
    s.writes_peak[copies] += (flows.repl_peak[:, W] + flows.repl_peak[:, MW])[copies]
    for behaviour, key, formula, first, parameters in (
            (Behaviour.NOTIFICATION, "messages", fx.FANOUT_CHANNELS, "events", {"channels": "channels_per_event"}),
            (Behaviour.EXTERNAL, "calls", fx.RETRY_LOAD, "requests",
             {"retries": "retries", "failure_rate": "failure_rate"}),
            (Behaviour.METRICS, "samples", fx.METRIC_SAMPLES, "requests",
             {"samples_per_request": "samples_per_request"})):
        rows = _rows(table.of(behaviour))
        if not rows.size:
            continue
        events = s.reads_avg[rows] + s.writes_avg[rows]
        values = figs.add(key, formula, rows, **{first: events},
                          **{name: table.param(p)[rows] for name, p in parameters.items()})
        s.provided[rows] = values
        s.provided_rows[key] = rows
        factor = np.divide(values, events, out=np.zeros_like(values), where=events > 0)
        peaks = s.reads_peak[rows] + s.writes_peak[rows]
        s.reads_avg[rows], s.writes_avg[rows] = 0.0, events * factor
        s.reads_peak[rows], s.writes_peak[rows] = 0.0, peaks * factor


def _client_rates(flows: Flows, client: np.ndarray, s: Sizing) -> None:
    """A client serves nothing: its figures are what it sends, and it runs no instances."""
    rows = _rows(client)
    if not rows.size:
        return
    out_avg, out_peak, out_bytes = flows.out[AVG, rows], flows.out[PEAK, rows], flows.out[BYTES, rows]
    s.reads_avg[rows] = out_avg[:, R] + out_avg[:, MR]
    s.writes_avg[rows] = out_avg[:, W] + out_avg[:, MW]
    s.reads_peak[rows] = out_peak[:, R] + out_peak[:, MR]
    s.writes_peak[rows] = out_peak[:, W] + out_peak[:, MW]
    peak_bytes = out_bytes * _ratio(out_peak, out_avg)
    s.bandwidth_out[rows] = peak_bytes[:, W] + peak_bytes[:, MW]
    received = np.where(out_avg > 0, peak_bytes, 0.0)
    s.bandwidth_in[rows] = received[:, R] + received[:, MR]
    s.count[rows] = s.needed[rows] = s.recommended[rows] = 0


def _storage(plan: Plan, table: ComponentTable, flows: Flows, figs: fx.FigureTable, s: Sizing) -> None:
    profile = plan.traffic
    in_avg, in_bytes = flows.in_avg, flows.in_bytes
    # ---- logs: a pub-sub log keeps its messages for its retention (a queue stores what waits:
    # planner.queues, once the consumers are sized)
    logs = _rows(table.of(Behaviour.PUBSUB))
    if logs.size:
        rf = table.param("replication_factor")[logs]
        bytes_per_s = class_sum(in_bytes[logs])
        stored = figs.add("storage_replicated", fx.LOG_STORAGE, logs, bytes_per_s=bytes_per_s,
                          retention_s=table.param("retention_s")[logs], rf=rf)
        s.storage_per_day[logs] = bytes_per_s * units.DAY
        s.storage_total[logs] = stored / rf
        s.storage_replicated[logs] = stored
    # ---- metrics: samples kept for the retention
    metrics = _rows(table.of(Behaviour.METRICS))
    if metrics.size:
        wp, wa = s.writes_peak[metrics], s.writes_avg[metrics]
        samples = np.where(wp != 0, s.provided[metrics] / _ratio(wp, wa), 0.0)  # the average of `samples`
        bytes_per_s = samples * table.param("bytes_per_sample")[metrics]
        stored = figs.add("storage_replicated", fx.LOG_STORAGE, metrics, bytes_per_s=bytes_per_s,
                          retention_s=table.param("retention_s")[metrics], rf=1.0)
        s.storage_per_day[metrics] = bytes_per_s * units.DAY
        s.storage_total[metrics] = s.storage_replicated[metrics] = stored
    # ---- caches: the hot set in memory
    caches = _rows(table.of(Behaviour.CACHE))
    if caches.size:
        reads = in_avg[caches, R] + in_avg[caches, MR]
        # a key store (written, not read through: sessions, idempotency keys) holds what is written for the
        # time to live the plan gives it; a read-through cache its hot set
        key_store = (reads == 0) & ~np.isnan(table.retention[caches])
        hot, keys = caches[~key_store], caches[key_store]
        reads = reads[~key_store]
        read_bytes = in_bytes[hot, R] + in_bytes[hot, MR]
        read_size = np.divide(read_bytes, reads, out=np.zeros_like(reads), where=reads > 0)
        if hot.size:
            s.memory[hot] = figs.add("memory", fx.CACHE_MEMORY, hot, fraction=table.param("cached_fraction")[hot],
                                     reads=reads, read_size=read_size, day_s=fx.DAY_S)
        if keys.size:
            writes = in_avg[keys, W] + in_avg[keys, MW]
            record = np.where(np.isnan(table.record_size[keys]), plan.traffic.record_size, table.record_size[keys])
            s.memory[keys] = figs.add("memory", fx.CACHE_KEYS, keys, writes=writes, record_size=record,
                                      ttl_s=table.retention[keys])
    # ---- stores: what the writes keep, over the retention, with growth and copies
    stores = table.of(*STORES_DATA, Behaviour.SEARCH)
    writes = in_avg[:, W] + flows.repl_avg[:, W]
    media = in_avg[:, MW] + flows.repl_avg[:, MW]
    rows = _rows(stores & ~((writes <= 0) & (media <= 0)))
    if not rows.size:
        return
    record = np.where(np.isnan(table.record_size[rows]), profile.record_size, table.record_size[rows])
    per_day = figs.add("storage_per_day", fx.STORAGE_PER_DAY, rows, writes=writes[rows], record_size=record,
                       media_writes=media[rows], media_size=profile.media_size, day_s=fx.DAY_S)
    retention = np.where(np.isnan(table.retention[rows]), profile.retention, table.retention[rows])
    total = np.zeros(rows.size)
    growing = (retention > 0) if profile.yearly_growth > 0 else np.zeros(rows.size, dtype=bool)
    if growing.any():
        total[growing] = figs.add("storage_total", fx.STORAGE_GROWTH, rows[growing], per_day=per_day[growing],
                                  g=profile.yearly_growth, years=retention[growing] / units.YEAR)
    if (~growing).any():
        total[~growing] = figs.add("storage_total", fx.STORAGE_TOTAL, rows[~growing], per_day=per_day[~growing],
                                   days=retention[~growing] / units.DAY)
    search = table.of(Behaviour.SEARCH)[rows]
    replicated = np.zeros(rows.size)
    if search.any():
        at = rows[search]
        replicated[search] = figs.add("storage_replicated", fx.INDEX_SIZE, at, stored=total[search],
                                      overhead=table.param("index_overhead")[at], replicas=table.param("replicas")[at])
    full = table.of(*FULL_COPY)[rows]
    replicated[full] = total[full]  # one copy per node: multiplied by the nodes once they are counted
    if (~search & ~full).any():
        at = rows[~search & ~full]
        partitioned = table.of(Behaviour.PARTITIONED)[at]
        rf = np.where(partitioned, store_copies(table, plan)[at],
                      np.where(table.of(Behaviour.OBJECT_STORE)[at], 1.0, profile.replication_factor))
        replicated[~search & ~full] = figs.add("storage_replicated", fx.STORAGE_REPLICATED, at,
                                               total=total[~search & ~full], rf=rf)
    s.storage_per_day[rows], s.storage_total[rows], s.storage_replicated[rows] = per_day, total, replicated


def store_copies(table: ComponentTable, plan: Plan) -> np.ndarray:
    """Copies a shard group keeps: its own replication factor, else the traffic profile's."""
    rf = table.param("replication_factor")
    return np.where(rf > 0, rf, plan.traffic.replication_factor)


def _resources(plan: Plan, table: ComponentTable, figs: fx.FigureTable, s: Sizing, served: np.ndarray,
               fill: np.ndarray) -> None:
    """Instances' worth of each resource the peak needs (100 % busy)."""
    cap = table.capacity
    rc, wc = cap["read_qps"], cap["write_qps"]
    both = (rc != 0) & (wc != 0)
    worker = served & table.of(Behaviour.WORKER)
    partitioned = served & table.of(Behaviour.PARTITIONED) & both & ~worker
    replica = served & table.of(Behaviour.SQL_REPLICA) & both & ~worker
    other = served & ~worker & ~partitioned & ~replica
    read_write = other & both & (rc != wc)
    single = other & ~read_write & ((rc != 0) | (wc != 0))
    rp, wp, load = s.reads_peak, s.writes_peak, s.resource[:, THROUGHPUT]
    rows = _rows(worker)
    if rows.size:
        load[rows] = figs.add("load", fx.LOAD_WORKER, rows, jobs=rp[rows] + wp[rows], job_s=table.param("job_s")[rows],
                              slots=table.param("slots")[rows])
    rows = _rows(partitioned)
    if rows.size:
        load[rows] = figs.add("load", fx.LOAD_PARTITIONED, rows, reads=rp[rows], writes=wp[rows],
                              rf=store_copies(table, plan)[rows], skew=table.param("skew")[rows],
                              read_capacity=rc[rows], write_capacity=wc[rows])
    rows = _rows(replica)
    if rows.size:
        load[rows] = figs.add("load", fx.LOAD_REPLICA, rows, reads=rp[rows], read_capacity=rc[rows])
        s.replay[rows] = figs.add("replay", fx.REPLAY, rows, replicated=s.replicated_peak[rows],
                                  apply_cost=table.param("apply_cost")[rows], write_capacity=wc[rows])
    rows = _rows(read_write)
    if rows.size:
        load[rows] = figs.add("load", fx.LOAD_RW, rows, reads=rp[rows], writes=wp[rows], read_capacity=rc[rows],
                              write_capacity=wc[rows])
    rows = _rows(single)
    if rows.size:
        load[rows] = figs.add("load", fx.LOAD_R, rows, requests=rp[rows] + wp[rows],
                              capacity=np.where(rc[rows] != 0, rc[rows], wc[rows]))
    s.resource[:, THROUGHPUT] = load
    # ---- bandwidth
    rows = _rows(served & (cap["bandwidth"] != 0))
    if rows.size:
        s.resource[rows, BANDWIDTH] = figs.add("load_bandwidth", fx.LOAD_BANDWIDTH, rows,
                                               bytes_per_s=class_sum(s.peak_bytes[rows]),
                                                   bandwidth=cap["bandwidth"][rows])
    # ---- storage: full copies load every node; otherwise nodes divide the data
    stored = served & (cap["storage"] != 0) & (s.storage_replicated > 0)
    full = stored & table.of(*FULL_COPY)
    s.resource[full, STORAGE] = s.storage_total[full] / cap["storage"][full]
    s.per_node[full, STORAGE] = True
    rows = _rows(stored & ~full)
    if rows.size:
        skew = np.where(table.of(Behaviour.PARTITIONED)[rows], table.param("skew")[rows], 1.0)
        s.n_storage[rows] = figs.add("instances_storage", fx.NEEDED_STORAGE, rows, stored=s.storage_replicated[rows],
                                     skew=skew, node_storage=cap["storage"][rows], fill=fill[rows])
        s.resource[rows, STORAGE] = s.storage_replicated[rows] * skew / cap["storage"][rows]
    # ---- memory: a cache's hot set
    rows = _rows(served & table.of(Behaviour.CACHE) & (cap["memory"] != 0) & (s.memory > 0))
    if rows.size:
        s.n_memory[rows] = figs.add("instances_memory", fx.NEEDED_MEMORY, rows, memory=s.memory[rows],
                                    node_memory=cap["memory"][rows], usable=table.param("usable_memory")[rows])
        s.resource[rows, MEMORY] = s.memory[rows] / cap["memory"][rows]


def _fill(table: ComponentTable) -> np.ndarray:
    """How full a node's disk may get: the kind's fill ratio, else all of it."""
    return np.where(table.has_param("fill_ratio"), table.param("fill_ratio"), 1.0)


def _counts(plan: Plan, table: ComponentTable, figs: fx.FigureTable, s: Sizing, served: np.ndarray,
            drain_load: np.ndarray | None) -> None:
    """Instances needed, recommended (redundancy) and deployed."""
    u = plan.traffic.target_utilisation
    throughput = np.nan_to_num(s.resource[:, THROUGHPUT], nan=0.0)
    bandwidth = np.nan_to_num(s.resource[:, BANDWIDTH], nan=0.0)
    n_throughput = fx.NEEDED_THROUGHPUT.vector(load=throughput, u=u)
    n_bandwidth = fx.NEEDED_THROUGHPUT.vector(load=bandwidth, u=u)
    replaying = served & (s.replay > 0) & (s.replay < u)  # past u, more replicas cannot help (a finding)
    consumers = served & s.queue_fed & ~replaying
    rows = _rows(served & ~np.isnan(s.resource[:, THROUGHPUT]) & ~replaying & ~consumers)
    if rows.size:
        figs.add("instances_throughput", fx.NEEDED_THROUGHPUT, rows, load=throughput[rows], u=u)
    rows = _rows(consumers)
    if rows.size:
        n_throughput[rows] = figs.add("instances_throughput", fx.NEEDED_CONSUMERS, rows, load=drain_load[rows], u=u)
    rows = _rows(replaying)
    if rows.size:
        n_throughput[rows] = figs.add("instances_throughput", fx.NEEDED_REPLICAS, rows, load=throughput[rows], u=u,
                                      replay=s.replay[rows])
    single_active = table.of(*SINGLE_ACTIVE)
    s.needed[served & single_active] = 1.0  # one writer: more nodes add no capacity (findings say when)
    rows = _rows(served & ~single_active)
    if rows.size:
        s.needed[rows] = np.trunc(figs.add("instances_needed", fx.NEEDED, rows, n_throughput=n_throughput[rows],
                                           n_bandwidth=n_bandwidth[rows], n_storage=s.n_storage[rows],
                                           n_memory=s.n_memory[rows]))
        copies = np.ones(table.n)
        pubsub = table.of(Behaviour.PUBSUB)
        copies[pubsub] = np.trunc(table.param("replication_factor")[pubsub])
        partitioned = table.of(Behaviour.PARTITIONED)
        copies[partitioned] = np.trunc(store_copies(table, plan)[partitioned])
        short = np.zeros(table.n, dtype=bool)
        short[rows] = (copies[rows] > s.needed[rows]) & ~table.managed[rows]
        at = _rows(short)
        if at.size:
            s.needed[at] = np.trunc(figs.add("instances_copies", fx.AT_LEAST_COPIES, at, n=s.needed[at], rf=copies[at]))
    redundancy = table.redundancy.copy()
    redundancy[table.managed & ~table.of(Behaviour.PARTITIONED, Behaviour.OBJECT_STORE)] = 0  # in the SLA
    s.recommended[served] = s.needed[served]
    for code, key, formula in ((1, "instances_recommended", fx.WITH_HA), (2, "instances_recommended", fx.WITH_SPARE)):
        rows = _rows(served & (redundancy == code))
        if rows.size:
            s.recommended[rows] = np.trunc(figs.add(key, formula, rows, n=s.needed[rows]))
    s.recommended[served & table.of(*QUOTA_BOUND) & ~table.fixed] = 1.0
    s.count[served] = np.where(table.fixed, table.fixed_count, s.recommended)[served]
    s.active[served] = np.where(single_active, 1.0, s.count)[served]


def _copies(table: ComponentTable, figs: fx.FigureTable, s: Sizing, served: np.ndarray) -> None:
    """Every node of a full-copy store (SQL primary and standby, each read replica) holds all the data:
    the disks hold count x one copy, and each pays its own storage (capacity-model.md, "Cost")."""
    rows = _rows(served & table.of(*FULL_COPY) & (s.storage_total > 0))
    if rows.size:
        s.storage_replicated[rows] = figs.add("storage_replicated", fx.STORAGE_REPLICATED, rows,
                                              total=s.storage_total[rows], rf=np.maximum(1.0, s.count[rows]))


def _utilisation(plan: Plan, table: ComponentTable, figs: fx.FigureTable, s: Sizing, served: np.ndarray,
                 fill: np.ndarray) -> None:
    """Utilisation on the binding resource: the one closest to its planned ceiling."""
    u = plan.traffic.target_utilisation
    ceilings = np.empty((table.n, len(RESOURCES)))
    ceilings[:, THROUGHPUT] = ceilings[:, BANDWIDTH] = u
    ceilings[s.queue_fed, THROUGHPUT] = 1.0  # a queue's consumers may run flat out while it holds the rest
    ceilings[:, STORAGE] = fill
    ceilings[:, MEMORY] = np.where(table.of(Behaviour.CACHE), table.param("usable_memory"), 1.0)
    shares = np.where(s.per_node, s.resource, s.resource / s.active[:, None])
    shares[:, THROUGHPUT] += s.replay  # work every node carries in full (a replica's replay)
    s.shares, s.ceilings = shares, ceilings
    ranked = np.where(np.isnan(shares), -np.inf, shares / ceilings)
    present = served & ~np.isnan(s.resource).all(axis=1)
    rows = _rows(present)
    if not rows.size:
        return
    binding = np.argmax(ranked[rows], axis=1)
    s.binding[rows] = binding
    s.load[rows] = s.resource[rows, binding]
    s.ceiling[rows] = ceilings[rows, binding]
    divisor = np.where(s.per_node[rows, binding], 1.0, s.active[rows])
    replay = (binding == THROUGHPUT) & (s.replay[rows] > 0)
    plain = rows[~replay]
    if plain.size:
        s.utilisation[plain] = figs.add("utilisation", fx.UTILISATION, plain, load=s.load[plain],
                                        count=divisor[~replay])
    at = rows[replay]
    if at.size:
        s.utilisation[at] = figs.add("utilisation", fx.UTILISATION_REPLICA, at, load=s.load[at], count=s.active[at],
                                     replay=s.replay[at])
    # stored data grows with time, not with the traffic multiplier: the breaking point ignores it
    traffic = ranked[rows].copy()
    traffic[:, STORAGE] = -np.inf
    moving = np.isfinite(traffic).any(axis=1)
    at, which = rows[moving], np.argmax(traffic[moving], axis=1)
    s.traffic_utilisation[at] = shares[at, which]
    s.traffic_ceiling[at] = ceilings[at, which]


def _erlang_c(servers: float, offered: float) -> float:
    return erlang_c(int(servers), offered)


def _latency(table: ComponentTable, figs: fx.FigureTable, s: Sizing, served: np.ndarray) -> None:
    """Response time at peak: an M/M/c queue per component (capacity-model.md, "Latency (queueing)").

    c = instances x k servers, k the workers of one instance: the plan's figure (cores, a thread or
    connection pool), else Little's law k = capacity x service time; a worker kind runs `slots` jobs.
    The arrival rate is the component's work at peak in requests of its service time (its utilisation of
    the deployed capacity, replays included). Reports the mean W, the mean wait Wq and p50 / p95 / p99."""
    cap = table.capacity
    worker = table.of(Behaviour.WORKER)
    service_s = service_time(table)
    limit = np.where(cap["read_qps"] != 0, cap["read_qps"], cap["write_qps"])
    stated = (table.workers > 0) & ~worker
    little = ~worker & ~stated & (limit != 0) & served & (service_s > 0)
    per_instance = np.where(worker, table.param("slots"), np.where(stated, table.workers, 0.0))
    rows = _rows(little)
    if rows.size:
        per_instance[rows] = figs.add("workers", fx.WORKERS_LITTLE, rows, capacity=limit[rows],
                                      service_s=service_s[rows])
    s.workers[:] = np.where(served, per_instance, 0.0)
    rho = np.nan_to_num(s.shares[:, THROUGHPUT], nan=0.0)
    working = served & (service_s > 0)
    plain = working & ((per_instance == 0) | (rho <= 0))
    s.latency[plain] = service_s[plain]
    for p in PERCENTILES:
        s.percentiles[p][plain] = -np.log1p(-p) * service_s[plain]  # one exponential service, no wait
    queued = working & ~plain
    saturated = queued & (rho >= 1.0)
    flat_out = saturated & s.queue_fed  # a queue's consumers at capacity: the waiting is in the queue (backlog)
    s.latency[flat_out] = service_s[flat_out]
    for p in PERCENTILES:
        s.percentiles[p][flat_out] = -np.log1p(-p) * service_s[flat_out]
    saturated &= ~flat_out
    s.latency[saturated] = s.wait[saturated] = np.inf
    for column in s.percentiles.values():
        column[saturated] = np.inf
    rows = _rows(queued & (rho < 1.0))
    if not rows.size:
        return
    servers = figs.add("servers", fx.SERVERS, rows, instances=s.active[rows], k=per_instance[rows])
    servers = np.maximum(1.0, np.trunc(servers))
    mu = 1.0 / service_s[rows]
    arrival = np.where(worker[rows], rho[rows] * servers * mu, rho[rows] * s.active[rows] * limit[rows])
    p_wait = fx.unique_map(_erlang_c, servers, arrival / mu)
    s.servers[rows], s.p_wait[rows] = servers, p_wait
    s.latency[rows] = figs.add("latency", fx.MMC_RESPONSE, rows, mu=mu, c=servers, lam=arrival, p_wait=p_wait)
    s.wait[rows] = figs.add("wait", fx.MMC_WAIT, rows, p_wait=p_wait, c=servers, mu=mu, lam=arrival)
    for p, name in PERCENTILES.items():
        s.percentiles[p][rows] = figs.add(name, fx.MMC_PERCENTILE, rows, p=p, mu=mu, c=servers, lam=arrival,
                                          p_wait=p_wait)
