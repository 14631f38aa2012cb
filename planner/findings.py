"""
Modelling problems the engine finds in a plan and its result, as findings shown to the user (never
exceptions): overload, idle parts, share sums, replicas and clients that take nothing, queues that fall
behind, stores whose availability or size is implausible, single points of failure. Each has a code,
a severity, the component concerned and advice (the design reviewer adds rules on top).
"""

from __future__ import annotations

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.planner.model import TRAFFIC_CLASSES
from archplan.planner.propagation import AVG, class_sum
from archplan.planner.result import ClientResult, ComponentResult, Finding
from archplan.planner.run import Run
from archplan.planner.sizing import store_copies

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def plan_findings(run: Run, results: dict[str, ComponentResult], clients: dict[str, ClientResult],
                  spofs: dict[str, tuple[str, ...]]) -> list[Finding]:
    findings = (_findings(run, results, spofs) + _idle_links(run, results) + _client_findings(run, results, clients)
                + _model_findings(run, results))
    findings.sort(key=lambda f: SEVERITY_RANK[f.severity])
    return findings


def _findings(run: Run, results: dict[str, ComponentResult], spofs: dict[str, tuple[str, ...]]) -> list[Finding]:
    table, s = run.table, run.s
    out: list[Finding] = []
    if not run.client.any():
        out.append(Finding("warning", "no_clients", "The plan has no client, so no traffic enters it.",
                           advice="Add a web or mobile client and link it to the entry point."))
    headroom = run.headroom()
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
        if r.saturated and s.queue_fed[row]:
            out.append(Finding("info", "consumer_at_capacity", f"{name} runs at capacity during the peak: its "
                               "queue holds what it cannot take yet (see the queue's backlog and drain time).", cid,
                               "Fine while the backlog drains in time; add consumers to shorten it."))
        elif r.saturated:
            dropped = ""
            if r.binding in ("throughput", "bandwidth") and r.utilisation > 1:
                dropped = f"; it serves about {units.format_percent(1 / r.utilisation, 0)} of the requests at " \
                          "peak and drops or times out the rest (its availability counts it)"
            out.append(Finding("error", "saturated", f"{name} is saturated: {units.format_percent(r.utilisation)} "
                               f"of its {r.binding} at peak with {r.count} instance(s){dropped}.", cid,
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


def _client_findings(run: Run, results: dict[str, ComponentResult], clients: dict[str, ClientResult]
                     ) -> list[Finding]:
    """How the users divide between the clients (planner.engine.ClientShares)."""
    shares = run.shares
    out: list[Finding] = []
    if not shares.rows.size:
        return out
    ids = [run.table.ids[r] for r in shares.rows.tolist()]
    total = shares.given_total
    if total > 1 + 1e-9:
        out.append(Finding("error", "client_shares", f"The clients' user shares add up to "
                           f"{units.format_percent(total, 0)}; they were scaled down to 100 %.", ids[0],
                           "Give each client its fraction of the users, adding up to 1."))
    for cid, connected, effective in zip(ids, shares.connected.tolist(), shares.effective.tolist()):
        name = results[cid].name
        if connected:
            continue
        if effective > 0 and connected is False and shares.connected.any():
            out.append(Finding("error", "client_unlinked", f"{name} is linked to nothing: its "
                               f"{units.format_percent(effective, 0)} of the users send traffic nowhere.", cid,
                               "Link it to the system's entry point (DNS, CDN, load balancer or gateway), or set its "
                               "user share to 0."))
        elif shares.connected.any():
            out.append(Finding("warning", "client_unlinked", f"{name} is linked to nothing, so it takes no users "
                               "yet: the other clients carry all of them.", cid,
                               "Link it to the system's entry point; it then takes its share of the users."))
    if shares.rows.size and total < 1 - 1e-9 and not (np.isnan(shares.given) & shares.connected).any():
        out.append(Finding("warning", "client_shares", f"The clients' user shares add up to "
                           f"{units.format_percent(total, 0)}: the other users send no traffic.", ids[0],
                           "Give each client its fraction of the users, adding up to 1, or leave one unset."))
    return out


def _model_findings(run: Run, results: dict[str, ComponentResult]) -> list[Finding]:
    """Replicas and queues against the model, and results too big or too odd to be what was meant."""
    table, s = run.table, run.s
    out: list[Finding] = []
    u = run.plan.traffic.target_utilisation
    replicas = np.flatnonzero(run.served & table.of(Behaviour.SQL_REPLICA))
    for row in replicas.tolist():
        r = results[table.ids[row]]
        if r.reads_peak == 0 and s.replicated_peak[row] > 0:
            out.append(Finding("warning", "idle_replica", f"{r.name} replays every write of its primary but receives "
                               "no reads: it costs a full copy and serves nothing.", r.id,
                               "Route reads to it (a link from the services that read, carrying reads), or remove "
                               "it if it is a standby (a primary's redundancy: ha covers that)."))
        if s.replay[row] >= u:
            out.append(Finding("error" if s.replay[row] >= 1 else "warning", "replica_replay",
                               f"Replaying the primary's writes alone keeps each replica of {r.name} "
                               f"{units.format_percent(s.replay[row])} busy (ceiling {units.format_percent(u)}): "
                               "more replicas cannot help, each replays every write.", r.id,
                               "Shard the writes (a shard group), or use larger replicas."))
    for key, code in (("backlog_growth", "queue_falling_behind"),):
        if key not in run.extra:
            continue
        rows, growth = run.extra[key]
        loss = dict(zip(*(v.tolist() for v in run.extra["loss_time"])))
        for row, value in zip(rows.tolist(), growth.tolist()):
            r = results[table.ids[row]]
            out.append(Finding("error", code, f"The consumers of {r.name} take less than the average arrival rate: "
                               f"the backlog grows by {units.format_count(value)} messages an hour, and messages "
                               f"expire unread after {units.format_duration(loss[row])}.", r.id,
                               "Add consumers (or set them to auto), or make each consume faster."))
    queues = np.flatnonzero(table.of(Behaviour.QUEUE, Behaviour.PUBSUB))
    consumers = set(run.transfers.source[run.transfers.carries.any(axis=1)].tolist())
    for row in queues.tolist():
        if row not in consumers and s.writes_avg[row] + s.reads_avg[row] > 0:
            r = results[table.ids[row]]
            out.append(Finding("warning", "queue_no_consumer", f"Nothing consumes {r.name}: its messages wait until "
                               "they expire.", r.id, "Link it to the workers or services that consume it."))
    caches = np.flatnonzero(run.served & table.of(Behaviour.CACHE) & (s.memory == 0) & (s.writes_avg > 0))
    for row in caches.tolist():
        r = results[table.ids[row]]
        out.append(Finding("warning", "cache_no_reads", f"{r.name} receives writes but no reads: it caches nothing "
                           "(its hot set is 0 B).", r.id, "Route the reads through it (links carrying reads), or "
                           "remove it."))
    stores = np.flatnonzero(run.served & table.has_param("fill_ratio") & (s.storage_total > 0) & ~table.managed)
    for row in stores.tolist():
        fill = float(table.param("fill_ratio")[row])
        r = results[table.ids[row]]
        if fill >= 0.95 and "fill_ratio" in table.components[row].params:  # the catalog's own are reasoned
            out.append(Finding("warning", "disk_full", f"{r.name} is sized to fill its disks to "
                               f"{units.format_percent(fill, 0)}: no room for growth, compaction or a rebuild.", r.id,
                               "Plan a fill ratio of 0.7-0.8 (parameter fill_ratio)."))
        if r.count > 1000 and table.kinds[row].behaviour is Behaviour.PARTITIONED:
            out.append(Finding("info", "many_shards", f"{r.name} needs {units.format_count(r.count)} nodes: "
                               "beyond what one team runs by hand.", r.id,
                               "Check the retention and record size; archive cold data to object storage, or "
                               "use a managed store built for this scale."))
    sharded = np.flatnonzero(run.served & table.of(Behaviour.PARTITIONED) & ~table.managed)
    copies = store_copies(table, run.plan)
    for row in sharded.tolist():
        r = results[table.ids[row]]
        if copies[row] < 2 and r.availability < 0.999 and r.count > 1:
            out.append(Finding("warning", "shard_availability", f"{r.name} is up only "
                               f"{units.format_availability(r.availability)} of the time: every one of its "
                               "shards is needed for its keys.", r.id,
                               "Keep replicas per shard (parameter replication_factor 2 or 3, with a quorum)."))
    return out


def _idle_links(run: Run, results: dict[str, ComponentResult]) -> list[Finding]:
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
