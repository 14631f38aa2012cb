"""The template library: built-in, user and team folders, broken files, lookup, saving, key figures."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs
import pytest

from archplan.planner.engine import compute
from archplan.planner.io import SCHEMA_VERSION, dumps, load_plan
from archplan.planner.library import (
    TemplateError,
    builtin_dir,
    list_templates,
    load_template,
    save_user_template,
    set_team_templates_dir,
    settings_path,
    team_templates_dir,
    template_name,
    template_summary,
    user_templates_dir,
)
from archplan.planner.model import Link

BUILTIN_NAMES = {p.stem for p in builtin_dir().glob("*.json")} - {"catalog"}


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """A fresh ARCHPLAN_HOME and team folder for each test."""
    home, team = tmp_path / "home", tmp_path / "team"
    team.mkdir()
    monkeypatch.setenv("ARCHPLAN_HOME", str(home))
    monkeypatch.setenv("ARCHPLAN_TEAM_TEMPLATES", str(team))
    return home, team


def names_by_source(infos) -> dict[str, str]:
    return {i.name: i.source for i in infos}


def test_builtins_are_listed_and_the_catalog_is_not(dirs):
    infos, problems = list_templates()
    listed = names_by_source(infos)
    assert problems == []
    assert BUILTIN_NAMES and set(listed) == BUILTIN_NAMES
    assert "catalog" not in listed and set(listed.values()) == {"built-in"}
    three = next(i for i in infos if i.name == "three_tier")
    assert three.title == load_plan(three.path).name and three.summary and "\n" not in three.summary


def test_folders_follow_archplan_home_and_platformdirs(dirs, monkeypatch):
    home, _team = dirs
    assert user_templates_dir() == home / "data" / "templates"
    assert settings_path() == home / "config" / "settings.json"
    monkeypatch.delenv("ARCHPLAN_HOME")
    assert user_templates_dir() == Path(platformdirs.user_data_dir("archplan")) / "templates"
    assert settings_path() == Path(platformdirs.user_config_dir("archplan")) / "settings.json"


def test_save_and_list_a_user_template(dirs):
    plan = load_template("three_tier")
    path = save_user_template(plan, "My Shop v2!")
    assert path == user_templates_dir() / "my_shop_v2.json"
    assert plan.name == "Three-tier web app", "the caller's plan is not renamed"
    infos, problems = list_templates()
    assert problems == [] and names_by_source(infos)["my_shop_v2"] == "user"
    loaded = load_template("my_shop_v2")
    assert loaded.name == "My Shop v2!"
    assert loaded.model_dump(exclude={"name"}) == plan.model_dump(exclude={"name"})


def test_team_templates_are_listed_as_team(dirs):
    _home, team = dirs
    save_user_template(load_template("pastebin"), "Team pastebin", folder=team)
    assert (team / "team_pastebin.json").is_file()
    assert names_by_source(list_templates()[0])["team_pastebin"] == "team"
    assert load_template("team:team_pastebin").name == "Team pastebin"


def test_team_folder_from_settings_is_written_atomically_and_keeps_other_keys(dirs, monkeypatch, tmp_path):
    monkeypatch.delenv("ARCHPLAN_TEAM_TEMPLATES")
    assert team_templates_dir() is None
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text(json.dumps({"theme": "dark"}), encoding="utf-8")
    shared = tmp_path / "shared"
    shared.mkdir()
    save_user_template(load_template("chat"), "shared chat", folder=shared)
    assert set_team_templates_dir(shared) == shared.resolve()
    assert json.loads(settings_path().read_text(encoding="utf-8")) == {"theme": "dark",
        "team_templates": str(shared.resolve())}
    assert team_templates_dir() == shared.resolve()
    assert names_by_source(list_templates()[0])["shared_chat"] == "team"
    assert not list(settings_path().parent.glob(".*.tmp")), "no temporary file left behind"
    set_team_templates_dir(None)
    assert team_templates_dir() is None
    assert json.loads(settings_path().read_text(encoding="utf-8")) == {"theme": "dark"}


def test_the_environment_wins_over_the_settings_file(dirs, monkeypatch, tmp_path):
    _home, team = dirs
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.delenv("ARCHPLAN_TEAM_TEMPLATES")
    set_team_templates_dir(other)
    monkeypatch.setenv("ARCHPLAN_TEAM_TEMPLATES", str(team))
    assert team_templates_dir() == team


def test_setting_a_missing_team_folder_is_refused(dirs, tmp_path):
    with pytest.raises(TemplateError, match="does not exist"):
        set_team_templates_dir(tmp_path / "nowhere")
    assert not settings_path().exists()


def test_a_corrupt_settings_file_is_reported_not_overwritten(dirs, monkeypatch, tmp_path):
    monkeypatch.delenv("ARCHPLAN_TEAM_TEMPLATES")
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text("{oops", encoding="utf-8")
    infos, problems = list_templates()
    assert set(names_by_source(infos)) == BUILTIN_NAMES
    assert [p.path for p in problems] == [settings_path()]
    with pytest.raises(TemplateError, match="settings"):
        set_team_templates_dir(tmp_path)
    assert settings_path().read_text(encoding="utf-8") == "{oops"


def test_a_missing_team_folder_is_a_problem_not_an_error(dirs, monkeypatch, tmp_path):
    monkeypatch.setenv("ARCHPLAN_TEAM_TEMPLATES", str(tmp_path / "unmounted"))
    infos, problems = list_templates()
    assert set(names_by_source(infos)) == BUILTIN_NAMES
    assert len(problems) == 1 and "unmounted" in str(problems[0].path)


def test_broken_files_are_reported_and_skipped(dirs):
    folder = user_templates_dir()
    folder.mkdir(parents=True)
    good = load_template("url_shortener")
    save_user_template(good, "good one")
    (folder / "bad_json.json").write_text('{"schema_version": 2, "plan": {', encoding="utf-8")
    newer = json.loads(dumps(good))
    newer["schema_version"] = SCHEMA_VERSION + 1
    (folder / "from_the_future.json").write_text(json.dumps(newer), encoding="utf-8")
    invalid = json.loads(dumps(good))
    invalid["plan"]["traffic"]["peak_factor"] = -3
    (folder / "invalid_value.json").write_text(json.dumps(invalid), encoding="utf-8")

    infos, problems = list_templates()
    listed = names_by_source(infos)
    assert listed["good_one"] == "user" and set(listed) >= BUILTIN_NAMES
    assert not {"bad_json", "from_the_future", "invalid_value"} & set(listed)
    messages = {p.path.name: p.message for p in problems}
    assert set(messages) == {"bad_json.json", "from_the_future.json", "invalid_value.json"}
    assert "JSON" in messages["bad_json.json"]
    assert "newer" in messages["from_the_future.json"]
    assert "peak_factor" in messages["invalid_value.json"]
    with pytest.raises(TemplateError, match="cannot be read"):
        load_template("bad_json")


def test_load_by_name_source_and_path(dirs):
    builtin = load_plan(builtin_dir() / "url_shortener.json")
    assert load_template("url_shortener") == builtin
    assert load_template("built-in:url_shortener") == builtin
    assert load_template(str(builtin_dir() / "url_shortener.json")) == builtin
    first, second = load_template("url_shortener"), load_template("url_shortener")
    first.components.clear()
    assert second.components, "each load is a fresh plan"


def test_a_user_template_shadows_a_builtin_only_when_asked(dirs):
    mine = load_template("url_shortener")
    mine.description = "my own variant"
    with pytest.raises(TemplateError, match="built-in"):
        save_user_template(mine, "url_shortener")
    save_user_template(mine, "url_shortener", overwrite=True)
    info = next(i for i in list_templates()[0] if i.name == "url_shortener")
    assert (info.source, info.shadows) == ("user", ("built-in",))
    assert load_template("url_shortener").description == "my own variant"
    assert load_template("built-in:url_shortener").description != "my own variant"


def test_unknown_name_error_lists_the_available_names(dirs):
    with pytest.raises(TemplateError) as caught:
        load_template("no_such_template")
    message = str(caught.value)
    assert "no_such_template" in message and "three_tier" in message and "\n" not in message
    with pytest.raises(TemplateError, match="source"):
        load_template("elsewhere:three_tier")


def test_overwrite_protection_for_user_templates(dirs):
    first = load_template("pastebin")
    path = save_user_template(first, "Mine")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(TemplateError, match="already exists"):
        save_user_template(load_template("chat"), "mine")
    assert path.read_text(encoding="utf-8") == before
    save_user_template(load_template("chat"), "mine", overwrite=True)
    assert load_template("mine").components == load_template("chat").components


@pytest.mark.parametrize("name", ["", "   ", "!!!", "…"])
def test_unusable_names_are_refused(dirs, name):
    with pytest.raises(TemplateError, match="not a usable template name"):
        save_user_template(load_template("pastebin"), name)


def test_template_name_slugs():
    assert template_name(" My Shop v2! ") == "my_shop_v2"
    assert template_name("URL shortener (copy)") == "url_shortener_copy"


def test_template_summary_matches_compute(dirs):
    plan = load_template("url_shortener")
    result = compute(plan)
    summary = template_summary(plan)
    assert summary["peak_qps"] == pytest.approx(result.totals.entry_qps_peak)
    assert summary["monthly_cost"] == pytest.approx(result.totals.monthly_cost)
    assert summary["components"] == len(plan.components) and summary["error"] is None
    assert summary["warnings"] == len(result.warnings())


def test_template_summary_of_a_plan_that_cannot_compute(dirs):
    plan = load_template("three_tier")
    plan.links.append(Link(id="loop", source="db", target="lb"))
    summary = template_summary(plan)
    assert summary["error"] and "cycle" in summary["error"]
    assert summary["peak_qps"] is None and summary["components"] == len(plan.components)


def test_a_broken_user_copy_does_not_hide_the_builtin(dirs):
    folder = user_templates_dir()
    folder.mkdir(parents=True)
    (folder / "three_tier.json").write_text("not json", encoding="utf-8")
    infos, problems = list_templates()
    info = next(i for i in infos if i.name == "three_tier")
    assert (info.source, info.shadows) == ("built-in", ())
    assert [p.path.name for p in problems] == ["three_tier.json"]
    assert load_template("three_tier") == load_plan(builtin_dir() / "three_tier.json")


def test_rename_and_delete_user_templates_but_not_built_in_ones():
    from archplan.planner.library import (
        TemplateError,
        delete_template,
        find_template,
        rename_template,
        save_user_template,
    )
    from archplan.planner.model import Plan

    path = save_user_template(Plan(name="Draft"), "Draft")
    renamed = rename_template("draft", "Final design")
    assert renamed.name == "final_design.json" and not path.exists()
    assert find_template("final_design").title == "Final design"
    with pytest.raises(TemplateError, match="built-in"):
        rename_template("url_shortener", "Mine")
    with pytest.raises(TemplateError, match="built-in"):
        delete_template("built-in:three_tier")
    assert delete_template("final_design") == renamed and not renamed.exists()
    with pytest.raises(TemplateError, match="no template named"):
        delete_template("final_design")


def test_cli_renames_and_deletes_templates(capsys):
    from archplan.planner.cli import run_cli
    from archplan.planner.library import save_user_template, user_templates_dir
    from archplan.planner.model import Plan

    save_user_template(Plan(name="Draft"), "Draft")
    assert run_cli(["templates", "rename", "draft", "Kept"]) == 0
    assert (user_templates_dir() / "kept.json").is_file()
    assert run_cli(["templates", "delete", "kept"]) == 0
    assert not (user_templates_dir() / "kept.json").exists()
    assert run_cli(["templates", "delete", "url_shortener"]) == 2
    assert "built-in" in capsys.readouterr().err
