"""Mermaid, PlantUML, Markdown and CSV exports, parsed back: small line parsers for the diagram
languages (every id declared once, every edge end declared, labels decode to the original names),
markdown-it for the report, the csv module for the table."""

from __future__ import annotations

import csv
import html
import math
import re

import pytest
from export_fixtures import nasty_fixture, plan_fixture, result_fixture
from markdown_it import MarkdownIt

from archplan.exports import ExportError, export
from archplan.exports.escaping import markdown_text, mermaid_text, plantuml_text
from archplan.exports.report import CSV_COLUMNS
from archplan.exports.text import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT, mermaid_source
from archplan.planner import edit, units
from archplan.planner.engine import compute
from archplan.planner.model import Plan

# ---------------------------------------------------------------------------------------- Mermaid

_NODE = re.compile(r'^\s*(c_\w+)(\(\[|\[\(|\[\[|\{\{|\(|>|\[)"([^"]*)"(\]\)|\)\]|\]\]|\}\}|\)|\])$')
_SUBGRAPH = re.compile(r'^\s*subgraph (g_\w+) \["([^"]*)"\]$')
_EDGE = re.compile(r'^\s*(\w+) (-->|-\.->|==>)(?:\|"([^"]*)"\|)? (\w+)$')
_SHAPES = {"([": "])", "[(": ")]", "[[": "]]", "{{": "}}", "(": ")", ">": "]", "[": "]"}


def decode_mermaid(text: str) -> str:
    return re.sub(r"#(quot|\d+);", lambda m: '"' if m.group(1) == "quot" else chr(int(m.group(1))), text)


def parse_mermaid(text: str) -> dict:
    """Nodes {id: label}, subgraphs {id: label}, edges [(a, arrow, label, b)], linkStyle indexes;
    fails on any line it does not understand."""
    lines = text.splitlines()
    assert lines[0] == "---" and lines[2] == "---" and lines[1].startswith("title: ")
    body = [ln for ln in lines[3:] if ln.strip() and not ln.strip().startswith("%%")]
    assert body[0] == "flowchart LR"
    nodes, subgraphs, edges, styled = {}, {}, [], []
    depth = 0
    for line in body[1:]:
        if m := _NODE.match(line):
            assert _SHAPES[m.group(2)] == m.group(4), line
            assert m.group(1) not in nodes, f"node {m.group(1)} declared twice"
            nodes[m.group(1)] = m.group(3)
        elif m := _SUBGRAPH.match(line):
            assert m.group(1) not in subgraphs
            subgraphs[m.group(1)] = m.group(2)
            depth += 1
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0
        elif m := _EDGE.match(line):
            edges.append((m.group(1), m.group(2), m.group(3), m.group(4)))
        elif m := re.match(r"^\s*linkStyle ([\d,]+) \S.*$", line):
            styled += [int(i) for i in m.group(1).split(",")]
        elif re.match(r"^\s*(classDef \w+ \S+|class [\w,]+ \w+)$", line):
            pass
        else:
            raise AssertionError(f"unexpected Mermaid line: {line!r}")
    assert depth == 0, "subgraph / end do not balance"
    assert not set(nodes) & set(subgraphs)
    for a, _arrow, _label, b in edges:
        assert a in nodes or a in subgraphs, a
        assert b in nodes or b in subgraphs, b
    return {"nodes": nodes, "subgraphs": subgraphs, "edges": edges, "styled": styled}


def test_mermaid_structure(plan, result, tmp_path):
    parsed = parse_mermaid(export(plan, result, "mermaid", tmp_path / "p.mmd").read_text(encoding="utf-8"))
    assert len(parsed["nodes"]) == len(plan.components)
    assert len(parsed["subgraphs"]) == len(plan.groups)
    assert len(parsed["edges"]) == len(plan.links)
    assert sorted(parsed["styled"]) == list(range(len(plan.links)))
    names = sorted(decode_mermaid(label.split("<br/>")[0]) for label in parsed["nodes"].values())
    assert names == sorted(c.name for c in plan.components)
    arrows = {lk.kind: edge[1] for lk, edge in zip(plan.links, parsed["edges"])}
    assert arrows["request"] == "-->" and arrows["async"] == "-.->" and arrows["event"] == "==>"
    labels = [decode_mermaid(edge[2] or "") for edge in parsed["edges"]]
    assert "80 %" in labels and "receipt · fan-out ×1" in labels
    to_group = [edge for lk, edge in zip(plan.links, parsed["edges"]) if lk.target == "app"]
    assert to_group and all(edge[3] in parsed["subgraphs"] for edge in to_group)
    orders = next(label for label in parsed["nodes"].values() if label.startswith("Order service"))
    assert units.format_qps(result.components["orders"].qps_peak) in decode_mermaid(orders)


def test_mermaid_ids_are_unique_after_sanitising(tmp_path):
    plan_ = Plan(name="ids")
    for cid in ("a.b", "a-b", "a_b", "end", "A.B"):
        edit.add_component(plan_, edit.new_component(plan_, "service.go", name=cid, id=cid))
    parsed = parse_mermaid(mermaid_source(plan_, compute(plan_)))
    assert len(parsed["nodes"]) == len({c.id for c in plan_.components})
    assert len({i.lower() for i in parsed["nodes"]}) == len(parsed["nodes"])


def _many_links_plan(n_services: int) -> Plan:
    plan_ = Plan(name="dense")
    ids = []
    for i in range(n_services):
        component = edit.new_component(plan_, "service.go", name=f"S{i}", id=f"s{i}")
        edit.add_component(plan_, component)
        ids.append(component.id)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            edit.add_link(plan_, edit.new_link(plan_, a, b, "async"))
    return plan_


def test_mermaid_refuses_more_edges_than_it_renders(tmp_path):
    plan_ = _many_links_plan(33)                              # 528 links
    assert len(plan_.links) > MERMAID_MAX_EDGES
    with pytest.raises(ExportError, match="maxEdges") as info:
        export(plan_, compute(plan_), "mermaid", tmp_path / "dense.mmd")
    message = str(info.value)
    assert "500" in message and "split" in message and "SVG" in message and "\n" not in message
    assert not (tmp_path / "dense.mmd").exists()


def test_mermaid_refuses_text_beyond_its_size_limit(tmp_path):
    plan_ = Plan(name="verbose")
    for i in range(300):
        edit.add_component(plan_, edit.new_component(plan_, "service.go", name=f"{i} " + "é\"<>" * 45))
    with pytest.raises(ExportError, match="maxTextSize"):
        export(plan_, compute(plan_), "mermaid", tmp_path / "v.mmd")
    assert MERMAID_MAX_TEXT == 50_000


def test_mermaid_nasty_names_round_trip(nasty, tmp_path):
    parsed = parse_mermaid(export(nasty, compute(nasty), "mermaid", tmp_path / "n.mmd").read_text("utf-8"))
    assert sorted(decode_mermaid(v.split("<br/>")[0]) for v in parsed["nodes"].values()) == \
        sorted(c.name for c in nasty.components)
    assert sorted(decode_mermaid(v) for v in parsed["subgraphs"].values()) == sorted(g.name for g in nasty.groups)
    for label in parsed["nodes"].values():
        assert not re.search(r'["<>\[\]|`]', label.replace("<br/>", ""))


# ---------------------------------------------------------------------------------------- PlantUML

_ELEMENT = re.compile(r'^\s*(actor|component|database|queue|cloud|node|storage|control|rectangle|package) '
                      r'"([^"]*)" as (\w+)(?: #[\w.]+)?( \{)?$')
_ARROW = re.compile(r"^(\w+) -\[[^\]]+\]-> (\w+)(?: : (.*))?$")


def decode_plantuml(text: str) -> str:
    return re.sub(r"<U\+([0-9A-F]{4,6})>", lambda m: chr(int(m.group(1), 16)), text)


def parse_plantuml(text: str) -> dict:
    lines = text.splitlines()
    assert lines[0] == "@startuml" and lines[-1] == "@enduml"
    aliases, arrows, depth = {}, [], 0
    for line in lines[1:-1]:
        if m := _ELEMENT.match(line):
            assert m.group(3) not in aliases, f"alias {m.group(3)} declared twice"
            aliases[m.group(3)] = (m.group(1), m.group(2))
            depth += bool(m.group(4))
        elif line.strip() == "}":
            depth -= 1
            assert depth >= 0
        elif m := _ARROW.match(line):
            arrows.append((m.group(1), m.group(2), m.group(3) or ""))
        elif re.match(r"^(left to right direction|skinparam \w+ \S+|title .*)$", line):
            pass
        else:
            raise AssertionError(f"unexpected PlantUML line: {line!r}")
    assert depth == 0, "braces do not balance"
    for a, b, _ in arrows:
        assert a in aliases and b in aliases, (a, b)
    return {"aliases": aliases, "arrows": arrows}


def test_plantuml_structure(plan, result, tmp_path):
    parsed = parse_plantuml(export(plan, result, "plantuml", tmp_path / "p.puml").read_text(encoding="utf-8"))
    assert len(parsed["aliases"]) == len(plan.components) + len(plan.groups)
    assert len(parsed["arrows"]) == len(plan.links)
    shapes = {decode_plantuml(label.split("\\n")[0]): shape for shape, label in parsed["aliases"].values()}
    assert shapes["Orders DB"] == "database" and shapes["Order events"] == "queue" and shapes["Browsers"] == "actor"
    assert {c.name for c in plan.components} | {g.name for g in plan.groups} <= set(shapes)


def test_plantuml_nasty_names_round_trip(nasty, tmp_path):
    parsed = parse_plantuml(export(nasty, compute(nasty), "plantuml", tmp_path / "n.puml").read_text("utf-8"))
    names = sorted(decode_plantuml(label.split("\\n")[0]) for _, label in parsed["aliases"].values())
    assert names == sorted([c.name for c in nasty.components] + [g.name for g in nasty.groups])
    labels = [decode_plantuml(label) for _, _, label in parsed["arrows"]]
    for link in nasty.links:
        assert any(label.startswith(link.label) for label in labels)
    for _, label in parsed["aliases"].values():       # no creole / preprocessor syntax left unescaped
        assert not re.search(r'\*\*|//|--|__|~|\\(?!n)|<(?!U\+)|\[|&|["]', label)


# ---------------------------------------------------------------------------------------- Markdown

def _tables(markdown: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts, as markdown-it parses it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    tables, rows, row = [], None, None
    for token in tokens:
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close":
            rows.append(row)
            row = None
        elif token.type == "table_close":
            tables.append(rows)
    return tables


def _text(markdown_inline: str) -> str:
    """What a reader sees: rendered inline Markdown without tags, entities decoded."""
    rendered = MarkdownIt("commonmark").renderInline(markdown_inline)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def test_markdown_report_tables(plan, result, tmp_path):
    text = export(plan, result, "markdown", tmp_path / "r.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {plan.name}\n")
    tables = _tables(text)
    traffic = next(t for t in tables if t[0][0] == "Assumption")
    assert ["Daily active users", units.format_count(plan.traffic.dau)] in traffic
    components = next(t for t in tables if t[0][0] == "Component")
    assert len(components) - 1 == len(plan.components)
    assert all(len(row) == len(components[0]) for row in components)
    rows = {_text(row[0]).replace(" (bottleneck)", ""): row for row in components[1:]}
    assert set(rows) == {c.name for c in plan.components}
    orders = result.components["orders"]
    assert rows["Order service"][2] == units.format_qps(orders.qps_peak)
    assert rows["Order service"][-1] == units.format_money(orders.monthly_cost)
    flagged = [_text(row[0]) for row in components[1:] if "(bottleneck)" in _text(row[0])]
    assert flagged == [f"{plan.component(result.bottleneck).name} (bottleneck)"]
    for heading in ("## Summary", "## Bottleneck, single points of failure and breaking point", "## Findings",
                    "## The work behind the figures"):
        assert heading in text
    assert result.components["orders"].figures["instances_needed"].text().split(" = ")[0] in text
    assert result.findings[0].message.split(":")[0] in text


def test_markdown_nasty_names_stay_in_their_cells(nasty, tmp_path):
    nasty.description = "# not a heading\n- not a list\n| not | a table |\n<script>x</script> *not bold*"
    text = export(nasty, compute(nasty), "markdown", tmp_path / "n.md").read_text(encoding="utf-8")
    components = next(t for t in _tables(text) if t[0][0] == "Component")
    assert len(components) - 1 == len(nasty.components)
    assert all(len(row) == len(components[0]) for row in components)
    seen = sorted(_text(row[0]).replace(" (bottleneck)", "") for row in components[1:])
    assert seen == sorted(c.name for c in nasty.components)
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [t for t in tokens if t.type == "heading_open" and t.tag == "h1"]
    assert len(headings) == 1                          # the description's "# ..." stays a paragraph
    assert not any(t.type == "html_block" or t.type == "html_inline" for t in tokens)
    assert _text(markdown_text(nasty.name)) == nasty.name


# ---------------------------------------------------------------------------------------- CSV

def test_csv_rows_hold_the_raw_numbers(plan, result, tmp_path):
    with open(export(plan, result, "csv", tmp_path / "t.csv"), newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        rows = list(reader)
    assert [r["id"] for r in rows] == [c.id for c in plan.components]
    for row in rows:
        r = result.components[row["id"]]
        if row["id"] not in result.clients:
            assert float(row["peak_qps"]) == pytest.approx(r.qps_peak)
        assert int(row["instances"]) == r.count and int(row["needed"]) == r.needed
        assert float(row["utilisation"]) == pytest.approx(r.utilisation)
        assert float(row["storage_bytes"]) == pytest.approx(r.storage_replicated)
        assert float(row["bandwidth_in_bytes_per_s"]) == pytest.approx(r.bandwidth_in)
        assert float(row["bandwidth_out_bytes_per_s"]) == pytest.approx(r.bandwidth_out)
        assert float(row["availability"]) == pytest.approx(r.availability)
        assert float(row["monthly_cost_usd"]) == pytest.approx(r.monthly_cost)
        if math.isfinite(r.latency):
            assert float(row["latency_ms"]) == pytest.approx(r.latency * 1000)
        else:
            assert row["latency_ms"] == ""


def test_csv_nasty_names_and_formula_guard(nasty, tmp_path):
    edit.add_component(nasty, edit.new_component(nasty, "service.go", name="=HYPERLINK(\"http://x\")", id="f"))
    with open(export(nasty, compute(nasty), "csv", tmp_path / "n.csv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = {r["id"]: r["name"] for r in rows}
    for component in nasty.components:
        if component.id != "f":
            assert names[component.id] == component.name
    assert names["f"] == "'=HYPERLINK(\"http://x\")"


# ---------------------------------------------------------------------------------------- escaping

@pytest.mark.parametrize("text", ["plain", "a \"q\" 'x'", "<b>x</b> & co &amp;", "back\\slash \\n", "中文 😀 é",
                                  "$(rm -rf /); `x` | {a} [b] #c % ; --> -- ;", "#quot; #35;", "~~w~~ **b** //i//"])
def test_escapers_round_trip(text):
    assert decode_mermaid(mermaid_text(text)) == text
    assert decode_plantuml(plantuml_text(text)) == text
    assert _text(markdown_text(text)) == text
