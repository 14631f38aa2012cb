"""The CI examples of docs/plans-in-ci.md work as documented: the shell step over a folder of plans (with a
base revision in git) and the pre-commit hook definition."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from junitparser import JUnitXml

from archplan.planner.engine import compute
from archplan.planner.io import save_plan
from archplan.planner.library import load_template
from archplan.planner.model import Budgets

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docs" / "examples" / "check-plans.sh"
HOOKS = ROOT / "docs" / "examples" / "pre-commit-config.yaml"
ARCHPLAN = f"{sys.executable} {ROOT / 'main.py'}"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path):
    """A team repository: plans/shop.json (budgets met) and plans/blog.json (a cost budget missed), in git."""
    if shutil.which("git") is None or shutil.which("sh") is None:
        pytest.fail("git and sh are needed (installed by scripts/setup.sh)")
    (tmp_path / "plans").mkdir()
    for name, template, factor in (("shop", "three_tier", 2.0), ("blog", "pastebin", 0.5)):
        plan = load_template(template)
        plan.settings.budgets = Budgets(max_monthly_cost=compute(plan).totals.monthly_cost * factor)
        save_plan(plan, tmp_path / "plans" / f"{name}.json")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "plans")
    return tmp_path


def _run_script(repo: Path, *args: str):
    env = {**os.environ, "ARCHPLAN": ARCHPLAN, "REPORTS": str(repo / "reports")}
    return subprocess.run(["sh", str(SCRIPT), *args], cwd=repo, env=env, capture_output=True, text=True)


def test_the_shell_step_checks_every_plan_and_writes_the_reports(repo):
    run = _run_script(repo, "plans", "HEAD")
    assert run.returncode == 1, run.stderr  # blog misses its cost budget
    assert "1 of 1 budget missed" in run.stdout and "The budget is met" in run.stdout
    suites = {s.name: s for s in JUnitXml.fromfile(str(repo / "reports" / "archplan-budgets.xml"))}
    assert suites["budgets of Pastebin"].failures == 1 and suites["budgets of Three-tier web app"].failures == 0
    shop = (repo / "reports" / "shop.md").read_text(encoding="utf-8")
    assert shop.startswith("### ✅") and "Compared with the base: git:HEAD:plans/shop.json" in shop
    assert (repo / "reports" / "blog.md").read_text(encoding="utf-8").startswith("### ❌")


def test_the_shell_step_passes_when_every_budget_holds_and_fails_on_a_broken_plan(repo):
    (repo / "plans" / "blog.json").unlink()
    assert _run_script(repo, "plans").returncode == 0
    (repo / "plans" / "broken.json").write_text("{", encoding="utf-8")
    run = _run_script(repo, "plans")
    assert run.returncode == 2 and "archplan: error: plans/broken.json" in run.stderr


def test_the_pre_commit_hook_runs_check_on_the_plans_a_commit_changes(repo):
    [hook] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert hook["id"] == "archplan-check" and hook["pass_filenames"] is True
    import re

    pattern = re.compile(hook["files"])
    assert pattern.search("plans/shop.json") and not pattern.search("src/app.py")
    assert hook["entry"].split()[0] == "archplan"
    command = [*ARCHPLAN.split(), *hook["entry"].split()[1:]]  # the archplan command of this checkout
    assert subprocess.run([*command, "plans/shop.json"], cwd=repo, capture_output=True).returncode == 0
    assert subprocess.run([*command, "plans/shop.json", "plans/blog.json"], cwd=repo,
                          capture_output=True).returncode == 1
