"""
The design review as the CLI, the GUI and the PDF use it: findings of a plan, a finding's fix, the fix's
before/after (computed twice, never estimated), applying one fix or all of them, and accepting a finding
with a reason (saved in the plan: settings.ignored_findings).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archplan.planner.model import Plan
from archplan.planner.result import Evidence, Finding, PlanResult
from archplan.planner.review import figures as fig
from archplan.planner.review.base import FIXERS, RULES, SEVERITY_RANK, Rule
from archplan.planner.review.operations import Fix, FixError, apply_operations

#: Plan-wide figures every preview shows (a fix's price and its effect on the worst client).
PLAN_FIGURES = (Evidence("plan", "availability", 0.0, "availability", "higher"),
                Evidence("plan", "monthly_cost", 0.0, "USD/month", "lower"),
                Evidence("plan", "instances", 0.0, "count", ""))


def compute(plan: Plan) -> PlanResult:
    from archplan.planner.engine import compute as engine_compute

    return engine_compute(plan)


def key(finding: Finding) -> tuple[str, str | None, str]:
    """What identifies a finding across recomputes: its rule, component and code."""
    return finding.rule, finding.component, finding.code


def rule_of(finding: Finding) -> Rule | None:
    return RULES.get(finding.rule)


def has_fixer(finding: Finding) -> bool:
    return finding.rule in FIXERS


def fix_for(plan: Plan, finding: Finding, result: PlanResult | None = None) -> Fix | None:
    """The finding's fix as operations on this plan, or None when the rule has no edit for it."""
    fixer = FIXERS.get(finding.rule)
    if fixer is None:
        return None
    result = result if result is not None else compute(plan)
    try:
        return fixer(plan, result, finding)
    except (KeyError, ValueError):  # the plan changed since the finding was made
        return None


def apply_fix(plan: Plan, fix: Fix) -> Plan:
    """A new plan: `plan` with the fix applied (FixError if it cannot be; `plan` is never changed)."""
    return _fixed(plan, fix)[0]


def _fixed(plan: Plan, fix: Fix) -> tuple[Plan, PlanResult]:
    """The fixed plan and its result (FixError when the fix cannot be applied or the result computed)."""
    fixed = apply_operations(plan, fix.operations)
    try:
        return fixed, compute(fixed)
    except ValueError as exc:  # a request cycle, an amplifying loop
        raise FixError(f"the fixed plan cannot be computed: {exc}") from None


@dataclass(frozen=True)
class PreviewRow:
    label: str
    unit: str
    before: float | None
    after: float | None
    improved: bool | None

    def text(self) -> str:
        return f"{self.label}: {fig.fmt(self.before, self.unit)} -> {fig.fmt(self.after, self.unit)}"


@dataclass(frozen=True)
class Preview:
    """A fix's effect: the figures its finding names and the plan's own, before and after."""

    finding: Finding
    fix: Fix
    plan: Plan                      # the fixed plan
    before: PlanResult
    after: PlanResult
    rows: tuple[PreviewRow, ...]
    resolved: bool                  # the finding is gone from the fixed plan
    new_critical: tuple[Finding, ...] = field(default=())  # critical findings the fix brings in (see preview)

    @property
    def improves(self) -> bool:
        """The first figure the finding names gets better (or the finding is gone and nothing got worse)."""
        named = [r for r in self.rows[:len(self.finding.figures)] if r.improved is not None]
        return named[0].improved if named else self.resolved


def preview(plan: Plan, finding: Finding, result: PlanResult | None = None) -> Preview | None:
    """Apply the finding's fix to a copy, recompute, and compare the figures it names (None: no fix)."""
    before = result if result is not None else compute(plan)
    fix = fix_for(plan, finding, before)
    if fix is None:
        return None
    fixed, after = _fixed(plan, fix)
    rows = []
    seen = set()
    for e in (*finding.figures, *PLAN_FIGURES):
        if (e.owner, e.name) in seen:
            continue
        seen.add((e.owner, e.name))
        b, a = fig.read(plan, before, e.owner, e.name), fig.read(fixed, after, e.owner, e.name)
        rows.append(PreviewRow(fig.label(before, e), e.unit, b, a, fig.improved(e, b, a)))
    still = {key(f) for f in after.findings} | {key(f) for f in after.ignored}
    known = {(f.rule, f.component) for f in before.findings}
    known |= {(also.split(":", 1)[0], f.component) for f in before.findings for also in f.see_also}
    # a critical finding is new when neither it nor any critical finding on its component was there before (a
    # fix may uncover the next limit of a part that was already failing: that is not a new critical)
    failing = {f.component for f in before.findings if f.severity == "error" and f.component is not None}
    new_critical = tuple(f for f in after.findings if f.severity == "error" and (f.rule, f.component) not in known
                         and f.component not in failing)
    return Preview(finding, fix, fixed, before, after, tuple(rows), key(finding) not in still, new_critical)


def apply_all(plan: Plan, rules: set[str] | None = None, max_steps: int = 60) -> tuple[Plan, list[Fix]]:
    """Apply fixes one at a time, most severe finding first, recomputing after each, until no finding of
    `rules` (every rule when None) has a fix left to try. Returns the fixed plan and the fixes applied."""
    current, applied = plan, []
    tries: dict[tuple, int] = {}
    for _ in range(max_steps):
        result = compute(current)
        progressed = False
        for finding in sorted(result.findings, key=lambda f: SEVERITY_RANK[f.severity]):
            if (rules is not None and finding.rule not in rules) or finding.rule not in FIXERS:
                continue
            k = key(finding)
            if tries.get(k, 0) >= 2:
                continue
            tries[k] = tries.get(k, 0) + 1
            fix = fix_for(current, finding, result)
            if fix is None:
                continue
            try:
                current, _ = _fixed(current, fix)
            except FixError:
                continue
            applied.append(fix)
            progressed = True
            break
        if not progressed:
            break
    return current, applied


def passes(result: PlanResult) -> bool:
    """The reviewer passes a design with no critical finding and no warning (info may remain)."""
    return not any(f.severity in ("error", "warning") for f in result.findings)


# ------------------------------------------------------------------------------------------ ignoring

def ignored_with(plan: Plan, finding: Finding, reason: str) -> list[dict]:
    """settings.ignored_findings with this finding accepted for `reason` (for edit.update_settings)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("give a reason to ignore a finding")
    entries = [i.model_dump() for i in plan.settings.ignored_findings
               if (i.rule, i.component) != (finding.rule, finding.component)]
    return [*entries, {"rule": finding.rule, "component": finding.component, "reason": reason}]


def ignored_without(plan: Plan, rule: str, component: str | None) -> list[dict]:
    """settings.ignored_findings with (rule, component) no longer accepted."""
    return [i.model_dump() for i in plan.settings.ignored_findings if (i.rule, i.component) != (rule, component)]


def ignore_reason(plan: Plan, finding: Finding) -> str | None:
    for entry in plan.settings.ignored_findings:
        if (entry.rule, entry.component) == (finding.rule, finding.component):
            return entry.reason
    return None
