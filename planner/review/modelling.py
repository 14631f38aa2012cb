"""
MODEL: problems of the drawing itself rather than of the design - no client, parts that receive nothing,
link shares over 100 %, links left with nothing to carry, clients whose user shares do not add up or that
are linked to nothing (the engine's first findings, kept under their codes).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.planner.model import TRAFFIC_CLASSES
from archplan.planner.propagation import AVG
from archplan.planner.result import Finding
from archplan.planner.review.base import Context, check, define, flagged

SOURCE = "capacity-model.md, \"Traffic classes and propagation\""

define("MODEL-NO-CLIENTS", "MODEL", "No client: no traffic enters the plan", SOURCE)
define("MODEL-NO-TRAFFIC", "MODEL", "A component receives no traffic", SOURCE)
define("MODEL-SHARE-SUM", "MODEL", "Link shares of one class add up to more than 100 %", SOURCE)
define("MODEL-IDLE-LINK", "MODEL", "A link carries nothing", SOURCE)
define("MODEL-CLIENT-SHARES", "MODEL", "Clients' user shares do not add up to 100 %", SOURCE)
define("MODEL-CLIENT-UNLINKED", "MODEL", "A client is linked to nothing", SOURCE)


@check
def drawing(ctx: Context) -> Iterator[Finding]:
    run, table, s = ctx.run, ctx.table, ctx.s
    if not run.client.any():
        yield ctx.finding("MODEL-NO-CLIENTS", "warning", None, "The plan has no client, so no traffic enters it.",
                          "Add a web or mobile client and link it to the entry point.", code="no_clients")
    idle = ctx.served & (s.reads_avg + s.writes_avg == 0) & ~table.of(Behaviour.MONITOR) & (s.storage_total == 0)
    for row in flagged(idle):
        cid = ctx.ids[row]
        yield ctx.finding("MODEL-NO-TRAFFIC", "info", cid, f"{ctx.name(cid)} receives no traffic.",
                          "Link it from a component on a request path, or remove it.", code="no_traffic")
    over = ctx.served & (run.transfers.explicit > 1 + 1e-9).any(axis=1)
    for row in flagged(over):
        cid = ctx.ids[row]
        for c, total in enumerate(run.transfers.explicit[row].tolist()):
            if total > 1 + 1e-9:
                yield ctx.finding("MODEL-SHARE-SUM", "warning", cid, f"Links out of {ctx.name(cid)} claim "
                                  f"{total:.0%} of its {TRAFFIC_CLASSES[c]} traffic (more than 100 %).",
                                  "Shares of one class should add up to at most 1; use a fan-out factor for "
                                  "traffic that really multiplies.", code="share_sum")
    yield from _idle_links(ctx)
    yield from _clients(ctx)


def _idle_links(ctx: Context) -> Iterator[Finding]:
    """Request links left without a share where the source's other links already take everything."""
    t = ctx.t
    if not len(t.edges):
        return
    sending = (t.carries & (ctx.run.flows.out[AVG][t.source] > 0)).any(axis=1)
    idle = np.flatnonzero(t.open & ~t.factors.any(axis=1) & sending)
    if not idle.size:
        return
    _, first = np.unique(t.source, return_index=True)
    first_edge = dict(zip(np.unique(t.source).tolist(), first.tolist()))
    for e in sorted(idle.tolist(), key=lambda e: (first_edge[int(t.source[e])], e)):
        edge = t.edges[e]
        src, dst = ctx.name(edge.source), ctx.name(edge.target)
        yield ctx.finding("MODEL-IDLE-LINK", "warning", edge.target, f"The link {src} -> {dst} carries nothing: "
                          f"the other links out of {src} already take all of its traffic.",
                          "Give the link a share (and lower the others), or a fan-out factor.", code="idle_link")


def _clients(ctx: Context) -> Iterator[Finding]:
    """How the users divide between the clients (planner.engine.ClientShares)."""
    shares = ctx.run.shares
    if not shares.rows.size:
        return
    ids = [ctx.ids[r] for r in shares.rows.tolist()]
    total = shares.given_total
    if total > 1 + 1e-9:
        yield ctx.finding("MODEL-CLIENT-SHARES", "error", ids[0], f"The clients' user shares add up to "
                          f"{units.format_percent(total, 0)}; they were scaled down to 100 %.",
                          "Give each client its fraction of the users, adding up to 1.", code="client_shares")
    linked_somewhere = bool(shares.connected.any())
    for cid, connected, effective in zip(ids, shares.connected.tolist(), shares.effective.tolist()):
        if connected or not linked_somewhere:
            continue
        name = ctx.result.components[cid].name
        if effective > 0:
            yield ctx.finding("MODEL-CLIENT-UNLINKED", "error", cid, f"{name} is linked to nothing: its "
                              f"{units.format_percent(effective, 0)} of the users send traffic nowhere.",
                              "Link it to the system's entry point (DNS, CDN, load balancer or gateway), or set its "
                              "user share to 0.", code="client_unlinked")
        else:
            yield ctx.finding("MODEL-CLIENT-UNLINKED", "warning", cid, f"{name} is linked to nothing, so it takes "
                              "no users yet: the other clients carry all of them.",
                              "Link it to the system's entry point; it then takes its share of the users.",
                              code="client_unlinked")
    if total < 1 - 1e-9 and not (np.isnan(shares.given) & shares.connected).any():
        yield ctx.finding("MODEL-CLIENT-SHARES", "warning", ids[0], f"The clients' user shares add up to "
                          f"{units.format_percent(total, 0)}: the other users send no traffic.",
                          "Give each client its fraction of the users, adding up to 1, or leave one unset.",
                          code="client_shares")
