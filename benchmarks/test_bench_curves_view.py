"""The Curves view (ui/curves_view.py) on a 1,000-component plan, as ratios against the same view on the
seven-component three_tier template in the same run.

Computing the curves is planner.curves (benchmarks/test_bench_curves.py: ~30 computes). What the view adds
must not grow with the plan: choosing another curve (the canvas selection) redraws one series of 16 points
(its cost is painting the two plots, ~25 ms offscreen on the 2-core machine, whatever the plan), and drawing
a new Curves fills the list of curves (~1,300 at 1,000 components: every component, each client's reads and
writes) and draws one. Asserted on the fastest rounds.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools

import pytest

from archplan.planner.library import load_template
from benchmarks.synthetic import layered_plan
from benchmarks.test_bench_engine import fastest

#: 1,000 components / three_tier, on the fastest rounds.
MAX_RATIO_SELECT = 1.5
MAX_RATIO_DRAW = 3.0
SMALL_TARGETS = ("app", "db", "cache", "web")
LARGE_TARGETS = ("s0-2", "s100-4", "s7-0", "s50-3")


def make_view(qapp, plan):
    from archplan.ui.curves_view import CurvesView
    from archplan.ui.document import Document

    view = CurvesView(Document(plan))
    view.lazy = False
    view.resize(1200, 320)
    view.show()
    view.refresh()
    qapp.processEvents()
    assert view.computations == 1
    return view


@pytest.fixture(scope="module")
def views(qapp):
    small, large = make_view(qapp, load_template("three_tier")), make_view(qapp, layered_plan(1_000))
    assert len(large.curves.series) > 1_000
    yield small, large
    small.close()
    large.close()


def choose(qapp, view, targets):
    cycle = itertools.cycle(targets)

    def run():
        view.show_component(next(cycle))
        qapp.processEvents()

    return run


def draw(qapp, view):
    def run():
        view.draw()
        qapp.processEvents()

    return run


def test_choosing_another_curve(benchmark, qapp, views):
    small, large = views
    benchmark.pedantic(choose(qapp, large, LARGE_TARGETS), rounds=20, iterations=1, warmup_rounds=2)
    assert large.computations == 1 and large.series().id in LARGE_TARGETS
    ratio = benchmark.stats.stats.min / fastest(choose(qapp, small, SMALL_TARGETS), rounds=20)
    benchmark.extra_info["ratio_to_three_tier"] = round(ratio, 2)
    assert ratio < MAX_RATIO_SELECT, f"choosing a curve at 1,000 components is {ratio:.2f}x three_tier's"


def test_drawing_new_curves(benchmark, qapp, views):
    small, large = views
    benchmark.pedantic(draw(qapp, large), rounds=5, iterations=1, warmup_rounds=1)
    assert large.subject.count() == len(large.curves.series)
    ratio = benchmark.stats.stats.min / fastest(draw(qapp, small), rounds=10)
    benchmark.extra_info["ratio_to_three_tier"] = round(ratio, 2)
    assert ratio < MAX_RATIO_DRAW, f"drawing new curves at 1,000 components is {ratio:.2f}x three_tier's"
