"""The engine-truth defects (issue 12), each worked by hand: the figures a user decides on.

Every expected number below is derived in the comment above it from the capacity model
(docs/capacity-model.md) and the catalog's figures, never copied from the engine's output.
"""

from __future__ import annotations

import json
import math

import pytest
from plans import PlanBuilder

from archplan.planner import units
from archplan.planner.availability import k_of_n
from archplan.planner.catalog import default_catalog
from archplan.planner.engine import compute
from archplan.planner.io import dumps, loads
from archplan.planner.queueing import MMc

CAT = default_catalog()


def codes(result, component=None):
    return {f.code for f in result.findings if component is None or f.component == component}


# ------------------------------------------------------------------------------------------ replicas

def write_heavy(replicas: int):
    """Peak writes 1,800/s reach the primary and are replicated; reads 4,800/s go to the replicas.

    dau 8,640,000 with 1 write a user a day is 100 writes/s on average; peak factor 2: 200/s. x9 (9 writes a
    user) -> 1,800/s peak. Reads: 2.4 a user -> 240/s average, 480/s peak; x10 via a fan-out -> 4,800/s."""
    return (PlanBuilder(writes_per_user=9, reads_per_user=2.4, retention="1d").add("web", "client.web")
            .add("svc", "service.go").add("db", "db.postgres").add("rep", "db.postgres_replica", instances=replicas)
            .link("web", "svc").link("svc", "db", classes=["write"]).link("svc", "rep", fanout=10)
            .link("db", "rep", "replication"))


@pytest.mark.parametrize("replicas", [1, 2, 8])
def test_every_replica_replays_every_write(replicas):
    # per replica: reads 4,800 / (N x 10,000) + replayed writes 1,800 x 1.0 / 2,000 = 0.48 / N + 0.9
    rep = compute(write_heavy(replicas).plan)["rep"]
    assert rep.writes_peak == 0 and rep.reads_peak == pytest.approx(4_800)
    assert rep.utilisation == pytest.approx(0.48 / replicas + 0.9)
    assert rep.figures["replay"].value == pytest.approx(0.9)
    assert rep.figures["utilisation"].formula.key == "utilisation_replica"


def test_replay_beyond_the_ceiling_is_a_finding_not_more_replicas():
    result = compute(write_heavy(8).plan)
    assert "replica_replay" in codes(result, "rep")  # 0.9 of each replica, ceiling 0.7: more replicas cannot help


def test_auto_sized_replicas_leave_room_for_the_replay():
    # writes 200/s peak: replay 200 / 2,000 = 0.1; reads 4,800/s: load 0.48 -> n = ceil(0.48 / (0.7 - 0.1)) = 1
    b = (PlanBuilder(reads_per_user=2.4).add("web", "client.web").add("svc", "service.go").add("db", "db.postgres")
         .add("rep", "db.postgres_replica").link("web", "svc").link("svc", "db", classes=["write"])
         .link("svc", "rep", fanout=10).link("db", "rep", "replication"))
    rep = compute(b.plan)["rep"]
    assert rep.needed == math.ceil(0.48 / (0.7 - 0.1))
    assert rep.figures["instances_throughput"].formula.key == "instances_replicas"


def test_each_replica_holds_and_pays_for_a_full_copy():
    result = compute(write_heavy(3).plan)
    db, rep = result["db"], result["rep"]
    assert rep.storage_total == pytest.approx(db.storage_total)  # a full copy each
    assert rep.storage_replicated == pytest.approx(3 * db.storage_total)
    price = CAT["db.postgres_replica"].capacity.storage_price_gb_month
    assert rep.figures["monthly_cost"].inputs["stored_gb"] * price == pytest.approx(3 * db.storage_total / 1e9 * price)


def test_a_new_link_into_a_replica_carries_reads_only():
    # svc -> rep drawn with no classes: reads only; the primary keeps every write and its storage
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("db", "db.postgres")
         .add("rep", "db.postgres_replica").link("web", "svc").link("svc", "db").link("db", "rep", "replication"))
    before = compute(b.plan)
    b.link("svc", "rep")
    assert b.plan.links[-1].classes is None
    after = compute(b.plan)
    assert after["db"].writes_avg == pytest.approx(before["db"].writes_avg) == pytest.approx(100)
    assert after["db"].storage_total == pytest.approx(before["db"].storage_total)
    assert after["rep"].writes_avg == 0 and after["rep"].reads_avg == pytest.approx(500)  # half the reads


def test_a_replica_with_no_reads_is_an_idle_replica():
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("db", "db.postgres")
         .add("rep", "db.postgres_replica").link("web", "svc").link("svc", "db").link("db", "rep", "replication"))
    assert "idle_replica" in codes(compute(b.plan), "rep")


def test_old_files_keep_their_figures_and_links_lose_only_the_implicit_default():
    b = (PlanBuilder().add("web", "client.web").add("m", "client.mobile")
         .add("svc", "service.go").link("web", "svc").link("m", "svc"))
    raw = json.loads(dumps(b.plan))
    raw["schema_version"] = 2
    for link in raw["plan"]["links"]:
        link["classes"] = ["read", "write", "media_read", "media_write"]
    # version 2 read user shares as weights (default 1): 1 : 3
    raw["plan"]["components"][1]["params"] = {"user_share": 3.0}
    raw["plan"]["components"][0]["params"] = {}
    plan = loads(json.dumps(raw))
    assert [link.classes for link in plan.links] == [None, None]
    result = compute(plan)
    assert result.clients["web"].users == pytest.approx(8_640_000 / 4)
    assert result.clients["m"].users == pytest.approx(8_640_000 * 3 / 4)


# ------------------------------------------------------------------------------------------ clients

def three_tier_like():
    return (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("db", "db.postgres")
            .link("web", "svc").link("svc", "db"))


def test_an_unlinked_second_client_takes_no_users_and_is_a_finding():
    b = three_tier_like()
    before = compute(b.plan)
    b.add("mobile", "client.mobile")
    after = compute(b.plan)
    assert after.totals.entry_qps_avg == pytest.approx(before.totals.entry_qps_avg)
    assert after.totals.monthly_cost == pytest.approx(before.totals.monthly_cost)
    assert after.clients["mobile"].share == 0 and after.clients["web"].share == 1
    assert "client_unlinked" in codes(after, "mobile")
    b.link("mobile", "svc")  # linked: the two unset clients split the users equally
    linked = compute(b.plan)
    assert linked.clients["mobile"].share == pytest.approx(0.5)
    assert linked.totals.entry_qps_avg == pytest.approx(before.totals.entry_qps_avg)


def test_explicit_user_shares_and_the_rest():
    b = (three_tier_like().add("mobile", "client.mobile", params={"user_share": 0.7}).link("mobile", "svc")
         .add("tv", "client.web").link("tv", "svc"))
    result = compute(b.plan)
    assert result.clients["mobile"].share == pytest.approx(0.7)
    assert result.clients["web"].share == pytest.approx(0.15) == result.clients["tv"].share
    assert sum(c.users for c in result.clients.values()) == pytest.approx(8_640_000)


def test_shares_over_one_are_scaled_and_reported():
    b = (PlanBuilder().add("a", "client.web", params={"user_share": 0.9}).add("b", "client.mobile",
                                                                              params={"user_share": 0.6})
         .add("svc", "service.go").link("a", "svc").link("b", "svc"))
    result = compute(b.plan)
    assert result.clients["a"].share == pytest.approx(0.6) and result.clients["b"].share == pytest.approx(0.4)
    assert "client_shares" in codes(result)


def test_a_linked_client_with_a_share_and_an_unlinked_one_with_a_share_loses_traffic_loudly():
    b = (three_tier_like().add("mobile", "client.mobile", params={"user_share": 0.3}))
    result = compute(b.plan)
    assert result.clients["web"].share == pytest.approx(0.7)
    assert any(f.code == "client_unlinked" and f.severity == "error" for f in result.findings)


# ------------------------------------------------------------------------------------------ latency

def mmc_plan(workers: int | None = 7):
    """The capacity model's worked example: lambda = 100/s, service 50 ms, c = 7 (one instance, 7 workers).

    reads 10 a user a day, dau 432,000: 50 reads/s on average, 100/s at peak (factor 2); no writes."""
    fields = {"workers": workers} if workers else {}
    return (PlanBuilder(dau=432_000, writes_per_user=0).add("web", "client.web")
            .add("svc", "service.go", instances=1, capacity={"latency_ms": 50}, **fields).link("web", "svc"))


def test_the_worked_mmc_example_reaches_the_result():
    svc = compute(mmc_plan().plan)["svc"]
    # capacity = min(2,000, 7 / 0.05 = 140)/s; rho = 100 / 140
    assert svc.figures["capacity_workers"].value == pytest.approx(140)
    assert svc.utilisation == pytest.approx(100 / 140)
    assert svc.details["servers"] == 7 and svc.workers == 7
    assert svc.latency == pytest.approx(0.058104, abs=1e-6)
    assert svc.wait == pytest.approx(0.008104, abs=1e-6)
    assert svc.p50 == pytest.approx(0.04326, abs=1e-5)
    assert svc.p95 == pytest.approx(0.16336, abs=1e-5)
    assert svc.p99 == pytest.approx(0.2442, abs=1e-4)
    assert svc.figures["p99"].formula.key == "mmc_percentile"


def test_workers_default_to_littles_law_and_say_so():
    svc = compute(mmc_plan(workers=None).plan)["svc"]
    # 2,000/s x 0.05 s = 100 workers: the wait is negligible
    assert svc.workers == 100 and svc.figures["workers"].formula.key == "workers_little"
    assert svc.wait < 1e-9


def test_fewer_workers_raise_the_wait_and_the_tail():
    few, many = compute(mmc_plan(7).plan)["svc"], compute(mmc_plan(20).plan)["svc"]
    assert few.wait > many.wait and few.p99 > many.p99 > 0


def test_percentiles_reach_json_and_clients():
    result = compute(mmc_plan().plan)
    data = result.as_dict()
    assert data["components"]["svc"]["p99"] == pytest.approx(result["svc"].p99)
    client = data["clients"]["web"]
    for key in ("read_p50", "read_p95", "read_p99", "write_p99"):
        assert key in client
    # one hop, no network time: the client's path is the service's own M/M/c law
    queue = MMc(100, 20, 7)
    expected = queue.response_percentiles(0.5, 0.95, 0.99)
    grid = 40 * result.clients["web"].read_latency / 2048
    for got, want in zip((client["read_p50"], client["read_p95"], client["read_p99"]), expected):
        assert got == pytest.approx(want, abs=2 * grid)


def hypoexponential_quantile(p: float, a: float, b: float, shift: float) -> float:
    """Quantile of shift + Exp(a) + Exp(b) (a != b), by bisection on the closed-form CDF."""
    def cdf(t):
        t -= shift
        return 0.0 if t <= 0 else 1 - (b * math.exp(-a * t) - a * math.exp(-b * t)) / (b - a)
    lo, hi = 0.0, shift + 100 / min(a, b)
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return (lo + hi) / 2


def test_end_to_end_percentiles_are_the_convolution_not_the_sum_of_hops():
    # two services in sequence with no queueing (lightly loaded, Little's law workers): service 20 ms and
    # 50 ms, two 0.5 ms hops: the path is 1 ms + Exp(50/s) + Exp(20/s)
    b = (PlanBuilder(dau=86_400, writes_per_user=0).add("web", "client.web")
         .add("a", "service.go").add("z", "service.go", capacity={"latency_ms": 50})
         .link("web", "a").link("a", "z", fanout=1))
    b.plan.settings.network_hop_ms = 0.5
    result = compute(b.plan)
    client = result.clients["web"]
    grid = 40 * client.read_latency / 2048
    for p in (0.5, 0.95, 0.99):
        want = hypoexponential_quantile(p, 50.0, 20.0, 0.001)
        assert client.percentile("read", p) == pytest.approx(want, abs=2 * grid)
    hop_sum = result["a"].p99 + result["z"].p99 + 0.001
    assert client.read_p99 < hop_sum  # the sum of per-hop p99s is only an upper bound


# ------------------------------------------------------------------------------------------ queues

def queue_plan(workers: int | str):
    """100 writes/s average, 200/s peak into SQS; consumers: workers of 8 slots x 0.1 s = 80 jobs/s each."""
    return (PlanBuilder().add("web", "client.web").add("q", "queue.sqs").add("w", "compute.worker", instances=workers)
            .link("web", "q", classes=["write"]).link("q", "w"))


def test_consumers_below_the_average_rate_grow_the_backlog_without_bound():
    result = compute(queue_plan(1).plan)
    q = result["q"]
    # capacity 80/s < 100/s: +20/s x 3,600 = 72,000 messages an hour; lost after 7 days x 80 / 20 = 28 days
    assert q.details["consumer_capacity"] == pytest.approx(80)
    assert q.details["backlog_growth"] == pytest.approx(72_000)
    assert q.details["loss_time"] == pytest.approx(7 * units.DAY * 80 / 20)
    assert "queue_falling_behind" in codes(result, "q")
    # it then stores a retention's worth of arrivals: 100/s x 7 days x 1 KB
    assert q.storage_replicated == pytest.approx(100 * 7 * units.DAY * 1_000)


def test_consumers_above_the_average_drain_after_the_peak_and_the_queue_stores_what_waits():
    q = compute(queue_plan(2).plan)["q"]
    # 160/s: backlog (200 - 160) x 3,600 = 144,000, drained in 144,000 / (160 - 100) = 2,400 s
    assert q.details["backlog"] == pytest.approx(144_000)
    assert q.details["drain_time"] == pytest.approx(2_400)
    assert q.storage_replicated == pytest.approx(144_000 * 1_000)  # what waits, not throughput x retention


def test_a_queue_nobody_consumes_is_a_finding():
    b = PlanBuilder().add("web", "client.web").add("q", "queue.sqs").link("web", "q", classes=["write"])
    assert "queue_no_consumer" in codes(compute(b.plan), "q")


# ------------------------------------------------------------------------------------------ availability

def test_an_overloaded_component_is_not_available_at_peak():
    # 2,200 requests/s peak on one 2,000/s instance: rho 1.1, it serves 1 / 1.1 of them
    b = PlanBuilder().add("web", "client.web").add("svc", "service.go", instances=1).link("web", "svc")
    result = compute(b.plan)
    svc = result["svc"]
    assert svc.utilisation == pytest.approx(1.1)
    assert svc.availability <= 1 / 1.1 + 1e-12
    assert result.clients["web"].availability <= 1 / 1.1 + 1e-12


def test_two_replica_components_serve_reads_in_parallel_writes_still_need_the_primary():
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go", capacity={"availability": 1})
         .add("db", "db.postgres", capacity={"availability": 0.99}, instances=1)
         .add("r1", "db.postgres_replica", capacity={"availability": 0.99}, instances=1)
         .add("r2", "db.postgres_replica", capacity={"availability": 0.99}, instances=1)
         .link("web", "svc").link("svc", "db", classes=["write"]).link("svc", "r1").link("svc", "r2")
         .link("db", "r1", "replication").link("db", "r2", "replication"))
    client = compute(b.plan).clients["web"]
    assert client.read_availability == pytest.approx(1 - 0.01**2)  # not 0.99 x 0.99
    assert client.write_availability == pytest.approx(0.99)


def test_quorum_stores_are_k_of_n_with_the_quorum():
    # Cassandra keeps 3 copies; a majority (2 of 3) answers a request: 3a^2 - 2a^3, not 1 - (1 - a)^3
    b = (PlanBuilder().add("web", "client.web").add("c", "wide.cassandra", capacity={"availability": 0.99},
                                                    instances=3).link("web", "c"))
    result = compute(b.plan)
    a = 0.99
    assert result.clients["web"].write_availability == pytest.approx(k_of_n(a, 2, 3))
    b1 = (PlanBuilder().add("web", "client.web").add("c", "wide.cassandra", capacity={"availability": 0.99},
                                                     instances=3, params={"read_quorum": 1, "write_quorum": 3})
          .link("web", "c"))
    client = compute(b1.plan).clients["web"]
    assert client.read_availability == pytest.approx(k_of_n(a, 1, 3))
    assert client.write_availability == pytest.approx(a**3)


def test_self_managed_instances_use_the_catalog_figure():
    b = PlanBuilder().add("web", "client.web").add("svc", "service.go").link("web", "svc")
    svc = compute(b.plan)["svc"]
    sla = CAT["service.go"].capacity.availability
    assert svc.instance_availability <= sla
    assert svc.figures["instance_availability"].inputs["sla"] == sla


def test_a_store_of_many_single_copy_shards_says_every_shard_is_needed():
    # 365 shards, one copy each: the store as a whole is up a^365
    b = (PlanBuilder().add("web", "client.web").add("s", "db.sharded_sql", instances=365,
                                                    capacity={"availability": 0.999}).link("web", "s"))
    result = compute(b.plan)
    assert result["s"].availability == pytest.approx(0.999**365)
    assert "shard_availability" in codes(result, "s")


def test_availability_never_shows_more_nines_than_it_can():
    assert units.format_availability(1 - 2.5e-12) == "≥ 99.999 %"
    assert units.format_availability(0.999954) == "99.9954 %"   # two significant digits of unavailability
    assert units.format_availability(0.98861) == "98.9 %"
    assert units.format_availability(0.9996) == "99.960 %"      # never "100 %" by rounding
    assert units.format_availability(0.5) == "50 %"


# ------------------------------------------------------------------------------------------ cost

def test_object_store_reads_are_billed_at_the_read_price():
    b = (PlanBuilder().add("web", "client.web").add("s3", "storage.s3").link("web", "s3"))
    fig = compute(b.plan)["s3"].figures["monthly_cost"]
    assert fig.inputs["read_price"] == 0.4 and fig.inputs["write_price"] == 5.0
    assert fig.inputs["reads_m"] == pytest.approx(1_000 * units.MONTH / 1e6)


def test_egress_is_tiered_over_the_month():
    # 1,000 reads/s x 10 KB = 10 MB/s: 25,920 GB a month: 10,000 at $0.09 and 15,920 at $0.085
    b = PlanBuilder().add("web", "client.web").add("svc", "service.go").link("web", "svc")
    result = compute(b.plan)
    assert result.plan_figures["egress_internet"].value == pytest.approx(10_000 * 0.09 + 15_920 * 0.085)


# ------------------------------------------------------------------------------------------ breaking point

def test_the_breaking_point_counts_storage_and_what_cannot_grow():
    # the primary's disk: 100 writes/s x 1 KB x 5 years = 15.8 TB on a 1 TB node: already past it
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("db", "db.postgres")
         .link("web", "svc").link("svc", "db", classes=["write"]))
    bp = compute(b.plan).breaking_point
    assert (bp.component, bp.resource) == ("db", "storage")
    assert bp.multiplier_at_target == pytest.approx(0.7 / (100 * 1_000 * units.YEAR * 5 / 1e12))


def test_auto_sized_components_scale_and_fixed_ones_break():
    b = (PlanBuilder(retention="30d").add("web", "client.web").add("svc", "service.go").link("web", "svc"))
    assert compute(b.plan).breaking_point.component is None
    fixed = compute(b.plan).breaking_point
    assert fixed.deployed_component == "svc"  # with today's 2 instances frozen
    b.plan.components[1].instances = 2
    assert compute(b.plan).breaking_point.component == "svc"


# ------------------------------------------------------------------------------------------ plausibility

def test_a_write_only_cache_is_sized_from_its_keys_or_flagged():
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("k", "cache.redis")
         .link("web", "svc").link("svc", "k", classes=["write"]))
    assert "cache_no_reads" in codes(compute(b.plan), "k")
    b.plan.components[2].retention = units.DAY  # a key store: 100 writes/s x 1 KB kept a day
    k = compute(b.plan)["k"]
    assert k.memory == pytest.approx(100 * 1_000 * units.DAY)


def test_managed_partitions_are_not_instances():
    b = PlanBuilder().add("web", "client.web").add("kv", "kv.dynamodb").link("web", "kv")
    kv = compute(b.plan)["kv"]
    assert kv.count_unit == "partitions"


@pytest.mark.parametrize("template", ["payment_flow", "three_tier", "chat"])
def test_path_percentiles_do_not_depend_on_the_grid(template, monkeypatch):
    from pathlib import Path

    from archplan.planner import paths
    from archplan.planner.io import load_plan

    plan = load_plan(Path(__file__).resolve().parents[2] / "templates" / f"{template}.json")
    coarse = compute(plan).clients
    monkeypatch.setattr(paths, "GRID_POINTS", 8 * paths.GRID_POINTS)
    fine = compute(plan).clients
    for cid, client in coarse.items():
        for operation in ("read", "write"):
            for p in (0.5, 0.95, 0.99):
                assert client.percentile(operation, p) == pytest.approx(fine[cid].percentile(operation, p), rel=0.03)


def test_a_slower_primary_leaves_the_reads_that_never_reach_it_alone():
    # three_tier reads go app -> cache -> replica; writes go to the primary
    from pathlib import Path

    from archplan.planner.io import load_plan

    plan = load_plan(Path(__file__).resolve().parents[2] / "templates" / "three_tier.json")
    before = compute(plan).clients["web"]
    plan.component("db").capacity = {"latency_ms": 25}
    after = compute(plan).clients["web"]
    assert after.read_p99 == pytest.approx(before.read_p99, rel=1e-9)
    assert after.write_p99 > before.write_p99


def test_media_requests_count_in_a_clients_availability():
    # half the reads fetch a media object from the bucket (99 %); the other reads hit a service (100 %)
    b = (PlanBuilder(media_read_fraction=0.5, media_size=100_000, writes_per_user=0).add("web", "client.web")
         .add("svc", "service.go", capacity={"availability": 1})
         .add("s3", "storage.s3", capacity={"availability": 0.99})
         .link("web", "svc", classes=["read"]).link("web", "s3", classes=["media_read"]))
    client = compute(b.plan).clients["web"]
    # reads 1,000/s at peak x2, media reads 500/s x2: (2,000 x 1 + 1,000 x 0.99) / 3,000
    assert client.read_availability == pytest.approx((2_000 + 1_000 * 0.99) / 3_000)
