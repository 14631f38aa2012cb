"""
Sizing one component from the load that reaches it: work, instances, utilisation, storage, memory,
bandwidth, latency and cost (capacity-model.md, "Sizing", "Latency", "Cost").

Instances needed n = max over resources: throughput ceil(load / u), bandwidth ceil(bytes / (bw x u)),
storage ceil(stored x skew / (node storage x fill)), memory ceil(hot set / (node memory x usable)).
Utilisation at the deployed count is reported on the binding (scarcest) resource.
"""

from __future__ import annotations

import math

from planner import formulas as fx
from planner import units
from planner.catalog import Behaviour, Capacity
from planner.model import Plan
from planner.propagation import MR, MW, N_CLASSES, READ_CLASSES, WRITE_CLASSES, NodeLoad, R, W
from planner.queueing import erlang_c

#: Behaviours whose one active instance takes all the load (a standby adds no capacity).
SINGLE_ACTIVE = {Behaviour.SQL_PRIMARY}
#: Every node holds a full copy of the data: more nodes do not divide storage.
FULL_COPY = {Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA}
#: Provider quotas: "auto" means one account-wide quota, not a count you can raise by adding instances.
QUOTA_BOUND = {Behaviour.EXTERNAL, Behaviour.NOTIFICATION}
STORES_DATA = {Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA, Behaviour.PARTITIONED, Behaviour.OBJECT_STORE}


class Sizing:
    """What size() works out for one component (class attributes are the defaults: cheap to create)."""

    reads_avg = writes_avg = reads_peak = writes_peak = 0.0
    load = 0.0
    binding = "none"
    resource_loads: dict | None = None
    needed = recommended = count = active = 1
    utilisation = 0.0
    ceiling = 1.0
    traffic_utilisation = 0.0  # on the scarcest resource that scales with traffic (not stored data)
    traffic_ceiling = 1.0
    storage_per_day = storage_total = storage_replicated = memory = 0.0
    bandwidth_in = bandwidth_out = 0.0
    latency = 0.0
    cap: Capacity | None = None  # per-instance figures with the component's overrides
    servers = 0  # M/M/c servers when queueing applies
    p_wait = 0.0


def capacity_of(node: NodeLoad) -> Capacity:
    """The kind's per-instance figures with the component's overrides applied."""
    if not node.component.capacity:
        return node.kind.capacity
    return node.kind.capacity.model_copy(update=node.component.capacity)


def _ratio(peak: float, avg: float) -> float:
    return peak / avg if avg > 0 else 1.0


def served(node: NodeLoad) -> tuple[float, float, float, float]:
    """(reads avg, writes avg, reads peak, writes peak) the component itself handles."""
    avg, peak = node.in_avg, node.in_peak
    ra, wa, rp, wp = avg[R] + avg[MR], avg[W] + avg[MW], peak[R] + peak[MR], peak[W] + peak[MW]
    behaviour = node.kind.behaviour
    if behaviour in (Behaviour.NOTIFICATION, Behaviour.EXTERNAL, Behaviour.METRICS):
        figure_key = {Behaviour.NOTIFICATION: "messages", Behaviour.EXTERNAL: "calls",
                      Behaviour.METRICS: "samples"}[behaviour]
        if behaviour is Behaviour.NOTIFICATION:
            fig = fx.FANOUT_CHANNELS.figure(events=ra + wa, channels=node.component.param("channels_per_event"))
        elif behaviour is Behaviour.EXTERNAL:
            fig = fx.RETRY_LOAD.figure(requests=ra + wa, retries=node.component.param("retries"),
                                       failure_rate=node.component.param("failure_rate"))
        else:
            fig = fx.METRIC_SAMPLES.figure(requests=ra + wa,
                                           samples_per_request=node.component.param("samples_per_request"))
        node.figures[figure_key] = fig
        factor = fig.value / (ra + wa) if ra + wa > 0 else 0.0
        return 0.0, (ra + wa) * factor, 0.0, (rp + wp) * factor
    return ra, wa, rp, wp


def size(node: NodeLoad, plan: Plan, default_redundancy: str) -> Sizing:
    comp, kind, behaviour = node.component, node.kind, node.kind.behaviour
    cap = capacity_of(node)
    u = plan.traffic.target_utilisation
    s = Sizing()
    s.cap = cap
    s.reads_avg, s.writes_avg, s.reads_peak, s.writes_peak = served(node)
    figs = node.figures
    if behaviour is Behaviour.CLIENT:  # what it sends (it serves nothing)
        s.reads_avg = sum(node.out_avg[c] for c in READ_CLASSES)
        s.writes_avg = sum(node.out_avg[c] for c in WRITE_CLASSES)
        s.reads_peak = sum(node.out_peak[c] for c in READ_CLASSES)
        s.writes_peak = sum(node.out_peak[c] for c in WRITE_CLASSES)
        s.count = s.needed = s.recommended = 0
        s.bandwidth_out = sum(node.out_bytes[c] * _ratio(node.out_peak[c], node.out_avg[c]) for c in WRITE_CLASSES)
        s.bandwidth_in = sum(node.out_avg[c] and node.out_bytes[c] * _ratio(node.out_peak[c], node.out_avg[c])
                             for c in READ_CLASSES)
        return s

    in_avg, in_peak, in_bytes = node.in_avg, node.in_peak, node.in_bytes
    peak_bytes = [in_bytes[c] * in_peak[c] / in_avg[c] if in_avg[c] > 0 else in_bytes[c] for c in range(N_CLASSES)]
    s.bandwidth_in = peak_bytes[W] + peak_bytes[MW]
    s.bandwidth_out = peak_bytes[R] + peak_bytes[MR]

    _storage(node, plan, s)
    resources: dict[str, float] = {}

    # ---- throughput
    throughput = _throughput_load(node, cap, s, plan)
    if throughput is not None:
        resources["throughput"] = throughput.value
        figs["load"] = throughput
    # ---- bandwidth
    if cap.bandwidth:
        bw = fx.LOAD_BANDWIDTH.figure(bytes_per_s=sum(peak_bytes), bandwidth=cap.bandwidth)
        resources["bandwidth"] = bw.value
        figs["load_bandwidth"] = bw
    n_throughput = fx.NEEDED_THROUGHPUT(load=resources.get("throughput", 0.0), u=u)
    n_bandwidth = fx.NEEDED_THROUGHPUT(load=resources.get("bandwidth", 0.0), u=u)
    if "throughput" in resources:
        figs["instances_throughput"] = fx.NEEDED_THROUGHPUT.figure(load=resources["throughput"], u=u)
    # ---- storage
    fill = comp.param("fill_ratio") if "fill_ratio" in kind.param_defaults() else 1.0
    n_storage = 0.0
    per_node: dict[str, float] = {}  # resources every node carries in full (not divided by the count)
    if cap.storage and s.storage_replicated > 0:
        if behaviour in FULL_COPY:
            per_node["storage"] = s.storage_replicated / cap.storage
        else:
            skew = comp.param("skew") if behaviour is Behaviour.PARTITIONED else 1.0
            fig = fx.NEEDED_STORAGE.figure(stored=s.storage_replicated, skew=skew, node_storage=cap.storage,
                                           fill=fill)
            figs["instances_storage"] = fig
            n_storage = fig.value
            resources["storage"] = s.storage_replicated * skew / cap.storage
    # ---- memory
    n_memory = 0.0
    if behaviour is Behaviour.CACHE and cap.memory and s.memory > 0:
        usable = comp.param("usable_memory")
        fig = fx.NEEDED_MEMORY.figure(memory=s.memory, node_memory=cap.memory, usable=usable)
        figs["instances_memory"] = fig
        n_memory = fig.value
        resources["memory"] = s.memory / cap.memory
    if behaviour in SINGLE_ACTIVE:
        s.needed = 1  # one writer: more nodes add no capacity (findings say when one is not enough)
    else:
        needed = fx.NEEDED.figure(n_throughput=n_throughput, n_bandwidth=n_bandwidth, n_storage=n_storage,
                                  n_memory=n_memory)
        figs["instances_needed"] = needed
        s.needed = int(needed.value)
        copies = _copies(node, plan)
        if copies > s.needed and not kind.managed:
            figs["instances_copies"] = fx.AT_LEAST_COPIES.figure(n=s.needed, rf=copies)
            s.needed = int(figs["instances_copies"].value)

    redundancy = comp.redundancy if comp.redundancy != "default" else default_redundancy
    if kind.managed and behaviour not in (Behaviour.PARTITIONED, Behaviour.OBJECT_STORE):
        redundancy = "none"  # a managed service's redundancy is in its SLA
    if redundancy == "ha":
        figs["instances_recommended"] = fx.WITH_HA.figure(n=s.needed)
    elif redundancy == "n+1":
        figs["instances_recommended"] = fx.WITH_SPARE.figure(n=s.needed)
    s.recommended = int(figs["instances_recommended"].value) if "instances_recommended" in figs else s.needed
    if behaviour in QUOTA_BOUND and comp.instances == "auto":
        s.recommended = 1
    s.count = comp.instances if isinstance(comp.instances, int) else s.recommended
    s.active = 1 if behaviour in SINGLE_ACTIVE else s.count

    # ---- utilisation on the binding resource: the one closest to its planned ceiling
    s.resource_loads = {**resources, **per_node}
    ceilings = {"throughput": u, "bandwidth": u, "storage": fill,
                "memory": comp.param("usable_memory") if behaviour is Behaviour.CACHE else 1.0}
    shares = {name: load / s.active for name, load in resources.items()}
    shares.update(per_node)
    if shares:
        s.binding = max(shares, key=lambda name: shares[name] / ceilings[name])
        s.load = s.resource_loads[s.binding]
        s.ceiling = ceilings[s.binding]
        divisor = 1 if s.binding in per_node else s.active
        figs["utilisation"] = fx.UTILISATION.figure(load=s.load, count=divisor)
        s.utilisation = figs["utilisation"].value
        # stored data grows with time, not with the traffic multiplier: the breaking point ignores it
        traffic = {name: share for name, share in shares.items() if name != "storage"}
        if traffic:
            name = max(traffic, key=lambda n: traffic[n] / ceilings[n])
            s.traffic_utilisation, s.traffic_ceiling = traffic[name], ceilings[name]
    _latency(node, cap, s, resources.get("throughput", 0.0))
    return s


def _copies(node: NodeLoad, plan: Plan) -> int:
    """Copies of each item a replicated store keeps: it needs at least that many nodes."""
    behaviour = node.kind.behaviour
    if behaviour is Behaviour.PUBSUB:
        return int(node.component.param("replication_factor"))
    if behaviour is Behaviour.PARTITIONED:
        return int(node.component.param("replication_factor") or plan.traffic.replication_factor)
    return 1


def _throughput_load(node: NodeLoad, cap: Capacity, s: Sizing, plan: Plan) -> fx.Figure | None:
    comp, behaviour = node.component, node.kind.behaviour
    rc, wc = cap.read_qps, cap.write_qps
    if behaviour is Behaviour.WORKER:
        jobs = s.reads_peak + s.writes_peak
        return fx.LOAD_WORKER.figure(jobs=jobs, job_s=comp.param("job_s"), slots=comp.param("slots"))
    if behaviour is Behaviour.PARTITIONED and rc and wc:
        rf = comp.param("replication_factor") or plan.traffic.replication_factor
        return fx.LOAD_PARTITIONED.figure(reads=s.reads_peak, writes=s.writes_peak, rf=rf, skew=comp.param("skew"),
                                          read_capacity=rc, write_capacity=wc)
    if behaviour is Behaviour.SQL_REPLICA and rc and wc:
        replicated = sum(node.repl_peak[c] for c in WRITE_CLASSES)
        return fx.LOAD_REPLICA.figure(reads=s.reads_peak, replicated=replicated, apply_cost=comp.param("apply_cost"),
                                      read_capacity=rc, write_capacity=wc)
    if rc and wc and rc != wc:
        return fx.LOAD_RW.figure(reads=s.reads_peak, writes=s.writes_peak, read_capacity=rc, write_capacity=wc)
    if rc or wc:
        return fx.LOAD_R.figure(requests=s.reads_peak + s.writes_peak, capacity=rc or wc)
    return None


def _storage(node: NodeLoad, plan: Plan, s: Sizing) -> None:
    comp, behaviour, profile, figs = node.component, node.kind.behaviour, plan.traffic, node.figures
    record = comp.record_size if comp.record_size is not None else profile.record_size
    if behaviour in (Behaviour.QUEUE, Behaviour.PUBSUB):
        rf = comp.param("replication_factor") if behaviour is Behaviour.PUBSUB else 1.0
        fig = fx.LOG_STORAGE.figure(bytes_per_s=sum(node.in_bytes), retention_s=comp.param("retention_s"), rf=rf)
        figs["storage_replicated"] = fig
        s.storage_per_day = sum(node.in_bytes) * units.DAY
        s.storage_total = fig.value / rf
        s.storage_replicated = fig.value
        return
    if behaviour is Behaviour.METRICS:
        samples = figs["samples"].value / _ratio(s.writes_peak, s.writes_avg) if s.writes_peak else 0.0
        bytes_per_s = samples * comp.param("bytes_per_sample")
        fig = fx.LOG_STORAGE.figure(bytes_per_s=bytes_per_s, retention_s=comp.param("retention_s"), rf=1.0)
        figs["storage_replicated"] = fig
        s.storage_per_day = bytes_per_s * units.DAY
        s.storage_total = s.storage_replicated = fig.value
        return
    if behaviour is Behaviour.CACHE:
        fig = fx.CACHE_MEMORY.figure(fraction=comp.param("cached_fraction"), reads=node.in_avg[R] + node.in_avg[MR],
                                     read_size=_avg_size(node, READ_CLASSES), day_s=fx.DAY_S)
        figs["memory"] = fig
        s.memory = fig.value
        return
    if behaviour not in STORES_DATA and behaviour is not Behaviour.SEARCH:
        return
    writes = node.in_avg[W] + node.repl_avg[W]
    media = node.in_avg[MW] + node.repl_avg[MW]
    if writes <= 0 and media <= 0:
        return
    per_day = fx.STORAGE_PER_DAY.figure(writes=writes, record_size=record, media_writes=media,
                                        media_size=profile.media_size, day_s=fx.DAY_S)
    figs["storage_per_day"] = per_day
    retention = comp.retention if comp.retention is not None else profile.retention
    if profile.yearly_growth > 0 and retention > 0:
        total = fx.STORAGE_GROWTH.figure(per_day=per_day.value, g=profile.yearly_growth, years=retention / units.YEAR)
    else:
        total = fx.STORAGE_TOTAL.figure(per_day=per_day.value, days=retention / units.DAY)
    figs["storage_total"] = total
    if behaviour is Behaviour.SEARCH:
        repl = fx.INDEX_SIZE.figure(stored=total.value, overhead=comp.param("index_overhead"),
                                    replicas=comp.param("replicas"))
    else:
        if behaviour is Behaviour.PARTITIONED:
            rf = comp.param("replication_factor") or profile.replication_factor
        elif behaviour is Behaviour.OBJECT_STORE:
            rf = 1.0  # durability copies are the provider's, billed once
        else:
            rf = profile.replication_factor
        repl = fx.STORAGE_REPLICATED.figure(total=total.value, rf=rf)
    figs["storage_replicated"] = repl
    s.storage_per_day, s.storage_total, s.storage_replicated = per_day.value, total.value, repl.value


def _avg_size(node: NodeLoad, classes: tuple[int, ...]) -> float:
    ops = sum(node.in_avg[c] for c in classes)
    return sum(node.in_bytes[c] for c in classes) / ops if ops > 0 else 0.0


def _latency(node: NodeLoad, cap: Capacity, s: Sizing, throughput_load: float) -> None:
    """Mean response time at peak: M/M/c with c = active instances x concurrency per instance."""
    behaviour = node.kind.behaviour
    if behaviour is Behaviour.WORKER:
        service_s, per_instance = node.component.param("job_s"), node.component.param("slots")
    else:
        service_s = cap.latency_ms / 1000.0
        limit = cap.read_qps or cap.write_qps
        per_instance = max(1.0, round(limit * service_s)) if limit else 0.0
    if service_s <= 0:
        s.latency = 0.0
        return
    if not per_instance or throughput_load <= 0:
        s.latency = service_s
        return
    servers = max(1, int(s.active * per_instance))
    rho = throughput_load / s.active
    if rho >= 1.0:
        s.latency = math.inf
        return
    mu = 1.0 / service_s
    arrival = rho * servers * mu
    s.servers, s.p_wait = servers, erlang_c(servers, arrival / mu)
    fig = fx.MMC_RESPONSE.figure(mu=mu, c=servers, lam=arrival, p_wait=s.p_wait)
    node.figures["latency"] = fig
    s.latency = fig.value
