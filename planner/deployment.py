"""
What it takes to deploy each component: the figures every exporter needs, derived once here from the
plan, the catalog and the computed result, so Terraform, compose, Kubernetes, the PDF, the CSV and the
infracost usage file say the same thing. Exporters translate these figures into their own syntax and
units; they never size anything themselves.

Per component (`Deployment`):

- ``instances`` / ``needed``: the result's deployed count and the count the peak needs.
- ``node_type``: the machine class (AWS naming) the catalog's per-instance capacity and price assume;
  None for managed services billed per use (S3, SQS, DynamoDB, ALB, API Gateway, providers).
- ``node_memory``: memory of one node (the catalog's, or the component's override), bytes.
- ``hot_set_per_node`` and ``memory_per_node`` (caches): each node holds count-th of the hot set, and
  needs that much at its usable share of memory (ElastiCache reserves 25 %): hot set / count / usable.
  Other kinds: ``memory_per_node`` is ``node_memory``.
- ``data_per_node``: bytes one node's disk holds, as the engine sizes it (planner/sizing.py): a SQL
  primary and its replicas keep a full copy on every node; a partitioned store's hottest shard holds
  skew x its even share; other stores divide their data (with every copy) over their nodes. A cache
  node keeps its share of the hot set (persistence snapshots).
- ``disk_per_node``: the disk to provision per node, with headroom: data_per_node / the kind's fill
  ratio (the share of a disk data may fill before another node is needed); kinds without a fill ratio
  (logs, metrics, caches) keep the traffic profile's target utilisation as their ceiling.
- ``shards`` / ``replicas_per_shard`` (caches run as a sharded cluster): the plan's node count split
  into shards x (1 + replicas), the most replicas per shard that divide the nodes evenly while the
  shards still hold the hot set (``needed``); shards x (1 + replicas) == instances, always.
- prices: the unit prices the engine's cost used (its ``monthly_cost`` figure), with the catalog's
  price table (provider, region, date), and the monthly quantities the cost is made of.

`deployment(plan, result)` returns {component id: Deployment} for every non-client component and
caches it on the result (`PlanResult.deployment`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from archplan.planner import units
from archplan.planner.catalog import Behaviour, Catalog, default_catalog
from archplan.planner.catalog import Prices as PriceList
from archplan.planner.model import Component, Plan
from archplan.planner.sizing import FULL_COPY

GIB = 2**30


@dataclass(frozen=True, slots=True)
class Prices:
    """Unit prices of one component as the engine used them (USD), and its monthly quantities."""

    instance_month: float       # per instance per month
    storage_gb_month: float     # per GB (decimal) stored per month
    egress_gb: float            # per GB sent to the internet
    request_per_million: float  # per million requests
    stored_gb: float            # GB stored, every copy (what storage is billed on)
    egress_gb_month: float      # GB sent to users per month
    requests_month: float       # requests per month (average rate x 30 days)
    table: PriceList            # provider, region, date of the list prices


@dataclass(frozen=True, slots=True)
class Deployment:
    """What deploying one component takes (see the module docstring for each figure's meaning)."""

    id: str
    kind: str
    behaviour: Behaviour
    managed: bool
    instances: int
    needed: int
    node_type: str | None
    node_memory: float
    hot_set_per_node: float
    memory_per_node: float
    data_per_node: float
    disk_per_node: float
    fill: float
    shards: int
    replicas_per_shard: int
    prices: Prices

    def disk_gib(self, minimum: int = 1, maximum: int | None = None) -> int:
        """The disk per node in whole GiB (2^30 B), rounded up, within [minimum, maximum]."""
        gib = max(minimum, math.ceil(self.disk_per_node / GIB - 1e-9))
        return min(gib, maximum) if maximum else gib

    def memory_mib(self, minimum: float = 0.0) -> int:
        """Memory per node in whole MiB (2^20 B), rounded up."""
        return max(math.ceil(minimum / 2**20), math.ceil(self.memory_per_node / 2**20 - 1e-9))


def _capacity(component: Component, catalog: Catalog, name: str) -> float:
    if name in component.capacity:
        return component.capacity[name]
    value = getattr(catalog[component.kind].capacity, name)
    return 0.0 if value is None else float(value)


def _param(component: Component, name: str, default: float) -> float:
    try:
        return component.param(name)
    except KeyError:
        return default


def cache_topology(instances: int, needed: int) -> tuple[int, int]:
    """(shards, replicas per shard) for a cluster of `instances` nodes whose hot set needs `needed`
    shards: the most replicas per shard that divide the nodes evenly, keeping at least `needed` shards.
    shards x (1 + replicas) == instances always (2 nodes needing 1: 1 x 2; 203 needing 202: 203 x 1)."""
    instances = max(1, instances)
    needed = max(1, min(needed, instances))
    for replicas in range(instances - 1, -1, -1):
        if instances % (1 + replicas) == 0 and instances // (1 + replicas) >= needed:
            return instances // (1 + replicas), replicas
    return instances, 0  # unreachable: replicas = 0 always fits


def derive(plan: Plan, result, catalog: Catalog | None = None) -> dict[str, Deployment]:
    """{component id: Deployment} for every component that is not a client."""
    catalog = catalog or default_catalog()
    out: dict[str, Deployment] = {}
    target = plan.traffic.target_utilisation
    for component in plan.components:
        r = result.components.get(component.id)
        kind = catalog[component.kind]
        if r is None or kind.behaviour is Behaviour.CLIENT:
            continue
        count = max(0, int(r.count))
        per = max(1, count)
        node_memory = _capacity(component, catalog, "memory")
        hot_set = r.memory / per if r.memory > 0 else 0.0
        if kind.behaviour is Behaviour.CACHE:
            usable = _param(component, "usable_memory", 1.0)
            memory_per_node = hot_set / usable if hot_set > 0 else node_memory
        else:
            memory_per_node = node_memory
        if kind.behaviour in FULL_COPY:   # one copy per node (storage_replicated counts every node's copy)
            data = r.storage_total
        elif kind.behaviour is Behaviour.PARTITIONED:
            data = r.storage_replicated * _param(component, "skew", 1.0) / per
        elif kind.behaviour is Behaviour.CACHE:
            data = hot_set
        else:
            data = r.storage_replicated / per
        fill = _param(component, "fill_ratio", 0.0) or target
        shards, replicas = (cache_topology(count, int(r.needed)) if kind.behaviour is Behaviour.CACHE
                            else (count, 0))
        out[component.id] = Deployment(
            id=component.id, kind=component.kind, behaviour=kind.behaviour, managed=kind.managed, instances=count,
            needed=int(r.needed), node_type=kind.instance_class, node_memory=node_memory, hot_set_per_node=hot_set,
            memory_per_node=memory_per_node, data_per_node=data, disk_per_node=data / fill if fill > 0 else data,
            fill=fill, shards=shards, replicas_per_shard=replicas, prices=_prices(component, catalog, r))
    return out


def _prices(component: Component, catalog: Catalog, r) -> Prices:
    """The prices and quantities of the engine's cost figure (its inputs), else the catalog's."""
    cost = r.figures.get("monthly_cost") if r.figures else None
    got = dict(cost.inputs) if cost is not None else {}

    def price(key: str, capacity_field: str) -> float:
        return float(got[key]) if key in got else _capacity(component, catalog, capacity_field)

    return Prices(
        instance_month=price("unit_cost", "monthly_cost"),
        storage_gb_month=price("storage_price", "storage_price_gb_month"),
        egress_gb=price("egress_price", "egress_price_gb"),
        request_per_million=price("request_price", "request_price_per_million"),
        stored_gb=float(got.get("stored_gb", r.storage_replicated / 1e9)),
        egress_gb_month=float(got.get("egress_gb", 0.0)),
        requests_month=r.qps_avg * units.MONTH,
        table=catalog.prices)


def deployment(plan: Plan, result, catalog: Catalog | None = None) -> Mapping[str, Deployment]:
    """The deployment figures of `result` (computed from `plan`), derived once per result and plan."""
    memo = getattr(result, "_memo", None)
    if memo is None:
        return derive(plan, result, catalog)
    key = ("deployment", id(plan), id(catalog))
    if key not in memo:
        memo[key] = derive(plan, result, catalog)
    return memo[key]
