"""Screenshots of failure injection and the design comparison (docs/screenshots/faults.png, compare.png).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots_faults.py

photo_sharing with its "Americas" region failed (zone down) in a 1366x768 window, and the compare view
of mvp_monolith against microservices. A private ARCHPLAN_HOME keeps the user's settings out.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["ARCHPLAN_HOME"] = tempfile.mkdtemp(prefix="archplan-shots-")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from screenshots import OUT, wait  # noqa: E402  (scripts/ is on the path: the script's folder)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from archplan.ui.app import configure

    configure(app)
    from archplan.planner.library import load_template
    from archplan.planner.scenarios import zone
    from archplan.ui.editor import Editor
    from archplan.ui.faults import add_fault
    from archplan.ui.main_window import MainWindow

    plan_name = sys.argv[1] if len(sys.argv) > 1 else "photo_sharing"
    zone_name = sys.argv[2] if len(sys.argv) > 2 else "americas-region"
    window = MainWindow(Editor(load_template(plan_name)))
    window.resize(1366, 768)
    window.move(0, 0)
    window.show()
    wait(app, 0.5)
    add_fault(window.editor, zone(zone_name))
    window.docks["palette"].hide()  # a small screen: more room for the canvas
    window.resizeDocks([window.docks["failures"]], [230], Qt.Orientation.Vertical)
    wait(app, 0.3)
    window.view.zoom_fit()
    wait(app, 0.3)
    OUT.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(OUT / "faults.png"))

    dialog = window.faults.compare_with(load_template("microservices"), "template microservices")
    window.editor.document.set_plan(load_template("mvp_monolith"))
    dialog.close()
    dialog = window.faults.compare_with(load_template("microservices"), "template microservices")
    dialog.resize(1366, 768)
    dialog.move(0, 0)
    wait(app, 0.6)
    dialog.fit()
    wait(app, 0.3)
    dialog.grab().save(str(OUT / "compare.png"))
    dialog.close()
    window.editor.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
