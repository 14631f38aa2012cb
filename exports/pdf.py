"""
The PDF design document: what an architect hands to readers who never saw the app. A4, reportlab
platypus.

Contents: title page with the key figures, table of contents, then the sections of `SECTIONS` in
order: architecture diagram (vector, exports/pdf_diagram.py), summary, the plan's notes (Markdown,
exports/pdf_notes.py), traffic assumptions, capacity per component, findings with advice, the design
review, failures, budgets, load behaviour (latency curves, knees and sensitivity), API endpoints, cost,
"show your work" and the appendices. Each section is one function ``(doc: DocumentContext) -> list of
flowables`` plus how it starts (a new page, a conditional break): adding a section is one function and
one line in `SECTIONS`. Sections: exports/pdf_parts.py, pdf_work.py, pdf_review.py (the review),
pdf_load.py (failures), pdf_curves.py (load behaviour); look: exports/pdf_style.py.

Metadata: title (the plan), author (`author`, else the preferences' author, else the user's name),
subject, creator with Archplan's version, the real creation date. The build runs with reportlab's
invariant mode on and ASCII85 off (both restored afterwards) with the creation date set explicitly,
so the same plan, result and `created` give byte-identical, compact files.
The file is written beside the target and renamed over it.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfmetrics import stringWidth
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
from archplan.exports.escaping import one_line
from archplan.exports.pdf_budgets import budgets_section
from archplan.exports.pdf_curves import load_section
from archplan.exports.pdf_diagram import diagram_story
from archplan.exports.pdf_load import failures_section
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
from archplan.exports.pdf_style import MUTED, PAGE_MARGIN, RULE, TEAL, esc, fonts, styles, with_font_runs
from archplan.exports.pdf_work import capacity_section, formulas_reference, work_section
from archplan.planner.io import atomic_write_bytes

__all__ = ["SECTIONS", "DocumentContext", "Section", "write_pdf"]

SUBJECT = "Capacity plan and design document"


@dataclass
class DocumentContext:
    """What every section may read: the plan, its result, the frame sizes and the document's facts."""

    plan: object
    result: object
    width: float                        # portrait frame
    height: float
    landscape: tuple[float, float]      # landscape frame (wide diagrams)
    date_text: str
    diagram: bool = True


@dataclass(frozen=True)
class Section:
    """One section of the document: how it starts (a page break, or a break when less than `room` of the
    page is left) and the function that writes it."""

    name: str
    build: Callable[[DocumentContext], list]
    new_page: bool = False
    room: float = 0.0                   # share of the page height the section's start needs


#: The document after its title page and contents, in order. Add a section here.
SECTIONS: list[Section] = [
    Section("diagram", lambda d: diagram_story(d.plan, d.result, d.diagram, d.landscape)),  # starts a page
    Section("summary", lambda d: summary_section(d.plan, d.result, d.width)),
    Section("notes", lambda d: notes_section(d.plan, d.width)),
    Section("traffic", lambda d: traffic_section(d.plan, d.width), room=0.35),
    Section("capacity", lambda d: capacity_section(d.plan, d.result, d.width), new_page=True),
    Section("findings", lambda d: findings_section(d.plan, d.result, d.width), room=0.3),
    Section("review", lambda d: review_section(d.plan, d.result, d.width), room=0.3),
    Section("failures", lambda d: failures_section(d.plan, d.result, d.width), room=0.3),
    Section("budgets", lambda d: budgets_section(d.plan, d.result, d.width), room=0.25),
    Section("load", lambda d: load_section(d.plan, d.result, d.width), room=0.4),
    Section("endpoints", lambda d: endpoints_section(d.plan, d.result, d.width), room=0.25),
    Section("cost", lambda d: cost_section(d.plan, d.result, d.width, d.result.deployment(d.plan)), room=0.3),
    Section("work", lambda d: work_section(d.plan, d.result, d.width), new_page=True),
    Section("appendix", lambda d: [*appendix_section(d.width), *formulas_reference(d.result, d.width)],
            new_page=True),
]


def default_author() -> str:
    """The author the preferences name (Edit > Preferences), else the user's account name."""
    from archplan.planner.library import author_name

    return author_name()


def app_version() -> str:
    from archplan import __version__

    return __version__


class _Document(BaseDocTemplate):
    """Two page templates (title, body); headings feed the table of contents and the PDF outline."""

    def __init__(self, filename: str, plan_name: str, author: str, single_pass: bool = False, **kw):
        """`single_pass`: the story has no table of contents and is built once (`build`, not `multiBuild`), so
        tables and drawings that skip the first of multiBuild's passes draw in it."""
        super().__init__(filename, pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN,
                         topMargin=PAGE_MARGIN + 4 * mm, bottomMargin=PAGE_MARGIN + 2 * mm,
                         title=one_line(plan_name), author=one_line(author), subject=SUBJECT,
                         creator=f"Archplan {app_version()}", producer=f"Archplan {app_version()} (reportlab)",
                         keywords="capacity plan, architecture, design document", **kw)
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
        self.layout_pass = 1 if single_pass else 0

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


def _timestamp(created: _dt.datetime) -> TimeStamp:
    """reportlab's document time stamp for `created` (its invariant mode would say 2000-01-01)."""
    stamp = TimeStamp(invariant=1)
    utc = created.astimezone(_dt.UTC) if created.tzinfo else created
    stamp.t = utc.timestamp() if created.tzinfo else created.replace(tzinfo=_dt.UTC).timestamp()
    stamp.lt = utc.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    return stamp


def _canvas_maker(footer_left: str, created: _dt.datetime):
    """A canvas that knows the page count when it saves, to print "Page N of M" on every body page."""
    font = fonts()

    class NumberedCanvas(_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _timestamp(created)
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
            self.setFillColor(MUTED)
            x = PAGE_MARGIN
            for run_font, run in with_font_runs(footer_left, font["sans"]):
                self.setFont(run_font, 7.5)
                self.drawString(x, y, run)
                x += stringWidth(run, run_font, 7.5)
            self.setFont(font["sans"], 7.5)
            self.setFillColor(TEAL)
            self.drawRightString(width - PAGE_MARGIN, y, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas


def _story(doc: _Document, context: DocumentContext) -> list:
    toc = TableOfContents(levelStyles=[styles()["toc0"], styles()["toc1"]], dotsMinLevel=0)
    story = title_page(context.plan, context.result, context.date_text, context.width)
    story += [NextPageTemplate("body"), PageBreak(), Heading("Contents", toc=False), toc]
    for section in SECTIONS:
        if section.new_page:
            story.append(PageBreak())
        elif section.room:
            story.append(CondPageBreak(context.height * section.room))
        story += section.build(context)
    return story


def _footer_text(plan_name: str, date_text: str) -> str:
    name = one_line(plan_name)
    name = name if len(name) <= 70 else name[:69] + "…"
    return f"{name} · capacity plan · {date_text}"


def write_pdf(plan, result, out: Path, date: _dt.date | None = None, diagram: bool = True,
              author: str | None = None, created: _dt.datetime | None = None, **options) -> Path:
    """Write the design document for `plan` (computed as `result`) to `out`.

    date: the date printed on the document (default: the creation date); diagram=False leaves the
    diagram out; author: the document's author (default: the preferences'); created: the creation time
    in the file's metadata (default now)."""
    if options:
        raise ExportError(f"the PDF export has no option {sorted(options)[0]!r} (options: date, diagram, "
                          "author, created)")
    out = Path(out)
    created = created or _dt.datetime.now(_dt.UTC)
    date_text = (date or created.date()).isoformat()
    fonts()
    saved = rl_config.invariant, rl_config.useA85
    try:
        rl_config.invariant = 1
        rl_config.useA85 = 0  # binary streams: smaller
        with tempfile.TemporaryDirectory(prefix="archplan-pdf-") as workdir:
            built = Path(workdir) / "document.pdf"
            doc = _Document(str(built), plan.name, author or default_author(), invariant=1)
            context = DocumentContext(plan, result, doc.width, doc.height, doc.landscape_size, date_text, diagram)
            doc.multiBuild(_story(doc, context), canvasmaker=_canvas_maker(_footer_text(plan.name, date_text),
                                                                            created))
            atomic_write_bytes(out, built.read_bytes())  # shareable mode, never a half-written document
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        rl_config.invariant, rl_config.useA85 = saved
    return out
