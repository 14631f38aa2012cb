"""
Load behaviour of the candidate's design, as the interviewer's follow-ups ask it: does it hold at peak, at the
next 10x, and with a zone down; are there single points of failure; does it meet the prompt's latency and
availability targets. Every figure comes from compute() (planner.engine) or a failure scenario
(planner.scenarios) on a copy of the plan.

- **Peak**: the plan as drawn, at the prompt's traffic: no component over its planned ceiling.
- **Next 10x**: ``compute(shape, multiplier=growth)`` where the shape is the plan with every self-managed
  fixed count set back to auto: the question is whether scaling each pool out is enough (a single SQL
  primary's disk or writes, a provider's limit or a fixed ceiling cannot scale out), not whether today's
  counts carry ten times the traffic.
- **A zone down**: with two or more zones drawn (groups of kind zone), each zone is taken down in turn with
  planner.scenarios (counts frozen as deployed, callers behind a balancer fail over to the same kind in the
  other zone); the design holds when no client loses requests and no survivor saturates. Components drawn
  outside every zone count as spread over the zones (a multi-zone cluster, a regional managed service).
"""

from __future__ import annotations

import math

from archplan.planner import units
from archplan.planner.catalog import default_catalog
from archplan.planner.engine import compute
from archplan.planner.model import Plan
from archplan.planner.practice.points import Point, point
from archplan.planner.practice.prompts import Prompt
from archplan.planner.result import PlanResult


def _name(result: PlanResult, cid: str) -> str:
    c = result.components.get(cid)
    return c.name if c is not None else cid


def _over(result: PlanResult) -> list[str]:
    return [c.id for c in result.components.values() if c.behaviour != "client" and c.status == "over"]


def peak_point(plan: Plan, result: PlanResult) -> Point:
    title = "Holds at peak"
    over = _over(result)
    lines = tuple(f"{c.name}: {units.format_percent(c.utilisation)} of its {c.binding} at peak with {c.count} "
                  f"{c.count_unit} (target {units.format_percent(c.ceiling)})"
                  for c in sorted(result.components.values(), key=lambda c: -c.headroom)[:6]
                  if c.behaviour != "client" and c.utilisation > 0)
    if not over:
        return point("PRAC-SCALE-PEAK", "scale", title, 5, 1.0,
                     "Every component stays at or under its planned ceiling at peak.", work=lines)
    saturated = [cid for cid in over if result.components[cid].saturated]
    names = ", ".join(_name(result, c) for c in over)
    if saturated:
        message = (f"Saturated at peak: {', '.join(_name(result, c) for c in saturated)} (utilisation at or past "
                   f"100 %: queues grow without bound or the data does not fit). Over target: {names}.")
        share = 0.0
    else:
        message = f"Over its utilisation target at peak (not yet saturated): {names}."
        share = 0.4
    return point("PRAC-SCALE-PEAK", "scale", title, 5, share, message, work=lines,
                 advice="Add instances, a cache in front of a hot store, or shard what one node cannot hold.",
                 source="capacity-model.md")


def latency_target(prompt: Prompt) -> float | None:
    nfr = prompt.nfr("latency")
    if nfr is None or not nfr.target:
        return None
    try:
        return units.parse_duration(nfr.target)
    except units.UnitError:
        return None


def p99_point(prompt: Prompt, result: PlanResult) -> Point:
    title = "p99 within the latency target"
    target = latency_target(prompt)
    nfr = prompt.nfr("latency")
    if target is None:
        return point("PRAC-SCALE-P99", "scale", title, 3, 1.0, "The prompt sets no latency target.")
    lines, slow = [], []
    for c in result.clients.values():
        for op, mean in (("read", c.read_latency), ("write", c.write_latency)):
            if not mean:
                continue
            p99 = c.percentile(op, 0.99)
            shown = units.format_duration(p99) if math.isfinite(p99) else "unbounded (saturated)"
            lines.append(f"{c.name} {op}s: p99 {shown} (target {units.format_duration(target)})")
            if not p99 <= target:
                slow.append(f"{c.name} {op}s at {units.format_duration(p99) if math.isfinite(p99) else 'saturated'}")
    if not lines:
        return point("PRAC-SCALE-P99", "scale", title, 3, 0.0, "No client sends requests: nothing to time.",
                     advice="Link a client to the entry of the design.")
    if not slow:
        return point("PRAC-SCALE-P99", "scale", title, 3, 1.0,
                     f"Every client path is within the {units.format_duration(target)} p99 target "
                     f"({nfr.text}).", work=tuple(lines), source=nfr.source)
    return point("PRAC-SCALE-P99", "scale", title, 3, 0.0,
                 f"Past the {units.format_duration(target)} p99 target: {'; '.join(slow)}.", work=tuple(lines),
                 advice="Cache the hot reads, cut synchronous hops (make side work async), or add instances to "
                        "the hop that queues.", source=nfr.source)


def shape(plan: Plan) -> Plan:
    """The plan with every self-managed fixed count set back to auto (the design's shape, re-sized)."""
    catalog = default_catalog()
    components = [c.model_copy(update={"instances": "auto"})
                  if isinstance(c.instances, int) and not catalog[c.kind].managed else c for c in plan.components]
    return plan.model_copy(update={"components": components})


def growth_point(prompt: Prompt, plan: Plan) -> tuple[Point, PlanResult | None]:
    title = f"Holds at the next {prompt.growth:g}x"
    try:
        grown = compute(shape(plan), multiplier=prompt.growth)
    except ValueError as exc:
        return point("PRAC-SCALE-10X", "scale", title, 4, 0.0, f"The design cannot be computed: {exc}"), None
    criticals = [f for f in grown.findings if f.severity == "error"]
    over = _over(grown)
    lines = tuple(f"{c.name}: {c.count} {c.count_unit}, {units.format_percent(c.utilisation)} of its {c.binding}"
                  for c in sorted(grown.components.values(), key=lambda c: -c.headroom)[:5]
                  if c.behaviour != "client" and c.utilisation > 0)
    lines += (f"Cost at {prompt.growth:g}x: {units.format_money(grown.totals.monthly_cost)}/month",)
    if not criticals and not over:
        return point("PRAC-SCALE-10X", "scale", title, 4, 1.0,
                     f"At {prompt.growth:g}x the traffic, every pool re-sized, nothing is over its ceiling and the "
                     "review finds nothing critical: scaling out is enough.", work=lines), grown
    broken = [f"{f.rule} on {_name(grown, f.component) if f.component else 'the plan'}: {f.message}"
              for f in criticals[:3]]
    broken += [f"{_name(grown, c)} over target" for c in over if all(f.component != c for f in criticals)][:3]
    return point("PRAC-SCALE-10X", "scale", title, 4, 0.0,
                 f"At {prompt.growth:g}x the traffic (every pool re-sized) the design breaks: " + " ".join(broken),
                 work=lines, advice="Name the next step: shard what one node holds, add a cache or a queue, raise "
                 "a provider quota.", source="[I4]"), grown


def spof_point(result: PlanResult) -> Point:
    title = "No single point of failure"
    ignored = {f.component for f in result.ignored if f.rule.startswith("REL-SPOF")}
    spofs = [cid for cid in result.spofs if cid not in ignored]
    if not spofs:
        return point("PRAC-REL-SPOF", "reliability", title, 4, 1.0,
                     "No component is a single point of failure on a request path.")
    lines = tuple(f"{_name(result, s)}: {result.components[s].count} {result.components[s].count_unit}, and "
                  "every request of a client that uses it passes through it" for s in spofs)
    return point("PRAC-REL-SPOF", "reliability", title, 4, 0.0,
                 f"Single points of failure: {', '.join(_name(result, s) for s in spofs)}: one failure there "
                 "stops the clients that need it.", work=lines,
                 advice="Run two instances (redundancy ha), a standby for a primary, or a managed service.",
                 source="AWS Well-Architected REL10")


def availability_target(prompt: Prompt) -> float | None:
    nfr = prompt.nfr("availability")
    if nfr is None or not nfr.target:
        return None
    try:
        return units.parse_fraction(nfr.target)
    except units.UnitError:
        return None


def availability_point(prompt: Prompt, result: PlanResult) -> Point:
    title = "Availability target met"
    target = availability_target(prompt)
    got = result.totals.availability
    if target is None:
        return point("PRAC-REL-AVAIL", "reliability", title, 3, 1.0, "The prompt sets no availability target.")
    text = (f"Worst client: {units.format_availability(got)} against the target "
            f"{units.format_availability(target)}.")
    work = tuple(f"{c.name}: {units.format_availability(c.availability)}" for c in result.clients.values())
    if got >= target:
        return point("PRAC-REL-AVAIL", "reliability", title, 3, 1.0, text, work=work)
    return point("PRAC-REL-AVAIL", "reliability", title, 3, 0.0, text + " Below it.", work=work,
                 advice="Remove single points of failure, add health checks (faster detection), use N+1.",
                 source="capacity-model.md: availability")


def zones_point(plan: Plan, result: PlanResult) -> Point:
    from archplan.planner.graph import members_by_group
    from archplan.planner.scenarios import ScenarioError, deployed, run, zone

    title = "Survives a zone down"
    members = members_by_group(plan)
    zones = [g for g in plan.groups if g.kind == "zone" and any(
        result.components.get(m) is not None and result.components[m].behaviour != "client"
        and result.components[m].qps_peak > 0 for m in members[g.id])]
    if len(zones) < 2:
        return point("PRAC-REL-ZONE", "reliability", title, 3, 0.0,
                     "No two zones are drawn, so nothing shows that the design survives losing one (a single zone "
                     "is good for about 99.9 %, several for about 99.99 %).",
                     advice="Group each pool's instances into two zones (Edit > Group, kind zone), each sized to "
                            "carry the peak alone; leave regional managed services outside the zones.",
                     source="AWS Well-Architected REL10-BP01")
    frozen = compute(deployed(plan, result))
    failing, lines = [], []
    for g in zones:
        try:
            report = run(plan, [zone(g.id)], sized=result, before=frozen)
        except ScenarioError as exc:
            lines.append(f"{g.name} down: cannot run ({exc})")
            failing.append(g.name)
            continue
        why = [f"{c.name} {c.status}" for c in report.clients if c.status in ("fails", "partly fails")]
        why += [f"{_name(report.after, s)} saturates" for s in report.newly_saturated]
        lines.append(f"{g.name} down: " + ("holds" if report.holds else "does not hold: " + ", ".join(why)))
        if not report.holds:
            failing.append(g.name)
    if not failing:
        return point("PRAC-REL-ZONE", "reliability", title, 3, 1.0,
                     f"Each of the {len(zones)} zones can go down: the others carry the peak and every client is "
                     "still served.", work=tuple(lines))
    return point("PRAC-REL-ZONE", "reliability", title, 3, 1 - len(failing) / len(zones),
                 f"Losing {', '.join(failing)} is not survived.", work=tuple(lines),
                 advice="Put a copy of every pool in each zone behind the balancer, each sized for the whole peak "
                        "(per zone: the count needed with the other zone gone).",
                 source="AWS Well-Architected REL10-BP01")
