"""
The ``import``, ``diff`` and ``compare`` subcommands (registered by planner/cli.py).

    archplan import PATH [--from FORMAT] [-o plan.json] [--force] [--json]
    archplan diff plan.json PATH [--from FORMAT] [--json]     exit 0: in step, 1: drift found
    archplan compare A B [--json]                              A, B: plan files or git:REV:path

Nothing is written unless the whole import succeeded; an existing file is kept unless --force.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

from archplan.planner import units

EXIT_DRIFT = 1


def register(sub) -> None:
    from archplan.planner.importers import FORMATS

    p = sub.add_parser("import", help="turn a compose stack, Kubernetes manifests, Terraform, draw.io or Mermaid "
                                      "into a plan")
    p.add_argument("path", metavar="PATH", help="a file or a folder")
    p.add_argument("--from", dest="fmt", choices=FORMATS, metavar="FORMAT",
                   help=f"one of {', '.join(FORMATS)} (guessed when omitted)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the plan here (else print the summary only)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--json", action="store_true", help="print the mapping summary as JSON")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("diff", help="what code has that a plan has not, and the reverse (drift)")
    p.add_argument("plan", help="plan file (.json)")
    p.add_argument("path", metavar="PATH", help="the code: a file or a folder")
    p.add_argument("--from", dest="fmt", choices=FORMATS, metavar="FORMAT", help="format of PATH (guessed)")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")
    p.set_defaults(handler=cmd_diff)

    p = sub.add_parser("compare", help="compare two designs: components added / removed / changed and the "
                                       "deltas of the key figures")
    p.add_argument("a", metavar="A", help="plan file, or git:REV:path")
    p.add_argument("b", metavar="B", help="plan file, or git:REV:path")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON (numbers in base units)")
    p.set_defaults(handler=cmd_compare)


# ------------------------------------------------------------------------------------------ import

def _import(path: str, fmt: str | None):
    from archplan.planner.importers import import_path

    return import_path(path, fmt)


def cmd_import(args, out) -> int:
    from archplan.planner.cli import CliError, _table
    from archplan.planner.engine import compute
    from archplan.planner.io import save_plan

    target = Path(args.output).expanduser() if args.output else None
    if target is not None:  # refuse before reading anything: nothing is written on any failure
        if target.exists() and not args.force:
            raise CliError(f"{target} already exists; use --force to overwrite it")
        if target.is_dir() or not target.parent.is_dir():
            raise CliError(f"cannot write {target}: give a file name in an existing folder")
    imported = _import(args.path, args.fmt)
    compute(imported.plan)  # the imported plan must compute (a request cycle would have been broken)
    if target is not None:
        save_plan(imported.plan, target)
    summary = imported.summary
    if args.json:
        data = summary.as_dict()
        data["written"] = str(target) if target else None
        json.dump(data, out, indent=2)
        out.write("\n")
        return 0
    rows = [(r.source, r.name, r.kind, r.instances, r.rule) for r in summary.rows]
    out.write(_table(("source", "component", "kind", "instances", "mapped by"), rows))
    out.write("\n" + "\n".join(summary.lines()) + "\n")
    out.write(f"wrote {target}\n" if target else "(nothing written: give -o FILE to save the plan)\n")
    return 0


# ------------------------------------------------------------------------------------------ diff

def carried(fmt: str, kind: str) -> bool:
    """Whether code in `fmt` can hold a component of `kind` at all (clients never; Terraform has no
    resource for a third-party API or a health check prober)."""
    from archplan.planner.catalog import Behaviour, default_catalog

    behaviour = default_catalog()[kind].behaviour
    if behaviour is Behaviour.CLIENT:
        return False
    if fmt == "terraform":
        return behaviour not in (Behaviour.EXTERNAL, Behaviour.MONITOR)
    return True


def drift(plan, result, code, fmt: str) -> dict:
    """{only_in_code, only_in_plan, different, not_comparable}: the plan against imported code."""
    from archplan.planner.compare import match_components

    pairs = match_components(plan, code)
    in_plan = {a.id for a, _b, _h in pairs}
    in_code = {b.id for _a, b, _h in pairs}
    only_code = [{"id": c.id, "name": c.name, "kind": c.kind, "instances": c.instances}
                 for c in code.components if c.id not in in_code and carried(fmt, c.kind)]
    only_plan, skipped = [], []
    for c in plan.components:
        if c.id in in_plan:
            continue
        (only_plan if carried(fmt, c.kind) else skipped).append({"id": c.id, "name": c.name, "kind": c.kind})
    different = []
    for a, b, how in pairs:
        changes = []
        if a.kind != b.kind:
            changes.append(f"kind {a.kind} in the plan, {b.kind} in the code")
        count = result.components[a.id].count if a.id in result.components else None
        if isinstance(b.instances, int) and count is not None and count != b.instances:
            changes.append(f"{count} instances in the plan, {b.instances} in the code")
        if changes:
            different.append({"plan_id": a.id, "code_id": b.id, "name": a.name, "matched_by": how,
                              "changes": changes})
    return {"only_in_code": only_code, "only_in_plan": only_plan, "different": different,
            "not_comparable": skipped}


def cmd_diff(args, out) -> int:
    from archplan.planner.cli import _load, _table
    from archplan.planner.engine import compute
    from archplan.planner.importers import guess_format

    plan = _load(args.plan)
    result = compute(plan)
    fmt = args.fmt or guess_format(Path(args.path))
    code = _import(args.path, fmt).plan
    report = drift(plan, result, code, fmt)
    in_step = not (report["only_in_code"] or report["only_in_plan"] or report["different"])
    if args.json:
        json.dump({"plan": args.plan, "code": args.path, "format": fmt, "in_step": in_step, **report}, out, indent=2)
        out.write("\n")
        return 0 if in_step else EXIT_DRIFT
    out.write(f"{plan.name} ({args.plan}) against {fmt} code in {args.path}\n\n")
    sections = (("In the code, not in the plan", report["only_in_code"]),
                ("In the plan, not in the code", report["only_in_plan"]))
    for title, rows in sections:
        out.write(f"{title}: {len(rows) or 'none'}\n")
        if rows:
            out.write(_table(("component", "kind", "id"), [(r["name"], r["kind"], r["id"]) for r in rows]))
        out.write("\n")
    out.write(f"Different: {len(report['different']) or 'none'}\n")
    if report["different"]:
        out.write(_table(("component", "difference"), [(d["name"], "; ".join(d["changes"]))
                                                      for d in report["different"]]))
    if report["not_comparable"]:
        names = ", ".join(r["name"] for r in report["not_comparable"])
        out.write(f"\nNot expected in {fmt} code (clients, external services): {names}\n")
    out.write("\nIn step.\n" if in_step else "\nDrift found (exit code 1).\n")
    return 0 if in_step else EXIT_DRIFT


# ------------------------------------------------------------------------------------------ compare

def load_spec(spec: str):
    """A plan from a file or from git (``git:REV:path``, path relative to the current folder's repository
    root, or ``./path`` relative to the current folder)."""
    from archplan.planner.cli import CliError
    from archplan.planner.io import load_plan, loads

    if not spec.startswith("git:"):
        return load_plan(spec)
    rest = spec[len("git:"):]
    if ":" not in rest:
        raise CliError(f"{spec}: write git:REV:path, e.g. git:HEAD~1:plans/shop.json")
    rev, path = rest.split(":", 1)
    if not rev or not path or rev.startswith("-"):
        raise CliError(f"{spec}: write git:REV:path, e.g. git:HEAD~1:plans/shop.json")
    try:
        shown = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CliError(f"{spec}: cannot run git ({exc})") from None
    if shown.returncode != 0:
        message = " ".join(shown.stderr.decode("utf-8", "replace").split()) or "git show failed"
        raise CliError(f"{spec}: {message}")
    try:
        text = shown.stdout.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{spec}: not UTF-8 text") from None
    return loads(text, spec)


def human(unit: str, value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and math.isinf(value):
        return "saturated" if unit == "duration" else "unbounded"
    return {"qps": units.format_qps, "size": units.format_size, "duration": units.format_duration,
            "availability": units.format_availability, "money": units.format_money,
            "count": lambda v: f"{v:,.0f}", "users": units.format_count,
            "multiplier": lambda v: f"x{v:.3g}"}[unit](value)


def signed(unit: str, delta: float | None) -> str:
    if delta is None:
        return "-"
    if delta == 0:
        return "0"
    if unit == "availability":
        return f"{delta * 100:+.4g} pt"
    text = human(unit, abs(delta))
    return ("+" if delta > 0 else "-") + text


def render_comparison(cmp) -> str:
    from archplan.planner.cli import _table

    lines = [f"A: {cmp.a_name}", f"B: {cmp.b_name}", ""]
    rows = [(d.label, human(d.unit, d.a), human(d.unit, d.b), signed(d.unit, d.delta),
             "-" if d.ratio is None else f"x{d.ratio:.3g}") for d in cmp.totals]
    lines.append(_table(("figure", "A", "B", "B - A", "B / A"), rows))
    lines.append(f"Components: {len(cmp.matched)} in both ({len(cmp.changed)} changed), "
                 f"{len(cmp.added)} only in B, {len(cmp.removed)} only in A")
    if cmp.added or cmp.removed:
        side_rows = [("added", s.name, s.kind, _fig(s.figures, "instances"), _fig(s.figures, "cost"))
                     for s in cmp.added]
        side_rows += [("removed", s.name, s.kind, _fig(s.figures, "instances"), _fig(s.figures, "cost"))
                      for s in cmp.removed]
        lines += ["", _table(("", "component", "kind", "instances", "cost/mo"), side_rows)]
    if cmp.changed:
        change_rows = []
        for m in cmp.changed:
            counts = next((d for d in m.figures if d.key == "instances"), None)
            change_rows.append((m.name, ", ".join(m.changed),
                                "-" if counts is None else f"{human('count', counts.a)} -> {human('count', counts.b)}"))
        lines += ["", _table(("changed", "fields", "instances A -> B"), change_rows)]
    for note in cmp.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines).rstrip() + "\n"


def _fig(figures, key: str) -> str:
    for d in figures:
        if d.key == key:
            value = d.b if d.b is not None else d.a
            return human(d.unit, value)
    return "-"


def cmd_compare(args, out) -> int:
    from archplan.planner.compare import compare
    from archplan.planner.engine import compute

    a, b = load_spec(args.a), load_spec(args.b)
    cmp = compare(a, compute(a), b, compute(b))
    if args.json:
        json.dump(cmp.as_dict(), out, indent=2, allow_nan=False)
        out.write("\n")
        return 0
    out.write(render_comparison(cmp))
    return 0
