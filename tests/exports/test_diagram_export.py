"""PNG / SVG diagram export: real graphviz output, read back with PIL, XML and graphviz's own JSON."""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat
import struct
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from export_fixtures import big_plan, nasty_fixture, nasty_plan, plan_fixture, result_fixture
from PIL import Image

from archplan.exports import ExportError, export
from archplan.exports.diagram import GRAPHVIZ_MISSING, write_png, write_svg
from archplan.exports.diagram_graph import build_graph
from archplan.exports.diagram_labels import Box
from archplan.exports.diagram_layout import spacing, stagger_edges
from archplan.exports.icons import FLAVOURS, icon_class_name, icon_path, node_class
from archplan.planner import edit, units
from archplan.planner.catalog import default_catalog
from archplan.planner.engine import compute
from archplan.planner.model import Group, Plan

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture
def dot():
    """Graphviz is installed by `make setup`: its absence is a failure, never a silent skip."""
    assert shutil.which("dot"), "graphviz `dot` is missing: run `make setup` (apt-get install graphviz)"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    with Image.open(path) as image:          # decodes the whole image: a truncated file fails here
        image.load()
        assert image.size == (width, height)
    return width, height


def svg_texts(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def graph_json(plan_, result_) -> dict:
    """The laid-out graph as graphviz reports it (dot -Tjson)."""
    return json.loads(build_graph(plan_, result_).pipe(format="json", engine="dot", quiet=True))


# ---------------------------------------------------------------------------------------- icons

@pytest.mark.parametrize("kind", [k.id for k in default_catalog()])
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_kind_and_flavour_has_an_installed_icon(kind, flavour):
    from diagrams import Node

    assert issubclass(node_class(icon_class_name(kind, flavour)), Node)
    path = icon_path(kind, flavour)
    assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("kind", "expected"), [
    ("cache.redis", {"generic": "onprem.inmemory.Redis", "onprem": "onprem.inmemory.Redis",
                     "aws": "aws.database.ElasticacheForRedis", "gcp": "gcp.database.Memorystore"}),
    ("db.postgres", {"onprem": "onprem.database.Postgresql", "aws": "aws.database.RDS", "gcp": "gcp.database.SQL"}),
    ("pubsub.kafka", {"onprem": "onprem.queue.Kafka", "aws": "aws.analytics.ManagedStreamingForKafka",
                      "gcp": "gcp.analytics.Pubsub"}),
    ("storage.s3", {"aws": "aws.storage.S3", "gcp": "gcp.storage.GCS", "onprem": "onprem.storage.Ceph"}),
    ("lb.nginx", {"generic": "onprem.network.Nginx", "aws": "onprem.network.Nginx"}),
])
def test_icons_follow_the_flavour(kind, expected):
    for flavour, dotted in expected.items():
        assert icon_class_name(kind, flavour) == dotted
    assert len({icon_path(kind, f) for f in expected}) == len(set(expected.values()))


# ---------------------------------------------------------------------------------------- PNG

@pytest.mark.graphviz
def test_png_is_a_decodable_image(dot, plan, result, tmp_path):
    out = write_png(plan, result, tmp_path / "plan.png")
    width, height = png_size(out)
    assert width > 800 and height > 300
    assert 0.2 < width / height < 8


@pytest.mark.graphviz
def test_scale_sets_the_resolution(dot, plan, result, tmp_path):
    w1, h1 = png_size(write_png(plan, result, tmp_path / "x1.png", scale=1))
    w2, h2 = png_size(write_png(plan, result, tmp_path / "x2.png", scale=2))
    assert w2 == pytest.approx(2 * w1, abs=3) and h2 == pytest.approx(2 * h1, abs=3)


@pytest.mark.parametrize("scale", [0, -1, float("nan"), float("inf"), 100, "2", True])
def test_a_bad_scale_is_refused(plan, result, tmp_path, scale):
    with pytest.raises(ExportError, match="scale"):
        write_png(plan, result, tmp_path / "x.png", scale=scale)
    assert not (tmp_path / "x.png").exists()


def test_unknown_options_are_refused(plan, result, tmp_path):
    with pytest.raises(ExportError, match="dpi"):
        write_png(plan, result, tmp_path / "x.png", dpi=300)
    with pytest.raises(ExportError, match="dpi"):
        write_svg(plan, result, tmp_path / "x.svg", dpi=2)


@pytest.mark.graphviz
def test_scale_is_honoured_for_svg(dot, plan, result, tmp_path):
    """Issue 16: --scale was ignored for SVG. It multiplies the display size; the drawing is the same."""
    import re as _re

    def size(path):
        root = path.read_text(encoding="utf-8")
        width = float(_re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', root).group(1))
        height = float(_re.search(r'<svg[^>]*\bheight="([\d.]+)pt"', root).group(1))
        return width, height, _re.search(r'viewBox="([^"]+)"', root).group(1)

    w1, h1, box1 = size(write_svg(plan, result, tmp_path / "x1.svg"))
    w2, h2, box2 = size(write_svg(plan, result, tmp_path / "x2.svg", scale=2.5))
    assert w2 == pytest.approx(2.5 * w1, rel=1e-3) and h2 == pytest.approx(2.5 * h1, rel=1e-3) and box1 == box2
    with pytest.raises(ExportError, match="scale"):
        write_svg(plan, result, tmp_path / "x3.svg", scale=0)


def test_the_cli_passes_scale_to_svg(tmp_path):
    from export_fixtures import realistic_plan as shop

    from archplan.main import main
    from archplan.planner.io import save_plan

    path = tmp_path / "p.json"
    save_plan(shop(), path)
    assert main(["export", str(path), "--format", "svg", "--scale", "2", "-o", str(tmp_path / "a.svg")]) == 0
    assert main(["export", str(path), "--format", "svg", "-o", str(tmp_path / "b.svg")]) == 0
    import re as _re

    widths = [float(_re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', (tmp_path / n).read_text("utf-8")).group(1))
              for n in ("a.svg", "b.svg")]
    assert widths[0] == pytest.approx(2 * widths[1], rel=1e-3)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_missing_graphviz_is_a_clear_error(plan, result, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(ExportError) as info:
        export(plan, result, fmt, tmp_path / f"x.{fmt}")
    assert str(info.value) == GRAPHVIZ_MISSING and "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.graphviz
def test_nothing_is_left_in_the_working_directory(dot, plan, result, tmp_path, monkeypatch):
    cwd, out = tmp_path / "cwd", tmp_path / "out"
    cwd.mkdir()
    out.mkdir()
    monkeypatch.chdir(cwd)
    write_png(plan, result, out / "a.png")
    write_svg(plan, result, out / "a.svg", as_drawn=True)
    assert list(cwd.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "a.svg"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE((out / "a.png").stat().st_mode) == 0o666 & ~umask   # not mkstemp's private 0600


# ---------------------------------------------------------------------------------------- SVG

@pytest.mark.graphviz
def test_svg_is_self_contained(dot, plan, result, tmp_path):
    root = ET.parse(write_svg(plan, result, tmp_path / "plan.svg")).getroot()
    images = list(root.iter(f"{SVG}image"))
    assert len(images) == len(plan.components)
    for image in images:
        href = image.get(XLINK_HREF) or image.get("href")
        assert href.startswith("data:image/png;base64,")
        assert base64.b64decode(href.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert value.startswith("data:"), value[:80]
                assert not value.startswith(("/", "file:"))
    raw = (tmp_path / "plan.svg").read_text(encoding="utf-8")
    assert "file:" not in raw
    assert str(icon_path("cache.redis", "aws").parent) not in raw


@pytest.mark.graphviz
def test_svg_labels_show_names_and_figures(dot, plan, result, tmp_path):
    root = ET.parse(write_svg(plan, result, tmp_path / "plan.svg")).getroot()
    text = svg_texts(root)
    for component in plan.components:
        assert component.name in text
    for group in plan.groups:
        assert group.name in text
    orders = result.components["orders"]
    assert f"{units.format_qps(orders.qps_peak)} peak" in text
    assert f"×{orders.count}" in text
    assert units.format_percent(orders.utilisation, 0) in text
    assert plan.name in text


# ---------------------------------------------------------------------------------------- structure

@pytest.mark.graphviz
def test_groups_are_nested_clusters_and_group_links_stop_at_the_cluster(dot, plan, result):
    layout = graph_json(plan, result)
    objects = layout["objects"]
    clusters = {o["name"]: o for o in objects if o["name"].startswith("cluster_")}
    assert len(clusters) == len(plan.groups)
    by_group = {g.id: f"cluster_g{i}" for i, g in enumerate(plan.groups)}
    node_of = {f"c{i}": c.id for i, c in enumerate(plan.components)}
    gvid = {o["_gvid"]: o["name"] for o in objects}

    def members(cluster) -> set[str]:
        return {node_of[gvid[n]] for n in cluster.get("nodes", []) if gvid[n] in node_of}

    assert members(clusters[by_group["app"]]) == {"orders", "catalog"}
    region_children = {gvid[s] for s in clusters[by_group["region"]].get("subgraphs", [])}
    assert region_children == {by_group["edge"], by_group["app"], by_group["data"]}
    # the lb -> "App tier" link and the health -> "App tier" link end at the cluster's border
    lheads = [e.get("lhead") for e in layout["edges"] if e.get("style") != "invis"]
    assert lheads.count(by_group["app"]) == 2


@pytest.mark.graphviz
def test_links_between_groups_and_into_the_own_group(dot, plan):
    edit.add_link(plan, edit.new_link(plan, "edge", "data", "request"))      # group -> group
    edit.add_link(plan, edit.new_link(plan, "orders", "app", "async"))       # member -> its own group
    layout = graph_json(plan, compute(plan))
    visible = {e["id"]: e for e in layout["edges"] if e.get("style") != "invis"}
    assert len(visible) == len(plan.links)
    by_group = {g.id: f"cluster_g{i}" for i, g in enumerate(plan.groups)}
    group_link = visible[f"l{len(plan.links) - 2}"]
    assert (group_link["ltail"], group_link["lhead"]) == (by_group["edge"], by_group["data"])
    own = visible[f"l{len(plan.links) - 1}"]
    assert own["tail"] != own["head"]


@pytest.mark.graphviz
def test_edge_styles_follow_the_link_kind(dot, plan, result):
    layout = graph_json(plan, result)
    visible = {e["id"]: e for e in layout["edges"] if e.get("style") != "invis"}
    assert sorted(visible) == sorted(f"l{i}" for i in range(len(plan.links)))
    styles = {}
    for i, link in enumerate(plan.links):
        styles.setdefault(link.kind, set()).add(visible[f"l{i}"].get("style"))
    assert styles["request"] == {"solid"}
    assert styles["async"] == {"dashed"}
    assert styles["replication"] == {"dotted"}
    assert styles["event"] == {"bold,dashed"}
    assert styles["health"] == {"dotted"}
    labels = " ".join(e.get("label", "") for e in visible.values())
    assert "80 %" in labels and "fan-out ×1" in labels


@pytest.mark.graphviz
def test_as_drawn_keeps_the_canvas_arrangement(dot, plan, result, tmp_path):
    root = ET.parse(write_svg(plan, result, tmp_path / "drawn.svg", as_drawn=True)).getroot()
    where = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            title = g.find(f"{SVG}title").text
            image = g.find(f".//{SVG}image")
            if title.startswith("c") and title[1:].isdigit() and image is not None:
                component = plan.components[int(title[1:])]
                where[component.id] = (float(image.get("x")), float(image.get("y")))
    assert len(where) == len(plan.components)
    for a in plan.components:
        for b in plan.components:
            if a.position.x < b.position.x:
                assert where[a.id][0] < where[b.id][0], (a.id, b.id)
            if a.position.y < b.position.y:      # canvas and SVG both grow downwards
                assert where[a.id][1] < where[b.id][1], (a.id, b.id)
    assert "Region eu-west-1" in svg_texts(root)          # groups are drawn as boxes


@pytest.mark.graphviz
def test_empty_groups_and_empty_plans_still_draw(dot, tmp_path):
    plan_ = Plan(name="Empty")
    png_size(write_png(plan_, compute(plan_), tmp_path / "empty.png"))
    web = edit.new_component(plan_, "client.web", name="Web")
    edit.add_component(plan_, web)
    edit.add_group(plan_, Group(id="lonely", name="Nobody here"))
    edit.add_link(plan_, edit.new_link(plan_, web.id, "lonely"))
    for as_drawn in (False, True):
        root = ET.parse(write_svg(plan_, compute(plan_), tmp_path / "g.svg", as_drawn=as_drawn)).getroot()
        assert "Nobody here" in svg_texts(root)


@pytest.mark.graphviz
@pytest.mark.slow
def test_a_sixty_component_plan_stays_readable(dot, tmp_path):
    plan_ = big_plan()
    assert len(plan_.components) >= 60
    result_ = compute(plan_)
    width, height = png_size(write_png(plan_, result_, tmp_path / "big.png"))
    assert 1 / 3 < width / height < 3, (width, height)
    assert width * height < 40e6
    text = svg_texts(ET.parse(write_svg(plan_, result_, tmp_path / "big.svg")).getroot())
    for component in plan_.components:
        assert component.name in text


def test_wide_ranks_are_staggered_and_narrow_ones_left_alone():
    nodes = ["gw"] + [f"s{i}" for i in range(30)]
    fan = [("gw", f"s{i}") for i in range(30)]
    extra = stagger_edges(nodes, fan, width=10)
    rank = {"gw": 0}
    for _ in nodes:                                   # longest path over the fan + chains
        for tail, head in fan + extra:
            if tail in rank:
                rank[head] = max(rank.get(head, 0), rank[tail] + 1)
    per_rank = {}
    for r in rank.values():
        per_rank[r] = per_rank.get(r, 0) + 1
    assert max(per_rank.values()) <= 10
    assert stagger_edges(nodes[:6], fan[:5], width=10) == []


def test_as_drawn_spacing_separates_cards_without_blowing_up_on_overlaps():
    plan_ = Plan(name="spacing")
    for i, (x, y) in enumerate([(0, 0), (100, 0), (500, 500), (500, 500)]):     # the last two overlap exactly
        edit.add_component(plan_, edit.new_component(plan_, "service.go", name=f"S{i}", x=x, y=y))
    boxes = {c.id: Box(150, 120) for c in plan_.components}
    k = spacing(plan_, boxes)
    assert k * 100 >= 150 + 16                       # S0 and S1 no longer overlap
    assert k < 2                                     # ... and the exact overlap did not inflate the drawing


# ---------------------------------------------------------------------------------------- nasty names

@pytest.mark.graphviz
@pytest.mark.parametrize("as_drawn", [False, True])
def test_nasty_names_are_drawn_literally(dot, nasty, tmp_path, as_drawn):
    result_ = compute(nasty)
    png_size(write_png(nasty, result_, tmp_path / "n.png", as_drawn=as_drawn))
    root = ET.parse(write_svg(nasty, result_, tmp_path / "n.svg", as_drawn=as_drawn)).getroot()
    text = svg_texts(root)
    for name in ["Order \"svc\" 'main'", "Café 中文 😀", "<b>x</b> & co &amp; <i>", "back\\slash \\n \\N end\\"]:
        assert name in text, name
    assert "$(rm -rf /);" in text and "--> -- ;" in text
    assert nasty.name in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.png", "n.svg"]


def test_nasty_fixture_is_really_nasty():
    plan_ = nasty_plan()
    names = " ".join([c.name for c in plan_.components] + [g.name for g in plan_.groups])
    for needle in ['"', "'", "é", "中文", "😀", "<b>", "&amp;", "\\", "$(rm -rf /)", "`x`"]:
        assert needle in names


def test_jira_has_its_own_icon():
    """Issue 16: the Jira-like ticket kind was drawn with Zendesk's icon."""
    name = icon_class_name("notify.ticket")
    assert "zendesk" not in name.lower()
    path = icon_path("notify.ticket")
    assert path.is_file() and path.suffix == ".png" and path != icon_path("ext.payments")


def test_group_labels_do_not_repeat_their_kind():
    """Issue 16: "App tier tier": a group named after its kind is not labelled with the kind again."""
    from archplan.exports.diagram_labels import group_label
    from archplan.planner.model import Group

    assert group_label(Group(id="a", name="App tier", kind="tier")).count("tier") == 1
    assert "zone" in group_label(Group(id="b", name="Europe", kind="zone"))
