"""
The canvas view: an endless, zoomable drawing surface over a CanvasScene.

- A subtle grid (minor lines every 20 px, stronger every 100 px; coarser when zoomed out so the
  background never costs more than a few hundred lines).
- Zoom with the wheel (with or without Ctrl) around the cursor, clamped to 10 %..400 %; zoom_in /
  zoom_out / zoom_reset / zoom_fit for menus and shortcuts.
- Pan with the middle button, or with Space held and the left button.
- Rubber-band selection on empty background (QGraphicsView.RubberBandDrag).
- Drops of a palette kind (KIND_MIME: the UTF-8 bytes of a catalog kind id) add that component at
  the drop position through the scene (one undo step) and select it.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QPainter, QPen
from PySide6.QtWidgets import QFrame, QGraphicsView

from archplan.ui.canvas import style
from archplan.ui.canvas.clipboard import KIND_MIME
from archplan.ui.canvas.scene import CanvasScene

MIN_ZOOM, MAX_ZOOM = 0.1, 4.0
#: Plans open fitted to the view, but never smaller than this: below it a card's text is hard to read,
#: and it is better to show the entry points readable and let the user scroll to the rest.
READABLE_ZOOM = 0.75
ZOOM_STEP = 1.2
#: The scrollable area: effectively endless in every direction (and always around the drawing).
WORLD = QRectF(-50_000, -50_000, 100_000, 100_000)
WORLD_MARGIN = 20_000.0


class CanvasView(QGraphicsView):
    #: The zoom factor changed (1.0 = 100 %).
    zoom_changed = Signal(float)
    #: The viewport has been painted (start-up waits for the first one before computing).
    painted = Signal()

    def __init__(self, scene: CanvasScene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._fit_world(scene.sceneRect())
        scene.sceneRectChanged.connect(self._fit_world)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from: QPointF | None = None
        self._space = False
        self.centerOn(scene.items_bounding_rect().center() if scene.component_items() else QPointF(0, 0))

    @property
    def canvas(self) -> CanvasScene:
        return self.scene()

    def _fit_world(self, drawing: QRectF) -> None:
        """Keep the scrollable area around everything drawn, however far it reaches."""
        m = WORLD_MARGIN
        world = WORLD.united(drawing.adjusted(-m, -m, m, m)) if drawing.isValid() else WORLD
        if world != self.sceneRect():
            self.setSceneRect(world)

    # ------------------------------------------------------------------ zoom
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom to `factor` (clamped), keeping the scene point under `anchor` (view coords) still."""
        factor = min(MAX_ZOOM, max(MIN_ZOOM, factor))
        current = self.zoom()
        if math.isclose(factor, current, rel_tol=1e-9):
            return
        anchor = anchor if anchor is not None else QPointF(self.viewport().rect().center())
        fixed = self.mapToScene(anchor.toPoint())
        self.scale(factor / current, factor / current)
        moved = self.mapFromScene(fixed) - anchor.toPoint()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        self.zoom_changed.emit(self.zoom())

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    def zoom_fit(self, margin: float = 40.0) -> None:
        """Show every item, with a margin, at the largest zoom that fits (never above 100 %)."""
        rect = self.canvas.items_bounding_rect()
        if rect.isNull():
            self.resetTransform()
            self.centerOn(0, 0)
            self.zoom_changed.emit(1.0)
            return
        view = self.viewport().rect()
        factor = min((view.width() - 2 * margin) / max(rect.width(), 1.0),
                     (view.height() - 2 * margin) / max(rect.height(), 1.0))
        factor = min(1.0, max(MIN_ZOOM, factor))
        self.resetTransform()
        self.scale(factor, factor)
        self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom())

    def zoom_to_plan(self) -> None:
        """How a plan opens: fitted when that is readable, else at READABLE_ZOOM showing its top left
        (the entry points, since layouts flow left to right)."""
        self.zoom_fit()
        if self.zoom() >= READABLE_ZOOM - 1e-9:
            return
        rect = self.canvas.items_bounding_rect()
        self.set_zoom(READABLE_ZOOM)
        view = self.viewport().rect()
        visible_w, visible_h = view.width() / READABLE_ZOOM, view.height() / READABLE_ZOOM
        margin = 30.0 / READABLE_ZOOM
        centre = QPointF(rect.left() - margin + visible_w / 2, rect.center().y())
        if rect.height() > visible_h - 2 * margin:
            centre.setY(rect.top() - margin + visible_h / 2)
        self.centerOn(centre)

    def cursor_scene_pos(self) -> QPointF | None:
        """Where the mouse is on the canvas, or None when it is not over the view."""
        point = self.viewport().mapFromGlobal(QCursor.pos())
        if not self.viewport().rect().contains(point):
            return None
        return self.mapToScene(point)

    def paintEvent(self, event):
        super().paintEvent(event)
        self.painted.emit()

    def wheelEvent(self, event):
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            event.ignore()
            return
        self.set_zoom(self.zoom() * math.pow(1.0015, delta), event.position())
        event.accept()

    # ------------------------------------------------------------------ pan
    def _panning(self, event) -> bool:
        return event.button() == Qt.MouseButton.MiddleButton or (
            self._space and event.button() == Qt.MouseButton.LeftButton)

    def mousePressEvent(self, event):
        if self._panning(event):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event):
        buttons = (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton)
        if self._pan_from is not None and event.button() in buttons:
            self._pan_from = None
            cursor = Qt.CursorShape.OpenHandCursor if self._space else Qt.CursorShape.ArrowCursor
            self.viewport().setCursor(cursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event):
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------------ drops from the palette
    # Only palette kinds can be dropped: no item accepts drops, so other data is refused here.
    def dragEnterEvent(self, event):
        if event.mimeData().hasFormat(KIND_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event):
        if event.mimeData().hasFormat(KIND_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event):
        mime = event.mimeData()
        if not mime.hasFormat(KIND_MIME):
            event.ignore()
            return
        kind = bytes(mime.data(KIND_MIME).data()).decode("utf-8", errors="replace").strip()
        pos = self.mapToScene(event.position().toPoint())
        if self.canvas.add_component_at(kind, QPointF(pos)) is not None:
            event.acceptProposedAction()
            self.setFocus()
        else:
            event.ignore()

    # ------------------------------------------------------------------ background
    def drawBackground(self, painter: QPainter, rect: QRectF):
        painter.fillRect(rect, style.BACKGROUND)
        scale = self.zoom()
        step = style.GRID
        while step * scale < 9:
            step *= 5
        major = step * 5
        minor_lines, major_lines = [], []
        left, top = math.floor(rect.left() / step) * step, math.floor(rect.top() / step) * step
        x = left
        while x <= rect.right():
            (major_lines if math.isclose(x / major, round(x / major), abs_tol=1e-6) else minor_lines).append(
                QLineF(x, rect.top(), x, rect.bottom()))
            x += step
        y = top
        while y <= rect.bottom():
            (major_lines if math.isclose(y / major, round(y / major), abs_tol=1e-6) else minor_lines).append(
                QLineF(rect.left(), y, rect.right(), y))
            y += step
        pen = QPen(style.GRID_MINOR, 0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(pen)
        painter.drawLines(minor_lines)
        pen.setColor(style.GRID_MAJOR)
        painter.setPen(pen)
        painter.drawLines(major_lines)


def view_point(view: QGraphicsView, scene_pos: QPointF) -> QPoint:
    """The viewport point showing `scene_pos` (tests and tools drive the view through this)."""
    return view.mapFromScene(scene_pos)
