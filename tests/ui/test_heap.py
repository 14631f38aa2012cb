"""The garbage collector around plan-sized work (ui/heap.py): no collector passes while a plan is read and
its window built; a large plan's results table repaints what it shows instead of comparing every row."""

from __future__ import annotations

import gc

from archplan.planner.io import save_plan
from archplan.ui import heap
from archplan.ui.results_model import HEADERS, ResultsModel


def test_building_pauses_the_collector_and_restores_it():
    assert gc.isenabled()
    with heap.building():
        assert not gc.isenabled()
        with heap.building():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with heap.building():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()


def test_opening_a_plan_leaves_the_collector_on(make_window, editor, plan, tmp_path):
    window = make_window(editor)
    assert gc.isenabled()
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    assert window.files.open(path)
    assert gc.isenabled() and window.editor.plan == plan


def test_read_plan_reads_like_load_plan(plan, tmp_path):
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    assert heap.read_plan(path) == plan and gc.isenabled()


def test_a_large_table_repaints_its_rows_and_reads_fresh_figures(editor, monkeypatch):
    monkeypatch.setattr(ResultsModel, "COMPARE_ROWS", 0)       # every plan counts as large
    model = ResultsModel(editor.document)
    spans = []
    model.dataChanged.connect(lambda first, last: spans.append((first.row(), last.row())))
    app = "python"
    column = HEADERS.index("Count")
    editor.set_component(app, instances=7)
    editor.document.recompute_now()
    assert spans and spans[-1] == (0, model.rowCount() - 1)
    assert model.data(model.index(model.row_of(app), column)).startswith("7 ")
