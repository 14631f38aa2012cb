"""
The first-start welcome: open a template, start blank, or reopen the last plan, and whether Archplan
should reopen the last plan by itself next time (the same preference as Edit > Preferences).

`WelcomeDialog.choice` is "template", "blank", "reopen" or None (closed: keep the plan on screen).
Help > Welcome shows it again at any time.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

TEXT = ("<h2>Welcome to Archplan</h2>"
        "<p>Draw a system's architecture and Archplan computes it: load through every component, instances "
        "needed, storage, latency, availability and cost, with the formula behind each number.</p>"
        "<p>Start from one of the designs interviews ask for (URL shortener, Twitter timeline, chat…), from a "
        "blank canvas, or where you left off.</p>")


class WelcomeDialog(QDialog):
    def __init__(self, last_plan: str | None, reopen_last: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Welcome")
        self.choice: str | None = None
        text = QLabel(TEXT, wordWrap=True, textFormat=Qt.TextFormat.RichText)
        text.setMinimumWidth(440)
        self.template_button = QPushButton("Open a template…")
        self.template_button.setToolTip("Choose one of the built-in designs, or one of your templates")
        self.blank_button = QPushButton("Start blank")
        self.reopen_button = QPushButton(f"Reopen {Path(last_plan).name}" if last_plan else "Reopen last plan")
        self.reopen_button.setEnabled(last_plan is not None)
        if last_plan:
            self.reopen_button.setToolTip(last_plan)
        for button, choice in ((self.template_button, "template"), (self.blank_button, "blank"),
                               (self.reopen_button, "reopen")):
            button.setMinimumHeight(36)
            button.clicked.connect(lambda _checked=False, c=choice: self._choose(c))
        self.template_button.setDefault(True)
        self.reopen_next_time = QCheckBox("Reopen the last plan when Archplan starts")
        self.reopen_next_time.setChecked(reopen_last)
        buttons = QHBoxLayout()
        for button in (self.template_button, self.blank_button, self.reopen_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addWidget(self.reopen_next_time)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()
