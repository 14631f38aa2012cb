"""
Help menu dialogs: About, Keyboard shortcuts (read from the window's actions, so never out of date)
and Capacity conventions (quoted from planner.units and planner.formulas, the code that applies them).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import formulas, units
from archplan.planner.io import SCHEMA_VERSION


def conventions_html() -> str:
    """The units conventions, quoted from planner.units' docstring, plus the sizing rules."""
    doc = units.__doc__ or ""
    start = doc.find("Conventions")
    end = doc.find("Every parser")
    quoted = doc[start:end if end > 0 else None].strip()
    items = [line.strip()[2:] for line in quoted.splitlines() if line.strip().startswith("- ")]
    merged: list[str] = []
    for line in quoted.splitlines()[1:]:
        text = line.strip()
        if text.startswith("- "):
            merged.append(text[2:])
        elif text and merged:
            merged[-1] += " " + text
    items = merged or items
    rules = [
        (formulas.AVG_RATE, "Average rate"), (formulas.PEAK_RATE, "Peak rate"),
        (formulas.NEEDED_THROUGHPUT, "Instances"), (formulas.UTILISATION, "Utilisation"),
        (formulas.AVAILABILITY_MTTR, "Availability"),
    ]
    body = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    sizing = "".join(
        f"<li><b>{label}:</b> <code>{html.escape(f.text())}</code> — {html.escape(f.assumption or f.meaning)}</li>"
        for f, label in rules)
    return (f"<h3>Units</h3><ul>{body}</ul>"
            f"<h3>Sizing rules</h3><ul>{sizing}</ul>"
            "<p>Typing in the inspector: counts take K, M, B (10M = 10,000,000); sizes are decimal "
            "(1.5 KB = 1,500 B) unless written KiB/MiB/GiB; durations take s, min, h, d, mo, y; shares "
            "take 0.8 or 80 %.</p>")


def show_conventions(parent: QWidget | None) -> QDialog:
    browser = QTextBrowser()
    browser.setHtml(conventions_html())
    return _show_closable(parent, "Capacity conventions", browser, 680, 520)


def _show_closable(parent: QWidget | None, title: str, content: QWidget, width: int, height: int) -> QDialog:
    """A modeless dialog showing `content` above a Close button."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(content)
    layout.addWidget(buttons)
    dialog.resize(width, height)
    dialog.show()
    return dialog


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(action, shortcuts) for every action that has a shortcut, menu text without '&'."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        if keys:
            rows.append((action.text().replace("&", "").rstrip("…."), ", ".join(keys)))
    return rows


def show_shortcuts(parent: QWidget | None, actions: list[QAction]) -> QDialog:
    rows = shortcut_rows(actions) + [("Connect two components", "Drag a card's handle, or Shift + drag a card"),
                                     ("Pan the canvas", "Middle button drag, or Space + drag"),
                                     ("Zoom at the mouse", "Mouse wheel"),
                                     ("Edit a component", "Double-click it")]
    table = QTableWidget(len(rows), 2)
    table.setHorizontalHeaderLabels(["Action", "Shortcut"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for row, (name, keys) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(name))
        table.setItem(row, 1, QTableWidgetItem(keys))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    return _show_closable(parent, "Keyboard shortcuts", table, 460, 560)


def show_about(parent: QWidget | None) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("About Archplan")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText("<h3>Archplan</h3><p>Draw a system's architecture and plan its capacity: load propagation, "
                "instance sizing, latency, availability and cost, each figure with its working shown.</p>"
                f"<p>Plan file format version {SCHEMA_VERSION}.</p>")
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64) if parent is not None else box.iconPixmap())
    box.open()
