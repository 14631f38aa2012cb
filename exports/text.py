"""
Diagrams as code: Mermaid flowcharts and PlantUML, for pasting into a repository's docs.

Both are written from the plan alone plus a one-line figure summary per component (numbers via
planner.units). Identifiers are generated from the plan ids (ASCII, prefixed ``c_`` for components and
``g_`` for groups so no keyword such as ``end`` can appear, and made unique); labels are user text
escaped for each language (exports/escaping.py).

A ``%% archplan`` comment after each node and subgraph keeps the plan's id, kind and count (Mermaid ignores
comments), so `archplan import --from mermaid` gives back the exact plan.

Mermaid refuses large diagrams at render time (``maxEdges`` 500, ``maxTextSize`` 50,000 characters
by default), so a plan beyond either limit is an ExportError here rather than a file that fails later.

The Markdown report and the CSV table are registered under this module too (exports/report.py).
"""

from __future__ import annotations

from pathlib import Path

from archplan.exports import ExportError, refuse_options
from archplan.exports.escaping import UniqueIds, mermaid_text, mermaid_title, plantuml_text
from archplan.exports.grouping import children_by_parent
from archplan.exports.labels import figures_line, link_text
from archplan.exports.report import write_csv, write_markdown  # noqa: F401  (registered as exports.text:...)
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.io import atomic_write_text

MERMAID_MAX_EDGES = 500
MERMAID_MAX_TEXT = 50_000

#: behaviour -> Mermaid node shape (opening, closing) around a quoted label.
MERMAID_SHAPES: dict[str, tuple[str, str]] = {
    "client": ('(["', '"])'), "cache": ('[("', '")]'), "object_store": ('[("', '")]'),
    "sql_primary": ('[("', '")]'), "sql_replica": ('[("', '")]'), "partitioned": ('[("', '")]'),
    "search": ('[("', '")]'), "metrics": ('[("', '")]'), "queue": ('[["', '"]]'), "pubsub": ('[["', '"]]'),
    "external": ('>"', '"]'), "notification": ('>"', '"]'), "monitor": ('{{"', '"}}'),
    "dns": ('("', '")'), "cdn": ('("', '")'), "load_balancer": ('("', '")'), "gateway": ('("', '")'),
    "rate_limiter": ('("', '")'),
}
MERMAID_ARROWS = {"request": "-->", "async": "-.->", "replication": "-.->", "event": "==>", "health": "-.->"}
MERMAID_LINK_STYLES = {
    "request": "stroke:#475569",
    "async": "stroke:#2563eb,stroke-dasharray:6 4",
    "replication": "stroke:#7c3aed,stroke-width:2px,stroke-dasharray:2 3",
    "event": "stroke:#c2410c,stroke-width:3px,stroke-dasharray:8 4",
    "health": "stroke:#9ca3af,stroke-dasharray:2 3",
}
CATEGORY_STYLES = {
    "edge": "fill:#dbeafe,stroke:#2563eb", "compute": "fill:#dcfce7,stroke:#16a34a",
    "data": "fill:#f3e8ff,stroke:#9333ea", "messaging": "fill:#ffedd5,stroke:#ea580c",
    "observability": "fill:#cffafe,stroke:#0891b2", "external": "fill:#fce7f3,stroke:#db2777",
}

#: behaviour -> PlantUML element keyword.
PLANTUML_SHAPES: dict[str, str] = {
    "client": "actor", "cache": "database", "object_store": "storage", "sql_primary": "database",
    "sql_replica": "database", "partitioned": "database", "search": "database", "metrics": "database",
    "queue": "queue", "pubsub": "queue", "external": "cloud", "notification": "cloud", "monitor": "control",
    "dns": "component", "cdn": "cloud", "load_balancer": "node", "gateway": "node", "rate_limiter": "node",
}
PLANTUML_ARROWS = {
    "request": "-[#475569]->", "async": "-[#2563eb,dashed]->", "replication": "-[#7c3aed,dotted]->",
    "event": "-[#c2410c,dashed,thickness=2]->", "health": "-[#9ca3af,dotted]->",
}
PLANTUML_GROUPS = {"region": "rectangle", "zone": "rectangle", "tier": "package", "group": "rectangle"}


# ---------------------------------------------------------------------------------------- shared

def _ids(plan) -> dict[str, str]:
    unique = UniqueIds()
    ids = {c.id: unique("c_" + c.id) for c in plan.components}
    ids.update({g.id: unique("g_" + g.id) for g in plan.groups})
    return ids


def _tree(plan):
    """(groups by parent, components by group); a group in a parent cycle is drawn at the top level."""
    members: dict[str | None, list] = {}
    for component in plan.components:
        members.setdefault(component.group, []).append(component)
    return children_by_parent(plan), members


def _behaviour(component) -> str:
    catalog = default_catalog()
    return catalog[component.kind].behaviour.value if component.kind in catalog else Behaviour.SERVICE.value


# ---------------------------------------------------------------------------------------- Mermaid

def write_mermaid(plan, result, out: Path, **options) -> Path:
    """Write a Mermaid flowchart (``.mmd``); ExportError if Mermaid could not render it."""
    refuse_options("mermaid", options)
    atomic_write_text(out, mermaid_source(plan, result))
    return Path(out)


def mermaid_source(plan, result) -> str:
    if len(plan.links) > MERMAID_MAX_EDGES:
        raise ExportError(f"Mermaid draws at most {MERMAID_MAX_EDGES} edges (maxEdges) and this plan has "
                          f"{len(plan.links)} links: split it by group or use the SVG export")
    ids = _ids(plan)
    children, members = _tree(plan)
    lines = ["---", f"title: {mermaid_title(plan.name)}", "---",
             "%% Archplan export: figures at peak traffic", "flowchart LR"]

    def emit(parent: str | None, indent: str) -> None:
        for component in members.get(parent, []):
            opening, closing = MERMAID_SHAPES.get(_behaviour(component), ('["', '"]'))
            label = mermaid_text(component.name)
            summary = figures_line(component, result)
            if summary:
                label += "<br/>" + mermaid_text(summary)
            lines.append(f"{indent}{ids[component.id]}{opening}{label}{closing}")
            lines.append(f"{indent}%% archplan {ids[component.id]} id={component.id} kind={component.kind}"
                         + (f" count={result.components[component.id].count}"
                            if component.id in result.components else ""))
        for group in children.get(parent, []):
            lines.append(f'{indent}subgraph {ids[group.id]} ["{mermaid_text(group.name)}"]')
            lines.append(f"{indent}  %% archplan {ids[group.id]} id={group.id} group={group.kind}")
            emit(group.id, indent + "  ")
            lines.append(f"{indent}end")

    emit(None, "  ")
    by_kind: dict[str, list[str]] = {}
    for index, link in enumerate(plan.links):
        text = link_text(link)
        label = f'|"{mermaid_text(text)}"|' if text else ""
        lines.append(f"  {ids[link.source]} {MERMAID_ARROWS[link.kind]}{label} {ids[link.target]}")
        by_kind.setdefault(link.kind, []).append(str(index))
    for kind, indexes in by_kind.items():
        lines.append(f"  linkStyle {','.join(indexes)} {MERMAID_LINK_STYLES[kind]}")
    catalog = default_catalog()
    by_category: dict[str, list[str]] = {}
    for component in plan.components:
        category = catalog[component.kind].category if component.kind in catalog else "compute"
        by_category.setdefault(category, []).append(ids[component.id])
    for category, members_of in by_category.items():
        lines.append(f"  classDef cat_{category} {CATEGORY_STYLES[category]}")
        lines.append(f"  class {','.join(members_of)} cat_{category}")
    if result.bottleneck and result.bottleneck in ids:
        lines.append("  classDef bottleneck stroke:#dc2626,stroke-width:3px")
        lines.append(f"  class {ids[result.bottleneck]} bottleneck")
    text = "\n".join(lines) + "\n"
    if len(text) > MERMAID_MAX_TEXT:
        raise ExportError(f"the Mermaid text would be {len(text):,} characters, over Mermaid's limit of "
                          f"{MERMAID_MAX_TEXT:,} (maxTextSize): split the plan by group or use the SVG export")
    return text


# ---------------------------------------------------------------------------------------- PlantUML

def write_plantuml(plan, result, out: Path, **options) -> Path:
    """Write a PlantUML component/deployment diagram (``.puml``)."""
    refuse_options("plantuml", options)
    atomic_write_text(out, plantuml_source(plan, result))
    return Path(out)


def plantuml_source(plan, result) -> str:
    ids = _ids(plan)
    children, members = _tree(plan)
    lines = ["@startuml", "left to right direction", "skinparam shadowing false",
             "skinparam defaultFontName Sans-Serif", "skinparam ArrowFontSize 10",
             f"title {plantuml_text(plan.name)}"]

    def emit(parent: str | None, indent: str) -> None:
        for component in members.get(parent, []):
            keyword = PLANTUML_SHAPES.get(_behaviour(component), "component")
            label = plantuml_text(component.name)
            summary = figures_line(component, result)
            if summary:
                label += "\\n" + plantuml_text(summary)
            tag = " #ffe4e6" if component.id == result.bottleneck else ""
            lines.append(f'{indent}{keyword} "{label}" as {ids[component.id]}{tag}')
        for group in children.get(parent, []):
            keyword = PLANTUML_GROUPS.get(group.kind, "rectangle")
            dashed = " #line.dashed" if group.kind in ("region", "zone") else ""
            lines.append(f'{indent}{keyword} "{plantuml_text(group.name)}" as {ids[group.id]}{dashed} {{')
            emit(group.id, indent + "  ")
            lines.append(f"{indent}}}")

    emit(None, "")
    for link in plan.links:
        text = link_text(link)
        label = f" : {plantuml_text(text)}" if text else ""
        lines.append(f"{ids[link.source]} {PLANTUML_ARROWS[link.kind]} {ids[link.target]}{label}")
    lines.append("@enduml")
    return "\n".join(lines) + "\n"
