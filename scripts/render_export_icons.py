#!/usr/bin/env python3
"""Draw the PNG icons the diagram exporter ships for kinds the `diagrams` package has no icon for
(exports/icons/*.png). Run once after changing a drawing: .venv/bin/python scripts/render_export_icons.py

- ticket.png: an issue tracker's ticket (Jira-like, in an issue tracker's blue), the shape of the app's
  own ui/icons/ticket.svg, drawn at 256 px so graphviz scales it down sharply.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "exports" / "icons"
BLUE, LIGHT = (38, 132, 255, 255), (222, 235, 255, 255)


def ticket(size: int = 256) -> Image.Image:
    k = size / 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    box = [8 * k, 16 * k, 56 * k, 48 * k]
    draw.rounded_rectangle(box, radius=4 * k, fill=LIGHT, outline=BLUE, width=round(3 * k))
    for y in range(18, 46, 7):   # the tear-off line
        draw.line([42 * k, y * k, 42 * k, (y + 3) * k], fill=BLUE, width=round(3 * k))
    for y, length in ((27, 18), (37, 14)):
        draw.line([16 * k, y * k, (16 + length) * k, y * k], fill=BLUE, width=round(3 * k))
    draw.ellipse([47 * k, 27 * k, 53 * k, 33 * k], fill=BLUE)   # a status dot
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    ticket().save(OUT / "ticket.png")
    print(f"wrote {OUT / 'ticket.png'}")
