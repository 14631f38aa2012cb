"""`python main.py simulate`: the comparison table, JSON, same seed same output, one-line errors."""

import json

import pytest
from plans import PlanBuilder

from archplan import main
from archplan.planner.io import save_plan


@pytest.fixture
def plan_file(tmp_path):
    b = PlanBuilder(dau=864_000)
    b.add("web", "client.web").add("svc", "service.go", name="Orders API").add("db", "db.postgres", name="Orders DB")
    b.link("web", "svc").link("svc", "db")
    path = tmp_path / "plan.json"
    save_plan(b.plan, path)
    return path


def run(capsys, *argv):
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_table_sets_simulated_beside_formula(capsys, plan_file):
    code, out, err = run(capsys, "simulate", str(plan_file), "--duration", "20s")
    assert code == 0 and err == ""
    assert "simulated 20 s at peak, seed 1" in out
    assert "simulated ±95 % CI / formula" in out
    assert "Orders API" in out and "Orders DB" in out
    row = next(line for line in out.splitlines() if line.startswith("Orders API"))
    assert row.count(" / ") == 4  # utilisation, mean, p95, p99
    assert "mean end to end" in out and any(line.startswith("web ") for line in out.splitlines())


def test_same_seed_same_output_other_seed_differs(capsys, plan_file):
    args = ("simulate", str(plan_file), "--duration", "10s", "--seed", "7")
    first = run(capsys, *args)[1]
    assert run(capsys, *args)[1] == first
    assert run(capsys, "simulate", str(plan_file), "--duration", "10s", "--seed", "8")[1] != first


def test_json_has_every_component_with_intervals(capsys, plan_file):
    code, out, _ = run(capsys, "simulate", str(plan_file), "--duration", "10s", "--json")
    data = json.loads(out)
    assert code == 0 and data["seed"] == 1 and data["scale"] == 1
    svc = data["components"]["svc"]
    assert set(svc["mean"]) == {"value", "ci95"} and svc["formula"]["mean"] == pytest.approx(0.02, rel=0.01)
    assert len(data["trace"]["svc"]) == 60
    assert {p["cls"] for p in data["paths"]} == {"read", "write"}


def test_what_if_scales_the_traffic(capsys, plan_file):
    base = json.loads(run(capsys, "simulate", str(plan_file), "--duration", "10s", "--json")[1])
    more = json.loads(run(capsys, "simulate", str(plan_file), "--duration", "10s", "--json", "--what-if", "3")[1])
    assert more["multiplier"] == 3
    ratio = more["components"]["svc"]["arrival_rate"] / base["components"]["svc"]["arrival_rate"]
    assert ratio == pytest.approx(3, rel=0.1)


def test_disagreements_are_marked_and_listed(capsys, plan_file, monkeypatch):
    """With a deliberately wrong engine (latency x 1.3) the rows get '!' and the summary names them."""
    from archplan.planner import sizing

    original = sizing._latency

    def wrong(table, figs, s, served):
        original(table, figs, s, served)
        s.latency *= 1.3

    _code, out, _ = run(capsys, "simulate", str(plan_file), "--duration", "20s")
    assert "Every compared figure agrees with the formulas" in out
    monkeypatch.setattr(sizing, "_latency", wrong)
    _code, out, _ = run(capsys, "simulate", str(plan_file), "--duration", "20s")
    row = next(line for line in out.splitlines() if line.startswith("Orders API"))
    assert row.count(" !") == 1  # the mean (percentiles come from their own formula)
    assert "Disagreements: Orders API mean" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--duration", "0s"], "--duration must be longer than 0 s"),
    (["--duration", "soon"], "argument --duration"),
    (["--max-visits", "0"], "--max-visits must be at least 1"),
    (["--what-if", "0"], "traffic multiplier"),
])
def test_bad_input_is_one_line_exit_2(capsys, plan_file, argv, message):
    code, out, err = run(capsys, "simulate", str(plan_file), *argv)
    assert code == 2 and out == ""
    assert err.startswith("archplan: error: ") and message in err and err.count("\n") == 1


def test_missing_file_is_one_line(capsys, tmp_path):
    code, _out, err = run(capsys, "simulate", str(tmp_path / "nope.json"))
    assert code == 2 and err.startswith("archplan: error: ") and err.count("\n") == 1
