"""
Simulate a plan request by request: a seeded discrete-event run of the plan at its peak traffic, set
side by side with the formulas (capacity-model.md, "Latency (queueing)"; issue 14, "Simulate").

    result = simulate(plan, seed=1, duration=60.0)
    for c in result.components.values():
        print(c.name, c.utilisation, c.mean, c.p99, c.disagreements)

How (details in docs/simulation.md):

- The network is read from the plan (planner.simnet), not from the engine's propagation; from the
  engine's result it takes only what the plan leaves to sizing: deployed instance counts and the
  servers of each component's M/M/c. The kernel is ciw (planner.simkernel).
- **Scale.** A run costs time in proportion to the visits it simulates. When peak traffic x duration
  exceeds ``max_visits``, the run is scaled down by a factor f (1, 2, 5, 10, 20, ...): every client's
  rate / f and every component's servers / f (rounded, at least 1). Utilisation is kept (exactly where
  c / f is whole), but an M/M/c with fewer servers waits more: latency and percentiles are preserved
  only approximately, so the formula's figures are carried to the simulated scale before comparing
  (``simstats.expected_at_scale``). Below the budget f = 1 and the comparison is direct.
- **Statistics.** The first ``warmup`` share of the run is discarded (the system starts empty); the
  rest is cut into ``batches`` batches for 95 % confidence intervals (planner.simstats).
- **Same seed, same result**: every draw comes from one generator seeded with ``seed``.

The run reports progress (``progress(fraction)``), stops when ``cancel()`` returns true (raising
``Cancelled``), and keeps a utilisation trace per component over ``windows`` equal windows of simulated
time, for the GUI to animate. Pure Python, no Qt.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from archplan.planner import units
from archplan.planner.model import Plan
from archplan.planner.simnet import SimNetwork, Visit
from archplan.planner.simstats import (
    MIN_SAMPLES,
    UTILISATION_SERVICES,
    Estimate,
    Formula,
    batched,
    busy_share,
    disagrees,
    engine_figures,
    expected_at_scale,
    overlap,
    quantile,
)

__all__ = ["Cancelled", "ComponentSim", "PathSim", "SimulationResult", "simulate"]


class Cancelled(Exception):
    """The caller asked the simulation to stop (its cancel flag was set)."""


#: Visits a run may simulate before it is scaled down (about 2 s of CPU).
DEFAULT_MAX_VISITS = 60_000
COMPARED = ("utilisation", "mean", "p95", "p99")
#: A run over budget is shortened to no less than this many service times of its slowest queue, nor
#: less than MIN_HORIZON_S seconds, before it is scaled down.
MIN_HORIZON_SERVICES = 100
MIN_HORIZON_S = 2.0
_SCALES = (1, 2, 5)


@dataclass(frozen=True)
class ComponentSim:
    """One component as simulated, beside the formulas' figures."""

    id: str
    name: str
    kind: str
    servers: int | None            # the formula's servers at full scale (None: a pure delay)
    simulated_servers: int
    service_s: float
    arrival_rate: float            # visits/s measured, at full scale (x the run's scale)
    completed: int                 # visits completed after the warm-up
    utilisation: Estimate | None   # busy servers / servers (None for a delay)
    mean: Estimate | None          # response time (wait + service), s
    p95: Estimate | None
    p99: Estimate | None
    mean_wait: Estimate | None
    queue_mean: float              # requests waiting, time average after the warm-up
    queue_end: int                 # requests waiting when the run ended
    dropped: int                   # turned away by a full queue (only with a queue limit)
    formula: Formula               # the engine's figures, full scale
    expected: Formula              # the same carried to the simulated scale (what is compared)
    compared: tuple[str, ...]      # the figures with enough samples to compare
    disagreements: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in ("id", "name", "kind", "servers", "simulated_servers",
                                                           "service_s", "arrival_rate", "completed", "queue_mean",
                                                           "queue_end", "dropped")}
        for k in ("utilisation", "mean", "p95", "p99", "mean_wait"):
            value = getattr(self, k)
            out[k] = None if value is None else value.as_dict()
        out["formula"] = self.formula.as_dict()
        out["expected"] = self.expected.as_dict()
        out["compared"] = list(self.compared)
        out["disagreements"] = list(self.disagreements)
        return out


@dataclass(frozen=True)
class PathSim:
    """End-to-end response times of one client's requests of one class (sync path, network hops included)."""

    client: str
    name: str
    cls: str
    requests: int                  # started after the warm-up
    completed: int
    mean: Estimate | None
    p50: Estimate | None
    p95: Estimate | None
    p99: Estimate | None
    formula: dict[str, float | None]  # the engine's mean and percentiles along the same paths (reads, writes)
    compared: tuple[str, ...]      # compared with the formula (full-scale runs, enough samples)
    disagreements: tuple[str, ...]

    @property
    def disagrees(self) -> bool:
        return bool(self.disagreements)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in ("client", "name", "cls", "requests", "completed")}
        for k in ("mean", "p50", "p95", "p99"):
            value = getattr(self, k)
            out[k] = None if value is None else value.as_dict()
        out["formula"] = {k: None if v is None or not math.isfinite(v) else v for k, v in self.formula.items()}
        out["compared"] = list(self.compared)
        out["disagreements"] = list(self.disagreements)
        return out


@dataclass(frozen=True)
class SimulationResult:
    plan: str
    seed: int
    duration: float
    warmup: float
    scale: float                   # traffic and servers divided by this (1: full scale)
    multiplier: float
    events: int
    wall_s: float
    components: dict[str, ComponentSim]
    paths: tuple[PathSim, ...]
    window_s: float                # length of one trace window (s of simulated time)
    trace: dict[str, tuple[float, ...]] = field(default_factory=dict)  # utilisation per window
    notes: tuple[str, ...] = ()

    def disagreements(self) -> list[tuple[str, str]]:
        """(component id, figure) for every simulated figure outside the formula's tolerance."""
        return [(cid, name) for cid, c in self.components.items() for name in c.disagreements]

    def as_dict(self) -> dict[str, Any]:
        return {"plan": self.plan, "seed": self.seed, "duration": self.duration, "warmup": self.warmup,
                "scale": self.scale, "multiplier": self.multiplier, "events": self.events,
                "components": {k: c.as_dict() for k, c in self.components.items()},
                "paths": [p.as_dict() for p in self.paths], "window_s": self.window_s,
                "trace": {k: list(v) for k, v in self.trace.items()}, "notes": list(self.notes)}


def simulate(plan: Plan, *, seed: int = 1, duration: float = 60.0, multiplier: float = 1.0, result=None,
             max_visits: int = DEFAULT_MAX_VISITS, scale: float | None = None, warmup: float = 0.1,
             batches: int = 10, windows: int = 60,
             queue_limit: int | None = None, progress: Callable[[float], None] | None = None,
             cancel: Callable[[], bool] | None = None) -> SimulationResult:
    """Run the plan at ``multiplier`` x its peak traffic for ``duration`` simulated seconds.

    ``result`` is the engine's PlanResult at the same multiplier (computed when not given); ``scale``
    forces the scale-down factor (default: the smallest that fits ``max_visits``);
    ``queue_limit`` bounds each component's waiting line (requests beyond it are dropped; default
    unbounded). Raises Cancelled when ``cancel()`` becomes true."""
    if not (math.isfinite(duration) and duration > 0):
        raise ValueError(f"simulated duration must be a positive number of seconds, got {duration!r}")
    if not 0 <= warmup < 1:
        raise ValueError(f"warm-up must be a share of the run in [0, 1), got {warmup!r}")
    if batches < 2 or windows < 1:
        raise ValueError("a run needs at least 2 batches and 1 window")
    from archplan.planner.simkernel import Run  # ciw: imported when a run starts, not with the CLI

    if result is None:
        from archplan.planner.engine import compute

        result = compute(plan, multiplier=multiplier)
    started = time.perf_counter()
    net = SimNetwork(plan, result, multiplier)
    rng = random.Random(seed)
    rates = _visit_rates(net, random.Random(f"{seed}:estimate"))
    requested = duration
    if scale is None:
        duration, scale = _fit(sum(rates), duration, max_visits, _slowest(net, rates))
    elif not (math.isfinite(scale) and scale >= 1):
        raise ValueError(f"scale must be a number >= 1, got {scale!r}")
    servers = [_servers(st, rate / scale, scale) for st, rate in zip(net.stations, rates)]
    run = Run(net, scale, servers, rng, queue_limit)
    run.run_until(duration, progress, cancel)
    edges = np.linspace(warmup * duration, duration, batches + 1)
    components = {st.id: _component(run, i, st, result.components[st.id], servers[i], edges)
                  for i, st in enumerate(net.stations)}
    notes = list(net.notes)
    if duration < requested:
        notes.insert(0, f"{units.format_duration(duration)} simulated of the {units.format_duration(requested)} asked: "
                        f"the full run would exceed {max_visits:,} visits (see docs/simulation.md)")
    if scale > 1:
        notes.insert(0, f"scaled down x{scale:g}: traffic / {scale:g} and servers / {scale:g} (see docs/simulation.md)")
    return SimulationResult(plan.name, seed, duration, warmup * duration, scale, multiplier, run.events,
                            time.perf_counter() - started, components, _paths(run, result, edges),
                            duration / windows, _trace(run, servers, duration, windows), tuple(notes))


# ------------------------------------------------------------------------------------------ set-up

def _visit_rates(net: SimNetwork, rng: random.Random, samples: int = 400) -> list[float]:
    """Visits per second at each station at full scale, estimated from sampled routes (jobs included)."""
    rates = [0.0] * len(net.stations)
    for stream in net.streams:
        counts = [0] * len(net.stations)
        for _ in range(samples):
            visits, _hops, spawns = net.route(stream.client, stream.cls, rng)
            pending, budget = list(spawns), 100_000
            while True:
                for v in visits:
                    counts[v.station] += 1
                    pending.extend(v.spawns)
                if not pending or budget <= 0:
                    break
                station, cls, mean = pending.pop()
                budget -= 1
                visits = [Visit(station, 0.0, ())] if mean is not None else net.job(station, cls, rng)
        for i, n in enumerate(counts):
            rates[i] += stream.rate * n / samples
    return rates


def _slowest(net: SimNetwork, rates: list[float]) -> float:
    """The longest mean service time among the queues that get traffic (s)."""
    return max((st.service_s for st, rate in zip(net.stations, rates) if rate > 0 and st.queueing), default=0.0)


def _fit(rate: float, duration: float, budget: int, slowest: float) -> tuple[float, float]:
    """(horizon, scale) for a run of at most ``budget`` visits: full scale over the whole duration if it
    fits; else first a shorter horizon, down to MIN_HORIZON_SERVICES x the slowest queue's service time
    (at least MIN_HORIZON_S), since a shorter run of the real system keeps every M/M/c exactly; then a
    scale-down for the rest."""
    if rate * duration <= budget:
        return duration, 1.0
    floor = min(duration, max(MIN_HORIZON_S, MIN_HORIZON_SERVICES * slowest))
    horizon = max(floor, budget / rate)
    return horizon, _scale(rate * horizon, budget)


def _scale(visits: float, budget: int) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that brings the run within the visit budget."""
    need = visits / max(1, budget)
    power = 1
    while True:
        for step in _SCALES:
            if step * power >= need:
                return float(step * power)
        power *= 10


def _servers(st, rate: float, scale: float) -> int:
    """Servers simulated: the formula's / scale (at least 1); a delay gets so many that nobody waits."""
    if st.queueing:
        return max(1, round(st.servers / scale))
    busy = rate * st.service_s * 3  # writes may take longer; a generous bound on what is in service
    return max(4, math.ceil(busy + 10 * math.sqrt(busy) + 10))


# ------------------------------------------------------------------------------------------ statistics

def _component(run, i: int, st, r, servers: int, edges: np.ndarray) -> ComponentSim:
    node = run.stations[i]
    arrival, start, end = (np.asarray(x) for x in (node.log_arrival, node.log_start, node.log_end))
    lo, hi = edges[0], edges[-1]
    waiting = np.asarray(node.waiting_arrivals())
    arrived = int(np.count_nonzero(arrival >= lo)) + int(np.count_nonzero(waiting >= lo))
    done = (arrival >= lo) & (end <= hi)
    response, wait, at = end[done] - arrival[done], start[done] - arrival[done], arrival[done]
    enough = len(response) >= MIN_SAMPLES["mean"]
    long_enough = (hi - lo) >= UTILISATION_SERVICES * st.service_s and len(response) >= MIN_SAMPLES["utilisation"]
    util = busy_share(start, end, edges, servers) if st.queueing else None
    waits_start = np.concatenate([arrival, waiting]) if len(waiting) else arrival
    waits_end = np.concatenate([start, np.full(len(waiting), hi)]) if len(waiting) else start
    queue_mean = overlap(waits_start, waits_end, lo, hi) / (hi - lo)
    formula = engine_figures(st, r)
    expected = expected_at_scale(st, r, formula, run.scale, servers)
    sims = {"utilisation": util}
    if enough:
        sims.update(mean=batched(response, at, edges, np.mean), p95=batched(response, at, edges, quantile(0.95)),
                    p99=batched(response, at, edges, quantile(0.99)))
    compared = tuple(name for name in COMPARED if sims.get(name) is not None and expected.get(name) is not None
                     and len(response) >= MIN_SAMPLES[name] and (name != "utilisation" or long_enough))
    flagged = tuple(name for name in compared if disagrees(name, sims[name], expected.get(name)))
    return ComponentSim(st.id, st.name, st.kind, st.servers, servers, st.service_s,
                        arrived / (hi - lo) * run.scale, int(done.sum()), util, sims.get("mean"), sims.get("p95"),
                        sims.get("p99"), batched(wait, at, edges, np.mean) if enough else None, queue_mean,
                        len(waiting), run.dropped.get(i, 0), formula, expected, compared, flagged)


def _paths(run, result, edges: np.ndarray) -> tuple[PathSim, ...]:
    net = run.net
    ends = np.zeros((0, 4)) if not run.ends else np.asarray(run.ends, dtype=float)
    lo = edges[0]
    out = []
    for s, stream in enumerate(net.streams):
        mine = ends[ends[:, 0] == s] if len(ends) else ends
        mine = mine[mine[:, 1] >= lo]
        started = int(np.count_nonzero(np.asarray(run.born[s]) >= lo))
        total = mine[:, 2] - mine[:, 1] + mine[:, 3] * net.hop_s
        at = mine[:, 1]
        formula = _path_formula(result.clients.get(stream.client), stream.cls)
        est = {}
        if len(total) >= MIN_SAMPLES["mean"]:
            est = {"mean": batched(total, at, edges, np.mean), "p50": batched(total, at, edges, quantile(0.5)),
                   "p95": batched(total, at, edges, quantile(0.95)), "p99": batched(total, at, edges, quantile(0.99))}
        compared = tuple(k for k in ("mean", "p95", "p99") if run.scale == 1 and k in est
                         and len(total) >= MIN_SAMPLES[k] and formula.get(k) is not None
                         and math.isfinite(formula[k]))
        flagged = tuple(k for k in compared if disagrees(k, est[k], formula[k]))
        name = net.components[stream.client].name
        out.append(PathSim(stream.client, name, stream.cls, started, len(total), est.get("mean"), est.get("p50"),
                           est.get("p95"), est.get("p99"), formula, compared, flagged))
    return tuple(out)


def _path_formula(client, cls: str) -> dict[str, float | None]:
    """The engine's end-to-end figures for a client's reads or writes (None where it gives none)."""
    out: dict[str, float | None] = {"mean": None, "p50": None, "p95": None, "p99": None}
    if client is None or cls not in ("read", "write"):
        return out
    out["mean"] = client.read_latency if cls == "read" else client.write_latency
    percentile = getattr(client, "percentile", None)
    for name, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        try:
            out[name] = percentile(cls, p) if percentile is not None else None
        except (KeyError, TypeError):
            out[name] = None
    return out


def _trace(run, servers: list[int], duration: float, windows: int) -> dict[str, tuple[float, ...]]:
    """Busy servers / servers per window of simulated time, for every queueing component."""
    edges = np.linspace(0.0, duration, windows + 1)
    out = {}
    for i, st in enumerate(run.net.stations):
        if not st.queueing:
            continue
        node = run.stations[i]
        start, end = np.asarray(node.log_start), np.asarray(node.log_end)
        width = duration / windows
        out[st.id] = tuple(round(overlap(start, end, lo, hi) / (servers[i] * width), 6)
                           for lo, hi in itertools.pairwise(edges))
    return out


