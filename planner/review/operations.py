"""
A fix is an ordered list of edit operations on the plan (docs/review-rules.md, "The contract").

One vocabulary, applied through planner.edit (the primitives the GUI's undo commands call too):
``set_instances``, ``set_redundancy``, ``set_param``, ``set_capacity``, ``set_component`` (other fields),
``swap_kind``, ``add_component``, ``remove_component``, ``add_link``, ``remove_link``, ``set_link`` (kind,
share, fan-out, classes), ``retarget_link`` (some traffic classes of a link to another target),
``insert_between`` (a cache, CDN or queue on a link), ``add_group``, ``move_to_group`` and ``set_settings``.

Operations are plain data (an `Op` is a name and its arguments, JSON-able), so a fix can be shown, saved,
compared and applied anywhere. New ids are chosen when the fix is built, from the plan it is built for
(`FixBuilder.new_id`: "replica", "replica-2", ...), so a fix is deterministic and its later operations can
name what its earlier ones add. `apply_operations` works on a copy and returns a valid plan, or raises
`FixError` and leaves the original untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archplan.planner import edit
from archplan.planner.catalog import default_catalog
from archplan.planner.model import TRAFFIC_CLASSES, Group, Link, Plan, consistency_problems, link_classes, new_id

#: Card footprint on the canvas (ui/canvas/style.py: 200 x 80) and the template grid steps.
CARD_W, CARD_H = 200.0, 80.0
STEP_X, STEP_Y = 260.0, 120.0


class FixError(ValueError):
    """A fix cannot be applied to this plan (it changed since the fix was built, or the edit is invalid)."""


@dataclass(frozen=True)
class Op:
    """One edit: its name and arguments (JSON values)."""

    name: str
    args: tuple[tuple[str, Any], ...]

    @classmethod
    def make(cls, op_name: str, /, **kwargs: Any) -> Op:
        if op_name not in APPLY:
            raise ValueError(f"unknown operation {op_name!r}")
        return cls(op_name, tuple((k, _frozen(v)) for k, v in kwargs.items() if v is not None))

    @property
    def kw(self) -> dict[str, Any]:
        return {k: _thawed(v) for k, v in self.args}

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.name, **self.kw}

    def describe(self) -> str:
        a = self.kw
        who = a.get("component") or a.get("link") or a.get("group") or ""
        if self.name == "set_instances":
            return f"{who}: instances {a['instances']}"
        if self.name == "set_redundancy":
            return f"{who}: redundancy {a['redundancy']}"
        if self.name == "set_param":
            return f"{who}: {a['param']} = {a['value']:g}"
        if self.name == "set_capacity":
            return f"{who}: capacity {a['field']} = {a['value']:g}"
        if self.name == "swap_kind":
            return f"{who}: kind -> {a['kind']}"
        if self.name == "add_component":
            return f"add {a['kind']} '{a['name']}' ({a['component']})"
        if self.name == "insert_between":
            classes = f" for {', '.join(a['classes'])}" if a.get("classes") else ""
            return f"insert {a['kind']} '{a['name']}' ({a['component']}) on link {who}{classes}"
        if self.name == "add_link":
            return f"link {a['source']} -> {a['target']} ({a.get('kind', 'request')})"
        if self.name == "retarget_link":
            classes = f" ({', '.join(a['classes'])})" if a.get("classes") else ""
            return f"link {who}{classes} -> {a['target']}"
        rest = ", ".join(f"{k}={v}" for k, v in a.items() if k not in ("component", "link", "group"))
        return f"{self.name.replace('_', ' ')} {who}" + (f": {rest}" if rest else "")


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return ("__dict__", tuple((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _thawed(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "__dict__":
        return {k: _thawed(v) for k, v in value[1]}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


@dataclass(frozen=True)
class Fix:
    """A finding's fix: what it does in one sentence, and the operations that do it."""

    rule: str
    component: str | None
    summary: str
    operations: tuple[Op, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "component": self.component, "summary": self.summary,
                "operations": [op.as_dict() for op in self.operations]}


@dataclass
class FixBuilder:
    """Collects the operations of one fix, reserving the ids it adds."""

    plan: Plan
    ops: list[Op] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.taken = edit.all_ids(self.plan)

    def new_id(self, prefix: str) -> str:
        cid = new_id(prefix, self.taken)
        self.taken.add(cid)
        return cid

    def op(self, op_name: str, /, **kwargs: Any) -> FixBuilder:
        self.ops.append(Op.make(op_name, **kwargs))
        return self

    def fix(self, rule: str, component: str | None, summary: str) -> Fix | None:
        return Fix(rule, component, summary, tuple(self.ops)) if self.ops else None


# ------------------------------------------------------------------------------------------ applying

def apply_operations(plan: Plan, operations) -> Plan:
    """A copy of the plan with the operations applied in order (FixError if one cannot be)."""
    # new lists, shared objects: the edit primitives replace a component, link, group or the settings with a
    # new object rather than changing one in place, so the original plan is never touched (and copying a large
    # plan deeply would cost more than computing it)
    copy = plan.model_copy(update={"components": list(plan.components), "links": list(plan.links),
                                   "groups": list(plan.groups)})
    operations = list(operations)
    i = 0
    while i < len(operations):
        op = operations[i]
        run = 1
        try:
            if op.name == "add_link":   # consecutive links are added together (one id set, not one per link)
                while i + run < len(operations) and operations[i + run].name == "add_link":
                    run += 1
                edit.add_links(copy, [_link(**o.kw) for o in operations[i:i + run]])
            else:
                APPLY[op.name](copy, **op.kw)
        except (edit.EditError, KeyError, ValueError, TypeError) as exc:
            failed = op if run == 1 else _first_failing(copy, operations[i:i + run])
            raise FixError(f"cannot {failed.describe()}: {exc}") from None
        i += run
    problems = consistency_problems(copy)  # each edit validated its object; this checks the plan as a whole
    if problems:
        raise FixError(f"the fixed plan is not valid: {'; '.join(problems[:3])}")
    return copy


def _set_instances(plan: Plan, component: str, instances: int | str) -> None:
    edit.update_component(plan, component, instances=instances)


def _set_redundancy(plan: Plan, component: str, redundancy: str) -> None:
    edit.update_component(plan, component, redundancy=redundancy)


def _set_param(plan: Plan, component: str, param: str, value: float) -> None:
    params = dict(plan.component(component).params)
    params[param] = value
    edit.update_component(plan, component, params=params)


def _set_capacity(plan: Plan, component: str, field: str, value: float | None) -> None:
    capacity = dict(plan.component(component).capacity)
    if value is None:
        capacity.pop(field, None)
    else:
        capacity[field] = value
    edit.update_component(plan, component, capacity=capacity)


def _set_component(plan: Plan, component: str, **fields: Any) -> None:
    edit.update_component(plan, component, **fields)


def _swap_kind(plan: Plan, component: str, kind: str, params: dict[str, float] | None = None,
               instances: int | str = "auto") -> None:
    """Another kind for the same box: links, name, group and data settings stay; parameters that the new
    kind does not take and capacity overrides (sized for the old kind's node) are dropped."""
    current = plan.component(component)
    specs = default_catalog()[kind].param_specs()
    kept = {k: v for k, v in current.params.items() if k in specs}
    kept.update(params or {})
    edit.update_component(plan, component, kind=kind, params=kept, capacity={}, instances=instances)


def _free_position(plan: Plan, x: float, y: float) -> tuple[float, float]:
    """The first grid spot near (x, y) where a new card overlaps none."""
    cards = [(c.position.x, c.position.y) for c in plan.components]
    for ring in range(1, 12):
        for dx, dy in ((0, 1), (1, 0), (1, 1), (0, -1), (-1, 0), (1, -1), (-1, 1), (-1, -1)):
            cx, cy = x + dx * ring * STEP_X, y + dy * ring * STEP_Y
            if all(abs(cx - ox) >= CARD_W or abs(cy - oy) >= CARD_H for ox, oy in cards):
                return cx, cy
    return x + STEP_X, y + STEP_Y


def _add_component(plan: Plan, component: str, kind: str, name: str, near: str | None = None,
                   group: str | None = None, **fields: Any) -> None:
    x = y = 0.0
    if near is not None:
        anchor = plan.component(near)
        x, y = _free_position(plan, anchor.position.x, anchor.position.y)
        if group is None:
            group = anchor.group
    comp = edit.new_component(plan, kind, name=name, x=x, y=y, id=component, group=group, **fields)
    if comp.id != component:
        raise edit.EditError(f"id {component!r} is already used")
    edit.add_component(plan, comp)


def _remove_component(plan: Plan, component: str) -> None:
    edit.remove_component(plan, component)


def _link(link: str, source: str, target: str, kind: str = "request", **fields: Any) -> Link:
    return Link(id=link, source=source, target=target, kind=kind, **fields)


def _add_link(plan: Plan, link: str, source: str, target: str, kind: str = "request", **fields: Any) -> None:
    edit.add_link(plan, _link(link, source, target, kind, **fields))


def _first_failing(plan: Plan, operations: list) -> Any:
    """Of a run of add_link operations that failed together, the first that fails on its own (for the message)."""
    trial = plan.model_copy(update={"links": list(plan.links)})
    for op in operations:
        try:
            _add_link(trial, **op.kw)
        except (edit.EditError, KeyError, ValueError, TypeError):
            return op
    return operations[0]


def _remove_link(plan: Plan, link: str) -> None:
    edit.remove_link(plan, link)


def _set_link(plan: Plan, link: str, **changes: Any) -> None:
    edit.update_link(plan, link, **changes)


def _split(plan: Plan, link: str, classes: list[str] | None, new_link: str) -> str:
    """The link carrying exactly `classes` of `link`: the link itself when it carries no others, else a
    new link with the same settings taking those classes (the original keeps the rest)."""
    current = plan.link(link)
    carried = list(link_classes(plan, current))
    moving = [c for c in carried if classes is None or c in classes]
    if not moving:
        raise edit.EditError(f"link {link!r} carries none of {classes}")
    if len(moving) == len(carried):
        return link
    staying = [c for c in TRAFFIC_CLASSES if c in carried and c not in moving]
    edit.update_link(plan, link, classes=staying)
    data = current.model_dump()
    data.update(id=new_link, classes=moving)
    edit.add_link(plan, Link.model_validate(data), plan.links.index(plan.link(link)) + 1)
    return new_link


def _retarget_link(plan: Plan, link: str, target: str, classes: list[str] | None = None,
                   new_link: str | None = None, **changes: Any) -> None:
    moved = _split(plan, link, classes, new_link or f"{link}-{target}")
    edit.update_link(plan, moved, target=target, **changes)


def _insert_between(plan: Plan, link: str, component: str, kind: str, name: str, out_link: str,
                    classes: list[str] | None = None, new_link: str | None = None, in_kind: str | None = None,
                    out_kind: str | None = None, out_classes: list[str] | None = None,
                    params: dict[str, float] | None = None, **fields: Any) -> None:
    """Put a new component on a link (for some of its classes): source -> new -> target."""
    current = plan.link(link)
    _add_component(plan, component, kind, name, near=current.target if current.target in
                   {c.id for c in plan.components} else None, params=params or {}, **fields)
    moved = _split(plan, link, classes, new_link or f"{link}-{component}")
    into = plan.link(moved)
    carried = list(link_classes(plan, into))
    edit.update_link(plan, moved, target=component, kind=in_kind or into.kind, classes=carried)
    edit.add_link(plan, Link(id=out_link, source=component, target=current.target, kind=out_kind or into.kind,
                             classes=out_classes or carried, label=into.label))


def _add_group(plan: Plan, group: str, name: str, kind: str = "zone", members: list[str] = ()) -> None:
    edit.add_group(plan, Group(id=group, name=name, kind=kind), members)


def _move_to_group(plan: Plan, component: str, group: str | None) -> None:
    edit.update_component(plan, component, group=group)


def _set_settings(plan: Plan, **changes: Any) -> None:
    edit.update_settings(plan, **changes)


APPLY = {
    "set_instances": _set_instances, "set_redundancy": _set_redundancy, "set_param": _set_param,
    "set_capacity": _set_capacity, "set_component": _set_component, "swap_kind": _swap_kind,
    "add_component": _add_component, "remove_component": _remove_component, "add_link": _add_link,
    "remove_link": _remove_link, "set_link": _set_link, "retarget_link": _retarget_link,
    "insert_between": _insert_between, "add_group": _add_group, "move_to_group": _move_to_group,
    "set_settings": _set_settings,
}
