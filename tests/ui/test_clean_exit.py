"""Processes that used the clipboard exit cleanly (exit code 0, not SIGSEGV at interpreter exit).

A QMimeData made in Python and left on Qt's clipboard used to be deleted by a Qt static destructor
after Python had shut down: `pytest tests/ui/test_canvas.py` passed and then died with rc 139. These
tests run such processes for real, in a subprocess, and check the exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from archplan.planner.model import Component
from archplan.ui.canvas.clipboard import ITEMS_MIME, copy_items, decode_items, release_clipboard

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], timeout: float = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_a_gui_test_run_that_copies_after_one_that_does_not_exits_with_0():
    """The failing case of the bug: a file without clipboard use, then one that copies cards."""
    done = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                 "tests/ui/test_document.py", "tests/ui/test_canvas.py", "-k", "recompute or copy or cut or paste"])
    assert done.returncode == 0, f"exit code {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert " passed" in done.stdout


def test_the_app_exits_with_0_after_copying_cards(tmp_path):
    """The application itself: copy, quit through the event loop (aboutToQuit releases the clipboard)."""
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from archplan.planner.model import Component
        from archplan.ui.app import configure
        from archplan.ui.canvas.clipboard import copy_items

        app = QApplication([])
        configure(app)
        copy_items([Component(id="a", kind="cache.redis", name="Cache")], [])
        QTimer.singleShot(0, app.quit)
        sys.exit(app.exec())
    """)
    done = _run([sys.executable, "-c", script], timeout=60)
    assert done.returncode == 0, f"exit code {done.returncode}\n{done.stderr[-2000:]}"


def test_release_keeps_the_copied_items_pasteable(qapp):
    copy_items([Component(id="a", kind="cache.redis", name="Cache")], [])
    assert QGuiApplication.clipboard().mimeData().hasFormat(ITEMS_MIME)
    assert release_clipboard() is True
    mime = QGuiApplication.clipboard().mimeData()
    assert not mime.hasFormat(ITEMS_MIME)          # no longer the object Python made
    components, links = decode_items(mime)         # the same items, from the text
    assert [c.id for c in components] == ["a"] and links == []
    assert release_clipboard() is False            # nothing of ours left to release


def test_release_leaves_other_clipboard_content_alone(qapp):
    QGuiApplication.clipboard().setText("someone else's text")
    assert release_clipboard() is False
    assert QGuiApplication.clipboard().text() == "someone else's text"
