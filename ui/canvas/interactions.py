"""
Mouse gestures on the canvas, as small state machines the scene feeds its events to.

- MoveGesture: pressing a selected card (or a group's title) and dragging moves every selected card
  (and the members of selected groups) live; the release records ONE Editor.move with the start and
  end positions, so a drag is one undo step, never one per pixel.
- ConnectGesture: pressing a card's connection handle, or a card with Shift held, draws a dashed line
  to the mouse; releasing over another card or a group calls Editor.connect. Refused connections
  (already linked, ...) become a one-line message, never an exception.

The scene stays the only place that knows which items exist; gestures ask it (`item_at`,
`connect_target_at`, `moving_items`).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QApplication, QGraphicsLineItem, QMenu

from archplan.planner.edit import EditError
from archplan.ui.canvas import arrows, style
from archplan.ui.canvas.items import Z_FEEDBACK, ComponentItem, GroupItem, LinkItem


class MoveGesture:
    """Cards following the mouse; `finish` records one move command."""

    def __init__(self, scene, items: list[ComponentItem], reference: QPointF, press: QPointF, press_screen):
        self.scene = scene
        self.items = items
        self.start = {it.component_id: QPointF(it.pos()) for it in items}
        self.reference = QPointF(reference)  # snapped to the grid when snapping is on
        self.press = QPointF(press)
        self.press_screen = press_screen
        self.started = False

    def drag_to(self, scene_pos: QPointF, screen_pos) -> None:
        if not self.started:
            moved = (screen_pos - self.press_screen).manhattanLength()
            if moved < QApplication.startDragDistance():
                return
            self.started = True
        delta = scene_pos - self.press
        if self.scene.snap_to_grid:
            delta = self.scene.snap_point(self.reference + delta) - self.reference
        with self.scene.batched():
            for item in self.items:
                item.setPos(self.start[item.component_id] + delta)

    def finish(self) -> None:
        if not self.started:
            return
        old = {cid: (p.x(), p.y()) for cid, p in self.start.items()}
        new = {it.component_id: (round(it.pos().x(), 1), round(it.pos().y(), 1)) for it in self.items}
        try:
            self.scene.editor.move(old, new)
        except EditError as exc:  # e.g. a card deleted under the drag: put the cards back
            self.cancel()
            self.scene.message.emit(str(exc))

    def cancel(self) -> None:
        with self.scene.batched():
            for item in self.items:
                if shiboken6.isValid(item) and item.scene() is self.scene:
                    item.setPos(self.start[item.component_id])


class ConnectGesture:
    """A dashed line from a card to the mouse; `finish` connects to the card or group under it."""

    def __init__(self, scene, source: ComponentItem, pos: QPointF):
        self.scene = scene
        self.source = source
        self.target = None
        self.line = QGraphicsLineItem()
        pen = QPen(style.SELECTION, 1.8, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
        pen.setCosmetic(True)
        self.line.setPen(pen)
        self.line.setZValue(Z_FEEDBACK)
        scene.addItem(self.line)
        self.update(pos)

    def update(self, pos: QPointF) -> None:
        target = self.scene.connect_target_at(pos, exclude=self.source)
        if target is not self.target:
            if self.target is not None:
                self.target.set_drop_target(False)
            if target is not None:
                target.set_drop_target(True)
            self.target = target
        rect = self.source.card_rect()
        start = arrows.clip_to_rect(rect.center(), pos, rect)
        self.line.setLine(QLineF(start, pos))

    def finish(self, pos: QPointF) -> str | None:
        """Connect; returns the new link id (None when released on nothing or refused)."""
        self.update(pos)
        target = self.target
        self.cancel()
        if target is None:
            return None
        target_id = target.component_id if isinstance(target, ComponentItem) else target.group_id
        try:
            link_id = self.scene.editor.connect(self.source.component_id, target_id)
        except EditError as exc:
            self.scene.message.emit(f"Cannot connect: {exc}")
            return None
        self.scene.select_ids([link_id])
        return link_id

    def cancel(self) -> None:
        if self.target is not None and shiboken6.isValid(self.target) and self.target.scene() is self.scene:
            self.target.set_drop_target(False)
        self.target = None
        if shiboken6.isValid(self.line) and self.line.scene() is self.scene:
            self.scene.removeItem(self.line)


class Gestures:
    """Routes the scene's mouse events to the gesture in progress."""

    def __init__(self, scene):
        self.scene = scene
        self.move: MoveGesture | None = None
        self.connect: ConnectGesture | None = None

    def press(self, event) -> bool:
        """Before default handling: True when a connect gesture takes the press."""
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        pos = event.scenePos()
        item = self.scene.item_at(pos)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if isinstance(item, ComponentItem) and (shift or item.on_handle(pos)):
            self.cancel()
            self.connect = ConnectGesture(self.scene, item, pos)
            event.accept()
            return True
        return False

    def after_press(self, event) -> None:
        """After default handling (selection): start moving if a selected card or group was pressed."""
        if event.button() != Qt.MouseButton.LeftButton or self.connect is not None:
            return
        item = self.scene.item_at(event.scenePos())
        if isinstance(item, (ComponentItem, GroupItem)) and item.isSelected():
            items = self.scene.moving_items()
            if not items:
                return
            reference = item.pos() if isinstance(item, ComponentItem) else items[0].pos()
            self.move = MoveGesture(self.scene, items, reference, event.scenePos(),
                                    event.buttonDownScreenPos(Qt.MouseButton.LeftButton))

    def move_event(self, event) -> bool:
        if self.connect is not None:
            self.connect.update(event.scenePos())
            return True
        if self.move is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self.move.drag_to(event.scenePos(), event.screenPos())
            return True
        return False

    def release(self, event) -> bool:
        """True when the release finished a connect gesture (no default handling needed)."""
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        if self.connect is not None:
            gesture, self.connect = self.connect, None
            gesture.finish(event.scenePos())
            return True
        return False

    def after_release(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.move is not None:
            gesture, self.move = self.move, None
            gesture.finish()

    def cancel(self) -> None:
        if self.connect is not None:
            self.connect.cancel()
            self.connect = None
        if self.move is not None:
            self.move.cancel()
            self.move = None

    # ------------------------------------------------------------------ context menu
    def context_menu(self, pos: QPointF) -> QMenu:
        """The menu for what is under `pos` (selecting it first if it is not part of the selection)."""
        scene = self.scene
        item = scene.item_at(pos)
        if item is not None and not item.isSelected():
            scene.select_ids([_item_id(item)])
        menu = QMenu()
        if isinstance(item, ComponentItem):
            cid = item.component_id
            menu.addAction("Show figures", lambda: scene.component_activated.emit(cid))
            menu.addSeparator()
        if item is None:
            menu.addAction("Paste", lambda: scene.paste(pos))
            menu.addAction("Auto layout", scene.auto_layout)
            return menu
        has_components = bool(scene.selected_component_ids())
        duplicate = menu.addAction("Duplicate", scene.duplicate_selection)
        duplicate.setEnabled(has_components)
        group = menu.addAction("Group", scene.group_selection)
        group.setEnabled(has_components)
        menu.addSeparator()
        menu.addAction("Delete", scene.delete_selection)
        return menu


def _item_id(item) -> str:
    if isinstance(item, ComponentItem):
        return item.component_id
    if isinstance(item, LinkItem):
        return item.link_id
    return item.group_id
