"""
The "Failures" section of the PDF design document (issue 16: "the failure table appears when the feature
exists"): what survives each component, instance and group failure (planner.resilience). The latency
curves are the "Load behaviour" section (exports/pdf_curves.py).

Every number is a field of planner.resilience.Resilience; nothing here computes a figure. Large plans: the
failure table lists the groups only (each component failure is two scenarios, each computing the plan twice).
"""

from __future__ import annotations

from archplan.exports.pdf_parts import Heading, plural
from archplan.exports.pdf_style import P, cell, data_table, esc, subheading
from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog

#: Above this many non-client components the failure table lists group failures only.
MAX_FAILURE_COMPONENTS = 60


def failures_section(plan, result, width: float) -> list:
    from archplan.planner.resilience import resilience

    catalog = default_catalog()
    servers = sum(1 for c in plan.components if catalog[c.kind].behaviour is not Behaviour.CLIENT)
    if not servers:
        return []
    every = servers <= MAX_FAILURE_COMPONENTS
    if not every and not plan.groups:
        return [Heading("Failures"),
                P(esc(f"This plan has {servers:,} components and no groups: the failure of each component is "
                      f"listed for plans of up to {MAX_FAILURE_COMPONENTS}, and there is no group to fail."))]
    report = resilience(plan, catalog=catalog, components=every)
    names = {c.id: c.name for c in plan.components}

    def who(ids) -> str:
        return ", ".join(names.get(i, i) for i in ids) or "-"

    def busiest(o) -> str:
        if not o.bottleneck:
            return "-"
        return f"{names.get(o.bottleneck, o.bottleneck)} {units.format_percent(o.bottleneck_utilisation or 0, 0)}"

    def errors(rate: float) -> str:
        return units.format_percent(rate, 2) if rate > 0 else "0 %"

    story: list = [Heading("Failures")]
    if every:
        fails = [r for r in report.components if not r.down.holds]
        lacking = [r for r in report.components if not r.n_plus_one]
        story.append(P(esc(
            f"Each failure alone, with this plan's counts at today's peak: {plural(len(fails), 'component')} "
            f"of {len(report.components)} cannot fail without clients losing requests or a survivor "
            f"saturating, and {plural(len(lacking), 'component')} cannot lose one instance (N+1)." )))
        rows = [[cell(r.name), cell(r.count), cell("managed" if r.managed else ("yes" if r.n_plus_one else "no")),
                 cell(who(r.down.failing)), cell(who(r.down.degraded)), cell(errors(r.down.error_rate)),
                 cell(busiest(r.down)), cell("yes" if r.down.holds else "NO")] for r in report.components]
        story.append(data_table(["If this fails", "Count", "N+1", "Clients failing", "Degraded", "Errors",
                                 "Busiest survivor", "Holds"], rows,
                                [width * f for f in (0.17, 0.06, 0.10, 0.18, 0.13, 0.09, 0.18, 0.09)],
                                right={1, 5}))
    else:
        story.append(P(esc(f"This plan has {servers} components; the table lists the failure of each group "
                           f"(each component's failure is listed for plans of up to {MAX_FAILURE_COMPONENTS}).")))
    if report.groups:
        story += subheading("Group failures")
        rows = [[cell(g.name), cell(g.kind), cell(who(g.members)), cell(who(g.down.failing)),
                 cell(errors(g.down.error_rate)), cell(busiest(g.down)), cell("yes" if g.down.holds else "NO")]
                for g in report.groups]
        story.append(data_table(["If this group fails", "Kind", "Down with it", "Clients failing", "Errors",
                                 "Busiest survivor", "Holds"], rows,
                                [width * f for f in (0.16, 0.09, 0.25, 0.16, 0.09, 0.16, 0.09)], right={4}))
    story.append(P("N+1: carries the peak with one instance fewer. Holds: no request meets a component that is "
                   "down and no survivor saturates. Errors: the share of requests that fail.", "small"))
    return story
