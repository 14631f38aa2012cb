"""
Mermaid flowchart (``flowchart`` / ``graph``) -> plan.

Nodes become components, subgraphs groups, arrows links. A node belongs to the subgraph where it
first appears.

- Kind: the ``%% archplan`` comment an Archplan export writes after each node (id, kind, count);
  else the words of the node's label ("Orders DB (Postgres)", "Redis"); else its shape (a cylinder
  ``[( )]`` is a database, a subroutine ``[[ ]]`` a queue, a hexagon ``{{ }}`` a health check, a
  stadium ``([ ])`` a client, an asymmetric ``> ]`` an external API).
- Instances: the comment's count, else a "×N" in the label.
- Link kind: a thick arrow (``==>``) is an event, a dotted one (``-.->``) async, or replication /
  health when its ends say so (a primary to its replica, a health check to what it watches); a plain
  arrow is a request.
- Chains (``a --> b --> c``), ``&`` (``a & b --> c``) and labels on arrows (``-->|text|``,
  ``-- text -->``) are understood; styling lines (classDef, class, style, linkStyle, click) are ignored.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from archplan.planner import units
from archplan.planner.catalog import default_catalog
from archplan.planner.importers.draft import Draft, Imported, Item, pin
from archplan.planner.importers.kinds import link_kind, name_kind, refine_replica
from archplan.planner.importers.safe import Budget, ImportFailure

MAX_LINE = 20_000
#: shape opener -> (closer, kind when the label says nothing)
SHAPES = (("(((", ")))", None), ("((", "))", None), ("([", "])", "client.web"), ("[(", ")]", "db.postgres"),
          ("[[", "]]", "queue.rabbitmq"), ("{{", "}}", "obs.healthcheck"), ("[/", "/]", None), ("[\\", "\\]", None),
          ("(", ")", None), ("[", "]", None), ("{", "}", None), (">", "]", "ext.api"))
_NODE_ID = re.compile(r"[A-Za-z0-9_][\w-]*")
_ARROW = re.compile(r"\s*(<?(?:={2,}|-{2,}|-?\.+-|~{3})[>xo]?)\s*(?:\|([^|]*)\|)?\s*")
_TEXT_ARROW = re.compile(r"(--|==|-\.)\s+([^|>]+?)\s+(-->|==>|\.->|---|===)")
_META = re.compile(r"%%\s*archplan\s+(\S+)\s+(.*)")
_COUNT = re.compile(r"×\s*([0-9.,]+\s*[KMB]?)")
_ENTITY = re.compile(r"#(\d+|[a-z]+);")
IGNORED = ("classDef", "class ", "style ", "linkStyle", "click ", "direction ", "accTitle", "accDescr")


def read(path: Path) -> Imported:
    files = sorted(p for p in path.iterdir() if p.suffix in (".mmd", ".mermaid")) if path.is_dir() else [path]
    if len(files) != 1:
        raise ImportFailure(f"{path}: {len(files)} Mermaid files in this folder; import one of them")
    file = files[0]
    return _Parser(Budget().read(file), str(file)).parse(file.stem)


def _decode(label: str) -> str:
    label = label.strip()
    if len(label) >= 2 and label[0] == '"' and label[-1] == '"':
        label = label[1:-1]
    label = re.sub(r"<br\s*/?>", "\n", label)

    def entity(match: re.Match) -> str:
        code = match.group(1)
        return chr(int(code)) if code.isdigit() and int(code) < 0x110000 else html.unescape(f"&{code};")

    return _ENTITY.sub(entity, label).replace("`", "").strip()


class _Parser:
    def __init__(self, text: str, source: str):
        self.text = text
        self.draft = Draft("mermaid", source)
        self.labels: dict[str, tuple[str, str | None]] = {}   # node -> (label, shape kind)
        self.meta: dict[str, dict[str, str]] = {}
        self.order: list[str] = []
        self.node_group: dict[str, str | None] = {}
        self.edges: list[tuple[str, str, str, str]] = []
        self.stack: list[str] = []
        self.title: str | None = None

    def parse(self, fallback: str) -> Imported:
        lines = self.text.splitlines()
        if lines and lines[0].strip() == "---":  # front matter
            end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
            if end is None:
                raise ImportFailure(f"{self.draft.source}: front matter (---) is not closed")
            for line in lines[1:end]:
                if line.strip().startswith("title:"):
                    self.title = _decode(line.split(":", 1)[1])
            lines = lines[end + 1:]
        header = False
        for number, raw in enumerate(lines, 1):
            if len(raw) > MAX_LINE:
                raise ImportFailure(f"{self.draft.source}: line {number} is longer than {MAX_LINE:,} characters")
            line = raw.strip()
            meta = _META.match(line)
            if meta:
                self.meta[meta.group(1)] = dict(p.split("=", 1) for p in meta.group(2).split() if "=" in p)
                continue
            if not line or line.startswith("%%"):
                continue
            if not header:
                if line.split()[0] not in ("flowchart", "graph"):
                    raise ImportFailure(f"{self.draft.source}: line {number}: only Mermaid flowcharts are imported "
                                        f"(found {line.split()[0]!r})")
                header = True
                continue
            self._statement(line.rstrip(";"), number)
        if self.stack:
            raise ImportFailure(f"{self.draft.source}: subgraph {self.stack[-1]!r} is not closed with 'end'")
        self._build()
        return self.draft.to_plan(self.title or fallback)

    # ------------------------------------------------------------------ statements
    def _statement(self, line: str, number: int) -> None:
        if line.startswith(IGNORED):
            return
        if line == "end":
            if not self.stack:
                raise ImportFailure(f"{self.draft.source}: line {number}: 'end' without a subgraph")
            self.stack.pop()
            return
        if line.startswith("subgraph"):
            self._subgraph(line[len("subgraph"):].strip(), number)
            return
        line = _TEXT_ARROW.sub(lambda m: f"{m.group(1)[0]}{m.group(3)}|{m.group(2)}|", line)
        pos, previous = 0, None
        while True:
            nodes, pos = self._nodes(line, pos, number)
            if previous is not None:
                for a in previous[0]:
                    for b in nodes:
                        self.edges.append((a, b, previous[1], previous[2]))
            arrow = _ARROW.match(line, pos)
            if pos >= len(line) or arrow is None:
                break
            previous = (nodes, arrow.group(1), _decode(arrow.group(2) or ""))
            pos = arrow.end()
        if pos < len(line):
            raise ImportFailure(f"{self.draft.source}: line {number}: cannot read {line[pos:pos + 40]!r}")

    def _subgraph(self, rest: str, number: int) -> None:
        match = re.match(r"([\w-]+)\s*(\[(.*)\])?$", rest)
        if match and (match.group(2) or " " not in rest):
            key, title = match.group(1), _decode(match.group(3) or match.group(1))
        else:
            title = _decode(rest)
            key = f"subgraph {number}"
        if len(self.stack) >= 32:
            raise ImportFailure(f"{self.draft.source}: line {number}: subgraphs nested deeper than 32")
        if key in self.draft.groups:
            raise ImportFailure(f"{self.draft.source}: line {number}: subgraph {key!r} is defined twice")
        self.draft.group(key, title or key, "group", self.stack[-1] if self.stack else None)
        self.stack.append(key)

    def _nodes(self, line: str, pos: int, number: int) -> tuple[list[str], int]:
        nodes = []
        while True:
            while pos < len(line) and line[pos] == " ":
                pos += 1
            match = _NODE_ID.match(line, pos)
            if match is None:
                raise ImportFailure(f"{self.draft.source}: line {number}: expected a node at {line[pos:pos + 40]!r}")
            node, pos = match.group(0), match.end()
            for opener, closer, shape_kind in SHAPES:
                if line.startswith(opener, pos):
                    end = self._close(line, pos + len(opener), closer, number)
                    self.labels.setdefault(node, (_decode(line[pos + len(opener):end]), shape_kind))
                    pos = end + len(closer)
                    break
            if line.startswith(":::", pos):
                cls = re.match(r":::[\w-]+", line[pos:])
                pos += cls.end() if cls else 3
            self._see(node)
            nodes.append(node)
            rest = re.match(r"\s*&\s*", line[pos:])
            if not rest:
                return nodes, pos
            pos += rest.end()

    def _close(self, line: str, start: int, closer: str, number: int) -> int:
        if line.startswith('"', start):
            quote = line.find('"', start + 1)
            end = line.find(closer, quote + 1) if quote >= 0 else -1
        else:
            end = line.find(closer, start)
        if end < 0:
            raise ImportFailure(f"{self.draft.source}: line {number}: a node label is not closed with {closer!r}")
        return end

    def _see(self, node: str) -> None:
        if node not in self.node_group:
            if len(self.node_group) >= 5_000:
                raise ImportFailure(f"{self.draft.source}: more than 5,000 nodes")
            self.node_group[node] = self.stack[-1] if self.stack else None
            self.order.append(node)

    # ------------------------------------------------------------------ the draft
    def _build(self) -> None:
        catalog = default_catalog()
        for node in self.order:
            label, shape_kind = self.labels.get(node, (node, None))
            lines = [ln.strip() for ln in label.split("\n") if ln.strip()] or [node]
            meta = self.meta.get(node, {})
            if meta.get("kind") in catalog:
                kind, rule, known = meta["kind"], "archplan comment", True
            else:
                kind, rule, known = name_kind(lines[0], *lines[1:])
                if not known and shape_kind:
                    kind, rule, known = refine_replica(shape_kind, lines[0]), "node shape", True
            count = pin(meta.get("count"))
            found = _COUNT.search(label) if count is None and "count" not in meta else None
            if found:
                try:
                    count = pin(units.parse_count(found.group(1).replace(",", "")))
                except units.UnitError:
                    count = None
            item = Item(node, lines[0], kind, rule, recognised=known, instances=count, group=self.node_group[node],
                        id_hint=meta.get("id"))
            if not known:
                item.notes.append(f"Node {label[:80]!r} matched no rule: imported as a generic service.")
            self.draft.add(item, "node")
        for key, meta in self.meta.items():  # an export's comment follows its subgraph line
            if key in self.draft.groups:
                if meta.get("id"):
                    self.draft.group_hints[key] = meta["id"]
                name, kind, parent = self.draft.groups[key]
                if meta.get("group") in ("zone", "region", "tier", "group"):
                    self.draft.groups[key] = (name, meta["group"], parent)
        for a, b, arrow, label in self.edges:
            if a == b:
                continue
            derived = link_kind(self.draft.items[a].kind, self.draft.items[b].kind)
            if "=" in arrow:
                kind = "event"
            elif "." in arrow:
                kind = derived if derived in ("replication", "health") else "async"
            else:
                kind = "request" if derived in ("request", "async") else derived
            self.draft.link(a, b, kind, label)


