"""Terraform skeleton: parsed back with python-hcl2; resources per kind, counts sized from the plan."""

from __future__ import annotations

import re

import hcl2
import pytest
from iac_pdf_plans import builtin_templates, computed, full_plan, realistic_plan

from archplan.exports import ExportError, export
from archplan.planner.model import Plan


@pytest.fixture(scope="module")
def full():
    return computed(full_plan())


@pytest.fixture(scope="module")
def parsed(full, tmp_path_factory):
    plan, result = full
    out = export(plan, result, "terraform", tmp_path_factory.mktemp("tf") / "main.tf")
    return hcl2.loads(out.read_text(encoding="utf-8"))


def resources(doc) -> dict[str, dict[str, dict]]:
    """{type: {name: body}} from hcl2's list-of-blocks form (names unquoted)."""
    out: dict[str, dict[str, dict]] = {}
    for block in doc.get("resource", []):
        for rtype, named in block.items():
            for name, body in named.items():
                bucket = out.setdefault(rtype.strip('"'), {})
                assert name.strip('"') not in bucket, f"duplicate resource {rtype}.{name}"
                bucket[name.strip('"')] = body
    return out


def variables(doc) -> dict[str, dict]:
    return {name.strip('"'): body for block in doc.get("variable", []) for name, body in block.items()}


def var_default(doc, expression: str):
    """The default of the variable an attribute refers to (``${var.x}``)."""
    match = re.fullmatch(r"\$\{var\.([A-Za-z0-9_-]+)\}", str(expression))
    assert match, f"not a variable reference: {expression!r}"
    return variables(doc)[match.group(1)]["default"]


def tag_name(body) -> str:
    return body["tags"]["Name"].strip('"')


def by_name(res: dict[str, dict], name: str) -> dict:
    found = [body for body in res.values() if tag_name(body) == name]
    assert len(found) == 1, f"{name}: {len(found)} resources"
    return found[0]


def component(plan, name):
    return next(c for c in plan.components if c.name == name)


def test_provider_and_region(parsed):
    assert parsed["terraform"][0]["required_providers"][0]["aws"]["source"] == '"hashicorp/aws"'
    assert parsed["provider"][0]['"aws"']["region"] == "${var.region}"
    assert variables(parsed)["region"]["default"] == '"us-east-1"'


def test_services_and_workers_are_autoscaling_groups_sized_from_the_plan(full, parsed):
    plan, result = full
    groups = resources(parsed)["aws_autoscaling_group"]
    for name in ("API", "Worker", "Metrics"):
        body = next(b for b in groups.values() if any(t["value"] == f'"{name}"' for t in b["tag"]))
        expected = result[component(plan, name).id].count
        assert var_default(parsed, body["desired_capacity"]) == expected
        assert var_default(parsed, body["min_size"]) == expected
    api = next(b for b in groups.values() if any(t["value"] == '"API"' for t in b["tag"]))
    assert api["target_group_arns"], "the API behind the load balancer joins its target group"


def test_load_balancer_listener_and_target_group(parsed):
    res = resources(parsed)
    assert len(res["aws_lb"]) == 1 and len(res["aws_lb_listener"]) == 2 and len(res["aws_lb_target_group"]) == 1
    ident = next(iter(res["aws_lb"]))
    https = res["aws_lb_listener"][ident]
    assert https["load_balancer_arn"] == f"${{aws_lb.{ident}.arn}}"
    assert https["protocol"] == '"HTTPS"' and https["certificate_arn"] == "${var.certificate_arn}"
    redirect = res["aws_lb_listener"][f"{ident}_http"]
    assert redirect["protocol"] == '"HTTP"' and redirect["default_action"][0]["type"] == '"redirect"'


def test_database_primary_and_read_replicas(full, parsed):
    plan, result = full
    dbs = resources(parsed)["aws_db_instance"]
    primary_ident, primary = next((k, b) for k, b in dbs.items() if tag_name(b) == "Primary")
    replica = by_name(dbs, "Replica")
    assert var_default(parsed, replica["count"]) == result[component(plan, "Replica").id].count == 3
    assert replica["replicate_source_db"] == f"${{aws_db_instance.{primary_ident}.identifier}}"
    assert primary["engine"] == '"postgres"'
    assert var_default(parsed, primary["allocated_storage"]) >= \
        result[component(plan, "Primary").id].storage_total / 1e9


def test_caches(full, parsed):
    plan, result = full
    res = resources(parsed)
    redis = by_name(res["aws_elasticache_replication_group"], "Redis")
    r = result[component(plan, "Redis").id]
    shards = var_default(parsed, redis["num_node_groups"])
    replicas = var_default(parsed, redis["replicas_per_node_group"])
    assert shards == r.needed and shards * (1 + replicas) >= r.count
    memcached = by_name(res["aws_elasticache_cluster"], "Memcached")
    assert var_default(parsed, memcached["num_cache_nodes"]) == result[component(plan, "Memcached").id].count


def test_data_and_messaging_kinds(full, parsed):
    plan, result = full
    res = resources(parsed)
    search = by_name(res["aws_opensearch_domain"], "Search")
    assert var_default(parsed, search["cluster_config"][0]["instance_count"]) == result[
        component(plan, "Search").id].count
    kafka = by_name(res["aws_msk_cluster"], "Events")
    assert var_default(parsed, kafka["number_of_broker_nodes"]) == result[component(plan, "Events").id].count
    assert by_name(res["aws_sqs_queue"], "Jobs")["message_retention_seconds"] == 7 * 86_400
    assert by_name(res["aws_dynamodb_table"], "Sessions")["billing_mode"] == '"PAY_PER_REQUEST"'
    assert by_name(res["aws_sns_topic"], "E-mail")
    assert by_name(res["aws_s3_bucket"], "Objects")
    assert by_name(res["aws_mq_broker"], "Rabbit")["engine_type"] == '"RabbitMQ"'
    assert by_name(res["aws_docdb_cluster"], "Documents")
    cdn = by_name(res["aws_cloudfront_distribution"], "CDN")
    assert "aws_s3_bucket" in cdn["origin"][0]["domain_name"]
    assert res["aws_route53_zone"] and res["aws_route53_record"]
    assert res["aws_api_gateway_rest_api"]


def test_health_checks_become_alarms_with_the_plans_interval_and_misses(full, parsed):
    plan, _result = full
    health = component(plan, "Health")
    alarms = resources(parsed)["aws_cloudwatch_metric_alarm"]
    # health links: one to the "App tier" group (API, Worker) and one to the primary
    assert {tag_name(a) for a in alarms.values()} == {"API", "Worker", "Primary"}
    for alarm in alarms.values():
        assert alarm["period"] == health.param("interval_s") == 20
        assert alarm["evaluation_periods"] == health.param("misses") == 3
        assert alarm["treat_missing_data"] == '"breaching"'
        topic = next(iter(resources(parsed)["aws_sns_topic"]))
        assert alarm["alarm_actions"] == [f"${{aws_sns_topic.{topic}.arn}}"]


def test_comments_show_the_figures_behind_the_size(tmp_path):
    plan, result = computed(realistic_plan())
    text = export(plan, result, "terraform", tmp_path / "main.tf").read_text(encoding="utf-8")
    api = result[component(plan, "API service").id]
    assert re.search(rf"# {api.needed} instance\(s\): peak [\d.]+K? QPS / \(400 QPS x 70\.0 %\)", text)
    assert "Health check probes API service every 30 s; down after 2 missed heartbeat(s)" in text


def test_replica_without_a_primary_asks_for_its_source(tmp_path):
    from iac_pdf_plans import Builder

    plan = Plan(name="Lonely replica")
    b = Builder(plan)
    web = b.add("client.web", "Web")
    replica = b.add("db.mysql_replica", "Replica")
    b.link(web, replica)
    plan, result = computed(plan)
    doc = hcl2.loads(export(plan, result, "terraform", tmp_path / "main.tf").read_text(encoding="utf-8"))
    replica_body = by_name(resources(doc)["aws_db_instance"], "Replica")
    assert replica_body["replicate_source_db"].startswith("${var.")
    assert "default" not in variables(doc)[replica_body["replicate_source_db"][6:-1]]


def test_written_files_are_shareable(tmp_path):
    import os

    plan, result = computed(realistic_plan())
    mask = os.umask(0o022)
    os.umask(mask)
    for fmt in ("terraform", "compose", "kubernetes"):
        out = export(plan, result, fmt, tmp_path / f"out.{fmt}")
        assert out.stat().st_mode & 0o777 == 0o666 & ~mask, fmt


def test_empty_plan_is_a_user_error(tmp_path):
    plan, result = computed(Plan(name="Empty"))
    with pytest.raises(ExportError, match="no components"):
        export(plan, result, "terraform", tmp_path / "main.tf")


@pytest.mark.parametrize("template", builtin_templates(), ids=lambda p: p.stem)
def test_every_builtin_template_gives_parseable_terraform(template, tmp_path):
    from archplan.planner.io import load_plan

    plan, result = computed(load_plan(template))
    doc = hcl2.loads(export(plan, result, "terraform", tmp_path / "main.tf").read_text(encoding="utf-8"))
    tagged = {tag_name(body) for named in resources(doc).values() for body in named.values() if "tags" in body}
    tagged |= {t["value"].strip('"') for body in resources(doc).get("aws_autoscaling_group", {}).values()
               for t in body["tag"] if t["key"] == '"Name"'}
    provisioned = [c for c in plan.components
                   if not c.kind.startswith(("client.", "ext.", "obs.healthcheck"))]
    assert {c.name for c in provisioned} <= tagged
