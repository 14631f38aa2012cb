"""The canvas repaints only what changed, and what it shows is still what a fresh canvas would show.

A new result refreshes only the badges whose figures changed; links are drawn from an image per view
(ui/canvas/link_layer.py) that only redraws around changed links. These tests drive edits, selection,
scrolls and zooms on a long-lived view and compare its picture with a fresh scene and view of the same
plan, so an optimisation that forgets to repaint something fails here.
"""

from __future__ import annotations

import pytest
from canvas_fixtures import editor, plan, quiet, scene, view
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from archplan.ui.canvas import CanvasScene, CanvasView
from archplan.ui.canvas.badges import badge_for
from archplan.ui.editor import Editor

#: The raster engine's antialiasing of a long line drifts by a few levels between a part of the view
#: repainted alone and the whole view painted at once (Qt's own partial repaints do the same); anything
#: stale or missing differs by far more.
DRIFT = 16


def picture(view: CanvasView) -> QImage:
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    view.viewport().render(image)
    return image


def fresh_picture(qtbot, editor: Editor, view: CanvasView) -> QImage:
    """The same plan, selection, zoom and scroll position in a new scene and view."""
    old = view.canvas
    scene = CanvasScene(Editor(editor.plan.model_copy(deep=True)))
    other = CanvasView(scene)
    qtbot.addWidget(other)
    other.resize(view.size())
    other.show()
    qtbot.waitExposed(other)
    other.setTransform(view.transform())
    other.horizontalScrollBar().setValue(view.horizontalScrollBar().value())
    other.verticalScrollBar().setValue(view.verticalScrollBar().value())
    scene.select_ids(old.selected_component_ids() + old.selected_link_ids() + old.selected_group_ids())
    assert other.mapToScene(0, 0) == view.mapToScene(0, 0)
    image = picture(other)
    scene.detach()
    quiet(scene.editor)
    return image


def differing(a: QImage, b: QImage, tolerance: int = DRIFT) -> int:
    """How many pixels differ by more than `tolerance` in some channel."""
    assert a.size() == b.size()
    pa, pb = bytes(a.constBits()), bytes(b.constBits())
    if pa == pb:
        return 0
    return sum(1 for i in range(0, len(pa), 4)
               if max(abs(x - y) for x, y in zip(pa[i:i + 4], pb[i:i + 4])) > tolerance)


def assert_looks_fresh(qtbot, editor, view) -> QImage:
    editor.document.recompute_now()          # the fresh canvas computes its plan at once
    image = picture(view)
    assert differing(image, fresh_picture(qtbot, editor, view)) == 0
    return image


# ------------------------------------------------------------------------------------------ badges
def test_a_new_result_reformats_only_the_badges_whose_figures_changed(editor, scene):
    items = {item.component_id: item for item in scene.component_items()}
    before = {cid: item.badge for cid, item in items.items()}
    editor.document.recompute_now()          # a new result with the same figures
    assert all(items[cid].badge is badge for cid, badge in before.items())
    editor.set_component("worker", instances=7)
    editor.document.recompute_now()
    assert items["worker"].badge.count_text == "x7"
    assert items["worker"].badge == badge_for(items["worker"].component, items["worker"].kind,
                                              editor.document.result)
    unchanged = [cid for cid in items if cid != "worker" and items[cid].badge is before[cid]]
    assert unchanged, "cards whose figures did not change keep their badge"
    for item in items.values():             # and every badge is what the new result says
        assert item.badge == badge_for(item.component, item.kind, editor.document.result)


def test_a_badge_set_directly_is_replaced_by_the_next_result(editor, scene):
    item = scene.component_item("api")
    shown = item.badge
    item.set_badge(badge_for(item.component, item.kind, None))
    assert item.badge_text == "–"
    editor.document.recompute_now()          # same figures as before the direct set
    assert item.badge == shown


def test_spof_names_follow_a_rename_of_what_is_cut_off(editor, scene):
    from archplan.ui.canvas.painting import SPOF_RECT

    editor.set_component("lb", instances=1)   # one load balancer in front of the API and the data tier
    editor.document.recompute_now()
    item = scene.component_item("lb")
    assert "api" in item.badge.spof
    marker = item.mapToScene(SPOF_RECT.center())
    assert "Shop API" in scene.tooltip_at(marker)
    editor.set_component("api", name="Checkout API")   # a rename computes nothing ...
    tip = scene.tooltip_at(marker)                     # ... and the marker says the new name
    assert "Checkout API" in tip and "Shop API" not in tip


# ------------------------------------------------------------------------------------------ pictures
def test_a_renamed_card_shows_its_new_name(qtbot, editor, view):
    card = view.mapFromScene(scene_rect_of(view, "api")).boundingRect()
    before = picture(view).copy(card)
    editor.set_component("api", name="Checkout service")
    editor.document.recompute_now()
    qtbot.wait(1)
    assert view.canvas.component_item("api")._state.name == "Checkout service"
    after = assert_looks_fresh(qtbot, editor, view).copy(card)
    assert differing(before, after) > 0


def test_links_are_drawn_and_a_selected_link_is_blue(qtbot, editor, view):
    view.zoom_reset()
    line = view.canvas.link_item("lb-api").line
    view.centerOn(line.center())
    point = view.mapFromScene(line.pointAt(0.4))
    colour = picture(view).pixelColor(point)
    assert colour.blue() < 200 and abs(colour.red() - colour.blue()) < 60   # slate, on a pale background
    view.canvas.select_ids(["lb-api"])
    colour = picture(view).pixelColor(point)
    assert colour.blue() > colour.red() + 60                                   # the selection blue
    assert_looks_fresh(qtbot, editor, view)
    editor.delete(link_ids=["lb-api"])                                          # deleted while selected,
    assert picture(view).pixelColor(point).red() > 200                         # gone,
    editor.undo_stack.undo()                                                    # back unselected,
    assert abs(picture(view).pixelColor(point).red() - colour.red()) > 30
    view.canvas.select_ids(["lb-api"])                                          # and selected again
    assert picture(view).pixelColor(point) == colour


def test_link_drawing_follows_edits_undo_selection_scrolls_and_zoom(qtbot, editor, view):
    # at 100 %: a card moved at a fractional zoom is blitted from its cache at a whole-pixel offset,
    # which a fresh view would draw a fraction of a pixel apart (Qt's DeviceCoordinateCache)
    view.zoom_reset()
    view.centerOn(editor.plan.component("api").position.x, editor.plan.component("api").position.y)
    picture(view)
    editor.move({"cache": (860.0, 120.0)}, {"cache": (640.0, 20.0)})          # its links re-route
    assert_looks_fresh(qtbot, editor, view)
    editor.set_link("web-cdn", share=0.55)                                      # a new label
    view.canvas.select_ids(["api-db", "lb"])
    assert_looks_fresh(qtbot, editor, view)
    for dx, dy in ((300, 0), (0, 200), (-337, -223)):                         # links leave, come back
        view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + dx)
        view.verticalScrollBar().setValue(view.verticalScrollBar().value() + dy)
        picture(view)
    assert_looks_fresh(qtbot, editor, view)
    editor.set_link("web-cdn", share=0.25)                                      # changed, then scrolled
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() - 150)   # before a repaint
    assert_looks_fresh(qtbot, editor, view)
    editor.delete(link_ids=["api-queue"])
    editor.set_link("db-replica", kind="async")                                 # another dash
    editor.connect("worker", "db")
    assert_looks_fresh(qtbot, editor, view)
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    view.canvas.select_ids([])
    assert_looks_fresh(qtbot, editor, view)
    view.set_zoom(0.5)                                                          # overview: no labels
    assert_looks_fresh(qtbot, editor, view)
    view.set_zoom(1.7)
    assert_looks_fresh(qtbot, editor, view)


def test_a_resized_view_draws_every_link(qtbot, editor, view):
    view.resize(600, 400)
    picture(view)
    view.resize(1500, 1000)
    view.zoom_fit()
    assert_looks_fresh(qtbot, editor, view)


@pytest.mark.parametrize("plain", [False, True])
def test_scene_render_without_a_view_draws_the_links(scene, plain):
    """Image export renders the scene itself: links come out as before, without the per-view image."""
    rect = scene.items_bounding_rect()
    images = []
    for links in (True, False):
        for item in scene.link_items():
            item.setVisible(links and item.line is not None)
        image = QImage(rect.size().toSize(), QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        scene.exporting = plain
        with QPainter(image) as painter:
            scene.render(painter, QRectF(image.rect()), rect)
        scene.exporting = False
        images.append(image)
    assert differing(*images, tolerance=0) > 500


def scene_rect_of(view: CanvasView, cid: str) -> QRectF:
    return view.canvas.component_item(cid).sceneBoundingRect()
