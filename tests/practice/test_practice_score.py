"""The practice score on hand-made designs: a good Twitter design scores high with nothing missing; a
single-database Twitter design scores low and says why. Expectations are computed from the engine, the
design review and the reference template, never typed in."""

from __future__ import annotations

import pytest
from practice_designs import good_run, good_twitter, single_db_twitter, with_run

from archplan.planner.engine import compute
from archplan.planner.practice.points import DIMENSIONS
from archplan.planner.practice.prompts import library, load_prompt, reference
from archplan.planner.practice.record import TradeOff
from archplan.planner.practice.score import CANNOT_MEASURE, score


@pytest.fixture(scope="module")
def good():
    plan = good_twitter()
    return with_run(plan, good_run(plan))


@pytest.fixture(scope="module")
def bad():
    """The single-database design with the record of a candidate who drew it: everything they said is complete
    (scope, numbers, predictions of this very design), and the trade-offs they argued are the ones it shows."""
    plan = single_db_twitter()
    tradeoffs = [TradeOff(decision="fanout", chosen="pull", rejected="push", reason="simpler"),
                 TradeOff(decision="tweet-store", chosen="single-sql", rejected="sharded-sql", reason="one place")]
    return with_run(plan, good_run(plan, tradeoffs=tradeoffs))


def test_good_twitter_scores_full_with_no_missing_point(good):
    s = score(good)
    assert s.missing() == [], [p.message for p in s.missing()]
    assert s.not_assessed() == []
    assert s.got == s.assessed_max == sum(w for _k, _t, w in DIMENSIONS)
    assert s.band == "very strong"
    # every point explains itself, full marks included
    assert all(p.message for p in s.points())


def test_single_database_twitter_scores_low_and_says_why(bad, good):
    s = score(bad)
    # even with every answer of the record complete, the design pulls it to half of the good design's score
    assert s.percent <= 50 and s.percent <= score(good).percent - 40
    assert s.band in ("weak", "very weak")
    design = [d for d in s.dimensions if d.key in ("high_level", "data", "scale", "reliability")]
    assert sum(d.got for d in design) < 0.4 * sum(d.assessed_max for d in design)
    missing = {p.rule: p for p in s.missing()}
    db = compute(bad).components["db"]
    # the computed facts the score must name
    assert db.status == "over" and db.saturated
    assert "Database" in missing["PRAC-SCALE-PEAK"].message and "Saturated" in missing["PRAC-SCALE-PEAK"].message
    assert "Database" in missing["PRAC-REL-SPOF"].message
    assert "cache" in missing["PRAC-HLD-KEY"].message.lower()
    assert "PRAC-SCALE-10X" in missing and "PRAC-DATA-COPIES" in missing
    # trade-offs the numbers rule out earn nothing, and say why
    decisions = missing["PRAC-TRADE-DECISIONS"]
    assert decisions.got == 0 and "the numbers rule it out" in decisions.message
    # scored on its design alone (no record), it is far below half
    alone = score(bad.model_copy(update={"practice": None}), prompt="twitter")
    assert alone.percent < 40 and alone.band == "very weak"
    # the design review's own findings carry into the data dimension, with the finding itself
    review = missing["PRAC-DATA-REVIEW"]
    assert review.findings and all(f.component == "db" for f in review.findings)
    assert {f.rule for f in review.findings} <= {f.rule for f in compute(bad).findings}
    # every missing point says why (a message) and nearly all say what would earn it
    for p in s.missing():
        assert p.message and p.got < p.max
    assert sum(bool(p.advice) for p in s.missing()) >= len(s.missing()) - 1


def test_design_dimensions_follow_the_engine(bad):
    """The scale dimension reads the engine: a database over its ceiling at peak loses the peak point; with
    the traffic cut until it fits, it earns it."""
    small = bad.model_copy(update={"traffic": bad.traffic.model_copy(update={"mau": 30_000, "reads_per_user": 1})})
    result = compute(small)
    over = [c for c in result.components.values() if c.status == "over"]
    peak = next(p for p in score(small).points() if p.rule == "PRAC-SCALE-PEAK")
    assert (peak.got == peak.max) == (not over)


def test_cost_point_compares_with_the_reference_template(bad):
    ref = reference("twitter")
    cost = next(p for p in score(bad).points() if p.rule == "PRAC-TRADE-COST")
    ratio = ref.result.totals.monthly_cost / compute(bad).totals.monthly_cost
    assert (cost.got == cost.max) == (0.5 <= ratio <= 2)
    assert f"{max(ratio, 1 / ratio):.3g}x" in cost.message


def test_hints_lower_the_score(good):
    prompt = load_prompt("twitter")
    base = score(good)
    hinted = with_run(good, good.practice.model_copy(update={"hints": ["cache", "reads"]}))
    s = score(hinted)
    cost = prompt.hint("cache").cost + prompt.hint("reads").cost
    assert s.got == pytest.approx(base.got - cost)
    penalties = [p for p in s.missing() if p.penalty]
    assert len(penalties) == 2 and all(p.message.startswith("Hint used") for p in penalties)
    # free at the junior level
    junior = with_run(good, good.practice.model_copy(update={"hints": ["cache"], "level": "junior"}))
    assert all(p.got == 0 for p in score(junior).points() if p.rule.startswith("PRAC-HINT"))


def test_a_plain_plan_is_scored_on_its_design_only():
    plan = reference("twitter").plan
    s = score(plan, prompt="twitter")
    assessed = {p.dimension for p in s.points() if p.assessed}
    assert {"high_level", "data", "scale", "reliability"} <= assessed
    assert all(not p.assessed for p in s.points() if p.dimension in ("requirements", "estimation"))
    assert s.assessed_max < 100
    with pytest.raises(ValueError, match="no practice run"):
        score(plan)


def test_a_design_with_one_zone_loses_the_zone_point(good):
    plan = reference("twitter").plan
    zone = next(p for p in score(plan, prompt="twitter").points() if p.rule == "PRAC-REL-ZONE")
    assert zone.got == 0 and "zone" in zone.advice
    held = next(p for p in score(good).points() if p.rule == "PRAC-REL-ZONE")
    assert held.got == held.max and len(held.work) == 2


def test_requirements_checklist_scores_precision_as_well_as_recall(good):
    run = good.practice
    everything = with_run(good, run.model_copy(update={"in_scope": [f.id for f in load_prompt("twitter").functional]}))
    scope = next(p for p in score(everything).points() if p.rule == "PRAC-REQ-SCOPE")
    assert scope.got < scope.max and "over-scoping" in scope.message
    vague = with_run(good, run.model_copy(update={"nfrs": {"latency": "fast", "availability": "high"}}))
    nfr = next(p for p in score(vague).points() if p.rule == "PRAC-REQ-NFR")
    assert nfr.got < nfr.max and "percentile" in nfr.message


def test_a_choice_the_design_does_not_show_earns_nothing(good):
    """Arguing for fan-out on write on a design without a queue: the decision does not count."""
    plan = single_db_twitter()
    s = score(with_run(plan, good_run(plan)))
    p = next(p for p in s.points() if p.rule == "PRAC-TRADE-DECISIONS")
    assert p.got == 0 and "the design does not show it" in p.message


def test_predictions_are_checked_against_the_engine(good):
    result = compute(good)
    wrong = next(c for c in result.components if c != result.bottleneck and result.components[c].behaviour != "client")
    run = good.practice.model_copy(update={"predictions": good.practice.predictions.model_copy(
        update={"bottleneck": wrong})})
    p = next(p for p in score(with_run(good, run)).points() if p.rule == "PRAC-SCALE-PREDICT")
    assert p.got < p.max and result.components[result.bottleneck].name in p.message


def test_the_score_says_what_it_cannot_measure(good):
    s = score(good)
    assert CANNOT_MEASURE in s.notes
    assert s.as_dict()["not_measured"] == CANNOT_MEASURE


@pytest.mark.parametrize("prompt_id", sorted(library()))
def test_every_reference_design_has_its_key_points(prompt_id):
    """The prompt library is consistent with its templates: the reference design passes its own key-point and
    store checks and has a request path for every core requirement."""
    s = score(reference(prompt_id).plan, prompt=prompt_id)
    by_rule = {p.rule: p for p in s.points()}
    for rule in ("PRAC-HLD-KEY", "PRAC-DATA-STORES", "PRAC-HLD-PATHS", "PRAC-HLD-COMPUTES"):
        assert by_rule[rule].got == by_rule[rule].max, by_rule[rule].message
