"""Render screenshots of the main window into docs/screenshots/ (main.png, inspector.png, whatif.png).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py

Uses a real template (templates/photo_sharing.json, ecommerce_search.json, ... if present; else the
default plan) at 1600x1000, with a private ARCHPLAN_HOME so the user's settings are neither read nor
changed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["ARCHPLAN_HOME"] = tempfile.mkdtemp(prefix="archplan-shots-")

from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PREFERRED = ("photo_sharing", "ecommerce_search", "url_shortener", "news_feed", "three_tier")


def wait(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def pick_plan():
    from archplan.planner.io import PlanFileError, load_plan
    from archplan.ui.files import default_plan

    templates = ROOT / "templates"
    candidates = [templates / f"{name}.json" for name in PREFERRED]
    candidates += sorted(p for p in templates.glob("*.json") if p.name != "catalog.json")
    for path in candidates:
        if path.is_file():
            try:
                return load_plan(path), path.stem
            except PlanFileError as exc:
                print(f"screenshots: skipping {path.name}: {exc}", file=sys.stderr)
    return default_plan(), "default"


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from archplan.ui.app import configure

    configure(app)
    from archplan.ui.editor import Editor
    from archplan.ui.main_window import MainWindow

    plan, name = pick_plan()
    window = MainWindow(Editor(plan))
    window.resize(1600, 1000)
    window.move(0, 0)
    window.show()
    wait(app, 0.5)
    window.view.zoom_fit()
    wait(app, 0.3)
    OUT.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(OUT / "main.png"))

    result = window.editor.document.result
    target = (result.bottleneck if result is not None and result.bottleneck
              else next(c.id for c in window.editor.plan.components))
    window.scene.select_ids([target])
    wait(app, 0.2)
    window.results.tabs.setCurrentWidget(window.results.work)
    work = window.results.work
    for figure in ("instances_needed", "utilisation", "load"):
        try:
            work.select_figure(figure)
            break
        except KeyError:
            continue
    wait(app, 0.3)
    window.grab().save(str(OUT / "inspector.png"))

    window.scene.select_ids([])
    window.whatif.set_multiplier(10.0)
    window.results.tabs.setCurrentWidget(window.results.findings)
    wait(app, 0.5)
    window.grab().save(str(OUT / "whatif.png"))
    print(f"screenshots: {name} -> {', '.join(p.name for p in sorted(OUT.glob('*.png')))} in {OUT}")
    window.editor.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
