"""One source of truth (issue 13): every exporter's numbers are the result's, for every built-in template.

The deployment figures (planner/deployment.py, `PlanResult.deployment`) are derived once from the plan,
the catalog and the result; Terraform, compose, Kubernetes, the PDF, the CSV, the Markdown report and the
infracost usage file only translate them. Each test reads an export back with a parser and compares it
with the result, never with a number written here."""

from __future__ import annotations

import csv
import io
import re

import hcl2
import pytest
import yaml
from iac_pdf_plans import builtin_templates, computed
from pypdf import PdfReader

from archplan.exports import export
from archplan.exports.iac import hcl_identifier
from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.io import load_plan

TEMPLATES = builtin_templates()


@pytest.fixture(scope="module", params=TEMPLATES, ids=lambda p: p.stem)
def planned(request):
    plan, result = computed(load_plan(request.param))
    return plan, result, result.deployment(plan)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _variables(doc) -> dict[str, object]:
    return {name.strip('"'): body.get("default") for block in doc.get("variable", []) for name, body in block.items()}


def test_terraform_counts_types_and_disks_are_the_deployments(planned, tmp_path):
    plan, _result, deployment = planned
    doc = hcl2.loads(export(plan, _result, "terraform", tmp_path / "main.tf").read_text(encoding="utf-8"))
    variables = _variables(doc)
    taken: set[str] = set()
    idents = {c.id: hcl_identifier(c.name, taken) for c in plan.components}
    checked = 0
    for cid, dep in deployment.items():
        ident = idents[cid]
        if f"{ident}_count" in variables:
            assert variables[f"{ident}_count"] == dep.instances, cid
            checked += 1
        if f"{ident}_shards" in variables:   # a sharded Redis: its nodes are the plan's nodes
            shards, replicas = variables[f"{ident}_shards"], variables[f"{ident}_replicas_per_shard"]
            assert shards * (1 + replicas) == dep.instances and shards >= dep.needed, cid
            checked += 1
        for suffix in ("instance_type", "node_type"):
            if f"{ident}_{suffix}" in variables:
                assert variables[f"{ident}_{suffix}"] == f'"{dep.node_type}"', cid   # hcl2 keeps the quotes
        if f"{ident}_storage_gib" in variables:
            assert variables[f"{ident}_storage_gib"] == min(dep.disk_gib(20), 65_536), cid
    assert checked, "the template deploys something Terraform counts"


def test_compose_counts_and_memory_are_the_deployments(planned, tmp_path):
    plan, result, deployment = planned
    doc = yaml.safe_load(export(plan, result, "compose", tmp_path / "c.yaml").read_text(encoding="utf-8"))
    for service in doc["services"].values():
        dep = deployment[service["labels"]["org.archplan.component"]]
        assert service["x-archplan"]["planned_count"] == dep.instances
        assert service["x-archplan"]["needed_at_peak"] == dep.needed
        assert service["deploy"]["replicas"] in (dep.instances, 1)
        if dep.hot_set_per_node > 0:
            assert service["deploy"]["resources"]["limits"]["memory"] == f"{dep.memory_mib()}M"


def test_kubernetes_replicas_claims_and_memory_are_the_deployments(planned, tmp_path):
    plan, result, deployment = planned
    docs = list(yaml.safe_load_all(export(plan, result, "kubernetes", tmp_path / "k.yaml").read_text("utf-8")))
    by_name = {c.name: c.id for c in plan.components}
    workloads = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet")]
    for w in workloads:
        dep = deployment[by_name[w["metadata"]["annotations"]["archplan.io/name"]]]
        assert w["spec"]["replicas"] == dep.instances
        container = w["spec"]["template"]["spec"]["containers"][0]
        if dep.hot_set_per_node > 0:
            assert container["resources"]["requests"]["memory"] == f"{dep.memory_mib(minimum=256 * 2**20)}Mi"
        if w["kind"] == "StatefulSet":
            claim = w["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
            assert claim == f"{dep.disk_gib()}Gi"


def test_csv_columns_are_the_results(planned, tmp_path):
    plan, result, _deployment = planned
    rows = list(csv.DictReader(io.StringIO(export(plan, result, "csv", tmp_path / "t.csv").read_text("utf-8"))))
    assert len(rows) == len(plan.components)
    for row in rows:
        r = result.components.get(row["id"])
        if r is None or r.behaviour == Behaviour.CLIENT.value:
            continue
        assert int(row["instances"]) == r.count and int(row["needed"]) == r.needed
        assert float(row["storage_bytes"]) == pytest.approx(r.storage_replicated)
        assert float(row["monthly_cost_usd"]) == pytest.approx(r.monthly_cost)


def test_markdown_rows_are_the_results(planned, tmp_path):
    plan, result, _deployment = planned
    text = export(plan, result, "markdown", tmp_path / "r.md").read_text(encoding="utf-8")
    for component in plan.components:
        r = result.components[component.id]
        if r.behaviour == Behaviour.CLIENT.value:
            continue
        row = next(line for line in text.splitlines() if line.startswith("| ") and units.format_money(r.monthly_cost)
                   in line and units.format_qps(r.qps_peak) in line)
        assert f"| {units.format_count(r.count)}" in row


def test_pdf_tables_and_diagram_are_the_results(planned, tmp_path):
    plan, result, deployment = planned
    reader = PdfReader(export(plan, result, "pdf", tmp_path / "d.pdf"))
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    catalog = default_catalog()
    ranked = sorted((r for r in result.components.values() if r.monthly_cost > 0 or r.count > 0),
                    key=lambda r: (-r.monthly_cost, r.name))[:40]
    for r in ranked:   # the cost table: name, kind, count, cost
        assert squash(f"{r.name}{catalog[r.kind].label}{units.format_count(r.count)}"
                      f"{units.format_money(r.monthly_cost)}") in text, r.name
    assert squash(f"Total{units.format_count(result.totals.instances)}"
                  f"{units.format_money(result.totals.monthly_cost)}") in text
    prices = next(iter(deployment.values())).prices.table
    assert squash(f"{prices.provider}for{prices.region}asof{prices.date}") in text
    for r in result.components.values():   # the diagram's cards: peak, count and utilisation
        if r.behaviour != Behaviour.CLIENT.value:
            assert squash(f"{units.format_qps(r.qps_peak)} · ×{units.format_count(r.count)}") in text, r.name


def test_deployment_per_node_storage_is_what_the_engine_sized(planned):
    """Where storage binds, the engine's utilisation is the deployment's data per node over the node's disk."""
    plan, result, deployment = planned
    for cid, dep in deployment.items():
        r = result.components[cid]
        if r.binding == "storage":
            node = plan.component(cid).capacity.get("storage") or default_catalog()[r.kind].capacity.storage
            assert dep.data_per_node / node == pytest.approx(r.utilisation, rel=1e-9), cid
        assert dep.disk_per_node >= dep.data_per_node
        assert dep.prices.instance_month * dep.instances <= r.monthly_cost + 1e-6
