"""planner.simreport: the Simulate report as rows (what the CLI prints and the GUI shows) and the
utilisation trace as playback frames."""

from __future__ import annotations

import math

import pytest
from plans import PlanBuilder

from archplan.planner import simreport
from archplan.planner.engine import compute
from archplan.planner.result import status_of
from archplan.planner.simcli import render
from archplan.planner.simstats import Estimate
from archplan.planner.simulation import simulate


@pytest.fixture(scope="module")
def run():
    b = PlanBuilder(dau=864_000)
    b.add("web", "client.web").add("svc", "service.go", name="Orders API").add("db", "db.postgres", name="Orders DB")
    b.add("alb", "lb.alb", name="ALB")
    b.link("web", "alb").link("alb", "svc").link("svc", "db")
    result = compute(b.plan)
    return b.plan, result, simulate(b.plan, seed=3, duration=10.0, result=result, windows=20)


def _table(headers, rows):
    return "\n".join(" | ".join(map(str, r)) for r in [headers, *rows]) + "\n"


def test_rows_carry_the_result_figures_and_the_cli_prints_them(run):
    _plan, _result, sim = run
    rows = simreport.component_rows(sim)
    assert [r.id for r in rows] == [c.id for c in sim.components.values() if c.completed or c.queue_end]
    out = render(sim, _table)
    for row in rows:
        c = sim.components[row.id]
        assert row.visits_per_s == c.arrival_rate and row.queue_mean == c.queue_mean and row.dropped == c.dropped
        for name in simreport.FIGURES:
            cell = row.cells[name]
            est = getattr(c, name)
            assert cell.simulated == (None if est is None or math.isnan(est.value) else est.value)
            assert cell.formula == c.expected.get(name)
            assert cell.compared == (name in c.compared) and cell.flagged == (name in c.disagreements)
        line = next(line for line in out.splitlines() if line.startswith(row.name + " |"))
        for name in simreport.FIGURES:  # the CLI's cell is the same text: simulated / formula
            assert f"{row.cells[name].simulated_text()} / {row.cells[name].formula_text()}" in line
    assert [p.name for p in simreport.path_rows(sim)] == [p.name for p in sim.paths if p.mean is not None]


def test_flagged_and_headline_are_the_clis_lines(run):
    _plan, _result, sim = run
    out = render(sim, _table)
    assert out.splitlines()[0] == simreport.headline(sim)
    flagged = simreport.flagged(sim)
    if flagged:
        assert "Disagreements: " + ", ".join(flagged) in out
    else:
        assert "Every compared figure agrees" in out
    assert simreport.flagged(sim) == [f"{sim.components[c].name} {w}" for c, w in sim.disagreements()] + [
        f"{p.name} {p.cls.replace('_', ' ')} {w}" for p in sim.paths for w in p.disagreements]


def test_cell_text_and_flags():
    cell = simreport.Cell("utilisation", 0.6213, 0.0038, 0.62, True, False)
    assert cell.simulated_text() == "62.1 % ±0.38 %" and cell.formula_text() == "62 %"
    assert simreport.Cell("mean", None, None, None, False, False).simulated_text() == "-"
    assert simreport.Cell("p99", 0.2, None, math.inf, True, True).formula_text() == "saturated"
    assert simreport._cell("mean", Estimate(math.nan, math.nan), 0.1, (), ()).simulated is None
    assert simreport._cell("mean", Estimate(0.1, math.nan), 0.1, ("mean",), ("mean",)) == \
        simreport.Cell("mean", 0.1, None, 0.1, True, True)


def test_frames_follow_the_trace_with_statuses_against_each_ceiling(run):
    _plan, result, sim = run
    frames = simreport.frames(sim, result)
    assert len(frames) == 20 and sim.window_s == pytest.approx(0.5)
    assert set(frames[0].load) == set(sim.trace) and "alb" not in frames[0].load  # a delay has no utilisation
    for f in frames:
        assert f.start == pytest.approx(f.index * sim.window_s) and f.end == pytest.approx(f.start + sim.window_s)
        for cid, (u, level) in f.load.items():
            assert u == sim.trace[cid][f.index]
            assert level == status_of(u, result.components[cid].ceiling)
    assert simreport.frame_caption(sim, frames[3]) == "t = 1.5 s – 2 s of 10 s"


def test_frames_without_a_result_use_a_ceiling_of_one(run):
    _plan, _result, sim = run
    for f in simreport.frames(sim):
        assert all(level == status_of(u, 1.0) for u, level in f.load.values())


def test_a_run_pushed_past_its_ceiling_turns_over_in_the_frames():
    b = PlanBuilder(dau=864_000)
    b.add("web", "client.web").add("svc", "service.go", name="Orders API", instances=2)
    b.link("web", "svc")
    result = compute(b.plan, multiplier=1.0)
    base = result.components["svc"].utilisation
    multiplier = min(0.97, 1.3 * result.components["svc"].ceiling) / base  # past the ceiling, below 1
    hot = compute(b.plan, multiplier=multiplier)
    sim = simulate(b.plan, seed=1, duration=10.0, multiplier=multiplier, result=hot, windows=10)
    levels = [f.load["svc"][1] for f in simreport.frames(sim, hot)]
    assert levels.count("over") >= 5
