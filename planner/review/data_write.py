"""
DATA-WRITE: writes or data beyond one primary -> shard (horizontal) or split by table group (vertical);
hot shards when the plan states a skewed key; disks planned too full; node counts beyond what a team runs
(docs/review-rules.md section 4).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.planner.model import Plan
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, check, define, evidence, fixer, flagged
from archplan.planner.review.figures import measure
from archplan.planner.review.operations import Fix, FixBuilder
from archplan.planner.sizing import STORAGE, THROUGHPUT

#: (D) A stated skew from this value on is a hot-shard risk whatever the figures.
HOT_SKEW = 2.0
#: (D) More nodes than this are beyond what one team runs by hand.
MANY_NODES = 1000
#: Copies each shard keeps after a split (a majority quorum survives one lost copy).
SHARD_COPIES = 3.0

define("DATA-WRITE-SCALE", "DATA", "Writes or data beyond one primary: shard or split",
       "seed Fundamentals 5 (vertical vs horizontal sharding); system-design-primer \"Federation\", \"Sharding\"; "
       "Azure Sharding pattern, WAF RE:06; DDIA ch. 6; capacity-defaults S19", folds=("CAP-OVER",))
define("DATA-HOT-SHARD", "DATA", "A skewed shard key makes one shard hot",
       "DDIA ch. 6 \"Skewed workloads and relieving hot spots\"; DynamoDB partition-key design (capacity-defaults "
       "S21); Azure Sharding pattern")
define("DATA-DISK-FULL", "DATA", "Disks planned too full", "capacity-model.md \"Sizing\" (fill ratio)")
define("DATA-MANY-NODES", "DATA", "More nodes than a team runs by hand",
       "AWS Well-Architected COST04-BP05; capacity-model.md (binding resource)")


@check
def writes(ctx: Context) -> Iterator[Finding]:
    s, table = ctx.s, ctx.table
    primaries = ctx.served & table.of(Behaviour.SQL_PRIMARY) & (ctx.headroom > 1 + 1e-9)
    if not primaries.any():
        return
    write_cap = table.capacity["write_qps"]
    write_bound = np.divide(s.writes_peak, write_cap, out=np.zeros(table.n), where=write_cap > 0) > ctx.u
    rows = primaries & ((s.binding == STORAGE) | ((s.binding == THROUGHPUT) & write_bound))
    for row in flagged(rows):
        r = ctx.r(row)
        figures = [evidence(r.id, "utilisation", r.utilisation, "%"),
                   evidence(r.id, "availability", r.availability, "availability", "higher")]
        if r.binding == "storage":
            why = (f"its data, {units.format_size(r.storage_total)} over the retention, is "
                   f"{units.format_percent(r.utilisation)} of one node's disk (planned ceiling "
                   f"{units.format_percent(r.ceiling, 0)}); read replicas copy it, they do not divide it")
        else:
            why = (f"{units.format_qps(r.writes_peak)} of writes at peak are "
                   f"{units.format_percent(r.writes_peak / float(write_cap[row]))} of what one primary accepts; "
                   "read replicas replay every write, they do not divide them")
        yield ctx.finding("DATA-WRITE-SCALE", "error" if r.saturated else "warning", r.id,
                          f"{r.name} outgrows a single primary: {why}.",
                          "Shard it horizontally (a shard group keyed by a high-cardinality id, each shard with its "
                          "own copies), or split it vertically: move a group of tables with its own writes and data "
                          "to a second primary (federation).", figures)


@fixer("DATA-WRITE-SCALE")
def fix_write_scale(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    """Fix B (horizontal): the primary becomes a shard group; its read replicas' traffic goes to it (each
    shard keeps SHARD_COPIES copies, a majority quorum) and the replicas go."""
    pid = finding.component
    primary = plan.component(pid)
    b = FixBuilder(plan)
    b.op("swap_kind", component=pid, kind="db.sharded_sql", params={"replication_factor": SHARD_COPIES})
    replicas = fold_replicas(b, plan, pid)
    moved = f" and its {len(replicas)} replica component(s) folded into the shards" if replicas else ""
    return b.fix("DATA-WRITE-SCALE", pid, f"Make {primary.name} a shard group (db.sharded_sql, "
                 f"{SHARD_COPIES:g} copies per shard, auto-sized){moved}.")


def fold_replicas(b: FixBuilder, plan: Plan, pid: str) -> list[str]:
    """Remove the read replicas fed only by `pid` (a store that keeps its own copies replaces them); the links
    that read from them read from `pid` instead. Returns the replicas removed."""
    replicas = [lk.target for lk in plan.links if lk.source == pid and lk.kind == "replication"
                and not any(o.target == lk.target and o.kind == "replication" and o.source != pid for o in plan.links)]
    for rid in replicas:
        for lk in plan.links:
            if lk.target != rid or lk.kind == "replication":
                continue
            b.op("add_link", link=b.new_id(f"{lk.source}-to-{pid}"), source=lk.source, target=pid, kind=lk.kind,
                 classes=list(lk.classes) if lk.classes else ["read", "media_read"], share=lk.share,
                 fanout=lk.fanout, label=lk.label)
        b.op("remove_component", component=rid)
    return replicas


# ------------------------------------------------------------------------------------------ hot shards

@check
def hot_shards(ctx: Context) -> Iterator[Finding]:
    table = ctx.table
    sharded = ctx.served & table.of(Behaviour.PARTITIONED)
    if not sharded.any():
        return
    skew = table.param("skew")
    rows = sharded & (skew >= HOT_SKEW)
    for row in flagged(rows):
        r = ctx.r(row)
        k = float(skew[row])
        yield ctx.finding("DATA-HOT-SHARD", "warning", r.id, f"{r.name}'s key puts {k:g}x an even share on its "
                          f"hottest shard: it needs {r.count} {r.count_unit} where an even key would need about "
                          f"{units.format_count(max(1.0, r.count / k))}, and the hot one saturates first.",
                          "Key by a hash of a high-cardinality id (entity id before timestamp in compound keys); for a "
                          "few known hot keys add a random two-digit suffix (reads then fan out over the sub-keys), "
                          "and cache the hot reads.",
                          [evidence(r.id, "count", r.count, "count"),
                           evidence(r.id, "monthly_cost", r.monthly_cost, "USD/month")])


@fixer("DATA-HOT-SHARD")
def fix_hot_shard(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    cid = finding.component
    b = FixBuilder(plan).op("set_param", component=cid, param="skew", value=1.0)
    return b.fix("DATA-HOT-SHARD", cid, f"Re-key {plan.component(cid).name} by a hashed high-cardinality id "
                 "(skew 1).")


# ------------------------------------------------------------------------------------------ disks, node counts

@check
def disks(ctx: Context) -> Iterator[Finding]:
    table, s = ctx.table, ctx.s
    stores = ctx.served & table.has_param("fill_ratio") & (s.storage_total > 0) & ~table.managed
    if not stores.any():
        return
    fill = table.param("fill_ratio")
    for row in flagged(stores & ((fill >= 0.95) | ((s.count > MANY_NODES) & table.of(Behaviour.PARTITIONED)))):
        r = ctx.r(row)
        if fill[row] >= 0.95 and "fill_ratio" in table.components[row].params:  # the catalog's own are reasoned
            yield ctx.finding("DATA-DISK-FULL", "warning", r.id, f"{r.name} is sized to fill its disks to "
                              f"{units.format_percent(fill[row], 0)}: no room for growth, compaction or a rebuild.",
                              "Plan a fill ratio of 0.7-0.8 (parameter fill_ratio).",
                              [evidence(r.id, "planned_fill", float(fill[row]), "%")], code="disk_full")
        if r.count > MANY_NODES and table.kinds[row].behaviour is Behaviour.PARTITIONED:
            yield ctx.finding("DATA-MANY-NODES", "info", r.id, f"{r.name} needs {units.format_count(r.count)} nodes: "
                              "beyond what one team runs by hand.",
                              "Check the retention and record size; archive cold data to object storage, or use a "
                              "managed store built for this scale.", [evidence(r.id, "count", r.count, "count")],
                              code="many_shards")


@measure("planned_fill")
def planned_fill(plan: Plan, result: PlanResult, owner: str) -> float | None:
    """How full the plan lets a store's disks get (its fill_ratio)."""
    ids = {c.id for c in plan.components}
    return plan.component(owner).param("fill_ratio") if owner in ids else None


@fixer("DATA-DISK-FULL")
def fix_disk_full(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    cid = finding.component
    b = FixBuilder(plan).op("set_param", component=cid, param="fill_ratio", value=0.75)
    return b.fix("DATA-DISK-FULL", cid, f"Plan {plan.component(cid).name}'s disks to 75 % full.")
