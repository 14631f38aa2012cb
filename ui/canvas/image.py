"""
What-you-see images of the canvas: PNG (raster, `scale` x scene pixels) or SVG (vector).

The whole drawing is rendered (not just the visible part) on white, without the grid, the selection
or hover decorations, so the image can go straight into a document.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

from archplan.ui.canvas.scene import CanvasScene

MARGIN = 32.0
SUFFIXES = (".png", ".svg")


def save_scene_image(scene: CanvasScene, path: str | Path, scale: float = 2.0) -> Path:
    """Write the scene to `path` (.png or .svg); ValueError for other suffixes, OSError if unwritable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        what = suffix or "a file without suffix"
        raise ValueError(f"cannot save a canvas image as {what!r}: use .png or .svg")
    if not (scale > 0):
        raise ValueError(f"image scale {scale!r} must be positive")
    source = scene.items_bounding_rect()
    if source.isNull():
        source = QRectF(0, 0, 200, 120)
    source = source.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    with _plain_rendering(scene):
        if suffix == ".png":
            _save_png(scene, path, source, scale)
        else:
            _save_svg(scene, path, source)
    return path


def _save_png(scene: CanvasScene, path: Path, source: QRectF, scale: float) -> None:
    size = QSize(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    with QPainter(image) as painter:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                               | QPainter.RenderHint.SmoothPixmapTransform)
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), source,
                     Qt.AspectRatioMode.KeepAspectRatio)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write the image {path}")


def _save_svg(scene: CanvasScene, path: Path, source: QRectF) -> None:
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(round(source.width()), round(source.height())))
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setTitle(scene.document.plan.name)
    generator.setDescription("Drawn with Archplan")
    with QPainter(generator) as painter:
        painter.fillRect(QRectF(0, 0, source.width(), source.height()), QColor("white"))
        scene.render(painter, QRectF(0, 0, source.width(), source.height()), source,
                     Qt.AspectRatioMode.KeepAspectRatio)
    if not path.is_file():
        raise OSError(f"could not write the image {path}")


class _plain_rendering:
    """Deselect (without telling listeners), switch off item caches and decorations; restore after."""

    def __init__(self, scene: CanvasScene):
        self.scene = scene

    def __enter__(self):
        scene = self.scene
        self.selected = list(scene.selectedItems())
        self.blocked = scene.blockSignals(True)
        for item in self.selected:
            item.setSelected(False)
        self.cached = [it for it in scene.items() if it.cacheMode() != QGraphicsItem.CacheMode.NoCache]
        self.modes = [it.cacheMode() for it in self.cached]
        for item in self.cached:  # cached pixmaps would be rasterised into the SVG
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        scene.exporting = True
        return self

    def __exit__(self, *exc):
        scene = self.scene
        scene.exporting = False
        for item, mode in zip(self.cached, self.modes):
            item.setCacheMode(mode)
        for item in self.selected:
            item.setSelected(True)
        scene.blockSignals(self.blocked)
        return False
