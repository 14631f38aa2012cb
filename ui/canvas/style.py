"""
The canvas's look in one place: sizes, colours and fonts shared by items, view and image export.

Category colours match the palette and the exported diagrams, so a kind is recognisable everywhere.
Sizes are scene pixels; a component's `position` is the centre of its card.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QFont

#: Grid spacing used for snapping and for the view's background.
GRID = 20.0
#: Component card size (scene px). Positions are card centres.
CARD_W = 200.0
CARD_H = 80.0
CARD_RADIUS = 10.0
ICON_SIZE = 30
#: Space kept around member cards inside a group rectangle, and its title band.
GROUP_PADDING = 18.0
GROUP_TITLE_H = 26.0

CATEGORY_COLOURS = {
    "edge": "#2563eb",
    "compute": "#16a34a",
    "data": "#9333ea",
    "messaging": "#ea580c",
    "observability": "#0891b2",
    "external": "#db2777",
}
FALLBACK_CATEGORY_COLOUR = "#64748b"

INK = QColor("#0f172a")            # names
MUTED = QColor("#64748b")          # kind labels, secondary text
FAINT = QColor("#94a3b8")
CARD_FILL = QColor("#ffffff")
CARD_BORDER = QColor("#d7dee8")
SHADOW = QColor(15, 23, 42, 22)
SELECTION = QColor("#2563eb")
HOVER = QColor("#93c5fd")

UTIL_OK = QColor("#16a34a")        # below 80 % of the planned ceiling
UTIL_WARN = QColor("#d97706")      # up to the ceiling
UTIL_OVER = QColor("#dc2626")      # above the ceiling
UTIL_NONE = QColor("#cbd5e1")      # no load
BOTTLENECK = QColor("#dc2626")
#: The bottleneck of a healthy plan (under its ceiling) is only the tightest spot: no alarm colour.
BOTTLENECK_CALM = QColor("#475569")


def bottleneck_colour(level: str) -> QColor:
    """Red when the bottleneck is past its ceiling, amber near it, slate while it has headroom."""
    return {"over": BOTTLENECK, "warn": UTIL_WARN}.get(level, BOTTLENECK_CALM)
SPOF = QColor("#f59e0b")
SHORT = QColor("#dc2626")          # a fixed count below what is needed

LINK_COLOUR = QColor("#64748b")
LINK_HEALTH = QColor("#a3aebf")
LINK_LABEL_FILL = QColor(255, 255, 255, 235)

BACKGROUND = QColor("#f8fafc")
GRID_MINOR = QColor("#edf1f6")
GRID_MAJOR = QColor("#e1e7ef")

GROUP_COLOURS = {
    "zone": "#0891b2",
    "region": "#2563eb",
    "tier": "#7c3aed",
    "group": "#64748b",
}

#: The colours above, light and dark (ui/theme.py switches them; painting reads them at paint time).
THEMES = {
    False: {"INK": "#0f172a", "MUTED": "#64748b", "FAINT": "#94a3b8", "CARD_FILL": "#ffffff",
            "CARD_BORDER": "#d7dee8", "SHADOW": (15, 23, 42, 22), "SELECTION": "#2563eb", "HOVER": "#93c5fd",
            "LINK_COLOUR": "#64748b", "LINK_HEALTH": "#a3aebf", "LINK_LABEL_FILL": (255, 255, 255, 235),
            "BACKGROUND": "#f8fafc", "GRID_MINOR": "#edf1f6", "GRID_MAJOR": "#e1e7ef", "BAR_TRACK": "#e8edf3"},
    True: {"INK": "#e5e9f0", "MUTED": "#9aa7b8", "FAINT": "#6b7789", "CARD_FILL": "#222831",
           "CARD_BORDER": "#3a4350", "SHADOW": (0, 0, 0, 70), "SELECTION": "#60a5fa", "HOVER": "#3b82f6",
           "LINK_COLOUR": "#8b98aa", "LINK_HEALTH": "#5d6878", "LINK_LABEL_FILL": (30, 35, 43, 235),
           "BACKGROUND": "#16191e", "GRID_MINOR": "#1d2127", "GRID_MAJOR": "#252a32", "BAR_TRACK": "#333b46"},
}
BAR_TRACK = QColor("#e8edf3")
DARK = False


def apply_theme(dark: bool) -> None:
    """Switch the canvas colours (the caller repaints: scenes update, views drop their cached grid)."""
    global DARK
    DARK = bool(dark)
    for name, value in THEMES[DARK].items():
        globals()[name] = QColor(*value) if isinstance(value, tuple) else QColor(value)


_FAMILIES = ["Inter", "Segoe UI", "SF Pro Text", "Helvetica Neue", "Roboto", "Liberation Sans", "DejaVu Sans"]


def category_colour(category: str | None) -> QColor:
    return QColor(CATEGORY_COLOURS.get(category or "", FALLBACK_CATEGORY_COLOUR))


def tint(colour: QColor, alpha: int) -> QColor:
    """The colour with another alpha (fills of chips, groups, icon tiles)."""
    out = QColor(colour)
    out.setAlpha(alpha)
    return out


@cache
def font(point_size: float, weight: int = 400) -> QFont:
    """A UI font: the first installed family of a modern sans stack, sized in pixels for stable
    geometry across screens (scene px, not points)."""
    f = QFont()
    f.setFamilies(_FAMILIES)
    f.setPixelSize(round(point_size))
    f.setWeight(QFont.Weight(weight))
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


def name_font() -> QFont:
    return font(13, 600)


def kind_font() -> QFont:
    return font(11, 400)


def badge_font() -> QFont:
    return font(11, 600)


def small_font() -> QFont:
    return font(10, 600)
