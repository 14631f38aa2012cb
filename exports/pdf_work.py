"""
The capacity tables of the PDF design document and "show your work": the formula behind each
headline figure with the values substituted (Figure.text(), computed by planner.formulas).

The wide per-component table is split in two so both fit an A4 portrait page: load and sizing, then
storage, network, latency, availability and cost. Both repeat their header on every page they span.
"""

from __future__ import annotations

import re

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Table, TableStyle

from archplan.exports.escaping import one_line
from archplan.exports.pdf_parts import Heading
from archplan.exports.pdf_style import RULE, ZEBRA, P, data_table, esc, fonts, styles, subheading
from archplan.planner import units
from archplan.planner.catalog import default_catalog

#: Figures shown per component, in reading order (then any others the engine produced).
FIGURE_ORDER = ("load", "load_bandwidth", "instances_throughput", "instances_storage", "instances_memory",
                "instances_needed", "instances_recommended", "utilisation", "storage_per_day", "storage_total",
                "storage_replicated", "memory", "latency", "instance_availability", "availability", "monthly_cost",
                "backlog", "drain_time", "detection_time", "probes", "messages", "calls", "samples")
WORK_ALL_UP_TO = 40   # components whose work is shown in full; beyond, the ones that matter most
_E_NOTATION = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)e([-+]?)0*(\d+)\b")
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def people(text: str) -> str:
    """Numbers in scientific notation written for people: 2.551e-19 -> 2.551 × 10⁻¹⁹."""
    def repl(m: re.Match) -> str:
        sign = "-" if m.group(2) == "-" else ""
        return f"{m.group(1)} × 10{(sign + m.group(3)).translate(_SUPERSCRIPT)}"

    return _E_NOTATION.sub(repl, text)


PLAIN_CELLS_FROM = 200  # components from which name cells are plain text when they can be (fast)


def _name_cell(components: dict, r, groups: dict[str, str], width: float, plain: bool):
    """The component's name, with its kind and zone beneath: a styled paragraph, or in a large plan plain
    two-line text when it fits the column in the base font (paragraphs cost most of a big table's time)."""
    kind = default_catalog()[r.kind].label
    comp = components[r.id]
    sub = kind if not comp.group else f"{kind} · {groups.get(comp.group, comp.group)}"
    if plain:
        name, sub_text = one_line(r.name), one_line(sub)
        font = fonts()["cond"]
        if all(ch <= "\u00ff" or ch in "·–…" for ch in name + sub_text) and \
                max(stringWidth(name, font, 7.6), stringWidth(sub_text, font, 7.6)) <= width - 8:
            return f"{name}\n{sub_text}"
    return Paragraph(f"{esc(r.name)}<br/><font size='6.6' color='#5F6B7A'>{esc(sub)}</font>", styles()["cell"])


def capacity_section(plan, result, width: float) -> list:
    comps = [result.components[c.id] for c in plan.components if result.components[c.id].behaviour != "client"]
    story: list = [Heading("Capacity per component"),
                   P("Rates at the daily average and at peak; counts deployed against what the peak needs; the "
                     "binding resource is the one closest to its ceiling. Utilisation marked ! is above the "
                     "component's ceiling. Latency is the component's mean response time at peak (∞: saturated).")]
    if not comps:
        return story + [P("The plan has no components besides clients.", "note")]
    groups = {g.id: g.name for g in plan.groups}
    plain = len(comps) >= PLAIN_CELLS_FROM
    components = {c.id: c for c in plan.components}
    rows = []
    for r in comps:
        flag = " !" if r.headroom > 1 + 1e-9 else ""
        rows.append([_name_cell(components, r, groups, width * .23, plain), units.format_qps(r.reads_avg),
                     units.format_qps(r.writes_avg),
                     units.format_qps(r.reads_peak), units.format_qps(r.writes_peak), str(r.count), str(r.needed),
                     r.binding, units.format_percent(r.utilisation) + flag])
    w = width
    story += [*subheading("Load and sizing"), data_table(
        ["Component", "Reads avg", "Writes avg", "Reads peak", "Writes peak", "Count", "Needed", "Binding",
         "Utilisation"], rows,
        [w * .23, w * .09, w * .09, w * .1, w * .1, w * .07, w * .08, w * .12, w * .12], right={1, 2, 3, 4, 5, 6, 8})]
    rows = []
    for r in comps:
        rows.append([_name_cell(components, r, groups, width * .19, plain),
                     _or_dash(r.storage_per_day / units.DAY, _per_day),
                     _or_dash(r.storage_total, units.format_size), _or_dash(r.storage_replicated, units.format_size),
                     units.format_size_rate(r.bandwidth_in), units.format_size_rate(r.bandwidth_out),
                     units.format_duration(r.latency), units.format_availability(r.availability),
                     units.format_money(r.monthly_cost)])
    story += [*subheading("Storage, network, latency, availability and cost"), data_table(
        ["Component", "Stored per day", "Over retention", "With copies", "In (peak)", "Out (peak)", "Latency",
         "Availability", "Cost / month"], rows,
        [w * .19, w * .11, w * .1, w * .1, w * .1, w * .1, w * .08, w * .13, w * .09], right=set(range(1, 9)))]
    return story


def _per_day(bytes_per_s: float) -> str:
    return units.format_size_rate(bytes_per_s, "day")


def _or_dash(value: float, fmt) -> str:
    """Zero as a dash: a column of "0 B" hides the few components that do store data."""
    return "–" if value == 0 else fmt(value)


def _figure_table(rows: list[tuple[str, str, str]], width: float) -> Table:
    s = styles()
    data = [[Paragraph(esc(label), s["cell"]), Paragraph(esc(text), s["mono"]), value] for label, text, value in rows]
    table = Table(data, colWidths=[width * 0.22, width * 0.6, width * 0.18], repeatRows=0, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (2, 0), (2, -1), fonts()["cond"], 7.6, 9.4), ("ALIGN", (2, 0), (2, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ROWBACKGROUNDS", (0, 0), (-1, -1), [ZEBRA, None]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3), ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _ordered(figures: dict) -> list[tuple[str, object]]:
    known = [(k, figures[k]) for k in FIGURE_ORDER if k in figures]
    rest = [(k, f) for k, f in figures.items() if k not in FIGURE_ORDER]
    return known + rest


def _work_components(plan, result) -> list:
    """Whose work the document shows: every component of a small plan; in a large one the bottleneck,
    the component that breaks first, the single points of failure and the costliest (at most 40)."""
    served = [c for c in plan.components if result.components[c.id].behaviour != "client"
              and result.components[c.id].figures]
    if len(served) <= WORK_ALL_UP_TO:
        return served
    wanted = [result.bottleneck, result.breaking_point.component, *list(result.spofs)[:10]]
    wanted += [r.id for r in sorted(result.components.values(), key=lambda r: -r.monthly_cost)]
    keep: list[str] = []
    for cid in wanted:
        if cid in result.components and cid not in keep and result.components[cid].figures:
            keep.append(cid)
        if len(keep) >= WORK_ALL_UP_TO:
            break
    order = {c.id: i for i, c in enumerate(plan.components)}
    return [plan.component(cid) for cid in sorted(keep, key=order.__getitem__)]


def work_section(plan, result, width: float) -> list:
    """Formulas with values substituted for the components that matter, every client and the breaking
    point."""
    story: list = [Heading("Show your work"), P(
        "Each line is the formula the engine evaluated, with the values it used and the result. The appendix "
        "lists every formula with its symbols, assumption and source.")]
    shown = _work_components(plan, result)
    served = sum(1 for r in result.components.values() if r.behaviour != "client")
    if len(shown) < served:
        story.append(P(esc(f"This plan has {served:,} components: the work is shown for the {len(shown)} that "
                           "matter most (the bottleneck, the component that breaks first, single points of "
                           "failure and the costliest). Every component's figures are in the capacity tables."),
                       "note"))
    catalog = default_catalog()
    for comp in shown:
        r = result.components[comp.id]
        rows = [(f.formula.meaning, people(f.text()), people(f.formatted())) for name, f in _ordered(r.figures)]
        title = P(f"{esc(comp.name)} <font color='#5F6B7A' size='8.5'>· {esc(catalog[comp.kind].label)}</font>",
                  "h3")
        story.append(KeepTogether([title, _figure_table(rows[:3], width)]))
        if len(rows) > 3:
            story.append(_figure_table(rows[3:], width))
    if result.clients:
        rows = []
        for c in result.clients.values():
            for name in ("read_latency", "write_latency", "availability"):
                f = c.figures.get(name)
                if f is not None:
                    label = f"{c.name}: {name.replace('_', ' ')}"
                    rows.append((label, people(f.text()), people(f.formatted())))
        if rows:
            story.append(KeepTogether([P("Clients", "h3"), _figure_table(rows[:3], width)]))
            if len(rows) > 3:
                story.append(_figure_table(rows[3:], width))
    bp = result.breaking_point
    if bp.figure is not None:
        who = result.components[bp.component].name if bp.component in result.components else "the bottleneck"
        story.append(KeepTogether([
            P("Breaking point", "h3"),
            P(f"{esc(who)} reaches its ceiling first; traffic may grow by the factor below before it does."),
            _figure_table([("Traffic multiplier at the ceiling", people(bp.figure.text()),
                            people(bp.figure.formatted()))], width)]))
    return story


def formulas_reference(result, width: float) -> list:
    """Every formula the document shows, once: expression, meaning, symbols, assumption and source."""
    seen: dict[str, dict] = {}
    for _owner, _name, figure in result.all_figures():
        if figure.formula.key not in seen:
            seen[figure.formula.key] = figure.explain()
    if not seen:
        return []
    s = styles()
    rows = []
    for info in seen.values():
        symbols = "; ".join(f"<b>{esc(k)}</b> {esc(v)}" for k, v in info["symbols"].items() if v)
        notes = [symbols] if symbols else []
        if info["assumption"]:
            notes.append(esc(info["assumption"]))
        if info["source"]:
            notes.append(f"<i>Source: {esc(info['source'])}</i>")
        left = [Paragraph(f"<b>{esc(info['meaning'])}</b>", s["cell"]),
                Paragraph(esc(people(info["formula"])), s["mono"])]
        rows.append([left, Paragraph("<br/>".join(notes), s["cell_sub"])])
    table = data_table(["Formula", "Symbols, assumption and source"], rows, [width * 0.45, width * 0.55])
    return [CondPageBreak(150), Heading("Formulas used", level=1), table]
