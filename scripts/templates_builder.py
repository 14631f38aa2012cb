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

    Known findings: none. | Known findings: <RULE> on <component name>: <why it is accepted>; <RULE>: <why> ...

Every finding of the design review (planner/review) that a template keeps, whatever its severity, is
declared with the reason it is accepted (`Blueprint.known`); a few apply to every template the same way and
are explained once (`COMMON_FINDINGS`). A critical finding is never accepted.
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


#: Review findings that built-in templates carry for the same reason, explained in the same words
#: (added to a description only when the finding occurs).
COMMON_FINDINGS = {
    "REL-SPOF-ZONE": "the tiers drawn are logical: a deployment spreads each pool over two or three zones, which the "
                     "engine (independent failures) does not model",
    "COST-COMMIT": "prices are on-demand list prices so that templates compare: commit the steady baseline when "
                   "deploying",
    "OPS-HEALTH-MISSING": "health checks are drawn in the three_tier and monitoring templates, and without an "
                          "availability target this stays a note",
    "COST-EGRESS-TIERS": "the cost already applies the provider's egress tiers",
}

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
    known_findings: dict[tuple[str, str], str] = field(default_factory=dict)

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

    def known(self, rule: str, component: str | None, why: str) -> None:
        """Declare a review finding the design accepts: its rule id, the component by id (None: the plan)."""
        self.known_findings[(rule, slug(component) if component else "")] = why

    # ------------------------------------------------------------------------------ finishing

    def describe(self, result: PlanResult) -> str:
        t = self.plan.traffic
        model = (f"In the model: {units.format_count(t.daily_active_users)} DAU; per user per day "
                 f"{units.format_count(t.reads_per_user)} read{'' if t.reads_per_user == 1 else 's'} and "
                 f"{units.format_count(t.writes_per_user)} write{'' if t.writes_per_user == 1 else 's'}; "
                 f"peak factor {t.peak_factor:g}: "
                 f"{units.format_qps(result.totals.entry_qps_avg)} average, "
                 f"{units.format_qps(result.totals.entry_qps_peak)} peak at the entry.")
        found = {(f.rule, f.component or "") for f in result.findings}
        declared = dict(self.known_findings)
        for rule, why in COMMON_FINDINGS.items():
            if (rule, "") in found:
                declared.setdefault((rule, ""), why)
        if declared:
            names = {c.id: c.name for c in self.plan.components}
            known = "; ".join(f"{rule} on {names[cid]}: {why}" if cid else f"{rule}: {why}"
                              for (rule, cid), why in declared.items()) + "."
        else:
            known = "none."
        return (f"{self.summary}\n\nTraffic: {self.traffic_text} {model}\n\nDesign: {self.design_text}\n\n"
                f"Known findings: {known}")

    def finish(self) -> tuple[Plan, PlanResult]:
        """Compute, check the review's findings against the declared ones, write the description."""
        result = compute(self.plan)
        errors = [f"{f.rule}: {f.message}" for f in result.errors()]
        if errors:
            raise BlueprintError(f"{self.slug}: critical findings: " + " | ".join(errors))
        found = {(f.rule, f.component or "") for f in result.findings}
        accepted = set(self.known_findings) | {(rule, "") for rule in COMMON_FINDINGS}
        unexplained = found - accepted
        if unexplained:
            messages = [f"{f.rule}: {f.message}" for f in result.findings if (f.rule, f.component or "") in unexplained]
            raise BlueprintError(f"{self.slug}: unexplained findings: " + " | ".join(messages))
        stale = set(self.known_findings) - found
        if stale:
            raise BlueprintError(f"{self.slug}: declared findings that no longer occur: {sorted(stale)}")
        edit.update_plan(self.plan, description=self.describe(result))
        return self.plan, result
