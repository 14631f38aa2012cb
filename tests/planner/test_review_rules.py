"""
Every rule of the design review (docs/review-rules.md, section 12): a plan that violates it gets the finding;
applying the finding's fix gives a valid plan that no longer has it, whose recomputed figure improves, with no
new critical finding. Rules whose advice is not an edit (zones, splitting a monolith, cost notes) are checked
for firing on the violating plan and staying quiet on a sound one.
"""

from __future__ import annotations

import pytest
from plans import PlanBuilder
from review_plans import naive_plan, set_budgets, set_component, set_param, template

from archplan.planner import edit
from archplan.planner.engine import compute
from archplan.planner.model import Plan
from archplan.planner.review import RULES, fix_for, preview


def findings_of(plan: Plan, rule: str, component: str | None = "*", multiplier: float = 1.0):
    result = compute(plan, multiplier=multiplier)
    return [f for f in result.findings if f.rule == rule and (component == "*" or f.component == component)]


def assert_fixed(plan: Plan, rule: str, component: str | None = "*", severity: str | None = None):
    """The finding fires; its fix resolves it, the named figure improves, nothing critical appears."""
    result = compute(plan)
    found = [f for f in result.findings if f.rule == rule and (component == "*" or f.component == component)]
    assert found, f"{rule} did not fire: {[(f.rule, f.component) for f in result.findings]}"
    finding = found[0]
    if severity:
        assert finding.severity == severity
    assert finding.source == RULES[rule].source and finding.figures, "a finding carries its numbers and source"
    p = preview(plan, finding, result)
    assert p is not None, f"{rule} has no fix"
    assert Plan.model_validate(p.plan.model_dump()) == p.plan
    assert p.resolved, f"{rule} still fires after its fix: {p.fix.operations}"
    assert p.improves, [row.text() for row in p.rows]
    assert p.new_critical == (), [f.message for f in p.new_critical]
    assert plan != p.plan and compute(plan).findings == result.findings  # the original plan is untouched
    return p


# ------------------------------------------------------------------------------------------ CAP

def test_cap_over_pool_pinned_too_small():
    plan = set_component(template("three_tier"), "app", instances=2)
    edit.update_traffic(plan, dau=2_000_000)
    p = assert_fixed(plan, "CAP-OVER", "app")
    assert p.plan.component("app").instances > 2


def test_cap_over_on_the_template_it_names():
    found = findings_of(template("payment_flow"), "CAP-OVER", "email")  # SES at 72 % of its 14 emails/s
    assert found and found[0].severity == "warning" and found[0].code == "over_target"
    queued = findings_of(template("notification_service"), "CAP-OVER", "slack")  # a queue's consumer, flat out
    assert queued and queued[0].severity == "info" and queued[0].code == "consumer_at_capacity"


def test_cap_spare_pool_pinned_at_needed():
    plan = template("three_tier")
    edit.update_traffic(plan, dau=650_000)  # the app's load is ~1.3 instances' worth: needed 2
    needed = compute(plan)["app"].needed
    set_component(plan, "app", instances=needed)
    p = assert_fixed(plan, "CAP-SPARE", "app", "warning")
    assert p.plan.component("app").instances == needed + 1


def test_cap_spare_n_plus_2_is_info():
    found = findings_of(template("photo_sharing"), "CAP-SPARE", "feed")
    assert found and found[0].severity == "info"


def test_cap_under_idle_instances():
    plan = set_component(template("three_tier"), "app", instances=8)
    p = assert_fixed(plan, "CAP-UNDER", "app", "info")
    assert p.after.totals.monthly_cost < p.before.totals.monthly_cost
    assert 2 <= p.plan.component("app").instances < 8
    assert findings_of(template("three_tier"), "CAP-UNDER") == []


def _provider_plan(writes_per_user: float) -> Plan:
    b = PlanBuilder(dau=1_000_000, reads_per_user=1, writes_per_user=writes_per_user)
    b.add("web", "client.web").add("app", "service.go").add("email", "notify.email")
    b.link("web", "app").link("app", "email", classes=["write"], fanout=1)
    return b.plan


def test_cap_limit_queued_when_the_average_fits():
    plan = _provider_plan(0.7)  # ~8 emails/s on average, ~16/s at peak: SES allows 14/s
    p = assert_fixed(plan, "CAP-LIMIT", "email", "error")
    queue = next(c.id for c in p.plan.components if c.kind == "queue.sqs")
    assert p.after[queue].details["drain_time"] < p.plan.component(queue).param("drain_bound_s")
    assert [f.code for f in p.after.findings if f.rule == "CAP-OVER"] == ["consumer_at_capacity"]


def test_cap_limit_without_an_edit_when_even_the_average_is_past_it():
    plan = template("mvp_monolith")
    found = findings_of(plan, "CAP-LIMIT", "email", multiplier=30)
    assert found and found[0].severity == "error" and "quota" in found[0].advice
    assert fix_for(plan, found[0], compute(plan, multiplier=30)) is None
    assert findings_of(plan, "CAP-LIMIT") == []


# ------------------------------------------------------------------------------------------ REL

@pytest.mark.parametrize(("cid", "rule"), [("lb", "REL-SPOF-LB"), ("db", "REL-SPOF-PRIMARY"),
                                           ("cache", "REL-SPOF-CACHE"), ("app", "REL-SPOF-OTHER")])
def test_each_lone_instance_fires_exactly_its_rule(cid, rule):
    plan = set_component(template("three_tier"), cid, instances=1, redundancy="none")
    spofs = [f for f in compute(plan).findings if f.rule.startswith("REL-SPOF") and f.rule != "REL-SPOF-ZONE"]
    assert [(f.rule, f.component) for f in spofs] == [(rule, cid)]
    assert spofs[0].code == "spof"
    p = assert_fixed(plan, rule, cid)
    assert p.after.totals.availability > p.before.totals.availability


def test_a_lone_cache_is_critical_when_its_store_could_not_take_the_misses():
    b = PlanBuilder(dau=86_400_000, writes_per_user=0.1, retention="30d")
    b.add("web", "client.web").add("app", "service.go", redundancy="ha").add("db", "db.postgres", redundancy="ha")
    b.add("cache", "cache.redis", instances=1, params={"hit_ratio": 0.9, "cached_fraction": 0.001})
    b.add("replica", "db.postgres_replica")
    b.link("web", "app").link("app", "cache", classes=["read"]).link("cache", "replica", classes=["read"])
    b.link("app", "db", classes=["write"]).link("db", "replica", kind="replication")
    finding = findings_of(b.plan, "REL-SPOF-CACHE", "cache")[0]
    assert finding.severity == "error" and "x10" in finding.message and "saturates too" in finding.message
    p = assert_fixed(b.plan, "REL-SPOF-CACHE", "cache")
    assert p.plan.component("cache").instances == 2


def test_spof_is_critical_with_an_availability_target():
    plan = set_component(template("three_tier"), "lb", instances=1, redundancy="none")
    set_budgets(plan, min_availability=0.999)
    assert findings_of(plan, "REL-SPOF-LB", "lb")[0].severity == "error"


def test_managed_kinds_are_never_spofs():
    assert findings_of(template("url_shortener"), "REL-SPOF-LB") == []  # one lb.alb


def test_zone_is_a_warning_with_a_high_target_and_quiet_with_zones():
    plan = template("three_tier")
    assert findings_of(plan, "REL-SPOF-ZONE")[0].severity == "info"
    set_budgets(plan, min_availability=0.9999)
    assert findings_of(plan, "REL-SPOF-ZONE")[0].severity == "warning"
    zoned = PlanBuilder().add("web", "client.web").add("a", "service.go").add("b", "service.go")
    zoned.link("web", "a").link("web", "b").group("z1", ["a"], kind="zone").group("z2", ["b"], kind="zone")
    assert findings_of(zoned.plan, "REL-SPOF-ZONE") == []


def test_shards_without_copies():
    b = PlanBuilder(dau=50_000_000, writes_per_user=20, record_size="2KB")
    b.add("web", "client.web").add("app", "service.go").add("db", "db.sharded_sql", params={"replication_factor": 1})
    b.link("web", "app").link("app", "db")
    p = assert_fixed(b.plan, "REL-SHARD-COPIES", "db")
    assert p.plan.component("db").params["replication_factor"] == 3


# ------------------------------------------------------------------------------------------ DATA

def _url_shortener_on_one_postgres() -> Plan:
    """url_shortener with its cache removed and DynamoDB swapped for one PostgreSQL primary (keeping half a year
    of links, so that reads, not data, are what it runs out of)."""
    plan = template("url_shortener")
    edit.remove_component(plan, "cache")
    edit.update_component(plan, "kv", kind="db.postgres", params={}, capacity={}, redundancy="ha", retention="180d")
    edit.add_link(plan, edit.new_link(plan, "api", "kv", classes=["read"]))
    return plan


def test_read_replicas_for_a_read_heavy_primary():
    plan = _url_shortener_on_one_postgres()
    found = findings_of(plan, "DATA-READ-REPLICA", "kv")
    assert found and "CAP-OVER" not in {f.rule for f in compute(plan).findings if f.component == "kv"}
    p = assert_fixed(plan, "DATA-READ-REPLICA", "kv")
    assert p.after["kv"].utilisation < p.before["kv"].utilisation
    assert any(c.kind == "db.postgres_replica" for c in p.plan.components)


def test_read_cache_with_the_hit_ratio_that_suffices():
    plan = _url_shortener_on_one_postgres()
    finding = findings_of(plan, "DATA-READ-CACHE", "kv")[0]
    assert "h_min" in finding.message
    p = preview(plan, finding)
    cache = next(c for c in p.plan.components if c.kind == "cache.redis")
    assert 0.8 <= cache.params["hit_ratio"] <= 0.95
    assert p.resolved and p.improves and not p.new_critical


def _chat_on_one_postgres() -> Plan:
    plan = template("chat")
    edit.update_component(plan, "store", kind="db.postgres", params={}, capacity={}, instances="auto",
                          redundancy="ha")
    return plan


def test_writes_beyond_one_primary_are_sharded():
    plan = _chat_on_one_postgres()
    p = assert_fixed(plan, "DATA-WRITE-SCALE", "store", "error")
    assert p.plan.component("store").kind == "db.sharded_sql"
    assert p.after["store"].headroom <= 1


def test_store_fit_names_the_wide_column_row():
    plan = _chat_on_one_postgres()
    finding = findings_of(plan, "DATA-STORE-FIT", "store")[0]
    assert "wide-column" in finding.message and finding.severity == "warning"
    p = preview(plan, finding)
    assert p.plan.component("store").kind == "wide.cassandra" and p.resolved and p.improves


def test_store_fit_money_on_a_key_value_store():
    plan = template("payment_flow")
    edit.update_component(plan, "ledger", kind="kv.dynamodb", params={}, capacity={}, redundancy="default")
    assert findings_of(plan, "DATA-STORE-FIT", "ledger")[0].severity == "info"
    assert findings_of(template("payment_flow"), "DATA-STORE-FIT") == []


def test_hot_shard():
    plan = set_param(template("twitter_timeline"), "tweets", skew=3.0)
    p = assert_fixed(plan, "DATA-HOT-SHARD", "tweets")
    assert p.after["tweets"].count < p.before["tweets"].count
    assert findings_of(template("twitter_timeline"), "DATA-HOT-SHARD") == []


def test_media_in_the_database_goes_to_object_storage():
    p = assert_fixed(naive_plan(), "DATA-MEDIA-IN-DB", "db", "error")  # 400 KB objects; the disk overflows
    assert p.after["db"].storage_replicated < p.before["db"].storage_replicated / 10
    assert any(c.kind == "storage.s3" for c in p.plan.components)
    assert findings_of(template("photo_sharing"), "DATA-MEDIA-IN-DB") == []  # its images table holds link rows


def test_search_on_the_database_gets_an_event_fed_index():
    plan = template("video_streaming")  # GET /v1/search is 20 % of the API's reads and ends on Postgres
    finding = findings_of(plan, "DATA-SEARCH-RDBMS", "api")[0]
    p = preview(plan, finding)
    kinds = {c.kind for c in p.plan.components} - {c.kind for c in plan.components}
    assert {"search.elasticsearch", "pubsub.kafka"} <= kinds
    assert p.after["replica"].reads_peak == pytest.approx(p.before["replica"].reads_peak * 0.8)
    assert p.resolved and not p.new_critical
    assert p.after.clients["apps"].write_latency == pytest.approx(p.before.clients["apps"].write_latency, rel=0.05)
    assert findings_of(template("ecommerce_search"), "DATA-SEARCH-RDBMS") == []


def test_media_replicas_and_disks_quieter_rules():
    plan = set_param(template("three_tier"), "db", fill_ratio=0.98)
    p = assert_fixed(plan, "DATA-DISK-FULL", "db")
    assert p.plan.component("db").params["fill_ratio"] == 0.75
    plan = template("three_tier")
    edit.remove_link(plan, "db-to-replica")
    assert_fixed(plan, "DATA-REPLICA-UNFED", "replica")


# ------------------------------------------------------------------------------------------ NET

def test_cdn_in_front_of_media_served_from_the_origin():
    plan = template("video_streaming")
    edit.remove_component(plan, "cdn")
    for client in ("apps", "web"):
        edit.add_link(plan, edit.new_link(plan, client, "renditions", classes=["media_read"]))
    p = assert_fixed(plan, "NET-EGRESS-CDN", "renditions", "warning")
    assert p.after["renditions"].bandwidth_out < p.before["renditions"].bandwidth_out


# ------------------------------------------------------------------------------------------ OPS

def test_health_missing_is_a_warning_with_a_target():
    plan = template("three_tier")
    edit.remove_component(plan, "health")
    set_budgets(plan, min_availability=0.999)
    p = assert_fixed(plan, "OPS-HEALTH-MISSING", None, "warning")
    assert p.after.totals.availability > p.before.totals.availability
    assert findings_of(template("three_tier"), "OPS-HEALTH-MISSING") == []


def test_slow_detection():
    plan = set_param(template("monitoring"), "health", interval_s=300, misses=3)
    p = assert_fixed(plan, "OPS-DETECT-SLOW", "health", "warning")
    assert p.after["health"].details["detection_time"] <= 65  # 30 s x 2 + its 5 s timeout


def test_failed_payments_notify_nobody():
    plan = template("payment_flow")
    for cid in ("notifier", "email", "slack", "ticket", "events"):
        edit.remove_component(plan, cid)
    p = assert_fixed(plan, "OPS-NOTIFY-FAILED", "stripe", "error")
    added = {c.kind for c in p.plan.components} - {c.kind for c in plan.components}
    assert {"queue.sqs", "compute.worker"} <= added
    assert findings_of(template("payment_flow"), "OPS-NOTIFY-FAILED") == []


# ------------------------------------------------------------------------------------------ FLOW

def test_sync_chain_to_an_email_provider():
    plan = template("mvp_monolith")
    edit.remove_component(plan, "queue")
    edit.remove_component(plan, "worker")
    edit.add_link(plan, edit.new_link(plan, "app", "email", classes=["write"], fanout=0.2))
    set_budgets(plan, min_availability=0.9999)
    p = assert_fixed(plan, "FLOW-SYNC-CHAIN", "email", "warning")
    assert p.after.clients["web"].availability > p.before.clients["web"].availability


def test_queue_lag_with_too_few_consumers():
    plan = set_component(template("video_streaming"), "transcoders", instances=10)
    p = assert_fixed(plan, "FLOW-QUEUE-LAG", "jobs", "error")
    assert p.plan.component("transcoders").instances > 10
    assert findings_of(template("video_streaming"), "FLOW-QUEUE-LAG") == []


def test_queue_without_consumer():
    plan = template("mvp_monolith")
    edit.remove_component(plan, "worker")
    assert_fixed(plan, "FLOW-QUEUE-NO-CONSUMER", "queue", "warning")


def test_retry_storm():
    plan = set_param(template("payment_flow"), "stripe", retries=5, retry_budget=0, backoff_jitter=0)
    p = assert_fixed(plan, "FLOW-RETRY-STORM", "stripe", "error")
    assert p.plan.component("stripe").params["retry_budget"] == 0.1


def test_payment_idempotency():
    plan = set_param(template("payment_flow"), "stripe", idempotency=0)
    edit.remove_component(plan, "idem")
    p = assert_fixed(plan, "FLOW-PAY-IDEMPOTENCY", "stripe", "error")
    assert any(c.name == "Idempotency keys" for c in p.plan.components)


def test_p99_over_the_latency_target():
    plan = template("payment_flow")
    set_budgets(plan, max_write_p99=0.3, max_read_p99=0.3)
    found = findings_of(plan, "FLOW-P99")
    assert found and {f.component for f in found} <= {"web", "mobile"}
    b = PlanBuilder().add("web", "client.web").add("svc", "service.python", instances=6).link("web", "svc")
    set_budgets(b.plan, max_read_p99=0.139)  # at 92 % busy, queueing adds ~2 ms to the 138 ms tail
    p = assert_fixed(b.plan, "FLOW-P99", "web")
    assert p.plan.component("svc").instances > 6


# ------------------------------------------------------------------------------------------ ARCH, COST, SLO

def test_split_a_monolith_whose_database_is_over():
    found = findings_of(template("mvp_monolith"), "ARCH-SPLIT", "app", multiplier=30)
    assert found and found[0].severity == "warning"
    assert findings_of(template("mvp_monolith"), "ARCH-SPLIT") == []
    assert findings_of(template("chat"), "ARCH-SPLIT") == []  # a large fleet serving one resource is not a monolith


def test_merge_services_too_small_to_pay():
    assert findings_of(template("microservices"), "ARCH-MERGE")
    assert findings_of(template("mvp_monolith"), "ARCH-MERGE") == []


def test_cost_notes():
    assert findings_of(template("video_streaming"), "COST-TOP-SHARE", "cdn")
    assert findings_of(template("video_streaming"), "COST-EGRESS-TIERS")
    assert findings_of(template("three_tier"), "COST-EGRESS-TIERS") == []
    assert findings_of(template("twitter_timeline"), "COST-STORAGE-BOUND", "tweets")[0].severity == "warning"
    assert findings_of(template("three_tier"), "COST-COMMIT")


def test_cache_that_does_not_pay():
    plan = set_param(template("three_tier"), "cache", hit_ratio=0.3)
    p = assert_fixed(plan, "COST-CACHE-VS-DB", "cache", "info")
    assert "cache" not in {c.id for c in p.plan.components}
    assert findings_of(template("three_tier"), "COST-CACHE-VS-DB") == []


def test_availability_budget():
    plan = set_component(template("three_tier"), "app", instances=1, redundancy="none")
    assert findings_of(plan, "SLO-AVAIL-BUDGET") == []
    set_budgets(plan, min_availability=0.9995)
    p = assert_fixed(plan, "SLO-AVAIL-BUDGET", "web")
    assert p.after.totals.availability > 0.9995


def test_availability_budget_says_when_managed_slas_cap_it():
    plan = template("microservices")  # an API gateway at 99.95 % and a CDN at 99.9 % in series
    set_budgets(plan, min_availability=0.9999)
    assert "managed services it needs allow at most" in findings_of(plan, "SLO-AVAIL-BUDGET")[0].message


def test_every_rule_is_exercised_here():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    untested = [rule for rule in RULES if rule not in source and not rule.startswith("MODEL-")
                and rule not in ("DATA-REPLICA-IDLE", "DATA-REPLICA-REPLAY", "DATA-CACHE-NO-READS", "DATA-MANY-NODES")]
    assert untested == []
