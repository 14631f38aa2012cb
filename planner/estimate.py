"""
Back-of-the-envelope estimate: the numbers an interview candidate works out before drawing anything.

Inputs are the traffic of one product; outputs are average and peak QPS, storage and bandwidth and
cache memory, each a `Figure` with its formula. A day is 86,400 s; a month 30 days; a year 365 days;
storage_total covers the retention at today's rate (no growth).
"""

from __future__ import annotations

from dataclasses import dataclass

from archplan.planner import formulas as fx
from archplan.planner import units
from archplan.planner.formulas import Figure


class EstimateError(ValueError):
    """The inputs do not define a traffic (missing or conflicting options)."""


@dataclass(frozen=True)
class EstimateInput:
    dau: float | None = None
    mau: float | None = None
    active_ratio: float | None = None
    writes_per_day: float | None = None
    writes_per_month: float | None = None
    writes_per_user: float | None = None
    reads_per_user: float | None = None
    read_write_ratio: float | None = None
    write_size: float = 0.0
    read_size: float = 0.0
    media_fraction: float = 0.0
    media_size: float = 0.0
    peak_factor: float = 2.0
    retention: float = 5 * units.YEAR
    replication: float = 1.0
    cache_fraction: float = 0.2


#: Output keys, in order, for --json.
KEYS = ("dau", "write_qps", "read_qps", "qps", "peak_qps", "peak_write_qps", "peak_read_qps", "storage_per_day",
        "storage_total", "storage_total_replicated", "ingress_bytes_per_s", "egress_bytes_per_s", "cache_memory")


def estimate(inp: EstimateInput) -> dict[str, Figure | None]:
    """All figures by output key (dau is None when only absolute write volumes were given)."""
    _check(inp)
    figs: dict[str, Figure | None] = {}
    if inp.dau is not None:
        dau = inp.dau
        figs["dau"] = fx.Formula("est_dau_given", "dau", "dau", "Daily active users", "users").figure(dau=dau)
    elif inp.mau is not None:
        figs["dau"] = fx.EST_DAU.figure(mau=inp.mau, active_ratio=inp.active_ratio)
        dau = figs["dau"].value
    else:
        figs["dau"] = None
        dau = None

    if inp.writes_per_day is not None:
        writes_day = inp.writes_per_day
    elif inp.writes_per_month is not None:
        writes_day = inp.writes_per_month / units.DAYS_PER_MONTH
    else:
        writes_day = dau * inp.writes_per_user  # type: ignore[operator]
    if inp.reads_per_user is not None:
        if dau is None:
            raise EstimateError("--reads-per-user needs --dau or --mau")
        reads_day = dau * inp.reads_per_user
    elif inp.read_write_ratio is not None:
        reads_day = inp.read_write_ratio * writes_day
    else:
        reads_day = 0.0

    w = figs["write_qps"] = fx.EST_WRITE_QPS.figure(writes_per_day=writes_day, day_s=fx.DAY_S)
    r = figs["read_qps"] = fx.EST_READ_QPS.figure(reads_per_day=reads_day, day_s=fx.DAY_S)
    q = figs["qps"] = fx.EST_QPS.figure(read_qps=r.value, write_qps=w.value)
    figs["peak_qps"] = fx.EST_PEAK.figure(rate=q.value, peak_factor=inp.peak_factor)
    figs["peak_write_qps"] = fx.EST_PEAK.figure(rate=w.value, peak_factor=inp.peak_factor)
    figs["peak_read_qps"] = fx.EST_PEAK.figure(rate=r.value, peak_factor=inp.peak_factor)
    per_write = fx.EST_BYTES_PER_WRITE.figure(write_size=inp.write_size, media_fraction=inp.media_fraction,
                                              media_size=inp.media_size)
    day = figs["storage_per_day"] = fx.EST_STORAGE_DAY.figure(writes_per_day=writes_day,
                                                              stored_per_write=per_write.value)
    total = figs["storage_total"] = fx.EST_STORAGE_TOTAL.figure(storage_per_day=day.value,
                                                                retention_days=inp.retention / units.DAY)
    figs["storage_total_replicated"] = fx.EST_STORAGE_REPL.figure(storage_total=total.value,
                                                                  replication=inp.replication)
    figs["ingress_bytes_per_s"] = fx.EST_INGRESS.figure(write_qps=w.value, stored_per_write=per_write.value)
    figs["egress_bytes_per_s"] = fx.EST_EGRESS.figure(read_qps=r.value, read_size=inp.read_size)
    figs["cache_memory"] = fx.EST_CACHE.figure(cache_fraction=inp.cache_fraction, reads_per_day=reads_day,
                                               read_size=inp.read_size)
    return {k: figs[k] for k in KEYS}


def _check(inp: EstimateInput) -> None:
    if inp.dau is not None and inp.mau is not None:
        raise EstimateError("give --dau or --mau, not both")
    if inp.mau is not None and inp.active_ratio is None:
        raise EstimateError("--mau needs --active-ratio (the share of monthly users active on a day)")
    if inp.active_ratio is not None and not 0 <= inp.active_ratio <= 1:
        raise EstimateError(f"--active-ratio {inp.active_ratio:g} must be between 0 and 1")
    if inp.writes_per_day is not None and inp.writes_per_month is not None:
        raise EstimateError("give --writes-per-day or --writes-per-month, not both")
    absolute = inp.writes_per_day is not None or inp.writes_per_month is not None
    if absolute and inp.writes_per_user is not None:
        raise EstimateError("give --writes-per-user or an absolute write volume, not both")
    if not absolute:
        if inp.dau is None and inp.mau is None:
            raise EstimateError("give the users (--dau, or --mau with --active-ratio) or an absolute write volume "
                                "(--writes-per-day / --writes-per-month)")
        if inp.writes_per_user is None:
            raise EstimateError("give --writes-per-user (or --writes-per-day / --writes-per-month)")
    if inp.reads_per_user is not None and inp.read_write_ratio is not None:
        raise EstimateError("give --reads-per-user or --read-write-ratio, not both")
    for name, value in (("--media-fraction", inp.media_fraction), ("--cache-fraction", inp.cache_fraction)):
        if not 0 <= value <= 1:
            raise EstimateError(f"{name} {value:g} must be between 0 and 1")
    if inp.peak_factor < 1:
        raise EstimateError(f"--peak-factor {inp.peak_factor:g} must be at least 1")
    if inp.replication < 1:
        raise EstimateError(f"--replication {inp.replication:g} must be at least 1")
