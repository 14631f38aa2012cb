"""Back-of-the-envelope estimates, checked against published worked examples.

Published estimates round (1 day = 10^5 s, 1 month = 2.5M s); ours use 86,400 s and 30 days, so the
comparisons below allow for that rounding and say so.
"""

import pytest

from archplan.planner.estimate import KEYS, EstimateError, EstimateInput, estimate

TB, PB = 1e12, 1e15


def values(**kwargs):
    return {k: (None if f is None else f.value) for k, f in estimate(EstimateInput(**kwargs)).items()}


def test_twitter_estimate_from_system_design_interview():
    """Alex Xu, "System Design Interview - An Insider's Guide" (2020), ch. 2 "Back-of-the-envelope
    estimation", example "Estimate Twitter QPS and storage requirements": 300M MAU, 50 % daily active,
    2 tweets per user per day, 10 % with 1 MB media, 5 years -> ~3,500 tweets QPS, peak ~7,000,
    30 TB/day media, ~55 PB over 5 years."""
    v = values(mau=300e6, active_ratio=0.5, writes_per_user=2, media_fraction=0.1, media_size=1e6)
    assert v["dau"] == 150e6
    assert v["write_qps"] == pytest.approx(3_472.2, rel=1e-4)   # book: "~3500"
    assert v["peak_write_qps"] == pytest.approx(6_944.4, rel=1e-4)  # book: "~7000"
    assert v["storage_per_day"] == pytest.approx(30 * TB)
    assert v["storage_total"] == pytest.approx(54.75 * PB)      # book: "~55 PB"


def test_url_shortener_estimate_from_system_design_interview():
    """Same book, ch. 8 "Design a URL shortener": 100M URLs written per day, read:write 10:1,
    10 years, 100 bytes per URL -> ~1,160 writes/s, ~11,600 reads/s, 365 billion records, 36.5 TB."""
    v = values(writes_per_day=100e6, read_write_ratio=10, write_size=100, retention=10 * 365 * 86_400)
    assert v["dau"] is None
    assert v["write_qps"] == pytest.approx(1_157.4, rel=1e-4)  # book: 1160
    assert v["read_qps"] == pytest.approx(11_574, rel=1e-4)    # book: 11,600
    assert v["storage_total"] == pytest.approx(36.5 * TB)


def test_pastebin_estimate_from_system_design_primer():
    """donnemartin/system-design-primer, solutions/system_design/pastebin: 10M paste writes and 100M reads
    a month, 1.27 KB per paste -> 12.7 GB of new content a month, ~4 writes/s and ~40 reads/s (the primer
    rounds a month to 2.5M s; a 30-day month gives 3.86 and 38.6)."""
    v = values(writes_per_month=10e6, read_write_ratio=10, write_size=1_270)
    assert v["write_qps"] == pytest.approx(3.858, rel=1e-3)
    assert v["read_qps"] == pytest.approx(38.58, rel=1e-3)
    assert v["storage_per_day"] * 30 == pytest.approx(12.7e9)


def test_cache_memory_is_fraction_of_daily_read_volume():
    v = values(dau=1e6, writes_per_user=1, reads_per_user=100, read_size=500, cache_fraction=0.2)
    assert v["cache_memory"] == pytest.approx(0.2 * 100e6 * 500)
    assert v["egress_bytes_per_s"] == pytest.approx(100e6 / 86_400 * 500)


def test_replication_and_ingress():
    v = values(dau=1e6, writes_per_user=10, write_size=2_000, replication=3, retention=365 * 86_400)
    assert v["storage_total_replicated"] == pytest.approx(3 * 10e6 * 2_000 * 365)
    assert v["ingress_bytes_per_s"] == pytest.approx(10e6 / 86_400 * 2_000)
    assert list(v) == list(KEYS)


@pytest.mark.parametrize("kwargs, message", [
    ({"dau": 1, "mau": 1, "writes_per_user": 1}, "not both"),
    ({"mau": 10, "writes_per_user": 1}, "--active-ratio"),
    ({"writes_per_user": 1}, "give the users"),
    ({"dau": 10}, "--writes-per-user"),
    ({"writes_per_day": 1, "writes_per_month": 1}, "not both"),
    ({"dau": 1, "writes_per_user": 1, "reads_per_user": 1, "read_write_ratio": 2}, "not both"),
    ({"writes_per_day": 1, "reads_per_user": 3}, "needs --dau"),
    ({"dau": 1, "writes_per_user": 1, "peak_factor": 0.5}, "at least 1"),
])
def test_inconsistent_inputs_are_refused(kwargs, message):
    with pytest.raises(EstimateError, match=message):
        estimate(EstimateInput(**kwargs))
