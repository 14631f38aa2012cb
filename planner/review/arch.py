"""
ARCH: the shape of the architecture - a monolith whose figures say it should be split, and services too
small to pay for their own deployables (docs/review-rules.md section 9; Fowler "MonolithFirst",
"MicroservicePremium"). Both are advice: splitting or merging code is the team's move, so there is no edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.planner.result import Finding
from archplan.planner.review.base import Context, check, define, evidence, flagged

#: (D) A service this many instances large is a candidate for splitting.
SPLIT_INSTANCES = 20
#: (D) Services each under this utilisation at the HA minimum are candidates for merging.
MERGE_UTILISATION = 0.10
MERGE_MIN_SERVICES = 3
_VERSION = re.compile(r"^(v?\d+(\.\d+)*|api)$", re.IGNORECASE)

define("ARCH-SPLIT", "ARCH", "A monolith whose figures suggest splitting it",
       "seed \"MVP monolith... decouple later\"; Fowler \"MonolithFirst\"; AWS Well-Architected REL03-BP01, "
       "REL03-BP02; Azure Strangler Fig pattern")
define("ARCH-MERGE", "ARCH", "Services too small to pay for their overhead",
       "Fowler \"MonolithFirst\", \"MicroservicePremium\"; AWS Well-Architected REL03-BP01 (anti-patterns: "
       "microservices before launch, services too interdependent)")


def modules(endpoints) -> set[str]:
    """The resources a service's endpoints serve: the first path segment past a version ('/v1/orders/{id}' ->
    'orders'). A fleet serving one resource is not a monolith, however large."""
    out = set()
    for e in endpoints:
        parts = [p for p in e.path.strip("/").split("/") if p and not _VERSION.match(p)]
        if parts:
            out.add(parts[0])
    return out


@check
def split(ctx: Context) -> Iterator[Finding]:
    services = ctx.served & ctx.of(Behaviour.SERVICE) & (ctx.s.count >= SPLIT_INSTANCES)
    for row in flagged(services):
        if len(modules(ctx.table.components[row].endpoints)) < 2:
            continue
        r = ctx.r(row)
        stores = [ctx.result.components[e.target] for e in ctx.links_out.get(r.id, ())
                  if e.target in ctx.result.components and e.kind == "request"
                  and ctx.behaviour_of(e.target) is Behaviour.SQL_PRIMARY]
        hot = [s for s in stores if s.headroom > 1]
        severity = "warning" if hot or r.headroom > 1 else "info"
        also = f"; its database {hot[0].name} runs at {units.format_percent(hot[0].utilisation, 0)}" if hot else ""
        parts = ", ".join(sorted(modules(ctx.table.components[row].endpoints)))
        yield ctx.finding("ARCH-SPLIT", severity, r.id, f"{r.name} is one deployable of {r.count} instances serving "
                          f"{parts}{also}: every change redeploys all of it, and its modules cannot scale or fail "
                          "apart.",
                          "Split the heavy endpoint group into a service with its own store, behind the same load "
                          "balancer or gateway, strangler-style (one more network hop in series).",
                          [evidence(r.id, "count", r.count, "count"),
                           *(evidence(s.id, "utilisation", s.utilisation, "%") for s in hot)])


@check
def merge(ctx: Context) -> Iterator[Finding]:
    s = ctx.s
    services = ctx.served & ctx.of(Behaviour.SERVICE)
    if int(services.sum()) < MERGE_MIN_SERVICES:
        return
    small = services & (s.count <= 2) & (s.utilisation < MERGE_UTILISATION)
    if int(small.sum()) < MERGE_MIN_SERVICES:
        return
    rows = np.flatnonzero(small).tolist()
    names = ", ".join(f"{ctx.r(r).name} ({units.format_percent(ctx.r(r).utilisation, 0)})" for r in rows[:6])
    names += f" and {len(rows) - 6} more" if len(rows) > 6 else ""
    cost = float(ctx.costs[small].sum())
    yield ctx.finding("ARCH-MERGE", "info", None, f"{len(rows)} services run at their two-instance minimum under "
                      f"{units.format_percent(MERGE_UTILISATION, 0)} each: {names}; together "
                      f"{units.format_money(cost)}/month, and each call between them is one more hop in series.",
                      "Before the traffic or the team needs them apart, one modular service keeping the same "
                      "endpoints costs less and answers faster (Fowler: monolith first).",
                      [evidence("plan", "instances", ctx.result.totals.instances, "count")],
                      components=[ctx.ids[r] for r in rows[:50]])
