"""Plans for the PDF and IaC exporter tests (not a test module), built with planner.edit as a user would.

- `realistic_plan()`: a 12-component photo-sharing service (the example PDF is rendered from it).
- `full_plan()`: every IaC mapping: load balancer, services, worker, Redis and Memcached, PostgreSQL
  primary + replica (replication link), S3, CDN, search, SQS, RabbitMQ, Kafka, DynamoDB, MongoDB, SNS
  (notification), a health check watching a group (health links), DNS, API gateway, Prometheus, payments.
- `nasty_plan()`: the same shapes with names full of quotes, markup, unicode, template and shell syntax.
- `big_plan(n)`: n components for the benchmark.
"""

from __future__ import annotations

from archplan.planner import edit
from archplan.planner.engine import compute
from archplan.planner.model import Endpoint, Group, Plan

NASTY = [
    'Load "balancer" \\ edge',
    "API ${var.secret} %{ if true }x%{ endif }",
    "<b>Cache</b> & co",
    "Café 中文 🚀",
    "$(rm -rf /); `reboot`",
    "primary'; DROP TABLE x; --",
    "replica\twith\ttabs",
    "123 starts with digits",
    "Cafe",
    "${var}",
    "%{x}",
    "----",
]


class Builder:
    """Small helper: add components and links with readable calls."""

    def __init__(self, plan: Plan):
        self.plan = plan

    def add(self, kind: str, name: str, x: float = 0, y: float = 0, **fields) -> str:
        component = edit.new_component(self.plan, kind, name=name, x=x, y=y, **fields)
        edit.add_component(self.plan, component)
        return component.id

    def link(self, source: str, target: str, kind: str | None = None, **fields) -> str:
        link = edit.new_link(self.plan, source, target, kind, **fields)
        edit.add_link(self.plan, link)
        return link.id

    def group(self, gid: str, name: str, members: list[str], **fields) -> str:
        edit.add_group(self.plan, Group(id=gid, name=name, **fields), members)
        return gid


def realistic_plan() -> Plan:
    plan = Plan(name="Photo sharing", description=(
        "A photo-sharing service: people browse a feed of photos and upload their own.\n\n"
        "Uploads go through a queue to a thumbnail worker; photos are served from S3 behind the CDN. "
        "Feed reads hit a Redis cache in front of a PostgreSQL read replica; writes go to the primary."))
    edit.update_traffic(plan, dau=2_000_000, reads_per_user=30, writes_per_user=0.5, peak_factor=3,
                        response_size=5_000, record_size=500, media_fraction=0.4, media_size=400_000,
                        media_read_fraction=0.5, retention="2y", yearly_growth=0.3)
    edit.update_settings(plan, default_redundancy="ha")
    b = Builder(plan)
    web = b.add("client.web", "Web users", 0, 150)
    mobile = b.add("client.mobile", "Mobile app", 0, 350)
    cdn = b.add("cdn.cloudfront", "CDN", 200, 50)
    lb = b.add("lb.alb", "Load balancer", 200, 300)
    api = b.add("service.python", "API service", 400, 300, endpoints=[
        Endpoint(name="Feed", method="GET", path="/feed", operation="read", share=0.7),
        Endpoint(name="Photo page", method="GET", path="/photos/{id}", operation="read", share=0.3),
        Endpoint(name="Upload photo", method="POST", path="/photos", operation="write", share=0.6,
                 payload_size=400_000),
        Endpoint(name="Comment", method="POST", path="/photos/{id}/comments", operation="write", share=0.4)])
    cache = b.add("cache.redis", "Feed cache", 600, 200)
    primary = b.add("db.postgres", "Posts DB", 600, 400, redundancy="none")
    replica = b.add("db.postgres_replica", "Posts replica", 800, 300, instances=2)
    queue = b.add("queue.sqs", "Upload queue", 600, 550)
    worker = b.add("compute.worker", "Thumbnailer", 800, 550)
    photos = b.add("storage.s3", "Photos", 1000, 400)
    health = b.add("obs.healthcheck", "Health check", 400, 500)
    for client in (web, mobile):
        b.link(client, cdn, classes=["media_read"])
        b.link(client, lb, classes=["read", "write", "media_write"])
    b.link(cdn, photos)
    b.link(lb, api)
    b.link(api, cache, classes=["read"])
    b.link(cache, replica, classes=["read"])
    b.link(api, primary, classes=["write"])
    b.link(primary, replica, "replication")
    b.link(api, queue, classes=["media_write"])
    b.link(queue, worker)
    b.link(worker, photos)
    b.link(health, api)
    b.link(health, primary)
    b.group("edge", "Edge", [cdn, lb], kind="tier")
    b.group("data", "Data tier", [cache, primary, replica], kind="tier")
    return plan


def full_plan(names: list[str] | None = None) -> Plan:
    """Every IaC mapping; `names` (when given) replace the readable names, cycling."""
    plan = Plan(name="Everything plan", description="All component kinds the IaC exporters map.")
    edit.update_traffic(plan, dau=5_000_000, reads_per_user=20, writes_per_user=1, media_fraction=0.1,
                        media_size=200_000, media_read_fraction=0.2, retention="1y")
    b = Builder(plan)
    pool = iter(names * 10) if names else None

    def n(readable: str) -> str:
        return next(pool) if pool else readable

    web = b.add("client.web", n("Browsers"))
    dns = b.add("dns.route53", n("DNS"))
    cdn = b.add("cdn.cloudfront", n("CDN"))
    gateway = b.add("gateway.api", n("API gateway"))
    lb = b.add("lb.nginx", n("Edge LB"))
    api = b.add("service.go", n("API"), redundancy="ha", endpoints=[
        Endpoint(name=n("Read it"), method="GET", path="/things/{id}", operation="read", share=0.8),
        Endpoint(name=n("Write it"), method="POST", path="/things", operation="write", share=1.0)])
    worker = b.add("compute.worker", n("Worker"))
    redis = b.add("cache.redis", n("Redis"))
    memcached = b.add("cache.memcached", n("Memcached"), instances=3)
    primary = b.add("db.postgres", n("Primary"), instances=2)
    replica = b.add("db.postgres_replica", n("Replica"), instances=3)
    s3 = b.add("storage.s3", n("Objects"))
    search = b.add("search.elasticsearch", n("Search"))
    sqs = b.add("queue.sqs", n("Jobs"))
    rabbit = b.add("queue.rabbitmq", n("Rabbit"))
    kafka = b.add("pubsub.kafka", n("Events"))
    dynamo = b.add("kv.dynamodb", n("Sessions"))
    mongo = b.add("doc.mongodb", n("Documents"))
    email = b.add("notify.email", n("E-mail"))
    health = b.add("obs.healthcheck", n("Health"), params={"interval_s": 20, "misses": 3})
    prometheus = b.add("obs.prometheus", n("Metrics"))
    payments = b.add("ext.payments", n("Payments"))
    b.link(web, dns)
    b.link(web, cdn, classes=["media_read"])
    b.link(web, gateway, classes=["read", "write", "media_write"])
    b.link(dns, lb)
    b.link(cdn, s3)
    b.link(gateway, lb)
    b.link(lb, api)
    b.link(api, redis, classes=["read"])
    b.link(redis, replica, classes=["read"])
    b.link(api, memcached, classes=["read"], share=0.0)
    b.link(api, primary, classes=["write"])
    b.link(primary, replica, "replication")
    b.link(api, search, "event", classes=["write"])
    b.link(api, sqs, classes=["media_write"])
    b.link(sqs, worker)
    b.link(worker, s3)
    b.link(api, kafka, classes=["write"])
    b.link(kafka, rabbit, "async")
    b.link(api, dynamo, classes=["read"], share=0.0)
    b.link(api, mongo, classes=["write"], share=0.0)
    b.link(api, payments, classes=["write"], share=0.1)
    b.link(worker, email, "event")
    b.link(api, prometheus, "async")
    app = b.group("app", n("App tier"), [api, worker], kind="tier")
    b.link(health, app, "health")
    b.link(health, primary, "health")
    b.link(health, email, "event")
    return plan


def nasty_plan() -> Plan:
    plan = full_plan(NASTY)
    edit.update_plan(plan, name='Plan "${evil}" <i>é</i> \\ %{x} $(id)',
                     description="Line one with <script>alert(1)</script> & ${x}\n\nSecond ¶ with 中文 and %{y}")
    return plan


def big_plan(n: int = 50) -> Plan:
    """n components: clients, a load balancer, services each with a cache, a database and a replica."""
    plan = Plan(name=f"{n}-component plan", description="Benchmark plan.")
    b = Builder(plan)
    web = b.add("client.web", "Users")
    lb = b.add("lb.alb", "LB")
    count = 2
    i = 0
    while count + 4 <= n:
        i += 1
        api = b.add("service.node", f"Service {i}", endpoints=[
            Endpoint(name="get", method="GET", path=f"/s{i}", operation="read", share=1.0)])
        cache = b.add("cache.redis", f"Cache {i}")
        db = b.add("db.postgres", f"DB {i}")
        rep = b.add("db.postgres_replica", f"Replica {i}")
        b.link(lb, api)
        b.link(api, cache, classes=["read"])
        b.link(cache, rep, classes=["read"])
        b.link(api, db, classes=["write"])
        b.link(db, rep, "replication")
        count += 4
    while count < n:
        count += 1
        b.add("compute.worker", f"Worker {count}")
    b.link(web, lb)
    return plan


def computed(plan: Plan):
    return plan, compute(plan)


def builtin_templates() -> list:
    """The built-in template files (templates/*.json without the component catalog)."""
    from archplan.planner.library import builtin_dir

    return sorted(p for p in builtin_dir().glob("*.json") if p.name != "catalog.json")
