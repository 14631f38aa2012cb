"""
The architecture diagram page of the PDF design document.

The diagram comes from exports.diagram.write_png (graphviz). It is rendered once at screen
resolution to learn its shape; a wide diagram gets a landscape page. When the image would print
below the target resolution at the size it is shown, it is rendered again at a higher scale. Without
graphviz or the diagram exporter, or when drawing fails, the page carries a one-line note instead:
the document never fails because of its picture.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reportlab.platypus import Image, NextPageTemplate, PageBreak

from archplan.exports.pdf_parts import Heading
from archplan.exports.pdf_style import P, esc

SCREEN_DPI = 96.0
POINTS_PER_PIXEL = 72.0 / SCREEN_DPI
MAX_SCALE = 3.0
WIDE = 1.15  # width / height above which the diagram goes on a landscape page


class DiagramImage(Image):
    """An image that skips drawing in the first layout pass of multiBuild (that pass only collects the
    table of contents and is thrown away), so a large diagram is compressed into the file once."""

    def draw(self):
        doc = getattr(self.canv, "_doctemplate", None)
        if getattr(doc, "layout_pass", 0) == 1:
            return
        super().draw()


def diagram_story(plan, result, workdir: Path, enabled: bool, portrait: tuple[float, float],
                  landscape: tuple[float, float], dpi: float) -> list:
    """Flowables for the diagram page, with the page-template switches it needs."""
    drawn = _render(plan, result, workdir, 1.0) if enabled else "The diagram was left out of this export."
    if not isinstance(drawn, Path):
        return [PageBreak(), Heading("Architecture diagram"), P(esc(drawn), "note"), PageBreak()]
    image = Image(str(drawn))
    pixels = (image.imageWidth, image.imageHeight)
    wide = pixels[0] > WIDE * pixels[1]
    box = (landscape[0], landscape[1] * 0.86) if wide else (portrait[0], portrait[1] * 0.8)
    fit = min(box[0] / (pixels[0] * POINTS_PER_PIXEL), box[1] / (pixels[1] * POINTS_PER_PIXEL))
    printed_dpi = SCREEN_DPI / fit
    if printed_dpi < dpi:
        sharper = _render(plan, result, workdir, min(MAX_SCALE, dpi / printed_dpi))
        if isinstance(sharper, Path):
            drawn = sharper
    flowable = DiagramImage(str(drawn))
    flowable.drawWidth = pixels[0] * POINTS_PER_PIXEL * fit
    flowable.drawHeight = pixels[1] * POINTS_PER_PIXEL * fit
    body = [Heading("Architecture diagram"), flowable,
            P("Components with their computed counts and load; arrows follow the traffic (dashed: asynchronous, "
              "dotted: replication and health checks).", "note")]
    if wide:
        return [NextPageTemplate("landscape"), PageBreak(), *body, NextPageTemplate("body"), PageBreak()]
    return [PageBreak(), *body, PageBreak()]


def _render(plan, result, workdir: Path, scale: float) -> Path | str:
    """The diagram as a PNG in workdir, or a one-line note saying why there is none."""
    if shutil.which("dot") is None:
        return "The diagram needs graphviz (the `dot` program), which is not installed; run scripts/setup.sh."
    try:
        from archplan.exports.diagram import write_png
    except ImportError as exc:
        return f"The diagram exporter is not available ({exc})."
    out = workdir / f"diagram-{scale:g}.png"
    try:
        written = write_png(plan, result, out, scale=scale, as_drawn=False)
    except Exception as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        return f"The diagram could not be drawn: {first}"
    path = Path(written or out)
    return path if path.is_file() else "The diagram exporter wrote no image."
