"""
Geometry that follows the cards: link routes and group frames.

When a card moves (a drag, an undo, a layout) its links re-route and the frames of its groups re-fit
around their members (and nested groups), which in turn re-routes links attached to those groups.
A burst of moves (a drag of many cards) defers the re-fitting to its end (`batched`), so moving n
cards costs O(n), not O(n x members). The scene owns one SceneGeometry over its SceneIndex.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from PySide6.QtCore import QPointF, QRectF

from archplan.ui.canvas import arrows, style
from archplan.ui.canvas.index import SceneIndex
from archplan.ui.canvas.items import ComponentItem, GroupItem


class SceneGeometry:
    """Routes links and fits group frames for the items of `index`; `depth(gid)` is a group's nesting,
    `routed(link id)` is told after a link was routed (the selected link's handles follow)."""

    def __init__(self, index: SceneIndex, depth: Callable[[str], int],
                 routed: Callable[[str], None] | None = None):
        self.index = index
        self.depth = depth
        self.routed = routed          # told the id of every link re-routed
        self._batch_depth = 0
        self._dirty_groups: set[str] = set()
        self._bends: dict[str, list[QPointF]] = {}   # link id -> bends shown while one is dragged

    def reset(self) -> None:
        self._dirty_groups.clear()
        self._bends.clear()

    @contextmanager
    def batched(self):
        """Defer group re-fitting until a burst of moves is over (a drag moves many cards)."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                while self._dirty_groups:
                    self.fit_group(self._dirty_groups.pop())

    def fit_all_groups_later(self) -> None:
        """Inside `batched`: fit every group when the batch ends (after a rebuild)."""
        self._dirty_groups.update(self.index.groups)

    def card_moved(self, item: ComponentItem) -> None:
        """A card's position changed: its links follow, its groups re-fit."""
        for lid in self.index.links_at(item.component_id):
            self.route(lid)
        if item.component.group:
            self.group_changed(item.component.group)

    def group_changed(self, gid: str) -> None:
        """A group's members moved or changed: fit its frame now, or at the end of the batch."""
        if self._batch_depth:
            self._dirty_groups.add(gid)
        else:
            self.fit_group(gid)

    def fit_group(self, gid: str) -> None:
        item = self.index.groups.get(gid)
        if item is None:
            return
        xs, ys = [], []
        for cid in self.index.members(gid):
            card = self.index.components.get(cid)
            if card is not None:
                xs.append(card.x())
                ys.append(card.y())
        rect = QRectF()
        if xs:
            rect = QRectF(min(xs) - style.CARD_W / 2, min(ys) - style.CARD_H / 2,
                          max(xs) - min(xs) + style.CARD_W, max(ys) - min(ys) + style.CARD_H)
        for child in self.index.subgroups(gid):
            rect = rect.united(child.rect()) if not rect.isNull() else child.rect()
        if rect.isNull():
            rect = item.rect() if item.rect().isValid() else QRectF(GroupItem.EMPTY_RECT)
        else:
            pad = style.GROUP_PADDING
            rect = rect.adjusted(-pad, -pad - style.GROUP_TITLE_H, pad, pad)
        if item.set_rect(rect):
            for lid in self.index.links_at(gid):
                self.route(lid)
            if item.group.parent:
                self.group_changed(item.group.parent)

    def end_rect(self, end: str) -> QRectF | None:
        card = self.index.components.get(end)
        if card is not None:
            return card.card_rect()
        group = self.index.groups.get(end)
        return group.rect() if group is not None else None

    def end_box(self, end: str):
        """A link end as arrows.Box (plain numbers: cards are routed thousands of times)."""
        card = self.index.components.get(end)
        if card is not None:
            return card.box()
        group = self.index.groups.get(end)
        return arrows.box_of(group.rect()) if group is not None else None

    def route(self, lid: str) -> None:
        item = self.index.links.get(lid)
        if item is not None:
            link = item.link
            item.update_geometry(self.end_box(link.source), self.end_box(link.target), self._bends.get(lid))
            if self.routed is not None:
                self.routed(lid)

    def route_new(self, item) -> None:
        """Route a link item just made (the common case of a plan being built, kept lean: 10,000s)."""
        link = item.link
        source, target = self.end_box(link.source), self.end_box(link.target)
        if source is None or target is None:
            item.place(None)
        elif not link.waypoints and link.route == "straight" and not item.offset:
            line = arrows.straight_line(source, target)
            item.place(None if line is None else list(line))
        else:
            item.update_geometry(source, target)

    def show_bends(self, lid: str, bends: list[QPointF] | None) -> None:
        """Draw a link through these bends while they are dragged (None: its own bends again)."""
        if bends is None:
            self._bends.pop(lid, None)
        else:
            self._bends[lid] = list(bends)
        self.route(lid)

    def update_pair_offsets(self, a: str, b: str) -> None:
        """Opposite links between one pair are drawn side by side (the offset flips with direction)."""
        pair = self.index.links_between(a, b)
        if len(pair) == 1 and pair[0].offset == 0.0:
            return  # the usual case: one link, drawn on the centre line
        both = {(it.link.source, it.link.target) for it in pair} == {(a, b), (b, a)}
        for it in pair:
            offset = 6.0 if both else 0.0
            if it.offset != offset:
                it.offset = offset
                self.route(it.link_id)
