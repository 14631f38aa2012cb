"""
Exporters: (plan, computed result, output path) -> files. Headless: never imports Qt or ui/.

Every format is registered in `FORMATS` as "module:function"; modules are imported only when used,
so heavy libraries (reportlab, diagrams) cost nothing until an export runs. An exporter function has
the signature ``write(plan, result, out: Path, **options) -> Path`` and raises `ExportError` with a
one-line message for problems the user can fix (missing graphviz, a plan too large for Mermaid, ...).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

#: format -> (module:function, default file suffix, description)
FORMATS: dict[str, tuple[str, str, str]] = {
    "png": ("archplan.exports.diagram:write_png", ".png", "Diagram image (graphviz, real icons)"),
    "svg": ("archplan.exports.diagram:write_svg", ".svg", "Diagram image, self-contained SVG"),
    "pdf": ("archplan.exports.pdf:write_pdf", ".pdf", "PDF design document"),
    "terraform": ("archplan.exports.iac.terraform:write_terraform", ".tf", "Terraform skeleton (AWS)"),
    "compose": ("archplan.exports.iac.compose:write_compose", ".yaml", "docker-compose file"),
    "kubernetes": ("archplan.exports.iac.kubernetes:write_kubernetes", ".yaml", "Kubernetes manifests"),
    "mermaid": ("archplan.exports.text:write_mermaid", ".mmd", "Mermaid flowchart"),
    "plantuml": ("archplan.exports.text:write_plantuml", ".puml", "PlantUML diagram"),
    "drawio": ("archplan.exports.drawio:write_drawio", ".drawio", "draw.io diagram"),
    "markdown": ("archplan.exports.text:write_markdown", ".md", "Markdown report"),
    "openapi": ("archplan.exports.openapi:write_openapi", ".yaml", "OpenAPI 3 skeleton of the declared endpoints"),
    "csv": ("archplan.exports.text:write_csv", ".csv", "CSV capacity and cost per component"),
    "infracost-usage": ("archplan.exports.iac.infracost:write_infracost_usage", ".yml",
                        "Infracost usage file for the Terraform export (monthly requests, storage, egress)"),
}


class ExportError(ValueError):
    """An export cannot be written; the message says why and what to do, in one line."""


def refuse_options(fmt: str, options: dict[str, Any], known: str = "") -> None:
    """ExportError for an option `fmt` does not take (a typo should not pass silently); `known`, when
    given, lists the options it does take."""
    if options:
        hint = f" (known: {known})" if known else ""
        raise ExportError(f"option {sorted(options)[0]!r} does not apply to {fmt}{hint}")


def exporter(fmt: str):
    try:
        target = FORMATS[fmt][0]
    except KeyError:
        raise ExportError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})") from None
    module_name, _, func = target.partition(":")
    return getattr(importlib.import_module(module_name), func)


def export(plan, result, fmt: str, out: str | Path, **options: Any) -> Path:
    """Write `plan` (with its computed `result`) in format `fmt` to `out`."""
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise ExportError(f"folder {out.parent} does not exist")
    return exporter(fmt)(plan, result, out, **options)
