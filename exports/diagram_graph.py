"""
The plan as a graphviz graph built with mingrammer `diagrams`: icons, clusters, styled edges.

Each component becomes a `diagrams` node of the class chosen in exports/icons.py, drawn with an
HTML-like label (icon above the name and key figures, exports/diagram_labels.py) so the node grows
with its text instead of overlapping its neighbours. Groups become nested `Cluster`s. A link that
starts or ends at a group is drawn once, to the group's first entry member, with graphviz
``lhead``/``ltail`` (``compound=true``) so the arrow stops at the cluster's border; invisible edges to
the other entry members rank them side by side. Graphviz ids are generated (``c0``, ``cluster_g0``):
user ids may hold ':' which DOT reads as a port.

Two layouts: ``dot`` left to right (default, ranks bounded in width: exports/diagram_layout.py), or
the canvas positions kept as drawn (`as_drawn`): components pinned at their canvas position (y flipped,
uniformly scaled so labels do not overlap) for ``neato -n2``; neato draws no clusters, so groups are
drawn as boxes behind their members, and links to a group end at its box.
"""

from __future__ import annotations

import graphviz
from diagrams import Cluster, Diagram, Edge, setdiagram
from diagrams.generic.blank import Blank

from archplan.exports.diagram_labels import (
    COMPACT_FROM,
    EDGE_ATTR,
    GRAPH_ATTR,
    GROUP_FILLS,
    GROUP_PEN,
    GROUP_STYLES,
    LINK_STYLES,
    NODE_ATTR,
    edge_label,
    estimated_box,
    group_attrs,
    group_label,
    node_label,
    title_label,
)
from archplan.exports.diagram_layout import group_rects, max_rank_width, spacing, stagger_edges
from archplan.exports.escaping import one_line
from archplan.exports.grouping import children_by_parent
from archplan.exports.grouping import depth as group_depth
from archplan.exports.icons import icon_class_name, icon_path, node_class
from archplan.planner.catalog import default_catalog
from archplan.planner.graph import members_by_group
from archplan.planner.model import Plan
from archplan.planner.result import PlanResult


class _Drawing(Diagram):
    """A `diagrams.Diagram` that never renders or writes a file itself: the caller pipes its DOT."""

    def __init__(self, **kwargs):
        super().__init__(name="", filename="archplan-diagram", show=False, **kwargs)

    def __exit__(self, exc_type, exc_value, traceback):
        setdiagram(None)


class _Group(Cluster):
    """A `diagrams.Cluster` named by our generated id (diagrams derives the name from the label, which
    would merge two groups sharing a name)."""

    def __init__(self, cluster_id: str, label: str, graph_attr: dict[str, str]):
        super().__init__(label=label, graph_attr=graph_attr)
        self.name = cluster_id
        self.dot.name = cluster_id


def build_graph(plan: Plan, result: PlanResult, as_drawn: bool = False) -> graphviz.Digraph:
    """The whole diagram as a graphviz.Digraph (render it with `dot`, or `neato -n2` when as_drawn)."""
    node_ids = {c.id: f"c{i}" for i, c in enumerate(plan.components)}
    group_ids = {g.id: f"cluster_g{i}" for i, g in enumerate(plan.groups)}
    members = members_by_group(plan)
    entries = {g.id: _entry_exit(plan, members[g.id]) for g in plan.groups}
    graph_attr = dict(GRAPH_ATTR, label=title_label(plan, result))
    if as_drawn:
        graph_attr.update(splines="line", outputorder="nodesfirst", overlap="true")
    with _Drawing(direction="LR", graph_attr=graph_attr, node_attr=NODE_ATTR, edge_attr=EDGE_ATTR) as drawing:
        if as_drawn:
            anchors = _pinned(plan, result, node_ids, group_ids)
            edges = [(link, link.source, link.target, True) for link in plan.links]
        else:
            anchors = _clustered(plan, result, node_ids, group_ids)
            edges = _edge_plan(plan, anchors, entries)
            keys = list(anchors)
            edges += [(None, t, h, False) for t, h in stagger_edges(
                keys, [(t, h) for _, t, h, _ in edges], max_rank_width(len(keys)))]
        link_index = {id(link): i for i, link in enumerate(plan.links)}
        for link, tail, head, visible in edges:
            if tail not in anchors or head not in anchors:
                continue
            attrs = {"style": "invis"}
            if visible:   # id "l<n>": the n-th link of the plan (SVG element id, JSON id)
                attrs = dict(LINK_STYLES[link.kind], id=f"l{link_index[id(link)]}")
                label = edge_label(link)
                if label:
                    attrs["label"] = label
                if link.source in group_ids and not as_drawn:
                    attrs["ltail"] = group_ids[link.source]
                if link.target in group_ids and not as_drawn:
                    attrs["lhead"] = group_ids[link.target]
            anchors[tail].connect(anchors[head], Edge(anchors[tail], forward=visible, **attrs))
    return drawing.dot


def _entry_exit(plan: Plan, members: list[str]) -> tuple[list[str], list[str]]:
    """Members no other member links to (entries) and members linking to no other member (exits),
    as planner.graph.expand_links reads a link to or from a group."""
    inside = set(members)
    inner = [lk for lk in plan.links if lk.source in inside and lk.target in inside]
    targets, sources = {lk.target for lk in inner}, {lk.source for lk in inner}
    return [m for m in members if m not in targets] or members, [m for m in members if m not in sources] or members


def _edge_plan(plan: Plan, anchors: dict, entries: dict) -> list[tuple[object, str, str, bool]]:
    """(link, tail key, head key, visible) for the clustered layout: one visible edge per link, from/to
    a group's first exit/entry member, plus invisible ranking edges to its other ones (a star, not
    every pair: two groups of 20 would otherwise add 400 edges). A link from a member to its own group
    is drawn to another member, or not at all when there is none."""
    out = []
    for link in plan.links:
        tails = _ends(link.source, anchors, entries, 1)
        heads = _ends(link.target, anchors, entries, 0)
        pairs = [(t, h) for t in tails for h in heads if t != h]
        if not pairs:
            continue
        first_tail, first_head = pairs[0]
        out.append((link, first_tail, first_head, True))
        out += [(link, first_tail, h, False) for h in heads if h not in (first_head, first_tail)]
        out += [(link, t, first_head, False) for t in tails if t not in (first_tail, first_head)]
    return out


def _ends(end_id: str, anchors: dict, entries: dict, side: int) -> list[str]:
    if end_id in entries:
        found = [m for m in entries[end_id][side] if m in anchors]
        if found:
            return found
    return [end_id] if end_id in anchors else []


def _component_node(component, result: PlanResult, nodeid: str, compact: bool, **attrs):
    cls = node_class(icon_class_name(component.kind, component.flavour))
    icon = str(icon_path(component.kind, component.flavour))
    catalog = default_catalog()
    kind = catalog[component.kind].label if component.kind in catalog else component.kind
    tooltip = graphviz.escape(one_line(f"{component.name} ({kind})"))
    return cls(node_label(component, result, icon, compact), nodeid=nodeid, image="", height="0", width="0",
               margin="0", tooltip=tooltip, **attrs)


def _clustered(plan: Plan, result: PlanResult, node_ids: dict, group_ids: dict) -> dict:
    """Nodes inside nested clusters; returns {component id, or id of an empty group: node}."""
    children = children_by_parent(plan)
    direct: dict[str | None, list] = {}
    for component in plan.components:
        direct.setdefault(component.group, []).append(component)
    anchors: dict = {}
    compact = len(plan.components) > COMPACT_FROM

    def draw(parent: str | None, depth: int) -> bool:
        drew = False
        for component in direct.get(parent, []):
            anchors[component.id] = _component_node(component, result, node_ids[component.id], compact)
            drew = True
        for group in children.get(parent, []):
            with _Group(group_ids[group.id], group_label(group), group_attrs(group, depth)):
                if not draw(group.id, depth + 1):
                    # an empty group still shows, and links can reach it
                    anchors[group.id] = Blank("", nodeid=group_ids[group.id] + "_empty", shape="box",
                                              style="invis", width="0.8", height="0.5", image="")
            drew = True
        return drew

    draw(None, 0)
    return anchors


def _pinned(plan: Plan, result: PlanResult, node_ids: dict, group_ids: dict) -> dict:
    """Nodes pinned at their canvas positions; groups as boxes behind them (declared first)."""
    compact = len(plan.components) > COMPACT_FROM
    boxes = {c.id: estimated_box(c, result, compact) for c in plan.components}
    k = spacing(plan, boxes)
    x0 = min((c.position.x for c in plan.components), default=0.0)
    y1 = max((c.position.y for c in plan.components), default=0.0)
    centre = {c.id: ((c.position.x - x0) * k, (y1 - c.position.y) * k) for c in plan.components}
    rects = group_rects(plan, centre, boxes)
    bottom = min([r[1] for r in rects.values()] + [y - boxes[c].height / 2 for c, (_, y) in centre.items()] + [0.0])
    depth = {g.id: group_depth(plan, g.id) for g in plan.groups}
    anchors: dict = {}
    for i, group in enumerate(sorted(plan.groups, key=lambda g: depth[g.id])):   # outer boxes first: behind
        # a group without members has no position on the canvas: a small box in a row below the drawing
        x_a, y_a, x_b, y_b = rects.get(group.id, (i * 160.0, bottom - 120.0, i * 160.0 + 140.0, bottom - 40.0))
        anchors[group.id] = Blank(
            group_label(group), nodeid=group_ids[group.id], image="", shape="box",
            style=f"{GROUP_STYLES[group.kind]},filled", fillcolor=GROUP_FILLS[depth[group.id] % len(GROUP_FILLS)],
            color=GROUP_PEN, fixedsize="true", width=f"{(x_b - x_a) / 72:.3f}", height=f"{(y_b - y_a) / 72:.3f}",
            pos=f"{(x_a + x_b) / 2:.2f},{(y_a + y_b) / 2:.2f}!", labelloc="t", fontsize="13")
    for component in plan.components:
        x, y = centre[component.id]
        anchors[component.id] = _component_node(component, result, node_ids[component.id], compact,
                                                pos=f"{x:.2f},{y:.2f}!")
    return anchors
