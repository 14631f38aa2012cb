"""The Load behaviour panel (ui/curves_view.py, ui/tornado_view.py): the plotted data is planner.curves' and
planner.ranges.sensitivity's, the markers sit where those put them, and nothing is computed while hidden."""

from __future__ import annotations

import math

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QTabBar

from archplan.planner.curves import curves
from archplan.planner.library import load_template
from archplan.planner.ranges import sensitivity
from archplan.ui.curves_view import CurvesView, stale_tab_bars
from archplan.ui.editor import Editor
from archplan.ui.tornado_view import TornadoView


@pytest.fixture
def three_tier_editor(qapp):
    editor = Editor(load_template("three_tier"), debounce_ms=0)
    yield editor
    editor.undo_stack.setClean()


@pytest.fixture(scope="module")
def expected():
    """The curves of the unedited template, computed independently of the view."""
    return curves(load_template("three_tier"))


@pytest.fixture
def view(qtbot, three_tier_editor):
    view = CurvesView(three_tier_editor.document)
    qtbot.addWidget(view)
    view.resize(900, 320)
    view.show()
    qtbot.waitUntil(lambda: view.computations == 1)
    return view


def ms(values):
    return [v * 1000 if math.isfinite(v) else None for v in values]


def plotted_ms(view, key):
    return [None if math.isnan(v) else pytest.approx(v) for v in view.plotted(key)[1]]


def test_the_plot_is_the_selected_components_curve(view, expected):
    view.show_component("app")
    s = expected.get("app")
    x, _ = view.plotted("mean")
    assert x == pytest.approx(list(expected.multipliers))
    for key in ("mean", "p95", "p99"):
        assert plotted_ms(view, key) == ms(getattr(s, key))
    assert view.plotted("utilisation")[1] == pytest.approx([u * 100 for u in s.utilisation])
    assert view.utilisation_plot.isVisibleTo(view)


def test_a_selection_change_updates_the_plotted_data(view, expected):
    view.show_component("app")
    app_mean = view.plotted("mean")[1]
    view.show_component("db")
    assert view.series().id == "db"
    assert plotted_ms(view, "mean") == ms(expected.get("db").mean)
    assert view.plotted("mean")[1] != app_mean
    view.show_component(None)  # an empty canvas selection keeps the curve
    assert view.series().id == "db"
    view.show_component("web")  # a client: its read path, end to end, no utilisation
    assert view.series().key == "web:read"
    assert plotted_ms(view, "p99") == ms(expected.get("web", "read").p99)
    assert not view.utilisation_plot.isVisibleTo(view)
    assert view.computations == 1  # choosing another curve computes nothing


def test_the_knee_marker_is_at_the_curves_knee(view, expected):
    view.show_component("app")
    knee = expected.get("app").knee
    assert knee is not None
    assert view.marker("knee") == pytest.approx(knee.multiplier)
    assert view.plotted("knee_point") == ([pytest.approx(knee.multiplier)], [pytest.approx(knee.mean * 1000)])
    assert f"×{knee.multiplier:.3g}" in view.info.text()
    assert view.marker("breaking") == pytest.approx(expected.breaking)


def test_no_knee_no_marker(view, expected):
    flat = next(s for s in expected.series if s.knee is None)
    view.show_component(flat.id)
    assert view.marker("knee") is None and view.plotted("knee_point") == ([], [])
    assert "no knee" in view.info.text()


def test_the_what_if_moves_its_marker_without_a_compute(view, three_tier_editor):
    assert view.marker("whatif") == pytest.approx(1.0)
    three_tier_editor.document.set_multiplier(20.0)
    three_tier_editor.document.recompute_now()
    assert view.marker("whatif") == pytest.approx(20.0)
    assert view.computations == 1
    low, high = view.latency_plot.getViewBox().viewRange()[0]
    assert low <= math.log10(20.0) <= high  # beyond the curves' top: the axis reaches it


def test_an_edit_recomputes_once_and_a_move_not_at_all(view, three_tier_editor, qtbot):
    view.show_component("app")
    before = view.plotted("mean")[1]
    three_tier_editor.move({"app": (0.0, 0.0)}, {"app": (40.0, 80.0)})
    view.refresh()
    assert view.computations == 1  # the layout changes no figure
    three_tier_editor.set_traffic(reads_per_user=60)
    three_tier_editor.set_traffic(reads_per_user=70)  # a burst: one compute when it pauses
    qtbot.waitUntil(lambda: view.computations == 2)
    qtbot.wait(50)
    assert view.computations == 2
    assert view.series().id == "app"  # the choice survives the recompute
    assert plotted_ms(view, "mean") == ms(curves(three_tier_editor.plan).get("app").mean)
    assert view.plotted("mean")[1] != before


def test_a_rename_is_followed_without_a_compute(view, three_tier_editor):
    three_tier_editor.set_component("app", name="API servers")
    three_tier_editor.document.recompute_now()
    view.refresh()
    labels = [view.subject.itemText(i) for i in range(view.subject.count())]
    assert "API servers" in labels and "App service" not in labels
    assert view.computations == 1


def test_hidden_it_computes_nothing_and_catches_up_when_shown(qtbot, three_tier_editor):
    view = CurvesView(three_tier_editor.document)
    qtbot.addWidget(view)
    three_tier_editor.set_traffic(reads_per_user=60)
    three_tier_editor.document.recompute_now()
    qtbot.wait(50)
    assert view.computations == 0 and view.curves is None and view.latency_plot is None
    view.show()
    qtbot.waitUntil(lambda: view.computations == 1)
    assert view.curves.get("app").mean == curves(three_tier_editor.plan).get("app").mean


def test_a_plan_that_cannot_be_computed_shows_why(qtbot, three_tier_editor, view):
    three_tier_editor.document._result, three_tier_editor.document._result_error = None, "request cycle"
    view.refresh(force=True)
    assert "request cycle" in view.info.text() and view.series() is None and view.plotted("mean") == ([], [])


def test_the_plot_follows_the_palette(view):
    light = view.latency_plot.backgroundBrush().color()
    palette = QPalette(view.palette())
    for role, colour in ((QPalette.ColorRole.Window, "#1e2228"), (QPalette.ColorRole.Base, "#15181d"),
                         (QPalette.ColorRole.Text, "#e6e9ee")):
        palette.setColor(role, QColor(colour))
    view.setPalette(palette)
    assert view.latency_plot.backgroundBrush().color() == QColor("#15181d") != light
    assert view.items["mean"].opts["pen"].color() == QColor("#60a5fa")  # the dark set of colours


# ------------------------------------------------------------------------------------------ tornado

@pytest.fixture
def tornado(qtbot, three_tier_editor):
    view = TornadoView(three_tier_editor.document)
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    qtbot.waitUntil(lambda: view.computations == 1)
    return view


def test_the_tornado_is_the_plans_sensitivity(tornado, three_tier_editor):
    sens = sensitivity(three_tier_editor.plan)
    assert [tornado.figure.itemData(i) for i in range(tornado.figure.count())] == [t.key for t in sens.tornados]
    shown = tornado.chart.tornado
    assert shown == sens.tornado("cost")
    assert [b.input for b in shown.bars] == sens.ranking("cost")
    tornado.figure.setCurrentIndex(tornado.figure.findData("latency_p99"))
    assert tornado.chart.tornado == sens.tornado("latency_p99")


def test_tornado_bars_run_from_the_planned_value_to_each_end(tornado):
    chart = tornado.chart
    t = chart.tornado
    base = chart.x_of(t.base)
    moved = [(b, rects) for b, rects in zip(t.bars, chart.bar_rects()) if b.swing > 0]
    assert moved
    for b, (low_rect, high_rect) in moved:
        for value, rect in ((b.at_low, low_rect), (b.at_high, high_rect)):
            end = rect.left() if value < t.base else rect.right()
            start = rect.right() if value < t.base else rect.left()
            assert start == pytest.approx(base) and end == pytest.approx(chart.x_of(value))
    grab = chart.grab()  # paints without error, labels included
    assert not grab.isNull()


def test_the_tornado_shows_each_inputs_low_and_high(tornado):
    from archplan.planner.cli_compare import human
    from archplan.planner.ranges import show_input
    from archplan.ui.tornado_view import bar_tooltip

    t = tornado.chart.tornado
    for bar in t.bars:
        low, high = show_input(bar.input, bar.low_value), show_input(bar.input, bar.high_value)
        assert bar.range_text() == f"{low}..{high}"
        tip = bar_tooltip(t, bar)
        assert f"{low} to {high}" in tip and human(t.unit, bar.at_low) in tip and human(t.unit, bar.at_high) in tip
    assert tornado.chart._label_width() > tornado.chart.fontMetrics().horizontalAdvance(t.bars[0].input)


def test_a_hidden_tornado_computes_nothing(qtbot, three_tier_editor):
    view = TornadoView(three_tier_editor.document)
    qtbot.addWidget(view)
    three_tier_editor.set_traffic(reads_per_user=60)
    three_tier_editor.document.recompute_now()
    qtbot.wait(50)
    assert view.computations == 0 and view.sensitivity is None


# ------------------------------------------------------------------------------------------ in the window

def test_the_window_docks_the_panel_behind_results_and_follows_the_canvas(make_window, three_tier_editor, qtbot):
    window = make_window(three_tier_editor)
    panel = window.load_behaviour
    assert window.docks["load"].widget() is panel
    assert window.tabifiedDockWidgets(window.docks["results"]) == [window.docks["load"]]
    qtbot.wait(20)
    assert panel.curves.computations == 0 and panel.tornado.computations == 0  # Results is in front
    window.docks["load"].raise_()
    qtbot.waitUntil(lambda: panel.curves.computations == 1)
    assert panel.tornado.computations == 0  # its tab is not the current one
    window.scene.select_ids(["db"])
    assert panel.curves.series().id == "db"
    panel.setCurrentWidget(panel.tornado)
    qtbot.waitUntil(lambda: panel.tornado.computations == 1)


def test_no_stale_tab_bar_is_left_on_show(make_window, three_tier_editor, qtbot):
    window = make_window(three_tier_editor)
    qtbot.wait(50)
    assert stale_tab_bars(window) == []
    bars = [b for b in window.findChildren(QTabBar) if b.parent() is window and b.isVisible()]
    groups = [tuple(b.tabText(i) for i in range(b.count())) for b in bars]
    assert len(groups) == len(set(groups))  # one bar per group of tabbed docks
    assert ("Results", "Load behaviour") in groups
