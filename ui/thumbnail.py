"""
Template thumbnails: a small picture of a plan drawn from its own positions, never hand drawn.

`render_thumbnail(plan, size)` paints group rectangles, links (arrow, dash by link kind) and one
rounded card per component, coloured by category with the kind's icon (ui/icons/<icon>.svg
through QSvgRenderer), scaled to fit `size`. Names are written only when the scale leaves them
legible. `cached_thumbnail(path, size)` keeps rendered images in memory keyed by the file's path,
modification time and size, so the gallery repaints instantly and picks up edited templates.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtSvg import QSvgRenderer

from archplan.planner import resources
from archplan.planner.catalog import default_catalog
from archplan.planner.graph import members_by_group
from archplan.planner.model import Plan
from archplan.ui.canvas import style

ICON_DIR = resources.icons_dir()
MARGIN = 24.0           # scene px around the drawing
LABEL_MIN_SCALE = 0.42  # below this, component names would be unreadable
TITLE_MIN_SCALE = 0.3
GROUP_PAD = style.GROUP_PADDING
GROUP_TITLE = style.GROUP_TITLE_H

LINK_STYLES = {  # kind -> (colour, dash pattern or None, width)
    "request": (QColor("#64748b"), None, 2.2),
    "async": (QColor("#ea580c"), [5.0, 3.0], 2.2),
    "event": (QColor("#0891b2"), [5.0, 3.0], 2.2),
    "replication": (QColor("#9333ea"), [1.5, 2.5], 2.4),
    "health": (QColor("#a3aebf"), [1.0, 3.0], 1.6),
}

_cache: dict[tuple[str, int, int, tuple[int, int]], QImage] = {}
_app: QGuiApplication | None = None


def _ensure_gui() -> None:
    """Fonts and SVG need a QGuiApplication; scripts may call us before creating one. Painting makes
    hundreds of void PySide6 calls, so None is protected against the 6.12.0 binding's reference leak."""
    global _app
    if QGuiApplication.instance() is None:
        _app = QGuiApplication([])


def _renderer(icon: str, renderers: dict[str, QSvgRenderer | None]) -> QSvgRenderer | None:
    """One QSvgRenderer per icon and thumbnail (renderers kept across interpreter shutdown crash PySide6)."""
    if icon not in renderers:
        path = ICON_DIR / f"{icon}.svg"
        renderer = QSvgRenderer(str(path)) if path.is_file() else None
        renderers[icon] = renderer if renderer is not None and renderer.isValid() else None
    return renderers[icon]


# ------------------------------------------------------------------------------------------ geometry

def _card(plan_component) -> QRectF:
    x, y = plan_component.position.x, plan_component.position.y
    return QRectF(x - style.CARD_W / 2, y - style.CARD_H / 2, style.CARD_W, style.CARD_H)


def _group_rects(plan: Plan, cards: dict[str, QRectF]) -> dict[str, QRectF]:
    """Bounding box of each group's members (nested groups included), padded, with a title band."""
    members = members_by_group(plan)
    depth = {g.id: _depth(plan, g.id) for g in plan.groups}
    rects: dict[str, QRectF] = {}
    for group in sorted(plan.groups, key=lambda g: -depth[g.id]):  # children before parents
        boxes = [cards[m] for m in members.get(group.id, []) if m in cards]
        boxes += [rects[g.id] for g in plan.groups if g.parent == group.id and g.id in rects]
        if not boxes:
            continue
        box = boxes[0]
        for other in boxes[1:]:
            box = box.united(other)
        rects[group.id] = box.adjusted(-GROUP_PAD, -GROUP_PAD - GROUP_TITLE, GROUP_PAD, GROUP_PAD)
    return rects


def _depth(plan: Plan, group_id: str) -> int:
    depth, seen, current = 0, set(), plan.group(group_id).parent
    while current and current not in seen:
        seen.add(current)
        depth += 1
        current = plan.group(current).parent
    return depth


def _clip(centre: QPointF, towards: QPointF, rect: QRectF) -> QPointF:
    """Where the segment from the rect's centre towards a point leaves the rect."""
    dx, dy = towards.x() - centre.x(), towards.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    tx = (rect.width() / 2) / abs(dx) if dx else math.inf
    ty = (rect.height() / 2) / abs(dy) if dy else math.inf
    t = min(tx, ty, 1.0)
    return QPointF(centre.x() + dx * t, centre.y() + dy * t)


# ------------------------------------------------------------------------------------------ painting

def render_thumbnail(plan: Plan, size: tuple[int, int] = (320, 200)) -> QImage:
    """The plan drawn from its positions into a `size` image (white background when empty)."""
    _ensure_gui()
    width, height = max(1, int(size[0])), max(1, int(size[1]))
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(style.BACKGROUND)
    cards = {c.id: _card(c) for c in plan.components}
    groups = _group_rects(plan, cards)
    if not cards:
        return image
    bounds = None
    for rect in [*cards.values(), *groups.values()]:
        bounds = rect if bounds is None else bounds.united(rect)
    bounds = bounds.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    scale = min(width / bounds.width(), height / bounds.height())
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.translate((width - bounds.width() * scale) / 2, (height - bounds.height() * scale) / 2)
        painter.scale(scale, scale)
        painter.translate(-bounds.left(), -bounds.top())
        _paint_groups(painter, plan, groups, scale)
        _paint_links(painter, plan, cards, groups, scale)
        _paint_cards(painter, plan, cards, scale)
    finally:
        painter.end()
    return image


def _paint_groups(painter: QPainter, plan: Plan, rects: dict[str, QRectF], scale: float) -> None:
    for group in sorted(plan.groups, key=lambda g: _depth(plan, g.id)):
        rect = rects.get(group.id)
        if rect is None:
            continue
        colour = QColor(style.GROUP_COLOURS.get(group.kind, style.GROUP_COLOURS["group"]))
        painter.setPen(QPen(style.tint(colour, 140), 1.0 / max(scale, 0.2), Qt.PenStyle.DashLine
                            if group.kind == "group" else Qt.PenStyle.SolidLine))
        painter.setBrush(style.tint(colour, 22))
        painter.drawRoundedRect(rect, 14, 14)
        band = QRectF(rect.left(), rect.top(), rect.width(), GROUP_TITLE)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.tint(colour, 40))
        path = QPainterPath()
        path.addRoundedRect(band, 14, 14)
        painter.drawPath(path)
        if scale >= TITLE_MIN_SCALE:
            painter.setPen(colour.darker(130))
            painter.setFont(style.font(13, 700))
            painter.drawText(band.adjusted(12, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             group.name)


def _paint_links(painter: QPainter, plan: Plan, cards: dict[str, QRectF], groups: dict[str, QRectF],
                 scale: float) -> None:
    rects = {**groups, **cards}
    pairs: dict[tuple[str, str], int] = {}
    for link in plan.links:
        if link.source not in rects or link.target not in rects:
            continue
        key = tuple(sorted((link.source, link.target)))
        index = pairs.get(key, 0)
        pairs[key] = index + 1
        src, dst = rects[link.source], rects[link.target]
        a, b = src.center(), dst.center()
        dx, dy = b.x() - a.x(), b.y() - a.y()
        length = math.hypot(dx, dy) or 1.0
        if index:  # parallel links between the same two boxes: offset sideways
            offset = 14.0 * ((index + 1) // 2) * (1 if index % 2 else -1)
            nx, ny = -dy / length * offset, dx / length * offset
            a, b = QPointF(a.x() + nx, a.y() + ny), QPointF(b.x() + nx, b.y() + ny)
        start, end = _clip(a, b, src.adjusted(-3, -3, 3, 3)), _clip(b, a, dst.adjusted(-5, -5, 5, 5))
        colour, dash, pen_width = LINK_STYLES.get(link.kind, LINK_STYLES["request"])
        pen = QPen(colour, pen_width / max(scale, 0.3) * 0.75)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        if dash:
            pen.setDashPattern(dash)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawLine(start, end)
        _arrow_head(painter, start, end, colour, 9.0 / max(scale, 0.3) * 0.75)


def _arrow_head(painter: QPainter, start: QPointF, end: QPointF, colour: QColor, size: float) -> None:
    angle = math.atan2(end.y() - start.y(), end.x() - start.x())
    left = QPointF(end.x() - size * math.cos(angle - 0.45), end.y() - size * math.sin(angle - 0.45))
    right = QPointF(end.x() - size * math.cos(angle + 0.45), end.y() - size * math.sin(angle + 0.45))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPolygon(QPolygonF([end, left, right]))


def _paint_cards(painter: QPainter, plan: Plan, cards: dict[str, QRectF], scale: float) -> None:
    catalog = default_catalog()
    renderers: dict[str, QSvgRenderer | None] = {}
    for component in plan.components:
        rect = cards[component.id]
        kind = catalog.get(component.kind)
        colour = style.category_colour(kind.category if kind else None)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.SHADOW)
        painter.drawRoundedRect(rect.translated(0, 3), style.CARD_RADIUS, style.CARD_RADIUS)
        painter.setBrush(style.CARD_FILL if scale >= LABEL_MIN_SCALE else style.tint(colour, 34).lighter(100))
        painter.setPen(QPen(colour, 2.0 / max(scale, 0.3)))
        painter.drawRoundedRect(rect, style.CARD_RADIUS, style.CARD_RADIUS)
        stripe = QPainterPath()
        stripe.addRoundedRect(QRectF(rect.left(), rect.top(), 9, rect.height()), 4, 4)
        painter.fillPath(stripe, colour)
        labelled = scale >= LABEL_MIN_SCALE
        icon_side = 40.0 if labelled else 52.0
        icon_rect = QRectF(rect.left() + (18 if labelled else (rect.width() - icon_side) / 2),
                           rect.center().y() - icon_side / 2, icon_side, icon_side)
        renderer = _renderer(kind.icon, renderers) if kind else None
        if renderer is not None:
            renderer.render(painter, icon_rect)
        if labelled:
            painter.setPen(style.INK)
            painter.setFont(style.font(14, 600))
            text_rect = QRectF(icon_rect.right() + 10, rect.top() + 6, rect.right() - icon_rect.right() - 16,
                               rect.height() - 12)
            name = painter.fontMetrics().elidedText(component.name, Qt.TextElideMode.ElideRight,
                                                    int(text_rect.width() * 2))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, name)


# ------------------------------------------------------------------------------------------ cache

def cached_thumbnail(path: str | Path, size: tuple[int, int] = (320, 200), plan: Plan | None = None) -> QImage:
    """The thumbnail of the plan file at `path`, rendered once per (path, mtime, size).

    Pass `plan` when it is already loaded; otherwise the file is read (planner.io.load_plan)."""
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, (int(size[0]), int(size[1])))
    image = _cache.get(key)
    if image is None:
        if plan is None:
            from archplan.planner.io import load_plan

            plan = load_plan(path)
        for old in [k for k in _cache if k[0] == key[0] and k[3] == key[3]]:
            del _cache[old]  # an older version of the same file
        image = _cache[key] = render_thumbnail(plan, size)
    return image


def clear_thumbnail_cache() -> None:
    _cache.clear()


__all__ = ["cached_thumbnail", "clear_thumbnail_cache", "render_thumbnail"]
