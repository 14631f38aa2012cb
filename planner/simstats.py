"""
Statistics of a simulation run, and the formulas' figures they are compared with.

Estimates use batch means (sectioning): the run after the warm-up is cut into B equal batches of
time; a figure's point estimate comes from the whole run and its 95 % confidence interval from the
spread of the B batch values, mean +- t(0.975, B - 1) s / sqrt(B) (Law, *Simulation Modeling and
Analysis*, 5th ed., section 9.5.3; Asmussen & Glynn, *Stochastic Simulation*, III.5 for quantiles).
Batches of seconds are long against millisecond responses, so they are close to independent.

A simulated figure agrees with a formula's figure e when |sim - e| <= CI + abs + rel x |e| (CI: the 99 %
half-width, see ``FLAG_WIDTH``); the
allowances ``TOLERANCE`` cover what the interval does not: the empty start (warm-up truncation) and
the censoring of requests still running at the end, the bias of a quantile estimated from a batch of a
few hundred samples, and the rounding of servers when the run is scaled down (see docs/simulation.md).
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np

from archplan.planner.queueing import MMc
from archplan.planner.simnet import Station

#: (absolute, relative) allowance per figure beyond the confidence interval.
TOLERANCE = {"utilisation": (0.0001, 0.03), "mean": (0.0, 0.03), "p95": (0.0, 0.04), "p99": (0.0, 0.06)}
#: Completed visits after the warm-up needed before a figure is compared: a mean settles with a few
#: hundred; a p99 needs ~30 samples above it overall (3 per batch) to be estimated without a large bias.
MIN_SAMPLES = {"utilisation": 50, "mean": 200, "p95": 1000, "p99": 3000}
#: Utilisation is compared only over a run this many mean service times long (from an empty start, a
#: slow component is still filling up).
UTILISATION_SERVICES = 20
#: Student t quantiles t(0.975, df) for df = 1..30.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042)
PERCENTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}


class Estimate(NamedTuple):
    """A simulated figure and the half-width of its 95 % confidence interval (nan: not known)."""

    value: float
    ci: float

    def as_dict(self) -> dict[str, float | None]:
        return {"value": _clean(self.value), "ci95": _clean(self.ci)}


def _clean(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def t975(df: int) -> float:
    return _T975[df - 1] if df <= len(_T975) else 1.96


def batched(values: np.ndarray, times: np.ndarray, edges: np.ndarray, stat) -> Estimate:
    """stat over all values, CI from stat per batch of `times` (batches without a value are left out)."""
    if not len(values):
        return Estimate(math.nan, math.nan)
    point = float(stat(values))
    which = np.searchsorted(edges, times, side="right") - 1
    per = [float(stat(values[which == b])) for b in range(len(edges) - 1) if np.any(which == b)]
    if len(per) < 2:
        return Estimate(point, math.nan)
    return Estimate(point, t975(len(per) - 1) * float(np.std(per, ddof=1)) / math.sqrt(len(per)))


def quantile(p: float):
    return lambda v: float(np.quantile(v, p))


def busy_share(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray, servers: int) -> Estimate:
    """Time-average busy servers / servers over [edges[0], edges[-1]], with a batch CI."""
    per = []
    for lo, hi in itertools.pairwise(edges):
        per.append(overlap(starts, ends, lo, hi) / (servers * (hi - lo)))
    total = overlap(starts, ends, edges[0], edges[-1]) / (servers * (edges[-1] - edges[0]))
    if len(per) < 2:
        return Estimate(total, math.nan)
    return Estimate(total, t975(len(per) - 1) * float(np.std(per, ddof=1)) / math.sqrt(len(per)))


def overlap(starts: np.ndarray, ends: np.ndarray, lo: float, hi: float) -> float:
    """Total length of the intervals [start, end] inside [lo, hi]."""
    if not len(starts):
        return 0.0
    return float(np.clip(np.minimum(ends, hi) - np.maximum(starts, lo), 0.0, None).sum())


# ------------------------------------------------------------------------------------------ formulas

class Formula(NamedTuple):
    """The formulas' figures for one component: utilisation of its servers, mean and percentiles of the
    response time (s); None where the formula gives none (a delay has no utilisation)."""

    utilisation: float | None
    mean: float
    p95: float
    p99: float

    def get(self, name: str) -> float | None:
        return getattr(self, name)

    def as_dict(self) -> dict[str, float | None]:
        return {k: _clean(v) if v is not None else None for k, v in self._asdict().items()}


def _queue_model(st: Station, r) -> MMc | None:
    """The engine's M/M/c for a component, as its latency figure shows its work (arrival lam, service
    rate mu, servers c); None for a delay or a saturated component. Without that figure: c servers of
    1 / service time, fed at the throughput utilisation the engine reports."""
    if not st.queueing or st.service_s <= 0:
        return None
    figure = r.figures.get("latency") if r.figures is not None else None
    inputs = getattr(figure, "inputs", None) or {}
    if {"lam", "mu", "c"} <= set(inputs):
        model = MMc(float(inputs["lam"]), float(inputs["mu"]), max(1, int(inputs["c"])))
        return None if model.saturated else model
    rho = _rho(r)
    if not rho < 1.0:
        return None
    return MMc(rho * st.servers / st.service_s, 1.0 / st.service_s, st.servers)


def engine_figures(st: Station, r) -> Formula:
    """What the engine states for a component at full scale: utilisation of the M/M/c it sized, its mean
    response (``latency``), and its p95 / p99 (the result's, else the M/M/c's percentiles)."""
    model = _queue_model(st, r)
    mean = float(r.latency) if r.latency else st.service_s
    given = [getattr(r, name, None) or r.details.get(name) for name in ("p95", "p99")]
    if not st.queueing:
        ln20, ln100 = math.log(20), math.log(100)
        return Formula(None, mean, given[0] or mean * ln20, given[1] or mean * ln100)
    if model is None:
        return Formula(_rho(r), math.inf, math.inf, math.inf)
    p95, p99 = model.response_percentiles(0.95, 0.99)
    return Formula(model.utilisation, mean, given[0] or p95, given[1] or p99)


def _rho(r) -> float:
    """The engine's throughput utilisation (replays included), else its utilisation."""
    rho = r.details.get("traffic_utilisation")
    return rho if rho is not None and r.binding in ("throughput", "storage", "memory") else r.utilisation


def expected_at_scale(st: Station, r, formula: Formula, scale: float, servers: int) -> Formula:
    """The engine's figures carried to the simulated system: traffic / scale on ``servers`` servers, and
    the pooled shards of a skewed store. The difference the formula itself predicts between the two
    systems is added to the engine's figure, so an error in the engine's figure still shows."""
    model = _queue_model(st, r)
    if model is None or (scale == 1 and servers == st.servers and st.skew == 1):
        return formula
    arrival = model.arrival / st.skew / scale
    simulated = MMc(arrival, model.service_rate, servers)
    if simulated.saturated:
        return Formula(simulated.utilisation, math.inf, math.inf, math.inf)
    full = model.response_percentiles(0.95, 0.99)
    scaled = simulated.response_percentiles(0.95, 0.99)
    return Formula(simulated.utilisation,
                   formula.mean + simulated.mean_response - model.mean_response,
                   formula.p95 + scaled[0] - full[0], formula.p99 + scaled[1] - full[1])


#: A figure is flagged outside its 99 % interval (t(0.995, 9) / t(0.975, 9) = 3.250 / 2.262 x the 95 %
#: half-width shown, with the default 10 batches): one run compares dozens of figures, a test suite
#: hundreds, and at 95 % one in twenty true figures would be flagged by chance alone.
FLAG_WIDTH = 3.250 / 2.262


def disagrees(name: str, sim: Estimate | None, expected: float | None) -> bool:
    """True when a simulated figure is farther from the formula's than its (99 %) interval and the
    allowance."""
    if sim is None or expected is None or math.isnan(sim.value):
        return False
    if math.isinf(expected):
        return name == "utilisation" and sim.value < 0.97  # a saturated queue keeps every server busy
    absolute, relative = TOLERANCE[name]
    ci = sim.ci * FLAG_WIDTH if math.isfinite(sim.ci) else 0.0
    return abs(sim.value - expected) > ci + absolute + relative * abs(expected)
