"""Render the Simulate screenshot into docs/screenshots/simulate.png: three_tier with its app service held
at two instances, simulated at x7.5 (the app runs about its ceiling), the comparison table and the canvas
playback at 1366x768 (the edit is this session's only: nothing is saved).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshot_simulate.py [--gif]

--gif also writes docs/screenshots/simulate.gif (the run as exported from the panel). A private
ARCHPLAN_HOME keeps the user's settings unread and unchanged.
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

WHAT_IF = 7.5


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from archplan.ui.app import configure

    configure(app)
    from archplan.planner.io import load_plan
    from archplan.ui.editor import Editor
    from archplan.ui.main_window import MainWindow
    from archplan.ui.simulate_panel import SimulationOptions

    window = MainWindow(Editor(load_plan(ROOT / "templates" / "three_tier.json")))
    window.resize(1366, 768)
    window.show()
    wait(app, 0.5)
    # the app service held at its two instances (not re-sized for the what-if): it runs near its ceiling
    window.editor.set_component("app", instances=2)
    window.editor.document.set_multiplier(WHAT_IF)  # the toolbar's what-if: cards and run at the same traffic
    panel = window.simulate_panel
    panel.set_options(SimulationOptions(seed=1, duration=60.0, multiplier=WHAT_IF))
    window.action_map["simulate"].trigger()
    while panel.running:
        wait(app, 0.1)
    window.resizeDocks([window.docks["simulate"]], [300], Qt.Orientation.Vertical)
    window.view.zoom_fit()
    wait(app, 0.3)
    frames = panel.playback.frames
    busiest = max(range(len(frames)), key=lambda i: max((u for u, _ in frames[i].load.values()), default=0))
    panel.scrubber.setValue(busiest)
    window.scene.select_ids([])
    wait(app, 0.5)
    OUT.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(OUT / "simulate.png"))
    print(f"screenshots: {OUT / 'simulate.png'} ({panel.status.text()})")
    if "--gif" in sys.argv:
        print(f"screenshots: {panel.export_gif(str(OUT / 'simulate.gif'))}")
    window.editor.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
