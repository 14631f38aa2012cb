"""
What every importer builds: a `Draft` of components, links and groups keyed by the source's own
names, turned into a valid, laid-out `Plan` and an `ImportSummary` by `Draft.to_plan`.

- Component ids: the Archplan id the source carries (an export's labels, tags or cell ids) when it is
  a valid, unused id; else a readable id from the name (planner.model.new_id).
- Links: duplicates merged, links to the component itself dropped; synchronous requests that would
  go round in a circle (A calls B, B calls A: normal in a real system, infinite load in the model)
  keep their first direction and the closing link becomes async, with a note in the summary.
- A plan without clients gets one ("Users") calling the entry points the source exposes (published
  ports, Ingresses, public load balancers), so the imported plan computes traffic at once.
- Counts the source states (replicas, count, desired capacity) are pinned; the rest stay "auto".
- Positions: as drawn when the source is a drawing that places every component, else the layered
  layout of planner/layout.py, groups kept together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.graph import back_edges
from archplan.planner.importers.kinds import behaviour
from archplan.planner.importers.safe import ImportFailure
from archplan.planner.layout import plan_layout
from archplan.planner.model import ID_PATTERN, Component, Group, Link, Plan, Position, new_id

LINK_KINDS = ("request", "async", "replication", "event", "health")
MAX_COMPONENTS = 5_000
MAX_LINKS = 50_000
MAX_INSTANCES = 1_000_000
_ID = re.compile(ID_PATTERN)


@dataclass
class Item:
    """One imported component before it has its plan id."""

    key: str                      # the source's address: "service web", "aws_db_instance.main", a cell id
    name: str
    kind: str
    rule: str                     # why this kind (shown in the summary)
    recognised: bool = True       # False: a generic component standing in for something unknown
    instances: int | None = None  # a count the source states (pinned), else auto
    group: str | None = None      # a group key
    notes: list[str] = field(default_factory=list)
    id_hint: str | None = None
    entry: bool = False           # users reach it directly (published port, Ingress, public LB)
    position: tuple[float, float] | None = None  # where a drawing put it (kept when every item has one)


@dataclass
class Row:
    """One line of the import summary."""

    source: str
    name: str
    kind: str
    instances: str
    rule: str


@dataclass
class ImportSummary:
    """What an import mapped, and what it could not."""

    fmt: str
    source: str
    rows: list[Row] = field(default_factory=list)
    links: int = 0
    groups: int = 0
    generic: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def headline(self) -> str:
        text = (f"Imported {len(self.rows)} components, {self.links} links and {self.groups} groups "
                f"from {self.fmt} ({self.source})")
        if self.generic:
            text += f"; {len(self.generic)} unknown, imported as generic components"
        return text

    def lines(self) -> list[str]:
        out = [self.headline()]
        out += [f"note: {n}" for n in self.notes]
        if self.skipped:
            shown = ", ".join(self.skipped[:12]) + (f" and {len(self.skipped) - 12} more" if len(self.skipped) > 12
                                                    else "")
            out.append(f"not components (networking, permissions, settings): {shown}")
        return out

    def as_dict(self) -> dict:
        return {"format": self.fmt, "source": self.source, "links": self.links, "groups": self.groups,
                "components": [vars(r) for r in self.rows], "generic": list(self.generic),
                "skipped": list(self.skipped), "notes": list(self.notes)}


@dataclass
class Imported:
    plan: Plan
    summary: ImportSummary


class Draft:
    """Components, links and groups as an importer finds them, keyed by source names."""

    def __init__(self, fmt: str, source: str):
        self.fmt = fmt
        self.source = source
        self.items: dict[str, Item] = {}
        self.links: list[tuple[str, str, str, str]] = []   # (source key, target key, kind, label)
        self.groups: dict[str, tuple[str, str, str | None]] = {}  # key -> (name, kind, parent key)
        self.group_hints: dict[str, str] = {}  # key -> the group id an export carries
        self.skipped: list[str] = []
        self.notes: list[str] = []
        self.has_clients = False
        self.exact_pairs: set[frozenset[str]] = set()  # pairs an export's own link list gave: no guessing there
        self._linked: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------ building
    def add(self, item: Item, what: str = "component") -> Item:
        if item.key in self.items:
            raise ImportFailure(f"{self.source}: {what} {item.key!r} is defined twice")
        if len(self.items) >= MAX_COMPONENTS:
            raise ImportFailure(f"{self.source}: more than {MAX_COMPONENTS:,} components; import a smaller part")
        if item.kind not in default_catalog():
            raise ImportFailure(f"{self.source}: {item.key!r} maps to the unknown kind {item.kind!r}")
        if item.instances is not None:
            item.instances = max(1, min(MAX_INSTANCES, int(item.instances)))
        if behaviour(item.kind) is Behaviour.CLIENT:
            self.has_clients = True
            item.instances = None
        item.name = " ".join(str(item.name).split())[:200] or item.key[:200]
        self.items[item.key] = item
        return item

    def group(self, key: str, name: str, kind: str = "group", parent: str | None = None,
              id_hint: str | None = None) -> str:
        if key not in self.groups:
            self.groups[key] = (" ".join(str(name).split())[:200] or key, kind, parent)
            if id_hint:
                self.group_hints[key] = id_hint
        return key

    def link(self, source: str, target: str, kind: str | None = None, label: str = "", exact: bool = False) -> None:
        """A link from `source` to `target` (item keys); its kind from the two kinds when not given.
        `exact` links come from an export's own list; a guessed link between the same two is dropped."""
        if source == target or source not in self.items or target not in self.items:
            return
        pair = frozenset((source, target))
        if exact:
            self.exact_pairs.add(pair)
        elif pair in self.exact_pairs:
            return
        from archplan.planner.importers.kinds import link_kind

        kind = kind or link_kind(self.items[source].kind, self.items[target].kind)
        if len(self.links) >= MAX_LINKS:
            raise ImportFailure(f"{self.source}: more than {MAX_LINKS:,} links; import a smaller part")
        if (source, target) in self._linked:
            return
        self._linked.add((source, target))
        self.links.append((source, target, kind, " ".join(label.split())[:200]))

    # ------------------------------------------------------------------ the plan
    def exact_links(self, entries) -> None:
        """The link list an Archplan export keeps ([{source, target, kind}] by component id)."""
        by_id = {item.id_hint: key for key, item in self.items.items() if item.id_hint}
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            source, target = by_id.get(str(entry.get("source"))), by_id.get(str(entry.get("target")))
            kind = entry.get("kind") if entry.get("kind") in LINK_KINDS else None
            if source and target:
                self.link(source, target, kind, exact=True)

    def to_plan(self, name: str, description: str = "") -> Imported:
        if not self.items:
            raise ImportFailure(f"{self.source}: found nothing to import (no {self._nothing()})")
        if not self.has_clients and any(i.entry for i in self.items.values()):
            users = self.add(Item("(users)", "Users", "client.web", "added: traffic enters at the entry points",
                                  notes=["Added by the import: the users reach the system's entry points. "
                                         "Set the traffic profile to what the system serves."]))
            for item in list(self.items.values()):
                if item.entry and item is not users:
                    self.link(users.key, item.key, "request")
        taken: set[str] = set()
        ids: dict[str, str] = {}
        for key, item in self.items.items():
            hint = item.id_hint
            ids[key] = hint if hint and _ID.match(hint) and hint not in taken else new_id(item.name, taken)
            taken.add(ids[key])
        group_ids: dict[str, str] = {}
        for key, (gname, _kind, _parent) in self.groups.items():
            hint = self.group_hints.get(key)
            group_ids[key] = hint if hint and _ID.match(hint) and hint not in taken else new_id(gname or key, taken)
            taken.add(group_ids[key])
        links = self._acyclic_links()
        summary = ImportSummary(self.fmt, self.source, skipped=list(self.skipped), notes=list(self.notes))
        components = []
        for key, item in self.items.items():
            notes = "\n".join([f"Imported from {self.fmt}: {key} ({item.rule})."] + item.notes)
            components.append(Component(
                id=ids[key], kind=item.kind, name=item.name, instances=item.instances or "auto",
                group=group_ids.get(item.group) if item.group else None, notes=notes[:20_000]))
            summary.rows.append(Row(key, item.name, item.kind, str(item.instances or "auto"), item.rule))
            if not item.recognised:
                summary.generic.append(key)
        used = {c.group for c in components if c.group}
        groups = []
        for key, (gname, gkind, parent) in self.groups.items():
            parent_id = group_ids.get(parent) if parent else None
            groups.append(Group(id=group_ids[key], name=gname, kind=gkind, parent=parent_id))
        groups = _drop_empty_groups(groups, used)
        plan_links = []
        for source, target, kind, label in links:
            plan_links.append(Link(id=new_id(f"{ids[source]}-{ids[target]}", taken), source=ids[source],
                                   target=ids[target], kind=kind, label=label))
            taken.add(plan_links[-1].id)
        summary.links, summary.groups = len(plan_links), len(groups)
        plan = Plan(name=" ".join(name.split())[:200] or "Imported plan",
                    description=description or summary.headline(), components=components, links=plan_links,
                    groups=groups)
        drawn = {ids[k]: i.position for k, i in self.items.items() if i.position is not None}
        positions = drawn if len(drawn) == len(self.items) else plan_layout(plan)
        for component in plan.components:
            x, y = positions[component.id]
            component.position = Position(x=x, y=y)
        return Imported(plan, summary)

    def _nothing(self) -> str:
        return {"compose": "services", "kubernetes": "workloads", "terraform": "resources or modules",
                "drawio": "shapes", "mermaid": "nodes"}.get(self.fmt, "components")

    def _acyclic_links(self) -> list[tuple[str, str, str, str]]:
        """Links with request cycles broken: the link closing a cycle becomes async (noted)."""
        succ: dict[str, list[str]] = {key: [] for key in self.items}
        for source, target, kind, _label in self.links:
            if kind == "request":
                succ[source].append(target)
        back = back_edges(list(self.items), succ)
        out = []
        for source, target, kind, label in self.links:
            if kind == "request" and (source, target) in back:
                kind = "async"
                self.notes.append(f"{self.items[source].name} -> {self.items[target].name} closes a loop of "
                                  "synchronous calls: imported as async (a request cycle has no finite load)")
            out.append((source, target, kind, label))
        return out


def _drop_empty_groups(groups: list[Group], used: set[str]) -> list[Group]:
    """Groups holding no component, directly or through nested groups, are left out."""
    children: dict[str, list[str]] = {}
    for g in groups:
        if g.parent:
            children.setdefault(g.parent, []).append(g.id)

    def holds(gid: str, seen: set[str]) -> bool:
        if gid in used:
            return True
        seen.add(gid)
        return any(holds(c, seen) for c in children.get(gid, []) if c not in seen)

    kept = {g.id for g in groups if holds(g.id, set())}
    return [g.model_copy(update={"parent": g.parent if g.parent in kept else None}) for g in groups if g.id in kept]


def pin(value) -> int | None:
    """A stated count as a pinned instance number, or None when it is not a positive whole number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number < 1:
        return None
    return int(min(number, MAX_INSTANCES))
