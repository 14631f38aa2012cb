"""
The discrete-event kernel of the simulation: ciw's event loop, arrival process and distributions, with
a node that scales to thousands of servers.

ciw's stock node looks for a free server, and for the next service completion, by scanning every
server of the node, and it is asked for its next event after every event of the whole network; a
component with thousands of servers (a fleet of 40-worker instances) would cost thousands of steps per
event. ``PoolNode`` keeps the same FIFO, c-server, exponential-service behaviour with a stack of free
servers, a heap of completion times and a deque of waiting requests, and logs each visit (arrival,
service start, service end) for the statistics instead of ciw's per-visit records. Routing is the
plan's (planner.simnet): each request carries its remaining visits, and a visit that ends may start
background jobs (messages, copies) at other components.

Every random draw comes from one ``random.Random`` seeded by the caller (inter-arrival and service
times, routes), so a seed gives the same run, and ciw's global generator is left alone.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import deque
from collections.abc import Callable

import ciw

from archplan.planner.simnet import SimNetwork, Visit
from archplan.planner.simulation import Cancelled

INF = math.inf
#: How often (events) the loop reports progress and looks at the cancel flag.
CHECK_EVERY = 2048


class _Shared:
    """ciw deep-copies each distribution; these must keep drawing from the run's one generator (copies
    would replay the same numbers: inter-arrival and service times in lock step)."""

    def __deepcopy__(self, memo):
        return self


class _Poisson(_Shared, ciw.dists.Distribution):
    """Exponential inter-arrival times at `rate` per second, from the run's generator."""

    def __init__(self, rate: float, rng: random.Random):
        self.rate, self.rng = rate, rng

    def sample(self, t=None, ind=None):
        return self.rng.expovariate(self.rate)


class _VisitTime(_Shared, ciw.dists.Distribution):
    """Exponential service with the mean of the request's current visit (0: no time)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def sample(self, t=None, ind=None):
        mean = ind.visit.mean_s
        return self.rng.expovariate(1.0 / mean) if mean > 0 else 0.0


class _Exit(ciw.ExitNode):
    """Counts what leaves; keeps nothing (a long run would otherwise hold every request in memory)."""

    def accept(self, next_individual, completed=True):
        self.number_of_individuals += 1


class PoolNode(ciw.Node):
    """A FIFO queue in front of c identical servers (see the module docstring)."""

    def __init__(self, id_, simulation):
        super().__init__(id_, simulation)
        self._free = list(reversed(self.servers)) if not math.isinf(self.c) else []
        self._heap: list = []
        self._seq = itertools.count()
        self._waiting: deque = deque()
        self.log_arrival: list[float] = []
        self.log_start: list[float] = []
        self.log_end: list[float] = []
        self.run: Run | None = None  # set by Run once ciw has built the nodes

    def accept(self, next_individual, completed=False):
        next_individual.node = self.id_number
        next_individual.exit_date = False
        self.number_of_individuals += 1
        next_individual.arrival_date = self.simulation.current_time
        if self._free:
            self._start(next_individual, self._free.pop())
        elif self.run.queue_limit is not None and len(self._waiting) >= self.run.queue_limit:
            self.number_of_individuals -= 1
            self.run.drop(self, next_individual)
        else:
            self._waiting.append(next_individual)

    def _start(self, ind, server) -> None:
        now = self.simulation.current_time
        server.cust = ind
        server.busy = True
        ind.server = server
        ind.service_start_date = now
        duration = self.get_service_time(ind)
        end = now + duration
        ind.service_end_date = end
        self.number_in_service += 1
        server.next_end_service_date = end
        heapq.heappush(self._heap, (end, next(self._seq), server))
        self.log_arrival.append(ind.arrival_date)
        self.log_start.append(now)
        self.log_end.append(end)

    def update_next_event_date(self):
        heap = self._heap
        while heap and (not heap[0][2].busy or heap[0][2].next_end_service_date != heap[0][0]):
            heapq.heappop(heap)
        if heap:
            self.next_event_date = heap[0][0]
            self.next_individual = [heap[0][2].cust]
        else:
            self.next_event_date = INF
            self.next_individual = None
        self.next_event_type = "end_service"

    def finish_service(self):
        ind = self.next_individual[0]
        destination = self.run.advance(ind)
        server = ind.server
        server.next_end_service_date = INF
        self.number_of_individuals -= 1
        self.number_in_service -= 1
        server.cust = False
        server.busy = False
        ind.server = False
        if self._waiting:
            self._start(self._waiting.popleft(), server)
        else:
            self._free.append(server)
        destination.accept(ind)

    def waiting_arrivals(self) -> list[float]:
        return [ind.arrival_date for ind in self._waiting]


class Run:
    """One simulation: the ciw network built from a SimNetwork, the routing, and the logs."""

    def __init__(self, net: SimNetwork, scale: float, servers: list[int], rng: random.Random,
                 queue_limit: int | None = None):
        self.net, self.scale, self.rng, self.queue_limit = net, scale, rng, queue_limit
        self.offset = 1 + len(net.clients)  # ciw node numbers: clients first, then stations
        self.ends: list[tuple[int, float, float, int]] = []  # (stream, start, end, hops) of finished requests
        self.dropped: dict[int, int] = {}  # station -> requests turned away (queue limit)
        self.dropped_requests = [0] * len(net.streams)
        self.born: list[list[float]] = [[] for _ in net.streams]  # start times of each stream's requests
        self._ids = itertools.count(1)
        client_node = {c.id: i for i, c in enumerate(net.clients)}
        n_nodes = len(net.clients) + len(net.stations)
        visit_time = _VisitTime(rng)
        classes = [f"s{i}" for i in range(len(net.streams))] + ["job"]
        arrivals = {}
        for i, stream in enumerate(net.streams):
            column: list = [None] * n_nodes
            column[client_node[stream.client]] = _Poisson(stream.rate / scale, rng)
            arrivals[classes[i]] = column
        arrivals["job"] = [None] * n_nodes
        network = ciw.create_network(
            arrival_distributions=arrivals,
            service_distributions={c: [visit_time] * n_nodes for c in classes},
            number_of_servers=[4] * len(net.clients) + servers,
            routing={c: _Router(self, i if c != "job" else -1) for i, c in enumerate(classes)},
        )
        self.sim = ciw.Simulation(network, node_class=PoolNode, exit_node_class=_Exit)
        for node in self.sim.transitive_nodes:
            node.run = self
        self.stations: list[PoolNode] = self.sim.nodes[self.offset:self.offset + len(net.stations)]
        self.events = 0

    # ------------------------------------------------------------------------------------ routing
    def advance(self, ind):
        """The node a request goes to once its current visit ends (starting the visit's jobs first)."""
        sim = self.sim
        visit = ind.visit
        if visit.spawns:
            self._spawn(visit.spawns)
        if ind.route:
            nxt = ind.route.pop()
            ind.visit = nxt
            return sim.nodes[self.offset + nxt.station]
        if ind.stream >= 0:
            self.ends.append((ind.stream, ind.born, sim.current_time, ind.hops))
        return sim.nodes[-1]

    def drop(self, node: PoolNode, ind) -> None:
        station = node.id_number - self.offset
        self.dropped[station] = self.dropped.get(station, 0) + 1
        if ind.stream >= 0:
            self.dropped_requests[ind.stream] += 1

    def _spawn(self, spawns: tuple) -> None:
        net, sim = self.net, self.sim
        for station, cls, mean in spawns:
            if mean is not None:
                route = [Visit(station, mean, ())]
            else:
                route = net.job(station, cls, self.rng)
                if not route:
                    continue
            ind = sim.IndividualType(next(self._ids), "job", 0, simulation=sim)
            route.reverse()
            first = route.pop()
            ind.route, ind.visit, ind.stream, ind.hops, ind.born = route, first, -1, 0, sim.current_time
            sim.nodes[self.offset + first.station].accept(ind)

    # ------------------------------------------------------------------------------------ the loop
    def run_until(self, horizon: float, progress: Callable[[float], None] | None = None,
                  cancel: Callable[[], bool] | None = None) -> None:
        sim = self.sim
        nxt = sim.find_next_active_node()
        sim.current_time = nxt.next_event_date
        events = 0
        while sim.current_time < horizon:
            nxt = sim.event_and_return_nextnode(nxt)
            sim.current_time = nxt.next_event_date
            events += 1
            if events % CHECK_EVERY == 0:
                if cancel is not None and cancel():
                    raise Cancelled("simulation cancelled")
                if progress is not None:
                    progress(min(1.0, sim.current_time / horizon))
        sim.current_time = horizon
        self.events = events
        if progress is not None:
            progress(1.0)


class _Router(ciw.routing.ProcessBased):
    """Routes the requests of one client stream (or background jobs, stream -1) along sampled routes."""

    def __init__(self, run: Run, stream: int):
        self.run, self.stream = run, stream

    def initialise(self, simulation):
        self.simulation = simulation

    def initialise_individual(self, ind):
        run = self.run
        stream = run.net.streams[self.stream]
        visits, hops, spawns = run.net.route(stream.client, stream.cls, run.rng)
        visits.reverse()
        ind.route, ind.visit, ind.hops, ind.stream = visits, Visit(-1, 0.0, spawns), hops, self.stream
        ind.born = self.simulation.current_time
        run.born[self.stream].append(ind.born)

    def next_node(self, ind, node_id):
        return self.run.advance(ind)
