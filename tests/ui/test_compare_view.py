"""File > Compare with… (ui/compare_view.py): the delta table is planner.compare's, formatted as the CLI
prints it; the two diagrams side by side with the differing cards marked; Markdown and PDF exports."""

from __future__ import annotations

import math

import pytest
from pypdf import PdfReader

from archplan.planner.budgets_report import md_cell
from archplan.planner.cli_compare import human, signed
from archplan.planner.compare import compare
from archplan.planner.engine import compute
from archplan.planner.library import load_template
from archplan.ui.compare_view import OTHER_FILE, TEMPLATE_PREFIX, CompareDialog
from archplan.ui.editor import Editor


@pytest.fixture
def expected():
    a, b = load_template("mvp_monolith"), load_template("microservices")
    return compare(a, compute(a), b, compute(b))


@pytest.fixture
def dialog(make_window, qapp):
    window = make_window(Editor(load_template("mvp_monolith"), debounce_ms=0))
    window._ask_choice = lambda title, label, options: next(o for o in options
                                                            if o.startswith(f"{TEMPLATE_PREFIX}microservices "))
    dialog = window.faults.compare_with()
    assert isinstance(dialog, CompareDialog)
    yield dialog
    dialog.close()


def _column(table, col):
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_the_delta_table_is_planner_compare(dialog, expected):
    cmp = dialog.comparison
    assert cmp.as_dict() == expected.as_dict()
    table = dialog.totals_table
    assert _column(table, 0) == [d.label for d in expected.totals]
    assert _column(table, 1) == [human(d.unit, d.a) for d in expected.totals]
    assert _column(table, 2) == [human(d.unit, d.b) for d in expected.totals]
    assert _column(table, 3) == [signed(d.unit, d.delta) for d in expected.totals]
    # the deltas are B's figures minus A's, read from the two results
    ra, rb = compute(load_template("mvp_monolith")), compute(load_template("microservices"))
    cost = expected.total("cost")
    assert cost.delta == pytest.approx(rb.totals.monthly_cost - ra.totals.monthly_cost)
    assert expected.total("instances").delta == rb.totals.instances - ra.totals.instances
    row = _column(table, 0).index(cost.label)
    assert table.item(row, 3).text() == signed("money", rb.totals.monthly_cost - ra.totals.monthly_cost)


def test_components_added_removed_changed_and_marked(dialog, expected):
    changes = _column(dialog.components_table, 0)
    assert changes.count("added") == len(expected.added) > 0
    assert changes.count("removed") == len(expected.removed)
    assert changes.count("changed") == len(expected.changed)
    marks_b = dialog.sides["B"]["marks"]
    for side in expected.added:
        assert marks_b.mark("card", side.id).mark.tag == "ADDED"
    for m in expected.changed:
        assert marks_b.mark("card", m.b).mark.tag.startswith("CHANGED")
        assert dialog.sides["A"]["marks"].mark("card", m.a).mark.tag == "CHANGED"
    for side in expected.removed:
        assert dialog.sides["A"]["marks"].mark("card", side.id).mark.tag == "REMOVED"
    # both diagrams are on screen, read-only, each with every card of its plan
    for key, plan in (("A", dialog.a), ("B", dialog.b)):
        scene = dialog.sides[key]["scene"]
        assert len(scene.component_items()) == len(plan.components)
        assert not dialog.sides[key]["view"].isInteractive()


def test_markdown_export_has_every_delta(dialog, expected, tmp_path):
    path = dialog.export_markdown(str(tmp_path / "cmp.md"))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# {expected.a_name} vs {expected.b_name}")
    for d in expected.totals:
        line = next(line for line in text.splitlines() if line.startswith(f"| {md_cell(d.label)} |"))
        assert md_cell(signed(d.unit, d.delta)) in line and md_cell(human(d.unit, d.b)) in line
    for side in expected.added:
        assert f"| added | {side.name} |" in text


def test_pdf_export_builds_and_has_the_deltas(dialog, expected, tmp_path):
    path = dialog.export_pdf(str(tmp_path / "cmp.pdf"), diagrams=False)
    assert path.read_bytes().startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(path)).pages)
    for d in expected.totals:
        assert d.label in text
        if d.delta is not None and d.delta != 0 and math.isfinite(d.delta):
            assert signed(d.unit, d.delta) in text


def test_choosing_a_plan_file(make_window, qapp, tmp_path):
    from archplan.planner.io import save_plan

    other = load_template("url_shortener")
    path = tmp_path / "other.json"
    save_plan(other, path)
    window = make_window(Editor(load_template("three_tier"), debounce_ms=0))
    window._ask_choice = lambda title, label, options: OTHER_FILE
    window._ask_open_path = lambda start: str(path)
    dialog = window.faults.compare_with()
    assert dialog.comparison.b_name == other.name and dialog.b_label == str(path)
    dialog.close()
    window._ask_choice = lambda *args: None
    assert window.faults.compare_with() is None


def test_compare_is_in_the_file_menu(make_window, qapp):
    window = make_window()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.action_map["compare"] in file_menu.actions()
