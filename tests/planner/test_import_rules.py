"""Import mapping rules: images, names, charts and resource types -> catalog kinds; link kinds;
Terraform counts and the safe expression evaluator."""

from __future__ import annotations

import pytest

from archplan.planner.catalog import default_catalog
from archplan.planner.importers.kinds import (
    GENERIC_KIND,
    KEYWORD_RULES,
    consumes,
    image_kind,
    label_kind,
    link_kind,
    name_kind,
    refine_replica,
)
from archplan.planner.importers.links import hosts_in, resolve_host
from archplan.planner.importers.tf_expr import UNKNOWN, Scope, evaluate, single_var_number
from archplan.planner.importers.tf_kinds import RESOURCE_KINDS, SUPPORTING, resource_kind, stated_instances


@pytest.mark.parametrize(("image", "kind"), [
    ("postgres:16", "db.postgres"), ("bitnami/postgresql:16", "db.postgres"), ("postgis/postgis:16-3.4", "db.postgres"),
    ("mysql:8.0", "db.mysql"), ("mariadb:11", "db.mysql"), ("citusdata/citus:12", "db.sharded_sql"),
    ("redis:7.2-alpine", "cache.redis"), ("valkey/valkey:8", "cache.redis"), ("memcached:1.6", "cache.memcached"),
    ("rabbitmq:3-management", "queue.rabbitmq"), ("softwaremill/elasticmq-native", "queue.sqs"),
    ("apache/kafka:3.8.0", "pubsub.kafka"), ("confluentinc/cp-kafka:7.6", "pubsub.kafka"),
    ("nats:2.10", "pubsub.kafka"), ("redpandadata/redpanda:v24", "pubsub.kafka"),
    ("docker.elastic.co/elasticsearch/elasticsearch:8.14", "search.elasticsearch"),
    ("opensearchproject/opensearch:2", "search.elasticsearch"), ("nginx:1.27", "lb.nginx"),
    ("traefik:v3.1", "lb.nginx"),
    ("envoyproxy/envoy:v1.30", "lb.nginx"), ("haproxy:2.9", "lb.haproxy"), ("kong:3.6", "gateway.api"),
    ("minio/minio:latest", "storage.s3"), ("mongo:7", "doc.mongodb"), ("cassandra:5", "wide.cassandra"),
    ("scylladb/scylla:6", "wide.cassandra"), ("neo4j:5", "graph.neo4j"), ("amazon/dynamodb-local", "kv.dynamodb"),
    ("prom/prometheus:v2.53.0", "obs.prometheus"), ("prom/blackbox-exporter", "obs.healthcheck"),
    ("axllent/mailpit", "notify.email"), ("node:22-slim", "service.node"), ("python:3.12-slim", "service.python"),
    ("golang:1.22", "service.go"), ("eclipse-temurin:21", "service.go"),
])
def test_images_map_to_kinds(image, kind):
    found, reason, known = image_kind(image)
    assert (found, known) == (kind, True)
    assert image in reason


def test_unknown_image_is_a_generic_service_and_says_so():
    kind, reason, known = image_kind("ghcr.io/acme/storefront:2.3.0", "storefront")
    assert (kind, known) == (GENERIC_KIND, False)
    assert "unknown image" in reason


def test_a_runtime_image_is_judged_by_its_name_then_its_command():
    assert image_kind("python:3.12", "worker")[0] == "compute.worker"
    assert image_kind("acme/app:1", "app", "celery -A shop worker")[0] == "compute.worker"
    # options such as --workers say nothing about what the container is
    assert image_kind("acme/app:1", "api", "gunicorn app.wsgi --workers 4")[0] == "service.python"


@pytest.mark.parametrize("name", ["db-replica", "orders-read", "pg-standby", "mysql-slave", "db_follower"])
def test_replica_names_make_sql_primaries_replicas(name):
    assert refine_replica("db.postgres", name) == "db.postgres_replica"
    assert refine_replica("db.mysql", name) == "db.mysql_replica"
    assert refine_replica("cache.redis", name) == "cache.redis"
    assert image_kind("bitnami/postgresql:16", name)[0] == "db.postgres_replica"


def test_names_and_labels():
    assert name_kind("Catalog DB (PostgreSQL)")[0] == "db.postgres"
    assert name_kind("Search API")[0] == GENERIC_KIND
    assert name_kind("Kafka: order events")[0] == "pubsub.kafka"
    assert name_kind("Zorblax") == (GENERIC_KIND, "no rule matched", False)
    assert name_kind("Zorblax", default="ext.api")[0] == "ext.api"


def test_every_catalog_label_maps_back_to_its_kind():
    for kind in default_catalog():
        assert label_kind(kind.label) == kind.id
    assert label_kind("Not a label") is None


def test_every_rule_names_a_catalog_kind():
    catalog = default_catalog()
    assert all(kind in catalog for _pattern, kind in KEYWORD_RULES)
    assert all(kind in catalog for kind in RESOURCE_KINDS.values())


@pytest.mark.parametrize(("source", "target", "kind"), [
    ("service.go", "db.postgres", "request"), ("db.postgres", "db.postgres_replica", "replication"),
    ("obs.healthcheck", "service.go", "health"), ("pubsub.kafka", "search.elasticsearch", "event"),
    ("service.go", "queue.sqs", "async"), ("queue.sqs", "compute.worker", "async"),
    ("storage.s3", "storage.s3", "replication"), ("cache.redis", "cache.redis", "request"),
])
def test_link_kinds(source, target, kind):
    assert link_kind(source, target) == kind


def test_consumers_of_queues():
    assert consumes("compute.worker") and consumes("search.elasticsearch")
    assert consumes("service.go", "order-events-consumer")
    assert not consumes("service.go", "orders")


def test_hosts_in_settings():
    assert hosts_in("postgres://shop:secret@db:5432/shop") == ["db"]
    assert hosts_in("redis://cache:6379/0") == ["cache"]
    assert hosts_in("kafka-1:9092,kafka-2:9092") == ["kafka-1", "kafka-2"]
    assert hosts_in("cache") == ["cache"]
    assert hosts_in("PLAINTEXT://:9092") == []
    assert hosts_in("hello world") == []
    names = {"db": "A", "shop/db": "A", "shop/api": "B"}
    assert resolve_host("db.shop.svc.cluster.local", names) == "A"
    assert resolve_host("api.shop", names) == "B"
    assert resolve_host("api", names, "shop") == "B"
    assert resolve_host("elsewhere", names) is None


# ------------------------------------------------------------------------------------------ Terraform

def scope(**variables):
    return Scope(variables, {"twice": "${var.n * 2}", "loop": "${local.loop}"})


@pytest.mark.parametrize(("expr", "value"), [
    ("${var.n}", 3), ("${var.n * 3 + 1}", 10), ("${length(var.azs)}", 2), ("${local.twice}", 6),
    ("${var.n > 1 ? 2 : 1}", 2), ("${max(var.n, 5)}", 5), ("${min(var.n, 5)}", 3),
    ('${toset(["a", "b", "a"])}', ["a", "b"]),
    ("${keys(var.m)}", ["x", "y"]), ("${var.azs[1]}", "b"), ("${var.m.y}", 2), ("${ceil(var.n / 2)}", 2),
    ("${-var.n}", -3), ("${(var.n + 1) % 3}", 1), (7, 7), ("plain", "plain"),
])
def test_expressions(expr, value):
    assert evaluate(expr, scope(n=3, azs=["a", "b"], m={"x": 1, "y": 2})) == value


@pytest.mark.parametrize("expr", ["${aws_instance.web.id}", "${local.loop}", "${var.missing}", "${data.x.y}",
                                  "${unknownfn(1)}", "${var.n +}", "${" + "(" * 100 + "1" + ")" * 100 + "}",
                                  "${1 / 0}", "web-${var.n}"])
def test_expressions_it_cannot_know_are_unknown(expr):
    assert evaluate(expr, scope(n=3)) is UNKNOWN


def test_single_var_number():
    assert single_var_number("${var.db_count > 1}", scope(db_count=3)) == 3
    assert single_var_number("${var.a > var.b}", scope(a=1, b=2)) is UNKNOWN


@pytest.mark.parametrize(("rtype", "body", "kind"), [
    ("aws_db_instance", {"engine": "mysql"}, "db.mysql"),
    ("aws_db_instance", {"engine": "postgres"}, "db.postgres"),
    ("aws_db_instance", {"replicate_source_db": "${aws_db_instance.main.identifier}"}, "db.postgres_replica"),
    ("aws_rds_cluster", {"engine": "aurora-mysql"}, "db.mysql"),
    ("google_sql_database_instance", {"database_version": "POSTGRES_15"}, "db.postgres"),
    ("aws_elasticache_cluster", {"engine": "memcached"}, "cache.memcached"),
    ("aws_elasticache_replication_group", {}, "cache.redis"),
    ("aws_lb", {}, "lb.alb"), ("aws_sqs_queue", {}, "queue.sqs"), ("aws_msk_cluster", {}, "pubsub.kafka"),
    ("aws_cloudfront_distribution", {}, "cdn.cloudfront"), ("aws_s3_bucket", {}, "storage.s3"),
    ("aws_lambda_function", {"runtime": "python3.12"}, "service.python"),
    ("aws_lambda_function", {"runtime": "nodejs20.x"}, "service.node"),
    ("azurerm_redis_cache", {}, "cache.redis"), ("google_pubsub_topic", {}, "pubsub.kafka"),
    ("aws_opensearch_domain", {}, "search.elasticsearch"), ("aws_dynamodb_table", {}, "kv.dynamodb"),
])
def test_resource_types(rtype, body, kind):
    assert resource_kind(rtype, body, "x", scope())[0] == kind


def test_unknown_resource_type_is_generic():
    kind, reason, known = resource_kind("aws_appsync_graphql_api", {}, "partner", scope())
    assert (kind, known) == (GENERIC_KIND, False) and "aws_appsync_graphql_api" in reason


@pytest.mark.parametrize("rtype", ["aws_iam_role", "aws_vpc", "aws_subnet", "aws_security_group", "random_id",
                                   "google_compute_network", "azurerm_resource_group", "aws_cloudwatch_metric_alarm"])
def test_supporting_resources_are_not_components(rtype):
    assert SUPPORTING.match(rtype)


@pytest.mark.parametrize(("rtype", "body", "count"), [
    ("aws_autoscaling_group", {"desired_capacity": "${var.n}"}, 3),
    ("aws_autoscaling_group", {"min_size": 2}, 2),
    ("aws_ecs_service", {"desired_count": 5}, 5),
    ("aws_msk_cluster", {"number_of_broker_nodes": 6}, 6),
    ("aws_elasticache_replication_group", {"num_cache_clusters": 3}, 3),
    ("aws_elasticache_replication_group", {"num_node_groups": 2, "replicas_per_node_group": 2}, 6),
    ("aws_opensearch_domain", {"cluster_config": [{"instance_count": 4}]}, 4),
    ("aws_db_instance", {"multi_az": True}, 2), ("aws_db_instance", {"multi_az": False}, 1),
    ("aws_db_instance", {"multi_az": "${var.n > 1}"}, 3),
    ("aws_mq_broker", {"deployment_mode": "CLUSTER_MULTI_AZ"}, 3),
    ("google_redis_instance", {"replica_count": 2}, 3),
    ("azurerm_linux_virtual_machine_scale_set", {"instances": 7}, 7),
    ("aws_sqs_queue", {}, None),
])
def test_stated_instances(rtype, body, count):
    assert stated_instances(rtype, body, scope(n=3)) == count
