"""
The main window's actions, menus and toolbar.

Actions only call the window's file operations, the Editor's undo stack, the canvas scene's selection
operations and the view's zoom: none of them edits the plan directly. Shortcuts follow platform
conventions (QKeySequence standard keys) with the usual extras (Ctrl+Y and Ctrl+Shift+Z for redo).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QToolBar

from archplan.ui.app_icons import glyph
from archplan.ui.help_dialogs import show_about, show_conventions, show_shortcuts

if TYPE_CHECKING:
    from archplan.ui.main_window import MainWindow

ALIGN_MODES = (("left", "Align left"), ("right", "Align right"), ("top", "Align top"), ("bottom", "Align bottom"),
               ("hcenter", "Centre horizontally"), ("vcenter", "Centre vertically"),
               ("hdistribute", "Distribute horizontally"), ("vdistribute", "Distribute vertically"))
#: Actions that need a selection on the canvas.
SELECTION_ACTIONS = ("cut", "copy", "duplicate", "delete", "group")


def _keys(*keys) -> list[QKeySequence]:
    return [k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys]


def build_actions(window: MainWindow) -> dict[str, QAction]:
    """Create every action of the window (parented to it, so shortcuts work with menus hidden)."""
    files, style = window.files, window.style()
    actions: dict[str, QAction] = {}

    def add(name: str, text: str, slot: Callable, keys=(), icon=None, tip: str = "",
            checkable: bool = False) -> QAction:
        action = QAction(text, window)
        if keys:
            action.setShortcuts(_keys(*keys))
        if icon is not None:
            action.setIcon(style.standardIcon(icon) if isinstance(icon, QStyle.StandardPixmap) else icon)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.setCheckable(checkable)
        action.triggered.connect(lambda checked=False: slot(checked) if checkable else slot())
        window.addAction(action)
        actions[name] = action
        return action

    SP = QStyle.StandardPixmap
    std = QKeySequence.StandardKey
    add("new", "&New", files.new, [std.New], SP.SP_FileIcon, "Start a blank plan")
    add("new_template", "New from &template…", files.new_from_template, (), None, "Start from a template")
    add("open", "&Open…", files.open, [std.Open], SP.SP_DialogOpenButton, "Open a plan file")
    add("import", "&Import…", files.import_system, ["Ctrl+I"], None,
        "Import a compose stack, Kubernetes manifests, Terraform, draw.io or Mermaid as a new plan")
    add("save", "&Save", files.save, [std.Save], SP.SP_DialogSaveButton, "Save the plan")
    add("save_as", "Save &As…", files.save_as, ["Ctrl+Shift+S"], None, "Save the plan to a new file")
    add("save_template", "Save as Te&mplate…", files.save_as_template, (), None, "Keep this plan as a template")
    add("quit", "&Quit", window.close, ["Ctrl+Q"], None, "Close Archplan")

    undo = window.editor.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcuts(_keys(std.Undo))
    undo.setIcon(style.standardIcon(SP.SP_ArrowBack))
    redo = window.editor.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts(_keys("Ctrl+Y", "Ctrl+Shift+Z"))
    redo.setIcon(style.standardIcon(SP.SP_ArrowForward))
    for name, action in (("undo", undo), ("redo", redo)):
        window.addAction(action)
        actions[name] = action

    scene = window.scene
    add("cut", "Cu&t", scene.cut_selection, [std.Cut], None, "Cut the selection")
    add("copy", "&Copy", scene.copy_selection, [std.Copy], None, "Copy the selection")
    add("paste", "&Paste", lambda: scene.paste(), [std.Paste], None, "Paste at the mouse or beside the original")
    add("duplicate", "&Duplicate", scene.duplicate_selection, ["Ctrl+D"], glyph("duplicate"), "Duplicate the selection")
    add("delete", "&Delete", scene.delete_selection, [std.Delete], SP.SP_TrashIcon, "Delete the selection")
    add("select_all", "Select &All", window.select_all, [std.SelectAll], None, "Select every component")
    add("group", "&Group…", window.group_selection, ["Ctrl+G"], glyph("group"), "Put the selection in a zone")
    for mode, text in ALIGN_MODES:
        add(f"align_{mode}", text, lambda m=mode: scene.align(m), (), None, text)
    add("auto_layout", "Auto &layout", scene.auto_layout, ["Ctrl+L"], glyph("auto_layout"),
        "Arrange the diagram left to right")
    prefs = add("preferences", "Pre&ferences…", window.open_preferences, ["Ctrl+,"], None,
                "Template folders (user and team)")
    prefs.setMenuRole(QAction.MenuRole.PreferencesRole)
    add("snap", "&Snap to grid", window.set_snap_to_grid, (), None, "Snap moved cards to the grid", checkable=True)

    view = window.view
    add("zoom_in", "Zoom &in", view.zoom_in, [std.ZoomIn, "Ctrl+="], glyph("zoom_in"), "Zoom in")
    add("zoom_out", "Zoom &out", view.zoom_out, [std.ZoomOut], glyph("zoom_out"), "Zoom out")
    add("zoom_reset", "&Actual size", view.zoom_reset, ["Ctrl+1"], None, "Zoom to 100 %")
    add("zoom_fit", "&Fit to window", view.zoom_fit, ["Ctrl+0"], glyph("zoom_fit"), "Show the whole diagram")

    add("about", "&About Archplan", lambda: show_about(window))
    add("shortcuts", "&Keyboard shortcuts", lambda: show_shortcuts(window, list(window.action_map.values())),
        [std.HelpContents])
    add("conventions", "&Capacity conventions", lambda: show_conventions(window), (), None,
        "Units and rules every figure follows")
    return actions


def build_menus(window: MainWindow) -> None:
    a, bar = window.action_map, window.menuBar()
    file_menu = bar.addMenu("&File")
    for name in ("new", "new_template", "open"):
        file_menu.addAction(a[name])
    window.recent_menu = file_menu.addMenu("Open &Recent")
    window.recent_menu.aboutToShow.connect(window.refresh_recent_menu)
    file_menu.addAction(a["import"])
    file_menu.addSeparator()
    for name in ("save", "save_as", "save_template"):
        file_menu.addAction(a[name])
    file_menu.addSeparator()
    window.export_menu = file_menu.addMenu("&Export")
    _fill_export_menu(window, window.export_menu)
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])

    edit_menu = bar.addMenu("&Edit")
    for name in ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None, "select_all", "group"):
        edit_menu.addSeparator() if name is None else edit_menu.addAction(a[name])
    align = edit_menu.addMenu("A&lign")
    for i, (mode, _text) in enumerate(ALIGN_MODES):
        if i in (4, 6):
            align.addSeparator()
        align.addAction(a[f"align_{mode}"])
    edit_menu.addAction(a["auto_layout"])
    edit_menu.addSeparator()
    edit_menu.addAction(a["snap"])
    edit_menu.addSeparator()
    edit_menu.addAction(a["preferences"])

    view_menu = bar.addMenu("&View")
    for name in ("zoom_in", "zoom_out", "zoom_reset", "zoom_fit"):
        view_menu.addAction(a[name])
    view_menu.addSeparator()
    for dock in window.docks.values():
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addAction(window.toolbar.toggleViewAction())

    help_menu = bar.addMenu("&Help")
    for name in ("shortcuts", "conventions", None, "about"):
        help_menu.addSeparator() if name is None else help_menu.addAction(a[name])


def _fill_export_menu(window: MainWindow, menu: QMenu) -> None:
    try:
        from archplan.exports import FORMATS
    except ImportError:
        FORMATS = {}
    for fmt, (_target, suffix, description) in FORMATS.items():
        action = menu.addAction(f"{description} ({suffix})…")
        action.setData(fmt)
        action.triggered.connect(lambda _checked=False, f=fmt: window.files.export(f))
        window.action_map[f"export_{fmt}"] = action
    menu.addSeparator()
    for suffix in (".png", ".svg"):
        action = menu.addAction(f"Canvas as {suffix[1:].upper()}…")
        action.triggered.connect(lambda _checked=False, s=suffix: window.files.export_image(s))
        window.action_map[f"canvas_{suffix[1:]}"] = action


def build_toolbar(window: MainWindow) -> QToolBar:
    a = window.action_map
    bar = QToolBar("Main toolbar")
    bar.setObjectName("main_toolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    for name in ("new", "open", "save", None, "undo", "redo", None, "duplicate", "delete", "group", None,
                 "zoom_in", "zoom_out", "zoom_fit", "auto_layout", None):
        bar.addSeparator() if name is None else bar.addAction(a[name])
    bar.addWidget(window.whatif)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar
