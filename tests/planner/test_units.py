"""Units: the conventions of capacity-model.md, parsed and formatted in one place."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archplan.planner import units


def test_time_conventions_are_explicit():
    assert units.DAY == 86_400
    assert units.MONTH == 30 * 86_400 == 2_592_000
    assert units.YEAR == 365 * 86_400 == 31_536_000


@pytest.mark.parametrize("text, expected", [
    ("1.5 KB", 1_500), ("1.5KB", 1_500), ("1 kb", 1_000), ("2 MB", 2e6), ("3 TB", 3e12), ("1 PB", 1e15),
    ("2 GiB", 2 * 2**30), ("1 KiB", 1024), ("1 TiB", 2**40), ("300", 300), ("300 B", 300), ("0", 0),
    ("1,000 bytes", 1000), (42, 42), (1.5, 1.5),
])
def test_parse_size_decimal_unless_binary(text, expected):
    assert units.parse_size(text) == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [
    ("10M", 10e6), ("2.5k", 2500), ("2.5K", 2500), ("1,000,000", 1e6), ("3B", 3e9), ("1bn", 1e9),
    ("7", 7), ("1e6", 1e6), ("1T", 1e12),
])
def test_parse_count(text, expected):
    assert units.parse_count(text) == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [
    ("5y", 5 * 365 * 86400), ("1 year", 365 * 86400), ("6mo", 6 * 30 * 86400), ("2 months", 60 * 86400),
    ("30d", 30 * 86400), ("24h", 86400), ("15min", 900), ("90 s", 90), ("250ms", 0.25), ("1w", 7 * 86400), (60, 60),
])
def test_parse_duration(text, expected):
    assert units.parse_duration(text) == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [
    ("300/s", 300), ("1M/day", 1e6 / 86400), ("5K per min", 5000 / 60), ("2/month", 2 / 2_592_000),
    ("36/h", 0.01), ("100", 100), ("10/days", 10 / 86400),
])
def test_parse_rate(text, expected):
    assert units.parse_rate(text) == pytest.approx(expected)


@pytest.mark.parametrize("parse, text", [
    (units.parse_size, "-5 KB"), (units.parse_size, "nan"), (units.parse_size, "5 XB"), (units.parse_size, ""),
    (units.parse_count, "ten"), (units.parse_count, "-1"), (units.parse_count, "inf"), (units.parse_count, "5Q"),
    (units.parse_duration, "5 fortnights"), (units.parse_rate, "5/decade"), (units.parse_size, float("nan")),
    (units.parse_count, float("inf")), (units.parse_count, -3), (units.parse_size, True), (units.parse_size, None),
    (units.parse_count, "1e400"), (units.parse_size, "5 parsecs"), (units.parse_size, "3 bits"),
])
def test_bad_values_are_refused_with_the_input_quoted(parse, text):
    with pytest.raises(units.UnitError) as info:
        parse(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("value, text", [
    (3470, "3.47K"), (12_500_000, "12.5M"), (999, "999"), (0.25, "0.25"), (1e9, "1B"), (2.5e12, "2.5T"), (0, "0"),
])
def test_format_count(value, text):
    assert units.format_count(value) == text


def test_format_figures_people_read():
    assert units.format_qps(3472.2) == "3.47K QPS"
    assert units.format_size(30e12) == "30 TB"
    assert units.format_size_rate(30e12 / 86400, "day") == "30 TB/day"
    assert units.format_size(2 * 2**30, binary=True) == "2 GiB"
    assert units.format_size(512) == "512 B"
    assert units.format_bandwidth(12.5e6) == "12.5 MB/s (100 Mbit/s)"
    assert units.format_duration(0.058104) == "58.1 ms"
    assert units.format_duration(24.3 * 60) == "24.3 min"
    assert units.format_duration(math.inf) == "∞"
    assert units.format_money(1234.4) == "$1,234"
    assert units.format_money(12.5) == "$12.50"
    assert units.format_percent(0.714) == "71.4 %"
    assert units.format_availability(0.999954) == "99.9954 %"


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_size_round_trips_through_text(value):
    assert units.parse_size(f"{value!r} B") == pytest.approx(value)


@given(st.floats(min_value=1, max_value=1e14, allow_nan=False))
def test_format_count_reads_back_within_rounding(value):
    assert units.parse_count(units.format_count(value, digits=6)) == pytest.approx(value, rel=1e-5)


# ------------------------------------------------------------------------------------------ budgets' units

@pytest.mark.parametrize(("text", "expected"), [
    ("99.9%", 0.999), ("99.9 %", 0.999), ("99.99%", 0.9999), ("0.999", 0.999), ("50%", 0.5), ("100%", 1.0),
    (0.25, 0.25), ("0", 0.0)])
def test_parse_fraction_reads_percent_exactly(text, expected):
    assert units.parse_fraction(text) == expected  # exact: a 99.9 % budget must hold for a 0.999 figure


@pytest.mark.parametrize(("text", "expected"), [
    ("2x", 2.0), ("2 x", 2.0), ("x2", 2.0), ("×1.5", 1.5), ("1.5×", 1.5), ("3", 3.0), (2, 2.0), ("2X", 2.0)])
def test_parse_multiplier(text, expected):
    assert units.parse_multiplier(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("$5k", 5_000.0), ("5000", 5_000.0), ("$1,200.50", 1_200.5), ("1.2M USD", 1_200_000.0), ("$ 300", 300.0),
    ("2.5K usd", 2_500.0), (99, 99.0)])
def test_parse_money(text, expected):
    assert units.parse_money(text) == expected


@pytest.mark.parametrize(("parse", "text", "quoted"), [
    (units.parse_fraction, "99.9", "'99.9'"), (units.parse_fraction, "150%", "'150%'"),
    (units.parse_fraction, "abc%", "'abc%'"), (units.parse_fraction, "-1%", "'-1%'"),
    (units.parse_multiplier, "2y", "'2y'"), (units.parse_multiplier, "-2x", "'-2x'"),
    (units.parse_multiplier, "inf", "'inf'"), (units.parse_money, "$-5", "'$-5'"),
    (units.parse_money, "five dollars", "'five dollars'"), (units.parse_money, "€5", "'€5'")])
def test_budget_units_refuse_bad_text_quoting_it(parse, text, quoted):
    with pytest.raises(units.UnitError) as info:
        parse(text)
    assert quoted in str(info.value)


def test_fraction_above_one_suggests_a_percentage():
    with pytest.raises(units.UnitError, match=r"99\.9%"):
        units.parse_fraction("99.9")


def test_format_multiplier():
    assert units.format_multiplier(2) == "x2"
    assert units.format_multiplier(1.0604) == "x1.06"
    assert units.format_multiplier(math.inf) == "x∞"
    assert units.parse_multiplier(units.format_multiplier(2.5)) == 2.5


@pytest.mark.parametrize(("unit", "one"), [("prefixes", "prefix"), ("nodes", "node"), ("replicas", "replica"),
                                           ("partitions", "partition"), ("instances", "instance"),
                                           ("brokers", "broker")])
def test_count_units_have_their_singular(unit, one):
    from archplan.planner.summary import singular

    assert singular(unit) == one
