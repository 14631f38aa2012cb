"""The comparison's Markdown (exports/compare_md.py) and PDF pages (exports/pdf_compare.py): built from
planner.compare's object, same formatting as the CLI, every delta present; the PDF is deterministic."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from archplan.exports.compare_md import comparison_markdown, component_rows, totals_rows
from archplan.exports.pdf_compare import write_compare_pdf
from archplan.planner.budgets_report import md_cell
from archplan.planner.cli_compare import human, render_comparison, signed
from archplan.planner.compare import compare
from archplan.planner.engine import compute
from archplan.planner.library import load_template


@pytest.fixture(scope="module")
def pair():
    a, b = load_template("mvp_monolith"), load_template("microservices")
    ra, rb = compute(a), compute(b)
    return a, ra, b, rb, compare(a, ra, b, rb)


def test_markdown_rows_are_the_cli_figures(pair):
    *_, cmp = pair
    cli = render_comparison(cmp)
    for label, a, b, delta, _ratio in totals_rows(cmp):
        line = next(line for line in cli.splitlines() if line.startswith(label))
        assert a in line and b in line and delta in line
    text = comparison_markdown(cmp)
    assert "| Figure | A | B | B - A | B / A |" in text
    for d in cmp.totals:
        cells = (md_cell(d.label), md_cell(human(d.unit, d.a)), md_cell(human(d.unit, d.b)),
                 md_cell(signed(d.unit, d.delta)))
        assert "| " + " | ".join(cells) + " |" in text
    assert len(component_rows(cmp)) == len(cmp.added) + len(cmp.removed) + len(cmp.changed)


def test_cli_compare_writes_markdown_and_pdf(tmp_path):
    from archplan.exports.cli import register
    from archplan.planner.cli import run_cli

    md, pdf = tmp_path / "cmp.md", tmp_path / "cmp.pdf"
    a, b = "templates/mvp_monolith.json", "templates/microservices.json"
    import io
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    out = io.StringIO()
    assert run_cli(["compare", str(root / a), str(root / b), "--markdown", str(md), "--pdf", str(pdf)],
                   extensions=[register], out=out) == 0
    plan_a, plan_b = load_template("mvp_monolith"), load_template("microservices")
    cmp = compare(plan_a, compute(plan_a), plan_b, compute(plan_b))
    assert md.read_text(encoding="utf-8") == comparison_markdown(cmp, str(root / a), str(root / b))
    assert pdf.read_bytes().startswith(b"%PDF") and f"wrote {pdf}" in out.getvalue()
    err = io.StringIO()
    assert run_cli(["compare", str(root / a), str(root / b), "--pdf", str(tmp_path / "no" / "x.pdf")],
                   extensions=[register], out=io.StringIO(), err=err) == 2
    assert err.getvalue().startswith("archplan: error: cannot write") and len(err.getvalue().splitlines()) == 1


def test_markdown_escapes_pipes(pair):
    a, ra, b, rb, _ = pair
    b = b.model_copy(update={"name": "B | with a pipe"})
    text = comparison_markdown(compare(a, ra, b, rb))
    assert "B \\| with a pipe" in text


def test_pdf_has_every_delta_and_is_deterministic(pair, tmp_path):
    a, ra, b, rb, cmp = pair
    day = dt.date(2026, 1, 2)
    first = write_compare_pdf(cmp, a, ra, b, rb, tmp_path / "one.pdf", date=day, diagrams=False)
    second = write_compare_pdf(cmp, a, ra, b, rb, tmp_path / "two.pdf", date=day, diagrams=False)
    assert first.read_bytes() == second.read_bytes()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(first)).pages)
    assert f"{cmp.a_name} vs {cmp.b_name}" in text
    for label, _a, _b, delta, _ratio in totals_rows(cmp):
        assert label in text and delta in text
    for s in cmp.added:
        assert s.name in text


def test_pdf_with_both_diagrams(pair, tmp_path):
    a, ra, b, rb, cmp = pair
    path = write_compare_pdf(cmp, a, ra, b, rb, tmp_path / "cmp.pdf", date=dt.date(2026, 1, 2))
    reader = PdfReader(str(path))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert f"Diagram A: {a.name}" in text and f"Diagram B: {b.name}" in text
    squashed = text.replace(" ", "")
    start_b = squashed.index(f"DiagramB:{b.name}".replace(" ", ""))
    start_a = squashed.index(f"DiagramA:{a.name}".replace(" ", ""))
    for plan, drawn in ((a, squashed[start_a:start_b]), (b, squashed[start_b:])):  # vector: card names are text
        assert all(c.name.replace(" ", "")[:12] in drawn for c in plan.components), plan.name
