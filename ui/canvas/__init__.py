"""
The canvas: a QGraphicsScene mirroring the open plan (cards, links, groups, live badges), its view
(zoom, pan, grid, palette drops) and image export. Every gesture goes through ui.editor.Editor.
"""

from ui.canvas.clipboard import ITEMS_MIME, KIND_MIME
from ui.canvas.image import save_scene_image
from ui.canvas.scene import CanvasScene
from ui.canvas.view import CanvasView

__all__ = ["CanvasScene", "CanvasView", "save_scene_image", "ITEMS_MIME", "KIND_MIME"]
