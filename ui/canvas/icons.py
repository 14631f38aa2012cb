"""
Kind icons (ui/icons/<icon>.svg) rendered once per icon, size and device pixel ratio.

A 1,000-card plan uses a few dozen icons; rendering SVG per paint would dominate the frame time, so
pixmaps are cached here for the life of the process.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtSvg import QSvgGenerator, QSvgRenderer

from archplan.planner import resources

ICON_DIR = resources.icons_dir()

_pixmaps: dict[tuple[str, int, float], QPixmap] = {}
_renderers: dict[str, QSvgRenderer | None] = {}


def icon_path(icon: str) -> Path:
    return ICON_DIR / f"{icon}.svg"


def _renderer(icon: str) -> QSvgRenderer | None:
    if icon not in _renderers:
        path = icon_path(icon)
        renderer = QSvgRenderer(str(path)) if path.is_file() else None
        _renderers[icon] = renderer if renderer is not None and renderer.isValid() else None
    return _renderers[icon]


def icon_pixmap(icon: str, size: int, ratio: float = 1.0) -> QPixmap | None:
    """The icon as a square pixmap of `size` logical pixels (None if the SVG is missing/invalid)."""
    ratio = max(1.0, round(ratio * 4) / 4)
    key = (icon, size, ratio)
    if key in _pixmaps:
        return _pixmaps[key]
    renderer = _renderer(icon)
    if renderer is None:
        return None
    side = max(1, round(size * ratio))
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    with QPainter(pixmap) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, side, side))
    pixmap.setDevicePixelRatio(ratio)
    _pixmaps[key] = pixmap
    return pixmap


def render_icon(painter: QPainter, icon: str, target: QRectF) -> bool:
    """Draw the icon into `target` (scene coordinates of the painter). Vector output (SVG export,
    printing) gets the SVG itself; raster output gets the cached pixmap at the painter's scale."""
    device = painter.device()
    if isinstance(device, QSvgGenerator):
        renderer = _renderer(icon)
        if renderer is None:
            return False
        renderer.render(painter, target)
        return True
    scale = painter.worldTransform().m11() * (device.devicePixelRatioF() if device is not None else 1.0)
    pixmap = icon_pixmap(icon, round(target.width()), scale)
    if pixmap is None:
        return False
    painter.drawPixmap(target.topLeft(), pixmap)
    return True
