"""
Availability: steady-state probability that a component (or a chain of them) is up.

Formulas from capacity-model.md, "Availability" (standard reliability engineering; the series and
parallel chains are also in capacity-defaults.md from the System Design Primer, "Availability in
numbers"):

- one instance: A = MTBF / (MTBF + MTTR), MTTR = failure detection + restart / failover;
- detection = heartbeat interval x missed heartbeats + probe timeout;
- series (all needed): product of A_i; parallel (any one of n enough): 1 - (1 - A)^n;
- k of n (k instances needed to carry the peak, n deployed): sum_{j=k..n} C(n, j) A^j (1 - A)^(n - j).

All assume independent failures; a shared zone, power feed or deploy is a common cause, modelled as one
more component in series. Every function is pure and takes/returns plain floats (seconds, fractions).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["detection_time", "downtime_per_year", "from_mtbf", "k_of_n", "parallel", "series"]

_DAY_S = 86_400.0  # capacity-model.md conventions: a day is 86,400 s, a year 365 days
# Tail sums stop once what is left is below this fraction of the partial sum (double precision ~1.1e-16).
_TAIL_RTOL = 1e-17


def _fraction(a: object, what: str = "availability") -> float:
    x = float(a)  # type: ignore[arg-type]
    if not 0.0 <= x <= 1.0:  # also rejects NaN
        raise ValueError(f"{what} must be a fraction in [0, 1] (0.999, not 99.9), got {a!r}")
    return x


def _count(value: object, what: str) -> int:
    """A whole number; integral floats (from a formula's ``ceiling``) are accepted."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"{what} must be a whole number, got {value!r}")


def _seconds(value: object, what: str) -> float:
    x = float(value)  # type: ignore[arg-type]
    if math.isnan(x) or x < 0:
        raise ValueError(f"{what} must be >= 0 seconds, got {value!r}")
    return x


def from_mtbf(mtbf_s: float, mttr_s: float) -> float:
    """A = MTBF / (MTBF + MTTR): the fraction of time up when failures every MTBF seconds on average
    each take MTTR seconds to repair (capacity-model.md, "Availability"). MTBF = inf gives 1.0."""
    mtbf = _seconds(mtbf_s, "MTBF")
    mttr = _seconds(mttr_s, "MTTR")
    if mtbf == 0.0:
        raise ValueError("MTBF must be > 0")
    if math.isinf(mtbf):
        if math.isinf(mttr):
            raise ValueError("MTBF and MTTR cannot both be infinite")
        return 1.0
    return mtbf / (mtbf + mttr)


def detection_time(interval_s: float, misses: int | float, timeout_s: float = 0.0) -> float:
    """Failure detection time = heartbeat interval x missed heartbeats + probe timeout, in seconds.

    A monitor declares an instance down after ``misses`` consecutive missed heartbeats (default in the
    design notes: 2) (capacity-model.md, "Health check / monitoring"). It is the first part of MTTR.
    """
    interval = _seconds(interval_s, "heartbeat interval")
    n = _seconds(misses, "missed heartbeats")
    return interval * n + _seconds(timeout_s, "probe timeout")


def series(values: Iterable[float]) -> float:
    """Availability of parts that are all needed: A = prod A_i (capacity-model.md; System Design Primer,
    "Availability in sequence"). An empty chain needs nothing and is always up: 1.0."""
    result = 1.0
    for v in values:
        result *= _fraction(v)
    return result


def parallel(a: float, n: int | float) -> float:
    """Availability of n independent copies of which any one is enough: 1 - (1 - A)^n (capacity-model.md;
    System Design Primer, "Availability in parallel"). Computed as -expm1(n log1p(-A)), which keeps full
    precision when A is tiny; n = 0 copies is never up."""
    a = _fraction(a)
    n = _count(n, "copies n")
    if n < 0:
        raise ValueError(f"copies n must be >= 0, got {n}")
    if n == 0:
        return 0.0
    if a == 1.0:
        return 1.0
    return -math.expm1(n * math.log1p(-a))


_LN_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def _stirlerr(n: int) -> float:
    """ln(n!) - ln(sqrt(2 pi n) (n / e)^n), the error of Stirling's formula (Loader 2000)."""
    if n <= 15:  # small values: lgamma is exact to ~1e-14 absolute here
        return math.lgamma(n + 1.0) - (n + 0.5) * math.log(n) + n - _LN_SQRT_2PI
    nn = float(n) * n
    s0, s1, s2, s3, s4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188
    if n > 500:
        return (s0 - s1 / nn) / n
    if n > 80:
        return (s0 - (s1 - s2 / nn) / nn) / n
    if n > 35:
        return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n


def _bd0(x: float, m: float) -> float:
    """x ln(x / m) + m - x, the deviance term, by a series when x is near m (no cancellation; Loader 2000)."""
    if abs(x - m) < 0.1 * (x + m):
        v = (x - m) / (x + m)
        s = (x - m) * v
        ej = 2.0 * x * v
        v2 = v * v
        j = 1
        while True:
            ej *= v2
            s1 = s + ej / (2 * j + 1)
            if s1 == s:
                return s1
            s = s1
            j += 1
    return x * math.log(x / m) + m - x


def _log_pmf(j: int, n: int, a: float) -> float:
    """ln of C(n, j) a^j (1 - a)^(n - j), for 0 < a < 1.

    Loader's saddle-point form (C. Loader, "Fast and Accurate Computation of Binomial Probabilities",
    2000; the algorithm of R's dbinom): stirlerr(n) - stirlerr(j) - stirlerr(n - j) - bd0(j, n a)
    - bd0(n - j, n (1 - a)) - ln(2 pi j (n - j) / n) / 2. Unlike lgamma(n + 1) - lgamma(j + 1) - ...,
    which subtracts numbers near ln n! (~10^6 for n = 10^5, so ~1e-10 absolute error), every term here is
    small, and the result is accurate to ~1e-15 for any n. No factorial or power can overflow.
    """
    if j == 0:
        return n * math.log1p(-a)
    if j == n:
        return n * math.log(a)
    lc = _stirlerr(n) - _stirlerr(j) - _stirlerr(n - j) - _bd0(j, n * a) - _bd0(n - j, n * (1.0 - a))
    return lc - 0.5 * (math.log(2.0 * math.pi * j) + math.log1p(-j / n))


def _tail(start: int, stop: int, step: int, n: int, a: float, b: float) -> float:
    """sum of C(n, j) a^j b^(n-j) for j = start, start + step, ... up to stop (inclusive), step = +-1.

    Callers start at the end of the tail nearest the mode, so the terms only decrease: the first term is
    taken in log space (Loader's saddle-point form, ``_log_pmf``) and the others by the ratio of
    consecutive terms, t(j+1) / t(j) = (n - j) / (j + 1) x a / b, summed relative to the first. The
    sum stops once the rest, bounded by a geometric series because the ratios keep falling, is below
    1e-17 of it.
    """
    log_first = _log_pmf(start, n, a)
    if log_first < -745.0:  # e^-745 underflows to 0 in double precision: the whole tail is below 1e-300
        return 0.0
    odds = a / b if step > 0 else b / a
    total = 1.0
    term = 1.0
    j = start
    while j != stop:
        ratio = (n - j) / (j + 1) * odds if step > 0 else j / (n - j + 1) * odds
        term *= ratio
        total += term
        j += step
        if ratio < 1.0 and term * ratio / (1.0 - ratio) < _TAIL_RTOL * total:
            break
    return math.exp(log_first) * total


#: Standard deviations of the up-count beyond which k_of_n uses the normal approximation.
_EXACT_SPREAD = 10_000.0


def k_of_n(a: float, k: int | float, n: int | float) -> float:
    """P(at least k of n independent instances are up), each up with probability a.

    sum_{j=k..n} C(n, j) a^j (1 - a)^(n - j) (capacity-model.md, "Availability": k instances carry the
    peak, n are deployed; e.g. a = 0.99: 3 of 4 gives 0.999408, 3 of 3 only 0.970299, hence N+1).
    k <= 0 -> 1.0 (nothing needed); k > n -> 0.0 (cannot be met).

    Stable for n up to 10^5 and beyond: no factorials or powers that overflow (the first binomial term in
    log space by Loader's saddle-point method, the next ones by a ratio recurrence), and only the
    *smaller* tail is summed, from the mode outwards:
    if k is above the mean n a, the upper tail P(X >= k) is small and summed directly (full relative
    precision); otherwise the lower tail P(X <= k - 1) is summed and returned as its complement (full
    absolute precision, and the result is >= ~1/2 so relative too). Work is O(terms until the tail is
    negligible), about 10 standard deviations, not O(n); relative accuracy ~1e-13 or better (tested at
    n = 10^5 against 50-digit arithmetic).
    """
    a = _fraction(a)
    k = _count(k, "needed k")
    n = _count(n, "deployed n")
    if n < 0:
        raise ValueError(f"deployed n must be >= 0, got {n}")
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if a == 1.0:
        return 1.0
    if a == 0.0:
        return 0.0
    b = 1.0 - a
    spread = math.sqrt(n * a * b)
    if spread > _EXACT_SPREAD:
        # Millions of instances: the binomial is normal to within ~1/spread (de Moivre-Laplace);
        # P(X >= k) with a continuity correction. Summing ~10 spreads of terms would take too long.
        return 0.5 * math.erfc((k - 0.5 - n * a) / (spread * math.sqrt(2)))
    if k > n * a:
        # Upper tail from j = k up. Terms fall while j >= (n + 1) a - 1, and k >= floor(n a) + 1 > n a
        # is past that, so they decrease from k on.
        return min(1.0, _tail(k, n, +1, n, a, b))
    # Lower tail from j = k - 1 down. Terms rise while j <= (n + 1) a, and k - 1 < n a is below that,
    # so they decrease from k - 1 down to 0.
    return max(0.0, 1.0 - _tail(k - 1, 0, -1, n, a, b))


def downtime_per_year(a: float, days: float = 365) -> float:
    """Expected seconds down over a period of ``days`` days: (1 - A) x days x 86,400.

    capacity-model.md conventions use a 365-day year; pass days=365.25 for the Julian year of the System
    Design Primer's tables, 30 for a billing month or 7 for a week (capacity-defaults.md, "Availability
    per nine": 99.99 % per week = 60.48 s, 99.9 % over 365 d = 8 h 45 m 36 s).
    """
    a = _fraction(a)
    d = float(days)
    if math.isnan(d) or d < 0:
        raise ValueError(f"days must be >= 0, got {days!r}")
    return (1.0 - a) * d * _DAY_S
