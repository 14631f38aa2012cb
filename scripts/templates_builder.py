"""
Blueprint: writes a built-in template as code, through the same edit primitives the app uses.

A template is an ordinary plan file (planner.io.save_plan). Writing it as code keeps every number
next to the sentence that justifies it, and lets `scripts/build_templates.py` regenerate all of them
after a catalog or engine change. A blueprint lays components on a grid (column, row -> card centre,
x step 260, y step 120, on the canvas's 20 px grid), composes the description from its parts, and
refuses to finish a plan that the engine rejects or that has an unexplained warning.

Description layout (tests/templates/test_builtin_templates.py relies on it):

    <summary>

    Traffic: <reasoning with the published figures> In the model: <DAU> DAU, ... -> <entry peak> peak.

    Design: <why these components>

    Known warnings: none. | Known warnings: <code> on <component name>: <why it is accepted>; ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from archplan.planner import edit, units
from archplan.planner.engine import compute
from archplan.planner.model import Group, Plan, Settings, TrafficProfile
from archplan.planner.result import PlanResult

#: Column step: a 200 px card (ui/canvas/style.py) plus 60 px, so that the frames of groups in
#: adjacent columns (18 px padding each) keep a gap. Row step: an 80 px card plus 40 px.
GRID_X = 260.0
GRID_Y = 120.0
ORIGIN_X = 120.0
ORIGIN_Y = 100.0


#: Third-party services that keep the generic flavour whatever platform the plan runs on.
SAAS_KINDS = frozenset({"ext.payments", "ext.api", "notify.chat", "notify.ticket"})


def slug(name: str) -> str:
    """The id planner.model.new_id makes of a name: 'write_api' -> 'write-api'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class BlueprintError(RuntimeError):
    """A template does not compute cleanly: fix the template, not the test."""


@dataclass
class Blueprint:
    """A plan under construction plus the parts of its description."""

    slug: str
    title: str
    summary: str
    traffic: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    flavour: str = "generic"   # the plan's platform: given to every component but clients and SaaS
    traffic_text: str = ""
    design_text: str = ""
    known_warnings: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.plan = Plan(name=self.title, traffic=TrafficProfile(**self.traffic),
                         settings=Settings(**self.settings))
        self._groups: dict[str, str] = {}

    # ------------------------------------------------------------------------------ building

    def group(self, gid: str, name: str, kind: str = "tier", parent: str | None = None) -> str:
        """A group; its id is suffixed with its kind ('edge' -> 'edge-tier') so that groups and
        components, which share one id space, never collide."""
        real = f"{slug(gid)}-{kind}"
        self._groups[gid] = real
        edit.add_group(self.plan, Group(id=real, name=name, kind=kind,
                                        parent=self._groups[parent] if parent else None))
        return real

    def add(self, cid: str, kind: str, name: str, col: float, row: float, group: str | None = None,
            notes: str = "", endpoints: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
            **fields: Any) -> str:
        """A component whose card centre sits on grid cell (col, row)."""
        cid = slug(cid)
        if not kind.startswith("client.") and kind not in SAAS_KINDS:
            fields.setdefault("flavour", self.flavour)
        component = edit.new_component(
            self.plan, kind, name=name, x=ORIGIN_X + col * GRID_X, y=ORIGIN_Y + row * GRID_Y, id=cid,
            group=self._groups[group] if group else None, notes=notes, endpoints=list(endpoints), **fields)
        if component.id != cid:
            raise BlueprintError(f"{self.slug}: id {cid!r} is taken")
        edit.add_component(self.plan, component)
        return cid

    def link(self, source: str, target: str, kind: str | None = None, **fields: Any) -> str:
        source, target = self._end(source), self._end(target)
        link = edit.new_link(self.plan, source, target, kind, **fields)
        edit.add_link(self.plan, link)
        return link.id

    def _end(self, name: str) -> str:
        """A link end: a component id, or 'group:<name>' for a group."""
        if name.startswith("group:"):
            return self._groups[name.removeprefix("group:")]
        return slug(name)

    def known(self, code: str, component: str, why: str) -> None:
        """Declare a warning the design accepts (the component by id)."""
        self.known_warnings[(code, slug(component))] = why

    # ------------------------------------------------------------------------------ finishing

    def describe(self, result: PlanResult) -> str:
        t = self.plan.traffic
        model = (f"In the model: {units.format_count(t.daily_active_users)} DAU; per user per day "
                 f"{units.format_count(t.reads_per_user)} read{'' if t.reads_per_user == 1 else 's'} and "
                 f"{units.format_count(t.writes_per_user)} write{'' if t.writes_per_user == 1 else 's'}; "
                 f"peak factor {t.peak_factor:g}: "
                 f"{units.format_qps(result.totals.entry_qps_avg)} average, "
                 f"{units.format_qps(result.totals.entry_qps_peak)} peak at the entry.")
        if self.known_warnings:
            names = {c.id: c.name for c in self.plan.components}
            known = "; ".join(f"{code} on {names[cid]}: {why}" for (code, cid), why in self.known_warnings.items())
        else:
            known = "none."
        return (f"{self.summary}\n\nTraffic: {self.traffic_text} {model}\n\nDesign: {self.design_text}\n\n"
                f"Known warnings: {known}")

    def finish(self) -> tuple[Plan, PlanResult]:
        """Compute, check the findings against the declared warnings, write the description."""
        result = compute(self.plan)
        errors = [f"{f.code}: {f.message}" for f in result.errors()]
        if errors:
            raise BlueprintError(f"{self.slug}: errors: " + " | ".join(errors))
        found = {(f.code, f.component or "") for f in result.warnings()}
        unexplained = found - set(self.known_warnings)
        if unexplained:
            messages = [f.message for f in result.warnings() if (f.code, f.component or "") in unexplained]
            raise BlueprintError(f"{self.slug}: unexplained warnings: " + " | ".join(messages))
        stale = set(self.known_warnings) - found
        if stale:
            raise BlueprintError(f"{self.slug}: declared warnings that no longer occur: {sorted(stale)}")
        edit.update_plan(self.plan, description=self.describe(result))
        return self.plan, result
