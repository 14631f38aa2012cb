"""
COST: the largest cost driver, steady fleets on on-demand prices, tiered egress, caches that do not pay for
themselves, stores sized by data their traffic hardly touches (docs/review-rules.md section 10).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.model import Plan, link_classes
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, check, define, evidence, fixer, flagged
from archplan.planner.review.operations import Fix, FixBuilder
from archplan.planner.sizing import STORAGE

#: (D) One component (or price line) above this share of the month's cost is the lever to look at.
TOP_SHARE = 0.40
#: (D) A cache answering less than this share of reads adds a hop for most of them.
LOW_HIT = 0.5
#: (D) A store sized by data whose traffic uses less than this of its nodes.
STORAGE_IDLE = 0.2

define("COST-TOP-SHARE", "COST", "One component is most of the bill",
       "AWS Well-Architected COST05-BP02, COST05-BP03; capacity-model.md \"Cost\"")
define("COST-COMMIT", "COST", "Steady fleets on on-demand prices",
       "AWS Well-Architected COST07-BP01 (Savings Plans, Reserved Instances, Spot), COST07-BP04; Azure WAF CO:05")
define("COST-EGRESS-TIERS", "COST", "Egress billed in tiers",
       "AWS EC2 on-demand pricing, \"Data Transfer\"; AWS Well-Architected COST08-BP01; capacity-model.md \"Cost\"")
define("COST-CACHE-VS-DB", "COST", "A cache that does not pay for itself",
       "AWS Well-Architected PERF03-BP05 (caching also lowers cost); capacity-defaults section 3-4 prices")
define("COST-STORAGE-BOUND", "COST", "A store sized by data its traffic hardly touches",
       "capacity-model.md (binding resource); AWS Well-Architected COST04-BP05, SUS04; S3 price (capacity-defaults "
       "S14)")


@check
def top_share(ctx: Context) -> Iterator[Finding]:
    total = ctx.result.totals.monthly_cost
    if total <= 0:
        return
    costs = ctx.costs
    rows = ctx.served & (costs > TOP_SHARE * total)
    for row in flagged(rows):
        r = ctx.r(row)
        others = np.where(np.arange(ctx.table.n) == row, -1.0, costs)
        runner = ctx.r(int(np.argmax(others))) if ctx.table.n > 1 else None
        second = f"; next is {runner.name} at {units.format_percent(runner.monthly_cost / total, 0)}" if runner else ""
        share = units.format_percent(r.monthly_cost / total, 0)
        yield ctx.finding("COST-TOP-SHARE", "info", r.id, f"{r.name} is {share} of the month's "
                          f"{units.format_money(total)} ({units.format_money(r.monthly_cost)}){second}.",
                          _lever(ctx, r), [evidence(r.id, "monthly_cost", r.monthly_cost, "USD/month")])


def _lever(ctx: Context, r) -> str:
    behaviour = ctx.behaviour_of(r.id)
    if behaviour is Behaviour.CDN or (r.bandwidth_out > 0 and ctx.t.client_fed[ctx.table.index[r.id]]):
        return ("The lever is egress: smaller media (renditions, compression), longer cache lifetimes, or a "
                "committed-use CDN price (see COST-EGRESS-TIERS).")
    if r.binding == "storage":
        return "The lever is the data kept: a shorter hot retention with an archive (see COST-STORAGE-BOUND)."
    if behaviour in (Behaviour.EXTERNAL, Behaviour.NOTIFICATION, Behaviour.GATEWAY):
        return "The lever is the per-request price: batch or deduplicate the calls, or negotiate a volume price."
    return "The lever is the instance price: a committed price for the steady baseline (see COST-COMMIT)."


@check
def commit(ctx: Context) -> Iterator[Finding]:
    table = ctx.table
    fleets = ctx.served & ~table.managed & (table.capacity["monthly_cost"] > 0) & (ctx.s.count >= 1)
    if not fleets.any():
        return
    rows = np.flatnonzero(fleets)
    cost = float(ctx.costs[rows].sum())
    total = ctx.result.totals.monthly_cost
    workers = [ctx.r(r).name for r in np.flatnonzero(fleets & table.of(Behaviour.WORKER))[:3].tolist()]
    spot = f" Queue-fed workers ({', '.join(workers[:3])}) with idempotent jobs can run on spot capacity." \
        if workers else ""
    yield ctx.finding("COST-COMMIT", "info", None, f"{len(rows)} self-managed fleets run all month at on-demand "
                      f"prices: {units.format_money(cost)} of the {units.format_money(total)} a month.{spot}",
                      "Commit the steady baseline (the count at average load): Savings Plans or Reserved "
                      "Instances (the catalog has on-demand prices only).",
                      [evidence("plan", "monthly_cost", total, "USD/month")],
                      components=[ctx.ids[r] for r in rows[:50].tolist()])


@check
def egress_tiers(ctx: Context) -> Iterator[Finding]:
    """One finding for the plan: each provider table (internet, CDN) whose month crosses its first tier."""
    lines = []
    for name, table in ctx.run.catalog.prices.egress_tiers.items():
        figure = ctx.result.plan_figures.get(f"egress_{name}")
        if figure is None:
            continue
        gb = float(figure.inputs["gb"])
        bands = table.bands_gb()
        if gb <= bands[0][0]:
            continue
        flat = gb * bands[0][1]
        marginal = next(price for upper, price in bands if gb <= upper)
        what = "through the CDN" if name == "cdn" else "to the internet from the origins"
        lines.append(f"{units.format_size(gb * 1e9)}/month {what}, billed in tiers: "
                     f"{units.format_money(figure.value)} a month against {units.format_money(flat)} at the first "
                     f"tier's ${bands[0][1]:g}/GB, the next GB at ${marginal:g}")
    if lines:
        yield ctx.finding("COST-EGRESS-TIERS", "info", None, f"The plan sends {'; and '.join(lines)}.",
                          "The result applies the tiers already. If egress tops the bill, the levers are a CDN "
                          "(NET-EGRESS-CDN) and smaller media (renditions, compression).",
                          [evidence("plan", "monthly_cost", ctx.result.totals.monthly_cost, "USD/month")])


# ------------------------------------------------------------------------------------------ caches

def _cache_stores(ctx_or_plan, cid: str, result: PlanResult) -> list:
    return [result.components[lk.target] for lk in ctx_or_plan.links if lk.source == cid and lk.kind == "request"
            and lk.target in result.components]


@check
def cache_vs_db(ctx: Context) -> Iterator[Finding]:
    caches = ctx.served & ctx.of(Behaviour.CACHE) & (ctx.table.param("hit_ratio") < LOW_HIT) & (ctx.s.reads_peak > 0)
    for row in flagged(caches):
        r = ctx.r(row)
        hit = float(ctx.table.param("hit_ratio")[row])
        saved = 0.0
        for store in _cache_stores(ctx.plan, r.id, ctx.result):
            kind = default_catalog()[store.kind]
            per_node = (kind.capacity.read_qps or 0) * ctx.u
            if per_node > 0 and store.count > 0:
                saved += r.reads_peak * hit / per_node * store.monthly_cost / store.count
        if saved >= r.monthly_cost:
            continue
        yield ctx.finding("COST-CACHE-VS-DB", "info", r.id, f"{r.name} answers {units.format_percent(hit, 0)} of its "
                          f"reads: it saves its stores about {units.format_money(saved)}/month of capacity and costs "
                          f"{units.format_money(r.monthly_cost)}, and most reads pay one more hop.",
                          "Raise the hit ratio (cache what is read, longer lifetimes), or remove the cache and let the "
                          "store serve the reads.",
                          [evidence("plan", "monthly_cost", ctx.result.totals.monthly_cost, "USD/month")])


@fixer("COST-CACHE-VS-DB")
def fix_cache_vs_db(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    """Remove the cache: each link into it reads straight from the store it falls back to."""
    cid = finding.component
    outs = [lk for lk in plan.links if lk.source == cid and lk.kind == "request"]
    if len(outs) != 1:
        return None
    out = outs[0]
    passed = set(link_classes(plan, out))
    b = FixBuilder(plan)
    for lk in plan.links:
        if lk.target != cid or lk.kind != "request":
            continue
        classes = [c for c in link_classes(plan, lk) if c in passed]
        if classes:
            b.op("add_link", link=b.new_id(f"{lk.source}-to-{out.target}"), source=lk.source, target=out.target,
                 classes=classes, share=lk.share, fanout=lk.fanout, label=lk.label)
    b.op("remove_component", component=cid)
    return b.fix("COST-CACHE-VS-DB", cid, f"Remove {plan.component(cid).name}: reads go to "
                 f"{plan.component(out.target).name} directly.")


# ------------------------------------------------------------------------------------------ storage-bound

@check
def storage_bound(ctx: Context) -> Iterator[Finding]:
    s, table = ctx.s, ctx.table
    stores = ctx.served & table.of(Behaviour.PARTITIONED, Behaviour.SQL_PRIMARY, Behaviour.SEARCH) & \
        (s.binding == STORAGE) & (s.count > 2) & (s.traffic_utilisation < STORAGE_IDLE) & ~table.managed
    total = ctx.result.totals.monthly_cost
    for row in flagged(stores):
        r = ctx.r(row)
        share = r.monthly_cost / total if total > 0 else 0.0
        retention = table.components[row].retention or ctx.plan.traffic.retention
        yield ctx.finding("COST-STORAGE-BOUND", "warning" if share > TOP_SHARE else "info", r.id,
                          f"{r.name} runs {units.format_count(r.count)} {r.count_unit} to hold "
                          f"{units.format_size(r.storage_replicated)} ({units.format_duration(retention)} of data), "
                          f"while its traffic uses {units.format_percent(float(s.traffic_utilisation[row]), 1)} of "
                          f"them: {units.format_money(r.monthly_cost)}/month, "
                          f"{units.format_percent(share, 0)} of the plan.",
                          "Keep in the hot store the window reads touch and move older data through an async link to "
                          "an object-store archive (S3 at $0.023/GB-month), or use larger-disk nodes.",
                          [evidence(r.id, "count", r.count, "count"),
                           evidence(r.id, "monthly_cost", r.monthly_cost, "USD/month")])
