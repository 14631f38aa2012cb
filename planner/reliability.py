"""
Availability: of one instance, of a component, and of what a client's requests need
(capacity-model.md, "Availability").

- One instance of a self-managed kind: a = sla x MTBF / (MTBF + MTTR). The machine must be up (the
  catalog's figure for one instance, e.g. a single cloud VM's SLA) and the process too, MTTR being the
  failure detection (a health check's heartbeats, else noticing by hand) plus the restart. A managed
  service's availability is its provider's SLA; a figure the user typed is taken as given.
- A component: at least k of its N instances up, k the instances the peak needs. A shard group or a
  replicated store answers a key while a quorum of its copies is up (reads R of rf, writes W of rf,
  a majority by default), and every shard is needed for its keys. A component past 100 % of its
  capacity at peak serves at most 1 / rho of the requests: its availability falls to that.
- A client, per traffic class, from the end of its request paths back: a request needs the component it
  reaches; what the component passes on also needs its route, where every fan-out call is needed
  (series) and, of the calls that split the traffic, the targets of one kind are alternatives
  (parallel: two replica components can each serve a read) while different kinds are different
  routes (weighted by their share). Writes still need the primary; async links are not on the path.

Failures are taken as independent; a zone, power feed or deploy shared by several parts is a common
cause the model does not see (the figures are upper bounds in that sense, shown with the precision
planner.units.format_availability allows).
"""

from __future__ import annotations

import numpy as np

from archplan.planner import formulas as fx
from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.planner.propagation import MR, MW, R, W
from archplan.planner.run import Run
from archplan.planner.sizing import BANDWIDTH, SINGLE_ACTIVE, THROUGHPUT, store_copies


def instance_availability(run: Run, detection: np.ndarray) -> np.ndarray:
    table, cap = run.table, run.table.capacity
    out = np.ones(table.n)
    published = run.served & (table.managed | table.own_availability)  # an SLA, or the user's own figure
    out[published] = cap["availability"][published]
    rows = np.flatnonzero(run.served & ~published)
    if rows.size:
        out[rows] = run.figures.add("instance_availability", fx.AVAILABILITY_MTTR, rows,
                                    sla=cap["availability"][rows], mtbf=cap["mtbf_hours"][rows] * units.HOUR,
                                    detect=detection[rows], restart=cap["restart_s"][rows])
    return out


def quorums(run: Run, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(copies, read quorum, write quorum) of partitioned stores: a majority unless the plan says."""
    rf = np.maximum(1.0, np.trunc(store_copies(run.table, run.plan)[rows]))
    majority = np.floor(rf / 2) + 1
    quorum = []
    for name in ("read_quorum", "write_quorum"):
        given = run.table.param(name)[rows]
        quorum.append(np.where(given > 0, np.minimum(given, rf), majority))
    return rf, quorum[0], quorum[1]


def component_availability(run: Run, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Availability of each component: (headline, per request for reads, per request for writes).

    They are equal except for a shard group: a request touches one shard's copies (R or W of rf), while
    the store as a whole (the headline) needs every shard."""
    table, s = run.table, run.s
    read = np.ones(table.n)
    managed = run.served & table.managed
    read[managed] = a[managed]  # the provider's SLA covers the whole service, however many partitions it uses
    own = run.served & ~table.managed
    write = read.copy()
    headline = read.copy()
    rows = np.flatnonzero(own & table.of(Behaviour.PARTITIONED))
    if rows.size:
        rf, read_q, write_q = quorums(run, rows)
        shards = np.maximum(1.0, np.ceil(np.maximum(1.0, s.count[rows]) / rf - 1e-9))
        copies = np.minimum(rf, np.maximum(1.0, s.count[rows]))
        read_q, write_q = np.minimum(read_q, copies), np.minimum(write_q, copies)
        # a request needs its key's shard: R (or W) of that shard's copies
        read[rows] = run.figures.add("availability_read", fx.AVAILABILITY_QUORUM, rows, a=a[rows], q=read_q,
                                     rf=copies, shards=1.0)
        write[rows] = run.figures.add("availability_write", fx.AVAILABILITY_QUORUM, rows, a=a[rows], q=write_q,
                                      rf=copies, shards=1.0)
        # the store as a whole: every shard answering (the writes' quorum where it takes writes)
        writes = s.writes_peak[rows] > 0
        headline[rows] = run.figures.add("availability", fx.AVAILABILITY_QUORUM, rows, a=a[rows],
                                         q=np.where(writes, write_q, read_q), rf=copies, shards=shards)
    rows = np.flatnonzero(own & ~table.of(Behaviour.PARTITIONED))
    if rows.size:
        scales = (s.binding[rows] == THROUGHPUT) | (s.binding[rows] == BANDWIDTH)
        at_full = np.nan_to_num(s.resource[rows, THROUGHPUT], nan=0.0) / np.maximum(1e-12, 1.0 - s.replay[rows])
        needed = np.where(scales & ~table.of(*SINGLE_ACTIVE)[rows], np.maximum(1.0, np.ceil(at_full - 1e-9)), 1.0)
        deployed = np.maximum(1.0, s.count[rows])
        read[rows] = write[rows] = headline[rows] = run.figures.add(
            "availability", fx.AVAILABILITY_K_OF_N, rows, a=a[rows], k=np.minimum(needed, deployed), N=deployed)
    # overloaded at peak: the deployed instances carry 1 / rho of the requests
    rho = np.nan_to_num(np.fmax(s.shares[:, THROUGHPUT], s.shares[:, BANDWIDTH]), nan=0.0)
    rows = np.flatnonzero(run.served & (rho > 1.0))
    if rows.size:
        served = run.figures.add("availability_overload", fx.AVAILABILITY_OVERLOAD, rows, a_up=headline[rows],
                                 rho=rho[rows])
        read[rows] *= 1.0 / rho[rows]
        write[rows] *= 1.0 / rho[rows]
        headline[rows] = served
    run.detail("overload_served", rows, np.minimum(1.0, 1.0 / rho[rows]))
    return headline, read, write


#: The traffic classes whose paths are worked out, with the figure names that show them.
PATH_CLASSES = ((R, "path_availability_read"), (W, "path_availability_write"),
                (MR, "path_availability_media_read"), (MW, "path_availability_media_write"))


def path_availability(run: Run, read: np.ndarray, write: np.ndarray) -> np.ndarray:
    """Share of requests served from each component to the end of its request paths, per traffic class:
    columns read, write, media read, media write (the media columns are 1 where no media flows).

    R(x) = a(x) ((1 - p) + p route(x)), p the share x passes on (a cache's misses), route(x) the product
    over its fan-out calls of R(target) times the split calls' sum over target kinds of share x
    (1 - prod over those targets of (1 - R(target))), plus the share no call takes (served at x)."""
    t, table = run.transfers, run.table
    n = table.n
    classes = [c for c, _name in PATH_CLASSES]
    media = bool(run.flows.out[:, :, [MR, MW]].any())
    worked = range(4) if media else range(2)
    own = np.stack([read, write, read, write], axis=1)
    own[run.client] = 1.0
    passed = np.minimum(1.0, run.ratios[:, classes])
    passed[run.client] = 1.0
    out = np.ones((n, 4))
    request = np.flatnonzero(t.request)
    kind = table.kind_code
    n_kinds = max(1, int(kind.max()) + 1) if n else 1
    for rows in reversed(run.request_levels()):
        if not rows.size:
            continue
        edges = request[np.isin(t.source[request], rows)]
        route = np.ones((n, 4))
        for k in worked:
            c = classes[k]
            if not edges.size:
                break
            carrying = edges[t.factors[edges, c] > 0]
            needed = carrying[t.needed[carrying]]
            split = carrying[~t.needed[carrying]]
            with np.errstate(divide="ignore"):
                log_needed = np.bincount(t.source[needed], np.log(out[t.target[needed], k]), minlength=n)
            groups = t.source[split] * n_kinds + kind[t.target[split]]
            distinct, inverse = np.unique(groups, return_inverse=True)
            with np.errstate(divide="ignore"):
                log_down = np.bincount(inverse, np.log1p(-out[t.target[split], k]), minlength=distinct.size)
            parallel = -np.expm1(log_down)
            share = np.bincount(inverse, t.factors[split, c], minlength=distinct.size)
            owner = distinct // n_kinds
            mixed = np.bincount(owner, share * parallel, minlength=n)
            claimed = np.bincount(owner, share, minlength=n)
            # shares claiming more than all the traffic (a finding) are read as proportions
            route[:, k] = np.exp(log_needed) * (mixed / np.maximum(1.0, claimed) + np.maximum(0.0, 1.0 - claimed))
        for k in worked:
            out[rows, k] = run.figures.add(PATH_CLASSES[k][1], fx.PATH_AVAILABILITY, rows, a=own[rows, k],
                                           passed=passed[rows, k], route=route[rows, k])
    return out
