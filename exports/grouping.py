"""
The group tree as the exporters draw it: every group's parent, with parent cycles broken.

The plan model does not forbid a cycle of group parents (A inside B inside A); the engine copes, and
so must every exporter that nests groups, or a cycle would hide its groups and their members. A
group whose chain of parents loops (or leads into a loop) is drawn at the top level.
"""

from __future__ import annotations


def effective_parents(plan) -> dict[str, str | None]:
    """Group id -> the parent it is drawn inside (None at the top level)."""
    declared = {g.id: g.parent for g in plan.groups}
    parents: dict[str, str | None] = {}
    for group in plan.groups:
        seen, current = {group.id}, group.parent
        while current is not None and current in declared and current not in seen:
            seen.add(current)
            current = declared[current]
        parents[group.id] = group.parent if current is None or current not in declared else None
    return parents


def children_by_parent(plan) -> dict[str | None, list]:
    """Parent id (None for the top level) -> its groups, in plan order."""
    parents = effective_parents(plan)
    children: dict[str | None, list] = {}
    for group in plan.groups:
        children.setdefault(parents[group.id], []).append(group)
    return children


def depth(plan, group_id: str) -> int:
    """How many groups enclose this one (0 at the top level)."""
    parents = effective_parents(plan)
    level, current = 0, parents.get(group_id)
    while current is not None:
        level += 1
        current = parents[current]
    return level
