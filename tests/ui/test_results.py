"""The results dock: table, summary, findings, show-your-work, and the what-if control."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from archplan.planner import units
from archplan.planner.summary import count_text
from archplan.ui.results import ResultsPanel
from archplan.ui.results_model import HEADERS, ID_ROLE, OK_BG, OVER_BG, SORT_ROLE, UTILISATION_COLUMN
from archplan.ui.whatif import STEPS, WhatIfControl


@pytest.fixture
def results(qtbot, editor):
    panel = ResultsPanel(editor.document)
    qtbot.addWidget(panel)
    panel.resize(1200, 320)
    panel.show()
    return panel


def _column(name: str) -> int:
    return HEADERS.index(name)


def _cell(panel: ResultsPanel, component_id: str, column: int, role=Qt.ItemDataRole.DisplayRole):
    model = panel.model
    return model.data(model.index(model.row_of(component_id), column), role)


def test_one_row_per_component_following_the_plan(results, editor):
    assert results.model.rowCount() == len(editor.plan.components)
    editor.add_component("cache.memcached", 0, 300)
    editor.document.recompute_now()
    assert results.model.rowCount() == len(editor.plan.components)
    editor.delete(["redis"])
    editor.document.recompute_now()
    assert results.model.rowCount() == len(editor.plan.components)
    assert results.model.row_of("redis") == -1


def test_cells_show_the_engine_figures_formatted_by_units(results, editor):
    r = editor.document.result.components["python"]
    assert _cell(results, "python", 0) == "App service"
    assert _cell(results, "python", _column("Peak")) == units.format_qps(r.qps_peak)
    assert _cell(results, "python", _column("Count")) == count_text(r)
    assert _cell(results, "python", _column("Cost/mo")) == units.format_money(r.monthly_cost)
    assert _cell(results, "python", _column("p99")) == units.format_duration(r.p99)
    assert _cell(results, "python", _column("Peak"), SORT_ROLE) == pytest.approx(r.qps_peak)


def test_utilisation_is_coloured_by_headroom(results, editor):
    assert _cell(results, "python", UTILISATION_COLUMN, Qt.ItemDataRole.BackgroundRole).color() == OK_BG
    editor.set_component("python", instances=1, redundancy="none", capacity={"read_qps": 10, "write_qps": 10})
    editor.document.recompute_now()
    assert editor.document.result.components["python"].saturated
    assert _cell(results, "python", UTILISATION_COLUMN, Qt.ItemDataRole.BackgroundRole).color() == OVER_BG


def test_sorting_is_numeric(results, editor):
    column = _column("Peak")
    results.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    model = results.model
    ids = [model.data(model.index(row, 0), ID_ROLE) for row in range(model.rowCount())]
    peaks = [editor.document.result.components[cid].qps_peak for cid in ids]
    assert peaks == sorted(peaks, reverse=True)
    assert sorted(ids) == sorted(c.id for c in editor.plan.components)
    editor.set_component("python", instances=7)       # a new result keeps the order it was sorted in
    editor.document.recompute_now()
    ids = [model.data(model.index(row, 0), ID_ROLE) for row in range(model.rowCount())]
    peaks = [editor.document.result.components[cid].qps_peak for cid in ids]
    assert peaks == sorted(peaks, reverse=True)


def test_summary_names_bottleneck_breaking_point_and_clients(results, editor):
    result = editor.document.result
    text = results.summary.text()
    assert editor.plan.component(result.bottleneck).name in text
    assert "Breaks at" in text
    assert "Web client" in text and "availability" in text
    for cid in result.spofs:
        assert editor.plan.component(cid).name in text


def test_selecting_a_row_shows_its_work_with_formulas(results, editor, qtbot):
    with qtbot.waitSignal(results.component_selected) as blocker:
        index = results.model.index(results.model.row_of("python"), 0)
        results.table.selectionModel().setCurrentIndex(index,
            results.table.selectionModel().SelectionFlag.ClearAndSelect)
    assert blocker.args == ["python"]
    work = results.work
    figures = editor.document.result.components["python"].figures
    assert work.figure_names() == list(figures)
    work.select_figure("instances_needed")
    detail = work.detail.toPlainText()
    assert "=" in detail
    assert figures["instances_needed"].text() in detail
    assert figures["instances_needed"].formula.meaning in detail


def test_canvas_selection_selects_the_row_without_echo(results, qtbot):
    with qtbot.assertNotEmitted(results.component_selected):
        results.select_component("redis")
    assert results.selected_component() == "redis"
    assert results.work.component_id == "redis"
    results.select_component(None)
    assert results.selected_component() is None


def test_copy_latex(results, editor):
    results.select_component("redis")
    results.work.select_figure("memory")
    latex = results.work.copy_latex_to_clipboard()
    assert latex and "=" in latex
    assert QGuiApplication.clipboard().text() == latex


def test_findings_listed_with_severity_and_click_selects(results, editor, qtbot):
    findings = editor.document.result.findings
    assert results.findings.count() == len(findings)
    spof = next(i for i in range(results.findings.count()) if results.findings.component(i) == "postgres")
    with qtbot.waitSignal(results.select_requested) as blocker:
        results.findings.choose(spof)
    assert blocker.args == [["postgres"]]
    assert results.selected_component() == "postgres"
    assert f"Findings ({len(findings)})" in results.tabs.tabText(1)


def test_compute_error_is_shown_and_rows_stay(results, editor):
    editor.connect("postgres", "python", kind="request")  # a request cycle
    editor.document.recompute_now()
    assert editor.document.result is None
    assert "cannot be computed" in results.summary.text()
    assert results.model.rowCount() == len(editor.plan.components)
    assert _cell(results, "python", _column("Peak")) == "—"
    assert editor.document.result_error in results.findings.text(0)


def test_whatif_scales_traffic_and_results(results, editor, qtbot):
    control = WhatIfControl(editor.document)
    qtbot.addWidget(control)
    base_peak = editor.document.result.totals.entry_qps_peak
    control.slider.setValue(STEPS.index(10.0))
    assert editor.document.multiplier == 10.0
    editor.document.recompute_now()
    assert editor.document.result.totals.entry_qps_peak == pytest.approx(base_peak * 10)
    assert _cell(results, "web", _column("Peak")) == units.format_qps(
        editor.document.result.components["web"].qps_peak)
    assert control.value.text() == "10"
    assert "what-if" in results.summary.text()
    assert "breaks at" in control.breaking.text()
    assert editor.plan.component("python").name in control.breaking.text() or \
        any(c.name in control.breaking.text() for c in editor.plan.components)
    control.reset.click()
    assert editor.document.multiplier == 1.0
    assert control.slider.value() == STEPS.index(1.0)


def test_whatif_breaking_point_is_relative_to_plan_traffic(editor, qtbot):
    """With fixed counts, the absolute breaking traffic does not move with the what-if multiplier."""
    result = editor.document.result
    for cid, r in result.components.items():
        if cid not in result.clients:
            editor.set_component(cid, instances=r.count)
    editor.document.recompute_now()
    control = WhatIfControl(editor.document)
    qtbot.addWidget(control)
    bp = editor.document.result.breaking_point
    name = editor.plan.component(bp.component).name
    expected = (f"breaks at {units.format_count(bp.dau_at_target)} DAU "
                f"(×{units.format_count(bp.multiplier_at_target)}): {name} ({bp.resource})")
    assert control.breaking.text() == expected
    control.set_multiplier(2.0)
    editor.document.recompute_now()
    assert editor.document.result.breaking_point.multiplier_at_target == pytest.approx(bp.multiplier_at_target / 2)
    assert control.breaking.text() == expected


def test_a_renamed_component_shows_its_new_name_at_once(results, editor):
    editor.set_component("python", name="Checkout API")  # replaces the component object in the plan
    assert _cell(results, "python", 0) == "Checkout API"  # before any recompute
    editor.document.recompute_now()
    assert _cell(results, "python", 0) == "Checkout API"


def test_rows_out_of_step_with_the_plan_still_show_the_right_component(results, editor):
    """Between an edit and the model's refresh, rows may not follow the plan's order: a row still
    shows its own component, found by id."""
    row = results.model.row_of("python")
    editor.plan.components.insert(0, editor.plan.components.pop(row + 1 if row + 1 < len(editor.plan.components)
                                                                 else 0))
    assert _cell(results, "python", 0) == editor.plan.component("python").name
    editor.plan.components.remove(editor.plan.component("python"))
    assert _cell(results, "python", 0) is None


def test_findings_list_is_kept_while_the_findings_stay_the_same(results, editor):
    editor.set_component("python", instances=1, redundancy="none")
    editor.document.recompute_now()
    assert results.findings.count() == len(editor.document.result.findings)
    old_name = editor.plan.component("python").name
    assert any(old_name in results.findings.text(i) for i in range(results.findings.count()))
    resets = []
    results.findings.model().modelReset.connect(lambda: resets.append(1))
    editor.set_component("python", notes="no finding mentions notes")
    editor.document.recompute_now()
    assert resets == []  # the same findings: not rebuilt (scroll position and selection stay)
    editor.set_component("python", name="Renamed service")   # a rename computes nothing ...
    assert editor.document._timer.isActive() is False
    texts = [results.findings.text(i) for i in range(results.findings.count())]
    assert any("Renamed service" in t for t in texts)       # ... and the findings say the new name
    assert not any(old_name in t for t in texts)
    assert "Renamed service" in results.summary.text() or old_name not in results.summary.text()


def test_columns_widen_for_grown_numbers_once_edits_pause(results, editor, qtbot):
    column = _column("Peak")
    before = results.table.columnWidth(column)
    editor.document.set_multiplier(10_000.0)
    editor.document.recompute_now()
    assert results.table.columnWidth(column) == before  # not during the edit burst
    qtbot.waitUntil(lambda: results.table.columnWidth(column) > before, timeout=2000)


def test_numbers_are_never_cut_and_names_are_capped(results, editor):
    metrics = results.table.fontMetrics()
    model = results.model
    for column in range(2, model.columnCount()):
        if results.table.isColumnHidden(column):
            continue
        widest = max(metrics.horizontalAdvance(model.data(model.index(row, column)) or "")
                     for row in range(model.rowCount()))
        assert results.table.columnWidth(column) >= widest, HEADERS[column]
    assert results.table.columnWidth(0) <= 200


def test_column_widths_and_sort_are_remembered_and_never_refitted(qtbot, editor, tmp_path):
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = ResultsPanel(editor.document, settings=settings)
    qtbot.addWidget(first)
    column = _column("Availability")
    first.table.horizontalHeader().resizeSection(column, 173)     # as a user drags the header
    first.table.sortByColumn(_column("Cost/mo"), Qt.SortOrder.DescendingOrder)
    first.save_header()
    editor.document.set_multiplier(50.0)
    editor.document.recompute_now()
    first.fit_columns(grow_only=True)
    assert first.table.columnWidth(column) == 173                  # the user's width stays
    again = ResultsPanel(editor.document, settings=settings)
    qtbot.addWidget(again)
    assert again.table.columnWidth(column) == 173
    header = again.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (_column("Cost/mo"),
                                                                            Qt.SortOrder.DescendingOrder)
    costs = [editor.document.result.components[again.model.component_id(r)].monthly_cost
             for r in range(again.model.rowCount())]
    assert costs == sorted(costs, reverse=True)


def test_cli_columns_show_at_first_and_the_header_menu_shows_the_others(qtbot, editor, tmp_path):
    """Availability and cost need no scrolling: the traffic split and bandwidths are hidden until asked
    for in the header's context menu, and the choice is remembered."""
    from PySide6.QtCore import QPoint, QSettings

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    panel = ResultsPanel(editor.document, settings=settings)
    qtbot.addWidget(panel)
    hidden = {HEADERS[c] for c in range(panel.model.columnCount()) if panel.table.isColumnHidden(c)}
    assert hidden == {"R / W", "In", "Out"}
    header = panel.table.horizontalHeader()
    header.customContextMenuRequested.emit(QPoint(5, 5))
    entry = next(a for a in panel.column_menu.actions() if a.text() == "R / W")
    assert not entry.isChecked()
    entry.trigger()
    assert not panel.table.isColumnHidden(_column("R / W")) and panel.table.columnWidth(_column("R / W")) > 20
    next(a for a in panel.column_menu.actions() if a.text() == "Cost/mo").trigger()   # hides cost
    assert panel.table.isColumnHidden(_column("Cost/mo"))
    panel.column_menu.close()
    panel.save_header()
    again = ResultsPanel(editor.document, settings=settings)
    qtbot.addWidget(again)
    assert not again.table.isColumnHidden(_column("R / W")) and again.table.isColumnHidden(_column("Cost/mo"))


def test_show_your_work_lists_each_figure_once(results, editor):
    """A client's figures of its own (latency, availability) and those it shares with its row (reads,
    writes, peak) appear once each, not twice."""
    client = next(c.id for c in editor.plan.components if c.kind.startswith("client."))
    results.select_component(client)
    work = results.work
    labels = [work.figures.topLevelItem(i).text(0) for i in range(work.figures.topLevelItemCount())]
    assert {"Peak qps", "Availability", "Read latency"} <= set(labels)
    assert len(labels) == len(set(labels))
    workings = []
    for name in work.figure_names():
        work.select_figure(name)
        workings.append(work.current_figure().text())
    assert len(workings) == len(set(workings))


def test_whatif_takes_a_typed_multiplier_and_moves_the_slider_finely(editor, qtbot, type_text):
    control = WhatIfControl(editor.document)
    qtbot.addWidget(control)
    control.show()
    type_text(control.value, "x3.7")
    assert editor.document.multiplier == pytest.approx(3.7)
    assert STEPS[control.slider.value()] == pytest.approx(3.7)      # steps of 0.1 between x2 and x5
    type_text(control.value, "150 %")
    assert editor.document.multiplier == pytest.approx(1.5)
    type_text(control.value, "lots")
    assert editor.document.multiplier == pytest.approx(1.5) and "not a multiplier" in control.message
    below_two = [s for s in STEPS if 1 <= s <= 2]
    assert len(below_two) >= 20 and max(b - a for a, b in itertools.pairwise(below_two)) <= 0.05 + 1e-9
    control.slider.setValue(control.slider.value() + 1)            # one notch: x1.55
    assert editor.document.multiplier == pytest.approx(1.55)
    assert control.value.text() == "1.55"


def test_breaking_point_reads_the_same_in_the_toolbar_summary_and_work_panel(results, editor):
    from archplan.ui.whatif import breaking_text

    control = WhatIfControl(editor.document)
    for multiplier in (1.0, 2.0):
        control.set_multiplier(multiplier)
        editor.document.recompute_now()
        text = breaking_text(editor.document)
        bp = editor.document.result.breaking_point
        assert control.breaking.text() == text
        results.select_component(None)
        assert text in results.work.heading.text()
        assert units.format_count(bp.dau_at_target) in results.summary.text()
        relative = units.format_count(bp.multiplier_at_target * editor.document.result.multiplier)
        assert f"×{relative}" in results.summary.text() and f"×{relative}" in text
