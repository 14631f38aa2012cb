"""The "New from template" gallery and the thumbnails it shows."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from archplan.planner.io import load_plan
from archplan.planner.library import builtin_dir, load_template, save_user_template, user_templates_dir
from archplan.ui.template_gallery import BLANK, NAME_ROLE, TemplateGallery, choose_template
from archplan.ui.thumbnail import cached_thumbnail, clear_thumbnail_cache

BUILTIN_NAMES = {p.stem for p in builtin_dir().glob("*.json")} - {"catalog"}


@pytest.fixture(autouse=True)
def _no_team_folder(monkeypatch):
    monkeypatch.delenv("ARCHPLAN_TEAM_TEMPLATES", raising=False)


@pytest.fixture
def gallery(qtbot) -> TemplateGallery:
    dialog = TemplateGallery()
    qtbot.addWidget(dialog)
    return dialog


def test_lists_the_blank_plan_and_every_builtin_with_a_thumbnail(gallery):
    names = [item.data(NAME_ROLE) for item in gallery.items()]
    assert names[0] == BLANK and set(names[1:]) == BUILTIN_NAMES
    for item in gallery.items()[1:]:
        pixmap = item.icon().pixmap(216, 135)
        assert not pixmap.isNull() and pixmap.width() > 100
        assert "QPS peak" in item.text() and "/mo" in item.text()
    assert not gallery.problems_toggle.isVisibleTo(gallery)


def test_choosing_a_template_returns_its_plan(gallery):
    assert gallery.select("url_shortener")
    assert "URL shortener" in gallery.details.text()
    gallery.accept()
    assert gallery.result() == QDialog.DialogCode.Accepted
    assert gallery.selected_plan() == load_plan(builtin_dir() / "url_shortener.json")


def test_the_blank_entry_returns_an_empty_plan(gallery):
    gallery.select(BLANK)
    gallery.accept()
    plan = gallery.selected_plan()
    assert plan is not None and plan.components == [] and plan.links == []


def test_cancel_returns_nothing(gallery):
    gallery.select("chat")
    gallery.reject()
    assert gallery.selected_plan() is None


def test_enter_in_the_list_chooses(gallery, qtbot):
    gallery.show()
    qtbot.waitExposed(gallery)
    gallery.select("chat")
    gallery.list.setFocus()
    qtbot.keyClick(gallery.list, Qt.Key.Key_Return)
    assert gallery.result() == QDialog.DialogCode.Accepted
    assert gallery.selected_plan().name == load_template("chat").name


def test_search_filters_and_enter_chooses(gallery, qtbot):
    gallery.show()
    qtbot.waitExposed(gallery)
    qtbot.keyClicks(gallery.search, "shortener")
    visible = [item.data(NAME_ROLE) for item in gallery.items() if not item.isHidden()]
    assert visible == ["url_shortener"]
    assert gallery.list.currentItem().data(NAME_ROLE) == "url_shortener"
    qtbot.keyClick(gallery.search, Qt.Key.Key_Return)
    assert gallery.result() == QDialog.DialogCode.Accepted
    assert gallery.selected_plan().name == load_template("url_shortener").name


def test_search_by_source_and_no_match(gallery, qtbot):
    qtbot.keyClicks(gallery.search, "zzz-nothing")
    assert all(item.isHidden() for item in gallery.items())
    gallery.accept()
    assert gallery.result() != QDialog.DialogCode.Accepted and gallery.message.isVisibleTo(gallery)


def test_double_click_chooses(gallery, qtbot):
    gallery.show()
    qtbot.waitExposed(gallery)
    item = gallery.item_named("pastebin")
    gallery.list.scrollToItem(item)
    rect = gallery.list.visualItemRect(item)
    qtbot.mouseClick(gallery.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert gallery.result() != QDialog.DialogCode.Accepted, "a single click only selects"
    assert gallery.list.currentItem() is item
    qtbot.mouseDClick(gallery.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert gallery.result() == QDialog.DialogCode.Accepted
    assert gallery.selected_plan().name == load_template("pastebin").name


def test_user_templates_get_a_badge_and_broken_files_a_collapsed_problem_list(qtbot):
    save_user_template(load_template("chat"), "Our chat")
    (user_templates_dir() / "broken.json").write_text("{", encoding="utf-8")
    dialog = TemplateGallery()
    qtbot.addWidget(dialog)
    dialog.show()
    item = dialog.item_named("our_chat")
    assert item is not None and not item.icon().isNull()
    dialog.select("our_chat")
    assert "user" in dialog.details.text()
    assert dialog.problems_toggle.isVisible() and not dialog.problems_view.isVisible()
    dialog.problems_toggle.click()
    assert dialog.problems_view.isVisible() and "broken.json" in dialog.problems_view.toPlainText()
    assert {i.data(NAME_ROLE) for i in dialog.items()} >= BUILTIN_NAMES


def test_choose_template_runs_the_dialog(qtbot):
    def pick() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, TemplateGallery)
        dialog.select("photo_sharing")
        dialog.accept()

    QTimer.singleShot(0, pick)
    plan = choose_template()
    assert plan == load_plan(builtin_dir() / "photo_sharing.json")


def test_thumbnails_are_cached_by_path_and_modification_time(qapp, tmp_path):
    clear_thumbnail_cache()
    path = tmp_path / "plan.json"
    path.write_bytes((builtin_dir() / "three_tier.json").read_bytes())
    first = cached_thumbnail(path, (160, 100))
    assert cached_thumbnail(path, (160, 100)) is first
    path.write_bytes((builtin_dir() / "twitter_timeline.json").read_bytes())
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = cached_thumbnail(path, (160, 100))
    assert second is not first and second != first
