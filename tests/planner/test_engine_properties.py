"""Property-based tests of the engine (hypothesis): random plans never crash, never yield NaN, and
respond monotonically where the model says they must."""

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from archplan.planner import edit
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.engine import compute
from archplan.planner.graph import RequestCycleError
from archplan.planner.model import Plan
from archplan.planner.propagation import AmplifyingLoopError

CATALOG = default_catalog()
KINDS = [k.id for k in CATALOG if k.behaviour is not Behaviour.CLIENT]
CLIENTS = [k.id for k in CATALOG if k.behaviour is Behaviour.CLIENT]


@st.composite
def plans(draw, max_components=12):
    plan = Plan(name="random")
    edit.update_traffic(plan, dau=draw(st.floats(0, 1e9)), reads_per_user=draw(st.floats(0, 1_000)),
                        writes_per_user=draw(st.floats(0, 100)), peak_factor=draw(st.floats(1, 20)),
                        media_fraction=draw(st.floats(0, 1)), media_size=draw(st.floats(0, 1e9)),
                        media_read_fraction=draw(st.floats(0, 1)), yearly_growth=draw(st.floats(0, 3)),
                        retention=draw(st.floats(0, 20 * 365 * 86_400)),
                        replication_factor=draw(st.integers(1, 5)))
    n_clients = draw(st.integers(1, 2))
    kinds = [draw(st.sampled_from(CLIENTS)) for _ in range(n_clients)]
    kinds += draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=max_components))
    for i, kind in enumerate(kinds):
        fields = {}
        if draw(st.booleans()):
            fields["instances"] = draw(st.integers(1, 50))
        fields["redundancy"] = draw(st.sampled_from(["default", "none", "ha", "n+1"]))
        edit.add_component(plan, edit.new_component(plan, kind, id=f"c{i}", **fields))
    # links go forward only (a DAG), so no request cycle; kinds chosen at random
    for i in range(len(kinds)):
        for j in range(max(i + 1, n_clients), len(kinds)):
            if draw(st.integers(0, 3)) == 0:
                share = draw(st.one_of(st.none(), st.floats(0, 1)))
                fanout = None if share is not None else draw(st.one_of(st.none(), st.floats(0, 5)))
                kind = draw(st.sampled_from(["request", "async", "event", "replication", "health", None]))
                classes = draw(st.lists(st.sampled_from(["read", "write", "media_read", "media_write"]),
                                        min_size=1, max_size=4, unique=True))
                edit.add_link(plan, edit.new_link(plan, f"c{i}", f"c{j}", kind, share=share, fanout=fanout,
                                                  classes=classes))
    return plan


def finite_or_inf(value):
    return not math.isnan(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_random_plans_compute_without_nan(plan):
    result = compute(plan)
    for r in result.components.values():
        for name in ("reads_avg", "writes_avg", "reads_peak", "writes_peak", "utilisation", "storage_total",
                     "storage_replicated", "memory", "bandwidth_in", "bandwidth_out", "monthly_cost"):
            value = getattr(r, name)
            assert math.isfinite(value) and value >= 0, (r.id, name, value)
        assert not math.isnan(r.latency) and r.latency >= 0
        assert 0 <= r.availability <= 1 and 0 <= r.instance_availability <= 1
        assert r.count >= 0 and r.needed >= 0
        assert r.reads_peak >= r.reads_avg * (1 - 1e-9) or r.reads_avg == 0
    for f in result.findings:
        assert f.message
    assert 0 <= result.totals.availability <= 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(max_components=8), st.floats(1.0, 50.0))
def test_more_traffic_never_lowers_load_or_instances(plan, factor):
    base, more = compute(plan), compute(plan, multiplier=factor)
    for cid, r in base.components.items():
        m = more.components[cid]
        assert m.reads_peak >= r.reads_peak * (1 - 1e-9)
        assert m.writes_peak >= r.writes_peak * (1 - 1e-9)
        assert m.needed >= r.needed
        assert m.storage_total >= r.storage_total * (1 - 1e-9)
        if r.fixed:
            assert m.utilisation >= r.utilisation * (1 - 1e-9)


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1))
def test_higher_hit_ratio_never_raises_load_behind_the_cache(h1, h2):
    low, high = sorted((h1, h2))

    def db_reads(hit):
        plan = Plan(name="cache")
        for cid, kind in (("web", "client.web"), ("cache", "cache.redis"), ("db", "db.postgres")):
            edit.add_component(plan, edit.new_component(plan, kind, id=cid))
        edit.update_component(plan, "cache", params={"hit_ratio": hit})
        edit.add_link(plan, edit.new_link(plan, "web", "cache"))
        edit.add_link(plan, edit.new_link(plan, "cache", "db"))
        return compute(plan)["db"].reads_peak

    assert db_reads(high) <= db_reads(low) + 1e-9


@settings(max_examples=60, deadline=None)
@given(plans(max_components=6), st.integers(0, 20), st.integers(0, 20))
def test_back_links_either_compute_or_fail_cleanly(plan, i, j):
    ids = [c.id for c in plan.components]
    src, dst = ids[i % len(ids)], ids[j % len(ids)]
    assume(src != dst and not any(lk.source == src and lk.target == dst for lk in plan.links))
    edit.add_link(plan, edit.new_link(plan, src, dst, "request"))
    try:
        compute(plan)
    except (RequestCycleError, AmplifyingLoopError) as exc:
        assert str(exc)


def test_the_largest_accepted_inputs_stay_finite_and_fast():
    """A trillion users, a million requests each, petabyte objects, x1e6 what-if: every figure finite, and
    no loop that grows with the instance count (queueing and availability switch to their limits)."""
    import time

    plan = Plan(name="extreme")
    for i, kind in enumerate(["client.web", "lb.nginx", "service.python", "cache.redis", "db.postgres",
                              "db.postgres_replica", "pubsub.kafka", "compute.worker", "search.elasticsearch",
                              "wide.cassandra", "storage.s3", "ext.payments"]):
        edit.add_component(plan, edit.new_component(plan, kind, id=f"c{i}", redundancy="n+1"))
    for src, dst in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (2, 6), (6, 7), (7, 8), (2, 9), (0, 10), (2, 11)]:
        edit.add_link(plan, edit.new_link(plan, f"c{src}", f"c{dst}"))
    edit.update_traffic(plan, dau=1e12, reads_per_user=1e6, writes_per_user=1e6, media_fraction=1,
                        media_size=1e15, response_size=1e15, request_size=1e15, record_size=1e15,
                        media_read_fraction=1, yearly_growth=100, retention="20y", peak_factor=1e3)
    started = time.perf_counter()
    result = compute(plan, multiplier=1e6)
    assert time.perf_counter() - started < 5
    for r in result.components.values():
        for value in (r.reads_peak, r.writes_peak, r.storage_replicated, r.monthly_cost, r.utilisation,
                      r.availability, r.bandwidth_out):
            assert math.isfinite(value)
    import pytest

    with pytest.raises(ValueError, match="between"):
        compute(plan, multiplier=1e300)


def test_queueing_and_availability_limits_agree_with_the_exact_sums_where_both_apply():
    from archplan.planner.availability import k_of_n
    from archplan.planner.queueing import _erlang_b, _erlang_b_halfin_whitt

    # Halfin-Whitt against the exact recursion at a = 10^6 (beyond it only the limit is affordable)
    for c in (1_000_500, 1_001_000, 1_003_000):
        exact, limit = _erlang_b(c, 1e6), _erlang_b_halfin_whitt(c, 1e6)
        assert limit == pytest.approx(exact, rel=0.05, abs=1e-9)
    # normal approximation of the binomial tail vs the exact sum just below the switch
    n = 10**9
    a = 0.999
    k = int(n * a - 2 * math.sqrt(n * a * (1 - a)))
    assert k_of_n(a, k, n) == pytest.approx(0.9772, abs=2e-3)  # P(Z >= -2)


def test_media_review_with_vanishing_media_bytes():
    """A media size whose bytes per second round to 0 is no media finding and no division by zero."""
    from archplan.planner.model import Component, Link, Plan, TrafficProfile

    plan = Plan(name="tiny media", traffic=TrafficProfile(dau=1.0, media_fraction=1e-249, media_size=2.2e-311),
                components=[Component(id="c0", kind="client.web", name="Web"),
                            Component(id="c4", kind="db.postgres", name="DB")],
                links=[Link(id="l", source="c0", target="c4", classes=["media_write"])])
    result = compute(plan)
    assert not [f for f in result.findings if f.rule == "DATA-MEDIA-IN-DB"]


def test_consumers_behind_the_average_take_their_capacity_all_day():
    """Hypothesis found it: a queue whose consumer (a 1-instance RabbitMQ) cannot keep up even with the average
    delivered its capacity at peak but the whole average, so the consumer's average exceeded its peak. A
    consumer behind the average takes its capacity all day (the backlog grows)."""
    from archplan.planner.model import Component, Link, Plan, TrafficProfile

    kinds = {"c0": "client.web", "c10": "queue.sqs", "c11": "queue.rabbitmq"}
    comps = [Component(id=f"c{i}", kind=kinds.get(f"c{i}", "dns.route53"), name=f"c{i}",
                       instances=1 if i == 11 else "auto") for i in range(13)]
    edges = ["0-1", "0-3", "0-4", "0-5", "0-11e", "0-12", "1-6", "1-10", "2-4", "2-10", "2-11", "2-12", "3-4",
             "3-6", "3-7", "3-11f", "4-10", "4-11e", "4-12", "5-7", "6-7", "6-12", "10-11", "10-12", "11-12"]
    links = []
    for e in edges:
        kind = "event" if e.endswith("e") else "request"
        fanout = 0.0 if e.endswith("f") else None
        s_, t_ = e.rstrip("ef").split("-")
        links.append(Link(id=f"c{s_}-to-c{t_}", source=f"c{s_}", target=f"c{t_}", kind=kind, fanout=fanout,
                          classes=["read"]))
    plan = Plan(name="random", traffic=TrafficProfile(dau=478523078.0, reads_per_user=1.0, writes_per_user=0.0,
                                                      peak_factor=2.0), components=comps, links=links)
    for r in compute(plan).components.values():
        assert r.reads_peak >= r.reads_avg * (1 - 1e-12), r.id
