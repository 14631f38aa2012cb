"""
A cheaper PySide6 import hook, installed by ui/app.py before it imports anything else.

PySide6 looks for the text "PySide6" in the source of each module imported after it (to decide whether
its `__feature__` switches, such as snake_case, apply there), through inspect.getsource, which
tokenises the file. With pydantic, numpy and networkx imported after Qt, that was about a quarter of the
start-up. `quicker_pyside_import_check` answers the same question by reading the module's file once;
modules without a .py file still go to PySide6's own check, and nothing changes if this PySide6 has no
such hook.
"""

from __future__ import annotations

import sys


def quicker_pyside_import_check() -> bool:
    """Make PySide6's check of every module imported after it cheaper; True if it was replaced.

    PySide6 looks for the text "PySide6" in the source of each newly imported module (to decide whether
    its `__feature__` switches apply there), through inspect.getsource, which tokenises the file: with
    numpy, networkx and pydantic loaded after Qt, that was about a quarter of the start-up. The same
    question is answered here by reading the module's file once; modules without a .py file go to
    PySide6's own check. Nothing happens if this PySide6 has no such check."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "archplan", False):
        return False

    def mentions_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return original(module)

    mentions_pyside.archplan = True
    feature._mod_uses_pyside = mentions_pyside
    return True
