"""Input ranges and sensitivity (planner/ranges.py) and the plan's `ranges` field."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from plans import PlanBuilder

from archplan.planner import ranges as rg
from archplan.planner.compare import PLAN_FIGURES
from archplan.planner.engine import compute
from archplan.planner.io import dumps, load_plan, loads, save_plan
from archplan.planner.library import builtin_dir
from archplan.planner.model import Plan


def hand_plan():
    """8.64M daily users, 10 reads and 1 write each, peak factor 2: 2,200 requests/s at peak at the entry."""
    return (PlanBuilder().add("web", "client.web").add("svc", "service.go").add("db", "db.postgres")
            .link("web", "svc").link("svc", "db")).plan


# ------------------------------------------------------------------------------------------ parsing

@pytest.mark.parametrize("name, text, low, expected, high", [
    ("dau", "6M..12M", 6e6, 8.64e6, 12e6),                 # the plan's value lies inside: it is expected
    ("dau", "1M..2M", 1e6, 1.5e6, 2e6),                     # outside: the middle
    ("dau", "10M+-20%", 8e6, 10e6, 12e6),
    ("dau", "+-25%", 6.48e6, 8.64e6, 10.8e6),               # around the plan's value
    ("dau", "10M +- 1M", 9e6, 10e6, 11e6),
    ("dau", "10M±10%", 9e6, 10e6, 11e6),
    ("reads_per_user", "8..12", 8, 10, 12),
    ("response-size", "5KB..20 KB", 5_000, 10_000, 20_000),  # sizes in their units, '-' read as '_'
    ("retention", "1y..3y", 365 * 86_400, 2 * 365 * 86_400, 3 * 365 * 86_400),
    ("peak_factor", "3", 3, 3, 3),
])
def test_parse_range(name, text, low, expected, high):
    r = rg.parse_range(hand_plan(), name, text)
    assert (r.low, r.expected, r.high) == pytest.approx((low, expected, high))


@pytest.mark.parametrize("name, text, message", [
    ("dau", "12M..6M", "must not be above"),
    ("dau", "lots", "not understood"),
    ("media_fraction", "0.5..2", "not a valid value"),
    ("peak_factor", "0.5..2", "not a valid value"),
    ("mau", "1M..2M", "give the range of dau"),
    ("colour", "1..2", "not a traffic input"),
])
def test_bad_ranges_are_refused(name, text, message):
    with pytest.raises(rg.RangeError, match=message):
        rg.parse_range(hand_plan(), name, text)


# ------------------------------------------------------------------------------------------ low / expected / high

def test_ranges_on_a_hand_case():
    plan = hand_plan()
    inputs = [rg.parse_range(plan, "dau", "+-20%"), rg.parse_range(plan, "reads_per_user", "8..12")]
    report = rg.evaluate_ranges(plan, inputs)
    assert report.method == "every corner" and report.evaluations == 5  # 4 corners and the expected point
    peak = report.figure("peak_qps")
    # entry peak = dau x (reads + writes) / 86,400 x peak factor
    assert peak.low == pytest.approx(6.912e6 * (8 + 1) / 86_400 * 2)     # 1,440/s
    assert peak.expected == pytest.approx(8.64e6 * 11 / 86_400 * 2)      # 2,200/s
    assert peak.high == pytest.approx(10.368e6 * (12 + 1) / 86_400 * 2)  # 3,120/s
    assert peak.low_at == {"dau": pytest.approx(6.912e6), "reads_per_user": 8}
    for f in report.figures:
        assert f.low <= f.expected <= f.high, f.key
    assert report.figure("cost").expected == compute(plan).totals.monthly_cost
    assert report.figure("breaking_point").low < report.figure("breaking_point").high  # more users, sooner


def test_many_inputs_use_the_monotone_corners_and_agree_with_every_corner():
    plan = hand_plan()
    inputs = [rg.parse_range(plan, n, "+-20%") for n in ("dau", "reads_per_user", "writes_per_user",
                                                          "peak_factor", "record_size", "response_size")]
    assert len(inputs) > rg.FULL_CORNERS
    report = rg.evaluate_ranges(plan, inputs)
    assert report.method.startswith("one at a time") and report.evaluations < 2 ** len(inputs)
    corners = [compute(rg.with_inputs(plan, dict(zip([r.name for r in inputs], ends))))
               for ends in itertools.product(*((r.low, r.high) for r in inputs))]
    for key in ("peak_qps", "storage", "cost", "instances"):
        measure = next(m for m in PLAN_FIGURES if m.key == key)
        values = [measure.read(c) for c in corners]
        f = report.figure(key)
        assert (f.low, f.high) == (pytest.approx(min(values)), pytest.approx(max(values))), key


def test_a_point_range_changes_nothing():
    plan = hand_plan()
    report = rg.evaluate_ranges(plan, [rg.parse_range(plan, "dau", "8.64M")])
    assert all(f.low == f.expected == f.high for f in report.figures if f.expected is not None)


def test_ranges_never_touch_the_plan():
    plan = hand_plan()
    saved = plan.model_dump()
    rg.evaluate_ranges(plan, [rg.parse_range(plan, "dau", "+-50%")])
    rg.sensitivity(plan)
    assert plan.model_dump() == saved


# ------------------------------------------------------------------------------------------ sensitivity

def test_sensitivity_ranks_what_moves_each_figure():
    plan = hand_plan()
    inputs = [rg.parse_range(plan, "dau", "+-20%"), rg.parse_range(plan, "request_size", "+-20%"),
              rg.parse_range(plan, "reads_per_user", "+-10%")]
    sens = rg.sensitivity(plan, inputs, figures=("peak_qps", "cost"))
    peak = sens.tornado("peak_qps")
    assert sens.ranking("peak_qps") == ["dau", "reads_per_user", "request_size"]
    dau = peak.bars[0]
    assert (dau.at_low, dau.at_high) == (pytest.approx(1_760), pytest.approx(2_640))  # 2,200 x 0.8 and x 1.2
    assert dau.swing == pytest.approx(880) and peak.bars[-1].swing == 0  # bytes do not change request counts
    assert peak.base == pytest.approx(2_200)
    assert [b.swing for b in sens.tornado("cost").bars] == sorted((b.swing for b in sens.tornado("cost").bars),
                                                                   reverse=True)
    json.dumps(sens.as_dict(), allow_nan=False)


def test_default_inputs_vary_what_the_plan_uses():
    plan = load_plan(builtin_dir() / "three_tier.json")
    names = {r.name for r in rg.default_inputs(plan)}
    assert {"dau", "reads_per_user", "writes_per_user", "peak_factor"} <= names
    assert "media_size" not in names  # three_tier stores no media
    plan.ranges = {"dau": (50_000, 200_000)}
    dau = next(r for r in rg.default_inputs(plan) if r.name == "dau")
    assert (dau.low, dau.high) == (50_000, 200_000)  # the plan's own range wins
    with pytest.raises(rg.RangeError, match="no figure"):
        rg.sensitivity(plan, figures=("beauty",))


# ------------------------------------------------------------------------------------------ the plan field

def test_plan_keeps_its_ranges(tmp_path):
    plan = hand_plan()
    assert "ranges" not in dumps(plan)  # a plan without ranges is written exactly as before
    plan.ranges = {"dau": (6e6, 12e6), "reads_per_user": (8, 12)}
    path = tmp_path / "ranged.json"
    save_plan(plan, path)
    again = load_plan(path)
    assert again.ranges == {"dau": (6e6, 12e6), "reads_per_user": (8.0, 12.0)}
    assert [r.name for r in rg.plan_ranges(again)] == ["dau", "reads_per_user"]


@pytest.mark.parametrize("ranges, message", [
    ({"dau": [2, 1]}, "above high"),
    ({"colour": [1, 2]}, "not a traffic input"),
    ({"active_ratio": [0.1, 1.5]}, "not a valid value"),
])
def test_plan_refuses_bad_ranges(ranges, message):
    raw = json.loads(dumps(hand_plan()))
    raw["plan"]["ranges"] = ranges
    with pytest.raises(ValueError, match=message):
        loads(json.dumps(raw))
    with pytest.raises(ValueError, match=message):
        Plan.model_validate({**hand_plan().model_dump(), "ranges": ranges})


def test_inputs_and_bars_show_their_ends_in_their_units():
    assert rg.show_input("dau", 8e7) == "80M"
    assert rg.show_input("response_size", 20_000) == "20 KB"
    assert rg.show_input("retention", 2 * 365 * 86_400) == "2 y"
    plan = hand_plan()
    sens = rg.sensitivity(plan, [rg.parse_range(plan, "dau", "6M..12M"), rg.parse_range(plan, "response_size",
                                                                                          "5KB..20KB")])
    texts = {b.input: b.range_text() for b in sens.tornado("cost").bars}
    assert texts == {"dau": "6M..12M", "response_size": "5 KB..20 KB"}
    assert rg.parse_range(plan, "dau", "6M..12M").text() == "dau 6M..12M"


def test_tornado_extent_covers_every_end_and_the_base():
    """The chart axis (GUI and PDF read the same extent) holds every bar end and the planned value."""
    from archplan.planner.io import load_plan
    from archplan.planner.ranges import Tornado, sensitivity
    from archplan.planner.resources import builtin_templates_dir

    sens = sensitivity(load_plan(builtin_templates_dir() / "three_tier.json"))
    for t in sens.tornados:
        lo, hi = t.extent()
        ends = [v for b in t.bars for v in (b.at_low, b.at_high) if v is not None and math.isfinite(v)]
        assert lo < hi and all(lo <= v <= hi for v in [*ends, t.base])
    lo, hi = Tornado("cost", "Cost", "USD/month", 10.0, ()).extent()   # one value: widened around it
    assert lo < 10.0 < hi
    assert Tornado("cost", "Cost", "USD/month", None, ()).extent() == (0.0, 1.0)
