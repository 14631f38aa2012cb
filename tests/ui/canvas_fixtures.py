"""Fixtures and gesture helpers shared by the canvas tests: plan -> editor -> scene -> view."""

from __future__ import annotations

import pytest
from canvas_plans import web_shop_plan
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from archplan.planner.model import Component, Plan, Position
from archplan.ui.canvas import CanvasScene, CanvasView
from archplan.ui.editor import Editor


@pytest.fixture
def plan() -> Plan:
    return web_shop_plan()


def quiet(editor: Editor) -> None:
    """Mark the stack clean before the editor is garbage collected: its undo stack otherwise emits
    cleanChanged while the Editor is being destroyed (ui/editor.py connects it to a lambda), which
    prints "Signal source has been deleted" tracebacks."""
    editor.undo_stack.setClean()


@pytest.fixture
def editor(qapp, plan) -> Editor:
    editor = Editor(plan)
    yield editor
    quiet(editor)


@pytest.fixture
def scene(editor) -> CanvasScene:
    scene = CanvasScene(editor)
    yield scene
    scene.detach()


@pytest.fixture
def view(qtbot, scene) -> CanvasView:
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_fit()
    return view


def vp(view: CanvasView, scene_pos: QPointF) -> QPoint:
    return view.mapFromScene(scene_pos)


def drag(view: CanvasView, start: QPointF, end: QPointF, modifier=Qt.KeyboardModifier.NoModifier,
         steps: int = 6) -> None:
    """Press at `start`, move in steps, release at `end` (scene coordinates) on the viewport."""
    viewport = view.viewport()
    a, b = vp(view, start), vp(view, end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, a)
    for i in range(1, steps + 1):
        step = QPoint(a.x() + (b.x() - a.x()) * i // steps, a.y() + (b.y() - a.y()) * i // steps)
        QTest.mouseMove(viewport, step)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, b)


def centre(editor: Editor, cid: str) -> QPointF:
    c = editor.plan.component(cid)
    return QPointF(c.position.x, c.position.y)


@pytest.fixture
def pair_editor(qapp) -> Editor:
    editor = Editor(Plan(components=[
        Component(id="svc", kind="service.go", name="API", position=Position(x=0, y=0)),
        Component(id="kv", kind="cache.redis", name="Cache", position=Position(x=400, y=200)),
    ]))
    yield editor
    quiet(editor)


@pytest.fixture
def pair_view(qtbot, pair_editor):
    scene = CanvasScene(pair_editor)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_fit()
    yield view
    scene.detach()
