"""File > Import…: a system (compose, Kubernetes, Terraform, draw.io, Mermaid) becomes a new, unsaved
document on the canvas, with the mapping summary shown; a bad source leaves the open plan untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def summaries(window):
    shown = []
    window.files.show_import_summary = shown.append
    return shown


def test_import_menu_action_opens_the_system_as_a_new_unsaved_plan(window, summaries, qtbot):
    window.files.ask_import_path = lambda start: str(DATA / "compose" / "compose.yaml")
    file_menu = window.menuBar().actions()[0].menu()
    assert window.action_map["import"] in file_menu.actions()
    window.action_map["import"].trigger()
    plan = window.editor.plan
    assert plan.name == "shop"
    names = {c.name for c in plan.components}
    assert {"proxy", "api", "db", "db-replica", "rabbitmq"} <= names
    assert window.editor.path is None
    assert window.editor.is_modified() and window.isWindowModified()       # never saved
    assert window.windowTitle().startswith("shop — Untitled")
    assert len(window.scene.component_items()) == len(plan.components)   # on the canvas
    assert not window.editor.undo_stack.canUndo()                        # a fresh history
    assert [s.headline() for s in summaries] == [summaries[0].headline()]
    assert "Imported 16 components" in summaries[0].headline()
    qtbot.waitUntil(lambda: window.editor.document.result is not None)


def test_a_terraform_file_brings_its_whole_root(window, summaries):
    assert window.files.import_system(DATA / "terraform" / "main.tf")
    names = {c.name for c in window.editor.plan.components}
    assert {"shop-app", "orders-db", "events"} <= names   # from the local and remote modules
    assert summaries and summaries[0].fmt == "terraform"


def test_bad_source_is_refused_and_the_plan_kept(window, summaries, tmp_path):
    before = window.editor.plan.model_dump()
    bad = tmp_path / "compose.yaml"
    bad.write_text("services:\n  a: {image: nginx, depends_on: [a2]}\n  a2: {image: nginx, depends_on: [a]}\n",
                   encoding="utf-8")
    assert not window.files.import_system(bad)
    assert window.recorder.warnings and window.recorder.warnings[-1][0] == "Cannot import"
    assert "depends_on forms a cycle" in window.recorder.warnings[-1][1]
    assert window.editor.plan.model_dump() == before and summaries == []


def test_cancelled_dialog_changes_nothing(window, summaries):
    before = window.editor.plan.model_dump()
    window.files.ask_import_path = lambda start: None
    assert not window.files.import_system()
    assert window.editor.plan.model_dump() == before


def test_import_asks_before_dropping_unsaved_changes(window, editor, summaries):
    editor.set_traffic(dau=2_000_000)
    window.recorder.save_answer = "cancel"
    assert not window.files.import_system(DATA / "diagrams" / "catalog.mmd")
    assert window.recorder.save_questions == 1 and editor.plan.traffic.dau == 2_000_000
    window.recorder.save_answer = "discard"
    assert window.files.import_system(DATA / "diagrams" / "catalog.mmd")
    assert window.editor.plan.name == "Catalog and search (as deployed)"


def test_summary_text_lists_every_mapping(window):
    from archplan.planner.importers import import_path
    from archplan.ui.files import import_summary_text

    summary = import_path(DATA / "kubernetes").summary
    text = import_summary_text(summary)
    assert len(text.splitlines()) == len(summary.rows)
    assert "Deployment shop/api -> api: service.python, 4 instance(s)" in text
