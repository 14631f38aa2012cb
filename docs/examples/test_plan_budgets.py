"""
Plans as tested code: a test file to copy into your repository's tests/ folder.

It needs nothing but archplan installed next to pytest (`pip install archplan` or your lock file): the
archplan pytest plugin is loaded by itself and gives the fixtures `archplan_plan` and `archplan_result`;
`assert_budget` fails a test with one line per missed budget (figure, budget, margin).

Paths are relative to pytest's rootdir (your repository, where pytest.ini / pyproject.toml is) or to this
file's folder. Change "plans/shop.json" and the numbers to your own; see docs/plans-in-ci.md.
"""

from pathlib import Path

import pytest

from archplan.testing import assert_budget

ROOT = Path(__file__).resolve().parents[1]        # the repository, if this file is in tests/
PLANS = sorted((ROOT / "plans").glob("*.json"))   # every plan the team keeps in git


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_every_plan_meets_its_own_budgets(archplan_plan, archplan_result, path):
    """The budgets stored in each plan (Plan settings > Budgets in the app); a plan without budgets fails,
    so that none is merged unchecked."""
    plan = archplan_plan(path)
    assert_budget(archplan_result(plan), plan)


def test_shop_is_fast_and_available_enough(archplan_plan, archplan_result):
    """Budgets written in the test, whatever the plan says: every client's reads and writes at p99, and
    its availability."""
    result = archplan_result(archplan_plan("plans/shop.json"))
    assert_budget(result, p99_ms=250, availability="99.9%")


def test_shop_at_twice_todays_traffic_stays_affordable(archplan_plan, archplan_result):
    """The traffic forecast as a test: at x2 the plan still costs at most $5k a month."""
    result = archplan_result(archplan_plan("plans/shop.json"), multiplier=2)
    assert_budget(result, cost_usd="$5k")


def test_a_change_to_the_plan_is_checked_before_it_is_made(archplan_plan, archplan_result):
    """Plans are pydantic models (validated on assignment): change one in the test, check the result."""
    plan = archplan_plan("plans/shop.json")
    plan.traffic.reads_per_user *= 2
    checks = assert_budget(archplan_result(plan), p99_ms=250)
    assert all(check.passed for check in checks)
