"""docker-compose export: validated against the compose specification (check-jsonschema, offline) and
read back with PyYAML: replicas from the plan, dependencies from the links, ports only at the entry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from iac_pdf_plans import builtin_templates, computed, full_plan, realistic_plan

from archplan.exports import ExportError, export
from archplan.exports.iac.roles import RUNTIMES
from archplan.planner.model import Plan

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def validate(*paths: Path) -> None:
    proc = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", *map(str, paths)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module", params=["full", "realistic"])
def written(request, tmp_path_factory):
    plan, result = computed(full_plan() if request.param == "full" else realistic_plan())
    out = export(plan, result, "compose", tmp_path_factory.mktemp("compose") / "compose.yaml")
    return plan, result, out, yaml.safe_load(out.read_text(encoding="utf-8"))


def service_of(doc, component_id):
    found = [s for s in doc["services"].values() if s["labels"]["org.archplan.component"] == component_id]
    assert len(found) == 1, component_id
    return found[0]


def test_valid_against_the_compose_specification(written):
    validate(written[2])


def test_replicas_follow_the_plan(written):
    plan, result, _out, doc = written
    run = [c for c in plan.components if c.kind in RUNTIMES]
    assert run
    for comp in run:
        if comp.kind.startswith(("client.", "ext.", "notify.")):
            continue
        service = service_of(doc, comp.id)
        count = result[comp.id].count
        assert service["x-archplan"]["planned_count"] == count
        runtime = RUNTIMES[comp.kind]
        if runtime.scale_out or comp.kind.endswith("_replica"):
            assert service["deploy"]["replicas"] == count, comp.name
        else:
            assert service["deploy"]["replicas"] == 1, comp.name  # one container per data volume locally


def test_dependencies_follow_links_and_never_loop(written):
    _plan, _result, _out, doc = written
    services = doc["services"]
    graph = {name: set(s.get("depends_on", {})) for name, s in services.items()}
    for deps in graph.values():
        assert deps <= set(services)

    def visit(node, path):
        assert node not in path, f"dependency cycle through {node}"
        for dep in graph[node]:
            visit(dep, path | {node})

    for name in graph:
        visit(name, frozenset())
    by_id = {s["labels"]["org.archplan.component"]: name for name, s in services.items()}
    if "postgres-replica" in by_id:  # a replica waits for its primary, a consumer for its queue
        assert by_id["postgres"] in graph[by_id["postgres-replica"]]
    if "worker" in by_id and "sqs" in by_id:
        assert by_id["sqs"] in graph[by_id["worker"]]


def test_ports_only_for_entry_components_and_volumes_for_data(written):
    plan, _result, _out, doc = written
    entry = {lk.target for lk in plan.links if plan.component(lk.source).kind.startswith("client.")}
    for name, service in doc["services"].items():
        cid = service["labels"]["org.archplan.component"]
        assert ("ports" in service) == (cid in entry and RUNTIMES[plan.component(cid).kind].port is not None), name
        for volume in service.get("volumes", []):
            if ":" in volume:
                assert volume.split(":")[0] in doc["volumes"]
    published = [p["published"] for s in doc["services"].values() for p in s.get("ports", [])]
    assert len(published) == len(set(published))


def test_health_checks_use_the_plans_interval_and_misses(tmp_path):
    plan, result = computed(full_plan())
    doc = yaml.safe_load(export(plan, result, "compose", tmp_path / "c.yaml").read_text(encoding="utf-8"))
    watched = ("go", "worker", "postgres")  # the health check watches the app tier group and the primary
    with_checks = [service_of(doc, cid)["healthcheck"] for cid in watched if "healthcheck" in service_of(doc, cid)]
    assert len(with_checks) >= 2
    for check in with_checks:
        assert check["interval"] == "20s" and check["retries"] == 3
    assert service_of(doc, "redis")["healthcheck"]["retries"] == 3 and service_of(doc, "redis")[
        "healthcheck"]["interval"] == "30s"  # unwatched: the image's default check


def test_external_providers_are_listed_not_run(tmp_path):
    plan, result = computed(full_plan())
    doc = yaml.safe_load(export(plan, result, "compose", tmp_path / "c.yaml").read_text(encoding="utf-8"))
    external = {e["kind"] for e in doc["x-archplan-external"]}
    assert {"ext.payments", "notify.email", "cdn.cloudfront", "dns.route53"} <= external
    kinds = {s["labels"]["org.archplan.kind"] for s in doc["services"].values()}
    assert not kinds & external
    assert not any(k.startswith("client.") for k in kinds)


def test_a_plan_with_nothing_to_run_is_a_user_error(tmp_path):
    from iac_pdf_plans import Builder

    plan = Plan(name="Only outside")
    b = Builder(plan)
    b.link(b.add("client.web", "Web"), b.add("ext.api", "Partner API"))
    plan, result = computed(plan)
    with pytest.raises(ExportError, match="nothing that runs"):
        export(plan, result, "compose", tmp_path / "c.yaml")


def test_every_builtin_template_gives_a_valid_compose_file(tmp_path):
    from archplan.planner.io import load_plan

    templates = builtin_templates()
    assert templates
    written = []
    for template in templates:
        plan, result = computed(load_plan(template))
        written.append(export(plan, result, "compose", tmp_path / f"{template.stem}.yaml"))
    validate(*written)
