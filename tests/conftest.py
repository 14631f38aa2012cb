"""Shared test setup: Qt runs offscreen; user folders (autosave, settings, templates) go to a temp dir."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never touch the real user's data, config or templates folders during tests."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ARCHPLAN_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("ARCHPLAN_TEAM_TEMPLATES", raising=False)  # the developer's own team folder stays out
    yield
