"""
Where the data files Archplan reads live: inside the installed package (importlib.resources), so a
built wheel works from any directory.

- ``archplan/planner/data/catalog.json``: the component catalog;
- ``archplan/ui/icons/*.svg``: the kind icons;
- ``archplan/templates/*.json``: the built-in template plans (the repository's ``templates/``).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def _package_dir(package: str) -> Path:
    # Archplan is installed as plain files (wheel or editable), never zipped: a Traversable of a
    # regular package is a pathlib.Path.
    return Path(str(files(package)))


def catalog_path() -> Path:
    return _package_dir("archplan.planner") / "data" / "catalog.json"


def icons_dir() -> Path:
    return _package_dir("archplan") / "ui" / "icons"


def builtin_templates_dir() -> Path:
    return _package_dir("archplan") / "templates"
