"""draw.io export: parsed back as XML and checked as draw.io reads it (cells, containers, edges)."""

from __future__ import annotations

import math
from itertools import pairwise
from xml.etree import ElementTree as ET

import pytest
from export_fixtures import nasty_fixture, plan_fixture, result_fixture

from archplan.exports import ExportError, export
from archplan.exports.drawio import CARD_H, CARD_W, write_drawio
from archplan.planner import edit
from archplan.planner.engine import compute
from archplan.planner.model import Group


def cells_of(path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    assert root.tag == "mxfile"
    diagram = root.find("diagram")
    model = diagram.find("mxGraphModel")
    cells = model.find("root").findall("mxCell")
    ids = [c.get("id") for c in cells]
    assert len(ids) == len(set(ids)), "cell ids repeat"
    return {c.get("id"): c for c in cells}


def absolute_origin(cells: dict[str, ET.Element], cell: ET.Element) -> tuple[float, float]:
    """Top-left of a vertex on the page: its geometry plus every container's offset."""
    geometry = cell.find("mxGeometry")
    x, y = float(geometry.get("x")), float(geometry.get("y"))
    parent = cells[cell.get("parent")]
    while parent.get("id") not in ("0", "1"):
        g = parent.find("mxGeometry")
        x, y = x + float(g.get("x")), y + float(g.get("y"))
        parent = cells[parent.get("parent")]
    return x, y


def test_drawio_is_an_mxgraph_model_with_the_two_root_cells(plan, result, tmp_path):
    cells = cells_of(export(plan, result, "drawio", tmp_path / "plan.drawio"))
    assert cells["0"].get("parent") is None
    assert cells["1"].get("parent") == "0"
    root = ET.parse(tmp_path / "plan.drawio").getroot()
    assert root.get("compressed") == "false"
    assert root.find("diagram").get("name") == plan.name


def test_one_vertex_per_component_at_its_canvas_position(plan, result, tmp_path):
    cells = cells_of(write_drawio(plan, result, tmp_path / "plan.drawio"))
    for component in plan.components:
        cell = cells[f"component-{component.id}"]
        assert cell.get("vertex") == "1"
        assert cell.get("value").split("\n")[0] == component.name
        x, y = absolute_origin(cells, cell)
        assert x == pytest.approx(component.position.x - CARD_W / 2)
        assert y == pytest.approx(component.position.y - CARD_H / 2)
        assert "html=0" in cell.get("style")
    r = result.components["orders"]
    assert f"×{r.count}" in cells["component-orders"].get("value")


def test_groups_are_containers_holding_their_members(plan, result, tmp_path):
    cells = cells_of(write_drawio(plan, result, tmp_path / "plan.drawio"))
    for group in plan.groups:
        cell = cells[f"group-{group.id}"]
        assert "container=1" in cell.get("style")
        expected_parent = f"group-{group.parent}" if group.parent else "1"
        assert cell.get("parent") == expected_parent
        gx, gy = absolute_origin(cells, cell)
        g = cell.find("mxGeometry")
        width, height = float(g.get("width")), float(g.get("height"))
        for component in plan.components:
            if component.group == group.id:
                member = cells[f"component-{component.id}"]
                assert member.get("parent") == f"group-{group.id}"
                mx, my = absolute_origin(cells, member)
                assert gx <= mx and mx + CARD_W <= gx + width          # the frame encloses its members
                assert gy <= my and my + CARD_H <= gy + height


def test_every_edge_joins_existing_cells(plan, result, tmp_path):
    cells = cells_of(write_drawio(plan, result, tmp_path / "plan.drawio"))
    edges = [c for c in cells.values() if c.get("edge") == "1"]
    assert len(edges) == len(plan.links)
    vertices = {i for i, c in cells.items() if c.get("vertex") == "1"}
    for edge in edges:
        assert edge.get("source") in vertices and edge.get("target") in vertices
        assert edge.find("mxGeometry").get("relative") == "1"
    by_id = {c.get("id"): c for c in edges}
    lb_to_app = next(lk for lk in plan.links if lk.target == "app" and lk.source == "lb")
    assert by_id[f"link-{lb_to_app.id}"].get("target") == "group-app"
    styles = {lk.kind: by_id[f"link-{lk.id}"].get("style") for lk in plan.links}
    assert "dashed=1" not in styles["request"]
    for kind in ("async", "replication", "event", "health"):
        assert "dashed=1" in styles[kind]
    shares = [by_id[f"link-{lk.id}"].get("value") for lk in plan.links if lk.share is not None]
    assert "80 %" in shares and "20 %" in shares


def test_geometry_is_finite_even_for_empty_and_nested_empty_groups(plan, result, tmp_path):
    edit.add_group(plan, Group(id="empty", name="Empty"))
    edit.add_group(plan, Group(id="empty-child", name="Empty child", parent="app"))
    edit.add_link(plan, edit.new_link(plan, "orders", "empty", "async"))
    cells = cells_of(write_drawio(plan, compute(plan), tmp_path / "plan.drawio"))
    for cell in cells.values():
        g = cell.find("mxGeometry")
        if g is not None and g.get("relative") != "1":
            assert all(math.isfinite(float(g.get(k))) for k in ("x", "y", "width", "height"))
    assert cells["group-empty-child"].get("parent") == "group-app"
    assert cells["link-orders-to-empty"].get("target") == "group-empty"


def test_nasty_names_survive_as_text(nasty, tmp_path):
    cells = cells_of(write_drawio(nasty, compute(nasty), tmp_path / "nasty.drawio"))
    for component in nasty.components:
        assert cells[f"component-{component.id}"].get("value").split("\n")[0] == component.name
    for group in nasty.groups:
        assert cells[f"group-{group.id}"].get("value").startswith(group.name)
    for link in nasty.links:
        assert cells[f"link-{link.id}"].get("value").startswith(link.label)


def test_options_do_not_apply(plan, result, tmp_path):
    with pytest.raises(ExportError, match="scale"):
        write_drawio(plan, result, tmp_path / "x.drawio", scale=2)



def _edge_geometry(path):
    """Per edge: (polyline from the exit point through the waypoints to the entry point, label anchor)."""
    cells = cells_of(path)

    def box(cell_id):
        cell = cells[cell_id]
        x, y = absolute_origin(cells, cell)
        g = cell.find("mxGeometry")
        return x, y, float(g.get("width")), float(g.get("height"))

    edges = []
    for cell in cells.values():
        if cell.get("edge") != "1":
            continue
        style = dict(part.split("=", 1) for part in cell.get("style").split(";") if "=" in part)
        assert style["edgeStyle"] == "orthogonalEdgeStyle"
        s, t = box(cell.get("source")), box(cell.get("target"))
        start = (s[0] + float(style["exitX"]) * s[2], s[1] + float(style["exitY"]) * s[3])
        end = (t[0] + float(style["entryX"]) * t[2], t[1] + float(style["entryY"]) * t[3])
        geometry = cell.find("mxGeometry")
        array = geometry.find("Array")
        points = [(float(p.get("x")), float(p.get("y"))) for p in array.findall("mxPoint")] if array is not None else []
        offset = geometry.find("mxPoint[@as='offset']")
        edges.append((cell, [start, *points, end], float(offset.get("y")) if offset is not None else 0.0, s, t))
    return cells, edges


@pytest.mark.parametrize("template", ["three_tier", "microservices", "notification_service", "chat"])
def test_edges_are_orthogonal_around_cards_with_labels_apart(template, tmp_path):
    """Issue 16: edges routed with orthogonal waypoints, not through other cards; labels not stacked."""
    from iac_pdf_plans import builtin_templates, computed

    from archplan.planner.io import load_plan

    plan, result = computed(load_plan(next(p for p in builtin_templates() if p.stem == template)))
    out = export(plan, result, "drawio", tmp_path / "d.drawio")
    cells, edges = _edge_geometry(out)
    cards = [c for c in cells.values() if c.get("vertex") == "1" and c.get("id").startswith("component-")]
    card_boxes = []
    for c in cards:
        x, y = absolute_origin(cells, c)
        card_boxes.append((x, y, CARD_W, CARD_H))
    anchors = []
    for cell, line, label_dy, s, t in edges:
        for (ax, ay), (bx, by) in pairwise(line):   # every segment horizontal or vertical
            assert math.isclose(ax, bx, abs_tol=0.01) or math.isclose(ay, by, abs_tol=0.01), cell.get("id")
        for (ax, ay), (bx, by) in pairwise(line[1:-1]):   # vertical channels miss the other cards
            if math.isclose(ax, bx, abs_tol=0.01) and len(line) > 2:
                low, high = min(ay, by), max(ay, by)
                hits = [b for b in card_boxes if b not in (s, t) and b[0] - 4 <= ax <= b[0] + b[2] + 4
                        and b[1] < high and b[1] + b[3] > low]
                assert not hits, cell.get("id")
        if cell.get("value"):
            mid = line[len(line) // 2 - 1] if len(line) > 2 else line[0]
            nxt = line[len(line) // 2] if len(line) > 2 else line[-1]
            anchors.append(((mid[0] + nxt[0]) / 2, (mid[1] + nxt[1]) / 2 + label_dy))
    for i, (ax, ay) in enumerate(anchors):
        for bx, by in anchors[i + 1:]:
            assert not (abs(ax - bx) < 1 and abs(ay - by) < 1), "two labels on the same spot"
