"""The plan's Markdown notes go into the PDF as a "Notes" section after the summary (read back with pypdf)."""

from __future__ import annotations

import datetime as dt
import re

from iac_pdf_plans import computed, realistic_plan
from pypdf import PdfReader

from archplan.exports.pdf import write_pdf
from archplan.exports.pdf_notes import markdown_flowables

NOTES = """# Requirements

- 100M daily users, **100:1** reads to writes
- p99 under *200 ms*

## Decisions

1. Cache in front of the `orders` database
2. See [the RFC](https://example.com/rfc)

> Open question: multi-region writes?

```
cache_hit_ratio = 0.95
```
"""


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _outline_titles(reader: PdfReader) -> list[str]:
    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title
    return list(walk(reader.outline))


def test_notes_are_printed_after_the_summary(tmp_path):
    plan, result = computed(realistic_plan())
    plan.notes = NOTES
    reader = PdfReader(write_pdf(plan, result, tmp_path / "notes.pdf", date=dt.date(2025, 1, 1), diagram=False))
    titles = _outline_titles(reader)
    assert "Notes" in titles and titles.index("Notes") == titles.index("Summary") + 1
    text = squash("".join(page.extract_text() for page in reader.pages))
    for words in ("Requirements", "100Mdailyusers", "100:1readstowrites", "p99under200ms", "Decisions",
                  "Cacheinfrontofthe", "orders", "Openquestion:multi-regionwrites?", "cache_hit_ratio=0.95"):
        assert words in text, words
    assert "**" not in text and "```" not in text and "##" not in text   # Markdown is rendered, not printed


def test_no_notes_no_section(tmp_path):
    plan, result = computed(realistic_plan())
    plan.notes = ""
    reader = PdfReader(write_pdf(plan, result, tmp_path / "plain.pdf", date=dt.date(2025, 1, 1), diagram=False))
    assert "Notes" not in _outline_titles(reader)


def test_markdown_blocks_become_flowables():
    from reportlab.platypus import ListFlowable, Paragraph, Preformatted

    flowables = markdown_flowables(NOTES)
    kinds = [type(f) for f in flowables]
    assert Paragraph in kinds and ListFlowable in kinds and Preformatted in kinds
    bold = next(f for f in flowables if isinstance(f, ListFlowable))
    assert bold is not None
