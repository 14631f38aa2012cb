"""Build a main window in a fresh interpreter and report what it imported (start-up must stay light)."""

from __future__ import annotations

import os
import subprocess
import sys


def modules_after_window(expression: str) -> str:
    """Print `expression` (Python, with `sys` and the window `w` in scope) after a MainWindow is built on
    three_tier without computing; returns what it printed."""
    code = ("import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]); "
            "from archplan.planner.library import load_template; from archplan.ui.editor import Editor; "
            "from archplan.ui.main_window import MainWindow; "
            "w = MainWindow(Editor(load_template('three_tier'), compute_now=False)); "
            f"print({expression})")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()
