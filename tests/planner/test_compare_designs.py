"""Comparing two designs (planner/compare.py) and the import / diff / compare commands."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from plans import PlanBuilder

from archplan import main
from archplan.exports import export
from archplan.planner.compare import COMPONENT_FIGURES, PLAN_FIGURES, compare, match_components
from archplan.planner.engine import compute
from archplan.planner.io import load_plan, save_plan
from archplan.planner.library import builtin_dir

TEMPLATES = builtin_dir()
DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def run(capsys, *argv):
    code = main.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def marketplace():
    a, b = load_plan(TEMPLATES / "mvp_monolith.json"), load_plan(TEMPLATES / "microservices.json")
    ra, rb = compute(a), compute(b)
    return a, ra, b, rb, compare(a, ra, b, rb)


def test_totals_are_the_difference_of_the_two_results(marketplace):
    _a, ra, _b, rb, cmp = marketplace
    expected = {
        "peak_qps": (ra.totals.entry_qps_peak, rb.totals.entry_qps_peak),
        "instances": (ra.totals.instances, rb.totals.instances),
        "storage": (ra.totals.storage_replicated, rb.totals.storage_replicated),
        "availability": (ra.totals.availability, rb.totals.availability),
        "cost": (ra.totals.monthly_cost, rb.totals.monthly_cost),
        "breaking_point": (ra.breaking_point.multiplier_at_target, rb.breaking_point.multiplier_at_target),
        "breaking_dau": (ra.breaking_point.dau_at_target, rb.breaking_point.dau_at_target),
        "latency": (max(max(c.read_latency, c.write_latency) for c in ra.clients.values()),
                    max(max(c.read_latency, c.write_latency) for c in rb.clients.values())),
    }
    for key, (a_value, b_value) in expected.items():
        delta = cmp.total(key)
        assert (delta.a, delta.b) == (pytest.approx(a_value), pytest.approx(b_value)), key
        assert delta.delta == pytest.approx(b_value - a_value), key
    assert cmp.total("instances").delta > 0 and cmp.total("cost").delta > 0  # splitting costs servers and money


def test_components_added_removed_and_kept(marketplace):
    a, _ra, b, _rb, cmp = marketplace
    in_both = {c.id for c in a.components} & {c.id for c in b.components}
    kept = {m.a for m in cmp.matched}
    assert in_both <= kept
    assert {s.id for s in cmp.removed} == {c.id for c in a.components} - kept
    assert {s.id for s in cmp.added} == {c.id for c in b.components} - {m.b for m in cmp.matched}
    names_removed = {s.name for s in cmp.removed}
    assert "Monolith" in names_removed and "API gateway" in {s.name for s in cmp.added}


def test_component_figures_are_read_from_the_results(marketplace):
    _a, ra, _b, rb, cmp = marketplace
    for m in cmp.matched:
        for delta in m.figures:
            if delta.key == "instances":
                assert (delta.a, delta.b) == (ra.components[m.a].count, rb.components[m.b].count)
            if delta.key == "cost":
                assert delta.delta == pytest.approx(rb.components[m.b].monthly_cost - ra.components[m.a].monthly_cost)


def test_matching_by_id_then_by_name_and_kind():
    a = PlanBuilder().add("web", "client.web").add("api", "service.go", name="Orders API") \
        .add("db", "db.postgres", name="Orders DB").link("web", "api").link("api", "db").plan
    b = PlanBuilder().add("web", "client.web").add("svc-1", "service.go", name="orders api") \
        .add("db", "db.postgres", name="Orders DB", instances=3).add("cache", "cache.redis") \
        .link("web", "svc-1").link("svc-1", "db").plan
    pairs = {(x.id, y.id, how) for x, y, how in match_components(a, b)}
    assert pairs == {("web", "web", "id"), ("api", "svc-1", "name and kind"), ("db", "db", "id")}
    cmp = compare(a, compute(a), b, compute(b))
    assert [s.id for s in cmp.added] == ["cache"] and cmp.removed == ()
    assert {(m.a, m.changed) for m in cmp.changed} == {("api", ("name",)), ("db", ("instances",))}


def test_identical_plans_have_zero_deltas():
    plan = load_plan(TEMPLATES / "three_tier.json")
    result = compute(plan)
    cmp = compare(plan, result, plan, result)
    assert not cmp.added and not cmp.removed and not cmp.changed
    assert all(d.delta in (0, None) for d in cmp.totals)


def test_p99_latency_is_compared_and_figures_are_one_entry_each():
    a, b = load_plan(TEMPLATES / "mvp_monolith.json"), load_plan(TEMPLATES / "microservices.json")
    ra, rb = compute(a), compute(b)
    p99 = {d.key: d for d in compare(a, ra, b, rb).totals}["latency_p99"]
    assert p99.a == max(max(c.read_p99, c.write_p99) for c in ra.clients.values())
    assert p99.delta == pytest.approx(p99.b - p99.a)
    assert {m.key for m in PLAN_FIGURES} >= {"peak_qps", "instances", "storage", "latency", "availability", "cost",
                                              "breaking_point"}
    assert {m.key for m in COMPONENT_FIGURES} >= {"peak_qps", "instances", "storage", "latency", "cost"}


# ------------------------------------------------------------------------------------------ CLI: compare

def test_compare_cli_text_and_json(capsys, marketplace):
    _a, ra, _b, rb, _cmp = marketplace
    code, out, err = run(capsys, "compare", TEMPLATES / "mvp_monolith.json", TEMPLATES / "microservices.json")
    assert code == 0 and err == ""
    assert "cost per month" in out and "B - A" in out and "only in B" in out
    code, out, _ = run(capsys, "compare", TEMPLATES / "mvp_monolith.json", TEMPLATES / "microservices.json", "--json")
    data = json.loads(out)
    totals = {d["key"]: d for d in data["totals"]}
    assert totals["cost"]["delta"] == pytest.approx(rb.totals.monthly_cost - ra.totals.monthly_cost)
    assert totals["instances"]["delta"] == rb.totals.instances - ra.totals.instances
    assert {"added", "removed", "changed", "unchanged"} <= set(data)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=repo, check=True,
                   capture_output=True)


def test_compare_with_a_previous_version_in_git(tmp_path, capsys, monkeypatch):
    if shutil.which("git") is None:
        pytest.fail("git is needed (installed by scripts/setup.sh)")
    git(tmp_path, "init", "-q")
    plan_path = tmp_path / "plans" / "shop.json"
    plan_path.parent.mkdir()
    shutil.copy(TEMPLATES / "three_tier.json", plan_path)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "first")
    plan = load_plan(plan_path)
    plan.component("app").instances = 6
    save_plan(plan, plan_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "compare", "git:HEAD:plans/shop.json", "plans/shop.json", "--json")
    assert code == 0
    data = json.loads(out)
    assert [c["a"] for c in data["changed"]] == ["app"]
    instances = {d["key"]: d for d in data["totals"]}["instances"]
    assert instances["delta"] == compute(plan).totals.instances - compute(load_plan(TEMPLATES / "three_tier.json")
                                                                            ).totals.instances
    code, _out, err = run(capsys, "compare", "git:HEAD:plans/missing.json", "plans/shop.json")
    assert code == 2 and err.startswith("archplan: error: git:HEAD:plans/missing.json")
    code, _out, err = run(capsys, "compare", "git:nonsense", "plans/shop.json")
    assert code == 2 and "git:REV:path" in err


def test_compare_bad_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, _out, err = run(capsys, "compare", bad, TEMPLATES / "three_tier.json")
    assert code == 2 and err.count("\n") == 1


# ------------------------------------------------------------------------------------------ CLI: import

def test_import_writes_a_plan_that_loads_and_computes(tmp_path, capsys):
    out = tmp_path / "shop.json"
    code, text, err = run(capsys, "import", DATA / "compose", "-o", out)
    assert code == 0 and err == ""
    assert "mapped by" in text and f"wrote {out}" in text and "unknown, imported as generic" in text
    plan = load_plan(out)
    assert len(plan.components) >= 9
    assert compute(plan).totals.entry_qps_peak > 0


def test_import_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "shop.json"
    out.write_text("mine", encoding="utf-8")
    code, _text, err = run(capsys, "import", DATA / "compose", "-o", out)
    assert code == 2 and "already exists" in err and out.read_text(encoding="utf-8") == "mine"
    code, _text, _err = run(capsys, "import", DATA / "compose", "-o", out, "--force")
    assert code == 0 and load_plan(out).components


def test_import_without_output_writes_nothing_and_json_summary(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "import", DATA / "terraform", "--json")
    data = json.loads(out)
    assert code == 0 and data["format"] == "terraform" and data["written"] is None
    assert any(row["kind"] == "queue.sqs" for row in data["components"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [
    ["import", "/no/such/path"],
    ["import", str(DATA / "compose"), "--from", "yaml"],
    ["import", str(DATA / "compose" / "compose.yaml"), "--from", "terraform"],
    ["import", str(DATA)],
])
def test_import_bad_input_exits_2(capsys, argv):
    code, _out, err = run(capsys, *argv)
    assert code == 2 and err.startswith("archplan: error: ") and err.count("\n") == 1


# ------------------------------------------------------------------------------------------ CLI: diff

@pytest.fixture
def shop_code(tmp_path):
    """A plan and the Terraform written from it."""
    plan = load_plan(TEMPLATES / "three_tier.json")
    plan_path = tmp_path / "plan.json"
    save_plan(plan, plan_path)
    code_dir = tmp_path / "infra"
    code_dir.mkdir()
    export(plan, compute(plan), "terraform", code_dir / "main.tf")
    return plan_path, code_dir


def test_diff_in_step(capsys, shop_code):
    plan_path, code_dir = shop_code
    code, out, err = run(capsys, "diff", plan_path, code_dir, "--from", "terraform")
    assert code == 0 and err == "" and "In step." in out
    assert "Not expected in terraform code" in out and "Web client" in out  # clients have no resource


def test_diff_finds_drift_both_ways(capsys, shop_code):
    plan_path, code_dir = shop_code
    main_tf = code_dir / "main.tf"
    text = main_tf.read_text(encoding="utf-8")
    text = text.replace('default     = 2\n  description = "Instances of App service', 'default     = 5\n  description '
                        '= "Instances of App service')
    text += '\nresource "aws_sqs_queue" "audit" {\n  name = "audit-log"\n}\n'
    main_tf.write_text(text, encoding="utf-8")
    plan = load_plan(plan_path)
    plan.components.append(plan.components[-1].model_copy(update={"id": "search", "kind": "search.elasticsearch",
                                                                  "name": "Search"}))
    save_plan(plan, plan_path)
    code, out, _ = run(capsys, "diff", plan_path, code_dir, "--json")
    data = json.loads(out)
    assert code == 1 and not data["in_step"]
    assert [c["name"] for c in data["only_in_code"]] == ["audit"]
    assert [c["name"] for c in data["only_in_plan"]] == ["Search"]
    assert [d["name"] for d in data["different"]] == ["App service"]
    assert "5 in the code" in data["different"][0]["changes"][0]
    code, out, _ = run(capsys, "diff", plan_path, code_dir)
    assert code == 1 and "In the code, not in the plan: 1" in out and "Drift found" in out


def test_diff_of_compose_against_the_plan_it_came_from(tmp_path, capsys):
    out = tmp_path / "shop.json"
    assert run(capsys, "import", DATA / "compose", "-o", out)[0] == 0
    code, text, _ = run(capsys, "diff", out, DATA / "compose")
    assert code == 0 and "In step." in text


def test_diff_bad_input_exits_2(tmp_path, capsys, shop_code):
    plan_path, _code_dir = shop_code
    code, _out, err = run(capsys, "diff", plan_path, tmp_path / "nothing-here")
    assert code == 2 and err.count("\n") == 1


def test_saturated_figures_compare_without_nan():
    a = PlanBuilder().add("web", "client.web").add("api", "service.go", instances=1).link("web", "api").plan
    a.traffic.dau = 1e9
    ra = compute(a)
    assert math.isinf(ra.components["api"].latency)
    cmp = compare(a, ra, a, ra)
    json.dumps(cmp.as_dict(), allow_nan=False)
