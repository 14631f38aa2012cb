"""
Unit-aware input widgets for the inspector: each one edits one field of the plan through a callback.

A field parses what the user types with planner.units ("10M", "1.5 KB", "5y", "80 %") and applies
the value on Enter or focus out (a half-typed "1" of "10M" never reaches the plan); repeated edits of
one field merge into one undo step because the editor's commands merge edits of the same fields.
While typing, the line under the field shows the value normalised or, in red, why it cannot be read;
a value the editor refuses (planner.edit.EditError) is shown the same way and never reaches the plan.
When the plan changes underneath (undo, redo, another view), `set_value` refreshes the text unless it
already says the same thing, so the cursor of the field being typed in stays where it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import units
from archplan.ui import theme
from archplan.ui.quantities import TEXT, Quantity
from archplan.ui.quantities import close as _close


class FieldError(QLabel):
    """The red one-line message under a field (hidden when there is nothing to say)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setVisible(False)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        self.setFont(font)
        self._error = False

    def show_error(self, message: str) -> None:
        self._error = True
        self.setStyleSheet(f"color: {theme.current().error};")
        self.setText(message)
        self.setVisible(True)

    def show_hint(self, message: str) -> None:
        self._error = False
        self.setStyleSheet(f"color: {theme.current().muted};")
        self.setText(message)
        self.setVisible(bool(message))

    def clear(self) -> None:
        self._error = False
        super().clear()
        self.setVisible(False)

    @property
    def is_error(self) -> bool:
        return self._error and not self.isHidden()


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text


class _Field(QWidget):
    """An editor widget with a message line under it and an `apply` callback into the editor."""

    #: A value was applied to the plan.
    applied = Signal()

    def __init__(self, editor_widget: QWidget, apply: Callable[[Any], None] | None, tooltip: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.apply_callback = apply
        self.message = FieldError(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor_widget)
        layout.addWidget(self.message)
        if tooltip:
            self.setToolTip(tooltip)
            editor_widget.setToolTip(tooltip)

    def _apply(self, value: Any) -> bool:
        """Send the value to the editor; a refusal is shown under the field. True if applied."""
        if self.apply_callback is None:
            return False
        try:
            self.apply_callback(value)
        except (ValueError, KeyError, TypeError) as exc:  # EditError, UnitError, a vanished id
            self.message.show_error(_short(exc))
            return False
        self.applied.emit()
        return True


class QuantityField(_Field):
    """A QLineEdit for one number (or text) with unit-aware parsing and an inline message line.

    While typing, the line under the field shows the value normalised ("= 1.5 KB") or, in red, why the
    text cannot be read; the value is applied on Enter or when the field loses focus (editingFinished),
    so a half-typed number never reaches the plan. `optional` fields accept an empty text, applied as
    None ("use the default"); the placeholder then shows the default."""

    def __init__(self, quantity: Quantity, apply: Callable[[Any], None] | None = None, *, optional: bool = False,
                 placeholder: str = "", tooltip: str = "", rounded: bool = False, parent: QWidget | None = None):
        """`rounded` shows the value as people write it (33.3K, 0.3333, 100:1) rather than exactly; the
        exact value stays in the plan until the user types another."""
        self.edit = QLineEdit()
        super().__init__(self.edit, apply, tooltip, parent)
        self.quantity = quantity
        self.optional = optional
        self.rounded = rounded
        self._model_value: Any = None
        self._dirty = False  # typed text not applied yet
        if placeholder:
            self.edit.setPlaceholderText(placeholder)
        elif quantity.example:
            self.edit.setPlaceholderText(f"e.g. {quantity.example}")
        self.edit.textEdited.connect(self._on_edited)
        self.edit.editingFinished.connect(self.commit)

    # ------------------------------------------------------------------ reading the text
    def parsed(self) -> Any:
        """The value the text stands for (None for an empty optional field); raises ValueError."""
        text = self.edit.text().strip()
        if not text:
            if self.optional:
                return None
            if self.quantity is TEXT:
                raise ValueError("this cannot be empty")
            raise units.UnitError(f"a {self.quantity.name} is needed (e.g. {self.quantity.example})")
        return self.quantity.parse(text)

    def _same(self, a: Any, b: Any) -> bool:
        if a is None or b is None or isinstance(a, str) or isinstance(b, str):
            return a == b
        return _close(float(a), float(b))

    def _text_for(self, value: Any) -> str:
        if value is None:
            return ""
        if self.quantity is TEXT:
            return value
        return self.quantity.show(float(value)) if self.rounded else self.quantity.exact(float(value))

    # ------------------------------------------------------------------ typing and committing
    def _on_edited(self, _text: str) -> None:
        """Validate as the user types: a normalised hint or a red message; nothing is applied yet."""
        self._dirty = True
        try:
            value = self.parsed()
        except ValueError as exc:
            self.message.show_error(_short(exc))
            return
        self._show_hint(value)

    def commit(self) -> bool:
        """Apply the typed value (Enter, focus out). False if it cannot be read or is refused.
        Nothing typed, nothing applied (a rounded field left as it was keeps the exact value)."""
        if not self._dirty:
            self.message.clear()
            return True
        try:
            value = self.parsed()
        except ValueError as exc:
            self.message.show_error(_short(exc))
            return False
        if not self._same(value, self._model_value):
            if not self._apply(value):
                return False
            self._model_value = value
        self._dirty = False
        normalised = self._text_for(value)
        if normalised != self.edit.text():
            self.edit.setText(normalised)
        self.message.clear()
        return True

    def _show_hint(self, value: Any) -> None:
        if value is None or self.quantity is TEXT:
            self.message.clear()
            return
        shown = self.quantity.show(float(value))
        typed = self.edit.text().strip()
        if shown.replace(" ", "").lower() == typed.replace(" ", "").lower():
            self.message.clear()
        else:
            self.message.show_hint(f"= {shown}")

    # ------------------------------------------------------------------ from the model
    def set_value(self, value: Any) -> None:
        """Show the plan's value. Text being typed is kept while the plan's value of this field stays
        the same; text that already means the value is left alone (the cursor does not move)."""
        changed = not self._same(value, self._model_value)
        self._model_value = value
        if self._dirty and not changed:
            return
        self._dirty = False
        try:
            if self._same(self.parsed(), value):
                self.message.clear()
                return
        except ValueError:
            pass
        position = self.edit.cursorPosition()
        text = self._text_for(value)
        self.edit.setText(text)
        if self.edit.hasFocus():
            self.edit.setCursorPosition(min(position, len(text)))
        self.message.clear()

    def set_placeholder(self, text: str) -> None:
        self.edit.setPlaceholderText(text)

    def clear_value(self) -> None:
        """Empty the field and apply that (None: back to the default, for optional fields)."""
        self.edit.clear()
        self._dirty = True
        self.commit()

    def has_error(self) -> bool:
        return self.message.is_error

    def is_dirty(self) -> bool:
        """Text typed but not applied yet."""
        return self._dirty


class ChoiceField(_Field):
    """A QComboBox over (label, value) pairs; choosing applies at once."""

    def __init__(self, choices: list[tuple[str, Any]], apply: Callable[[Any], None] | None = None,
                 tooltip: str = "", parent: QWidget | None = None):
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(10)
        super().__init__(self.combo, apply, tooltip, parent)
        self._updating = False
        self.set_choices(choices)
        self.combo.activated.connect(self._on_activated)

    def set_choices(self, choices: list[tuple[str, Any]]) -> None:
        self._updating = True
        current = self.combo.currentData()
        self.combo.clear()
        for label, value in choices:
            self.combo.addItem(label, value)
        index = self.combo.findData(current)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        self._updating = False

    def _on_activated(self, index: int) -> None:
        if self._updating:
            return
        if self._apply(self.combo.itemData(index)):
            self.message.clear()

    def set_value(self, value: Any) -> None:
        self._updating = True
        index = self.combo.findData(value)
        if index < 0:
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        self.message.clear()
        self._updating = False

    def value(self) -> Any:
        return self.combo.currentData()


class NotesField(_Field):
    """Multi-line free text (notes, description): applied as typed, merging into one undo step."""

    def __init__(self, apply: Callable[[str], None] | None = None, tooltip: str = "", placeholder: str = "",
                 parent: QWidget | None = None):
        self.text_edit = QPlainTextEdit()
        super().__init__(self.text_edit, apply, tooltip, parent)
        self.text_edit.setPlaceholderText(placeholder)
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(60)
        self.text_edit.setMaximumHeight(110)
        base = self.text_edit.palette()
        base.setColor(QPalette.ColorRole.PlaceholderText, Qt.GlobalColor.gray)
        self.text_edit.setPalette(base)
        self._model_value = ""
        self._updating = False
        self.text_edit.textChanged.connect(self._on_changed)

    def _on_changed(self) -> None:
        if self._updating:
            return
        text = self.text_edit.toPlainText()
        if text != self._model_value and self._apply(text):
            self._model_value = text
            self.message.clear()

    def set_value(self, value: str) -> None:
        self._model_value = value or ""
        if self.text_edit.toPlainText() == self._model_value:
            return
        self._updating = True
        cursor = self.text_edit.textCursor()
        position = cursor.position()
        self.text_edit.setPlainText(self._model_value)
        cursor = self.text_edit.textCursor()
        cursor.setPosition(min(position, len(self._model_value)))
        self.text_edit.setTextCursor(cursor)
        self._updating = False


class InstancesField(_Field):
    """Instance count: a spin box whose lowest value reads "auto" (sized by the engine)."""

    def __init__(self, apply: Callable[[Any], None] | None = None, tooltip: str = "", parent: QWidget | None = None):
        self.spin = QSpinBox()
        super().__init__(self.spin, apply, tooltip, parent)
        self.spin.setRange(0, 1_000_000)
        self.spin.setSpecialValueText("auto")
        self.spin.setAccelerated(True)
        self.spin.setKeyboardTracking(False)  # typed digits apply on Enter / focus out, arrows at once
        self._updating = False
        self.spin.valueChanged.connect(self._on_changed)

    @staticmethod
    def _value(number: int) -> int | str:
        return "auto" if number == 0 else number

    def _on_changed(self, number: int) -> None:
        if not self._updating and self._apply(self._value(number)):
            self.message.clear()

    def set_value(self, value: int | str) -> None:
        number = 0 if value == "auto" else int(value)
        if self.spin.value() != number:
            self._updating = True
            self.spin.setValue(number)
            self._updating = False
        self.message.clear()
