"""
CAP: capacity at peak - over the planned ceiling, no spare for a lost instance, paying for idle
instances, and providers' hard ceilings (docs/review-rules.md section 1).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.planner.model import Plan
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, check, define, evidence, fixer, flagged
from archplan.planner.review.figures import measure
from archplan.planner.review.operations import Fix, FixBuilder
from archplan.planner.sizing import BANDWIDTH, QUOTA_BOUND, SINGLE_ACTIVE, THROUGHPUT

#: (D) Pools of this many instances or more get two spares (SRE's N+2), smaller ones one.
N_PLUS_2_FROM = 10
#: (D) Below this utilisation of every resource at peak an instance is idle.
UNDER_USED = 0.2
#: Kinds whose count scales a load-sharing pool (more instances take more traffic).
POOLS = (Behaviour.SERVICE, Behaviour.WORKER, Behaviour.LOAD_BALANCER, Behaviour.GATEWAY, Behaviour.RATE_LIMITER,
         Behaviour.CACHE, Behaviour.SQL_REPLICA)

define("CAP-OVER", "CAP", "Over the planned utilisation at peak",
       "Google SRE book ch. 2 (N+2) and ch. 22; AWS Well-Architected REL07-BP01, REL07-BP03; Azure WAF PE:02, PE:05")
define("CAP-SPARE", "CAP", "No spare instance: losing one overloads the rest",
       "AWS Well-Architected REL11-BP05 (static stability); Google SRE book ch. 2 (N+2)")
define("CAP-UNDER", "CAP", "Paying for idle instances",
       "AWS Well-Architected COST06-BP02, COST06-BP03, PERF02-BP04")
define("CAP-LIMIT", "CAP", "Past a provider's hard limit",
       "AWS Well-Architected REL01-BP01, REL01-BP03, REL01-BP06; docs/capacity-defaults.md (provider quotas)",
       folds=("CAP-OVER",))


def _advice(behaviour: Behaviour, r) -> str:
    if behaviour in (Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA) and r.binding == "storage":
        return "The data outgrows one node: shard it (shard group) or move blobs to object storage."
    if behaviour is Behaviour.SQL_PRIMARY:
        if r.reads_peak > r.writes_peak:
            return "Route reads to read replicas or put a cache in front."
        return "Writes exceed one primary: shard the data or queue the writes."
    if behaviour in QUOTA_BOUND:
        return "The provider's rate limit is reached: queue the calls in front of it and ask for a higher quota."
    if r.fixed:
        return f"Raise the count to at least {_pool_count(r.needed, r.recommended)} or set it to auto."
    return "Lower the load (cache, CDN) or raise the per-instance capacity."


def _pool_count(needed: int, recommended: int) -> int:
    """Instances for a pool over target: what the load needs, two spares from N_PLUS_2_FROM on."""
    return max(recommended, needed + (2 if needed >= N_PLUS_2_FROM else 0))


def _usage(ctx: Context, cid: str) -> list:
    r = ctx.result.components[cid]
    return [evidence(cid, "utilisation", r.utilisation, "%"), evidence(cid, "p99", r.p99, "s"),
            evidence(cid, "availability", r.availability, "availability", "higher")]


# ------------------------------------------------------------------------------------------ CAP-OVER, CAP-LIMIT

@check
def over(ctx: Context) -> Iterator[Finding]:
    s, table = ctx.s, ctx.table
    stalled = ctx.served & np.isinf(s.latency) & (s.utilisation < 1.0)
    rows = ctx.served & ((s.utilisation >= 1.0) | (ctx.headroom > 1 + 1e-9) | stalled)
    if not rows.any():
        return
    limited = table.of(*QUOTA_BOUND) | table.managed
    for row in flagged(rows):
        cid = ctx.ids[row]
        r = ctx.result.components[cid]
        behaviour = table.kinds[row].behaviour
        if r.saturated and ctx.s.queue_fed[row]:
            yield ctx.finding("CAP-OVER", "info", cid, f"{r.name} runs at capacity during the peak: its queue holds "
                              "what it cannot take yet (see the queue's backlog and drain time).",
                              "Fine while the backlog drains in time; add consumers to shorten it.",
                              _usage(ctx, cid), code="consumer_at_capacity")
        elif limited[row] and r.utilisation >= 1.0:
            yield _limit(ctx, cid, r)
        elif r.saturated:
            dropped = ""
            if r.binding in ("throughput", "bandwidth") and r.utilisation > 1:
                dropped = f"; it serves about {units.format_percent(1 / r.utilisation, 0)} of the requests at " \
                          "peak and drops or times out the rest (its availability counts it)"
            yield ctx.finding("CAP-OVER", "error", cid, f"{r.name} is saturated: "
                              f"{units.format_percent(r.utilisation)} of its {r.binding} at peak with "
                              f"{r.count} instance(s){dropped}.", _advice(behaviour, r), _usage(ctx, cid),
                              code="saturated")
        elif r.headroom > 1 + 1e-9:
            yield ctx.finding("CAP-OVER", "warning", cid, f"{r.name} runs at {units.format_percent(r.utilisation)} "
                              f"of its {r.binding} at peak, above its {units.format_percent(r.ceiling)} ceiling.",
                              _advice(behaviour, r), _usage(ctx, cid), code="over_target")
        if stalled[row]:
            yield ctx.finding("CAP-OVER", "error", cid, f"{r.name} has no finite latency at peak.",
                              _advice(behaviour, r), _usage(ctx, cid), code="saturated")


def _limit(ctx: Context, cid: str, r) -> Finding:
    avg = r.reads_avg + r.writes_avg
    limit_at = r.qps_peak / r.utilisation if r.utilisation > 0 else math.inf
    queueable = avg < limit_at * ctx.u
    how = ("a queue in front of it, drained at the provider's pace, carries the peak over to the quiet hours "
           "(its average is within the limit)" if queueable else
           f"even its average ({units.format_qps(avg)}) is past the limit, so a queue cannot absorb it: ask the "
           "provider for a higher quota, batch the calls, or split them over more accounts or senders")
    return ctx.finding("CAP-LIMIT", "error", cid, f"{r.name} is asked for {units.format_qps(r.qps_peak)} at peak, "
                       f"{units.format_percent(r.utilisation)} of what the provider allows "
                       f"(about {units.format_qps(limit_at)}): the calls past it are refused or throttled.",
                       f"Keep the provider under its limit: {how}.",
                       [evidence(cid, "utilisation", r.utilisation, "%"),
                        evidence(cid, "availability", r.availability, "availability", "higher")], code="saturated")


@fixer("CAP-OVER")
def fix_over(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    from archplan.planner.catalog import default_catalog

    cid = finding.component
    r = result.components[cid]
    kind = default_catalog()[r.kind]
    if kind.managed or kind.behaviour in SINGLE_ACTIVE or kind.behaviour in QUOTA_BOUND:
        return None  # a primary: DATA-READ-* / DATA-WRITE-SCALE; a provider: CAP-LIMIT
    if not r.fixed:
        return None  # auto-sized and still over: the count cannot help (replica replay, ...)
    b = FixBuilder(plan)
    n = _pool_count(r.needed, r.recommended)
    b.op("set_instances", component=cid, instances=n)
    return b.fix("CAP-OVER", cid, f"Run {n} instances of {r.name} (the load needs {r.needed}"
                 + (", plus two spares (N+2)" if r.needed >= N_PLUS_2_FROM else "") + ").")


@fixer("CAP-LIMIT")
def fix_limit(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    """A queue on every request link into the provider: it then takes the calls at its own pace, flat out
    during the peak, while the queue holds the rest and drains it afterwards (possible only when the average
    is within the limit: otherwise the backlog would grow without end, and a quota raise is the fix)."""
    cid = finding.component
    r = result.components[cid]
    if r.utilisation <= 0:
        return None
    limit = r.qps_peak / r.utilisation
    if r.reads_avg + r.writes_avg >= limit * plan.traffic.target_utilisation:
        return None  # only a quota raise helps: a note, not an edit
    into = [lk for lk in plan.links if lk.target == cid and lk.kind == "request"]
    if not into:
        return None
    b = FixBuilder(plan)
    for lk in into:
        qid = b.new_id(f"{cid}-queue")
        b.op("insert_between", link=lk.id, component=qid, kind="queue.sqs", name=f"{r.name} queue",
             out_link=b.new_id(f"{qid}-to-{cid}"), in_kind="async", out_kind="async")
    return b.fix("CAP-LIMIT", cid, f"Queue the calls to {r.name}: it takes them at its own pace, and the queue "
                 "holds a peak's excess until it drains.")


# ------------------------------------------------------------------------------------------ CAP-SPARE

def _spare_columns(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pool mask, deployed n, divisible traffic load in instances' worth, work every node keeps)."""
    s, table = ctx.s, ctx.table
    # a queue's consumers are left out: losing one lengthens the backlog (FLOW-QUEUE-LAG), drops nothing
    pools = ctx.served & table.of(*POOLS) & ~table.managed & (s.count >= 2) & ~s.queue_fed
    traffic = np.fmax(s.shares[:, THROUGHPUT], s.shares[:, BANDWIDTH])
    traffic = np.nan_to_num(traffic, nan=0.0)
    fixed_work = np.where(table.of(Behaviour.SQL_REPLICA), s.replay, 0.0)
    load = np.maximum(0.0, traffic - fixed_work) * s.count
    return pools, s.count, load, fixed_work


def _survivors(load: float, fixed_work: float, n: float, lost: int) -> float:
    return fixed_work + load / (n - lost) if n > lost else math.inf


@check
def spare(ctx: Context) -> Iterator[Finding]:
    pools, n, load, fixed_work = _spare_columns(ctx)
    one = pools & (fixed_work + load / np.maximum(n - 1, 1) >= 1.0)
    two = pools & ~one & (n >= 3) & (fixed_work + load / np.maximum(n - 2, 1) >= 1.0)
    for row in flagged(one | two):
        cid = ctx.ids[row]
        r = ctx.result.components[cid]
        lost = 1 if one[row] else 2
        after = _survivors(float(load[row]), float(fixed_work[row]), float(n[row]), lost)
        figures = [evidence(cid, f"survivor_utilisation_{lost}", after, "%")]
        if lost == 1:
            yield ctx.finding("CAP-SPARE", "warning", cid, f"{r.name} runs {r.count} instances at "
                              f"{units.format_percent(r.utilisation, 0)}: losing one puts the others at "
                              f"{units.format_percent(after, 0)}, past 100 %, so a single failure or a rolling "
                              "deploy drops requests at peak.",
                              "Keep one spare instance (redundancy n+1): the survivors then carry the peak.", figures,
                              code="no_spare")
        else:
            yield ctx.finding("CAP-SPARE", "info", cid, f"{r.name} runs {r.count} instances at "
                              f"{units.format_percent(r.utilisation, 0)}: it survives one lost instance, but one "
                              f"failure during a rolling deploy (two down) puts the rest at "
                              f"{units.format_percent(after, 0)}.",
                              "Two spares (N+2) keep the peak served during a deploy plus a failure.", figures,
                              code="no_second_spare")


def _survivor_measure(lost: int):
    def read(plan: Plan, result: PlanResult, owner: str) -> float | None:
        r = result.components.get(owner)
        if r is None:
            return None
        from archplan.planner.catalog import default_catalog

        replay = 0.0
        if default_catalog()[r.kind].behaviour is Behaviour.SQL_REPLICA and "replay" in r.figures:
            replay = r.figures["replay"].value
        return _survivors(_traffic_load(r), replay, r.count, lost)
    return read


measure("survivor_utilisation_1")(_survivor_measure(1))
measure("survivor_utilisation_2")(_survivor_measure(2))


@fixer("CAP-SPARE")
def fix_spare(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    cid = finding.component
    r = result.components[cid]
    lost = 1 if finding.severity == "warning" else 2
    replay = r.figures["replay"].value if "replay" in r.figures else 0.0
    if replay >= 1:
        return None
    survivors = _traffic_load(r) / (1.0 - replay)
    comp = plan.component(cid)
    b = FixBuilder(plan)
    if lost == 1 and comp.instances == "auto" and comp.redundancy != "n+1":
        b.op("set_redundancy", component=cid, redundancy="n+1")
        return b.fix("CAP-SPARE", cid, f"Give {r.name} one spare instance (redundancy n+1, still auto-sized).")
    n = math.floor(survivors) + 1 + lost
    b.op("set_instances", component=cid, instances=max(n, r.count + 1))
    return b.fix("CAP-SPARE", cid, f"Run {max(n, r.count + 1)} instances of {r.name}, so that losing {lost} "
                 "leaves the peak served.")


def _traffic_load(r) -> float:
    """Instances' worth of divisible traffic a pool carries (load_throughput / load_bandwidth details)."""
    return max(r.details.get("load_throughput", 0.0), r.details.get("load_bandwidth", 0.0))


# ------------------------------------------------------------------------------------------ CAP-UNDER

def _minimum(behaviour: Behaviour, rf: float) -> int:
    if behaviour is Behaviour.PUBSUB or behaviour is Behaviour.PARTITIONED:
        return max(2, int(rf))
    return 2


@check
def under(ctx: Context) -> Iterator[Finding]:
    s, table = ctx.s, ctx.table
    busiest = np.nanmax(np.where(np.isnan(s.shares), -1.0, s.shares), axis=1)
    rows = ctx.served & table.fixed & ~table.managed & (s.count > 2) & (busiest < UNDER_USED) & (busiest >= 0)
    rows &= ~table.of(Behaviour.CLIENT, Behaviour.MONITOR)
    for row in flagged(rows):
        cid = ctx.ids[row]
        r = ctx.result.components[cid]
        n = _under_count(ctx.plan, r, table.kinds[row].behaviour)
        if n >= r.count:
            continue
        saved = r.monthly_cost * (r.count - n) / r.count
        yield ctx.finding("CAP-UNDER", "info", cid, f"{r.name} runs {r.count} instances at "
                          f"{units.format_percent(r.utilisation, 1)} at peak: {n} carry the peak within the "
                          f"{units.format_percent(ctx.u, 0)} target with a spare, about "
                          f"{units.format_money(saved)}/month less.",
                          f"Run {n} instances (or set the count to auto with redundancy ha).",
                          [evidence(cid, "monthly_cost", r.monthly_cost, "USD/month"),
                           evidence("plan", "monthly_cost", ctx.result.totals.monthly_cost, "USD/month")])


def _under_count(plan: Plan, r, behaviour: Behaviour) -> int:
    rf = 0.0
    comp = plan.component(r.id)
    if "replication_factor" in comp.params:
        rf = comp.params["replication_factor"]
    elif behaviour is Behaviour.PUBSUB:
        rf = comp.param("replication_factor")
    elif behaviour is Behaviour.PARTITIONED:
        rf = comp.param("replication_factor") or plan.traffic.replication_factor
    load = _traffic_load(r)
    return max(_minimum(behaviour, rf), r.needed, math.floor(load) + 2)


@fixer("CAP-UNDER")
def fix_under(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    from archplan.planner.catalog import default_catalog

    cid = finding.component
    r = result.components[cid]
    n = _under_count(plan, r, default_catalog()[r.kind].behaviour)
    if n >= r.count:
        return None
    b = FixBuilder(plan).op("set_instances", component=cid, instances=n)
    return b.fix("CAP-UNDER", cid, f"Run {n} instances of {r.name} instead of {r.count}.")
