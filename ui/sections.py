"""
Titled sections of the inspector and dialogs: a bold heading over a form, optionally collapsible.

Plain widgets and fonts rather than a style sheet: any application style sheet makes Qt style every
widget through QStyleSheetStyle, which doubled the time the window took to build its panels.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget


def _form(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
    form.setContentsMargins(8, 2, 4, 6)
    form.setVerticalSpacing(4)
    return form


class Section(QWidget):
    """A heading and a form under it; a collapsible section hides its form behind the heading."""

    def __init__(self, title: str, collapsible: bool = False, expanded: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.body = QFrame()
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.form = _form(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        if collapsible:
            self.header = QToolButton()
            self.header.setText(title)
            self.header.setCheckable(True)
            self.header.setChecked(expanded)
            self.header.setAutoRaise(True)
            self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.header.toggled.connect(self.set_expanded)
        else:
            self.header = QLabel(title)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(self.header)
        layout.addWidget(line)
        layout.addWidget(self.body)
        self.set_expanded(expanded or not collapsible)

    def set_expanded(self, on: bool) -> None:
        self.body.setVisible(on)
        if isinstance(self.header, QToolButton):
            self.header.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
            if self.header.isChecked() != on:
                self.header.setChecked(on)

    def is_expanded(self) -> bool:
        return self.body.isVisibleTo(self)


def make_section(title: str, collapsible: bool = False, expanded: bool = True) -> tuple[Section, QFormLayout]:
    section = Section(title, collapsible, expanded)
    return section, section.form
