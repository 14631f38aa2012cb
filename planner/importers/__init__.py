"""
Importers: bring an existing system into a plan, the mirror of exports/.

``import_path(PATH, fmt)`` reads a docker-compose stack, Kubernetes manifests, a Terraform root, a
draw.io diagram or a Mermaid flowchart (a file, or a folder of them) and returns an `Imported`: a
valid, laid-out `Plan` and an `ImportSummary` of what was mapped to which catalog kind and why.

Import is read-only on the source. Untrusted input is read within limits (planner/importers/safe.py);
anything malformed or hostile is an `ImportFailure` with a one-line message. Things no rule knows
become generic components with a note, never an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from archplan.planner.importers.safe import ImportFailure

if TYPE_CHECKING:
    from archplan.planner.importers.draft import Imported, ImportSummary

__all__ = ["FORMATS", "ImportFailure", "ImportSummary", "Imported", "guess_format", "import_path"]

FORMATS = ("compose", "kubernetes", "terraform", "drawio", "mermaid")
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
MERMAID_SUFFIXES = (".mmd", ".mermaid")
YAML_SUFFIXES = (".yaml", ".yml")


def __getattr__(name: str):
    """`Imported` and `ImportSummary` on first use: the draft module loads the catalog and the graph
    (networkx, numpy), which the command line's --help must not wait for."""
    if name in ("Imported", "ImportSummary"):
        from archplan.planner.importers import draft

        return getattr(draft, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def import_path(path, fmt: str | None = None) -> Imported:
    """The plan and summary of the system at `path` (a file or a folder), in format `fmt` (guessed
    when None)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise ImportFailure(f"{path}: no such file or folder")
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise ImportFailure(f"unknown import format {fmt!r} (use one of {', '.join(FORMATS)})")
    import importlib

    reader = importlib.import_module(f"archplan.planner.importers.{fmt}")
    try:
        return reader.read(path)
    except RecursionError:
        raise ImportFailure(f"{path}: nested too deeply to read") from None


def guess_format(path: Path) -> str:
    """The format of a file (by name, then by a look at its start) or a folder (by what it holds)."""
    path = Path(path)
    if path.is_dir():
        names = [p for p in sorted(path.iterdir()) if p.is_file()]
        if any(p.suffix == ".tf" for p in names):
            return "terraform"
        if any(p.name in COMPOSE_NAMES for p in names):
            return "compose"
        yamls = [p for p in names if p.suffix in YAML_SUFFIXES]
        if any(_looks(p) == "kubernetes" for p in yamls):
            return "kubernetes"
        if any(_looks(p) == "compose" for p in yamls):
            return "compose"
        if any(p.suffix == ".drawio" for p in names):
            return "drawio"
        if any(p.suffix in MERMAID_SUFFIXES for p in names):
            return "mermaid"
        raise ImportFailure(f"{path}: no compose, Kubernetes, Terraform, draw.io or Mermaid files in this folder; "
                            "give --from")
    suffix = path.suffix.lower()
    if suffix == ".tf":
        return "terraform"
    if suffix == ".drawio":
        return "drawio"
    if suffix in MERMAID_SUFFIXES:
        return "mermaid"
    guess = _looks(path)
    if guess:
        return guess
    raise ImportFailure(f"{path}: cannot tell the format from the name or the start of the file; give --from "
                        f"({', '.join(FORMATS)})")


def _looks(path: Path) -> str | None:
    """A guess from the first few KB of a file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8192).decode("utf-8", "replace")
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read ({exc.strerror or exc})") from None
    stripped = head.lstrip()
    if stripped.startswith("<") and ("<mxfile" in head or "<mxGraphModel" in head):
        return "drawio"
    if path.name in COMPOSE_NAMES or path.name.startswith(("docker-compose", "compose.")):
        return "compose"
    lines = [ln for ln in head.splitlines() if ln.strip() and not ln.lstrip().startswith(("#", "%%", "---"))]
    if lines and lines[0].split()[0] in ("flowchart", "graph"):
        return "mermaid"
    if any(ln.startswith("apiVersion:") or ln.startswith("kind:") for ln in head.splitlines()):
        return "kubernetes"
    if any(ln.startswith("services:") for ln in head.splitlines()):
        return "compose"
    if any(ln.startswith(("resource ", "module ", "variable ", "provider ")) for ln in head.splitlines()):
        return "terraform"
    return None
