"""The GUI at 10,000 components, as ratios against the bare canvas (benchmarks/baseline.py) built and
painted in the same run.

Targets (issue 13): a 10,000-component plan file opens (read, compute, window, first paint) in < 2 s; an edit that
changes no figure (a rename, a move) recomputes nothing and takes < 50 ms; the GUI's share of an edit
that does change figures stays < 50 ms (the engine's compute of 10,000 components, ~150-400 ms here, is
the engine's budget). The opening is compared with building and painting the bare canvas (a
QGraphicsScene without a spatial index, like the canvas, holding a rectangle and a line of text per card
and a line per link); the edits with a full repaint of the bare canvas where they happen.

Run: .venv/bin/python -m pytest benchmarks/test_bench_scale.py --benchmark-only
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools
import resource

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QGraphicsScene

from archplan.planner.engine import compute
from benchmarks.baseline import bare_canvas, paint
from benchmarks.test_bench_canvas import fastest, record, synthetic_plan
from benchmarks.test_bench_window import time_gui_share

SIZE = 10_000
#: Limits: the issue's target over the baseline as measured on the development machine (bare open
#: 1.3-2.2 s, a full bare repaint of this dense view ~220 ms), so the proportion holds elsewhere.
OPEN_RATIO = 1.8        # the whole open (read, compute, window, first paint): 2 s (measured 1.0-1.5)
EDIT_RATIO = 0.25       # a rename or a move, no compute: 50 ms (measured 0.03-0.07)
GUI_RATIO = 0.25        # the GUI's share of a figure edit: 50 ms (measured ~0.18)


@pytest.fixture(scope="module")
def plan():
    return synthetic_plan(SIZE)


@pytest.fixture(scope="module")
def bare_open(qapp, plan) -> float:
    """Build and paint the bare canvas of the same 10,000 cards (no spatial index, like the canvas)."""
    kept = []

    def run():
        scene, view = bare_canvas(plan, (1600, 1000))
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        view.show()
        paint(view)
        qapp.processEvents()
        kept.append((scene, view))
    return fastest(run, 3)


@pytest.fixture(scope="module")
def bare_repaint(qapp, plan) -> float:
    """A full repaint of the bare canvas's viewport at 100 %, where the edits below happen."""
    _scene, view = bare_canvas(plan, (1600, 1000))
    view.show()
    view.centerOn(560.0, 1000 * 120.0)
    return fastest(lambda: paint(view), 10)


@pytest.fixture(scope="module")
def plan_file(plan, tmp_path_factory):
    from archplan.planner.io import save_plan

    path = tmp_path_factory.mktemp("plan") / "big.json"
    save_plan(plan, path)
    return path


def open_window(plan_or_path, tmp_path, qapp):
    """What File > Open does with a plan file (read, compute, window, first paint); a Plan is copied."""
    from archplan.ui.editor import Editor
    from archplan.ui.heap import read_plan
    from archplan.ui.main_window import MainWindow

    plan = read_plan(plan_or_path) if isinstance(plan_or_path, os.PathLike) else plan_or_path.model_copy(deep=True)
    editor = Editor(plan)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(editor, settings=settings, autosave_dir=tmp_path / "autosave")
    window.resize(1600, 1000)
    window.show()
    window.view.zoom_to_plan()
    qapp.processEvents()
    return window


def test_open_10000_components(benchmark, qapp, plan_file, tmp_path, bare_open):
    windows = []

    def run():
        windows.append(open_window(plan_file, tmp_path, qapp))

    benchmark.pedantic(run, rounds=3, iterations=1)
    window = windows[-1]
    assert len(window.scene.component_items()) == SIZE and window.editor.document.result is not None
    benchmark.extra_info["open_s"] = round(benchmark.stats.stats.min, 3)
    benchmark.extra_info["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    for old in windows:
        old.editor.undo_stack.setClean()
        old.close()
    assert record(benchmark, bare_open, OPEN_RATIO) < OPEN_RATIO


@pytest.fixture(scope="module")
def big_window(qapp, plan, tmp_path_factory):
    window = open_window(plan, tmp_path_factory.mktemp("scale"), qapp)
    window.view.zoom_reset()
    window.view.centerOn(window.scene.component_item("service-1000").centre())
    window.results.select_component("service-1000")
    qapp.processEvents()
    yield window
    window.editor.undo_stack.setClean()
    window.close()


def test_rename_at_10000_computes_nothing(benchmark, qapp, big_window, bare_repaint):
    editor = big_window.editor
    result = editor.document.result
    names = iter(range(1_000_000))

    def cycle():
        editor.set_component("service-1000", name=f"svc {next(names)}")
        qapp.processEvents()

    benchmark.pedantic(cycle, rounds=15, iterations=1, warmup_rounds=2)
    assert editor.document.result is result
    benchmark.extra_info["rename_ms"] = round(benchmark.stats.stats.min * 1000, 2)
    assert record(benchmark, bare_repaint, EDIT_RATIO) < EDIT_RATIO


def test_move_at_10000_computes_nothing(benchmark, qapp, big_window, bare_repaint):
    editor = big_window.editor
    result = editor.document.result
    card = big_window.scene.component_item("service-1000")
    steps = itertools.cycle((20.0, -20.0))

    def cycle():
        old = {"service-1000": (card.x(), card.y())}
        editor.move(old, {"service-1000": (card.x() + next(steps), card.y())})
        qapp.processEvents()

    benchmark.pedantic(cycle, rounds=15, iterations=1, warmup_rounds=2)
    assert editor.document.result is result
    benchmark.extra_info["move_ms"] = round(benchmark.stats.stats.min * 1000, 2)
    assert record(benchmark, bare_repaint, EDIT_RATIO) < EDIT_RATIO


def test_gui_share_of_a_figure_edit_at_10000(benchmark, qapp, big_window, bare_repaint):
    time_gui_share(benchmark, qapp, big_window, "service-1000", rounds=8, warmup=1)
    assert record(benchmark, bare_repaint, GUI_RATIO) < GUI_RATIO
