"""
Load propagation: how the traffic profile flows from clients through the graph.

Traffic is carried in four classes: ``read``, ``write``, ``media_read`` and ``media_write``. For each
class a flow has an average rate, a peak rate (ops/s) and an average byte rate. Clients emit the
profile's traffic; every component transforms what reaches it (capacity-model.md, "Behaviour per kind")
and its outgoing links split the result:

- a link with ``share`` s carries s of what the source emits, per class it carries;
- a link with ``fanout`` k carries k times it (each request becomes k downstream requests);
- request links with neither split, equally, what explicit shares and fan-out links leave unclaimed
  (a request fan-out link takes its class whole: a new, unset link beside it carries nothing until
  it is given a share, so a node never sends all of its load to every child by accident);
- async, event and replication links with neither carry all of it (fan-out 1: every message is
  delivered to every subscriber); health links carry no traffic;
- a link may convert what it carries (``deliver_as``): an event link delivers writes, since an event
  or a log line is a write to the index or store that consumes it, whatever request caused it.

Replication links deliver the write stream into a separate "replicated" inflow (replicas replay it).
Loops through async links are solved by iteration (they must shrink: total gain below 1).

Everything is held as arrays (component rows x classes) and evaluated a level of the graph at a time
(planner.graph.evaluation_levels): the components of one level never feed each other.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from archplan.planner import formulas as fx
from archplan.planner.catalog import Behaviour
from archplan.planner.columns import CODE, ComponentTable
from archplan.planner.graph import Edge, Level
from archplan.planner.model import TRAFFIC_CLASSES, Plan, default_classes

R, W, MR, MW = range(4)
N_CLASSES = len(TRAFFIC_CLASSES)
CLASS_INDEX = {name: i for i, name in enumerate(TRAFFIC_CLASSES)}
READ_CLASSES = (R, MR)
WRITE_CLASSES = (W, MW)
AVG, PEAK, BYTES = range(3)
_LINK_KINDS = ("request", "async", "event", "replication")


def class_sum(values: np.ndarray) -> np.ndarray:
    """Per row, the sum over the four traffic classes (rows x classes), added in class order."""
    return values[:, 0] + values[:, 1] + values[:, 2] + values[:, 3]


class AmplifyingLoopError(ValueError):
    """Async links form a loop that multiplies traffic: it never settles."""


class Transfers:
    """Every traffic-carrying edge as arrays: source and target rows, per-class factors, where it delivers.

    ``factors[e, c]`` is the share (or multiple) of the source's class-c output that edge e carries;
    ``into[e, c]`` the flat inflow cell it lands in: target row (offset by n for the replicated
    inflow of a replication link) x classes + the class it is delivered as."""

    def __init__(self, edges: list[Edge], table: ComponentTable):
        n = table.n
        carrying = [e for e in edges if e.kind != "health"]
        self.edges = carrying
        m = len(carrying)
        index = table.index
        self.source = np.fromiter((index[e.source] for e in carrying), dtype=np.intp, count=m)
        self.target = np.fromiter((index[e.target] for e in carrying), dtype=np.intp, count=m)
        split = np.fromiter((e.split for e in carrying), dtype=float, count=m)
        links = [e.link for e in carrying]
        replica = CODE[Behaviour.SQL_REPLICA]
        into_replica = (table.behaviour[self.target] == replica).tolist()
        described = [_describe(lk.kind, lk.share, lk.fanout, None if lk.classes is None else tuple(lk.classes),
                               lk.deliver_as, to_replica) for lk, to_replica in zip(links, into_replica)]
        kind, share, fanout, convert = (np.array(column) for column in list(zip(*described))[:4]) if m else (
            np.zeros(0, dtype=np.intp), np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.intp))
        carries = np.array([d[4] for d in described], dtype=bool).reshape(m, N_CLASSES)
        link_row: dict[int, int] = {}
        link_id = np.fromiter((link_row.setdefault(id(lk), len(link_row)) for lk in links), dtype=np.intp, count=m)
        request = kind == 0
        has_share, has_fanout = ~np.isnan(share), ~np.isnan(fanout)
        open_ = request & ~has_share & ~has_fanout
        self.request, self.open = request, open_
        #: request links every request makes (fan-out); the other request links split it (alternatives)
        self.needed = request & ~has_share & has_fanout
        self.kind = kind

        # per source and class: explicit shares, what request fan-out links claim, the open request links
        cells = (self.source[:, None] * N_CLASSES + np.arange(N_CLASSES)).ravel()
        size = n * N_CLASSES
        explicit = np.bincount(cells, (np.where(has_share, share * split, 0.0)[:, None] * carries).ravel(),
                               minlength=size).reshape(n, N_CLASSES)
        claim = np.where(request & ~has_share & has_fanout, np.minimum(fanout, 1.0) * split, 0.0)
        claimed = np.bincount(cells, (claim[:, None] * carries).ravel(), minlength=size).reshape(n, N_CLASSES)
        # a link expanded to a group's members counts once among its source's open links
        first = np.zeros(m, dtype=bool)
        if m:
            pairs = self.source * (len(link_row) + 1) + link_id
            _, firsts = np.unique(pairs, return_index=True)
            first[firsts] = True
        unassigned = np.bincount(cells, ((open_ & first)[:, None] * carries).ravel().astype(float),
                                 minlength=size).reshape(n, N_CLASSES)
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = np.where(unassigned > 0, np.maximum(0.0, 1.0 - explicit - claimed) / unassigned, 0.0)
        self.explicit = explicit  # the explicit share sum per source and class (findings: above 1?)
        base = np.where(has_share, share, np.where(has_fanout, fanout, 1.0))[:, None] * split[:, None]
        factors = np.where(open_[:, None], rest[self.source] * split[:, None], base)
        self.factors = np.where(carries, factors, 0.0)
        self.carries = carries
        destination = np.where(convert[:, None] >= 0, convert[:, None], np.arange(N_CLASSES))
        row = self.target + np.where(kind == _LINK_KINDS.index("replication"), n, 0)
        self.into = row[:, None] * N_CLASSES + destination
        # a client's direct (non-replication) links: the target's responses leave to the internet
        self.client_fed = np.zeros(n, dtype=bool)
        from_client = table.behaviour[self.source] == CODE[Behaviour.CLIENT]
        self.client_fed[self.target[from_client & (kind != _LINK_KINDS.index("replication"))]] = True
        order = np.argsort(self.source, kind="stable")
        self._by_source = order
        self._starts = np.searchsorted(self.source[order], np.arange(n + 1))

    def out_of(self, rows: np.ndarray | list[int]) -> np.ndarray:
        """Edge indices leaving these rows, in edge order."""
        rows = np.asarray(rows, dtype=np.intp)
        if len(rows) == 1:
            r = int(rows[0])
            return self._by_source[self._starts[r]:self._starts[r + 1]]
        picked = np.isin(self.source, rows)
        return np.flatnonzero(picked)


@lru_cache(maxsize=4096)
def _describe(kind: str, share: float | None, fanout: float | None, classes: tuple[str, ...] | None,
              deliver_as: str | None, into_replica: bool) -> tuple[int, float, float, int, tuple[bool, ...]]:
    """A link's settings as numbers: kind code, share and fan-out (NaN: unset), the class it delivers
    as (-1: as sent; events deliver writes) and which classes it carries (unset: the default for its
    target, see default_classes). Links repeat a handful of settings, so this is cached by value."""
    delivered = deliver_as or ("write" if kind == "event" else None)
    if classes is None:
        classes = default_classes(kind, into_replica)
    return (_LINK_KINDS.index(kind), np.nan if share is None else float(share),
            np.nan if fanout is None else float(fanout), -1 if delivered is None else CLASS_INDEX[delivered],
            tuple(name in classes for name in TRAFFIC_CLASSES))


class Flows:
    """What reaches each component and what it emits: arrays [avg, peak, bytes] x rows x classes.

    ``inflow`` has 2n rows: rows n.. hold the replicated stream a replica replays (from replication
    links), apart from the traffic it serves."""

    def __init__(self, n: int):
        self.n = n
        self.inflow = np.zeros((3, 2 * n, N_CLASSES))
        self.out = np.zeros((3, n, N_CLASSES))

    @property
    def in_avg(self) -> np.ndarray:
        return self.inflow[AVG, :self.n]

    @property
    def in_peak(self) -> np.ndarray:
        return self.inflow[PEAK, :self.n]

    @property
    def in_bytes(self) -> np.ndarray:
        return self.inflow[BYTES, :self.n]

    @property
    def repl_avg(self) -> np.ndarray:
        return self.inflow[AVG, self.n:]

    @property
    def repl_peak(self) -> np.ndarray:
        return self.inflow[PEAK, self.n:]


def pass_ratios(table: ComponentTable, figures: fx.FigureTable) -> np.ndarray:
    """Share of each class's inflow that a component emits downstream (rows x classes), each by the
    formula that explains it: a cache's misses, a CDN's origin share (recorded as "pass_ratio"), a
    notification's channels and an external API's retries (the per-event form of their figures)."""
    ratios = np.ones((table.n, N_CLASSES))
    for behaviour, formula, parameter in ((Behaviour.CACHE, fx.CACHE_PASS, "hit_ratio"),
                                          (Behaviour.CDN, fx.CDN_PASS, "offload")):
        rows = np.flatnonzero(table.of(behaviour))
        if rows.size:
            passed = figures.add("pass_ratio", formula, rows, **{parameter: table.param(parameter)[rows]})
            ratios[rows, R] = passed
            ratios[rows, MR] = passed
    rows = np.flatnonzero(table.of(Behaviour.NOTIFICATION))
    if rows.size:
        ratios[rows] = fx.FANOUT_CHANNELS.vector(events=1.0, channels=table.param("channels_per_event")[rows])[:, None]
    rows = np.flatnonzero(table.of(Behaviour.EXTERNAL))
    if rows.size:
        ratios[rows] = fx.RETRY_LOAD.vector(requests=1.0, retries=table.param("retries")[rows],
                                            failure_rate=table.param("failure_rate")[rows])[:, None]
    return ratios


class Propagation:
    """Runs the traffic through the graph; keeps the client figures it works out on the way."""

    def __init__(self, plan: Plan, table: ComponentTable, transfers: Transfers, ratios: np.ndarray,
                 figures: fx.FigureTable, client_users: np.ndarray, consumer_capacity: np.ndarray | None = None):
        """``consumer_capacity`` (per row, NaN where unknown): what the consumers of each queue take at 100 %
        busy, once they are sized. Without it a queue delivers the drain rate its consumers are sized for;
        with it, what they really take at peak: the peak itself, or their capacity if that is less."""
        self.plan, self.table, self.transfers, self.figures = plan, table, transfers, figures
        self.consumer_capacity = consumer_capacity
        self.flows = Flows(table.n)
        self.ratios = ratios
        self.client_users = client_users
        self.is_client = table.of(Behaviour.CLIENT)
        queue = table.of(Behaviour.QUEUE, Behaviour.PUBSUB)
        self.is_queue = queue
        self.peak_duration = table.param("peak_duration_s")
        self.drain_bound = table.param("drain_bound_s")
        self.own_peak = ~np.isnan(table.peak_factor)

    def run(self, levels: list[Level]) -> Flows:
        for singles, loops in levels:
            if singles:
                rows = np.array(singles, dtype=np.intp)
                self.emit(rows)
                self.deliver(self.transfers.out_of(rows))
            for block in loops:
                self._loop(block)
        return self.flows

    # ------------------------------------------------------------------ one wave
    def emit(self, rows: np.ndarray) -> None:
        """Fill the rows' outflow from their inflow according to each component's behaviour."""
        flows, table = self.flows, self.table
        clients = self.is_client[rows]
        if clients.any():
            self._emit_clients(rows[clients])
            rows = rows[~clients]
            if not len(rows):
                return
        inflow = flows.inflow
        own = self.own_peak[rows]
        if own.any():  # the component sees its own peak shape
            mine = rows[own]
            inflow[PEAK, mine] = inflow[AVG, mine] * table.peak_factor[mine, None]
        ratios = self.ratios[rows]
        flows.out[:, rows] = inflow[:, rows] * ratios
        queues = self.is_queue[rows]
        if queues.any() and self.consumer_capacity is not None:
            q = rows[queues]
            q = q[~np.isnan(self.consumer_capacity[q])]
            if q.size:
                peak = class_sum(inflow[PEAK, q])
                delivered = self.figures.add("delivered", fx.QUEUE_DELIVERED, q, peak=peak,
                                             capacity=self.consumer_capacity[q])
                scale = np.divide(delivered, peak, out=np.ones_like(peak), where=peak > 0)
                flows.out[PEAK, q] = inflow[PEAK, q] * scale[:, None]
                # consumers slower than the average arrival: they take their capacity all day, the backlog grows
                avg = class_sum(inflow[AVG, q])
                behind = avg > delivered
                if behind.any():
                    slow = np.divide(delivered, avg, out=np.ones_like(avg), where=behind)
                    flows.out[AVG, q] *= slow[:, None]
                    flows.out[BYTES, q] *= slow[:, None]
        elif queues.any():
            q = rows[queues]
            avg, peak = inflow[AVG, q], inflow[PEAK, q]
            smoothed = peak > avg
            if smoothed.any():
                at = np.nonzero(smoothed)
                drain = fx.QUEUE_DRAIN.vector(avg=avg[at], peak=peak[at], D=self.peak_duration[q][at[0]],
                                              T=self.drain_bound[q][at[0]])
                out_peak = flows.out[PEAK, q]
                out_peak[at] = drain
                flows.out[PEAK, q] = out_peak

    def _emit_clients(self, rows: np.ndarray) -> None:
        flows, profile, table = self.flows, self.plan.traffic, self.table
        users = self.client_users[rows]
        peak_factor = np.where(np.isnan(table.peak_factor[rows]), profile.peak_factor, table.peak_factor[rows])
        reads = self.figures.add("reads_avg", fx.AVG_RATE, rows, users=users, per_user=profile.reads_per_user,
                                 day_s=fx.DAY_S)
        writes = self.figures.add("writes_avg", fx.AVG_RATE, rows, users=users, per_user=profile.writes_per_user,
                                  day_s=fx.DAY_S)
        self.figures.add("peak_qps", fx.PEAK_RATE, rows, avg=reads + writes, peak_factor=peak_factor)
        avg = np.stack([reads, writes, reads * profile.media_read_fraction, writes * profile.media_fraction], axis=1)
        sizes = np.array([profile.response_size, profile.request_size, profile.media_size, profile.media_size])
        flows.out[AVG, rows] = avg
        flows.out[PEAK, rows] = avg * peak_factor[:, None]
        flows.out[BYTES, rows] = avg * sizes

    def deliver(self, edges: np.ndarray) -> None:
        """Add the sources' emitted flows to their targets' inflows along these edges."""
        if not len(edges):
            return
        t = self.transfers
        factors = t.factors[edges]
        sent = self.flows.out[:, t.source[edges]] * factors  # 3 x edges x classes
        cells = t.into[edges].ravel()
        size = 2 * self.flows.n * N_CLASSES
        inflow = self.flows.inflow.reshape(3, size)
        carried = (factors != 0).ravel()
        cells = cells[carried]
        for q in range(3):
            inflow[q] += np.bincount(cells, sent[q].ravel()[carried], minlength=size)

    # ------------------------------------------------------------------ async loops
    def _loop(self, block: list[int], max_rounds: int = 500) -> None:
        rows = np.array(block, dtype=np.intp)
        n = self.flows.n
        both = np.concatenate([rows, rows + n])
        inflow = self.flows.inflow
        outside = inflow[:, both].copy()
        edges = self.transfers.out_of(rows)
        inner_mask = np.isin(self.transfers.target[edges], rows)
        inner, outer = edges[inner_mask], edges[~inner_mask]
        previous = None
        for _ in range(max_rounds):
            self.emit(rows)
            inflow[:, both] = outside
            self.deliver(inner)
            total = float(inflow[PEAK, rows].sum() + inflow[PEAK, rows + n].sum())
            if previous is not None and abs(total - previous) <= 1e-9 * max(1.0, total):
                break
            if total > 1e15:
                raise AmplifyingLoopError(f"async links loop through {', '.join(self._ids(block))} and multiply "
                                          "traffic without bound; lower a share or fan-out on the loop")
            previous = total
        else:
            raise AmplifyingLoopError(f"async links loop through {', '.join(self._ids(block))} and never settle; "
                                      "lower a share or fan-out on the loop")
        self.emit(rows)
        self.deliver(outer)

    def _ids(self, block: list[int]) -> list[str]:
        return sorted(self.table.ids[i] for i in block)
