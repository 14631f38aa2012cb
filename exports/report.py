"""
Tables of the computed plan: a Markdown design report and a CSV of capacity and cost per component.

The Markdown report reads top to bottom like a short design review: what the plan is, the traffic
it assumes, one table row per component, the bottleneck / single points of failure / breaking
point, the findings, and the work (formula with numbers substituted) behind the headline figures.
User text is escaped (exports/escaping.py) so a name with ``|`` or ``*`` cannot break a table or turn
bold; numbers go through planner.units.

The CSV is for spreadsheets: one row per component, raw numbers in base units (per second, bytes,
milliseconds, US dollars per month), an empty cell where a figure is infinite (a saturated
component's latency). Text cells that a spreadsheet would run as a formula (starting with = + - @)
get a leading apostrophe (the usual CSV-injection guard).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from archplan.exports import refuse_options
from archplan.exports.escaping import markdown_block, markdown_text, one_line
from archplan.planner import units
from archplan.planner.catalog import default_catalog
from archplan.planner.io import atomic_write_text

#: Figures whose work the report shows, per component, in this order.
HEADLINE_FIGURES = ("peak_qps", "load", "instances_needed", "utilisation", "memory", "storage_total",
                    "latency", "availability", "monthly_cost")

CSV_COLUMNS = ("id", "name", "kind", "group", "peak_qps", "instances", "needed", "utilisation",
               "storage_per_day_bytes", "storage_bytes", "bandwidth_in_bytes_per_s", "bandwidth_out_bytes_per_s",
               "latency_ms", "availability", "monthly_cost_usd")


# ---------------------------------------------------------------------------------------- Markdown

def write_markdown(plan, result, out: Path, **options) -> Path:
    """Write the Markdown design report."""
    refuse_options("markdown", options)
    atomic_write_text(out, markdown_report(plan, result))
    return Path(out)


def markdown_report(plan, result) -> str:
    md = markdown_text
    out = [f"# {md(plan.name)}", ""]
    if plan.description.strip():
        out += [markdown_block(plan.description), ""]
    if result.multiplier != 1:
        out += [f"*What-if: traffic × {units.format_count(result.multiplier)}.*", ""]
    out += _summary(plan, result)
    out += ["## Traffic assumptions", "", "| Assumption | Value |", "| --- | --- |"]
    out += [f"| {name} | {value} |" for name, value in traffic_rows(plan.traffic)]
    out += ["", "## Components", "", "| Component | Kind | Peak QPS | Instances | Utilisation | Storage (all copies) "
            "| Bandwidth in / out | Latency | Availability | Cost / month |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    out += [component_row(c, result) for c in plan.components]
    out += [""] + _risks(plan, result) + _findings(result) + _work(plan, result)
    return "\n".join(out).rstrip() + "\n"


def traffic_rows(t) -> list[tuple[str, str]]:
    users = (f"{units.format_count(t.dau)}" if t.dau is not None
             else f"{units.format_count(t.mau or 0)} monthly × {units.format_percent(t.active_ratio, 0)} active")
    rows = [("Daily active users", users),
            ("Reads per user per day", units.format_count(t.reads_per_user)),
            ("Writes per user per day", units.format_count(t.writes_per_user)),
            ("Peak factor (peak / average)", f"× {units.format_count(t.peak_factor)}"),
            ("Request size (write)", units.format_size(t.request_size)),
            ("Response size (read)", units.format_size(t.response_size)),
            ("Record size (stored per write)", units.format_size(t.record_size))]
    if t.media_fraction or t.media_read_fraction:
        rows += [("Writes with media", units.format_percent(t.media_fraction, 0)),
                 ("Reads fetching media", units.format_percent(t.media_read_fraction, 0)),
                 ("Media object size", units.format_size(t.media_size))]
    rows += [("Retention", units.format_duration(t.retention)),
             ("Yearly growth", units.format_percent(t.yearly_growth, 0)),
             ("Copies of stored data", units.format_count(t.replication_factor)),
             ("Target utilisation", units.format_percent(t.target_utilisation, 0))]
    return rows


def component_row(component, result) -> str:
    md = markdown_text
    catalog = default_catalog()
    kind = catalog[component.kind].label if component.kind in catalog else component.kind
    client = result.clients.get(component.id)
    r = result.components.get(component.id)
    name = md(component.name)
    if result.bottleneck == component.id:
        name += " **(bottleneck)**"
    if client is not None or r is None:
        peak = client.figures.get("peak_qps") if client else None
        kind_cell = md(kind) + (f", {units.format_count(client.users)} users" if client else "")
        cells = [name, kind_cell, units.format_qps(peak.value) if peak else "—", "—", "—", "—", "—",
                 units.format_duration(client.read_latency) + " read" if client else "—",
                 units.format_availability(client.availability) if client else "—", "—"]
    else:
        instances = units.format_count(r.count) + ("" if r.count == r.recommended
                                                   else f" (needs {units.format_count(r.recommended)})")
        util = units.format_percent(r.utilisation, 0) if r.binding != "none" else "—"
        if r.headroom > 1:
            util = f"**{util}**"
        cells = [name, md(kind), units.format_qps(r.qps_peak), instances, util,
                 units.format_size(r.storage_replicated) if r.storage_replicated else "—",
                 f"{units.format_size_rate(r.bandwidth_in)} / {units.format_size_rate(r.bandwidth_out)}",
                 units.format_duration(r.latency) if r.latency else "—",
                 units.format_availability(r.availability), units.format_money(r.monthly_cost)]
    return "| " + " | ".join(cells) + " |"


def _summary(plan, result) -> list[str]:
    t = result.totals
    return ["## Summary", "",
            f"- Users: {units.format_count(t.dau)} a day; entry traffic {units.format_qps(t.entry_qps_avg)} on "
            f"average, {units.format_qps(t.entry_qps_peak)} at peak",
            f"- Storage: {units.format_size(t.storage_per_day)} a day; {units.format_size(t.storage_replicated)} with "
            f"every copy over the retention",
            f"- Instances: {units.format_count(t.instances)}; cost {units.format_money(t.monthly_cost)} a month",
            f"- Availability (worst client): {units.format_availability(t.availability)}", ""]


def _name(plan, component_id: str | None) -> str:
    for component in plan.components:
        if component.id == component_id:
            return markdown_text(component.name)
    return markdown_text(component_id or "—")


def _risks(plan, result) -> list[str]:
    out = ["## Bottleneck, single points of failure and breaking point", ""]
    if result.bottleneck and result.bottleneck in result.components:
        b = result.components[result.bottleneck]
        out.append(f"- **Bottleneck:** {_name(plan, b.id)} at {units.format_percent(b.utilisation)} of its "
                   f"{markdown_text(b.binding)} (planned ceiling {units.format_percent(b.ceiling, 0)})")
    else:
        out.append("- **Bottleneck:** none")
    if result.spofs:
        items = []
        for cid, cut in result.spofs.items():
            cut_names = ", ".join(_name(plan, c) for c in cut)
            items.append(f"{_name(plan, cid)}" + (f" (cuts off {cut_names})" if cut_names else ""))
        out.append("- **Single points of failure:** " + "; ".join(items))
    else:
        out.append("- **Single points of failure:** none")
    bp = result.breaking_point
    if bp.component and math.isfinite(bp.multiplier_at_target):
        out.append(f"- **Breaking point:** {units.format_count(bp.dau_at_target)} daily users "
                   f"(traffic × {units.format_count(bp.multiplier_at_target)}) keep every component at or under its "
                   f"target; {_name(plan, bp.component)} breaks first and saturates at "
                   f"{units.format_count(bp.dau_at_saturation)} daily users")
    else:
        out.append("- **Breaking point:** no component limits the traffic")
    return out + [""]


def _findings(result) -> list[str]:
    out = ["## Findings", ""]
    if not result.findings:
        return out + ["No findings.", ""]
    for finding in result.findings:
        advice = f" {markdown_text(finding.advice)}" if finding.advice else ""
        out.append(f"- **{finding.severity}:** {markdown_text(finding.message)}{advice}")
    return out + [""]


def _work(plan, result) -> list[str]:
    out = ["## The work behind the figures", ""]
    for component in plan.components:
        r = result.components.get(component.id)
        client = result.clients.get(component.id)
        figs = dict(r.figures if r else {})
        figs.update(client.figures if client else {})
        shown = [(name, figs[name]) for name in HEADLINE_FIGURES if name in figs]
        if not shown:
            continue
        out += [f"### {markdown_text(component.name)}", ""]
        for name, figure in shown:
            meaning = f" ({markdown_text(figure.formula.meaning)})" if figure.formula.meaning else ""
            out.append(f"- **{markdown_text(name)}**{meaning}: {markdown_text(figure.text())}")
        out.append("")
    if result.breaking_point.figure is not None:
        out += ["### Breaking point", "", f"- {markdown_text(result.breaking_point.figure.text())}", ""]
    return out


# ---------------------------------------------------------------------------------------- CSV

def write_csv(plan, result, out: Path, **options) -> Path:
    """Write one CSV row per component with raw numbers (see the module docstring for units)."""
    refuse_options("csv", options)
    atomic_write_text(out, csv_table(plan, result))
    return Path(out)


def csv_table(plan, result) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for component in plan.components:
        writer.writerow(csv_row(component, result))
    return buffer.getvalue()


def csv_row(component, result) -> dict[str, object]:
    r = result.components.get(component.id)
    row: dict[str, object] = {"id": _cell(component.id), "name": _cell(component.name),
                              "kind": _cell(component.kind), "group": _cell(component.group or "")}
    if r is None:
        return row
    client = result.clients.get(component.id)
    peak = client.figures["peak_qps"].value if client is not None and "peak_qps" in client.figures else r.qps_peak
    row.update({"peak_qps": _number(peak), "instances": r.count, "needed": r.needed,
                "utilisation": _number(r.utilisation), "storage_per_day_bytes": _number(r.storage_per_day),
                "storage_bytes": _number(r.storage_replicated), "bandwidth_in_bytes_per_s": _number(r.bandwidth_in),
                "bandwidth_out_bytes_per_s": _number(r.bandwidth_out), "latency_ms": _number(r.latency * 1000),
                "availability": _number(r.availability), "monthly_cost_usd": _number(r.monthly_cost)})
    return row


def _number(value: float) -> object:
    """Raw number for a spreadsheet: repr precision, '' when infinite or undefined."""
    return "" if value is None or not math.isfinite(value) else repr(float(value))


def _cell(text: str) -> str:
    text = one_line(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
