"""
The canvas's user-level operations, mixed into CanvasScene: delete, copy / cut / paste / duplicate,
nudge, align, group, auto layout, drop a kind, and the context menus' actions (replace kind, cache in
front, read replica, bring to zone, reverse a link, set its share, route, bends).

Each one reads the selection and makes exactly one Editor call, so it is one undo step; problems a
user can cause become a `message`, not an exception. The mixin uses only the scene's public methods,
listed in `OperationsHost`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QPointF, Signal

from archplan.planner import units
from archplan.planner.edit import EditError
from archplan.planner.model import link_classes
from archplan.ui.canvas import clipboard, style

if TYPE_CHECKING:
    from archplan.planner.catalog import Catalog
    from archplan.planner.model import Link, Plan
    from archplan.ui.canvas.items import ComponentItem
    from archplan.ui.document import Document
    from archplan.ui.editor import Editor

ALIGN_TEXT = {"left": "Align left", "right": "Align right", "top": "Align top", "bottom": "Align bottom",
              "hcenter": "Align centres", "vcenter": "Align middles",
              "hdistribute": "Distribute horizontally", "vdistribute": "Distribute vertically"}
#: Where a plain paste lands relative to the copied cards (repeated pastes step further).
PASTE_STEP = 40.0
#: Arrow keys move the selection this far (scene pixels); with Shift, ten times as far.
NUDGE = 1.0
NUDGE_FAST = 10.0 * NUDGE


class OperationsHost(Protocol):
    """What the operations need from the scene."""

    editor: Editor
    document: Document
    catalog: Catalog
    message: Signal
    snap_to_grid: bool
    ask_text: Callable[[str, str, str], str | None]

    def selected_component_ids(self) -> list[str]: ...
    def selected_link_ids(self) -> list[str]: ...
    def selected_group_ids(self) -> list[str]: ...
    def select_ids(self, ids) -> None: ...
    def component_item(self, cid: str) -> ComponentItem | None: ...
    def snap_point(self, pos: QPointF) -> QPointF: ...
    def members_deep(self, gid: str) -> set[str]: ...


def link_tooltip(plan: Plan, link: Link) -> str:
    names = {c.id: c.name for c in plan.components} | {g.id: g.name for g in plan.groups}
    lines = [f"{names.get(link.source, link.source)} → {names.get(link.target, link.target)} ({link.kind})"]
    if link.share is not None:
        lines.append(f"Share: {units.format_percent(link.share, 0)} of what the source sends")
    if link.fanout is not None:
        lines.append(f"Fan-out: each request becomes {units.format_count(link.fanout)}")
    lines.append("Carries: " + ", ".join(c.replace("_", " ") for c in link_classes(plan, link)))
    if link.label:
        lines.append(link.label)
    return "\n".join(lines)


class SceneOperations:
    """Mixin for CanvasScene (see OperationsHost for what it uses)."""

    _paste_key: tuple[str, int] = ("", 0)

    def add_component_at(self, kind: str, pos: QPointF) -> str | None:
        """Add a component of `kind` centred at `pos` (snapped when snapping is on) and select it."""
        if self.snap_to_grid:
            pos = self.snap_point(pos)
        try:
            cid = self.editor.add_component(kind, pos.x(), pos.y())
        except EditError as exc:
            self.message.emit(str(exc))
            return None
        self.select_ids([cid])
        return cid

    def delete_selection(self) -> None:
        """Delete what is selected, without asking: Undo brings it back."""
        comps, links = self.selected_component_ids(), self.selected_link_ids()
        groups = self.selected_group_ids()
        if comps or links or groups:
            self.editor.delete(comps, links, groups)

    def _selection_payload(self):
        plan = self.document.plan
        ids = set(self.selected_component_ids())
        components = [c for c in plan.components if c.id in ids]
        links = [lk for lk in plan.links if lk.source in ids and lk.target in ids]
        return components, links

    def copy_selection(self) -> bool:
        """Put the selected components and the links among them on the clipboard."""
        components, links = self._selection_payload()
        if not components:
            self.message.emit("Select components to copy.")
            return False
        clipboard.copy_items(components, links)
        return True

    def cut_selection(self) -> None:
        if self.copy_selection():
            self.delete_selection()

    def paste(self, at: QPointF | None = None) -> list[str]:
        """Paste copies (fresh ids) of the clipboard's components; centred on `at` when given, else
        shifted from the originals (further with each repeated paste). Never exactly on top of cards
        already there. Selects what it added."""
        from PySide6.QtWidgets import QApplication

        try:
            components, links = clipboard.decode_items(QApplication.clipboard().mimeData())
        except ValueError as exc:
            self.message.emit(f"Nothing to paste: {exc}.")
            return []
        if at is not None:
            xs = [c.position.x for c in components]
            ys = [c.position.y for c in components]
            centre = QPointF((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
            target = self.snap_point(at) if self.snap_to_grid else at
            offset = (target.x() - centre.x(), target.y() - centre.y())
        else:
            key = hashlib.sha1("".join(c.model_dump_json() for c in components).encode()).hexdigest()
            count = self._paste_key[1] + 1 if self._paste_key[0] == key else 1
            self._paste_key = (key, count)
            offset = (PASTE_STEP * count, PASTE_STEP * count)
        return self._paste(components, links, self._free_offset(components, offset))

    def _free_offset(self, components, offset: tuple[float, float]) -> tuple[float, float]:
        """Step the offset on until no pasted card would land (nearly) on a card of the plan."""
        taken = {(round(c.position.x / 10), round(c.position.y / 10)) for c in self.document.plan.components}
        dx, dy = offset
        for _ in range(100):
            if not any((round((c.position.x + dx) / 10), round((c.position.y + dy) / 10)) in taken
                       for c in components):
                break
            dx, dy = dx + PASTE_STEP, dy + PASTE_STEP
        return dx, dy

    def duplicate_selection(self) -> list[str]:
        components, links = self._selection_payload()
        if not components:
            self.message.emit("Select components to duplicate.")
            return []
        return self._paste(components, links, self._free_offset(components, (PASTE_STEP, PASTE_STEP)))

    def _paste(self, components, links, offset) -> list[str]:
        try:
            new_ids = self.editor.paste(components, links, offset)
        except EditError as exc:
            self.message.emit(f"Cannot paste: {exc}")
            return []
        fresh = set(new_ids)
        new_links = [lk.id for lk in self.document.plan.links if lk.source in fresh and lk.target in fresh]
        self.select_ids(new_ids + new_links)
        return new_ids

    def nudge(self, dx: float, dy: float) -> bool:
        """Move the selected cards (and the members of selected groups) by (dx, dy); repeated nudges
        within a moment are one undo step. False when nothing is selected."""
        items = self.moving_items()
        if not items:
            return False
        old = {it.component_id: (it.x(), it.y()) for it in items}
        new = {cid: (round(x + dx, 1), round(y + dy, 1)) for cid, (x, y) in old.items()}
        self.editor.nudge(old, new)
        return True

    def align(self, mode: str) -> None:
        """Align or distribute the selected cards (one undo step); overlapping cards are spread."""
        from archplan.ui.canvas import layout

        if mode not in layout.ALIGN_MODES:
            raise ValueError(f"unknown align mode {mode!r} (use one of {', '.join(layout.ALIGN_MODES)})")
        ids = self.selected_component_ids()
        if len(ids) < 2:
            self.message.emit("Select at least two components to align.")
            return
        positions = {cid: (self.component_item(cid).x(), self.component_item(cid).y()) for cid in ids}
        new = layout.align(positions, mode, (style.CARD_W, style.CARD_H), gap=style.GRID)
        self.editor.set_positions(new, ALIGN_TEXT[mode])

    def group_selection(self, name: str = "Zone", kind: str = "zone") -> str | None:
        """Put the selected components into a new group (zone / region / tier) and select it."""
        ids = self.selected_component_ids()
        if not ids:
            self.message.emit("Select components to group.")
            return None
        try:
            gid = self.editor.group(ids, name, kind)
        except EditError as exc:
            self.message.emit(f"Cannot group: {exc}")
            return None
        self.select_ids([gid])
        return gid

    def auto_layout(self) -> None:
        """Lay the whole plan out in layers with Graphviz: zones kept together, few crossings, long links
        bent around the cards in their way (one undo step)."""
        from archplan.ui.canvas import dot_layout

        plan = self.document.plan
        if not plan.components:
            return
        positions, bends = dot_layout.plan_layout(plan, (style.CARD_W, style.CARD_H), style.GRID)
        self.editor.apply_layout(positions, bends)
        self.fit_views()

    def _run(self, what: str, call: Callable[[], object]):
        try:
            return call()
        except EditError as exc:
            self.message.emit(f"Cannot {what}: {exc}")
            return None

    # ------------------------------------------------------------------ card menu
    def replace_kind(self, kind: str) -> None:
        """Give the selected components another kind (one undo step)."""
        ids = self.selected_component_ids()
        if ids:
            self._run("replace the kind", lambda: self.editor.replace_kind(ids, kind))

    def insert_in_front(self, cid: str, kind: str) -> str | None:
        new = self._run("add it in front", lambda: self.editor.insert_in_front(cid, kind))
        if new:
            self.select_ids([new])
        return new

    def replica_kind(self, cid: str) -> str | None:
        return self.editor.replica_kind(cid)

    def add_read_replica(self, cid: str) -> str | None:
        new = self._run("add a replica", lambda: self.editor.add_read_replica(cid))
        if new:
            self.select_ids([new])
        return new

    def bring_to_group(self, gid: str | None) -> None:
        ids = self.selected_component_ids()
        if ids:
            self._run("move it to the zone", lambda: self.editor.move_to_group(ids, gid))

    # ------------------------------------------------------------------ link menu
    def reverse_link(self, lid: str) -> None:
        self._run("reverse the link", lambda: self.editor.reverse_link(lid))

    def ask_link_share(self, lid: str) -> None:
        from archplan.ui.quantities import FRACTION

        link = self.document.plan.link(lid)
        current = "" if link.share is None else FRACTION.exact(link.share)
        text = self.ask_text("Set share", "Share of what the source sends (e.g. 80 %, 0.25; empty: automatic):",
                             current or "auto")
        if text is None:
            return
        text = text.strip()
        try:
            share = None if text in ("", "auto") else FRACTION.parse(text)
        except ValueError as exc:
            self.message.emit(f"Cannot set the share: {exc}")
            return
        changes = {"share": share} if share is None else {"share": share, "fanout": None}
        self._run("set the share", lambda: self.editor.set_link(lid, **changes))

    def set_link_route(self, lid: str, route: str) -> None:
        ids = [lid] + [other for other in self.selected_link_ids() if other != lid]
        self._run("change the route", lambda: self.editor.set_links_route(ids, route))

    def remove_bends(self, lid: str) -> None:
        self._run("remove the bends", lambda: self.editor.set_bends(lid, []))
