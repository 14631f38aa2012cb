"""
The canvas: a QGraphicsScene mirroring the open plan (cards, links, groups, live badges), its view
(zoom, pan, grid, palette drops) and image export. Every gesture goes through ui.editor.Editor.

The names below are imported on first use, so that the window's frame (and its colours, style.py) can
be loaded before the plan model and the scene.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    "ITEMS_MIME": "archplan.ui.canvas.clipboard",
    "KIND_MIME": "archplan.ui.canvas.clipboard",
    "CanvasScene": "archplan.ui.canvas.scene",
    "CanvasView": "archplan.ui.canvas.view",
    "save_scene_image": "archplan.ui.canvas.image",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'archplan.ui.canvas' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
