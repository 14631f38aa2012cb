"""Template management in the gallery: rename and delete your own (and the team's) templates, see where
each comes from, open its folder or the team folder; built-in templates stay as they are."""

from __future__ import annotations

import pytest

from archplan.planner.library import list_templates, save_user_template, set_team_templates_dir, user_templates_dir
from archplan.planner.model import Plan
from archplan.ui.template_gallery import TemplateGallery


@pytest.fixture
def mine(tmp_path):
    save_user_template(Plan(name="My shop"), "My shop")
    return user_templates_dir() / "my_shop.json"


@pytest.fixture
def opened():
    return []


@pytest.fixture
def gallery(qtbot, mine, opened):
    answers = {"text": "Shop v2", "confirm": True}
    dialog = TemplateGallery(ask_text=lambda title, label, default: answers["text"],
                             confirm=lambda title, text: answers["confirm"],
                             open_url=lambda url: opened.append(url.toLocalFile()) or True)
    dialog.answers = answers
    qtbot.addWidget(dialog)
    return dialog


def test_details_say_where_a_template_comes_from(gallery, mine):
    assert gallery.select("my_shop")
    text = gallery.details.text()
    assert "your templates" in text and str(mine) in text
    assert gallery.select("url_shortener")
    assert "built into Archplan" in gallery.details.text()


def test_built_in_templates_cannot_be_renamed_or_deleted(gallery):
    gallery.select("url_shortener")
    assert not gallery.rename_button.isEnabled() and not gallery.delete_button.isEnabled()
    assert gallery.folder_button.isEnabled()
    gallery.select("my_shop")
    assert gallery.rename_button.isEnabled() and gallery.delete_button.isEnabled()


def test_rename_changes_title_and_file_and_keeps_it_selected(gallery, mine):
    gallery.select("my_shop")
    assert gallery.rename_selected()
    assert not mine.exists() and (mine.parent / "shop_v2.json").is_file()
    assert gallery.selected_info().name == "shop_v2" and gallery.selected_info().title == "Shop v2"
    assert "shop_v2" in {i.name for i in list_templates()[0]}


def test_rename_onto_a_taken_name_says_why(gallery, mine):
    save_user_template(Plan(name="Other"), "Other")
    gallery.answers["text"] = "Other"
    gallery.select("my_shop")
    assert not gallery.rename_selected()
    assert "already exists" in gallery.message.text() and mine.exists()


def test_delete_asks_then_removes_the_file(gallery, mine):
    gallery.select("my_shop")
    gallery.answers["confirm"] = False
    assert not gallery.delete_selected() and mine.exists()
    gallery.answers["confirm"] = True
    assert gallery.delete_selected()
    assert not mine.exists()
    assert gallery.item_named("my_shop") is None


def test_folders_open_in_the_file_manager(gallery, mine, opened, tmp_path, monkeypatch):
    gallery.select("my_shop")
    assert gallery.open_selected_folder() and opened[-1] == str(mine.parent)
    assert not gallery.team_button.isEnabled()
    team = tmp_path / "team"
    team.mkdir()
    set_team_templates_dir(team)
    gallery.select("url_shortener")
    assert gallery.team_button.isEnabled()
    assert gallery.open_team_folder() and opened[-1] == str(team)
