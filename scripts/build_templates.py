"""
Regenerate the built-in templates (templates/<name>.json) from their code definitions.

    .venv/bin/python scripts/build_templates.py            # build, check and write every template
    .venv/bin/python scripts/build_templates.py --check    # build and check only; exit 1 if a file differs
    .venv/bin/python scripts/build_templates.py pastebin   # just one (or a few)

Each template is built with planner.edit (scripts/templates_*.py), computed, checked (no error
finding, every warning declared in its description's "Known warnings"), and saved with
planner.io.save_plan, so it loads like any plan file. The summary table printed at the end shows the
key figures to compare with the published estimates quoted in each description.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from templates_builder import BlueprintError  # noqa: E402
from templates_classic import CLASSIC  # noqa: E402
from templates_platform import PLATFORM  # noqa: E402
from templates_social import SOCIAL  # noqa: E402

from archplan.planner import units  # noqa: E402
from archplan.planner.io import dumps  # noqa: E402

TEMPLATES_DIR = ROOT / "templates"
BUILDERS = {**CLASSIC, **SOCIAL, **PLATFORM}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the built-in Archplan templates.")
    parser.add_argument("names", nargs="*", help="templates to build (default: all)")
    parser.add_argument("--check", action="store_true", help="do not write; fail if a file is out of date")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every component's figures")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BUILDERS))
    if unknown:
        print(f"unknown template(s): {', '.join(unknown)} (known: {', '.join(BUILDERS)})", file=sys.stderr)
        return 2
    failed = outdated = 0
    rows = []
    for name in args.names or list(BUILDERS):
        try:
            plan, result = BUILDERS[name]().finish()
        except BlueprintError as exc:
            print(f"FAILED {exc}", file=sys.stderr)
            failed += 1
            continue
        text = dumps(plan)
        path = TEMPLATES_DIR / f"{name}.json"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                print(f"out of date: {path}", file=sys.stderr)
                outdated += 1
        elif not path.is_file() or path.read_text(encoding="utf-8") != text:
            from archplan.planner.io import atomic_write_text

            atomic_write_text(path, text)
        t = result.totals
        rows.append((name, units.format_count(t.dau), units.format_qps(t.entry_qps_peak), str(t.instances),
                     units.format_money(t.monthly_cost), units.format_size(t.storage_replicated),
                     units.format_availability(t.availability), str(len(result.warnings())),
                     result.components[result.bottleneck].name if result.bottleneck else "-"))
        if args.verbose:
            _print_components(name, result)
    _print_table(("template", "DAU", "peak entry", "instances", "cost/month", "storage", "availability",
                  "warnings", "bottleneck"), rows)
    return 1 if failed or outdated else 0


def _print_components(name: str, result) -> None:
    print(f"\n== {name}")
    for r in result.components.values():
        if r.behaviour == "client":
            continue
        print(f"  {r.name:32} {units.format_qps(r.reads_peak):>11} r {units.format_qps(r.writes_peak):>11} w "
              f"n={r.count:<5} util={units.format_percent(r.utilisation, 0):>6} ({r.binding}) "
              f"store={units.format_size(r.storage_replicated):>9} mem={units.format_size(r.memory):>9} "
              f"lat={units.format_duration(r.latency):>8} {units.format_money(r.monthly_cost):>9}")
    for f in result.findings:
        print(f"  [{f.severity}] {f.code}: {f.message}")


def _print_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))


if __name__ == "__main__":
    raise SystemExit(main())
