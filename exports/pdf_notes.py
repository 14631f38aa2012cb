"""
The "Notes" section of the PDF: the plan's own notes (`Plan.notes`, Markdown), after the summary.

Markdown is read with markdown-it-py (CommonMark) and turned into reportlab flowables: headings,
paragraphs with bold, italic, inline code and links, bullet and numbered lists (nested), block quotes,
code blocks and rules. Anything else (tables, raw HTML) is kept as its plain text, so nothing written is
lost. An empty notes field adds no section.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, ListFlowable, ListItem, Paragraph, Preformatted, Spacer

from archplan.exports.pdf_style import RULE, TEAL, esc, fonts, styles


def _inline(token) -> str:
    """One inline token's children as reportlab paragraph markup."""
    out: list[str] = []
    mono = fonts()["mono"]
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            out.append(esc(child.content))
        elif kind in ("softbreak",):
            out.append(" ")
        elif kind == "hardbreak":
            out.append("<br/>")
        elif kind == "strong_open":
            out.append("<b>")
        elif kind == "strong_close":
            out.append("</b>")
        elif kind == "em_open":
            out.append("<i>")
        elif kind == "em_close":
            out.append("</i>")
        elif kind == "code_inline":
            out.append(f'<font name="{mono}">{esc(child.content)}</font>')
        elif kind == "link_open":
            href = esc(child.attrs.get("href", ""))
            out.append(f'<a href="{href}" color="#0f766e">')
        elif kind == "link_close":
            out.append("</a>")
        elif kind == "image":
            out.append(esc(child.content or child.attrs.get("alt", "")))
        else:  # html_inline and the like: their text
            out.append(esc(child.content))
    return "".join(out)


def markdown_flowables(text: str) -> list:
    """Reportlab flowables for Markdown text."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    st = styles()
    heading_style = {1: st["h3"], 2: st["h3"], 3: st["body"]}
    stack: list[list] = [[]]          # flowables of the open containers (the document, list items, quotes)
    lists: list[tuple[str, int]] = []  # open lists: ("bullet" | "ordered", start)
    quotes = 0                         # open block quotes (their paragraphs are set as quotations)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1])
            markup = _inline(tokens[i + 1])
            stack[-1].append(Paragraph(f"<b>{markup}</b>" if level >= 3 else markup, heading_style.get(level,
                                                                                                      st["body"])))
            i += 3
            continue
        if kind == "paragraph_open":
            quoted = quotes > 0
            markup = _inline(tokens[i + 1])
            stack[-1].append(Paragraph(f"<i>{markup}</i>" if quoted else markup, st["note"] if quoted else st["body"]))
            i += 3
            continue
        if kind in ("fence", "code_block"):
            stack[-1].append(Preformatted(token.content.rstrip("\n"), st["mono"]))
            stack[-1].append(Spacer(1, 2 * mm))
        elif kind == "hr":
            stack[-1].append(HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=2, spaceAfter=4))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists.append(("bullet" if kind == "bullet_list_open" else "ordered", int(token.attrs.get("start", 1))))
            stack.append([])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            items = stack.pop()
            style, start = lists.pop()
            options = {"bulletType": "bullet", "start": "•"} if style == "bullet" else \
                {"bulletType": "1", "start": start}
            stack[-1].append(ListFlowable(items, leftIndent=12, bulletFontSize=8, bulletColor=TEAL, **options))
        elif kind == "list_item_open":
            stack.append([])
        elif kind == "list_item_close":
            content = stack.pop()
            stack[-1].append(ListItem(content or [Paragraph("", st["body"])]))
        elif kind == "blockquote_open":
            quotes += 1
            stack.append([])
        elif kind == "blockquote_close":
            quotes -= 1
            quoted = stack.pop()
            stack[-1].append(ListFlowable([ListItem(quoted)], bulletType="bullet", start="", leftIndent=14))
        elif kind == "html_block":
            stack[-1].append(Paragraph(esc(token.content), st["note"]))
        elif kind == "inline":
            stack[-1].append(Paragraph(_inline(token), st["body"]))
        i += 1
    return stack[0]


def notes_section(plan, width: float) -> list:
    """The "Notes" section, or nothing when the plan has no notes."""
    from archplan.exports.pdf_parts import Heading

    if not plan.notes.strip():
        return []
    return [Heading("Notes"), *markdown_flowables(plan.notes)]
