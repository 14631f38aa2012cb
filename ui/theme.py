"""
Light and dark appearance: the Fusion palette, the canvas colours and the few colours widgets write
into rich text (messages, summaries, code blocks).

The preference (Edit > Preferences, QSettings "appearance/theme") is "system", "light" or "dark";
"system" follows the desktop's colour scheme (QStyleHints.colorScheme) and changes with it while the
app runs. `apply` sets everything at once; widgets that format colours into HTML read `current()` when
they render, and re-render on QEvent.PaletteChange, which Qt sends to every widget when the palette
changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

KEY = "appearance/theme"
CHOICES = (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark"))


@dataclass(frozen=True)
class Theme:
    """Colours for widgets (the canvas has its own in ui/canvas/style.py, switched with these)."""

    dark: bool
    window: str
    text: str
    base: str
    alternate: str
    button: str
    mid: str
    highlight: str
    muted: str          # secondary text
    error: str
    warning: str
    ok: str
    info: str           # what-if and other highlights
    note_background: str  # the component summary, code blocks
    note_border: str


LIGHT = Theme(dark=False, window="#f5f7fa", text="#1f2933", base="#ffffff", alternate="#f3f6fa", button="#f5f7fa",
              mid="#c9d1db", highlight="#2563eb", muted="#5f6b7a", error="#c62828", warning="#8a5300",
              ok="#2e7d32", info="#1565c0", note_background="#f1f5fb", note_border="#d5deea")
DARK = Theme(dark=True, window="#1e2228", text="#e6e9ee", base="#15181d", alternate="#1b1f25", button="#272c33",
             mid="#3a414b", highlight="#3b82f6", muted="#9aa5b1", error="#f87171", warning="#fbbf24", ok="#4ade80",
             info="#60a5fa", note_background="#232a33", note_border="#35404d")

_current = LIGHT


def current() -> Theme:
    return _current


def palette_for(theme: Theme) -> QPalette:
    """A Fusion palette in the theme's colours."""
    p = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: theme.window, roles.WindowText: theme.text, roles.Base: theme.base,
        roles.AlternateBase: theme.alternate, roles.ToolTipBase: theme.base, roles.ToolTipText: theme.text,
        roles.Text: theme.text, roles.Button: theme.button, roles.ButtonText: theme.text,
        roles.BrightText: "#ffffff", roles.Highlight: theme.highlight, roles.HighlightedText: "#ffffff",
        roles.Link: theme.info, roles.PlaceholderText: "#8a96a3" if not theme.dark else "#6b7785",
        roles.Mid: theme.mid, roles.Midlight: theme.alternate, roles.Dark: "#9aa5b1" if not theme.dark else "#0f1216",
        roles.Light: "#ffffff" if not theme.dark else "#2f3640",
        roles.Shadow: "#6b7785" if not theme.dark else "#000000",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor("#9aa5b1" if not theme.dark else "#5d6671"))
    p.setColor(QPalette.ColorGroup.Inactive, roles.Highlight, QColor("#93b4f5" if not theme.dark else "#2c4f8a"))
    return p


def light_palette() -> QPalette:
    return palette_for(LIGHT)


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def preference(settings: QSettings) -> str:
    value = str(settings.value(KEY, "system") or "system")
    return value if value in {v for _label, v in CHOICES} else "system"


def wants_dark(choice: str) -> bool:
    return choice == "dark" or (choice == "system" and system_is_dark())


def apply(dark: bool) -> Theme:
    """Switch the application (palette, style sheet) and the canvas colours to the light or dark theme."""
    global _current
    from archplan.ui.canvas import style

    _current = DARK if dark else LIGHT
    style.apply_theme(dark)
    app = QGuiApplication.instance()
    if app is not None:
        app.setPalette(palette_for(_current))  # no style sheet: it would slow every widget down (sections.py)
    return _current


def apply_preference(settings: QSettings) -> Theme:
    return apply(wants_dark(preference(settings)))


_followed: list[QSettings] = []   # the settings whose preference a change of the desktop's scheme applies


def follow_system(settings: QSettings) -> None:
    """Re-apply the preference whenever the desktop switches between light and dark."""
    hints = QGuiApplication.styleHints()
    if hints is None:
        return
    if not _followed:
        hints.colorSchemeChanged.connect(lambda _scheme: apply_preference(_followed[0]))
    _followed[:] = [settings]


def error_style() -> str:
    return f"color: {_current.error}; font-weight: bold;"


def note_palette(widget) -> None:
    """Give a widget the tinted background of notes and summaries (call again on a palette change)."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(_current.note_background))
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)
