"""
Archplan: draw a system's architecture and plan its capacity.

The repository's folders are installed as one package, ``archplan`` (pyproject.toml maps this folder
to it), so nothing generic such as ``ui`` or ``planner`` lands at the top of site-packages:

- ``archplan.planner``: the domain model and the capacity engine (pure Python, no Qt);
- ``archplan.exports``: writers (diagrams, PDF, IaC, text);
- ``archplan.ui``: the PySide6 desktop app;
- ``archplan.main``: the entry point (``archplan`` console script, ``python -m archplan``).

The public Python API is re-exported here, imported on first use so that ``import archplan`` (and
``archplan --version``) stays instant::

    from archplan import compute, load_plan
    result = compute(load_plan("plan.json"))
"""

from __future__ import annotations

from typing import Any


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("archplan")
    except metadata.PackageNotFoundError:  # a source tree run without installing
        return "0+unknown"

#: Public API name -> module that defines it.
_API = {
    "compute": "archplan.planner.engine",
    "load_plan": "archplan.planner.io",
    "save_plan": "archplan.planner.io",
    "PlanFileError": "archplan.planner.io",
    "Plan": "archplan.planner.model",
    "Component": "archplan.planner.model",
    "Link": "archplan.planner.model",
    "Group": "archplan.planner.model",
    "TrafficProfile": "archplan.planner.model",
}
__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name == "__version__":  # importlib.metadata costs ~40 ms: only --version and the About box ask
        globals()[name] = value = _version()
        return value
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'archplan' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
