"""Render screenshots of the main window into docs/screenshots/.

    make screenshots      # xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots.py

main.png (1920x1080), main-1366.png (a 1366x768 laptop screen), inspector.png (a component, its traffic
and show-your-work), whatif.png (traffic x3.7 and the findings), dark.png (the dark theme), welcome.png
(the first-start dialog) and layout.png (a template after Edit > Auto layout). A real template
(templates/photo_sharing.json, else the default plan), a private ARCHPLAN_HOME so the user's settings
are neither read nor changed.
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
PREFERRED = ("photo_sharing", "ecommerce_search", "url_shortener", "three_tier")


def wait(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def load(name: str | None = None):
    from archplan.planner.io import PlanFileError, load_plan
    from archplan.ui.files import default_plan

    templates = ROOT / "templates"
    names = [name] if name else list(PREFERRED)
    for candidate in names:
        path = templates / f"{candidate}.json"
        if path.is_file():
            try:
                return load_plan(path), candidate
            except PlanFileError as exc:
                print(f"screenshots: skipping {path.name}: {exc}", file=sys.stderr)
    return default_plan(), "default"


def window_for(app: QApplication, size: tuple[int, int], name: str | None = None):
    from archplan.ui.editor import Editor
    from archplan.ui.main_window import MainWindow

    plan, used = load(name)
    window = MainWindow(Editor(plan))
    window.resize(*size)
    window.move(0, 0)
    window.show()
    wait(app, 0.5)
    window.view.zoom_to_plan()
    wait(app, 0.3)
    return window, used


def close(window) -> None:
    window.editor.undo_stack.setClean()
    window.close()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from archplan.ui import theme
    from archplan.ui.app import configure

    configure(app)
    theme.apply(False)
    OUT.mkdir(parents=True, exist_ok=True)

    window, used = window_for(app, (1920, 1080))
    window.grab().save(str(OUT / "main.png"))
    close(window)

    window, _ = window_for(app, (1366, 768))
    window.grab().save(str(OUT / "main-1366.png"))
    result = window.editor.document.result
    target = (result.bottleneck if result is not None and result.bottleneck
              else next(c.id for c in window.editor.plan.components))
    window.scene.select_ids([target])
    window.view.centerOn(window.scene.component_item(target).centre())
    window.results.tabs.setCurrentWidget(window.results.work)
    for figure in ("instances_needed", "utilisation", "load"):
        try:
            window.results.work.select_figure(figure)
            break
        except KeyError:
            continue
    wait(app, 0.3)
    window.grab().save(str(OUT / "inspector.png"))

    window.scene.select_ids([])
    window.whatif.value.setText("3.7")
    window.whatif.value.editingFinished.emit()
    window.results.tabs.setCurrentWidget(window.results.findings)
    wait(app, 0.5)
    window.grab().save(str(OUT / "whatif.png"))
    close(window)

    theme.apply(True)
    window, _ = window_for(app, (1366, 768))
    window.grab().save(str(OUT / "dark.png"))
    close(window)
    theme.apply(False)

    window, _ = window_for(app, (1366, 768), "microservices")
    window.scene.auto_layout()
    wait(app, 0.3)
    window.view.zoom_fit()
    wait(app, 0.3)
    window.grab().save(str(OUT / "layout.png"))
    from archplan.ui.welcome import WelcomeDialog

    dialog = WelcomeDialog("/home/me/plans/shop.json", reopen_last=False, parent=window)
    dialog.show()
    wait(app, 0.3)
    dialog.grab().save(str(OUT / "welcome.png"))
    dialog.close()
    close(window)
    print(f"screenshots: {used} -> {', '.join(p.name for p in sorted(OUT.glob('*.png')))} in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
