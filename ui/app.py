"""
Starting the desktop app: QApplication setup (names for QSettings, Fusion style, the light or dark
palette, a readable font, the window icon), the main window on the start plan, crash recovery.

    run([])                  # the last plan (preference) or the built-in three-tier plan
    run(["plan.json"])       # that file (a bad file: a message, then the default plan)
    run(["--smoke"])         # start, process events ~1 s, print "archplan: GUI started (N components)", exit 0

Start-up is staged so the window appears at once: the frame (menus, toolbar, docks, status bar) needs
Qt only and is shown first; the next turn of the event loop reads the plan and builds the canvas and
panels; once the canvas has been painted the engine (numpy, networkx) is loaded and the plan computed.
benchmarks/test_bench_startup.py measures this against a bare PySide6 window.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QStyleFactory

from archplan.ui.qt_imports import quicker_pyside_import_check  # first: every later import is cheaper

quicker_pyside_import_check()

from archplan.ui import theme  # noqa: E402
from archplan.ui.canvas.clipboard import release_clipboard  # noqa: E402
from archplan.ui.settings import APPLICATION, ORGANISATION, app_settings  # noqa: E402

SMOKE_MS = 1_000
#: The plan is read once the window's frame has been painted, or after this long if it never is.
FRAME_WAIT_MS = 400


def configure(app: QApplication) -> None:
    """Names (QSettings), style, palette, font and icon: everything not tied to a window."""
    from archplan.ui.app_icons import app_icon

    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    if "Fusion" in QStyleFactory.keys():  # noqa: SIM118 - a Qt class, not a dict
        app.setStyle("Fusion")
    settings = app_settings()
    theme.apply_preference(settings)
    theme.follow_system(settings)
    font = QFont(app.font())
    font.setFamilies(["Inter", "Segoe UI", "SF Pro Text", "Cantarell", "Noto Sans", "DejaVu Sans", font.family()])
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setWindowIcon(app_icon())
    app.aboutToQuit.connect(release_clipboard)  # nothing Python made may outlive the interpreter


def run(argv: list[str] | None = None) -> int:
    """Open the main window; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    smoke = "--smoke" in argv
    paths = [a for a in argv if not a.startswith("-")]
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "archplan"])
    configure(app)

    from archplan.ui.main_window import MainWindow

    window = MainWindow(deferred=True)
    if smoke:  # never block on a dialog: report on stderr instead
        window._warn = lambda title, text: print(f"archplan: {title}: {text}", file=sys.stderr)
    started = []

    def second_stage() -> None:  # once, when the frame is on screen (or after a moment if it never paints)
        if not started:
            started.append(True)
            start(window, paths, interactive=not smoke)

    window.frame_painted.connect(lambda: QTimer.singleShot(0, second_stage),
                                 type=Qt.ConnectionType.SingleShotConnection)
    window.show()
    QTimer.singleShot(FRAME_WAIT_MS, second_stage)
    if smoke:
        QTimer.singleShot(SMOKE_MS, app.quit)
        app.exec()
        count = len(window.editor.plan.components) if window.editor is not None else 0
        if window.editor is not None:
            window.editor.undo_stack.setClean()  # nothing to ask about when the smoke run ends
        window.close()
        print(f"archplan: GUI started ({count} components)")
        return 0
    return app.exec()


def start(window, paths: list[str], interactive: bool = True) -> None:
    """Second stage: the start plan on the canvas, then (after it is painted) its figures; then offer
    crashed work back, or welcome a first-time user."""
    from archplan.ui.editor import Editor

    plan, path, problem = window.files.start_plan(paths)
    editor = Editor(plan, compute_now=False)
    editor.path = path
    window.attach(editor)
    window.view.painted.connect(lambda: QTimer.singleShot(0, editor.document.recompute_now),
                                type=Qt.ConnectionType.SingleShotConnection)
    window.view.zoom_to_plan()
    window.update_title()
    if problem:
        window.warn("Cannot open plan", problem)
    if interactive and not paths:
        QTimer.singleShot(0, lambda: window.offer_recovery() or window.maybe_welcome())

