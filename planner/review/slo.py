"""
SLO-AVAIL-BUDGET: a client's availability against the plan's target, as a monthly error budget
(docs/review-rules.md section 11; Google SRE book ch. 3 "Embracing Risk").
"""

from __future__ import annotations

from collections.abc import Iterator

from archplan.planner import units
from archplan.planner.catalog import default_catalog
from archplan.planner.model import Plan
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, availability_target, check, define, evidence, fixer
from archplan.planner.review.operations import Fix, FixBuilder

define("SLO-AVAIL-BUDGET", "SLO", "A client's availability is under the target",
       "Google SRE book ch. 3 \"Embracing Risk\" (error budget = 1 - target); SRE Workbook ch. 5; AWS "
       "Well-Architected REL11-BP07; Azure WAF RE:04; GCP infrastructure reliability guide")


@check
def budget(ctx: Context) -> Iterator[Finding]:
    if availability_target(ctx.settings) is None:
        return
    month = units.MONTH
    for client in ctx.result.clients.values():
        target = availability_target(ctx.settings, client.id)
        if target is None or client.availability >= target or not (client.read_latency or client.write_latency):
            continue
        down, allowed = (1 - client.availability) * month, (1 - target) * month
        overloaded = [c for c in client.needs if c in ctx.result.components and ctx.result.components[c].saturated]
        worst = sorted((c for c in client.needs if c in ctx.result.components),
                       key=lambda c: ctx.result.components[c].availability)[:3]
        names = ", ".join(f"{ctx.name(c)} ({units.format_availability(ctx.result.components[c].availability)})"
                          for c in worst)
        severity = "error" if overloaded or down > 2 * allowed else "warning"
        managed = 1.0
        for c in client.needs:
            r = ctx.result.components.get(c)
            if r is not None and ctx.table.managed[ctx.table.index[c]]:
                managed *= r.availability
        floor = (f" The managed services it needs allow at most {units.format_availability(managed)} together "
                 "(their SLAs in series): the target needs another design, not more instances."
                 if managed < target else "")
        why = (f"{ctx.name(overloaded[0])} is overloaded at peak" if overloaded else
               f"about {units.format_duration(down)} down a month against a budget of {units.format_duration(allowed)}")
        yield ctx.finding("SLO-AVAIL-BUDGET", severity, client.id, f"{client.name} gets "
                          f"{units.format_availability(client.availability)}, under the "
                          f"{units.format_availability(target)} target: {why}. The weakest parts it needs: {names}."
                          f"{floor}",
                          "Fix the largest share of the unavailability first: a second instance where one is "
                          "alone, a health check where failures are noticed by hand, spare capacity where a part "
                          "is overloaded. Managed SLAs in series multiply (five 99.9 % SLAs give about 99.5 %).",
                          [evidence(client.id, "availability", client.availability, "availability", "higher")],
                          components=worst)


@fixer("SLO-AVAIL-BUDGET")
def fix_budget(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    """Redundancy for every lone self-managed part the client needs, and a health check on the parts it
    needs that nothing watches."""
    client = result.clients.get(finding.component)
    if client is None:
        return None
    catalog = default_catalog()
    watched = {lk.target for lk in plan.links if lk.kind == "health"}
    b = FixBuilder(plan)
    unwatched = []
    for cid in client.needs:
        r = result.components.get(cid)
        if r is None or r.behaviour == "client":
            continue
        comp = plan.component(cid)
        if catalog[comp.kind].managed:
            continue
        if r.count <= 1 and comp.redundancy in ("default", "none"):
            if isinstance(comp.instances, int):
                b.op("set_instances", component=cid, instances=2)
            b.op("set_redundancy", component=cid, redundancy="ha")
        if cid not in watched and r.behaviour != "monitor":
            unwatched.append(cid)
    if unwatched:
        monitors = [c.id for c in plan.components if c.kind == "obs.healthcheck"]
        monitor = monitors[0] if monitors else b.new_id("health")
        if not monitors:
            b.op("add_component", component=monitor, kind="obs.healthcheck", name="Health check", near=unwatched[0])
        for cid in unwatched:
            b.op("add_link", link=b.new_id(f"{monitor}-to-{cid}"), source=monitor, target=cid, kind="health")
    return b.fix("SLO-AVAIL-BUDGET", client.id, f"Give the lone parts {client.name} needs a second instance and "
                 "watch them with a health check.")
