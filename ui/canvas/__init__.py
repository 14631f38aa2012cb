"""
The canvas: a QGraphicsScene mirroring the open plan (cards, links, groups, live badges), its view
(zoom, pan, grid, palette drops) and image export. Every gesture goes through ui.editor.Editor.
"""

from archplan.ui.canvas.clipboard import ITEMS_MIME, KIND_MIME
from archplan.ui.canvas.image import save_scene_image
from archplan.ui.canvas.scene import CanvasScene
from archplan.ui.canvas.view import CanvasView

__all__ = ["ITEMS_MIME", "KIND_MIME", "CanvasScene", "CanvasView", "save_scene_image"]
