"""
The main window's actions, menus and toolbar.

Actions only call the window's file operations, the Editor's undo stack, the canvas scene's selection
operations and the view's zoom: none of them edits the plan directly. They exist before the window
has a plan (ui/main_window.py shows its frame first), so those reaching the canvas look it up when
triggered. Shortcuts follow platform conventions (QKeySequence standard keys) with the usual extras
(Ctrl+Y and Ctrl+Shift+Z for redo).

MENUS lays every menu out in one place: an action name, None for a separator, or "@name" for a
submenu its builder fills (recent files, export formats, align, the docks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QMenuBar, QStyle, QToolBar, QWidget

from archplan.ui.app_icons import glyph


class ActionHost(Protocol):
    """What the actions need from the window (ui/main_window.MainWindow)."""

    files: object
    editor: object | None
    scene: object | None
    view: object | None
    whatif: QWidget | None
    settings: QSettings
    docks: dict[str, QDockWidget]
    toolbar: QToolBar
    action_map: dict[str, QAction]
    recent_menu: QMenu | None
    export_menu: QMenu | None
    menus: dict[str, QMenu]

    def addAction(self, action: QAction) -> None: ...
    def addToolBar(self, area: Qt.ToolBarArea, toolbar: QToolBar) -> None: ...
    def menuBar(self) -> QMenuBar: ...
    def style(self) -> QStyle: ...
    def close(self) -> bool: ...
    def refresh_recent_menu(self) -> None: ...
    def open_preferences(self) -> bool: ...
    def select_all(self) -> None: ...
    def paste(self) -> list[str]: ...
    def group_selection(self) -> None: ...
    def set_snap_to_grid(self, checked: bool) -> None: ...


ALIGN_MODES = (("left", "Align left"), ("right", "Align right"), ("top", "Align top"), ("bottom", "Align bottom"),
               ("hcenter", "Centre horizontally"), ("vcenter", "Centre vertically"),
               ("hdistribute", "Distribute horizontally"), ("vdistribute", "Distribute vertically"))
#: Actions that need a selection on the canvas.
SELECTION_ACTIONS = ("cut", "copy", "duplicate", "delete", "group")

#: Every menu, in order. None: a separator; "@name": a submenu filled by SUBMENUS[name].
MENUS: tuple[tuple[str, str, tuple[str | None, ...]], ...] = (
    ("file", "&File", ("new", "new_template", "open", "@recent", "import", "compare", "practice", None, "save",
                       "save_as", "save_template", None, "@export", None, "quit")),
    ("edit", "&Edit", ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None, "select_all",
                       "group", "@align", "auto_layout", None, "snap", None, "preferences")),
    ("view", "&View", ("zoom_in", "zoom_out", "zoom_reset", "zoom_fit", None, "@docks")),
    ("analyse", "&Analyse", ("simulate", "resilience", None, "restore_faults")),
    ("help", "&Help", ("welcome", "shortcuts", "conventions", None, "about")),
)
TOOLBAR: tuple[str | None, ...] = ("new", "open", "save", None, "undo", "redo", None, "duplicate", "delete", "group",
                                   None, "zoom_in", "zoom_out", "zoom_fit", "auto_layout", None)


def _keys(*keys) -> list[QKeySequence]:
    return [k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys]


def _canvas(window: ActionHost, part: str, method: str, *args) -> Callable[[], object]:
    """A slot calling window.<part>.<method>(*args) when triggered (the canvas exists by then)."""

    def call():
        target = getattr(window, part, None)
        return getattr(target, method)(*args) if target is not None else None
    return call


def _simulate(window: ActionHost) -> Callable[[], object]:
    """Analyse > Simulate…: show the Simulate dock and start a run (ui/simulate_panel.py, loaded then)."""

    def call():
        from archplan.ui.simulate_panel import show_and_run

        return show_and_run(window)
    return call


def _practice(window: ActionHost) -> Callable[[], object]:
    """File > Practice…: the interview practice window (ui/practice.py, loaded then)."""

    def call():
        from archplan.ui.practice import open_practice

        return open_practice(window)
    return call


def build_actions(window: ActionHost) -> dict[str, QAction]:
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
    add("new_template", "New from &template…", files.new_from_template, (), None,
        "Start from a template (and rename or delete your own templates)")
    add("open", "&Open…", files.open, [std.Open], SP.SP_DialogOpenButton, "Open a plan file")
    add("import", "&Import…", files.import_system, ["Ctrl+I"], None,
        "Import a compose stack, Kubernetes manifests, Terraform, draw.io or Mermaid as a new plan")
    add("save", "&Save", files.save, [std.Save], SP.SP_DialogSaveButton, "Save the plan")
    add("save_as", "Save &As…", files.save_as, ["Ctrl+Shift+S"], None, "Save the plan to a new file")
    add("save_template", "Save as Te&mplate…", files.save_as_template, (), None, "Keep this plan as a template")
    add("quit", "&Quit", window.close, ["Ctrl+Q"], None, "Close Archplan")

    # undo / redo follow the editor's stack once the window has one (MainWindow._connect)
    add("undo", "&Undo", _canvas(window, "editor", "undo"), [std.Undo], SP.SP_ArrowBack, "Undo the last edit")
    add("redo", "&Redo", _canvas(window, "editor", "redo"), ["Ctrl+Y", "Ctrl+Shift+Z"], SP.SP_ArrowForward,
        "Redo the edit undone")

    add("cut", "Cu&t", _canvas(window, "scene", "cut_selection"), [std.Cut], None, "Cut the selection")
    add("copy", "&Copy", _canvas(window, "scene", "copy_selection"), [std.Copy], None, "Copy the selection")
    add("paste", "&Paste", window.paste, [std.Paste], None, "Paste at the mouse, or beside the copied cards")
    add("duplicate", "&Duplicate", _canvas(window, "scene", "duplicate_selection"), ["Ctrl+D"], glyph("duplicate"),
        "Duplicate the selection")
    add("delete", "&Delete", _canvas(window, "scene", "delete_selection"), [std.Delete], SP.SP_TrashIcon,
        "Delete the selection (Undo brings it back)")
    add("select_all", "Select &All", window.select_all, [std.SelectAll], None, "Select every component")
    add("group", "&Group…", window.group_selection, ["Ctrl+G"], glyph("group"), "Put the selection in a zone")
    for mode, text in ALIGN_MODES:
        add(f"align_{mode}", text, _canvas(window, "scene", "align", mode), (), None, text)
    add("auto_layout", "Auto &layout", _canvas(window, "scene", "auto_layout"), ["Ctrl+L"], glyph("auto_layout"),
        "Arrange the diagram in layers, zones together, few crossings")
    prefs = add("preferences", "Pre&ferences…", window.open_preferences, ["Ctrl+,"], None,
                "Appearance, start-up and template folders")
    prefs.setMenuRole(QAction.MenuRole.PreferencesRole)
    add("snap", "&Snap to grid", window.set_snap_to_grid, (), None, "Snap moved cards to the grid", checkable=True)

    add("zoom_in", "Zoom &in", _canvas(window, "view", "zoom_in"), [std.ZoomIn, "Ctrl+="], glyph("zoom_in"),
        "Zoom in")
    add("zoom_out", "Zoom &out", _canvas(window, "view", "zoom_out"), [std.ZoomOut], glyph("zoom_out"), "Zoom out")
    add("zoom_reset", "&Actual size", _canvas(window, "view", "zoom_reset"), ["Ctrl+1"], None, "Zoom to 100 %")
    add("zoom_fit", "&Fit to window", _canvas(window, "view", "zoom_fit"), ["Ctrl+0"], glyph("zoom_fit"),
        "Show the whole diagram")

    # failure injection and design comparison (issue 14): ui/faults.py installs `window.faults` when attached
    add("compare", "Compare &with…", _canvas(window, "faults", "compare_with"), (), None,
        "Compare this plan with another plan file or a template")
    add("resilience", "R&esilience…", _canvas(window, "faults", "show_resilience"), (), None,
        "Every single failure and zone failure, and what survives")
    add("restore_faults", "&Restore all failures", _canvas(window, "faults", "restore_all"), (), None,
        "Remove every what-if fault").setEnabled(False)

    def help_dialog(name: str) -> Callable[[], None]:
        def show() -> None:
            from archplan.ui import help_dialogs

            if name == "shortcuts":
                help_dialogs.show_shortcuts(window, list(window.action_map.values()))
            else:
                getattr(help_dialogs, f"show_{name}")(window)
        return show

    add("welcome", "&Welcome…", lambda: window.show_welcome(), (), None,
        "Open a template, start blank or reopen the last plan")
    add("about", "&About Archplan", help_dialog("about"))
    add("shortcuts", "&Keyboard shortcuts", help_dialog("shortcuts"), [std.HelpContents])
    add("practice", "&Practice…", _practice(window), (), None,
        "Interview practice: a timed prompt, estimates revealed against Archplan's, a scored design")
    add("simulate", "&Simulate…", _simulate(window), ["F5"], None,
        "Run the plan request by request (discrete-event simulation) and play it back on the canvas")
    add("conventions", "&Capacity conventions", help_dialog("conventions"), (), None,
        "Units and rules every figure follows")
    return actions


def update_selection_actions(window: ActionHost, components: Sequence[str], links: Sequence[str],
                             groups: Sequence[str]) -> None:
    """Enable what the canvas selection allows (everything canvas-bound is off until there is a plan)."""
    a = window.action_map
    attached = window.scene is not None
    for name in SELECTION_ACTIONS:
        a[name].setEnabled(attached and (bool(components or links or groups) if name == "delete"
                                         else bool(components)))
    for mode, _text in ALIGN_MODES:
        a[f"align_{mode}"].setEnabled(attached and len(components) >= (3 if "distribute" in mode else 2))
    for name in ("paste", "select_all", "auto_layout", "zoom_in", "zoom_out", "zoom_reset", "zoom_fit", "snap",
                 "save", "save_as", "save_template", "compare", "resilience"):
        a[name].setEnabled(attached)
    if not attached:
        a["undo"].setEnabled(False)
        a["redo"].setEnabled(False)


def build_menus(window: ActionHost) -> None:
    a, bar = window.action_map, window.menuBar()
    for key, title, entries in MENUS:
        menu = bar.addMenu(title)
        window.menus[key] = menu
        for entry in entries:
            if entry is None:
                menu.addSeparator()
            elif entry.startswith("@"):
                SUBMENUS[entry[1:]](window, menu)
            else:
                menu.addAction(a[entry])


def _recent_menu(window: ActionHost, parent: QMenu) -> None:
    window.recent_menu = parent.addMenu("Open &Recent")
    window.recent_menu.aboutToShow.connect(window.refresh_recent_menu)


def _export_menu(window: ActionHost, parent: QMenu) -> None:
    menu = window.export_menu = parent.addMenu("&Export")
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


def _align_menu(window: ActionHost, parent: QMenu) -> None:
    align = parent.addMenu("A&lign")
    for i, (mode, _text) in enumerate(ALIGN_MODES):
        if i in (4, 6):
            align.addSeparator()
        align.addAction(window.action_map[f"align_{mode}"])


def _docks_menu(window: ActionHost, parent: QMenu) -> None:
    for dock in window.docks.values():
        parent.addAction(dock.toggleViewAction())
    parent.addAction(window.toolbar.toggleViewAction())


SUBMENUS: dict[str, Callable[[ActionHost, QMenu], None]] = {
    "recent": _recent_menu, "export": _export_menu, "align": _align_menu, "docks": _docks_menu,
}


def build_toolbar(window: ActionHost) -> QToolBar:
    """The main toolbar; the window adds the what-if control at its end once it has a plan."""
    a = window.action_map
    bar = QToolBar("Main toolbar")
    bar.setObjectName("main_toolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    for name in TOOLBAR:
        bar.addSeparator() if name is None else bar.addAction(a[name])
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar
