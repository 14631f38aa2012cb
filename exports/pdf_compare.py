"""
A design comparison as PDF pages (A4, reportlab platypus, the look of the design document: pdf_style).

Page one: the two plans, the key figures of A and B with B - A and B / A, and the components added,
removed and changed (the rows of exports/compare_md.py, the same object and formatting as `archplan
compare`). Then each plan's diagram on a landscape page (the design document's vector drawing,
exports/pdf_diagram.py; a large plan in its parts), with what
differs named under it. Invariant mode on, so the same comparison and date give the same bytes; written
beside the target and renamed over it.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
from pathlib import Path

from reportlab import rl_config
from reportlab.platypus import CondPageBreak, NextPageTemplate, PageBreak, Spacer

from archplan.exports import ExportError
from archplan.exports.compare_md import component_rows, totals_rows
from archplan.exports.pdf import _canvas_maker, _Document, default_author
from archplan.exports.pdf_diagram import DiagramDrawing, pages
from archplan.exports.pdf_parts import Heading
from archplan.exports.pdf_style import P, cell, data_table, esc, fonts, subheading

__all__ = ["write_compare_pdf"]


def compare_story(cmp, width: float, a_label: str, b_label: str) -> list:
    """The comparison's first pages: title, key figures, components."""
    story: list = [P(f"{esc(cmp.a_name)} vs {esc(cmp.b_name)}", "title"),
                   P("Design comparison", "subtitle"),
                   P(f"<b>A:</b> {esc(a_label)}<br/><b>B:</b> {esc(b_label)}"),
                   Heading("Key figures", toc=False)]
    story.append(data_table(["Figure", "A", "B", "B - A", "B / A"], [list(r) for r in totals_rows(cmp)],
                            [width * .34, width * .18, width * .18, width * .18, width * .12], right={1, 2, 3, 4}))
    story += subheading("Components")
    story.append(P(f"{len(cmp.matched)} in both ({len(cmp.changed)} changed), {len(cmp.added)} only in B (added), "
                   f"{len(cmp.removed)} only in A (removed). Matched by id, then by name and kind."))
    rows = component_rows(cmp)
    if rows:
        story.append(data_table(["Change", "Component", "Kind", "What changed", "Instances", "Cost/mo"],
                                [[cell(c) for c in row] for row in rows],
                                [width * .1, width * .2, width * .2, width * .22, width * .12, width * .16]))
    for note in cmp.notes:
        story.append(P(f"Note: {esc(note)}", "note"))
    story.append(P("Every figure is computed by Archplan's engine on each plan; a delta is B's figure minus A's.",
                   "note"))
    return story


def _diagram_page(title: str, plan, result, box: tuple[float, float], caption: str) -> list:
    """A heading, the plan's diagram in `box` (or a note saying why there is none), a caption."""
    body: list = [Heading(title, toc=False)]
    detail = pages(plan, (box[0], box[1] * 0.82)) if plan.components else []
    if len(detail) == 1 and not detail[0].title:
        body.append(DiagramDrawing(plan, result, detail[0]))
    elif detail:   # in parts, as the design document draws it (zones or bands of columns)
        body.append(P(esc(f"The plan is drawn in {len(detail)} parts to stay legible."), "note"))
        for page in detail:
            drawing = DiagramDrawing(plan, result, page)
            body += [CondPageBreak(drawing.height + 40), Heading(page.title or title, level=1, toc=False), drawing]
    else:
        body.append(P("The plan has no components.", "note"))
    if caption:
        body.append(P(esc(caption), "note"))
    return body


def _names(items) -> str:
    return ", ".join(i.name for i in items) or "none"


def write_compare_pdf(cmp, a_plan, a_result, b_plan, b_result, out: Path, a_label: str | None = None,
                      b_label: str | None = None, date: _dt.date | None = None, diagrams: bool = True) -> Path:
    """Write the comparison of plan A (computed as `a_result`) and B to `out`; `diagrams=False` leaves the
    two diagram pages out."""
    out = Path(out)
    a_label, b_label = a_label or cmp.a_name, b_label or cmp.b_name
    date_text = (date or _dt.date.today()).isoformat()
    fonts()
    saved = rl_config.invariant, rl_config.useA85
    try:
        rl_config.invariant = 1
        rl_config.useA85 = 0
        with tempfile.TemporaryDirectory(prefix="archplan-compare-") as workdir:
            built = Path(workdir) / "compare.pdf"
            doc = _Document(str(built), f"{cmp.a_name} vs {cmp.b_name}", default_author(), single_pass=True,
                            invariant=1)
            story = [NextPageTemplate("body"), *compare_story(cmp, doc.width, a_label, b_label)]
            if diagrams:
                changed = _names(cmp.changed)
                for side, plan, result, caption in (
                        ("A", a_plan, a_result, f"Only in A (removed in B): {_names(cmp.removed)}. Changed in B: "
                                                f"{changed}."),
                        ("B", b_plan, b_result, f"Only in B (added): {_names(cmp.added)}. Changed from A: "
                                                f"{changed}.")):
                    story += [NextPageTemplate("landscape"), PageBreak(),
                              *_diagram_page(f"Diagram {side}: {plan.name}", plan, result, doc.landscape_size,
                                             caption)]
            story.append(Spacer(1, 1))
            created = _dt.datetime.combine(date or _dt.date.today(), _dt.time(), _dt.UTC)
            doc.build(story, canvasmaker=_canvas_maker(f"{cmp.a_name} vs {cmp.b_name} · comparison · "
                                                       f"{date_text}", created))
            from archplan.planner.io import atomic_write_bytes

            atomic_write_bytes(out, built.read_bytes())
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        rl_config.invariant, rl_config.useA85 = saved
    return out
