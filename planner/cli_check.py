"""
The ``check`` subcommand (registered by planner/cli.py): a plan's budgets against its computed figures.

    archplan check FILE... [--max-cost USD] [--min-availability A] [--max-p99 200ms] [--min-headroom 2x]
                   [--max-utilisation 80%] [--junit OUT.xml] [--markdown OUT.md] [--base git:REV:path] [--json]

Exit 0 when every budget holds, 1 when one is missed (the table shows each budget, its figure and the
margin), 2 for bad input (one line). A flag replaces the plan's budget of that measure for this run,
plan-wide and per client / component (planner.budgets.with_overrides).
"""

from __future__ import annotations

import json

from archplan.planner import units
from archplan.planner.cli import _unit

EXIT_MISSED = 1


def register(sub) -> None:
    p = sub.add_parser("check", help="check a plan's budgets (cost, availability, p99, headroom, utilisation); "
                                     "exit 1 when one is missed")
    p.add_argument("files", nargs="+", metavar="FILE", help="plan file(s) (.json)")
    flags = p.add_argument_group("budgets (each replaces the plan's budget of that measure)")
    flags.add_argument("--max-cost", type=_unit(units.parse_money, "amount"), metavar="USD",
                       help="most the plan may cost per month: 5000, $5k")
    flags.add_argument("--min-availability", type=_unit(units.parse_fraction, "availability"), metavar="A",
                       help="least availability of every client: 99.9%%, 0.999")
    flags.add_argument("--max-p99", type=_unit(units.parse_duration, "duration", True), metavar="T",
                       help="most time 99%% of every client's reads and writes take: 200ms")
    flags.add_argument("--max-read-p99", type=_unit(units.parse_duration, "duration", True), metavar="T",
                       help="the same for reads only")
    flags.add_argument("--max-write-p99", type=_unit(units.parse_duration, "duration", True), metavar="T",
                       help="the same for writes only")
    flags.add_argument("--min-headroom", type=_unit(units.parse_multiplier, "multiplier"), metavar="X",
                       help="least traffic multiplier before the breaking point: 2x")
    flags.add_argument("--max-utilisation", type=_unit(units.parse_fraction, "utilisation"), metavar="U",
                       help="highest utilisation at peak of any component: 80%%")
    out = p.add_argument_group("reports")
    out.add_argument("--junit", metavar="OUT.xml", help="write JUnit XML (one test case per budget)")
    out.add_argument("--markdown", metavar="OUT.md", help="write a Markdown summary for a pull-request comment")
    out.add_argument("--base", metavar="SPEC", help="compare with this version of the plan in the Markdown "
                                                   "summary: a file or git:REV:path (one FILE only)")
    out.add_argument("--json", action="store_true", help="print the checks as JSON instead of the table")
    p.set_defaults(handler=cmd_check)


def overrides(args) -> dict[str, float | None]:
    return {"max_monthly_cost": args.max_cost, "min_availability": args.min_availability, "max_p99": args.max_p99,
            "max_read_p99": args.max_read_p99, "max_write_p99": args.max_write_p99,
            "min_headroom": args.min_headroom, "max_utilisation": args.max_utilisation}


def check_plan(plan, result, flags: dict[str, float | None]):
    """The plan's budgets, with the flags applied, evaluated against `result`."""
    from archplan.planner.budgets import evaluate, with_overrides

    budgets, replaced = with_overrides(plan.settings.budgets, **flags)
    return evaluate(budgets, result, replaced), budgets


def cmd_check(args, out) -> int:
    from archplan.planner.budgets import by_key, evaluate
    from archplan.planner.budgets_report import PlanChecks, junit_xml, markdown, text_table
    from archplan.planner.cli import CliError, _load
    from archplan.planner.engine import compute
    from archplan.planner.io import atomic_write_text

    if args.base and len(args.files) != 1:
        raise CliError("--base compares one plan: give one FILE with it")
    flags = overrides(args)
    reports, budgets_used, computed = [], [], []
    for path in args.files:
        plan = _load(path)
        result = compute(plan)
        checks, budgets = check_plan(plan, result, flags)
        reports.append(PlanChecks(path, plan.name, tuple(checks)))
        budgets_used.append(budgets)
        computed.append((plan, result))
    comparison = base_checks = None
    if args.base:
        from archplan.planner.cli_compare import load_spec
        from archplan.planner.compare import compare

        base_plan = load_spec(args.base)
        base_result = compute(base_plan)
        plan, result = computed[0]
        comparison = compare(base_plan, base_result, plan, result)
        base_checks = by_key(evaluate(budgets_used[0], base_result))
    if args.junit:
        atomic_write_text(args.junit, junit_xml(reports))
    if args.markdown:
        text = "\n".join(markdown(r, comparison, base_checks, args.base) for r in reports)
        atomic_write_text(args.markdown, text)
    if args.json:
        json.dump([{"file": r.source, "plan": r.name, "passed": r.passed, "checks": [c.as_dict() for c in r.checks]}
                   for r in reports], out, indent=2, allow_nan=False, ensure_ascii=False)
        out.write("\n")
    else:
        out.write("\n".join(text_table(r) for r in reports))
        if not any(r.checks for r in reports):
            out.write("Nothing to check: set budgets in the plan (settings.budgets) or give --max-cost, "
                      "--min-availability, --max-p99, --min-headroom, --max-utilisation.\n")
    return 0 if all(r.passed for r in reports) else EXIT_MISSED
