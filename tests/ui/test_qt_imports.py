"""The cheaper PySide6 import check answers as PySide6's own does (ui/qt_imports.py)."""

from __future__ import annotations

import sys

import pytest

from archplan.ui.qt_imports import quicker_pyside_import_check


def test_the_check_gives_the_same_answers():
    quicker_pyside_import_check()
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        pytest.skip("this PySide6 has no feature check")
    check = feature._mod_uses_pyside
    assert getattr(check, "archplan", False)
    import json

    import archplan.ui.main_window
    import archplan.ui.theme
    for module in (archplan.ui.main_window, archplan.ui.theme, json, sys):
        import inspect
        try:
            expected = "PySide6" in inspect.getsource(module)
        except (TypeError, OSError):
            expected = False
        assert check(module) == expected, module.__name__
    assert quicker_pyside_import_check() is False     # installed once
