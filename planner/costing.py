"""
Monthly cost (capacity-model.md, "Cost"): instances x unit price + every stored copy x storage price +
requests by class (reads and writes priced apart where the provider does) + egress under the provider's
tiered table, shared by the plan's components (one account's month).

Prices are the catalog's list prices; the catalog says which provider, region and date (planner/data/
catalog.json ``prices_*``) and each figure cites its source.
"""

from __future__ import annotations

import numpy as np

from archplan.planner import formulas as fx
from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.planner.propagation import MR, R
from archplan.planner.run import Run

#: Which tier table a component's egress falls under.
CDN_TABLE, INTERNET_TABLE = "cdn", "internet"


def egress_gb(run: Run) -> np.ndarray:
    """GB a month each component sends to users on the internet (what it returns to clients' reads)."""
    in_bytes = run.flows.in_bytes
    return np.where(run.transfers.client_fed & run.served,
                    (in_bytes[:, R] + in_bytes[:, MR]) * units.MONTH / 1e9, 0.0)


def monthly_cost(run: Run) -> np.ndarray:
    table, s, cap = run.table, run.s, run.table.capacity
    out = np.zeros(table.n)
    rows = np.flatnonzero(run.served)
    if not rows.size:
        return out
    gb = egress_gb(run)
    price = _egress_prices(run, gb)
    write_price = cap["request_price_per_million"]
    read_price = np.where(np.isnan(cap["read_request_price_per_million"]), write_price,
                          cap["read_request_price_per_million"])
    reads_m = np.where(read_price != 0, s.reads_avg * units.MONTH / 1e6, 0.0)
    writes_m = np.where(write_price != 0, s.writes_avg * units.MONTH / 1e6, 0.0)
    count = np.where(table.managed, np.minimum(s.count, 1.0), s.count)
    out[rows] = run.figures.add("monthly_cost", fx.COST, rows, count=count[rows], unit_cost=cap["monthly_cost"][rows],
                                stored_gb=s.storage_replicated[rows] / 1e9,
                                storage_price=cap["storage_price_gb_month"][rows], egress_gb=gb[rows],
                                egress_price=price[rows], reads_m=reads_m[rows], read_price=read_price[rows],
                                writes_m=writes_m[rows], write_price=write_price[rows])
    return out


def _egress_prices(run: Run, gb: np.ndarray) -> np.ndarray:
    """USD per GB per component: the average price of its tier table over the plan's month, or the
    component's own egress price where the plan overrides it (or the catalog has no table)."""
    table = run.table
    flat = table.capacity["egress_price_gb"].copy()
    own = np.array([("egress_price_gb" in c.capacity) for c in table.components], dtype=bool)
    tables = run.catalog.prices.egress_tiers
    which = np.where(table.of(Behaviour.CDN), CDN_TABLE, INTERNET_TABLE)
    price = flat.copy()
    for name, tiers in tables.items():
        billed = (which == name) & ~own & (flat > 0) & (gb > 0)
        if not billed.any():
            continue
        total = float(gb[billed].sum())
        cost = fx.EGRESS_TIERED.figure(gb=total, tiers=tiers.bands_gb())
        average = fx.EGRESS_AVERAGE.figure(cost=cost.value, gb=total)
        run.plan_figures[f"egress_{name}"] = cost
        run.plan_figures[f"egress_{name}_price"] = average
        price[billed] = average.value
    return price
