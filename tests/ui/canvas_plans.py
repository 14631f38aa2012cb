"""Plans the canvas tests draw: a realistic 10-component web system and a synthetic n-component grid."""

from __future__ import annotations

import itertools

from archplan.planner.model import Component, Group, Link, Plan, Position, TrafficProfile


def _comp(cid: str, kind: str, name: str, x: float, y: float, **fields) -> Component:
    return Component(id=cid, kind=kind, name=name, position=Position(x=x, y=y), **fields)


def web_shop_plan() -> Plan:
    """Ten components: two clients, CDN, load balancer, API, cache, primary + replica, queue, worker."""
    components = [
        _comp("web", "client.web", "Web app", 0, 140),
        _comp("mobile", "client.mobile", "Mobile app", 0, 320),
        _comp("cdn", "cdn.cloudfront", "CDN", 280, 0),
        _comp("lb", "lb.nginx", "Load balancer", 280, 220, instances=2),
        _comp("api", "service.python", "Shop API", 560, 220, instances=3),
        _comp("cache", "cache.redis", "Session cache", 860, 120, group="vpc"),
        _comp("db", "db.postgres", "Orders DB", 860, 300, group="vpc"),
        _comp("replica", "db.postgres_replica", "Orders replica", 1140, 120, group="vpc"),
        _comp("queue", "queue.sqs", "Order events", 560, 440),
        _comp("worker", "compute.worker", "Fulfilment worker", 860, 520),
    ]
    links = [
        Link(id="web-cdn", source="web", target="cdn", share=0.3, classes=["read", "media_read"]),
        Link(id="web-lb", source="web", target="lb"),
        Link(id="mobile-lb", source="mobile", target="lb"),
        Link(id="lb-api", source="lb", target="api"),
        Link(id="api-cache", source="api", target="cache", classes=["read"]),
        Link(id="cache-replica", source="cache", target="replica", classes=["read"]),
        Link(id="api-db", source="api", target="db", classes=["write"]),
        Link(id="db-replica", source="db", target="replica", kind="replication"),
        Link(id="api-queue", source="api", target="queue", kind="async", classes=["write"]),
        Link(id="queue-worker", source="queue", target="worker", kind="async"),
    ]
    groups = [Group(id="vpc", name="Data tier", kind="tier")]
    traffic = TrafficProfile(dau=2_000_000, reads_per_user=40, writes_per_user=2, record_size=400,
                             retention="1y")
    return Plan(name="Web shop", components=components, links=links, groups=groups, traffic=traffic)


TIERS = (("client.web", 0.05), ("lb.nginx", 0.10), ("service.go", 0.45), ("cache.redis", 0.20),
         ("db.postgres", 0.20))


def layered_plan(n: int = 1000, spacing: tuple[float, float] = (240.0, 120.0)) -> Plan:
    """`n` components in five tiers (clients -> lbs -> services -> caches -> dbs) on a grid."""
    components: list[Component] = []
    layers: list[list[str]] = []
    for column, (kind, fraction) in enumerate(TIERS):
        count = max(1, round(n * fraction))
        layer = []
        for row in range(count):
            cid = f"{kind.split('.')[0]}-{row}"
            name = f"{kind.split('.')[1]} {row}"
            components.append(_comp(cid, kind, name, column * spacing[0], row * spacing[1]))
            layer.append(cid)
        layers.append(layer)
    links = []
    for upper, lower in itertools.pairwise(layers):
        for i, dst in enumerate(lower):
            src = upper[i * len(upper) // len(lower)]
            links.append(Link(id=f"{src}--{dst}", source=src, target=dst))
        for i, src in enumerate(upper):  # every upper node also feeds one lower node
            dst = lower[i * len(lower) // len(upper)]
            if not any(lk.source == src and lk.target == dst for lk in links):
                links.append(Link(id=f"{src}--{dst}", source=src, target=dst))
    kept = {c.id for c in components[:n]}
    return Plan(name=f"Synthetic {n}", components=components[:n],
                links=[lk for lk in links if lk.source in kept and lk.target in kept])
