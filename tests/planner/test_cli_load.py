"""The curve, resilience and sensitivity commands and plan's scenario and range options (planner/cli_load.py)."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from archplan import main
from archplan.planner.curves import DEFAULT_POINTS
from archplan.planner.library import builtin_dir

TEMPLATES = builtin_dir()


def run(capsys, *argv):
    code = main.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def three_tier(tmp_path):
    path = tmp_path / "three_tier.json"
    shutil.copy(TEMPLATES / "three_tier.json", path)
    return path


def assert_one_line_error(code, out, err, *words):
    assert code == 2 and out == "" and err.startswith("archplan: error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err


# ------------------------------------------------------------------------------------------ curve

def test_curve_summary_and_points(capsys, three_tier):
    code, out, err = run(capsys, "curve", three_tier)
    assert code == 0 and err == ""
    assert "Curves of Three-tier web app" in out and "Breaking point: x1.06" in out and "Kleinrock" in out
    assert "App service" in out and "Web client (reads)" in out
    code, out, _ = run(capsys, "curve", three_tier, "--component", "app", "--points", "8")
    assert code == 0 and "App service (app): knee at x" in out and "<- knee" in out
    assert sum(1 for line in out.splitlines() if line.startswith("x")) == 8
    _, out, _ = run(capsys, "curve", three_tier, "--client", "web", "--points", "6")
    assert "Web client (reads, end to end)" in out and "Web client (writes, end to end)" in out


def test_curve_json_and_csv(capsys, three_tier):
    code, out, _ = run(capsys, "curve", three_tier, "--json", "--points", "5", "--counts", "auto")
    data = json.loads(out)
    assert code == 0 and data["counts"] == "auto" and len(data["multipliers"]) == 5
    assert {s["id"] for s in data["series"]} >= {"app", "web"}
    code, out, _ = run(capsys, "curve", three_tier, "--csv", "--points", "4", "--component", "db")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 4 and {r["id"] for r in rows} == {"db"}
    assert float(rows[-1]["multiplier"]) > float(rows[0]["multiplier"])


def test_curve_help_states_the_default_points(capsys):
    code, out, _ = run(capsys, "curve", "--help")
    assert code == 0 and f"default {DEFAULT_POINTS}" in out


@pytest.mark.parametrize("argv, words", [
    (["--component", "nope"], ["no component 'nope'"]),
    (["--client", "app"], ["no client 'app'"]),
    (["--points", "2"], ["--points 2"]),
    (["--to", "0"], ["--to"]),
    (["--json", "--csv"], ["not allowed"]),
])
def test_curve_bad_input(capsys, three_tier, argv, words):
    assert_one_line_error(*run(capsys, "curve", three_tier, *argv), *words)


# ------------------------------------------------------------------------------------------ scenarios

def test_plan_scenario_text(capsys, three_tier):
    before = three_tier.read_bytes()
    code, out, err = run(capsys, "plan", three_tier, "--fail", "replica", "--slow", "app=3x")
    assert code == 0 and err == ""
    assert out.startswith("SCENARIO: Read replica down; App service 3x slower\n")
    assert "the file is unchanged" in out and "PARTLY FAILS" in out and "Does not hold" in out
    # the cache's misses went to the replica; cold, every read does, and they all fail
    _, out, _ = run(capsys, "plan", three_tier, "--fail", "replica", "--cold", "cache")
    assert "Client Web client: FAILS (reads fail;" in out
    assert three_tier.read_bytes() == before


def test_plan_scenario_json(capsys, three_tier):
    code, out, _ = run(capsys, "plan", three_tier, "--fail-zone", "Data tier", "--json")
    data = json.loads(out)
    assert code == 0 and data["scenario"]["scenario"] == ["Data tier down"] and not data["scenario"]["holds"]
    assert data["scenario"]["clients"][0]["lost"] == ["reads", "writes"]
    assert "components" in data and "db" in data["components"]  # the scenario's own result


def test_plan_lose_and_retries(capsys, tmp_path):
    path = tmp_path / "pay.json"
    shutil.copy(TEMPLATES / "payment_flow.json", path)
    _, out, _ = run(capsys, "plan", path, "--fail", "stripe")
    assert "Retries: Stripe API takes 4 calls per request (was 1.06)" in out
    _, out, _ = run(capsys, "plan", path, "--lose", "checkout=1", "--what-if", "2")
    assert "Checkout API" in out and "2 -> 1" in out and "traffic x2" in out


@pytest.mark.parametrize("argv, words", [
    (["--fail", "nope"], ["no component 'nope'"]),
    (["--fail", "web"], ["is a client"]),
    (["--fail-zone", "Mars"], ["no zone or group 'Mars'"]),
    (["--slow", "app=fast"], ["--slow", "ID=5x"]),
    (["--slow", "app"], ["NAME=VALUE"]),
    (["--lose", "app=0"], ["at least 1"]),
    (["--cold", "app"], ["not a cache"]),
    (["--fail", "app", "--range", "dau=1..2"], ["not both"]),
])
def test_plan_scenario_bad_input(capsys, three_tier, argv, words):
    assert_one_line_error(*run(capsys, "plan", three_tier, *argv), *words)


# ------------------------------------------------------------------------------------------ ranges

def test_plan_ranges_text_and_json(capsys, three_tier):
    code, out, _ = run(capsys, "plan", three_tier, "--range", "dau=80K..120K", "--range", "reads_per_user=+-20%")
    assert code == 0 and "Ranges: dau 80K..120K, reads_per_user 16..24 (every corner: 5 computations)" in out
    assert "cost per month" in out and "Breaking point:" in out
    code, out, _ = run(capsys, "plan", three_tier, "--range", "dau=80K..120K", "--json")
    data = json.loads(out)
    cost = next(f for f in data["ranges"]["figures"] if f["key"] == "cost")
    assert cost["low"] <= cost["expected"] <= cost["high"] and cost["expected"] == data["totals"]["monthly_cost"]


def test_plan_with_ranges_in_the_file_shows_them(capsys, tmp_path):
    from archplan.planner.io import load_plan, save_plan

    plan = load_plan(TEMPLATES / "three_tier.json")
    plan.ranges = {"dau": (50_000, 150_000)}
    path = tmp_path / "ranged.json"
    save_plan(plan, path)
    _, out, _ = run(capsys, "plan", path)
    assert "Ranges: dau 50K..150K" in out


@pytest.mark.parametrize("spec, words", [("dau=lots", ["not understood"]), ("dau", ["NAME=VALUE"]),
                                         ("colour=1..2", ["not a traffic input"])])
def test_plan_range_bad_input(capsys, three_tier, spec, words):
    assert_one_line_error(*run(capsys, "plan", three_tier, "--range", spec), *words)


# ------------------------------------------------------------------------------------------ resilience, sensitivity

def test_resilience_text_and_json(capsys, three_tier):
    code, out, _ = run(capsys, "resilience", three_tier)
    assert code == 0 and "if this fails" in out and "if this group fails" in out and "N+1" in out
    row = next(line for line in out.splitlines() if line.startswith("Read replica"))
    assert "Web client" in row and row.rstrip().endswith("NO")
    code, out, _ = run(capsys, "resilience", three_tier, "--json")
    data = json.loads(out)
    assert code == 0 and not data["survives_any_single_failure"]
    assert {r["id"]: r["down"]["holds"] for r in data["components"]}["cache"] is True


def test_sensitivity_text_and_json(capsys, three_tier):
    code, out, _ = run(capsys, "sensitivity", three_tier)
    assert code == 0 and "cost per month (as planned: $" in out and "#" in out
    code, out, _ = run(capsys, "sensitivity", three_tier, "--range", "dau=+-50%", "--figure", "peak_qps", "--json")
    data = json.loads(out)
    assert code == 0 and [t["key"] for t in data["tornados"]] == ["peak_qps"]
    assert [b["input"] for b in data["tornados"][0]["bars"]] == ["dau"]


@pytest.mark.parametrize("argv, words", [(["--figure", "beauty"], ["no figure 'beauty'"]),
                                         (["--spread", "150"], ["--spread"]),
                                         (["--range", "dau=9..1"], ["must not be above"])])
def test_sensitivity_bad_input(capsys, three_tier, argv, words):
    assert_one_line_error(*run(capsys, "sensitivity", three_tier, *argv), *words)
