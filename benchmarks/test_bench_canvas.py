"""Canvas performance on a synthetic 1,000-component plan, as ratios against a bare QGraphicsView
showing the same cards and links with plain Qt items (benchmarks/baseline.py), measured in the same run.

Why ratios: absolute times do not carry between machines, nor between a quiet machine and one shared
by several people. Both sides are timed in one process, the baseline just before, and the fastest round
of each is compared (other processes only ever add time). Targets (issue 13, GUI side) and what the
ratios were on the 2-core development machine:

- opening (scene + view) and painting 1,000 components: < 1 s; ratio to the bare canvas's open and
  paint (measured ~5.5);
- one edit -> recompute -> repaint cycle at 1,000 components: < 50 ms (the engine's compute included),
  as a ratio to a full repaint of the bare canvas (measured ~1.0);
- the canvas's own share (the edit's signals, badges for a new result, the repaint): one frame (16 ms),
  as a ratio to the same repaint (measured ~0.2).
The viewport shows ~40 cards and ~580 long links crossing it (a dense stress case).

Run: .venv/bin/python -m pytest benchmarks/test_bench_canvas.py --benchmark-only
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools
import time

import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from archplan.planner.model import Component, Link, Plan, Position
from benchmarks.baseline import bare_canvas, paint

TIERS = (("client.web", 0.05), ("lb.nginx", 0.10), ("service.go", 0.45), ("cache.redis", 0.20),
         ("db.postgres", 0.20))
#: Limits: the issue's target over the baseline as measured on the development machine (bare open and
#: paint ~70 ms, a full bare repaint of this dense view ~22 ms), so the proportion holds elsewhere.
OPEN_RATIO = 12.0      # open and paint 1,000 components: 1 s
CYCLE_RATIO = 2.2      # one edit -> recompute -> repaint cycle: 50 ms (the engine's compute included)
CANVAS_RATIO = 0.7     # the canvas's share of a cycle: one frame, 16 ms


def synthetic_plan(n: int = 1000) -> Plan:
    """`n` components in five tiers (clients -> lbs -> services -> caches -> dbs) on a grid."""
    components, layers = [], []
    for column, (kind, fraction) in enumerate(TIERS):
        layer = []
        for row in range(round(n * fraction)):
            cid = f"{kind.split('.')[0]}-{row}"
            components.append(Component(id=cid, kind=kind, name=f"{kind.split('.')[1]} {row}",
                                        position=Position(x=column * 280.0, y=row * 120.0)))
            layer.append(cid)
        layers.append(layer)
    links, seen = [], set()
    for upper, lower in itertools.pairwise(layers):
        pairs = [(upper[i * len(upper) // len(lower)], dst) for i, dst in enumerate(lower)]
        pairs += [(src, lower[i * len(lower) // len(upper)]) for i, src in enumerate(upper)]
        for src, dst in pairs:
            if (src, dst) not in seen:
                seen.add((src, dst))
                links.append(Link(id=f"{src}--{dst}", source=src, target=dst))
    return Plan(name=f"Synthetic {n}", components=components, links=links)


def fastest(run, rounds: int = 5) -> float:
    """The fastest of `rounds` timings of run() (seconds)."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def paint_viewport(view) -> QImage:
    return paint(view)


def paint_everything(scene, view) -> QImage:
    """Render the whole drawing (every card, not just the visible ones) into an image."""
    rect = scene.items_bounding_rect()
    image = QImage(1600, 1600, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    with QPainter(image) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, source=rect)
    return image


def record(benchmark, baseline: float, limit: float) -> float:
    """Note the baseline and the ratio of the fastest round to it in the report; returns the ratio."""
    ratio = benchmark.stats.stats.min / baseline
    benchmark.extra_info.update(baseline_s=round(baseline, 5), ratio=round(ratio, 2), ratio_limit=limit)
    return ratio


@pytest.fixture(scope="module")
def big_plan() -> Plan:
    return synthetic_plan(1000)


@pytest.fixture
def editors(qapp):
    from archplan.ui.editor import Editor

    made = []

    def make(plan: Plan) -> Editor:
        editor = Editor(plan.model_copy(deep=True))
        made.append(editor)
        return editor

    yield make
    for editor in made:
        editor.undo_stack.setClean()


def bare_open_and_paint(plan: Plan) -> float:
    kept = []

    def run():
        scene, view = bare_canvas(plan)
        view.centerOn(scene.itemsBoundingRect().center())
        paint(view)
        kept.append((scene, view))
    return fastest(run, 3)


def test_open_and_paint_1000_components(benchmark, qapp, big_plan, editors):
    """Scene + view for 1,000 components (plan already computed), then one full paint of every card."""
    from archplan.ui.canvas import CanvasScene, CanvasView

    baseline = bare_open_and_paint(big_plan)
    editor = editors(big_plan)
    keep = []

    def open_and_paint():
        scene = CanvasScene(editor)
        view = CanvasView(scene)
        view.resize(1400, 900)
        view.zoom_fit()
        image = paint_everything(scene, view)
        paint_viewport(view)
        keep.append((scene, view))
        return scene, image

    scene, image = benchmark.pedantic(open_and_paint, rounds=3, iterations=1)
    assert len(scene.component_items()) == 1000 and not image.isNull()
    for old_scene, _view in keep:
        old_scene.detach()
    assert record(benchmark, baseline, OPEN_RATIO) < OPEN_RATIO


@pytest.fixture
def big_canvas(qapp, big_plan, editors):
    from archplan.ui.canvas import CanvasScene, CanvasView

    editor = editors(big_plan)
    scene = CanvasScene(editor)
    view = CanvasView(scene)
    view.resize(1400, 900)
    view.show()
    view.zoom_reset()
    view.centerOn(scene.component_item("service-100").centre())
    paint_viewport(view)
    yield editor, scene, view
    scene.detach()


@pytest.fixture(scope="module")
def bare_repaint(qapp, big_plan) -> float:
    """A full repaint of the bare canvas's viewport at 100 %, centred where the canvas benchmarks look."""
    _scene, view = bare_canvas(big_plan)
    view.show()
    view.centerOn(3 * 280.0 - 280.0, 100 * 120.0)
    return fastest(lambda: paint(view), 10)


def test_edit_recompute_repaint_cycle(benchmark, big_canvas, bare_repaint):
    """Change a visible service's count, recompute, repaint the viewport (engine compute included)."""
    editor, scene, view = big_canvas
    counts = itertools.cycle((3, 4))

    def cycle():
        editor.set_component("service-100", instances=next(counts))
        editor.document.recompute_now()
        return paint_viewport(view)

    benchmark.pedantic(cycle, rounds=15, iterations=1, warmup_rounds=2)
    assert scene.component_item("service-100").badge.count_text in ("x3", "x4")
    benchmark.extra_info["cycle_ms"] = round(benchmark.stats.stats.min * 1000, 2)
    assert record(benchmark, bare_repaint, CYCLE_RATIO) < CYCLE_RATIO


def test_canvas_share_of_the_cycle(benchmark, big_canvas, bare_repaint):
    """The canvas's part of a cycle: the edit's signals, badges refreshed for a new result, repaint."""
    editor, _scene, view = big_canvas
    names = iter(range(1_000_000))
    editor.document.recompute_now()

    def cycle():
        editor.set_component("service-100", name=f"svc {next(names)}")
        editor.document.result_changed.emit()  # the same result: measures the scene's badge pass
        return paint_viewport(view)

    benchmark.pedantic(cycle, rounds=30, iterations=1, warmup_rounds=2)
    benchmark.extra_info["canvas_ms"] = round(benchmark.stats.stats.min * 1000, 2)
    assert record(benchmark, bare_repaint, CANVAS_RATIO) < CANVAS_RATIO


def test_edit_cycle_as_the_application_runs_it(benchmark, qapp, big_canvas, bare_repaint):
    """Change a count, recompute, and let the event loop repaint the dirty region (compute included)."""
    editor, scene, _view = big_canvas
    counts = itertools.cycle((3, 4))
    qapp.processEvents()

    def cycle():
        editor.set_component("service-100", instances=next(counts))
        editor.document.recompute_now()
        qapp.processEvents()

    benchmark.pedantic(cycle, rounds=15, iterations=1, warmup_rounds=2)
    assert scene.component_item("service-100").badge.count_text in ("x3", "x4")
    assert record(benchmark, bare_repaint, CYCLE_RATIO) < CYCLE_RATIO
