"""Failure injection (planner/scenarios.py) and the resilience table (planner/resilience.py).

The expectations are worked out by hand from the plans (the templates' links and parameters are quoted
where they matter); the figures they are compared with are read from compute() on the scenario copies."""

from __future__ import annotations

import pytest
from plans import PlanBuilder

from archplan.planner import scenarios as sc
from archplan.planner.engine import compute
from archplan.planner.io import load_plan
from archplan.planner.library import builtin_dir
from archplan.planner.resilience import Outcome, resilience

READ_SHARE = 10 / 11  # PlanBuilder and three_tier: 10 reads and 1 write per user a day


def template(name: str):
    return load_plan(builtin_dir() / f"{name}.json")


def two_zones(stateful: bool = False, app_instances: int | str = 2):
    """web -> lb -> app-a (zone a), app-b (zone b); the apps keep data in a managed key-value store (no zone),
    or with `stateful` write to a primary in zone a and read from its replica in zone b."""
    b = (PlanBuilder(dau=1_000_000).add("web", "client.web").add("lb", "lb.nginx", instances=2)
         .add("app-a", "service.go", instances=app_instances).add("app-b", "service.go", instances=app_instances)
         .link("web", "lb").link("lb", "app-a").link("lb", "app-b"))
    if stateful:
        b.add("db", "db.postgres").add("replica", "db.postgres_replica").link("db", "replica", "replication")
        for app in ("app-a", "app-b"):
            b.link(app, "db", classes=["write"]).link(app, "replica", classes=["read"])
        b.group("zone-a", ["app-a", "db"], name="Zone A")
        return b.group("zone-b", ["app-b", "replica"], name="Zone B").plan
    b.add("kv", "kv.dynamodb").link("app-a", "kv").link("app-b", "kv")
    return b.group("zone-a", ["app-a"], name="Zone A").group("zone-b", ["app-b"], name="Zone B").plan


def client(report, cid="web"):
    return next(c for c in report.clients if c.id == cid)


# ------------------------------------------------------------------------------------------ zones

def test_zone_down_moves_its_traffic_to_the_other_zone():
    plan = two_zones()
    r = sc.run(plan, [sc.zone("Zone A")])
    assert r.applied.removed == {"app-a"} and r.applied.down == set()
    assert r.applied.moved == [("lb", "app-a", ("app-b",))]
    # the load balancer split its requests equally; app-b now takes them all with its 2 instances
    assert r.after["app-b"].qps_peak == pytest.approx(2 * r.before["app-b"].qps_peak)
    assert r.after["app-b"].utilisation == pytest.approx(2 * r.before["app-b"].utilisation)
    assert r.after["app-b"].count == r.before["app-b"].count == 2
    assert client(r).status in ("ok", "degraded") and not client(r).lost
    assert r.holds and "app-a" not in r.after.components


def test_zone_down_with_the_primary_loses_the_writes_only():
    plan = two_zones(stateful=True)
    a = sc.run(plan, [sc.zone("zone-a")])
    assert a.applied.down == {"db"} and a.applied.removed == {"app-a"}
    assert client(a).status == "fails" and client(a).lost == ("writes",)
    assert a.error_rate[1] == pytest.approx(1 - READ_SHARE, abs=0.02)  # every write, a few reads
    assert not a.holds
    b = sc.run(plan, [sc.zone("Zone B")])
    assert client(b).lost == ("reads",)
    assert b.error_rate[1] == pytest.approx(READ_SHARE, abs=0.02)


def test_survivors_do_not_auto_size():
    plan = two_zones(app_instances="auto")
    before = compute(plan)
    r = sc.run(plan, [sc.down("app-a")])
    assert r.after["app-b"].count == before["app-b"].count
    assert r.after["app-b"].utilisation == pytest.approx(2 * before["app-b"].utilisation)


def test_link_into_a_group_splits_over_the_members_left():
    b = (PlanBuilder(dau=1_000_000).add("web", "client.web").add("lb", "lb.nginx", instances=2)
         .add("app-1", "service.go", instances=2).add("app-2", "service.go", instances=2)
         .group("pool", ["app-1", "app-2"], kind="group").link("web", "lb").link("lb", "pool"))
    r = sc.run(b.plan, [sc.down("app-1")])
    assert r.applied.removed == {"app-1"} and r.holds
    assert r.after["app-2"].qps_peak == pytest.approx(2 * r.before["app-2"].qps_peak)


def test_the_users_plan_is_never_changed():
    plan = two_zones(stateful=True)
    saved = plan.model_dump()
    sc.run(plan, [sc.zone("zone-a"), sc.slow("app-b", 3), sc.lose("replica", 1)])
    assert plan.model_dump() == saved


# ------------------------------------------------------------------------------------------ instances, slow, cold

def test_losing_instances():
    plan = two_zones()
    r = sc.run(plan, [sc.lose("app-a", 1)])
    assert r.applied.reduced == {"app-a": (2, 1)} and r.after["app-a"].count == 1
    assert r.after["app-a"].utilisation == pytest.approx(2 * r.before["app-a"].utilisation)
    every = sc.run(plan, [sc.lose("app-a", 5)])  # more than it has: down, and the other zone takes over
    assert every.applied.removed == {"app-a"}


def test_slow_component_multiplies_its_service_time():
    plan = template("three_tier")
    r = sc.run(plan, [sc.slow("db", 5)])
    catalog_ms = 5.0  # db.postgres: 5 ms per request
    assert r.plan.component("db").capacity["latency_ms"] == pytest.approx(5 * catalog_ms)
    assert r.after["db"].latency >= 5 * r.before["db"].latency * 0.99
    assert r.after["replica"].latency == r.before["replica"].latency
    assert client(r).write_p99[1] > client(r).write_p99[0]
    workers = template("payment_flow")
    r = sc.run(workers, [sc.slow("notifier", 2)])  # a worker: its job time (0.2 s in the template) doubles
    assert r.plan.component("notifier").params["job_s"] == pytest.approx(0.4)
    assert r.after["notifier"].utilisation == pytest.approx(2 * r.before["notifier"].utilisation)


def test_cold_cache_sends_every_read_to_its_origin():
    plan = template("three_tier")  # cache hit ratio 0.8 in front of the read replica
    r = sc.run(plan, [sc.cold("cache")])
    assert r.before["replica"].reads_peak == pytest.approx(0.2 * r.before["cache"].reads_peak)
    assert r.after["replica"].reads_peak == pytest.approx(r.before["cache"].reads_peak)
    assert r.applied.state("cache") == "cold"


def test_cache_down_is_bypassed():
    r = sc.run(template("three_tier"), [sc.down("cache")])
    assert r.applied.bypassed == {"cache"} and not r.applied.down
    assert r.after["replica"].reads_peak == pytest.approx(r.before["cache"].reads_peak)
    assert client(r).status != "fails" and r.holds


# ------------------------------------------------------------------------------------------ templates, by hand

def test_three_tier_by_hand():
    plan = template("three_tier")  # web -> lb -> app -> cache (reads) -> replica; app -> db (writes)
    app = sc.run(plan, [sc.down("app")])
    assert client(app).status == "fails" and set(client(app).lost) == {"reads", "writes"}
    assert app.error_rate[1] == pytest.approx(1.0)
    db = sc.run(plan, [sc.down("db")])
    assert client(db).lost == ("writes",) and db.error_rate[1] == pytest.approx(1 - READ_SHARE, abs=0.002)
    replica = sc.run(plan, [sc.down("replica")])  # only the cache's misses (20 % of reads) reach the replica
    assert client(replica).status == "partly fails" and not client(replica).lost
    assert replica.error_rate[1] == pytest.approx(0.2 * READ_SHARE, abs=0.002)
    data = sc.run(plan, [sc.zone("Data tier")])
    assert data.applied.down == {"db", "replica"} and data.applied.bypassed == {"cache"}
    assert client(data).status == "fails"
    ops = sc.run(plan, [sc.zone("ops-group")])  # the health check: failures are noticed by hand, later
    assert ops.holds and ops.error_rate[1] > ops.error_rate[0]


def test_photo_sharing_regions_by_hand():
    plan = template("photo_sharing")
    # Americas: its CDN serves the Americas users' media reads; S3 us-east-1 takes every upload (upload -> s3-am)
    am = sc.run(plan, [sc.zone("Americas")])
    assert set(client(am, "users-am").lost) == {"media reads", "media writes"}
    assert client(am, "users-eu").lost == ("media writes",)
    # Europe & Asia: only its users' media reads (cdn-eu -> s3-eu); the Americas are untouched
    eu = sc.run(plan, [sc.zone("emea-region")])
    assert client(eu, "users-eu").lost == ("media reads",)
    assert client(eu, "users-am").status == "ok"


def test_payment_provider_down_multiplies_retries():
    r = sc.run(template("payment_flow"), [sc.down("stripe")])  # retries 3, failure rate 0.02
    (stripe,) = r.retries
    assert stripe.attempts == pytest.approx((1 + 3 * 0.02, 1 + 3))
    assert r.after["stripe"].writes_peak == pytest.approx(r.before["stripe"].writes_peak * 4 / 1.06)
    assert all(c.lost == ("writes",) for c in r.clients)


def test_a_gateway_routes_do_not_take_over_for_each_other():
    r = sc.run(template("microservices"), [sc.down("users")])  # gateway -> catalog / orders / users: three routes
    assert r.applied.moved == [] and r.applied.down == {"users"}
    assert {c.status for c in r.clients} == {"partly fails"}
    assert r.after["catalog"].qps_peak == pytest.approx(r.before["catalog"].qps_peak)


# ------------------------------------------------------------------------------------------ bad input

@pytest.mark.parametrize("fault, message", [
    (sc.down("web"), "is a client"),
    (sc.down("nope"), "no component 'nope'"),
    (sc.zone("Mars"), "no zone or group 'Mars'"),
    (sc.lose("kv", 1), "managed service"),
    (sc.cold("app-a"), "not a cache or a CDN"),
    (sc.slow("app-a", 0), "positive number"),
])
def test_faults_that_do_not_apply_are_refused(fault, message):
    with pytest.raises(sc.ScenarioError, match=message):
        sc.run(two_zones(), [fault])


# ------------------------------------------------------------------------------------------ resilience

def test_resilience_of_three_tier_by_hand():
    plan = template("three_tier")
    table = resilience(plan)
    holds = {r.id: r.down.holds for r in table.components}
    assert holds == {"lb": False, "app": False, "cache": True, "db": False, "replica": False, "health": True}
    assert {r.id: r.n_plus_one for r in table.components} == {
        "lb": True, "app": True, "cache": True, "db": True, "replica": True, "health": False}
    assert {g.id: g.down.holds for g in table.groups} == {"edge-tier": False, "app-tier": False, "data-tier": False,
                                                         "ops-group": True}
    assert not table.survives_any_single_failure
    replica = next(r for r in table.components if r.id == "replica")
    assert replica.down == Outcome.of(sc.run(plan, [sc.down("replica")]))


def test_resilience_n_plus_zone():
    table = resilience(two_zones())
    assert {g.id: g.down.holds for g in table.groups} == {"zone-a": True, "zone-b": True}
    assert {r.id: r.n_plus_one for r in table.components} == {"lb": True, "app-a": True, "app-b": True, "kv": True}
    stateful = resilience(two_zones(stateful=True))
    assert {g.id: g.down.holds for g in stateful.groups} == {"zone-a": False, "zone-b": False}
    data = stateful.as_dict()
    assert data["groups"][0]["down"]["failing"] == ["web"]
