"""Latency and capacity curves (planner/curves.py): points from compute(), monotone as deployed, the knee
where Erlang C puts it."""

from __future__ import annotations

import itertools
import math

import pytest
from plans import PlanBuilder

from archplan.planner.catalog import default_catalog
from archplan.planner.curves import KNEE, LOW, NOTHING_SATURATES, TOP, curves, grid, knee_index, ticks
from archplan.planner.engine import compute
from archplan.planner.io import load_plan
from archplan.planner.library import builtin_dir
from archplan.planner.scenarios import deployed

TEMPLATES = sorted(builtin_dir().glob("*.json"))


def erlang_c_knee(c: int) -> float:
    """Oracle, independent of the engine: the utilisation minimising W(rho) / rho for M/M/c (service time 1),
    with Erlang C by the stable recursion of capacity-model.md, found by ternary search."""
    def response(rho: float) -> float:
        a = rho * c
        b = 1.0
        for k in range(1, c + 1):
            b = a * b / (k + a * b)
        p_wait = c * b / (c - a * (1 - b))
        return 1.0 + p_wait / (c - a)

    lo, hi = 0.01, 0.999
    for _ in range(200):
        m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        if response(m1) / m1 < response(m2) / m2:
            hi = m2
        else:
            lo = m1
    return (lo + hi) / 2


def mmc_plan(servers: int):
    """One client, one service of `servers` instances of one worker each: an M/M/c queue."""
    return (PlanBuilder(dau=1_000_000).add("web", "client.web")
            .add("svc", "service.go", instances=servers, workers=1).link("web", "svc")).plan


def test_oracle_matches_the_known_closed_forms():
    assert erlang_c_knee(1) == pytest.approx(0.5, abs=1e-6)              # M/M/1: W = S / (1 - rho)
    assert erlang_c_knee(2) == pytest.approx(1 / math.sqrt(3), abs=1e-6)  # M/M/2: W = S / (1 - rho^2)


@pytest.mark.parametrize("servers", [1, 2, 4, 8, 16])
def test_knee_is_where_erlang_c_puts_it(servers):
    cv = curves(mmc_plan(servers), points=64)
    knee = cv.get("svc").knee
    assert knee is not None
    assert knee.utilisation == pytest.approx(erlang_c_knee(servers), rel=0.01)
    # the knee's utilisation is the engine's: compute at the knee's load agrees
    at = compute(deployed(mmc_plan(servers), compute(mmc_plan(servers))), multiplier=knee.multiplier)
    assert at["svc"].utilisation == pytest.approx(knee.utilisation, rel=1e-6)


@pytest.mark.parametrize("servers", [1, 4])
def test_knee_on_the_default_grid_is_within_a_fraction_of_a_step(servers):
    cv = curves(mmc_plan(servers))
    step = cv.multipliers[1] / cv.multipliers[0] - 1  # ~21 % between points
    assert cv.get("svc").knee.utilisation == pytest.approx(erlang_c_knee(servers), rel=step / 4)


def test_knee_index_on_a_known_curve():
    rho = [0.05 * i for i in range(1, 20)]
    assert rho[round(knee_index(rho, [1 / (1 - r) for r in rho]))] == pytest.approx(0.5)
    assert knee_index(rho, [1.0] * len(rho)) is None          # no queueing: W / load still falls at the top
    assert knee_index([1, 2], [1.0, 2.0]) is None             # too few points


def test_every_point_is_a_compute_of_the_plan_as_deployed():
    plan = load_plan(builtin_dir() / "three_tier.json")
    cv = curves(plan, points=8)
    frozen = deployed(plan, compute(plan))
    for i in (0, 4, 7):
        result = compute(frozen, multiplier=cv.multipliers[i])
        assert cv.dau[i] == result.totals.dau
        app = cv.get("app")
        r = result["app"]
        assert (app.mean[i], app.p95[i], app.p99[i], app.utilisation[i]) == (r.latency, r.p95, r.p99, r.utilisation)
        web = cv.get("web", "read")
        c = result.clients["web"]
        assert (web.mean[i], web.p99[i]) == (c.read_latency, c.percentile("read", 0.99))


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_component_curves_are_monotone_as_deployed(path):
    """Self-managed components keep today's counts: every figure rises with the load. (Managed services
    scale within their provider, as the engine sizes them: not monotone, and not asserted.)"""
    plan = load_plan(path)
    catalog = default_catalog()
    managed = {c.id for c in plan.components if catalog[c.kind].managed}
    cv = curves(plan, points=12, clients=[])
    assert list(cv.multipliers) == sorted(cv.multipliers) and cv.multipliers[0] <= LOW
    for s in (s for s in cv.series if s.id not in managed):
        for name in ("mean", "p95", "p99", "utilisation"):
            values = getattr(s, name)
            assert all(b >= a * (1 - 1e-9) for a, b in itertools.pairwise(values)), (s.id, name, values)


def test_client_curves_are_monotone():
    b = (PlanBuilder().add("web", "client.web").add("lb", "lb.nginx").add("svc", "service.go", instances=4, workers=1)
         .add("cache", "cache.redis").add("db", "db.postgres").add("replica", "db.postgres_replica")
         .link("web", "lb").link("lb", "svc").link("svc", "cache", classes=["read"])
         .link("svc", "db", classes=["write"])
         .link("cache", "replica").link("db", "replica", "replication"))
    cv = curves(b.plan, points=16)
    for op in ("read", "write"):
        s = cv.get("web", op)
        assert all(y >= x * (1 - 1e-9) for x, y in itertools.pairwise(s.mean))
        # percentiles come from a discretised distribution (planner.paths: ~2 % of the path mean)
        for values in (s.p95, s.p99):
            assert all(y >= x - 0.02 * m for x, y, m in zip(values, values[1:], s.mean[1:]))
        assert s.p99[-1] > 2 * s.p99[0]  # the hockey stick


def test_curve_ends_just_before_the_first_queue_saturates():
    plan = mmc_plan(4)
    cv = curves(plan, points=10)
    assert cv.saturating == "svc"
    assert cv.multipliers[-1] == pytest.approx(cv.saturation * TOP)
    frozen = deployed(plan, compute(plan))
    assert math.isfinite(compute(frozen, multiplier=cv.multipliers[-1])["svc"].latency)
    assert math.isinf(compute(frozen, multiplier=cv.saturation * 1.001)["svc"].latency)
    assert compute(frozen, multiplier=cv.saturation * 0.999)["svc"].utilisation == pytest.approx(1.0, rel=2e-3)


def test_breaking_point_is_the_engines():
    plan = load_plan(builtin_dir() / "three_tier.json")
    bp = compute(plan).breaking_point
    cv = curves(plan, points=6)
    assert (cv.breaking, cv.breaking_component) == (bp.deployed_multiplier, bp.deployed_component)
    auto = curves(plan, points=6, counts="auto")
    assert (auto.breaking, auto.breaking_component) == (bp.multiplier_at_target, bp.component)


def test_nothing_saturates_goes_to_x100():
    plan = (PlanBuilder().add("web", "client.web").add("kv", "kv.dynamodb").link("web", "kv")).plan
    cv = curves(plan, points=5)
    assert cv.saturating is None and math.isinf(cv.saturation)
    assert cv.multipliers[-1] == pytest.approx(NOTHING_SATURATES) and cv.multipliers[0] == pytest.approx(LOW)
    assert cv.get("kv").knee is None  # a managed service scales: no queue builds up


def test_auto_counts_resize_at_every_point():
    plan = mmc_plan(1)
    plan.components[1].instances = "auto"
    cv = curves(plan, points=8, counts="auto", top=20)
    for i, m in enumerate(cv.multipliers):
        r = compute(plan, multiplier=m)["svc"]
        assert cv.get("svc").utilisation[i] == r.utilisation <= plan.traffic.target_utilisation + 1e-9


def test_selection_and_the_plan_is_not_touched():
    plan = load_plan(builtin_dir() / "three_tier.json")
    before = plan.model_dump()
    cv = curves(plan, points=4, components=["app"], clients=["web"])
    assert [s.key for s in cv.series] == ["app", "web:read", "web:write"]
    assert plan.model_dump() == before
    with pytest.raises(KeyError):
        curves(plan, points=4, components=["nope"])
    with pytest.raises(KeyError):
        curves(plan, points=4, clients=["app"])


def test_json_and_rows_carry_every_point():
    cv = curves(mmc_plan(2), points=6)
    data = cv.as_dict()
    assert data["knee_definition"] == KNEE and len(data["multipliers"]) == 6
    assert data["series"][0]["knee"]["utilisation"] == pytest.approx(cv.get("svc").knee.utilisation)
    rows = cv.rows()
    assert len(rows) == 6 * len(cv.series) and {r["id"] for r in rows} == {"svc", "web"}


def test_grid():
    g = grid(10.0, 16)
    assert len(g) == 16 and g[0] == pytest.approx(LOW) and g[-1] == pytest.approx(10.0) and g == sorted(g)
    assert grid(0.5, 8)[0] == pytest.approx(0.05)  # a plan past saturation starts lower
    assert len(grid(10.0, 4)) == 4


def test_ticks_of_the_load_axis():
    assert ticks(0.1, 10.0) == [0.1, 0.2, 0.5, 1, 2, 5, 10]
    assert ticks(0.1, 10.3) == [0.1, 0.2, 0.5, 1, 2, 5, 10]
    assert ticks(0.05, 3.2) == [0.05, 0.1, 0.2, 0.5, 1, 2]
    assert ticks(0.001, 1000) == [0.001, 0.01, 0.1, 1, 10, 100, 1000]  # too many: the powers of ten only
