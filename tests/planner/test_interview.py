"""Traffic in an interview's terms (planner/interview.py) and ratios in units."""

import pytest

from archplan.planner import interview, units
from archplan.planner.model import TrafficProfile


def test_items_per_day_and_ratio_read_from_per_user_rates():
    traffic = TrafficProfile(dau=1e6, writes_per_user=2, reads_per_user=200)
    assert interview.items_per_day(traffic) == 2e6
    assert interview.read_write_ratio(traffic) == 100
    assert interview.read_write_ratio(TrafficProfile(writes_per_user=0, reads_per_user=5)) is None


def test_a_new_daily_volume_keeps_the_ratio():
    traffic = TrafficProfile(dau=1e6, writes_per_user=2, reads_per_user=200)
    changes = interview.for_items_per_day(traffic, 5e6)
    updated = traffic.model_copy(update=changes)
    assert interview.items_per_day(updated) == pytest.approx(5e6)
    assert interview.read_write_ratio(updated) == pytest.approx(100)


def test_a_new_ratio_changes_only_the_reads():
    traffic = TrafficProfile(dau=1e6, writes_per_user=2, reads_per_user=200)
    assert interview.for_read_write_ratio(traffic, 10) == {"reads_per_user": 20}


@pytest.mark.parametrize("call, message", [
    (lambda: interview.for_items_per_day(TrafficProfile(dau=0), 10), "active users first"),
    (lambda: interview.for_read_write_ratio(TrafficProfile(writes_per_user=0), 10), "needs writes"),
    (lambda: interview.for_items_per_day(TrafficProfile(), -1), "negative"),
])
def test_impossible_terms_say_why(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_back_of_envelope_is_the_estimate_of_the_profile():
    traffic = TrafficProfile(dau=100e6, writes_per_user=1, reads_per_user=100, record_size=1000)
    figures = interview.back_of_envelope(traffic)
    assert figures["write_qps"].value == pytest.approx(100e6 / 86_400)
    assert figures["read_qps"].value == pytest.approx(100 * 100e6 / 86_400)
    assert figures["storage_per_day"].value == pytest.approx(100e6 * 1000)


@pytest.mark.parametrize("text, value", [("100:1", 100), ("1:4", 0.25), ("100", 100), ("0.5", 0.5),
                                         ("10K:1", 10_000), (" 3 : 2 ", 1.5)])
def test_parse_ratio(text, value):
    assert units.parse_ratio(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["lots", "1:0", "-1:2", "1:2:3"])
def test_bad_ratios_are_refused(text):
    with pytest.raises(units.UnitError):
        units.parse_ratio(text)


@pytest.mark.parametrize("value, text", [(100, "100:1"), (0.25, "1:4"), (2.5, "2.5:1"), (1 / 3, "1:3"),
                                         (33.3333333, "33.3:1"), (0, "0:1")])
def test_format_ratio_rounds_for_people(value, text):
    assert units.format_ratio(value) == text
