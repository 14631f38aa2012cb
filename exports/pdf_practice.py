"""
The practice debrief PDF: one interview practice run (a plan with ``practice``) and its score. A4,
reportlab platypus, the look of the design document (exports/pdf_style.py).

Contents: the prompt and the verdict (score, band, points per dimension), what the score cannot measure,
every point lost with its explanation, the advice that would earn it and the work behind it, the
estimates (yours against Archplan's, with the formulas), the points earned, the timeline (what was done
when) with the time per step, and the sources. Every figure is read from planner.practice.score's Score
(computed once in planner/); nothing here scores or estimates anything.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate

from archplan.exports import ExportError
from archplan.exports.pdf_parts import Heading
from archplan.exports.pdf_style import (
    MUTED,
    NAVY,
    PAGE_MARGIN,
    PANEL,
    RULE,
    SEVERITY,
    TEAL,
    P,
    cell,
    data_table,
    esc,
    fonts,
    styles,
    subheading,
)
from archplan.planner.io import atomic_write_bytes

__all__ = ["debrief_story", "write_practice_pdf"]

#: Band -> colour of the verdict.
BAND_COLOUR = {"very strong": TEAL, "strong": TEAL, "weak": SEVERITY["warning"], "very weak": SEVERITY["error"]}


def _pts(value: float) -> str:
    return f"{round(value, 2):g}"


def _verdict(score, width: float) -> Table:
    s = styles()
    figures = [("Score", f"{score.percent:.0f} %"), ("Band", score.band),
               ("Points", f"{score.got:g} of {score.assessed_max:g}"), ("Level", score.level)]
    col = width / len(figures)
    box = Table([[Paragraph(esc(v), s["figure_value"]) for _, v in figures],
                 [Paragraph(esc(k), s["figure_label"]) for k, _ in figures]], colWidths=[col] * len(figures))
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), PANEL), ("LINEABOVE", (0, 0), (-1, 0), 2,
                                                  BAND_COLOUR.get(score.band, NAVY)),
        ("TOPPADDING", (0, 0), (-1, 0), 10), ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, RULE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return box


def _explained(p) -> list:
    parts = [cell(p.message)]
    if p.advice:
        parts.append(cell(f"To earn it: {p.advice}", "cell_note"))
    for line in p.work[:8]:
        parts.append(cell(line, "cell_sub"))
    if p.source:
        parts.append(cell(f"Source: {p.source}", "cell_sub"))
    return parts


def debrief_story(plan, score, width: float, date_text: str) -> list:
    run = plan.practice
    prompt = score.prompt
    story: list = [P(esc(f"Practice debrief: {prompt.title}"), "title"),
                   P(esc(f"{plan.name} · {score.level} level · "
                         + (f"started {run.started_at} · " if run is not None and run.started_at else "")
                         + f"prepared {date_text} with Archplan"), "subtitle"),
                   _verdict(score, width), Spacer(1, 5 * mm),
                   P(esc(prompt.statement))]
    rows = [[cell(d.title), f"{d.got:g}" if d.assessed else "-", f"{d.assessed_max:g}" if d.assessed else "-",
             f"{d.weight:g}", cell(f"{sum(1 for p in d.points if p.missing or p.penalty)} point(s) lost"
                                   if d.assessed else "not assessed (no practice record)")]
            for d in score.dimensions]
    rows.append([cell("Total"), f"{score.got:g}", f"{score.assessed_max:g}", "100", cell(score.band)])
    story += subheading("Points per dimension")
    story.append(data_table(["Dimension", "Got", "Of (assessed)", "Weight", ""], rows,
                            [width * 0.34, width * 0.1, width * 0.14, width * 0.1, width * 0.32],
                            right={1, 2, 3}, total_row=True))
    story.append(P(esc(score.notes[0]) if score.notes else "", "note"))

    lost = score.missing()
    story.append(Heading("What cost points"))
    if not lost:
        story.append(P("Nothing: every assessed point was earned."))
    else:
        story.append(P("Each point lost, with why, what would earn it and the figures behind it.", "small"))
        story.append(data_table(["Dimension", "Point", "Got", "Why, and what would earn it"],
                                [[cell(p.dimension.replace("_", " ")), cell(p.title), f"{_pts(p.got)} / {_pts(p.max)}",
                                  _explained(p)] for p in lost],
                                [width * 0.13, width * 0.19, width * 0.09, width * 0.59], right={2}))

    estimates = [p for p in score.points() if p.dimension == "estimation" and p.rule.startswith("PRAC-EST-")
                 and p.work and p.rule not in ("PRAC-EST-SEED",)]
    if estimates:
        story.append(Heading("Estimates: yours against Archplan's"))
        story.append(P("Within 2x of Archplan's figure is fine in an interview (full credit); within 3.16x (the same "
                       "order of magnitude) half; further off none, and a ratio close to a unit factor names the "
                       "likely slip.", "small"))
        story.append(data_table(["Figure", "Got", "Result and work"],
                                [[cell(p.title), f"{_pts(p.got)} / {_pts(p.max)}",
                                  [cell(p.message), *[cell(w, "mono") for w in p.work]]] for p in estimates],
                                [width * 0.2, width * 0.1, width * 0.7], right={1}))

    earned = [p for p in score.points() if p.assessed and not p.missing and not p.penalty
              and p not in estimates]
    if earned:
        story.append(Heading("Points earned"))
        story.append(data_table(["Dimension", "Point", "Got", "Why"],
                                [[cell(p.dimension.replace("_", " ")), cell(p.title), f"{_pts(p.got)} / {_pts(p.max)}",
                                  cell(p.message)] for p in earned],
                                [width * 0.13, width * 0.19, width * 0.09, width * 0.59], right={2}))

    if run is not None and run.timeline:
        from archplan.planner.practice.steps import fmt_minutes

        story.append(Heading("Timeline"))
        story.append(P("What was done when (minutes:seconds from the start).", "small"))
        story.append(data_table(["Time", "Event", "Step", "Detail"],
                                [[fmt_minutes(e.t), e.event, cell((e.step or "").replace("_", " ")), cell(e.detail)]
                                 for e in run.timeline[:400]],
                                [width * 0.1, width * 0.12, width * 0.2, width * 0.58], right={0}))
    notes = list(score.notes[1:])
    if notes:
        story += subheading("Notes")
        story += [P(esc(n), "body") for n in notes]
    story += subheading("Sources")
    story.append(P(esc(f"Prompt: {prompt.source}. Reference design: templates/{prompt.template}.json. "
                       "Rubric and bands: docs/practice.md."), "small"))
    return story


def _on_page(footer: str):
    font = fonts()

    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font["sans"], 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(PAGE_MARGIN, 10 * mm, footer)
        canvas.drawRightString(A4[0] - PAGE_MARGIN, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()
    return draw


def write_practice_pdf(plan, result, out: Path, date: _dt.date | None = None, score=None, **options) -> Path:
    """Write the debrief of `plan`'s practice run (scored on `result`) to `out`. ExportError when the plan
    has no practice run and no `score` is given."""
    if options:
        raise ExportError(f"the debrief has no option {sorted(options)[0]!r} (options: date, score)")
    if score is None:
        from archplan.planner.practice.score import score as score_plan

        if plan.practice is None:
            raise ExportError("the plan has no practice run: start one (Practice…) or run archplan practice")
        try:
            score = score_plan(plan, result=result)
        except ValueError as exc:
            raise ExportError(str(exc)) from None
    out = Path(out)
    date_text = (date or _dt.date.today()).isoformat()
    fonts()
    saved = rl_config.invariant
    try:
        rl_config.invariant = 1
        with tempfile.TemporaryDirectory(prefix="archplan-debrief-") as workdir:
            built = Path(workdir) / "debrief.pdf"
            doc = BaseDocTemplate(str(built), pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN,
                                  topMargin=PAGE_MARGIN, bottomMargin=PAGE_MARGIN + 2 * mm,
                                  title=f"Practice debrief: {score.prompt.title}", author="Archplan",
                                  subject="Interview practice debrief", creator="Archplan", invariant=1)
            frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="main",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            doc.addPageTemplates([PageTemplate("body", [frame], onPage=_on_page(
                f"{plan.name} · practice debrief · {date_text}"))])
            doc.build(debrief_story(plan, score, doc.width, date_text))
            atomic_write_bytes(out, built.read_bytes())
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        rl_config.invariant = saved
    return out
