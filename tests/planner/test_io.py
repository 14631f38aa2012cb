"""Plan files: round trips, migrations, refusals with precise messages, atomic saves."""

import json
import os

import pytest
from plans import PlanBuilder

from archplan.planner import io
from archplan.planner.io import PlanFileError, UnsupportedVersionError, load_plan, save_plan
from archplan.planner.model import Position

DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def sample():
    return (PlanBuilder().add("web", "client.web").add("svc", "service.go", instances=3, notes="é 中文 \"q\"")
            .add("db", "db.postgres", capacity={"read_qps": 5000}, params={"fill_ratio": 0.5})
            .group("tier", ["svc"], kind="tier").link("web", "svc").link("svc", "db", share=0.5, classes=["write"])
            .plan)


def test_save_load_round_trip_is_exact(tmp_path):
    plan = sample()
    path = tmp_path / "p.json"
    save_plan(plan, path)
    assert load_plan(path) == plan
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["schema_version"] == io.SCHEMA_VERSION and raw["app"] == "archplan"
    assert "中文" in path.read_text(encoding="utf-8")  # readable, not \u-escaped


def test_saving_twice_gives_identical_bytes(tmp_path):
    plan = sample()
    save_plan(plan, tmp_path / "a.json")
    save_plan(load_plan(tmp_path / "a.json"), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_version_1_migrates():
    plan = load_plan(os.path.join(DATA, "plan_v1.json"))
    assert plan.name == "Version 1 plan"
    assert plan.traffic.reads_per_user == 20
    assert [lk.share for lk in plan.links] == [None, 0.25, 0.75]


def test_version_3_migrates_without_notes_or_bends():
    plan = load_plan(os.path.join(DATA, "plan_v3.json"))
    assert plan.name == "Version 3 plan" and plan.notes == ""
    assert [lk.waypoints for lk in plan.links] == [[], []] and {lk.route for lk in plan.links} == {"straight"}
    assert plan.link("l2").label == "SQL"


def test_version_2_migrates_without_notes_or_bends():
    plan = load_plan(os.path.join(DATA, "plan_v2.json"))
    assert plan.name == "Version 2 plan" and plan.notes == ""
    assert [lk.waypoints for lk in plan.links] == [[], []]
    assert {lk.route for lk in plan.links} == {"straight"}
    assert plan.link("l2").label == "SQL" and plan.traffic.writes_per_user == 3


def test_notes_bends_and_routes_round_trip(tmp_path):
    plan = sample()
    plan.notes = "# Decisions\n\n- **cache** in front of the database"
    plan.links[0] = plan.links[0].model_copy(update={"waypoints": [Position(x=10, y=20)], "route": "orthogonal"})
    plan = plan.model_validate(plan.model_dump())
    save_plan(plan, tmp_path / "p.json")
    again = load_plan(tmp_path / "p.json")
    assert again == plan and again.links[0].waypoints[0].y == 20 and again.links[0].route == "orthogonal"
    raw = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert raw["plan"]["notes"].startswith("# Decisions") and "waypoints" in raw["plan"]["links"][0]
    assert "waypoints" not in raw["plan"]["links"][1] and "route" not in raw["plan"]["links"][1]  # unused: not written


def test_a_plan_without_notes_or_bends_is_written_as_compactly_as_before():
    raw = io.plan_to_dict(sample())
    assert "notes" not in raw["plan"]
    assert all("waypoints" not in lk and "route" not in lk for lk in raw["plan"]["links"])


def test_newer_version_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"schema_version": io.SCHEMA_VERSION + 1, "app": "archplan", "plan": {}}))
    with pytest.raises(UnsupportedVersionError, match="newer Archplan"):
        load_plan(path)


@pytest.mark.parametrize("mutate, expected", [
    (lambda raw: raw["plan"]["links"].append({"id": "x", "source": "svc", "target": "ghost"}),
     "link 'x' target 'ghost' is not a component or group"),
    (lambda raw: raw["plan"]["components"].append(dict(raw["plan"]["components"][0])), "duplicate id 'web'"),
    (lambda raw: raw["plan"]["traffic"].update(response_size=-5), "plan.traffic.response_size"),
    (lambda raw: raw["plan"]["components"][1].update(kind="cache.nope"), "'cache.nope' is not a known component kind"),
    (lambda raw: raw["plan"]["components"][1]["capacity"].update(read_qps=-1), "read_qps=-1"),
    (lambda raw: raw["plan"]["components"][1].update(instances=0), "instances 0"),
    (lambda raw: raw["plan"]["components"][2]["params"].update(hit_ratio=0.5), "'hit_ratio' does not apply"),
    (lambda raw: raw["plan"]["links"][0].update(share=1.5), "plan.links[0].share"),
    (lambda raw: raw["plan"].update(extra_field=1), "extra_field"),
    (lambda raw: raw.update(schema_version="2"), "schema_version is missing or not an integer"),
    (lambda raw: raw.update(app="drawio"), "not an Archplan file"),
])
def test_inconsistent_files_are_refused_naming_field_and_problem(tmp_path, mutate, expected):
    raw = io.plan_to_dict(sample())
    mutate(raw)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(PlanFileError) as info:
        load_plan(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("content, expected", [
    ("{not json", r"not valid JSON \(line 1"),
    ('{"schema_version": 2, "app": "archplan", "plan": {"traffic": {"dau": NaN}}}', "NaN is not a number"),
    ("[1, 2]", "expected a JSON object"),
    ("", "not valid JSON"),
])
def test_malformed_files_are_refused(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(PlanFileError, match=expected):
        load_plan(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(PlanFileError, match="no such file"):
        load_plan(tmp_path / "nope.json")
    with pytest.raises(PlanFileError, match="is a folder"):
        load_plan(tmp_path)


def test_human_units_in_files_are_read(tmp_path):
    raw = io.plan_to_dict(sample())
    raw["plan"]["traffic"].update(dau="10M", response_size="1.5 KB", retention="2y", media_size="2 GiB")
    plan = io.plan_from_dict(raw)
    assert plan.traffic.dau == 10_000_000
    assert plan.traffic.response_size == 1_500
    assert plan.traffic.retention == 2 * 365 * 86_400
    assert plan.traffic.media_size == 2 * 2**30


def test_atomic_save_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    save_plan(sample(), path)
    before = path.read_bytes()

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    plan = sample()
    plan.name = "Changed"
    with pytest.raises(OSError):
        save_plan(plan, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]  # no temporary file left behind


def test_saved_files_get_normal_permissions(tmp_path):
    import stat

    path = tmp_path / "p.json"
    save_plan(sample(), path)
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o666 & ~_current_umask()
    os.chmod(path, 0o640)
    save_plan(sample(), path)  # an existing file keeps its mode
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def _current_umask():
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_group_parent_cycles_are_refused():
    raw = io.plan_to_dict(sample())
    raw["plan"]["groups"] = [{"id": "a", "name": "A", "parent": "b"}, {"id": "b", "name": "B", "parent": "a"}]
    with pytest.raises(PlanFileError, match="nested inside itself"):
        io.plan_from_dict(raw)
    from archplan.planner import edit
    from archplan.planner.model import Group

    plan = sample()
    edit.add_group(plan, Group(id="a", name="A"))
    edit.add_group(plan, Group(id="b", name="B", parent="a"))
    with pytest.raises(edit.EditError, match="inside itself"):
        edit.update_group(plan, "a", parent="b")


@pytest.mark.parametrize("field, value", [
    ("peak_factor", 0.5), ("replication_factor", 0.5), ("target_utilisation", 0), ("target_utilisation", 1.5),
    ("yearly_growth", -0.1), ("reads_per_user", float("nan")), ("dau", float("inf")),
])
def test_traffic_bounds_are_enforced(field, value):
    from pydantic import ValidationError

    from archplan.planner.model import TrafficProfile

    with pytest.raises(ValidationError):
        TrafficProfile(**{field: value})


def test_plan_name_edits_are_validated_before_they_apply():
    from archplan.planner import edit

    plan = sample()
    with pytest.raises(edit.EditError, match="at least 1 character"):
        edit.update_plan(plan, name="")
    assert plan.name == "Test plan"
    assert edit.update_plan(plan, name="Shop", description="d") == {"name": "Test plan", "description": ""}
    assert (plan.name, plan.description) == ("Shop", "d")
    with pytest.raises(edit.EditError, match="only description, name"):
        edit.update_plan(plan, traffic={})


def test_a_version_3_file_with_every_main_field_resaves_as_version_4_unchanged(tmp_path):
    """Version 3 as main wrote it (budgets, accepted review findings, traffic ranges) reads, and saves as
    version 4 with the same plan: _v3_to_v4 only renumbers."""
    with open(os.path.join(DATA, "plan_v3.json"), encoding="utf-8") as file:
        raw = json.load(file)
    raw["plan"]["settings"] = {
        "budgets": {"max_monthly_cost": 5000.0, "min_availability": 0.999, "max_read_p99": 0.25},
        "ignored_findings": [{"rule": "REL-SPOF-LB", "component": "api", "reason": "one zone on purpose"}]}
    raw["plan"]["ranges"] = {"dau": [400000.0, 600000.0]}
    source = tmp_path / "v3.json"
    source.write_text(json.dumps(raw), encoding="utf-8")
    plan = load_plan(source)
    assert plan.settings.budgets.max_monthly_cost == 5000 and plan.ranges == {"dau": (400000.0, 600000.0)}
    assert plan.settings.ignored_findings[0].reason == "one zone on purpose"
    save_plan(plan, tmp_path / "v4.json")
    saved = json.loads((tmp_path / "v4.json").read_text(encoding="utf-8"))
    assert io.SCHEMA_VERSION == 4 and saved["schema_version"] == 4
    assert load_plan(tmp_path / "v4.json") == plan
    expected = io.plan_from_dict(raw).model_dump(mode="json")
    assert io.plan_from_dict(saved).model_dump(mode="json") == expected
    assert saved["plan"]["settings"]["ignored_findings"] == raw["plan"]["settings"]["ignored_findings"]
    assert saved["plan"]["settings"]["budgets"]["max_monthly_cost"] == 5000
    assert saved["plan"]["ranges"] == {"dau": [400000.0, 600000.0]}
    assert "notes" not in saved["plan"] and all("waypoints" not in link for link in saved["plan"]["links"])
