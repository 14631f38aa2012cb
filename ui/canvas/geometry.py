"""
Geometry that follows the cards, mixed into CanvasScene: link routes and group frames.

When a card moves (a drag, an undo, a layout) its links re-route and the frames of its groups re-fit
around their members (and nested groups), which in turn re-routes links attached to those groups.
A burst of moves (a drag of many cards) defers the re-fitting to its end (`batched`), so moving n
cards costs O(n), not O(n x members).
"""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QRectF

from archplan.ui.canvas import style
from archplan.ui.canvas.items import ComponentItem, GroupItem


class SceneGeometry:
    """Mixin for CanvasScene: expects `_components`, `_groups`, `_links`, `_ends`, `_members`,
    `_batch_depth`, `_dirty_groups` and `document`."""

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
                    self._fit_group(self._dirty_groups.pop())

    def component_item_moved(self, item: ComponentItem) -> None:
        """Called by a card when its position changed: its links follow, its groups re-fit."""
        for lid in self._ends.get(item.component_id, ()):
            self._route(lid)
        if item.component.group:
            self._group_moved(item.component.group)

    def _group_moved(self, gid: str) -> None:
        if self._batch_depth:
            self._dirty_groups.add(gid)
        else:
            self._fit_group(gid)

    def _fit_group(self, gid: str) -> None:
        item = self._groups.get(gid)
        if item is None:
            return
        xs, ys = [], []
        for cid in self._members.get(gid, ()):
            card = self._components.get(cid)
            if card is not None:
                xs.append(card.x())
                ys.append(card.y())
        rect = QRectF()
        if xs:
            rect = QRectF(min(xs) - style.CARD_W / 2, min(ys) - style.CARD_H / 2,
                          max(xs) - min(xs) + style.CARD_W, max(ys) - min(ys) + style.CARD_H)
        for child in self._groups.values():
            if child.group.parent == gid:
                rect = rect.united(child.rect()) if not rect.isNull() else child.rect()
        if rect.isNull():
            rect = item.rect() if item.rect().isValid() else QRectF(GroupItem.EMPTY_RECT)
        else:
            pad = style.GROUP_PADDING
            rect = rect.adjusted(-pad, -pad - style.GROUP_TITLE_H, pad, pad)
        if item.set_rect(rect):
            for lid in self._ends.get(gid, ()):
                self._route(lid)
            if item.group.parent:
                self._group_moved(item.group.parent)

    def _depth(self, gid: str) -> int:
        parents = {g.id: g.parent for g in self.document.plan.groups}
        depth, seen = 0, set()
        while parents.get(gid) and gid not in seen:
            seen.add(gid)
            gid, depth = parents[gid], depth + 1
        return depth

    def _end_rect(self, end: str) -> QRectF | None:
        card = self._components.get(end)
        if card is not None:
            return card.card_rect()
        group = self._groups.get(end)
        return group.rect() if group is not None else None

    def _route(self, lid: str) -> None:
        item = self._links.get(lid)
        if item is not None:
            item.update_geometry(self._end_rect(item.link.source), self._end_rect(item.link.target))

    def _update_pair_offsets(self, a: str, b: str) -> None:
        """Opposite links between one pair are drawn side by side (the offset flips with direction)."""
        pair = [self._links[lid] for lid in self._ends.get(a, ()) if lid in self._links
                and {self._links[lid].link.source, self._links[lid].link.target} == {a, b}]
        both = {(it.link.source, it.link.target) for it in pair} == {(a, b), (b, a)}
        for it in pair:
            offset = 6.0 if both else 0.0
            if it.offset != offset:
                it.offset = offset
                self._route(it.link_id)
