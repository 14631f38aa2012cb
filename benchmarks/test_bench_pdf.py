"""PDF export of a 50-component plan: target under 2 s. Measured with and without the diagram, since the
graphviz step can dominate. Run: make bench (or pytest benchmarks --benchmark-only)."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from archplan.exports.pdf import write_pdf
from archplan.planner import edit
from archplan.planner.engine import compute
from archplan.planner.model import Endpoint, Plan

TARGET_S = 2.0


def fifty_component_plan() -> Plan:
    """A load balancer in front of 12 services, each with a cache, a primary database and a replica."""
    plan = Plan(name="50-component plan", description="Benchmark: twelve service stacks behind one load balancer.")

    def add(kind: str, name: str, **fields) -> str:
        component = edit.new_component(plan, kind, name=name, **fields)
        edit.add_component(plan, component)
        return component.id

    def link(source: str, target: str, kind: str | None = None, **fields) -> None:
        edit.add_link(plan, edit.new_link(plan, source, target, kind, **fields))

    web = add("client.web", "Users")
    lb = add("lb.alb", "Load balancer")
    link(web, lb)
    for i in range(1, 13):
        api = add("service.node", f"Service {i}", endpoints=[
            Endpoint(name="read", method="GET", path=f"/s{i}", operation="read", share=1.0)])
        cache = add("cache.redis", f"Cache {i}")
        primary = add("db.postgres", f"Database {i}")
        replica = add("db.postgres_replica", f"Replica {i}")
        link(lb, api)
        link(api, cache, classes=["read"])
        link(cache, replica, classes=["read"])
        link(api, primary, classes=["write"])
        link(primary, replica, "replication")
    assert len(plan.components) == 50
    return plan


@pytest.fixture(scope="module")
def planned():
    plan = fifty_component_plan()
    return plan, compute(plan)


@pytest.mark.parametrize("diagram", [False, True], ids=["without-diagram", "with-diagram"])
def test_pdf_export_of_50_components(benchmark, planned, tmp_path, diagram):
    plan, result = planned
    out = tmp_path / "plan.pdf"
    benchmark.extra_info["diagram"] = diagram
    written = benchmark.pedantic(write_pdf, args=(plan, result, out),
                                 kwargs={"date": dt.date(2025, 1, 1), "diagram": diagram}, rounds=3, iterations=1)
    assert len(PdfReader(written).pages) > 10
    if not diagram:  # the part this module owns; the graphviz step is measured beside it
        assert benchmark.stats.stats.mean < TARGET_S
