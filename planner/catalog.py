"""
The component catalog: every kind of component a plan can hold, as data.

Kinds live in ``planner/data/catalog.json`` (package data) (stable ids such as ``"cache.redis"``); this module defines
their schema, the behaviours the engine knows and the parameters each behaviour takes. Every default
figure carries its source or reasoning in ``sources`` (see docs/capacity-defaults.md for
the research behind them). A component may override any capacity figure or parameter.
"""

from __future__ import annotations

import json
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from archplan.planner import resources

CATALOG_PATH = resources.catalog_path()

Category = Literal["edge", "compute", "data", "messaging", "observability", "external"]


class Behaviour(str, Enum):  # noqa: UP042 - str(Behaviour.X) must stay 'Behaviour.X'
    """What a kind does to the traffic that reaches it (capacity-model.md, "Behaviour per kind")."""

    CLIENT = "client"              # traffic enters here
    DNS = "dns"                    # resolves names; passes requests on, never a bottleneck
    CDN = "cdn"                    # serves `offload` of cacheable reads from the edge
    LOAD_BALANCER = "load_balancer"  # passes everything, spreads over targets by link share
    GATEWAY = "gateway"            # like a load balancer, with per-request pricing/quotas
    RATE_LIMITER = "rate_limiter"  # one counter check per request; passes everything
    SERVICE = "service"            # stateless request handler; fans out along its links
    WORKER = "worker"              # consumes jobs; capacity = slots / job time
    CACHE = "cache"                # reads: (1 - hit_ratio) go on; writes pass through
    OBJECT_STORE = "object_store"  # stores objects; per-prefix request limits
    SQL_PRIMARY = "sql_primary"    # takes all writes and the reads routed to it
    SQL_REPLICA = "sql_replica"    # takes reads; replays every write it is fed by replication
    PARTITIONED = "partitioned"    # shard group / KV / document / wide-column / graph: divides by shards
    SEARCH = "search"              # indexes write events; answers queries
    QUEUE = "queue"                # smooths peaks: consumers see the average plus a backlog bound
    PUBSUB = "pubsub"              # a replicated log: like a queue, retains bytes
    NOTIFICATION = "notification"  # events x channels per event, provider rate limits
    MONITOR = "monitor"            # health checks: probes, failure detection time
    METRICS = "metrics"            # stores samples
    EXTERNAL = "external"          # third-party API: rate limit, retries


class ParamSpec(BaseModel):
    """A behaviour parameter: its default, bounds and meaning (used for validation and tooltips)."""

    model_config = ConfigDict(frozen=True)
    default: float
    minimum: float = 0.0
    maximum: float = 1e12
    unit: str = ""
    description: str


def _p(default: float, description: str, minimum: float = 0.0, maximum: float = 1e12, unit: str = "") -> ParamSpec:
    return ParamSpec(default=default, description=description, minimum=minimum, maximum=maximum, unit=unit)


_SHARDING = {
    "skew": _p(1.0, "Load on the hottest shard relative to an even split (1 = perfectly even).", 1.0, 100.0),
    "fill_ratio": _p(0.7, "Share of a node's disk that data may fill before another shard is needed.", 0.01, 1.0),
    "replication_factor":
        _p(0, "Copies of every item kept by the store (0 = the traffic profile's replication factor).", 0, 100),
    "read_quorum": _p(0, "Copies that must answer a read (0 = a majority of the copies).", 0, 100),
    "write_quorum": _p(0, "Copies that must acknowledge a write (0 = a majority of the copies).", 0, 100),
}
_QUEUEING = {
    "peak_duration_s": _p(3_600, "How long the traffic peak lasts.", 1, 1e7, "s"),
    "drain_bound_s": _p(3_600, "Longest acceptable time to drain the backlog built up during a peak.", 1, 1e7, "s"),
    "retention_s": _p(7 * 86_400, "How long messages are kept.", 0, 1e10, "s"),
}

#: Parameters per behaviour, with defaults. A kind may change a default in its ``params``.
BEHAVIOUR_PARAMS: dict[Behaviour, dict[str, ParamSpec]] = {
    Behaviour.CLIENT: {"user_share": _p(1.0, "Fraction of the users on this client (0-1). Unset: the clients "
                                             "without a share split the rest equally; a client linked to "
                                             "nothing gets none until it is linked.", 0.0, 1.0)},
    Behaviour.DNS: {},
    Behaviour.CDN: {"offload": _p(0.8, "Share of cacheable reads and bytes served from the edge (hit ratio).", 0, 1)},
    Behaviour.LOAD_BALANCER: {},
    Behaviour.GATEWAY: {},
    Behaviour.RATE_LIMITER: {},
    Behaviour.SERVICE: {},
    Behaviour.WORKER: {
        "slots": _p(8, "Jobs one instance runs at once (about 2 per vCPU).", 1, 1e6),
        "job_s": _p(0.1, "Mean time one job takes.", 1e-6, 1e6, "s"),
    },
    Behaviour.CACHE: {
        "hit_ratio": _p(0.8, "Share of reads answered by the cache.", 0, 1),
        "cached_fraction": _p(0.2, "Share of the daily read volume kept hot in memory (80/20 rule).", 0, 1),
        "usable_memory": _p(0.75, "Share of node memory usable for data (ElastiCache reserves 25 %).", 0.01, 1),
    },
    Behaviour.OBJECT_STORE: {"prefixes": _p(1, "Key prefixes (partitions) the objects are spread over.", 1, 1e9)},
    Behaviour.SQL_PRIMARY: {"fill_ratio": _SHARDING["fill_ratio"]},
    Behaviour.SQL_REPLICA: {
        "apply_cost": _p(1.0, "Cost of replaying one replicated write, relative to one write on the primary.", 0, 10),
        "fill_ratio": _SHARDING["fill_ratio"],
    },
    Behaviour.PARTITIONED: dict(_SHARDING),
    Behaviour.SEARCH: {
        "index_overhead":
            _p(1.45, "Index size on disk per byte of source document (OpenSearch sizing guide).", 0.1, 20),
        "replicas": _p(1, "Replica copies of every index shard.", 0, 20),
        "fill_ratio": _SHARDING["fill_ratio"],
    },
    Behaviour.QUEUE: dict(_QUEUEING),
    Behaviour.PUBSUB: {**_QUEUEING, "replication_factor": _p(3, "Copies of the log kept by the brokers.", 1, 20)},
    Behaviour.NOTIFICATION: {"channels_per_event":
                             _p(1, "Messages sent per event (email, SMS, chat, ticket).", 0, 1e4)},
    Behaviour.MONITOR: {
        "interval_s": _p(30, "Time between two heartbeats / health probes.", 0.001, 1e6, "s"),
        "misses": _p(2, "Missed heartbeats before a component is declared down.", 1, 1000),
        "timeout_s": _p(0, "Probe timeout added to the detection time.", 0, 1e6, "s"),
    },
    Behaviour.METRICS: {
        "samples_per_request": _p(10, "Metric samples recorded per request it observes.", 0, 1e6),
        "bytes_per_sample": _p(2, "Compressed bytes per sample on disk (Prometheus: 1-2).", 0, 1e6, "B"),
        "retention_s": _p(15 * 86_400, "How long samples are kept.", 0, 1e10, "s"),
    },
    Behaviour.EXTERNAL: {
        "retries": _p(2, "Retries per failed call.", 0, 100),
        "failure_rate": _p(0.01, "Share of calls that fail and are retried.", 0, 1),
        "idempotency": _p(0, "1: every call carries an idempotency key, so a retried call never runs twice "
                             "(Stripe: Idempotency-Key); 0: not declared.", 0, 1),
        "retry_budget": _p(0, "Retries allowed as a share of calls (0.1 = at most 10 % more calls while the "
                              "provider is down); 0: no budget declared.", 0, 1),
        "backoff_jitter": _p(0, "1: retries wait an exponential backoff with full jitter; 0: not declared.", 0, 1),
    },
}


class Capacity(BaseModel):
    """Per-instance figures (one node, replica, shard or broker). ``None`` means no per-instance limit."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    read_qps: float | None = Field(None, ge=0, description="Reads (or requests) per second one instance serves.")
    write_qps: float | None = Field(None, ge=0, description="Writes per second one instance accepts.")
    bandwidth: float | None = Field(None, ge=0, description="Bytes per second one instance moves.")
    storage: float | None = Field(None, ge=0, description="Bytes of data one node holds.")
    memory: float | None = Field(None, ge=0, description="Bytes of memory per node.")
    latency_ms: float = Field(1.0, ge=0, description="Service time of one request at low load.")
    availability: float = Field(0.999, ge=0, le=1, description="Availability of one instance (SLA or estimate).")
    mtbf_hours: float = Field(720.0, gt=0, description="Mean time between failures of one instance.")
    restart_s: float = Field(60.0, ge=0, description="Time to restart or fail over once a failure is detected.")
    monthly_cost: float = Field(0.0, ge=0, description="USD per instance per month (730 h, on demand).")
    storage_price_gb_month: float = Field(0.0, ge=0, description="USD per GB stored per month.")
    egress_price_gb: float = Field(0.09, ge=0, description="USD per GB sent to users on the internet.")
    request_price_per_million: float = Field(
        0.0, ge=0, description="USD per million requests (managed services); writes where reads are priced apart.")
    read_request_price_per_million: float | None = Field(
        None, ge=0, description="USD per million reads where they cost less than writes (object-store GET, "
                                "key-value read units); empty: the request price.")


CAPACITY_FIELDS = tuple(Capacity.model_fields)


class ComponentKind(BaseModel):
    """One entry of the catalog."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    label: str
    category: Category
    behaviour: Behaviour
    icon: str = Field(description="Icon name (ui/icons/<icon>.svg).")
    description: str
    managed: bool = Field(False, description="A managed, multi-zone service: one logical instance is not a "
                                             "single point of failure and scales without instance counts.")
    stores_data: bool = False
    instance_class: str | None = Field(None, description="The machine class (AWS naming) whose capacity and price "
                                                         "the per-instance figures assume; none for managed services "
                                                         "billed per request or per use.")
    capacity: Capacity
    params: dict[str, float] = Field(default_factory=dict, description="Changed parameter defaults.")
    sources: dict[str, str] = Field(description="Where each default comes from, by capacity field or parameter.")

    def param_specs(self) -> dict[str, ParamSpec]:
        """The behaviour's parameters with this kind's defaults applied."""
        specs = BEHAVIOUR_PARAMS[self.behaviour]
        return {name: spec.model_copy(update={"default": self.params.get(name, spec.default)})
                for name, spec in specs.items()}

    def param_defaults(self) -> dict[str, float]:
        """{parameter: default} for this kind (cached: the engine asks for these in its inner loop)."""
        cached = _DEFAULTS.get(id(self))
        if cached is None or cached[0] is not self:
            defaults = {name: self.params.get(name, spec.default)
                        for name, spec in BEHAVIOUR_PARAMS[self.behaviour].items()}
            cached = _DEFAULTS[id(self)] = (self, defaults)
        return cached[1]


_DEFAULTS: dict[int, tuple[ComponentKind, dict[str, float]]] = {}


class CatalogError(ValueError):
    """The catalog file is broken: a programming/packaging error, not a user error."""


class PriceTable(BaseModel):
    """A tiered price: each band of the month's volume at its own price (internet egress, CDN egress)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    tiers: tuple[tuple[float | None, float], ...] = Field(
        description="(upper bound of the band in bytes, or null for the last band; USD per GB), lowest band first.")
    source: str

    def bands_gb(self) -> tuple[tuple[float, float], ...]:
        """(upper bound in GB, USD per GB) per band, the last one unbounded: the form formulas.tiered takes."""
        return tuple((float("inf") if upper is None else upper / 1e9, price) for upper, price in self.tiers)


class Prices(BaseModel):
    """Where the catalog's prices come from: provider, region and the date they were read."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    provider: str = "AWS"
    region: str = "us-east-1"
    date: str = ""
    egress_tiers: dict[str, PriceTable] = Field(default_factory=dict)


class Catalog:
    """All component kinds, by id, in file order, and the price tables they share."""

    def __init__(self, kinds: list[ComponentKind], prices: Prices | None = None):
        self.prices = prices or Prices()
        self._kinds: dict[str, ComponentKind] = {}
        for kind in kinds:
            if kind.id in self._kinds:
                raise CatalogError(f"component kind {kind.id!r} is defined twice")
            unknown = set(kind.params) - set(BEHAVIOUR_PARAMS[kind.behaviour])
            if unknown:
                raise CatalogError(f"kind {kind.id!r}: unknown parameters {sorted(unknown)}")
            self._kinds[kind.id] = kind

    def __getitem__(self, kind_id: str) -> ComponentKind:
        try:
            return self._kinds[kind_id]
        except KeyError:
            raise KeyError(f"{kind_id!r} is not a known component kind") from None

    def get(self, kind_id: str, default: ComponentKind | None = None) -> ComponentKind | None:
        return self._kinds.get(kind_id, default)

    def __contains__(self, kind_id: object) -> bool:
        return kind_id in self._kinds

    def __iter__(self):
        return iter(self._kinds.values())

    def __len__(self) -> int:
        return len(self._kinds)

    def ids(self) -> list[str]:
        return list(self._kinds)

    def by_category(self) -> dict[str, list[ComponentKind]]:
        groups: dict[str, list[ComponentKind]] = {}
        for kind in self._kinds.values():
            groups.setdefault(kind.category, []).append(kind)
        return groups

    def of_behaviour(self, behaviour: Behaviour) -> list[ComponentKind]:
        return [k for k in self._kinds.values() if k.behaviour is behaviour]


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        prices = Prices(provider=raw.get("prices_provider", "AWS"), region=raw.get("prices_region", ""),
                        date=raw.get("prices_date", ""), egress_tiers=raw.get("egress_tiers", {}))
        return Catalog([ComponentKind.model_validate(entry) for entry in raw["kinds"]], prices)
    except (OSError, json.JSONDecodeError, KeyError, ValidationError) as exc:
        raise CatalogError(f"cannot read the component catalog {path}: {exc}") from exc


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The built-in catalog (planner/data/catalog.json), read once."""
    return load_catalog()
