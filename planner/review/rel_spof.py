"""
REL: single points of failure - one load balancer, a primary without a standby, one cache node, any
other lone instance a client's requests cannot do without, one zone; shard groups without copies
(docs/review-rules.md section 2). The engine finds the articulation points (PlanResult.spofs: lone,
self-managed instances that dominate some client's request graph); managed kinds are never SPOFs by count.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.model import Plan
from archplan.planner.result import Evidence, Finding, PlanResult
from archplan.planner.review.base import (
    RULES,
    Context,
    availability_target,
    check,
    define,
    evidence,
    fixer,
    flagged,
)
from archplan.planner.review.operations import Fix, FixBuilder
from archplan.planner.sizing import store_copies

#: (D) An availability target above this makes one zone a warning (GCP: single zone ~99.9 %).
ZONE_TARGET = 0.999

define("REL-SPOF-LB", "REL", "One load balancer",
       "AWS Well-Architected REL10-BP01, REL02-BP01; GCP infrastructure reliability guide, \"Avoid single points "
       "of failure\"; system-design-primer \"Load balancer\"")
define("REL-SPOF-PRIMARY", "REL", "A primary without a standby",
       "AWS Well-Architected REL10-BP01, REL11-BP02; RDS Multi-AZ (capacity-defaults S17); DDIA ch. 5 "
       "\"Handling node outages\"")
define("REL-SPOF-CACHE", "REL", "One cache node in front of a store",
       "AWS Well-Architected PERF03-BP05; Google SRE book ch. 22 (cold caches); GCP infrastructure reliability guide")
define("REL-SPOF-OTHER", "REL", "A single instance the requests need",
       "GCP infrastructure reliability guide; AWS Well-Architected REL10-BP01; capacity-model.md "
       "\"Single point of failure\"")
define("REL-SPOF-ZONE", "REL", "Everything in one zone (or placement unknown)",
       "AWS Well-Architected REL10-BP01, REL11-BP05; GCP infrastructure reliability guide (single zone ~99.9 %, "
       "multi-zone ~99.99 %); Azure WAF RE:05")
define("REL-SHARD-COPIES", "REL", "Shards without copies",
       "DDIA ch. 5-6 (replication of partitions); capacity-model.md \"Availability\" (quorums)")

_RULE_BY_BEHAVIOUR = {Behaviour.LOAD_BALANCER: "REL-SPOF-LB", Behaviour.GATEWAY: "REL-SPOF-LB",
                      Behaviour.SQL_PRIMARY: "REL-SPOF-PRIMARY", Behaviour.CACHE: "REL-SPOF-CACHE"}
_ADVICE = {
    "REL-SPOF-LB": "Run two instances (floating IP or DNS failover; redundancy ha), or use a managed load balancer.",
    "REL-SPOF-PRIMARY": "Add a synchronous standby (redundancy ha): failover in 60-120 s instead of a rebuild, and "
                        "no acknowledged write lost.",
    "REL-SPOF-CACHE": "Run two cache nodes (a replica per shard, redundancy ha), so losing one does not send every "
                      "read to the store at once.",
    "REL-SPOF-OTHER": "Run at least two instances (redundancy ha or n+1), or add a standby behind a failover.",
}


def _payment_callers(ctx: Context) -> set[str]:
    """Components that call a payment provider (their stores are on a payment path)."""
    pay = [ctx.ids[r] for r in flagged(ctx.kind_ids("ext.payments"))]
    return {e.source for p in pay for e in ctx.links_in.get(p, ())}


@check
def spofs(ctx: Context) -> Iterator[Finding]:
    spofs = ctx.result.spofs
    if not spofs:
        return
    target = availability_target(ctx.settings)
    payers = _payment_callers(ctx) if ctx.kind_ids("ext.payments").any() else set()
    components, index = ctx.result.components, ctx.table.index
    severity_default = "error" if target is not None else "warning"
    # per row, the rule and with it the advice and source (one lookup per kind, not per component)
    per_kind = [_RULE_BY_BEHAVIOUR.get(k.behaviour, "REL-SPOF-OTHER") for k in ctx.table.kind_list]
    rule_of = [per_kind[k] for k in ctx.table.kind_code.tolist()]
    texts = {rule: (_ADVICE[rule], RULES[rule].source) for rule in _ADVICE}
    jumps = _cold_cache_jumps(ctx) if ctx.of(Behaviour.CACHE).any() else None
    new = tuple.__new__
    for cid, cut in spofs.items():
        r = components[cid]
        row = index[cid]
        rule = rule_of[row]
        others = [components[c].name for c in cut if c != cid]
        what = f"cuts clients off from {', '.join(others[:4])}{' and more' if len(others) > 4 else ''}" if others \
            else "holds what clients need"
        severity, extra = severity_default, ""
        if payers and rule == "REL-SPOF-PRIMARY" and any(e.source in payers for e in ctx.links_in.get(cid, ())):
            severity, extra = "error", " It records payments: a failure loses or blocks money."
        # the component's availability (the preview adds the plan's); tuple.__new__: the NamedTuples without their
        # argument handling, which a plan with thousands of single points of failure notices
        figures = (new(Evidence, (cid, "availability", r.availability, "availability", "higher")),)
        if rule == "REL-SPOF-CACHE" and jumps is not None and jumps[0][row] >= 0:
            store, factor, after = ctx.ids[int(jumps[0][row])], float(jumps[1][row]), float(jumps[2][row])
            extra = f" Losing it sends {components[store].name}'s reads up x{factor:.3g}"
            if after >= 1:
                severity = "error"
                extra += f", to about {units.format_percent(after, 0)} of its capacity: it saturates too."
            else:
                extra += "."
        advice, source = texts[rule]
        yield new(Finding, (severity, "spof", f"{r.name} is a single point of failure: one instance {what}.{extra}",
                            cid, advice, rule, (cid,), figures, source, ()))


def _cold_cache_jumps(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cache row: (the row of its busiest store, read multiplier, that store's utilisation with the cache
    gone). A store's reads go from (1 - h) R to R, x 1 / (1 - h) (docs/review-rules.md REL-SPOF-CACHE); its
    traffic utilisation grows by (R x 1 / (1 - h) + W) / (R + W). Store -1: the cache fronts no store."""
    t, s, n = ctx.t, ctx.s, ctx.table.n
    hit = np.nan_to_num(ctx.table.param("hit_ratio"), nan=0.0)
    factor = np.divide(1.0, 1.0 - hit, out=np.full(n, np.inf), where=hit < 1)
    stores = ctx.of(Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA, Behaviour.PARTITIONED) & (s.reads_peak > 0)
    edges = np.flatnonzero(t.request & ctx.of(Behaviour.CACHE)[t.source] & stores[t.target] & (hit[t.source] < 1))
    store, after = np.full(n, -1), np.full(n, -np.inf)
    if edges.size:
        src, dst = t.source[edges], t.target[edges]
        reads, writes = s.reads_peak[dst], s.writes_peak[dst]
        grown = s.traffic_utilisation[dst] * (reads * factor[src] + writes) / (reads + writes)
        order = np.lexsort((grown, src))  # per cache, its busiest store last
        last = np.r_[src[order][1:] != src[order][:-1], True]
        store[src[order][last]] = dst[order][last]
        after[src[order][last]] = grown[order][last]
    return store, factor, after


@fixer("REL-SPOF-LB", "REL-SPOF-PRIMARY", "REL-SPOF-CACHE", "REL-SPOF-OTHER")
def fix_spof(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    cid = finding.component
    comp = plan.component(cid)
    kind = default_catalog()[comp.kind]
    b = FixBuilder(plan)
    if kind.behaviour is Behaviour.PUBSUB:
        b.op("set_instances", component=cid, instances=max(3, int(comp.param("replication_factor"))))
        return b.fix(finding.rule, cid, f"Run {comp.name} on three brokers, each partition replicated three times.")
    if kind.behaviour is Behaviour.SEARCH and comp.param("replicas") < 1:
        b.op("set_param", component=cid, param="replicas", value=1.0)
    if isinstance(comp.instances, int) and comp.instances < 2:
        b.op("set_instances", component=cid, instances=2)
    if comp.redundancy in ("default", "none"):
        b.op("set_redundancy", component=cid, redundancy="ha")
    what = "a synchronous standby" if kind.behaviour is Behaviour.SQL_PRIMARY else "a second instance"
    return b.fix(finding.rule, cid, f"Give {comp.name} {what} (redundancy ha).")


# ------------------------------------------------------------------------------------------ zones

def _zone_of(plan: Plan) -> dict[str, str | None]:
    """component id -> the id of the zone group holding it (walking up nested groups), or None."""
    groups = {g.id: g for g in plan.groups}
    out: dict[str, str | None] = {}
    cache: dict[str | None, str | None] = {None: None}

    def zone(gid: str | None) -> str | None:
        if gid in cache:
            return cache[gid]
        seen, current = set(), gid
        found = None
        while current is not None and current in groups and current not in seen:
            seen.add(current)
            if groups[current].kind == "zone":
                found = current
                break
            current = groups[current].parent
        cache[gid] = found
        return found

    for c in plan.components:
        out[c.id] = zone(c.group)
    return out


@check
def zones(ctx: Context) -> Iterator[Finding]:
    table = ctx.table
    own = ctx.served & ~table.managed & ~table.of(Behaviour.MONITOR) & (ctx.s.reads_avg + ctx.s.writes_avg > 0)
    if not own.any():
        return
    target = availability_target(ctx.settings)
    severity = "warning" if target is not None and target > ZONE_TARGET else "info"
    placed = {z for z in _zone_of(ctx.plan).values() if z is not None} \
        if any(g.kind == "zone" for g in ctx.plan.groups) else set()
    figures = [evidence("plan", "availability", ctx.result.totals.availability, "availability", "higher")]
    if len(placed) >= 2:
        return
    if not placed:
        message = ("No zone is drawn, so the plan cannot show that losing one leaves the service up (one zone is good "
                   "for about 99.9 %, several for about 99.99 %).")
    else:
        message = (f"Every self-managed component sits in one zone ({ctx.plan.group(next(iter(placed))).name}): "
                   "a zone outage takes the whole service down (a single zone is good for about 99.9 %).")
    yield ctx.finding("REL-SPOF-ZONE", severity, None, message,
                      "Spread each pool over two or three zones, each sized to carry the peak without another "
                      "(per zone: ceil(needed / (zones - 1))). Advice only: the engine treats failures as "
                      "independent.", figures,
                      components=[ctx.ids[r] for r in np.flatnonzero(own)[:50].tolist()])


# ------------------------------------------------------------------------------------------ shards

@check
def shard_copies(ctx: Context) -> Iterator[Finding]:
    table = ctx.table
    sharded = ctx.served & table.of(Behaviour.PARTITIONED) & ~table.managed
    if not sharded.any():
        return
    copies = store_copies(table, ctx.plan)
    rows = sharded & (copies < 2) & (ctx.s.count > 1)
    for row in flagged(rows):
        r = ctx.r(row)
        if r.availability < 0.999:
            yield ctx.finding("REL-SHARD-COPIES", "warning", r.id, f"{r.name} is up only "
                              f"{units.format_availability(r.availability)} of the time: every one of its "
                              "shards is needed for its keys.",
                              "Keep replicas per shard (parameter replication_factor 2 or 3, with a quorum).",
                              [evidence(r.id, "availability", r.availability, "availability", "higher")],
                              code="shard_availability")


@fixer("REL-SHARD-COPIES")
def fix_shard_copies(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    cid = finding.component
    b = FixBuilder(plan).op("set_param", component=cid, param="replication_factor", value=3.0)
    return b.fix("REL-SHARD-COPIES", cid, f"Keep three copies of every shard of {plan.component(cid).name} "
                 "(majority quorums).")

