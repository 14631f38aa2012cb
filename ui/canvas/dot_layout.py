"""
Automatic layout of a whole plan with Graphviz `dot` (the program the diagram export uses already):
layers left to right, zones and regions as clusters (their members stay together, nested ones inside
their parent), edge crossings minimised by dot's ordering, and the long links that would run behind
other cards bent around them along dot's own route.

`plan_layout(plan, size, grid)` returns {component id: (x, y)} card centres and {link id: bends}; the
scene applies both as one undo step. Without `dot`, or past DOT_LIMIT components (dot is quadratic in
places), the layered layout of layout.py is used instead, with no bends. No Qt here.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Mapping

from archplan.ui.canvas import layout
from archplan.ui.canvas.arrows import clip_span

Point = tuple[float, float]
#: Above this many components the pure-Python layered layout is used (dot takes seconds there).
DOT_LIMIT = 400
DOT_TIMEOUT_S = 20.0
#: Graphviz works in inches (72 points); cards are sized in scene pixels, taken as points.
PT = 72.0


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot_source(plan, size: tuple[float, float], gap: tuple[float, float] = (100.0, 40.0)) -> str:
    """The plan as a dot graph: cards as fixed-size boxes, groups as (nested) clusters, traffic links
    as edges (health checks do not shape the drawing)."""
    w, h = size
    children: dict[str | None, list] = {}
    for group in plan.groups:
        children.setdefault(group.parent if group.parent in {g.id for g in plan.groups} else None, []).append(group)
    members: dict[str | None, list] = {}
    for component in plan.components:
        members.setdefault(component.group, []).append(component)
    lines = ["digraph plan {", f"  graph [rankdir=LR, nodesep={gap[1] / PT:.3f}, ranksep={gap[0] / PT:.3f}, "
             "splines=polyline, newrank=true, compound=true];",
             f"  node [shape=box, fixedsize=true, width={w / PT:.3f}, height={h / PT:.3f}, label=\"\"];"]

    def emit(group_id: str | None, indent: str) -> None:
        for component in members.get(group_id, []):
            lines.append(f"{indent}{_quote(component.id)};")
        for group in children.get(group_id, []):
            # an empty label in a large font keeps room at the top for the frame's title band
            lines.append(f"{indent}subgraph {_quote('cluster_' + group.id)} {{ label=\" \"; fontsize=34; "
                         "margin=22;")
            emit(group.id, indent + "  ")
            lines.append(f"{indent}}}")
    emit(None, "  ")
    ends = _group_ends(plan)
    for link in plan.links:
        if link.kind == "health":
            continue
        sources, targets = ends.get(link.source, [link.source]), ends.get(link.target, [link.target])
        if not sources or not targets:
            continue
        lines.append(f"  {_quote(sources[0])} -> {_quote(targets[0])} [id={_quote(link.id)}];")
    lines.append("}")
    return "\n".join(lines)


def _group_ends(plan) -> dict[str, list[str]]:
    """A link to a group is laid out as a link to (the first of) its members."""
    return layout.members_deep(plan)


def run_dot(source: str) -> str:
    """`dot -Tplain` of a graph; raises OSError / subprocess errors when dot cannot run."""
    dot = shutil.which("dot")
    if dot is None:
        raise FileNotFoundError("the Graphviz `dot` program is not installed")
    done = subprocess.run([dot, "-Tplain"], input=source, capture_output=True, text=True, timeout=DOT_TIMEOUT_S,
                          check=True)
    return done.stdout


def parse_plain(text: str) -> tuple[dict[str, Point], dict[str, list[Point]]]:
    """Node centres and edge routes from `dot -Tplain` (inches, y up) in points with y down."""
    nodes: dict[str, Point] = {}
    edges: dict[tuple[str, str], list[list[Point]]] = {}
    height = 0.0
    for line in text.splitlines():
        parts = _split(line)
        if not parts:
            continue
        if parts[0] == "graph":
            height = float(parts[3])
        elif parts[0] == "node":
            nodes[parts[1]] = (float(parts[2]) * PT, (height - float(parts[3])) * PT)
        elif parts[0] == "edge":
            count = int(parts[3])
            xs = parts[4:4 + 2 * count]
            points = [(float(xs[i]) * PT, (height - float(xs[i + 1])) * PT) for i in range(0, len(xs), 2)]
            edges.setdefault((parts[1], parts[2]), []).append(points)
    return nodes, edges


def _split(line: str) -> list[str]:
    """Split a -Tplain line, keeping quoted names whole."""
    out, current, quoted, escaped = [], [], False, False
    for ch in line:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == " " and not quoted:
            if current:
                out.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        out.append("".join(current))
    return out


def _crosses_card(a: Point, b: Point, card: Point, size: tuple[float, float]) -> bool:
    """Does the segment a-b pass through the card centred at `card` (a little inside its border)?"""
    w, h = size[0] / 2 - 4, size[1] / 2 - 4
    left, right, top, bottom = card[0] - w, card[0] + w, card[1] - h, card[1] + h
    return clip_span(a[0], a[1], b[0] - a[0], b[1] - a[1], (left, top, right, bottom)) is not None


def plan_layout(plan, size: tuple[float, float], grid: float) -> tuple[dict[str, Point], dict[str, list[Point]]]:
    """Card centres (snapped to the grid, the drawing's top-left corner kept where it was) and bends of the
    links that would otherwise run behind a card."""
    if not plan.components:
        return {}, {}
    xs = [c.position.x for c in plan.components]
    ys = [c.position.y for c in plan.components]
    w, h = size
    origin = (round((min(xs) - w / 2) / grid) * grid, round((min(ys) - h / 2) / grid) * grid)
    if len(plan.components) > DOT_LIMIT or shutil.which("dot") is None:
        return layout.plan_layout(plan, size, grid), {lk.id: [] for lk in plan.links if lk.waypoints}
    try:
        nodes, edges = parse_plain(run_dot(dot_source(plan, size)))
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return layout.plan_layout(plan, size, grid), {lk.id: [] for lk in plan.links if lk.waypoints}
    left = min(x for x, _ in nodes.values()) - w / 2
    top = min(y for _, y in nodes.values()) - h / 2

    def place(point: Point) -> Point:
        x, y = point[0] - left + origin[0], point[1] - top + origin[1]
        return (round(x / grid) * grid, round(y / grid) * grid)

    positions = {cid: place(nodes[cid]) for cid in (c.id for c in plan.components) if cid in nodes}
    bends: dict[str, list[Point]] = {}
    ends = _group_ends(plan)
    cards = positions
    for link in plan.links:
        bends[link.id] = []
        if link.kind == "health" or link.source not in cards or link.target not in cards:
            continue
        a, b = cards[link.source], cards[link.target]
        blocked = any(_crosses_card(a, b, p, size) for cid, p in cards.items() if cid not in (link.source, link.target))
        routes = edges.get((ends.get(link.source, [link.source])[0], ends.get(link.target, [link.target])[0]))
        if blocked and routes:
            route = routes.pop(0)
            inner = [place(p) for p in route[3:-3:3]]   # the joints of dot's polyline, between its ends
            bends[link.id] = [p for i, p in enumerate(inner) if i == 0 or math.dist(p, inner[i - 1]) > grid]
    unchanged = {lid for lid, points in bends.items() if not points and not plan.link(lid).waypoints}
    return positions, {lid: points for lid, points in bends.items() if lid not in unchanged}


def crossings(positions: Mapping[str, Point], edges: list[tuple[str, str]]) -> int:
    """How many pairs of straight edges (between card centres) cross: a measure for tests and layouts."""
    def ccw(a, b, c) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    segments = [(positions[a], positions[b], {a, b}) for a, b in edges if a in positions and b in positions]
    count = 0
    for i, (p1, p2, ends1) in enumerate(segments):
        for q1, q2, ends2 in segments[i + 1:]:
            if ends1 & ends2:
                continue
            d1, d2 = ccw(q1, q2, p1), ccw(q1, q2, p2)
            d3, d4 = ccw(p1, p2, q1), ccw(p1, p2, q2)
            if d1 * d2 < 0 and d3 * d4 < 0:
                count += 1
    return count
