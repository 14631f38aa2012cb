"""
Plan files in the window: new, open, save, save as, recent files, and the default plan at start-up.

Reading and writing go through planner.io (versioned JSON, atomic save, one-line PlanFileError). A
file that cannot be opened leaves the current plan untouched and says why; a save that fails (no
permission, disk full) says why and keeps the plan marked as modified. Questions and messages go
through replaceable callables on the window (`ask_save`, `warn`, `ask_open_path`, `ask_save_path`), so
tests answer them without a modal dialog.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QSettings

from archplan.planner import resources

if TYPE_CHECKING:
    from archplan.planner.model import Plan

TEMPLATES_DIR = resources.builtin_templates_dir()
DEFAULT_TEMPLATE = TEMPLATES_DIR / "three_tier.json"
PLAN_FILTER = "Archplan plans (*.json);;All files (*)"
IMPORT_FILTER = ("Systems: compose, Kubernetes, Terraform, draw.io, Mermaid (*.yaml *.yml *.tf *.drawio *.xml *.mmd "
                 "*.mermaid);;All files (*)")
MAX_RECENT = 10


class FileHost(Protocol):
    """What the file operations need from the window (ui/main_window.MainWindow): its plan, its
    settings, the panel that may hold typed text, and the questions and messages it can show."""

    editor: Any
    settings: QSettings
    inspector: Any
    scene: Any

    def ask_save(self) -> str: ...
    def warn(self, title: str, text: str) -> None: ...
    def ask_open_path(self, start: str) -> str | None: ...
    def ask_save_path(self, title: str, file_filter: str, suggested: str) -> str | None: ...
    def ask_text(self, title: str, label: str, default: str) -> str | None: ...
    def ask_choice(self, title: str, label: str, options: list[str]) -> str | None: ...
    def confirm(self, title: str, text: str) -> bool: ...
    def show_message(self, text: str, timeout_ms: int = ...) -> None: ...
    def refresh_recent_menu(self) -> None: ...
    def after_load(self) -> None: ...


def fallback_plan() -> Plan:
    """A small three-tier plan built in code: web client -> load balancer -> app -> cache -> PostgreSQL
    primary + read replica (used when templates/three_tier.json is missing)."""
    from archplan.planner import edit
    from archplan.planner.model import Plan

    plan = Plan(name="Three-tier web app",
                description="A web client behind a load balancer, an app service, a cache, and PostgreSQL "
                            "with a read replica.")
    plan.traffic = plan.traffic.model_copy(update={"retention": 365 * 86_400.0})

    def add(kind: str, name: str, x: float, y: float, **fields) -> str:
        component = edit.new_component(plan, kind, name=name, x=x, y=y, **fields)
        edit.add_component(plan, component)
        return component.id

    web = add("client.web", "Web client", 0, 0)
    lb = add("lb.nginx", "Load balancer", 260, 0, redundancy="ha")
    app = add("service.python", "App service", 520, 0, redundancy="n+1")
    cache = add("cache.redis", "Cache", 780, 0)
    primary = add("db.postgres", "PostgreSQL primary", 1060, -80)
    replica = add("db.postgres_replica", "Read replica", 1060, 80, redundancy="ha")
    for source, target, fields in ((web, lb, {}), (lb, app, {}), (app, cache, {}),
                                   (cache, primary, {"classes": ["write"]}),
                                   (cache, replica, {"classes": ["read"]}), (primary, replica, {})):
        edit.add_link(plan, edit.new_link(plan, source, target, **fields))
    return plan


def default_plan() -> Plan:
    """The plan shown at start-up: the built-in three-tier template, else the same built in code."""
    from archplan.planner.io import PlanFileError, load_plan

    if DEFAULT_TEMPLATE.exists():
        try:
            return load_plan(DEFAULT_TEMPLATE)
        except PlanFileError:
            pass
    return fallback_plan()


def blank_plan() -> Plan:
    from archplan.planner.model import Plan

    return Plan(name="Untitled plan")


#: QSettings keys: the folder of the last export (and of the last export of each format, under it).
EXPORT_DIR_KEY = "export/last_dir"
#: QSettings key: reopen the last plan when Archplan starts without a file (Preferences, welcome).
REOPEN_LAST_KEY = "start/reopen_last"


def reopen_last(settings: QSettings) -> bool:
    value = settings.value(REOPEN_LAST_KEY, False)
    return value if isinstance(value, bool) else str(value).lower() == "true"


class RecentFiles:
    """The most recently opened or saved plan files (newest first, at most 10), kept in QSettings."""

    KEY = "recent_files"

    def __init__(self, settings: QSettings):
        self.settings = settings

    def paths(self) -> list[str]:
        value = self.settings.value(self.KEY, [])
        if isinstance(value, str):
            value = [value] if value else []
        return [str(v) for v in (value or [])][:MAX_RECENT]

    def _store(self, paths: list[str]) -> None:
        self.settings.setValue(self.KEY, paths[:MAX_RECENT])
        self.settings.sync()

    def add(self, path: str | os.PathLike[str]) -> None:
        path = str(Path(path).resolve())
        self._store([path] + [p for p in self.paths() if p != path])

    def remove(self, path: str) -> None:
        self._store([p for p in self.paths() if p != path])

    def clear(self) -> None:
        self._store([])


class FileOps:
    """The File menu's operations for one window."""

    def __init__(self, window: FileHost):
        self.window = window
        self.recent = RecentFiles(window.settings)
        #: Asks for the system to import (replaceable in tests); None = cancelled.
        self.ask_import_path = self._default_ask_import_path
        #: Shows what an import mapped (replaceable in tests).
        self.show_import_summary = self._default_show_import_summary

    @property
    def editor(self):
        return self.window.editor

    # ------------------------------------------------------------------ unsaved changes
    def maybe_save(self) -> bool:
        """Before replacing or closing the plan: True to go on (saved or discarded), False to stop."""
        self.window.inspector.commit_pending()
        if not self.editor.is_modified():
            return True
        answer = self.window.ask_save()
        if answer == "save":
            return self.save()
        return answer == "discard"

    # ------------------------------------------------------------------ start-up
    def start_plan(self, paths: list[str]) -> tuple[Plan, str | None, str | None]:
        """The plan Archplan starts on: the file given, else the last plan when the preference says so,
        else the default plan. Returns (plan, its resolved path or None, a problem to report or None)."""
        from archplan.planner.io import PlanFileError
        from archplan.ui.heap import read_plan

        explicit = bool(paths)
        recent = self.recent.paths()
        candidate = paths[0] if explicit else (recent[0] if recent and reopen_last(self.window.settings) else None)
        problem = None
        if candidate is not None:
            try:
                plan = read_plan(candidate)
            except PlanFileError as exc:
                problem = str(exc) if explicit else f"Cannot reopen the last plan: {exc}"
            else:
                resolved = str(Path(candidate).resolve())
                self.recent.add(resolved)
                return plan, resolved, None
        return default_plan(), None, problem

    # ------------------------------------------------------------------ new / open
    def new(self, plan: Plan | None = None) -> bool:
        if not self.maybe_save():
            return False
        self.editor.load(plan if plan is not None else blank_plan(), None)
        self.window.after_load()
        return True

    def new_from_template(self) -> bool:
        try:
            from archplan.ui.template_gallery import choose_template
        except ImportError:
            self.window.warn("New from template", "The template gallery is not available in this build.")
            return False
        if not self.maybe_save():
            return False
        plan = choose_template(self.window)
        if plan is None:
            return False
        self.editor.load(plan, None)
        self.window.after_load()
        return True

    def open(self, path: str | os.PathLike[str] | None = None) -> bool:
        """Open a plan file (asks for one if not given). A bad file leaves the current plan untouched."""
        if path is None:
            start = str(Path(self.editor.path).parent) if self.editor.path else str(Path.home())
            path = self.window.ask_open_path(start)
            if not path:
                return False
        from archplan.planner.io import PlanFileError
        from archplan.ui.heap import read_plan

        try:
            plan = read_plan(path)
        except PlanFileError as exc:
            self.window.warn("Cannot open plan", str(exc))
            return False
        if not self.maybe_save():
            return False
        self.editor.load(plan, str(Path(path).resolve()))
        self.recent.add(path)
        self.window.after_load()
        self.window.show_message(f"Opened {path}")
        return True

    def open_recent(self, path: str) -> bool:
        if not Path(path).is_file():
            self.recent.remove(path)
            self.window.refresh_recent_menu()
            self.window.warn("Open recent", f"{path}: the file is gone (moved or deleted); removed from the list.")
            return False
        return self.open(path)

    # ------------------------------------------------------------------ import
    def import_system(self, path: str | os.PathLike[str] | None = None, fmt: str | None = None) -> bool:
        """Import a compose stack, Kubernetes manifests, Terraform, draw.io or Mermaid as a new, unsaved
        plan (planner.importers); a .tf file brings its whole folder (the Terraform root). A source that
        cannot be imported leaves the current plan untouched and says why."""
        from archplan.planner.importers import ImportFailure, import_path

        if path is None:
            start = str(Path(self.editor.path).parent) if self.editor.path else str(Path.home())
            path = self.ask_import_path(start)
            if not path:
                return False
        path = Path(path)
        if path.suffix == ".tf" and path.is_file():
            path = path.parent
        try:
            imported = import_path(path, fmt)
        except (ImportFailure, ValueError, OSError) as exc:
            self.window.warn("Cannot import", str(exc))
            return False
        if not self.maybe_save():
            return False
        self.editor.load(imported.plan, None)
        self.editor.undo_stack.resetClean()  # a new document that was never saved: closing asks
        self.window.after_load()
        self.window.show_message(imported.summary.headline(), 10_000)
        self.show_import_summary(imported.summary)
        return True

    def _default_ask_import_path(self, start: str) -> str | None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self.window, "Import a system", start, IMPORT_FILTER)
        return path or None

    def _default_show_import_summary(self, summary) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, "Import", summary.headline(), parent=self.window)
        box.setInformativeText("\n".join(summary.lines()[1:]) or "Every component was recognised.")
        box.setDetailedText(import_summary_text(summary))
        box.exec()

    # ------------------------------------------------------------------ save
    def save(self) -> bool:
        self.window.inspector.commit_pending()
        if self.editor.path is None:
            return self.save_as()
        return self._write(self.editor.path)

    def save_as(self, path: str | os.PathLike[str] | None = None) -> bool:
        self.window.inspector.commit_pending()
        if path is None:
            suggested = self.editor.path or str(Path.home() / f"{_slug(self.editor.plan.name)}.json")
            path = self.window.ask_save_path("Save plan as", PLAN_FILTER, suggested)
            if not path:
                return False
        path = str(path)
        if not Path(path).suffix:
            path += ".json"
        return self._write(path)

    def _write(self, path: str) -> bool:
        from archplan.planner.io import save_plan

        try:
            save_plan(self.editor.plan, path)
        except OSError as exc:
            self.window.warn("Cannot save plan", f"{path}: {exc.strerror or exc}; the plan is still unsaved.")
            return False
        resolved = str(Path(path).resolve())
        self.editor.mark_saved(resolved)
        self.recent.add(resolved)
        self.window.refresh_recent_menu()
        self.window.show_message(f"Saved {resolved}")
        return True

    def save_as_template(self) -> bool:
        """Keep the plan as a template: in the user folder, or (asked when one is configured) the team folder."""
        try:
            from archplan.planner.library import save_user_template, team_templates_dir
        except ImportError:
            self.window.warn("Save as template", "Saving user templates is not available in this build.")
            return False
        self.window.inspector.commit_pending()
        name = self.window.ask_text("Save as template", "Template name:", self.editor.plan.name)
        if not name:
            return False
        folder, where_label = None, "my templates"
        team = team_templates_dir()
        if team is not None:
            mine, theirs = "My templates", f"Team templates ({team})"
            choice = self.window.ask_choice("Save as template", f"Save “{name}” in:", [mine, theirs])
            if choice is None:
                return False
            if choice == theirs:
                if not team.is_dir():
                    self.window.warn("Save as template", f"The team templates folder {team} does not exist; "
                                                         "choose another one in Edit > Preferences.")
                    return False
                folder, where_label = team, "team templates"
        try:
            where = save_user_template(self.editor.plan, name, folder=folder)
        except (OSError, ValueError) as exc:
            if "already exists" not in str(exc) or not self.window.confirm(
                    "Save as template", f"A template named “{name}” already exists. Replace it?"):
                self.window.warn("Save as template", str(exc))
                return False
            try:
                where = save_user_template(self.editor.plan, name, folder=folder, overwrite=True)
            except (OSError, ValueError) as again:
                self.window.warn("Save as template", str(again))
                return False
        self.window.show_message(f"Template “{name}” saved to {where_label}: {where}", 10_000)
        return True

    # ------------------------------------------------------------------ export
    def export_folder(self, fmt: str) -> Path:
        """Where the save dialog of an export starts: the folder this format was last exported to, else
        the plan's folder, else the last export's folder, else the last plan's, else the home folder."""
        settings = self.window.settings
        candidates = [settings.value(f"{EXPORT_DIR_KEY}/{fmt}")]
        if self.editor.path:
            candidates.append(str(Path(self.editor.path).parent))
        candidates.append(settings.value(EXPORT_DIR_KEY))
        candidates += [str(Path(p).parent) for p in self.recent.paths()[:1]]
        for folder in candidates:
            if isinstance(folder, str) and folder and Path(folder).is_dir():
                return Path(folder)
        return Path.home()

    def _remember_export(self, fmt: str, path: str | os.PathLike[str]) -> None:
        folder = str(Path(path).resolve().parent)
        self.window.settings.setValue(f"{EXPORT_DIR_KEY}/{fmt}", folder)
        self.window.settings.setValue(EXPORT_DIR_KEY, folder)

    def _export_path(self, title: str, suffix: str, description: str, fmt: str) -> str | None:
        name = Path(self.editor.path).stem if self.editor.path else _slug(self.editor.plan.name)
        base = self.export_folder(fmt) / name
        path = self.window.ask_save_path(title, f"{description} (*{suffix});;All files (*)", f"{base}{suffix}")
        if path and not Path(path).suffix:
            path += suffix
        return path or None

    def export(self, fmt: str, path: str | None = None) -> bool:
        """Write the plan with an exporter (exports.FORMATS); its ExportError is shown as a message."""
        from archplan.exports import FORMATS, ExportError, export

        _target, suffix, description = FORMATS[fmt]
        if self.window.inspector.commit_pending():
            self.window.editor.document.recompute_now()
        result = self.window.editor.document.plan_result  # never the what-if faults
        if result is None:
            self.window.warn("Export", f"The plan cannot be computed ({self.window.editor.document.result_error}); "
                                       "fix it before exporting.")
            return False
        path = path or self._export_path(f"Export {description}", suffix, description, fmt)
        if not path:
            return False
        try:
            written = export(self.editor.plan, result, fmt, path)
        except ExportError as exc:
            self.window.warn("Export", str(exc))
            return False
        except ImportError as exc:
            self.window.warn("Export", f"The {fmt} exporter is not available: {exc}")
            return False
        except OSError as exc:
            self.window.warn("Export", f"{path}: {exc.strerror or exc}")
            return False
        except Exception as exc:  # an exporter bug must not take the editor (and the user's plan) down
            self.window.warn("Export", f"The {fmt} export failed: {exc}")
            return False
        self._remember_export(fmt, written)
        self.window.show_message(f"Exported {written}")
        return True

    def export_image(self, suffix: str, path: str | None = None) -> bool:
        """What you see on the canvas, as PNG or SVG (ui.canvas.image.save_scene_image)."""
        from archplan.ui.canvas.image import save_scene_image

        description = "PNG image" if suffix == ".png" else "SVG image"
        path = path or self._export_path(f"Canvas as {suffix[1:].upper()}", suffix, description, f"canvas{suffix}")
        if not path:
            return False
        try:
            save_scene_image(self.window.scene, path)
        except (OSError, ValueError) as exc:
            self.window.warn("Export image", f"{path}: {exc}")
            return False
        self._remember_export(f"canvas{suffix}", path)
        self.window.show_message(f"Canvas saved to {path}")
        return True


def import_summary_text(summary) -> str:
    """The mapping as plain text lines: source -> component (kind, instances) and why."""
    return "\n".join(f"{row.source} -> {row.name}: {row.kind}, {row.instances} instance(s) ({row.rule})"
                     for row in summary.rows)


def _slug(name: str) -> str:
    text = "".join(ch.lower() if ch.isalnum() else "-" for ch in name).strip("-")
    while "--" in text:
        text = text.replace("--", "-")
    return text or "plan"
