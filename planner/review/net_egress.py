"""
NET-EGRESS-CDN: media and static bytes served to the internet straight from the origin -> a CDN
(docs/review-rules.md section 6; seed Fundamentals 3, "CDN based on location").
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.model import Plan, link_classes
from archplan.planner.propagation import BYTES, MR, R
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, check, define, evidence, fixer, flagged
from archplan.planner.review.operations import Fix, FixBuilder

#: (D) Cacheable bytes a month from which an origin without a CDN is a finding.
WARN_BYTES = units.TB

define("NET-EGRESS-CDN", "NET", "Media served from the origin: a CDN",
       "seed Fundamentals 3 and \"CDN based on location\"; system-design-primer \"Content delivery network\"; AWS "
       "Well-Architected COST08-BP02, COST08-BP03; capacity-defaults S4, S37")


def _cacheable(ctx: Context) -> np.ndarray:
    """Bytes a month of cacheable reads (media; every read of an object store) each component returns to
    clients that reach it directly (what a CDN in front already serves is not counted)."""
    t, out = ctx.t, ctx.run.flows.out[BYTES]
    if not len(t.edges):
        return np.zeros(ctx.table.n)
    media = t.factors[:, MR] * out[t.source, MR]
    reads = t.factors[:, R] * out[t.source, R]
    per_edge = media + np.where(ctx.of(Behaviour.OBJECT_STORE)[t.target], reads, 0.0)
    per_edge = np.where(ctx.run.client[t.source], per_edge, 0.0)
    return np.bincount(t.target, per_edge, minlength=ctx.table.n) * units.MONTH


@check
def egress(ctx: Context) -> Iterator[Finding]:
    fed = ctx.t.client_fed & ctx.served & ~ctx.of(Behaviour.CDN)
    if not fed.any():
        return
    monthly = _cacheable(ctx)
    for row in flagged(fed & (monthly >= WARN_BYTES)):
        r = ctx.r(row)
        month = float(monthly[row])
        yield ctx.finding("NET-EGRESS-CDN", "warning", r.id,
                          f"{r.name} sends {units.format_size(month)}/month of media and static bytes straight to the "
                          f"users ({units.format_bandwidth(r.bandwidth_out)} out at peak), with no CDN in front.",
                          "Put a CDN (CloudFront) between the clients and it for the media reads: the edge serves "
                          "most of them near the users. Origin-to-CloudFront transfer is free on AWS, but CloudFront's "
                          "first tier ($0.085/GB) is close to EC2's ($0.09/GB): the gain is mainly origin load and "
                          "latency.",
                          [evidence(r.id, "bandwidth_out", r.bandwidth_out, "B/s"),
                           evidence(r.id, "utilisation", r.utilisation, "%"),
                           evidence("plan", "monthly_cost", ctx.result.totals.monthly_cost, "USD/month")])


@fixer("NET-EGRESS-CDN")
def fix_cdn(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    origin = finding.component
    catalog = default_catalog()
    behaviour = {c.id: catalog[c.kind].behaviour for c in plan.components}
    wanted = ("media_read", "read") if behaviour[origin] is Behaviour.OBJECT_STORE else ("media_read",)
    links = [(lk, [c for c in link_classes(plan, lk) if c in wanted]) for lk in plan.links
             if lk.target == origin and behaviour.get(lk.source) is Behaviour.CLIENT and lk.kind == "request"]
    links = [(lk, classes) for lk, classes in links if classes]
    if not links:
        return None
    b = FixBuilder(plan)
    cdn = b.new_id("cdn")
    every = [c for c in wanted if any(c in classes for _lk, classes in links)]
    (first, classes), rest = links[0], links[1:]
    b.op("insert_between", link=first.id, component=cdn, kind="cdn.cloudfront", name="CDN", classes=classes,
         out_classes=every, out_link=b.new_id(f"{cdn}-to-{origin}"), new_link=b.new_id(f"{first.id}-media"))
    for lk, cs in rest:
        b.op("retarget_link", link=lk.id, target=cdn, classes=cs, new_link=b.new_id(f"{lk.id}-media"))
    return b.fix("NET-EGRESS-CDN", origin, f"Serve the media reads of {plan.component(origin).name} through a CDN "
                 "(CloudFront, 80 % offload).")
