"""
Geometry for the diagram: rank staggering for wide plans, and the as-drawn placement.

- `stagger_edges`: graphviz ``dot`` puts every component at the same distance from the entry in
  one rank, so 40 services behind one gateway become a 40-node column, thousands of points tall.
  Like graphviz's ``unflatten -c``, we bound the width of a rank: a longest-path layering is computed,
  any layer wider than the bound spills into the next ranks, and invisible edges chain each spilled
  node to one in the rank before it (edge ``minlen`` or ``rank=same`` do not hold: network simplex
  pulls the nodes back together, and rank sets fight clusters). Plans whose ranks are narrow enough
  are left to ``dot`` untouched.
- `spacing` and `group_rects`: the as-drawn layout scales canvas positions uniformly (relative
  positions are kept exactly) just enough that labels do not overlap, and computes the boxes drawn
  for groups (neato draws no clusters).
"""

from __future__ import annotations

import math
from itertools import combinations, pairwise

from archplan.exports.diagram_labels import Box
from archplan.exports.grouping import depth as group_depth
from archplan.exports.grouping import effective_parents
from archplan.planner.graph import back_edges
from archplan.planner.model import Plan


def max_rank_width(n_nodes: int) -> int:
    """How many nodes one rank may hold before it spills: grows with the square root of the plan."""
    return max(8, round(1.5 * math.sqrt(n_nodes)))


def stagger_edges(nodes: list[str], edges: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """Invisible edges that keep every rank at most `width` nodes wide; [] when dot's own ranks already are."""
    order = {n: i for i, n in enumerate(nodes)}
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for tail, head in edges:
        if tail in succ and head in succ and tail != head and head not in succ[tail]:
            succ[tail].append(head)
    back = back_edges(nodes, succ)     # dropped: the rest is acyclic
    forward = {n: [head for head in succ[n] if (n, head) not in back] for n in nodes}
    preds: dict[str, list[str]] = {n: [] for n in nodes}
    for tail, heads in forward.items():
        for head in heads:
            preds[head].append(tail)
    layer: dict[str, int] = {}
    for node in _topological(nodes, forward, preds):
        layer[node] = max((layer[p] + 1 for p in preds[node]), default=0)
    counts: dict[int, int] = {}
    for value in layer.values():
        counts[value] = counts.get(value, 0) + 1
    if not counts or max(counts.values()) <= width:
        return []
    rank: dict[str, int] = {}
    occupancy: dict[int, int] = {}
    for node in sorted(nodes, key=lambda n: (layer[n], order[n])):
        r = max((rank[p] + 1 for p in preds[node]), default=0)
        while occupancy.get(r, 0) >= width:
            r += 1
        rank[node] = r
        occupancy[r] = occupancy.get(r, 0) + 1
    chains = []
    for value in sorted(counts):
        spread: dict[int, list[str]] = {}
        for node in (n for n in nodes if layer[n] == value):
            spread.setdefault(rank[node], []).append(node)
        ranks = sorted(spread)
        for before, after in pairwise(ranks):
            for i, node in enumerate(spread[after]):
                chains.append((spread[before][i % len(spread[before])], node))
    return chains


def _topological(nodes: list[str], forward: dict[str, list[str]], preds: dict[str, list[str]]) -> list[str]:
    waiting = {n: len(preds[n]) for n in nodes}
    ready = [n for n in nodes if waiting[n] == 0]
    out = []
    while ready:
        node = ready.pop(0)
        out.append(node)
        for head in forward[node]:
            waiting[head] -= 1
            if waiting[head] == 0:
                ready.append(head)
    return out


# ---------------------------------------------------------------------------------------- as drawn

def spacing(plan: Plan, boxes: dict[str, Box], limit: float = 6.0) -> float:
    """Points per canvas unit: the smallest uniform scale (at least 1) at which no two labels overlap.
    Pairs that would need more than `limit` (cards drawn on top of each other) are left overlapping
    rather than blowing the whole drawing up.

    A uniform scale keeps every relative position (left of, above) exactly as drawn."""
    k = 1.0
    comps = plan.components
    if len(comps) > 400:  # O(n^2): beyond this keep the canvas scale
        return k
    for a, b in combinations(comps, 2):
        dx, dy = abs(a.position.x - b.position.x), abs(a.position.y - b.position.y)
        need_x = (boxes[a.id].width + boxes[b.id].width) / 2 + 16
        need_y = (boxes[a.id].height + boxes[b.id].height) / 2 + 16
        kx = need_x / dx if dx > 0 else math.inf
        ky = need_y / dy if dy > 0 else math.inf
        if min(kx, ky) <= limit:        # cards drawn (almost) on top of each other stay so: no blow-up
            k = max(k, min(kx, ky))
    return k


Rect = tuple[float, float, float, float]


def group_rects(plan: Plan, centre: dict[str, tuple[float, float]], boxes: dict[str, Box],
                pad: float = 18.0, title: float = 26.0) -> dict[str, Rect]:
    """(x0, y0, x1, y1) in points per group with members: its own members' boxes and its nested groups'
    rectangles, plus padding, with room for the title on top (y grows upwards)."""
    rects: dict[str, Rect] = {}
    parents = effective_parents(plan)
    for group in sorted(plan.groups, key=lambda g: -group_depth(plan, g.id)):
        parts = [(centre[c][0] - boxes[c].width / 2, centre[c][1] - boxes[c].height / 2,
                  centre[c][0] + boxes[c].width / 2, centre[c][1] + boxes[c].height / 2)
                 for c in (c.id for c in plan.components if c.group == group.id) if c in centre]
        parts += [rects[g.id] for g in plan.groups if parents[g.id] == group.id and g.id in rects]
        if parts:
            rects[group.id] = (min(p[0] for p in parts) - pad, min(p[1] for p in parts) - pad,
                               max(p[2] for p in parts) + pad, max(p[3] for p in parts) + pad + title)
    return rects
