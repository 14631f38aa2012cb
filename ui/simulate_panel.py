"""
The Simulate panel (issue 14, "Simulate"): run the plan request by request, compare, and play it back.

- **Run.** Seed, simulated duration, what-if multiplier and visit budget, the options of
  ``python main.py simulate``. The run is the CLI's (``engine.compute`` at the multiplier, then
  ``simulation.simulate`` with that result) on a copy of the plan, in a worker thread: the window stays
  responsive, a progress bar follows the simulated clock, and Cancel sets the run's cancel flag, which
  the kernel reads every few thousand events (planner/simkernel.py): the worker stops within a fraction
  of a second and nothing is kept.
- **Compare.** The report the CLI prints, as tables (planner.simreport reads one SimulationResult for
  both): per component simulated ±95 % CI beside the formula's figure for utilisation, mean, p95 and
  p99, queue and drops; disagreements in red; client paths end to end; notes.
- **Play back.** The canvas colours each card by its busy share in one window of simulated time
  (ui/sim_playback.py): play / pause, a scrubber, a speed; export the run as an animated GIF or a PNG
  sequence. Nothing here edits the plan: no undo step, nothing saved.

The simulation and the engine are imported when a run starts, not with the window.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import simreport, units
from archplan.ui import theme
from archplan.ui.sim_playback import SPEEDS, STATUS_TEXT, Playback, load_colour

DEFAULT_MAX_VISITS = 60_000  # planner.simulation.DEFAULT_MAX_VISITS (a test keeps them equal)


def _flag_colours() -> tuple[QColor, QColor]:
    """(fill, ink) of a disagreeing cell in the current theme (ui/theme.py)."""
    ink = QColor(theme.current().error)
    fill = QColor(ink)
    fill.setAlpha(48)
    return fill, ink


def _muted() -> QColor:
    return QColor(theme.current().muted)

FLAG_TIP = ("Disagrees with the formula: farther from it than the 99 % confidence interval and the "
            "tolerance (docs/simulation.md, “Statistics and agreement”)")
NOT_COMPARED_TIP = "Not compared: too few completed requests in the run for this figure"
FIGURE_TITLES = {"utilisation": "Utilisation", "mean": "Mean", "p95": "p95", "p99": "p99", "p50": "p50"}
COMPONENT_HEADERS = (["Component", "This slice", "Visits/s"]
                     + [f"{FIGURE_TITLES[f]}\n{side}" for f in simreport.FIGURES
                        for side in ("simulated ±95 % CI", "formula")]
                     + ["Queue\n(mean)", "Queue\nat end", "Drops"])
PATH_HEADERS = (["Client", "Class", "Completed"]
                + [f"{FIGURE_TITLES[f]} end to end\n{side}" if f == "mean" else f"{FIGURE_TITLES[f]}\n{side}"
                   for f in simreport.PATH_FIGURES for side in ("simulated ±95 % CI", "formula")])


@dataclass(frozen=True)
class SimulationOptions:
    """What a run is asked: the CLI's --seed, --duration, --what-if and --max-visits."""

    seed: int = 1
    duration: float = 60.0
    multiplier: float = 1.0
    max_visits: int = DEFAULT_MAX_VISITS


class SimulationWorker(QThread):
    """Runs compute + simulate on a copy of the plan; `progressed(percent)`, then exactly one of
    `succeeded(sim, result)`, `cancelled()` or `failed(message)`."""

    progressed = Signal(int)
    succeeded = Signal(object, object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(self, plan, options: SimulationOptions, parent: QObject | None = None):
        super().__init__(parent)
        self.plan, self.options = plan, options
        self._stop = threading.Event()
        self._percent = -1

    def cancel(self) -> None:
        self._stop.set()

    def _progress(self, fraction: float) -> None:
        percent = int(fraction * 100)
        if percent != self._percent:
            self._percent = percent
            self.progressed.emit(percent)

    def run(self) -> None:
        from archplan.planner.engine import compute
        from archplan.planner.simulation import Cancelled, simulate

        o = self.options
        try:
            if self._stop.is_set():
                raise Cancelled("simulation cancelled")
            result = compute(self.plan, multiplier=o.multiplier)
            sim = simulate(self.plan, seed=o.seed, duration=o.duration, multiplier=o.multiplier, result=result,
                           max_visits=o.max_visits, progress=self._progress, cancel=self._stop.is_set)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # a plan the simulation cannot run: said in the panel, never a crash
            self.failed.emit(f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc))
        else:
            self.progressed.emit(100)
            self.succeeded.emit(sim, result)


def _item(text: str, tip: str = "", align_right: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        item.setToolTip(tip)
    return item


def _cell_items(cell: simreport.Cell) -> tuple[QTableWidgetItem, QTableWidgetItem]:
    sim = _item(cell.simulated_text() + (" !" if cell.flagged else ""))
    formula = _item(cell.formula_text())
    for item in (sim, formula):
        if cell.flagged:
            fill, ink = _flag_colours()
            item.setBackground(fill)
            item.setForeground(ink)
            item.setToolTip(FLAG_TIP)
        elif not cell.compared:
            item.setForeground(_muted())
            item.setToolTip(NOT_COMPARED_TIP)
    return sim, formula


class SimulatePanel(QWidget):
    """Options, run with progress and cancel, the comparison tables and the playback controls."""

    #: "done", "cancelled" or "failed" once a run ends.
    finished = Signal(str)
    component_selected = Signal(str)

    def __init__(self, editor, scene=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor, self.scene = editor, scene
        self.worker: SimulationWorker | None = None
        self.sim = None
        self.result = None
        self.playback: Playback | None = None
        self.state = "idle"
        self.stale = False
        # replaceable questions (tests answer them): a file to save, a folder
        self.ask_save_path = self._default_ask_save_path
        self.ask_directory = self._default_ask_directory
        self._build()
        doc = editor.document
        doc.changed.connect(self._on_plan_changed)
        doc.plan_reset.connect(self.clear)

    # ------------------------------------------------------------------ construction
    def _build(self) -> None:
        # the controls scroll sideways in a narrow dock rather than widening the window
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)

        options = QHBoxLayout()
        self.seed = QSpinBox()
        self.seed.setRange(0, 2_147_483_647)
        self.seed.setValue(1)
        self.seed.setToolTip("Random seed: the same seed gives the same run")
        self.duration = QLineEdit("60 s")
        self.duration.setMaximumWidth(80)
        self.duration.setToolTip("Simulated time, e.g. 60 s or 5 min (a run over the visit budget is "
                                 "shortened, then scaled down, and says so)")
        self.multiplier = QDoubleSpinBox()
        self.multiplier.setRange(0.01, 1000.0)
        self.multiplier.setDecimals(2)
        self.multiplier.setPrefix("×")
        self.multiplier.setValue(self.editor.document.multiplier)
        self.editor.document.multiplier_changed.connect(self.multiplier.setValue)  # follows the toolbar's
        self.multiplier.setToolTip("What-if: the plan's peak traffic times this")
        self.max_visits = QSpinBox()
        self.max_visits.setRange(1_000, 1_000_000_000)
        self.max_visits.setSingleStep(10_000)
        self.max_visits.setGroupSeparatorShown(True)
        self.max_visits.setValue(DEFAULT_MAX_VISITS)
        self.max_visits.setToolTip("Visits a run may simulate before it is shortened or scaled down")
        self.run_button = QPushButton("Run simulation")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setMaximumWidth(180)
        self.status = QLabel("Runs the plan request by request and compares it with the formulas.")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long message must not widen the window: the label shrinks (its tooltip has the whole text)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setMinimumWidth(120)
        for label, widget in (("Seed", self.seed), ("Duration", self.duration), ("What-if", self.multiplier),
                              ("Visit budget", self.max_visits)):
            options.addWidget(QLabel(label))
            options.addWidget(widget)
            options.addSpacing(6)
        options.addWidget(self.run_button)
        options.addWidget(self.cancel_button)
        options.addWidget(self.progress)
        options.addWidget(self.status, 1)
        layout.addLayout(options)

        self.tabs = QTabWidget()
        self.table = self._table(COMPONENT_HEADERS)
        self.table.itemSelectionChanged.connect(self._on_row_selected)
        self.paths = self._table(PATH_HEADERS)
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.tabs.addTab(self.table, "Components")
        self.tabs.addTab(self.paths, "Client paths")
        self.tabs.addTab(self.notes, "Notes")
        layout.addWidget(self.tabs, 1)

        bar = QHBoxLayout()
        self.play_button = QToolButton()
        self.play_button.setText("▶ Play")
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.play_button.clicked.connect(self.toggle_play)
        self.scrubber = QSlider(Qt.Orientation.Horizontal)
        self.scrubber.setRange(0, 0)
        self.scrubber.valueChanged.connect(self._on_scrub)
        self.caption = QLabel("")
        self.caption.setMinimumWidth(180)
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed (1×: four windows of simulated time per second)")
        self.speed.currentIndexChanged.connect(lambda _i: self._apply_speed())
        self.legend = QLabel(self._legend())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.export_button = QToolButton()
        self.export_button.setText("Export run")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction("Animated GIF…", self.export_gif)
        menu.addAction("PNG sequence…", self.export_pngs)
        self.export_button.setMenu(menu)
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setToolTip("Take the simulated load off the canvas and clear the tables")
        self.clear_button.clicked.connect(self.clear)
        bar.addWidget(self.play_button)
        bar.addWidget(self.scrubber, 1)
        bar.addWidget(self.caption)
        bar.addWidget(QLabel("Speed"))
        bar.addWidget(self.speed)
        bar.addWidget(self.legend)
        bar.addWidget(self.export_button)
        bar.addWidget(self.clear_button)
        layout.addLayout(bar)
        self._set_playback_enabled(False)

    @staticmethod
    def _table(headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(22)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        return table

    @staticmethod
    def _legend() -> str:
        chips = []
        for level, text in (("ok", "ok"), ("warn", "near ceiling"), ("over", "over")):
            chips.append(f"<span style='color:{load_colour(level).name()}'>■</span> {text}")
        return " ".join(chips)

    # ------------------------------------------------------------------ options
    def options(self) -> SimulationOptions:
        """The options as typed; ValueError (said in the panel) for a duration that is not one."""
        try:
            duration = units.parse_duration(self.duration.text())
        except (ValueError, TypeError) as exc:
            raise ValueError(f"duration: {exc}") from None
        if not (math.isfinite(duration) and duration > 0):
            raise ValueError("duration: the simulated time must be longer than 0 s")
        return SimulationOptions(self.seed.value(), duration, self.multiplier.value(), self.max_visits.value())

    def set_options(self, options: SimulationOptions) -> None:
        self.seed.setValue(options.seed)
        self.duration.setText(units.format_duration(options.duration))
        self.multiplier.setValue(options.multiplier)
        self.max_visits.setValue(options.max_visits)

    # ------------------------------------------------------------------ running
    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self) -> bool:
        """Start a run with the options shown; False (and why, in the status line) if it cannot."""
        if self.running:
            return False
        try:
            options = self.options()
        except ValueError as exc:
            self._say(str(exc), error=True)
            return False
        self.clear()
        plan = self.editor.plan.model_copy(deep=True)  # the run never sees later edits
        self.worker = SimulationWorker(plan, options, self)
        self.worker.progressed.connect(self.progress.setValue)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.cancelled.connect(lambda: self._on_ended("cancelled", "Cancelled: nothing was kept."))
        self.worker.failed.connect(lambda message: self._on_ended("failed", f"Cannot simulate: {message}",
                                                                  error=True))
        self.worker.finished.connect(self._on_thread_finished)
        self.state = "running"
        self.progress.setValue(0)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._say(f"Simulating {units.format_duration(options.duration)} of {self.editor.plan.name}…")
        self.worker.start()
        return True

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self._say("Cancelling…")

    def wait(self, ms: int = 10_000) -> bool:
        """Block until the worker thread ends (closing, tests); True if it did."""
        return self.worker.wait(ms) if self.worker is not None else True

    def _on_succeeded(self, sim, result) -> None:
        self.sim, self.result = sim, result
        self.stale = False
        self._fill_tables(sim)
        self._start_playback(sim, result)
        flagged = simreport.flagged(sim)
        summary = (f"{len(flagged)} disagreement{'s' if len(flagged) != 1 else ''}: " + ", ".join(flagged)
                   if flagged else "Every compared figure agrees with the formulas")
        self._on_ended("done", f"{summary} · {simreport.headline(sim)}", error=bool(flagged))

    def _on_ended(self, state: str, message: str, error: bool = False) -> None:
        self.state = state
        if state == "done":
            self.progress.setValue(100)
        self._say(message, error=error)

    def _on_thread_finished(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.deleteLater()
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if self.state == "running":  # ended without a word (should not happen): say so
            self._on_ended("failed", "The simulation stopped unexpectedly", error=True)
        self.finished.emit(self.state)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setToolTip(text)
        self.status.setStyleSheet(theme.error_style() if error else "")

    def _on_plan_changed(self) -> None:
        if self.sim is not None and not self.stale:
            self.stale = True
            self._say("The plan changed since this run: run again to simulate it.")

    # ------------------------------------------------------------------ tables
    def _fill_tables(self, sim) -> None:
        rows = simreport.component_rows(sim)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            name = _item(row.name, f"{row.name} ({row.kind}): {row.completed:,} visits completed after the "
                                   f"warm-up", align_right=False)
            name.setData(Qt.ItemDataRole.UserRole, row.id)
            cells = [name, _item("–"), _item(units.format_qps(row.visits_per_s))]
            for figure in simreport.FIGURES:
                cells.extend(_cell_items(row.cells[figure]))
            cells += [_item(f"{row.queue_mean:.3g}"), _item(f"{row.queue_end:,}"), _item(f"{row.dropped:,}")]
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)
        self.table.resizeColumnToContents(0)
        paths = simreport.path_rows(sim)
        self.paths.setRowCount(len(paths))
        for r, row in enumerate(paths):
            cells = [_item(row.name, align_right=False), _item(row.cls, align_right=False),
                     _item(f"{row.completed:,}")]
            for figure in simreport.PATH_FIGURES:
                cells.extend(_cell_items(row.cells[figure]))
            for c, item in enumerate(cells):
                self.paths.setItem(r, c, item)
        self.paths.resizeColumnToContents(0)
        lines = [simreport.headline(sim), "Each figure: simulated ±95 % confidence interval beside the formula's; "
                 "red = they disagree (docs/simulation.md).", ""]
        flagged = simreport.flagged(sim)
        lines.append("Disagreements: " + ", ".join(flagged) if flagged else
                     "Every compared figure agrees with the formulas, within its confidence interval and tolerance.")
        short = simreport.too_few(sim)
        if short:
            lines.append("Too few completed requests to compare latency: " + ", ".join(short))
        lines += [f"Note: {note}" for note in sim.notes]
        lines.append(f"Wall time {sim.wall_s:.2f} s; trace windows of {units.format_duration(sim.window_s)}.")
        self.notes.setPlainText("\n".join(lines))

    def table_text(self) -> list[list[str]]:
        """The components table as text (tests, copying)."""
        return [[self.table.item(r, c).text() if self.table.item(r, c) else "" for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    def _on_row_selected(self) -> None:
        items = self.table.selectedItems()
        if items:
            cid = self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            if cid:
                self.component_selected.emit(cid)

    # ------------------------------------------------------------------ playback
    def _start_playback(self, sim, result) -> None:
        if self.scene is None:
            return
        frames = simreport.frames(sim, result)
        self.playback = Playback(self.scene, frames, sim, self)
        self.playback.frame_changed.connect(self._on_frame)
        self.playback.playing_changed.connect(
            lambda playing: self.play_button.setText("⏸ Pause" if playing else "▶ Play"))
        self._apply_speed()
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, max(0, len(frames) - 1))
        self.scrubber.setValue(0)
        self.scrubber.blockSignals(False)
        self._set_playback_enabled(bool(frames))
        self._on_frame(self.playback.index)

    def _set_playback_enabled(self, on: bool) -> None:
        for widget in (self.play_button, self.scrubber, self.speed, self.export_button, self.clear_button):
            widget.setEnabled(on)

    def toggle_play(self) -> None:
        if self.playback is not None:
            self.playback.toggle()

    def _apply_speed(self) -> None:
        if self.playback is not None:
            self.playback.set_speed(self.speed.currentData())

    def _on_scrub(self, value: int) -> None:
        if self.playback is not None and value != self.playback.index:
            self.playback.show_frame(value)

    def _on_frame(self, index: int) -> None:
        if self.scrubber.value() != index:
            self.scrubber.blockSignals(True)
            self.scrubber.setValue(index)
            self.scrubber.blockSignals(False)
        playback = self.playback
        if playback is None:
            return
        self.caption.setText(playback.caption())
        frame = playback.frames[index] if playback.frames else None
        for r in range(self.table.rowCount()):
            cid = self.table.item(r, 0).data(Qt.ItemDataRole.UserRole)
            load = frame.load.get(cid) if frame is not None else None
            item = self.table.item(r, 1)
            if load is None:
                item.setText("–")
                item.setForeground(_muted())
                item.setToolTip("No queue: a pure delay has no utilisation")
            else:
                u, level = load
                item.setText(simreport.format_share(u))
                colour = load_colour(level)
                item.setForeground(colour.lighter(130) if theme.current().dark else colour.darker(120))
                item.setToolTip(f"Busy share in {playback.caption()}: {STATUS_TEXT[level]}")

    def clear(self) -> None:
        """Take the overlays off the canvas and empty the tables (a new run or a new plan)."""
        if self.playback is not None:
            self.playback.close()
            self.playback.deleteLater()
            self.playback = None
        self.sim = self.result = None
        self.stale = False
        self.table.setRowCount(0)
        self.paths.setRowCount(0)
        self.notes.clear()
        self.caption.setText("")
        self.play_button.setText("▶ Play")
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, 0)
        self.scrubber.blockSignals(False)
        self._set_playback_enabled(False)
        if self.state != "running":
            self.progress.setValue(0)

    # ------------------------------------------------------------------ export
    def _stem(self) -> str:
        name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in self.editor.plan.name).strip("_")
        return f"{name or 'plan'}_simulation"

    def _title(self) -> str:
        sim = self.sim
        return f"{sim.plan} · seed {sim.seed}" + (f" · ×{sim.multiplier:g}" if sim.multiplier != 1 else "")

    def export_gif(self, path: str | None = None) -> Path | None:
        """Write the run as an animated GIF (asks where unless `path`); None when there is no run or the
        user cancels."""
        from archplan.ui.sim_playback import render_frames, save_gif

        if self.playback is None or not len(self.playback):
            return None
        path = path or self.ask_save_path("Export simulation as GIF", "Animated GIF (*.gif)", f"{self._stem()}.gif")
        if not path:
            return None
        if not path.lower().endswith(".gif"):
            path += ".gif"
        self.playback.pause()
        try:
            out = save_gif(render_frames(self.playback, title=self._title()), path,
                           frame_ms=self.playback.interval_ms())
        except (OSError, ValueError) as exc:
            self._say(f"Cannot write {path}: {exc}", error=True)
            return None
        self._say(f"Wrote {out} ({len(self.playback)} frames)")
        return out

    def export_pngs(self, folder: str | None = None) -> list[Path]:
        """Write one PNG per frame into a folder (asks which unless `folder`)."""
        from archplan.ui.sim_playback import render_frames, save_png_sequence

        if self.playback is None or not len(self.playback):
            return []
        folder = folder or self.ask_directory(str(Path.home()))
        if not folder:
            return []
        self.playback.pause()
        try:
            paths = save_png_sequence(render_frames(self.playback, scale=2.0, title=self._title()), folder,
                                      self._stem())
        except (OSError, ValueError) as exc:
            self._say(f"Cannot write into {folder}: {exc}", error=True)
            return []
        self._say(f"Wrote {len(paths)} PNG frames into {folder}")
        return paths

    def _default_ask_save_path(self, title: str, file_filter: str, suggested: str) -> str | None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        return path or None

    def _default_ask_directory(self, start: str) -> str | None:
        from PySide6.QtWidgets import QFileDialog

        return QFileDialog.getExistingDirectory(self, "Folder for the PNG frames", start) or None

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Cancel a run and wait for its thread (the window is closing)."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(5_000)


class _StopOnClose(QObject):
    """Closing the window stops a run (a thread must not outlive its panel)."""

    def __init__(self, panel: SimulatePanel, window):
        super().__init__(panel)
        self.panel = panel
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Close:
            self.panel.shutdown()
        return False


def build_simulate_panel(window, editor) -> SimulatePanel:
    """The panel of the window's Simulate dock (stored as ``window.simulate_panel``): its questions are
    the window's, a table row selects on the canvas, closing the window stops a run."""
    panel = SimulatePanel(editor, window.scene)
    panel.ask_save_path = window.ask_save_path
    panel.ask_directory = window.ask_directory
    panel.component_selected.connect(lambda cid: window.scene.select_ids([cid]))
    panel.closer = _StopOnClose(panel, window)
    window.simulate_panel = panel
    return panel


def show_and_run(window) -> None:
    """Analyse > Simulate… (ui/actions.py): show the Simulate dock (a tab beside Results, ui/panels.py) and
    start a run."""
    panel = getattr(window, "simulate_panel", None)
    if panel is None:
        return
    dock, results = window.docks["simulate"], window.docks["results"]
    if not dock.isVisible() and results.isVisible() and dock not in window.tabifiedDockWidgets(results) \
            and window.dockWidgetArea(dock) == window.dockWidgetArea(results):
        window.tabifyDockWidget(results, dock)
    dock.show()
    dock.raise_()
    panel.start()
