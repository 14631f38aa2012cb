"""
What each catalog kind becomes on a container platform (docker-compose, Kubernetes), and the plan
relations every IaC writer needs (who replicates from whom, who is watched by which health check).

A kind is one of:
- a *client* (users' browsers and apps): never deployed;
- *external* (payments, e-mail/SMS providers, third-party APIs) and *edge* (CDN, DNS): bought, not
  run; listed as external dependencies;
- *cloud-managed* (S3, DynamoDB, SQS, ALB, API Gateway): a local compose stack runs a stand-in image,
  a Kubernetes cluster uses the managed service (an Ingress for the ALB / gateway);
- run as containers, from `RUNTIMES`.

Images are real, pinned to a major version where the project publishes one. Application services
use a runnable placeholder (a tiny HTTP server) to be replaced by the team's own image.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archplan.exports.iac import one_line
from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.graph import expand_links
from archplan.planner.model import Component, Plan

PASSWORD = "change-me"  # placeholder credentials in skeletons; the writers say so next to them


@dataclass(frozen=True)
class Runtime:
    """How one instance of a kind runs as a container."""

    image: str
    port: int | None
    stateful: bool = False            # keeps data: named volume / StatefulSet with a claim
    data_path: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    command: tuple[str, ...] = ()
    health: tuple[str, ...] = ()      # compose healthcheck test (CMD / CMD-SHELL form)
    vcpu: float = 4.0                 # the instance class the catalog's per-instance figures assume
    memory_gib: float = 16.0
    autoscale: bool = False           # stateless compute: CPU-driven autoscaling makes sense
    scale_out: bool = False           # identical copies add capacity (stateless, or independent nodes)
    note: str = ""


APP_NOTE = "placeholder image: replace it with the team's own build"
_PY_HTTP = ("python", "-m", "http.server", "8000")
_NODE_HTTP = ("node", "-e", "require('http').createServer((q, s) => s.end('ok')).listen(8000)")
_WORKER = ("python", "-c", "import time\nwhile True:\n    time.sleep(60)")
_LB_NOTE = "nginx stand-in for {label}: mount a config that proxies to {targets}"
_PG_PRIMARY = {"POSTGRESQL_REPLICATION_MODE": "master", "POSTGRESQL_REPLICATION_USER": "replicator",
               "POSTGRESQL_REPLICATION_PASSWORD": PASSWORD, "POSTGRESQL_PASSWORD": PASSWORD}
_MYSQL_PRIMARY = {"MYSQL_REPLICATION_MODE": "master", "MYSQL_REPLICATION_USER": "replicator",
                  "MYSQL_REPLICATION_PASSWORD": PASSWORD, "MYSQL_ROOT_PASSWORD": PASSWORD}

_LB = Runtime("nginx:1.27", 80, health=("CMD", "nginx", "-t"), autoscale=True, scale_out=True, note=_LB_NOTE)


def _app(image: str, command: tuple[str, ...], port: int | None = 8000) -> Runtime:
    return Runtime(image, port, command=command, autoscale=True, scale_out=True, note=APP_NOTE)


RUNTIMES: dict[str, Runtime] = {
    "lb.nginx": _LB,
    "lb.haproxy": _LB,
    "lb.alb": _LB,
    "gateway.api": _LB,
    "platform.ratelimit": _app("python:3.12-slim", _PY_HTTP),
    "service.python": _app("python:3.12-slim", _PY_HTTP),
    "service.node": _app("node:22-slim", _NODE_HTTP),
    "service.go": _app("python:3.12-slim", _PY_HTTP),
    "compute.worker": _app("python:3.12-slim", _WORKER, port=None),
    "cache.redis": Runtime("redis:7", 6379, True, "/data", health=("CMD", "redis-cli", "ping"), vcpu=4,
                           memory_gib=12.93, note="Redis shards need cluster mode beyond one node"),
    "cache.memcached": Runtime("memcached:1.6", 11211, vcpu=4, memory_gib=12.93, scale_out=True,
                               note="clients shard keys over the nodes"),
    "storage.s3": Runtime("minio/minio:latest", 9000, True, "/data", {"MINIO_ROOT_USER": "archplan",
                          "MINIO_ROOT_PASSWORD": PASSWORD}, ("server", "/data"), ("CMD", "mc", "ready", "local"),
                          note="MinIO stands in for S3 locally"),
    "db.postgres": Runtime("bitnami/postgresql:16", 5432, True, "/bitnami/postgresql", _PG_PRIMARY,
                           health=("CMD-SHELL", "pg_isready -U postgres")),
    "db.postgres_replica": Runtime("bitnami/postgresql:16", 5432, True, "/bitnami/postgresql",
                                   {"POSTGRESQL_REPLICATION_MODE": "slave", "POSTGRESQL_REPLICATION_USER": "replicator",
                                    "POSTGRESQL_REPLICATION_PASSWORD": PASSWORD, "POSTGRESQL_PASSWORD": PASSWORD,
                                    "POSTGRESQL_MASTER_PORT_NUMBER": "5432"},
                                   health=("CMD-SHELL", "pg_isready -U postgres")),
    "db.mysql": Runtime("bitnami/mysql:8.0", 3306, True, "/bitnami/mysql/data", _MYSQL_PRIMARY,
                        health=("CMD", "mysqladmin", "ping", "-h", "localhost")),
    "db.mysql_replica": Runtime("bitnami/mysql:8.0", 3306, True, "/bitnami/mysql/data",
                                {"MYSQL_REPLICATION_MODE": "slave", "MYSQL_REPLICATION_USER": "replicator",
                                 "MYSQL_REPLICATION_PASSWORD": PASSWORD, "MYSQL_MASTER_ROOT_PASSWORD": PASSWORD,
                                 "MYSQL_MASTER_PORT_NUMBER": "3306"},
                                health=("CMD", "mysqladmin", "ping", "-h", "localhost")),
    "db.sharded_sql": Runtime("postgres:16", 5432, True, "/var/lib/postgresql/data", {"POSTGRES_PASSWORD": PASSWORD},
                              health=("CMD-SHELL", "pg_isready -U postgres"), note="one container per shard"),
    "kv.dynamodb": Runtime("amazon/dynamodb-local:latest", 8000, True, "/home/dynamodblocal/data", {},
                           ("-jar", "DynamoDBLocal.jar", "-sharedDb", "-dbPath", "/home/dynamodblocal/data"),
                           note="DynamoDB Local stands in for DynamoDB"),
    "doc.mongodb": Runtime("mongo:7", 27017, True, "/data/db",
                           health=("CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"),
                           vcpu=4, memory_gib=32),
    "wide.cassandra": Runtime("cassandra:5", 9042, True, "/var/lib/cassandra",
                              health=("CMD-SHELL", "cqlsh -e 'describe keyspaces'")),
    "graph.neo4j": Runtime("neo4j:5", 7687, True, "/data", {"NEO4J_AUTH": f"neo4j/{PASSWORD}-please"}),
    "search.elasticsearch": Runtime(
        "opensearchproject/opensearch:2", 9200, True, "/usr/share/opensearch/data",
        {"discovery.type": "single-node", "DISABLE_SECURITY_PLUGIN": "true", "OPENSEARCH_JAVA_OPTS": "-Xms1g -Xmx1g"},
        health=("CMD-SHELL", "curl -fs http://localhost:9200/_cluster/health || exit 1"),
        note="OpenSearch (the Elasticsearch fork AWS runs)"),
    "queue.sqs": Runtime("softwaremill/elasticmq-native:latest", 9324, note="ElasticMQ stands in for SQS"),
    "queue.rabbitmq": Runtime("rabbitmq:3-management", 5672, True, "/var/lib/rabbitmq",
                              health=("CMD", "rabbitmq-diagnostics", "-q", "ping")),
    "pubsub.kafka": Runtime("apache/kafka:3.8.0", 9092, True, "/var/lib/kafka/data", {
        "KAFKA_NODE_ID": "1", "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": "PLAINTEXT://:9092,CONTROLLER://:9093", "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_LOG_DIRS": "/var/lib/kafka/data"}, note="single KRaft broker locally"),
    "obs.prometheus": Runtime("prom/prometheus:v2.53.0", 9090, True, "/prometheus",
                              health=("CMD", "wget", "-qO-", "http://localhost:9090/-/healthy")),
}

#: Bought as a service (or users' devices): never a container, listed as an external dependency.
EXTERNAL_BEHAVIOURS = {Behaviour.EXTERNAL, Behaviour.NOTIFICATION, Behaviour.CDN, Behaviour.DNS}
#: Managed by the cloud in a real deployment; a local compose stack runs the stand-in from RUNTIMES.
CLOUD_MANAGED = {"storage.s3", "kv.dynamodb", "queue.sqs", "lb.alb", "gateway.api"}


def behaviour(component: Component) -> Behaviour:
    return default_catalog()[component.kind].behaviour


def is_client(component: Component) -> bool:
    return behaviour(component) is Behaviour.CLIENT


def is_external(component: Component) -> bool:
    return behaviour(component) in EXTERNAL_BEHAVIOURS


def is_monitor(component: Component) -> bool:
    return behaviour(component) is Behaviour.MONITOR


def kind_label(component: Component) -> str:
    return default_catalog()[component.kind].label


@dataclass(frozen=True)
class Relations:
    """Component-to-component relations (group links expanded), in plan order, without duplicates."""

    requests: list[tuple[str, str]]        # source calls target synchronously
    messages: list[tuple[str, str]]        # async / event: producer -> queue / log / index, queue -> consumer
    primary_of: dict[str, str]             # replica id -> primary id (replication links)
    watched_by: dict[str, list[str]]       # component id -> health-check components watching it
    entry: set[str]                        # components clients call directly


def relations(plan: Plan) -> Relations:
    comps = {c.id: c for c in plan.components}
    requests: list[tuple[str, str]] = []
    messages: list[tuple[str, str]] = []
    primary_of: dict[str, str] = {}
    watched_by: dict[str, list[str]] = {}
    entry: set[str] = set()
    for edge in expand_links(plan):
        pair = (edge.source, edge.target)
        kind = edge.link.kind
        if kind == "health":
            if is_monitor(comps[edge.source]) and edge.source not in watched_by.get(edge.target, []):
                watched_by.setdefault(edge.target, []).append(edge.source)
        elif kind == "replication":
            primary_of.setdefault(edge.target, edge.source)
        elif kind == "request":
            if pair not in requests:
                requests.append(pair)
            if is_client(comps[edge.source]):
                entry.add(edge.target)
        elif pair not in messages:
            messages.append(pair)
    return Relations(requests, messages, primary_of, watched_by, entry)


def health_settings(plan: Plan, rel: Relations, component_id: str) -> tuple[float, int, float] | None:
    """(interval s, misses, timeout s) of the first health check watching the component, if any."""
    for monitor_id in rel.watched_by.get(component_id, []):
        monitor = plan.component(monitor_id)
        return monitor.param("interval_s"), max(1, round(monitor.param("misses"))), monitor.param("timeout_s")
    return None


def sizing_lines(plan: Plan, component: Component, r) -> list[str]:
    """Why the component has the size it has, as short lines for comments and annotations.

    `r` is the component's ComponentResult. Numbers go through planner.units; names through one_line."""

    u = plan.traffic.target_utilisation
    head = (f"{one_line(component.name, 80)} ({kind_label(component)}): {r.count} deployed, {r.needed} needed "
            f"at peak {units.format_qps(r.qps_peak)}")
    if r.binding != "none":
        head += f"; {r.binding} at {units.format_percent(r.utilisation)} (ceiling {units.format_percent(r.ceiling)})"
    lines = [head]
    load = r.figures.get("load")
    if r.binding == "throughput" and load is not None and load.formula.key == "load_units_r":
        lines.append(f"{r.needed} instance(s): peak {units.format_qps(load.inputs['requests'])} / "
                     f"({units.format_qps(load.inputs['capacity'])} x {units.format_percent(u)})")
    elif "instances_needed" in r.figures:
        lines.append(r.figures["instances_needed"].text())
    if r.storage_replicated > 0:
        lines.append(f"storage: {units.format_size(r.storage_total)} over the retention, "
                     f"{units.format_size(r.storage_replicated)} with every copy")
    if r.memory > 0:
        lines.append(f"hot set in memory: {units.format_size(r.memory)}")
    return lines
