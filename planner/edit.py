"""
Pure edit primitives over a Plan, keeping its invariants (unique ids, links between existing ends).

These are the only functions that mutate a plan in place. The GUI's undo commands call them through
ui/document.py; the CLI and the Python API call them directly. Each returns what undo needs (the
removed objects and their positions) so that an undo restores the exact previous state.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from archplan.planner.io import describe_validation_error
from archplan.planner.model import Component, Group, Link, Plan, new_id


class EditError(ValueError):
    """An edit would break the plan's invariants; the plan is left unchanged."""


def _validated(model_cls, data: dict[str, Any], what: str):
    try:
        return model_cls.model_validate(data)
    except ValidationError as exc:
        raise EditError(f"{what}: {describe_validation_error(exc)}") from None


def _changed(current, changes: dict[str, Any], no_field: str, what: str) -> tuple[dict[str, Any], Any]:
    """(the changed fields' previous values, `current` with `changes` applied and validated as a whole).

    EditError "<no_field> 'x'" for a field the model does not have, "<what>: ..." for a value it refuses;
    `current` itself is never touched."""
    data = current.model_dump()
    unknown = set(changes) - set(data)
    if unknown:
        raise EditError(f"{no_field} {sorted(unknown)[0]!r}")
    return {k: data[k] for k in changes}, _validated(type(current), {**data, **changes}, what)


def all_ids(plan: Plan) -> set[str]:
    return {c.id for c in plan.components} | {lk.id for lk in plan.links} | {g.id for g in plan.groups}


def _index(items: list, item_id: str, what: str) -> int:
    for i, item in enumerate(items):
        if item.id == item_id:
            return i
    raise EditError(f"no {what} with id {item_id!r}")


# ------------------------------------------------------------------------------------ components

def add_component(plan: Plan, component: Component, index: int | None = None) -> int:
    if component.id in all_ids(plan):
        raise EditError(f"id {component.id!r} is already used")
    if component.group is not None and component.group not in {g.id for g in plan.groups}:
        raise EditError(f"component {component.id!r} is in unknown group {component.group!r}")
    index = len(plan.components) if index is None else max(0, min(index, len(plan.components)))
    plan.components.insert(index, component)
    return index


def new_component(plan: Plan, kind: str, name: str | None = None, x: float = 0.0, y: float = 0.0,
                  **fields: Any) -> Component:
    """A component of `kind` with a fresh id and a unique readable name (not yet added)."""
    from archplan.planner.catalog import default_catalog

    catalog = default_catalog()
    if kind not in catalog:
        raise EditError(f"{kind!r} is not a known component kind")
    label = name or catalog[kind].label
    names = {c.name for c in plan.components}
    unique, n = label, 2
    while name is None and unique in names:
        unique, n = f"{label} {n}", n + 1
    cid = new_id(fields.pop("id", None) or kind.split(".")[-1], all_ids(plan))
    return _validated(Component, {"id": cid, "kind": kind, "name": unique, "position": {"x": x, "y": y}, **fields},
                      f"new {kind}")


def remove_component(plan: Plan, component_id: str) -> tuple[int, Component, list[tuple[int, Link]]]:
    """Remove a component and every link touching it. Returns (index, component, [(link index, link)])."""
    index = _index(plan.components, component_id, "component")
    removed_links = [(i, lk) for i, lk in enumerate(plan.links) if component_id in (lk.source, lk.target)]
    for i, _lk in reversed(removed_links):
        del plan.links[i]
    component = plan.components.pop(index)
    return index, component, removed_links


def restore_component(plan: Plan, index: int, component: Component, links: list[tuple[int, Link]]) -> None:
    """Undo of remove_component: put the component and its links back where they were."""
    add_component(plan, component, index)
    for i, link in links:
        plan.links.insert(min(i, len(plan.links)), link)


def update_component(plan: Plan, component_id: str, dry_run: bool = False, **changes: Any) -> dict[str, Any]:
    """Change fields of a component (validated as a whole). Returns the previous values of those fields.

    With dry_run the change is only validated (EditError if invalid); the plan is never half-changed."""
    index = _index(plan.components, component_id, "component")
    current = plan.components[index]
    if "id" in changes and changes["id"] != component_id:
        raise EditError("a component's id cannot change")
    old, updated = _changed(current, changes, "component has no field", current.name)
    if updated.group is not None and updated.group not in {g.id for g in plan.groups}:
        raise EditError(f"unknown group {updated.group!r}")
    if not dry_run:
        plan.components[index] = updated
    return old


def move_components(plan: Plan, positions: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Set absolute positions; returns the previous ones (for undo)."""
    old = {}
    for cid in positions:
        comp = plan.components[_index(plan.components, cid, "component")]
        old[cid] = (comp.position.x, comp.position.y)
    for cid, (x, y) in positions.items():
        update_component(plan, cid, position={"x": x, "y": y})
    return old


# ------------------------------------------------------------------------------------ links

def add_link(plan: Plan, link: Link, index: int | None = None) -> int:
    if link.id in all_ids(plan):
        raise EditError(f"id {link.id!r} is already used")
    ends = {c.id for c in plan.components} | {g.id for g in plan.groups}
    for end in (link.source, link.target):
        if end not in ends:
            raise EditError(f"link end {end!r} is not a component or group")
    index = len(plan.links) if index is None else max(0, min(index, len(plan.links)))
    plan.links.insert(index, link)
    return index


def add_links(plan: Plan, links: list[Link]) -> None:
    """Append several links, checked as `add_link` checks one, against one set of ids (a fix that watches
    every component of a 10,000-component plan adds thousands: one `add_link` each would be quadratic)."""
    ids = all_ids(plan)
    ends = {c.id for c in plan.components} | {g.id for g in plan.groups}
    for link in links:
        if link.id in ids:
            raise EditError(f"id {link.id!r} is already used")
        for end in (link.source, link.target):
            if end not in ends:
                raise EditError(f"link end {end!r} is not a component or group")
        ids.add(link.id)
    plan.links.extend(links)


def new_link(plan: Plan, source: str, target: str, kind: str | None = None, **fields: Any) -> Link:
    """A link with a fresh id; its kind is chosen by context when not given (see `default_link_kind`)."""
    kind = kind or default_link_kind(plan, source, target)
    lid = new_id(fields.pop("id", None) or f"{source}-to-{target}", all_ids(plan))
    if kind == "event" and "classes" not in fields:
        fields["classes"] = ["write", "media_write"]  # a service emits an event per write it handles
    return _validated(Link, {"id": lid, "source": source, "target": target, "kind": kind, **fields}, "new link")


def default_link_kind(plan: Plan, source: str, target: str) -> str:
    """request, except: primary -> replica is replication, into a queue / pub-sub or search index is
    async / event, and out of a health check is health."""
    from archplan.planner.catalog import Behaviour, default_catalog

    catalog = default_catalog()
    kinds = {c.id: catalog[c.kind].behaviour for c in plan.components}
    src, dst = kinds.get(source), kinds.get(target)
    if src is Behaviour.MONITOR:
        return "health"
    if src is Behaviour.SQL_PRIMARY and dst is Behaviour.SQL_REPLICA:
        return "replication"
    if dst in (Behaviour.QUEUE, Behaviour.PUBSUB):
        return "async"
    if src in (Behaviour.QUEUE, Behaviour.PUBSUB):
        return "async"
    if dst is Behaviour.SEARCH and src is not Behaviour.CLIENT:
        return "event"
    return "request"


def remove_link(plan: Plan, link_id: str) -> tuple[int, Link]:
    index = _index(plan.links, link_id, "link")
    return index, plan.links.pop(index)


def update_link(plan: Plan, link_id: str, dry_run: bool = False, **changes: Any) -> dict[str, Any]:
    index = _index(plan.links, link_id, "link")
    current = plan.links[index]
    data = current.model_dump()
    unknown = set(changes) - set(data)
    if unknown:
        raise EditError(f"link has no field {sorted(unknown)[0]!r}")
    if "id" in changes and changes["id"] != link_id:
        raise EditError("a link's id cannot change")
    old = {k: data[k] for k in changes}
    updated = _validated(Link, {**data, **changes}, f"link {link_id}")
    ends = {c.id for c in plan.components} | {g.id for g in plan.groups}
    for end in (updated.source, updated.target):
        if end not in ends:
            raise EditError(f"link end {end!r} is not a component or group")
    if not dry_run:
        plan.links[index] = updated
    return old


# ------------------------------------------------------------------------------------ groups

def add_group(plan: Plan, group: Group, members: Iterable[str] = (), index: int | None = None) -> dict[str, Any]:
    """Add a group and move `members` into it. Returns the members' previous groups."""
    if group.id in all_ids(plan):
        raise EditError(f"id {group.id!r} is already used")
    if group.parent is not None and group.parent not in {g.id for g in plan.groups}:
        raise EditError(f"unknown parent group {group.parent!r}")
    index = len(plan.groups) if index is None else max(0, min(index, len(plan.groups)))
    plan.groups.insert(index, group)
    previous = {}
    for cid in members:
        previous[cid] = plan.component(cid).group
        update_component(plan, cid, group=group.id)
    return previous


def remove_group(plan: Plan, group_id: str) -> tuple[int, Group, dict[str, str | None], list[tuple[int, Link]],
                                                     dict[str, str | None]]:
    """Remove a group: members and child groups move to its parent; links to or from it are removed."""
    index = _index(plan.groups, group_id, "group")
    group = plan.groups[index]
    members = {c.id: c.group for c in plan.components if c.group == group_id}
    children = {g.id: g.parent for g in plan.groups if g.parent == group_id}
    links = [(i, lk) for i, lk in enumerate(plan.links) if group_id in (lk.source, lk.target)]
    for i, _lk in reversed(links):
        del plan.links[i]
    for cid in members:
        update_component(plan, cid, group=group.parent)
    for gid in children:
        child_index = _index(plan.groups, gid, "group")
        plan.groups[child_index] = plan.groups[child_index].model_copy(update={"parent": group.parent})
    del plan.groups[_index(plan.groups, group_id, "group")]
    return index, group, members, links, children


def restore_group(plan: Plan, index: int, group: Group, members: dict[str, str | None],
                  links: list[tuple[int, Link]], children: dict[str, str | None]) -> None:
    plan.groups.insert(min(index, len(plan.groups)), group)
    for gid, parent in children.items():
        child_index = _index(plan.groups, gid, "group")
        plan.groups[child_index] = plan.groups[child_index].model_copy(update={"parent": parent})
    for cid, previous in members.items():
        update_component(plan, cid, group=previous)
    for i, link in links:
        plan.links.insert(min(i, len(plan.links)), link)


def update_group(plan: Plan, group_id: str, dry_run: bool = False, **changes: Any) -> dict[str, Any]:
    index = _index(plan.groups, group_id, "group")
    data = plan.groups[index].model_dump()
    if "id" in changes and changes["id"] != group_id:
        raise EditError("a group's id cannot change")
    old = {k: data[k] for k in changes if k in data}
    updated = _validated(Group, {**data, **changes}, f"group {group_id}")
    parents = {g.id: g.parent for g in plan.groups}
    parents[group_id] = updated.parent
    if updated.parent is not None and updated.parent not in parents:
        raise EditError(f"unknown parent group {updated.parent!r}")
    current, seen = updated.parent, {group_id}
    while current is not None:
        if current in seen:
            raise EditError(f"group {group_id!r} cannot be nested inside itself")
        seen.add(current)
        current = parents.get(current)
    if not dry_run:
        plan.groups[index] = updated
    return old


# ------------------------------------------------------------------------------------ plan-wide

def update_traffic(plan: Plan, dry_run: bool = False, **changes: Any) -> dict[str, Any]:
    old, updated = _changed(plan.traffic, changes, "traffic profile has no field", "traffic profile")
    if not dry_run:
        plan.traffic = updated
    return old


def update_settings(plan: Plan, dry_run: bool = False, **changes: Any) -> dict[str, Any]:
    old, updated = _changed(plan.settings, changes, "settings have no field", "settings")
    if not dry_run:
        plan.settings = updated
    return old


def update_plan(plan: Plan, dry_run: bool = False, **changes: Any) -> dict[str, Any]:
    """Name, description, notes and the practice run (planner.practice.record)."""
    allowed = {"name", "description", "notes", "practice"}
    if set(changes) - allowed:
        raise EditError(f"only {', '.join(sorted(allowed))} can be set here")
    old = {k: getattr(plan, k) for k in changes}
    for key, value in changes.items():  # validate on an empty plan: the real one is touched only if all pass
        try:
            Plan.__pydantic_validator__.validate_assignment(Plan.model_construct(), key, value)
        except ValidationError as exc:
            raise EditError(describe_validation_error(exc)) from None
    if not dry_run:
        for key, value in changes.items():
            setattr(plan, key, value)
    return old


def paste(plan: Plan, components: list[Component], links: list[Link], offset: tuple[float, float] = (40.0, 40.0)
          ) -> tuple[list[str], list[str]]:
    """Add copies of components (fresh ids, shifted by offset) and of the links among them.

    Links whose ends were not copied are dropped. Returns (new component ids, new link ids)."""
    taken = all_ids(plan)
    mapping: dict[str, str] = {}
    new_components = []
    groups = {g.id for g in plan.groups}
    for comp in components:
        cid = new_id(comp.id, taken)
        taken.add(cid)
        mapping[comp.id] = cid
        data = comp.model_dump()
        data.update(id=cid, position={"x": comp.position.x + offset[0], "y": comp.position.y + offset[1]},
                    group=comp.group if comp.group in groups else None)
        new_components.append(Component.model_validate(data))
    new_links = []
    for link in links:
        if link.source in mapping and link.target in mapping:
            lid = new_id(link.id, taken)
            taken.add(lid)
            bends = [{"x": p.x + offset[0], "y": p.y + offset[1]} for p in link.waypoints]
            data = link.model_dump()
            data.update(id=lid, source=mapping[link.source], target=mapping[link.target], waypoints=bends)
            new_links.append(Link.model_validate(data))
    for comp in new_components:
        add_component(plan, comp)
    for link in new_links:
        add_link(plan, link)
    return [c.id for c in new_components], [lk.id for lk in new_links]
