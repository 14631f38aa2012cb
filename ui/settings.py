"""
Where Archplan keeps per-user state: settings (window layout, recent files) and data (autosaves).

$ARCHPLAN_HOME, when set, holds everything (config/archplan.ini, data/): tests and portable installs
use it so they never touch the real user's folders. Otherwise QSettings uses the organisation and
application name "Archplan" and data goes to platformdirs.user_data_dir("archplan").
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = APPLICATION = "Archplan"


def home() -> Path | None:
    value = os.environ.get("ARCHPLAN_HOME", "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """The per-user data folder (autosaves live in its autosave/ subfolder)."""
    root = home()
    if root is not None:
        return root / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir("archplan"))


def app_settings() -> QSettings:
    """The settings store: an ini file under $ARCHPLAN_HOME/config, else the platform's native store."""
    root = home()
    if root is not None:
        return QSettings(str(root / "config" / "archplan.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)
