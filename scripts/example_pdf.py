#!/usr/bin/env python3
"""Build the example design document from a plan or template file.

    .venv/bin/python scripts/example_pdf.py templates/<plan>.json [-o docs/examples/example-design.pdf]

The date printed on the document defaults to today (--date YYYY-MM-DD makes the file reproducible).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archplan.exports import ExportError  # noqa: E402
from archplan.exports.pdf import write_pdf  # noqa: E402
from archplan.planner.engine import compute  # noqa: E402
from archplan.planner.io import load_plan  # noqa: E402

DEFAULT_OUT = ROOT / "docs" / "examples" / "example-design.pdf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("template", type=Path, help="plan or template file (.json)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT, help=f"PDF to write (default {DEFAULT_OUT})")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None, help="date on the document, YYYY-MM-DD")
    parser.add_argument("--no-diagram", action="store_true", help="leave the diagram out")
    parser.add_argument("--author", default=None, help="the document's author (default: the preferences')")
    args = parser.parse_args(argv)
    try:
        plan = load_plan(args.template)
        result = compute(plan)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        written = write_pdf(plan, result, args.output, date=args.date, diagram=not args.no_diagram,
                            author=args.author)
    except (ExportError, ValueError, OSError) as exc:
        print(f"example_pdf: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
