"""
"Show your work": the figures behind one component's numbers, and for the chosen figure its formula
with the numbers substituted (Figure.text()), what it means, the assumption and the source.

The figures are the very objects the engine computed with (planner.formulas), so the explanation
cannot drift from the number. "Copy LaTeX" renders the same formula through sympy.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import units
from archplan.ui import theme
from archplan.ui.document import Document

if TYPE_CHECKING:
    from archplan.planner.formulas import Figure

NAME_ROLE = Qt.ItemDataRole.UserRole


def _input_text(value) -> str:
    """An input of a formula as shown in the table of inputs."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_input_text(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return units.format_count(value, 6)


def figure_label(name: str) -> str:
    """'instances_needed' -> 'Instances needed'; client figures keep their plain name."""
    text = name.removeprefix("client_").replace("_", " ")
    return text[:1].upper() + text[1:]


class WorkPanel(QWidget):
    """Figures of the selected component (left) and the working of the selected figure (right)."""

    #: The LaTeX of a figure was copied (or could not be): a short message for the status bar.
    message = Signal(str)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.component_id: str | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.figures = QTreeWidget()
        self.figures.setColumnCount(2)
        self.figures.setHeaderLabels(["Figure", "Value"])
        self.figures.setRootIsDecorated(False)
        self.figures.setAlternatingRowColors(True)
        self.figures.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.figures.header().setStretchLastSection(False)
        self.figures.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.figures.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.figures.currentItemChanged.connect(lambda *_: self._show_figure())
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.copy_latex = QPushButton("Copy LaTeX")
        self.copy_latex.setToolTip("Copy the formula with its numbers as LaTeX (for notes, slides, papers)")
        self.copy_latex.clicked.connect(self.copy_latex_to_clipboard)
        self.copy_text = QPushButton("Copy text")
        self.copy_text.clicked.connect(self._copy_text)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_text)
        buttons.addWidget(self.copy_latex)
        right_layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.figures)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 400])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        self._shown: list | None = None   # (name, value, working) of each figure shown
        document.result_changed.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ content
    def _current_figures(self) -> dict[str, Figure]:
        result = self.document.result
        if result is None:
            return {}
        if self.component_id is None:
            bp = result.breaking_point.figure
            return {"breaking_point": bp} if bp is not None else {}
        figures: dict[str, Figure] = {}
        if self.component_id in result.components:
            figures.update(result.components[self.component_id].figures)
        if self.component_id in result.clients:   # a client's own figures; those it shares are shown once
            for name, figure in result.clients[self.component_id].figures.items():
                same = figures.get(name)
                if same is None or same.text() != figure.text():
                    figures[f"client_{name}" if name in figures else name] = figure
        return figures

    def show_component(self, component_id: str | None) -> None:
        if component_id == self.component_id:
            return
        self.component_id = component_id
        self.refresh()

    def refresh(self) -> None:
        """Show the current figures; nothing is rebuilt when they read as before (most edits change
        other components' figures)."""
        figures = self._current_figures()
        if self.document.result is None:
            heading = (f"<span style='color:{theme.current().error}'>Cannot compute: "
                       f"{html.escape(self.document.result_error or '')}</span>") \
                if not self.document.pending else "Computing…"
        elif self.component_id is None:
            from archplan.ui.whatif import breaking_text

            heading = (f"<b>Plan</b>: {html.escape(breaking_text(self.document))}. Select a component (here or on "
                       "the canvas) to see its working.")
        else:
            component = self.document.component(self.component_id)
            name = component.name if component is not None else self.component_id
            heading = f"<b>{html.escape(name)}</b>: {len(figures)} figures"
        self.heading.setText(heading)
        shown = [(name, figure.formatted(), figure.text()) for name, figure in figures.items()]
        if shown == self._shown:
            return
        self._shown = shown
        previous = self.figures.currentItem().data(0, NAME_ROLE) if self.figures.currentItem() else None
        self.figures.blockSignals(True)
        self.figures.clear()
        for name, figure in figures.items():
            item = QTreeWidgetItem([figure_label(name), figure.formatted()])
            item.setData(0, NAME_ROLE, name)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = f"{figure.formula.meaning}\n{name} = {_input_text(figure.value)} {figure.formula.unit}".strip()
            item.setToolTip(0, tip)
            item.setToolTip(1, tip)
            self.figures.addTopLevelItem(item)
        names = self.figure_names()
        if names:
            self.figures.setCurrentItem(self.figures.topLevelItem(names.index(previous) if previous in names else 0))
        self.figures.blockSignals(False)
        self._show_figure()

    def figure_names(self) -> list[str]:
        return [self.figures.topLevelItem(i).data(0, NAME_ROLE) for i in range(self.figures.topLevelItemCount())]

    def select_figure(self, name: str) -> None:
        names = self.figure_names()
        if name in names:
            self.figures.setCurrentItem(self.figures.topLevelItem(names.index(name)))
            return
        raise KeyError(f"no figure {name!r} here")

    def current_figure(self) -> Figure | None:
        item = self.figures.currentItem()
        return self._current_figures().get(item.data(0, NAME_ROLE)) if item is not None else None

    def _show_figure(self) -> None:
        figure = self.current_figure()
        self.copy_latex.setEnabled(figure is not None)
        self.copy_text.setEnabled(figure is not None)
        if figure is None:
            self.detail.setHtml(f"<p style='color:{theme.current().muted}'>No figure selected.</p>")
            return
        formula = figure.formula
        rows = "".join(
            f"<tr><td><code>{html.escape(k)}</code></td><td>{html.escape(formula.symbols.get(k, ''))}</td>"
            f"<td align='right'>{html.escape(_input_text(v))}</td></tr>" for k, v in figure.inputs.items())
        parts = [f"<p><b>{html.escape(formula.meaning)}</b> = {html.escape(figure.formatted())}</p>",
                 f"<pre style='background:{theme.current().note_background}; padding:6px; white-space:pre-wrap'>"
                 f"{html.escape(figure.text())}</pre>"]
        if rows:
            parts.append(f"<table cellspacing='0' cellpadding='2'>{rows}</table>")
        if formula.assumption:
            parts.append(f"<p><b>Assumption:</b> {html.escape(formula.assumption)}</p>")
        if formula.source:
            parts.append(f"<p style='color:{theme.current().muted}'><b>Source:</b> {html.escape(formula.source)}</p>")
        self.detail.setHtml("".join(parts))

    # ------------------------------------------------------------------ clipboard
    def _copy_text(self) -> None:
        figure = self.current_figure()
        if figure is not None:
            QGuiApplication.clipboard().setText(figure.text())
            self.message.emit("Formula copied")

    def copy_latex_to_clipboard(self) -> str | None:
        figure = self.current_figure()
        if figure is None:
            return None
        try:
            latex = figure.latex()
        except Exception as exc:  # sympy cannot render every expression: say so, never crash
            self.message.emit(f"Cannot render LaTeX: {exc}")
            return None
        QGuiApplication.clipboard().setText(latex)
        self.message.emit("LaTeX copied to the clipboard")
        return latex
