"""
The plan as an open queueing network, derived from the plan document for the simulation.

This is deliberately a second reading of the plan, apart from the engine's propagation: the simulation
is an oracle, so it takes only what the plan leaves to the engine's sizing from the engine's result
(deployed instance counts and the servers of each component's M/M/c). Everything else comes from the
plan and the catalog:

- **Arrivals.** Each client emits four independent Poisson streams (read, write, media read, media
  write) at the peak rate: users x requests per user / 86,400 s x peak factor, the users being the
  daily active users split between clients by their ``user_share`` (capacity-model.md, "Traffic
  classes"). Media reads and writes are requests of their own, as in the profile.
- **Routes.** A request is a depth-first walk of its call tree, sampled when it arrives: at a component
  it is served, then makes the calls its links say. Request links with a share, and request links with
  neither share nor fan-out (they split what the others leave), are *alternatives*: one of them is
  taken with its probability, or none (the rest ends here). Request links with a fan-out factor k are
  made k times (an integer part plus one more with the fractional part as probability). Caches pass
  a read on with probability 1 - hit ratio, CDNs with 1 - offload. A link converts the class it
  carries where the plan says so (events are writes to whatever consumes them).
- **Asynchronous work.** Async and event links do not hold the request: when the component finishes
  its visit it sends a message (with probability share, k times for a fan-out, else once) that starts
  a job of its own at the target. A queue is a component visited synchronously by its producer (the
  broker's acknowledgement); its consumers behind an async link take the messages FIFO, so the
  consumer pool's waiting line *is* the queue's backlog.
- **Copies.** A replication link delivers every write to each instance of a read replica (N replays per
  write for N replicas, at ``apply_cost`` x a write); other targets of a replication link replay it
  once. A shard group writes every item to its replication factor's copies: one copy on the request's
  path, the others as background jobs.
- **Service.** Each component is one FIFO pool of c = instances x workers servers (the engine's
  ``servers``) with exponential service. A read takes the catalog's ``latency_ms`` (a worker's
  ``job_s``); where the catalog gives a component different read and write capacities, a write holds a
  server latency x read_qps / write_qps, so that c servers carry exactly the per-instance read and write
  capacities the sizing uses. Notification providers serve ``channels_per_event`` messages per event,
  external APIs 1 + retries attempts with probability ``failure_rate``, metrics stores
  ``samples_per_request`` samples per request. A component with no queue in the engine (no per-instance
  limit) is a pure delay.

Modelling limits (said in the result's notes when they apply): shard skew is not simulated (the pool
is the average shard; the formula's hottest shard is compared after dividing by the skew); a
component's own peak factor is not applied (arrivals follow the clients' peak); quorum writes wait
for one copy.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import NamedTuple

from archplan.planner import units
from archplan.planner.catalog import Behaviour, Catalog, default_catalog
from archplan.planner.graph import expand_links
from archplan.planner.model import TRAFFIC_CLASSES, Component, Plan, link_classes

WRITE_CLASSES = frozenset(("write", "media_write"))
READ_CLASSES = frozenset(("read", "media_read"))
#: Longest route a request may take (a guard against plans whose fan-outs multiply without bound).
MAX_ROUTE = 20_000


class Visit(NamedTuple):
    """One stop of a request: the station (index), the mean service time there (s), and the background
    work it starts when it is done: (station, class, mean) for one unit of service at a station, or
    (station, class, None) for a message that starts a job of its own there."""

    station: int
    mean_s: float
    spawns: tuple


@dataclass(frozen=True)
class Station:
    """One component as a queue: what the simulation serves there."""

    id: str
    name: str
    kind: str
    behaviour: Behaviour
    service_s: float          # mean service time of a read (s); 0: the component takes no time
    write_factor: float       # a write's service time relative to a read's
    servers: int | None       # the engine's M/M/c servers (full scale); None: a pure delay
    instances: int            # deployed instances (replicas replay every write on each)
    skew: float = 1.0         # hottest shard / average shard (shard groups)

    @property
    def queueing(self) -> bool:
        return self.servers is not None


class Stream(NamedTuple):
    """Poisson arrivals of one traffic class from one client, at the full-scale peak rate (per second)."""

    client: str
    cls: str
    rate: float


@dataclass
class _Out:
    """What a component sends on, for one traffic class it handles."""

    choice: list[tuple[float, int, str]] = field(default_factory=list)  # (cumulative probability, target, class)
    fanout: list[tuple[int, str, float]] = field(default_factory=list)  # (target, class, calls per request)
    messages: list[tuple[int, str, float]] = field(default_factory=list)  # async: (target, class, per request)
    copies: list[int] = field(default_factory=list)  # replication targets (writes only)


def _capacity(component: Component, catalog: Catalog, name: str) -> float:
    if name in component.capacity:
        return float(component.capacity[name])
    return float(getattr(catalog[component.kind].capacity, name) or 0.0)


def _param(component: Component, name: str, default: float) -> float:
    try:
        return float(component.param(name))
    except KeyError:
        return default


def service_time(component: Component, catalog: Catalog | None = None) -> float:
    """Mean service time of one request (s): a worker's job time, else the catalog's latency_ms."""
    catalog = catalog or default_catalog()
    if catalog[component.kind].behaviour is Behaviour.WORKER:
        return _param(component, "job_s", 0.0)
    return _capacity(component, catalog, "latency_ms") / 1000.0


def _write_factor(component: Component, catalog: Catalog) -> float:
    reads, writes = _capacity(component, catalog, "read_qps"), _capacity(component, catalog, "write_qps")
    if catalog[component.kind].behaviour is Behaviour.WORKER or reads <= 0 or writes <= 0:
        return 1.0
    return reads / writes


def _fallback_servers(component: Component, catalog: Catalog, instances: int) -> int | None:
    """Servers where the engine reports none (it gives no M/M/c to a saturated component): instances x
    workers, workers = slots for a worker, the plan's workers, else capacity x service time (Little)."""
    behaviour = catalog[component.kind].behaviour
    s = service_time(component, catalog)
    if behaviour is Behaviour.WORKER:
        per = _param(component, "slots", 1.0)
    elif component.workers:
        per = float(component.workers)
    else:
        limit = _capacity(component, catalog, "read_qps") or _capacity(component, catalog, "write_qps")
        if limit <= 0 or s <= 0:
            return None
        per = max(1.0, math.ceil(limit * s - 1e-9))
    active = 1 if behaviour is Behaviour.SQL_PRIMARY else max(1, instances)
    return max(1, int(active * per))


class SimNetwork:
    """Stations, arrival streams and the route sampler of one plan (``result`` gives counts and servers)."""

    def __init__(self, plan: Plan, result, multiplier: float = 1.0, catalog: Catalog | None = None):
        self.plan = plan
        self.catalog = catalog = catalog or default_catalog()
        self.hop_s = plan.settings.network_hop_ms / 1000.0
        self.notes: list[str] = []
        self.stations: list[Station] = []
        self.index: dict[str, int] = {}
        self.components: dict[str, Component] = {c.id: c for c in plan.components}
        for component in plan.components:
            kind = catalog[component.kind]
            if kind.behaviour in (Behaviour.CLIENT, Behaviour.MONITOR):
                continue
            r = result.components[component.id]
            servers = r.details.get("servers")
            servers = int(servers) if servers else _fallback_servers(component, catalog, r.count)
            skew = _param(component, "skew", 1.0) if kind.behaviour is Behaviour.PARTITIONED else 1.0
            self.index[component.id] = len(self.stations)
            self.stations.append(Station(component.id, component.name, component.kind, kind.behaviour,
                                         service_time(component, catalog), _write_factor(component, catalog),
                                         servers, max(1, int(r.count)), skew))
            if skew > 1:
                self.notes.append(f"{component.name}: shard skew {skew:g} is not simulated (one pool of shards); "
                                  "the formula's hottest shard is compared after dividing by the skew")
            if component.peak_factor is not None:
                self.notes.append(f"{component.name}: its own peak factor is not simulated (arrivals follow the "
                                  "clients' peak)")
        self.clients = [c for c in plan.components if catalog[c.kind].behaviour is Behaviour.CLIENT]
        self.streams = self._streams(multiplier)
        self._out: dict[tuple[str, str], _Out] = {}
        self._links()

    # ------------------------------------------------------------------------------------ arrivals
    def _shares(self) -> list[float]:
        """Each client's fraction of the users (capacity-model.md, "Traffic classes"): its ``user_share``;
        clients without one split what the others leave, among those linked to something; shares adding
        up to more than 1 are scaled down to 1."""
        linked = {lk.source for lk in self.plan.links if lk.kind != "health"}
        given = [c.params.get("user_share") for c in self.clients]
        total = sum(g for g in given if g is not None)
        scale = 1.0 / total if total > 1.0 else 1.0
        unset = [c for c, g in zip(self.clients, given) if g is None and (c.id in linked or not linked)]
        rest = max(0.0, 1.0 - min(total, 1.0)) / len(unset) if unset else 0.0
        return [g * scale if g is not None else (rest if c in unset else 0.0) for c, g in zip(self.clients, given)]

    def _streams(self, multiplier: float) -> list[Stream]:
        profile = self.plan.traffic
        dau = profile.daily_active_users * multiplier
        streams = []
        for client, share in zip(self.clients, self._shares()):
            users = dau * share
            peak = client.peak_factor if client.peak_factor is not None else profile.peak_factor
            reads = users * profile.reads_per_user / units.DAY * peak
            writes = users * profile.writes_per_user / units.DAY * peak
            for cls, rate in (("read", reads), ("write", writes), ("media_read", reads * profile.media_read_fraction),
                              ("media_write", writes * profile.media_fraction)):
                if rate > 0:
                    streams.append(Stream(client.id, cls, rate))
        return streams

    # ------------------------------------------------------------------------------------ links
    def _links(self) -> None:
        edges = [e for e in expand_links(self.plan) if e.kind != "health"
                 and (e.target in self.index) and e.source in self.components]
        by_source: dict[str, list] = {}
        for edge in edges:
            by_source.setdefault(edge.source, []).append(edge)
        carried = {id(e.link): link_classes(self.plan, e.link) for e in edges}
        for source, out_edges in by_source.items():
            for cls in TRAFFIC_CLASSES:
                carrying = [e for e in out_edges if cls in carried[id(e.link)]]
                if carrying:
                    self._out[(source, cls)] = self._out_of(carrying, cls)

    def _out_of(self, edges: list, cls: str) -> _Out:
        """Alternatives, fan-outs, messages and copies for one class: the plan's link semantics
        (model.Link; capacity-model.md "Traffic classes and propagation")."""
        out = _Out()
        requests = [e for e in edges if e.kind == "request"]
        explicit = sum(e.link.share * e.split for e in requests if e.link.share is not None)
        claimed = sum(min(e.link.fanout, 1.0) * e.split for e in requests
                      if e.link.share is None and e.link.fanout is not None)
        open_links = {id(e.link) for e in requests if e.link.share is None and e.link.fanout is None}
        rest = max(0.0, 1.0 - explicit - claimed) / len(open_links) if open_links else 0.0
        cumulative = 0.0
        for e in requests:
            target, delivered = self.index[e.target], e.link.deliver_as or cls
            if e.link.fanout is not None and e.link.share is None:
                out.fanout.append((target, delivered, e.link.fanout * e.split))
                continue
            p = (e.link.share if e.link.share is not None else rest) * e.split
            if p > 0:
                cumulative += p
                out.choice.append((cumulative, target, delivered))
        for e in edges:
            if e.kind in ("async", "event"):
                delivered = e.link.deliver_as or ("write" if e.kind == "event" else cls)
                k = e.link.share if e.link.share is not None else (e.link.fanout if e.link.fanout is not None else 1.0)
                out.messages.append((self.index[e.target], delivered, k * e.split))
            elif e.kind == "replication" and cls in WRITE_CLASSES:
                out.copies.append(self.index[e.target])
        return out

    # ------------------------------------------------------------------------------------ routes
    def route(self, client: str, cls: str, rng: random.Random) -> tuple[list[Visit], int, tuple]:
        """One request from a client: its visits in order, the synchronous hops it makes, and the
        messages the client itself sends (async links out of the client)."""
        visits: list[Visit] = []
        spawns: list = []
        hops = self._calls(client, cls, visits, rng, spawns)
        return visits, hops, tuple(spawns)

    def job(self, station: int, cls: str, rng: random.Random) -> list[Visit]:
        """The visits of a background job (a message or a copy) that starts at a station."""
        visits: list[Visit] = []
        self._serve(station, cls, visits, rng)
        return visits

    def _serve(self, index: int, cls: str, visits: list[Visit], rng: random.Random) -> int:
        """Serve a request of class `cls` at a station, then make its calls; returns the hops made."""
        st = self.stations[index]
        component = self.components[st.id]
        if len(visits) > MAX_ROUTE:
            raise ValueError(f"a request through {st.name} makes more than {MAX_ROUTE:,} calls: lower a fan-out")
        behaviour = st.behaviour
        mean, work = st.service_s, 1.0  # work: units of service this request costs here
        if cls in WRITE_CLASSES:
            work = st.write_factor * (_copies(component, self.plan) if behaviour is Behaviour.PARTITIONED else 1.0)
        if work < 1.0:  # a write cheaper than a read (a search index): one shorter visit
            mean, work = mean * work, 1.0
        units_here, emissions = 1, 1
        if behaviour is Behaviour.NOTIFICATION:
            units_here = emissions = _count(_param(component, "channels_per_event", 1.0), rng)
        elif behaviour is Behaviour.EXTERNAL:
            failed = rng.random() < _param(component, "failure_rate", 0.0)
            units_here = emissions = 1 + (_count(_param(component, "retries", 0.0), rng) if failed else 0)
        elif behaviour is Behaviour.METRICS:
            units_here = _count(_param(component, "samples_per_request", 1.0), rng)
        if behaviour in (Behaviour.CACHE, Behaviour.CDN) and cls in READ_CLASSES:
            served_here = _param(component, "hit_ratio" if behaviour is Behaviour.CACHE else "offload", 0.0)
            if rng.random() < served_here:
                emissions = 0
        # the response waits for one unit of work; a write's further units (write-ahead log, index upkeep,
        # the other copies of a shard group) keep the same servers busy in the background
        spawns: list[tuple[int, str, float | None]] = [(index, cls, st.service_s)] * (_count(work, rng) - 1)
        if mean > 0:
            visits.extend(Visit(index, mean, ()) for _ in range(units_here))
        last = len(visits) - 1 if (mean > 0 and units_here) else -1
        hops = 0
        for _ in range(emissions):
            hops += self._calls(st.id, cls, visits, rng, spawns)
        if spawns:
            if last >= 0:
                v = visits[last]
                visits[last] = Visit(v.station, v.mean_s, v.spawns + tuple(spawns))
            else:  # a component that takes no time hands its messages on at once: a zero-time stop
                visits.append(Visit(index, 0.0, tuple(spawns)))
        return hops

    def _calls(self, source: str, cls: str, visits: list[Visit], rng: random.Random, spawns: list) -> int:
        out = self._out.get((source, cls))
        if out is None:
            return 0
        hops = 0
        if out.choice:
            u = rng.random()
            for cumulative, target, delivered in out.choice:
                if u < cumulative:
                    hops += 1 + self._serve(target, delivered, visits, rng)
                    break
        for target, delivered, k in out.fanout:
            for _ in range(_count(k, rng)):
                hops += 1 + self._serve(target, delivered, visits, rng)
        for target, delivered, k in out.messages:
            spawns += [(target, delivered, None)] * _count(k, rng)
        for target in out.copies:
            spawns += [(target, cls, self.stations[target].service_s)] * _count(self._replay_work(target), rng)
        return hops

    def _replay_work(self, station: int) -> float:
        """Units of work a replicated write costs a target: on a read replica, every instance replays it
        (apply_cost x a write each); any other target applies it once, as a write."""
        st = self.stations[station]
        if st.behaviour is Behaviour.SQL_REPLICA:
            return st.instances * _param(self.components[st.id], "apply_cost", 1.0) * st.write_factor
        return st.write_factor


def _copies(component: Component, plan: Plan) -> float:
    rf = _param(component, "replication_factor", 0.0)
    return rf if rf > 0 else plan.traffic.replication_factor


def _count(k: float, rng: random.Random) -> int:
    """An integer with mean k: its integer part, plus one with its fractional part as probability."""
    whole = math.floor(k)
    return int(whole) + (1 if rng.random() < k - whole else 0)
