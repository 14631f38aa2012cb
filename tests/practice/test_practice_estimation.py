"""Estimates against Archplan's figures: tolerance bands (within 2x is fine), consistency with the candidate's own
inputs, peaks graded on their factor, unit slips named, decision equivalence."""

from __future__ import annotations

import pytest

from archplan.planner.estimate import estimate
from archplan.planner.practice.estimation import band, grade_figure, parse, reference_figures, slip
from archplan.planner.practice.prompts import library, load_prompt
from archplan.planner.practice.record import PracticeRun

TWITTER = load_prompt("twitter")


def _grade(key, value, **assumptions):
    run = PracticeRun(prompt="twitter", estimates={key: value}, assumptions=assumptions)
    return grade_figure(TWITTER, run, key)


def test_reference_figures_are_planner_estimate_over_the_prompt():
    figs = reference_figures(TWITTER)
    direct = estimate(TWITTER.estimate_input())
    for key in TWITTER.graded:
        assert figs[key].value == pytest.approx(direct[key].value)
    t = TWITTER.traffic
    assert figs["write_qps"].value == pytest.approx(t.mau * t.active_ratio * t.writes_per_user / 86_400)


@pytest.mark.parametrize("factor, label, credit", [(1.0, "on target", 1), (1.2, "on target", 1),
                                                   (1 / 1.9, "within 2x", 1), (1.9, "within 2x", 1),
                                                   (3.0, "same order of magnitude", 0.5), (5, "off by up to 10x", 0),
                                                   (50, "wrong order of magnitude", 0)])
def test_bands(factor, label, credit):
    ref = reference_figures(TWITTER)["storage_per_day"].value
    g = _grade("storage_per_day", ref * factor)
    assert (g.band, g.credit) == (label, credit)
    if credit == 1:
        assert any("Within 2x is fine in an interview" in n for n in g.notes)


def test_band_edges():
    assert band(2.0) == ("within 2x", 1.0)
    assert band(2.01)[1] == 0.5
    assert band(10 ** 0.5 + 0.01)[1] == 0.0


def test_unit_slips_are_named():
    ref = reference_figures(TWITTER)["write_qps"].value
    g = _grade("write_qps", ref * 86_400)
    assert any("per second vs per day" in n for n in g.notes) and g.credit == 0
    assert slip(1_000) and "1,000" in slip(1_000)
    assert slip(8.3) == "bits vs bytes"
    assert slip(1.5) is None


def test_consistency_with_own_inputs():
    ref = reference_figures(TWITTER)["write_qps"].value
    # the candidate assumed twice the users and wrote the reference figure: within 2x of Archplan, but 2x off
    # what their own inputs give -> noted, fine; with 4x the users it is an arithmetic slip (half credit)
    g = _grade("write_qps", ref, mau=TWITTER.traffic.mau * 4, active_ratio=TWITTER.traffic.active_ratio)
    assert g.consistency == pytest.approx(4)
    assert g.credit == 0.5 and any("arithmetic or unit slip" in n for n in g.notes)


def test_peaks_are_graded_on_their_factor():
    ref = reference_figures(TWITTER)["write_qps"].value
    run = PracticeRun(prompt="twitter", estimates={"write_qps": ref, "peak_write_qps": ref * 10})
    assert grade_figure(TWITTER, run, "peak_write_qps").credit == 1  # 10x is Hello Interview's factor
    run = run.model_copy(update={"estimates": {"write_qps": ref, "peak_write_qps": ref * 30}})
    assert grade_figure(TWITTER, run, "peak_write_qps").credit == 0
    run = PracticeRun(prompt="twitter", estimates={"write_qps": ref, "peak_write_qps": ref * 3},
                      assumptions={"peak_factor": 2})
    g = grade_figure(TWITTER, run, "peak_write_qps")
    assert g.credit == 0.5 and "stated a peak factor of 2" in " ".join(g.notes)


def test_the_work_is_shown():
    g = _grade("storage_total", reference_figures(TWITTER)["storage_total"].value * 1.5)
    work = "\n".join(g.work())
    assert work.startswith("Archplan: ") and "Yours: " in work and "r = " in work


def test_not_entered():
    g = grade_figure(TWITTER, PracticeRun(prompt="twitter"), "read_qps")
    assert g.credit == 0 and g.band == "not entered"


def test_parse_units():
    assert parse("qps", "3.5K qps") == 3_500
    assert parse("size_day", "90 GB/day") == 90e9
    assert parse("bandwidth", "8 Gbit/s") == pytest.approx(1e9)
    assert parse("bandwidth", "1 GB/s") == 1e9
    with pytest.raises(ValueError):
        parse("size", "lots")


@pytest.mark.parametrize("prompt_id", sorted(library()))
def test_every_prompt_grades_its_own_reference_in_full(prompt_id):
    prompt = load_prompt(prompt_id)
    figs = reference_figures(prompt)
    run = PracticeRun(prompt=prompt_id, estimates={k: figs[k].value for k in prompt.graded})
    for key in prompt.graded:
        g = grade_figure(prompt, run, key)
        assert g.credit == 1, (key, g.band, g.notes)


def test_decision_equivalence_gives_full_credit_and_says_so():
    """A rate 3x off earns full credit only when the reference design makes the same sizing decisions at it."""
    from archplan.planner.practice.estimation import _decision_equivalent

    ref = reference_figures(TWITTER)["read_qps"].value
    g = _grade("read_qps", ref * 3)
    equivalent = _decision_equivalent(TWITTER, 3.0)
    assert g.band == "same order of magnitude"
    assert (g.credit == 1) == equivalent
    assert any("Decision-equivalent" in n for n in g.notes) == equivalent
