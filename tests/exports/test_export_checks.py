"""The IaC exports pass their own tools, for every built-in template, the every-kind plan and the plan of
hostile names: checkov (the IaC static analyser, installed by scripts/setup.sh in .venv-checkov because it
pins networkx 2.x) on Terraform and Kubernetes with no failed check and a reason on every skip, and
`terraform fmt` canonical Terraform (tests/exports/hcl_format.py, an offline formatter check).

checkov has no docker-compose policies; the compose file's secure defaults are asserted here directly."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import hcl2
import pytest
import yaml
from hcl_format import fmt_problems
from iac_pdf_plans import NASTY, builtin_templates, computed, full_plan

from archplan.exports import export
from archplan.planner.io import load_plan

ROOT = Path(__file__).resolve().parents[2]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
HOSTILE = [*NASTY, "a\u202eevil\u2066x\u2069", "zero\u200bwidth\u200d", "c1\x85\x9bctl"]


def _plans():
    for template in builtin_templates():
        yield template.stem, load_plan(template)
    yield "everything", full_plan()
    yield "hostile", full_plan(HOSTILE)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """Every plan's Terraform (a folder each: one module per plan), Kubernetes and compose files."""
    root = tmp_path_factory.mktemp("exports")
    folders = {}
    for name, plan in _plans():
        plan, result = computed(plan)
        folder = root / name
        folder.mkdir()
        tf = export(plan, result, "terraform", folder / "main.tf")
        _cap_counts(tf)
        export(plan, result, "kubernetes", folder / "kubernetes.yaml")
        export(plan, result, "compose", folder / "docker-compose.yaml")
        folders[name] = folder
    return folders


def _cap_counts(main_tf: Path, cap: int = 3) -> None:
    """A terraform.tfvars.json beside main.tf capping the count variables at 3: checkov expands `count`
    into one resource per index (twitter_timeline has 3,154 shards: 90 s), and every index has the same
    body, so three of each check exactly what thousands would."""
    doc = hcl2.loads(main_tf.read_text(encoding="utf-8"))
    caps = {}
    for block in doc.get("variable", []):
        for quoted, body in block.items():
            name, default = quoted.strip('"'), body.get("default")
            if name.endswith(("_count", "_shards")) and type(default) is int and default > cap:
                caps[name] = cap
    (main_tf.parent / "terraform.tfvars.json").write_text(json.dumps(caps), encoding="utf-8")


@pytest.fixture(scope="module")
def checkov(exported) -> dict[str, dict]:
    """checkov's JSON report per framework, run once over every plan's exports (no network: --skip-download)."""
    assert CHECKOV.is_file(), "checkov is installed by scripts/setup.sh (make setup)"
    root = next(iter(exported.values())).parent
    proc = subprocess.run([str(CHECKOV), "-d", str(root), "--framework", "terraform", "kubernetes",
                           "--skip-download", "--compact", "-o", "json"],
                          capture_output=True, text=True, timeout=900, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp",
                                                                            "BC_SKIP_MAPPING": "TRUE"})
    reports = json.loads(proc.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    return {report["check_type"]: report for report in reports}


@pytest.mark.parametrize("framework", ["terraform", "kubernetes"])
def test_checkov_passes_every_export(checkov, exported, framework):
    report = checkov[framework]
    summary = report["summary"]
    failed = [f"{f['check_id']} {f['resource']} in {Path(f['file_path']).parent.name}"
              for f in report["results"]["failed_checks"]]
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 50 * len(exported)  # every plan was read and checked
    assert not failed, failed[:20]


@pytest.mark.parametrize("framework", ["terraform", "kubernetes"])
def test_every_skipped_check_says_why_in_the_file(checkov, framework):
    skipped = checkov[framework]["results"]["skipped_checks"]
    assert skipped
    for check in skipped:
        reason = check["check_result"].get("suppress_comment") or ""
        assert len(reason.split()) >= 3, (check["check_id"], check["resource"])


def test_three_tier_follows_the_plan_securely(exported):
    """Issue 16's three_tier findings: encryption at rest, Multi-AZ for the standby, HTTPS, IMDSv2,
    deletion protection."""
    text = " ".join((exported["three_tier"] / "main.tf").read_text(encoding="utf-8").split())
    for line in ("storage_encrypted = true", 'protocol = "HTTPS"', 'http_tokens = "required"',
                 "deletion_protection = true", "at_rest_encryption_enabled = true", "transit_encryption_enabled = true",
                 "enable_key_rotation = true", "enable_deletion_protection = true"):
        assert line in text, line
    plan, result = computed(load_plan(next(t for t in builtin_templates() if t.stem == "three_tier")))
    primary = next(c for c in plan.components if c.kind == "db.postgres")
    assert result[primary.id].count > 1 and "multi_az = true" in text


def test_terraform_is_canonical(exported):
    for name, folder in exported.items():
        assert fmt_problems((folder / "main.tf").read_text(encoding="utf-8")) == [], name


def test_the_format_check_finds_what_terraform_fmt_would_change(exported):
    text = (exported["three_tier"] / "main.tf").read_text(encoding="utf-8")
    assert fmt_problems(text.replace("  desired_capacity = ", "  desired_capacity  = ", 1))
    assert fmt_problems(text.replace("\n  tags = {", "\n  tags       = {", 1))
    assert fmt_problems(text.replace("\n    path = ", "\n   path = ", 1))
    assert fmt_problems(text + "\n")


def test_compose_runs_without_new_privileges(exported):
    for name, folder in exported.items():
        doc = yaml.safe_load((folder / "docker-compose.yaml").read_text(encoding="utf-8"))
        for service_name, service in doc["services"].items():
            assert service["security_opt"] == ["no-new-privileges:true"], (name, service_name)
            if service["image"].startswith(("python:", "node:")):  # the placeholder apps
                assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
                assert service["user"] == "10001:10001"
