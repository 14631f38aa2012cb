"""Importers on realistic samples (tests/data/import/): compose, Kubernetes, Terraform, draw.io, Mermaid.

Each test checks what the format's rules promise: kinds, pinned instances, links (with their kind and
direction), groups, entry points, notes for what is unknown, and that the plan computes."""

from __future__ import annotations

import base64
import shutil
import urllib.parse
import zlib
from pathlib import Path

import pytest

from archplan.planner.engine import compute
from archplan.planner.importers import guess_format, import_path
from archplan.planner.model import Plan

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def by_name(plan: Plan) -> dict:
    return {c.name: c for c in plan.components}


def links(plan: Plan) -> set[tuple[str, str, str]]:
    names = {c.id: c.name for c in plan.components}
    return {(names[lk.source], names[lk.target], lk.kind) for lk in plan.links}


def group_of(plan: Plan, name: str) -> str | None:
    comp = by_name(plan)[name]
    return plan.group(comp.group).name if comp.group else None


# ------------------------------------------------------------------------------------------ compose

@pytest.fixture(scope="module")
def shop():
    return import_path(DATA / "compose")


def test_compose_services_become_components_of_their_kinds(shop):
    comps = by_name(shop.plan)
    expected = {"proxy": "lb.nginx", "api": "service.python", "worker": "compute.worker", "indexer": "compute.worker",
                "db": "db.postgres", "db-replica": "db.postgres_replica", "cache": "cache.redis",
                "rabbitmq": "queue.rabbitmq", "search": "search.elasticsearch", "objects": "storage.s3",
                "mail": "notify.email", "prometheus": "obs.prometheus", "blackbox": "obs.healthcheck",
                "storefront": "service.go", "orders": "service.go"}
    assert {n: comps[n].kind for n in expected} == expected
    assert len([c for c in shop.plan.components if c.kind != "client.web"]) >= 8


def test_compose_replicas_are_pinned_and_override_files_merge(shop):
    comps = by_name(shop.plan)
    assert comps["api"].instances == 3 and comps["worker"].instances == 4 and comps["db-replica"].instances == 2
    assert comps["storefront"].instances == 1          # compose.override.yaml lowers it from 2
    assert comps["db"].instances == "auto"              # nothing stated: the engine sizes it


def test_compose_links_from_depends_on_and_environment(shop):
    got = links(shop.plan)
    assert ("proxy", "storefront", "request") in got and ("proxy", "api", "request") in got  # depends_on
    assert ("storefront", "api", "request") in got                                            # API_URL
    assert ("api", "db-replica", "request") in got and ("api", "search", "request") in got     # env URLs
    assert ("api", "objects", "request") in got
    assert ("db", "db-replica", "replication") in got        # the replica depends on its primary
    assert ("rabbitmq", "worker", "async") in got            # a worker consumes its queue
    assert ("api", "rabbitmq", "async") in got               # a service produces into it
    assert ("worker", "mail", "request") in got              # SMTP_HOST=mail (a bare host name)
    assert ("blackbox", "api", "health") in got              # the prober watches what it depends on
    assert ("indexer", "db-replica", "request") in got


def test_compose_networks_become_groups_and_ports_entry_points(shop):
    assert {g.name for g in shop.plan.groups} == {"frontend", "backend"}
    assert group_of(shop.plan, "proxy") == "frontend" and group_of(shop.plan, "db") == "backend"
    assert "Also on the networks backend" in by_name(shop.plan)["api"].notes
    users = by_name(shop.plan)["Users"]
    assert users.kind == "client.web"
    assert {t for s, t, _k in links(shop.plan) if s == "Users"} == {"proxy", "api"}  # published ports


def test_compose_summary_says_what_is_unknown(shop):
    summary = shop.summary
    assert set(summary.generic) == {"service storefront", "service orders"}
    assert "unknown image ghcr.io/acme/storefront:2.3.0" in {r.rule for r in summary.rows}
    assert "Unknown image ghcr.io/acme/storefront" in by_name(shop.plan)["storefront"].notes
    assert "2 unknown" in summary.headline()
    result = compute(shop.plan)
    assert result.components and result.totals.entry_qps_peak > 0


def test_compose_include_is_read(shop):
    assert "prometheus" in by_name(shop.plan)  # from compose.monitoring.yaml


def test_compose_links_survive_without_depends_on(tmp_path):
    """Peers lose depends_on; here a stack with only depends_on keeps every edge."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    depends_on: [app]\n  app:\n    image: python:3.12\n"
        "    depends_on: {db: {condition: service_healthy}, cache: {condition: service_started}}\n"
        "  db:\n    image: postgres:16\n  cache:\n    image: memcached\n", encoding="utf-8")
    got = links(import_path(tmp_path).plan)
    assert got == {("web", "app", "request"), ("app", "db", "request"), ("app", "cache", "request")}


# ------------------------------------------------------------------------------------------ Kubernetes

@pytest.fixture(scope="module")
def cluster():
    return import_path(DATA / "kubernetes")


def test_kubernetes_workloads(cluster):
    comps = by_name(cluster.plan)
    assert comps["storefront"].kind == "service.node"          # node:20 main container, sidecar ignored
    assert comps["api"].kind == "service.python"               # gunicorn in args
    assert comps["order-events-consumer"].kind == "compute.worker"
    assert comps["nightly-report"].kind == "compute.worker"    # a CronJob
    assert comps["redis"].kind == "cache.redis"
    assert comps["events"].kind == "pubsub.kafka" and comps["events"].instances == 3  # Strimzi Kafka
    assert comps["email-relay"].kind == "notify.email"         # ExternalName service
    assert comps["shop"].kind == "lb.nginx"                    # Ingress of class nginx


def test_kubernetes_replicas_and_hpa(cluster):
    comps = by_name(cluster.plan)
    assert comps["storefront"].instances == 3
    assert comps["api"].instances == 4                         # no replicas: the HPA's minReplicas
    assert "4 to 20 pods" in comps["api"].notes


def test_kubernetes_sql_statefulset_splits_into_primary_and_replicas(cluster):
    comps = by_name(cluster.plan)
    assert comps["postgres"].kind == "db.postgres" and comps["postgres"].instances == 1
    assert comps["postgres replicas"].kind == "db.postgres_replica" and comps["postgres replicas"].instances == 2
    assert ("postgres", "postgres replicas", "replication") in links(cluster.plan)


def test_kubernetes_links(cluster):
    got = links(cluster.plan)
    assert {("shop", "storefront", "request"), ("shop", "api", "request")} <= got        # Ingress backends
    assert ("storefront", "api", "request") in got                                         # api.shop.svc
    assert ("api", "postgres", "request") in got                                           # envFrom ConfigMap, FQDN
    assert ("api", "postgres replicas", "request") in got                                  # the "-read" Service
    assert ("api", "redis", "request") in got and ("api", "events", "async") in got       # Strimzi bootstrap
    assert ("events", "order-events-consumer", "async") in got
    assert ("Users", "shop", "request") in got


def test_kubernetes_namespace_is_a_group_and_non_components_listed(cluster):
    assert [g.name for g in cluster.plan.groups] == ["shop"]
    assert all(group_of(cluster.plan, c.name) == "shop" for c in cluster.plan.components if c.name != "Users")
    assert {"Secret db-credentials", "PodDisruptionBudget api", "Namespace shop"} <= set(cluster.summary.skipped)
    compute(cluster.plan)


def test_kubernetes_unknown_custom_resource_is_noted_not_fatal(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Frobnicator\nmetadata: {name: f}\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  template:\n"
        "    spec: {containers: [{name: web, image: nginx:1.27}]}\n", encoding="utf-8")
    imported = import_path(tmp_path, "kubernetes")
    assert [c.name for c in imported.plan.components] == ["web"]
    assert any("unknown resource kind Frobnicator" in n for n in imported.summary.notes)


# ------------------------------------------------------------------------------------------ Terraform

@pytest.fixture(scope="module")
def infra():
    return import_path(DATA / "terraform")


def test_terraform_resources_modules_and_counts(infra):
    comps = by_name(infra.plan)
    assert comps["worker"].kind == "compute.worker" and comps["worker"].instances == 3       # count = tfvars 3
    assert comps["shop-app"].kind == "service.go" and comps["shop-app"].instances == 4       # module input <- tfvars
    assert comps["sessions"].kind == "cache.redis" and comps["sessions"].instances == 4      # 2 shards x (1 + 1)
    assert comps["media"].kind == "storage.s3" and comps["media"].instances == 2             # for_each over a set
    assert comps["orders-db"].kind == "db.postgres" and comps["orders-db"].instances == 2    # Multi-AZ standby
    assert comps["orders-db-replica"].kind == "db.postgres_replica"
    assert comps["orders-db-replica"].instances == 2                                          # count in the module
    assert comps["web"].kind == "lb.alb"
    assert comps["cdn"].kind == "cdn.cloudfront" and comps["shop"].kind == "dns.route53"


def test_terraform_remote_module_is_one_component_with_a_note(infra):
    events = by_name(infra.plan)["events"]
    assert events.kind == "queue.sqs"
    assert "Remote module terraform-aws-modules/sqs/aws version ~> 4.0: not read" in events.notes


def test_terraform_links_from_references_and_security_groups(infra):
    got = links(infra.plan)
    assert ("web", "shop-app", "request") in got              # target_group_arns: the LB calls the group
    assert ("orders-db", "orders-db-replica", "replication") in got
    assert ("cdn", "web", "request") in got                   # origin = module.web output
    assert ("shop", "cdn", "request") in got                  # a record of the zone aliases the CDN
    assert ("worker", "orders-db", "request") in got          # module.database output in user_data
    assert ("events", "worker", "async") in got               # a worker consumes the queue it reads
    assert ("worker", "sessions", "request") in got           # security group rule app -> cache
    assert ("Users", "shop", "request") in got and ("Users", "web", "request") not in got  # DNS is in front


def test_terraform_groups_and_zones(infra):
    assert group_of(infra.plan, "shop-app") == "web"
    assert group_of(infra.plan, "orders-db") == "eu-west-1a"
    zone = infra.plan.group(by_name(infra.plan)["orders-db"].group)
    assert zone.kind == "zone" and infra.plan.group(zone.parent).name == "database"


def test_terraform_unknown_and_supporting_resources(infra):
    partner = by_name(infra.plan)["partner"]
    assert "Unknown resource type aws_appsync_graphql_api" in partner.notes
    assert "aws_appsync_graphql_api.partner" in infra.summary.generic
    assert {"aws_security_group.app", "aws_security_group_rule.app_to_cache"} <= set(infra.summary.skipped)
    compute(infra.plan)


def test_terraform_module_count_multiplies_and_single_file(tmp_path):
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text(
        'variable "size" {\n  default = 1\n}\nresource "aws_instance" "node" {\n  count = var.size\n}\n',
        encoding="utf-8")
    (tmp_path / "main.tf").write_text(
        'module "shard" {\n  source = "./mod"\n  count  = 3\n  size   = 2\n}\n', encoding="utf-8")
    imported = import_path(tmp_path / "main.tf")
    node = by_name(imported.plan)["node"]
    assert node.instances == 6
    assert any("created 3 times" in n for n in imported.summary.notes)


def test_terraform_module_without_files_and_empty_graph_refused(tmp_path):
    (tmp_path / "main.tf").write_text('module "x" {\n  source = "./missing"\n}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not a folder"):
        import_path(tmp_path)
    (tmp_path / "main.tf").write_text('variable "x" {\n  default = 1\n}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="found nothing to import"):
        import_path(tmp_path)


# ------------------------------------------------------------------------------------------ draw.io

@pytest.fixture(scope="module")
def payments():
    return import_path(DATA / "diagrams" / "payments.drawio")


def test_drawio_shapes_and_icons(payments):
    comps = by_name(payments.plan)
    assert comps["Customers"].kind == "client.web"             # an actor
    assert comps["Public ALB"].kind == "lb.alb"                # AWS icon style
    assert comps["Ledger DB"].kind == "db.postgres"            # "Aurora PostgreSQL" on the second line
    assert comps["Ledger read replica"].kind == "db.postgres_replica"  # a cylinder named like a replica
    assert comps["Idempotency keys"].kind == "cache.redis" and comps["payment-events"].kind == "queue.sqs"
    assert comps["Stripe API"].kind == "ext.payments"
    assert comps["checkout-api"].instances == 6                # "×6" in the label
    assert "Payments platform – as built (Q2)" not in comps    # a text shape is no component


def test_drawio_links_groups_positions_and_cycles(payments):
    got = links(payments.plan)
    assert ("Ledger DB", "Ledger read replica", "replication") in got
    assert ("checkout-api", "payment-events", "async") in got
    assert ("checkout-api", "Fraud scoring (ML)", "request") in got
    assert ("Fraud scoring (ML)", "checkout-api", "async") in got     # the loop closes async
    assert any("closes a loop" in n for n in payments.summary.notes)
    assert any("does not join two components" in n for n in payments.summary.notes)
    assert group_of(payments.plan, "checkout-api") == "Production VPC" and group_of(payments.plan, "Stripe API") is None
    alb = by_name(payments.plan)["Public ALB"]
    assert (alb.position.x, alb.position.y) == (140 + 40 + 39, 80 + 220 + 39)  # as drawn, inside its container
    compute(payments.plan)


def test_drawio_compressed_page(tmp_path):
    text = (DATA / "diagrams" / "payments.drawio").read_text(encoding="utf-8")
    start, end = text.index("<mxGraphModel"), text.index("</mxGraphModel>") + len("</mxGraphModel>")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflate.compress(urllib.parse.quote(text[start:end]).encode()) + deflate.flush()
    compressed = text[:start] + base64.b64encode(packed).decode() + text[end:]
    (tmp_path / "c.drawio").write_text(compressed, encoding="utf-8")
    again = import_path(tmp_path / "c.drawio")
    assert links(again.plan) == links(import_path(DATA / "diagrams" / "payments.drawio").plan)


# ------------------------------------------------------------------------------------------ Mermaid

@pytest.fixture(scope="module")
def catalog():
    return import_path(DATA / "diagrams" / "catalog.mmd")


def test_mermaid_nodes(catalog):
    comps = by_name(catalog.plan)
    assert catalog.plan.name == "Catalog and search (as deployed)"
    assert comps["Shoppers"].kind == "client.web"               # stadium shape
    assert comps["Catalog read replica"].kind == "db.postgres_replica"  # cylinder + replica name
    assert comps["Kafka: catalog-events"].kind == "pubsub.kafka"
    assert comps["Health probe"].kind == "obs.healthcheck"
    assert comps["Catalog service"].instances == 4               # ×4 in the label
    assert comps["Thumbnailer v2"].kind == "service.go" and "matched no rule" in comps["Thumbnailer v2"].notes


def test_mermaid_edges_chains_and_subgraphs(catalog):
    got = links(catalog.plan)
    assert ("Catalog service", "Redis cache", "request") in got
    assert ("Catalog service", "Catalog DB - PostgreSQL", "request") in got  # a & b
    assert ("Catalog DB - PostgreSQL", "Catalog read replica", "replication") in got
    assert ("Catalog service", "Kafka: catalog-events", "event") in got      # == text ==>
    assert ("Health probe", "Catalog service", "health") in got
    assert ("Shoppers", "CloudFront CDN", "request") in got
    assert {g.name for g in catalog.plan.groups} == {"Data tier", "Operations"}
    assert group_of(catalog.plan, "Redis cache") == "Data tier"
    compute(catalog.plan)


# ------------------------------------------------------------------------------------------ formats

@pytest.mark.parametrize(("path", "fmt"), [
    ("compose", "compose"), ("kubernetes", "kubernetes"), ("terraform", "terraform"),
    ("terraform/main.tf", "terraform"), ("diagrams/payments.drawio", "drawio"), ("diagrams/catalog.mmd", "mermaid"),
    ("compose/compose.yaml", "compose"), ("kubernetes/20-api.yaml", "kubernetes"),
])
def test_format_is_guessed(path, fmt):
    assert guess_format(DATA / path) == fmt


def test_import_is_read_only(tmp_path):
    copy = shutil.copytree(DATA, tmp_path / "data")
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    for sub in ("compose", "kubernetes", "terraform", "diagrams/payments.drawio", "diagrams/catalog.mmd"):
        import_path(copy / sub)
    after = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    assert after == before
