"""
Every built-in template is a sound starting point: it loads, computes without error findings,
explains each warning it keeps, has no request cycle, is grouped and laid out without overlapping
cards, declares endpoints, states its traffic numbers, renders a thumbnail and exports to Markdown.

"Known findings" check: the description's paragraph starting "Known findings:" must name, for each
finding of the design review (any severity; a critical one is never accepted), its rule id and the name
of its component ("CAP-OVER on Slack (failed events): why...", or "REL-SPOF-ZONE: why..." for the plan as a
whole). Conversely every entry it declares must still occur, so a description cannot keep explaining a
finding the review no longer reports.
"""

from __future__ import annotations

import html
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.engine import compute
from archplan.planner.graph import expand_links
from archplan.planner.io import dumps, load_plan
from archplan.planner.library import builtin_dir
from archplan.planner.model import Plan

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = sorted(p for p in builtin_dir().glob("*.json") if p.name != "catalog.json")
REQUIRED = {"three_tier", "url_shortener", "pastebin", "twitter_timeline", "photo_sharing", "ecommerce_search",
            "chat", "notification_service", "monitoring", "payment_flow", "video_streaming", "mvp_monolith",
            "microservices"}
OPTIONAL_ONE_OF = {"rate_limiter", "web_crawler", "distributed_kv"}
KNOWN_ENTRY = re.compile(r"(?:^|;\s*)([A-Z][A-Z0-9-]+)(?: on (.+?))?:")


def known_findings_text(description: str) -> str:
    """The 'Known findings:' paragraph of a description ('' if there is none)."""
    for paragraph in description.split("\n\n"):
        if paragraph.strip().startswith("Known findings:"):
            return paragraph.strip().removeprefix("Known findings:").strip()
    return ""


@pytest.fixture(scope="module", params=BUILTIN, ids=lambda p: p.stem)
def template(request):
    path = request.param
    plan = load_plan(path)
    return path, plan, compute(plan)


def test_the_required_templates_are_built_in():
    names = {p.stem for p in BUILTIN}
    assert names >= REQUIRED, f"missing: {sorted(REQUIRED - names)}"
    assert names & OPTIONAL_ONE_OF


def test_file_is_what_save_plan_writes(template):
    path, plan, _ = template
    assert Plan.model_validate(plan.model_dump()) == plan
    assert path.read_text(encoding="utf-8") == dumps(plan), "regenerate with scripts/build_templates.py"


def test_computes_without_errors(template):
    _, _, result = template
    assert result.errors() == []


def test_every_finding_is_explained(template):
    _, plan, result = template
    known = known_findings_text(plan.description)
    assert known, "the description needs a 'Known findings:' paragraph (say 'none.' if there are none)"
    names = {c.id: c.name for c in plan.components}
    declared = set(KNOWN_ENTRY.findall(known))
    occurring = {(f.rule, names.get(f.component, "")) for f in result.findings}
    for finding in result.findings:
        assert (finding.rule, names.get(finding.component, "")) in declared, f"unexplained: {finding.message}"
    for rule, name in declared:
        assert (rule, name) in occurring, f"stale known finding: {rule} on {name or 'the plan'}"


def test_every_component_carries_traffic(template):
    _, _plan, result = template
    idle = [f.message for f in result.findings if f.code == "no_traffic"]
    assert idle == []


def test_no_request_cycles(template):
    _, plan, _ = template
    requests = nx.DiGraph((e.source, e.target) for e in expand_links(plan) if e.link.kind == "request")
    assert nx.is_directed_acyclic_graph(requests)


def test_grouped_and_laid_out_without_overlap(template):
    _, plan, _ = template
    from archplan.ui.canvas.style import CARD_H, CARD_W

    assert plan.groups
    assert all(c.group for c in plan.components), "every component sits in a zone / tier / group"
    members = {c.group for c in plan.components}
    assert all(g.id in members for g in plan.groups), "no empty group"
    cards = [(c.name, c.position.x, c.position.y) for c in plan.components]
    for i, (name, x, y) in enumerate(cards):
        for other, ox, oy in cards[i + 1:]:
            assert abs(x - ox) >= CARD_W or abs(y - oy) >= CARD_H, f"{name} overlaps {other}"


def test_services_declare_endpoints(template):
    _, plan, _ = template
    catalog = default_catalog()
    services = [c for c in plan.components if catalog[c.kind].behaviour is Behaviour.SERVICE]
    assert any(c.endpoints for c in services)
    for component in services:
        for operation in ("read", "write"):
            total = sum(e.share for e in component.endpoints if e.operation == operation)
            assert total <= 1 + 1e-9, f"{component.name}: {operation} endpoint shares add up to {total}"


def test_description_states_the_traffic_numbers(template):
    _, plan, result = template
    text = plan.description
    assert "Traffic:" in text and "Design:" in text
    assert units.format_count(plan.traffic.daily_active_users) in text
    assert units.format_qps(result.totals.entry_qps_peak) in text


def test_thumbnail_renders(template, qapp):
    from PySide6.QtGui import QColor

    from archplan.ui.canvas.style import BACKGROUND
    from archplan.ui.thumbnail import render_thumbnail

    _, plan, _ = template
    image = render_thumbnail(plan, (320, 200))
    assert not image.isNull() and (image.width(), image.height()) == (320, 200)
    background = QColor(BACKGROUND).rgb()
    drawn = sum(1 for x in range(0, 320, 4) for y in range(0, 200, 4) if image.pixel(x, y) != background)
    assert drawn > 200, "the thumbnail is (almost) empty"


def test_exports_to_markdown(template, tmp_path):
    if importlib.util.find_spec("archplan.exports.text") is None:
        pytest.skip("exports/text.py is not written yet")
    pytest.importorskip("archplan.exports.text")
    from archplan.exports import export

    path, plan, result = template
    written = export(plan, result, "markdown", tmp_path / f"{path.stem}.md")
    text = html.unescape(Path(written).read_text(encoding="utf-8").replace("\\", ""))  # Markdown escapes
    assert plan.name in text
    assert [c.name for c in plan.components if c.name not in text] == []


def test_monolith_and_microservices_share_one_traffic_profile():
    monolith = load_plan(builtin_dir() / "mvp_monolith.json")
    services = load_plan(builtin_dir() / "microservices.json")
    assert monolith.traffic.model_dump() == services.traffic.model_dump()
    assert "microservices" in monolith.description and "mvp_monolith" in services.description
    assert "same traffic profile" in monolith.description and "same traffic profile" in services.description


def test_generator_reproduces_the_committed_files():
    """scripts/build_templates.py --check rebuilds every template and compares it with the file."""
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_templates.py"), "--check"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
