"""Availability: MTBF/MTTR, detection time, series/parallel chains, k of n, downtime.

Reference figures: capacity-model.md, "Availability" (worked examples) and capacity-defaults.md,
"Availability per nine (computed exactly)".
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archplan.planner.availability import detection_time, downtime_per_year, from_mtbf, k_of_n, parallel, series

DAY = 86_400
HOUR = 3_600
MINUTE = 60


def brute_k_of_n(a: float, k: int, n: int) -> float:
    """sum_{j=k..n} C(n, j) a^j (1 - a)^(n - j), in exact rational arithmetic."""
    fa = Fraction(a)
    return float(sum(math.comb(n, j) * fa**j * (1 - fa) ** (n - j) for j in range(max(k, 0), n + 1)))


# ------------------------------------------------------------------------------------------ worked examples
def test_worked_example_mtbf_30_days_two_missed_heartbeats():
    """capacity-model.md, "Availability": MTBF 30 days, heartbeat 30 s, 2 misses, restart 60 s."""
    detect = detection_time(30, 2)
    assert detect == 60
    mttr = detect + 60
    a = from_mtbf(30 * DAY, mttr)
    assert round(a, 6) == 0.999954
    downtime = downtime_per_year(a)  # 365-day year
    assert downtime / MINUTE == pytest.approx(24.3, abs=0.05)
    assert downtime == pytest.approx(120 / (30 * DAY + 120) * 365 * DAY)


def test_worked_example_k_of_n():
    """capacity-model.md: A = 0.99, 3 of 4 needed -> 0.999408; 3 of 3 only 0.970299 (why N+1 matters)."""
    assert k_of_n(0.99, 3, 4) == pytest.approx(0.999408, abs=5e-7)
    assert k_of_n(0.99, 3, 4) == pytest.approx(0.99**4 + 4 * 0.99**3 * 0.01, rel=1e-14)
    assert k_of_n(0.99, 3, 3) == pytest.approx(0.970299, rel=1e-12)


@pytest.mark.parametrize(
    ("a", "days", "seconds"),
    [
        # capacity-defaults.md, "Availability per nine (computed exactly)"
        (0.9999, 7, 60.48),  # 1 m 0.48 s per week (the primer's "1m 5s" is wrong)
        (0.999, 365, 8 * HOUR + 45 * MINUTE + 36),  # 8 h 45 m 36 s over 365 d
        (0.999, 365.25, 8 * HOUR + 45 * MINUTE + 57.6),
        (0.99, 365.25, 3 * DAY + 15 * HOUR + 39 * MINUTE + 36),
        (0.99, 365, 3 * DAY + 15 * HOUR + 36 * MINUTE),
        (0.9995, 30, 21 * MINUTE + 36),
        (0.99999, 365.25, 5 * MINUTE + 15.576),
        (0.99999, 1, 0.864),
    ],
)
def test_availability_per_nine_table(a, days, seconds):
    assert downtime_per_year(a, days=days) == pytest.approx(seconds, rel=1e-9)


# ------------------------------------------------------------------------------------------ basic pieces
def test_from_mtbf():
    assert from_mtbf(99, 1) == pytest.approx(0.99)
    assert from_mtbf(1, 0) == 1.0
    assert from_mtbf(math.inf, 60) == 1.0
    with pytest.raises(ValueError):
        from_mtbf(0, 1)
    with pytest.raises(ValueError):
        from_mtbf(10, -1)


def test_detection_time():
    assert detection_time(10, 3) == 30
    assert detection_time(10, 2, timeout_s=5) == 25
    assert detection_time(0.5, 2.0) == 1.0
    with pytest.raises(ValueError):
        detection_time(-1, 2)


def test_series_and_parallel():
    assert series([0.999, 0.999]) == pytest.approx(0.998001)
    assert series(iter([0.9, 0.5, 1.0])) == pytest.approx(0.45)
    assert series([]) == 1.0
    assert parallel(0.999, 2) == pytest.approx(0.999999)
    assert parallel(0.9, 1) == pytest.approx(0.9)
    assert parallel(0.5, 0) == 0.0
    assert parallel(1.0, 3) == 1.0
    assert parallel(0.0, 3) == 0.0
    assert parallel(1e-20, 3) == pytest.approx(3e-20, rel=1e-12)  # no cancellation for tiny A
    with pytest.raises(ValueError):
        series([0.9, 99.9])
    with pytest.raises(ValueError):
        parallel(1.5, 2)


# ----------------------------------------------------------------------------------------------- k of n
def test_k_of_n_edges():
    assert k_of_n(0.9, 0, 3) == 1.0
    assert k_of_n(0.9, -2, 3) == 1.0
    assert k_of_n(0.9, 4, 3) == 0.0
    assert k_of_n(0.0, 1, 3) == 0.0
    assert k_of_n(1.0, 3, 3) == 1.0
    assert k_of_n(0.9, 0, 0) == 1.0
    assert k_of_n(0.9, 3.0, 4.0) == k_of_n(0.9, 3, 4)  # integral floats, as formulas produce them
    with pytest.raises(ValueError):
        k_of_n(0.9, 2.5, 4)
    with pytest.raises(ValueError):
        k_of_n(1.1, 1, 4)


@pytest.mark.parametrize("a", [0.5, 0.9, 0.99, 0.999, 0.3])
@pytest.mark.parametrize("n", [1, 2, 5, 10])
def test_k_of_n_special_cases(a, n):
    assert k_of_n(a, 1, n) == pytest.approx(parallel(a, n), rel=1e-13)
    assert k_of_n(a, n, n) == pytest.approx(a**n, rel=1e-13)


def mp_upper_tail(a: float, k: int, n: int, terms: int) -> mpmath.mpf:
    """P(X >= k), X ~ Bin(n, a), in 50-digit arithmetic: `terms` terms from k (the rest is negligible)."""
    with mpmath.workdps(50):
        fa = mpmath.mpf(a)
        return mpmath.fsum(
            mpmath.binomial(n, j) * fa**j * (1 - fa) ** (n - j) for j in range(k, min(n, k + terms) + 1)
        )


@pytest.mark.parametrize(
    ("a", "k", "n"),
    [
        (0.5, 50_300, 100_000),  # upper tail, ~2 sigma above the mean
        (0.5, 51_000, 100_000),  # far upper tail, tiny
        (0.9, 90_100, 100_000),
        (0.99999, 99_990, 100_000),  # at most 10 failures in 100,000 at 1e-5 each (Poisson(1) tail)
        (0.999, 99_950, 100_000),
    ],
)
def test_k_of_n_large_n_against_high_precision(a, k, n):
    expected = mp_upper_tail(a, k, n, terms=6_000)
    assert k_of_n(a, k, n) == pytest.approx(float(expected), rel=1e-8, abs=1e-15)


def test_k_of_n_large_n_lower_tail_complement():
    """k below the mean: the small lower tail is summed and complemented (50-digit reference)."""
    a, n = 0.5, 100_000  # a^j (1 - a)^(n - j) = 0.5^n for every j
    for k in (49_000, 49_800, 50_000):
        with mpmath.workdps(50):
            lower = mpmath.fsum(
                mpmath.binomial(n, j) * mpmath.mpf(a) ** n for j in range(max(0, k - 6_000), k)
            )
        assert k_of_n(a, k, n) == pytest.approx(float(1 - lower), rel=1e-12)


def test_k_of_n_no_overflow_for_huge_n():
    for a in (1e-9, 0.1, 0.5, 0.999999, 1 - 1e-12):
        for k in (1, 10, 50_000, 99_999, 100_000):
            value = k_of_n(a, k, 100_000)
            assert 0.0 <= value <= 1.0 and math.isfinite(value)
    assert k_of_n(0.5, 100_000, 100_000) == 0.0  # 2^-100000 underflows to 0
    assert k_of_n(0.5, 1, 100_000) == 1.0


# --------------------------------------------------------------------------------------------- properties
fractions_ = st.floats(0.0, 1.0)


@given(a=fractions_, k=st.integers(-2, 40), n=st.integers(0, 30))
@settings(max_examples=400, deadline=None)
def test_k_of_n_matches_brute_force(a, k, n):
    assert k_of_n(a, k, n) == pytest.approx(brute_k_of_n(a, k, n), rel=1e-11, abs=1e-14)


@given(a=fractions_, k=st.integers(-2, 3_000), n=st.integers(0, 3_000))
@settings(max_examples=300, deadline=None)
def test_k_of_n_in_unit_interval(a, k, n):
    assert 0.0 <= k_of_n(a, k, n) <= 1.0


@given(a1=fractions_, a2=fractions_, k=st.integers(0, 300), n=st.integers(0, 300))
@settings(max_examples=300, deadline=None)
def test_k_of_n_increasing_in_a(a1, a2, k, n):
    lo, hi = sorted((a1, a2))
    assert k_of_n(lo, k, n) <= k_of_n(hi, k, n) + 1e-12


@given(a=fractions_, k=st.integers(-1, 300), n=st.integers(0, 300))
@settings(max_examples=300, deadline=None)
def test_k_of_n_decreasing_in_k(a, k, n):
    assert k_of_n(a, k + 1, n) <= k_of_n(a, k, n) + 1e-12


@given(a=st.floats(0.0, 1.0), k=st.integers(0, 2_000), n=st.integers(0, 2_000))
@settings(max_examples=200, deadline=None)
def test_k_of_n_symmetry(a, k, n):
    """P(at least k of n up | a) = 1 - P(at least n - k + 1 of n down), i.e. with 1 - a."""
    if k > n:
        return
    assert k_of_n(a, k, n) == pytest.approx(1.0 - k_of_n(1.0 - a, n - k + 1, n), abs=1e-12)
