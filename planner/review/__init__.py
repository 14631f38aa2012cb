"""
The design review (docs/review-rules.md): rules over a computed plan, each finding with its numbers, its
source and, where the rule has one, a fix made of edit operations on the plan.

    from archplan.planner.review import preview, apply_all
    result = compute(plan)                 # result.findings: every rule's findings (ignored ones apart)
    p = preview(plan, result.findings[0])  # the fix, the fixed plan, before -> after of its figures
    fixed, fixes = apply_all(plan)         # every fix, most severe first, recomputing after each

One small module per rule family (cap, rel_spof, data_*, net_egress, ops, flow, arch, cost, slo,
modelling); base.py is the framework, operations.py the edit vocabulary, runner.py runs the rules inside
``compute``.
"""

from archplan.planner.review.api import (
    Preview,
    PreviewRow,
    apply_all,
    apply_fix,
    fix_for,
    has_fixer,
    ignore_reason,
    ignored_with,
    ignored_without,
    key,
    passes,
    preview,
    rule_of,
)
from archplan.planner.review.base import FAMILIES, RULES, SEVERITIES, SEVERITY_LABEL, Rule
from archplan.planner.review.operations import Fix, FixError, Op
from archplan.planner.review.runner import run_rules

__all__ = ["FAMILIES", "RULES", "SEVERITIES", "SEVERITY_LABEL", "Fix", "FixError", "Op", "Preview", "PreviewRow",
           "Rule", "apply_all", "apply_fix", "fix_for", "has_fixer", "ignore_reason", "ignored_with",
           "ignored_without", "key", "passes", "preview", "rule_of", "run_rules"]
