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
client's mean path time in 2,048 steps, so a percentile is exact to about 2 % of that mean.
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


def _component_transforms(run: Run, omega: np.ndarray, dt: float) -> np.ndarray:
    """Each component's response time as the DFT of its distribution binned on the grid (rows x points)."""
    s, n = run.s, run.table.n
    points = omega.size
    edges = np.arange(points + 1) * dt  # bin k holds (k dt, (k + 1) dt]
    out = np.ones((n, points), dtype=complex)
    queued = np.flatnonzero(run.served & (s.servers > 0) & np.isfinite(s.latency))
    plain = np.flatnonzero(run.served & (s.servers == 0) & np.isfinite(s.latency) & (s.latency > 0))
    for rows, waits in ((queued, True), (plain, False)):
        if not rows.size:
            continue
        mu = 1.0 / (s.latency[rows] - s.wait[rows])  # 1 / service time
        p_wait = s.p_wait[rows] if waits else np.zeros(rows.size)
        # the wait, when there is one, is exponential with rate c mu - lambda = P_wait / Wq
        theta = np.divide(p_wait, s.wait[rows], out=mu * 2.0, where=(p_wait > 0) & (s.wait[rows] > 0))
        shape = (rows.size, points + 1)
        log_s, _ = _log_survival_and_hazard_vector(np.broadcast_to(edges, shape), np.broadcast_to(mu[:, None], shape),
                                                   np.broadcast_to(theta[:, None], shape),
                                                   np.broadcast_to(p_wait[:, None], shape))
        survival = np.exp(log_s)
        mass = survival[:, :-1] - survival[:, 1:]
        mass[:, -1] += survival[:, -1]  # the far tail in the last bin (the grid makes it negligible)
        out[rows] = np.fft.fft(mass, axis=1)
    return out


def _percentiles(run: Run, clients: list[str], means: np.ndarray) -> dict[str, dict[tuple[str, float], float]]:
    t, table = run.transfers, run.table
    rows = [table.index[c] for c in clients]
    out: dict[str, dict[tuple[str, float], float]] = {c: {} for c in clients}
    finite = [means[r, k] for r in rows for k in range(2) if math.isfinite(means[r, k]) and means[r, k] > 0]
    if not finite:
        for c, r in zip(clients, rows):
            for name, k in CLASSES:
                for p in PERCENTILES:
                    out[c][(name, p)] = float(means[r, k])  # 0 (nothing to wait for) or inf (saturated)
        return out
    dt = GRID_SPAN * max(finite) / GRID_POINTS
    omega = -2j * np.pi * np.fft.fftfreq(GRID_POINTS)  # DFT of a shift by one bin: exp(omega)
    own = _component_transforms(run, omega, dt)
    hop = np.exp(omega * (run.plan.settings.network_hop_ms / 1000.0) / dt)
    passed = np.maximum(0.0, run.ratios[:, [R, W]])
    passed[run.client] = 1.0
    request = np.flatnonzero(t.request)
    levels = run.request_levels()
    for name, k in CLASSES:
        c = (R, W)[k]
        phi = np.ones((table.n, GRID_POINTS), dtype=complex)
        for level in reversed(levels):
            if not level.size:
                continue
            edges = request[np.isin(t.source[request], level)]
            edges = edges[t.factors[edges, c] > 0]
            route = np.ones((level.size, GRID_POINTS), dtype=complex)
            position = {int(r): i for i, r in enumerate(level.tolist())}
            if edges.size:
                call = hop * phi[t.target[edges]]
                factors = t.factors[edges, c]
                at = np.array([position[int(x)] for x in t.source[edges].tolist()], dtype=np.intp)
                needed = t.needed[edges]
                if needed.any():
                    np.multiply.at(route, at[needed], _repeat(call[needed], factors[needed]))
                split = ~needed
                if split.any():
                    mixture = np.zeros((level.size, GRID_POINTS), dtype=complex)
                    np.add.at(mixture, at[split], factors[split, None] * call[split])
                    claimed = np.bincount(at[split], factors[split], minlength=level.size)
                    route *= mixture + np.maximum(0.0, 1.0 - claimed)[:, None]
            phi[level] = own[level] * _repeat(route, passed[level, k])
        for client, r in zip(clients, rows):
            if not math.isfinite(means[r, k]):
                for p in PERCENTILES:
                    out[client][(name, p)] = math.inf
                continue
            mass = np.clip(np.fft.ifft(phi[r]).real, 0.0, None)
            cdf = np.cumsum(mass) / max(mass.sum(), 1e-300)
            for p in PERCENTILES:
                i = int(np.searchsorted(cdf, p))
                below = cdf[i - 1] if i > 0 else 0.0
                share = (p - below) / max(cdf[min(i, GRID_POINTS - 1)] - below, 1e-300)
                out[client][(name, p)] = float((i + min(1.0, max(0.0, share))) * dt)
    return out
