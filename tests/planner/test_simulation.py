"""planner.simulation / simnet / simkernel: the plan as a network, the kernel against M/M/c theory, the
run's API (seed, progress, cancel, trace, scale, queue limit)."""

from __future__ import annotations

import math
import random

import pytest
from plans import PlanBuilder

from archplan.planner.engine import compute
from archplan.planner.queueing import MMc
from archplan.planner.simnet import SimNetwork
from archplan.planner.simstats import TOLERANCE
from archplan.planner.simulation import Cancelled, simulate


def _one_queue(arrival: float, service_s: float, workers: int, instances: int = 1):
    """client -> a worker pool: `instances` x `workers` servers, `service_s` per job, `arrival` jobs/s at peak."""
    # peak = dau x (reads + writes) / 86,400 x 2: reads only
    b = PlanBuilder(dau=arrival * 86_400 / 2 / 10, reads_per_user=10, writes_per_user=0)
    b.add("web", "client.web").add("pool", "compute.worker", instances=instances,
                                   params={"job_s": service_s, "slots": workers})
    b.link("web", "pool")
    return b.plan


def _close(sim, expected: float, relative: float) -> bool:
    return abs(sim.value - expected) <= sim.ci + relative * expected


# ------------------------------------------------------------------------------------------ the kernel

def test_worked_example_mmc_latency_and_percentiles():
    """capacity-model.md's worked example run request by request: lambda 100/s, 50 ms, c = 7 gives
    rho 0.714, W = 58.104 ms, p99 = 244.2 ms (and the simulation agrees with planner.queueing)."""
    plan = _one_queue(100.0, 0.05, 7)
    sim = simulate(plan, seed=11, duration=600, max_visits=200_000)
    c = sim.components["pool"]
    assert sim.scale == 1 and c.simulated_servers == 7
    assert _close(c.utilisation, 100 * 0.05 / 7, 0.01)
    assert _close(c.mean, 0.058104, TOLERANCE["mean"][1])
    assert _close(c.p99, 0.2442, TOLERANCE["p99"][1])
    assert _close(c.p95, MMc(100, 20, 7).response_percentile(0.95), TOLERANCE["p95"][1])
    assert _close(c.mean_wait, 0.008104, 0.08)
    assert c.disagreements == () and set(c.compared) == {"utilisation", "mean", "p95", "p99"}


@pytest.mark.parametrize(("arrival", "servers"), [(30.0, 1), (68.76, 2), (350.0, 8)])
def test_kernel_matches_mmc_theory(arrival, servers):
    plan = _one_queue(arrival, 0.02, servers)
    sim = simulate(plan, seed=5, duration=200, max_visits=200_000)
    c = sim.components["pool"]
    theory = MMc(arrival, 50.0, servers)
    assert _close(c.utilisation, theory.utilisation, 0.01)
    assert _close(c.mean, theory.mean_response, 0.03)
    assert _close(c.p99, theory.response_percentile(0.99), 0.06)
    assert abs(c.queue_mean - theory.mean_wait * arrival) <= 0.15 * theory.mean_wait * arrival + 0.01


def test_service_times_are_independent_of_arrivals():
    """Inter-arrival and service draws come from one generator (ciw deep-copies distributions: copies
    would replay the same numbers and make waiting requests' services short)."""
    sim = simulate(_one_queue(15.0, 0.02, 1), seed=3, duration=600, max_visits=100_000)
    c = sim.components["pool"]
    assert _close(c.mean_wait, MMc(15.0, 50.0, 1).mean_wait, 0.1)


def test_saturated_queue_keeps_every_server_busy_and_grows():
    plan = _one_queue(120.0, 0.05, 5)  # 6 Erlangs on 5 servers
    sim = simulate(plan, seed=2, duration=60, max_visits=100_000)
    c = sim.components["pool"]
    assert c.utilisation.value > 0.98
    assert c.queue_end > 500  # about (120 - 100) x 54 s still waiting
    assert math.isinf(c.expected.mean)


def test_queue_limit_drops_what_does_not_fit():
    sim = simulate(_one_queue(120.0, 0.05, 5), seed=2, duration=30, queue_limit=10)
    c = sim.components["pool"]
    assert c.dropped > 100 and c.queue_end <= 10


# ------------------------------------------------------------------------------------------ the network

def _three_tier():
    b = PlanBuilder(dau=864_000)  # 220 requests/s at peak
    b.add("web", "client.web").add("lb", "lb.haproxy").add("app", "service.go")
    b.add("cache", "cache.redis", params={"hit_ratio": 0.8}).add("db", "db.postgres")
    b.add("replica", "db.postgres_replica", instances=3)
    b.link("web", "lb").link("lb", "app").link("app", "cache", classes=["read"])
    b.link("app", "db", classes=["write"]).link("cache", "replica", classes=["read"])
    b.link("db", "replica", "replication")
    return b.plan


def _mean_visits(net, client, cls, station, n=20_000, seed=1):
    rng = random.Random(seed)
    total = 0
    index = net.index[station]
    for _ in range(n):
        visits, _hops, spawns = net.route(client, cls, rng)
        total += sum(1 for v in visits if v.station == index)
        total += sum(1 for v in visits for s in v.spawns if s[0] == index)
        total += sum(1 for s in spawns if s[0] == index)
    return total / n


def test_routes_follow_the_plan_cache_misses_and_write_costs():
    plan = _three_tier()
    net = SimNetwork(plan, compute(plan))
    assert _mean_visits(net, "web", "read", "app") == 1
    miss = _mean_visits(net, "web", "read", "replica")
    assert abs(miss - 0.2) < 4 * math.sqrt(0.2 * 0.8 / 20_000)
    # a write on postgres costs read_qps / write_qps = 5 units: one on the path, four in the background
    assert _mean_visits(net, "web", "write", "db") == 5
    # ... and every one of the 3 replicas replays it (5 units each)
    assert _mean_visits(net, "web", "write", "replica") == 15


def test_client_streams_split_users_by_share_at_peak():
    b = PlanBuilder(dau=8_640_000, reads_per_user=10, writes_per_user=1, peak_factor=3,
                    media_read_fraction=0.5)
    b.add("web", "client.web", params={"user_share": 0.75}).add("mob", "client.mobile")
    b.add("idle", "client.web")  # linked to nothing: no users (the engine makes it a finding)
    b.add("svc", "service.go").link("web", "svc").link("mob", "svc")
    result = compute(b.plan)
    net = SimNetwork(b.plan, result)
    rates = {(s.client, s.cls): s.rate for s in net.streams}
    assert {s.client for s in net.streams} == {"web", "mob"}
    assert result.clients["mob"].share == pytest.approx(0.25)  # the engine reads the plan the same way
    assert rates[("web", "read")] == pytest.approx(8_640_000 * 0.75 * 10 / 86_400 * 3)
    assert rates[("mob", "write")] == pytest.approx(8_640_000 * 0.25 / 86_400 * 3)
    assert rates[("web", "media_read")] == pytest.approx(rates[("web", "read")] * 0.5)


def test_shares_are_alternatives_and_fanouts_repeat():
    b = PlanBuilder()
    b.add("web", "client.web").add("a", "service.go").add("b", "service.go").add("c", "service.go")
    b.link("web", "a", share=0.3).link("web", "b").link("web", "c", fanout=0.5).link("a", "c", fanout=2.5)
    net = SimNetwork(b.plan, compute(b.plan))
    assert abs(_mean_visits(net, "web", "read", "a") - 0.3) < 0.02
    # the open link takes what the share and the fan-out (at most 1 of it) leave: 1 - 0.3 - 0.5
    assert abs(_mean_visits(net, "web", "read", "b") - 0.2) < 0.02
    assert abs(_mean_visits(net, "web", "read", "c") - (0.5 + 0.3 * 2.5)) < 0.04
    rng = random.Random(4)
    for _ in range(200):  # never both alternatives
        visits, _, _ = net.route("web", "read", rng)
        stations = {v.station for v in visits}
        assert not {net.index["a"], net.index["b"]} <= stations


def test_async_messages_are_jobs_not_part_of_the_request():
    b = PlanBuilder()
    b.add("web", "client.web").add("api", "service.go").add("q", "queue.sqs").add("w", "compute.worker")
    b.link("web", "api").link("api", "q", "request").link("q", "w", "async")
    net = SimNetwork(b.plan, compute(b.plan))
    visits, hops, _ = net.route("web", "write", random.Random(1))
    assert [net.stations[v.station].id for v in visits] == ["api", "q"]
    assert hops == 2
    assert visits[-1].spawns == ((net.index["w"], "write", None),)
    assert [net.stations[v.station].id for v in net.job(net.index["w"], "write", random.Random(1))] == ["w"]


# ------------------------------------------------------------------------------------------ the run

def test_same_seed_same_result_and_another_seed_differs():
    plan = _three_tier()
    first = simulate(plan, seed=42, duration=8).as_dict()
    again = simulate(plan, seed=42, duration=8).as_dict()
    other = simulate(plan, seed=43, duration=8).as_dict()
    assert first == again
    assert first["components"]["app"]["mean"] != other["components"]["app"]["mean"]


def test_progress_reaches_one_and_cancel_stops_the_run():
    plan = _one_queue(400.0, 0.02, 24)
    seen = []
    simulate(plan, seed=1, duration=30, progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 3
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        simulate(plan, seed=1, duration=30, cancel=cancel)


def test_trace_gives_utilisation_per_window_for_each_queue():
    plan = _one_queue(400.0, 0.02, 24)
    sim = simulate(plan, seed=1, duration=30, windows=15)
    trace = sim.trace["pool"]
    assert len(trace) == 15 and sim.window_s == 2.0
    assert all(0 <= u <= 1 for u in trace)
    assert sum(trace[2:]) / len(trace[2:]) == pytest.approx(400 * 0.02 / 24, rel=0.1)


def test_a_big_run_is_shortened_then_scaled_and_says_so():
    plan = _one_queue(20_000.0, 0.02, 64, instances=10)  # 640 servers, 20,000 visits/s
    sim = simulate(plan, seed=1, duration=60, max_visits=20_000)
    c = sim.components["pool"]
    assert sim.duration == 2.0 and sim.scale == 2  # 2 s x 20,000 / 2 = 20,000 visits
    assert c.simulated_servers == 320
    assert any("scaled down x2" in n for n in sim.notes) and any("simulated of the" in n for n in sim.notes)
    assert _close(c.utilisation, 20_000 * 0.02 / 640, 0.02)
    forced = simulate(plan, seed=1, duration=1, scale=10)
    assert forced.scale == 10 and forced.components["pool"].simulated_servers == 64


@pytest.mark.parametrize("kwargs", [{"duration": 0}, {"duration": math.inf}, {"warmup": 1.0}, {"batches": 1},
                                    {"scale": 0.5}])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        simulate(_one_queue(10.0, 0.02, 2), **kwargs)
