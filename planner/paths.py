"""
What a client waits for end to end, along its request paths (capacity-model.md, "Latency (queueing)").

Mean: L(x) = own(x) + sum over request links x -> y of w (hop + L(y)), w the share of x's requests that
make the call (pass ratio x link factor), worked from the last level back to the clients.

Percentiles (p50 / p95 / p99) are not sums of per-hop percentiles (that sum is only an upper bound):
they come from the distribution of the whole path, worked out exactly in the model by convolution.
Each component's response time is its M/M/c law (wait + service); a hop adds the network round trip;
calls made in sequence add (convolve), the calls that split traffic (link shares, a cache's hits and
misses) mix. The distributions are carried as their discrete Fourier transforms on one time grid, where
convolution is a product and a k-fold fan-out a power, and turned back into a distribution once per
client. Hops are taken as independent (no correlated slowdowns). The grid spans 40 x the slowest
client's mean path time (per traffic class) in 2,048 steps, so a percentile is exact to about 2 % of
that mean; a network hop that is a fraction of a step is split between the two steps around it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np

from archplan.planner.propagation import R, W
from archplan.planner.queueing import _log_survival_and_hazard_vector
from archplan.planner.run import Run
from archplan.planner.sizing import PERCENTILES

CLASSES = (("read", R), ("write", W))
GRID_POINTS = 2048
GRID_SPAN = 40.0  # x the longest mean path time
METHOD = ("end to end: the distribution of the whole request path (per-component M/M/c response times and "
          "network hops convolved along calls made in sequence, mixed over link shares and cache hits), "
          f"inverted on a grid of {GRID_POINTS:,} steps; not a sum of per-hop percentiles")


def mean_path_latency(run: Run) -> np.ndarray:
    """Mean latency from each component to the end of its request paths: columns (read, write)."""
    t, table = run.transfers, run.table
    hop = run.plan.settings.network_hop_ms / 1000.0
    own = np.where(run.client, 0.0, run.s.latency)
    ratios = run.ratios[:, [R, W]]
    ratios[run.client] = 1.0
    latency = np.zeros((table.n, 2))
    request = np.flatnonzero(t.request)
    for rows in reversed(run.request_levels()):
        if not rows.size:
            continue
        edges = request[np.isin(t.source[request], rows)]
        total = np.zeros((table.n, 2))
        if edges.size:
            weight = ratios[t.source[edges]] * t.factors[edges][:, [R, W]]
            step = np.where(weight != 0, weight * (hop + latency[t.target[edges]]), 0.0)
            for k in range(2):
                total[:, k] = np.bincount(t.source[edges], step[:, k], minlength=table.n)
        latency[rows] = own[rows, None] + total[rows]
    return latency


def _repeat(phi: np.ndarray, times: np.ndarray) -> np.ndarray:
    """The transform of `times` calls in sequence (a whole number of them, then one more with the
    fraction's probability): phi^floor(k) x ((1 - f) + f phi)."""
    whole = np.floor(times + 1e-12)
    fraction = times - whole
    return phi ** whole[:, None] * ((1.0 - fraction)[:, None] + fraction[:, None] * phi)


class PathPercentiles(Mapping):
    """{client id: {("read" | "write", p): seconds}}, worked out on first use (a convolution over the
    whole plan costs more than the rest of compute() on large plans, and most callers never ask)."""

    def __init__(self, run: Run, clients: list[str], means: np.ndarray):
        self._run, self._clients, self._means = run, clients, means
        self._data: dict[str, dict[tuple[str, float], float]] | None = None

    def _load(self) -> dict[str, dict[tuple[str, float], float]]:
        if self._data is None:
            self._data = _percentiles(self._run, self._clients, self._means)
            self._run = None  # the columns are no longer needed
        return self._data

    def __getitem__(self, client: str) -> dict[tuple[str, float], float]:
        return self._load()[client]

    def __iter__(self) -> Iterator[str]:
        return iter(self._clients)

    def __len__(self) -> int:
        return len(self._clients)


def _own_keys(run: Run) -> list[tuple[float, float, float]]:
    """Per component, what its own response-time law depends on: (service rate, wait rate, P_wait);
    (0, 0, 0) for no time at all, (inf, 0, 0) for a saturated one."""
    s = run.s
    latency = np.where(run.served, s.latency, 0.0)
    timed = np.isfinite(latency) & (latency > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = np.where(timed, 1.0 / (latency - s.wait), 0.0)
        p_wait = np.where(timed & (s.servers > 0), s.p_wait, 0.0)
        theta = np.where((p_wait > 0) & (s.wait > 0), p_wait / s.wait, 2.0 * mu)
    mu = np.where(np.isinf(latency), np.inf, mu)
    theta = np.where(np.isinf(latency), 0.0, theta)
    return list(zip(mu.tolist(), theta.tolist(), p_wait.tolist()))


def _transform(key: tuple[float, float, float], dt: float, points: int) -> np.ndarray:
    """The DFT of one component's response time binned on the grid (bin k holds (k dt, (k + 1) dt])."""
    mu, theta, p_wait = key
    if mu == 0.0:
        return np.ones(points, dtype=complex)  # no time: a point mass at 0
    edges = np.arange(points + 1) * dt
    ones = np.ones(points + 1)
    log_s, _ = _log_survival_and_hazard_vector(edges, mu * ones, theta * ones, p_wait * ones)
    survival = np.exp(log_s)
    mass = survival[:-1] - survival[1:]
    mass[-1] += survival[-1]  # the far tail in the last bin (the grid makes it negligible)
    return np.fft.fft(mass)


def _percentiles(run: Run, clients: list[str], means: np.ndarray) -> dict[str, dict[tuple[str, float], float]]:
    """Works bottom-up over the request levels, a traffic class at a time (each on its own grid, spanning
    40 x that class's longest mean path). Components whose whole downstream is alike (same own law, same
    calls to alike components: the stacks of a large plan) share one transform, so the work grows with
    the number of distinct sub-paths, not of components."""
    t, table = run.transfers, run.table
    rows = [table.index[c] for c in clients]
    out: dict[str, dict[tuple[str, float], float]] = {c: {} for c in clients}
    omega = -2j * np.pi * np.fft.fftfreq(GRID_POINTS)  # DFT of a shift by one bin: exp(omega)
    hop_s = run.plan.settings.network_hop_ms / 1000.0
    own_keys = _own_keys(run)
    passed = np.maximum(0.0, run.ratios[:, [R, W]])
    passed[run.client] = 1.0
    request = np.flatnonzero(t.request)
    by_source: dict[int, list[int]] = {}
    for e in request.tolist():
        by_source.setdefault(int(t.source[e]), []).append(e)
    levels = [level.tolist() for level in run.request_levels()]
    for name, k in CLASSES:
        finite = [means[r, k] for r in rows if math.isfinite(means[r, k]) and means[r, k] > 0]
        if not finite:
            for client, r in zip(clients, rows):
                for p in PERCENTILES:
                    out[client][(name, p)] = float(means[r, k])  # 0 (nothing to wait for) or inf (saturated)
            continue
        dt = GRID_SPAN * max(finite) / GRID_POINTS
        # a hop of h seconds is h / dt bins: split between the two whole bins around it (no ringing, mean kept)
        bins = hop_s / dt
        whole = math.floor(bins)
        hop = (1.0 - (bins - whole)) * np.exp(omega * whole) + (bins - whole) * np.exp(omega * (whole + 1))
        own_cache: dict[tuple[float, float, float], np.ndarray] = {}
        c = (R, W)[k]
        signature: dict[int, int] = {}
        transforms: dict[tuple, int] = {}  # (own law, pass ratio, calls) -> index into phis
        phis: list[np.ndarray] = []
        for level in reversed(levels):
            for row in level:
                calls = tuple(sorted((bool(t.needed[e]), float(t.factors[e, c]), signature[int(t.target[e])])
                                     for e in by_source.get(row, ()) if t.factors[e, c] > 0))
                key = (own_keys[row], float(passed[row, k]), calls)
                index = transforms.get(key)
                if index is None:
                    index = transforms[key] = len(phis)
                    phis.append(_combine(key, calls, phis, own_cache, hop, dt))
                signature[row] = index
        quantiles: dict[int, dict[float, float]] = {}  # alike clients share their distribution
        for client, r in zip(clients, rows):
            if not math.isfinite(means[r, k]) or means[r, k] == 0:
                for p in PERCENTILES:
                    out[client][(name, p)] = float(means[r, k])
                continue
            found = quantiles.get(signature[r])
            if found is None:
                found = quantiles[signature[r]] = _quantiles(phis[signature[r]], dt)
            for p, value in found.items():
                out[client][(name, p)] = value
    return out


def _quantiles(phi: np.ndarray, dt: float) -> dict[float, float]:
    """The percentiles of the distribution whose transform is phi (linear within a grid step)."""
    mass = np.clip(np.fft.ifft(phi).real, 0.0, None)
    cdf = np.cumsum(mass) / max(mass.sum(), 1e-300)
    out = {}
    for p in PERCENTILES:
        i = int(np.searchsorted(cdf, p))
        below = cdf[i - 1] if i > 0 else 0.0
        share = (p - below) / max(cdf[min(i, GRID_POINTS - 1)] - below, 1e-300)
        out[p] = float((i + min(1.0, max(0.0, share))) * dt)
    return out


def _combine(key: tuple, calls: tuple, phis: list[np.ndarray], own_cache: dict, hop: np.ndarray,
             dt: float) -> np.ndarray:
    """One component's path transform: its own law x (the share it keeps + the share it passes on x its
    route); the route multiplies its fan-out calls and mixes the calls that split the traffic."""
    own_key, passed, _ = key
    if own_key[0] == math.inf:
        return np.zeros(GRID_POINTS, dtype=complex)  # saturated: the client's mean is infinite anyway
    own = own_cache.get(own_key)
    if own is None:
        own = own_cache[own_key] = _transform(own_key, dt, GRID_POINTS)
    route = np.ones(GRID_POINTS, dtype=complex)
    mixture = np.zeros(GRID_POINTS, dtype=complex)
    claimed = 0.0
    for needed, factor, target in calls:
        call = hop * phis[target]
        if needed:
            route = route * _repeat(call[None, :], np.array([factor]))[0]
        else:
            mixture = mixture + factor * call
            claimed += factor
    if claimed:
        route = route * (mixture / max(1.0, claimed) + max(0.0, 1.0 - claimed))
    return own * _repeat(route[None, :], np.array([passed]))[0]
