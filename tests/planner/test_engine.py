"""The capacity engine: propagation, sizing, queueing, availability, SPOFs, breaking point.

Expected values are worked out by hand from capacity-model.md's definitions (the arithmetic is in each
test), never copied from the engine's output.
"""

import math

import pytest
from plans import PlanBuilder

from archplan.planner import units
from archplan.planner.engine import compute
from archplan.planner.graph import RequestCycleError
from archplan.planner.propagation import AmplifyingLoopError

DAY = 86_400


def chain(**traffic):
    return (PlanBuilder(**traffic).add("web", "client.web").add("svc", "service.go")
            .link("web", "svc"))


def test_client_rates_are_daily_volume_over_86400_seconds():
    # 8.64M users x 10 reads / 86,400 s = 1,000 reads/s; 1 write each -> 100 writes/s; peak x2
    result = compute(chain().plan)
    svc = result["svc"]
    assert svc.reads_avg == pytest.approx(1_000)
    assert svc.writes_avg == pytest.approx(100)
    assert svc.reads_peak == pytest.approx(2_000)
    assert svc.writes_peak == pytest.approx(200)
    assert result.totals.entry_qps_peak == pytest.approx(2_200)


def test_mau_times_active_ratio_when_no_dau():
    plan = chain(dau=None, mau=43_200_000, active_ratio=0.2).plan  # 8.64M DAU
    assert compute(plan)["svc"].reads_avg == pytest.approx(1_000)


def test_instances_needed_is_ceil_of_peak_over_capacity_times_target():
    # service.go handles 2,000 req/s per instance (catalog); peak 2,200 / (2,000 x 0.7) = 1.57 -> 2
    result = compute(chain().plan)
    svc = result["svc"]
    assert svc.needed == 2
    assert svc.utilisation == pytest.approx(2_200 / 2_000 / 2)
    assert svc.figures["instances_throughput"].text().startswith("n_throughput = ceil(load / u)")


@pytest.mark.parametrize("redundancy, expected", [("none", 1), ("ha", 2), ("n+1", 2)])
def test_redundancy(redundancy, expected):
    # 100 users: load far below one instance -> needs 1
    plan = chain(dau=100).plan
    plan.components[1] = plan.components[1].model_copy(update={"redundancy": redundancy})
    assert compute(plan)["svc"].count == expected


def test_fixed_count_short_of_need_is_over_target_and_flagged():
    plan = chain().plan
    plan.components[1] = plan.components[1].model_copy(update={"instances": 1})
    result = compute(plan)
    assert result["svc"].utilisation == pytest.approx(1.1)  # 2,200 / 2,000
    assert result["svc"].saturated
    assert any(f.code == "saturated" and f.component == "svc" for f in result.findings)
    assert result.bottleneck == "svc"


def test_cache_passes_misses_and_all_writes():
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("cache", "cache.redis",
                                                                              params={"hit_ratio": 0.9})
         .add("db", "db.postgres").link("web", "svc").link("svc", "cache").link("cache", "db"))
    result = compute(b.plan)
    assert result["db"].reads_avg == pytest.approx(100)   # 1,000 x (1 - 0.9)
    assert result["db"].writes_avg == pytest.approx(100)  # writes pass through
    # hot set = 0.2 x 1,000 reads/s x 86,400 s x 10 KB (profile response size)
    assert result["cache"].memory == pytest.approx(0.2 * 1_000 * DAY * 10_000)


def test_cdn_offloads_reads_and_bytes():
    b = (PlanBuilder().add("web", "client.web").add("cdn", "cdn.cloudfront", params={"offload": 0.75})
         .add("origin", "storage.s3").link("web", "cdn").link("cdn", "origin"))
    result = compute(b.plan)
    assert result["origin"].reads_avg == pytest.approx(250)
    assert result["cdn"].bandwidth_out == pytest.approx(2_000 * 10_000)  # all reads leave the edge, at peak
    assert result["origin"].bandwidth_out == pytest.approx(500 * 10_000)


def test_unset_request_shares_split_equally_and_explicit_shares_are_kept():
    b = (PlanBuilder().add("web", "client.web").add("lb", "lb.haproxy").add("a", "service.go")
         .add("b", "service.go").add("c", "service.go")
         .link("web", "lb").link("lb", "a", share=0.5).link("lb", "b").link("lb", "c"))
    result = compute(b.plan)
    assert result["a"].reads_avg == pytest.approx(500)
    assert result["b"].reads_avg == pytest.approx(250)
    assert result["c"].reads_avg == pytest.approx(250)
    # a node never sends 100 % to every child
    assert sum(result[x].reads_avg for x in "abc") == pytest.approx(1_000)


def test_classes_route_reads_and_writes_separately():
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("db", "db.postgres")
         .add("rep", "db.postgres_replica").link("web", "svc").link("svc", "db", classes=["write"])
         .link("svc", "rep", classes=["read"]).link("db", "rep"))
    result = compute(b.plan)
    assert result["db"].reads_avg == 0
    assert result["db"].writes_avg == pytest.approx(100)
    assert result["rep"].reads_avg == pytest.approx(1_000)
    # the replica's reads divide over the replicas; every replica replays all the writes
    fig = result["rep"].figures["load"]
    assert fig.formula.key == "load_units_replica"
    assert fig.inputs["reads"] == pytest.approx(2_000)
    assert result["rep"].figures["replay"].inputs["replicated"] == pytest.approx(200)
    assert result["rep"].storage_total == pytest.approx(result["db"].storage_total)  # a full copy


def test_fanout_multiplies():
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("tl", "cache.redis")
         .link("web", "svc").link("svc", "tl", classes=["write"], fanout=200))
    assert compute(b.plan)["tl"].writes_avg == pytest.approx(100 * 200)


def test_shard_group_divides_load_with_skew_and_sizes_by_storage():
    # 100 writes/s x 1 KB x 86,400 s = 8.64 GB/day; 5 years = 15.768 TB; rf from profile = 1
    b = (PlanBuilder().add("web", "client.web").add("kv", "db.sharded_sql", params={"skew": 1.5})
         .link("web", "kv", classes=["write"]))
    result = compute(b.plan)
    kv = result["kv"]
    assert kv.storage_per_day == pytest.approx(100 * 1_000 * DAY)
    assert kv.storage_total == pytest.approx(100 * 1_000 * DAY * 365 * 5)
    node = b.plan.components[1]
    from archplan.planner.catalog import default_catalog

    cap = default_catalog()[node.kind].capacity.storage
    fill = node.param("fill_ratio")
    assert kv.needed == math.ceil(kv.storage_replicated * 1.5 / (cap * fill))


def test_storage_with_growth_compounds_yearly():
    b = (PlanBuilder(yearly_growth=0.5, retention="2y").add("web", "client.web").add("db", "db.postgres")
         .link("web", "db"))
    per_day = 100 * 1_000 * DAY
    assert compute(b.plan)["db"].storage_total == pytest.approx(per_day * 365 * ((1.5**2 - 1) / 0.5))


def test_queue_consumers_see_drain_rate_with_backlog_bound():
    # peak 200/s for D = 3,600 s, average 100/s, drain bound T = 1,800 s:
    # c = (200 x 3,600 + 1,800 x 100) / (3,600 + 1,800) = 166.67/s delivered to the consumers at peak.
    # Two workers of 8 slots x 0.1 s = 80 jobs/s each: capacity 160/s at 100 % busy, so
    # backlog = (200 - 160) x 3,600 = 144,000 and drain time = 144,000 / (160 - 100) = 2,400 s
    b = (PlanBuilder().add("web", "client.web").add("q", "queue.sqs", params={"drain_bound_s": 1_800})
         .add("w", "compute.worker", instances=2).link("web", "q", classes=["write"]).link("q", "w"))
    result = compute(b.plan)
    assert result["w"].writes_peak == pytest.approx(166.6667, rel=1e-5)
    assert result["w"].writes_avg == pytest.approx(100)
    assert result["q"].details["consumer_capacity"] == pytest.approx(160)
    assert result["q"].details["backlog"] == pytest.approx(144_000, rel=1e-9)
    assert result["q"].details["drain_time"] == pytest.approx(2_400, rel=1e-9)


def test_request_cycle_is_an_error_naming_the_cycle():
    b = (PlanBuilder().add("web", "client.web").add("a", "service.go", name="Alpha")
         .add("b", "service.go", name="Beta").link("web", "a").link("a", "b").link("b", "a"))
    with pytest.raises(RequestCycleError, match=r"Alpha -> Beta -> Alpha|Beta -> Alpha -> Beta"):
        compute(b.plan)


def test_async_loop_settles_to_the_geometric_sum():
    # a retry loop: worker -> queue with share 0.5; inflow x = 100 + 0.5 x  -> 200 writes/s
    b = (PlanBuilder().add("web", "client.web").add("q", "queue.sqs").add("w", "compute.worker")
         .link("web", "q", classes=["write"]).link("q", "w").link("w", "q", kind="async", share=0.5))
    assert compute(b.plan)["q"].writes_avg == pytest.approx(200, rel=1e-6)


def test_amplifying_async_loop_is_refused():
    b = (PlanBuilder().add("web", "client.web").add("q", "queue.sqs").add("w", "compute.worker")
         .link("web", "q", classes=["write"]).link("q", "w").link("w", "q", kind="async", fanout=2))
    with pytest.raises(AmplifyingLoopError):
        compute(b.plan)


def test_mmc_latency_matches_the_worked_example():
    # capacity-model.md: lambda = 100/s, service 50 ms, c = 7 -> W = 58.104 ms.
    # 4.32M users x 1 read / 86,400 s = 50/s average, x2 peak = 100/s; 7 instances of one 50 ms server.
    b = (PlanBuilder(dau=4_320_000, reads_per_user=1, writes_per_user=0).add("web", "client.web")
         .add("svc", "service.go", instances=7, capacity={"read_qps": 20, "write_qps": 20, "latency_ms": 50})
         .link("web", "svc"))
    svc = compute(b.plan)["svc"]
    assert svc.latency == pytest.approx(0.058104, abs=5e-7)
    assert svc.details["p_wait"] == pytest.approx(0.3241, abs=5e-5)


def test_saturated_component_has_no_finite_latency():
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go", instances=1).link("web", "svc"))
    assert compute(b.plan)["svc"].latency == math.inf


def test_end_to_end_read_latency_is_cache_weighted():
    # L = L_cache + (1 - h) x L_db at negligible load (1 user), no network hop
    b = (PlanBuilder(dau=1).add("web", "client.web").add("cache", "cache.redis", params={"hit_ratio": 0.8})
         .add("db", "db.postgres").link("web", "cache").link("cache", "db"))
    result = compute(b.plan)
    expected = result["cache"].latency + 0.2 * result["db"].latency
    assert result.clients["web"].read_latency == pytest.approx(expected)
    assert result["cache"].latency == pytest.approx(0.0005, rel=1e-3)


def test_health_check_detection_folds_into_availability():
    # capacity-model.md example: MTBF 30 days, heartbeat 30 s, 2 misses, restart 60 s -> A = 0.999954
    b = (PlanBuilder().add("web", "client.web")
         .add("svc", "service.go", instances=1, capacity={"mtbf_hours": 720, "restart_s": 60})
         .add("hc", "obs.healthcheck", params={"interval_s": 30, "misses": 2, "timeout_s": 0})
         .link("web", "svc").link("hc", "svc"))
    result = compute(b.plan)
    assert b.plan.links[1].kind == "health"
    assert result["hc"].details["detection_time"] == 60
    # the process: MTBF / (MTBF + MTTR) = 0.999954, about 24.3 minutes a year; the machine under it
    # is up as its catalog figure says (one VM: 99.5 %), and both are needed
    process = result["svc"].figures["instance_availability"]
    assert process.inputs["detect"] == 60
    mttr_part = process.inputs["mtbf"] / (process.inputs["mtbf"] + 60 + 60)
    assert mttr_part == pytest.approx(0.999954, abs=5e-7)
    assert (1 - mttr_part) * 365 * DAY / 60 == pytest.approx(24.3, abs=0.05)
    assert result["svc"].instance_availability == pytest.approx(0.995 * mttr_part, rel=1e-12)


def test_k_of_n_availability_rewards_a_spare():
    # A = 0.99 per instance: 3 of 4 -> 0.999408 (capacity-model.md), 3 of 3 -> 0.970299
    def plan(redundancy):
        return (PlanBuilder(dau=25_920_000, reads_per_user=10, writes_per_user=0)  # 6,000 peak
                .add("web", "client.web")
                .add("svc", "service.go", redundancy=redundancy, capacity={"availability": 0.99})
                .link("web", "svc")).plan
    spare, bare = compute(plan("n+1"))["svc"], compute(plan("none"))["svc"]
    assert (bare.count, spare.count) == (5, 6)  # 6,000 / (2,000 x 0.7) = 4.29 -> 5
    # needed at 100 % busy = ceil(6,000 / 2,000) = 3
    assert spare.availability == pytest.approx(sum(math.comb(6, j) * 0.99**j * 0.01**(6 - j) for j in range(3, 7)))
    assert bare.availability < spare.availability


def test_single_points_of_failure_are_cut_vertices_on_request_paths():
    b = (PlanBuilder().add("web", "client.web").add("lb", "lb.haproxy", instances=1)
         .add("a", "service.go", instances=1).add("b", "service.go", instances=1)
         .add("db", "db.postgres", redundancy="ha").link("web", "lb").link("lb", "a").link("lb", "b")
         .link("a", "db").link("b", "db"))
    spofs = compute(b.plan).spofs
    assert set(spofs) == {"lb"}  # a and b back each other up; the primary has a standby
    assert set(spofs["lb"]) >= {"a", "b", "db"}


def test_managed_services_are_not_spofs():
    b = PlanBuilder().add("web", "client.web").add("s3", "storage.s3").link("web", "s3")
    assert compute(b.plan).spofs == {}


def test_breaking_point_drives_the_bottleneck_to_its_ceiling():
    b = (PlanBuilder(retention="30d").add("web", "client.web").add("svc", "service.go", instances=4)
         .add("db", "db.postgres").link("web", "svc").link("svc", "db", classes=["write"]))
    result = compute(b.plan)
    bp = result.breaking_point
    assert bp.component == "svc" and bp.resource == "throughput"  # 4 fixed instances
    at_break = compute(b.plan, multiplier=bp.multiplier_at_target)
    broken = at_break[bp.component]
    assert broken.details["traffic_utilisation"] == pytest.approx(broken.details["traffic_ceiling"])
    assert broken.utilisation == pytest.approx(0.7)
    assert bp.dau_at_target == pytest.approx(result.totals.dau * bp.multiplier_at_target)
    # traffic x m: 2,200 x m / (4 x 2,000) = 0.7 -> m = 2.545
    assert bp.multiplier_at_target == pytest.approx(0.7 * 8_000 / 2_200)
    assert bp.multiplier_at_saturation == pytest.approx(8_000 / 2_200)


def test_external_api_retries_multiply_calls_and_hit_the_provider_limit():
    # 100 writes/s avg, 200 peak; 2 retries x 1 % failures -> 1.02 x; Stripe limit 25/s per endpoint
    b = (PlanBuilder().add("web", "client.web").add("pay", "ext.payments")
         .link("web", "pay", classes=["write"]))
    result = compute(b.plan)
    assert result["pay"].writes_peak == pytest.approx(204)
    assert result["pay"].count == 1
    assert any(f.component == "pay" and f.severity == "error" for f in result.findings)


def test_links_to_a_group_split_among_its_entry_members():
    b = (PlanBuilder().add("web", "client.web").add("a", "service.go").add("b", "service.go")
         .add("db", "db.postgres").group("tier", ["a", "b"]).link("web", "tier").link("a", "db").link("b", "db"))
    result = compute(b.plan)
    assert result["a"].reads_avg == pytest.approx(500)
    assert result["b"].reads_avg == pytest.approx(500)


def test_cost_adds_instances_storage_egress_and_requests():
    b = PlanBuilder().add("web", "client.web").add("svc", "service.go", instances=3).link("web", "svc")
    result = compute(b.plan)
    fig = result["svc"].figures["monthly_cost"]
    from archplan.planner.catalog import default_catalog

    cap = default_catalog()["service.go"].capacity
    egress_gb = 1_000 * 10_000 * units.MONTH / 1e9  # reads x response size, fed by the client: 25,920 GB
    tiered = 10_000 * 0.09 + (egress_gb - 10_000) * 0.085  # AWS internet egress bands (catalog)
    assert result["svc"].monthly_cost == pytest.approx(3 * cap.monthly_cost + tiered)
    assert fig.inputs["egress_gb"] == pytest.approx(egress_gb)
    assert fig.inputs["egress_price"] == pytest.approx(tiered / egress_gb)
    assert result.plan_figures["egress_internet"].value == pytest.approx(tiered)


def test_every_figure_evaluates_the_same_with_sympy():
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("cache", "cache.redis")
         .add("db", "db.postgres").add("q", "queue.sqs").add("w", "compute.worker")
         .link("web", "svc").link("svc", "cache", classes=["read"]).link("cache", "db")
         .link("svc", "db", classes=["write"]).link("svc", "q", classes=["write"]).link("q", "w"))
    for owner, name, fig in compute(b.plan).all_figures():
        if all(isinstance(v, (int, float)) for v in fig.inputs.values()) and math.isfinite(fig.value):
            assert fig.formula.sympy_value(fig.inputs) == pytest.approx(fig.value, rel=1e-9, abs=1e-12), (owner, name)


def test_result_is_json_ready():
    import json

    data = compute(chain().plan).as_dict(explain=True)
    text = json.dumps(data, allow_nan=False)
    assert '"work"' in text and "ceil" in text


def test_what_if_multiplier_scales_users():
    assert compute(chain().plan, multiplier=10)["svc"].reads_avg == pytest.approx(10_000)
    with pytest.raises(ValueError):
        compute(chain().plan, multiplier=float("nan"))


def test_figures_render_as_latex_with_numbers_substituted():
    svc = compute(chain().plan)["svc"]
    latex = svc.figures["instances_throughput"].latex()
    assert latex == r"n_{throughput} = \left\lceil{\frac{load}{u}}\right\rceil = " \
                    r"\left\lceil{\frac{1.1}{0.7}}\right\rceil = 2"
    cost = svc.figures["monthly_cost"].latex()
    assert cost.count(r"\cdot") == 5  # five products, none merged even where numbers repeat
    assert cost.count(r"+ 0 \cdot 0 ") == 3


def test_event_links_deliver_writes_to_the_index():
    # every request logged into a search index: 1,100 events/s become indexing writes, none are queries
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("idx", "search.elasticsearch")
         .link("web", "svc").link("svc", "idx", "event", classes=["read", "write"]))
    idx = compute(b.plan)["idx"]
    assert idx.reads_avg == 0
    assert idx.writes_avg == pytest.approx(1_100)
    assert idx.storage_per_day == pytest.approx(1_100 * 1_000 * DAY)


def test_new_event_links_carry_writes_by_default():
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("idx", "search.elasticsearch")
         .link("web", "svc").link("svc", "idx"))
    assert b.plan.links[1].kind == "event"
    assert compute(b.plan)["idx"].writes_avg == pytest.approx(100)


def test_component_retention_overrides_the_profile():
    b = (PlanBuilder(retention="5y").add("web", "client.web").add("logs", "search.elasticsearch", retention="3d")
         .link("web", "logs", "event", classes=["write"]))
    assert compute(b.plan)["logs"].storage_total == pytest.approx(100 * 1_000 * DAY * 3)


def test_replicated_stores_keep_at_least_one_node_per_copy():
    b = (PlanBuilder(dau=1_000).add("web", "client.web").add("log", "pubsub.kafka")
         .add("kv", "wide.cassandra").link("web", "log", classes=["write"]).link("web", "kv", classes=["write"]))
    result = compute(b.plan)
    assert result["log"].count >= 3 and result["kv"].count >= 3
    assert result["log"].figures["instances_copies"].text() == "n = max(n, rf) = max(1, 3) = 3"


def test_data_exactly_filling_its_nodes_is_not_saturated():
    b = (PlanBuilder(retention="100d", writes_per_user=1, dau=86_400).add("web", "client.web")
         .add("kv", "kv.dynamodb").link("web", "kv", classes=["write"]))
    kv = compute(b.plan)["kv"]  # 1 write/s x 1 KB x 86,400 s x 100 d = 8.64 GB < one 10 GB partition
    assert kv.binding == "storage" and not kv.saturated
    plan = b.plan
    plan.components[1] = plan.components[1].model_copy(update={"record_size": 10e9 / (86_400 * 100)})
    full = compute(plan)["kv"]
    assert full.utilisation == pytest.approx(1.0)
    assert not full.saturated  # exactly full fits; one byte more would not


def test_bottleneck_is_the_tightest_traffic_resource_unless_something_is_over_its_ceiling():
    # the shard group is sized by its data (fill 100 % by construction); the service runs at 55 %
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go")
         .add("kv", "db.sharded_sql", params={"fill_ratio": 1.0}).link("web", "svc")
         .link("svc", "kv", classes=["write"]))
    result = compute(b.plan)
    assert result["kv"].binding == "storage" and result["kv"].headroom == pytest.approx(1.0, abs=0.05)
    assert result.bottleneck == "svc"
    # a single primary whose data outgrows its disk is over its ceiling: it is the bottleneck
    b.add("db", "db.postgres").link("svc", "db", classes=["write"], fanout=50)
    result = compute(b.plan)
    assert result["db"].headroom > 1 and result.bottleneck == "db"


def test_client_rows_report_what_they_send():
    result = compute(chain().plan)
    web = result["web"]
    assert (web.reads_avg, web.writes_avg) == (pytest.approx(1_000), pytest.approx(100))
    assert web.qps_peak == pytest.approx(2_200)


def test_figures_format_their_values_in_their_units():
    from archplan.planner.formulas import format_value

    svc = compute(chain().plan)["svc"]
    assert svc.figures["instances_needed"].formatted() == "2 instances"
    assert svc.figures["utilisation"].formatted() == "55.0 %"
    assert svc.figures["latency"].formatted() == "20 ms"
    assert format_value(1, "instances") == "1 instance"
    assert format_value(3_470, "req/s") == "3.47K QPS"
    assert format_value(30e12, "B/day") == "30 TB/day"
    assert format_value(0.999954, "", "availability_k_of_n") == "99.9954 %"
    assert format_value(1.29, "x") == "×1.29"


def test_a_new_link_beside_a_fanout_link_takes_nothing_and_says_so():
    # svc sends every read to the cache (fan-out 1); a later, unset link must not get 100 % as well
    b = (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("cache", "cache.redis")
         .add("extra", "cache.redis").link("web", "svc").link("svc", "cache", fanout=1).link("svc", "extra"))
    result = compute(b.plan)
    assert result["cache"].reads_avg == pytest.approx(1_000)
    assert result["extra"].reads_avg == 0
    assert any(f.code == "idle_link" and f.component == "extra" for f in result.findings)
