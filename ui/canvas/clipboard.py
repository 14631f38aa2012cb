"""
Copy and paste of canvas items through the system clipboard.

The payload is JSON ({"archplan": "items", "components": [...], "links": [...]}) stored under the
MIME type ITEMS_MIME and as plain text, so a selection can be pasted into another Archplan window or
inspected in a text editor. Pasting validates every object with the plan model first.

Ownership: the QMimeData put on the clipboard is made in Python and then owned by Qt's clipboard. Left
there when the application ends, Qt deletes it in a static destructor after Python has shut down and
the process dies of SIGSEGV. `release_clipboard` (connected to QApplication.aboutToQuit by ui/app.py,
and run by the GUI tests' session teardown) swaps it for the same text held by an object Qt made.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from archplan.planner.model import Component, Link

ITEMS_MIME = "application/x-archplan-items"
#: What the palette drags onto the canvas: the UTF-8 bytes of a catalog kind id.
KIND_MIME = "application/x-archplan-kind"


def encode_items(components: list[Component], links: list[Link]) -> QMimeData:
    payload = {"archplan": "items",
               "components": [c.model_dump(mode="json") for c in components],
               "links": [lk.model_dump(mode="json") for lk in links]}
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    mime = QMimeData()
    mime.setData(ITEMS_MIME, text.encode("utf-8"))
    mime.setText(text)
    return mime


def copy_items(components: list[Component], links: list[Link]) -> None:
    """Put components and links on the system clipboard (see `release_clipboard` for its lifetime)."""
    QGuiApplication.clipboard().setMimeData(encode_items(components, links))


def release_clipboard() -> bool:
    """Replace Archplan's own clipboard data (a QMimeData made in Python) by the same text in an object
    Qt owns, so nothing Python made is left for Qt's static destructors; returns whether it did.

    The text still pastes (`decode_items` reads plain text too); whatever another application put on
    the clipboard is left alone."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData()
    if mime is None or not mime.hasFormat(ITEMS_MIME):
        return False
    clipboard.setText(mime.text())
    return True


def decode_items(mime: QMimeData | None) -> tuple[list[Component], list[Link]]:
    """Components and links from clipboard data; ValueError with a one-line reason if there are none."""
    from pydantic import ValidationError

    from archplan.planner.io import describe_validation_error
    from archplan.planner.model import Component, Link

    if mime is None:
        raise ValueError("the clipboard is empty")
    if mime.hasFormat(ITEMS_MIME):
        text = bytes(mime.data(ITEMS_MIME).data()).decode("utf-8", errors="replace")
    elif mime.hasText():
        text = mime.text()
    else:
        raise ValueError("the clipboard holds no Archplan components")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("the clipboard holds no Archplan components") from None
    if not isinstance(payload, dict) or payload.get("archplan") != "items":
        raise ValueError("the clipboard holds no Archplan components")
    try:
        components = [Component.model_validate(c) for c in payload.get("components", [])]
        links = [Link.model_validate(lk) for lk in payload.get("links", [])]
    except ValidationError as exc:
        raise ValueError(f"cannot paste: {describe_validation_error(exc)}") from None
    if not components:
        raise ValueError("the clipboard holds no Archplan components")
    return components, links
