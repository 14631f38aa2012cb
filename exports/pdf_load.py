"""
Two sections of the PDF design document about the plan under stress (issue 16: "latency curves and the
failure table appear when those features exist"):

- "Latency under load": every client operation's p99 from x0.1 of today's traffic to just below the
  first saturation, with today's counts (planner.curves), as a chart and a table with the knee;
- "Failures": what survives each component, instance and group failure (planner.resilience).

Every number is a field of planner.curves.Curves or planner.resilience.Resilience; nothing here computes
a figure. Large plans: the curves use fewer points (none past MAX_CURVE_COMPONENTS), and the failure
table lists the groups only (each component failure is two scenarios, each computing the plan twice).
"""

from __future__ import annotations

import math

from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from archplan.exports.pdf_parts import Heading, plural
from archplan.exports.pdf_style import MUTED, P, cell, data_table, esc, subheading
from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog

#: Above this many components the curves take CURVE_POINTS_LARGE points (each point computes the plan);
#: above MAX_CURVE_COMPONENTS the section only says so (the document must stay under a minute at 10,000).
LARGE_PLAN = 200
CURVE_POINTS_LARGE = 6
MAX_CURVE_COMPONENTS = 2_000
#: Above this many non-client components the failure table lists group failures only.
MAX_FAILURE_COMPONENTS = 60
#: Lines drawn in the chart (the table lists every client operation).
MAX_LINES = 6
LINE_COLOURS = ["#2A7F8F", "#C76A12", "#1F3A5F", "#B83227", "#6B8E23", "#7B4F9D"]


def curves_section(plan, result, width: float) -> list:
    from archplan.planner.curves import DEFAULT_POINTS, KNEE, curves

    if not result.clients:
        return []
    if len(plan.components) > MAX_CURVE_COMPONENTS:
        return [Heading("Latency under load"),
                P(esc(f"This plan has {len(plan.components):,} components: latency curves are drawn for plans of "
                      f"up to {MAX_CURVE_COMPONENTS:,} (each point of a curve computes the whole plan)."))]
    points = DEFAULT_POINTS if len(plan.components) <= LARGE_PLAN else CURVE_POINTS_LARGE
    cv = curves(plan, points=points, components=[])
    series = [s for s in cv.series if s.subject == "client"]
    if not series:
        return []
    names = cv.names
    story: list = [Heading("Latency under load")]
    end = (f"just below x{cv.saturation:.3g}, where {names.get(cv.saturating, cv.saturating)} saturates"
           if cv.saturating else f"x{cv.multipliers[-1]:.3g} (nothing saturates)")
    text = (f"Each client operation's end-to-end p99 response time from x{cv.multipliers[0]:.2g} of today's "
            f"peak traffic to {end}, with the instance counts of this plan fixed.")
    if cv.breaking_component and math.isfinite(cv.breaking):
        text += (f" The breaking point, where {names.get(cv.breaking_component, cv.breaking_component)} "
                 f"reaches its planned ceiling, is x{cv.breaking:.3g}.")
    story.append(P(esc(text)))
    story.append(_chart(cv, series[:MAX_LINES], width))
    rows = []
    for s in series:
        k = s.knee
        rows.append([cell(f"{s.name} ({s.operation}s)"), cell(units.format_duration(s.p99[0])),
                     cell(units.format_duration(_at_one(cv, s))), cell(units.format_duration(s.p99[-1])),
                     cell("none in range" if k is None else f"x{k.multiplier:.3g}"),
                     cell("-" if k is None else units.format_duration(k.p99))])
    story.append(data_table(["Client operation", f"p99 at x{cv.multipliers[0]:.2g}", "p99 today",
                             f"p99 at x{cv.multipliers[-1]:.3g}", "Knee", "p99 at the knee"], rows,
                            [width * 0.32, width * 0.13, width * 0.13, width * 0.14, width * 0.13, width * 0.15],
                            right={1, 2, 3, 4, 5}))
    story.append(P(esc(f"Knee: {KNEE}. Past it, response time grows faster than the load."), "small"))
    return story


def _at_one(cv, s) -> float:
    """The p99 at today's traffic: the curve's point at x1 (the grid holds it), else the nearest point."""
    i = min(range(len(cv.multipliers)), key=lambda j: abs(math.log(cv.multipliers[j])))
    return s.p99[i]


def _chart(cv, series, width: float) -> Drawing:
    height = 190.0
    d = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 48, 40, width - 200, height - 60
    xs = [math.log10(m) for m in cv.multipliers]
    data = []
    for s in series:
        line = [(x, v * 1000) for x, v in zip(xs, s.p99) if math.isfinite(v)]
        data.append(line or [(xs[0], 0.0)])
    plot.data = data
    for i in range(len(series)):
        plot.lines[i].strokeColor = colors.HexColor(LINE_COLOURS[i % len(LINE_COLOURS)])
        plot.lines[i].strokeWidth = 1.4
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = xs[0], xs[-1]
    ticks = [t for t in range(math.floor(xs[0]), math.ceil(xs[-1]) + 1) if xs[0] <= t <= xs[-1]]
    plot.xValueAxis.valueSteps = ticks or [xs[0], xs[-1]]
    plot.xValueAxis.labelTextFormat = lambda v: f"x{10 ** v:g}"
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.labelTextFormat = lambda v: f"{v:g} ms"
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = "Helvetica", 7.5
        axis.strokeColor = MUTED
    plot.yValueAxis.visibleGrid, plot.yValueAxis.gridStrokeColor = True, colors.HexColor("#E3E8EE")
    d.add(plot)
    d.add(String(plot.x + plot.width / 2, 8, "traffic, multiple of today's peak (log scale)",
                 fontName="Helvetica", fontSize=8, fillColor=MUTED, textAnchor="middle"))
    d.add(String(4, height - 10, "p99", fontName="Helvetica", fontSize=8, fillColor=MUTED))
    legend = Legend()
    legend.x, legend.y = plot.x + plot.width + 12, plot.y + plot.height
    legend.fontName, legend.fontSize, legend.alignment = "Helvetica", 7.5, "right"
    legend.columnMaximum, legend.dx, legend.dy = 10, 10, 6
    legend.colorNamePairs = [(colors.HexColor(LINE_COLOURS[i % len(LINE_COLOURS)]),
                              _short(f"{s.name} ({s.operation}s)")) for i, s in enumerate(series)]
    d.add(legend)
    return d


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
