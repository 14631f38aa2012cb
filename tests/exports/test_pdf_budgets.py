"""The PDF's "Budgets" section (exports/pdf_budgets.py), read back with pypdf: every budget with its figure,
margin and verdict; no section for a plan without budgets."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader

from archplan.exports import export
from archplan.planner.budgets import evaluate
from archplan.planner.engine import compute
from archplan.planner.library import load_template
from archplan.planner.model import Budgets

DATE = dt.date(2025, 3, 14)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf(plan, path):
    out = export(plan, compute(plan), "pdf", path, date=DATE, diagram=False)
    reader = PdfReader(out)
    return reader, [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def with_budgets(tmp_path_factory):
    plan = load_template("three_tier")
    result = compute(plan)
    plan.settings.budgets = Budgets(max_monthly_cost=result.totals.monthly_cost * 2, min_headroom=2,
                                    max_read_p99=result.clients["web"].read_p99 / 2, max_utilisation=0.9)
    reader, pages = _pdf(plan, tmp_path_factory.mktemp("pdf") / "budgets.pdf")
    return plan, evaluate(plan.settings.budgets, compute(plan)), reader, pages


def test_budgets_section_lists_every_budget_with_figure_margin_and_verdict(with_budgets):
    _plan, checks, reader, pages = with_budgets
    page = next(p for p in pages if "Budgets" in p and "MISSED" in p)
    text = squash(page)
    assert squash(f"2 of {len(checks)} budgets missed") in text
    for check in checks:
        for shown in (check.label, check.budget_text, check.figure_text, check.margin_text):
            assert squash(shown) in text, shown
    assert text.count("MISSED") == sum(not c.passed for c in checks)
    assert text.count("MET") == sum(c.passed for c in checks)
    assert text.index("MISSED") < text.index("MET")  # missed budgets first
    assert "Budgets" in [item.title for item in reader.outline if not isinstance(item, list)]


def test_a_plan_without_budgets_has_no_budgets_section(tmp_path):
    reader, pages = _pdf(load_template("three_tier"), tmp_path / "plain.pdf")
    assert "Budgets" not in [item.title for item in reader.outline if not isinstance(item, list)]
    assert not any("MISSED" in p for p in pages)
