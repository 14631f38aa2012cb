"""
PNG and SVG diagrams of a plan, drawn by graphviz with mingrammer `diagrams` icons.

The graph itself is built in exports/diagram_graph.py. Rendering pipes the DOT source to graphviz
(``dot``, or ``neato -n2`` for the canvas positions) and reads the image back from its standard
output, so nothing is written to the working directory or a temp folder; the result is written
atomically beside the target.

- PNG: `scale` sets the resolution, DPI = 96 x scale (1 = screen size, 2 = retina / print).
- SVG: self-contained. Graphviz links icons by absolute file path; every ``<image>`` href is replaced
  by a ``data:image/png;base64`` URI, so the file can be mailed or committed and still shows its icons.
  `scale` multiplies its width and height (as for the PNG, 1 = graphviz's own size).
"""

from __future__ import annotations

import base64
import math
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

from archplan.exports import ExportError, refuse_options
from archplan.planner.io import atomic_write_bytes

GRAPHVIZ_MISSING = "graphviz is not installed: run `apt-get install graphviz` (or `make setup`)"
MAX_SCALE = 8.0
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


def _check_scale(fmt: str, scale) -> float:
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) \
            or not 0 < scale <= MAX_SCALE:
        raise ExportError(f"{fmt} scale {scale!r} must be a number above 0 and at most {MAX_SCALE:g}")
    return float(scale)


def write_png(plan, result, out: Path, scale: float = 1.0, as_drawn: bool = False, **options) -> Path:
    """Write the diagram as a PNG at 96 x `scale` DPI; `as_drawn` keeps the canvas positions."""
    refuse_options("png", options, known="scale, as_drawn")
    data = render(plan, result, "png", scale=_check_scale("PNG", scale), as_drawn=as_drawn)
    atomic_write_bytes(out, data)
    return Path(out)


def write_svg(plan, result, out: Path, scale: float = 1.0, as_drawn: bool = False, **options) -> Path:
    """Write the diagram as a self-contained SVG (icons embedded as data URIs); `scale` multiplies its
    display size (width and height; the drawing's coordinates and viewBox stay as graphviz wrote them)."""
    refuse_options("svg", options, known="scale, as_drawn")
    data = embed_images(render(plan, result, "svg", as_drawn=as_drawn), _check_scale("SVG", scale))
    atomic_write_bytes(out, data)
    return Path(out)


def render(plan, result, fmt: str, scale: float = 1.0, as_drawn: bool = False) -> bytes:
    """Run graphviz on the plan's graph and return the image bytes (png or svg)."""
    if shutil.which("dot") is None:
        raise ExportError(GRAPHVIZ_MISSING)
    from archplan.exports.diagram_graph import build_graph

    graph = build_graph(plan, result, as_drawn=as_drawn)
    if fmt == "png":
        graph.graph_attr["dpi"] = f"{96 * scale:g}"
    engine = "neato" if as_drawn else "dot"
    try:
        return graph.pipe(format=fmt, engine=engine, neato_no_op=2 if as_drawn else None, quiet=True)
    except subprocess.CalledProcessError as exc:
        detail = " ".join((exc.stderr or b"").decode("utf-8", "replace").split())[:300]
        raise ExportError(f"graphviz could not draw this plan: {detail or exc}") from None
    except OSError as exc:  # e.g. `dot` vanished between the check and the run
        raise ExportError(f"{GRAPHVIZ_MISSING} ({exc.strerror or exc})") from None


def embed_images(svg: bytes, scale: float = 1.0) -> bytes:
    """Replace every <image> file reference in graphviz's SVG by a base64 data URI; scale the display size."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg)
    if scale != 1.0:
        for attr in ("width", "height"):
            value = root.get(attr, "")
            number = value.rstrip("ptx")
            if number:
                root.set(attr, f"{float(number) * scale:g}{value[len(number):]}")
    cache: dict[str, str] = {}
    for element in root.iter(f"{{{SVG_NS}}}image"):
        for attr in (f"{{{XLINK_NS}}}href", "href"):
            href = element.get(attr)
            if href is None or href.startswith("data:"):
                continue
            if href not in cache:
                path = Path(href.removeprefix("file://"))
                try:
                    cache[href] = "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
                except OSError:
                    raise ExportError(f"icon {path.name} could not be read; reinstall the diagrams package") from None
            element.set(attr, cache[href])
    return b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + ET.tostring(root, encoding="utf-8")
