"""
Plain-text summaries the exporters share: a component's key figures on one line, and what a link's
arrow says.

Mermaid, PlantUML and draw.io print them as they are (each writer escapes the result for its own
syntax); the graphviz diagram lays the same pieces out its own way (`link_figures`). One
implementation, so every format says the same thing about a plan. Numbers go through planner.units.
"""

from __future__ import annotations

from archplan.exports.escaping import one_line
from archplan.planner import units


def figures_line(component, result) -> str:
    """One line of key figures: peak QPS, instances, utilisation (or the users of a client); "" when
    the result has nothing for the component."""
    client = result.clients.get(component.id)
    if client is not None:
        return f"{units.format_count(client.users)} users"
    r = result.components.get(component.id)
    if r is None:
        return ""
    parts = [units.format_qps(r.qps_peak), f"×{units.format_count(r.count)}"]
    if r.ceiling > 0 and r.binding != "none":
        parts.append(f"{units.format_percent(r.utilisation, 0)} util")
    return " · ".join(parts)


def link_figures(link) -> list[str]:
    """What a link adds to its arrow besides the user's label: share %, fan-out ×k, and its kind
    when it is not a plain request (unless the label already says it)."""
    parts = []
    if link.share is not None:
        parts.append(units.format_percent(link.share, 0))
    if link.fanout is not None:
        parts.append(f"fan-out ×{units.format_count(link.fanout)}")
    if link.kind != "request" and link.kind not in link.label.lower():
        parts.append(link.kind)
    return parts


def link_text(link) -> str:
    """The user's label (on one line), then `link_figures`, joined by " · "."""
    parts = [one_line(link.label)] if link.label else []
    return " · ".join(parts + link_figures(link))
