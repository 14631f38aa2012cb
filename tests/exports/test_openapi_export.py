"""OpenAPI export: loaded with PyYAML and validated with openapi-spec-validator."""

from __future__ import annotations

import pytest
import yaml
from export_fixtures import nasty_fixture, plan_fixture, result_fixture
from openapi_spec_validator import validate

from archplan.exports import export
from archplan.exports.openapi import NO_ENDPOINTS_NOTE, normalised_path
from archplan.planner import edit
from archplan.planner.engine import compute
from archplan.planner.model import Endpoint, Plan


def load(path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert "&id" not in text and "*id" not in text, "YAML aliases make the document hard to read"
    doc = yaml.safe_load(text)
    validate(doc)
    return doc


def operations(doc: dict) -> list[tuple[str, str, dict]]:
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return [(path, method, op) for path, item in doc["paths"].items() for method, op in item.items()
            if method in methods]


def test_openapi_document_is_valid_and_complete(plan, result, tmp_path):
    doc = load(export(plan, result, "openapi", tmp_path / "api.yaml"))
    assert doc["openapi"] == "3.0.3"
    declared = [(c, e) for c in plan.components for e in c.endpoints]
    ops = operations(doc)
    assert len(ops) == len(declared)
    assert len({op["operationId"] for _, _, op in ops}) == len(ops)
    assert {t["name"] for t in doc["tags"]} == {c.name for c in plan.components if c.endpoints}
    assert {s["description"] for s in doc["servers"]} == {c.name for c in plan.components if c.endpoints}
    by_summary = {op["summary"]: (path, method, op) for path, method, op in ops}
    for component, endpoint in declared:
        path, method, op = by_summary[endpoint.name]
        assert method == endpoint.method.lower() and path == endpoint.path
        assert op["tags"] == [component.name]
        r = result.components[component.id]
        base = r.reads_peak if endpoint.operation == "read" else r.writes_peak
        assert op["x-archplan-peak-qps"] == pytest.approx(base * endpoint.share, rel=1e-6)
        assert "200" in op["responses"]
        assert ("requestBody" in op) == (endpoint.operation == "write")
    path, _, op = by_summary["Get order"]
    assert [p["name"] for p in op["parameters"]] == ["id"] and op["parameters"][0]["in"] == "path"


def test_a_plan_without_endpoints_still_validates(tmp_path):
    plan_ = Plan(name="No API", description="Just boxes.")
    edit.add_component(plan_, edit.new_component(plan_, "service.go"))
    doc = load(export(plan_, compute(plan_), "openapi", tmp_path / "api.yaml"))
    assert doc["paths"] == {}
    assert NO_ENDPOINTS_NOTE in doc["info"]["description"] and "Just boxes." in doc["info"]["description"]


def test_clashing_paths_and_names_are_disambiguated(tmp_path):
    plan_ = Plan(name="Clash")
    for name in ("Health", "Health"):
        edit.add_component(plan_, edit.new_component(plan_, "service.go", name=name, endpoints=[
            Endpoint(name="Health", method="GET", path="/health"),
            Endpoint(name="Health", method="GET", path="/health"),
            Endpoint(name="Item", method="GET", path="/items/{id}/{id}/{}?q=1#frag"),
            Endpoint(name="Half", method="GET", path="/x/{open"),
            Endpoint(name="中文", method="POST", path="/中文", operation="write")]))
    doc = load(export(plan_, compute(plan_), "openapi", tmp_path / "api.yaml"))
    ops = operations(doc)
    assert len(ops) == 10
    assert len({op["operationId"] for _, _, op in ops}) == 10
    assert len({t["name"] for t in doc["tags"]}) == 2
    assert len({s["url"] for s in doc["servers"]}) == 2


@pytest.mark.parametrize(("raw", "path", "params"), [
    ("/orders/{id}", "/orders/{id}", ["id"]),
    ("/a/{id}/b/{id}", "/a/{id}/b/{id2}", ["id", "id2"]),
    ("/a?x=1", "/a", []),
    ("/a/{x", "/a/%7Bx", []),
    ("/a/{}", "/a/{param}", ["param"]),
])
def test_paths_are_normalised_for_openapi(raw, path, params):
    assert normalised_path(raw) == (path, params)


def test_nasty_names_still_validate(nasty, tmp_path):
    doc = load(export(nasty, compute(nasty), "openapi", tmp_path / "n.yaml"))
    summaries = {op["summary"] for _, _, op in operations(doc)}
    assert summaries == {e.name for c in nasty.components for e in c.endpoints}
    assert doc["info"]["title"] == f"{nasty.name} API"
