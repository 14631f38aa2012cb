"""
Queueing: latency of a component modelled as an M/M/c queue (capacity-model.md, "Latency (queueing)").

A component with c servers (instances x workers), each serving 1/mu seconds per request on average, fed
by Poisson arrivals at lambda per second. Offered load a = lambda / mu (Erlangs), utilisation
rho = a / c. If rho >= 1 the queue grows without bound: the component is *saturated* and has no finite
latency (mean and percentiles are ``math.inf``). Otherwise, standard M/M/c results (Erlang 1917; any
queueing text, e.g. Kleinrock, *Queueing Systems* vol. 1, section 3.5):

- Erlang B by the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)) (no factorials, so it
  works for thousands of servers);
- Erlang C (probability that a request waits) P_wait = c B(c) / (c - a (1 - B(c)));
- mean wait Wq = P_wait / (c mu - lambda), mean response W = Wq + 1/mu;
- response time = wait + service, the wait being 0 with probability 1 - P_wait and otherwise
  exponential with rate theta = c mu - lambda, the service exponential with rate mu, so
  P(W <= t) = (1 - P_wait)(1 - e^(-mu t)) + P_wait (1 - (theta e^(-mu t) - mu e^(-theta t)) / (theta - mu)),
  with the limit 1 - e^(-mu t)(1 + mu t) when theta = mu. Percentiles invert it numerically.

Pure Python (``math`` only) and cheap per call: the engine evaluates it for up to 10,000 components in a
~100 ms budget. Erlang B is cached on (c, a) because one component asks for P_wait several times (mean
wait, mean response, each percentile).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["MMc", "erlang_b", "erlang_c", "response_percentiles"]

# Erlang B/C below this are reported as 0: P_wait(c) <= _NEGLIGIBLE means the absolute error of returning
# 0 is at most 1e-20, far below anything a plan can show (and below the 1e-9 the tests demand).
_NEGLIGIBLE = 1e-20
# Start the Erlang B recursion this many standard deviations (sqrt(a)) below the offered load, when that
# is above server 1. See _erlang_b for why this is exact to ~1e-21.
_START_SIGMAS = 10.0
# theta and mu closer than this (relative) use the theta == mu limit form of the response-time law.
_SAME_RATE_RTOL = 1e-12
# Percentiles are solved to this relative precision (the brief asks for 1e-9; Newton gives it cheaply).
_PERCENTILE_RTOL = 1e-12
#: Column percentiles stop here: far below what a figure shows, reached in a handful of Newton steps.
_COLUMN_RTOL = 1e-11
#: Percentiles below this count as 0 (see MMc.response_percentile).
_SMALLEST_PERCENTILE = 1e-250


def _as_count(value: object, what: str) -> int:
    """An integral count; integral floats (3.0, from a formula's ``ceiling``) are accepted."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, got {value!r}")
    if isinstance(value, int):
        result = value
    elif isinstance(value, float) and value.is_integer():
        result = int(value)
    else:
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    if result < 0:
        raise ValueError(f"{what} must be >= 0, got {value!r}")
    return result


def _as_rate(value: object, what: str) -> float:
    x = float(value)  # type: ignore[arg-type]
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{what} must be a finite number >= 0, got {value!r}")
    return x


@lru_cache(maxsize=65_536)
def _erlang_b(c: int, a: float) -> float:
    """Erlang B for c >= 1 servers and offered load a > 0 (validated by the callers).

    Exact recursion B(k) = a B(k-1) / (k + a B(k-1)) from B(0) = 1, with two shortcuts that keep the
    work at O(sqrt(a)) instead of O(c) and change the result by less than 1e-20 (absolute) / ~1e-21
    (relative):

    1. Late start. Write r(k) = 1 / B(k); the recursion is r(k) = 1 + (k / a) r(k-1). Two sequences
       obeying it differ by d(k) = (k / a) d(k-1), so the *relative* error of a wrong starting value is
       multiplied at step k by exactly (k / a) r(k-1) / r(k) = 1 - B(k): the recursion forgets its start.
       Erlang B is bounded below by the fluid limit, B(k) >= 1 - k / a (the carried load a (1 - B) can
       not exceed the k servers). Starting at k0 = floor(min(c, a) - 10 sqrt(a)) from the fluid value
       1 - k0 / a, the start's relative error is at most r_fluid - 1 <= sqrt(a) / 10, and over the
       10 sqrt(a) steps up to min(c, a) it is multiplied by prod (1 - B(k)) <= exp(-sum (a - k) / a)
       <= exp(-(10 sqrt(a))^2 / (2 a)) = exp(-50) ~= 2e-22. So the late start is exact to ~1e-21
       relative even for a = 10^5 (sqrt(a) / 10 = 32), and c - k0 steps replace c. (Starting below
       min(c, a), not below a, keeps this true for overloaded components, c < a.)
    2. Early stop. Erlang B and Erlang C both decrease as servers are added, and C(k) <= k B(k) / (k - a)
       for k > a. Once that bound drops below 1e-20, B(c) and C(c) for every larger c are within 1e-20 of
       0, so the loop stops and returns 0.0. The Poisson-like tail gets there about 9.6 sqrt(a) servers
       above a, so a lightly loaded component with 100,000 servers costs O(sqrt(a)), not 100,000 steps.

    tests/planner/test_queueing.py checks both against the plain recursion from 0 to c within 1e-9
    (in practice they agree to the last bit).
    """
    if a > _HUGE_LOAD:
        return _erlang_b_halfin_whitt(c, a)
    k = 0
    b = 1.0
    if a > 1.0:
        k0 = math.floor(min(c, a) - _START_SIGMAS * math.sqrt(a))
        if k0 >= 1:
            k = k0
            b = 1.0 - k0 / a  # fluid lower bound; its error is forgotten by the recursion (see above)
    while k < c:
        k += 1
        ab = a * b
        b = ab / (k + ab)
        if k > a and k * b < _NEGLIGIBLE * (k - a):  # P_wait(k) < 1e-20, so also for every c >= k
            return 0.0
    return b


#: Above this offered load (Erlangs) even O(sqrt(a)) steps are too many: use the Halfin-Whitt limit.
_HUGE_LOAD = 1e8


def _erlang_b_halfin_whitt(c: int, a: float) -> float:
    """Erlang B for a huge offered load (a > 1e8: millions of servers), from the Halfin-Whitt limit.

    With beta = (c - a) / sqrt(a), P_wait -> 1 / (1 + beta Phi(beta) / phi(beta)) as a -> infinity
    (Halfin & Whitt, "Heavy-traffic limits for queues with many exponential servers", Oper. Res.
    29(3), 1981); its error shrinks like 1 / sqrt(a), below 1e-4 here. B follows from
    C = c B / (c - a (1 - B)): B = C (c - a) / (c - a C). An overloaded system (c <= a) loses the
    excess: B = 1 - c / a (the fluid limit)."""
    if c <= a:
        return 1.0 - c / a
    beta = (c - a) / math.sqrt(a)
    phi = math.exp(-beta * beta / 2) / math.sqrt(2 * math.pi)
    if phi == 0.0:
        return 0.0
    cdf = 0.5 * math.erfc(-beta / math.sqrt(2))
    p_wait = 1.0 / (1.0 + beta * cdf / phi)
    return p_wait * (c - a) / (c - a * p_wait)


def erlang_b(c: int, a: float) -> float:
    """Erlang B: probability that a request finds all c servers busy in a loss system (M/M/c/c).

    B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)) (capacity-model.md, "Latency (queueing)"; the stable form
    of B = (a^c / c!) / sum_{k=0..c} a^k / k!). ``c`` servers (>= 0), ``a`` offered load in Erlangs
    (lambda / mu, >= 0). It is the building block of Erlang C.
    """
    c = _as_count(c, "servers c")
    a = _as_rate(a, "offered load a")
    if c == 0:
        return 1.0
    if a == 0.0:
        return 0.0
    return _erlang_b(c, a)


def erlang_c(c: int, a: float) -> float:
    """Erlang C: probability that a request has to wait in an M/M/c queue (P_wait).

    P_wait = c B(c) / (c - a (1 - B(c))) with B = Erlang B (capacity-model.md, "Latency (queueing)").
    Returns 1.0 when a >= c: the queue is saturated and every request waits (without bound).
    """
    c = _as_count(c, "servers c")
    a = _as_rate(a, "offered load a")
    if a >= c:
        return 1.0
    if a == 0.0:
        return 0.0
    b = _erlang_b(c, a)
    return min(1.0, c * b / (c - a * (1.0 - b)))


def _g(x: float) -> float:
    """(1 - e^(-x)) / x for x >= 0, accurate everywhere (expm1), with the limit 1 at x = 0."""
    if x == 0.0:
        return 1.0
    return -math.expm1(-x) / x


def _log_survival_and_hazard(t: float, mu: float, theta: float, p_wait: float) -> tuple[float, float]:
    """ln P(W > t) and the hazard f(t) / P(W > t) of the M/M/c response time, for t >= 0.

    The survival of the hypoexponential part (theta e^(-mu t) - mu e^(-theta t)) / (theta - mu) is
    symmetric in (mu, theta) and equals e^(-r1 t) (1 + r1 t g((r2 - r1) t)) with r1 <= r2 the two rates
    and g(x) = (1 - e^(-x)) / x: algebraically the formula of capacity-model.md, but with no difference of
    nearly equal terms, and exactly the limit form e^(-mu t)(1 + mu t) when theta == mu (g = 1). Its
    density is mu theta t e^(-r1 t) g((r2 - r1) t). The common factor e^(-r1 t) is kept in log form so
    nothing underflows in the far tail.
    """
    if abs(theta - mu) <= _SAME_RATE_RTOL * max(theta, mu):
        r1 = mu
        g = 1.0
        e_minus_1 = 0.0
    else:
        r1, r2 = (mu, theta) if mu < theta else (theta, mu)
        delta = r2 - r1
        g = _g(delta * t)
        # e^(-(mu - r1) t) - 1: the service term relative to e^(-r1 t), less one (exact near t = 0)
        e_minus_1 = 0.0 if mu == r1 else math.expm1(-delta * t)
    q = 1.0 - p_wait
    # den = q e + p_wait (1 + r1 t g), written as 1 + (a small part) so that ln(den) keeps its relative
    # precision for tiny t: low percentiles are found from a log survival close to 0
    den_minus_1 = q * e_minus_1 + p_wait * r1 * t * g
    num = q * mu * (1.0 + e_minus_1) + p_wait * mu * theta * t * g
    return -r1 * t + math.log1p(den_minus_1), num / (1.0 + den_minus_1)


@dataclass(frozen=True, slots=True)
class MMc:
    """An M/M/c queue: Poisson arrivals, exponential service, c identical servers, FIFO, unbounded queue.

    ``arrival`` lambda (requests/s), ``service_rate`` mu (requests/s per server, i.e. 1 / mean service
    time), ``servers`` c (instances x workers). Formulas: capacity-model.md, "Latency (queueing)".
    """

    arrival: float
    service_rate: float
    servers: int

    def __post_init__(self) -> None:
        _as_rate(self.arrival, "arrival rate")
        mu = float(self.service_rate)
        if not math.isfinite(mu) or mu <= 0:
            raise ValueError(f"service rate must be a finite number > 0, got {self.service_rate!r}")
        if _as_count(self.servers, "servers") < 1:
            raise ValueError("an M/M/c queue needs at least one server")

    # ------------------------------------------------------------------------------------------ load
    @property
    def offered_load(self) -> float:
        """a = lambda / mu, in Erlangs: servers kept busy on average."""
        return self.arrival / self.service_rate

    @property
    def utilisation(self) -> float:
        """rho = a / c: the busy fraction of each server."""
        return self.offered_load / self.servers

    @property
    def saturated(self) -> bool:
        """rho >= 1: the queue grows without bound, no finite latency (capacity-model.md)."""
        return self.offered_load >= self.servers

    @property
    def p_wait(self) -> float:
        """P_wait = Erlang C(c, a): probability that a request queues before service (1.0 if saturated)."""
        return erlang_c(self.servers, self.offered_load)

    # ---------------------------------------------------------------------------------------- means
    @property
    def mean_wait(self) -> float:
        """Wq = P_wait / (c mu - lambda), seconds in the queue on average (inf if saturated)."""
        if self.saturated:
            return math.inf
        return self.p_wait / (self.servers * self.service_rate - self.arrival)

    @property
    def mean_response(self) -> float:
        """W = Wq + 1/mu, mean seconds from arrival to completion (inf if saturated)."""
        return self.mean_wait + 1.0 / self.service_rate

    # ------------------------------------------------------------------------------------ distribution
    def _rates(self) -> tuple[float, float, float]:
        mu = float(self.service_rate)
        return mu, self.servers * mu - self.arrival, self.p_wait

    def response_cdf(self, t: float) -> float:
        """P(W <= t), the response-time distribution (wait + service) at t seconds.

        (1 - P_wait)(1 - e^(-mu t)) + P_wait (1 - (theta e^(-mu t) - mu e^(-theta t)) / (theta - mu)),
        theta = c mu - lambda, with the limit 1 - e^(-mu t)(1 + mu t) at theta == mu (capacity-model.md);
        evaluated in the cancellation-free form of ``_log_survival_and_hazard``. A saturated queue
        finishes nothing in finite time: 0.0.
        """
        t = float(t)
        if math.isnan(t):
            raise ValueError("t must be a number")
        if t <= 0.0:
            return 0.0
        if self.saturated:
            return 0.0
        if t == math.inf:
            return 1.0
        mu, theta, p_wait = self._rates()
        log_s, _ = _log_survival_and_hazard(t, mu, theta, p_wait)
        return -math.expm1(log_s)

    def response_percentile(self, p: float) -> float:
        """The response time (s) that a fraction p of requests beat: the p-quantile of W, 0 < p < 1.

        p below 1e-250 is taken as 0: its quantile would be below 1e-250 s, and in the subnormal
        floats it reaches the answer would be too coarse to keep growing with p.

        Inverts ``response_cdf`` numerically to 1e-12 relative: the root is bracketed by bounds that need
        no search (W is at least the service time, so t >= -ln(1 - p) / mu; W is at most the
        hypoexponential wait + service, whose survival is <= e^(-x)(1 + x) with x = min(mu, theta) t, so
        t <= (2 L + 2) / min(mu, theta) with L = -ln(1 - p)), then safeguarded Newton on ln P(W > t)
        (falls back to bisection whenever a step leaves the bracket), which converges in a handful of
        steps. ``math.inf`` when saturated; with no waiting (no arrivals) it is the exponential service
        quantile -ln(1 - p) / mu. p = 0 gives 0, p = 1 gives inf.
        """
        return self._percentile(float(p), *self._rates())

    def response_percentiles(self, *ps: float) -> tuple[float, ...]:
        """Several percentiles at once (e.g. 0.5, 0.95, 0.99), computing P_wait once."""
        rates = self._rates()
        return tuple(self._percentile(float(p), *rates) for p in ps)

    def _percentile(self, p: float, mu: float, theta: float, p_wait: float) -> float:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"percentile must be a fraction in [0, 1] (0.99, not 99), got {p!r}")
        if p == 0.0:
            return 0.0
        if p == 1.0 or self.saturated:
            return math.inf
        if p < _SMALLEST_PERCENTILE:
            return 0.0
        big_l = -math.log1p(-p)  # -ln(1 - p) > 0
        if p_wait == 0.0:
            return big_l / mu
        log_q = -big_l
        lo = big_l / mu
        hi = (2.0 * big_l + 2.0) / min(mu, theta)
        # Start from the quantile of an exponential with the same mean W (exact for M/M/1, close
        # otherwise); ln S is nearly linear in t, so Newton needs 1-5 steps for p50..p99.9.
        t = min(hi, max(lo, big_l * (p_wait / theta + 1.0 / mu)))
        for _ in range(200):
            log_s, hazard = _log_survival_and_hazard(t, mu, theta, p_wait)
            gap = log_s - log_q  # > 0 left of the root, decreasing in t with slope -hazard
            if gap == 0.0:
                return t
            if gap > 0.0:
                lo = t
            else:
                hi = t
            nxt = t + gap / hazard if hazard > 0.0 else 0.5 * (lo + hi)
            if not lo < nxt < hi:
                nxt = 0.5 * (lo + hi)
            if abs(nxt - t) <= _PERCENTILE_RTOL * nxt or hi - lo <= _PERCENTILE_RTOL * hi:
                return nxt
            t = nxt
        return t  # pragma: no cover - Newton with bisection fallback converges long before


# ------------------------------------------------------------------------------------------ columns

def _log_survival_and_hazard_vector(t, mu, theta, p_wait):
    """Column form of ``_log_survival_and_hazard`` (same algebra, numpy arrays of equal shape)."""
    import numpy as np

    same = np.abs(theta - mu) <= _SAME_RATE_RTOL * np.maximum(theta, mu)
    r1 = np.where(same, mu, np.minimum(mu, theta))
    delta = np.where(same, 0.0, np.abs(theta - mu))
    x = delta * t
    g = np.where(x > 0, -np.expm1(-x) / np.where(x > 0, x, 1.0), 1.0)
    e_minus_1 = np.where(same | (mu == r1), 0.0, np.expm1(-x))
    q = 1.0 - p_wait
    den_minus_1 = q * e_minus_1 + p_wait * r1 * t * g
    num = q * mu * (1.0 + e_minus_1) + p_wait * mu * theta * t * g
    return -r1 * t + np.log1p(den_minus_1), num / (1.0 + den_minus_1)


def response_percentiles(p: float, mu, servers, arrival, p_wait):
    """The p-quantile of the M/M/c response time for columns of queues (capacity-model.md).

    The same law and the same bracket as ``MMc.response_percentile``, solved for whole columns at once
    by safeguarded Newton steps on ln P(W > t) (bisection whenever a step leaves the bracket); 60 rounds
    reach the bracket's floating-point width. ``inf`` where a queue is saturated (arrival >= c mu)."""
    import numpy as np

    p, mu, servers, arrival, p_wait = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                                            for v in (p, mu, servers, arrival, p_wait)))
    theta = servers * mu - arrival
    big_l = -np.log1p(-p)
    out = np.full(mu.shape, np.inf)
    stable = (theta > 0) & (mu > 0)
    no_wait = stable & (p_wait == 0.0)
    out[no_wait] = big_l[no_wait] / mu[no_wait]  # the exponential service alone
    ok = stable & ~no_wait
    if not ok.any():
        return out
    mu_, theta_, pw, big_l = mu[ok], theta[ok], p_wait[ok], big_l[ok]
    lo = big_l / mu_
    hi = (2.0 * big_l + 2.0) / np.minimum(mu_, theta_)
    t = np.clip(big_l * (pw / theta_ + 1.0 / mu_), lo, hi)
    for _ in range(60):
        log_s, hazard = _log_survival_and_hazard_vector(t, mu_, theta_, pw)
        gap = log_s + big_l
        lo = np.where(gap > 0, t, lo)
        hi = np.where(gap < 0, t, hi)
        step = np.where(hazard > 0, t + gap / np.where(hazard > 0, hazard, 1.0), 0.5 * (lo + hi))
        nxt = np.where((step > lo) & (step < hi), step, 0.5 * (lo + hi))
        done = np.all((np.abs(nxt - t) <= _COLUMN_RTOL * nxt) | (hi - lo <= _COLUMN_RTOL * hi))
        t = nxt
        if done:
            break
    out[ok] = t
    return out
