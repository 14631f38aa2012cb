"""
The ``review`` subcommand (registered by planner/cli.py): the design review of a plan file.

    archplan review FILE [--json]                           findings by severity, with figures and fixes
    archplan review FILE --apply RULE|all -o OUT [--force]  write the plan with the fixes applied

Exit 0 with the findings listed (findings are advice, not failures); bad input exits 2 with one line.
Nothing is written without -o, and an existing OUT is kept unless --force.
"""

from __future__ import annotations

import json
from pathlib import Path

from archplan.planner import units


def register(sub) -> None:
    p = sub.add_parser("review", help="the design review: findings with their numbers, sources and fixes")
    p.add_argument("file", help="plan file (.json)")
    p.add_argument("--json", action="store_true", help="print the findings (and their fixes) as JSON")
    p.add_argument("--apply", metavar="RULE", help="apply the fixes of one rule (e.g. REL-SPOF-LB) or of all "
                                                     "findings ('all'), most severe first; needs -o")
    p.add_argument("-o", "--output", metavar="OUT", help="where --apply writes the fixed plan")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.set_defaults(handler=cmd_review)


def cmd_review(args, out) -> int:
    from archplan.planner.cli import CliError, _load
    from archplan.planner.engine import compute
    from archplan.planner.review import RULES, apply_all

    plan = _load(args.file)
    if args.apply is None:
        if args.output:
            raise CliError("-o is for --apply: give --apply RULE or --apply all")
        result = compute(plan)
        if args.json:
            json.dump(review_dict(plan, result), out, indent=2, allow_nan=False)
            out.write("\n")
        else:
            out.write(render_review(plan, result))
        return 0
    rules = None if args.apply.lower() == "all" else {args.apply.upper()}
    if rules is not None and not rules <= set(RULES):
        raise CliError(f"unknown rule {args.apply!r} (see docs/review-rules.md; e.g. {', '.join(list(RULES)[7:10])})")
    if not args.output:
        raise CliError("--apply writes a new plan: give -o OUT")
    target = Path(args.output).expanduser()
    if target.exists() and not args.force:
        raise CliError(f"{target} already exists; use --force to overwrite it")
    if target.is_dir() or not target.parent.is_dir():
        raise CliError(f"cannot write {target}: not a file in an existing folder")
    fixed, fixes = apply_all(plan, rules)
    result = compute(fixed)
    if fixes:
        from archplan.planner.io import save_plan

        save_plan(fixed, target)
    if args.json:
        data = review_dict(fixed, result)
        data["applied"] = [f.as_dict() for f in fixes]
        data["written"] = str(target) if fixes else None
        json.dump(data, out, indent=2, allow_nan=False)
        out.write("\n")
        return 0
    if not fixes:
        out.write(f"Nothing to apply: no finding{'' if rules is None else ' of ' + args.apply.upper()} has a fix "
                  f"(nothing written).\n\n")
    else:
        out.write(f"Applied {len(fixes)} fix{'es' if len(fixes) != 1 else ''}; wrote {target}:\n")
        for fix in fixes:
            out.write(f"  {fix.rule}: {fix.summary}\n")
        out.write("\n")
    out.write(render_review(fixed, result))
    return 0


# ------------------------------------------------------------------------------------------ rendering

def finding_dict(plan, result, finding) -> dict:
    from archplan.planner.review import SEVERITY_LABEL, fix_for, ignore_reason, rule_of

    data = finding.as_dict()
    rule = rule_of(finding)
    data["severity_label"] = SEVERITY_LABEL[finding.severity]
    data["title"] = rule.title if rule else ""
    fix = fix_for(plan, finding, result)
    data["fix"] = fix.as_dict() if fix else None
    reason = ignore_reason(plan, finding)
    if reason is not None:
        data["ignored_because"] = reason
    return data


def review_dict(plan, result) -> dict:
    from archplan.planner.review import passes

    counts = {label: sum(1 for f in result.findings if f.severity == s)
              for s, label in (("error", "critical"), ("warning", "warning"), ("info", "info"))}
    return {"plan": plan.name, "passes": passes(result), "counts": counts,
            "findings": [finding_dict(plan, result, f) for f in result.findings],
            "ignored": [finding_dict(plan, result, f) for f in result.ignored]}


def render_review(plan, result) -> str:
    from archplan.planner.review import SEVERITY_LABEL, fix_for, ignore_reason, rule_of
    from archplan.planner.review.figures import fmt, label

    lines = []
    n = {s: sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning", "info")}
    verdict = "passes" if not n["error"] and not n["warning"] else "does not pass"
    lines.append(f"Review of {plan.name}: {verdict} ({n['error']} critical, {n['warning']} warning"
                 f"{'s' if n['warning'] != 1 else ''}, {n['info']} info"
                 + (f"; {len(result.ignored)} ignored" if result.ignored else "") + ")")
    for severity in ("error", "warning", "info"):
        shown = [f for f in result.findings if f.severity == severity]
        if not shown:
            continue
        lines += ["", SEVERITY_LABEL[severity].upper()]
        for f in shown:
            rule = rule_of(f)
            who = result.components[f.component].name if f.component in result.components else \
                result.clients[f.component].name if f.component in result.clients else "plan"
            lines.append(f"  {f.rule}  {who}" + (f"  ({rule.title})" if rule else ""))
            lines.append(f"    {f.message}")
            if f.advice:
                lines.append(f"    What to do: {f.advice}")
            if f.figures:
                lines.append("    Figures: " + "; ".join(f"{label(result, e)} {fmt(e.value, e.unit)}"
                                                         for e in f.figures))
            for also in f.see_also:
                lines.append(f"    See also {also}")
            fix = fix_for(plan, f, result)
            if fix:
                lines.append(f"    Fix ({len(fix.operations)} edit{'s' if len(fix.operations) != 1 else ''}): "
                             f"{fix.summary}  [--apply {f.rule}]")
            if f.source:
                lines.append(f"    Source: {f.source}")
    if result.ignored:
        lines += ["", "IGNORED"]
        for f in result.ignored:
            lines.append(f"  {f.rule}  {f.message}")
            lines.append(f"    Accepted: {ignore_reason(plan, f)}")
    lines.append("")
    lines.append(f"Plan: {units.format_money(result.totals.monthly_cost)}/month, availability "
                 f"{units.format_availability(result.totals.availability)} (worst client).")
    return "\n".join(lines) + "\n"
