"""The whole application window on a 1,000-component plan (pytest-benchmark), as ratios against a full
repaint of a bare QGraphicsView showing the same cards (benchmarks/baseline.py), measured in the same run.

Targets (issues 3, 13, 17): one edit -> recompute -> repaint cycle under 50 ms as a user has it (the main
window with the canvas, the results table and findings, the show-your-work panel, the inspector and the
status bar all following the edit); of that, the GUI's own share (everything but the engine's compute)
within one frame (16 ms); an edit that changes no figure (a rename) recomputes nothing and fits in a
frame with room to spare. Asserted on the fastest round, as ratios to the bare repaint; the absolute
times are in the report (extra_info) beside them.

Run: .venv/bin/python -m pytest benchmarks/test_bench_window.py --benchmark-only
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools

import pytest
from PySide6.QtCore import QSettings

from archplan.planner.engine import compute
from archplan.ui.results_model import HEADERS
from benchmarks.baseline import bare_canvas, paint
from benchmarks.test_bench_canvas import fastest, record, synthetic_plan

#: Limits: the issue's target over the bare repaint as measured on the development machine (~24 ms).
CYCLE_RATIO = 2.1       # the whole cycle, the engine's compute included: 50 ms (measured ~1.3)
GUI_RATIO = 0.7         # the window's share: one frame, 16 ms (measured ~0.5)
RENAME_RATIO = 0.3      # a rename, no compute: well inside a frame (measured ~0.1)


@pytest.fixture(scope="module")
def bare_repaint(qapp) -> float:
    _scene, view = bare_canvas(synthetic_plan(1000), (1600, 1000))
    view.show()
    view.centerOn(560.0, 100 * 120.0)
    return fastest(lambda: paint(view), 10)


@pytest.fixture
def window(qapp, tmp_path):
    from archplan.ui.editor import Editor
    from archplan.ui.main_window import MainWindow

    editor = Editor(synthetic_plan(1000))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main = MainWindow(editor, settings=settings, autosave_dir=tmp_path / "autosave")
    main.resize(1600, 1000)
    main.show()
    main.view.zoom_reset()
    main.view.centerOn(main.scene.component_item("service-100").centre())
    main.results.select_component("service-100")  # its work is on show and follows the edit
    qapp.processEvents()
    yield main
    editor.undo_stack.setClean()
    main.close()


def test_edit_cycle_in_the_main_window(benchmark, qapp, window, bare_repaint):
    editor = window.editor
    counts = itertools.cycle((3, 4))

    def cycle():
        editor.set_component("service-100", instances=next(counts))
        editor.document.recompute_now()
        qapp.processEvents()

    benchmark.pedantic(cycle, rounds=20, iterations=1, warmup_rounds=3)
    model = window.results.model
    count = HEADERS.index("Count")
    assert model.data(model.index(model.row_of("service-100"), count)).startswith(("3 ", "4 "))
    benchmark.extra_info["cycle_ms"] = round(benchmark.stats.stats.min * 1000, 2)
    assert record(benchmark, bare_repaint, CYCLE_RATIO) < CYCLE_RATIO


def time_gui_share(benchmark, qapp, window, component: str, rounds: int, warmup: int) -> None:
    """Time what the window does with a new result after the engine computed it (outside the timing): the
    instances of `component` alternate 3 / 4, each round shows the precomputed result. Also used by
    test_bench_scale at 10,000 components."""
    editor, document = window.editor, window.editor.document
    counts = itertools.cycle((3, 4))
    results = {}

    def setup():
        editor.set_component(component, instances=next(counts))
        document._timer.stop()
        results["next"] = compute(document.plan)
        return (), {}

    def show_result():
        document._retire(document._result)
        document._result, document._result_error = results["next"], None
        document.result_changed.emit()
        qapp.processEvents()

    benchmark.pedantic(show_result, setup=setup, rounds=rounds, iterations=1, warmup_rounds=warmup)
    benchmark.extra_info["gui_ms"] = round(benchmark.stats.stats.min * 1000, 2)


def test_gui_share_of_an_edit_cycle(benchmark, qapp, window, bare_repaint):
    """Everything the window does after the engine has computed: one frame."""
    time_gui_share(benchmark, qapp, window, "service-100", rounds=20, warmup=3)
    assert record(benchmark, bare_repaint, GUI_RATIO) < GUI_RATIO


def test_a_rename_computes_nothing_and_fits_a_frame(benchmark, qapp, window, bare_repaint):
    editor = window.editor
    result = editor.document.result
    names = iter(range(1_000_000))

    def cycle():
        editor.set_component("service-100", name=f"svc {next(names)}")
        qapp.processEvents()

    benchmark.pedantic(cycle, rounds=20, iterations=1, warmup_rounds=3)
    assert editor.document.result is result                    # nothing recomputed
    assert window.scene.component_item("service-100").component.name.startswith("svc ")
    benchmark.extra_info["rename_ms"] = round(benchmark.stats.stats.min * 1000, 2)
    assert record(benchmark, bare_repaint, RENAME_RATIO) < RENAME_RATIO
