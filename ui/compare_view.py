"""
File > Compare with…: the open plan (A) against another plan file or a template (B).

The view shows planner.compare's Comparison (the object `archplan compare A B` prints, with its
formatting): the key figures of A and B with B - A and B / A, the components added, removed and changed,
and the two diagrams side by side on read-only canvases, the differing cards outlined (ui/marks.py):
green added (B), red removed (A), amber changed (both). Both plans are computed at today's traffic (x1),
like the CLI. Export as Markdown (exports/compare_md.py) or PDF pages (exports/pdf_compare.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archplan.exports.compare_md import component_rows, totals_rows
from archplan.planner.compare import Comparison, compare
from archplan.planner.engine import compute
from archplan.planner.model import Plan
from archplan.ui.marks import AMBER, GREEN, RED, MarkLayer, MarkStyle

OTHER_FILE = "Another plan file…"
TEMPLATE_PREFIX = "Template: "
CHANGE_COLOURS = {"added": GREEN, "removed": RED, "changed": AMBER}


def choose_other(window) -> tuple[Plan, str] | None:
    """Ask which plan to compare with: a file, or a template; (plan, label) or None (cancelled or unreadable)."""
    from archplan.planner.library import list_templates, load_template

    infos, _problems = list_templates()
    options = [OTHER_FILE] + [f"{TEMPLATE_PREFIX}{info.name} — {info.title}" for info in infos]
    choice = window.ask_choice("Compare with", "Compare this plan (A) with (B):", options)
    if choice is None:
        return None
    try:
        if choice == OTHER_FILE:
            start = str(Path(window.editor.path).parent) if window.editor.path else str(Path.home())
            path = window.ask_open_path(start)
            if not path:
                return None
            from archplan.planner.io import load_plan

            return load_plan(path), path
        name = choice[len(TEMPLATE_PREFIX):].split(" — ", 1)[0]
        return load_template(name), f"template {name}"
    except (OSError, ValueError) as exc:
        window.warn("Compare with", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return None


def open_compare(window, other: Plan, label: str | None = None) -> CompareDialog | None:
    """Compare the window's plan (A) with `other` (B) in a new non-modal view."""
    editor = window.editor
    a = editor.plan.model_copy(deep=True)
    a_label = f"{editor.path} (as open)" if editor.path else f"{a.name} (as open)"
    try:
        dialog = CompareDialog(a, other, a_label, label or other.name, window)
    except ValueError as exc:  # a plan that cannot be computed
        window.warn("Compare with", f"Cannot compare: {exc}")
        return None
    dialog.show()
    return dialog


def _table(columns, rows, right=frozenset(), colour_column: int | None = None) -> QTableWidget:
    table = QTableWidget(len(rows), len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(str(text))
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if colour_column is not None and c == colour_column and text in CHANGE_COLOURS:
                item.setForeground(CHANGE_COLOURS[text])
            table.setItem(r, c, item)
    return table


class CompareDialog(QDialog):
    """The comparison view: delta table, component changes, the two diagrams side by side."""

    def __init__(self, a: Plan, b: Plan, a_label: str, b_label: str, window=None):
        super().__init__(window)
        self.window_ = window
        self.a, self.b, self.a_label, self.b_label = a, b, a_label, b_label
        self.ra, self.rb = compute(a), compute(b)
        self.comparison: Comparison = compare(a, self.ra, b, self.rb)
        self.setWindowTitle(f"Compare — {a.name} vs {b.name}")
        self.resize(1340, 740)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel(f"<b>A:</b> {_esc(a_label)} &nbsp;&nbsp; <b>B:</b> {_esc(b_label)}")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        top.addWidget(self.title, 1)
        self.markdown_button = QPushButton("Export Markdown…")
        self.markdown_button.clicked.connect(lambda: self.export_markdown())
        self.pdf_button = QPushButton("Export PDF…")
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        top.addWidget(self.markdown_button)
        top.addWidget(self.pdf_button)
        layout.addLayout(top)

        cmp = self.comparison
        self.totals_table = _table(("figure", "A", "B", "B - A", "B / A"), totals_rows(cmp), right={1, 2, 3, 4})
        self.components_table = _table(("change", "component", "kind", "what changed", "instances", "cost/mo"),
                                       component_rows(cmp), colour_column=0)
        counts = QLabel(f"{len(cmp.matched)} components in both ({len(cmp.changed)} changed), {len(cmp.added)} "
                        f"only in B, {len(cmp.removed)} only in A" + "".join(f" · {n}" for n in cmp.notes))
        tables = QSplitter(Qt.Orientation.Horizontal)
        tables.addWidget(self.totals_table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(counts)
        right_layout.addWidget(self.components_table, 1)
        tables.addWidget(right)
        tables.setSizes([560, 760])

        diagrams = QSplitter(Qt.Orientation.Horizontal)
        self.sides = {}
        for side, plan, label in (("A", a, a_label), ("B", b, b_label)):
            diagrams.addWidget(self._diagram(side, plan, label))
        self._mark()
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(tables)
        body.addWidget(diagrams)
        body.setSizes([250, 470])
        layout.addWidget(body, 1)
        QTimer.singleShot(0, self.fit)

    def _diagram(self, side: str, plan: Plan, label: str) -> QWidget:
        from archplan.ui.canvas.scene import CanvasScene
        from archplan.ui.canvas.view import CanvasView
        from archplan.ui.editor import Editor

        editor = Editor(plan.model_copy(deep=True), self)
        scene = CanvasScene(editor, self)
        view = CanvasView(scene)
        view.setInteractive(False)  # a picture of the plan: nothing here edits it
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(f"<b>{side}</b>: {_esc(plan.name)}")
        caption.setTextFormat(Qt.TextFormat.RichText)
        box_layout.addWidget(caption)
        box_layout.addWidget(view, 1)
        self.sides[side] = {"editor": editor, "scene": scene, "view": view, "marks": MarkLayer(scene)}
        return box

    def highlights(self) -> dict[str, dict[str, MarkStyle]]:
        """The card marks of each side: added (B), removed (A), changed (both)."""
        cmp = self.comparison
        a = {s.id: MarkStyle("REMOVED", RED) for s in cmp.removed}
        b = {s.id: MarkStyle("ADDED", GREEN) for s in cmp.added}
        for m in cmp.changed:
            a[m.a] = MarkStyle("CHANGED", AMBER)
            b[m.b] = MarkStyle("CHANGED: " + ", ".join(m.changed), AMBER)
        return {"A": a, "B": b}

    def _mark(self) -> None:
        for side, marks in self.highlights().items():
            self.sides[side]["marks"].set_marks(marks)

    def fit(self) -> None:
        for side in self.sides.values():
            side["view"].zoom_fit()

    # ------------------------------------------------------------------ exports
    def _path(self, title: str, suffix: str, description: str) -> str | None:
        window = self.window_
        base = Path(window.editor.path).with_suffix("") if window is not None and window.editor.path \
            else Path.home() / "comparison"
        suggested = f"{base}-vs-{_slug(self.b.name)}{suffix}"
        if window is None:
            return None
        path = window.ask_save_path(title, f"{description} (*{suffix});;All files (*)", suggested)
        if path and not Path(path).suffix:
            path += suffix
        return path or None

    def _warn(self, text: str) -> None:
        if self.window_ is not None:
            self.window_.warn("Export comparison", text)

    def export_markdown(self, path: str | None = None) -> Path | None:
        from archplan.exports.compare_md import write_markdown

        path = path or self._path("Export comparison as Markdown", ".md", "Markdown")
        if not path:
            return None
        try:
            return write_markdown(self.comparison, path, self.a_label, self.b_label)
        except OSError as exc:
            self._warn(f"{path}: {exc.strerror or exc}")
            return None

    def export_pdf(self, path: str | None = None, diagrams: bool = True) -> Path | None:
        from archplan.exports import ExportError
        from archplan.exports.pdf_compare import write_compare_pdf

        path = path or self._path("Export comparison as PDF", ".pdf", "PDF document")
        if not path:
            return None
        try:
            return write_compare_pdf(self.comparison, self.a, self.ra, self.b, self.rb, Path(path), self.a_label,
                                     self.b_label, diagrams=diagrams)
        except (ExportError, OSError) as exc:
            self._warn(str(exc))
            return None


def _esc(text: str) -> str:
    import html

    return html.escape(str(text))


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-") or "plan"
