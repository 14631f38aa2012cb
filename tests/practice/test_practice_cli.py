"""archplan practice: list, show, estimate (flags, answers file, JSON, -o), score; bad input exits 2 in one line."""

from __future__ import annotations

import io
import json

import pytest

from archplan.planner.cli import run_cli
from archplan.planner.io import load_plan, save_plan
from archplan.planner.practice.estimation import fmt, reference_figures
from archplan.planner.practice.prompts import library, load_prompt
from archplan.planner.practice.score import score

TWITTER = load_prompt("twitter")


def cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_list_and_show():
    code, out, _ = cli("practice", "list")
    assert code == 0 and all(pid in out for pid in library())
    code, out, _ = cli("practice", "list", "--json")
    assert [p["id"] for p in json.loads(out)] == list(library())
    code, out, _ = cli("practice", "show", "twitter")
    assert code == 0 and TWITTER.statement in out and "--write-qps" in out
    assert all(g.text in out for g in TWITTER.givens)
    data = json.loads(cli("practice", "show", "url-shortener", "--json")[1])
    assert data["id"] == "url_shortener" and data["graded"]


def test_estimate_prints_archplans_figures_with_the_work_and_the_band():
    figs = reference_figures(TWITTER)
    mine = figs["write_qps"].value * 1.5
    code, out, err = cli("practice", "estimate", "twitter", "--write-qps", str(mine),
                         "--storage-per-day", fmt("size_day", figs["storage_per_day"].value * 40))
    assert code == 0, err
    assert figs["write_qps"].text() in out  # the work: formula with the givens substituted
    assert "within 2x" in out and "Within 2x of Archplan's figure is fine in an interview" in out
    assert "wrong order of magnitude" in out and "not entered" in out
    assert "per day vs per month" not in out or "likely slip" in out


def test_estimate_json_matches_the_grader():
    figs = reference_figures(TWITTER)
    value = figs["storage_per_day"].value * 3
    _code, out, _ = cli("practice", "estimate", "twitter", "--json", "--estimate", f"storage_per_day={value}")
    data = json.loads(out)
    row = next(f for f in data["figures"] if f["key"] == "storage_per_day")
    assert row["band"] == "same order of magnitude" and row["credit"] == 0.5
    assert row["archplan"] == pytest.approx(figs["storage_per_day"].value)
    assert data["points"] == pytest.approx(data["max"] / len(TWITTER.graded) * 0.5, abs=0.01)


def test_answers_file_with_units_and_assumptions(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"level": "junior", "estimates": {"write_qps": "3.5K", "storage_total": "160 TB"},
                                   "assumptions": {"dau": "150M", "writes_per_user": 2}}))
    code, out, err = cli("practice", "estimate", "twitter", "--answers", str(answers), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["level"] == "junior"
    assert {f["key"] for f in data["figures"]} <= {"write_qps", "read_qps", "qps", "storage_per_day", "storage_total"}
    assert all(f["credit"] == 1 for f in data["figures"] if f["yours"] is not None)


def test_estimate_writes_a_practice_plan(tmp_path):
    target = tmp_path / "run.json"
    code, _, err = cli("practice", "estimate", "twitter", "--write-qps", "3.5K", "-o", str(target))
    assert code == 0, err
    plan = load_plan(target)
    assert plan.practice.prompt == "twitter" and plan.practice.estimates["write_qps"] == 3_500
    assert plan.traffic == TWITTER.traffic
    assert [e.event for e in plan.practice.timeline][:2] == ["start", "step"]
    assert cli("practice", "estimate", "twitter", "--write-qps", "3.5K", "-o", str(target))[0] == 2  # kept


def test_score_a_saved_run(tmp_path):
    from practice_designs import good_run, good_twitter, with_run

    plan = good_twitter()
    saved = with_run(plan, good_run(plan))
    save_plan(saved, tmp_path / "good.json")
    code, out, _ = cli("practice", "score", str(tmp_path / "good.json"), "--json")
    assert code == 0 and json.loads(out)["percent"] == pytest.approx(score(saved).percent, abs=0.1)
    code, out, _ = cli("practice", "score", str(tmp_path / "good.json"))
    assert "very strong" in out and "cannot be measured" in out


@pytest.mark.parametrize("argv, message", [
    (("practice",), "needs an action"),
    (("practice", "show", "nope"), "no prompt named 'nope'"),
    (("practice", "estimate", "twitter"), "no estimate given"),
    (("practice", "estimate", "twitter", "--write-qps", "lots"), "write_qps 'lots'"),
    (("practice", "estimate", "twitter", "--estimate", "bogus=3"), "unknown figure 'bogus'"),
    (("practice", "estimate", "twitter", "--estimate", "novalue"), "must be KEY=VALUE"),
    (("practice", "estimate", "twitter", "--write-qps", "1", "--assume", "shoe_size=3"), "unknown input"),
    (("practice", "estimate", "twitter", "--write-qps", "1", "--answers", "/nonexistent.json"), "cannot read"),
    (("practice", "estimate", "twitter", "--level", "guru", "--write-qps", "1"), "invalid choice"),
    (("practice", "score", "/nonexistent.json"), ""),
])
def test_bad_input_is_one_line_and_exit_2(argv, message):
    code, _out, err = cli(*argv)
    assert code == 2
    assert err.startswith("archplan: error: ") and err.count("\n") == 1 and message in err
    assert "Traceback" not in err


def test_scoring_a_plain_plan_needs_a_prompt(tmp_path):
    from practice_designs import single_db_twitter

    save_plan(single_db_twitter(), tmp_path / "plain.json")
    code, _, err = cli("practice", "score", str(tmp_path / "plain.json"))
    assert code == 2 and "no practice run" in err
    code, out, _ = cli("practice", "score", str(tmp_path / "plain.json"), "--prompt", "twitter")
    assert code == 0 and "Database" in out
