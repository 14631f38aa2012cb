"""
The editor: user-level operations on the open plan, each pushed as one undo command.

Views (canvas, inspector, menus) call these methods; nothing else mutates the plan. Errors a user
can cause (an invalid value, a duplicate link) raise planner.edit.EditError, which views show as a
message next to the field; the plan is left unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from archplan.planner import edit
from archplan.planner.model import Component, Group, Link, Plan, new_id
from archplan.ui import commands as cmd
from archplan.ui.document import Document


class Editor(QObject):
    #: The file path or the clean state changed (title bar).
    state_changed = Signal()

    def __init__(self, plan: Plan | None = None, parent: QObject | None = None, debounce_ms: int = 30):
        super().__init__(parent)
        self.document = Document(plan, self, debounce_ms=debounce_ms)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self.state_changed)
        self.path: str | None = None

    @property
    def plan(self) -> Plan:
        return self.document.plan

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def _push(self, command) -> None:
        self.undo_stack.push(command)

    # ------------------------------------------------------------------ components
    def add_component(self, kind: str, x: float = 0.0, y: float = 0.0, **fields: Any) -> str:
        component = edit.new_component(self.plan, kind, x=x, y=y, **fields)
        self._push(cmd.AddItems(self.document, components=[component], text=f"Add {component.name}"))
        return component.id

    def delete(self, component_ids: Iterable[str] = (), link_ids: Iterable[str] = (),
               group_ids: Iterable[str] = ()) -> None:
        component_ids, link_ids, group_ids = list(component_ids), list(link_ids), list(group_ids)
        if not (component_ids or link_ids or group_ids):
            return
        count = len(component_ids) + len(link_ids) + len(group_ids)
        self._push(cmd.RemoveItems(self.document, component_ids, link_ids, group_ids,
                                   text=f"Delete {count} item{'s' if count > 1 else ''}"))

    def move(self, old: dict[str, tuple[float, float]], new: dict[str, tuple[float, float]],
             text: str = "Move") -> None:
        """Record a finished drag (items already show `new`); no-op when nothing moved."""
        moved = {k: v for k, v in new.items() if old.get(k) != v}
        if moved:
            self._push(cmd.MoveComponents(self.document, {k: old[k] for k in moved}, moved, text))

    def set_positions(self, positions: dict[str, tuple[float, float]], text: str = "Layout") -> None:
        """Move components to absolute positions as one step (layout, align)."""
        old = {c.id: (c.position.x, c.position.y) for c in self.plan.components if c.id in positions}
        self.move(old, positions, text)

    def set_component(self, component_id: str, **changes: Any) -> None:
        """Change fields of a component; raises EditError (plan unchanged) if the result is invalid."""
        edit.update_component(self.plan, component_id, dry_run=True, **changes)  # a bad value never enters the stack
        self._push(cmd.SetComponentFields(self.document, component_id, changes,
                                          f"Edit {self.plan.component(component_id).name}"))

    # ------------------------------------------------------------------ links
    def connect(self, source: str, target: str, kind: str | None = None, **fields: Any) -> str:
        if any(lk.source == source and lk.target == target for lk in self.plan.links):
            raise edit.EditError("these two are already linked")
        link = edit.new_link(self.plan, source, target, kind, **fields)
        self._push(cmd.AddItems(self.document, links=[link], text="Connect"))
        return link.id

    def set_link(self, link_id: str, **changes: Any) -> None:
        edit.update_link(self.plan, link_id, dry_run=True, **changes)
        self._push(cmd.SetLinkFields(self.document, link_id, changes))

    # ------------------------------------------------------------------ groups
    def group(self, component_ids: Iterable[str], name: str = "Zone", kind: str = "zone") -> str:
        members = list(component_ids)
        gid = new_id(name, edit.all_ids(self.plan))
        group = Group(id=gid, name=name, kind=kind)
        self._push(cmd.GroupComponents(self.document, group, members, text=f"Group into {name}"))
        return gid

    def set_group(self, group_id: str, **changes: Any) -> None:
        edit.update_group(self.plan, group_id, dry_run=True, **changes)
        self._push(cmd.SetGroupFields(self.document, group_id, changes))

    # ------------------------------------------------------------------ plan-wide
    def set_traffic(self, **changes: Any) -> None:
        edit.update_traffic(self.plan, dry_run=True, **changes)
        self._push(cmd.SetTraffic(self.document, changes))

    def set_settings(self, **changes: Any) -> None:
        edit.update_settings(self.plan, dry_run=True, **changes)
        self._push(cmd.SetSettings(self.document, changes))

    def set_plan_info(self, **changes: Any) -> None:
        edit.update_plan(self.plan, dry_run=True, **changes)
        self._push(cmd.SetPlanInfo(self.document, changes))

    def paste(self, components: list[Component], links: list[Link], offset=(40.0, 40.0)) -> list[str]:
        """Add copies (fresh ids) of components and the links among them; returns the new ids."""
        probe = self.plan.model_copy(deep=True)
        new_c, new_l = edit.paste(probe, components, links, offset)
        added_c = [probe.component(cid) for cid in new_c]
        added_l = [probe.link(lid) for lid in new_l]
        if added_c:
            self._push(cmd.AddItems(self.document, added_c, added_l, text=f"Paste {len(added_c)} component(s)"))
        return new_c

    # ------------------------------------------------------------------ whole documents
    def load(self, plan: Plan, path: str | None = None) -> None:
        """Replace the plan (new / open / recover): the undo history starts afresh."""
        self.undo_stack.clear()
        self.document.set_plan(plan)
        self.path = path
        self.undo_stack.setClean()
        self.state_changed.emit()

    def mark_saved(self, path: str) -> None:
        self.path = path
        self.undo_stack.setClean()
        self.state_changed.emit()
