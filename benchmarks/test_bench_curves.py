"""Latency curves (planner.curves) on a 1,000-component plan, as ratios against one compute() in the same run.

A curve is one compute() per point (16 by default) plus the x1 sizing, so its floor is ~17 computes;
end-to-end percentiles of every client add about a third on top. Measured on the 2-core development
machine with other work running (fastest rounds): one component's curve ~20x a compute (~0.5 s), every
component's and every client path's curves together ~30x (~0.74 s).
"""

from __future__ import annotations

from archplan.planner.curves import DEFAULT_POINTS, curves
from archplan.planner.engine import compute
from benchmarks.synthetic import layered_plan
from benchmarks.test_bench_engine import fastest

#: curve / compute(), asserted on the fastest rounds.
MAX_RATIO_ONE = 30.0
MAX_RATIO_ALL = 40.0


def test_one_component_curve_of_1000_components(benchmark):
    plan = layered_plan(1_000)
    target = "s0-2"  # the first stack's service
    result = benchmark.pedantic(curves, args=(plan,), kwargs={"components": [target], "clients": []}, rounds=3,
                                warmup_rounds=1)
    assert [s.id for s in result.series] == [target] and len(result.multipliers) == DEFAULT_POINTS
    ratio = benchmark.stats.stats.min / fastest(compute, plan)
    benchmark.extra_info["ratio_to_compute"] = round(ratio, 1)
    assert ratio < MAX_RATIO_ONE, f"one curve is {ratio:.1f}x a compute() (at most {MAX_RATIO_ONE}x)"


def test_every_curve_of_1000_components(benchmark):
    plan = layered_plan(1_000)
    result = benchmark.pedantic(curves, args=(plan,), rounds=3, warmup_rounds=1)
    assert len(result.series) > 1_000 and any(s.subject == "client" for s in result.series)
    ratio = benchmark.stats.stats.min / fastest(compute, plan)
    benchmark.extra_info["ratio_to_compute"] = round(ratio, 1)
    assert ratio < MAX_RATIO_ALL, f"every curve is {ratio:.1f}x a compute() (at most {MAX_RATIO_ALL}x)"
