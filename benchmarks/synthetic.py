"""Synthetic plans of any size for benchmarks: layers of clients -> LBs -> services -> caches -> databases."""

from __future__ import annotations

from archplan.planner.model import Component, Link, Plan, Position

_LAYERS = ("client.web", "lb.nginx", "service.go", "cache.redis", "db.postgres", "db.postgres_replica")


def layered_plan(n_components: int, seed_name: str = "Synthetic") -> Plan:
    """About n components in independent stacks of six (client, LB, service, cache, primary, replica)."""
    components, links = [], []
    stacks = max(1, n_components // len(_LAYERS))
    for s in range(stacks):
        ids = [f"s{s}-{i}" for i in range(len(_LAYERS))]
        for i, (cid, kind) in enumerate(zip(ids, _LAYERS)):
            components.append(Component(id=cid, kind=kind, name=f"{kind} {s}",
                                         position=Position(x=i * 220.0, y=s * 120.0)))
        client, lb, svc, cache, primary, replica = ids
        links += [
            Link(id=f"{client}:{lb}", source=client, target=lb),
            Link(id=f"{lb}:{svc}", source=lb, target=svc),
            Link(id=f"{svc}:{cache}", source=svc, target=cache, classes=["read"]),
            Link(id=f"{svc}:{primary}", source=svc, target=primary, classes=["write"]),
            Link(id=f"{cache}:{replica}", source=cache, target=replica, classes=["read"]),
            Link(id=f"{primary}:{replica}", source=primary, target=replica, kind="replication"),
        ]
    return Plan(name=f"{seed_name} ({len(components)} components)", components=components, links=links)
