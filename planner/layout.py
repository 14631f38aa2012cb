"""
A layered left-to-right layout of a plan's cards, pure (networkx, no Qt): the canvas's automatic
layout (ui/canvas/layout.py) and the importers (planner/importers/) place cards with it.

Layout (a small Sugiyama): break cycles by reversing DFS back edges, give every node the layer of its
longest incoming path, order each layer by the barycentre of its neighbours in the previous layer
(a few down and up sweeps), keep each group's members together inside a layer, then place layers as
columns and centre them vertically. Nodes with no traffic links (e.g. only health checks) go in a
last column so they do not crowd the entry points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from archplan.planner.graph import back_edges

Point = tuple[float, float]
#: The canvas card (ui/canvas/style.py) and grid: importers place cards at this size, on this grid.
CARD_SIZE = (200.0, 80.0)
GRID = 20.0


def layered_layout(nodes: Iterable[str], edges: Iterable[tuple[str, str]], size: tuple[float, float],
                   gap: tuple[float, float] = (90.0, 40.0), origin: Point = (0.0, 0.0),
                   groups: Mapping[str, str | None] | None = None, group_gap: float = 0.0,
                   sweeps: int = 4) -> dict[str, Point]:
    """Card centres for a left-to-right layered drawing; `origin` is the top-left card's corner.

    `groups` maps nodes to their group: members stay together within a column, and `group_gap` more
    space separates neighbours of different groups (room for the group frames and titles)."""
    order = list(dict.fromkeys(nodes))
    if not order:
        return {}
    graph = nx.DiGraph()
    graph.add_nodes_from(order)
    graph.add_edges_from((a, b) for a, b in edges if a != b and a in graph and b in graph)
    dag = _acyclic(graph, order)
    linked = {n for n in order if graph.degree(n) > 0}
    layer: dict[str, int] = {}
    for node in nx.topological_sort(dag):
        preds = list(dag.predecessors(node))
        layer[node] = max((layer[p] + 1 for p in preds), default=0)
    if linked and len(linked) < len(order):
        last = max(layer[n] for n in linked) + 1
        for n in order:
            if n not in linked:
                layer[n] = last
    columns: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for n in order:  # plan order is the initial order within a layer
        columns[layer[n]].append(n)
    _order_by_barycentre(dag, columns, sweeps)
    if groups:
        columns = [_keep_groups_together(col, groups) for col in columns]
    w, h = size
    step_x, step_y = w + gap[0], h + gap[1]
    offsets = []
    for col in columns:
        ys, y = [], 0.0
        for r, node in enumerate(col):
            if r and groups and (groups.get(node) or groups.get(col[r - 1])) \
                    and groups.get(node) != groups.get(col[r - 1]):
                y += group_gap
            ys.append(y)
            y += step_y
        offsets.append(ys)
    tallest = max(ys[-1] for ys in offsets)
    positions: dict[str, Point] = {}
    for c, col in enumerate(columns):
        top = origin[1] + h / 2 + (tallest - offsets[c][-1]) / 2
        for node, y in zip(col, offsets[c]):
            positions[node] = (origin[0] + w / 2 + c * step_x, top + y)
    return positions


def _acyclic(graph: nx.DiGraph, order: list[str]) -> nx.DiGraph:
    """The graph with DFS back edges reversed (visiting in plan order, so results are stable)."""
    back = back_edges(order, graph.succ)
    dag = nx.DiGraph()
    dag.add_nodes_from(order)
    dag.add_edges_from((head, tail) if (tail, head) in back else (tail, head) for tail, head in graph.edges)
    return dag


def _order_by_barycentre(dag: nx.DiGraph, columns: list[list[str]], sweeps: int) -> None:
    for sweep in range(sweeps):
        down = sweep % 2 == 0
        indices = range(1, len(columns)) if down else range(len(columns) - 2, -1, -1)
        for i in indices:
            ref = columns[i - 1] if down else columns[i + 1]
            rank = {n: k for k, n in enumerate(ref)}
            col = columns[i]

            def key(item, rank=rank, down=down, ref=ref, col=col):
                k, n = item
                near = dag.predecessors(n) if down else dag.successors(n)
                ranks = [rank[m] for m in near if m in rank]
                return (sum(ranks) / len(ranks) if ranks else k * len(ref) / max(len(col), 1), k)

            columns[i] = [n for _k, n in sorted(enumerate(col), key=key)]


def _keep_groups_together(column: list[str], groups: Mapping[str, str | None]) -> list[str]:
    """Members of one group become contiguous, at the place of the group's first member."""
    buckets: dict[object, list[str]] = {}
    for n in column:
        key = groups.get(n) or ("", n)
        buckets.setdefault(key, []).append(n)
    return [n for bucket in buckets.values() for n in bucket]


def plan_layout(plan, gap: tuple[float, float] = (100.0, 40.0), origin: Point = (60.0, 60.0)) -> dict[str, Point]:
    """Grid-snapped card centres for every component of `plan` (links to a group reach its members;
    health links do not rank), the way the canvas's automatic layout places them."""
    members: dict[str, list[str]] = {}
    for component in plan.components:
        if component.group:
            members.setdefault(component.group, []).append(component.id)
    children: dict[str, list[str]] = {}
    for group in plan.groups:
        if group.parent:
            children.setdefault(group.parent, []).append(group.id)

    def ends(item_id: str) -> list[str]:
        if item_id not in {g.id for g in plan.groups}:
            return [item_id]
        found, todo, seen = [], [item_id], set()
        while todo:
            gid = todo.pop()
            if gid not in seen:
                seen.add(gid)
                found += members.get(gid, [])
                todo += children.get(gid, [])
        return found

    edges = [(a, b) for link in plan.links if link.kind != "health"
             for a in ends(link.source) for b in ends(link.target)]
    positions = layered_layout([c.id for c in plan.components], edges, CARD_SIZE, gap=gap, origin=origin,
                               groups={c.id: c.group for c in plan.components}, group_gap=4 * GRID)
    return {k: (round(x / GRID) * GRID, round(y / GRID) * GRID) for k, (x, y) in positions.items()}
