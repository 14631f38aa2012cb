"""
The canvas's user-level operations (delete, copy / cut / paste / duplicate, align, group, auto
layout, drop a kind), mixed into CanvasScene. Each one reads the selection and makes exactly one
Editor call, so it is one undo step; problems a user can cause become a `message`, not an exception.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from archplan.planner import units
from archplan.planner.edit import EditError
from archplan.planner.model import Link, Plan, link_classes
from archplan.ui.canvas import clipboard, layout, style

ALIGN_TEXT = {"left": "Align left", "right": "Align right", "top": "Align top", "bottom": "Align bottom",
              "hcenter": "Align centres", "vcenter": "Align middles",
              "hdistribute": "Distribute horizontally", "vdistribute": "Distribute vertically"}
#: Where a plain paste lands relative to the copied cards (repeated pastes step further).
PASTE_STEP = 40.0


class Lookup:
    """Find a plan object by id in O(1), re-indexing the list only when it has shifted."""

    def __init__(self, items: Callable[[], Sequence]):
        self._items = items
        self._index: dict[str, int] = {}

    def __call__(self, item_id: str):
        items = self._items()
        i = self._index.get(item_id)
        if i is None or i >= len(items) or items[i].id != item_id:
            self._index = {x.id: n for n, x in enumerate(items)}
            i = self._index.get(item_id)
            if i is None:
                return None
        return items[i]


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
    """Mixin for CanvasScene: expects `editor`, `document`, `message`, selection and snapping methods."""

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
        """Paste copies (fresh ids) of the clipboard's components; centred on `at` when given,
        else shifted from the originals (further with each repeated paste). Selects what it added."""
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
        return self._paste(components, links, offset)

    def duplicate_selection(self) -> list[str]:
        components, links = self._selection_payload()
        if not components:
            self.message.emit("Select components to duplicate.")
            return []
        return self._paste(components, links, (PASTE_STEP, PASTE_STEP))

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

    def align(self, mode: str) -> None:
        """Align or distribute the selected cards (one undo step); overlapping cards are spread."""
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
        """Lay the whole plan out in layers, left to right (one undo step)."""
        plan = self.document.plan
        if not plan.components:
            return
        members = self._members_deep()
        def ends(item_id: str) -> list[str]:
            return members.get(item_id, [item_id])
        edges = [(a, b) for lk in plan.links if lk.kind != "health"
                 for a in ends(lk.source) for b in ends(lk.target)]
        xs = [c.position.x for c in plan.components]
        ys = [c.position.y for c in plan.components]
        origin = self.snap_point(QPointF(min(xs) - style.CARD_W / 2, min(ys) - style.CARD_H / 2))
        positions = layout.layered_layout(
            [c.id for c in plan.components], edges, (style.CARD_W, style.CARD_H), gap=(100.0, 40.0),
            origin=(origin.x(), origin.y()), groups={c.id: c.group for c in plan.components},
            group_gap=4 * style.GRID)  # room for two group frames and a title between groups
        g = style.GRID  # every step is a multiple of the grid: rounding keeps the spacing
        snapped = {k: (round(x / g) * g, round(y / g) * g) for k, (x, y) in positions.items()}
        self.editor.set_positions(snapped, "Auto layout")

    def _members_deep(self) -> dict[str, list[str]]:
        """Group id -> every component inside it, nested groups included."""
        plan = self.document.plan
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
