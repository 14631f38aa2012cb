"""
Resilience: every single failure of a plan, and what survives it (``archplan resilience FILE``).

For every component (clients aside) two scenarios of planner.scenarios run on the plan as deployed:
the component down, and one of its instances lost (N+1: does the rest carry the peak with one instance
fewer?); for every group (zones, regions, and the tiers people draw as failure domains) the whole group
down (N+zone). Each row keeps the scenario's verdict: the clients that fail or degrade, the error rate,
the busiest survivor and whether the rest holds. All figures come from compute() on the scenario copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archplan.planner.catalog import Behaviour, Catalog, default_catalog
from archplan.planner.engine import compute
from archplan.planner.model import Plan
from archplan.planner.scenarios import Fault, ScenarioReport, deployed, down, error_rate, lose, run, zone


@dataclass(frozen=True)
class Outcome:
    """One scenario's verdict."""

    label: str
    holds: bool
    failing: tuple[str, ...]                # clients (ids) losing an operation entirely
    partly_failing: tuple[str, ...]         # clients some of whose requests meet a component that is down
    degraded: tuple[str, ...]
    error_rate: float
    bottleneck: str | None                  # the busiest survivor
    bottleneck_utilisation: float | None
    newly_saturated: tuple[str, ...]

    @classmethod
    def of(cls, report: ScenarioReport) -> Outcome:
        b = report.bottleneck
        return cls(", ".join(report.labels), report.holds, report.failing, report.partly_failing, report.degraded,
                   report.error_rate[1], b,
                   report.after.components[b].utilisation if b else None, report.newly_saturated)

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.label, "holds": self.holds, "failing": list(self.failing),
                "partly_failing": list(self.partly_failing), "degraded": list(self.degraded),
                "error_rate": self.error_rate, "bottleneck": self.bottleneck,
                "bottleneck_utilisation": self.bottleneck_utilisation, "newly_saturated": list(self.newly_saturated)}


@dataclass(frozen=True)
class ComponentRow:
    id: str
    name: str
    count: int
    managed: bool
    down: Outcome
    spare: Outcome | None                   # one instance lost (None: it has one, or is managed)

    @property
    def n_plus_one(self) -> bool:
        """Carries the peak with one instance fewer (a managed service: its provider's concern)."""
        if self.managed:
            return True
        return self.spare.holds if self.spare is not None else False

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "count": self.count, "managed": self.managed,
                "n_plus_one": self.n_plus_one, "down": self.down.as_dict(),
                "one_instance_lost": self.spare.as_dict() if self.spare else None}


@dataclass(frozen=True)
class GroupRow:
    id: str
    name: str
    kind: str
    members: tuple[str, ...]                # the components that go down with it (clients stay)
    down: Outcome

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "members": list(self.members),
                "down": self.down.as_dict()}


@dataclass(frozen=True)
class Resilience:
    plan_name: str
    multiplier: float
    error_rate: float                       # before anything fails
    components: tuple[ComponentRow, ...]
    groups: tuple[GroupRow, ...]

    @property
    def survives_any_single_failure(self) -> bool:
        return all(r.down.holds for r in self.components)

    def as_dict(self) -> dict[str, Any]:
        return {"plan": self.plan_name, "multiplier": self.multiplier, "error_rate": self.error_rate,
                "survives_any_single_failure": self.survives_any_single_failure,
                "components": [r.as_dict() for r in self.components], "groups": [g.as_dict() for g in self.groups]}


def resilience(plan: Plan, multiplier: float = 1.0, catalog: Catalog | None = None,
               components: bool = True) -> Resilience:
    """Every single-component failure, every one-instance loss and every group failure of the plan
    (`components=False`: the group failures only, a few scenarios however large the plan)."""
    from archplan.planner.graph import members_by_group

    catalog = catalog or default_catalog()
    sized = compute(plan, multiplier=multiplier, catalog=catalog)
    before = compute(deployed(plan, sized, catalog), multiplier=multiplier, catalog=catalog)

    def outcome(faults: list[Fault]) -> Outcome:
        return Outcome.of(run(plan, faults, multiplier, catalog, sized=sized, before=before))

    rows = []
    for c in plan.components if components else ():
        kind = catalog[c.kind]
        if kind.behaviour is Behaviour.CLIENT:
            continue
        count = int(sized.components[c.id].count)
        spare = outcome([lose(c.id, 1)]) if count > 1 and not kind.managed else None
        rows.append(ComponentRow(c.id, c.name, count, kind.managed, outcome([down(c.id)]), spare))
    clients = {c.id for c in plan.components if catalog[c.kind].behaviour is Behaviour.CLIENT}
    groups = []
    for gid, members in members_by_group(plan).items():
        failing = tuple(m for m in members if m not in clients)
        if not failing:
            continue
        group = plan.group(gid)
        groups.append(GroupRow(gid, group.name, group.kind, failing, outcome([zone(gid)])))
    return Resilience(plan.name, multiplier, error_rate(before), tuple(rows), tuple(groups))
