"""
Starting the desktop app: QApplication setup (names for QSettings, Fusion style, a light palette, a
readable font, the window icon), the main window on the default plan or a file, crash recovery.

    run([])                  # the built-in three-tier plan
    run(["plan.json"])       # that file (a bad file: a message, then the default plan)
    run(["--smoke"])         # start, process events ~1 s, print "archplan: GUI started (N components)", exit 0
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from archplan.ui.canvas.clipboard import release_clipboard
from archplan.ui.settings import APPLICATION, ORGANISATION

SMOKE_MS = 1_000


def light_palette() -> QPalette:
    """A clean light palette for Fusion (independent of the desktop's dark mode)."""
    p = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#f5f7fa", roles.WindowText: "#1f2933", roles.Base: "#ffffff",
        roles.AlternateBase: "#f3f6fa", roles.ToolTipBase: "#ffffff", roles.ToolTipText: "#1f2933",
        roles.Text: "#1f2933", roles.Button: "#f5f7fa", roles.ButtonText: "#1f2933", roles.BrightText: "#ffffff",
        roles.Highlight: "#2563eb", roles.HighlightedText: "#ffffff", roles.Link: "#1d4ed8",
        roles.PlaceholderText: "#8a96a3", roles.Mid: "#c9d1db", roles.Midlight: "#e4e9ef", roles.Dark: "#9aa5b1",
        roles.Light: "#ffffff", roles.Shadow: "#6b7785",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor("#9aa5b1"))
    p.setColor(QPalette.ColorGroup.Inactive, roles.Highlight, QColor("#93b4f5"))
    return p


STYLE_SHEET = """
QDockWidget::title { padding: 5px 8px; background: #e9eef4; font-weight: 600; }
QToolBar { spacing: 3px; padding: 2px 4px; border-bottom: 1px solid #d5dce4; }
QGroupBox { font-weight: 600; margin-top: 10px; padding-top: 4px; border: 1px solid #d9e0e8; border-radius: 5px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 3px; }
QTabWidget::pane { border: 1px solid #d5dce4; }
QStatusBar { border-top: 1px solid #d5dce4; }
QTableView { gridline-color: #e3e8ee; }
"""


def configure(app: QApplication) -> None:
    """Names (QSettings), style, palette, font and icon: everything not tied to a window."""
    from archplan.ui.app_icons import app_icon

    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    if "Fusion" in QStyleFactory.keys():  # noqa: SIM118 - a Qt class, not a dict
        app.setStyle("Fusion")
    app.setPalette(light_palette())
    font = QFont(app.font())
    font.setFamilies(["Inter", "Segoe UI", "SF Pro Text", "Cantarell", "Noto Sans", "DejaVu Sans", font.family()])
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
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

    window = MainWindow()
    if smoke:  # never block on a dialog: report on stderr instead
        window._warn = lambda title, text: print(f"archplan: {title}: {text}", file=sys.stderr)
    window.show()
    if paths:
        window.open_file(paths[0])
    elif not smoke:
        QTimer.singleShot(0, window.offer_recovery)
    QTimer.singleShot(0, window.view.zoom_fit)
    if smoke:
        QTimer.singleShot(SMOKE_MS, app.quit)
        app.exec()
        count = len(window.editor.plan.components)
        window.editor.undo_stack.setClean()  # nothing to ask about when the smoke run ends
        window.close()
        print(f"archplan: GUI started ({count} components)")
        return 0
    return app.exec()
