"""
The design review's framework: rules, the context they read, and how a finding is made.

A rule is a pure function of the plan and its computed result (docs/review-rules.md, "The contract every
rule follows"): it reads figures, never recomputes them, and returns findings. Rules run once per
``compute(plan)`` (planner.engine calls planner.review.runner), so a rule over many components works on the
engine's columns (`Context.s`, `Context.table`: one numpy array per figure, one row per component) and
touches Python objects only for the rows it flags; a plan of 10,000 components must not notice the review.

Three registries, filled by the family modules (cap.py, rel_spof.py, ...):
- `RULES`: rule id -> `Rule` (family, title, source) - the catalogue the CLI, GUI and PDF cite;
- `CHECKS`: the functions that look at a plan (one may report several related rules);
- `FIXERS`: rule id -> function building a finding's fix (planner.review.operations), run on demand only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from archplan.planner.catalog import Behaviour
from archplan.planner.result import ComponentResult, Evidence, Finding, PlanResult

if TYPE_CHECKING:
    from archplan.planner.model import Plan
    from archplan.planner.review.operations import Fix
    from archplan.planner.run import Run

#: Stored severities, most severe first; "error" is shown as "critical" (docs/review-rules.md).
SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
SEVERITY_LABEL = {"error": "critical", "warning": "warning", "info": "info"}
#: Rule families in the order the review lists them.
FAMILIES = ("CAP", "REL", "DATA", "NET", "OPS", "FLOW", "ARCH", "COST", "SLO", "MODEL")


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue: a stable id, its family, a title and where it comes from."""

    id: str
    family: str
    title: str
    source: str
    #: weaker rules this one explains on the same component (they fold into it as "see also")
    folds: tuple[str, ...] = ()


RULES: dict[str, Rule] = {}
CHECKS: list[Callable[[Context], Iterable[Finding]]] = []
FIXERS: dict[str, Callable[[Plan, PlanResult, Finding], Fix | None]] = {}


def define(rule_id: str, family: str, title: str, source: str, folds: tuple[str, ...] = ()) -> Rule:
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id!r} is defined twice")
    RULES[rule_id] = Rule(rule_id, family, title, source, folds)
    return RULES[rule_id]


def check(function: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
    """Register a function that looks at the plan (decorator)."""
    CHECKS.append(function)
    return function


def fixer(*rule_ids: str):
    """Register the function that builds the fix of these rules' findings (decorator)."""
    def register(function):
        for rule_id in rule_ids:
            FIXERS[rule_id] = function
        return function
    return register


class Context:
    """What a check reads: the plan, its result, and the engine's columns for this computation.

    Rows are components in plan order. ``s`` is the sizing (planner.sizing.Sizing), ``table`` the
    component columns (planner.columns.ComponentTable), ``t`` the traffic-carrying edges as arrays
    (planner.propagation.Transfers)."""

    def __init__(self, run: Run, result: PlanResult):
        self.run, self.result, self.plan = run, result, run.plan
        self.table, self.s, self.t = run.table, run.s, run.transfers
        self.ids = run.table.ids
        self.u = run.plan.traffic.target_utilisation
        self.served = run.served
        self.settings = run.plan.settings

    # ---------------------------------------------------------------- rows and components
    def of(self, *behaviours: Behaviour) -> np.ndarray:
        return self.table.of(*behaviours)

    def kind_ids(self, *kinds: str) -> np.ndarray:
        """Mask of the rows of these catalog kinds."""
        wanted = np.array([k.id in kinds for k in self.table.kind_list] or [False])
        return wanted[self.table.kind_code] if self.table.n else np.zeros(0, dtype=bool)

    def r(self, row: int) -> ComponentResult:
        return self.result.components[self.ids[row]]

    def name(self, cid: str) -> str:
        return self.result.components[cid].name

    @cached_property
    def headroom(self) -> np.ndarray:
        return self.run.headroom()

    @cached_property
    def saturated(self) -> np.ndarray:
        """ComponentResult.saturated as a column: requests or bytes at 100 %, data or hot set past what fits."""
        s = self.s
        bound_by_data = np.isin(s.binding, (2, 3))
        return np.where(bound_by_data, s.utilisation > 1.0 + 1e-9, s.utilisation >= 1.0) & self.served

    @cached_property
    def costs(self) -> np.ndarray:
        """Monthly cost per row (the results' figure as a column)."""
        return np.fromiter((c.monthly_cost for c in self.result.components.values()), dtype=float,
                           count=self.table.n)

    @cached_property
    def sending(self) -> np.ndarray:
        """Rows that pass traffic on a link (something consumes from them)."""
        out = np.zeros(self.table.n, dtype=bool)
        out[self.t.source[self.t.carries.any(axis=1)]] = True
        return out

    # ---------------------------------------------------------------- graph (small plans, flagged rows)
    @cached_property
    def links_out(self) -> dict[str, list]:
        """component id -> its outgoing engine edges (groups expanded), health links included."""
        out: dict[str, list] = {}
        for edge in self.run.edges:
            out.setdefault(edge.source, []).append(edge)
        return out

    @cached_property
    def links_in(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for edge in self.run.edges:
            out.setdefault(edge.target, []).append(edge)
        return out

    def behaviour_of(self, cid: str) -> Behaviour:
        return self.table.kinds[self.table.index[cid]].behaviour

    # ---------------------------------------------------------------- findings
    def finding(self, rule_id: str, severity: str, component: str | None, message: str, advice: str = "",
                figures: Iterable[Evidence] = (), code: str | None = None,
                components: Iterable[str] = ()) -> Finding:
        concerned = (component,) if component else ()
        if components:
            concerned = tuple(dict.fromkeys((*concerned, *components)))
        return Finding(severity, code or rule_id, message, component, advice, rule_id, concerned,
                       tuple(figures), RULES[rule_id].source)


# ------------------------------------------------------------------------------------------ targets

def availability_target(settings, client: str | None = None) -> float | None:
    """The availability a client must get (settings.budgets: its own budget, else the plan-wide one). With no
    client: the strictest availability budget of the plan (None when there is none)."""
    budgets = settings.budgets
    if client is not None:
        own = budgets.clients.get(client)
        if own is not None and own.min_availability is not None:
            return own.min_availability
        return budgets.min_availability
    values = [budgets.min_availability, *(b.min_availability for b in budgets.clients.values())]
    values = [v for v in values if v is not None]
    return max(values) if values else None


def p99_target(settings, client: str, operation: str) -> float | None:
    """Seconds within which 99 % of a client's reads (or writes) must finish (settings.budgets)."""
    field = "max_read_p99" if operation == "read" else "max_write_p99"
    budgets = settings.budgets
    own = budgets.clients.get(client)
    if own is not None and getattr(own, field) is not None:
        return getattr(own, field)
    return getattr(budgets, field)


def has_latency_target(settings) -> bool:
    budgets = settings.budgets
    return budgets.max_read_p99 is not None or budgets.max_write_p99 is not None or any(
        b.max_read_p99 is not None or b.max_write_p99 is not None for b in budgets.clients.values())


def evidence(owner: str, name: str, value: float, unit: str = "", better: str = "lower") -> Evidence:
    return Evidence(owner, name, float(value), unit, better)


def flagged(mask: np.ndarray) -> Iterator[int]:
    """Row numbers where the mask is true, as Python ints."""
    return iter(np.flatnonzero(mask).tolist())


def plural(n: float, word: str) -> str:
    n = int(n)
    return f"{n} {word}{'' if n == 1 else 's'}"


def args(**kwargs: Any) -> dict[str, Any]:
    return kwargs
