"""
The main window: palette (left), canvas (centre), inspector (right), results (bottom), undo history.

It is built in two steps so that it appears at once. The frame (menus, toolbar, the docks' places,
the status bar, the saved layout) needs Qt only; `attach(editor)` then builds the canvas and the panels
for a plan (ui/panels.py lists the docks in one place). `MainWindow(editor)` does both at once;
ui/app.py shows the frame first and attaches the plan on the next turn of the event loop.

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
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from archplan.ui import heap, theme
from archplan.ui.actions import build_actions, build_menus, build_toolbar, update_selection_actions
from archplan.ui.app_icons import app_icon
from archplan.ui.files import FileOps
from archplan.ui.panels import DOCKS
from archplan.ui.settings import app_settings

if TYPE_CHECKING:
    from archplan.ui.editor import Editor

WELCOMED_KEY = "start/welcomed"
#: The window never opens larger than this (on a big screen), nor larger than the screen's free area.
PREFERRED_SIZE = (1600, 1000)
#: Dock sizes at a first start, scaled down on small screens (palette, inspector width; results height).
DOCK_SIZES = (220, 360, 280)


class _Frame(QWidget):
    """The canvas's place until the window has a plan; says when it has been painted (on screen)."""

    painted = Signal()

    def __init__(self):
        super().__init__()
        self.setAutoFillBackground(True)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.painted.emit()


class MainWindow(QMainWindow):
    """One plan, its canvas and panels."""

    #: The plan's canvas and panels exist (after `attach`).
    attached = Signal()
    #: The frame (before `attach`) has been painted: the window is on screen.
    frame_painted = Signal()

    def __init__(self, editor: Editor | None = None, settings: QSettings | None = None,
                 autosave_dir: str | os.PathLike[str] | None = None, autosave_interval_ms: int = 60_000,
                 parent: QWidget | None = None, *, deferred: bool = False):
        super().__init__(parent)
        self.settings = settings if settings is not None else app_settings()
        self.setWindowIcon(app_icon())
        self.setWindowTitle("Archplan")
        # replaceable questions and messages (tests answer them)
        self._ask_save = self._default_ask_save
        self._warn = self._default_warn
        self._ask_open_path = self._default_ask_open_path
        self._ask_save_path = self._default_ask_save_path
        self._ask_text = self._default_ask_text
        self._ask_choice = self._default_ask_choice
        self._ask_directory = self._default_ask_directory
        self._confirm = self._default_confirm
        self._ask_recovery = None  # ui.autosave.ask_recovery unless a test replaces it
        self._ask_welcome = self._default_ask_welcome
        self._autosave_args = (autosave_dir, autosave_interval_ms)
        # what `attach` builds (None while the frame is on its own)
        self.editor: Editor | None = None
        self.scene = self.view = self.autosave = self.whatif = None
        self.inspector = self.results = self.component_palette = self.history = self.plan_notes = self.review = None
        self.files = FileOps(self)
        self.recent_menu = self.export_menu = None
        self.menus = {}

        self.docks: dict[str, QDockWidget] = {}
        for dock in DOCKS:
            self._add_dock(dock.name, dock.title, dock.area)
        for dock in DOCKS:
            if dock.tab_with:
                self.tabifyDockWidget(self.docks[dock.tab_with], self.docks[dock.name])
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.GroupedDragging)
        frame = _Frame()
        frame.painted.connect(self.frame_painted)
        self.setCentralWidget(frame)

        self.action_map = build_actions(self)
        self.toolbar = build_toolbar(self)
        build_menus(self)
        self._build_status_bar()
        self._restore_layout()
        self.refresh_recent_menu()
        update_selection_actions(self, [], [], [])
        if not deferred:
            self.attach(editor)

    # ------------------------------------------------------------------ construction
    def _add_dock(self, name: str, title: str, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        dock.setWidget(QWidget())
        self.addDockWidget(area, dock)
        self.docks[name] = dock

    def attach(self, editor: Editor | None = None) -> None:
        """Build the canvas and the panels for `editor` (a new one on the default plan if None)."""
        if self.editor is not None:
            raise RuntimeError("the window already shows a plan; use editor.load to replace it")
        from archplan.ui.autosave import Autosave
        from archplan.ui.canvas.scene import CanvasScene
        from archplan.ui.canvas.view import CanvasView
        from archplan.ui.editor import Editor
        from archplan.ui.files import default_plan
        from archplan.ui.whatif import WhatIfControl

        with heap.building():   # millions of objects for a large plan: no collector passes meanwhile
            self.editor = editor = editor if editor is not None else Editor(default_plan())
            directory, interval = self._autosave_args
            self.autosave = Autosave(editor, directory, interval, parent=self)
            self.autosave.failed.connect(lambda message: self.show_message(message, 10_000))
            self.scene = CanvasScene(editor, self)
            self.destroyed.connect(self.scene.detach)  # the editor may outlive the window
            self.view = CanvasView(self.scene)
            self.setCentralWidget(self.view)
            for dock in DOCKS:
                self.docks[dock.name].setWidget(dock.build(self, editor))
            self.whatif = WhatIfControl(editor.document)
            self.toolbar.addWidget(self.whatif)
            self._connect()
            self._restore_canvas_settings()
            self.update_title()
            self.update_status()
            self._on_selection_changed()
            from archplan.ui.faults import install as install_faults  # failure injection, resilience (issue 14)

            install_faults(self)
        self.attached.emit()

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
        stack = self.editor.undo_stack
        stack.canUndoChanged.connect(self.action_map["undo"].setEnabled)
        stack.canRedoChanged.connect(self.action_map["redo"].setEnabled)
        stack.undoTextChanged.connect(self._undo_text_changed)   # bound methods: Qt drops them with the window
        stack.redoTextChanged.connect(self._redo_text_changed)
        self.action_map["undo"].setEnabled(stack.canUndo())
        self.action_map["redo"].setEnabled(stack.canRedo())
        self.component_palette.add_requested.connect(self.add_component_at_centre)
        self.scene.selection_ids_changed.connect(self._on_selection_changed)
        self.scene.component_activated.connect(self._on_component_activated)
        self.scene.message.connect(lambda text: self.show_message(text))
        self.view.zoom_changed.connect(lambda zoom: self.zoom_label.setText(f"{zoom * 100:.0f} %"))
        self.results.component_selected.connect(lambda cid: self.scene.select_ids([cid]))
        self.results.select_requested.connect(self.scene.select_ids)
        self.results.work.message.connect(lambda text: self.show_message(text))

    def _undo_text_changed(self, text: str) -> None:
        self.action_map["undo"].setText(f"&Undo {text}".rstrip())

    def _redo_text_changed(self, text: str) -> None:
        self.action_map["redo"].setText(f"&Redo {text}".rstrip())

    def _restore_layout(self) -> None:
        """The saved geometry and docks, else a first-start layout that fits the screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry() if screen is not None else None
        width, height = PREFERRED_SIZE
        if free is not None:
            width, height = min(width, free.width()), min(height, free.height())
        self.resize(width, height)
        scale = min(1.0, width / 1600)
        palette, inspector, results = (round(size * scale) for size in DOCK_SIZES)
        self.resizeDocks([self.docks["palette"], self.docks["inspector"]], [palette, inspector],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["results"]], [round(results * min(1.0, height / 1000))], Qt.Orientation.Vertical)
        for dock in DOCKS:
            self.docks[dock.name].setVisible(dock.shown)
        for dock in DOCKS:
            if dock.tab_with is None:
                self.docks[dock.name].raise_()   # the main panel of each place is the tab in front
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        if free is not None and (self.width() > free.width() or self.height() > free.height()):
            self.resize(min(self.width(), free.width()), min(self.height(), free.height()))

    def _restore_canvas_settings(self) -> None:
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

    def _default_ask_welcome(self, last_plan: str | None, reopen_last: bool) -> tuple[str | None, bool]:
        from archplan.ui.welcome import WelcomeDialog

        dialog = WelcomeDialog(last_plan, reopen_last, self)
        try:
            dialog.exec()
            return dialog.choice, dialog.reopen_next_time.isChecked()
        finally:
            dialog.deleteLater()

    # ------------------------------------------------------------------ first start
    def maybe_welcome(self) -> bool:
        """The welcome, once: at the first start of Archplan (settings "start/welcomed")."""
        if self.settings.value(WELCOMED_KEY, False) in (True, "true"):
            return False
        self.settings.setValue(WELCOMED_KEY, True)
        self.show_welcome()
        return True

    def show_welcome(self) -> str | None:
        """Open a template, start blank or reopen the last plan; also sets the reopen-last preference."""
        from archplan.ui.files import REOPEN_LAST_KEY, reopen_last

        recent = self.files.recent.paths()
        choice, reopen = self._ask_welcome(recent[0] if recent else None, reopen_last(self.settings))
        self.settings.setValue(REOPEN_LAST_KEY, bool(reopen))
        if choice == "template":
            self.files.new_from_template()
        elif choice == "blank":
            self.files.new()
        elif choice == "reopen" and recent:
            self.files.open_recent(recent[0])
        return choice

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
        QTimer.singleShot(0, self.view.zoom_to_plan)

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
        from archplan.ui.autosave import ask_recovery, offer_recovery

        recovered = offer_recovery(self.editor, self.autosave, self, ask=self._ask_recovery or ask_recovery,
                                   warn=lambda text: self.warn("Recover", text))
        if recovered:
            self.after_load()
            self.show_message("Recovered unsaved work: save it to keep it", 10_000)
        return recovered

    def open_preferences(self) -> bool:
        """Edit > Preferences… (ui/preferences.py); True when the preferences were saved."""
        from archplan.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self, ask_directory=self.ask_directory, settings=self.settings)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            theme.apply_preference(self.settings)
            if dialog.env_value is None:
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
        self.scene.select_all()

    def paste(self) -> list[str]:
        """Paste at the mouse when it is over the canvas, else beside the copied cards."""
        return self.scene.paste(self.view.cursor_scene_pos())

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
        update_selection_actions(self, components, links, groups)

    def _on_component_activated(self, component_id: str) -> None:
        self.inspector.show_component(component_id)
        dock = self.docks["inspector"]
        dock.show()
        dock.raise_()
        self.inspector.component_page.name.edit.setFocus()
        self.inspector.component_page.name.edit.selectAll()

    def update_title(self) -> None:
        if self.editor is None:
            return
        name = Path(self.editor.path).name if self.editor.path else "Untitled"
        self.setWindowTitle(f"{self.editor.plan.name} — {name}[*] — Archplan")
        self.setWindowModified(self.editor.is_modified())

    def update_status(self) -> None:
        from archplan.planner import units

        doc = self.editor.document
        if doc.result is None:
            pending = doc.result_error is None
            self.totals_label.setStyleSheet("" if pending else theme.error_style())
            self.totals_label.setText("Computing…" if pending else f"Cannot compute: {doc.result_error}")
            return
        t = doc.result.totals
        self.totals_label.setStyleSheet("")
        scaled = f" (×{units.format_count(doc.multiplier)})" if doc.multiplier != 1 else ""
        self.totals_label.setText(
            f"{units.format_count(t.dau)} DAU{scaled} · {units.format_qps(t.entry_qps_peak)} peak · "
            f"{t.instances} instances · {units.format_money(t.monthly_cost)}/month · "
            f"availability {units.format_availability(t.availability)}")
        self.totals_label.setToolTip(f"Cost at {doc.result.price_basis} (the catalog's price table); "
                                     "availability of the worst client")

    def show_message(self, text: str, timeout_ms: int = 6_000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    # ------------------------------------------------------------------ closing
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.scene is not None:
            self.scene.update()
            self.view.resetCachedContent()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.editor is not None and not self.maybe_save():
            event.ignore()
            return
        self.save_layout()
        if self.autosave is not None:
            self.autosave.close()
        event.accept()
