"""
What the PNG/SVG diagram says and how it looks: node, edge, cluster and title labels, and styles.

Labels are graphviz HTML-like labels. Every piece of user text goes through `dot_text`: HTML entities
for markup and quotes, and doubled backslashes, because graphviz expands ``\\N``/``\\G`` escapes even
inside HTML labels. Every number goes through planner.units.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from archplan.exports.escaping import html_text
from archplan.exports.labels import link_figures
from archplan.planner import units
from archplan.planner.model import Plan
from archplan.planner.result import PlanResult

FONT = "Sans-Serif"
ICON_PT = 56
COMPACT_ICON_PT = 40
#: Above this many components labels go compact (smaller icon, one line of figures) to keep big plans legible.
COMPACT_FROM = 30
INK, MUTED, WARN, ALERT = "#1F2937", "#4B5563", "#B45309", "#B91C1C"

#: link kind -> graphviz edge attributes (request solid, async dashed, replication dotted, ...).
LINK_STYLES: dict[str, dict[str, str]] = {
    "request": {"style": "solid", "color": "#475569", "penwidth": "1.4"},
    "async": {"style": "dashed", "color": "#2563EB", "penwidth": "1.4"},
    "replication": {"style": "dotted", "color": "#7C3AED", "penwidth": "2.0"},
    "event": {"style": "bold,dashed", "color": "#C2410C", "penwidth": "2.2"},
    "health": {"style": "dotted", "color": "#9CA3AF", "penwidth": "1.2", "arrowhead": "odot"},
}
#: group kind -> outline style; fill colours alternate with nesting depth (diagrams' cluster palette).
GROUP_STYLES = {"region": "rounded,dashed", "zone": "rounded,dashed", "tier": "rounded", "group": "rounded"}
GROUP_FILLS = ("#EEF6FC", "#F1F7EC", "#F3F0FA", "#FDF8E7")
GROUP_PEN = "#94A3B8"

GRAPH_ATTR = {
    "pad": "0.4", "nodesep": "0.5", "ranksep": "1.1", "splines": "spline", "compound": "true",
    "newrank": "true", "fontname": FONT, "fontsize": "22", "fontcolor": INK, "labelloc": "t",
    "labeljust": "l", "outputorder": "edgesfirst", "bgcolor": "white",
}
NODE_ATTR = {"shape": "plain", "fixedsize": "false", "fontname": FONT, "fontsize": "12", "fontcolor": INK}
EDGE_ATTR = {"fontname": FONT, "fontsize": "10", "fontcolor": MUTED, "arrowsize": "0.8"}


def dot_text(text: str) -> str:
    """User text inside a graphviz HTML-like label: entities for markup, doubled backslashes."""
    return html_text(text).replace("\\", "\\\\")


@dataclass(frozen=True)
class Box:
    """Estimated size of a node label in points (used to space out pinned positions)."""

    width: float
    height: float


def _wrap(name: str, width: int = 22, lines: int = 3) -> list[str]:
    wrapped = textwrap.wrap(name, width, break_long_words=True) or [name]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    return wrapped


def _font(text: str, size: int = 10, color: str = MUTED, bold: bool = False) -> str:
    inner = f"<B>{text}</B>" if bold else text
    return f'<FONT POINT-SIZE="{size}" COLOR="{color}">{inner}</FONT>'


def figure_lines(component, result: PlanResult, compact: bool = False) -> list[str]:
    """The key figures under a component's name, as HTML-like fragments (numbers via planner.units).

    Peak QPS, instances (×n), utilisation (orange above target, red when saturated), stored bytes,
    and bottleneck / SPOF tags; `compact` keeps one line of figures plus the tags."""
    client = result.clients.get(component.id)
    if client is not None:
        lines = [_font(f"{units.format_count(client.users)} users")]
        peak = client.figures.get("peak_qps")
        if peak is not None:
            lines.append(_font(f"{units.format_qps(peak.value)} peak"))
        return [_font(" · ").join(lines)] if compact else lines
    r = result.components.get(component.id)
    if r is None:
        return []
    lines = []
    if r.qps_peak > 0:
        lines.append(_font(f"{units.format_qps(r.qps_peak)} peak"))
    count = f"×{units.format_count(r.count)}"
    if r.ceiling > 0 and r.binding != "none":
        colour = ALERT if r.saturated else WARN if r.headroom > 1 else MUTED
        util = _font(f"{units.format_percent(r.utilisation, 0)} util", color=colour, bold=r.headroom > 1)
        lines.append(_font(count) + _font(" · ") + util)
    else:
        lines.append(_font(count))
    if compact:
        lines = [_font(" · ").join(lines)]
    elif r.storage_replicated > 0:
        lines.append(_font(f"{units.format_size(r.storage_replicated)} stored"))
    tags = []
    if result.bottleneck == component.id:
        tags.append(_font("▲ bottleneck", color=ALERT, bold=True))
    if component.id in result.spofs:
        tags.append(_font("SPOF", color=WARN, bold=True))
    if tags:
        lines.append(_font(" ").join(tags))
    return lines


def node_label(component, result: PlanResult, icon: str, compact: bool = False) -> str:
    """Icon, bold name (wrapped), figures: one HTML-like table."""
    src = html_text(icon)
    size = COMPACT_ICON_PT if compact else ICON_PT
    rows = [f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{size}" HEIGHT="{size}"><IMG SRC="{src}" SCALE="TRUE"/></TD></TR>']
    name = "<BR/>".join(dot_text(line) for line in _wrap(component.name, lines=2 if compact else 3))
    rows.append(f"<TR><TD><B>{name}</B></TD></TR>")
    rows += [f"<TR><TD>{line}</TD></TR>" for line in figure_lines(component, result, compact)]
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def estimated_box(component, result: PlanResult, compact: bool = False) -> Box:
    """Rough label size in points: icon + name lines (12 pt) + figure lines (10 pt)."""
    name_lines = _wrap(component.name, lines=2 if compact else 3)
    n_figures = len(figure_lines(component, result, compact))
    icon = COMPACT_ICON_PT if compact else ICON_PT
    width = max(icon, 7.5 * max(len(line) for line in name_lines), 6.0 * 24 if n_figures else 0) + 8
    height = icon + 15 * len(name_lines) + 13 * n_figures + 8
    return Box(width, height)


def edge_label(link) -> str:
    """share %, fan-out ×k, the kind when it is not a plain request, and the user's label."""
    parts = []
    if link.label:
        parts.append(dot_text(link.label))
    figures = link_figures(link)
    if figures:
        parts.append(" · ".join(figures))
    return f"<{'<BR/>'.join(parts)}>" if parts else ""


def title_label(plan: Plan, result: PlanResult) -> str:
    t = result.totals
    summary = (f"{units.format_count(t.dau)} DAU · {units.format_qps(t.entry_qps_peak)} peak · "
               f"{units.format_count(t.instances)} instances · {units.format_money(t.monthly_cost)}/month · "
               f"availability {units.format_availability(t.availability)}")
    if result.multiplier != 1:
        summary += f" · traffic ×{units.format_count(result.multiplier)}"
    return f"<<B>{dot_text(plan.name)}</B><BR/>{_font(dot_text(summary), 12)}>"


def group_label(group) -> str:
    """The group's name, then its kind unless the name already says it ("App tier", not "App tier tier")."""
    words = group.name.lower().split()
    if group.kind in words or group.kind == "group":
        return f"<<B>{dot_text(group.name)}</B>>"
    return f"<<B>{dot_text(group.name)}</B>  {_font(dot_text(group.kind), 10)}>"


def group_attrs(group, depth: int) -> dict[str, str]:
    return {"style": GROUP_STYLES[group.kind], "bgcolor": GROUP_FILLS[depth % len(GROUP_FILLS)],
            "pencolor": GROUP_PEN, "fontname": FONT, "fontsize": "13", "fontcolor": INK,
            "labeljust": "l", "margin": "14", "penwidth": "1.2"}
