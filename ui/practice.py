"""
Practice mode (issue 19): a guided system-design interview over the plan being edited.

A non-modal window beside the canvas walks the timed steps of planner.practice.steps with a timer
(QTimer; the clock is injectable so tests drive time): read the prompt, requirements, estimates (typed,
then revealed against Archplan's figures with the work shown), high-level design and deep dive (drawn
on the canvas), bottlenecks and trade-offs (predicted, then revealed), and the score with an
explanation per point; hints on request cost points; the debrief exports as a PDF.

The run lives in the plan (``Plan.practice``): every change of it is a SetPlanInfo undo command, the
traffic seeded after the reveal is a SetTraffic one, so a practice run is saved, undone and reopened
like any edit. Every figure comes from planner.practice (score, estimation); this module only shows them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import units
from archplan.planner.practice import steps as st
from archplan.planner.practice.estimation import fmt, grade, kind_of, label_of, parse
from archplan.planner.practice.names import INPUTS
from archplan.planner.practice.prompts import library, load_prompt, seeded_traffic
from archplan.planner.practice.record import LEVELS, PracticeRun, Predictions, TimelineEvent, TradeOff

#: Timer label colours by state (ok / warn at 100 % of the step's budget / over at 150 %).
STATE_COLOUR = {"ok": "#1F3A5F", "warn": "#C76A12", "over": "#B83227"}
#: Inputs offered on the estimate page (the rest of INPUTS stay available in the CLI).
ASSUMPTION_INPUTS = ("dau", "mau", "active_ratio", "writes_per_user", "reads_per_user", "write_size", "read_size",
                     "peak_factor", "retention")


class PracticeWindow(QDialog):
    """The guided practice mode; `clock` (seconds, monotonic) and `ask_save_path` are injectable for tests."""

    run_changed = Signal()

    def __init__(self, editor, parent=None, clock: Callable[[], float] = time.monotonic,
                 ask_save_path: Callable[[str], str | None] | None = None, tick_ms: int = 1000):
        super().__init__(parent)
        self.setWindowTitle("Practice")
        self.setObjectName("practice_window")
        self.editor = editor
        self.clock = clock
        self._ask_save_path = ask_save_path or self._default_ask_save_path
        self._t0: float | None = None
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self.warned: set[str] = set()
        self.score = None
        self.graded = []
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(min(1180, int(screen.width() * 0.92)) if screen else 1180,
                    min(700, int(screen.height() * 0.9)) if screen else 700)

        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)

        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.prompt_box = QComboBox()
        for p in library().values():
            self.prompt_box.addItem(p.title, p.id)
        self.level_box = QComboBox()
        self.level_box.addItems(list(LEVELS))
        self.level_box.setCurrentText("senior")
        self.start_button = QPushButton("Start")
        self.start_button.clicked.connect(self.start)
        self.pause_button = QPushButton("Pause")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.timer_label = QLabel("not started")
        self.timer_label.setObjectName("practice_timer")
        self.timer_label.setMinimumWidth(260)
        self.timer_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for w in (QLabel("Prompt"), self.prompt_box, QLabel("Level"), self.level_box, self.start_button,
                  self.pause_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.timer_label)
        root.addLayout(top)

        body = QHBoxLayout()
        left = QVBoxLayout()
        self.step_list = QListWidget()
        self.step_list.setMaximumWidth(190)
        for s in st.STEPS:
            item = QListWidgetItem(s.title)
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            self.step_list.addItem(item)
        self.step_list.addItem("Score")
        self.step_list.setEnabled(False)
        left.addWidget(self.step_list)
        self.next_button = QPushButton("Next step")
        self.next_button.clicked.connect(self.next_step)
        self.hint_button = QPushButton("Hint")
        self.hint_button.clicked.connect(self.use_hint)
        left.addWidget(self.next_button)
        left.addWidget(self.hint_button)
        body.addLayout(left)

        self.pages = QStackedWidget()
        body.addWidget(self.pages, 1)
        self.givens = QTextBrowser()
        self.givens.setMaximumWidth(230)
        self.givens.setMinimumWidth(160)
        body.addWidget(self.givens)
        root.addLayout(body, 1)
        self.hint_label = QLabel("")
        self.hint_label.setWordWrap(True)
        self.hint_label.setObjectName("practice_hint")
        self.done_label = QLabel("")
        self.done_label.setWordWrap(True)
        root.addWidget(self.done_label)
        root.addWidget(self.hint_label)

        self._build_pages()
        self._set_running(False)
        self.prompt_box.currentIndexChanged.connect(self._preview)
        self._load_existing()
        if self.run is None:
            self._preview()

    def _preview(self) -> None:
        """Before Start: the chosen prompt and how a run goes, so the window is never a set of blank panes."""
        if self.run is not None:
            return
        prompt = load_prompt(self.prompt_box.currentData())
        steps = "".join(f"<li>{_esc(s.title)}</li>" for s in st.STEPS)
        self.statement.setHtml(
            f"<h2>{_esc(prompt.title)}</h2><p>{_esc(prompt.statement)}</p>"
            f"<p>Press <b>Start</b> to run the interview on this plan, step by step, with a timer:</p><ol>{steps}</ol>"
            "<p>You type your estimates before Archplan reveals its own with the work shown (within 2x is fine in "
            "an interview); hints are there on request and each costs points. The score comes from the design "
            "review, the load checks (peak, x10, a zone down) and the reference design, with a reason for every "
            "point.</p>")
        self.pages.setCurrentIndex(0)

    # ------------------------------------------------------------------ the run, kept in the plan
    @property
    def run(self) -> PracticeRun | None:
        return self.editor.plan.practice

    @property
    def prompt(self):
        return load_prompt(self.run.prompt) if self.run else load_prompt(self.prompt_box.currentData())

    def _commit(self, text: str = "Practice", **changes) -> None:
        """Change the run in the plan (one SetPlanInfo undo command)."""
        run = self.run.model_copy(update=changes) if changes else self.run
        self.editor.set_plan_info(practice=PracticeRun.model_validate(run.model_dump()))
        self.run_changed.emit()

    def now(self) -> float:
        """Seconds since the start, pauses included (the timeline's clock)."""
        return 0.0 if self._t0 is None else max(0.0, self.clock() - self._t0)

    def _event(self, event: str, step: str | None = None, detail: str = "") -> TimelineEvent:
        return TimelineEvent(t=round(self.now(), 1), event=event, step=step, detail=detail[:4000])

    def _record(self, event: str, step: str | None = None, detail: str = "", **changes) -> None:
        self._commit(timeline=[*self.run.timeline, self._event(event, step, detail)], **changes)

    @property
    def current_step(self) -> str | None:
        steps = [e.step for e in self.run.timeline if e.event == "step"] if self.run else []
        return steps[-1] if steps else None

    # ------------------------------------------------------------------ start, steps, timer
    def start(self) -> None:
        prompt = load_prompt(self.prompt_box.currentData())
        self._t0, self._paused_total, self._paused_at = self.clock(), 0.0, None
        self.warned.clear()
        self.score = None
        run = PracticeRun(prompt=prompt.id, level=self.level_box.currentText(),
                          started_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
                          timeline=[TimelineEvent(t=0, event="start"), TimelineEvent(t=0, event="step", step="read")])
        self.editor.set_plan_info(practice=run)
        self._fill_prompt(prompt)
        self._set_running(True)
        self.timer.start()
        self.show_step("read")
        self.tick()

    def _load_existing(self) -> None:
        """Reopened on a plan with a run: show it where it stopped (the timer resumes from its last event)."""
        run = self.run
        if run is None:
            return
        self.prompt_box.setCurrentIndex(max(0, self.prompt_box.findData(run.prompt)))
        self.level_box.setCurrentText(run.level)
        last = run.timeline[-1].t if run.timeline else 0.0
        self._t0 = self.clock() - last
        paused_at = None
        for e in run.timeline:
            if e.event == "pause" and paused_at is None:
                paused_at = e.t
            elif e.event == "resume" and paused_at is not None:
                self._paused_total += e.t - paused_at
                paused_at = None
        self._fill_prompt(self.prompt)
        ended = any(e.event == "end" for e in run.timeline)
        self._set_running(not ended)
        if not ended:
            self.timer.start()
        self.show_step(self.current_step or "read")
        if run.revealed:
            self._show_reveal()

    def _set_running(self, running: bool) -> None:
        self.next_button.setEnabled(running)
        self.hint_button.setEnabled(running)
        self.pause_button.setEnabled(running)
        self.prompt_box.setEnabled(not running)
        self.level_box.setEnabled(not running)

    def step_elapsed(self) -> float:
        """Seconds in the current step, pauses left out."""
        times = st.step_times(self.run) if self.run else []
        if not times:
            return 0.0
        paused_now = (self.clock() - self._paused_at) if self._paused_at is not None else 0.0
        started = times[-1].started
        return max(0.0, self.now() - self._paused_total - paused_now - started)

    def tick(self) -> None:
        """Update the timer label (the QTimer calls this every second; tests call it after moving the clock)."""
        step_id = self.current_step
        if step_id is None or self.run is None:
            self.timer_label.setText("not started")
            return
        ended = next((e for e in self.run.timeline if e.event == "end"), None)
        if ended is not None:
            times = [t for t in st.step_times(self.run) if t.ended is not None]
            total = sum(t.duration for t in times)
            self.timer_label.setText(f"Finished: {st.fmt_minutes(total)} of 45:00")
            self.timer_label.setProperty("state", "ok")
            self.timer_label.setStyleSheet(f"color: {STATE_COLOUR['ok']}; font-weight: bold;")
            return
        elapsed = self.step_elapsed()
        budget = st.budget_s(self.run.level, step_id)
        state = st.timer_state(elapsed, budget)
        total = self.now() - self._paused_total - ((self.clock() - self._paused_at) if self._paused_at else 0)
        text = (f"{st.step(step_id).title}: {st.fmt_minutes(elapsed)} / {st.fmt_minutes(budget)}"
                f"   total {st.fmt_minutes(total)} / 45:00")
        if self._paused_at is not None:
            text += "   (paused)"
        elif state == "warn":
            text += "   time is up for this step"
        elif state == "over":
            text += "   overrun (recorded)"
        self.timer_label.setText(text)
        self.timer_label.setProperty("state", state)
        self.timer_label.setStyleSheet(f"color: {STATE_COLOUR[state]}; font-weight: bold;")
        if state != "ok" and step_id not in self.warned and step_id != "buffer":
            self.warned.add(step_id)

    def toggle_pause(self) -> None:
        if self._paused_at is None:
            self._paused_at = self.clock()
            self._record("pause", self.current_step)
            self.pause_button.setText("Resume")
        else:
            self._paused_total += self.clock() - self._paused_at
            self._paused_at = None
            self._record("resume", self.current_step)
            self.pause_button.setText("Pause")
        self.tick()

    def next_step(self) -> None:
        self._save_page()
        current = self.current_step
        index = st.STEP_IDS.index(current) if current in st.STEP_IDS else -1
        if index + 1 < len(st.STEP_IDS):
            nxt = st.STEP_IDS[index + 1]
            self._record("step", nxt)
            self.show_step(nxt)
        else:
            self.finish()
        self.tick()

    def finish(self) -> None:
        self._save_page()
        self.timer.stop()
        if not any(e.event == "end" for e in self.run.timeline):
            self._record("end", self.current_step)
        self._set_running(False)
        self.show_score()

    def show_step(self, step_id: str) -> None:
        index = st.STEP_IDS.index(step_id)
        self.step_list.setCurrentRow(index)
        self.pages.setCurrentIndex(index)
        self.done_label.setText(f"Done when: {st.step(step_id).done_when}.")
        self.hint_label.setText("")
        hints = [h for h in self.prompt.hints if h.step == step_id]
        self.hint_button.setText(f"Hint ({len(hints)} here, each costs points)" if hints else "No hint for this step")
        self.hint_button.setEnabled(bool(hints) and self._t0 is not None and self._paused_at is None
                                    and self.next_button.isEnabled())
        if step_id == "bottlenecks":
            self._fill_components()

    # ------------------------------------------------------------------ hints
    def use_hint(self) -> None:
        step_id = self.current_step
        used = set(self.run.hints)
        hint = next((h for h in self.prompt.hints if h.step == step_id and h.id not in used), None)
        if hint is None:
            hint = next((h for h in self.prompt.hints if h.step == step_id), None)
            if hint is None:
                return
            self.hint_label.setText(f"Hint: {hint.text}")
            return
        cost = 0 if self.run.level == "junior" else hint.cost
        self._record("hint", step_id, hint.id, hints=[*self.run.hints, hint.id])
        self.hint_label.setText(f"Hint (−{cost:g} point{'s' if cost != 1 else ''}): {hint.text}")

    # ------------------------------------------------------------------ pages
    def _build_pages(self) -> None:
        # read
        self.statement = QTextBrowser()
        self.pages.addWidget(self.statement)
        # requirements
        page = QWidget()
        form = QFormLayout(page)
        self.scope_list = QTableWidget(0, 2)
        self.scope_list.setHorizontalHeaderLabels(["Functional requirement", "Scope"])
        self.scope_list.horizontalHeader().setStretchLastSection(True)
        self.scope_list.setColumnWidth(0, 320)
        form.addRow(self.scope_list)
        self.nfr_edits: dict[str, QLineEdit] = {}
        self.nfr_form = QFormLayout()
        form.addRow(self.nfr_form)
        self.ratio_edit = QLineEdit()
        self.ratio_edit.setPlaceholderText("reads per write, e.g. 100")
        form.addRow("Read:write ratio", self.ratio_edit)
        self.entities_edit = QLineEdit()
        self.entities_edit.setPlaceholderText("comma-separated, e.g. user, tweet, follow")
        form.addRow("Core entities", self.entities_edit)
        self.pages.addWidget(page)
        # estimates
        page = QSplitter(Qt.Orientation.Horizontal)
        holder = QWidget()
        entry = QVBoxLayout(holder)
        entry.setContentsMargins(0, 0, 0, 0)
        self.estimate_form = QFormLayout()
        self.estimate_edits: dict[str, QLineEdit] = {}
        entry.addWidget(QLabel("Your figures (with units: 3.5K, 90GB, 1.5GB/s):"))
        entry.addLayout(self.estimate_form)
        entry.addWidget(QLabel("Inputs you used (optional; checked for consistency):"))
        grid = QGridLayout()
        self.assumption_edits: dict[str, QLineEdit] = {}
        for i, name in enumerate(ASSUMPTION_INPUTS):
            edit = QLineEdit()
            edit.setPlaceholderText(INPUTS[name][0])
            edit.setToolTip(INPUTS[name][0])
            edit.setMinimumWidth(60)
            edit.setObjectName(f"assume_{name}")
            self.assumption_edits[name] = edit
            grid.addWidget(QLabel(name.replace("_", " ")), i // 2, (i % 2) * 2)
            grid.addWidget(edit, i // 2, (i % 2) * 2 + 1)
        entry.addLayout(grid)
        self.implication_edit = QLineEdit()
        self.implication_edit.setPlaceholderText("So we need … (what the numbers decide)")
        entry.addWidget(self.implication_edit)
        self.estimate_error = QLabel("")
        self.estimate_error.setStyleSheet(f"color: {STATE_COLOUR['over']};")
        self.estimate_error.setWordWrap(True)
        entry.addWidget(self.estimate_error)
        buttons = QHBoxLayout()
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip("Reveal Archplan's figures with the work shown (your entries lock)")
        self.reveal_button.clicked.connect(self.reveal)
        self.seed_mine = QPushButton("Seed: mine")
        self.seed_mine.setToolTip("Set the plan's traffic profile from your inputs (one undo step)")
        self.seed_mine.clicked.connect(lambda: self.seed("mine"))
        self.seed_reference = QPushButton("Seed: reference")
        self.seed_reference.setToolTip("Set the plan's traffic profile from the prompt's givens (one undo step)")
        self.seed_reference.clicked.connect(lambda: self.seed("reference"))
        for b in (self.reveal_button, self.seed_mine, self.seed_reference):
            buttons.addWidget(b)
        entry.addLayout(buttons)
        entry.addStretch(1)
        page.addWidget(holder)
        reveal = QSplitter(Qt.Orientation.Vertical)
        self.reveal_table = QTableWidget(0, 5)
        self.reveal_table.setHorizontalHeaderLabels(["Figure", "Yours", "Archplan's", "Band", "Credit"])
        header = self.reveal_table.horizontalHeader()
        for col in (1, 2, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.reveal_table.setColumnWidth(0, 125)
        self.reveal_table.verticalHeader().hide()
        self.reveal_table.setWordWrap(True)
        self.work = QTextBrowser()
        self.work.setObjectName("practice_work")
        reveal.addWidget(self.reveal_table)
        reveal.addWidget(self.work)
        page.addWidget(reveal)
        page.setSizes([330, 540])
        self.pages.addWidget(page)
        # high-level design
        self.high_level_note = QPlainTextEdit()
        self.high_level_note.setPlaceholderText("Draw the design on the canvas: a request path client → … → store for "
                                                "each requirement in scope, an API call per requirement. Notes:")
        self.pages.addWidget(self.high_level_note)
        # deep dive
        page = QWidget()
        self.decision_form = QFormLayout(page)
        self.decision_widgets: dict[str, tuple[QComboBox, QComboBox, QLineEdit]] = {}
        self.pages.addWidget(page)
        # bottlenecks and trade-offs
        page = QWidget()
        form = QFormLayout(page)
        self.bottleneck_box = QComboBox()
        form.addRow("Bottleneck (first to saturate)", self.bottleneck_box)
        self.spof_list = QListWidget()
        self.spof_list.setMaximumHeight(120)
        form.addRow("Single points of failure", self.spof_list)
        self.availability_edit = QLineEdit()
        self.availability_edit.setPlaceholderText("e.g. 99.95%")
        form.addRow("Availability", self.availability_edit)
        self.cost_edit = QLineEdit()
        self.cost_edit.setPlaceholderText("e.g. $50K")
        form.addRow("Monthly cost", self.cost_edit)
        self.next_10x_edit = QLineEdit()
        form.addRow("At the next 10x", self.next_10x_edit)
        self.pages.addWidget(page)
        # buffer
        self.buffer_note = QPlainTextEdit()
        self.buffer_note.setPlaceholderText("Questions for the interviewer (not scored). 'Next step' ends the run and "
                                            "scores it.")
        self.pages.addWidget(self.buffer_note)
        # score
        page = QWidget()
        lay = QVBoxLayout(page)
        self.score_label = QLabel("")
        self.score_label.setObjectName("practice_score")
        self.score_label.setWordWrap(True)
        self.score_tree = QTreeWidget()
        self.score_tree.setHeaderLabels(["Point", "Got", "Why"])
        self.score_tree.setColumnWidth(0, 240)
        self.score_tree.setColumnWidth(1, 80)
        self.score_tree.setWordWrap(True)
        self.score_details = QTextBrowser()
        self.score_tree.currentItemChanged.connect(self._show_point)
        row = QHBoxLayout()
        self.rescore_button = QPushButton("Score again")
        self.rescore_button.clicked.connect(self.show_score)
        self.export_button = QPushButton("Export debrief…")
        self.export_button.clicked.connect(lambda: self.export_debrief())
        row.addWidget(self.rescore_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        lay.addWidget(self.score_label)
        lay.addWidget(self.score_tree, 2)
        lay.addWidget(self.score_details, 1)
        lay.addLayout(row)
        self.pages.addWidget(page)

    def _fill_prompt(self, prompt) -> None:
        givens = "".join(f"<li>{_esc(g.text)} <i>({_esc(g.source)})</i></li>" for g in prompt.givens)
        self.givens.setHtml(f"<b>Givens</b><ul>{givens}</ul><p><small>Source: {_esc(prompt.source)}</small></p>")
        self.statement.setHtml(f"<h2>{_esc(prompt.title)}</h2><p>{_esc(prompt.statement)}</p>"
                               "<p>Read the prompt and the givens; ask before you draw. The timer runs.</p>")
        run = self.run
        self.scope_list.setRowCount(len(prompt.functional))
        for row, fr in enumerate(prompt.functional):
            self.scope_list.setItem(row, 0, QTableWidgetItem(fr.text))
            box = QComboBox()
            box.addItems(["—", "in scope", "out of scope"])
            if run and fr.id in run.in_scope:
                box.setCurrentIndex(1)
            elif run and fr.id in run.out_of_scope:
                box.setCurrentIndex(2)
            self.scope_list.setCellWidget(row, 1, box)
        while self.nfr_form.rowCount():
            self.nfr_form.removeRow(0)
        self.nfr_edits = {}
        for n in prompt.non_functional:
            edit = QLineEdit(run.nfrs.get(n.id, "") if run else "")
            edit.setPlaceholderText({"latency": "p99 200 ms", "availability": "99.99 %",
                                     "consistency": " or ".join(n.options) or "eventual or strong"}
                                    .get(n.kind, "with a number"))
            self.nfr_edits[n.id] = edit
            self.nfr_form.addRow(n.text, edit)
        while self.estimate_form.rowCount():
            self.estimate_form.removeRow(0)
        self.estimate_edits = {}
        for key in prompt.graded:
            edit = QLineEdit()
            edit.setObjectName(f"estimate_{key}")
            if run and key in run.estimates:
                edit.setText(fmt(kind_of(prompt, key), run.estimates[key]))
            self.estimate_edits[key] = edit
            self.estimate_form.addRow(label_of(prompt, key), edit)
        while self.decision_form.rowCount():
            self.decision_form.removeRow(0)
        self.decision_widgets = {}
        for d in prompt.decisions:
            chosen, rejected, reason = QComboBox(), QComboBox(), QLineEdit()
            for box in (chosen, rejected):
                box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                box.setMinimumContentsLength(14)
                box.addItem("—", None)
                for o in d.options:
                    box.addItem(o.text, o.id)
            reason.setPlaceholderText("why, with a number")
            self.decision_widgets[d.id] = (chosen, rejected, reason)
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            for w, label in ((chosen, "chose"), (rejected, "over"), (reason, "because")):
                row.addWidget(QLabel(label))
                row.addWidget(w, 1)
            question = QLabel(d.question)
            question.setStyleSheet("font-weight: bold;")
            self.decision_form.addRow(question)
            self.decision_form.addRow(holder)

    def _fill_components(self) -> None:
        plan = self.editor.plan
        current = self.bottleneck_box.currentData()
        self.bottleneck_box.clear()
        self.bottleneck_box.addItem("—", None)
        picked = set(self.run.predictions.spofs) if self.run else set()
        self.spof_list.clear()
        for c in plan.components:
            if c.kind.startswith("client."):
                continue
            self.bottleneck_box.addItem(c.name, c.id)
            item = QListWidgetItem(c.name)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.id in picked else Qt.CheckState.Unchecked)
            self.spof_list.addItem(item)
        guess = current or (self.run.predictions.bottleneck if self.run else None)
        self.bottleneck_box.setCurrentIndex(max(0, self.bottleneck_box.findData(guess)))

    def _save_page(self) -> None:
        """What the current step's page holds, into the run (one undo command)."""
        step_id, run, prompt = self.current_step, self.run, self.prompt
        if run is None:
            return
        changes: dict = {}
        if step_id == "requirements":
            in_scope, out = [], []
            for row, fr in enumerate(prompt.functional):
                choice = self.scope_list.cellWidget(row, 1).currentIndex()
                (in_scope if choice == 1 else out if choice == 2 else []).append(fr.id)
            ratio = None
            with contextlib.suppress(units.UnitError, ValueError):
                ratio = units.parse_count(self.ratio_edit.text()) if self.ratio_edit.text().strip() else None
            changes = {"in_scope": in_scope, "out_of_scope": out, "read_write_ratio": ratio,
                       "nfrs": {k: e.text().strip() for k, e in self.nfr_edits.items() if e.text().strip()},
                       "entities": [e.strip() for e in self.entities_edit.text().split(",") if e.strip()]}
        elif step_id == "estimates" and not run.revealed:
            text = self.implication_edit.text().strip()
            changes = {"implications": [text] if text else []}
        elif step_id == "high_level" and self.high_level_note.toPlainText().strip():
            changes = {"notes": {**run.notes, "high_level": self.high_level_note.toPlainText().strip()}}
        elif step_id == "deep_dive":
            tradeoffs = []
            for did, (chosen, rejected, reason) in self.decision_widgets.items():
                if chosen.currentData():
                    tradeoffs.append(TradeOff(decision=did, chosen=chosen.currentData(),
                                              rejected=rejected.currentData(), reason=reason.text().strip()))
            changes = {"tradeoffs": tradeoffs}
        elif step_id == "bottlenecks":
            spofs = [self.spof_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.spof_list.count())
                     if self.spof_list.item(i).checkState() == Qt.CheckState.Checked]
            predictions = {"bottleneck": self.bottleneck_box.currentData(), "spofs": spofs}
            with contextlib.suppress(ValueError, units.UnitError):
                if self.availability_edit.text().strip():
                    predictions["availability"] = units.parse_fraction(self.availability_edit.text())
            with contextlib.suppress(ValueError, units.UnitError):
                if self.cost_edit.text().strip():
                    predictions["monthly_cost"] = units.parse_money(self.cost_edit.text())
            changes = {"predictions": Predictions(**predictions), "next_10x": self.next_10x_edit.text().strip()}
        elif step_id == "buffer" and self.buffer_note.toPlainText().strip():
            changes = {"notes": {**run.notes, "buffer": self.buffer_note.toPlainText().strip()}}
        if changes:
            self._commit(**changes)

    # ------------------------------------------------------------------ estimates: reveal and seed
    def reveal(self) -> bool:
        """Parse the typed figures; on any bad one say which and reveal nothing; else record them, reveal
        Archplan's figures with the work shown, and lock the entries (the interview does not go back)."""
        prompt = self.prompt
        estimates, assumptions, problems = {}, {}, []
        for key, edit in self.estimate_edits.items():
            if edit.text().strip():
                try:
                    estimates[key] = parse(kind_of(prompt, key), edit.text())
                except (units.UnitError, ValueError) as exc:
                    problems.append(f"{label_of(prompt, key)}: {exc}")
        for name, edit in self.assumption_edits.items():
            if edit.text().strip():
                try:
                    assumptions[name] = parse(INPUTS[name][1], edit.text())
                except (units.UnitError, ValueError) as exc:
                    problems.append(f"{name}: {exc}")
        if "dau" in assumptions and "mau" in assumptions:
            problems.append("give daily or monthly users, not both")
        if problems:
            self.estimate_error.setText("Not revealed: " + "; ".join(problems))
            return False
        self.estimate_error.setText("")
        text = self.implication_edit.text().strip()
        self._record("reveal", "estimates", f"{len(estimates)} figures", estimates=estimates,
                     assumptions=assumptions, revealed=True, implications=[text] if text else [])
        self._show_reveal()
        return True

    def _show_reveal(self) -> None:
        prompt, run = self.prompt, self.run
        self.graded = grade(prompt, run)
        self.reveal_table.setRowCount(len(self.graded))
        html = ["<p><b>Within 2x of Archplan's figure is fine in an interview</b> (full credit); within 3.16x "
                "half; further off none.</p>"]
        for row, g in enumerate(self.graded):
            for col, text in enumerate((g.label, fmt(g.kind, g.answer), g.reference.formatted(), g.band,
                                        f"{g.credit:.0%}")):
                self.reveal_table.setItem(row, col, QTableWidgetItem(text))
            html.append(f"<p><b>{_esc(g.label)}</b><br>" + "<br>".join(_esc(w) for w in g.work())
                        + "".join(f"<br><i>{_esc(n)}</i>" for n in g.notes) + "</p>")
        self.work.setHtml("".join(html))
        for edit in (*self.estimate_edits.values(), *self.assumption_edits.values(), self.implication_edit):
            edit.setReadOnly(True)
        self.reveal_button.setEnabled(False)
        self.seed_mine.setEnabled(True)
        self.seed_reference.setEnabled(True)

    def seed(self, source: str) -> None:
        """Set the plan's traffic profile from the candidate's inputs or the prompt's givens (one undo step)."""
        prompt, run = self.prompt, self.run
        traffic = seeded_traffic(prompt, dict(run.assumptions) if source == "mine" else None)
        fields = {k: v for k, v in traffic.model_dump().items() if getattr(self.editor.plan.traffic, k) != v}
        if fields:
            self.editor.set_traffic(**fields)
        self._record("seed", "estimates", source, seeded_from=source)

    # ------------------------------------------------------------------ score
    def show_score(self) -> None:
        from archplan.planner.practice.score import score

        self.pages.setCurrentIndex(self.pages.count() - 1)
        self.step_list.setCurrentRow(self.step_list.count() - 1)
        self.done_label.setText("")
        try:
            self.score = score(self.editor.plan)
        except ValueError as exc:
            self.score = None
            self.score_label.setText(f"Cannot score: {exc}")
            self.score_tree.clear()
            return
        s = self.score
        self.score_label.setText(f"<b>{s.percent:.0f} %: {s.band}</b> ({s.got:g} of {s.assessed_max:g} points "
                                 f"assessed). {_esc(s.notes[0])}")
        self.score_tree.clear()
        for d in s.dimensions:
            top = QTreeWidgetItem([d.title, f"{d.got:g}/{d.assessed_max:g}" if d.assessed else "-",
                                   "" if d.assessed else "not assessed"])
            self.score_tree.addTopLevelItem(top)
            for p in d.points:
                item = QTreeWidgetItem([p.title, f"{round(p.got, 2):g}/{round(p.max, 2):g}", p.message])
                item.setData(0, Qt.ItemDataRole.UserRole, p)
                item.setToolTip(2, p.message)
                if p.missing or p.penalty:
                    for col in range(3):
                        item.setForeground(col, Qt.GlobalColor.darkRed)
                top.addChild(item)
            top.setExpanded(any(p.missing or p.penalty for p in d.points))
        first_lost = next((top.child(j) for i in range(self.score_tree.topLevelItemCount())
                           for top in [self.score_tree.topLevelItem(i)] for j in range(top.childCount())
                           if top.child(j).data(0, Qt.ItemDataRole.UserRole).missing), None)
        if first_lost is not None:
            self.score_tree.setCurrentItem(first_lost)
        if self.run is not None and not any(e.event == "score" for e in self.run.timeline[-1:]):
            self._record("score", None, f"{s.percent:.0f} % {s.band}")

    def _show_point(self, item, _previous=None) -> None:
        p = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if p is None:
            self.score_details.setHtml("")
            return
        parts = [f"<p><b>{_esc(p.title)}</b> ({round(p.got, 2):g} of {round(p.max, 2):g}) {_esc(p.rule)}</p>",
                 f"<p>{_esc(p.message)}</p>"]
        if p.advice:
            parts.append(f"<p><b>To earn it:</b> {_esc(p.advice)}</p>")
        if p.work:
            parts.append("<p>" + "<br>".join(_esc(w) for w in p.work) + "</p>")
        if p.source:
            parts.append(f"<p><small>Source: {_esc(p.source)}</small></p>")
        self.score_details.setHtml("".join(parts))

    def export_debrief(self, path: str | None = None) -> str | None:
        from archplan.exports import ExportError
        from archplan.exports.pdf_practice import write_practice_pdf

        if self.score is None:
            self.show_score()
        if self.score is None:
            return None
        path = path or self._ask_save_path("practice-debrief.pdf")
        if not path:
            return None
        try:
            write_practice_pdf(self.editor.plan, self.score.result, Path(path), score=self.score)
        except ExportError as exc:
            self.score_label.setText(f"Cannot export: {exc}")
            return None
        self.score_label.setText(self.score_label.text() + f"<br>Wrote {_esc(path)}")
        return path

    def _default_ask_save_path(self, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, "Export debrief", suggested, "PDF (*.pdf)")
        return path or None

    def closeEvent(self, event) -> None:
        self.timer.stop()
        super().closeEvent(event)


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_practice(window) -> PracticeWindow:
    """File > Practice… (ui/actions.py): show the practice window on the window's plan, made once per plan."""
    dialog = getattr(window, "practice_window", None)
    if dialog is None or dialog.editor is not window.editor:
        dialog = window.practice_window = PracticeWindow(window.editor, window)
    dialog.show()
    dialog.raise_()
    return dialog
