"""Simulate: three_tier for 60 simulated seconds under 5 s (issue 14).

Measured as a ratio against a baseline timed in the same run, so that the target holds on a slower or
busier machine too: the baseline is a fixed pure-Python workload of the same nature as an event loop
(heap pushes and pops of random floats). On the project's reference machine (2 cores) the baseline
takes REFERENCE_BASELINE_S at best, so 5 s there is TARGET_S / REFERENCE_BASELINE_S baselines. Both are
taken at their fastest round: other processes only ever add time.
"""

import heapq
import random
import time
from pathlib import Path

from archplan.planner.engine import compute
from archplan.planner.io import load_plan
from archplan.planner.simulation import simulate

TARGET_S = 5.0
REFERENCE_BASELINE_S = 0.056
THREE_TIER = Path(__file__).resolve().parents[1] / "templates" / "three_tier.json"


def _baseline() -> float:
    rng = random.Random(0)
    heap: list[float] = []
    total = 0.0
    for _ in range(200_000):
        heapq.heappush(heap, rng.random())
        if len(heap) > 100:
            total += heapq.heappop(heap)
    return total


def _fastest(fn, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def test_simulate_three_tier_for_60_seconds(benchmark):
    plan = load_plan(THREE_TIER)
    result = compute(plan)
    baseline = _fastest(_baseline)
    sim = benchmark.pedantic(simulate, args=(plan,), kwargs={"seed": 1, "duration": 60.0, "result": result},
                             rounds=3, iterations=1)
    assert sim.duration == 60.0 and sim.scale == 1 and sim.events > 20_000  # the whole minute, full scale
    ratio = benchmark.stats.stats.min / baseline
    benchmark.extra_info["baselines"] = round(ratio, 1)
    assert ratio < TARGET_S / REFERENCE_BASELINE_S, f"{ratio:.1f} baselines ({benchmark.stats.stats.min:.2f} s)"
