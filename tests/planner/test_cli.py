"""The headless CLI: every path, and one-line errors with exit code 2 for bad input."""

import json

import pytest
from plans import PlanBuilder

from archplan import main
from archplan.planner.estimate import KEYS
from archplan.planner.io import save_plan


@pytest.fixture
def plan_file(tmp_path):
    plan = (PlanBuilder().add("web", "client.web").add("svc", "service.go", name="Orders API")
            .add("db", "db.postgres").link("web", "svc").link("svc", "db").plan)
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    return path


def run(capsys, *argv):
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_prints_table_and_totals(capsys, plan_file):
    code, out, err = run(capsys, "plan", str(plan_file))
    assert code == 0 and err == ""
    assert "Orders API" in out and "Instances:" in out and "Breaking point" in out


def test_plan_json_is_machine_readable(capsys, plan_file):
    _code, out, _ = run(capsys, "plan", str(plan_file), "--json", "--explain")
    data = json.loads(out)
    assert data["components"]["svc"]["reads_avg"] == pytest.approx(1_000)
    assert "instances_needed" in data["components"]["svc"]["work"]


def test_plan_json_is_one_line_per_component_and_valid_json(capsys, tmp_path):
    b = (PlanBuilder().add("web", "client.web").add("q", "queue.sqs").link("web", "q", classes=["write"]))
    path = tmp_path / "q.json"
    save_plan(b.plan, path)  # nothing consumes the queue: its consumer capacity is 0, figures stay finite
    code, out, _err = run(capsys, "plan", str(path), "--json")
    data = json.loads(out)
    assert code == 0 and set(data["components"]) == {"web", "q"}
    lines = out.splitlines()
    assert sum(1 for line in lines if line.startswith('    "q": {')) == 1
    assert data["clients"]["web"]["read_p99"] is not None or data["clients"]["web"]["read_latency"] == 0


def test_plan_what_if(capsys, plan_file):
    _, out, _ = run(capsys, "plan", str(plan_file), "--json", "--what-if", "10")
    assert json.loads(out)["components"]["svc"]["reads_avg"] == pytest.approx(10_000)


def test_plan_explain_shows_formulas(capsys, plan_file):
    _, out, _ = run(capsys, "plan", str(plan_file), "--explain")
    assert "svc.instances_needed: n = max(" in out


def test_validate_ok(capsys, plan_file):
    code, out, _ = run(capsys, "validate", str(plan_file))
    assert code == 0 and "valid plan" in out


@pytest.mark.parametrize("content", [
    "{broken", '{"schema_version": 99, "app": "archplan", "plan": {}}',
    "[" * 100_000 + "]" * 100_000,  # nested past any parser's stack
    '{"schema_version": 3, "app": "archplan", "plan": {"description": ' + "[" * 900 + "]" * 900 + "}}",
])
def test_bad_files_exit_2_with_one_line(capsys, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    for command in ("plan", "validate"):
        code, _out, err = run(capsys, command, str(path))
        assert code == 2
        assert err.count("\n") == 1 and err.startswith("archplan: error: ")
        assert "Traceback" not in err


def test_request_cycle_exits_2(capsys, tmp_path):
    plan = (PlanBuilder().add("web", "client.web").add("a", "service.go").add("b", "service.go")
            .link("web", "a").link("a", "b").link("b", "a").plan)
    save_plan(plan, tmp_path / "c.json")
    code, _, err = run(capsys, "plan", str(tmp_path / "c.json"))
    assert code == 2 and "cycle" in err and err.count("\n") == 1


def test_estimate_json_has_exactly_the_documented_keys(capsys):
    code, out, _ = run(capsys, "estimate", "--dau", "10M", "--writes-per-user", "2", "--reads-per-user", "20",
                       "--write-size", "1 KB", "--read-size", "10KB", "--json")
    data = json.loads(out)
    assert code == 0 and tuple(data) == KEYS
    assert data["write_qps"] == pytest.approx(20e6 / 86_400)
    assert data["storage_total"] == pytest.approx(20e6 * 1_000 * 365 * 5)  # default retention 5y


def test_estimate_table_shows_work(capsys):
    code, out, _ = run(capsys, "estimate", "--mau", "300M", "--active-ratio", "0.5", "--writes-per-user", "2",
                       "--media-fraction", "0.1", "--media-size", "1MB")
    assert code == 0
    assert "30 TB/day" in out and "write_qps = writes_per_day / day_s" in out


@pytest.mark.parametrize("argv", [
    ["estimate", "--dau", "-5", "--writes-per-user", "1"],
    ["estimate", "--dau", "nan", "--writes-per-user", "1"],
    ["estimate", "--dau", "10M"],
    ["estimate", "--dau", "10M", "--writes-per-user", "1", "--write-size", "5 parsecs"],
    ["estimate", "--dau", "1", "--mau", "1", "--writes-per-user", "1"],
    ["estimate", "--bogus"],
    ["plan"],
    ["export", "x.json", "--format", "nope", "-o", "out"],
])
def test_bad_arguments_exit_2_with_one_line(capsys, argv):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("archplan: error: "), err


def test_help_lists_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("plan", "validate", "estimate", "export"):
        assert command in out


def test_unknown_app_option_is_refused_without_opening_a_window(capsys):
    code, _out, err = run(capsys, "--bogus")
    assert code == 2 and err == "archplan: error: unknown option --bogus (the app takes a plan file; see --help)\n"


def test_plan_names_its_price_basis(capsys):
    """Prices say which provider, region and date they are: on the result, in the table and in --json."""
    from archplan.planner.catalog import default_catalog
    from archplan.planner.engine import compute
    from archplan.planner.io import load_plan
    from archplan.planner.resources import builtin_templates_dir

    path = builtin_templates_dir() / "three_tier.json"
    prices = default_catalog().prices
    result = compute(load_plan(path))
    assert prices.region in result.price_basis and prices.date in result.price_basis
    assert prices.provider in result.price_basis
    code, text, _ = run(capsys, "plan", str(path))
    assert code == 0 and f"({result.price_basis})" in text
    code, text, _ = run(capsys, "plan", str(path), "--json")
    assert code == 0
    assert json.loads(text)["price_basis"] == result.price_basis


def test_utilisation_of_a_component_without_ceiling_is_not_zero_percent():
    """A managed load balancer has no per-node ceiling: its utilisation reads '—', not '0 %'."""
    from archplan.planner.engine import compute
    from archplan.planner.io import load_plan
    from archplan.planner.resources import builtin_templates_dir
    from archplan.planner.summary import COLUMNS

    util = next(c for c in COLUMNS if c.key == "utilisation")
    result = compute(load_plan(builtin_templates_dir() / "photo_sharing.json"))
    unbound = [r for r in result.components.values() if r.binding == "none" and r.qps_peak > 0]
    bound = [r for r in result.components.values() if r.binding != "none"]
    assert unbound and bound
    assert all(util.text(r) == "—" for r in unbound)
    assert all(util.text(r).endswith("%") for r in bound)
