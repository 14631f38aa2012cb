"""
Running the review: every registered check once over a computed plan (planner.engine calls `run_rules`
while it builds the result), the weaker findings folded into the stronger ones that explain the same
figure, and the findings the plan accepts (settings.ignored_findings) set apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.planner.result import Finding, PlanResult

# the rule families register themselves on import, in the order the review lists them
from archplan.planner.review import (  # noqa: F401
    arch,
    cap,
    cost,
    data_media,
    data_read,
    data_search,
    data_store_fit,
    data_write,
    flow,
    modelling,
    net_egress,
    ops,
    rel_spof,
    slo,
)
from archplan.planner.review.base import CHECKS, RULES, SEVERITY_RANK, Context

if TYPE_CHECKING:
    from archplan.planner.run import Run


def run_rules(run: Run, result: PlanResult) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(findings, ignored findings) of a computed plan, most severe first."""
    ctx = Context(run, result)
    found: list[Finding] = []
    for check in CHECKS:
        found.extend(check(ctx))
    found = fold(found)
    rank = SEVERITY_RANK
    found.sort(key=lambda f: rank[f[0]])  # f[0]: the severity
    ignored = run.plan.settings.ignored_findings
    if not ignored:
        return tuple(found), ()
    quiet = {(i.rule, i.component) for i in ignored}
    keep = tuple(f for f in found if (f.rule, f.component) not in quiet)
    return keep, tuple(f for f in found if (f.rule, f.component) in quiet)


_FOLDS: dict[str, tuple[str, ...]] = {}


def _folding() -> dict[str, tuple[str, ...]]:
    """rule id -> the weaker rules it folds (read from RULES once)."""
    if not _FOLDS:
        _FOLDS.update({rid: rule.folds for rid, rule in RULES.items() if rule.folds})
    return _FOLDS


def fold(found: list[Finding]) -> list[Finding]:
    """One finding per figure: a weaker rule's finding on a component that a stronger rule's finding
    explains (CAP-OVER on a primary that DATA-WRITE-SCALE covers) becomes a "see also" of the stronger."""
    strong = _folding()
    if strong.keys().isdisjoint({f.rule for f in found}):
        return found
    explained: dict[tuple[str, str], int] = {}
    for i, f in enumerate(found):
        for weaker in strong.get(f.rule, ()):
            if f.component is not None:
                explained.setdefault((weaker, f.component), i)
    if not explained:
        return found
    extra: dict[int, list[Finding]] = {}
    out_index: list[int] = []
    for i, f in enumerate(found):
        by = explained.get((f.rule, f.component)) if f.component is not None else None
        if by is not None and by != i:
            extra.setdefault(by, []).append(f)
        else:
            out_index.append(i)
    out = []
    for i in out_index:
        f = found[i]
        if i in extra:
            severity = min((f.severity, *(w.severity for w in extra[i])), key=SEVERITY_RANK.__getitem__)
            f = f._replace(severity=severity, see_also=f.see_also + tuple(f"{w.rule}: {w.message}" for w in extra[i]))
        out.append(f)
    return out
