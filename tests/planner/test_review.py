"""
The design review's framework: findings on the result, the naive design a senior reviewer would flag and
`apply_all` turning it into one the reviewer passes, ignoring with a reason saved in the plan, folding, the
edit operations, and the ``review`` command.
"""

from __future__ import annotations

import json

import pytest
from review_plans import naive_plan, set_component, template

from archplan.planner import edit
from archplan.planner.cli import run_cli
from archplan.planner.engine import compute
from archplan.planner.io import SCHEMA_VERSION, dumps, load_plan, loads, save_plan
from archplan.planner.model import Plan
from archplan.planner.review import (
    RULES,
    FixError,
    Op,
    apply_all,
    fix_for,
    ignored_with,
    ignored_without,
    passes,
    preview,
)
from archplan.planner.review.operations import CARD_H, CARD_W, FixBuilder, apply_operations

SENIOR = {("REL-SPOF-LB", "lb"), ("REL-SPOF-PRIMARY", "db"), ("REL-SPOF-OTHER", "app"), ("CAP-OVER", "app"),
          ("DATA-MEDIA-IN-DB", "db"), ("NET-EGRESS-CDN", "lb"), ("OPS-HEALTH-MISSING", None)}


def test_the_naive_design_gets_what_a_senior_reviewer_would_say():
    result = compute(naive_plan())
    found = {(f.rule, f.component) for f in result.findings}
    assert found >= SENIOR
    assert not passes(result)
    media = next(f for f in result.findings if f.rule == "DATA-MEDIA-IN-DB")
    assert any(also.startswith("DATA-WRITE-SCALE") or also.startswith("CAP-OVER") for also in media.see_also)
    for f in result.findings:
        assert f.rule in RULES and f.message and f.source == RULES[f.rule].source


def test_apply_all_turns_the_naive_design_into_one_the_reviewer_passes():
    plan = naive_plan()
    before = compute(plan)
    fixed, fixes = apply_all(plan)
    after = compute(fixed)
    assert passes(after), [(f.rule, f.severity, f.message) for f in after.findings if f.severity != "info"]
    applied = {fix.rule for fix in fixes}
    assert {"REL-SPOF-LB", "REL-SPOF-PRIMARY", "DATA-MEDIA-IN-DB", "NET-EGRESS-CDN", "OPS-HEALTH-MISSING"} <= applied
    assert "DATA-READ-REPLICA" in applied or "DATA-READ-CACHE" in applied
    kinds = {c.kind for c in fixed.components}
    assert {"storage.s3", "cdn.cloudfront", "obs.healthcheck"} <= kinds
    assert after.totals.availability > before.totals.availability
    assert Plan.model_validate(fixed.model_dump()) == fixed
    assert loads(dumps(fixed)) == fixed
    assert plan == naive_plan()  # the original is never changed


def test_apply_all_of_one_rule_only():
    fixed, fixes = apply_all(naive_plan(), {"REL-SPOF-LB"})
    assert [f.rule for f in fixes] == ["REL-SPOF-LB"]
    assert {f.rule for f in compute(fixed).findings} >= {"REL-SPOF-PRIMARY", "DATA-MEDIA-IN-DB"}


def test_compute_still_carries_the_engine_findings_under_their_codes():
    plan = set_component(template("three_tier"), "lb", instances=1, redundancy="none")
    spof = next(f for f in compute(plan).findings if f.component == "lb")
    assert (spof.code, spof.rule, spof.severity) == ("spof", "REL-SPOF-LB", "warning")
    assert spof.as_dict()["rule"] == "REL-SPOF-LB" and spof.as_dict()["figures"]


def test_findings_are_sorted_most_severe_first():
    ranks = [("error", "warning", "info").index(f.severity) for f in compute(naive_plan()).findings]
    assert ranks == sorted(ranks)


# ------------------------------------------------------------------------------------------ ignoring

def test_ignoring_with_a_reason_keeps_the_finding_quiet_and_is_saved(tmp_path):
    plan = set_component(template("three_tier"), "lb", instances=1, redundancy="none")
    finding = next(f for f in compute(plan).findings if f.rule == "REL-SPOF-LB")
    edit.update_settings(plan, ignored_findings=ignored_with(plan, finding, "  a staging plan:   one LB is fine "))
    assert plan.settings.ignored_findings[0].reason == "a staging plan: one LB is fine"
    result = compute(plan)
    assert "REL-SPOF-LB" not in {f.rule for f in result.findings}
    assert [f.rule for f in result.ignored] == ["REL-SPOF-LB"]
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    assert load_plan(path).settings.ignored_findings == plan.settings.ignored_findings
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION and "ignored_findings" in path.read_text()
    edit.update_settings(plan, ignored_findings=ignored_without(plan, "REL-SPOF-LB", "lb"))
    assert "REL-SPOF-LB" in {f.rule for f in compute(plan).findings}


def test_ignoring_needs_a_reason():
    plan = naive_plan()
    finding = compute(plan).findings[0]
    with pytest.raises(ValueError, match="reason"):
        ignored_with(plan, finding, "   ")
    with pytest.raises(ValueError):
        edit.update_settings(plan, ignored_findings=[{"rule": "X", "component": None, "reason": ""}])


def test_a_plan_without_ignored_findings_is_written_as_before():
    text = dumps(template("three_tier"))
    assert "ignored_findings" not in text
    assert loads(text).settings.ignored_findings == []


# ------------------------------------------------------------------------------------------ operations

def test_fixes_are_deterministic_data():
    plan = naive_plan()
    result = compute(plan)
    for finding in result.findings:
        fix = fix_for(plan, finding, result)
        if fix is None:
            continue
        assert fix == fix_for(plan, finding, result)
        json.dumps(fix.as_dict())
        assert all(op.describe() for op in fix.operations)


def test_insert_between_moves_only_the_classes_asked():
    plan = naive_plan()
    b = FixBuilder(plan).op("insert_between", link="web-to-lb", component="cdn", kind="cdn.cloudfront", name="CDN",
                            classes=["media_read"], out_link="cdn-to-lb", new_link="web-to-cdn")
    fixed = apply_operations(plan, b.ops)
    links = {lk.id: (lk.source, lk.target, lk.classes) for lk in fixed.links}
    assert links["web-to-lb"] == ("web", "lb", ["read", "write", "media_write"])
    assert links["web-to-cdn"] == ("web", "cdn", ["media_read"])
    assert links["cdn-to-lb"] == ("cdn", "lb", ["media_read"])
    r0, r1 = compute(plan), compute(fixed)
    assert r1["lb"].reads_peak < r0["lb"].reads_peak
    assert r1["lb"].writes_peak == pytest.approx(r0["lb"].writes_peak)


def test_swap_kind_keeps_links_and_drops_what_no_longer_applies():
    plan = set_component(naive_plan(), "db", params={"fill_ratio": 0.8}, capacity={"storage": 2e12})
    fixed = apply_operations(plan, [Op.make("swap_kind", component="db", kind="wide.cassandra")])
    db = fixed.component("db")
    assert db.kind == "wide.cassandra" and db.params == {"fill_ratio": 0.8} and db.capacity == {}
    assert [lk.id for lk in fixed.links] == [lk.id for lk in plan.links]


def test_a_fix_that_no_longer_applies_is_refused_and_changes_nothing():
    plan = naive_plan()
    before = plan.model_copy(deep=True)
    with pytest.raises(FixError, match="cannot"):
        apply_operations(plan, [Op.make("set_instances", component="nope", instances=2)])
    with pytest.raises(FixError):
        apply_operations(plan, [Op.make("set_param", component="db", param="hit_ratio", value=0.5)])
    assert plan == before
    with pytest.raises(ValueError, match="unknown operation"):
        Op.make("explode", component="db")


def test_new_components_land_next_to_what_they_serve_without_overlap():
    fixed, _ = apply_all(template("payment_flow"))
    cards = [(c.position.x, c.position.y) for c in fixed.components]
    for i, (x, y) in enumerate(cards):
        for ox, oy in cards[i + 1:]:
            assert abs(x - ox) >= CARD_W or abs(y - oy) >= CARD_H


def test_preview_lists_before_and_after_of_the_named_figures():
    plan = naive_plan()
    finding = next(f for f in compute(plan).findings if f.rule == "REL-SPOF-PRIMARY")
    p = preview(plan, finding)
    labels = [row.label for row in p.rows]
    assert labels[0] == "Database availability" and "plan monthly cost" in labels
    assert p.rows[0].after > p.rows[0].before and p.rows[0].improved
    assert "->" in p.rows[0].text()


# ------------------------------------------------------------------------------------------ CLI

@pytest.fixture
def naive_file(tmp_path):
    path = tmp_path / "naive.json"
    save_plan(naive_plan(), path)
    return path


def run(argv):
    import io

    out, err = io.StringIO(), io.StringIO()
    code = run_cli(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_review_lists_findings_by_severity(naive_file):
    code, out, err = run(["review", str(naive_file)])
    assert code == 0 and err == ""
    assert out.startswith("Review of Test plan: does not pass")
    assert out.index("CRITICAL") < out.index("WARNING") < out.index("INFO")
    assert "REL-SPOF-LB  Load balancer" in out and "[--apply REL-SPOF-LB]" in out and "Source: AWS" in out


def test_cli_review_json(naive_file):
    code, out, _ = run(["review", str(naive_file), "--json"])
    data = json.loads(out)
    assert code == 0 and data["passes"] is False and data["counts"]["critical"] >= 1
    spof = next(f for f in data["findings"] if f["rule"] == "REL-SPOF-LB")
    assert spof["severity_label"] == "warning" and spof["fix"]["operations"][0]["op"] == "set_instances"


def test_cli_apply_all_writes_a_plan_the_reviewer_passes(naive_file, tmp_path):
    out_path = tmp_path / "fixed.json"
    code, out, _ = run(["review", str(naive_file), "--apply", "all", "-o", str(out_path)])
    assert code == 0 and "Applied" in out and f"wrote {out_path}" in out
    assert passes(compute(load_plan(out_path)))
    code, out, _ = run(["review", str(out_path), "--json"])
    assert json.loads(out)["passes"] is True


def test_cli_apply_one_rule(naive_file, tmp_path):
    out_path = tmp_path / "fixed.json"
    code, out, _ = run(["review", str(naive_file), "--apply", "rel-spof-lb", "-o", str(out_path)])
    assert code == 0 and "REL-SPOF-LB:" in out
    assert load_plan(out_path).component("lb").instances == 2


@pytest.mark.parametrize("extra", [["--apply", "all"], ["-o", "x.json"], ["--apply", "NOPE-RULE", "-o", "x.json"]])
def test_cli_review_bad_arguments_exit_2(naive_file, extra, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(["review", str(naive_file), *extra])
    assert code == 2 and err.startswith("archplan: error: ") and err.count("\n") == 1
    assert not (tmp_path / "x.json").exists()


def test_cli_review_keeps_an_existing_output(naive_file, tmp_path):
    out_path = tmp_path / "fixed.json"
    out_path.write_text("keep me")
    code, _, err = run(["review", str(naive_file), "--apply", "all", "-o", str(out_path)])
    assert code == 2 and "already exists" in err and out_path.read_text() == "keep me"
    assert run(["review", str(naive_file), "--apply", "all", "-o", str(out_path), "--force"])[0] == 0


def test_cli_review_bad_file_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run(["review", str(bad)])
    assert code == 2 and "not valid JSON" in err


def test_consecutive_links_are_added_together_and_a_bad_one_is_named():
    """add_link runs go through edit.add_links (one id set): same links, same refusals, the failing one named."""
    plan = naive_plan()
    ends = [c.id for c in plan.components][:3]
    ops = [Op.make("add_link", link=f"x{i}", source=ends[0], target=t, kind="health") for i, t in enumerate(ends[1:])]
    fixed = apply_operations(plan, ops)
    assert [lk.id for lk in fixed.links] == [lk.id for lk in plan.links] + ["x0", "x1"]
    assert len(plan.links) == len(fixed.links) - 2   # the original is untouched
    bad = [*ops, Op.make("add_link", link="x2", source=ends[0], target="nope")]
    with pytest.raises(FixError, match="nope"):
        apply_operations(plan, bad)
    clash = [*ops, Op.make("add_link", link="x0", source=ends[0], target=ends[1])]
    with pytest.raises(FixError, match="already used"):
        apply_operations(plan, clash)


def test_many_links_cost_linear_time():
    """A health-check fix on a large plan adds a link per component: adding 8x the links takes far less than
    64x the time (it was quadratic: one id set per link; 10,000 components took minutes in the PDF)."""
    import time

    def seconds(n: int) -> float:
        plan = naive_plan()
        src = plan.components[0].id
        for i in range(n):
            edit.add_component(plan, plan.components[1].model_copy(update={"id": f"c{i}"}))
        ops = [Op.make("add_link", link=f"w{i}", source=src, target=f"c{i}", kind="health") for i in range(n)]
        start = time.perf_counter()
        fixed = apply_operations(plan, ops)
        took = time.perf_counter() - start
        assert len(fixed.links) == len(plan.links) + n
        return took

    small, large = min(seconds(500) for _ in range(2)), min(seconds(4000) for _ in range(2))
    assert large < 20 * small, (small, large)
