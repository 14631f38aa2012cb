"""`python main.py templates list [--json]` and `python main.py new --from NAME -o FILE [--force]`."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from archplan.planner import units
from archplan.planner.engine import compute
from archplan.planner.io import load_plan
from archplan.planner.library import builtin_dir, load_template, user_templates_dir

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_NAMES = {p.stem for p in builtin_dir().glob("*.json")}


MAIN = importlib.import_module("archplan.main")


@pytest.fixture(autouse=True)
def _no_team_folder(monkeypatch):
    monkeypatch.delenv("ARCHPLAN_TEAM_TEMPLATES", raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = MAIN.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_templates_list_shows_every_template_with_key_figures(capsys):
    code, out, err = run(capsys, "templates", "list")
    assert code == 0 and err == ""
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert set(rows) == BUILTIN_NAMES
    result = compute(load_template("url_shortener"))
    row = rows["url_shortener"]
    assert "built-in" in row and "URL shortener" in row
    assert units.format_qps(result.totals.entry_qps_peak) in row
    assert units.format_money(result.totals.monthly_cost) in row


def test_templates_list_json(capsys):
    code, out, _err = run(capsys, "templates", "list", "--json")
    assert code == 0
    data = {entry["name"]: entry for entry in json.loads(out)}
    assert set(data) == BUILTIN_NAMES
    plan = load_template("chat")
    result = compute(plan)
    chat = data["chat"]
    assert chat["source"] == "built-in" and chat["title"] == plan.name
    assert chat["peak_qps"] == pytest.approx(result.totals.entry_qps_peak)
    assert chat["monthly_cost"] == pytest.approx(result.totals.monthly_cost)
    assert chat["components"] == len(plan.components) and Path(chat["path"]).name == "chat.json"


def test_templates_list_warns_about_broken_files_on_stderr(capsys):
    folder = user_templates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.json").write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "templates", "list")
    assert code == 0
    assert "broken.json" in err and "warning" in err and len(err.strip().splitlines()) == 1
    assert {line.split()[0] for line in out.splitlines()[2:]} == BUILTIN_NAMES


def test_new_from_template_writes_a_plan_equal_to_the_template(capsys, tmp_path):
    target = tmp_path / "shortener.json"
    code, out, err = run(capsys, "new", "--from", "url_shortener", "-o", str(target))
    assert code == 0 and err == "" and str(target) in out
    assert load_plan(target) == load_plan(builtin_dir() / "url_shortener.json")


def test_new_refuses_to_overwrite_without_force(capsys, tmp_path):
    target = tmp_path / "existing.json"
    target.write_text("my precious work", encoding="utf-8")
    code, out, err = run(capsys, "new", "--from", "pastebin", "-o", str(target))
    assert code == 2 and out == ""
    assert err.startswith("archplan: error:") and len(err.strip().splitlines()) == 1 and "--force" in err
    assert target.read_text(encoding="utf-8") == "my precious work"
    code, _out, _err = run(capsys, "new", "--from", "pastebin", "-o", str(target), "--force")
    assert code == 0 and load_plan(target).name == load_template("pastebin").name


def test_new_from_an_unknown_template_is_a_one_line_error(capsys, tmp_path):
    target = tmp_path / "x.json"
    code, out, err = run(capsys, "new", "--from", "no_such_design", "-o", str(target))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("archplan: error:")
    assert "no_such_design" in lines[0] and "three_tier" in lines[0]
    assert not target.exists()


def test_new_into_a_missing_folder_is_a_one_line_error(capsys, tmp_path):
    code, _out, err = run(capsys, "new", "--from", "chat", "-o", str(tmp_path / "nope" / "x.json"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "does not exist" in err


def test_new_requires_from_and_output(capsys):
    code, _out, err = run(capsys, "new", "--from", "chat")
    assert code == 2 and len(err.strip().splitlines()) == 1
