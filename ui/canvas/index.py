"""
What the canvas holds, by id: one item per component, link and group, and the relations the scene
follows when something moves (the links ending at a card or group, the members and sub-groups of a
group). The scene, its geometry and its operations share this one index through its methods; none of
them reaches into another's attributes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archplan.ui.canvas.items import ComponentItem, GroupItem, LinkItem


class SceneIndex:
    """Items by id and who is connected to / inside whom."""

    def __init__(self):
        self.components: dict[str, ComponentItem] = {}
        self.links: dict[str, LinkItem] = {}        # insertion order: Qt's stacking order for equal z
        self.groups: dict[str, GroupItem] = {}
        self._ends: dict[str, set[str]] = defaultdict(set)      # component/group id -> link ids
        self._members: dict[str, set[str]] = defaultdict(set)   # group id -> member component ids
        self._pairs: dict[tuple[str, str], set[str]] = defaultdict(set)  # sorted (end, end) -> link ids

    def clear(self) -> None:
        for table in (self.components, self.links, self.groups, self._ends, self._members, self._pairs):
            table.clear()

    def item(self, item_id: str):
        """The card, link or group with this id (None if there is none)."""
        return self.components.get(item_id) or self.links.get(item_id) or self.groups.get(item_id)

    # ------------------------------------------------------------------ components
    def add_component(self, item: ComponentItem) -> None:
        self.components[item.component_id] = item
        if item.component.group:
            self._members[item.component.group].add(item.component_id)

    def remove_component(self, cid: str) -> ComponentItem | None:
        item = self.components.pop(cid, None)
        if item is not None and item.component.group:
            self._members[item.component.group].discard(cid)
        self._ends.pop(cid, None)
        return item

    def move_member(self, cid: str, old_group: str | None, new_group: str | None) -> None:
        if old_group:
            self._members[old_group].discard(cid)
        if new_group:
            self._members[new_group].add(cid)

    # ------------------------------------------------------------------ links
    @staticmethod
    def _pair(a: str, b: str) -> tuple[str, str]:
        return (a, b) if a <= b else (b, a)

    def add_link(self, item: LinkItem) -> None:
        lid, source, target = item.link_id, item.link.source, item.link.target
        self.links[lid] = item
        self._ends[source].add(lid)
        self._ends[target].add(lid)
        self._pairs[(source, target) if source <= target else (target, source)].add(lid)

    def shared_pairs(self) -> list[tuple[str, str]]:
        """End pairs joined by more than one link (they may run both ways and be drawn apart)."""
        return [pair for pair, lids in self._pairs.items() if len(lids) > 1]

    def remove_link(self, lid: str) -> LinkItem | None:
        item = self.links.pop(lid, None)
        if item is not None:
            self._ends[item.link.source].discard(lid)
            self._ends[item.link.target].discard(lid)
            self._pairs[self._pair(item.link.source, item.link.target)].discard(lid)
        return item

    def move_link_ends(self, lid: str, old: tuple[str, str], new: tuple[str, str]) -> None:
        for end in old:
            self._ends[end].discard(lid)
        for end in new:
            self._ends[end].add(lid)
        self._pairs[self._pair(*old)].discard(lid)
        self._pairs[self._pair(*new)].add(lid)

    def links_at(self, end_id: str) -> list[str]:
        """Ids of the links starting or ending at a card or group."""
        return list(self._ends.get(end_id, ()))

    def links_between(self, a: str, b: str) -> list[LinkItem]:
        """The links joining a and b, either way."""
        return [self.links[lid] for lid in self._pairs.get(self._pair(a, b), ()) if lid in self.links]

    # ------------------------------------------------------------------ groups
    def add_group(self, item: GroupItem) -> None:
        self.groups[item.group_id] = item

    def remove_group(self, gid: str) -> GroupItem | None:
        self._ends.pop(gid, None)
        self._members.pop(gid, None)
        return self.groups.pop(gid, None)

    def members(self, gid: str) -> set[str]:
        """Component ids directly in a group."""
        return set(self._members.get(gid, ()))

    def subgroups(self, gid: str) -> Iterator[GroupItem]:
        return (g for g in self.groups.values() if g.group.parent == gid)

    def members_deep(self, gid: str) -> set[str]:
        """Component ids in a group or any group nested in it."""
        found, todo, seen = set(), [gid], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            found |= self._members.get(current, set())
            todo += [g.group_id for g in self.subgroups(current)]
        return found
