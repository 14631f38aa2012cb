"""The `export` and `debrief` subcommands: ``python main.py export FILE --format F -o OUT``,
``python main.py debrief PRACTICE_PLAN -o OUT.pdf`` (the practice debrief, exports/pdf_practice.py)."""

from __future__ import annotations

from pathlib import Path

from archplan.exports import FORMATS


def register(sub) -> None:
    p = sub.add_parser("export", help="export a plan: " + ", ".join(FORMATS))
    p.add_argument("file", help="plan file (.json)")
    p.add_argument("--format", "-f", required=True, choices=list(FORMATS), metavar="FORMAT",
                   help="one of: " + ", ".join(FORMATS))
    p.add_argument("-o", "--output", required=True, help="output file")
    p.add_argument("--what-if", type=float, default=1.0, dest="multiplier", metavar="X",
                   help="scale the traffic by X before exporting")
    p.add_argument("--scale", type=float, default=1.0, help="PNG and SVG: scale factor (1 = 96 dpi)")
    p.add_argument("--author", help="PDF: the document's author (default: the preferences' author)")
    p.add_argument("--as-drawn", action="store_true", help="PNG/SVG: keep the canvas positions (no re-layout)")
    p.set_defaults(handler=cmd_export)
    d = sub.add_parser("debrief", help="the PDF debrief of a practice run (a plan saved by practice mode)")
    d.add_argument("file", help="practice plan file (.json)")
    d.add_argument("-o", "--output", required=True, help="output PDF")
    d.set_defaults(handler=cmd_debrief)


def cmd_export(args, out) -> int:
    from archplan.exports import ExportError, export
    from archplan.planner.engine import compute
    from archplan.planner.io import load_plan

    plan = load_plan(args.file)
    result = compute(plan, multiplier=args.multiplier)
    options = {}
    if args.format in ("png", "svg"):
        options["as_drawn"] = args.as_drawn
        options["scale"] = args.scale
    if args.format == "pdf" and args.author:
        options["author"] = args.author
    elif args.author:
        raise ValueError(f"--author applies to the pdf format, not {args.format}")
    try:
        written = export(plan, result, args.format, Path(args.output), **options)
    except ExportError as exc:
        raise ValueError(str(exc)) from None
    print(f"wrote {written}", file=out)
    return 0


def cmd_debrief(args, out) -> int:
    from archplan.exports import ExportError
    from archplan.exports.pdf_practice import write_practice_pdf
    from archplan.planner.engine import compute
    from archplan.planner.io import load_plan

    plan = load_plan(args.file)
    target = Path(args.output)
    if not target.parent.is_dir():
        raise ValueError(f"folder {target.parent} does not exist")
    try:
        written = write_practice_pdf(plan, compute(plan), target)
    except ExportError as exc:
        raise ValueError(str(exc)) from None
    print(f"wrote {written}", file=out)
    return 0
