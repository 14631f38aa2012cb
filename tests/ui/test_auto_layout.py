"""Automatic layout with Graphviz dot: a real 2-D layered drawing of every template, zones kept together,
no more crossings than the plain layered layout, no card on top of another, long links bent around the
cards in their way, one undo step; without dot, the plain layered layout."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF

from archplan.planner.io import load_plan
from archplan.ui.canvas import dot_layout, layout, style
from archplan.ui.canvas.scene import CanvasScene
from archplan.ui.editor import Editor

TEMPLATES = sorted(Path(__file__).resolve().parents[2].joinpath("templates").glob("*.json"))
SIZE = (style.CARD_W, style.CARD_H)


def _edges(plan):
    return [(lk.source, lk.target) for lk in plan.links if lk.kind != "health"]


@pytest.mark.graphviz
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_every_template_lays_out_in_two_dimensions_without_overlaps(path):
    plan = load_plan(path)
    positions, _bends = dot_layout.plan_layout(plan, SIZE, style.GRID)
    assert set(positions) == {c.id for c in plan.components}
    assert layout.overlapping(positions, SIZE) == []
    columns = {x for x, _ in positions.values()}
    rows = {y for _, y in positions.values()}
    assert len(columns) >= 3 and len(rows) >= 2, "a layered drawing, not one row"
    assert all(x % style.GRID == 0 and y % style.GRID == 0 for x, y in positions.values())
    assert dot_layout.crossings(positions, _edges(plan)) <= \
        dot_layout.crossings(layout.plan_layout(plan, SIZE, style.GRID), _edges(plan))


@pytest.mark.graphviz
@pytest.mark.parametrize("path", [p for p in TEMPLATES if load_plan(p).groups], ids=lambda p: p.stem)
def test_zones_stay_together(qapp, path):
    """After the layout, no card sits inside the frame of a zone it does not belong to."""
    editor = Editor(load_plan(path))
    scene = CanvasScene(editor)
    scene.auto_layout()
    plan = editor.plan
    for group in plan.groups:
        frame = scene.group_item(group.id).rect()
        inside = scene.members_deep(group.id)
        for component in plan.components:
            if component.id not in inside:
                card = scene.component_item(component.id).card_rect()
                assert not frame.intersects(card.adjusted(4, 4, -4, -4)), (group.id, component.id)
    scene.detach()
    editor.undo_stack.setClean()


@pytest.mark.graphviz
def test_links_are_bent_around_cards_in_their_way(qapp):
    editor = Editor(load_plan(next(p for p in TEMPLATES if p.stem == "notification_service")))
    scene = CanvasScene(editor)
    steps = editor.undo_stack.count()
    scene.auto_layout()
    assert editor.undo_stack.count() == steps + 1               # positions and bends: one step
    cards = {c.id: scene.component_item(c.id).card_rect().adjusted(6, 6, -6, -6) for c in editor.plan.components}
    bent = 0
    for link in editor.plan.links:
        item = scene.link_item(link.id)
        if not item.isVisible() or link.kind == "health":
            continue
        bent += bool(link.waypoints)
        points = item.points
        for a, b in itertools.pairwise(points):
            for cid, rect in cards.items():
                if cid in (link.source, link.target):
                    continue
                assert not _segment_hits(a, b, rect), (link.id, cid)
    assert bent > 0
    editor.undo_stack.undo()
    assert all(not lk.waypoints for lk in editor.plan.links)
    scene.detach()
    editor.undo_stack.setClean()


def _segment_hits(a, b, rect: QRectF) -> bool:
    from PySide6.QtCore import QLineF

    from archplan.ui.canvas.arrows import clip_line

    return clip_line(QLineF(a, b), rect) is not None


def test_without_dot_the_layered_layout_is_used(monkeypatch):
    plan = load_plan(TEMPLATES[0])
    monkeypatch.setattr(dot_layout.shutil, "which", lambda name: None)
    positions, bends = dot_layout.plan_layout(plan, SIZE, style.GRID)
    assert positions == layout.plan_layout(plan, SIZE, style.GRID)
    assert all(points == [] for points in bends.values())


def test_dot_source_quotes_ids_and_nests_clusters():
    from archplan.planner.model import Component, Group, Link, Plan

    plan = Plan(groups=[Group(id="region", name="Region", kind="region"),
                        Group(id="zone", name="Zone", parent="region")],
                components=[Component(id="a.b", kind="service.go", name="A", group="zone"),
                            Component(id="c", kind="cache.redis", name="C")],
                links=[Link(id="l", source="a.b", target="c")])
    source = dot_layout.dot_source(plan, SIZE)
    assert '"a.b" -> "c"' in source
    assert source.index('cluster_region') < source.index('cluster_zone') < source.index('"a.b";')


@pytest.mark.parametrize(("segment", "box", "expected"), [
    ((0, 5, 10, 5), (2, 0, 8, 10), (0.2, 0.8)),      # through: enters at 2, leaves at 8
    ((0, 20, 10, 20), (2, 0, 8, 10), None),          # passes below
    ((3, 3, 4, 4), (0, 0, 10, 10), (0.0, 1.0)),      # wholly inside
    ((5, -5, 5, 15), (0, 0, 10, 10), (0.25, 0.75)),  # vertical, dx = 0
])
def test_clip_span_is_liang_barsky(segment, box, expected):
    """The one clipping routine the link layer, the arrows and the dot layout share."""
    from archplan.ui.canvas.arrows import clip_span

    x1, y1, x2, y2 = segment
    span = clip_span(x1, y1, x2 - x1, y2 - y1, box)
    assert span == (pytest.approx(expected) if expected else None)
