"""
Queues and pub-sub logs against the consumers actually deployed (capacity-model.md, "Queue / pub-sub log").

Consumer capacity is what the consumers downstream of a queue can take at 100 % busy: they receive
``delivered`` messages a second at peak at utilisation rho (the busiest of them), so they could take
delivered / rho. Against it:
- backlog at the end of a peak = max(0, peak - capacity) x peak duration, worked off after the peak in
  backlog / (capacity - average);
- consumers slower than the average arrival rate: the backlog grows without bound, by (average -
  capacity) x 3,600 messages an hour, and messages expire unread after retention x capacity /
  (average - capacity); a queue with no consumer keeps everything until it expires;
- a queue (not a log) stores what waits: the backlog x message size, or, growing without bound, the
  retention's worth of arrivals. A log keeps every message for its retention (planner.sizing).
"""

from __future__ import annotations

import numpy as np

from archplan.planner import formulas as fx
from archplan.planner.catalog import Behaviour
from archplan.planner.propagation import PEAK, class_sum
from archplan.planner.run import Run
from archplan.planner.sizing import THROUGHPUT


def consumers(table, transfers, flows, sizing) -> tuple[np.ndarray | None, np.ndarray | None]:
    """After a first sizing (queues delivering their drain rate): what each queue's consumers take at
    100 % busy, and the work the drain rate brings each consumer. (None, None) when no queue delivers
    less than its peak to consumers that could take more (nothing to redo)."""
    rows = np.flatnonzero(table.of(Behaviour.QUEUE, Behaviour.PUBSUB))
    if not rows.size:
        return None, None
    delivered = class_sum(flows.out[PEAK, rows])
    capacity, _busiest = _capacity(rows, delivered, transfers, sizing)
    peak = class_sum(flows.in_peak[rows])
    if not ((peak > delivered * (1 + 1e-9)) & (capacity > delivered * (1 + 1e-9))).any():
        return None, None
    column = np.full(table.n, np.nan)
    column[rows] = capacity
    fed = np.zeros(table.n, dtype=bool)
    fed[transfers.target[_consumer_edges(rows, transfers)]] = True
    drain_load = np.where(fed, np.nan_to_num(sizing.resource[:, THROUGHPUT], nan=0.0), np.nan)
    return column, drain_load


def _consumer_edges(rows: np.ndarray, transfers) -> np.ndarray:
    t = transfers
    return np.flatnonzero(np.isin(t.source, rows) & t.carries.any(axis=1) & (t.factors.max(axis=1) > 0))


def _capacity(rows: np.ndarray, delivered: np.ndarray, transfers, sizing) -> tuple[np.ndarray, np.ndarray]:
    """What the consumers of each queue row take at 100 % busy: delivered / rho of the busiest (inf when
    none of them has a limit, 0 when nothing consumes), and that busiest utilisation."""
    t = transfers
    edges = _consumer_edges(rows, t)
    rho = np.nan_to_num(sizing.shares[:, THROUGHPUT], nan=0.0)
    position = np.searchsorted(rows, t.source[edges])
    busiest = np.zeros(rows.size)
    count = np.zeros(rows.size)
    np.maximum.at(busiest, position, rho[t.target[edges]])
    np.add.at(count, position, 1.0)
    capacity = np.divide(delivered, busiest, out=np.full(rows.size, np.inf), where=busiest > 0)
    capacity[count == 0] = 0.0
    return capacity, busiest


def assess(run: Run) -> None:
    table, flows, s = run.table, run.flows, run.s
    rows = np.flatnonzero(table.of(Behaviour.QUEUE, Behaviour.PUBSUB))
    if not rows.size:
        return
    avg, peak = class_sum(flows.in_avg[rows]), class_sum(flows.in_peak[rows])
    delivered = class_sum(flows.out[PEAK, rows])
    capacity, busiest = _capacity(rows, delivered, run.transfers, s)
    limited = busiest > 0
    if limited.any():
        capacity[limited] = run.figures.add("consumer_capacity", fx.CONSUMER_CAPACITY, rows[limited],
                                            delivered=delivered[limited], rho=busiest[limited])
    run.detail("consumer_rate", rows, delivered)
    run.detail("consumer_capacity", rows, capacity)
    duration = table.param("peak_duration_s")[rows]
    retention = table.param("retention_s")[rows]
    backlog = run.figures.add("backlog", fx.QUEUE_BACKLOG, rows, peak=peak, capacity=capacity, D=duration)
    run.detail("backlog", rows, backlog)
    keeping_up = (capacity > avg) & (backlog > 0)
    if keeping_up.any():
        at = rows[keeping_up]
        run.detail("drain_time", at, run.figures.add("drain_time", fx.QUEUE_DRAIN_TIME, at, backlog=backlog[keeping_up],
                                                     capacity=capacity[keeping_up], avg=avg[keeping_up]))
    falling_behind = (capacity < avg) & (avg > 0)
    if falling_behind.any():
        at = rows[falling_behind]
        run.detail("backlog_growth", at, run.figures.add("backlog_growth", fx.QUEUE_GROWTH, at, avg=avg[falling_behind],
                                                         capacity=capacity[falling_behind]))
        run.detail("loss_time", at, run.figures.add("loss_time", fx.QUEUE_LOSS_TIME, at,
                                                    retention_s=retention[falling_behind],
                                                    capacity=capacity[falling_behind], avg=avg[falling_behind]))
    # a queue stores what waits (a log's retention is sized in planner.sizing)
    queue = table.of(Behaviour.QUEUE)[rows]
    if queue.any():
        at = rows[queue]
        size = np.divide(class_sum(flows.in_bytes[at]), avg[queue], out=np.zeros(at.size), where=avg[queue] > 0)
        waiting = np.where(falling_behind[queue], avg[queue] * retention[queue], backlog[queue])
        stored = run.figures.add("storage_replicated", fx.QUEUE_STORED, at, backlog=waiting, message_size=size)
        s.storage_replicated[at] = s.storage_total[at] = stored
        s.storage_per_day[at] = 0.0
