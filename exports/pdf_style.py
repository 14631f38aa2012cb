"""
The look of the PDF design document: fonts, colours, paragraph styles, tables, and the one function
that turns user text into safe reportlab markup.

Fonts, all embedded (subsets) so the document looks the same everywhere and its text can be searched
and copied: DejaVu Sans / Sans Condensed / Sans Mono (fonts-dejavu-core) for Latin, Greek, Cyrillic and
accented names, with a per-glyph fallback for any character DejaVu lacks: Droid Sans Fallback
(fonts-droid-fallback) for Chinese and Japanese, Nanum Gothic (fonts-nanum) for Korean, Symbola
(fonts-symbola) for emoji and symbols (monochrome). Each run of characters goes to the first font of
the chain that has them; a character no font has is kept (it extracts as text) in the base font.
Helvetica / Courier when DejaVu is missing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from archplan.exports.escaping import clean, one_line

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
#: Fallback fonts after DejaVu, in order: (registered name, file).
FALLBACKS = (("ArchCJK", Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")),
             ("ArchHangul", Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")),
             ("ArchSymbols", Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")))

# colours: a navy ink, a teal accent, quiet greys; severities as traffic lights
INK = colors.HexColor("#1F2933")
NAVY = colors.HexColor("#1F3A5F")
TEAL = colors.HexColor("#2A7F8F")
MUTED = colors.HexColor("#5F6B7A")
RULE = colors.HexColor("#D5DCE3")
ZEBRA = colors.HexColor("#F3F6F9")
PANEL = colors.HexColor("#EAF2F5")
SEVERITY = {"error": colors.HexColor("#B83227"), "warning": colors.HexColor("#C76A12"),
            "info": colors.HexColor("#2E6DA4")}

_NON_LATIN1 = re.compile(r"[^\x00-\xff]")


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode CMap with code points beyond U+FFFF written as UTF-16 surrogate pairs, as the
    PDF reference requires (reportlab writes <1F680>, which readers reject: emoji would not extract)."""
    def utf16(v: int) -> str:
        return chr(v).encode("utf-16-be", "surrogatepass").hex().upper() if v > 0xFFFF else f"{v:04X}"

    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
             f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
             f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
             f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar"]
    lines += [f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


@lru_cache(maxsize=1)
def fonts() -> dict:
    """Register the fonts once; returns the names to use for sans, bold, italic, condensed, mono."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics, ttfonts
    from reportlab.pdfbase.ttfonts import TTFont

    ttfonts.makeToUnicodeCMap = _to_unicode_cmap

    names = {"sans": "Helvetica", "bold": "Helvetica-Bold", "italic": "Helvetica-Oblique",
             "cond": "Helvetica", "cond_bold": "Helvetica-Bold", "mono": "Courier"}
    files = {"ArchSans": "DejaVuSans.ttf", "ArchSans-Bold": "DejaVuSans-Bold.ttf",
             "ArchSans-Italic": "DejaVuSans-Oblique.ttf", "ArchSans-BoldItalic": "DejaVuSans-BoldOblique.ttf",
             "ArchCond": "DejaVuSansCondensed.ttf", "ArchCond-Bold": "DejaVuSansCondensed-Bold.ttf",
             "ArchCond-Italic": "DejaVuSansCondensed-Oblique.ttf",
             "ArchCond-BoldItalic": "DejaVuSansCondensed-BoldOblique.ttf", "ArchMono": "DejaVuSansMono.ttf",
             "ArchMono-Bold": "DejaVuSansMono-Bold.ttf"}
    if all((DEJAVU / f).is_file() for f in files.values()):
        try:
            for name, file in files.items():
                if name not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont(name, str(DEJAVU / file)))
            for family in ("ArchSans", "ArchCond"):
                addMapping(family, 0, 0, family)
                addMapping(family, 1, 0, f"{family}-Bold")
                addMapping(family, 0, 1, f"{family}-Italic")
                addMapping(family, 1, 1, f"{family}-BoldItalic")
            addMapping("ArchMono", 0, 0, "ArchMono")
            addMapping("ArchMono", 1, 0, "ArchMono-Bold")
            addMapping("ArchMono", 0, 1, "ArchMono")
            addMapping("ArchMono", 1, 1, "ArchMono-Bold")
            names = {"sans": "ArchSans", "bold": "ArchSans-Bold", "italic": "ArchSans-Italic", "cond": "ArchCond",
                     "cond_bold": "ArchCond-Bold", "mono": "ArchMono"}
        except Exception:
            pass
    names["fallbacks"] = []
    for name, path in FALLBACKS:
        if not path.is_file():
            continue
        try:
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path)))
            names["fallbacks"].append(name)
        except Exception:
            continue
    return names


@lru_cache(maxsize=1)
def _coverage() -> list[tuple[str, frozenset[int] | dict]]:
    """(font name, the code points it has) for the base font and each fallback."""
    from reportlab.pdfbase import pdfmetrics

    out = []
    for name in [fonts()["sans"], *fonts()["fallbacks"]]:
        face = getattr(pdfmetrics.getFont(name), "face", None)
        cmap = getattr(face, "charToGlyph", None)
        if cmap is not None:
            out.append((name, cmap))
    return out


@lru_cache(maxsize=4096)
def _font_for(ch: str) -> str | None:
    """The first font of the chain with a glyph for `ch` (None: the base font has it, or none has)."""
    chain = _coverage()
    if not chain or ord(ch) in chain[0][1]:
        return None
    for name, cmap in chain[1:]:
        if ord(ch) in cmap:
            return name
    return None


def with_font_runs(text: str, base: str) -> list[tuple[str, str]]:
    """`text` cut into (font, run) pieces: `base`, or the first fallback that has the characters."""
    if not _NON_LATIN1.search(text):
        return [(base, text)]
    out: list[tuple[str, str]] = []
    for ch in text:
        font = (_font_for(ch) if ord(ch) > 0xFF else None) or base
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def with_fallback(markup: str) -> str:
    """Wrap each run of characters the base font lacks in <font name=...> of the first fallback that has
    them (markup is already escaped; tags and entities are ASCII, so they are never touched)."""
    if not _NON_LATIN1.search(markup):
        return markup
    out: list[str] = []
    run_font, run = None, []
    for ch in markup:
        font = _font_for(ch) if ord(ch) > 0xFF else None
        if font != run_font and run:
            text = "".join(run)
            out.append(f'<font name="{run_font}">{text}</font>' if run_font else text)
            run = []
        run_font = font
        run.append(ch)
    if run:
        text = "".join(run)
        out.append(f'<font name="{run_font}">{text}</font>' if run_font else text)
    return "".join(out)


def esc(text: object) -> str:
    """Text as reportlab markup: XML-escaped, control characters dropped, characters the base font lacks
    in a fallback font (per glyph), and a number kept on one line with its "%", "×" or ">"."""
    safe = escape(clean(str(text)).replace("\t", " ").replace("\n", " "))
    safe = safe.replace(" %", "\u00a0%").replace("× ", "×\u00a0").replace("&gt; ", "&gt;\u00a0")
    return with_fallback(safe)


def esc_lines(text: object) -> str:
    """Like esc, keeping line breaks."""
    return "<br/>".join(esc(line) for line in str(text).splitlines())


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    f = fonts()
    base = ParagraphStyle("body", fontName=f["sans"], fontSize=9.5, leading=13.5, textColor=INK, spaceAfter=5)
    s = {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor=MUTED),
        "note": ParagraphStyle("note", base, fontSize=8.5, leading=11.5, textColor=MUTED, spaceBefore=2),
        "h1": ParagraphStyle("h1", base, fontName=f["bold"], fontSize=17, leading=21, textColor=NAVY,
                             spaceBefore=18, spaceAfter=10),
        "h2": ParagraphStyle("h2", base, fontName=f["bold"], fontSize=12.5, leading=16, textColor=NAVY,
                             spaceBefore=12, spaceAfter=5),
        "h3": ParagraphStyle("h3", base, fontName=f["bold"], fontSize=10.5, leading=13.5, textColor=INK,
                             spaceBefore=10, spaceAfter=4),
        "title": ParagraphStyle("title", base, fontName=f["bold"], fontSize=30, leading=36, textColor=NAVY,
                                spaceAfter=8),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=13, leading=17, textColor=TEAL, spaceAfter=18),
        "cell": ParagraphStyle("cell", base, fontName=f["cond"], fontSize=7.6, leading=9.4, spaceAfter=0),
        "cell_sub": ParagraphStyle("cell_sub", base, fontName=f["cond"], fontSize=6.6, leading=8.2,
                                   textColor=MUTED, spaceAfter=0),
        "cell_note": ParagraphStyle("cell_note", base, fontName=f["cond"], fontSize=7.2, leading=9,
                                    textColor=MUTED, spaceAfter=0),
        "head": ParagraphStyle("head", base, fontName=f["cond_bold"], fontSize=7.6, leading=9.2,
                               textColor=colors.white, spaceAfter=0),
        "head_r": ParagraphStyle("head_r", base, fontName=f["cond_bold"], fontSize=7.6, leading=9.2,
                                 textColor=colors.white, spaceAfter=0, alignment=TA_RIGHT),
        "mono": ParagraphStyle("mono", base, fontName=f["mono"], fontSize=7.2, leading=9.4, spaceAfter=0,
                               textColor=INK),
        "figure_label": ParagraphStyle("figure_label", base, fontSize=8, leading=10, textColor=MUTED,
                                       alignment=TA_CENTER, spaceAfter=0),
        "figure_value": ParagraphStyle("figure_value", base, fontName=f["cond_bold"], fontSize=14, leading=18,
                                       textColor=NAVY, alignment=TA_CENTER, spaceAfter=0),
        "figure_value_small": ParagraphStyle("figure_value_small", base, fontName=f["cond_bold"], fontSize=11.5,
                                             leading=18, textColor=NAVY, alignment=TA_CENTER, spaceAfter=0),
        "toc0": ParagraphStyle("toc0", base, fontName=f["bold"], fontSize=10.5, leading=17, leftIndent=0),
        "toc1": ParagraphStyle("toc1", base, fontSize=9.5, leading=14, leftIndent=14, textColor=MUTED),
        "left": ParagraphStyle("left", base, alignment=TA_LEFT),
    }
    return s


def P(markup: str, style: str = "body") -> Paragraph:
    """A paragraph from markup that is already safe (built with esc())."""
    return Paragraph(markup, styles()[style])


def subheading(text: str, room: float = 90) -> list:
    """A sub-section title that never ends a page: it moves to the next page unless `room` points
    (the title and a few rows of what follows) still fit."""
    return [CondPageBreak(room), Paragraph(esc(text), styles()["h3"])]


def cell(text: object, style: str = "cell") -> Paragraph:
    """A table cell from plain text (escaped here)."""
    return Paragraph(esc(text), styles()[style])


class Sequence(Flowable):
    """Flowables shown one after another that the frame may split between any two: how a long table
    streams (blocks of rows, each with its header) instead of being re-split page after page."""

    def __init__(self, flowables: list):
        super().__init__()
        self.flowables = flowables
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, avail_width, avail_height):
        """Only the first flowable is measured: with more to come the sequence claims more than the room,
        so the frame splits it and each block is measured about once (measuring every block on every page
        made long tables quadratic)."""
        first_w, first_h = self.flowables[0].wrap(avail_width, avail_height)
        self._sizes = [(first_w, first_h)]
        if len(self.flowables) == 1:
            return first_w, first_h
        return first_w, avail_height + first_h + 1

    def split(self, avail_width, avail_height):
        """The flowables that fit in `avail_height` (the last one split if it can be), then the rest."""
        head, used = [], 0.0
        for i, flowable in enumerate(self.flowables):
            _w, h = flowable.wrap(avail_width, avail_height - used)
            if used + h <= avail_height:
                head.append(flowable)
                used += h
                continue
            parts = flowable.split(avail_width, avail_height - used)
            rest = self.flowables[i + 1:]
            if parts:
                return [*head, parts[0], Sequence([*parts[1:], *rest])]
            return [*head, Sequence(self.flowables[i:])] if head else []
        return head

    def draw(self):   # only ever one flowable left here: longer sequences are always split
        self.flowables[0].drawOn(self.canv, 0, 0)


TABLE_CHUNK = 40


def _head_cell(text: str, width: float, font: str):
    """A header as plain text (one or two lines: a paragraph per header cell made long tables slow)."""
    text = one_line(text)
    if stringWidth(text, font, 7.6) <= width - 8 or " " not in text:
        return text
    words = text.split()
    best = min(range(1, len(words)), key=lambda k: max(stringWidth(" ".join(words[:k]), font, 7.6),
                                                       stringWidth(" ".join(words[k:]), font, 7.6)))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


class DataTable(Table):
    """A table that skips drawing in multiBuild's first pass (that pass only lays out and counts pages
    for the table of contents; its drawing is thrown away)."""

    def draw(self):
        doc = getattr(self.canv, "_doctemplate", None)
        if getattr(doc, "layout_pass", 0) == 1:
            return
        super().draw()



def data_table(header: list[str], rows: list[list], widths: list[float], right: set[int] = frozenset(),
               total_row: bool = False, chunk: int = TABLE_CHUNK):
    """A zebra-striped table whose header repeats on every page it spans; beyond `chunk` rows it is a
    Sequence of tables of `chunk` rows (long tables stream in linear time)."""
    if chunk and len(rows) > chunk:
        blocks = [rows[k:k + chunk] for k in range(0, len(rows), chunk)]
        return Sequence([_table(header, block, widths, right, total_row and i == len(blocks) - 1)
                         for i, block in enumerate(blocks)])
    return _table(header, rows, widths, right, total_row)


def _table(header: list[str], rows: list[list], widths: list[float], right: set[int] = frozenset(),
           total_row: bool = False) -> Table:
    """A zebra-striped table whose header repeats on every page it spans.

    Cells are flowables (cell(), for text that may wrap, user text above all) or short plain strings
    such as formatted numbers, which are drawn as they are (no markup, no wrapping: much faster than
    a paragraph per cell). Columns in `right` are right-aligned."""
    f = fonts()
    head = [_head_cell(h, w, f["cond_bold"]) for h, w in zip(header, widths)]
    table = DataTable([head, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("FONT", (0, 0), (-1, 0), f["cond_bold"], 7.6, 9.2),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONT", (0, 1), (-1, -1), f["cond"], 7.6, 9.4),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in sorted(right)]
    if total_row and rows:
        commands += [("BACKGROUND", (0, -1), (-1, -1), PANEL), ("LINEABOVE", (0, -1), (-1, -1), 0.8, NAVY),
                     ("FONT", (0, -1), (-1, -1), f["cond_bold"], 7.6, 9.4)]
    table.setStyle(TableStyle(commands))
    return table


PAGE_MARGIN = 18 * mm
