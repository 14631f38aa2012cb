"""
The architecture diagram of the PDF design document, drawn as vector graphics by reportlab itself:
every name and figure is text (searchable and copyable with the embedded fonts), never set below 7 pt at
print size, and a plan of any size stays legible by splitting it across pages.

- Parts: each top-level zone / region / tier is a part (its nested groups included); components in no
  group form one more part. A plan without groups is split along its connected pieces, packed into
  parts in plan order. A part that does not fit one landscape page continues on the next.
- Layout of a part: layered left to right by the longest path along its links (cycles broken by
  planner.graph.back_edges), each layer a column; a column taller than the page wraps into the next.
- Pages: an overview first when there are several parts (one box per part with its components,
  instances and cost, arrows for the links between parts; a table when there are too many parts to
  draw legibly), then one page (or more) per part. Links to other parts are listed under the drawing.

Cards are drawn with fixed font sizes (name 8 pt bold, figures 7 pt), so no scaling ever shrinks text.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, NextPageTemplate, PageBreak

from archplan.exports.escaping import one_line
from archplan.exports.grouping import effective_parents
from archplan.exports.labels import figures_line
from archplan.exports.pdf_parts import Heading
from archplan.exports.pdf_style import MUTED, NAVY, P, cell, data_table, esc, fonts, with_font_runs
from archplan.planner import units
from archplan.planner.catalog import default_catalog
from archplan.planner.graph import back_edges, expand_links

CARD_W, CARD_H = 122.0, 50.0
GAP_X, GAP_Y = 28.0, 12.0
BAND_GAP = 26.0                    # between two bands of columns (a long chain wraps into the next band)
ICON = 14.0
NAME_PT, FIGURE_PT, LABEL_PT = 8.0, 7.0, 7.0
MIN_PT = 7.0                       # no text of the diagram is smaller than this at print size
HEADER = 52.0                      # heading and caption room on a diagram page
TOC_PARTS = 12                     # parts listed in the table of contents
OVERVIEW_MAX = 24                  # parts drawn as boxes on the overview; more are listed in a table
CATEGORY_COLOURS = {
    "edge": ("#2563eb", "#dbeafe"), "compute": ("#16a34a", "#dcfce7"), "data": ("#9333ea", "#f3e8ff"),
    "messaging": ("#ea580c", "#ffedd5"), "observability": ("#0891b2", "#cffafe"), "external": ("#db2777", "#fce7f3"),
}
LINK_STYLES = {  # colour, dash pattern, width
    "request": ("#475569", None, 0.9), "async": ("#2563eb", (4, 3), 0.9), "replication": ("#7c3aed", (1, 2), 1.3),
    "event": ("#c2410c", (6, 3), 1.3), "health": ("#9ca3af", (1, 2), 0.8),
}


@dataclass
class Part:
    title: str
    ids: list[str]


@dataclass
class DiagramPage:
    title: str
    bands: list[list[list[str]]]        # bands of columns of component ids, top to bottom
    outgoing: list[tuple[str, str, str]] = field(default_factory=list)   # (source, target, kind) off the page

    @property
    def ids(self) -> set[str]:
        return {cid for band in self.bands for column in band for cid in column}


def _band_height(band: list[list[str]]) -> float:
    return max(len(c) for c in band) * (CARD_H + GAP_Y) - GAP_Y


def _paginate(columns: list[list[str]], cols: int, room: float) -> list[list[list[list[str]]]]:
    """Columns in bands of `cols`, bands grouped into drawings no taller than `room`."""
    bands = [columns[k:k + cols] for k in range(0, len(columns), cols)]
    drawings: list[list[list[list[str]]]] = []
    height = 0.0
    for band in bands:
        h = _band_height(band)
        if drawings and height + BAND_GAP + h <= room:
            drawings[-1].append(band)
            height += BAND_GAP + h
        else:
            drawings.append([band])
            height = h
    return drawings


# ------------------------------------------------------------------------------------------ parts

def parts(plan) -> list[Part]:
    """The plan's components split into parts (see the module docstring), in plan order."""
    if plan.groups:
        parents = effective_parents(plan)

        def top(group_id: str) -> str:
            while parents.get(group_id) is not None:
                group_id = parents[group_id]
            return group_id

        by_top: dict[str, list[str]] = {}
        loose: list[str] = []
        for c in plan.components:
            if c.group is not None and c.group in parents:
                by_top.setdefault(top(c.group), []).append(c.id)
            else:
                loose.append(c.id)
        out = [Part(g.name, by_top[g.id]) for g in plan.groups if g.id in by_top]
        if loose:
            out.append(Part("Not in a zone" if out else plan.name, loose))
        return out
    # no groups: connected pieces (union-find over the links), packed into parts in plan order
    index = {c.id: c.id for c in plan.components}

    def find(x: str) -> str:
        while index[x] != x:
            index[x] = index[index[x]]
            x = index[x]
        return x

    for edge in expand_links(plan):
        if edge.source in index and edge.target in index:
            index[find(edge.source)] = find(edge.target)
    pieces: dict[str, list[str]] = {}
    for c in plan.components:
        pieces.setdefault(find(c.id), []).append(c.id)
    if len(pieces) == 1:
        return [Part(plan.name, [c.id for c in plan.components])]
    capacity = 30
    out: list[Part] = []
    for piece in pieces.values():
        if out and len(out[-1].ids) + len(piece) <= capacity:
            out[-1].ids.extend(piece)
        else:
            out.append(Part("", list(piece)))
    for i, part in enumerate(out, start=1):
        part.title = f"Part {i} of {len(out)}"
    return out


def _columns(ids: list[str], edges: list[tuple[str, str]], rows: int) -> list[list[str]]:
    """Layered columns (longest path from the part's entries), each at most `rows` cards tall."""
    inside = set(ids)
    succ: dict[str, list[str]] = {i: [] for i in ids}
    for s, t in edges:
        if s in inside and t in inside and s != t and t not in succ[s]:
            succ[s].append(t)
    back = back_edges(ids, succ)
    preds: dict[str, list[str]] = {i: [] for i in ids}
    for s, heads in succ.items():
        for t in heads:
            if (s, t) not in back:
                preds[t].append(s)
    layer: dict[str, int] = {}
    waiting = {i: len(preds[i]) for i in ids}
    ready = [i for i in ids if waiting[i] == 0]
    order = {i: n for n, i in enumerate(ids)}
    while ready:
        node = ready.pop(0)
        layer[node] = max((layer[p] + 1 for p in preds[node]), default=0)
        for t in succ[node]:
            if (node, t) not in back:
                waiting[t] -= 1
                if waiting[t] == 0:
                    ready.append(t)
    for i in ids:   # anything left (should not happen) goes last
        layer.setdefault(i, max(layer.values(), default=0))
    columns: list[list[str]] = []
    for value in sorted(set(layer.values())):
        members = sorted((i for i in ids if layer[i] == value), key=order.__getitem__)
        columns += [members[k:k + rows] for k in range(0, len(members), rows)]
    return columns


def _grid(frame: tuple[float, float]) -> tuple[int, int]:
    """(rows, columns) of cards a landscape page holds."""
    width, height = frame
    return (max(1, int((height - HEADER + GAP_Y) // (CARD_H + GAP_Y))),
            max(1, int((width + GAP_X) // (CARD_W + GAP_X))))


def pages(plan, frame: tuple[float, float]) -> list[DiagramPage]:
    """The drawings: the whole plan on one page when it fits, else every part on as many drawings as it
    needs (small parts share a page in the document: see diagram_story)."""
    rows, cols = _grid(frame)
    room = frame[1] - HEADER
    edges = [(e.source, e.target, e.link.kind) for e in expand_links(plan)]
    pairs = [(s, t) for s, t, _ in edges]
    whole = _paginate(_columns([c.id for c in plan.components], pairs, rows), cols, room)
    if len(whole) == 1:
        return [DiagramPage("", whole[0])]
    out: list[DiagramPage] = []
    for part in parts(plan):
        drawings = _paginate(_columns(part.ids, pairs, rows), cols, room)
        for n, bands in enumerate(drawings, start=1):
            title = part.title if len(drawings) == 1 else f"{part.title} ({n} of {len(drawings)})"
            page = DiagramPage(title, bands)
            on_page = page.ids
            page.outgoing = [(s, t, k) for s, t, k in edges if (s in on_page) != (t in on_page)]
            out.append(page)
    return out


# ------------------------------------------------------------------------------------------ drawing

def draw_text(canv, x: float, y: float, text: str, font: str, size: float) -> None:
    """Draw `text` with the per-glyph fallback fonts (exports.pdf_style) from (x, y)."""
    assert size >= MIN_PT
    for run_font, run in with_font_runs(text, font):
        canv.setFont(run_font, size)
        canv.drawString(x, y, run)
        x += stringWidth(run, run_font, size)


def _wrap(text: str, font: str, size: float, width: float, lines: int) -> list[str]:
    words, out, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if stringWidth(candidate, font, size) <= width or not line:
            line = candidate
        else:
            out.append(line)
            line = word
    out.append(line)
    fitted = []
    for item in out[:lines]:
        while stringWidth(item, font, size) > width and len(item) > 1:
            item = item[:-1]
        fitted.append(item)
    if len(out) > lines or fitted[-1] != out[min(len(out), lines) - 1]:
        fitted[-1] = fitted[-1][:-1] + "…"
    return fitted


@lru_cache(maxsize=256)
def _icon_file(kind: str, flavour: str) -> str | None:
    try:
        from archplan.exports.icons import icon_path

        path = icon_path(kind, flavour)
        return str(path) if path.is_file() else None
    except Exception:
        return None


def _icon(canv, kind: str, flavour: str, x: float, y: float) -> None:
    """The kind's icon, drawn once per document as a form and reused by every card."""
    path = _icon_file(kind, flavour)
    if path is None:
        return
    name = "icon" + hashlib.sha1(path.encode()).hexdigest()[:12]
    if not canv._doc.hasForm(name):
        canv.beginForm(name, lowerx=0, lowery=0, upperx=ICON, uppery=ICON)
        canv.drawImage(path, 0, 0, ICON, ICON, mask="auto", preserveAspectRatio=True)
        canv.endForm()
    canv.saveState()
    canv.translate(x, y)
    canv.doForm(name)
    canv.restoreState()


class DiagramDrawing(Flowable):
    """One page of the diagram: cards in columns and the links between them."""

    def __init__(self, plan, result, page: DiagramPage, edges: list | None = None):
        super().__init__()
        self.plan, self.result, self.page = plan, result, page
        on_page = page.ids
        self.components = {c.id: c for c in plan.components if c.id in on_page}
        self.edges = [e for e in (expand_links(plan) if edges is None else edges)
                      if e.source in on_page and e.target in on_page and e.source != e.target]
        self.width = max(len(band) for band in page.bands) * (CARD_W + GAP_X) - GAP_X
        self.height = sum(_band_height(b) for b in page.bands) + BAND_GAP * (len(page.bands) - 1)
        self.at: dict[str, tuple[float, float]] = {}
        top = self.height
        for band in page.bands:
            for ci, column in enumerate(band):
                for ri, cid in enumerate(column):
                    self.at[cid] = (ci * (CARD_W + GAP_X), top - ri * (CARD_H + GAP_Y) - CARD_H)
            top -= _band_height(band) + BAND_GAP

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        doc = getattr(self.canv, "_doctemplate", None)
        if getattr(doc, "layout_pass", 0) == 1:   # multiBuild's first pass only counts pages
            return
        for edge in self.edges:
            self._edge(edge)
        for cid in self.at:
            self._card(cid)

    def _edge(self, edge) -> None:
        canv = self.canv
        colour, dash, width = LINK_STYLES.get(edge.link.kind, LINK_STYLES["request"])
        (sx, sy), (tx, ty) = self.at[edge.source], self.at[edge.target]
        canv.saveState()
        canv.setStrokeColor(colors.HexColor(colour))
        canv.setFillColor(colors.HexColor(colour))
        canv.setLineWidth(width)
        if dash:
            canv.setDash(*dash)
        if ty + CARD_H < sy - 1 and tx <= sx:   # into a later band: bottom side to top side
            x0, y0, x1, y1 = sx + CARD_W / 2, sy, tx + CARD_W / 2, ty + CARD_H
            mid = (y0 + y1) / 2
            path = canv.beginPath()
            path.moveTo(x0, y0)
            path.curveTo(x0, mid, x1, mid, x1, y1)
            canv.drawPath(path, stroke=1, fill=0)
            angle = -math.pi / 2
        elif tx > sx:     # forward: right side to left side, a smooth S-curve
            x0, y0, x1, y1 = sx + CARD_W, sy + CARD_H / 2, tx, ty + CARD_H / 2
            mid = (x0 + x1) / 2
            path = canv.beginPath()
            path.moveTo(x0, y0)
            path.curveTo(mid, y0, mid, y1, x1, y1)
            canv.drawPath(path, stroke=1, fill=0)
            angle = 0.0
        else:           # same column or backwards: around the top of the cards
            x0, y0 = sx + CARD_W / 2 + 6, sy + CARD_H
            x1, y1 = tx + CARD_W / 2 - 6, ty + CARD_H
            lift = max(y0, y1) + GAP_Y * 0.8
            path = canv.beginPath()
            path.moveTo(x0, y0)
            path.curveTo(x0, lift, x1, lift, x1, y1)
            canv.drawPath(path, stroke=1, fill=0)
            angle = -math.pi / 2
        canv.setDash()
        self._arrow(x1, y1, angle)
        canv.restoreState()

    def _arrow(self, x: float, y: float, angle: float) -> None:
        """A filled arrowhead with its tip at (x, y), pointing along `angle` (0: to the right)."""
        size, half = 5.0, 2.4
        bx, by = x - size * math.cos(angle), y - size * math.sin(angle)
        px, py = -math.sin(angle) * half, math.cos(angle) * half
        path = self.canv.beginPath()
        path.moveTo(x, y)
        path.lineTo(bx + px, by + py)
        path.lineTo(bx - px, by - py)
        path.close()
        self.canv.drawPath(path, stroke=0, fill=1)

    def _card(self, cid: str) -> None:
        canv, _plan, result = self.canv, self.plan, self.result
        component = self.components[cid]
        kind = default_catalog().get(component.kind)
        stroke, fill = CATEGORY_COLOURS.get(kind.category if kind else "", ("#64748b", "#f1f5f9"))
        x, y = self.at[cid]
        r = result.components.get(cid)
        canv.saveState()
        canv.setFillColor(colors.HexColor(fill))
        canv.setStrokeColor(colors.HexColor("#dc2626" if result.bottleneck == cid else stroke))
        canv.setLineWidth(2.0 if result.bottleneck == cid else 0.8)
        canv.roundRect(x, y, CARD_W, CARD_H, 5, stroke=1, fill=1)
        _icon(canv, component.kind, component.flavour, x + 5, y + CARD_H - ICON - 5)
        f = fonts()
        canv.setFillColor(colors.HexColor("#1f2937"))
        name_x, name_w = x + ICON + 9, CARD_W - ICON - 13
        lines = _wrap(one_line(component.name), f["cond_bold"], NAME_PT, name_w, 3)
        top = y + CARD_H - 5 - NAME_PT
        for i, line in enumerate(lines):
            draw_text(canv, name_x, top - i * (NAME_PT + 1), line, f["cond_bold"], NAME_PT)
        figures = figures_line(component, result)
        if cid in result.spofs:
            figures += " · SPOF"
        canv.setFillColor(colors.HexColor("#b91c1c" if r is not None and r.saturated else "#4b5563"))
        figures_lines = _wrap(figures, f["cond"], FIGURE_PT, CARD_W - 10, 1)
        draw_text(canv, x + 5, y + 5, figures_lines[0], f["cond"], FIGURE_PT)
        canv.restoreState()


class OverviewDrawing(Flowable):
    """The parts of a large plan as boxes with their totals, and arrows for the links between parts."""

    BOX_W, BOX_H = 170.0, 56.0

    def __init__(self, plan, result, the_parts: list[Part], frame: tuple[float, float]):
        super().__init__()
        self.plan, self.result, self.parts = plan, result, the_parts
        owner = {cid: i for i, part in enumerate(the_parts) for cid in part.ids}
        self.flows: dict[tuple[int, int], int] = {}
        for e in expand_links(plan):
            a, b = owner.get(e.source), owner.get(e.target)
            if a is not None and b is not None and a != b:
                self.flows[(a, b)] = self.flows.get((a, b), 0) + 1
        rows = max(1, int((frame[1] - HEADER + GAP_Y) // (self.BOX_H + GAP_Y)))
        keys = [str(i) for i in range(len(the_parts))]
        columns = _columns(keys, [(str(a), str(b)) for a, b in self.flows], rows)
        self.at = {}
        height = max(len(c) for c in columns) * (self.BOX_H + GAP_Y) - GAP_Y
        for ci, column in enumerate(columns):
            for ri, key in enumerate(column):
                self.at[int(key)] = (ci * (self.BOX_W + GAP_X), height - ri * (self.BOX_H + GAP_Y) - self.BOX_H)
        self.width = len(columns) * (self.BOX_W + GAP_X) - GAP_X
        self.height = height

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        canv, f = self.canv, fonts()
        for (a, b), count in self.flows.items():
            (ax, ay), (bx, by) = self.at[a], self.at[b]
            canv.setStrokeColor(colors.HexColor("#475569"))
            canv.setLineWidth(min(3.0, 0.8 + 0.2 * count))
            canv.line(ax + self.BOX_W, ay + self.BOX_H / 2, bx, by + self.BOX_H / 2)
        for i, part in enumerate(self.parts):
            x, y = self.at[i]
            rs = [self.result.components[c] for c in part.ids if c in self.result.components]
            canv.setFillColor(colors.HexColor("#eaf2f5"))
            canv.setStrokeColor(NAVY)
            canv.roundRect(x, y, self.BOX_W, self.BOX_H, 6, stroke=1, fill=1)
            canv.setFillColor(NAVY)
            for n, line in enumerate(_wrap(one_line(part.title), f["cond_bold"], 9, self.BOX_W - 12, 2)):
                draw_text(canv, x + 6, y + self.BOX_H - 14 - n * 10, line, f["cond_bold"], 9)
            canv.setFillColor(MUTED)
            summary = (f"{len(part.ids)} components · {sum(r.count for r in rs):,} instances · "
                       f"{units.format_money(sum(r.monthly_cost for r in rs))}/month")
            draw_text(canv, x + 6, y + 6, _wrap(summary, f["cond"], 7, self.BOX_W - 12, 1)[0], f["cond"], 7)


# ------------------------------------------------------------------------------------------ story

def diagram_story(plan, result, enabled: bool, landscape: tuple[float, float]) -> list:
    """Flowables for the diagram pages, with the page-template switches they need."""
    if not enabled or not plan.components:
        why = "The diagram was left out of this export." if enabled is False else "The plan has no components."
        return [PageBreak(), Heading("Architecture diagram"), P(why, "note")]
    detail = pages(plan, landscape)
    names = {c.id: c.name for c in plan.components}
    story: list = [NextPageTemplate("landscape"), PageBreak(), Heading("Architecture diagram")]
    legend = ("Cards show each component with its peak load, deployed instances and utilisation; arrows follow "
              "the traffic (solid: requests, dashed: asynchronous and events, dotted: replication and health "
              "checks). A red frame marks the bottleneck.")
    if len(detail) == 1 and not detail[0].title:
        story += [P(esc(legend), "note"), DiagramDrawing(plan, result, detail[0])]
        return story + [NextPageTemplate("body"), PageBreak()]
    the_parts = parts(plan)
    story.append(P(esc(f"The plan is too large for one legible page: {len(the_parts)} parts on {len(detail)} "
                       "drawings, after an overview. ") + esc(legend), "note"))
    if len(the_parts) <= OVERVIEW_MAX:
        story += [Heading("Overview", level=1), OverviewDrawing(plan, result, the_parts, landscape)]
    else:
        rows = []
        for part in the_parts:
            rs = [result.components[c] for c in part.ids if c in result.components]
            title = part.title if part.title.startswith("Part ") else cell(part.title)
            rows.append([title, f"{len(part.ids):,}", f"{sum(r.count for r in rs):,}",
                         units.format_money(sum(r.monthly_cost for r in rs))])
        w = landscape[0]
        story += [Heading("Overview", level=1),
                  data_table(["Part", "Components", "Instances", "Cost / month"], rows,
                             [w * 0.5, w * 0.15, w * 0.15, w * 0.2], right={1, 2, 3}, chunk=60)]
    edges = expand_links(plan)
    listed = len(detail) <= TOC_PARTS   # more would push the contents past one page
    for page in detail:
        drawing = DiagramDrawing(plan, result, page, edges)
        story += [CondPageBreak(drawing.height + 60), Heading(page.title, level=1, toc=listed), drawing]
        if page.outgoing:
            shown = [f"{one_line(names[s])} → {one_line(names[t])}" + ("" if k == "request" else f" ({k})")
                     for s, t, k in page.outgoing[:12]]
            more = len(page.outgoing) - len(shown)
            text = "Links to other parts: " + "; ".join(shown) + (f"; and {more} more" if more > 0 else "") + "."
            story.append(P(esc(text), "note"))
    return story + [NextPageTemplate("body"), PageBreak()]


__all__ = ["MIN_PT", "DiagramDrawing", "OverviewDrawing", "diagram_story", "pages", "parts"]
