"""
The canvas scene: a live mirror of the open plan, and the place gestures become Editor calls.

The scene builds one item per group, component and link of `editor.document.plan`, keeps them in
dicts by id, and follows the document's fine-grained signals: a changed component updates only its
card, its links and its groups; a new result only refreshes the badges whose figures changed (no item
is re-created, nothing is re-laid out); one LinkLayer draws the links. It never mutates the plan: every
gesture and command calls an Editor method, so each is one undo step. Positions are card centres.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QGraphicsScene, QToolTip

from archplan.planner.catalog import default_catalog
from archplan.ui.canvas import style
from archplan.ui.canvas.badges import badge_inputs, spof_text, tooltip_for
from archplan.ui.canvas.geometry import SceneGeometry
from archplan.ui.canvas.interactions import Gestures
from archplan.ui.canvas.items import ComponentItem, GroupItem, LinkItem
from archplan.ui.canvas.link_layer import LinkLayer
from archplan.ui.canvas.operations import Lookup, SceneOperations, link_tooltip
from archplan.ui.editor import Editor


class CanvasScene(SceneOperations, SceneGeometry, QGraphicsScene):
    #: The set of selected components, links or groups changed.
    selection_ids_changed = Signal()
    #: A component was double-clicked or "Show figures" was chosen (component id).
    component_activated = Signal(str)
    #: A one-line message for the status bar (a refused connection, nothing to paste, ...).
    message = Signal(str)

    def __init__(self, editor: Editor, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.document = editor.document
        self.catalog = default_catalog()
        self.exporting = False          # items paint without hover/selection decorations
        self._snap = False
        self._components: dict[str, ComponentItem] = {}
        self._links: dict[str, LinkItem] = {}
        self._groups: dict[str, GroupItem] = {}
        self._link_layer: LinkLayer | None = None
        self._selected_links: set[str] = set()                 # as the link layer last drew them
        self._ends: dict[str, set[str]] = defaultdict(set)      # component/group id -> link ids
        self._members: dict[str, set[str]] = defaultdict(set)   # group id -> member component ids
        self._batch_depth = 0
        self._dirty_groups: set[str] = set()
        self._selecting = False
        self._paste_key: tuple[str, int] = ("", 0)
        self._component = Lookup(lambda: self.document.plan.components)
        self._link = Lookup(lambda: self.document.plan.links)
        self.gestures = Gestures(self)
        d = self.document
        self._connections = [
            (d.component_added, self._on_component_added), (d.component_removed, self._on_component_removed),
            (d.component_changed, self._on_component_changed), (d.link_added, self._on_link_added),
            (d.link_removed, self._on_link_removed), (d.link_changed, self._on_link_changed),
            (d.group_added, self._on_group_added), (d.group_removed, self._on_group_removed),
            (d.group_changed, self._on_group_changed), (d.plan_reset, self.rebuild),
            (d.result_changed, self.refresh_badges)]
        for signal, slot in self._connections:
            signal.connect(slot)
        self.selectionChanged.connect(self._on_selection_changed)
        self.rebuild()

    def detach(self) -> None:
        """Stop following the document (before the scene is dropped or the editor replaced)."""
        for signal, slot in self._connections:
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        self._connections = []

    # ------------------------------------------------------------------ lookups
    def component_item(self, cid: str) -> ComponentItem | None:
        return self._components.get(cid)

    def link_item(self, lid: str) -> LinkItem | None:
        return self._links.get(lid)

    def group_item(self, gid: str) -> GroupItem | None:
        return self._groups.get(gid)

    def component_items(self) -> list[ComponentItem]:
        return list(self._components.values())

    def link_items(self) -> list[LinkItem]:
        return list(self._links.values())

    def group_items(self) -> list[GroupItem]:
        return list(self._groups.values())

    def item_at(self, pos: QPointF):
        """The topmost card, link or group (title band / border) at `pos`, or None."""
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder,
                               QTransform()):
            if isinstance(item, (ComponentItem, LinkItem, GroupItem)):
                return item
        return None

    def connect_target_at(self, pos: QPointF, exclude: ComponentItem | None = None):
        """A card under `pos`, else the innermost group whose rectangle holds it."""
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder,
                               QTransform()):
            if isinstance(item, ComponentItem) and item is not exclude:
                return item
        groups = [g for g in self._groups.values() if g.rect().contains(pos)]
        return max(groups, key=lambda g: g.zValue()) if groups else None

    # ------------------------------------------------------------------ mirroring the document
    def rebuild(self) -> None:
        """Drop every item and build them again from the plan (new / open / plan_reset)."""
        self.gestures.cancel()
        self._components.clear(), self._links.clear(), self._groups.clear()  # before their items go
        self._ends.clear(), self._members.clear(), self._dirty_groups.clear()
        self._selecting = True
        try:
            self.clear()
        finally:
            self._selecting = False
        self._selected_links.clear()
        self._link_layer = LinkLayer(self._links)
        self.addItem(self._link_layer)
        plan = self.document.plan
        with self.batched():
            for group in plan.groups:
                self._add_group_item(group)
            for component in plan.components:
                self._add_component_item(component)
            for link in plan.links:
                self._add_link_item(link)
            self._dirty_groups.update(self._groups)
        self.refresh_badges()
        self.selection_ids_changed.emit()

    def _add_component_item(self, component) -> ComponentItem:
        item = ComponentItem(component, self.catalog[component.kind])
        self._components[component.id] = item
        if component.group:
            self._members[component.group].add(component.id)
        self.addItem(item)
        return item

    def _add_link_item(self, link) -> LinkItem:
        item = LinkItem(link, self._link_layer)
        self._links[link.id] = item
        self._ends[link.source].add(link.id)
        self._ends[link.target].add(link.id)
        self.addItem(item)
        self._update_pair_offsets(link.source, link.target)
        self._route(link.id)
        return item

    def _add_group_item(self, group) -> GroupItem:
        item = GroupItem(group)
        item.set_group(group, self._depth(group.id))
        self._groups[group.id] = item
        self.addItem(item)
        return item

    def _on_component_added(self, cid: str) -> None:
        component = self._component(cid)
        if component is None or cid in self._components:
            return
        item = self._add_component_item(component)
        item.set_badge_inputs(badge_inputs(component, item.kind, self.document.result))
        for lid in list(self._ends.get(cid, ())):
            self._route(lid)
        if component.group:
            self._group_moved(component.group)

    def _on_component_removed(self, cid: str) -> None:
        item = self._components.pop(cid, None)
        if item is None:
            return
        for lid in list(self._ends.get(cid, ())):
            self._on_link_removed(lid)
        self._ends.pop(cid, None)
        group = item.component.group
        if group:
            self._members[group].discard(cid)
        self.removeItem(item)
        if group:
            self._group_moved(group)

    def _on_component_changed(self, cid: str) -> None:
        item, component = self._components.get(cid), self._component(cid)
        if item is None or component is None:
            return
        old_group = item.component.group
        with self.batched():
            item.set_component(component, self.catalog[component.kind])
            if old_group != component.group:
                if old_group:
                    self._members[old_group].discard(cid)
                    self._dirty_groups.add(old_group)
                if component.group:
                    self._members[component.group].add(cid)
                    self._dirty_groups.add(component.group)

    def _on_link_added(self, lid: str) -> None:
        link = self._link(lid)
        if link is not None and lid not in self._links:
            self._add_link_item(link)

    def _on_link_removed(self, lid: str) -> None:
        item = self._links.pop(lid, None)
        if item is None:
            return
        self._ends[item.link.source].discard(lid)
        self._ends[item.link.target].discard(lid)
        self._selected_links.discard(lid)
        self.removeItem(item)
        self._link_layer.redraw(item.boundingRect())
        self._update_pair_offsets(item.link.source, item.link.target)

    def _on_link_changed(self, lid: str) -> None:
        item, link = self._links.get(lid), self._link(lid)
        if item is None or link is None:
            return
        old = item.link
        for end in (old.source, old.target):
            self._ends[end].discard(lid)
        self._ends[link.source].add(lid)
        self._ends[link.target].add(lid)
        item.set_link(link)
        self._update_pair_offsets(old.source, old.target)
        self._update_pair_offsets(link.source, link.target)
        self._route(lid)

    def _on_group_added(self, gid: str) -> None:
        group = next((g for g in self.document.plan.groups if g.id == gid), None)
        if group is None or gid in self._groups:
            return
        self._add_group_item(group)
        self._group_moved(gid)

    def _on_group_removed(self, gid: str) -> None:
        item = self._groups.pop(gid, None)
        if item is None:
            return
        for lid in list(self._ends.get(gid, ())):
            self._on_link_removed(lid)
        self._ends.pop(gid, None)
        self._members.pop(gid, None)
        self.removeItem(item)
        if item.group.parent:
            self._group_moved(item.group.parent)

    def _on_group_changed(self, gid: str) -> None:
        item = self._groups.get(gid)
        group = next((g for g in self.document.plan.groups if g.id == gid), None)
        if item is None or group is None:
            return
        old_parent = item.group.parent
        item.set_group(group, self._depth(gid))
        self._group_moved(gid)
        if old_parent and old_parent != group.parent:
            self._group_moved(old_parent)

    def refresh_badges(self) -> None:
        """New figures: only cards whose figures changed format a new badge, and only those repaint."""
        result = self.document.result
        for item in self._components.values():
            item.set_badge_inputs(badge_inputs(item.component, item.kind, result))

    # ------------------------------------------------------------------ selection
    def _on_selection_changed(self) -> None:
        selected = self._selected(LinkItem)
        for lid in selected ^ self._selected_links:    # links drawn in another colour now
            item = self._links.get(lid)
            if item is not None:
                self._link_layer.redraw(item.boundingRect())
        self._selected_links = selected
        if not self._selecting:
            self.selection_ids_changed.emit()

    def _selected(self, kind) -> set[str]:
        return {_id_of(it) for it in self.selectedItems() if isinstance(it, kind)}

    def selected_component_ids(self) -> list[str]:
        chosen = self._selected(ComponentItem)
        return [c.id for c in self.document.plan.components if c.id in chosen]

    def selected_link_ids(self) -> list[str]:
        chosen = self._selected(LinkItem)
        return [lk.id for lk in self.document.plan.links if lk.id in chosen]

    def selected_group_ids(self) -> list[str]:
        chosen = self._selected(GroupItem)
        return [g.id for g in self.document.plan.groups if g.id in chosen]

    def select_ids(self, ids: Iterable[str]) -> None:
        """Select exactly these components, links or groups (unknown ids are ignored)."""
        self._selecting = True
        try:
            self.clearSelection()
            for item_id in ids:
                item = self._components.get(item_id) or self._links.get(item_id) or self._groups.get(item_id)
                if item is not None:
                    item.setSelected(True)
        finally:
            self._selecting = False
        self.selection_ids_changed.emit()

    def moving_items(self) -> list[ComponentItem]:
        """Cards a drag moves: selected cards and the members of selected groups (nested too)."""
        ids = set(self.selected_component_ids())
        todo = list(self.selected_group_ids())
        while todo:
            gid = todo.pop()
            ids.update(self._members.get(gid, ()))
            todo += [g.group_id for g in self._groups.values() if g.group.parent == gid]
        return [self._components[cid] for cid in ids if cid in self._components]

    @property
    def snap_to_grid(self) -> bool:
        return self._snap

    def set_snap_to_grid(self, on: bool) -> None:
        self._snap = bool(on)

    def snap_point(self, pos: QPointF) -> QPointF:
        g = style.GRID
        return QPointF(round(pos.x() / g) * g, round(pos.y() / g) * g)

    def items_bounding_rect(self) -> QRectF:
        """Everything drawn (cards with their tags, links, groups), in scene coordinates."""
        rect = QRectF()
        for items in (self._components.values(), self._groups.values(), self._links.values()):
            for item in items:
                if item.isVisible():
                    rect = rect.united(item.sceneBoundingRect())
        return rect

    # ------------------------------------------------------------------ Qt events
    def mousePressEvent(self, event):
        if self.gestures.press(event):
            return
        super().mousePressEvent(event)
        self.gestures.after_press(event)

    def mouseMoveEvent(self, event):
        if not self.gestures.move_event(event):
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event):
        if self.gestures.release(event):
            return
        super().mouseReleaseEvent(event)
        self.gestures.after_release(event)

    def mouseDoubleClickEvent(self, event):
        item = self.item_at(event.scenePos())
        if isinstance(item, ComponentItem):
            self.component_activated.emit(item.component_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event):
        if self.focusItem() is None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
            event.accept()
        elif event.key() == Qt.Key.Key_Escape:
            self.gestures.cancel()
            event.accept()
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event):
        menu = self.gestures.context_menu(event.scenePos())
        menu.exec(event.screenPos())
        event.accept()

    def helpEvent(self, event):
        text = self.tooltip_at(event.scenePos())
        if text:
            QToolTip.showText(event.screenPos(), text)
            event.accept()
        else:
            QToolTip.hideText()
            event.ignore()

    def tooltip_at(self, pos: QPointF) -> str:
        """The tooltip for what is under `pos`, built on demand (never stored on 1,000 items)."""
        item = self.item_at(pos)
        result = self.document.result
        if isinstance(item, ComponentItem):
            if item.on_spof_marker(pos):
                return spof_text(item.component, item.badge.spof)
            return tooltip_for(item.component, item.kind, result)
        if isinstance(item, LinkItem):
            return link_tooltip(self.document.plan, item.link)
        if isinstance(item, GroupItem):
            count = len(self._members.get(item.group_id, ()))
            return f"{item.group.name} ({item.group.kind}): {count} component(s)"
        return ""


def _id_of(item) -> str:
    return getattr(item, "component_id", None) or getattr(item, "link_id", None) or item.group_id

