"""
README material: a picture and the key figures of every built-in template.

    .venv/bin/python scripts/render_thumbnails.py > docs/templates/README-table.md

Writes docs/templates/<name>.png for every built-in template (drawn by ui.thumbnail from the plan's
own positions, offscreen) and prints a Markdown table (name, thumbnail, one-line description, peak
QPS, monthly cost) on stdout, for the lead to paste into the README. Figures come from compute(),
formatted by planner.units, so the table cannot drift from the engine.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archplan.planner import units  # noqa: E402
from archplan.planner.library import builtin_dir, list_templates, load_template, template_summary  # noqa: E402


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 960x600") from None
    if not (16 <= width <= 4000 and 16 <= height <= 4000):
        raise argparse.ArgumentTypeError(f"{text!r}: each side must be between 16 and 4000 px")
    return width, height


def first_sentence(text: str) -> str:
    """The description's first sentence, on one line, safe inside a Markdown table cell."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    cut = paragraph.find(". ")
    sentence = paragraph if cut < 0 else paragraph[: cut + 1]
    return sentence.replace("|", "\\|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render built-in template thumbnails and a Markdown table.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "templates", help="folder for the PNG files")
    parser.add_argument("--size", type=_size, default=(960, 600), help="image size, WIDTHxHEIGHT (default 960x600)")
    parser.add_argument("--width", type=int, default=320, help="width the README shows each image at (px)")
    args = parser.parse_args(argv)

    from PySide6.QtGui import QGuiApplication

    from archplan.ui.thumbnail import render_thumbnail

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - fonts and SVG need it
    args.out.mkdir(parents=True, exist_ok=True)
    infos, problems = list_templates()
    for problem in problems:
        print(f"warning: {problem.path}: {problem.message}", file=sys.stderr)
    builtins = [i for i in infos if i.source == "built-in" and i.path.parent == builtin_dir()]
    lines = ["| Template | Diagram | What it shows | Peak QPS | Cost / month |", "|---|---|---|---:|---:|"]
    for info in builtins:
        plan = load_template(info.path)
        image = render_thumbnail(plan, args.size)
        target = args.out / f"{info.name}.png"
        if not image.save(str(target)):
            print(f"error: cannot write {target}", file=sys.stderr)
            return 1
        summary = template_summary(plan)
        qps = "-" if summary["peak_qps"] is None else units.format_qps(summary["peak_qps"])
        cost = "-" if summary["monthly_cost"] is None else units.format_money(summary["monthly_cost"])
        relative = target.resolve().relative_to(ROOT) if target.resolve().is_relative_to(ROOT) else target
        lines.append(f"| **{info.title}**<br>`{info.name}` | <img src=\"{relative.as_posix()}\" width=\"{args.width}\" "
                     f"alt=\"{info.title} diagram\"> | {first_sentence(info.description)} | {qps} | {cost} |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
