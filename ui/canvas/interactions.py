"""
Mouse gestures on the canvas, as small state machines the scene feeds its events to.

- MoveGesture: pressing a selected card (or a group's title) and dragging moves every selected card
  (and the members of selected groups) live; the release records ONE Editor.move with the start and
  end positions, so a drag is one undo step, never one per pixel.
- ConnectGesture: pressing anywhere on a card's connection handle (the "+" on its right edge), or
  dragging a card with Shift held, draws a dashed line to the mouse; releasing over another card or a
  group calls Editor.connect. Refused connections become a one-line message, never an exception.
- EndGesture: dragging an end handle of the selected link re-attaches that end (Editor.set_link).
- BendGesture: dragging a link's middle (or a bend's handle) bends it; the release records the bends
  with Editor.set_link, one undo step.
- Shift+click or Ctrl+click on a card, link or group adds it to the selection (or takes it out).

The scene stays the only place that knows which items exist; gestures ask it through its methods
(`item_at`, `connect_target_at`, `moving_items`, `link_handles`, `show_bends`, `zoom_at`).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QApplication, QGraphicsLineItem

from archplan.planner.edit import EditError
from archplan.ui.canvas import arrows, style
from archplan.ui.canvas.handles import Handle, insertion_index
from archplan.ui.canvas.items import Z_FEEDBACK, ComponentItem, GroupItem, LinkItem

ADDS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier


def _far_enough(press_screen, screen_pos) -> bool:
    return (screen_pos - press_screen).manhattanLength() >= QApplication.startDragDistance()


class MoveGesture:
    """Cards following the mouse; `finish` records one move command."""

    def __init__(self, scene, items: list[ComponentItem], reference: QPointF, press: QPointF, press_screen):
        self.scene = scene
        self.items = items
        self.start = {it.component_id: it.centre() for it in items}
        self.reference = QPointF(reference)  # snapped to the grid when snapping is on
        self.press = QPointF(press)
        self.press_screen = press_screen
        self.started = False

    def drag_to(self, scene_pos: QPointF, screen_pos) -> None:
        if not self.started:
            if not _far_enough(self.press_screen, screen_pos):
                return
            self.started = True
        delta = scene_pos - self.press
        if self.scene.snap_to_grid:
            delta = self.scene.snap_point(self.reference + delta) - self.reference
        with self.scene.batched():
            for item in self.items:
                item.move_to(self.start[item.component_id] + delta)
                self.scene.component_item_moved(item)

    def finish(self) -> None:
        if not self.started:
            return
        old = {cid: (p.x(), p.y()) for cid, p in self.start.items()}
        new = {it.component_id: (round(it.x(), 1), round(it.y(), 1)) for it in self.items}
        try:
            self.scene.editor.move(old, new)
        except EditError as exc:  # e.g. a card deleted under the drag: put the cards back
            self.cancel()
            self.scene.message.emit(str(exc))

    def cancel(self) -> None:
        with self.scene.batched():
            for item in self.items:
                if shiboken6.isValid(item) and item.scene() is self.scene:
                    item.move_to(self.start[item.component_id])
                    self.scene.component_item_moved(item)


class _RubberLine:
    """A dashed line from a fixed point to the mouse, highlighting the card or group under the mouse."""

    def __init__(self, scene, exclude: ComponentItem | None):
        self.scene = scene
        self.exclude = exclude
        self.target = None
        self.line = QGraphicsLineItem()
        pen = QPen(style.SELECTION, 1.8, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
        pen.setCosmetic(True)
        self.line.setPen(pen)
        self.line.setZValue(Z_FEEDBACK)
        scene.addItem(self.line)

    def update(self, start: QPointF, pos: QPointF) -> None:
        target = self.scene.connect_target_at(pos, exclude=self.exclude)
        if target is not self.target:
            if self.target is not None:
                self.target.set_drop_target(False)
            if target is not None:
                target.set_drop_target(True)
            self.target = target
        self.line.setLine(QLineF(start, pos))

    def cancel(self) -> None:
        if self.target is not None and shiboken6.isValid(self.target) and self.target.scene() is self.scene:
            self.target.set_drop_target(False)
        self.target = None
        if shiboken6.isValid(self.line) and self.line.scene() is self.scene:
            self.scene.removeItem(self.line)


def _end_id(item) -> str:
    return item.component_id if isinstance(item, ComponentItem) else item.group_id


class ConnectGesture:
    """A dashed line from a card to the mouse; `finish` connects to the card or group under it."""

    def __init__(self, scene, source: ComponentItem, pos: QPointF):
        self.scene = scene
        self.source = source
        self.rubber = _RubberLine(scene, exclude=source)
        self.update(pos)

    @property
    def target(self):
        return self.rubber.target

    @property
    def line(self) -> QGraphicsLineItem:
        return self.rubber.line

    def update(self, pos: QPointF) -> None:
        rect = self.source.card_rect()
        self.rubber.update(arrows.clip_to_rect(rect.center(), pos, rect), pos)

    def finish(self, pos: QPointF) -> str | None:
        """Connect; returns the new link id (None when released on nothing or refused)."""
        self.update(pos)
        target = self.rubber.target
        self.cancel()
        if target is None:
            return None
        try:
            link_id = self.scene.editor.connect(self.source.component_id, _end_id(target))
        except EditError as exc:
            self.scene.message.emit(f"Cannot connect: {exc}")
            return None
        self.scene.select_ids([link_id])
        return link_id

    def cancel(self) -> None:
        self.rubber.cancel()


class EndGesture:
    """Dragging one end of a link to another card or group (re-attach)."""

    def __init__(self, scene, link: LinkItem, end: str, pos: QPointF):
        self.scene = scene
        self.link = link
        self.end = end                      # "source" or "target"
        points = link.points
        self.fixed = points[-1] if end == "source" else points[0]
        self.rubber = _RubberLine(scene, exclude=None)
        self.update(pos)

    def update(self, pos: QPointF) -> None:
        self.rubber.update(self.fixed, pos)

    def finish(self, pos: QPointF) -> bool:
        self.update(pos)
        target = self.rubber.target
        self.rubber.cancel()
        if target is None:
            return False
        link = self.link.link
        new_end = _end_id(target)
        if new_end == getattr(link, self.end):
            return False
        try:
            self.scene.editor.reattach(link.id, **{self.end: new_end})
        except EditError as exc:
            self.scene.message.emit(f"Cannot re-attach: {exc}")
            return False
        self.scene.select_ids([link.id])
        return True

    def cancel(self) -> None:
        self.rubber.cancel()


class BendGesture:
    """Dragging a bend of a link (an existing one, or one added where the link was pressed)."""

    def __init__(self, scene, link: LinkItem, handle: Handle | None, press: QPointF, press_screen):
        self.scene = scene
        self.link = link
        self.press_screen = press_screen
        self.original = [QPointF(p.x, p.y) for p in link.link.waypoints]
        self.bends = list(self.original)
        if handle is not None and handle.kind == "bend":
            self.index = handle.index
        else:
            anchors = [scene.end_centre(link.link.source), *self.bends, scene.end_centre(link.link.target)]
            self.index = insertion_index(anchors, press)
            self.bends.insert(self.index, QPointF(press))
        self.started = False

    def drag_to(self, scene_pos: QPointF, screen_pos) -> None:
        if not self.started:
            if not _far_enough(self.press_screen, screen_pos):
                return
            self.started = True
        point = self.scene.snap_point(scene_pos) if self.scene.snap_to_grid else QPointF(scene_pos)
        self.bends[self.index] = point
        self.scene.show_bends(self.link.link_id, self.bends)

    def finish(self) -> bool:
        if not self.started:
            return False
        self.scene.show_bends(self.link.link_id, None)
        bends = [(round(p.x(), 1), round(p.y(), 1)) for p in self.bends]
        try:
            self.scene.editor.set_bends(self.link.link_id, bends)
        except EditError as exc:
            self.scene.message.emit(f"Cannot bend: {exc}")
            return False
        return True

    def cancel(self) -> None:
        if shiboken6.isValid(self.link):
            self.scene.show_bends(self.link.link_id, None)


class Gestures:
    """Routes the scene's mouse events to the gesture in progress."""

    def __init__(self, scene):
        self.scene = scene
        self.move: MoveGesture | None = None
        self.connect: ConnectGesture | None = None
        self.end: EndGesture | None = None
        self.bend: BendGesture | None = None
        self._shift_press: tuple[ComponentItem, QPointF, object] | None = None  # Shift on a card: click or drag?

    def press(self, event) -> bool:
        """Before default handling: True when a gesture takes the press (no default selection)."""
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        scene, pos = self.scene, event.scenePos()
        handles = scene.link_handles()
        if handles is not None:
            handle = handles.hit(pos, scene.zoom_at(event))
            if handle is not None:
                self.cancel()
                if handle.kind in ("source", "target"):
                    self.end = EndGesture(scene, handles.link, handle.kind, pos)
                else:
                    self.bend = BendGesture(scene, handles.link, handle, pos, event.screenPos())
                event.accept()
                return True
        item = scene.item_at(pos)
        modifiers = event.modifiers()
        if isinstance(item, ComponentItem) and item.on_handle(pos) and not modifiers & ADDS:
            self.cancel()
            self.connect = ConnectGesture(scene, item, pos)
            event.accept()
            return True
        if item is not None and modifiers & ADDS:
            if isinstance(item, ComponentItem) and modifiers & Qt.KeyboardModifier.ShiftModifier:
                self._shift_press = (item, pos, event.screenPos())  # a drag connects, a click selects
            else:
                self._toggle(item)
            event.accept()
            return True
        return False

    def _toggle(self, item) -> None:
        """Shift/Ctrl+click: add to the selection, or take out what was in it."""
        self.scene.set_item_selected(item, not item.isSelected())

    def after_press(self, event) -> None:
        """After default handling (selection): start moving if a selected card or group was pressed, or
        bending if a link was."""
        if event.button() != Qt.MouseButton.LeftButton or self.connect is not None:
            return
        item = self.scene.item_at(event.scenePos())
        if isinstance(item, (ComponentItem, GroupItem)) and item.isSelected():
            items = self.scene.moving_items()
            if not items:
                return
            reference = item.centre() if isinstance(item, ComponentItem) else items[0].centre()
            self.move = MoveGesture(self.scene, items, reference, event.scenePos(),
                                    event.buttonDownScreenPos(Qt.MouseButton.LeftButton))
        elif isinstance(item, LinkItem) and item.points:
            self.bend = BendGesture(self.scene, item, None, event.scenePos(),
                                    event.buttonDownScreenPos(Qt.MouseButton.LeftButton))

    def move_event(self, event) -> bool:
        pos = event.scenePos()
        if self._shift_press is not None:
            item, _start, press_screen = self._shift_press
            if _far_enough(press_screen, event.screenPos()):
                self._shift_press = None
                self.connect = ConnectGesture(self.scene, item, pos)
            return True
        if self.connect is not None:
            self.connect.update(pos)
            return True
        if self.end is not None:
            self.end.update(pos)
            return True
        if event.buttons() & Qt.MouseButton.LeftButton:
            if self.move is not None:
                self.move.drag_to(pos, event.screenPos())
                return True
            if self.bend is not None:
                self.bend.drag_to(pos, event.screenPos())
                return True
        return False

    def release(self, event) -> bool:
        """True when the release finished a gesture that took the press (no default handling needed)."""
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        if self._shift_press is not None:
            item = self._shift_press[0]
            self._shift_press = None
            self._toggle(item)
            return True
        if self.connect is not None:
            gesture, self.connect = self.connect, None
            gesture.finish(event.scenePos())
            return True
        if self.end is not None:
            gesture, self.end = self.end, None
            gesture.finish(event.scenePos())
            return True
        if self.bend is not None and self.move is None:
            gesture, self.bend = self.bend, None
            if gesture.finish():
                return True
        return False

    def after_release(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.move is not None:
            gesture, self.move = self.move, None
            gesture.finish()

    def cancel(self) -> None:
        self._shift_press = None
        for name in ("connect", "end", "bend", "move"):
            gesture = getattr(self, name)
            if gesture is not None:
                gesture.cancel()
                setattr(self, name, None)
