"""The `export` and `debrief` subcommands: ``python main.py export FILE --format F -o OUT``,
``python main.py debrief PRACTICE_PLAN -o OUT.pdf`` (the practice debrief, exports/pdf_practice.py); and the
comparison's writers as options of `compare` (``compare A B --markdown OUT.md --pdf OUT.pdf``)."""

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

    compare = sub.choices.get("compare")
    if compare is not None:
        compare.add_argument("--markdown", metavar="OUT.md", help="also write the comparison as Markdown")
        compare.add_argument("--pdf", metavar="OUT.pdf", help="also write the comparison as PDF pages (tables and "
                                                              "both diagrams)")
        compare.set_defaults(handler=cmd_compare)


def cmd_compare(args, out) -> int:
    """`compare` as planner/cli_compare.py prints it, then the Markdown and PDF files asked for."""
    from archplan.planner.cli_compare import cmd_compare as print_comparison

    if not (getattr(args, "markdown", None) or getattr(args, "pdf", None)):
        return print_comparison(args, out)
    from archplan.exports import ExportError
    from archplan.exports.compare_md import write_markdown
    from archplan.exports.pdf_compare import write_compare_pdf
    from archplan.planner.cli_compare import load_spec, render_comparison
    from archplan.planner.compare import compare
    from archplan.planner.engine import compute

    for target in (args.markdown, args.pdf):  # refuse before computing anything
        if target and (Path(target).is_dir() or not Path(target).expanduser().parent.is_dir()):
            raise ValueError(f"cannot write {target}: give a file name in an existing folder")
    a, b = load_spec(args.a), load_spec(args.b)
    ra, rb = compute(a), compute(b)
    cmp = compare(a, ra, b, rb)
    if args.json:
        import json

        json.dump(cmp.as_dict(), out, indent=2, allow_nan=False)
        out.write("\n")
    else:
        out.write(render_comparison(cmp))
    try:
        if args.markdown:
            print(f"wrote {write_markdown(cmp, Path(args.markdown).expanduser(), args.a, args.b)}", file=out)
        if args.pdf:
            written = write_compare_pdf(cmp, a, ra, b, rb, Path(args.pdf).expanduser(), args.a, args.b)
            print(f"wrote {written}", file=out)
    except ExportError as exc:
        raise ValueError(str(exc)) from None
    return 0


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
