"""Round trips: export a template, import the file, get the same components, kinds, instance counts and
links back, for every template and every format that carries them.

What each format carries:
- draw.io, Mermaid, compose, Kubernetes: every component (ids kept), its kind, its deployed count
  (clients have none) and every link with its kind; draw.io and Mermaid keep the groups too.
- Terraform: every component that is a cloud resource (clients, third-party APIs and health-check
  probers are not), its kind, the counts the resources state, and only the links its references
  make (each of them a link of the plan). Redis in cluster mode deploys shards x (1 + replicas), which
  the export rounds up from the plan's count; the import reports what the code deploys.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archplan.exports import export
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.engine import compute
from archplan.planner.importers import import_path
from archplan.planner.io import load_plan
from archplan.planner.library import builtin_dir

TEMPLATES = sorted(p for p in builtin_dir().glob("*.json"))
FORMATS = {"drawio": "plan.drawio", "mermaid": "plan.mmd", "compose": "compose.yaml", "kubernetes": "plan.yaml"}


def is_client(kind: str) -> bool:
    return default_catalog()[kind].behaviour is Behaviour.CLIENT


def exported(tmp_path: Path, template: Path, fmt: str, name: str):
    plan = load_plan(template)
    result = compute(plan)
    out = tmp_path / name
    export(plan, result, fmt, out)
    return plan, result, import_path(out, fmt)


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_round_trip(tmp_path, template, fmt):
    plan, result, imported = exported(tmp_path, template, fmt, FORMATS[fmt])
    back = imported.plan
    assert {c.id: c.kind for c in back.components} == {c.id: c.kind for c in plan.components}
    assert {c.id: c.name for c in back.components} == {c.id: c.name for c in plan.components}
    for comp in back.components:
        expected = "auto" if is_client(comp.kind) else result.components[comp.id].count
        assert comp.instances == expected, comp.id
    assert {(lk.source, lk.target, lk.kind) for lk in back.links} == \
        {(lk.source, lk.target, lk.kind) for lk in plan.links}
    if fmt in ("drawio", "mermaid"):
        assert {c.id: c.group for c in back.components} == {c.id: c.group for c in plan.components}
        assert {(g.id, g.name, g.kind) for g in back.groups} == {(g.id, g.name, g.kind) for g in plan.groups}
    assert imported.summary.generic == []
    compute(back)


def in_terraform(kind: str) -> bool:
    return default_catalog()[kind].behaviour not in (Behaviour.CLIENT, Behaviour.EXTERNAL, Behaviour.MONITOR)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_round_trip_terraform(tmp_path, template):
    plan, result, imported = exported(tmp_path, template, "terraform", "main.tf")
    back = imported.plan
    carried = {c.id: c.kind for c in plan.components if in_terraform(c.kind)}
    assert {c.id: c.kind for c in back.components if not is_client(c.kind)} == carried
    text = (tmp_path / "main.tf").read_text(encoding="utf-8")
    stated = 0
    for comp in back.components:
        if comp.instances == "auto" or is_client(comp.kind):
            continue
        stated += 1
        count = result.components[comp.id].count
        if comp.kind == "cache.redis" and "num_node_groups" in text and comp.instances != count:
            assert comp.instances >= count  # cluster mode: shards x (1 + replicas) >= the plan's count
        else:
            assert comp.instances == count, comp.id
    assert stated >= 1
    original = {(lk.source, lk.target, lk.kind) for lk in plan.links}
    for link in back.links:
        if not is_client(back.component(link.source).kind):
            assert (link.source, link.target, link.kind) in original
    compute(back)


def test_round_trip_without_the_exports_link_list_still_finds_the_links(tmp_path):
    """compose: drop the x-archplan link list; depends_on and the environment still give the links between
    services, each in the right direction."""
    import yaml

    plan, _result, _imported = exported(tmp_path, builtin_dir() / "three_tier.json", "compose", "compose.yaml")
    doc = yaml.safe_load((tmp_path / "compose.yaml").read_text(encoding="utf-8"))
    del doc["x-archplan"]["links"]
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    back = import_path(tmp_path / "compose.yaml").plan
    services = {c.id for c in back.components if c.kind not in ("client.web", "obs.healthcheck")}
    original = {(lk.source, lk.target) for lk in plan.links if lk.source in services and lk.target in services}
    got = {(lk.source, lk.target) for lk in back.links if lk.source in services and lk.target in services}
    assert got == original
