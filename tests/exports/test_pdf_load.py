"""The PDF's "Failures" section and the client p99 table of its "Load behaviour" section (issue 16: the
failure table and the latency curves appear once those features exist). Read back with pypdf and compared
with planner.resilience and planner.curves, never with numbers written here."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from archplan.exports import export, pdf_curves, pdf_load
from archplan.planner import units
from archplan.planner.curves import curves
from archplan.planner.engine import compute
from archplan.planner.io import load_plan
from archplan.planner.resilience import resilience

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf(plan, path: Path):
    out = export(plan, compute(plan), "pdf", path, date=dt.date(2026, 1, 2), diagram=False)
    reader = PdfReader(out)
    return reader, squash("\n".join(p.extract_text() for p in reader.pages))


@pytest.fixture(scope="module")
def three_tier(tmp_path_factory):
    plan = load_plan(TEMPLATES / "three_tier.json")
    return plan, *_pdf(plan, tmp_path_factory.mktemp("pdf") / "t.pdf")


def _between(text: str, start: str, end: str) -> str:
    a = text.index(squash(start))
    b = text.find(squash(end), a)
    return text[a: b if b > 0 else None]


def test_both_sections_are_in_the_outline_after_the_review(three_tier):
    _plan, reader, _text = three_tier
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles.index("Review") < titles.index("Failures") < titles.index("Load behaviour")


def test_the_failure_table_is_the_resilience_report(three_tier):
    plan, _reader, text = three_tier
    report = resilience(plan)
    section = _between(text, "Each failure alone", "Load behaviour")
    fails = sum(1 for r in report.components if not r.down.holds)
    assert squash(f"{fails} component{'s' if fails != 1 else ''} of {len(report.components)} cannot fail") in section
    for r in report.components:
        n1 = "managed" if r.managed else ("yes" if r.n_plus_one else "no")
        errors = units.format_percent(r.down.error_rate, 2) if r.down.error_rate > 0 else "0 %"
        row = squash(f"{r.name} {r.count} {n1}")
        assert row in section, r.name
        after = section[section.index(row):]
        assert squash(errors) in after[:200], (r.name, errors)
    for g in report.groups:
        assert squash(g.name) in section and squash(g.kind) in section


def test_the_client_p99_table_is_the_planners_curves(three_tier):
    plan, _reader, text = three_tier
    result = compute(plan)
    cv = curves(plan, clients=list(result.clients)[:pdf_curves.MAX_CLIENTS])
    section = _between(text, "Client p99 against the load", "API endpoints")
    intro = _between(text, "Response time and utilisation against the load", "API endpoints")
    assert squash(f"where {cv.names[cv.saturating]} saturates") in intro
    for s in (s for s in cv.series if s.subject == "client"):
        assert squash(f"{s.name} ({s.operation}s)") in section
        assert squash(units.format_duration(s.p99[0])) in section
        assert squash(units.format_duration(s.p99[-1])) in section
        if s.knee:
            assert squash(f"×{s.knee.multiplier:.3g}") in section and squash(units.format_duration(s.knee.p99)) \
                in section


def test_a_large_plan_lists_group_failures_only(monkeypatch, tmp_path):
    plan = load_plan(TEMPLATES / "three_tier.json")
    monkeypatch.setattr(pdf_load, "MAX_FAILURE_COMPONENTS", 2)
    _reader, text = _pdf(plan, tmp_path / "big.pdf")
    section = _between(text, "This plan has", "Load behaviour")
    assert squash("the table lists the failure of each group") in section
    assert squash("If this fails") not in section and squash("If this group fails") in section
    report = resilience(plan, components=False)
    assert report.components == () and report.groups


def test_a_plan_without_clients_has_no_client_p99_table(tmp_path):
    from archplan.planner.catalog import Behaviour, default_catalog
    from archplan.planner.model import Plan

    catalog = default_catalog()
    data = load_plan(TEMPLATES / "three_tier.json").model_dump()
    data["components"] = [c for c in data["components"] if catalog[c["kind"]].behaviour is not Behaviour.CLIENT]
    keep = {c["id"] for c in data["components"]}
    data["links"] = [x for x in data["links"] if x["source"] in keep and x["target"] in keep]
    plan = Plan.model_validate(data)
    reader, text = _pdf(plan, tmp_path / "no-clients.pdf")
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Load behaviour" in titles and squash("Client p99 against the load") not in text


def test_very_large_plans_say_what_is_left_out(monkeypatch, tmp_path):
    """Past the limits (kept so that 10,000 components stay under a minute) each section says so."""
    from archplan.exports.pdf_curves import load_section
    from archplan.exports.pdf_load import failures_section

    plan = load_plan(TEMPLATES / "three_tier.json")
    result = compute(plan)
    monkeypatch.setattr(pdf_curves, "MAX_CURVE_COMPONENTS", 2)
    monkeypatch.setattr(pdf_load, "MAX_FAILURE_COMPONENTS", 2)
    text = " ".join(getattr(f, "text", "") for f in load_section(plan, result, 400))
    assert "the curves and the sensitivity are drawn for plans of up to 2" in text
    plan.groups.clear()
    text = " ".join(getattr(f, "text", "") for f in failures_section(plan, result, 400))
    assert "there is no group to fail" in text
