"""Plans for the exporter tests, built with planner.edit like a user would (not a test module).

Import the fixtures in a test module (``from export_fixtures import plan_fixture, result_fixture``);
pytest registers fixtures found in a module's globals, under their `name` ("plan", "result", "nasty").
"""

from __future__ import annotations

import pytest

from archplan.planner import edit
from archplan.planner.engine import compute
from archplan.planner.model import Endpoint, Group, Plan


def _add(plan: Plan, cid: str, kind: str, name: str, x: float, y: float, **fields) -> str:
    component = edit.new_component(plan, kind, name=name, x=x, y=y, id=cid, **fields)
    edit.add_component(plan, component)
    return component.id


def _link(plan: Plan, source: str, target: str, kind: str | None = None, **fields) -> str:
    link = edit.new_link(plan, source, target, kind, **fields)
    edit.add_link(plan, link)
    return link.id


def _group(plan: Plan, gid: str, name: str, members: list[str], **fields) -> str:
    edit.add_group(plan, Group(id=gid, name=name, **fields), members)
    return gid


def realistic_plan() -> Plan:
    """A 16-component web shop: clients, edge, app tier (a group reached by a group link), data tier
    nested in a region, async events, a health check watching the app tier, and declared endpoints."""
    plan = Plan(name="Web shop", description="Online shop: catalogue browsing, orders, search and e-mail receipts.")
    edit.update_traffic(plan, dau=2_000_000, reads_per_user=40, writes_per_user=2, peak_factor=3,
                        media_read_fraction=0.3, media_size=200_000)
    _add(plan, "web", "client.web", "Browsers", 0, 200)
    _add(plan, "mobile", "client.mobile", "Mobile app", 0, 400)
    _add(plan, "dns", "dns.route53", "DNS", 200, 100, flavour="aws")
    _add(plan, "cdn", "cdn.cloudfront", "CDN", 200, 300, flavour="aws")
    _add(plan, "lb", "lb.alb", "Load balancer", 400, 300, flavour="aws")
    _add(plan, "orders", "service.python", "Order service", 600, 200, endpoints=[
        Endpoint(name="Get order", method="GET", path="/orders/{id}", operation="read", share=0.7),
        Endpoint(name="List orders", method="GET", path="/orders", operation="read", share=0.3),
        Endpoint(name="Create order", method="POST", path="/orders", operation="write", share=1.0,
                 payload_size=2_000)])
    _add(plan, "catalog", "service.go", "Catalogue service", 600, 400, endpoints=[
        Endpoint(name="Search products", method="GET", path="/products", operation="read", share=1.0)])
    _add(plan, "cache", "cache.redis", "Session cache", 800, 200, flavour="aws")
    _add(plan, "db", "db.postgres", "Orders DB", 1000, 200, flavour="aws")
    _add(plan, "replica", "db.postgres_replica", "Orders replica", 1200, 200, flavour="aws")
    _add(plan, "media", "storage.s3", "Product images", 800, 500, flavour="aws")
    _add(plan, "events", "pubsub.kafka", "Order events", 800, 650)
    _add(plan, "mailer", "compute.worker", "Receipt mailer", 1000, 650)
    _add(plan, "email", "notify.email", "E-mail", 1200, 650)
    _add(plan, "search", "search.elasticsearch", "Product search", 1000, 450)
    _add(plan, "health", "obs.healthcheck", "Health checks", 400, 600)
    _group(plan, "region", "Region eu-west-1", [], kind="region")
    _group(plan, "edge", "Edge", ["dns", "cdn", "lb"], kind="tier", parent="region")
    _group(plan, "app", "App tier", ["orders", "catalog"], kind="tier", parent="region")
    _group(plan, "data", "Data tier", ["cache", "db", "replica", "media", "search"], kind="tier", parent="region")
    for client in ("web", "mobile"):
        _link(plan, client, "dns")
        _link(plan, client, "cdn")
    _link(plan, "cdn", "lb")
    _link(plan, "lb", "app")                      # a link into a group
    _link(plan, "orders", "cache")
    _link(plan, "cache", "db")
    _link(plan, "db", "replica")
    _link(plan, "catalog", "search", "request", share=0.8)
    _link(plan, "catalog", "media", "request", share=0.2)
    _link(plan, "orders", "events", classes=["write"])
    _link(plan, "events", "mailer")
    _link(plan, "mailer", "email", "request", fanout=1.0, label="receipt")
    _link(plan, "events", "search", "event")
    _link(plan, "health", "app")                  # health checks watch the whole app tier
    return plan


def big_plan(n_services: int = 12) -> Plan:
    """A microservice plan of 7 + 4 x `n_services` + 6 components (61 by default): edge tier, an API
    gateway fanning out to services that each own a cache, a database and a replica, an event bus
    with workers and notifications, and a health check on the service tier (a group link)."""
    plan = Plan(name=f"Marketplace ({7 + 4 * n_services + 6} components)")
    edit.update_traffic(plan, dau=5_000_000, reads_per_user=30, writes_per_user=3)
    _add(plan, "web", "client.web", "Web users", 0, 0)
    _add(plan, "mobile", "client.mobile", "Mobile users", 0, 300)
    _group(plan, "edge", "Edge", [], kind="tier")
    _group(plan, "services", "Services", [], kind="tier")
    _group(plan, "data", "Data", [], kind="tier")
    _group(plan, "async", "Async", [], kind="tier")
    for cid, kind, name, x in (("dns", "dns.route53", "DNS", 200), ("cdn", "cdn.cloudfront", "CDN", 350),
                               ("lb", "lb.nginx", "nginx", 500), ("limit", "platform.ratelimit", "Rate limiter", 650),
                               ("gw", "gateway.api", "API gateway", 800)):
        _add(plan, cid, kind, name, x, 150, group="edge")
    for client in ("web", "mobile"):
        _link(plan, client, "dns")
        _link(plan, client, "cdn")
    _link(plan, "cdn", "lb")
    _link(plan, "lb", "limit")
    _link(plan, "limit", "gw")
    _add(plan, "bus", "pubsub.kafka", "Event bus", 1400, 1200, group="async")
    names = ["Users", "Catalogue", "Search", "Cart", "Orders", "Payments", "Shipping", "Reviews", "Pricing",
             "Inventory", "Sellers", "Messages", "Ads", "Loyalty", "Returns", "Media"]
    for i in range(n_services):
        name = names[i % len(names)] + ("" if i < len(names) else f" {i}")
        y = 100 * i
        svc = _add(plan, f"svc{i}", ("service.go", "service.python", "service.node")[i % 3], f"{name} service",
                   1000, y, group="services")
        cache = _add(plan, f"cache{i}", ("cache.redis", "cache.memcached")[i % 2], f"{name} cache", 1200, y,
                     group="data")
        db = _add(plan, f"db{i}", ("db.postgres", "db.mysql")[i % 2], f"{name} DB", 1400, y, group="data")
        replica = _add(plan, f"rep{i}", ("db.postgres_replica", "db.mysql_replica")[i % 2], f"{name} replica",
                       1600, y, group="data")
        _link(plan, "gw", svc, share=1 / n_services)
        _link(plan, svc, cache)
        _link(plan, cache, db)
        _link(plan, db, replica)
        if i % 3 == 0:
            _link(plan, svc, "bus", classes=["write"])
    for cid, kind, name in (("mailer", "compute.worker", "Mailer"), ("indexer", "compute.worker", "Indexer")):
        _add(plan, cid, kind, name, 1600, 1200 if cid == "mailer" else 1300, group="async")
        _link(plan, "bus", cid)
    _add(plan, "email", "notify.email", "E-mail", 1800, 1200)
    _add(plan, "search", "search.elasticsearch", "Search index", 1800, 1300, group="data")
    _link(plan, "mailer", "email")
    _link(plan, "indexer", "search", "event")
    _add(plan, "health", "obs.healthcheck", "Health checks", 800, 1500)
    _link(plan, "health", "services")
    return plan


NASTY = [
    "Order \"svc\" 'main'",
    "Café 中文 😀",
    "<b>x</b> & co &amp; <i>",
    "back\\slash \\n \\N end\\",
    "$(rm -rf /); `x` | {a} [b] #c % ; --> -- ;",
]


def nasty_plan() -> Plan:
    """Names with quotes, unicode, markup, backslashes and shell characters in components and groups."""
    plan = Plan(name="Nasty \"plan\" <b>&</b> $(x)", description="Desc with | pipes | and *stars* and `ticks`")
    _add(plan, "cl", "client.web", NASTY[0], 0, 0)
    _add(plan, "sv", "service.python", NASTY[1], 200, 0, endpoints=[
        Endpoint(name=NASTY[2], method="GET", path="/a/{id}/\"q\"", operation="read"),
        Endpoint(name=NASTY[4], method="POST", path="/a", operation="write")])
    _add(plan, "db", "db.postgres", NASTY[2], 400, 0)
    _add(plan, "q", "queue.rabbitmq", NASTY[3], 400, 200)
    _add(plan, "w", "compute.worker", NASTY[4], 600, 200)
    _group(plan, "outer", NASTY[4], [], kind="region")
    _group(plan, "inner", NASTY[3], ["sv", "db"], parent="outer")
    _group(plan, "g2", NASTY[2], ["q", "w"])
    _link(plan, "cl", "inner", label=NASTY[0])
    _link(plan, "sv", "db", label=NASTY[2])
    _link(plan, "sv", "q", label=NASTY[3])
    _link(plan, "q", "w", label=NASTY[4])
    return plan


@pytest.fixture(name="plan")
def plan_fixture() -> Plan:
    """The realistic web shop (a fresh copy per test: tests may edit it)."""
    return realistic_plan()


@pytest.fixture(name="result")
def result_fixture(plan):
    return compute(plan)


@pytest.fixture(name="nasty")
def nasty_fixture() -> Plan:
    return nasty_plan()

