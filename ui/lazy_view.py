"""
Views of figures derived from the whole plan (the Load behaviour panel's curves and tornado), computed only
while they can be seen, and the plot colours they share.

A curve or a tornado is tens of computes of the plan, so such a view computes only while it is exposed: a
change of the plan while hidden marks it stale, and it catches up when shown (its own showEvent, or the
dock it sits in coming to the front). A change of the what-if multiplier only calls `markers()`. Edits
that change no figure (a card moved) are recognised by the plan's content, layout left out
(`plan_key`), and recompute nothing. Changes in a burst (typing, undo runs) are gathered by a short timer.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDockWidget, QWidget

from archplan.ui.document import Document

#: Plot colours on a light and on a dark palette.
COLOURS = {
    False: {"mean": "#1565c0", "p95": "#ef6c00", "p99": "#c62828", "utilisation": "#00897b", "knee": "#6a1b9a",
            "whatif": "#2e7d32", "breaking": "#8a5300", "grid": "#c9d1db"},
    True: {"mean": "#60a5fa", "p95": "#fb923c", "p99": "#f87171", "utilisation": "#2dd4bf", "knee": "#c084fc",
           "whatif": "#4ade80", "breaking": "#fbbf24", "grid": "#3a414b"},
}
#: How long a burst of edits is gathered before the curves are recomputed.
DEBOUNCE_MS = 250


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def plan_key(document: Document) -> str:
    """The plan's content without its layout and free text (positions, link bends and labels, names, notes, the
    description): equal keys, equal figures."""
    text = document.plan.model_dump_json(exclude={"description": True, "notes": True,
                                                  "components": {"__all__": {"position", "notes", "name"}},
                                                  "links": {"__all__": {"waypoints", "route", "label"}}})
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class LazyPlanView(QWidget):
    """A view of figures derived from the whole plan, computed only while it can be seen.

    Subclasses implement `compute()` (the expensive part, from the plan), `draw()` (show what was computed)
    and may override `markers()` (cheap updates: the what-if)."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        #: When True (docked in a window), a hidden view computes nothing and catches up when shown.
        self.lazy = True
        #: How many times the expensive part ran (tests and benchmarks read it).
        self.computations = 0
        self._key: str | None = None
        self._maybe_changed = True
        self._stale = True
        self._watching = False
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        document.changed.connect(self._on_plan_changed)
        document.plan_reset.connect(self._on_plan_changed)
        document.result_changed.connect(self._on_result)
        document.multiplier_changed.connect(self._on_multiplier)  # bound methods: Qt drops them with the view

    # ------------------------------------------------------------------ when to compute
    def exposed(self) -> bool:
        """Can be seen now (a hidden dock or a tab behind another hides it)."""
        return not self.lazy or (self.isVisible() and not self.visibleRegion().isEmpty())

    def _on_plan_changed(self) -> None:
        self._maybe_changed = True

    def _on_multiplier(self, _multiplier: float) -> None:
        if self.exposed():
            self.markers()

    def _on_dock_visibility(self, shown: bool) -> None:
        if shown:
            self._catch_up()

    def _on_result(self) -> None:
        if not self.exposed():
            self._stale = True
            return
        if self._maybe_changed:
            self._timer.start()   # a burst of edits: once, when it pauses
        else:
            self.markers()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._watching:  # a dock tabbed behind another stays "visible": follow the dock itself
            self._watching = True
            parent = self.parentWidget()
            while parent is not None and not isinstance(parent, QDockWidget):
                parent = parent.parentWidget()
            if parent is not None:
                parent.visibilityChanged.connect(self._on_dock_visibility)
        self._catch_up()

    def _catch_up(self) -> None:
        if self._stale or self._maybe_changed:
            QTimer.singleShot(0, self.refresh)

    def refresh(self, force: bool = False) -> None:
        """Recompute when the plan's figures may have changed since the last compute, then draw."""
        self._timer.stop()
        if not force and not self.exposed():
            self._stale = True
            return
        self._stale = False
        if self.document.result is None:
            self._key = None
            self.show_problem(self.document.result_error or "the plan has not been computed yet")
            return
        if self._maybe_changed or force or self._key is None:
            key = plan_key(self.document)
            self._maybe_changed = False
            if force or key != self._key:
                self.computations += 1
                try:
                    self.compute()
                except (ValueError, KeyError) as exc:
                    self._key = None
                    self.show_problem(str(exc))
                    return
                self._key = key
                self.draw()
                return
        self.markers()

    # ------------------------------------------------------------------ subclasses
    def compute(self) -> None:
        raise NotImplementedError

    def draw(self) -> None:
        raise NotImplementedError

    def markers(self) -> None:
        """Cheap updates that need no compute (the what-if multiplier moved)."""

    def show_problem(self, text: str) -> None:
        raise NotImplementedError
