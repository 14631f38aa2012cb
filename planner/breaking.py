"""
The breaking point (capacity-model.md, "Sizing"): the traffic multiplier at which the first component
reaches its planned ceiling on any resource, with the counts the plan deploys.

Every load grows linearly with traffic, stored data included (it is the writes of the retention), so a
resource at utilisation rho of its ceiling u lasts until x u / rho. What can grow by itself does not
break: an auto-sized component adds instances for a resource its instances divide (requests, bytes,
a shard group's data, a cache's hot set), and a managed service scales within its provider. What
breaks is what cannot grow: a count the plan fixes, the one writer of a SQL primary, a provider's
quota, a resource every node carries in full (a full copy of the data on each SQL node, the write
stream every replica replays).
"""

from __future__ import annotations

import math

import numpy as np

from archplan.planner import formulas as fx
from archplan.planner.result import BreakingPoint
from archplan.planner.run import Run
from archplan.planner.sizing import QUOTA_BOUND, RESOURCES, SINGLE_ACTIVE, THROUGHPUT


def limits(run: Run, frozen: bool = False) -> np.ndarray:
    """Per component and resource, the utilisation that cannot be scaled away (NaN: none); with
    ``frozen``, every count stays as deployed."""
    table, s = run.table, run.s
    shares = s.shares.copy()
    fixed = table.fixed | table.of(*SINGLE_ACTIVE) | table.of(*QUOTA_BOUND) | frozen
    grows = ~fixed[:, None] & ~s.per_node  # rows x resources: instances divide it and more are added
    out = np.where(grows, np.nan, shares)
    replay = run.served & ~fixed & (s.replay > 0)  # auto-sized replicas still replay every write
    out[replay, THROUGHPUT] = s.replay[replay]
    elastic = table.managed & ~table.of(*QUOTA_BOUND)
    out[elastic | ~run.served] = np.nan
    return out


def _first(run: Run, limit: np.ndarray) -> tuple[int, int] | None:
    """(row, resource) reaching its ceiling first, or None."""
    with np.errstate(invalid="ignore"):
        relative = np.where(limit > 0, limit / run.s.ceilings, np.nan)
    if np.isnan(relative).all():
        return None
    row, resource = np.unravel_index(np.nanargmax(relative), relative.shape)
    return int(row), int(resource)


def breaking_point(run: Run, dau: float) -> BreakingPoint:
    s, ids = run.s, run.table.ids
    frozen = limits(run, frozen=True)
    deployed = _first(run, frozen)
    as_deployed = {}
    if deployed is not None:
        row, resource = deployed
        as_deployed = {"deployed_component": ids[row], "deployed_resource": RESOURCES[resource],
                       "deployed_multiplier": float(s.ceilings[row, resource] / frozen[row, resource])}
    limit = limits(run)
    first = _first(run, limit)
    if first is None:
        return BreakingPoint(None, math.inf, math.inf, math.inf, math.inf, **as_deployed)
    row, resource = first
    saturation = float(np.nanmax(limit))
    fig = fx.BREAKING.figure(u=float(s.ceilings[row, resource]), rho=float(limit[row, resource]))
    return BreakingPoint(ids[row], fig.value, dau * fig.value, 1.0 / saturation, dau / saturation, fig,
                         RESOURCES[resource], **as_deployed)
