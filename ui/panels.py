"""
The main window's docked panels, in one place.

Each `Dock` names a panel, its title, where it docks, whether a first start shows it, and the function
that builds its widget once the window has a plan (`build(window, editor)`, which may import what it
needs: the window appears before any of these modules is loaded). A new panel (Review, Simulate,
Compare, Practice...) is one more line in DOCKS and one builder here: the window creates its dock,
restores its place from the saved layout, and lists it in the View menu.

Builders also store the widget on the window under the names the rest of the GUI uses
(`window.inspector`, `window.results`, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from archplan.ui.editor import Editor

Area = Qt.DockWidgetArea


@dataclass(frozen=True)
class Dock:
    """A docked panel: `name` (object name dock_<name>, settings), `title`, `area`, shown at first start."""

    name: str
    title: str
    area: Area
    build: Callable[[Any, Editor], QWidget]
    shown: bool = True
    #: Another dock this one shares its place with, as a tab (so a small screen keeps its canvas).
    tab_with: str | None = None


def _palette(window, editor: Editor) -> QWidget:
    from archplan.ui.palette import Palette

    window.component_palette = Palette()
    return window.component_palette


def _inspector(window, editor: Editor) -> QWidget:
    from archplan.ui.inspector import Inspector

    window.inspector = Inspector(editor)
    return window.inspector


def _results(window, editor: Editor) -> QWidget:
    from archplan.ui.results import ResultsPanel

    window.results = ResultsPanel(editor.document, settings=window.settings)
    return window.results


def _notes(window, editor: Editor) -> QWidget:
    from archplan.ui.plan_notes import PlanNotes

    window.plan_notes = PlanNotes(editor)
    return window.plan_notes


def _review(window, editor: Editor) -> QWidget:
    from archplan.ui.review_panel import build_review_dock  # the design review (issue 15)

    return build_review_dock(window, editor)


def _load(window, editor: Editor) -> QWidget:
    from archplan.ui.curves_view import build_load_dock  # curves and sensitivity (issue 14)

    return build_load_dock(window, editor)


def _simulate(window, editor: Editor) -> QWidget:
    from archplan.ui.simulate_panel import build_simulate_panel  # Simulate (issue 14)

    return build_simulate_panel(window, editor)


def _history(window, editor: Editor) -> QWidget:
    from PySide6.QtWidgets import QUndoView

    window.history = QUndoView(editor.undo_stack)
    window.history.setEmptyLabel("Opened plan")
    return window.history


def _failures(window, editor: Editor) -> QWidget:
    from archplan.ui.faults import FailuresPanel  # failure injection (issue 14): shown when a fault is injected

    window.failures_panel = FailuresPanel(editor)
    return window.failures_panel


DOCKS: tuple[Dock, ...] = (
    Dock("palette", "Components", Area.LeftDockWidgetArea, _palette),
    Dock("inspector", "Inspector", Area.RightDockWidgetArea, _inspector),
    Dock("results", "Results", Area.BottomDockWidgetArea, _results),
    Dock("load", "Load behaviour", Area.BottomDockWidgetArea, _load, tab_with="results"),  # issue 14
    Dock("simulate", "Simulate", Area.BottomDockWidgetArea, _simulate, shown=False, tab_with="results"),  # issue 14
    Dock("review", "Review", Area.RightDockWidgetArea, _review, tab_with="inspector"),  # issue 15
    Dock("notes", "Plan notes", Area.RightDockWidgetArea, _notes, tab_with="inspector"),
    Dock("history", "Undo history", Area.RightDockWidgetArea, _history, shown=False, tab_with="inspector"),
    Dock("failures", "Failures", Area.BottomDockWidgetArea, _failures, shown=False, tab_with="results"),  # issue 14
)
