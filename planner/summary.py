"""
The headline figures of a component, in one order, with one formatting: the columns of the CLI table,
the GUI's results table, the CSV export and the PDF's capacity table all come from `COLUMNS`.

Each column reads a figure the engine computed (planner.result.ComponentResult) and formats it with
planner.units; nothing here computes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from archplan.planner import units
from archplan.planner.result import ComponentResult


@dataclass(frozen=True)
class Column:
    key: str                                   # machine name (CSV header, JSON key)
    header: str                                # short title
    tooltip: str                               # what it means
    value: Callable[[ComponentResult], float]  # the raw number (sorting, CSV)
    text: Callable[[ComponentResult], str]     # as people read it


def _duration(seconds: float) -> str:
    if math.isinf(seconds):
        return "∞"
    return units.format_duration(seconds) if seconds else "-"


def singular(unit: str) -> str:
    """'prefixes' -> 'prefix', 'nodes' -> 'node' (the count units the engine uses)."""
    if unit.endswith("xes"):
        return unit[:-2]
    return unit[:-1] if unit.endswith("s") else unit


def count_text(r: ComponentResult) -> str:
    """'3 nodes', '2 replicas (need 4)', '304 partitions'."""
    unit = singular(r.count_unit) if r.count == 1 else r.count_unit
    need = "" if r.count == r.recommended else f" (need {r.recommended})"
    return f"{units.format_count(r.count)} {unit}{need}"


def _rate(value: float) -> str:
    return f"{units.format_size(value)}/s"


COLUMNS: tuple[Column, ...] = (
    Column("peak_qps", "Peak", "Reads + writes per second at peak", lambda r: r.qps_peak,
           lambda r: units.format_qps(r.qps_peak)),
    Column("reads_writes", "R / W", "Peak reads / writes per second", lambda r: r.reads_peak,
           lambda r: f"{units.format_count(r.reads_peak)} / {units.format_count(r.writes_peak)}"),
    Column("count", "Count", "Deployed (what is counted: instances, nodes, replicas; a managed store's "
           "partitions), and what the peak needs when a fixed count is below it", lambda r: r.count, count_text),
    Column("utilisation", "Util.", "Peak utilisation of the binding resource with the deployed count",
           lambda r: r.utilisation,
           # nothing binds (a managed load balancer): no ceiling, so no utilisation
           lambda r: "—" if r.binding == "none" else units.format_percent(r.utilisation, 0)),
    Column("storage", "Storage", "Bytes stored over the retention, every copy",
           lambda r: r.storage_replicated,
           lambda r: units.format_size(r.storage_replicated) if r.storage_replicated else "-"),
    Column("bandwidth_in", "In", "Peak bandwidth received (bytes per second)", lambda r: r.bandwidth_in,
           lambda r: _rate(r.bandwidth_in)),
    Column("bandwidth_out", "Out", "Peak bandwidth returned (bytes per second)", lambda r: r.bandwidth_out,
           lambda r: _rate(r.bandwidth_out)),
    Column("latency", "Mean", "Mean response time at peak (M/M/c: wait + service)", lambda r: r.latency,
           lambda r: _duration(r.latency)),
    Column("p99", "p99", "99th percentile response time at peak (M/M/c)", lambda r: r.p99,
           lambda r: _duration(r.p99)),
    Column("availability", "Availability", "Availability of the component (k of N instances, quorums, overload)",
           lambda r: r.availability, lambda r: units.format_availability(r.availability)),
    Column("monthly_cost", "Cost/mo", "Monthly cost at the catalog's list prices", lambda r: r.monthly_cost,
           lambda r: units.format_money(r.monthly_cost)),
)
BY_KEY = {c.key: c for c in COLUMNS}
#: The columns of a text-width table (the CLI), in the same order.
COMPACT = tuple(c for c in COLUMNS if c.key not in ("reads_writes", "bandwidth_in", "bandwidth_out"))
#: Columns that mean nothing for a client (it is not an instance fleet).
NOT_FOR_CLIENTS = ("count", "utilisation", "latency", "p99", "monthly_cost")


def breaking_text(result) -> str:
    """The breaking point in one sentence, the same wherever it is shown (CLI, GUI header, PDF)."""
    bp, names = result.breaking_point, {cid: r.name for cid, r in result.components.items()}
    if bp.component and math.isfinite(bp.multiplier_at_target):
        text = (f"Breaking point: {units.format_count(bp.dau_at_target)} DAU (x{bp.multiplier_at_target:.3g}): "
                f"{names[bp.component]} reaches its ceiling on {bp.resource} first (saturates at "
                f"{units.format_count(bp.dau_at_saturation)} DAU)")
    else:
        text = "Breaking point: none within the model (every component scales out)"
    if bp.deployed_component and (bp.deployed_component, bp.deployed_resource) != (bp.component, bp.resource):
        text += (f"; with today's counts x{bp.deployed_multiplier:.3g}: {names[bp.deployed_component]} "
                 f"({bp.deployed_resource})")
    return text
