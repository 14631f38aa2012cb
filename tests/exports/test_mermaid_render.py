"""The Mermaid export rendered by Mermaid itself (mermaid-cli, installed by scripts/setup.sh into
tools/mermaid with Debian's chromium): the text people see in the SVG is the plan's names, literally.

Issue 16: the title showed "R&amp;D" for "R&D" and dropped "<Team>"."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from export_fixtures import NASTY, nasty_plan

from archplan.exports import export
from archplan.exports.escaping import one_line
from archplan.exports.labels import figures_line
from archplan.planner import edit
from archplan.planner.engine import compute
from archplan.planner.model import Plan

ROOT = Path(__file__).resolve().parents[2]
MMDC = ROOT / "tools" / "mermaid" / "node_modules" / ".bin" / "mmdc"
PUPPETEER = ROOT / "tools" / "mermaid" / "puppeteer.json"
HOSTILE = ["R&D <Team>", 'say "hi" #1; a|b', "br<br/>eak & [x] {y}", "rtl\u202eevil\u2066x\u2069 zero\u200bwidth"]


def render(source: Path, tmp_path: Path) -> ET.Element:
    assert MMDC.is_file(), "mermaid-cli is installed by scripts/setup.sh (make setup)"
    out = tmp_path / (source.stem + ".svg")
    proc = subprocess.run([str(MMDC), "-p", str(PUPPETEER), "-i", str(source), "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return ET.parse(out).getroot()


def texts(svg: ET.Element, css: str) -> list[str]:
    return ["".join(e.itertext()) for e in svg.iter() if css in (e.get("class") or "").split()]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    plan = Plan(name="R&D <Team> \"plan\" #1")
    ids = []
    for i, name in enumerate(HOSTILE):
        component = edit.new_component(plan, "service.python", name=name, x=200 * i, y=0)
        edit.add_component(plan, component)
        ids.append(component.id)
    edit.add_link(plan, edit.new_link(plan, ids[0], ids[1], None, label="R&D <Team> | x"))
    result = compute(plan)
    folder = tmp_path_factory.mktemp("mermaid")
    svg = render(export(plan, result, "mermaid", folder / "hostile.mmd"), folder)
    return plan, result, svg


def test_node_labels_render_the_names_literally(hostile):
    plan, result, svg = hostile
    shown = sorted(texts(svg, "nodeLabel"))
    expected = sorted(one_line(c.name) + figures_line(c, result) for c in plan.components)
    assert shown == expected


def test_edge_label_renders_literally(hostile):
    _plan, _result, svg = hostile
    assert "R&D <Team> | x" in texts(svg, "edgeLabel")


def test_title_reads_as_the_plan_name(hostile):
    plan, _result, svg = hostile
    (title,) = texts(svg, "flowchartTitleText")
    assert unicodedata.normalize("NFKC", title) == plan.name


def test_nasty_groups_and_names_render_literally(tmp_path):
    plan = nasty_plan()
    svg = render(export(plan, compute(plan), "mermaid", tmp_path / "nasty.mmd"), tmp_path)
    clusters = texts(svg, "cluster-label")
    for group in plan.groups:
        assert one_line(group.name) in clusters, group.name
    names = " ".join(texts(svg, "nodeLabel"))
    for name in NASTY:
        assert one_line(name) in names, name
