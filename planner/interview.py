"""
Traffic in the terms of a system-design interview: "100M DAU, 50M new items a day, a read:write ratio
of 100:1, 1 KB per item". A plan stores traffic per user (`writes_per_user`, `reads_per_user`); these
functions translate between the two, so the GUI (and any script) can take the interview's numbers.

    items_per_day(traffic)                  # DAU x writes per user
    read_write_ratio(traffic)               # reads per user / writes per user (None without writes)
    for_items_per_day(traffic, 50e6)        # {"writes_per_user": ..., "reads_per_user": ...}: the ratio stays
    for_read_write_ratio(traffic, 100)      # {"reads_per_user": ...}
    back_of_envelope(traffic)               # planner.estimate's figures for this profile

A new daily volume keeps the read:write ratio (reads follow writes, as in an interview); a new ratio
changes only the reads. Both need users and (for the ratio) writes to exist; otherwise ValueError with a
one-line reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archplan.planner.formulas import Figure
    from archplan.planner.model import TrafficProfile


def items_per_day(traffic: TrafficProfile) -> float:
    """New items (writes) a day: daily active users x writes per user."""
    return traffic.daily_active_users * traffic.writes_per_user


def read_write_ratio(traffic: TrafficProfile) -> float | None:
    """Reads per write (100 for 100:1); None when nothing is written."""
    if traffic.writes_per_user <= 0:
        return None
    return traffic.reads_per_user / traffic.writes_per_user


def for_items_per_day(traffic: TrafficProfile, items: float) -> dict[str, float]:
    """The per-user rates that give `items` new items a day, keeping the read:write ratio."""
    users = traffic.daily_active_users
    if users <= 0:
        raise ValueError("set the daily (or monthly) active users first")
    if items < 0:
        raise ValueError("new items per day cannot be negative")
    writes = items / users
    ratio = read_write_ratio(traffic)
    changes = {"writes_per_user": writes}
    if ratio is not None:
        changes["reads_per_user"] = ratio * writes
    return changes


def for_read_write_ratio(traffic: TrafficProfile, ratio: float) -> dict[str, float]:
    """The reads per user that make `ratio` reads for every write."""
    if traffic.writes_per_user <= 0:
        raise ValueError("set the new items per day first: a ratio needs writes")
    if ratio < 0:
        raise ValueError("a read:write ratio cannot be negative")
    return {"reads_per_user": ratio * traffic.writes_per_user}


def back_of_envelope(traffic: TrafficProfile) -> dict[str, Figure | None]:
    """The estimate an interview candidate works out for this profile (planner.estimate): average and
    peak QPS by reads and writes, storage a day and over the retention."""
    from archplan.planner.estimate import EstimateInput, estimate

    return estimate(EstimateInput(
        dau=traffic.daily_active_users, writes_per_user=traffic.writes_per_user,
        reads_per_user=traffic.reads_per_user, write_size=traffic.record_size, read_size=traffic.response_size,
        media_fraction=traffic.media_fraction, media_size=traffic.media_size, peak_factor=traffic.peak_factor,
        retention=traffic.retention, replication=traffic.replication_factor))
