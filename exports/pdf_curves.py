"""
The "Load behaviour" section of the PDF design document (issue 14): latency and capacity curves and the
sensitivity tornados, drawn as vector graphics (reportlab.graphics shapes: lines and text stay sharp at any
zoom and searchable).

Curves (planner.curves, today's counts): the component that saturates first, the bottleneck, and each
client's read and write path (up to MAX_CLIENTS clients): response time mean / p95 / p99 against the load
multiplier on a logarithmic axis and, for a component, its utilisation, with the knee, the breaking point
and (for a what-if document) the what-if load marked. Sensitivity (planner.ranges.sensitivity): one tornado
per figure (cost, instances, p99), each input alone at its low and high end. Every number is read from
those objects; this module only draws them.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.platypus import KeepTogether

from archplan.exports.pdf_parts import Heading
from archplan.exports.pdf_style import INK, MUTED, RULE, P, cell, data_table, esc, fonts, subheading
from archplan.planner import units
from archplan.planner.cli_compare import human

#: Client paths drawn (each client's reads and writes), in the plan's order.
MAX_CLIENTS = 4
#: Above this many components the curves take CURVE_POINTS_LARGE points and the sensitivity is left out (each
#: point computes the plan); above MAX_CURVE_COMPONENTS the section only says so (10,000 stays under a minute).
LARGE_PLAN = 200
CURVE_POINTS_LARGE = 6
MAX_CURVE_COMPONENTS = 2_000
SERIES_COLOURS = {"mean": colors.HexColor("#1565C0"), "p95": colors.HexColor("#EF6C00"),
                  "p99": colors.HexColor("#C62828"), "utilisation": colors.HexColor("#00897B")}
KNEE = colors.HexColor("#6A1B9A")
BREAKING = colors.HexColor("#8A5300")
WHATIF = colors.HexColor("#2E7D32")
LOW_END, HIGH_END = colors.HexColor("#1565C0"), colors.HexColor("#EF6C00")
GRID = colors.HexColor("#E3E8EE")


def load_section(plan, result, width: float) -> list:
    """A heading, the curves of the chosen components and client paths, and the sensitivity tornados."""
    from archplan.planner.curves import KNEE as KNEE_TEXT
    from archplan.planner.curves import curves
    from archplan.planner.ranges import sensitivity

    story: list = [Heading("Load behaviour")]
    if len(plan.components) > MAX_CURVE_COMPONENTS:
        return story + [P(esc(f"This plan has {len(plan.components):,} components: the curves and the sensitivity "
                              f"are drawn for plans of up to {MAX_CURVE_COMPONENTS:,} (each point of a curve "
                              "computes the whole plan)."))]
    large = len(plan.components) > LARGE_PLAN
    clients = list(result.clients)[:MAX_CLIENTS]
    try:
        cv = curves(plan, clients=clients, **({"points": CURVE_POINTS_LARGE} if large else {}))
    except (ValueError, KeyError) as exc:
        return story + [P(f"The curves cannot be drawn: {esc(exc)}.")]
    names = cv.names
    story.append(P(
        f"Response time and utilisation against the load, from ×{cv.multipliers[0]:.2g} of today's traffic to "
        f"×{cv.multipliers[-1]:.3g}, with today's instance counts (each point is the plan computed at that "
        "load; managed services still scale within their provider). "
        + (f"The curves stop just below ×{cv.saturation:.3g}, where "
           f"{esc(names.get(cv.saturating, cv.saturating))} saturates. " if cv.saturating else "")
        + (f"The breaking point, ×{cv.breaking:.3g}, is where {esc(names.get(cv.breaking_component, ''))} reaches "
           "its planned ceiling. " if cv.breaking_component and math.isfinite(cv.breaking) else "")
        + f"The knee is {esc(KNEE_TEXT)}: below it more load costs little latency, past it latency grows faster "
        "than load."))
    whatif = result.multiplier if result.multiplier != 1 else None
    for s in chosen(cv, result, clients):
        title = (f"{names.get(s.id, s.name)}" if s.subject == "component"
                 else f"{s.name}: {s.operation}s, end to end")
        story += subheading(title, room=200)
        story.append(KeepTogether([curve_drawing(cv, s, width, whatif=whatif), P(caption(s), "note")]))
    story += knee_table(cv, width)
    if large:
        story.append(P(esc(f"The sensitivity is left out for plans of more than {LARGE_PLAN} components (each input "
                           "computes the plan twice); run `archplan sensitivity FILE`."), "note"))
    else:
        story += sensitivity_story(sensitivity(plan), width)
    return story


def knee_table(cv, width: float) -> list:
    """Every client operation drawn: its p99 at the lowest load, today, at the top of the range and at the knee."""
    rows = []
    for s in (s for s in cv.series if s.subject == "client"):
        k = s.knee
        rows.append([cell(f"{s.name} ({s.operation}s)"), cell(units.format_duration(s.p99[0])),
                     cell(units.format_duration(_today(cv, s))), cell(units.format_duration(s.p99[-1])),
                     cell("none in range" if k is None else f"×{k.multiplier:.3g}"),
                     cell("-" if k is None else units.format_duration(k.p99))])
    if not rows:
        return []
    return [*subheading("Client p99 against the load", room=120),
            data_table(["Client operation", f"p99 at ×{cv.multipliers[0]:.2g}", "p99 today",
                        f"p99 at ×{cv.multipliers[-1]:.3g}", "Knee", "p99 at the knee"], rows,
                       [width * 0.32, width * 0.13, width * 0.13, width * 0.14, width * 0.13, width * 0.15],
                       right={1, 2, 3, 4, 5})]


def _today(cv, s) -> float:
    """The p99 at today's traffic: the curve's point at x1 (the grid holds it), else the nearest point."""
    i = min(range(len(cv.multipliers)), key=lambda j: abs(math.log(cv.multipliers[j])))
    return s.p99[i]


def chosen(cv, result, clients: list[str]) -> list:
    """The series drawn: the component that saturates first, the bottleneck, then the client paths."""
    out, seen = [], set()
    for cid in (cv.saturating, result.bottleneck):
        if cid and cid not in seen and any(s.id == cid and s.subject == "component" for s in cv.series):
            seen.add(cid)
            out.append(cv.get(cid))
    out += [s for s in cv.series if s.subject == "client" and s.id in clients]
    return out


def caption(s) -> str:
    k = s.knee
    if k is None:
        return "No knee in range: latency does not yet grow faster than the load (no queueing, or none yet)."
    util = f", utilisation {units.format_percent(k.utilisation, 0)}" if k.utilisation is not None else ""
    return esc(f"Knee at ×{k.multiplier:.3g} of today's traffic ({units.format_count(k.dau)} daily users): mean "
               f"{units.format_duration(k.mean)}, p99 {units.format_duration(k.p99)}{util}.")


# ------------------------------------------------------------------------------------------ curves

def curve_drawing(cv, s, width: float, height: float = 150, whatif: float | None = None) -> Drawing:
    """The response-time panel and, for a component, the utilisation panel beside it."""
    from archplan.planner.curves import ticks

    drawing = Drawing(width, height)
    low = min(cv.multipliers[0], whatif or math.inf)
    high = max(cv.multipliers[-1], whatif or 0)
    marks = [("knee", s.knee.multiplier if s.knee else None, KNEE, (3, 2)),
             ("breaks", cv.breaking if math.isfinite(cv.breaking) else None, BREAKING, (1, 2)),
             ("what-if", whatif, WHATIF, None)]
    has_util = s.utilisation is not None
    split = width * 0.58 if has_util else width
    latencies = [v * 1000 for key in ("mean", "p95", "p99") for v in getattr(s, key) if math.isfinite(v)]
    lines = [([v * 1000 for v in getattr(s, key)], SERIES_COLOURS[key], key) for key in ("mean", "p95", "p99")]
    _panel(drawing, 0, 0, split - 10, height, low, high, ticks(low, high), max(latencies, default=1) * 1.08,
           "response time (ms)", cv.multipliers, lines, marks, legend=True,
           knee=(s.knee.multiplier, s.knee.mean * 1000) if s.knee else None)
    if has_util:
        util = [v * 100 for v in s.utilisation]
        top = max(100.0, max((v for v in util if math.isfinite(v)), default=0)) * 1.08
        _panel(drawing, split + 4, 0, width - split - 4, height, low, high, ticks(low, high), top,
               "utilisation (%)", cv.multipliers, [(util, SERIES_COLOURS["utilisation"], "utilisation")], marks,
               legend=False)
    return drawing


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to `top`."""
    if not (top > 0 and math.isfinite(top)):
        return [0.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(int(top / step + 1e-9) + 1)]


def _panel(d: Drawing, x0: float, y0: float, w: float, h: float, low: float, high: float, xticks: list[float],
           top: float, ylabel: str, multipliers: tuple[float, ...], lines: list, marks: list, legend: bool,
           knee=None) -> None:
    f = fonts()
    left, bottom, right, upper = x0 + 34, y0 + 24, x0 + w, y0 + h - 14   # the legend above the frame
    span = math.log(high) - math.log(low) or 1.0

    def px(m: float) -> float:
        return left + (math.log(m) - math.log(low)) / span * (right - left)

    def py(v: float) -> float:
        return bottom + min(v, top) / top * (upper - bottom)

    for v in nice_ticks(top):
        y = py(v)
        d.add(Line(left, y, right, y, strokeColor=GRID, strokeWidth=0.4))
        d.add(String(left - 3, y - 2.5, f"{v:g}", fontName=f["sans"], fontSize=6.5, fillColor=MUTED,
                     textAnchor="end"))
    for m in xticks:
        x = px(m)
        d.add(Line(x, bottom, x, upper, strokeColor=GRID, strokeWidth=0.4))
        d.add(String(x, bottom - 9, f"{m:g}", fontName=f["sans"], fontSize=6.5, fillColor=MUTED, textAnchor="middle"))
    d.add(Rect(left, bottom, right - left, upper - bottom, fillColor=None, strokeColor=RULE, strokeWidth=0.6))
    d.add(String((left + right) / 2, y0 + 2, "load (× today's traffic)", fontName=f["sans"], fontSize=7,
                 fillColor=INK, textAnchor="middle"))
    label = String(0, 0, ylabel, fontName=f["sans"], fontSize=7, fillColor=INK, textAnchor="middle")
    rotated = Group(label)
    rotated.rotate(90)
    rotated.translate((bottom + upper) / 2, -(x0 + 8))
    d.add(rotated)
    for values, colour, name in lines:
        dash = (3, 2) if name == "p95" else None
        for run in _runs(multipliers, values):
            points = [c for m, v in run for c in (px(m), py(v))]
            if len(points) >= 4:
                d.add(PolyLine(points, strokeColor=colour, strokeWidth=1.6 if name == "mean" else 1.2,
                               strokeDashArray=dash))
    for i, (text, m, colour, dash) in enumerate(marks):
        if m is None or not low <= m <= high:
            continue
        x = px(m)
        d.add(Line(x, bottom, x, upper, strokeColor=colour, strokeWidth=0.9, strokeDashArray=dash))
        shown = f"{text} ×{m:.3g}"
        anchor = "end" if x > (left + right) / 2 else "start"
        d.add(String(x - 2 if anchor == "end" else x + 2, upper - 8 - 9 * i, shown, fontName=f["sans"],
                     fontSize=6.5, fillColor=colour, textAnchor=anchor))
    if knee is not None and low <= knee[0] <= high:
        d.add(Circle(px(knee[0]), py(knee[1]), 2.4, fillColor=KNEE, strokeColor=colors.white, strokeWidth=0.6))
    if legend:
        x = left + 6
        for _values, colour, name in lines:
            y = upper + 5
            d.add(Line(x, y + 2.5, x + 12, y + 2.5, strokeColor=colour, strokeWidth=1.4,
                       strokeDashArray=(3, 2) if name == "p95" else None))
            d.add(String(x + 15, y, name, fontName=f["sans"], fontSize=6.5, fillColor=INK))
            x += 40


def _runs(multipliers: list[float], values: list[float]) -> list[list[tuple[float, float]]]:
    """The finite stretches of a curve (a saturated point, infinite, breaks the line)."""
    runs, run = [], []
    for m, v in zip(multipliers, values):
        if math.isfinite(v):
            run.append((m, v))
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


# ------------------------------------------------------------------------------------------ tornados

def sensitivity_story(sens, width: float) -> list:
    story = subheading("Sensitivity", room=200)
    story.append(P("Which traffic input moves cost, instances and p99 the most: each input alone at its low and its "
                   "high end, the others as planned (the plan's own ranges, else every demand input the plan uses "
                   "±20 %). Bars run from the figure as planned (the dashed line) to the figure at each end; the "
                   "largest swing first."))
    for t in sens.tornados:
        if all(b.swing == 0 for b in t.bars):
            story.append(P(f"<b>{esc(t.label)}</b> (as planned: {esc(human(t.unit, t.base))}): no input moves it "
                           "within its range.", "note"))
            continue
        story.append(KeepTogether([P(f"<b>{esc(t.label)}</b> (as planned: {esc(human(t.unit, t.base))})", "note"),
                                   tornado_drawing(t, width)]))
    return story


def tornado_drawing(t, width: float, row: float = 13) -> Drawing:
    f = fonts()
    height = row * len(t.bars) + 22
    d = Drawing(width, height)
    label_w = width * 0.3
    value_w = 52
    left, right = label_w + value_w, width - value_w
    lo, hi = t.extent()

    def px(v: float) -> float:
        if math.isinf(v):
            return right if v > 0 else left
        return left + (v - lo) / (hi - lo) * (right - left)

    base = px(t.base if t.base is not None else lo)
    top = height - 12
    x = 0
    for colour, text in ((LOW_END, "input at its low end"), (HIGH_END, "input at its high end")):
        d.add(Rect(x, top + 2, 7, 7, fillColor=colour, strokeColor=None))
        d.add(String(x + 10, top + 3, text, fontName=f["sans"], fontSize=6.5, fillColor=INK))
        x += 100
    for i, b in enumerate(t.bars):
        y = top - (i + 1) * row
        d.add(String(0, y + 3.5, b.input, fontName=f["sans"], fontSize=7, fillColor=INK))
        d.add(String(label_w - 4, y + 3.5, b.range_text(), fontName=f["sans"], fontSize=6.5, fillColor=MUTED,
                     textAnchor="end"))
        if b.swing == 0:
            d.add(String(base + 4, y + 3.5, "no effect", fontName=f["sans"], fontSize=6.5, fillColor=MUTED))
            continue
        ends = []
        for value, colour in ((b.at_low, LOW_END), (b.at_high, HIGH_END)):
            if value is None:
                continue
            x = px(value)
            d.add(Rect(min(x, base), y + 1.5, abs(x - base), row - 4, fillColor=colour, strokeColor=None))
            ends.append((x, value))
        ends.sort(key=lambda xv: abs(xv[0] - base), reverse=True)
        sides = set()
        for x, value in ends:
            side = x >= base
            if side in sides:
                continue  # the shorter part on the same side: its value is inside the longer one
            sides.add(side)
            d.add(String(x + 3 if side else x - 3, y + 3.5, human(t.unit, value), fontName=f["sans"], fontSize=6.5,
                         fillColor=INK, textAnchor="start" if side else "end"))
    d.add(Line(base, 4, base, top, strokeColor=INK, strokeWidth=0.7, strokeDashArray=(2, 2)))
    return d
