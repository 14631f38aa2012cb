"""The yardstick the GUI benchmarks are measured against, in the same run: a bare QGraphicsView showing
the same cards and links with plain Qt items (a rectangle and a line of text per card, a line per
link), built and painted the same way. Absolute times do not carry from one machine to another (or from
a quiet machine to a busy one); the ratio of Archplan's time to this one does.

    scene, view = bare_canvas(plan)       # build it (what "open" costs Qt itself)
    paint(view)                           # one full repaint of the viewport
    rename(scene, view, "api")            # change one card's text and repaint what changed
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

CARD = QRectF(-100, -40, 200, 80)


def bare_canvas(plan, size: tuple[int, int] = (1400, 900)) -> tuple[QGraphicsScene, QGraphicsView]:
    scene = QGraphicsScene()              # Qt's defaults, spatial index included
    scene.cards = {}
    centres = {}
    for component in plan.components:
        card = QGraphicsRectItem(CARD)
        card.setPos(component.position.x, component.position.y)
        card.setBrush(QColor("white"))
        text = QGraphicsSimpleTextItem(component.name, card)
        text.setPos(-90, -30)
        scene.addItem(card)
        scene.cards[component.id] = text
        centres[component.id] = (component.position.x, component.position.y)
    pen = QPen(QColor("#64748b"), 1.6)
    for link in plan.links:
        if link.source in centres and link.target in centres:
            line = QGraphicsLineItem(QLineF(*centres[link.source], *centres[link.target]))
            line.setPen(pen)
            line.setZValue(-1)
            scene.addItem(line)
    view = QGraphicsView(scene)
    view.bare_scene = scene               # the view does not own its scene: keep it alive with the view
    view.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    view.resize(*size)
    return scene, view


def paint(view: QGraphicsView) -> QImage:
    """Render the viewport into an image (a full repaint)."""
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    view.viewport().render(image)
    return image


def rename(scene: QGraphicsScene, view: QGraphicsView, card_id: str, text: str) -> None:
    """Change one card's text and let the event loop repaint it."""
    scene.cards[card_id].setText(text)
    QApplication.processEvents()
