"""
Autosave and crash recovery: unsaved work survives a crash.

While the plan has unsaved changes, it is written every 60 s (atomically, planner.io) to
<data>/autosave/<session>.json with a sidecar <session>.meta.json (original file, time, plan name);
<data> is $ARCHPLAN_HOME/data or platformdirs.user_data_dir("archplan"). A clean save, going back to
the saved state, or closing the window deletes them. Each running session holds a QLockFile
<session>.lock, so at start-up only files whose owner is gone (a crash) are offered for recovery; the
lock of a live Archplan is respected. A recovered plan is loaded as modified, with its original path.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from archplan.planner.io import PlanFileError, atomic_write_text, dumps, load_plan
from archplan.ui.editor import Editor
from archplan.ui.settings import data_dir

log = logging.getLogger(__name__)
INTERVAL_MS = 60_000


def autosave_dir() -> Path:
    return data_dir() / "autosave"


def _remove(paths: list[Path]) -> None:
    """Delete autosave files; one already gone is fine, one that cannot be removed is logged, not raised."""
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("cannot remove %s: %s", path, exc)


@dataclass(frozen=True)
class Recovery:
    """An autosave left behind by a session that is no longer running."""

    session: str
    plan_path: Path
    original_path: str | None
    saved_at: float
    plan_name: str

    def files(self) -> list[Path]:
        base = self.plan_path.parent
        return [self.plan_path, base / f"{self.session}.meta.json", base / f"{self.session}.lock"]

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        where = self.original_path or "never saved"
        return f"“{self.plan_name}” ({where}), autosaved {when}"

    def discard(self) -> None:
        _remove(self.files())


class Autosave(QObject):
    """Writes the editor's plan to this session's autosave file while it has unsaved changes."""

    #: An autosave was written (path).
    saved = Signal(str)
    #: An autosave could not be written (one-line message).
    failed = Signal(str)

    def __init__(self, editor: Editor, directory: str | os.PathLike[str] | None = None,
                 interval_ms: int = INTERVAL_MS, session: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.editor = editor
        self.directory = Path(directory) if directory is not None else autosave_dir()
        self.session = session or f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._lock: QLockFile | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()
        editor.state_changed.connect(self._on_state_changed)

    @property
    def plan_path(self) -> Path:
        return self.directory / f"{self.session}.json"

    @property
    def meta_path(self) -> Path:
        return self.directory / f"{self.session}.meta.json"

    def _ensure_lock(self) -> None:
        if self._lock is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._lock = QLockFile(str(self.directory / f"{self.session}.lock"))
            self._lock.setStaleLockTime(0)  # only a dead owner makes it stale, never its age
            if not self._lock.tryLock(0):
                log.warning("cannot lock the autosave session %s", self.session)

    def save_now(self) -> Path | None:
        """Write the plan if it has unsaved changes; returns the file written (None if nothing to do)."""
        if not self.editor.is_modified():
            return None
        try:
            self._ensure_lock()
            atomic_write_text(self.plan_path, dumps(self.editor.plan))
            meta = {"session": self.session, "original_path": self.editor.path, "saved_at": time.time(),
                    "plan_name": self.editor.plan.name, "pid": os.getpid()}
            atomic_write_text(self.meta_path, json.dumps(meta, indent=2) + "\n")
        except OSError as exc:
            message = f"Autosave failed: {exc.strerror or exc} ({self.directory})"
            log.warning(message)
            self.failed.emit(message)
            return None
        self.saved.emit(str(self.plan_path))
        return self.plan_path

    def discard(self) -> None:
        """Delete this session's autosave (the plan was saved, or went back to its saved state)."""
        _remove([self.plan_path, self.meta_path])

    def close(self) -> None:
        """End of the session (window closed): remove the autosave and release the lock."""
        self.timer.stop()
        self.discard()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _on_state_changed(self) -> None:
        if not self.editor.is_modified():
            self.discard()


def find_recoverable(directory: str | os.PathLike[str] | None = None,
                     exclude_session: str | None = None) -> list[Recovery]:
    """Autosaves whose session has ended without cleaning up (a crash), newest first."""
    directory = Path(directory) if directory is not None else autosave_dir()
    if not directory.is_dir():
        return []
    found = []
    for path in directory.glob("*.json"):
        if path.name.endswith(".meta.json") or path.name.startswith("."):
            continue
        session = path.stem
        if session == exclude_session:
            continue
        lock_path = directory / f"{session}.lock"
        if lock_path.exists():
            lock = QLockFile(str(lock_path))
            lock.setStaleLockTime(0)
            if not lock.tryLock(0):  # a live Archplan owns it
                continue
            lock.unlock()
        meta: dict = {}
        try:
            meta = json.loads((directory / f"{session}.meta.json").read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                meta = {}
        except (OSError, ValueError):
            pass
        try:
            saved_at = float(meta.get("saved_at") or path.stat().st_mtime)
        except (OSError, TypeError, ValueError):
            continue
        original = meta.get("original_path")
        found.append(Recovery(session, path, original if isinstance(original, str) else None, saved_at,
                              str(meta.get("plan_name") or session)))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


def recover(editor: Editor, recovery: Recovery, autosave: Autosave | None = None) -> None:
    """Load an autosave into the editor as unsaved changes to its original file; then its files go.

    Raises PlanFileError if the autosave cannot be read (its files are kept)."""
    plan = load_plan(recovery.plan_path)
    editor.load(plan, recovery.original_path)
    editor.undo_stack.resetClean()  # differs from the file on disk: show it as modified
    editor.state_changed.emit()
    if autosave is not None and autosave.save_now() is None:
        return  # could not re-save it under this session: keep the old files, nothing is lost
    recovery.discard()


def ask_recovery(parent: QWidget | None, recoveries: list[Recovery]) -> str:
    """The default question: "recover", "discard" or "later"."""
    newest = recoveries[0]
    more = f"\n\n{len(recoveries) - 1} older autosave(s) will be offered next time." if len(recoveries) > 1 else ""
    box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work",
                      f"Archplan did not close properly last time. Unsaved work was kept:\n\n{newest.describe()}"
                      f"\n\nRecover it?{more}", parent=parent)
    recover_button = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    discard_button = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Decide later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover_button)
    box.exec()
    clicked = box.clickedButton()
    return "recover" if clicked is recover_button else "discard" if clicked is discard_button else "later"


def offer_recovery(editor: Editor, autosave: Autosave, parent: QWidget | None = None,
                   ask: Callable[[QWidget | None, list[Recovery]], str] = ask_recovery,
                   warn: Callable[[str], None] | None = None) -> bool:
    """At start-up: offer the newest crashed session's autosave. True if a plan was recovered."""
    recoveries = find_recoverable(autosave.directory, exclude_session=autosave.session)
    if not recoveries:
        return False
    answer = ask(parent, recoveries)
    if answer == "discard":
        recoveries[0].discard()
        return False
    if answer != "recover":
        return False
    try:
        recover(editor, recoveries[0], autosave)
    except PlanFileError as exc:
        if warn is not None:
            warn(f"The autosave cannot be read: {exc}")
        return False
    return True
