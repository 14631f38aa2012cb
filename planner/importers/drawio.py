"""
draw.io / diagrams.net -> plan.

The first page of a ``.drawio`` file (plain or compressed) is read through defusedxml. Vertices become
components, containers (``container=1``, swimlanes, or shapes other vertices sit in) become groups, and
edges between two components become links.

- Kind: the ``archplanKind`` style key an Archplan export writes; else a catalog label on a line of
  the text ("PostgreSQL primary"); else the words of the shape's style (AWS / GCP / Azure icon names
  such as ``mxgraph.aws4.elasticache``) and of its text; else the shape (a cylinder is a database).
- Instances: ``archplanCount``, else a "×N" in the text.
- Link kind: from an export's edge styles (dotted replication, dashed async, thick dashed event, an
  oval end for health); on other diagrams from the two ends' kinds, dashed edges being async.
- Positions are kept as drawn. Text-only shapes and edges with a loose end are left out (noted).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from archplan.planner import units
from archplan.planner.catalog import default_catalog
from archplan.planner.importers.draft import Draft, Imported, Item, pin
from archplan.planner.importers.kinds import GENERIC_KIND, label_kind, link_kind, name_kind, refine_replica
from archplan.planner.importers.safe import Budget, ImportFailure, inflate_drawio, parse_xml

GROUP_KINDS = ("zone", "region", "tier", "group")
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</div>|</p>", re.IGNORECASE)
_COUNT = re.compile(r"×\s*([0-9.,]+\s*[KMB]?)")


def read(path: Path) -> Imported:
    files = sorted(path.glob("*.drawio")) if path.is_dir() else [path]
    if not files:
        raise ImportFailure(f"{path}: no .drawio file in this folder")
    if len(files) > 1:
        raise ImportFailure(f"{path}: {len(files)} .drawio files; import one of them")
    file = files[0]
    root = parse_xml(Budget().read(file), str(file))
    model, pages = _model(root, str(file))
    draft = Draft("drawio", str(file))
    if pages > 1:
        draft.notes.append(f"the file has {pages} pages: the first one was imported")
    exported = root.get("host") == "archplan"
    _cells(draft, model, exported)
    title = root.find("diagram").get("name") if root.tag == "mxfile" and root.find("diagram") is not None else None
    return draft.to_plan(title or file.stem)


def _model(root, source: str):
    """The mxGraphModel of the first page, inflating a compressed page."""
    if root.tag == "mxGraphModel":
        return root, 1
    if root.tag != "mxfile":
        raise ImportFailure(f"{source}: not a draw.io file (the root element is <{root.tag}>)")
    diagrams = root.findall("diagram")
    if not diagrams:
        raise ImportFailure(f"{source}: a draw.io file without a page")
    page = diagrams[0]
    model = page.find("mxGraphModel")
    if model is None:
        text = (page.text or "").strip()
        if not text:
            raise ImportFailure(f"{source}: the first page is empty")
        model = parse_xml(inflate_drawio(text, source), source)
        if model.tag != "mxGraphModel":
            raise ImportFailure(f"{source}: the first page holds no diagram")
    return model, len(diagrams)


def _style(text: str | None) -> dict[str, str]:
    out = {}
    for part in (text or "").split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            out[key.strip()] = value.strip()
        elif part.strip():
            out[part.strip()] = "1"
    return out


def _text(value: str | None) -> str:
    """A cell's value as plain lines (HTML labels stripped)."""
    text = _BREAK.sub("\n", value or "")
    return html.unescape(_TAG.sub("", text)).replace("\xa0", " ").strip()


def _cells(draft: Draft, model, exported: bool) -> None:
    root = model.find("root")
    if root is None:
        raise ImportFailure(f"{draft.source}: the diagram has no cells")
    cells: dict[str, dict] = {}
    for element in root:
        cell = element if element.tag == "mxCell" else element.find("mxCell")
        if cell is None:
            continue
        cid = element.get("id") or cell.get("id")
        if not cid:
            continue
        if cid in cells:
            raise ImportFailure(f"{draft.source}: cell id {cid!r} is used twice")
        value = element.get("label") if element.tag != "mxCell" else cell.get("value")
        geometry = cell.find("mxGeometry")
        box = None
        if geometry is not None and geometry.get("relative") != "1":
            try:
                box = tuple(float(geometry.get(k) or 0) for k in ("x", "y", "width", "height"))
            except ValueError:
                box = None
        cells[cid] = {"id": cid, "value": _text(value), "style": _style(cell.get("style")),
                      "parent": cell.get("parent"), "vertex": cell.get("vertex") == "1",
                      "edge": cell.get("edge") == "1", "source": cell.get("source"), "target": cell.get("target"),
                      "box": box}
    parents_of_vertices = {c["parent"] for c in cells.values() if c["vertex"]}
    containers = {cid for cid, c in cells.items() if c["vertex"] and (
        c["style"].get("container") == "1" or "swimlane" in c["style"] or cid in parents_of_vertices)}
    for cid in containers:
        _group(draft, cells, cells[cid], containers)
    for cid, cell in cells.items():
        if cell["vertex"] and cid not in containers:
            _component(draft, cells, cell, containers)
    for cell in cells.values():
        if cell["edge"]:
            _edge(draft, cell, exported)


def _origin(cells: dict, parent: str | None, depth: int = 0) -> tuple[float, float]:
    """Absolute position of a container's inside (geometry of children is relative to it)."""
    x = y = 0.0
    seen = set()
    while parent in cells and parent not in seen and cells[parent]["box"] is not None:
        seen.add(parent)
        x += cells[parent]["box"][0]
        y += cells[parent]["box"][1]
        parent = cells[parent]["parent"]
    return x, y


def _group(draft: Draft, cells: dict, cell: dict, containers: set[str]) -> None:
    match = re.fullmatch(r"(.*?)\s*\((zone|region|tier|group)\)", cell["value"].replace("\n", " "))
    name, kind = (match.group(1), match.group(2)) if match else (cell["value"].split("\n")[0], "group")
    kind = cell["style"].get("archplanGroupKind", kind)   # an Archplan export: its title omits a repeated kind
    parent = cell["parent"] if cell["parent"] in containers else None
    draft.group(cell["id"], name or cell["id"], kind if kind in GROUP_KINDS else "group", parent,
                cell["id"].removeprefix("group-") if cell["id"].startswith("group-") else None)


def _component(draft: Draft, cells: dict, cell: dict, containers: set[str]) -> None:
    style, lines = cell["style"], [ln.strip() for ln in cell["value"].split("\n") if ln.strip()]
    if (not lines and not any(k.startswith(("shape", "resIcon")) for k in style)) or "text" in style:
        draft.skipped.append(f"text {cell['value'][:40] or cell['id']}")
        return
    catalog = default_catalog()
    name = lines[0] if lines else cell["id"]
    count = pin(style.get("archplanCount"))
    if style.get("archplanKind") in catalog:
        kind, rule, known = style["archplanKind"], "style archplanKind", True
    else:
        labelled = next((label_kind(ln) for ln in lines[1:] if label_kind(ln)), None)
        icon = " ".join(v for k, v in style.items() if k in ("shape", "resIcon", "prIcon", "image"))
        if labelled:
            kind, rule, known = labelled, "catalog label", True
        else:
            kind, rule, known = name_kind(icon, " ".join(lines))
            if not known:
                kind, rule, known = _by_shape(style)
                kind = refine_replica(kind, name)
    if count is None:
        found = _COUNT.search(cell["value"])
        if found:
            try:
                count = pin(units.parse_count(found.group(1).replace(",", "")))
            except units.UnitError:
                count = None
    group = cell["parent"] if cell["parent"] in containers else None
    x0, y0 = _origin(cells, cell["parent"])
    box = cell["box"]
    position = (x0 + box[0] + box[2] / 2, y0 + box[1] + box[3] / 2) if box else None
    item = Item(cell["id"], name, kind, rule, recognised=known, instances=count, group=group, position=position,
                id_hint=cell["id"].removeprefix("component-") if cell["id"].startswith("component-") else None)
    if not known:
        item.notes.append(f"Unrecognised shape {cell['value'][:80]!r}: imported as a generic service.")
    draft.add(item, "shape")


def _by_shape(style: dict) -> tuple[str, str, bool]:
    shape = style.get("shape", "")
    if "cylinder" in shape or "datastore" in shape:
        return "db.postgres", f"shape {shape}", True
    if "actor" in shape or "umlActor" in shape:
        return "client.web", f"shape {shape}", True
    if "cloud" in shape or "ellipse;shape=cloud" in shape:
        return "ext.api", f"shape {shape}", True
    if "hexagon" in shape:
        return "obs.healthcheck", f"shape {shape}", True
    return GENERIC_KIND, "no rule matched", False


_EDGE_EXTRAS = re.compile(r"^(\d+(\.\d+)? %|fan-out ×.*|request|async|replication|event|health)$")


def _edge(draft: Draft, cell: dict, exported: bool) -> None:
    source, target = cell["source"], cell["target"]
    if source not in draft.items or target not in draft.items:
        draft.notes.append(f"edge {cell['value'][:40] or cell['id']} does not join two components: left out")
        return
    style = cell["style"]
    derived = link_kind(draft.items[source].kind, draft.items[target].kind)
    if style.get("endArrow") == "oval" or derived == "health":
        kind = "health"
    elif (style.get("dashPattern") == "1 4" and style.get("strokeWidth") == "2") or derived == "replication":
        kind = "replication"
    elif style.get("dashPattern") == "8 4" or (derived == "event" and style.get("dashed") == "1"):
        kind = "event"
    elif style.get("dashed") == "1":
        kind = "async"
    else:
        kind = "request" if exported else derived
    parts = [p for p in cell["value"].replace("\n", " ").split(" · ") if p and not _EDGE_EXTRAS.match(p.strip())]
    draft.link(source, target, kind, " · ".join(parts))
