"""PDF design document: read back with pypdf (text, outline, metadata, images), not string-matched in
the generator. The document is built once from a 12-component plan, with its diagram."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from iac_pdf_plans import builtin_templates, computed, realistic_plan
from pypdf import PdfReader
from reportlab import rl_config

from archplan.exports import ExportError, export
from archplan.planner import units
from archplan.planner.model import TrafficProfile

DATE = dt.date(2025, 3, 14)
CREATED = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)


def squash(text: str) -> str:
    """Text without any whitespace: table cells and wrapped lines compare regardless of line breaks."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    plan, result = computed(realistic_plan())
    out = export(plan, result, "pdf", tmp_path_factory.mktemp("pdf") / "design.pdf", date=DATE, created=CREATED,
                 author="Ada Lovelace")
    reader = PdfReader(out)
    pages = [page.extract_text() for page in reader.pages]
    return plan, result, out, reader, pages


def test_title_page_and_key_figures(document):
    plan, result, _out, reader, pages = document
    assert len(reader.pages) > 3
    first = squash(pages[0])
    assert squash(plan.name) in first and "2025-03-14" in first
    for figure in (units.format_count(result.totals.dau), units.format_qps(result.totals.entry_qps_peak),
                   units.format_money(result.totals.monthly_cost),
                   units.format_availability(result.totals.availability)):
        assert squash(figure) in first
    assert reader.metadata.title == plan.name


def test_every_component_is_in_the_document(document):
    plan, _result, _out, _reader, pages = document
    text = squash("\n".join(pages))
    for component in plan.components:
        assert squash(component.name) in text, component.name


def test_page_numbers_in_the_footer(document):
    _plan, _result, _out, reader, pages = document
    total = len(reader.pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in text


def test_table_of_contents_points_at_the_right_pages(document):
    _plan, _result, _out, reader, pages = document
    contents = reader.pages[1].extract_text(extraction_mode="layout")
    assert contents.lstrip().startswith("Contents")
    entries = dict(re.findall(r"^\s*([A-Z][A-Za-z :]+?)\s*(?:\.\s*)+(\d+)\s*$", contents, re.M))
    for heading in ("Architecture diagram", "Summary", "Traffic assumptions", "Capacity per component", "Findings",
                    "API endpoints", "Cost", "Show your work", "Appendix: units and conventions", "Formulas used"):
        page = int(entries[heading])
        assert squash(heading) in squash(pages[page - 1]), heading


def test_outline_lists_the_sections(document):
    _plan, _result, _out, reader, _pages = document
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert {"Summary", "Findings", "Cost", "Show your work"} <= set(titles)


def test_formulas_are_shown_with_their_values(document):
    plan, result, _out, _reader, pages = document
    text = squash("\n".join(pages))
    api = next(c for c in plan.components if c.name == "API service")
    for name in ("instances_needed", "utilisation", "latency", "availability", "monthly_cost"):
        figure = result[api.id].figures[name]
        assert "=" in figure.text() and squash(figure.text()) in text, name
    assert squash(result.breaking_point.figure.text()) in text
    client = next(iter(result.clients.values()))
    assert squash(client.figures["availability"].text()) in text


def test_traffic_assumptions_explain_every_field(document):
    _plan, _result, _out, _reader, pages = document
    text = squash("\n".join(pages))
    for name, field in TrafficProfile.model_fields.items():
        assert squash(field.description) in text, name


def test_endpoints_with_their_derived_peak(document):
    plan, result, _out, _reader, pages = document
    text = squash("\n".join(pages))
    api = next(c for c in plan.components if c.name == "API service")
    r = result[api.id]
    for endpoint in api.endpoints:
        peak = endpoint.share * (r.reads_peak if endpoint.operation == "read" else r.writes_peak)
        assert squash(f"{endpoint.path}") in text
        assert squash(units.format_qps(peak)) in text


def test_cost_summary_with_price_date_and_region(document):
    _plan, result, _out, _reader, pages = document
    text = squash("\n".join(pages))
    assert "2024-07-01" in text and "us-east-1" in text
    total = f"Total{units.format_count(result.totals.instances)}{units.format_money(result.totals.monthly_cost)}"
    assert squash(total) in text
    costliest = max(result.components.values(), key=lambda r: r.monthly_cost)
    cost_page = next(p for p in pages if "Per month" in p)
    assert cost_page.index(costliest.name) < cost_page.index("Total")


def test_findings_come_with_advice(document):
    _plan, result, _out, _reader, pages = document
    text = squash("\n".join(pages))
    assert result.spofs, "the realistic plan has a single point of failure"
    findings_page = squash(next(p for p in pages if "Single points of failure" in p))
    for finding in result.findings:
        assert squash(finding.advice) in text
        if finding.code == "spof":  # listed with what its failure cuts off
            assert squash(result[finding.component].name + "the data and work it holds") in findings_page
        else:
            assert squash(finding.message) in text
    bottleneck = result[result.bottleneck]
    assert squash(f"{bottleneck.name} is the component closest to its ceiling") in text
    breaks_first = result[result.breaking_point.component]
    assert squash(f"{breaks_first.name} is the first to reach its ceiling as traffic grows") in text or (
        breaks_first.id == bottleneck.id and squash("It is the first to reach its ceiling") in text)


def font_sizes(page) -> list[tuple[str, float]]:
    """(text, size in points at print size) of every piece of text drawn on the page."""
    out = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            scale = (abs(tm[3] * cm[3]) or abs(tm[0] * cm[0])) if tm and cm else 1.0
            out.append((text, size * scale))

    page.extract_text(visitor_text=visit)
    return out


def diagram_pages(pages) -> list[int]:
    first = next(i for i, text in enumerate(pages) if "Architecture diagram" in text and "Contents" not in text)
    last = next(i for i, text in enumerate(pages) if i > first and "Summary" in text.split("\n")[0:3])
    return list(range(first, last))


def test_the_diagram_is_vector_text_never_below_7_points(document):
    plan, _result, _out, reader, pages = document
    shown = diagram_pages(pages)
    text = squash(" ".join(pages[i] for i in shown))
    for component in plan.components:
        assert squash(component.name) in text, component.name
    for i in shown:
        sizes = [size for piece, size in font_sizes(reader.pages[i]) if "Page" not in piece]
        assert sizes and min(sizes) >= 7 - 1e-6, min(sizes)
        assert all(img.name.startswith(("FormXob", "Im")) for img in reader.pages[i].images)  # icons only


def test_metadata_for_a_hand_out(document):
    plan, _result, _out, reader, _pages = document
    from archplan import __version__

    meta = reader.metadata
    assert meta.title == plan.name and meta.author == "Ada Lovelace"
    assert meta.subject == "Capacity plan and design document" and __version__ in meta.creator
    assert meta.creation_date.replace(tzinfo=dt.UTC) == CREATED


def test_the_creation_date_is_real(tmp_path):
    plan, result = computed(realistic_plan())
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    out = export(plan, result, "pdf", tmp_path / "now.pdf", diagram=False)
    created = PdfReader(out).metadata.creation_date.replace(tzinfo=dt.UTC)
    assert before - dt.timedelta(seconds=1) <= created <= dt.datetime.now(dt.UTC)


def test_the_author_comes_from_the_preferences(tmp_path, monkeypatch):
    from archplan.planner.library import set_author_name

    monkeypatch.setenv("ARCHPLAN_HOME", str(tmp_path / "home"))
    set_author_name("Grace Hopper")
    plan, result = computed(realistic_plan())
    out = export(plan, result, "pdf", tmp_path / "a.pdf", diagram=False)
    assert PdfReader(out).metadata.author == "Grace Hopper"


def test_no_app_instructions_no_label_doubling_no_e_notation(document):
    _plan, _result, _out, _reader, pages = document
    text = " ".join(pages)
    assert "recompute" not in text and "click" not in text.lower()
    assert not re.search(r"\b(tier|zone|region|group) \1\b", text, re.I)  # "App tier tier"
    assert not re.search(r"\de[-+]?\d", text)


def test_no_near_empty_pages(document):
    _plan, _result, _out, _reader, pages = document
    for number, text in enumerate(pages[2:-1], start=3):   # the contents page and the last may be short
        body = [line for line in text.splitlines() if "capacity plan ·" not in line and not line.startswith("Page ")]
        assert len(" ".join(body)) > 300, (number, body[:3])


def test_international_names_render_and_extract(tmp_path):
    from archplan.planner import edit
    from archplan.planner.model import Plan

    names = ["Café Ærøskøbing", "注文サービス 中文", "Заказы", "Ἑλλάς", "Rocket 🚀 orders", "한국어 캐시"]
    plan = Plan(name="Международный 国际 plan")
    for i, name in enumerate(names):
        edit.add_component(plan, edit.new_component(plan, "service.python", name=name, x=200 * i, y=0))
    plan, result = computed(plan)
    out = export(plan, result, "pdf", tmp_path / "intl.pdf")
    reader = PdfReader(out)
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    for name in names:
        assert squash(name) in text, name
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages
             for f in p["/Resources"].get("/Font", {}).values()}
    for family in ("DroidSansFallback", "Nanum", "Symbola"):   # the per-glyph fallbacks, embedded as subsets
        assert any(family in f and "+" in f for f in fonts), (family, fonts)
    embedded = [f for p in reader.pages for f in p["/Resources"].get("/Font", {}).values()
                if "/DescendantFonts" in f.get_object() or "/FontDescriptor" in f.get_object()]
    assert embedded


def test_a_large_plan_is_split_into_an_overview_and_parts(tmp_path):
    from iac_pdf_plans import big_plan

    plan, result = computed(big_plan(60))
    out = export(plan, result, "pdf", tmp_path / "big.pdf", date=DATE)
    reader = PdfReader(out)
    pages = [page.extract_text() for page in reader.pages]
    shown = diagram_pages(pages)
    text = squash(" ".join(pages[i] for i in shown))
    assert "Overview" in text and len(shown) >= 2
    for component in plan.components:
        assert squash(component.name) in text, component.name
    for i in shown:
        sizes = [size for piece, size in font_sizes(reader.pages[i]) if "Page" not in piece]
        assert min(sizes) >= 7 - 1e-6


def test_a_section_is_one_function(tmp_path, monkeypatch):
    import archplan.exports.pdf as pdf
    from archplan.exports.pdf_parts import Heading
    from archplan.exports.pdf_style import P

    extra = pdf.Section("latency", lambda d: [Heading("Latency percentiles"), P("p99 per component")], room=0.2)
    monkeypatch.setattr(pdf, "SECTIONS", [*pdf.SECTIONS[:3], extra, *pdf.SECTIONS[3:]])
    plan, result = computed(realistic_plan())
    out = export(plan, result, "pdf", tmp_path / "s.pdf", diagram=False)
    pages = [page.extract_text() for page in PdfReader(out).pages]
    assert "Latency percentiles" in pages[1] and any("p99 per component" in p for p in pages[2:])


def test_write_problems_are_one_line_user_errors(tmp_path):
    plan, result = computed(realistic_plan())
    target = tmp_path / "taken"
    target.mkdir()
    with pytest.raises(ExportError, match="cannot write"):
        export(plan, result, "pdf", target, diagram=False)
    with pytest.raises(ExportError, match="no option"):
        export(plan, result, "pdf", tmp_path / "x.pdf", colour="red")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"], "no temporary file is left behind"


def test_exported_files_are_shareable(document):
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    assert document[2].stat().st_mode & 0o777 == 0o666 & ~mask  # not the 0600 of a temporary file


@pytest.mark.slow
@pytest.mark.parametrize("template", builtin_templates(), ids=lambda p: p.stem)
def test_every_builtin_template_gives_a_document(template, tmp_path):
    from archplan.planner.io import load_plan

    plan, result = computed(load_plan(template))
    out = export(plan, result, "pdf", tmp_path / "t.pdf", date=DATE, diagram=False)
    text = squash(" ".join(page.extract_text() for page in PdfReader(out).pages))
    for component in plan.components:
        assert squash(component.name) in text, component.name
