"""
DATA-READ: read-heavy load on a primary -> read replicas or a cache, with the hit ratio that would
suffice; replicas that take nothing, replay too much or are not fed; caches that cache nothing
(docs/review-rules.md section 3).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.model import Plan, link_classes
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, check, define, evidence, fixer, flagged
from archplan.planner.review.figures import measure
from archplan.planner.review.operations import Fix, FixBuilder
from archplan.planner.sizing import THROUGHPUT

#: (D) A cache that must hit more often than this to save the store makes the design hang on one number.
H_MIN_LIMIT = 0.95
#: The hit ratio a new cache is given when less would do (a common, conservative figure).
H_DEFAULT = 0.8
#: Replica kind of each primary kind.
REPLICA_OF = {"db.postgres": "db.postgres_replica", "db.mysql": "db.mysql_replica"}
MAX_REPLICAS = 15  # RDS MySQL / MariaDB, Aurora

define("DATA-READ-REPLICA", "DATA", "Reads overload a primary: add read replicas",
       "system-design-primer \"Master-slave replication\"; seed Fundamentals 4; DDIA ch. 5 \"Problems with "
       "replication lag\"; capacity-defaults S16-S18", folds=("CAP-OVER",))
define("DATA-READ-CACHE", "DATA", "Reads overload a store: a cache in front",
       "AWS Well-Architected PERF03-BP05; Azure Cache-Aside pattern; system-design-primer \"Cache\"; "
       "seed Fundamentals 2", folds=("CAP-OVER",))
define("DATA-REPLICA-IDLE", "DATA", "A read replica that takes no reads", "capacity-model.md \"SQL primary + read "
       "replicas\"")
define("DATA-REPLICA-REPLAY", "DATA", "Replicas busy replaying the primary's writes",
       "capacity-model.md \"SQL primary + read replicas\"; DDIA ch. 5", folds=("CAP-OVER",))
define("DATA-REPLICA-UNFED", "DATA", "A read replica with no replication link",
       "capacity-model.md \"SQL primary + read replicas\"")
define("DATA-CACHE-NO-READS", "DATA", "A cache that receives no reads", "capacity-model.md \"Cache\"")


def _read_pressure(ctx: Context) -> np.ndarray:
    """SQL primaries over target on throughput where reads are at least half the work."""
    s, table = ctx.s, ctx.table
    cap = table.capacity
    primaries = ctx.served & table.of(Behaviour.SQL_PRIMARY) & (ctx.headroom > 1 + 1e-9) & (s.binding == THROUGHPUT)
    read_work = np.divide(s.reads_peak, cap["read_qps"], out=np.zeros(table.n), where=cap["read_qps"] > 0)
    return primaries & (s.reads_peak > 0) & (read_work >= 0.5 * s.load)


def _write_load(r, write_cap: float) -> float:
    return r.writes_peak / write_cap if write_cap > 0 else 0.0


@check
def reads(ctx: Context) -> Iterator[Finding]:
    rows = _read_pressure(ctx)
    cap = ctx.table.capacity
    for row in flagged(rows):
        r = ctx.r(row)
        read_cap, write_cap = float(cap["read_qps"][row]), float(cap["write_qps"][row])
        replay = _write_load(r, write_cap)  # a replica replays every write (apply cost 1)
        figures = [evidence(r.id, "utilisation", r.utilisation, "%"), evidence(r.id, "p99", r.p99, "s")]
        usable = read_cap * (ctx.u - replay)
        if usable > 0:
            n = min(MAX_REPLICAS, math.ceil(r.reads_peak / usable))
            yield ctx.finding("DATA-READ-REPLICA", "error" if r.saturated else "warning", r.id,
                              f"{r.name} serves {units.format_qps(r.reads_peak)} of reads and "
                              f"{units.format_qps(r.writes_peak)} of writes at peak, "
                              f"{units.format_percent(r.utilisation)} of one primary: the reads are the bulk of it.",
                              f"Move the reads to read replicas: about {n} (each takes "
                              f"{units.format_qps(usable)} of reads besides replaying every write). Reads that must "
                              "see the user's own write stay on the primary; each replica is a full copy of the data.",
                              figures)
        else:
            yield ctx.finding("DATA-READ-REPLICA", "warning", r.id, f"{r.name} is over target and replicas cannot "
                              f"help: replaying {units.format_qps(r.writes_peak)} of writes would fill each one.",
                              "The writes are the limit: see DATA-WRITE-SCALE (shard or split the data).", figures)
        available = read_cap * (ctx.u - replay)
        h_min = 1.0 - available / r.reads_peak if r.reads_peak > 0 else 0.0
        if h_min <= H_MIN_LIMIT and _cacheable_sources(ctx, r.id):
            h = max(h_min, H_DEFAULT)
            yield ctx.finding("DATA-READ-CACHE", "error" if r.saturated else "warning", r.id,
                              f"{r.name} can take {units.format_qps(max(available, 0))} of reads within its "
                              f"{units.format_percent(ctx.u, 0)} target but gets {units.format_qps(r.reads_peak)}: a "
                              f"cache answering {units.format_percent(max(h_min, 0), 0)} of them (h_min = 1 - "
                              "A_r / R) would be enough.",
                              f"Put a cache (Redis) in front of its reads, hit ratio {h:.2f}: the store then sees "
                              f"{units.format_qps((1 - h) * r.reads_peak)} of reads.", figures)


def _cacheable_sources(ctx: Context, store: str) -> list:
    """Request links into the store that carry reads from something that is not already a cache."""
    out = []
    for edge in ctx.links_in.get(store, ()):
        if edge.kind != "request" or edge.source not in ctx.table.index:
            continue
        if ctx.behaviour_of(edge.source) in (Behaviour.CACHE, Behaviour.CLIENT, Behaviour.CDN):
            continue
        out.append(edge)
    return out


def _read_links_into(plan: Plan, store: str, skip_caches: bool = False) -> list[tuple[str, list[str]]]:
    """(link id, read classes it carries) for request links into the store."""
    catalog = default_catalog()
    kinds = {c.id: catalog[c.kind].behaviour for c in plan.components}
    out = []
    for lk in plan.links:
        if lk.target != store or lk.kind != "request":
            continue
        if skip_caches and kinds.get(lk.source) in (Behaviour.CACHE, Behaviour.CLIENT, Behaviour.CDN):
            continue
        classes = [c for c in link_classes(plan, lk) if c in ("read", "media_read")]
        if classes:
            out.append((lk.id, classes))
    return out


@fixer("DATA-READ-REPLICA")
def fix_replica(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    pid = finding.component
    primary = plan.component(pid)
    replica_kind = REPLICA_OF.get(primary.kind)
    reads = _read_links_into(plan, pid)
    if replica_kind is None or not reads or "cannot help" in finding.message:
        return None
    b = FixBuilder(plan)
    fed = [lk.target for lk in plan.links if lk.source == pid and lk.kind == "replication"]
    if fed:
        replica = fed[0]
    else:
        replica = b.new_id(f"{pid}-replica")
        same_data = {k: v for k, v in (("retention", primary.retention), ("record_size", primary.record_size),
                                       ("capacity", {k: v for k, v in primary.capacity.items()
                                                     if k in ("storage", "memory")} or None)) if v is not None}
        b.op("add_component", component=replica, kind=replica_kind, name=f"{primary.name} read replica", near=pid,
             redundancy="ha", **same_data)
        b.op("add_link", link=b.new_id(f"{pid}-to-{replica}"), source=pid, target=replica, kind="replication",
             label="replication")
    for link_id, classes in reads:
        b.op("retarget_link", link=link_id, target=replica, classes=classes, new_link=b.new_id(f"{link_id}-reads"))
    name = plan.component(replica).name if fed else f"{primary.name} read replica"
    return b.fix("DATA-READ-REPLICA", pid, f"Send the reads of {primary.name} to {name} (auto-sized replicas, "
                 "fed by a replication link).")


@fixer("DATA-READ-CACHE")
def fix_cache(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    sid = finding.component
    r = result.components[sid]
    reads = _read_links_into(plan, sid, skip_caches=True)
    if not reads:
        return None
    kind = default_catalog()[r.kind]
    read_cap, write_cap = kind.capacity.read_qps or 0.0, kind.capacity.write_qps or 0.0
    comp = plan.component(sid)
    read_cap = comp.capacity.get("read_qps", read_cap)
    write_cap = comp.capacity.get("write_qps", write_cap)
    u = plan.traffic.target_utilisation
    available = read_cap * (u - _write_load(r, write_cap))
    h_min = 1.0 - available / r.reads_peak if r.reads_peak > 0 else 0.0
    h = round(max(h_min, H_DEFAULT) + 0.005, 2)
    if h > H_MIN_LIMIT:
        return None
    b = FixBuilder(plan)
    cache = b.new_id(f"{sid}-cache")
    (first, classes), rest = reads[0], reads[1:]
    every = sorted({c for _lk, cs in reads for c in cs}, key=("read", "media_read").index)
    b.op("insert_between", link=first, component=cache, kind="cache.redis", name=f"{r.name} cache",
         out_link=b.new_id(f"{cache}-to-{sid}"), classes=classes, out_classes=every,
         new_link=b.new_id(f"{first}-reads"), params={"hit_ratio": min(h, 1.0)}, redundancy="ha")
    for link_id, cs in rest:
        b.op("retarget_link", link=link_id, target=cache, classes=cs, new_link=b.new_id(f"{link_id}-reads"))
    return b.fix("DATA-READ-CACHE", sid, f"Put a Redis cache (hit ratio {h:.2f}, two nodes) in front of the reads of "
                 f"{r.name}.")


# ------------------------------------------------------------------------------------------ replicas, caches

@check
def replicas(ctx: Context) -> Iterator[Finding]:
    s, table = ctx.s, ctx.table
    rep = ctx.served & table.of(Behaviour.SQL_REPLICA)
    if rep.any():
        from archplan.planner.propagation import class_sum

        unfed = rep & (class_sum(ctx.run.flows.repl_avg) == 0) & (s.reads_avg + s.writes_avg > 0)
        for row in flagged(unfed):
            r = ctx.r(row)
            yield ctx.finding("DATA-REPLICA-UNFED", "warning", r.id, f"{r.name} takes reads but no replication "
                              "link feeds it the write stream.", "Link the primary to it with a replication link.",
                              [evidence(r.id, "replication_links", 0.0, "count", "higher")], code="replica_unfed")
        for row in flagged(rep):
            r = ctx.r(row)
            if r.reads_peak == 0 and s.replicated_peak[row] > 0:
                yield ctx.finding("DATA-REPLICA-IDLE", "warning", r.id, f"{r.name} replays every write of its primary "
                                  "but receives no reads: it costs a full copy and serves nothing.",
                                  "Route reads to it (a link from the services that read, carrying reads), or remove "
                                  "it if it is a standby (a primary's redundancy: ha covers that).",
                                  [evidence(r.id, "monthly_cost", r.monthly_cost, "USD/month")], code="idle_replica")
            if s.replay[row] >= ctx.u:
                yield ctx.finding("DATA-REPLICA-REPLAY", "error" if s.replay[row] >= 1 else "warning", r.id,
                                  f"Replaying the primary's writes alone keeps each replica of {r.name} "
                                  f"{units.format_percent(s.replay[row])} busy (ceiling "
                                  f"{units.format_percent(ctx.u)}): more replicas cannot help, each replays every "
                                  "write.",
                                  "Shard the writes (a shard group), or use larger replicas.",
                                  [evidence(r.id, "utilisation", r.utilisation, "%")], code="replica_replay")
    caches = ctx.served & table.of(Behaviour.CACHE) & (s.memory == 0) & (s.writes_avg > 0)
    for row in flagged(caches):
        r = ctx.r(row)
        yield ctx.finding("DATA-CACHE-NO-READS", "warning", r.id, f"{r.name} receives writes but no reads: it caches "
                          "nothing (its hot set is 0 B).", "Route the reads through it (links carrying reads), or "
                          "remove it.", code="cache_no_reads")


@measure("replication_links")
def replication_links(plan: Plan, result: PlanResult, owner: str) -> float:
    return float(sum(1 for lk in plan.links if lk.target == owner and lk.kind == "replication"))


@fixer("DATA-REPLICA-UNFED")
def fix_unfed(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    replica = plan.component(finding.component)
    primaries = [c for c in plan.components if REPLICA_OF.get(c.kind) == replica.kind]
    if len(primaries) != 1:
        return None  # which primary it copies is the author's to say
    pid = primaries[0].id
    b = FixBuilder(plan)
    b.op("add_link", link=b.new_id(f"{pid}-to-{replica.id}"), source=pid, target=replica.id, kind="replication",
         label="replication")
    return b.fix("DATA-REPLICA-UNFED", replica.id, f"Feed {replica.name} from {primaries[0].name} by replication.")
