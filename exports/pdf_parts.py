"""
Sections of the PDF design document: title page, summary, traffic assumptions, findings, API
endpoints, cost and the units appendix. (Diagram: pdf_diagram.py; capacity tables and "show your
work": pdf_work.py.)

Every user string goes through exports.pdf_style.esc (or cell/data_table, which call it) before it
becomes reportlab markup; every number goes through planner.units.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from archplan.exports.pdf_style import (
    PANEL,
    RULE,
    SEVERITY,
    TEAL,
    P,
    cell,
    data_table,
    esc,
    esc_lines,
    styles,
    subheading,
)
from archplan.planner import units
from archplan.planner.catalog import default_catalog
from archplan.planner.model import TrafficProfile

#: How each traffic-profile field is shown (the model's own descriptions explain them).
_TRAFFIC_FORMAT = {
    "dau": lambda v: "from MAU" if v is None else f"{units.format_count(v)} users",
    "mau": lambda v: "not given" if v is None else f"{units.format_count(v)} users",
    "active_ratio": units.format_percent,
    "reads_per_user": lambda v: f"{units.format_count(v)} per user per day",
    "writes_per_user": lambda v: f"{units.format_count(v)} per user per day",
    "peak_factor": lambda v: f"× {units.format_count(v)}",
    "request_size": units.format_size, "response_size": units.format_size, "record_size": units.format_size,
    "media_fraction": units.format_percent, "media_size": units.format_size,
    "media_read_fraction": units.format_percent,
    "retention": units.format_duration,
    "yearly_growth": lambda v: f"{units.format_percent(v)} per year",
    "replication_factor": lambda v: f"× {units.format_count(v)} copies",
    "target_utilisation": units.format_percent,
}
_REDUNDANCY = {"none": "none", "ha": "HA (at least 2)", "n+1": "N+1 (one spare)"}
_TRAFFIC_LABEL = {
    "dau": "Daily active users", "mau": "Monthly active users", "active_ratio": "Active ratio",
    "reads_per_user": "Reads per user", "writes_per_user": "Writes per user", "peak_factor": "Peak factor",
    "request_size": "Request size", "response_size": "Response size", "record_size": "Record size",
    "media_fraction": "Writes with media", "media_size": "Media object size",
    "media_read_fraction": "Reads of media", "retention": "Retention", "yearly_growth": "Yearly growth",
    "replication_factor": "Replication factor", "target_utilisation": "Target utilisation",
}


MAX_LISTED = 40     # rows of a findings or cost table before the rest is summarised


def _names(names: dict[str, str], ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(names.get(c, c) for c in ids[:limit])
    return shown + (f" and {len(ids) - limit:,} more" if len(ids) > limit else "")


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


class Heading(Paragraph):
    """A section heading that the document adds to the table of contents and the PDF outline
    (unless toc=False, as for the contents page itself)."""

    def __init__(self, text: str, level: int = 0, toc: bool = True):
        super().__init__(esc(text), styles()["h1" if level == 0 else "h2"])
        self.toc_level = level if toc else None
        self.toc_text = text


# ------------------------------------------------------------------------------------------ title page

def title_page(plan, result, date_text: str, width: float) -> list:
    s = styles()
    totals = result.totals
    story = [Spacer(1, 38 * mm), P(esc(plan.name), "title"),
             P("Capacity plan and design document", "subtitle")]
    if result.multiplier != 1:
        story.append(P(f"What-if: traffic × {esc(units.format_count(result.multiplier))} of the plan's profile",
                       "body"))
    figures = [("Daily active users", units.format_count(totals.dau)),
               ("Peak QPS", units.format_qps(totals.entry_qps_peak)),
               ("Instances", units.format_count(totals.instances)),
               ("Monthly cost", units.format_money(totals.monthly_cost)),
               ("Availability", units.format_availability(totals.availability))]
    col = width / len(figures)
    longest = max(len(v) for _, v in figures)
    value_style = s["figure_value"] if longest <= 10 else s["figure_value_small"]
    box = Table([[Paragraph(esc(v), value_style) for _, v in figures],
                 [Paragraph(esc(k), s["figure_label"]) for k, _ in figures]], colWidths=[col] * len(figures))
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), PANEL), ("LINEABOVE", (0, 0), (-1, 0), 2, TEAL),
        ("TOPPADDING", (0, 0), (-1, 0), 12), ("BOTTOMPADDING", (0, -1), (-1, -1), 12),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, RULE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story += [Spacer(1, 8 * mm), box, Spacer(1, 10 * mm)]
    if plan.description.strip():
        for block in plan.description.strip().split("\n\n")[:40]:
            story.append(P(esc_lines(block), "body"))
    story += [Spacer(1, 8 * mm),
              P(f"{len(plan.components)} components, {len(plan.links)} links · prepared {esc(date_text)} "
                "with Archplan", "small")]
    return story


# ------------------------------------------------------------------------------------------ summary

def summary_section(plan, result, width: float) -> list:
    totals, bp = result.totals, result.breaking_point
    names = {cid: r.name for cid, r in result.components.items()}
    story: list = [Heading("Summary")]
    lines = [
        f"The plan serves <b>{esc(units.format_count(totals.dau))}</b> daily active users at a peak of "
        f"<b>{esc(units.format_qps(totals.entry_qps_peak))}</b> (average "
        f"{esc(units.format_qps(totals.entry_qps_avg))}) with <b>{totals.instances}</b> instances for about "
        f"<b>{esc(units.format_money(totals.monthly_cost))}</b> a month.",
        f"It stores {esc(units.format_size_rate(totals.storage_per_day / units.DAY, 'day'))}, "
        f"{esc(units.format_size(totals.storage_total))} over the retention and "
        f"{esc(units.format_size(totals.storage_replicated))} with every copy.",
    ]
    if result.bottleneck:
        r = result.components[result.bottleneck]
        lines.append(f"The bottleneck is <b>{esc(r.name)}</b>, at {esc(units.format_percent(r.utilisation))} of "
                     f"its {esc(r.binding)} at peak (ceiling {esc(units.format_percent(r.ceiling))}).")
    if bp.component:
        lines.append(f"Breaking point: traffic × {esc(units.format_count(bp.multiplier_at_target))} "
                     f"({esc(units.format_count(bp.dau_at_target))} daily users) takes "
                     f"{esc(names.get(bp.component, bp.component))} to its ceiling; × "
                     f"{esc(units.format_count(bp.multiplier_at_saturation))} "
                     f"({esc(units.format_count(bp.dau_at_saturation))} users) saturates it.")
    errors, warnings, spofs = len(result.errors()), len(result.warnings()), len(result.spofs)
    if errors or warnings or spofs:
        lines.append(f"Findings lists {plural(errors, 'error')}, {plural(warnings, 'warning')} and "
                     f"{plural(spofs, 'single point', 'single points')} of failure.")
    else:
        lines.append("No errors, warnings or single points of failure were found.")
    story += [P(line) for line in lines]
    if result.clients:
        story += subheading("What clients experience")
        rows = [[cell(c.name), units.format_count(c.users), units.format_duration(c.read_latency),
                 units.format_duration(c.write_latency), units.format_availability(c.availability),
                 str(len(c.needs))] for c in result.clients.values()]
        w = width
        story.append(data_table(["Client", "Daily users", "Read latency", "Write latency", "Availability",
                                 "Components needed"], rows,
                                [w * 0.30, w * 0.13, w * 0.14, w * 0.14, w * 0.16, w * 0.13], right={1, 2, 3, 4, 5}))
    return story


def traffic_section(plan, width: float) -> list:
    t = plan.traffic
    rows = []
    for name, field in TrafficProfile.model_fields.items():
        value = getattr(t, name)
        shown = _TRAFFIC_FORMAT.get(name, lambda v: units.format_count(v) if isinstance(v, float) else str(v))(value)
        rows.append([cell(_TRAFFIC_LABEL.get(name, name.replace("_", " ").capitalize())), shown,
                     cell(field.description or "", "cell_note")])
    story: list = [Heading("Traffic assumptions"),
                   P("Every figure in this document is derived from this profile. Users in the plan: "
                     f"{esc(units.format_count(t.daily_active_users))} per day.")]
    story.append(data_table(["Assumption", "Value", "Meaning"], rows, [width * 0.24, width * 0.2, width * 0.56]))
    s = plan.settings
    story += [*subheading("Settings"), data_table(["Setting", "Value", "Meaning"], [
        [cell("Default redundancy"), _REDUNDANCY.get(s.default_redundancy, s.default_redundancy),
         cell(_desc("default_redundancy"), "cell_note")],
        [cell("Network hop"), units.format_duration(s.network_hop_ms / 1000),
         cell(_desc("network_hop_ms"), "cell_note")],
        [cell("Manual detection"), units.format_duration(s.manual_detection_s),
         cell(_desc("manual_detection_s"), "cell_note")],
    ], [width * 0.24, width * 0.2, width * 0.56])]
    return story


def _desc(field: str) -> str:
    from archplan.planner.model import Settings

    return Settings.model_fields[field].description or ""


# ------------------------------------------------------------------------------------------ findings

def findings_section(plan, result, width: float) -> list:
    """The bottleneck, single points of failure (with what each cuts off) and the other findings, each
    with what to do about it."""
    names = {cid: r.name for cid, r in result.components.items()}
    story: list = [Heading("Findings")]
    if result.bottleneck:
        r, bp = result.components[result.bottleneck], result.breaking_point
        text = (f"<b>{esc(r.name)}</b> is the component closest to its ceiling: "
                f"{esc(units.format_percent(r.utilisation))} of its {esc(r.binding)} at peak against a ceiling of "
                f"{esc(units.format_percent(r.ceiling))}, with {plural(r.count, 'instance')} deployed.")
        if bp.component in result.components:
            first = "It" if bp.component == r.id else f"<b>{esc(result.components[bp.component].name)}</b>"
            text += (f" {first} is the first to reach its ceiling as traffic grows, at × "
                     f"{esc(units.format_count(bp.multiplier_at_target))} of today's traffic: add instances or "
                     "capacity there first.")
        story += [*subheading("Bottleneck"), P(text)]
    spofs = [f for f in result.findings if f.code == "spof"]
    if result.spofs:
        advice = {f.component: f.advice for f in spofs}
        story += subheading("Single points of failure")
        listed = list(result.spofs.items())[:MAX_LISTED]
        rows = [[cell(names.get(cid, cid)),
                 cell(_names(names, [c for c in cut if c != cid]) or "the data and work it holds"),
                 cell(advice.get(cid) or "Run at least two instances (redundancy ha or n+1), or add a standby or "
                                         "replica behind a failover.")]
                for cid, cut in listed]
        story.append(data_table(["Component", "Its failure cuts clients off from", "What to do"], rows,
                                [width * 0.22, width * 0.33, width * 0.45]))
        if len(result.spofs) > len(listed):
            story.append(P(f"…and {len(result.spofs) - len(listed):,} more single points of failure of the same "
                           "kinds.", "note"))
    others = [f for f in result.findings if f.code != "spof"]
    if not others:
        story.append(P("No other findings: every component is under its ceiling." if result.spofs else
                       "No findings: every component is under its ceiling and nothing is a single point of "
                       "failure."))
        return story
    story += subheading("Capacity and modelling findings")
    rows = []
    if len(others) > MAX_LISTED:
        counts: dict[str, int] = {}
        for f in others:
            counts[f.code] = counts.get(f.code, 0) + 1
        story.append(P(esc(f"{len(others):,} findings; the first {MAX_LISTED} are listed. By kind: "
                           + ", ".join(f"{code} × {n:,}" for code, n in sorted(counts.items(), key=lambda x: -x[1]))
                           + "."), "note"))
        others = others[:MAX_LISTED]
    for f in others:
        colour = SEVERITY[f.severity].hexval()[2:]
        badge = Paragraph(f'<font color="#{colour}"><b>{f.severity.upper()}</b></font>', styles()["cell"])
        rows.append([badge, cell(names.get(f.component, "plan") if f.component else "plan"), cell(f.message),
                     cell(f.advice or "")])
    story.append(data_table(["Severity", "Component", "Finding", "What to do"], rows,
                            [width * 0.1, width * 0.18, width * 0.38, width * 0.34]))
    return story


# ------------------------------------------------------------------------------------------ endpoints

def endpoints_section(plan, result, width: float) -> list:
    story: list = [Heading("API endpoints"),
                   P("Each endpoint's peak rate is its share of the component's peak reads (or writes).")]
    rows = []
    for comp in plan.components:
        r = result.components[comp.id]
        for ep in comp.endpoints:
            peak = ep.share * (r.reads_peak if ep.operation == "read" else r.writes_peak)
            size = units.format_size(ep.payload_size) if ep.payload_size else "default"
            rows.append([cell(comp.name), cell(ep.name), ep.method, cell(ep.path), ep.operation,
                         units.format_percent(ep.share), units.format_qps(peak), size])
    if not rows:
        story.append(P("No endpoints are declared in this plan.", "note"))
        return story
    w = width
    story.append(data_table(["Service", "Endpoint", "Method", "Path", "Operation", "Share", "Peak", "Payload"], rows,
                            [w * .17, w * .15, w * .08, w * .19, w * .1, w * .09, w * .11, w * .11], right={5, 6, 7}))
    return story


# ------------------------------------------------------------------------------------------ cost

def cost_section(plan, result, width: float, deployment) -> list:
    """The monthly cost per component, costliest first (the costliest MAX_LISTED, then the others
    together), with the catalog's price table: provider, region and date."""
    catalog = default_catalog()
    prices = next(iter(deployment.values())).prices.table if deployment else catalog.prices
    total = result.totals.monthly_cost
    ranked = sorted((r for r in result.components.values() if r.monthly_cost > 0 or r.count > 0),
                    key=lambda r: (-r.monthly_cost, r.name))
    rows = []
    bars = len(ranked) <= 2 * MAX_LISTED
    for r in ranked[:MAX_LISTED]:
        share = r.monthly_cost / total if total > 0 else 0.0
        rows.append([cell(r.name), cell(catalog[r.kind].label), units.format_count(r.count),
                     units.format_money(r.monthly_cost), units.format_percent(share),
                     _bar(share, width * 0.16) if bars else ""])
    rest = ranked[MAX_LISTED:]
    if rest:
        cost = sum(r.monthly_cost for r in rest)
        rows.append([cell(f"{len(rest):,} other components"), "", units.format_count(sum(r.count for r in rest)),
                     units.format_money(cost), units.format_percent(cost / total if total > 0 else 0.0), ""])
    rows.append(["Total", "", units.format_count(result.totals.instances), units.format_money(total),
                 units.format_percent(1.0), ""])
    story: list = [Heading("Cost"), P(
        f"Monthly cost at on-demand list prices of <b>{esc(prices.provider)}</b> for <b>{esc(prices.region)}</b> as "
        f"of <b>{esc(prices.date)}</b> (the component catalog's price table): instances, storage at full "
        "retention, internet egress and per-request charges, for a 30-day month.")]
    story.append(data_table(["Component", "Kind", "Count", "Per month", "Share", ""], rows,
                            [width * .27, width * .25, width * .08, width * .12, width * .11, width * .17],
                            right={2, 3, 4}, total_row=True, chunk=0))
    return story


def _bar(share: float, width: float) -> Table:
    """A thin horizontal bar showing a share of the total."""
    filled = max(0.5, width * min(1.0, share))
    bar = Table([["", ""]], colWidths=[filled, max(0.5, width - filled)], rowHeights=[5])
    bar.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, 0), TEAL), ("BACKGROUND", (1, 0), (1, 0), RULE),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return bar


# ------------------------------------------------------------------------------------------ appendix

CONVENTIONS = [
    ("Sizes", "Decimal: 1 KB = 1,000 B, 1 MB = 10<super>6</super> B, 1 TB = 10<super>12</super> B. Binary "
              "multiples only when written KiB, MiB, GiB, TiB."),
    ("Time", "A day is 86,400 s, a month 30 days (2,592,000 s), a year 365 days."),
    ("Rates", "Per second. Average = daily volume / 86,400 s; peak = average × peak factor. Sizing uses the peak, "
              "storage the average volume."),
    ("Counts", "K = thousand, M = million, B = billion, T = trillion (short scale). QPS = queries (requests) per "
               "second."),
    ("Bandwidth", "Bytes per second, with bits per second where networks are concerned (1 B/s = 8 bit/s)."),
    ("Utilisation", "Share of the deployed capacity the peak uses on the scarcest (binding) resource; the target "
                    "utilisation is the planned ceiling per instance."),
    ("Instances", "Needed = what the peak requires at the ceiling; count = what is deployed (with redundancy: "
                  "ha keeps at least 2, n+1 adds a spare)."),
    ("Latency", "Mean response time at peak from an M/M/c queue (Erlang C); end-to-end latency adds a network "
                "hop per synchronous call. ∞ means saturated."),
    ("Availability", "A = MTBF / (MTBF + MTTR) per instance; k-of-N for a component; series over what a client "
                     "needs. Failures are assumed independent."),
    ("Cost", "US dollars per 30-day month at list prices; storage billed at full retention."),
    ("Formulas", "× multiplies, ceil rounds up, max and min pick; the values substituted are the ones the engine "
                 "used, so each line can be checked by hand."),
]


def appendix_section(width: float) -> list:
    rows = [[Paragraph(f"<b>{esc(k)}</b>", styles()["cell"]), Paragraph(v, styles()["cell"])]
            for k, v in CONVENTIONS]
    table = data_table(["Convention", "Meaning"], rows, [width * 0.18, width * 0.82])
    return [Heading("Appendix: units and conventions"),
            P("How to read the numbers in this document (capacity-model.md)."), KeepTogether(table)]


__all__ = [
    "Heading",
    "appendix_section",
    "cost_section",
    "endpoints_section",
    "findings_section",
    "summary_section",
    "title_page",
    "traffic_section",
]
