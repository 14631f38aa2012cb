"""
The main window: palette (left), canvas (centre), inspector (right), results (bottom), undo history.

It wires views to the Editor and to each other by ids: the canvas selection drives the inspector and
the results row; a results row or finding selects on the canvas. Title and status bar follow the
editor's state and the latest result. Window geometry and dock layout are kept in QSettings.

Every question or message that would block (save changes?, open which file?, an error) goes through a
replaceable callable (`_ask_save`, `_warn`, `_ask_open_path`, `_ask_save_path`, `_ask_text`,
`_ask_choice`, `_ask_directory`, `_confirm`, `_ask_recovery`), so tests can answer without a modal dialog.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QUndoView,
    QWidget,
)

from archplan.planner import units
from archplan.ui.actions import SELECTION_ACTIONS, build_actions, build_menus, build_toolbar
from archplan.ui.app_icons import app_icon
from archplan.ui.autosave import Autosave, ask_recovery, offer_recovery
from archplan.ui.canvas.scene import CanvasScene
from archplan.ui.canvas.view import CanvasView
from archplan.ui.editor import Editor
from archplan.ui.files import FileOps, default_plan
from archplan.ui.inspector import Inspector
from archplan.ui.palette import Palette
from archplan.ui.results import ResultsPanel
from archplan.ui.settings import app_settings
from archplan.ui.whatif import WhatIfControl

STATUS_ERROR_STYLE = "color: #c62828; font-weight: bold;"


class MainWindow(QMainWindow):
    """One plan, its canvas and panels."""

    def __init__(self, editor: Editor | None = None, settings: QSettings | None = None,
                 autosave_dir: str | os.PathLike[str] | None = None, autosave_interval_ms: int = 60_000,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor if editor is not None else Editor(default_plan())
        self.settings = settings if settings is not None else app_settings()
        self.setWindowIcon(app_icon())
        # replaceable questions and messages (tests answer them)
        self._ask_save = self._default_ask_save
        self._warn = self._default_warn
        self._ask_open_path = self._default_ask_open_path
        self._ask_save_path = self._default_ask_save_path
        self._ask_text = self._default_ask_text
        self._ask_choice = self._default_ask_choice
        self._ask_directory = self._default_ask_directory
        self._confirm = self._default_confirm
        self._ask_recovery = ask_recovery
        self.files = FileOps(self)
        self.autosave = Autosave(self.editor, autosave_dir, autosave_interval_ms, parent=self)
        self.autosave.failed.connect(lambda message: self.show_message(message, 10_000))

        self.scene = CanvasScene(self.editor, self)
        self.destroyed.connect(self.scene.detach)  # the editor may outlive the window
        self.view = CanvasView(self.scene)
        self.setCentralWidget(self.view)
        self.component_palette = Palette()
        self.inspector = Inspector(self.editor)
        self.results = ResultsPanel(self.editor.document)
        self.history = QUndoView(self.editor.undo_stack)
        self.history.setEmptyLabel("Opened plan")
        self.whatif = WhatIfControl(self.editor.document)
        self.docks: dict[str, QDockWidget] = {}
        self._add_dock("palette", "Components", self.component_palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("inspector", "Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("results", "Results", self.results, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock("history", "Undo history", self.history, Qt.DockWidgetArea.RightDockWidgetArea)
        self.docks["history"].hide()
        from archplan.ui.review_panel import build_review_dock  # the design review (issue 15)

        self._add_dock("review", "Review", build_review_dock(self, self.editor), Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.docks["inspector"], self.docks["review"])
        self.docks["inspector"].raise_()
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.action_map = build_actions(self)
        self.recent_menu = None
        self.export_menu = None
        self.toolbar = build_toolbar(self)
        build_menus(self)
        self._build_status_bar()
        self._connect()
        self._restore_layout()
        self.refresh_recent_menu()
        self.update_title()
        self.update_status()
        self._on_selection_changed()

    # ------------------------------------------------------------------ construction
    def _add_dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        self.docks[name] = dock

    def _build_status_bar(self) -> None:
        self.totals_label = QLabel()
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        self.zoom_label = QLabel("100 %")
        self.zoom_label.setMinimumWidth(48)
        self.zoom_label.setToolTip("Zoom (Ctrl+1: actual size, Ctrl+0: fit)")
        self.statusBar().addPermanentWidget(self.totals_label)
        self.statusBar().addPermanentWidget(self.zoom_label)

    def _connect(self) -> None:
        doc = self.editor.document
        self.editor.state_changed.connect(self.update_title)
        doc.plan_info_changed.connect(self.update_title)
        doc.plan_reset.connect(self.update_title)
        doc.result_changed.connect(self.update_status)
        self.component_palette.add_requested.connect(self.add_component_at_centre)
        self.scene.selection_ids_changed.connect(self._on_selection_changed)
        self.scene.component_activated.connect(self._on_component_activated)
        self.scene.message.connect(lambda text: self.show_message(text))
        self.view.zoom_changed.connect(lambda zoom: self.zoom_label.setText(f"{zoom * 100:.0f} %"))
        self.results.component_selected.connect(lambda cid: self.scene.select_ids([cid]))
        self.results.select_requested.connect(self.scene.select_ids)
        self.results.work.message.connect(lambda text: self.show_message(text))

    def _restore_layout(self) -> None:
        self.resize(1440, 900)
        self.resizeDocks([self.docks["palette"], self.docks["inspector"]], [230, 380], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["results"]], [310], Qt.Orientation.Vertical)
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        snap = self.settings.value("canvas/snap_to_grid", True)
        snap = snap if isinstance(snap, bool) else str(snap).lower() == "true"
        self.action_map["snap"].setChecked(snap)
        self.scene.set_snap_to_grid(snap)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()

    # ------------------------------------------------------------------ hooks (replaceable in tests)
    def ask_save(self) -> str:
        """'save', 'discard' or 'cancel'."""
        return self._ask_save()

    def warn(self, title: str, text: str) -> None:
        self._warn(title, text)

    def ask_open_path(self, start: str) -> str | None:
        return self._ask_open_path(start)

    def ask_save_path(self, title: str, file_filter: str, suggested: str) -> str | None:
        return self._ask_save_path(title, file_filter, suggested)

    def ask_text(self, title: str, label: str, default: str) -> str | None:
        return self._ask_text(title, label, default)

    def ask_choice(self, title: str, label: str, options: list[str]) -> str | None:
        """One of `options` (the first is the default), or None when cancelled."""
        return self._ask_choice(title, label, options)

    def ask_directory(self, start: str) -> str | None:
        return self._ask_directory(start)

    def confirm(self, title: str, text: str) -> bool:
        return self._confirm(title, text)

    def _default_confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _default_ask_save(self) -> str:
        name = Path(self.editor.path).name if self.editor.path else "Untitled"
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to “{self.editor.plan.name}” ({name})?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")

    def _default_warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def _default_ask_open_path(self, start: str) -> str | None:
        from archplan.ui.files import PLAN_FILTER

        path, _ = QFileDialog.getOpenFileName(self, "Open plan", start, PLAN_FILTER)
        return path or None

    def _default_ask_save_path(self, title: str, file_filter: str, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        return path or None

    def _default_ask_text(self, title: str, label: str, default: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label, text=default)
        return text.strip() if ok and text.strip() else None

    def _default_ask_choice(self, title: str, label: str, options: list[str]) -> str | None:
        item, ok = QInputDialog.getItem(self, title, label, options, 0, False)
        return item if ok and item in options else None

    def _default_ask_directory(self, start: str) -> str | None:
        path = QFileDialog.getExistingDirectory(self, "Choose a folder", start)
        return path or None

    # ------------------------------------------------------------------ file operations (see ui/files.py)
    def maybe_save(self) -> bool:
        return self.files.maybe_save()

    def open_file(self, path: str | os.PathLike[str]) -> bool:
        return self.files.open(path)

    def after_load(self) -> None:
        """A new plan is in the editor (new / open / recover): fit it and forget the old selection."""
        self.refresh_recent_menu()
        self.update_title()
        self.inspector.show_plan()
        QTimer.singleShot(0, self.view.zoom_fit)

    def refresh_recent_menu(self) -> None:
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        paths = self.files.recent.paths()
        for i, path in enumerate(paths):
            label = f"&{i + 1} {Path(path).name}" if i < 9 else Path(path).name
            action = self.recent_menu.addAction(label)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.setData(path)
            action.triggered.connect(lambda _checked=False, p=path: self.files.open_recent(p))
        if paths:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", lambda: (self.files.recent.clear(), self.refresh_recent_menu()))
        self.recent_menu.setEnabled(bool(paths))

    def offer_recovery(self) -> bool:
        """At start-up: offer autosaves left by a crashed session (see ui/autosave.py)."""
        recovered = offer_recovery(self.editor, self.autosave, self, ask=self._ask_recovery,
                                   warn=lambda text: self.warn("Recover", text))
        if recovered:
            self.after_load()
            self.show_message("Recovered unsaved work: save it to keep it", 10_000)
        return recovered

    def open_preferences(self) -> bool:
        """Edit > Preferences… (ui/preferences.py); True when a new team folder setting was saved."""
        from archplan.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self, ask_directory=self.ask_directory)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.env_value is not None:
                return False
            team = dialog.saved_team_dir
            self.show_message(f"Team templates folder: {team}" if team else "No team templates folder")
            return True
        finally:
            dialog.deleteLater()

    # ------------------------------------------------------------------ edit operations
    def add_component_at_centre(self, kind: str) -> str | None:
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        return self.scene.add_component_at(kind, centre)

    def select_all(self) -> None:
        self.scene.select_ids([c.id for c in self.editor.plan.components])

    def group_selection(self) -> None:
        if not self.scene.selected_component_ids():
            self.show_message("Select the components to group first")
            return
        name = self.ask_text("Group", "Name of the zone, region or tier:", "Zone")
        if name:
            self.scene.group_selection(name, "zone")

    def set_snap_to_grid(self, checked: bool) -> None:
        self.scene.set_snap_to_grid(checked)
        self.settings.setValue("canvas/snap_to_grid", bool(checked))

    # ------------------------------------------------------------------ views follow the model
    def _on_selection_changed(self) -> None:
        components = self.scene.selected_component_ids()
        links, groups = self.scene.selected_link_ids(), self.scene.selected_group_ids()
        self.inspector.show_selection(components, links, groups)
        self.results.select_component(components[0] if len(components) == 1 else None)
        anything = bool(components or links or groups)
        for name in SELECTION_ACTIONS:
            self.action_map[name].setEnabled(anything if name in ("delete",) else bool(components))
        for name, action in self.action_map.items():
            if name.startswith("align_"):
                action.setEnabled(len(components) >= (3 if "distribute" in name else 2))

    def _on_component_activated(self, component_id: str) -> None:
        self.inspector.show_component(component_id)
        dock = self.docks["inspector"]
        dock.show()
        dock.raise_()
        self.inspector.component_page.name.edit.setFocus()
        self.inspector.component_page.name.edit.selectAll()

    def update_title(self) -> None:
        name = Path(self.editor.path).name if self.editor.path else "Untitled"
        self.setWindowTitle(f"{self.editor.plan.name} — {name}[*] — Archplan")
        self.setWindowModified(self.editor.is_modified())

    def update_status(self) -> None:
        doc = self.editor.document
        if doc.result is None:
            self.totals_label.setStyleSheet(STATUS_ERROR_STYLE)
            self.totals_label.setText(f"Cannot compute: {doc.result_error}")
            return
        t = doc.result.totals
        self.totals_label.setStyleSheet("")
        scaled = f" (×{units.format_count(doc.multiplier)})" if doc.multiplier != 1 else ""
        self.totals_label.setText(
            f"{units.format_count(t.dau)} DAU{scaled} · {units.format_qps(t.entry_qps_peak)} peak · "
            f"{t.instances} instances · {units.format_money(t.monthly_cost)}/month · "
            f"availability {units.format_availability(t.availability)}")

    def show_message(self, text: str, timeout_ms: int = 6_000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.save_layout()
        self.autosave.close()
        event.accept()
