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
"""

from __future__ import annotations

from planner import formulas as fx
from planner.catalog import Behaviour, ComponentKind
from planner.graph import Edge
from planner.model import TRAFFIC_CLASSES, Component, Plan

R, W, MR, MW = range(4)
N_CLASSES = len(TRAFFIC_CLASSES)
CLASS_INDEX = {name: i for i, name in enumerate(TRAFFIC_CLASSES)}
READ_CLASSES = (R, MR)
WRITE_CLASSES = (W, MW)


class AmplifyingLoopError(ValueError):
    """Async links form a loop that multiplies traffic: it never settles."""


class NodeLoad:
    """What reaches one component and what it emits, per traffic class (average, peak, bytes/s)."""

    __slots__ = ("component", "kind", "in_avg", "in_peak", "in_bytes", "repl_avg", "repl_peak", "repl_bytes",
                 "out_avg", "out_peak", "out_bytes", "users", "client_fed", "monitored_by", "figures")

    def __init__(self, component: Component, kind: ComponentKind):
        self.component = component
        self.kind = kind
        zeros = [0.0] * N_CLASSES
        self.in_avg, self.in_peak, self.in_bytes = zeros[:], zeros[:], zeros[:]
        self.repl_avg, self.repl_peak, self.repl_bytes = zeros[:], zeros[:], zeros[:]
        self.out_avg, self.out_peak, self.out_bytes = zeros[:], zeros[:], zeros
        self.users = 0.0
        self.client_fed = False  # a client links to it directly: its responses leave to the internet
        self.monitored_by: list[str] = []
        self.figures: dict = {}


class Transfer:
    """One edge with its per-class multipliers, computed once before propagation."""

    __slots__ = ("edge", "target", "factors", "replication", "convert")

    def __init__(self, edge: Edge, factors: tuple[float, ...], replication: bool, convert: int | None = None):
        self.edge = edge
        self.target = edge.target
        self.factors = factors
        self.replication = replication
        self.convert = convert  # class index everything is delivered as, or None


def edge_transfers(edges: list[Edge]) -> tuple[dict[str, list[Transfer]], dict[str, dict[int, float]]]:
    """Per source: its edges with per-class factors. Also the explicit share sum per source and class."""
    by_source: dict[str, list[Edge]] = {}
    for edge in edges:
        if edge.kind != "health":
            by_source.setdefault(edge.source, []).append(edge)
    transfers: dict[str, list[Transfer]] = {}
    share_sums: dict[str, dict[int, float]] = {}
    for source, out in by_source.items():
        explicit = [0.0] * N_CLASSES
        claimed = [0.0] * N_CLASSES
        open_links: set[tuple[str, int]] = set()  # a link expanded to a group's members counts once
        for edge in out:
            link = edge.link
            for name in link.classes:
                c = CLASS_INDEX[name]
                if link.share is not None:
                    explicit[c] += link.share * edge.split
                elif link.fanout is not None:
                    if link.kind == "request":  # a fan-out link takes the class whole (x k): none left to split
                        claimed[c] += min(link.fanout, 1.0) * edge.split
                elif link.kind == "request":
                    open_links.add((link.id, c))
        unassigned = [sum(1 for _lid, cc in open_links if cc == c) for c in range(N_CLASSES)]
        share_sums[source] = {c: explicit[c] for c in range(N_CLASSES) if explicit[c] > 0}
        rest = [max(0.0, 1.0 - explicit[c] - claimed[c]) / unassigned[c] if unassigned[c] else 0.0
                for c in range(N_CLASSES)]
        items = []
        for edge in out:
            link = edge.link
            factors = [0.0] * N_CLASSES
            for name in link.classes:
                c = CLASS_INDEX[name]
                if link.share is not None:
                    factors[c] = link.share * edge.split
                elif link.fanout is not None:
                    factors[c] = link.fanout * edge.split
                elif link.kind == "request":
                    factors[c] = rest[c] * edge.split
                else:
                    factors[c] = edge.split
            delivered = link.delivered_as
            items.append(Transfer(edge, tuple(factors), link.kind == "replication",
                                  None if delivered is None else CLASS_INDEX[delivered]))
        transfers[source] = items
    return transfers, share_sums


def pass_ratios(node: NodeLoad) -> list[float]:
    """Share of each class's inflow that the component emits downstream (before links split it)."""
    behaviour = node.kind.behaviour
    ratios = [1.0] * N_CLASSES
    if behaviour is Behaviour.CACHE:
        miss = 1.0 - node.component.param("hit_ratio")
        ratios[R] = ratios[MR] = miss
    elif behaviour is Behaviour.CDN:
        origin = 1.0 - node.component.param("offload")
        ratios[R] = ratios[MR] = origin
    elif behaviour is Behaviour.NOTIFICATION:
        ratios = [node.component.param("channels_per_event")] * N_CLASSES
    elif behaviour is Behaviour.EXTERNAL:
        ratios = [1.0 + node.component.param("retries") * node.component.param("failure_rate")] * N_CLASSES
    return ratios


def emit(node: NodeLoad, plan: Plan, client_users: float) -> None:
    """Fill node.out_* from node.in_* according to the component's behaviour."""
    comp, behaviour = node.component, node.kind.behaviour
    profile = plan.traffic
    if behaviour is Behaviour.CLIENT:
        node.users = client_users
        peak_factor = comp.peak_factor or profile.peak_factor
        reads = fx.AVG_RATE.figure(users=client_users, per_user=profile.reads_per_user, day_s=fx.DAY_S)
        writes = fx.AVG_RATE.figure(users=client_users, per_user=profile.writes_per_user, day_s=fx.DAY_S)
        node.figures["reads_avg"] = reads
        node.figures["writes_avg"] = writes
        node.figures["peak_qps"] = fx.PEAK_RATE.figure(avg=reads.value + writes.value, peak_factor=peak_factor)
        avg = [reads.value, writes.value, reads.value * profile.media_read_fraction,
               writes.value * profile.media_fraction]
        sizes = [profile.response_size, profile.request_size, profile.media_size, profile.media_size]
        node.out_avg[:] = avg
        node.out_peak[:] = [a * peak_factor for a in avg]
        node.out_bytes[:] = [a * s for a, s in zip(avg, sizes)]
        return
    if comp.peak_factor is not None:  # the component sees its own peak shape
        node.in_peak[:] = [a * comp.peak_factor for a in node.in_avg]
    ratios = pass_ratios(node)
    for c in range(N_CLASSES):
        node.out_avg[c] = node.in_avg[c] * ratios[c]
        node.out_peak[c] = node.in_peak[c] * ratios[c]
        node.out_bytes[c] = node.in_bytes[c] * ratios[c]
    if behaviour in (Behaviour.QUEUE, Behaviour.PUBSUB):
        duration, bound = comp.param("peak_duration_s"), comp.param("drain_bound_s")
        for c in range(N_CLASSES):
            if node.in_peak[c] > node.in_avg[c]:
                node.out_peak[c] = fx.QUEUE_DRAIN(avg=node.in_avg[c], peak=node.in_peak[c], D=duration, T=bound)


def deliver(node: NodeLoad, transfers: list[Transfer], nodes: dict[str, NodeLoad]) -> None:
    """Add node's emitted flows to its targets' inflows."""
    for transfer in transfers:
        target = nodes[transfer.target]
        if transfer.replication:
            avg, peak, byt = target.repl_avg, target.repl_peak, target.repl_bytes
        else:
            avg, peak, byt = target.in_avg, target.in_peak, target.in_bytes
            if node.kind.behaviour is Behaviour.CLIENT:
                target.client_fed = True
        into = transfer.convert
        for c, factor in enumerate(transfer.factors):
            if factor:
                d = c if into is None else into
                avg[d] += node.out_avg[c] * factor
                peak[d] += node.out_peak[c] * factor
                byt[d] += node.out_bytes[c] * factor


def propagate(plan: Plan, nodes: dict[str, NodeLoad], order: list[list[str]],
              transfers: dict[str, list[Transfer]], client_users: dict[str, float]) -> None:
    """Run the traffic through the graph in evaluation order (blocks of async loops iterate)."""
    for block in order:
        if len(block) == 1:
            node = nodes[block[0]]
            emit(node, plan, client_users.get(block[0], 0.0))
            deliver(node, transfers.get(block[0], []), nodes)
            continue
        _propagate_loop(plan, nodes, block, transfers, client_users)


def _propagate_loop(plan, nodes, block, transfers, client_users, max_rounds: int = 500) -> None:
    members = set(block)
    outside = {n: ([*nodes[n].in_avg], [*nodes[n].in_peak], [*nodes[n].in_bytes],
                   [*nodes[n].repl_avg], [*nodes[n].repl_peak], [*nodes[n].repl_bytes]) for n in block}
    previous = None
    for _ in range(max_rounds):
        for n in block:
            emit(nodes[n], plan, client_users.get(n, 0.0))
        for n in block:
            node = nodes[n]
            node.in_avg[:], node.in_peak[:], node.in_bytes[:] = (list(v) for v in outside[n][:3])
            node.repl_avg[:], node.repl_peak[:], node.repl_bytes[:] = (list(v) for v in outside[n][3:])
        for n in block:
            inner = [t for t in transfers.get(n, []) if t.edge.target in members]
            deliver(nodes[n], inner, nodes)
        total = sum(sum(nodes[n].in_peak) + sum(nodes[n].repl_peak) for n in block)
        if previous is not None and abs(total - previous) <= 1e-9 * max(1.0, total):
            break
        if total > 1e15:
            raise AmplifyingLoopError(f"async links loop through {', '.join(block)} and multiply traffic "
                                      "without bound; lower a share or fan-out on the loop")
        previous = total
    else:
        raise AmplifyingLoopError(f"async links loop through {', '.join(block)} and never settle; "
                                  "lower a share or fan-out on the loop")
    for n in block:
        emit(nodes[n], plan, client_users.get(n, 0.0))
        deliver(nodes[n], [t for t in transfers.get(n, []) if t.edge.target not in members], nodes)
