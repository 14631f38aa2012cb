"""The canvas view (palette drops, zoom, pan, grid) and image export, on real widgets."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from canvas_fixtures import centre, editor, plan, quiet, scene, view
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage, QWheelEvent
from PySide6.QtTest import QTest

from archplan.planner.model import Plan
from archplan.ui.canvas import KIND_MIME, CanvasScene, CanvasView, save_scene_image
from archplan.ui.canvas.style import GRID
from archplan.ui.canvas.view import MAX_ZOOM, MIN_ZOOM
from archplan.ui.editor import Editor

NO_MOD = Qt.KeyboardModifier.NoModifier


def kind_mime(kind: bytes) -> QMimeData:
    mime = QMimeData()
    mime.setData(KIND_MIME, kind)
    return mime


def drop(view: CanvasView, kind: bytes, at: QPoint) -> QDropEvent:
    mime = kind_mime(kind)  # the event does not own its data: keep it alive
    event = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    view.dropEvent(event)
    event.mime = mime
    return event


# ------------------------------------------------------------------------------------------ drops
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_the_view_accepts_kind_drags_only(view):
    mime = kind_mime(b"cache.redis")  # events do not own their data: keep it alive
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter.setAccepted(False)
    view.dragEnterEvent(enter)
    assert enter.isAccepted()
    text = QMimeData()
    text.setText("cache.redis")
    other = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, text, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    other.setAccepted(False)
    view.dragEnterEvent(other)
    assert not other.isAccepted()


def test_dropping_a_kind_adds_it_at_the_drop_position(editor, scene, view):
    at = QPoint(300, 250)
    before = {c.id for c in editor.plan.components}
    event = drop(view, b"cache.memcached", at)
    added = [c for c in editor.plan.components if c.id not in before]
    assert event.isAccepted() and len(added) == 1 and added[0].kind == "cache.memcached"
    expected = view.mapToScene(at)
    assert (added[0].position.x, added[0].position.y) == pytest.approx((expected.x(), expected.y()))
    assert scene.selected_component_ids() == [added[0].id]
    assert scene.component_item(added[0].id).pos() == QPointF(added[0].position.x, added[0].position.y)
    editor.undo_stack.undo()
    assert {c.id for c in editor.plan.components} == before


def test_drop_snaps_to_grid_when_snapping(editor, scene, view):
    scene.set_snap_to_grid(True)
    assert scene.snap_to_grid
    drop(view, b"service.go", QPoint(333, 287))
    added = editor.plan.components[-1]
    assert added.kind == "service.go"
    assert added.position.x % GRID == 0 and added.position.y % GRID == 0


def test_dropping_an_unknown_kind_changes_nothing(editor, scene, view, qtbot):
    before = editor.plan.model_dump()
    with qtbot.waitSignal(scene.message) as blocker:
        event = drop(view, b"no.such.kind", QPoint(100, 100))
    assert not event.isAccepted() and editor.plan.model_dump() == before
    assert "no.such.kind" in blocker.args[0]


# ------------------------------------------------------------------------------------------ zoom / pan
def test_zoom_steps_clamp_and_signal(view, qtbot):
    view.zoom_reset()
    with qtbot.waitSignal(view.zoom_changed) as blocker:
        view.zoom_in()
    assert view.zoom() == pytest.approx(1.2) and blocker.args[0] == pytest.approx(1.2)
    view.zoom_out()
    assert view.zoom() == pytest.approx(1.0)
    for _ in range(30):
        view.zoom_in()
    assert view.zoom() == pytest.approx(MAX_ZOOM)
    for _ in range(60):
        view.zoom_out()
    assert view.zoom() == pytest.approx(MIN_ZOOM)


def test_zoom_fit_shows_every_item(scene, view):
    view.zoom_reset()
    view.set_zoom(3.0)
    view.zoom_fit()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(scene.items_bounding_rect())
    assert view.zoom() <= 1.0


def wheel(view: CanvasView, at: QPoint, delta: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    event = QWheelEvent(QPointF(at), QPointF(view.viewport().mapToGlobal(at)), QPoint(0, 0), QPoint(0, delta),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(event)


@pytest.mark.parametrize("modifiers", [Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier])
def test_wheel_zooms_around_the_cursor(view, modifiers):
    at = QPoint(200, 150)
    under = view.mapToScene(at)
    before = view.zoom()
    wheel(view, at, 240, modifiers)
    assert view.zoom() > before
    after = view.mapToScene(at)
    assert (after.x(), after.y()) == pytest.approx((under.x(), under.y()), abs=2 / view.zoom())
    wheel(view, at, -480, modifiers)
    assert view.zoom() < before


def test_middle_button_pans(view):
    viewport = view.viewport()
    centre_before = view.mapToScene(viewport.rect().center())
    QTest.mousePress(viewport, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, QPoint(400, 400))
    QTest.mouseMove(viewport, QPoint(300, 350))
    QTest.mouseRelease(viewport, Qt.MouseButton.MiddleButton, NO_MOD, QPoint(300, 350))
    moved = view.mapToScene(viewport.rect().center()) - centre_before
    assert moved.x() == pytest.approx(100 / view.zoom(), abs=2)
    assert moved.y() == pytest.approx(50 / view.zoom(), abs=2)


def test_space_drag_pans_without_moving_cards(editor, view):
    viewport = view.viewport()
    before_plan = editor.plan.model_dump()
    centre_before = view.mapToScene(viewport.rect().center())
    QTest.keyPress(view, Qt.Key.Key_Space)
    start = view.mapFromScene(centre(editor, "api"))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(-80, 0))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, NO_MOD, start + QPoint(-80, 0))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    assert editor.plan.model_dump() == before_plan
    moved = view.mapToScene(viewport.rect().center()) - centre_before
    assert moved.x() == pytest.approx(80 / view.zoom(), abs=2)


def test_background_grid_is_drawn(view):
    view.zoom_reset()
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    view.viewport().render(image)
    # scan a row of empty canvas far from any card: grid lines differ from the background colour
    view.centerOn(-20_000, -20_000)
    image.fill(QColor("white"))
    view.viewport().render(image)
    colours = {image.pixelColor(x, 5).name() for x in range(image.width())}
    assert len(colours) >= 2


# ------------------------------------------------------------------------------------------ images
def test_png_image_of_the_whole_drawing(scene, tmp_path, qtbot):
    scene.select_ids(["api"])
    with qtbot.assertNotEmitted(scene.selection_ids_changed):
        path = save_scene_image(scene, tmp_path / "plan.png", scale=1.5)
    image = QImage(str(path))
    assert not image.isNull()
    bounds = scene.items_bounding_rect()
    assert image.width() == pytest.approx((bounds.width() + 64) * 1.5, abs=2)
    assert image.pixelColor(2, 2) == QColor("white")
    assert scene.selected_component_ids() == ["api"]  # the selection is back after rendering


def test_svg_image_parses_and_names_the_components(editor, scene, tmp_path):
    path = save_scene_image(scene, tmp_path / "plan.svg")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    assert "Shop API" in text and "Session cache" in text
    assert "<image" not in path.read_text()  # vector drawing, not rasterised item caches
    assert scene.component_item("api").cacheMode() != scene.component_item("api").CacheMode.NoCache


@pytest.mark.parametrize("name", ["plan.jpg", "plan", "plan.pdf"])
def test_other_image_suffixes_are_refused(scene, tmp_path, name):
    with pytest.raises(ValueError, match=r"png or \.svg"):
        save_scene_image(scene, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_empty_canvas_still_saves(qapp, tmp_path):
    editor = Editor(Plan())
    scene = CanvasScene(editor)
    path = save_scene_image(scene, tmp_path / "empty.png")
    assert not QImage(str(path)).isNull()
    scene.detach()
    quiet(editor)
