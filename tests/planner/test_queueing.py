"""M/M/c latency: Erlang B/C, means, response-time distribution and percentiles.

Reference figures: capacity-model.md, "Latency (queueing)" (the worked example), plus independent
closed forms (factorial Erlang formulas, M/M/1 exponential response time).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archplan.planner.queueing import MMc, erlang_b, erlang_c


def exact_erlang_b(c: int, a: float) -> float:
    """The plain recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), all c steps, no shortcut."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def exact_erlang_c(c: int, a: float) -> float:
    b = exact_erlang_b(c, a)
    return c * b / (c - a * (1 - b))


def factorial_erlang_c(c: int, a: float) -> float:
    """Textbook closed form, with T = (a^c / c!) c / (c - a): P_wait = T / (sum_{k<c} a^k / k! + T)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def factorial_erlang_b(c: int, a: float) -> float:
    return (a**c / math.factorial(c)) / sum(a**k / math.factorial(k) for k in range(c + 1))


# ------------------------------------------------------------------------------------------ worked example
def test_worked_example_seven_servers():
    """capacity-model.md worked example: lambda = 100/s, service 50 ms (mu = 20), c = 7."""
    q = MMc(arrival=100.0, service_rate=20.0, servers=7)
    assert q.offered_load == pytest.approx(5.0)
    assert q.utilisation == pytest.approx(0.714, abs=5e-4)
    assert not q.saturated
    assert q.p_wait == pytest.approx(0.3241, abs=5e-5)
    assert q.mean_wait * 1e3 == pytest.approx(8.104, abs=5e-4)
    assert q.mean_response * 1e3 == pytest.approx(58.104, abs=5e-4)
    assert q.response_percentile(0.50) * 1e3 == pytest.approx(43.26, abs=5e-3)
    assert q.response_percentile(0.95) * 1e3 == pytest.approx(163.36, abs=5e-3)
    assert q.response_percentile(0.99) * 1e3 == pytest.approx(244.2, abs=5e-2)
    p50, p95, p99 = q.response_percentiles(0.5, 0.95, 0.99)
    assert (p50, p95, p99) == tuple(q.response_percentile(p) for p in (0.5, 0.95, 0.99))


def test_worked_example_six_servers_theta_equals_mu():
    """capacity-model.md worked example, c = 6: theta = c mu - lambda = 20 = mu, the limit form of the CDF."""
    q = MMc(arrival=100.0, service_rate=20.0, servers=6)
    assert q.servers * q.service_rate - q.arrival == q.service_rate
    assert q.p_wait == pytest.approx(0.5875, abs=5e-5)
    assert q.response_percentile(0.99) * 1e3 == pytest.approx(306.59, abs=5e-3)


def test_worked_example_p_wait_matches_factorial_closed_form():
    assert erlang_c(7, 5.0) == pytest.approx(factorial_erlang_c(7, 5.0), rel=1e-13)
    assert erlang_c(6, 5.0) == pytest.approx(factorial_erlang_c(6, 5.0), rel=1e-13)


# ----------------------------------------------------------------------------------------------- Erlang
@pytest.mark.parametrize("c", range(1, 25))
@pytest.mark.parametrize("rho", [0.01, 0.2, 0.5, 0.8, 0.95, 0.999])
def test_erlang_c_matches_factorial_closed_form_small_c(c, rho):
    a = rho * c
    # abs=1e-20: below that the early stop of _erlang_b reports 0 (documented bound).
    assert erlang_c(c, a) == pytest.approx(factorial_erlang_c(c, a), rel=1e-11, abs=1e-20)
    assert erlang_b(c, a) == pytest.approx(factorial_erlang_b(c, a), rel=1e-11, abs=1e-20)


def test_erlang_known_values():
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(1, 1.0) == pytest.approx(0.5)  # a / (1 + a)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P_wait = rho
    assert erlang_c(3, 0.0) == 0.0
    assert erlang_b(3, 0.0) == 0.0


def test_erlang_c_saturated_is_one():
    assert erlang_c(5, 5.0) == 1.0
    assert erlang_c(5, 7.5) == 1.0
    assert erlang_c(0, 1.0) == 1.0


@pytest.mark.parametrize(
    ("c", "a"),
    [
        (50, 20.0), (200, 150.0), (500, 499.0), (1_000, 900.0), (1_000, 999.9), (2_000, 1_500.0),
        (5_000, 4_950.0), (10_000, 9_000.0), (10_000, 9_990.0), (20_000, 19_900.0),
        (100_000, 99_000.0), (100_000, 99_900.0), (100_000, 99_999.0), (100_000, 50_000.0),
        (100_000, 10.0), (100_000, 1_000.0), (3, 250.0), (1_000, 1_200.0), (150, 151.0),
    ],
)
def test_fast_path_matches_exact_recursion(c, a):
    """The late start at floor(a - 10 sqrt(a)) and the early stop once P_wait < 1e-20 (see _erlang_b)
    agree with the plain O(c) recursion within 1e-9 (absolute and relative where it matters)."""
    exact_b = exact_erlang_b(c, a)
    assert erlang_b(c, a) == pytest.approx(exact_b, rel=1e-9, abs=1e-9)
    if a < c:
        exact_c = exact_erlang_c(c, a)
        assert erlang_c(c, a) == pytest.approx(exact_c, rel=1e-9, abs=1e-9)


@given(c=st.integers(1, 3_000), rho=st.floats(0.0, 1.5))
@settings(max_examples=200, deadline=None)
def test_fast_path_matches_exact_recursion_property(c, rho):
    a = rho * c
    assert erlang_b(c, a) == pytest.approx(exact_erlang_b(c, a), rel=1e-9, abs=1e-12)
    if a < c:
        assert erlang_c(c, a) == pytest.approx(exact_erlang_c(c, a), rel=1e-9, abs=1e-12)


def test_large_lightly_loaded_component_is_cheap_and_zero():
    # 100,000 servers, 10 Erlangs: P_wait underflows long before server 100,000.
    assert erlang_c(100_000, 10.0) == 0.0
    assert MMc(arrival=10.0, service_rate=1.0, servers=100_000).mean_response == pytest.approx(1.0)


def test_erlang_rejects_bad_input():
    with pytest.raises(ValueError):
        erlang_b(-1, 1.0)
    with pytest.raises(ValueError):
        erlang_c(3, -0.5)
    with pytest.raises(ValueError):
        erlang_c(2.5, 1.0)
    with pytest.raises(ValueError):
        erlang_b(3, math.nan)
    assert erlang_c(3.0, 1.0) == erlang_c(3, 1.0)  # integral floats, as formulas produce them


# ------------------------------------------------------------------------------------------------ MMc
def test_mm1_response_is_exponential_with_rate_mu_minus_lambda():
    """Independent check: an M/M/1 response time is exponential with rate mu - lambda."""
    q = MMc(arrival=15.0, service_rate=20.0, servers=1)
    assert q.p_wait == pytest.approx(0.75)
    assert q.mean_response == pytest.approx(1 / 5)
    for p in (0.01, 0.5, 0.9, 0.99, 0.9999):
        assert q.response_percentile(p) == pytest.approx(-math.log1p(-p) / 5.0, rel=1e-10)
    for t in (0.01, 0.2, 1.0, 5.0):
        assert q.response_cdf(t) == pytest.approx(-math.expm1(-5.0 * t), rel=1e-12)


def test_zero_arrival_is_pure_service():
    q = MMc(arrival=0.0, service_rate=20.0, servers=3)
    assert q.p_wait == 0.0
    assert q.mean_wait == 0.0
    assert q.mean_response == pytest.approx(0.05)
    assert q.response_percentile(0.5) == pytest.approx(math.log(2) / 20)
    assert q.response_percentile(0.99) == pytest.approx(-math.log(0.01) / 20)
    assert q.response_cdf(0.05) == pytest.approx(1 - math.exp(-1))


def test_saturated_component_has_no_finite_latency():
    q = MMc(arrival=100.0, service_rate=20.0, servers=5)  # rho = 1 exactly
    assert q.saturated
    assert q.utilisation == 1.0
    assert q.p_wait == 1.0
    assert q.mean_wait == math.inf
    assert q.mean_response == math.inf
    assert q.response_percentile(0.5) == math.inf
    assert q.response_cdf(10.0) == 0.0
    assert MMc(arrival=200.0, service_rate=20.0, servers=5).saturated


def naive_cdf(q: MMc, t: float) -> float:
    """capacity-model.md's formula, written literally."""
    mu, theta, pw = q.service_rate, q.servers * q.service_rate - q.arrival, q.p_wait
    if theta == mu:
        hypo = 1 - math.exp(-mu * t) * (1 + mu * t)
    else:
        hypo = 1 - (theta * math.exp(-mu * t) - mu * math.exp(-theta * t)) / (theta - mu)
    return (1 - pw) * (1 - math.exp(-mu * t)) + pw * hypo


@pytest.mark.parametrize(
    ("lam", "mu", "c"), [(100, 20, 7), (100, 20, 6), (1, 20, 3), (19, 20, 1), (950, 10, 100)]
)
def test_response_cdf_matches_design_formula(lam, mu, c):
    q = MMc(arrival=lam, service_rate=mu, servers=c)
    for i in range(1, 400):
        t = i * 0.002
        assert q.response_cdf(t) == pytest.approx(naive_cdf(q, t), abs=1e-13)
    assert q.response_cdf(0.0) == 0.0
    assert q.response_cdf(-1.0) == 0.0
    assert q.response_cdf(math.inf) == 1.0


def test_response_cdf_continuous_across_theta_equals_mu():
    """theta = mu (1 +- eps): the general form (via expm1) and the limit form agree, no cancellation."""
    exact = MMc(arrival=100.0, service_rate=20.0, servers=6)
    for eps in (1e-3, 1e-6, 1e-9, 1e-11, 1e-13, 1e-15):
        for sign in (1, -1):
            near = MMc(arrival=100.0 - sign * 20.0 * eps, service_rate=20.0, servers=6)
            for t in (0.01, 0.1, 0.3, 1.0):
                assert near.response_cdf(t) == pytest.approx(exact.response_cdf(t), abs=max(1e-13, 10 * eps))


@pytest.mark.parametrize(
    ("lam", "mu", "c"), [(100, 20, 7), (100, 20, 6), (1, 20, 3), (19.99, 20, 1), (9_999, 1, 10_000)]
)
@pytest.mark.parametrize("p", [1e-6, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 0.999999])
def test_percentile_inverts_cdf(lam, mu, c, p):
    q = MMc(arrival=lam, service_rate=mu, servers=c)
    t = q.response_percentile(p)
    assert math.isfinite(t) and t > 0
    # |dt| / t <= 1e-9  <=>  |F(t) - p| <= 1e-9 t f(t) at most; check both sides of the root.
    assert q.response_cdf(t * (1 - 1e-9)) <= p <= q.response_cdf(t * (1 + 1e-9))


def test_percentile_edges_and_validation():
    q = MMc(arrival=100.0, service_rate=20.0, servers=7)
    assert q.response_percentile(0.0) == 0.0
    assert q.response_percentile(1.0) == math.inf
    with pytest.raises(ValueError):
        q.response_percentile(99)
    with pytest.raises(ValueError):
        q.response_percentile(-0.1)


def test_mmc_validation():
    with pytest.raises(ValueError):
        MMc(arrival=-1.0, service_rate=20.0, servers=1)
    with pytest.raises(ValueError):
        MMc(arrival=1.0, service_rate=0.0, servers=1)
    with pytest.raises(ValueError):
        MMc(arrival=1.0, service_rate=20.0, servers=0)
    with pytest.raises(ValueError):
        MMc(arrival=math.inf, service_rate=20.0, servers=1)


def test_mmc_is_frozen_and_slotted():
    q = MMc(arrival=1.0, service_rate=2.0, servers=1)
    with pytest.raises(AttributeError):
        q.servers = 2  # type: ignore[misc]
    assert not hasattr(q, "__dict__")


# --------------------------------------------------------------------------------------------- properties
rates = st.floats(0.01, 1_000.0)
servers = st.integers(1, 500)


@given(lam=st.floats(0.0, 1e5), mu=rates, c=servers)
@settings(max_examples=300, deadline=None)
def test_mean_response_at_least_service_time(lam, mu, c):
    q = MMc(arrival=lam, service_rate=mu, servers=c)
    assert q.mean_response >= 1.0 / mu
    assert q.mean_wait >= 0.0


@given(c=st.integers(0, 5_000), a=st.floats(0.0, 1e4))
@settings(max_examples=300, deadline=None)
def test_erlang_in_unit_interval(c, a):
    assert 0.0 <= erlang_c(c, a) <= 1.0
    assert 0.0 <= erlang_b(c, a) <= 1.0
    assert erlang_b(c, a) <= erlang_c(c, a) + 1e-15  # waiting is at least as likely as blocking


@given(c=st.integers(1, 2_000), a=st.floats(0.0, 2_000.0))
@settings(max_examples=300, deadline=None)
def test_p_wait_decreasing_in_servers(c, a):
    assert erlang_c(c + 1, a) <= erlang_c(c, a) * (1 + 1e-12)
    assert erlang_b(c + 1, a) <= erlang_b(c, a) * (1 + 1e-12)


@given(
    lam=st.floats(0.0, 1e4), mu=rates, c=servers,
    p1=st.floats(0.0, 1.0, exclude_max=True), p2=st.floats(0.0, 1.0, exclude_max=True),
)
@settings(max_examples=300, deadline=None)
def test_percentile_monotonic_in_p(lam, mu, c, p1, p2):
    q = MMc(arrival=lam, service_rate=mu, servers=c)
    lo, hi = sorted((p1, p2))
    t_lo, t_hi = q.response_percentile(lo), q.response_percentile(hi)
    if q.saturated:
        assert t_hi == (math.inf if hi > 0 else 0.0)
    else:
        assert t_lo <= t_hi * (1 + 1e-10)
        assert t_hi >= 0.0


def test_tiny_percentiles_keep_their_precision_and_order():
    """Found by hypothesis: far-low percentiles lost all precision (ln of a survival within 1e-16 of
    1), so p = 2e-313 came out slower than p = 7e-135."""
    q = MMc(arrival=1.0, service_rate=797.0, servers=3)
    t_small, t_large = q.response_percentile(2.2250738585e-313), q.response_percentile(6.750500325457112e-135)
    assert t_small <= t_large
    # near t = 0 the response time's density is (1 - P_wait) mu: the quantile is p / ((1 - P_wait) mu)
    for p in (1e-200, 1e-30, 1e-12):
        assert q.response_percentile(p) == pytest.approx(p / ((1 - q.p_wait) * 797.0), rel=1e-9)
    assert q.response_percentile(1e-251) == 0.0  # below the floor: 0
