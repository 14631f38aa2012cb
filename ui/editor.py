"""
The editor: user-level operations on the open plan, each pushed as one undo command.

Views (canvas, inspector, menus) call these methods; nothing else mutates the plan. Errors a user
can cause (an invalid value, a duplicate link) raise planner.edit.EditError, which views show as a
message next to the field; the plan is left unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from archplan.planner import edit
from archplan.planner.model import Component, Group, Link, Plan, link_classes, new_id
from archplan.ui import commands as cmd
from archplan.ui import heap
from archplan.ui.document import Document


class Editor(QObject):
    #: The file path or the clean state changed (title bar).
    state_changed = Signal()

    def __init__(self, plan: Plan | None = None, parent: QObject | None = None, debounce_ms: int = 30,
                 compute_now: bool = True):
        super().__init__(parent)
        self.document = Document(plan, self, debounce_ms=debounce_ms, compute_now=compute_now)
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

    @contextmanager
    def _macro(self, text: str) -> Iterator[None]:
        """Several commands as one undo step."""
        self.undo_stack.beginMacro(text)
        try:
            yield
        finally:
            self.undo_stack.endMacro()

    def undo(self) -> None:
        self.undo_stack.undo()

    def redo(self) -> None:
        self.undo_stack.redo()

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

    def nudge(self, old: dict[str, tuple[float, float]], new: dict[str, tuple[float, float]]) -> None:
        """Arrow-key moves; presses in quick succession merge into one undo step."""
        moved = {k: v for k, v in new.items() if old.get(k) != v}
        if moved:
            self._push(cmd.NudgeComponents(self.document, {k: old[k] for k in moved}, moved))

    def set_positions(self, positions: dict[str, tuple[float, float]], text: str = "Layout") -> None:
        """Move components to absolute positions as one step (layout, align)."""
        old = {c.id: (c.position.x, c.position.y) for c in self.plan.components if c.id in positions}
        self.move(old, positions, text)

    def apply_layout(self, positions: dict[str, tuple[float, float]],
                     bends: dict[str, list[tuple[float, float]]] | None = None, text: str = "Auto layout") -> None:
        """New card positions and link bends as one undo step (automatic layout)."""
        bends = {lid: points for lid, points in (bends or {}).items()
                 if [(p.x, p.y) for p in self.plan.link(lid).waypoints] != list(points)}
        old = {c.id: (c.position.x, c.position.y) for c in self.plan.components if c.id in positions}
        moved = {k: v for k, v in positions.items() if old.get(k) != v}
        if not moved and not bends:
            return
        with self._macro(text):
            if moved:
                self._push(cmd.MoveComponents(self.document, {k: old[k] for k in moved}, moved, text))
            for lid, points in bends.items():
                self._push(cmd.SetLinkFields(self.document, lid, {"waypoints": [{"x": x, "y": y} for x, y in points]}))

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

    def _refuse_duplicate(self, link_id: str, source: str, target: str) -> None:
        if any(lk.id != link_id and lk.source == source and lk.target == target for lk in self.plan.links):
            raise edit.EditError("these two are already linked")

    def reattach(self, link_id: str, source: str | None = None, target: str | None = None) -> None:
        """Move one end (or both) of a link to another component or group."""
        link = self.plan.link(link_id)
        changes = {k: v for k, v in (("source", source), ("target", target)) if v is not None}
        self._refuse_duplicate(link_id, changes.get("source", link.source), changes.get("target", link.target))
        edit.update_link(self.plan, link_id, dry_run=True, **changes)
        self._push(cmd.SetLinkFields(self.document, link_id, changes, "Re-attach link"))

    def reverse_link(self, link_id: str) -> None:
        """The link points the other way (its bends in reverse order)."""
        link = self.plan.link(link_id)
        self._refuse_duplicate(link_id, link.target, link.source)
        changes = {"source": link.target, "target": link.source,
                   "waypoints": [p.model_dump() for p in reversed(link.waypoints)]}
        edit.update_link(self.plan, link_id, dry_run=True, **changes)
        self._push(cmd.SetLinkFields(self.document, link_id, changes, "Reverse link"))

    def set_bends(self, link_id: str, bends: Iterable[tuple[float, float]]) -> None:
        """Draw a link through these points (no figure changes: nothing is recomputed)."""
        changes = {"waypoints": [{"x": x, "y": y} for x, y in bends]}
        edit.update_link(self.plan, link_id, dry_run=True, **changes)
        text = "Bend link" if changes["waypoints"] else "Straighten link"
        self._push(cmd.SetLinkFields(self.document, link_id, changes, text))

    def set_links_route(self, link_ids: Iterable[str], route: str) -> None:
        """Straight or right-angle routing for several links, one undo step."""
        link_ids = [lid for lid in link_ids if self.plan.link(lid).route != route]
        for lid in link_ids:
            edit.update_link(self.plan, lid, dry_run=True, route=route)
        if not link_ids:
            return
        with self._macro("Right-angle links" if route == "orthogonal" else "Straight links"):
            for lid in link_ids:
                self._push(cmd.SetLinkFields(self.document, lid, {"route": route}))

    # ------------------------------------------------------------------ changes of structure
    def replace_kind(self, component_ids: Iterable[str], kind: str) -> None:
        """Give components another kind, dropping parameter overrides the new kind does not take."""
        from archplan.planner.catalog import default_catalog

        specs = default_catalog()[kind].param_specs()
        changes = {}
        for cid in component_ids:
            component = self.plan.component(cid)
            if component.kind != kind:
                params = {k: v for k, v in component.params.items() if k in specs}
                changes[cid] = {"kind": kind, "params": params}
                edit.update_component(self.plan, cid, dry_run=True, **changes[cid])
        if not changes:
            return
        with self._macro(f"Replace kind ({len(changes)})" if len(changes) > 1 else "Replace kind"):
            for cid, fields in changes.items():
                self._push(cmd.SetComponentFields(self.document, cid, fields, "Replace kind"))

    def move_to_group(self, component_ids: Iterable[str], group_id: str | None) -> None:
        ids = [cid for cid in component_ids if self.plan.component(cid).group != group_id]
        for cid in ids:
            edit.update_component(self.plan, cid, dry_run=True, group=group_id)
        if not ids:
            return
        name = self.plan.group(group_id).name if group_id else "no zone"
        with self._macro(f"Bring to {name}"):
            for cid in ids:
                self._push(cmd.SetComponentFields(self.document, cid, {"group": group_id}))

    def _free_spot(self, x: float, y: float, step: tuple[float, float]) -> tuple[float, float]:
        """(x, y), or the first spot along `step` where no card is (cards are 200 x 80)."""
        taken = [(c.position.x, c.position.y) for c in self.plan.components]
        for _ in range(50):
            if all(abs(x - cx) >= 210 or abs(y - cy) >= 90 for cx, cy in taken):
                break
            x, y = x + step[0], y + step[1]
        return x, y

    def insert_in_front(self, component_id: str, kind: str) -> str:
        """A new component (a cache, a queue...) between a component and everything that sends it
        requests: their links now end at the new one, which passes its traffic on."""
        target = self.plan.component(component_id)
        incoming = [lk for lk in self.plan.links if lk.target == component_id and lk.kind in ("request", "async")]
        x, y = self._free_spot(target.position.x - 240, target.position.y, (0, 100))
        component = edit.new_component(self.plan, kind, x=x, y=y, group=target.group)
        probe = self.plan.model_copy(deep=True)
        edit.add_component(probe, component)
        link = edit.new_link(probe, component.id, component_id, "request")
        with self._macro(f"Add {component.name} in front of {target.name}"):
            self._push(cmd.AddItems(self.document, components=[component]))
            for lk in incoming:
                self._push(cmd.SetLinkFields(self.document, lk.id, {"target": component.id}))
            self._push(cmd.AddItems(self.document, links=[link]))
        return component.id

    def replica_kind(self, component_id: str) -> str | None:
        """The read-replica kind of a SQL primary (db.postgres -> db.postgres_replica), else None."""
        from archplan.planner.catalog import Behaviour, default_catalog

        catalog = default_catalog()
        kind = self.plan.component(component_id).kind
        replica = f"{kind}_replica"
        if catalog[kind].behaviour is Behaviour.SQL_PRIMARY and replica in catalog:
            return replica
        return None

    def add_read_replica(self, component_id: str) -> str:
        """A read replica of a SQL primary: fed by replication, it takes the reads that were sent to the
        primary (links carrying reads move them to the replica; writes stay)."""
        kind = self.replica_kind(component_id)
        if kind is None:
            raise edit.EditError("only a SQL primary can get a read replica")
        primary = self.plan.component(component_id)
        x, y = self._free_spot(primary.position.x, primary.position.y + 130, (0, 100))
        replica = edit.new_component(self.plan, kind, x=x, y=y, group=primary.group,
                                     name=f"{primary.name} replica")
        probe = self.plan.model_copy(deep=True)
        edit.add_component(probe, replica)
        new_links = [edit.new_link(probe, component_id, replica.id, "replication")]
        edit.add_link(probe, new_links[0])
        retarget, narrowed = [], {}
        for lk in self.plan.links:
            if lk.target != component_id or lk.kind != "request":
                continue
            carried = link_classes(self.plan, lk)   # its own classes, or the default for its target
            reads = [c for c in carried if c in ("read", "media_read")]
            if not reads:
                continue
            rest = [c for c in carried if c not in reads]
            if not rest:
                retarget.append(lk.id)
                continue
            narrowed[lk.id] = rest
            extra = edit.new_link(probe, lk.source, replica.id, "request", classes=reads)
            edit.add_link(probe, extra)
            new_links.append(extra)
        with self._macro(f"Add a read replica of {primary.name}"):
            self._push(cmd.AddItems(self.document, components=[replica], links=new_links[:1]))
            for lid in retarget:
                self._push(cmd.SetLinkFields(self.document, lid, {"target": replica.id}))
            for lid, classes in narrowed.items():
                self._push(cmd.SetLinkFields(self.document, lid, {"classes": classes}))
            if new_links[1:]:
                self._push(cmd.AddItems(self.document, links=new_links[1:]))
        return replica.id

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
        with heap.building():     # the new plan's canvas and panels (ui/heap.py)
            self.document.set_plan(plan)
        self.path = path
        self.undo_stack.setClean()
        self.state_changed.emit()

    def mark_saved(self, path: str) -> None:
        self.path = path
        self.undo_stack.setClean()
        self.state_changed.emit()
