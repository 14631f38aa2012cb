"""The PDF's Review section: read back with pypdf - the verdict, every finding with its rule, fix and
before/after, accepted findings with their reasons, the sources."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader
from review_plans import naive_plan

from archplan.exports import export
from archplan.planner import edit
from archplan.planner.engine import compute
from archplan.planner.review import ignored_with, preview


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    plan = naive_plan()
    lb = next(f for f in compute(plan).findings if f.rule == "REL-SPOF-LB")
    edit.update_settings(plan, ignored_findings=ignored_with(plan, lb, "a pilot with one balancer"))
    result = compute(plan)
    out = export(plan, result, "pdf", tmp_path_factory.mktemp("pdf") / "review.pdf", date=dt.date(2026, 1, 2),
                 diagram=False)
    reader = PdfReader(out)
    review_pages = [p.extract_text() for p in reader.pages]
    return plan, result, reader, squash("\n".join(review_pages))


def test_review_is_a_section_of_its_own(document):
    _plan, _result, reader, _text = document
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Review" in titles and titles.index("Findings") < titles.index("Review")


def test_every_finding_with_its_rule_and_fix(document):
    plan, result, _reader, text = document
    assert squash("The design review does not pass") in text
    for finding in result.findings:
        assert squash(finding.rule) in text
    media = next(f for f in result.findings if f.rule == "DATA-MEDIA-IN-DB")
    p = preview(plan, media, result)
    assert squash(p.fix.summary) in text and squash(p.rows[0].text()) in text


def test_accepted_findings_and_sources(document):
    _plan, result, _reader, text = document
    assert squash("Accepted findings") in text and squash("a pilot with one balancer") in text
    assert squash("Sources of the rules") in text and squash("AWS Well-Architected REL10-BP01") in text
    assert [f.rule for f in result.ignored] == ["REL-SPOF-LB"]
