"""`archplan check`: exit codes, flags over the plan's budgets, and the JUnit XML and Markdown reports
read back as CI systems and Markdown renderers read them."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import xmlschema
from junitparser import Failure, JUnitXml
from markdown_it import MarkdownIt

from archplan import main
from archplan.planner.engine import compute
from archplan.planner.io import load_plan, save_plan
from archplan.planner.library import load_template
from archplan.planner.model import Budgets

JUNIT_XSD = Path(__file__).resolve().parents[1] / "data" / "junit.xsd"


def run(capsys, *argv):
    code = main.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shop(tmp_path):
    """The three-tier template with budgets it meets (computed from its own figures) in a file."""
    plan = load_template("three_tier")
    result = compute(plan)
    web = result.clients["web"]
    plan.settings.budgets = Budgets(max_monthly_cost=result.totals.monthly_cost * 1.2,
                                    min_availability=web.availability - (1 - web.availability),
                                    max_read_p99=web.read_p99 * 1.5, max_write_p99=web.write_p99 * 1.5,
                                    max_utilisation=0.95)
    path = tmp_path / "shop.json"
    save_plan(plan, path)
    return path, plan, result


def test_all_budgets_met_exit_0_with_the_table(capsys, shop):
    path, _plan, _result = shop
    code, out, err = run(capsys, "check", path)
    assert code == 0 and err == ""
    assert "All 5 budgets met." in out and "FAIL" not in out
    assert "monthly cost" in out and "read p99, Web client" in out and "to spare" in out


def test_a_missed_budget_exits_1_with_figure_and_margin(capsys, shop):
    path, plan, result = shop
    half = result.totals.monthly_cost / 2
    plan.settings.budgets = plan.settings.budgets.model_copy(update={"max_monthly_cost": half})
    save_plan(plan, path)
    code, out, _err = run(capsys, "check", path)
    assert code == 1
    row = next(line for line in out.splitlines() if "monthly cost" in line)
    assert row.startswith("FAIL")
    from archplan.planner import units

    assert units.format_money(result.totals.monthly_cost) in row
    assert units.format_money(result.totals.monthly_cost / 2) in row and "over" in row
    assert "1 of 5 budgets missed." in out


@pytest.mark.parametrize(("flag", "value_of", "field"), [
    ("--max-cost", lambda r: f"${r.totals.monthly_cost / 2:.2f}", "monthly cost"),
    ("--min-availability", lambda r: "99.9999%", "availability, Web client"),
    ("--max-p99", lambda r: f"{r.clients['web'].write_p99 * 1000 * 5:.0f}ms", "read p99, Web client"),
    ("--min-headroom", lambda r: f"{r.breaking_point.multiplier_at_target * 2:.3f}x", "headroom"),
    ("--max-utilisation", lambda r: "10%", "utilisation at peak, every component"),
])
def test_a_flag_overrides_the_plans_budget(capsys, shop, flag, value_of, field):
    path, _plan, result = shop
    code, out, _ = run(capsys, "check", path, flag, value_of(result), "--json")
    data = json.loads(out)
    [report] = data
    checks = [c for c in report["checks"] if c["label"].startswith(field)]
    assert checks and all(c["source"] == "override" for c in checks)
    if flag == "--max-p99":  # loosened to 5x the figures: the read and the write budget are replaced, and hold
        p99 = {c["key"]: c for c in report["checks"] if "p99" in c["key"]}
        assert set(p99) == {"max_read_p99[web]", "max_write_p99[web]"}
        assert all(c["source"] == "override" and c["passed"] for c in p99.values())
        assert p99["max_read_p99[web]"]["budget"] == pytest.approx(result.clients["web"].write_p99 * 5, rel=1e-3)
        assert code == 0
    else:  # tightened past the figure: missed
        assert code == 1 and not any(c["passed"] for c in checks)
        assert all(c["source"] == "plan" for c in report["checks"] if not c["label"].startswith(field))


def test_flags_alone_check_a_plan_without_budgets(capsys, tmp_path):
    path = tmp_path / "plain.json"
    save_plan(load_template("three_tier"), path)
    code, out, _ = run(capsys, "check", path)
    assert code == 0 and "No budgets set" in out and "Nothing to check" in out
    code, out, _ = run(capsys, "check", path, "--max-cost", "$1", "--max-p99", "1h")
    assert code == 1 and "1 of 3 budgets missed." in out


@pytest.mark.parametrize("argv", [
    ["check", "missing.json"],
    ["check", "{shop}", "--max-p99", "200"],            # a duration without a unit
    ["check", "{shop}", "--min-availability", "99.9"],  # a percentage without %
    ["check", "{shop}", "--max-cost", "five"],
    ["check", "{shop}", "--min-headroom", "twice"],
    ["check", "{shop}", "{shop}", "--base", "{shop}"],  # --base compares one plan
    ["check", "{shop}", "--junit", "{tmp}/no/such/folder/out.xml"],
    ["check", "{shop}", "--base", "git:nonsense"],
])
def test_bad_input_is_one_line_and_exit_2(capsys, shop, tmp_path, argv):
    path, _plan, _result = shop
    code, _out, err = run(capsys, *[a.format(shop=path, tmp=tmp_path) for a in argv])
    assert code == 2
    assert err.startswith("archplan: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_junit_xml_follows_the_schema_and_reads_back(capsys, shop, tmp_path):
    path, plan, result = shop
    tight = result.clients["web"].read_p99 / 2
    plan.settings.budgets = plan.settings.budgets.model_copy(update={"max_read_p99": tight})
    save_plan(plan, path)
    out_xml = tmp_path / "budgets.xml"
    code, _out, _ = run(capsys, "check", path, "--junit", out_xml, "--json")
    assert code == 1
    xmlschema.XMLSchema(str(JUNIT_XSD)).validate(str(out_xml))
    xml = JUnitXml.fromfile(str(out_xml))
    [suite] = list(xml)
    cases = list(suite)
    assert suite.tests == len(cases) == 5 and suite.failures == 1 and suite.errors == 0
    failed = [c for c in cases if not c.is_passed]
    assert [c.name for c in failed] == [next(c.name for c in cases if c.name.startswith("read p99, Web client"))]
    [failure] = failed[0].result
    assert isinstance(failure, Failure) and failure.type == "BudgetMissed"
    assert "against a budget of" in failure.message and "over" in failure.message
    assert all(c.classname == "archplan.shop" for c in cases)
    assert all("figure:" in (c.system_out or "") for c in cases if c.is_passed)


def test_junit_xml_has_one_suite_per_plan(capsys, shop, tmp_path):
    path, plan, _result = shop
    other = tmp_path / "other plan.json"
    save_plan(load_template("pastebin"), other)
    out_xml = tmp_path / "all.xml"
    code, _out, _ = run(capsys, "check", path, other, "--max-cost", "$1M", "--junit", out_xml)
    assert code == 0
    xmlschema.XMLSchema(str(JUNIT_XSD)).validate(str(out_xml))
    suites = list(JUnitXml.fromfile(str(out_xml)))
    assert [s.name for s in suites] == [f"budgets of {plan.name}", "budgets of Pastebin"]
    assert next(iter(suites[1])).classname == "archplan.other_plan"


def _tables(markdown_text: str) -> list[list[list[str]]]:
    """Every table in the Markdown, as rows of cell texts (the header row first)."""
    tokens = MarkdownIt().enable("table").parse(markdown_text)
    tables, rows, row, cell = [], None, None, None
    for tok in tokens:
        if tok.type == "table_open":
            rows = []
        elif tok.type == "table_close":
            tables.append(rows)
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close":
            rows.append(row)
        elif tok.type in ("th_open", "td_open"):
            cell = ""
        elif tok.type == "inline" and cell is not None:
            cell = tok.content
        elif tok.type in ("th_close", "td_close"):
            row.append(cell)
            cell = None
    return tables


def test_markdown_summary_is_a_table_per_budget(capsys, shop, tmp_path):
    path, plan, _result = shop
    out_md = tmp_path / "comment.md"
    code, _out, _ = run(capsys, "check", path, "--max-cost", "$1", "--markdown", out_md)
    assert code == 1
    text = out_md.read_text(encoding="utf-8")
    assert text.startswith(f"### ❌ {plan.name}: 1 of 5 budgets missed")
    [table] = _tables(text)
    header, *rows = table
    assert header[1:5] == ["Budget", "Limit", "Figure", "Margin"]
    assert len(rows) == 5
    cost = next(r for r in rows if r[1] == "monthly cost")
    assert cost[0] == "❌" and cost[2] == "≤ $1.00" and "over" in cost[4] and "flag" in cost[-1]
    assert all(r[0] == "✅" for r in rows if r is not cost)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=repo, check=True,
                   capture_output=True)


def test_markdown_compares_with_the_base_revision_in_git(capsys, tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.fail("git is needed (installed by scripts/setup.sh)")
    _git(tmp_path, "init", "-q")
    (tmp_path / "plans").mkdir()
    plan_path = tmp_path / "plans" / "shop.json"
    plan = load_template("three_tier")
    plan.settings.budgets = Budgets(max_monthly_cost=1e9, max_read_p99=3600)
    save_plan(plan, plan_path)
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first")
    changed = load_plan(plan_path)  # the change under review: more traffic
    changed.traffic = changed.traffic.model_copy(update={"dau": changed.traffic.dau * 3})
    save_plan(changed, plan_path)
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(capsys, "check", "plans/shop.json", "--base", "git:HEAD:plans/shop.json",
                          "--markdown", "comment.md")
    assert code == 0, err
    text = (tmp_path / "comment.md").read_text(encoding="utf-8")
    budgets_table, compare_table = _tables(text)
    assert budgets_table[0][-2:] == ["Base", "Note"]
    before, after = compute(plan), compute(changed)
    from archplan.planner import units

    cost_row = next(r for r in budgets_table if r[1] == "monthly cost")
    assert cost_row[3] == units.format_money(after.totals.monthly_cost)
    assert cost_row[5] == units.format_money(before.totals.monthly_cost)
    assert compare_table[0] == ["Figure", "Base", "This change", "Change", "Ratio"]
    peak = next(r for r in compare_table if r[0] == "peak QPS at the entry")
    assert peak[1] == units.format_qps(before.totals.entry_qps_peak)
    assert peak[2] == units.format_qps(after.totals.entry_qps_peak)
    assert peak[4] == f"x{after.totals.entry_qps_peak / before.totals.entry_qps_peak:.3g}"
    assert "git:HEAD:plans/shop.json" in text and "<details>" in text


def test_check_is_listed_in_help(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "check" in out
