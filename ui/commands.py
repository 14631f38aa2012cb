"""
Undo commands: one per user gesture. They call Document primitives only (never canvas items) and
store absolute old/new values, so redo() is idempotent (QUndoStack.push calls it at once).
Typing in one field merges into one command (id() + mergeWith()).
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtGui import QUndoCommand

from archplan.planner.model import Component, Group, Link
from archplan.ui.document import Document

MERGE_COMPONENT_FIELDS = 1001
MERGE_LINK_FIELDS = 1002
MERGE_TRAFFIC = 1003
MERGE_SETTINGS = 1004
MERGE_PLAN_INFO = 1005
MERGE_GROUP_FIELDS = 1006
MERGE_NUDGE = 1007


class AddItems(QUndoCommand):
    """Add components, groups and links (a drop, a paste, a template merge, a connect)."""

    def __init__(self, doc: Document, components: list[Component] = (), links: list[Link] = (),
                 groups: list[Group] = (), text: str = "Add"):
        super().__init__(text)
        self.doc = doc
        self.components = list(components)
        self.links = list(links)
        self.groups = list(groups)

    def redo(self) -> None:
        for group in self.groups:
            self.doc.add_group(group)
        for comp in self.components:
            self.doc.add_component(comp)
        for link in self.links:
            self.doc.add_link(link)

    def undo(self) -> None:
        for link in reversed(self.links):
            self.doc.remove_link(link.id)
        for comp in reversed(self.components):
            self.doc.remove_component(comp.id)
        for group in reversed(self.groups):
            self.doc.remove_group(group.id)


class RemoveItems(QUndoCommand):
    """Delete links, components (with their links) and groups; undo puts everything back in place."""

    def __init__(self, doc: Document, component_ids=(), link_ids=(), group_ids=(), text: str = "Delete"):
        super().__init__(text)
        self.doc = doc
        self.component_ids = list(component_ids)
        self.link_ids = list(link_ids)
        self.group_ids = list(group_ids)
        self._undo: list[tuple[str, Any]] = []

    def redo(self) -> None:
        self._undo = []
        plan = self.doc.plan
        present_links = {lk.id for lk in plan.links}
        for lid in self.link_ids:
            if lid in present_links:
                self._undo.append(("link", self.doc.remove_link(lid)))
        for cid in self.component_ids:
            self._undo.append(("component", self.doc.remove_component(cid)))
        for gid in self.group_ids:
            self._undo.append(("group", self.doc.remove_group(gid)))

    def undo(self) -> None:
        for what, data in reversed(self._undo):
            if what == "link":
                index, link = data
                self.doc.add_link(link, index)
            elif what == "component":
                self.doc.restore_component(*data)
            else:
                self.doc.restore_group(*data)
        self._undo = []


class MoveComponents(QUndoCommand):
    """One drag (or an automatic layout, or an align) = one command with absolute positions."""

    def __init__(self, doc: Document, old: dict[str, tuple[float, float]], new: dict[str, tuple[float, float]],
                 text: str = "Move"):
        super().__init__(text)
        self.doc, self.old, self.new = doc, dict(old), dict(new)

    def redo(self) -> None:
        self.doc.move_components(self.new)

    def undo(self) -> None:
        self.doc.move_components(self.old)


class NudgeComponents(MoveComponents):
    """Arrow-key moves: presses in quick succession on the same cards are one undo step."""

    MERGE_WINDOW_S = 2.0

    def __init__(self, doc: Document, old, new, text: str = "Nudge"):
        super().__init__(doc, old, new, text)
        self.last_edit = time.monotonic()

    def id(self) -> int:
        return MERGE_NUDGE

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NudgeComponents) or set(other.new) != set(self.new) \
                or other.last_edit - self.last_edit > self.MERGE_WINDOW_S:
            return False
        self.new = dict(other.new)
        self.last_edit = other.last_edit
        return True


class _SetFields(QUndoCommand):
    """Change some fields of one object; edits of the same fields in quick succession merge.

    Only edits less than MERGE_WINDOW_S apart merge (one typing or dragging session is one undo step);
    the same field edited again later is a step of its own."""

    merge_id = -1
    MERGE_WINDOW_S = 2.0

    def __init__(self, doc: Document, target: str | None, changes: dict[str, Any], text: str):
        super().__init__(text)
        self.doc, self.target, self.changes = doc, target, dict(changes)
        self.old: dict[str, Any] | None = None
        self.last_edit = time.monotonic()

    def apply(self, changes: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def redo(self) -> None:
        old = self.apply(self.changes)
        if self.old is None:
            self.old = old

    def undo(self) -> None:
        self.apply(self.old or {})

    def id(self) -> int:
        return self.merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, type(self)) or other.target != self.target or set(other.changes) != set(self.changes):
            return False
        if other.last_edit - self.last_edit > self.MERGE_WINDOW_S:
            return False
        self.changes = dict(other.changes)
        self.last_edit = other.last_edit
        return True


class SetComponentFields(_SetFields):
    merge_id = MERGE_COMPONENT_FIELDS

    def __init__(self, doc: Document, component_id: str, changes: dict[str, Any], text: str = "Edit component"):
        super().__init__(doc, component_id, changes, text)

    def apply(self, changes):
        return self.doc.update_component(self.target, **changes)


class SetLinkFields(_SetFields):
    merge_id = MERGE_LINK_FIELDS

    def __init__(self, doc: Document, link_id: str, changes: dict[str, Any], text: str = "Edit link"):
        super().__init__(doc, link_id, changes, text)

    def apply(self, changes):
        return self.doc.update_link(self.target, **changes)


class SetGroupFields(_SetFields):
    merge_id = MERGE_GROUP_FIELDS

    def __init__(self, doc: Document, group_id: str, changes: dict[str, Any], text: str = "Edit group"):
        super().__init__(doc, group_id, changes, text)

    def apply(self, changes):
        return self.doc.update_group(self.target, **changes)


class SetTraffic(_SetFields):
    merge_id = MERGE_TRAFFIC

    def __init__(self, doc: Document, changes: dict[str, Any], text: str = "Edit traffic"):
        super().__init__(doc, None, changes, text)

    def apply(self, changes):
        return self.doc.update_traffic(**changes)


class SetSettings(_SetFields):
    merge_id = MERGE_SETTINGS

    def __init__(self, doc: Document, changes: dict[str, Any], text: str = "Edit settings"):
        super().__init__(doc, None, changes, text)

    def apply(self, changes):
        return self.doc.update_settings(**changes)


class SetPlanInfo(_SetFields):
    merge_id = MERGE_PLAN_INFO

    def __init__(self, doc: Document, changes: dict[str, Any], text: str = "Edit plan"):
        super().__init__(doc, None, changes, text)

    def apply(self, changes):
        return self.doc.update_plan(**changes)


class GroupComponents(QUndoCommand):
    """Make a group (zone / tier) around components."""

    def __init__(self, doc: Document, group: Group, members: list[str], text: str = "Group"):
        super().__init__(text)
        self.doc, self.group, self.members = doc, group, list(members)

    def redo(self) -> None:
        self.previous = self.doc.add_group(self.group, self.members)

    def undo(self) -> None:
        self.doc.remove_group(self.group.id)
        for cid, parent in self.previous.items():
            if self.doc.plan.component(cid).group != parent:
                self.doc.update_component(cid, group=parent)


class SetFaults(QUndoCommand):
    """Replace the document's what-if faults (ui/faults.py): absolute old and new lists, so redo is idempotent.
    The faults are not part of the plan; undoing them is undoing a step of what the user did."""

    def __init__(self, doc: Document, faults, text: str):
        super().__init__(text)
        self.doc, self.new, self.old = doc, tuple(faults), None

    def redo(self) -> None:
        old = self.doc.set_faults(self.new)
        if self.old is None:
            self.old = old

    def undo(self) -> None:
        self.doc.set_faults(self.old or ())
