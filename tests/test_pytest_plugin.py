"""The archplan pytest plugin (archplan.testing, entry point `archplan` in the pytest11 group), run the way a
team runs it: pytest sessions of their own (pytester), with no conftest, loaded from the installed entry point."""

import textwrap
from pathlib import Path

import pytest

from archplan.planner.engine import compute
from archplan.planner.io import save_plan
from archplan.planner.library import load_template
from archplan.planner.model import Budgets

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "test_plan_budgets.py"


@pytest.fixture
def team_repo(pytester):
    """A team's repository: plans/shop.json (the three-tier template with budgets it meets) and tests/."""
    plan = load_template("three_tier")
    result = compute(plan)
    plan.settings.budgets = Budgets(max_monthly_cost=result.totals.monthly_cost * 1.5, min_availability="99.9%",
                                    max_read_p99=result.clients["web"].read_p99 * 2)
    (pytester.path / "plans").mkdir()
    save_plan(plan, pytester.path / "plans" / "shop.json")
    (pytester.path / "tests").mkdir()
    pytester.makeini("[pytest]\n")
    return pytester


def _test_file(pytester, body: str, name: str = "tests/test_team.py") -> Path:
    path = pytester.path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_fixtures_load_and_compute_plans(team_repo):
    _test_file(team_repo, """
        import math
        from archplan.planner.model import Plan
        from archplan.planner.result import PlanResult

        def test_a_file_relative_to_the_rootdir(archplan_plan, archplan_result):
            plan = archplan_plan("plans/shop.json")
            assert isinstance(plan, Plan) and plan.name == "Three-tier web app"
            result = archplan_result(plan)
            assert isinstance(result, PlanResult) and result.totals.monthly_cost > 0
            assert archplan_result("plans/shop.json").totals.monthly_cost == result.totals.monthly_cost

        def test_a_file_beside_the_test(archplan_plan):
            assert archplan_plan("local.json").name == "Local"

        def test_each_call_is_a_fresh_plan(archplan_plan):
            first = archplan_plan("plans/shop.json")
            first.name = "changed"
            assert archplan_plan("plans/shop.json").name == "Three-tier web app"

        def test_a_template(archplan_plan, archplan_result):
            plan = archplan_plan(template="url_shortener")
            assert math.isinf(archplan_result(plan).breaking_point.multiplier_at_target)

        def test_what_if(archplan_plan, archplan_result):
            plan = archplan_plan("plans/shop.json")
            assert archplan_result(plan, multiplier=3).multiplier == 3
    """)
    save_plan(load_template("pastebin").model_copy(update={"name": "Local"}), team_repo.path / "tests" / "local.json")
    outcome = team_repo.runpytest("-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=5)


def test_assert_budget_passes_and_returns_the_checks(team_repo):
    _test_file(team_repo, """
        from archplan.testing import assert_budget

        def test_stored_budgets(archplan_plan, archplan_result):
            plan = archplan_plan("plans/shop.json")
            checks = assert_budget(archplan_result(plan), plan)
            assert len(checks) == 3 and all(c.passed for c in checks)

        def test_keywords_in_every_unit(archplan_result):
            checks = assert_budget(archplan_result("plans/shop.json"), p99_ms=10_000, availability="90%",
                                   cost_usd="$10M", headroom="0.5x", utilisation=1.0, read_p99_ms="9s",
                                   write_p99_ms=9000)
            assert {c.key for c in checks} >= {"max_monthly_cost", "min_headroom", "max_utilisation",
                                               "min_availability[web]", "max_read_p99[web]", "max_write_p99[web]"}
    """)
    team_repo.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_a_missed_budget_fails_with_a_readable_message(team_repo):
    _test_file(team_repo, """
        from archplan.testing import assert_budget

        def test_too_slow(archplan_plan, archplan_result):
            plan = archplan_plan("plans/shop.json")
            assert_budget(archplan_result(plan), plan, p99_ms=1)
    """)
    outcome = team_repo.runpytest("-p", "no:cacheprovider")
    outcome.assert_outcomes(failed=1)
    out = outcome.stdout.str()
    result = compute(load_template("three_tier"))
    from archplan.planner import units

    read_p99 = units.format_duration(result.clients["web"].read_p99)
    outcome.stdout.fnmatch_lines([
        "*BudgetMissed: 2 of 4 budgets missed:",
        f"*- read p99, Web client: {read_p99} against a budget of ≤ 1 ms (* over)",
        "*- write p99, Web client: * against a budget of ≤ 1 ms (* over)",
        "*held: monthly cost *; availability, Web client *",
    ])
    assert "__tracebackhide__" not in out and "def assert_budget" not in out  # the helper's frame is hidden


def test_assert_budget_with_nothing_to_check_is_an_error_not_a_pass(team_repo):
    _test_file(team_repo, """
        import pytest
        from archplan.testing import assert_budget

        def test_nothing(archplan_plan, archplan_result):
            plan = archplan_plan(template="pastebin")  # no budgets stored
            with pytest.raises(ValueError, match="no budget to check"):
                assert_budget(archplan_result(plan), plan)
            with pytest.raises(TypeError):
                assert_budget(archplan_result(plan), "plans/shop.json")
    """)
    team_repo.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_plugin_comes_from_the_entry_point_and_can_be_turned_off(team_repo):
    _test_file(team_repo, """
        def test_uses_the_plugin(archplan_plan):
            assert archplan_plan("plans/shop.json")
    """)
    team_repo.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    off = team_repo.runpytest("-p", "no:cacheprovider", "-p", "no:archplan")
    off.assert_outcomes(errors=1)
    off.stdout.fnmatch_lines(["*fixture 'archplan_plan' not found*"])


def test_the_documented_example_passes_as_copied(team_repo):
    (team_repo.path / "tests" / EXAMPLE.name).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    outcome = team_repo.runpytest("-p", "no:cacheprovider", "-v")
    outcome.assert_outcomes(passed=4)
    outcome.stdout.fnmatch_lines(["*test_every_plan_meets_its_own_budgets?shop? PASSED*"])


BLOCK_QT = '''
import sys


class NoQt:
    """Plays a machine without PySide6: importing it fails."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6"):
            raise ImportError(f"{name} is not installed here")
        return None


sys.meta_path.insert(0, NoQt())
'''


def test_plan_users_need_neither_qt_nor_pytest_qt(team_repo):
    (team_repo.path / "blockqt.py").write_text(BLOCK_QT, encoding="utf-8")
    _test_file(team_repo, """
        import sys
        from archplan.testing import assert_budget

        def test_plan_only(archplan_plan, archplan_result):
            plan = archplan_plan("plans/shop.json")
            assert_budget(archplan_result(plan), plan)
            assert not any(m.split(".")[0] == "PySide6" for m in sys.modules)

        def test_the_window_fixture_says_what_it_needs(archplan_window):
            pass
    """)
    outcome = team_repo.runpytest_subprocess("-p", "blockqt", "-p", "no:pytest-qt", "-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=1, errors=1)
    outcome.stdout.fnmatch_lines(["*archplan_window needs pytest-qt*"])


def test_window_fixture_opens_the_main_window_on_a_plan(team_repo):
    _test_file(team_repo, """
        from archplan.ui.main_window import MainWindow

        def test_window(archplan_window, qtbot):
            window = archplan_window("plans/shop.json")
            assert isinstance(window, MainWindow) and window.isVisible()
            assert window.editor.plan.name == "Three-tier web app"
            assert window.editor.path.endswith("shop.json")
            assert window.results.model.rowCount() > 0  # computed and shown
            window.editor.set_plan_info(name="Changed in the test")  # closing it later asks nothing
            assert window.editor.is_modified()

        def test_my_panel_follows_the_plan(archplan_window, qtbot):  # the example of docs/plans-in-ci.md
            window = archplan_window("plans/shop.json")
            window.editor.set_traffic(dau=2_000_000)
            qtbot.waitUntil(lambda: window.editor.document.result.totals.dau == 2_000_000)

        def test_default_and_given_plans(archplan_window, archplan_plan):
            assert archplan_window().editor.plan.components
            plan = archplan_plan(template="pastebin")
            assert archplan_window(plan).editor.plan is plan
    """)
    outcome = team_repo.runpytest("-p", "no:cacheprovider", "-p", "timeout", "--timeout", "60")
    outcome.assert_outcomes(passed=3)
