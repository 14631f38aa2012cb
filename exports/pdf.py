"""
The PDF design document: what an architect hands over. A4, reportlab platypus.

Contents: title page with the key figures, table of contents, architecture diagram (exports.diagram,
or a note when graphviz or the diagram exporter is missing), summary, the plan's notes (Markdown,
exports/pdf_notes.py), traffic assumptions, capacity per component, findings with advice, the design
review, budgets, load behaviour (latency curves and sensitivity, exports/pdf_curves.py), API endpoints,
cost, "show your work" (every headline figure's formula with its values), and the units appendix.
Sections: exports/pdf_parts.py, pdf_work.py, pdf_review.py (the review); look: exports/pdf_style.py.

The build runs with reportlab's invariant mode on and ASCII85 off (both restored afterwards), so the
same plan, result and date give byte-identical, compact files.
The file is written beside the target and renamed over it.
"""

from __future__ import annotations

import datetime as _dt
import json
import tempfile
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as _canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)
from reportlab.platypus.tableofcontents import TableOfContents

from archplan.exports import ExportError
from archplan.exports.pdf_budgets import budgets_section
from archplan.exports.pdf_curves import load_section
from archplan.exports.pdf_diagram import diagram_story
from archplan.exports.pdf_notes import notes_section
from archplan.exports.pdf_parts import (
    Heading,
    appendix_section,
    cost_section,
    endpoints_section,
    findings_section,
    summary_section,
    title_page,
    traffic_section,
)
from archplan.exports.pdf_review import review_section
from archplan.exports.pdf_style import MUTED, PAGE_MARGIN, RULE, TEAL, esc, fonts, styles
from archplan.exports.pdf_work import capacity_section, formulas_reference, work_section
from archplan.planner.catalog import CATALOG_PATH
from archplan.planner.io import atomic_write_bytes

__all__ = ["write_pdf"]


class _Document(BaseDocTemplate):
    """Two page templates (title, body); headings feed the table of contents and the PDF outline."""

    def __init__(self, filename: str, plan_name: str, **kw):
        super().__init__(filename, pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN,
                         topMargin=PAGE_MARGIN + 4 * mm, bottomMargin=PAGE_MARGIN + 2 * mm, title=plan_name,
                         author="Archplan", subject="Capacity plan and design document", creator="Archplan",
                         **kw)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="main",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        wide_w, wide_h = landscape(A4)
        self.landscape_size = (wide_w - self.leftMargin - self.rightMargin,
                               wide_h - self.topMargin - self.bottomMargin)
        wide = Frame(self.leftMargin, self.bottomMargin, *self.landscape_size, id="wide",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("title", [frame]), PageTemplate("body", [frame]),
                               PageTemplate("landscape", [wide], pagesize=landscape(A4))])
        self._heading_seq = 0
        self.layout_pass = 0

    def build(self, *args, **kwargs):
        self.layout_pass += 1  # multiBuild calls build once per pass; see pdf_diagram.DiagramImage
        return super().build(*args, **kwargs)

    def beforeDocument(self) -> None:
        self._heading_seq = 0

    def afterFlowable(self, flowable) -> None:
        level = getattr(flowable, "toc_level", None)
        if level is None:
            return
        self._heading_seq += 1
        key = f"section-{self._heading_seq}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.toc_text, key, level, closed=level > 0)
        self.notify("TOCEntry", (level, esc(flowable.toc_text), self.page, key))


def _canvas_maker(footer_left: str):
    """A canvas that knows the page count when it saves, to print "Page N of M" on every body page."""
    font = fonts()

    class NumberedCanvas(_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, _height = self._pagesize
            y = PAGE_MARGIN - 2 * mm
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(PAGE_MARGIN, y + 10, width - PAGE_MARGIN, y + 10)
            self.setFont(font["sans"], 7.5)
            self.setFillColor(MUTED)
            self.drawString(PAGE_MARGIN, y, footer_left)
            self.setFillColor(TEAL)
            self.drawRightString(width - PAGE_MARGIN, y, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas


def _prices() -> dict:
    try:
        raw = json.loads(Path(CATALOG_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {"prices_date": raw.get("prices_date"), "prices_region": raw.get("prices_region")}


def _story(plan, result, doc: _Document, workdir: Path, date_text: str, diagram: bool, dpi: float) -> list:
    width, height = doc.width, doc.height
    toc = TableOfContents(levelStyles=[styles()["toc0"], styles()["toc1"]], dotsMinLevel=0)
    story = title_page(plan, result, date_text, width)
    story += [NextPageTemplate("body"), PageBreak(), Heading("Contents", toc=False), toc]
    story += diagram_story(plan, result, workdir, diagram, (width, height), doc.landscape_size, dpi)
    story += summary_section(plan, result, width)
    story += notes_section(plan, width)
    story += [CondPageBreak(height * 0.35), *traffic_section(plan, width)]
    story += [PageBreak(), *capacity_section(plan, result, width)]
    story += [CondPageBreak(height * 0.3), *findings_section(plan, result, width)]
    story += [CondPageBreak(height * 0.3), *review_section(plan, result, width)]
    story += [CondPageBreak(height * 0.25), *budgets_section(plan, result, width)]
    story += [CondPageBreak(height * 0.4), *load_section(plan, result, width)]
    story += [CondPageBreak(height * 0.25), *endpoints_section(plan, result, width)]
    story += [CondPageBreak(height * 0.3), *cost_section(plan, result, width, _prices())]
    story += [PageBreak(), *work_section(plan, result, width)]
    story += [PageBreak(), *appendix_section(width), *formulas_reference(result, width)]
    return story


def _footer_text(plan_name: str, date_text: str) -> str:
    name = " ".join(plan_name.split())
    name = name if len(name) <= 70 else name[:69] + "…"
    return f"{name} · capacity plan · {date_text}"


def write_pdf(plan, result, out: Path, date: _dt.date | None = None, diagram: bool = True,
              diagram_dpi: float = 180, **options) -> Path:
    """Write the design document for `plan` (computed as `result`) to `out`.

    date: the date printed on the document (default today); diagram=False leaves the diagram out;
    diagram_dpi: the resolution the diagram should have in print (it is re-rendered when needed)."""
    if options:
        raise ExportError(f"the PDF export has no option {sorted(options)[0]!r} (options: date, diagram, "
                          "diagram_dpi)")
    out = Path(out)
    date_text = (date or _dt.date.today()).isoformat()
    fonts()
    saved = rl_config.invariant, rl_config.useA85
    try:
        rl_config.invariant = 1
        rl_config.useA85 = 0  # binary streams: smaller, and ASCII85-encoding the diagram costs seconds
        with tempfile.TemporaryDirectory(prefix="archplan-pdf-") as workdir:
            built = Path(workdir) / "document.pdf"
            doc = _Document(str(built), plan.name, invariant=1)
            story = _story(plan, result, doc, Path(workdir), date_text, diagram, diagram_dpi)
            doc.multiBuild(story, canvasmaker=_canvas_maker(_footer_text(plan.name, date_text)))
            atomic_write_bytes(out, built.read_bytes())  # shareable mode, never a half-written document
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        rl_config.invariant, rl_config.useA85 = saved
    return out
