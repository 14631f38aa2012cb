"""
Arranging cards: the layered left-to-right layout (planner/layout.py, shared with the importers) and
align / distribute. Pure functions on {id: (x, y)} card centres, no Qt, so they are easy to test and
the scene turns the result into one Editor.set_positions call (one undo step).

Align and distribute never stack cards: after aligning on one axis, cards that would overlap are
pushed apart along the other, keeping their order.
"""

from __future__ import annotations

from collections.abc import Mapping

from archplan.planner import layout as _planner_layout
from archplan.planner.layout import Point, layered_layout

__all__ = ["ALIGN_MODES", "Point", "align", "layered_layout", "members_deep", "overlapping", "plan_layout"]
ALIGN_MODES = ("left", "right", "top", "bottom", "hcenter", "vcenter", "hdistribute", "vdistribute")


def plan_layout(plan, size: tuple[float, float], grid: float) -> dict[str, Point]:
    """Card centres for a whole plan (planner.layout.plan_layout), the drawing's top-left corner kept
    where it was, snapped to the grid."""
    xs = [c.position.x for c in plan.components]
    ys = [c.position.y for c in plan.components]
    w, h = size
    origin = (round((min(xs) - w / 2) / grid) * grid, round((min(ys) - h / 2) / grid) * grid)
    return _planner_layout.plan_layout(plan, gap=(100.0, 40.0), origin=origin)


def members_deep(plan) -> dict[str, list[str]]:
    """Group id -> every component inside it, nested groups included."""
    children: dict[str, list[str]] = {}
    for g in plan.groups:
        if g.parent:
            children.setdefault(g.parent, []).append(g.id)
    direct: dict[str, list[str]] = {}
    for c in plan.components:
        if c.group:
            direct.setdefault(c.group, []).append(c.id)
    out = {}
    for g in plan.groups:
        todo, seen, found = [g.id], set(), []
        while todo:
            gid = todo.pop()
            if gid in seen:
                continue
            seen.add(gid)
            found += direct.get(gid, [])
            todo += children.get(gid, [])
        out[g.id] = found
    return out


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
