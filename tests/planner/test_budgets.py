"""Budgets (planner.budgets): each one met and missed, with figures read from the computed result, and the
rules that decide which budget applies (client and component budgets, overrides, missing subjects)."""

import json
import math

import pytest
from plans import PlanBuilder

from archplan.planner.budgets import Check, evaluate, failed, summary_line, with_overrides
from archplan.planner.engine import compute
from archplan.planner.io import PlanFileError, dumps, loads
from archplan.planner.library import load_template
from archplan.planner.model import Budgets


@pytest.fixture(scope="module")
def three_tier():
    plan = load_template("three_tier")
    return plan, compute(plan)


def _servers(result):
    return [r for r in result.components.values() if r.behaviour != "client"]


#: plan-wide budget -> how to read its figure from the result (for the plan's only client, web)
PLAN_WIDE = {
    "max_monthly_cost": lambda r: r.totals.monthly_cost,
    "min_headroom": lambda r: r.breaking_point.multiplier_at_target,
    "max_utilisation": lambda r: max(c.utilisation for c in _servers(r)),
    "min_availability": lambda r: r.clients["web"].availability,
    "max_read_p99": lambda r: r.clients["web"].read_p99,
    "max_write_p99": lambda r: r.clients["web"].write_p99,
}


def _around(field: str, figure: float, met: bool) -> float:
    """A budget just met or just missed by `figure`."""
    if field.startswith("max"):
        return figure * (1.1 if met else 0.9)
    if field == "min_availability":
        return figure - (1 - figure) if met else figure + (1 - figure) / 2
    return figure * (0.9 if met else 1.1)


@pytest.mark.parametrize("met", [True, False], ids=["met", "missed"])
@pytest.mark.parametrize("field", sorted(PLAN_WIDE))
def test_each_plan_wide_budget_met_and_missed(three_tier, field, met):
    _plan, result = three_tier
    figure = PLAN_WIDE[field](result)
    assert math.isfinite(figure) and figure > 0
    budget = _around(field, figure, met)
    checks = evaluate(Budgets(**{field: budget}), result)
    assert len(checks) == 1
    check = checks[0]
    assert check.figure == pytest.approx(figure)
    assert check.budget == budget
    assert check.passed is met
    assert check.margin == pytest.approx(budget - figure if field.startswith("max") else figure - budget)
    assert (check.margin >= 0) is met
    assert check.margin_text.endswith("to spare" if met else ("over" if field.startswith("max") else "short"))
    assert failed(checks) == ([] if met else [check])


#: component budget -> how to read its figure from the component's result
COMPONENT = {
    "max_utilisation": lambda c: c.utilisation,
    "max_p99": lambda c: c.p99,
    "min_availability": lambda c: c.availability,
}


@pytest.mark.parametrize("met", [True, False], ids=["met", "missed"])
@pytest.mark.parametrize("field", sorted(COMPONENT))
def test_each_component_budget_met_and_missed(three_tier, field, met):
    _plan, result = three_tier
    figure = COMPONENT[field](result["app"])
    budget = _around(field, figure, met)
    [check] = evaluate(Budgets(components={"app": {field: budget}}), result)
    assert check.subject == "app" and "App service" in check.label
    assert check.figure == pytest.approx(figure)
    assert check.passed is met


def test_a_figure_exactly_at_its_budget_passes(three_tier):
    _plan, result = three_tier
    checks = evaluate(Budgets(max_monthly_cost=result.totals.monthly_cost,
                              min_availability=result.clients["web"].availability), result)
    assert all(c.passed for c in checks) and len(checks) == 2


def test_budgets_read_human_text(three_tier):
    budgets = Budgets(max_monthly_cost="$5k", min_availability="99.9%", max_read_p99="200ms", min_headroom="2x",
                      max_utilisation="80%", clients={"web": {"max_write_p99": "1.5s"}})
    assert (budgets.max_monthly_cost, budgets.min_availability, budgets.max_read_p99, budgets.min_headroom,
            budgets.max_utilisation, budgets.clients["web"].max_write_p99) == (5000, 0.999, 0.2, 2, 0.8, 1.5)


@pytest.mark.parametrize(("field", "value"), [("min_availability", "150%"), ("min_availability", 1.5),
                                              ("max_monthly_cost", -1), ("min_headroom", 0), ("max_read_p99", "fast"),
                                              ("max_utilisation", "99.9")])
def test_bad_budgets_are_refused_in_one_line(three_tier, field, value):
    plan, _ = three_tier
    raw = json.loads(dumps(plan))
    raw["plan"]["settings"]["budgets"] = {field: value}
    with pytest.raises(PlanFileError) as info:
        loads(json.dumps(raw), "shop.json")
    message = str(info.value)
    assert "\n" not in message and f"settings.budgets.{field}" in message


def test_budgets_are_saved_only_when_set_and_read_back(three_tier):
    plan, _ = three_tier
    raw = json.loads(dumps(plan))
    assert "budgets" not in raw["plan"]["settings"]  # a plan without budgets is written as before
    plan = plan.model_copy(deep=True)
    plan.settings.budgets = Budgets(max_read_p99=0.2, clients={"web": {"min_availability": 0.999}, "gone": {}},
                                    components={"db": {"max_utilisation": 0.6}})
    raw = json.loads(dumps(plan))
    assert raw["plan"]["settings"]["budgets"] == {"max_read_p99": 0.2, "clients": {"web": {"min_availability": 0.999}},
                                                  "components": {"db": {"max_utilisation": 0.6}}}
    again = loads(dumps(plan))
    assert again.settings.budgets.max_read_p99 == 0.2
    assert again.settings.budgets.clients["web"].min_availability == 0.999
    assert dumps(again) == dumps(plan)


def test_infinite_headroom_passes_any_budget():
    plan = load_template("url_shortener")
    result = compute(plan)
    assert math.isinf(result.breaking_point.multiplier_at_target)
    [check] = evaluate(Budgets(min_headroom=1e6), result)
    assert check.passed and check.figure_text == "x∞" and "scales out" in check.detail
    assert check.as_dict()["figure"] is None  # JSON has no infinity
    json.dumps(check.as_dict(), allow_nan=False)


def test_a_saturated_path_misses_any_p99_budget():
    plan = (PlanBuilder(dau=100_000_000).add("web", "client.web").add("svc", "service.go", instances=1)
            .link("web", "svc").plan)
    result = compute(plan)
    assert math.isinf(result.clients["web"].read_p99)
    [check] = evaluate(Budgets(max_read_p99=3600), result)
    assert not check.passed and check.figure_text.startswith("∞")


def test_a_clients_own_budget_replaces_the_plan_wide_one():
    plan = load_template("microservices")
    result = compute(plan)
    assert set(result.clients) == {"web", "mobile"}
    web, mobile = result.clients["web"], result.clients["mobile"]
    checks = evaluate(Budgets(max_read_p99=web.read_p99 * 2, clients={"mobile": {"max_read_p99": mobile.read_p99 / 2}}),
                      result)
    by_subject = {c.subject: c for c in checks}
    assert set(by_subject) == {"web", "mobile"} and len(checks) == 2
    assert by_subject["web"].passed and by_subject["web"].budget == web.read_p99 * 2
    assert not by_subject["mobile"].passed and by_subject["mobile"].budget == mobile.read_p99 / 2


def test_a_components_own_utilisation_budget_takes_it_out_of_the_plan_wide_one(three_tier):
    _plan, result = three_tier
    ranked = sorted(_servers(result), key=lambda r: r.utilisation, reverse=True)
    worst, rest = ranked[0], ranked[1:]
    own = {worst.id: {"max_utilisation": 1.0}}
    checks = {c.key: c for c in evaluate(Budgets(max_utilisation=0.9, components=own), result)}
    assert checks["max_utilisation"].figure == pytest.approx(max(r.utilisation for r in rest))
    assert checks["max_utilisation"].subject != worst.id
    assert checks[f"max_utilisation[{worst.id}]"].figure == pytest.approx(worst.utilisation)


def test_budgets_for_missing_clients_and_components_fail_naming_them(three_tier):
    _plan, result = three_tier
    checks = evaluate(Budgets(clients={"ghost": {"min_availability": 0.5}},
                              components={"gone": {"max_p99": 10}}), result)
    assert [c.passed for c in checks] == [False, False]
    assert "'ghost'" in checks[0].detail and "'gone'" in checks[1].detail
    assert checks[0].figure is None and checks[0].figure_text == "not computed" and checks[0].margin is None


def test_client_budgets_on_a_plan_without_clients_fail():
    plan = PlanBuilder().add("svc", "service.go").plan
    result = compute(plan)
    assert not result.clients
    [check] = evaluate(Budgets(max_write_p99=1.0), result)
    assert not check.passed and "no client" in check.detail


def test_overrides_replace_the_measure_everywhere_and_say_so(three_tier):
    _plan, result = three_tier
    stored = Budgets(max_read_p99=0.001, max_monthly_cost=1, clients={"web": {"max_read_p99": 0.001,
                                                                              "min_availability": 0.5}},
                     components={"db": {"max_utilisation": 0.01, "max_p99": 100}})
    budgets, replaced = with_overrides(stored, max_p99=1000.0, max_utilisation=1.0, min_headroom=None)
    assert replaced == {"max_read_p99", "max_write_p99", "max_utilisation"}
    assert budgets.clients["web"].max_read_p99 is None and budgets.clients["web"].min_availability == 0.5
    assert budgets.components["db"].max_utilisation is None and budgets.components["db"].max_p99 == 100
    assert budgets.min_headroom is None
    checks = {c.key: c for c in evaluate(budgets, result, replaced)}
    assert checks["max_read_p99[web]"].passed and checks["max_read_p99[web]"].source == "override"
    assert checks["max_write_p99[web]"].source == "override"
    assert not checks["max_monthly_cost"].passed and checks["max_monthly_cost"].source == "plan"
    assert "max_utilisation[db]" not in checks and checks["max_utilisation"].source == "override"
    assert stored.clients["web"].max_read_p99 == 0.001  # the plan's budgets are not touched


def test_an_unknown_override_is_an_error():
    with pytest.raises(ValueError, match="max_latency"):
        with_overrides(Budgets(), max_latency=1)


def test_summary_line_counts():
    ok = Check("a", "a", "money", "max", 2, 1)
    bad = Check("b", "b", "money", "max", 1, 2)
    assert summary_line([]) == "No budgets set"
    assert summary_line([ok]) == "The budget is met"
    assert summary_line([ok, ok]) == "All 2 budgets met"
    assert summary_line([ok, bad]) == "1 of 2 budgets missed"


def test_checks_at_a_what_if_multiplier_read_that_result(three_tier):
    plan, result = three_tier
    scaled = compute(plan, multiplier=3)
    budget = Budgets(max_monthly_cost=result.totals.monthly_cost * 1.01)
    assert evaluate(budget, result)[0].passed
    assert evaluate(budget, scaled)[0].figure == scaled.totals.monthly_cost
