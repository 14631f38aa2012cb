"""Run in a fresh interpreter by test_bench_startup.py: start Archplan as `archplan` does and print, in
seconds since the interpreter started running this file, when the window was first painted, when the
plan's canvas was first painted and when its figures were shown. `bare` does the same for a bare
PySide6 window (QApplication + QMainWindow), the baseline measured in the same run.

    python benchmarks/startup_probe.py app|bare
"""

import time

T0 = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402


def report(**times: float) -> None:
    print(" ".join(f"{k}={v:.4f}" for k, v in times.items()), flush=True)
    os._exit(0)


def bare() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare"))
    window.resize(1200, 800)

    class Painted(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                report(window=time.perf_counter() - T0)
            return False

    watcher = Painted()
    window.installEventFilter(watcher)
    window.show()
    app.exec()


def app() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QGraphicsView

    import archplan.ui.app as app_module

    times: dict[str, float] = {}
    configure = app_module.configure

    class Painted(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                times.setdefault("window", time.perf_counter() - T0)
                if isinstance(obj.parent(), QGraphicsView):
                    times.setdefault("canvas", time.perf_counter() - T0)
            return False

    watcher = Painted()

    def probing_configure(application: QApplication) -> None:
        configure(application)
        application.installEventFilter(watcher)

    def started(window, paths, interactive=True):
        start(window, paths, interactive=False)
        window.editor.document.result_changed.connect(
            lambda: report(**times, figures=time.perf_counter() - T0))

    start = app_module.start
    app_module.configure = probing_configure
    app_module.start = started
    app_module.run([])


if __name__ == "__main__":
    {"bare": bare, "app": app}[sys.argv[1]]()
