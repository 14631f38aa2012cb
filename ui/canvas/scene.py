"""
The canvas scene: a live mirror of the open plan, and the place gestures become Editor calls.

The scene builds one item per group, component and link of `editor.document.plan`, keeps them in a
SceneIndex by id, and follows the document's fine-grained signals: a changed component updates only
its card, its links and its groups; a new result only refreshes the badges whose figures changed (no
item is re-created, nothing is re-laid out); one LinkLayer draws the links. It never mutates the plan:
every gesture and command calls an Editor method, so each is one undo step. Positions are card centres.

Keys: arrows nudge the selection (Shift: ten times further), Delete / Backspace delete it (Undo brings
it back), Escape cancels a gesture. Context menus come from menus.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QInputDialog, QToolTip

from archplan.planner.catalog import default_catalog
from archplan.ui.canvas import style
from archplan.ui.canvas.badges import BadgeFeed, spof_text, tooltip_for
from archplan.ui.canvas.geometry import SceneGeometry
from archplan.ui.canvas.handles import LinkHandles
from archplan.ui.canvas.index import SceneIndex
from archplan.ui.canvas.interactions import Gestures
from archplan.ui.canvas.items import ComponentItem, GroupItem, LinkItem
from archplan.ui.canvas.link_layer import LinkLayer
from archplan.ui.canvas.menus import context_menu
from archplan.ui.canvas.operations import NUDGE, NUDGE_FAST, SceneOperations, link_tooltip
from archplan.ui.canvas.painting import CARD_BOUNDS
from archplan.ui.editor import Editor

ARROWS = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}


class CanvasScene(SceneOperations, QGraphicsScene):
    #: The set of selected components, links or groups changed.
    selection_ids_changed = Signal()
    #: A component was double-clicked or "Show figures" was chosen (component id).
    component_activated = Signal(str)
    #: A one-line message for the status bar (a refused connection, nothing to paste, ...).
    message = Signal(str)

    def __init__(self, editor: Editor, parent=None):
        super().__init__(parent)
        # No BSP index: with 24,000 items (10,000 cards and their links) building and updating the tree
        # took longer than the first paint and held half the memory; a linear scan in C++ for the few
        # position queries (hover, clicks) costs far less.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.editor = editor
        self.document = editor.document
        self.catalog = default_catalog()
        self.exporting = False          # items paint without hover/selection decorations
        #: Asks for a line of text (title, label, default); the window replaces it with its own.
        self.ask_text: Callable[[str, str, str], str | None] = self._default_ask_text
        self._snap = False
        self._index = SceneIndex()
        self._geometry = SceneGeometry(self._index, self._depth, routed=self._link_routed)
        self._link_layer: LinkLayer | None = None
        self._feed = BadgeFeed()
        self._handles: LinkHandles | None = None
        self._selected_links: set[str] = set()                 # as the link layer last drew them
        self._selecting = False
        self._component = self.document.component
        self._link = self.document.link
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

    def _default_ask_text(self, title: str, label: str, default: str) -> str | None:
        parent = self.views()[0] if self.views() else None
        text, ok = QInputDialog.getText(parent, title, label, text=default)
        return text if ok else None

    # ------------------------------------------------------------------ lookups
    def component_item(self, cid: str) -> ComponentItem | None:
        return self._index.components.get(cid)

    def link_item(self, lid: str) -> LinkItem | None:
        return self._index.links.get(lid)

    def group_item(self, gid: str) -> GroupItem | None:
        return self._index.groups.get(gid)

    def component_items(self) -> list[ComponentItem]:
        return list(self._index.components.values())

    def link_items(self) -> list[LinkItem]:
        return list(self._index.links.values())

    def group_items(self) -> list[GroupItem]:
        return list(self._index.groups.values())

    def members_deep(self, gid: str) -> set[str]:
        """Component ids inside a group, nested groups included."""
        return self._index.members_deep(gid)

    @staticmethod
    def id_of(item) -> str:
        return getattr(item, "component_id", None) or getattr(item, "link_id", None) or item.group_id

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
        groups = [g for g in self._index.groups.values() if g.rect().contains(pos)]
        return max(groups, key=lambda g: g.zValue()) if groups else None

    def end_centre(self, end_id: str) -> QPointF:
        """The centre of a link end (a card or a group)."""
        rect = self._geometry.end_rect(end_id)
        return rect.center() if rect is not None else QPointF()

    def link_handles(self) -> LinkHandles | None:
        """The handles shown on the one selected link, if there is one."""
        return self._handles

    @staticmethod
    def zoom_at(event) -> float:
        """The zoom of the view an event came from (1 when unknown)."""
        widget = event.widget() if hasattr(event, "widget") else None
        view = widget.parent() if widget is not None else None
        return view.transform().m11() if isinstance(view, QGraphicsView) else 1.0

    # ------------------------------------------------------------------ geometry (see geometry.py)
    def batched(self):
        """Defer group re-fitting until a burst of moves is over (a drag moves many cards)."""
        return self._geometry.batched()

    def component_item_moved(self, item: ComponentItem) -> None:
        """Called by a card when its position changed: its links follow, its groups re-fit."""
        self._geometry.card_moved(item)

    def show_bends(self, lid: str, bends: list[QPointF] | None) -> None:
        """Draw a link through `bends` while they are dragged (None: through its own again)."""
        self._geometry.show_bends(lid, bends)

    def _link_routed(self, lid: str) -> None:
        if self._handles is not None and self._handles.link.link_id == lid:
            self._handles.refresh()

    def _depth(self, gid: str) -> int:
        parents = {g.id: g.parent for g in self.document.plan.groups}
        depth, seen = 0, set()
        while parents.get(gid) and gid not in seen:
            seen.add(gid)
            gid, depth = parents[gid], depth + 1
        return depth

    # ------------------------------------------------------------------ mirroring the document
    def rebuild(self) -> None:
        """Drop every item and build them again from the plan (new / open / plan_reset)."""
        self.gestures.cancel()
        self._handles = None
        self._index.clear()  # before their items go
        self._geometry.reset()
        self._feed.cached.clear()
        self._selecting = True
        try:
            self.clear()
        finally:
            self._selecting = False
        self._selected_links.clear()
        self._link_layer = LinkLayer()
        self.addItem(self._link_layer)
        plan = self.document.plan
        with self.batched(), self._link_layer.held():
            for group in plan.groups:
                self._add_group_item(group)
            for component in plan.components:
                self._add_component_item(component)
            for link in plan.links:
                self._add_link_item(link, building=True)
            for a, b in self._index.shared_pairs():   # opposite links drawn apart: checked once, after
                self._geometry.update_pair_offsets(a, b)
            self._geometry.fit_all_groups_later()
        self.refresh_badges()
        self.selection_ids_changed.emit()

    def _add_component_item(self, component) -> ComponentItem:
        item = ComponentItem(component, self.catalog[component.kind], self._feed)
        self._index.add_component(item)
        self.addItem(item)
        return item

    def _add_link_item(self, link, building: bool = False) -> LinkItem:
        item = LinkItem(link, self._link_layer)
        self._index.add_link(item)
        if building:    # the plan is being built: pairs drawn apart are sorted out once at the end
            self._geometry.route_new(item)
        else:
            self._geometry.update_pair_offsets(link.source, link.target)
            self._geometry.route(link.id)
        self.addItem(item)  # routed before it joins the scene: no index update to pay for
        return item

    def _add_group_item(self, group) -> GroupItem:
        item = GroupItem(group)
        item.set_group(group, self._depth(group.id))
        self._index.add_group(item)
        self.addItem(item)
        return item

    def _on_component_added(self, cid: str) -> None:
        component = self._component(cid)
        if component is None or cid in self._index.components:
            return
        self._add_component_item(component)
        for lid in self._index.links_at(cid):
            self._geometry.route(lid)
        if component.group:
            self._geometry.group_changed(component.group)

    def _on_component_removed(self, cid: str) -> None:
        item = self._index.components.get(cid)
        if item is None:
            return
        for lid in self._index.links_at(cid):
            self._on_link_removed(lid)
        self._index.remove_component(cid)
        self.removeItem(item)
        if item.component.group:
            self._geometry.group_changed(item.component.group)

    def _on_component_changed(self, cid: str) -> None:
        item, component = self._index.components.get(cid), self._component(cid)
        if item is None or component is None:
            return
        old_group = item.component.group
        with self.batched():
            if item.set_component(component, self.catalog[component.kind]):
                self._geometry.card_moved(item)
            if old_group != component.group:
                self._index.move_member(cid, old_group, component.group)
                for gid in (old_group, component.group):
                    if gid:
                        self._geometry.group_changed(gid)

    def _on_link_added(self, lid: str) -> None:
        link = self._link(lid)
        if link is not None and lid not in self._index.links:
            self._add_link_item(link)

    def _on_link_removed(self, lid: str) -> None:
        item = self._index.remove_link(lid)
        if item is None:
            return
        if self._handles is not None and self._handles.link is item:
            self._hide_handles()
        self._selected_links.discard(lid)
        self.removeItem(item)
        self._link_layer.removed(item)
        self._geometry.update_pair_offsets(item.link.source, item.link.target)

    def _on_link_changed(self, lid: str) -> None:
        item, link = self._index.links.get(lid), self._link(lid)
        if item is None or link is None:
            return
        old = item.link
        self._index.move_link_ends(lid, (old.source, old.target), (link.source, link.target))
        item.set_link(link)
        self._geometry.update_pair_offsets(old.source, old.target)
        self._geometry.update_pair_offsets(link.source, link.target)
        self._geometry.route(lid)

    def _on_group_added(self, gid: str) -> None:
        group = next((g for g in self.document.plan.groups if g.id == gid), None)
        if group is None or gid in self._index.groups:
            return
        self._add_group_item(group)
        self._geometry.group_changed(gid)

    def _on_group_removed(self, gid: str) -> None:
        item = self._index.groups.get(gid)
        if item is None:
            return
        for lid in self._index.links_at(gid):
            self._on_link_removed(lid)
        self._index.remove_group(gid)
        self.removeItem(item)
        if item.group.parent:
            self._geometry.group_changed(item.group.parent)

    def _on_group_changed(self, gid: str) -> None:
        item = self._index.groups.get(gid)
        group = next((g for g in self.document.plan.groups if g.id == gid), None)
        if item is None or group is None:
            return
        old_parent = item.group.parent
        item.set_group(group, self._depth(gid))
        self._geometry.group_changed(gid)
        if old_parent and old_parent != group.parent:
            self._geometry.group_changed(old_parent)

    def refresh_badges(self) -> None:
        """New figures: the cards on screen read them now (only those whose figures changed format a
        new badge and repaint); cards painted earlier drop their picture and read the figures when next
        shown; the others read them whenever they are first painted (see badges.BadgeFeed)."""
        self._feed.publish(self.document.result)
        shown = self._cards_in_views()
        for item in shown:
            item.refresh_badge()
        for item in self._feed.cached - shown:
            if shiboken6.isValid(item) and item.scene() is self:
                item.update()
        self._feed.cached = set(shown)

    def _cards_in_views(self) -> set[ComponentItem]:
        """The cards some shown view shows."""
        shown: set[ComponentItem] = set()
        for view in self.views():
            if view.isVisible():
                area = view.mapToScene(view.viewport().rect()).boundingRect()
                shown.update(item for item in self.items(area, Qt.ItemSelectionMode.IntersectsItemBoundingRect)
                             if isinstance(item, ComponentItem))
        return shown

    # ------------------------------------------------------------------ selection
    def _on_selection_changed(self) -> None:
        selected = self._selected(LinkItem)
        for lid in selected ^ self._selected_links:    # links drawn in another colour now
            item = self._index.links.get(lid)
            if item is not None:
                item.redraw()
        self._selected_links = selected
        self._update_handles()
        if not self._selecting:
            self.selection_ids_changed.emit()

    def _update_handles(self) -> None:
        chosen = self.selectedItems()
        link = chosen[0] if len(chosen) == 1 and isinstance(chosen[0], LinkItem) else None
        if self._handles is not None and (link is None or self._handles.link is not link):
            self._hide_handles()
        if link is not None and self._handles is None:
            self._handles = LinkHandles(link)
            self.addItem(self._handles)

    def _hide_handles(self) -> None:
        handles, self._handles = self._handles, None
        if handles is not None and handles.scene() is self:
            self.removeItem(handles)

    def _selected(self, kind) -> set[str]:
        return {self.id_of(it) for it in self.selectedItems() if isinstance(it, kind)}

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
                item = self._index.item(item_id)
                if item is not None:
                    item.setSelected(True)
        finally:
            self._selecting = False
        self._update_handles()
        self.selection_ids_changed.emit()

    def set_item_selected(self, item, selected: bool) -> None:
        """Add an item to the selection or take it out (Shift / Ctrl + click)."""
        self._selecting = True
        try:
            item.setSelected(selected)
        finally:
            self._selecting = False
        self._update_handles()
        self.selection_ids_changed.emit()

    def select_all(self) -> None:
        """Select every component (Ctrl+A)."""
        self.select_ids([c.id for c in self.document.plan.components])

    def moving_items(self) -> list[ComponentItem]:
        """Cards a drag moves: selected cards and the members of selected groups (nested too)."""
        ids = set(self.selected_component_ids())
        for gid in self.selected_group_ids():
            ids |= self._index.members_deep(gid)
        return [self._index.components[cid] for cid in ids if cid in self._index.components]

    @property
    def snap_to_grid(self) -> bool:
        return self._snap

    def set_snap_to_grid(self, on: bool) -> None:
        self._snap = bool(on)

    def snap_point(self, pos: QPointF) -> QPointF:
        g = style.GRID
        return QPointF(round(pos.x() / g) * g, round(pos.y() / g) * g)

    def items_bounding_rect(self) -> QRectF:
        """Everything drawn (cards with their tags, links, groups), in scene coordinates.

        Read from the cards' positions, the groups' frames and the links' bends and labels, not by
        asking 24,000 items for their scene rectangles."""
        rect = QRectF()
        cards = self._index.components.values()
        if cards:
            xs = [c.x() for c in cards]
            ys = [c.y() for c in cards]
            bounds = CARD_BOUNDS
            rect = QRectF(min(xs) + bounds.left(), min(ys) + bounds.top(), max(xs) - min(xs) + bounds.width(),
                          max(ys) - min(ys) + bounds.height())
        for group in self._index.groups.values():
            rect = rect.united(group.sceneBoundingRect())
        for link in self._index.links.values():
            if link.label or link.link.waypoints:
                rect = rect.united(link.boundingRect())
        return rect

    def fit_views(self) -> None:
        """Fit the drawing in every view of this scene."""
        for view in self.views():
            if hasattr(view, "zoom_fit"):
                view.zoom_fit()

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
        pos = event.scenePos()
        handles = self._handles
        handle = handles.hit(pos, self.zoom_at(event)) if handles is not None else None
        if handle is not None and handle.kind == "bend":
            bends = [(p.x, p.y) for i, p in enumerate(handles.link.link.waypoints) if i != handle.index]
            self.editor.set_bends(handles.link.link_id, bends)
            event.accept()
            return
        item = self.item_at(pos)
        if isinstance(item, ComponentItem):
            self.component_activated.emit(item.component_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event):
        key = event.key()
        if self.focusItem() is not None:
            super().keyPressEvent(event)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
            event.accept()
        elif key in ARROWS and not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier
                                                         | Qt.KeyboardModifier.KeypadModifier):
            step = NUDGE_FAST if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else NUDGE
            dx, dy = ARROWS[key]
            if self.nudge(dx * step, dy * step):
                event.accept()
            else:
                event.ignore()   # nothing selected: the view scrolls
        elif key == Qt.Key.Key_Escape:
            self.gestures.cancel()
            event.accept()
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event):
        menu = context_menu(self, event.scenePos())
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
            names = {c.id: c.name for c in self.document.plan.components}
            if item.on_spof_marker(pos):
                return spof_text(item.component, item.badge.spof, names)
            return tooltip_for(item.component, item.kind, result, names)
        if isinstance(item, LinkItem):
            return link_tooltip(self.document.plan, item.link)
        if isinstance(item, GroupItem):
            count = len(self._index.members(item.group_id))
            return f"{item.group.name} ({item.group.kind}): {count} component(s)"
        return ""
