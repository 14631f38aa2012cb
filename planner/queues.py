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


def assess(run: Run) -> None:
    table, flows, s = run.table, run.flows, run.s
    rows = np.flatnonzero(table.of(Behaviour.QUEUE, Behaviour.PUBSUB))
    if not rows.size:
        return
    t = run.transfers
    avg, peak = class_sum(flows.in_avg[rows]), class_sum(flows.in_peak[rows])
    delivered = class_sum(flows.out[PEAK, rows])
    # the busiest consumer of each queue
    edges = np.flatnonzero(np.isin(t.source, rows) & t.carries.any(axis=1) & (t.factors.max(axis=1) > 0))
    rho = np.nan_to_num(s.shares[:, THROUGHPUT], nan=0.0)
    position = np.searchsorted(rows, t.source[edges])
    busiest = np.zeros(rows.size)
    consumers = np.zeros(rows.size)
    np.maximum.at(busiest, position, rho[t.target[edges]])
    np.add.at(consumers, position, 1.0)
    capacity = np.full(rows.size, np.inf)  # consumers with no limit (managed, or nothing to measure)
    limited = busiest > 0
    if limited.any():
        capacity[limited] = run.figures.add("consumer_capacity", fx.CONSUMER_CAPACITY, rows[limited],
                                            delivered=delivered[limited], rho=busiest[limited])
    capacity[consumers == 0] = 0.0
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
