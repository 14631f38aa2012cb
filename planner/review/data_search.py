"""
DATA-SEARCH-RDBMS: full-text search answered by the relational database, or a search index written
beside the database by the request path -> a search index fed by events from the write path
(docs/review-rules.md section 5; seed "Search and query"; DDIA ch. 11).

Full-text reads are the read endpoints whose path contains "search" or "suggest".
"""

from __future__ import annotations

from collections.abc import Iterator

from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.model import Plan, link_classes
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, check, define, evidence, fixer
from archplan.planner.review.operations import Fix, FixBuilder

SEARCH_WORDS = ("search", "suggest")
SQL = (Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA)
#: What a read passes through on its way to a store.
PASS_THROUGH = (Behaviour.CACHE, Behaviour.LOAD_BALANCER, Behaviour.GATEWAY, Behaviour.RATE_LIMITER)

define("DATA-SEARCH-RDBMS", "DATA", "Full-text search on the relational database: a search index fed by events",
       "seed \"Search and query\" (RDBMS source of truth, Elasticsearch fed by events); DDIA ch. 11 \"Keeping "
       "systems in sync\", \"Change data capture\"; Azure data store models (search stores); OpenSearch sizing "
       "(capacity-defaults S25)")


def search_share(plan: Plan, cid: str) -> float:
    """Share of the component's reads that hit a search / suggest endpoint."""
    comp = plan.component(cid)
    return min(1.0, sum(e.share for e in comp.endpoints
                        if e.operation == "read" and any(w in e.path.lower() for w in SEARCH_WORDS)))


def _reads_reach(ctx: Context, start: str) -> tuple[set[str], set[str]]:
    """(SQL components, search components) the start's reads reach through caches and balancers."""
    sql, search, seen = set(), set(), {start}
    frontier = [start]
    while frontier:
        cid = frontier.pop()
        for edge in ctx.links_out.get(cid, ()):
            if edge.kind != "request" or edge.target in seen or edge.target not in ctx.table.index:
                continue
            if not ({"read", "media_read"} & set(link_classes(ctx.plan, edge.link))):
                continue
            seen.add(edge.target)
            behaviour = ctx.behaviour_of(edge.target)
            if behaviour in SQL:
                sql.add(edge.target)
            elif behaviour is Behaviour.SEARCH:
                search.add(edge.target)
            elif behaviour in PASS_THROUGH:
                frontier.append(edge.target)
    return sql, search


@check
def search_on_sql(ctx: Context) -> Iterator[Finding]:
    from archplan.planner.review.base import flagged

    rows = flagged(ctx.served & ctx.of(Behaviour.SERVICE))
    services = [c for c in (ctx.table.components[r] for r in rows) if c.endpoints]
    for comp in services:
        share = search_share(ctx.plan, comp.id)
        if share <= 0:
            continue
        sql, search = _reads_reach(ctx, comp.id)
        if not sql or search:
            continue
        r = ctx.result.components[comp.id]
        names = ", ".join(sorted(ctx.name(s) for s in sql))
        yield ctx.finding("DATA-SEARCH-RDBMS", "warning", comp.id,
                          f"{r.name} answers its search endpoints ({units.format_percent(share, 0)} of its reads, "
                          f"{units.format_qps(r.reads_peak * share)} at peak) from {names}: LIKE scans with no "
                          "relevance ranking, typo tolerance or facets, on the database every write needs.",
                          "Add a search index (Elasticsearch / OpenSearch) fed by events: the service publishes each "
                          "write, an indexer updates the index within seconds; the rows stay in the database.",
                          _store_figures(ctx, sorted(sql)),
                          components=sorted(sql))
    yield from _dual_writes(ctx)


def _store_figures(ctx: Context, stores: list[str]) -> list:
    rs = [ctx.result.components[s] for s in stores]
    return [*(evidence(r.id, "reads_peak", r.reads_peak, "QPS") for r in rs),
            *(evidence(r.id, "utilisation", r.utilisation, "%") for r in rs)]


def _dual_writes(ctx: Context) -> Iterator[Finding]:
    """A search index written by the request path beside the database (a dual write that can diverge)."""
    from archplan.planner.review.base import flagged

    for sid in (ctx.ids[r] for r in flagged(ctx.served & ctx.of(Behaviour.SEARCH))):
        for edge in ctx.links_in.get(sid, ()):
            if edge.kind != "request" or ctx.behaviour_of(edge.source) is not Behaviour.SERVICE:
                continue
            if "write" not in link_classes(ctx.plan, edge.link):
                continue
            writes_sql = any(ctx.behaviour_of(o.target) in SQL for o in ctx.links_out.get(edge.source, ())
                             if o.kind == "request" and o.target in ctx.table.index)
            if writes_sql:
                yield ctx.finding("DATA-SEARCH-RDBMS", "warning", edge.source,
                                  f"{ctx.name(edge.source)} writes {ctx.name(sid)} on the request path beside the "
                                  "database: a dual write, so a failure between the two leaves the index out of step.",
                                  "Publish the write as an event (outbox or change data capture) and let an indexer "
                                  "update the index.", components=[sid])


@fixer("DATA-SEARCH-RDBMS")
def fix_search(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    svc = finding.component
    catalog = default_catalog()
    behaviour = {c.id: catalog[c.kind].behaviour for c in plan.components}
    service = plan.component(svc)
    b = FixBuilder(plan)
    dual = [lk for lk in plan.links if lk.source == svc and lk.kind == "request"
            and behaviour.get(lk.target) is Behaviour.SEARCH and "write" in link_classes(plan, lk)]
    index = dual[0].target if dual else None
    if index is None:
        index = b.new_id("search-index")
        b.op("add_component", component=index, kind="search.elasticsearch", name="Search index", near=svc,
             redundancy="ha")
    buses = [lk.target for lk in plan.links if lk.source == svc and lk.kind in ("async", "event")
             and behaviour.get(lk.target) is Behaviour.PUBSUB]
    if buses:
        bus = buses[0]
    else:
        bus = b.new_id("change-events")
        b.op("add_component", component=bus, kind="pubsub.kafka", name="Change events", near=svc)
        b.op("add_link", link=b.new_id(f"{svc}-to-{bus}"), source=svc, target=bus, kind="async",
             classes=["write"], label="each write")
    indexer = b.new_id("indexer")
    b.op("add_component", component=indexer, kind="compute.worker", name="Search indexer", near=bus, redundancy="ha")
    b.op("add_link", link=b.new_id(f"{bus}-to-{indexer}"), source=bus, target=indexer, kind="async")
    b.op("add_link", link=b.new_id(f"{indexer}-to-{index}"), source=indexer, target=index, kind="event",
         classes=["write"], label="index")
    for lk in dual:
        carried = [c for c in link_classes(plan, lk) if c != "write"]
        if carried:
            b.op("set_link", link=lk.id, classes=carried)
        else:
            b.op("remove_link", link=lk.id)
    share = search_share(plan, svc)
    if share > 0 and not dual:
        for lk in plan.links:
            if lk.source != svc or lk.kind != "request" or "read" not in link_classes(plan, lk):
                continue
            if lk.share is None and lk.fanout is None:
                continue  # open links split what the search link leaves
            changes = {"share": lk.share * (1 - share)} if lk.share is not None else {"fanout": lk.fanout * (1 - share)}
            if len(link_classes(plan, lk)) > 1:
                b.op("retarget_link", link=lk.id, target=lk.target, classes=["read"],
                     new_link=b.new_id(f"{lk.id}-reads"), **changes)
            else:
                b.op("set_link", link=lk.id, **changes)
        b.op("add_link", link=b.new_id(f"{svc}-to-{index}"), source=svc, target=index, kind="request",
             classes=["read"], share=round(share, 6), label="search")
    return b.fix("DATA-SEARCH-RDBMS", svc, f"Index the data in a search index fed by events ({service.name} -> "
                 "Kafka -> indexer -> index); search reads go to the index.")
