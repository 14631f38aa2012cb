"""
The headless command line: ``python main.py plan|validate|estimate|...``.

Bad input never shows a traceback: it prints one line ``archplan: error: ...`` on stderr and exits 2.
Other layers add subcommands through ``extensions`` (callables taking the argparse sub-parsers), so
that planner/ does not import the exporters.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from archplan.planner import units

COMMANDS = ("plan", "validate", "estimate", "export", "templates", "new", "import", "diff", "compare", "simulate",
            "check", "curve", "resilience", "sensitivity", "review", "practice", "debrief")
EXIT_BAD_INPUT = 2


class CliError(Exception):
    """Bad input: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise CliError(f"{message} (see {self.prog} --help)")


def _unit(parse: Callable[[Any], float], what: str, need_unit: bool = False) -> Callable[[str], float]:
    """An argparse type from a units parser; `need_unit` refuses a bare number (a duration needs ms or s)."""
    def convert(text: str) -> float:
        if need_unit and re.fullmatch(r"\s*[\d.,_]+\s*", text):
            raise argparse.ArgumentTypeError(f"{what} {text!r} needs a unit (e.g. 200ms or 1.5s)")
        try:
            return parse(text)
        except units.UnitError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = what
    return convert


COUNT = _unit(units.parse_count, "count")
SIZE = _unit(units.parse_size, "size")
DURATION = _unit(units.parse_duration, "duration")


def _fraction(text: str) -> float:
    value = COUNT(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 1")
    return value


def build_parser(extensions: Iterable[Callable[[Any], None]] = ()) -> argparse.ArgumentParser:
    parser = _Parser(prog="archplan", description="Archplan: draw a system's architecture and plan its capacity. "
                     "Run without arguments to open the desktop app.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    p = sub.add_parser("plan", help="compute a plan: per-component figures and plan totals")
    p.add_argument("file", help="plan file (.json)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--explain", action="store_true", help="show the formula and numbers behind every figure")
    p.add_argument("--what-if", type=float, default=1.0, metavar="X", dest="multiplier",
                   help="scale the traffic by X (e.g. 0.1 or 10)")
    from archplan.planner.cli_load import add_plan_options

    add_plan_options(p)
    p.set_defaults(handler=cmd_plan)

    p = sub.add_parser("validate", help="check a plan file; exit 2 with the problem if it is not valid")
    p.add_argument("file")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("estimate", help="back-of-the-envelope estimate from a few traffic figures")
    users = p.add_argument_group("users")
    users.add_argument("--dau", type=COUNT, help="daily active users, e.g. 10M")
    users.add_argument("--mau", type=COUNT, help="monthly active users (with --active-ratio)")
    users.add_argument("--active-ratio", type=_fraction, help="share of monthly users active on a day")
    volume = p.add_argument_group("volume")
    volume.add_argument("--writes-per-day", type=COUNT, help="absolute writes per day")
    volume.add_argument("--writes-per-month", type=COUNT, help="absolute writes per month (30 days)")
    volume.add_argument("--writes-per-user", type=COUNT, help="writes per user per day")
    volume.add_argument("--reads-per-user", type=COUNT, help="reads per user per day")
    volume.add_argument("--read-write-ratio", type=COUNT, help="reads = R x writes")
    sizes = p.add_argument_group("sizes")
    sizes.add_argument("--write-size", type=SIZE, default=0.0, help="bytes stored per write (default 0)")
    sizes.add_argument("--read-size", type=SIZE, default=0.0, help="bytes returned per read (default 0)")
    sizes.add_argument("--media-fraction", type=_fraction, default=0.0, help="share of writes with a media object")
    sizes.add_argument("--media-size", type=SIZE, default=0.0, help="bytes per media object")
    other = p.add_argument_group("shape")
    other.add_argument("--peak-factor", type=COUNT, default=2.0, help="peak / average (default 2)")
    other.add_argument("--retention", type=DURATION, default=5 * units.YEAR, help="how long data is kept (default 5y)")
    other.add_argument("--replication", type=COUNT, default=1.0, help="copies of stored data (default 1)")
    other.add_argument("--cache-fraction", type=_fraction, default=0.2,
                       help="share of daily reads to cache (default 0.2)")
    p.add_argument("--json", action="store_true", help="one JSON object, numbers in base units (per second, bytes)")
    p.set_defaults(handler=cmd_estimate)

    p = sub.add_parser("templates", help="list the templates a new plan can start from")
    p.set_defaults(handler=cmd_templates_list, json=False)
    tsub = p.add_subparsers(dest="templates_command", parser_class=_Parser, metavar="ACTION")
    t = tsub.add_parser("list", help="built-in, user and team templates with their key figures")
    t.add_argument("--json", action="store_true", help="print the list as JSON (numbers in base units)")
    t.set_defaults(handler=cmd_templates_list)
    t = tsub.add_parser("rename", help="give one of your (or the team's) templates a new name")
    t.add_argument("template", metavar="NAME", help="template name (user:name for a shadowed one) or file")
    t.add_argument("title", metavar="NEW_NAME", help="the new name (its file name follows)")
    t.set_defaults(handler=cmd_templates_rename)
    t = tsub.add_parser("delete", help="delete one of your (or the team's) templates")
    t.add_argument("template", metavar="NAME", help="template name (user:name for a shadowed one) or file")
    t.set_defaults(handler=cmd_templates_delete)

    p = sub.add_parser("new", help="write a new plan file from a template")
    p.add_argument("--from", dest="template", required=True, metavar="NAME",
                   help="template name (see `templates list`), source:name, or a template file")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the plan file to write")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(handler=cmd_new)

    from archplan.planner.cli_compare import register as register_import_and_compare
    from archplan.planner.simcli import add_parser as add_simulate

    register_import_and_compare(sub)
    add_simulate(sub, DURATION, _table)
    from archplan.planner.cli_check import register as register_check
    from archplan.planner.cli_load import register as register_load

    register_load(sub)
    register_check(sub)
    from archplan.planner.cli_review import register as register_review

    register_review(sub)
    from archplan.planner.cli_practice import register as register_practice

    register_practice(sub)
    for extend in extensions:
        extend(sub)
    return parser


def run_cli(argv: list[str], extensions: Iterable[Callable[[Any], None]] = (), out=None, err=None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        parser = build_parser(extensions)
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help(out)
            return EXIT_BAD_INPUT
        return args.handler(args, out) or 0
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except BrokenPipeError:  # `archplan ... | head`: the reader has all it wanted
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit
        return 0
    except (CliError, ValueError, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"archplan: error: {message}", file=err)
        return EXIT_BAD_INPUT


# ------------------------------------------------------------------------------------------ commands

def _load(path: str):
    from archplan.planner.io import load_plan

    return load_plan(path)


def cmd_validate(args, out) -> int:
    from archplan.planner.engine import compute

    plan = _load(args.file)
    result = compute(plan)
    errors = result.errors()
    print(f"{args.file}: valid plan '{plan.name}' ({len(plan.components)} components, {len(plan.links)} links; "
          f"{len(errors)} errors, {len(result.warnings())} warnings in the model)", file=out)
    return 0


def cmd_plan(args, out) -> int:
    from archplan.planner.engine import compute

    plan = _load(args.file)
    from archplan.planner.cli_load import cmd_plan_variant, plan_variant

    if plan_variant(args, plan):
        return cmd_plan_variant(args, plan, out)
    result = compute(plan, multiplier=args.multiplier)
    if args.json:
        out.write(result_json(result, explain=args.explain))
        return 0
    out.write(render_plan(plan, result, explain=args.explain))
    return 0


def result_json(result, explain: bool = False, extra: dict | None = None) -> str:
    """The result as JSON: the plan-level parts pretty-printed, one line per component, client and finding,
    so a 10,000-component plan is readable with grep and written by the C encoder in a few large pieces.
    `extra` adds top-level keys (a scenario, ranges)."""
    data = result.as_dict(explain=explain)
    data.update(extra or {})

    def dump(value) -> str:
        return json.dumps(value, allow_nan=False, ensure_ascii=False)

    parts = []
    for key, value in data.items():
        if isinstance(value, dict) and key in ("components", "clients", "single_points_of_failure"):
            body = ",\n".join(f"    {dump(k)}: {dump(v)}" for k, v in value.items())
            parts.append(f"  {dump(key)}: {{\n{body}\n  }}" if body else f"  {dump(key)}: {{}}")
        elif isinstance(value, list):
            body = ",\n".join(f"    {dump(v)}" for v in value)
            parts.append(f"  {dump(key)}: [\n{body}\n  ]" if body else f"  {dump(key)}: []")
        else:
            parts.append(f"  {dump(key)}: {dump(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def cmd_estimate(args, out) -> int:
    # imported here: the estimate's formulas load numpy, which `--help` and the GUI start-up do without
    from archplan.planner.estimate import KEYS, EstimateError, EstimateInput, estimate

    inp = EstimateInput(**{k: getattr(args, k) for k in EstimateInput.__dataclass_fields__})
    try:
        figs = estimate(inp)
    except EstimateError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        json.dump({k: (None if f is None else f.value) for k, f in figs.items()}, out, indent=2)
        out.write("\n")
        return 0
    rows = []
    for key in KEYS:
        fig = figs[key]
        if fig is None:
            continue
        rows.append((key, _human(key, fig.value), fig.text()))
    out.write(_table(("figure", "value", "work"), rows))
    out.write("\nConventions: a day is 86,400 s, a month 30 days, a year 365 days; 1 KB = 1,000 B.\n")
    return 0


def _human(key: str, value: float) -> str:
    if key == "dau":
        return units.format_count(value) + " users"
    if "qps" in key:
        return units.format_qps(value)
    if key.endswith("per_s"):
        return units.format_bandwidth(value)
    if key == "storage_per_day":
        return units.format_size(value) + "/day"
    return units.format_size(value)


# ------------------------------------------------------------------------------------------ rendering

def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()
    text = [line, "  ".join("-" * w for w in widths)]
    for row in rows:
        text.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(text) + "\n"


def _latency(client, operation: str) -> str:
    mean = client.read_latency if operation == "read" else client.write_latency
    if not mean:
        return "none"
    shown = [f"mean {units.format_duration(mean)}"]
    shown += [f"{name} {units.format_duration(client.percentile(operation, p))}" for p, name in ((0.5, "p50"),
                                                                                              (0.99, "p99"))]
    return ", ".join(shown)


def render_plan(plan, result, explain: bool = False) -> str:
    """The per-component table, totals, bottleneck, SPOFs, breaking point and findings as text."""
    from archplan.planner.summary import COMPACT, breaking_text

    rows = [(r.name, r.kind, *(c.text(r) for c in COMPACT))
            for r in result.components.values() if r.behaviour != "client"]
    t = result.totals
    lines = [f"{plan.name}" + (f"  (traffic x{result.multiplier:g})" if result.multiplier != 1 else ""), ""]
    lines.append(_table(("component", "kind", *(c.header.lower() for c in COMPACT)), rows))
    lines.append(f"Users: {units.format_count(t.dau)} DAU; entry {units.format_qps(t.entry_qps_avg)} average, "
                 f"{units.format_qps(t.entry_qps_peak)} peak")
    lines.append(f"Storage: {units.format_size(t.storage_per_day)}/day; {units.format_size(t.storage_replicated)} "
                 f"with copies over the retention")
    lines.append(f"Instances: {t.instances}; cost {units.format_money(t.monthly_cost)}/month"
                 + (f" ({result.price_basis})" if result.price_basis else "")
                 + f"; availability {units.format_availability(t.availability)} (worst client)")
    for c in result.clients.values():
        share = f" ({units.format_percent(c.share, 0)} of users)" if len(result.clients) > 1 else ""
        lines.append(f"Client {c.name}{share}: reads {_latency(c, 'read')}; writes {_latency(c, 'write')}; "
                     f"availability {units.format_availability(c.availability)}")
    if result.bottleneck:
        b = result.components[result.bottleneck]
        lines.append(f"Bottleneck: {b.name} at {units.format_percent(b.utilisation)} of its {b.binding}")
    lines.append(breaking_text(result))
    if result.spofs:
        lines.append("Single points of failure: " + ", ".join(result.components[s].name for s in result.spofs))
    if result.findings:
        lines.append("")
        lines.append("Findings:")
        for f in result.findings:
            lines.append(f"  [{f.severity}] {f.message}" + (f" {f.advice}" if f.advice else ""))
    if explain:
        from archplan.planner.paths import METHOD

        lines.append("")
        lines.append("Work:")
        for owner, name, fig in result.all_figures():
            lines.append(f"  {owner}.{name}: {fig.text()}")
        if result.clients:
            lines.append(f"  clients' percentiles: {METHOD}")
    return "\n".join(lines) + "\n"



# ------------------------------------------------------------------------------------------ templates

def cmd_templates_list(args, out) -> int:
    """Name, source, title and key figures of every template; unreadable files are warnings on stderr."""
    from archplan.planner.library import list_templates, load_template, template_summary

    infos, problems = list_templates()
    for problem in problems:
        print(f"archplan: warning: {problem.path}: {problem.message}", file=sys.stderr)
    rows = []
    for info in infos:
        summary = template_summary(load_template(info.path))
        rows.append((info, summary))
    if args.json:
        json.dump([{"name": i.name, "source": i.source, "title": i.title, "summary": i.summary,
                    "path": str(i.path), "shadows": list(i.shadows), "peak_qps": s["peak_qps"],
                    "monthly_cost": s["monthly_cost"], "components": s["components"], "error": s["error"]}
                   for i, s in rows], out, indent=2, allow_nan=False)
        out.write("\n")
        return 0
    table = []
    for info, summary in rows:
        source = info.source + (f" (over {', '.join(info.shadows)})" if info.shadows else "")
        qps = "-" if summary["peak_qps"] is None else units.format_qps(summary["peak_qps"])
        cost = "-" if summary["monthly_cost"] is None else units.format_money(summary["monthly_cost"]) + "/mo"
        table.append((info.name, source, info.title, qps, cost))
    out.write(_table(("name", "source", "title", "peak", "cost"), table))
    return 0


def cmd_templates_rename(args, out) -> int:
    from archplan.planner.library import TemplateError, rename_template

    try:
        path = rename_template(args.template, args.title)
    except TemplateError as exc:
        raise CliError(str(exc)) from None
    out.write(f"renamed to {path}\n")
    return 0


def cmd_templates_delete(args, out) -> int:
    from archplan.planner.library import TemplateError, delete_template

    try:
        path = delete_template(args.template)
    except TemplateError as exc:
        raise CliError(str(exc)) from None
    out.write(f"deleted {path}\n")
    return 0


def cmd_new(args, out) -> int:
    """Copy a template into a new plan file; never overwrites without --force."""
    from pathlib import Path

    from archplan.planner.io import save_plan
    from archplan.planner.library import load_template

    target = Path(args.output).expanduser()
    if target.exists() and not args.force:
        raise CliError(f"{target} already exists; use --force to overwrite it")
    if target.is_dir():
        raise CliError(f"{target} is a folder; give a file name such as {target / 'plan.json'}")
    if not target.parent.is_dir():
        raise CliError(f"folder {target.parent} does not exist")
    plan = load_template(args.template)
    save_plan(plan, target)
    print(f"wrote {target} from template {args.template} ({len(plan.components)} components)", file=out)
    return 0
