"""The practice debrief PDF (exports/pdf_practice.py), read back with pypdf: it builds, carries the score, every
lost point's explanation, the estimates with their work and the timeline."""

from __future__ import annotations

import io
import re

import pytest
from practice_designs import good_run, good_twitter, single_db_twitter, with_run
from pypdf import PdfReader

from archplan.exports import ExportError
from archplan.exports.cli import register
from archplan.exports.pdf_practice import write_practice_pdf
from archplan.planner.cli import run_cli
from archplan.planner.engine import compute
from archplan.planner.io import save_plan
from archplan.planner.practice.score import CANNOT_MEASURE, score
from archplan.planner.practice.steps import fmt_minutes


def _text(path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def bad_plan():
    plan = single_db_twitter()
    return with_run(plan, good_run(plan, hints=["cache"]))


def test_debrief_builds_with_the_score_and_every_explanation(tmp_path, bad_plan):
    out = write_practice_pdf(bad_plan, compute(bad_plan), tmp_path / "debrief.pdf")
    text = _text(out)
    s = score(bad_plan)
    assert f"{s.percent:.0f} %" in text and s.band in text
    assert _words(CANNOT_MEASURE)[:60] in text
    lost = s.missing()
    assert lost
    for p in lost:
        # the explanation's opening words (wrapping may split the rest over lines)
        assert _words(p.message)[:40] in text, p.rule
    assert "Hint used" in text
    assert "To earn it:" in text


def test_debrief_shows_the_estimates_work_and_the_timeline(tmp_path):
    plan = good_twitter()
    saved = with_run(plan, good_run(plan))
    text = _text(write_practice_pdf(saved, compute(saved), tmp_path / "good.pdf"))
    assert "Nothing: every assessed point was earned." in text
    assert "Within 2x of Archplan's figure is fine in an interview" in text
    assert "write_qps = writes_per_day / day_s" in text
    assert "Timeline" in text
    for event in saved.practice.timeline:
        if event.event == "step":
            assert fmt_minutes(event.t) in text


def test_a_plan_without_a_practice_run_is_refused(tmp_path):
    plan = single_db_twitter()
    with pytest.raises(ExportError, match="no practice run"):
        write_practice_pdf(plan, compute(plan), tmp_path / "x.pdf")
    with pytest.raises(ExportError, match="no option"):
        write_practice_pdf(plan, compute(plan), tmp_path / "x.pdf", colour="red")


def test_debrief_command(tmp_path, bad_plan):
    save_plan(bad_plan, tmp_path / "run.json")
    out, err = io.StringIO(), io.StringIO()
    assert run_cli(["debrief", str(tmp_path / "run.json"), "-o", str(tmp_path / "d.pdf")], [register], out, err) == 0
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
    save_plan(single_db_twitter(), tmp_path / "plain.json")
    code = run_cli(["debrief", str(tmp_path / "plain.json"), "-o", str(tmp_path / "e.pdf")], [register], out, err)
    assert code == 2 and err.getvalue().count("\n") == 1 and "no practice run" in err.getvalue()
