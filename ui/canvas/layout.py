"""
Arranging cards: a layered left-to-right layout and align / distribute. Pure functions on
{id: (x, y)} card centres, no Qt, so they are easy to test and the scene turns the result into one
Editor.set_positions call (one undo step).

Layout (a small Sugiyama): break cycles by reversing DFS back edges, give every node the layer of its
longest incoming path, order each layer by the barycentre of its neighbours in the previous layer
(a few down and up sweeps), keep each group's members together inside a layer, then place layers as
columns and centre them vertically. Nodes with no traffic links (e.g. only health checks) go in a
last column so they do not crowd the entry points.

Align and distribute never stack cards: after aligning on one axis, cards that would overlap are
pushed apart along the other, keeping their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from archplan.planner.graph import back_edges

Point = tuple[float, float]
ALIGN_MODES = ("left", "right", "top", "bottom", "hcenter", "vcenter", "hdistribute", "vdistribute")


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


# ------------------------------------------------------------------------------------------ align
def align(positions: Mapping[str, Point], mode: str, size: tuple[float, float], gap: float = 20.0
          ) -> dict[str, Point]:
    """Align or distribute card centres; cards of `size` never end up overlapping."""
    if mode not in ALIGN_MODES:
        raise ValueError(f"unknown align mode {mode!r} (use one of {', '.join(ALIGN_MODES)})")
    if len(positions) < 2:
        return dict(positions)
    w, h = size
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    out = dict(positions)
    if mode in ("left", "right", "hcenter"):
        x = min(xs) if mode == "left" else max(xs) if mode == "right" else (min(xs) + max(xs)) / 2
        out = {k: (x, y) for k, (_x, y) in positions.items()}
        return _spread(out, axis=1, extent=h + gap)
    if mode in ("top", "bottom", "vcenter"):
        y = min(ys) if mode == "top" else max(ys) if mode == "bottom" else (min(ys) + max(ys)) / 2
        out = {k: (x, y) for k, (x, _y) in positions.items()}
        return _spread(out, axis=0, extent=w + gap)
    axis = 0 if mode == "hdistribute" else 1
    extent = (w if axis == 0 else h) + gap
    ranked = sorted(positions, key=lambda k: (positions[k][axis], positions[k][1 - axis]))
    first, last = positions[ranked[0]][axis], positions[ranked[-1]][axis]
    step = max((last - first) / (len(ranked) - 1), extent)
    for i, k in enumerate(ranked):
        value = first + i * step
        out[k] = (value, positions[k][1]) if axis == 0 else (positions[k][0], value)
    return out


def _spread(positions: dict[str, Point], axis: int, extent: float) -> dict[str, Point]:
    """Push cards apart along `axis` (keeping their order) until neighbours are `extent` apart."""
    ranked = sorted(positions, key=lambda k: positions[k][axis])
    out = dict(positions)
    previous = None
    for k in ranked:
        value = positions[k][axis]
        if previous is not None and value < previous + extent:
            value = previous + extent
        out[k] = (value, positions[k][1]) if axis == 0 else (positions[k][0], value)
        previous = value
    return out


def overlapping(positions: Mapping[str, Point], size: tuple[float, float]) -> list[tuple[str, str]]:
    """Pairs of cards (centres, common size) whose rectangles overlap: a check for tests and layout."""
    w, h = size
    items = sorted(positions.items(), key=lambda kv: kv[1][0])
    pairs = []
    for i, (a, (ax, ay)) in enumerate(items):
        for b, (bx, by) in items[i + 1:]:
            if bx - ax >= w:
                break
            if abs(ay - by) < h:
                pairs.append((a, b))
    return pairs
