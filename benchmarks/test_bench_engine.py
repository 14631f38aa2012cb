"""compute() on large plans. Targets (issue 2): 1,000 components under 16 ms, 10,000 under 200 ms.

Run with `make bench`; pytest-benchmark reports min/mean/median. The plans are independent
six-component stacks (client, load balancer, service, cache, primary, replica) with read/write
classes and replication, so every behaviour on the hot path is exercised.
"""

import pytest

from benchmarks.synthetic import layered_plan
from planner.engine import compute


@pytest.mark.parametrize("size", [1_000, 10_000])
def test_compute(benchmark, size):
    plan = layered_plan(size)
    result = benchmark(compute, plan)
    assert len(result.components) == len(plan.components)


def test_load_plan_file(benchmark, tmp_path):
    from planner.io import load_plan, save_plan

    path = tmp_path / "big.json"
    save_plan(layered_plan(1_000), path)
    plan = benchmark(load_plan, path)
    assert len(plan.components) >= 996
