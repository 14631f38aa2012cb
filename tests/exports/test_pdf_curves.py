"""The PDF's "Load behaviour" section (exports/pdf_curves.py): the curves and tornados are vector drawings of
planner.curves' and planner.ranges.sensitivity's figures, read back with pypdf."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, String

from archplan.exports import export
from archplan.exports.pdf_curves import chosen, curve_drawing, load_section, nice_ticks, tornado_drawing
from archplan.planner.cli_compare import human
from archplan.planner.curves import curves
from archplan.planner.engine import compute
from archplan.planner.library import load_template
from archplan.planner.model import Plan
from archplan.planner.ranges import sensitivity

DATE = dt.date(2025, 3, 14)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def shapes(node) -> list:
    out = []
    for child in getattr(node, "contents", []):
        out.append(child)
        if isinstance(child, Group):
            out += shapes(child)
    return out


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    plan = load_template("three_tier")
    result = compute(plan)
    out = export(plan, result, "pdf", tmp_path_factory.mktemp("pdf") / "curves.pdf", date=DATE, diagram=False)
    reader = PdfReader(out)
    return plan, result, reader, [page.extract_text() for page in reader.pages]


def section_pages(reader, pages):
    start = next(i for i, p in enumerate(pages) if "Load behaviour" in p and "Response time and utilisation" in p)
    end = next(i for i, p in enumerate(pages) if i > start and "API endpoints" in p)
    return list(range(start, end + 1))


def test_load_behaviour_is_a_section_with_each_chosen_curve(document):
    plan, result, reader, pages = document
    assert "Load behaviour" in [item.title for item in reader.outline if not isinstance(item, list)]
    text = squash(" ".join(pages[i] for i in section_pages(reader, pages)))
    cv = curves(plan, clients=list(result.clients))
    for s in chosen(cv, result, list(result.clients)):
        title = cv.names[s.id] if s.subject == "component" else f"{s.name}: {s.operation}s, end to end"
        assert squash(title) in text
        if s.knee:
            assert squash(f"Knee at ×{s.knee.multiplier:.3g} of today's traffic") in text
    assert squash(f"where {cv.names[cv.saturating]} saturates") in text
    for label in ("load (× today's traffic)", "response time (ms)", "utilisation (%)", "mean", "p95", "p99"):
        assert squash(label) in text


def test_the_tornados_show_every_input_with_its_ends(document):
    plan, _result, reader, pages = document
    text = squash(" ".join(pages[i] for i in section_pages(reader, pages)))
    sens = sensitivity(plan)
    for t in sens.tornados:
        assert squash(f"{t.label} (as planned: {human(t.unit, t.base)})") in text
        if any(b.swing for b in t.bars):
            for b in t.bars:
                assert squash(b.input) in text and squash(b.range_text()) in text
                if b.swing:
                    assert squash(human(t.unit, b.at_high)) in text
        else:
            assert squash("no input moves it within its range") in text


def test_the_figures_are_vector_graphics(document):
    _plan, _result, reader, pages = document
    for i in section_pages(reader, pages):
        page = reader.pages[i]
        assert not page.images  # nothing raster
    drawn = reader.pages[section_pages(reader, pages)[1]].get_contents().get_data().decode("latin-1")
    assert drawn.count(" l\n") + drawn.count(" l ") > 100  # line segments: the curves, axes and grid


def test_the_knee_and_breaking_markers_are_where_the_curves_put_them():
    plan = load_template("three_tier")
    cv = curves(plan, clients=[])
    s = cv.get(cv.saturating)
    d = curve_drawing(cv, s, 480)
    texts = [x.text for x in shapes(d) if isinstance(x, String)]
    assert f"knee ×{s.knee.multiplier:.3g}" in texts and f"breaks ×{cv.breaking:.3g}" in texts
    assert not any(t.startswith("what-if") for t in texts)
    dots = [x for x in shapes(d) if isinstance(x, Circle)]
    assert len(dots) == 1
    # the dot is on the mean curve: between the two points it falls between, in the plotted coordinates
    curve = next(x for x in shapes(d) if isinstance(x, PolyLine))
    xs, ys = curve.points[0::2], curve.points[1::2]
    j = max(i for i, x in enumerate(xs) if x <= dots[0].cx)
    low, high = sorted((ys[j], ys[j + 1]))
    assert low - 1 <= dots[0].cy <= high + 1
    with_whatif = curve_drawing(cv, s, 480, whatif=3.0)
    assert "what-if ×3" in [x.text for x in shapes(with_whatif) if isinstance(x, String)]


def test_a_what_if_document_marks_its_load(tmp_path):
    plan = load_template("three_tier")
    out = export(plan, compute(plan, multiplier=2.0), "pdf", tmp_path / "whatif.pdf", date=DATE, diagram=False)
    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert any("what-if ×2" in p for p in pages)


def test_a_tornado_bar_per_input():
    plan = load_template("three_tier")
    t = sensitivity(plan).tornado("cost")
    d = tornado_drawing(t, 480)
    assert isinstance(d, Drawing)
    texts = [x.text for x in shapes(d) if isinstance(x, String)]
    for b in t.bars:
        assert b.input in texts and b.range_text() in texts
    assert any(isinstance(x, Line) for x in shapes(d))  # the planned value


def test_a_plan_without_components_still_builds():
    plan = Plan(name="Empty")
    story = load_section(plan, compute(plan), 480)
    assert story  # a heading and a sentence, no curve to draw


def test_nice_ticks():
    assert nice_ticks(330) == [0, 100, 200, 300]
    assert nice_ticks(23) == [0, 5, 10, 15, 20]
    assert nice_ticks(0) == [0.0]
    assert all(math.isfinite(v) for v in nice_ticks(1e-4))
