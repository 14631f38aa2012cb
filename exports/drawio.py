"""
draw.io / diagrams.net file (``.drawio``): the plan as an uncompressed mxGraphModel, laid out as on
the canvas, so an architect can keep editing it in draw.io.

Structure: ``mxfile > diagram > mxGraphModel > root`` holding the two mandatory cells (id 0, the root,
and id 1, the default layer), one container cell per group (``container=1``; nested groups and members
are its children, with geometry relative to it, as draw.io requires), one vertex per component and one
edge per link (``source``/``target`` are cell ids; a link to a group points at the group's cell).

Every component's style also carries ``archplanKind`` and ``archplanCount`` (draw.io keeps unknown style
keys), so `archplan import --from drawio` gives back the exact kinds and counts.

Sizes match the canvas (ui/canvas/style.py): a component's position is the centre of a 200 x 80 card;
a group frames its members with 18 px padding and a 26 px title band. Category colours are the
canvas's. Labels are plain text (``html=0``) with newlines; the XML is built with ElementTree, so
user text is always escaped.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from archplan.exports import refuse_options
from archplan.exports.escaping import one_line
from archplan.exports.grouping import children_by_parent, depth, effective_parents
from archplan.exports.labels import figures_line, link_text
from archplan.planner.catalog import default_catalog
from archplan.planner.graph import members_by_group
from archplan.planner.io import atomic_write_text

CARD_W, CARD_H = 200.0, 80.0
GROUP_PADDING, GROUP_TITLE_H = 18.0, 26.0
EMPTY_GROUP = (220.0, 120.0)

#: Canvas category colours (stroke) and a light fill for each.
CATEGORY_COLOURS = {
    "edge": ("#2563eb", "#dbeafe"),
    "compute": ("#16a34a", "#dcfce7"),
    "data": ("#9333ea", "#f3e8ff"),
    "messaging": ("#ea580c", "#ffedd5"),
    "observability": ("#0891b2", "#cffafe"),
    "external": ("#db2777", "#fce7f3"),
}
FALLBACK_COLOURS = ("#64748b", "#f1f5f9")
GROUP_FILLS = {"region": "#f8fafc", "zone": "#f0f9ff", "tier": "#f5f3ff", "group": "#f8fafc"}

#: link kind -> draw.io edge style fragment (request solid, async dashed, replication dotted, ...).
LINK_STYLES = {
    "request": "strokeColor=#475569;",
    "async": "dashed=1;strokeColor=#2563eb;",
    "replication": "dashed=1;dashPattern=1 4;strokeWidth=2;strokeColor=#7c3aed;",
    "event": "dashed=1;dashPattern=8 4;strokeWidth=3;strokeColor=#c2410c;",
    "health": "dashed=1;dashPattern=1 4;strokeColor=#a3aebf;endArrow=oval;endFill=0;",
}
EDGE_BASE = ("edgeStyle=orthogonalEdgeStyle;rounded=1;html=0;endArrow=block;endFill=1;fontSize=10;"
             "labelBackgroundColor=#ffffff;")


def write_drawio(plan, result, out: Path, **options) -> Path:
    """Write `plan` as an uncompressed draw.io file."""
    refuse_options("drawio", options)
    tree = ET.ElementTree(build_mxfile(plan, result))
    ET.indent(tree, space="  ")
    text = ET.tostring(tree.getroot(), encoding="unicode", xml_declaration=False)
    atomic_write_text(out, '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n")
    return Path(out)


def build_mxfile(plan, result) -> ET.Element:
    mxfile = ET.Element("mxfile", host="archplan", type="device", compressed="false")
    diagram = ET.SubElement(mxfile, "diagram", id="archplan", name=one_line(plan.name))
    model = ET.SubElement(diagram, "mxGraphModel", grid="1", gridSize="20", guides="1", tooltips="1",
                          connect="1", arrows="1", fold="1", page="0", pageScale="1", math="0", shadow="0")
    root = ET.SubElement(model, "root")
    ET.SubElement(root, "mxCell", id="0")
    ET.SubElement(root, "mxCell", id="1", parent="0")

    cell_ids = {c.id: f"component-{c.id}" for c in plan.components}
    cell_ids.update({g.id: f"group-{g.id}" for g in plan.groups})
    rects = group_rects(plan)
    origin = {g.id: (rects[g.id][0], rects[g.id][1]) for g in plan.groups}

    def parent_of(group_id: str | None) -> tuple[str, float, float]:
        if group_id is None or group_id not in origin:
            return "1", 0.0, 0.0
        return cell_ids[group_id], origin[group_id][0], origin[group_id][1]

    parents = effective_parents(plan)
    for group in sorted(plan.groups, key=lambda g: depth(plan, g.id)):      # a container before its children
        parent, px, py = parent_of(parents[group.id])
        x, y, w, h = rects[group.id]
        fill = GROUP_FILLS.get(group.kind, "#f8fafc")
        dashed = "1" if group.kind in ("region", "zone") else "0"
        style = (f"rounded=1;arcSize=4;whiteSpace=wrap;html=0;container=1;collapsible=0;recursiveResize=0;"
                 f"verticalAlign=top;align=left;spacingLeft=8;fontStyle=1;fillColor={fill};strokeColor=#94a3b8;"
                 f"dashed={dashed};archplanGroupKind={group.kind};")   # the kind, when the title does not repeat it
        named = group.kind in one_line(group.name).lower().split() or group.kind == "group"
        title = one_line(group.name) if named else f"{one_line(group.name)} ({group.kind})"
        cell = ET.SubElement(root, "mxCell", id=cell_ids[group.id], value=title,
                             style=style, vertex="1", parent=parent)
        _geometry(cell, x - px, y - py, w, h)

    catalog = default_catalog()
    for component in plan.components:
        kind = catalog.get(component.kind)
        stroke, fill = CATEGORY_COLOURS.get(kind.category if kind else "", FALLBACK_COLOURS)
        r = result.components.get(component.id)
        style = (f"rounded=1;whiteSpace=wrap;html=0;arcSize=12;fillColor={fill};strokeColor={stroke};"
                 f"strokeWidth={3 if result.bottleneck == component.id else 1.5};fontSize=11;"
                 f"archplanKind={component.kind};" + (f"archplanCount={r.count};" if r is not None else ""))
        parent, px, py = parent_of(component.group)
        cell = ET.SubElement(root, "mxCell", id=cell_ids[component.id], value=component_label(component, result),
                             style=style, vertex="1", parent=parent)
        x, y = component.position.x - CARD_W / 2, component.position.y - CARD_H / 2
        _geometry(cell, x - px, y - py, CARD_W, CARD_H)

    boxes = {c.id: (c.position.x - CARD_W / 2, c.position.y - CARD_H / 2, CARD_W, CARD_H) for c in plan.components}
    boxes.update({g.id: rects[g.id] for g in plan.groups})
    cards = [boxes[c.id] for c in plan.components]
    for link, route in zip(plan.links, route_links(plan.links, boxes, cards)):
        (exit_x, entry_x), points, label_dy = route
        style = (EDGE_BASE + LINK_STYLES[link.kind] +
                 f"exitX={exit_x:g};exitY=0.5;exitDx=0;exitDy=0;entryX={entry_x:g};entryY=0.5;entryDx=0;entryDy=0;")
        cell = ET.SubElement(root, "mxCell", id=f"link-{link.id}", value=link_text(link), style=style, edge="1",
                             parent="1", source=cell_ids[link.source], target=cell_ids[link.target])
        geometry = ET.SubElement(cell, "mxGeometry", relative="1", **{"as": "geometry"})
        if points:
            array = ET.SubElement(geometry, "Array", **{"as": "points"})
            for x, y in points:
                ET.SubElement(array, "mxPoint", x=f"{x:g}", y=f"{y:g}")
        if label_dy:
            ET.SubElement(geometry, "mxPoint", x="0", y=f"{label_dy:g}", **{"as": "offset"})
    return mxfile


Box = tuple[float, float, float, float]   # x, y, width, height (absolute)
CHANNEL_STEP = 10.0    # spacing of parallel edges in one gap between columns
LABEL_STEP = 14.0      # spacing of labels that would otherwise sit on top of each other


def _blocked(x: float, y0: float, y1: float, cards: list[Box], ends: tuple[Box, Box]) -> bool:
    """True when a vertical segment at x from y0 to y1 crosses a card (other than the link's own ends)."""
    low, high = min(y0, y1), max(y0, y1)
    return any(bx - 4 <= x <= bx + bw + 4 and by < high and by + bh > low
               for bx, by, bw, bh in cards if (bx, by, bw, bh) not in ends)


def route_links(links, boxes: dict[str, Box], cards: list[Box]):
    """Per link: ((exitX, entryX), orthogonal waypoints, label offset). An edge leaves its source on the side
    facing the target, runs to a vertical channel in the gap between them (free of cards where one can be
    found, one channel per edge of the gap so parallel edges never share a track), and enters the target
    on the facing side; labels whose anchors would coincide are moved apart."""
    used: dict[tuple[int, int], int] = {}
    anchors: list[tuple[float, float]] = []
    out = []
    for link in links:
        s, t = boxes[link.source], boxes[link.target]
        sx, sy = s[0] + s[2] / 2, s[1] + s[3] / 2
        tx, ty = t[0] + t[2] / 2, t[1] + t[3] / 2
        rightward = tx >= sx
        x0 = s[0] + s[2] if rightward else s[0]
        x1 = t[0] if rightward else t[0] + t[2]
        key = (round(min(x0, x1) / 20), round(max(x0, x1) / 20))
        n = used.get(key, 0)
        used[key] = n + 1
        if abs(ty - sy) < 1 and n == 0 and ((rightward and x1 > x0) or (not rightward and x1 < x0)):
            points: list[tuple[float, float]] = []   # straight across, nothing to bend
            anchor = ((x0 + x1) / 2, sy)
        else:
            mid = (x0 + x1) / 2 + (n + 1) // 2 * (1 if n % 2 else -1) * CHANNEL_STEP   # 0, +1, -1, +2 ...
            offsets = [0.0] + [k * CHANNEL_STEP * sign for k in range(1, 40) for sign in (1, -1)]
            channel = mid
            for delta in offsets:
                if not _blocked(mid + delta, sy, ty, cards, (s, t)):
                    channel = mid + delta
                    break
            points = [(channel, sy), (channel, ty)]
            anchor = (channel, (sy + ty) / 2)
        dy = 0.0
        while any(abs(anchor[0] - ax) < 60 and abs(anchor[1] + dy - ay) < LABEL_STEP for ax, ay in anchors):
            dy += LABEL_STEP
        if link_text(link):
            anchors.append((anchor[0], anchor[1] + dy))
        out.append(((1.0, 0.0) if rightward else (0.0, 1.0), points, dy))
    return out


def component_label(component, result) -> str:
    """Name, kind, and the key figures (numbers via planner.units), one per line."""
    catalog = default_catalog()
    lines = [one_line(component.name), catalog[component.kind].label if component.kind in catalog else component.kind]
    figures = figures_line(component, result)
    if figures:
        lines.append(figures)
    return "\n".join(lines)


def group_rects(plan) -> dict[str, tuple[float, float, float, float]]:
    """Absolute (x, y, width, height) of every group: its members' cards and nested groups, padded,
    with a title band on top (as the canvas frames it); an empty group gets a default box in a row
    below the drawing."""
    members = members_by_group(plan)
    parents = effective_parents(plan)
    direct_children = {parent: [g.id for g in groups] for parent, groups in children_by_parent(plan).items()}
    rects: dict[str, tuple[float, float, float, float]] = {}
    visiting: set[str] = set()

    def fit(group_id: str) -> tuple[float, float, float, float] | None:
        if group_id in rects:
            return rects[group_id]
        if group_id in visiting:
            return None
        visiting.add(group_id)
        boxes = [(c.position.x - CARD_W / 2, c.position.y - CARD_H / 2, c.position.x + CARD_W / 2,
                  c.position.y + CARD_H / 2) for c in plan.components if c.group == group_id]
        for child in direct_children.get(group_id, []):
            rect = fit(child)
            if rect is not None and members[child]:
                boxes.append((rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3]))
        if not boxes:
            return None
        x0 = min(b[0] for b in boxes) - GROUP_PADDING
        y0 = min(b[1] for b in boxes) - GROUP_PADDING - GROUP_TITLE_H
        x1 = max(b[2] for b in boxes) + GROUP_PADDING
        y1 = max(b[3] for b in boxes) + GROUP_PADDING
        rects[group_id] = (x0, y0, x1 - x0, y1 - y0)
        return rects[group_id]

    for group in plan.groups:
        fit(group.id)
    bottom = max([r[1] + r[3] for r in rects.values()]
                 + [c.position.y + CARD_H / 2 for c in plan.components] + [0.0]) + 60
    empty = [g for g in plan.groups if g.id not in rects]
    for i, group in enumerate(empty):
        rects[group.id] = (i * (EMPTY_GROUP[0] + 40), bottom, *EMPTY_GROUP)
    for group in empty:   # an empty group inside a non-empty one: keep it inside its parent's frame
        parent = parents[group.id]
        if parent in rects and parent not in {g.id for g in empty}:
            x, y, w, h = rects[parent]
            rects[group.id] = (x + GROUP_PADDING, y + h, *EMPTY_GROUP)
            rects[parent] = (x, y, max(w, EMPTY_GROUP[0] + 2 * GROUP_PADDING), h + EMPTY_GROUP[1] + GROUP_PADDING)
    return rects


def _geometry(cell: ET.Element, x: float, y: float, width: float, height: float) -> None:
    ET.SubElement(cell, "mxGeometry", x=f"{x:g}", y=f"{y:g}", width=f"{width:g}", height=f"{height:g}",
                  **{"as": "geometry"})
