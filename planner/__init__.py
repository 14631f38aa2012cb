"""
Archplan's domain: the plan document, the component catalog and the capacity engine.

Headless (pydantic, numpy, networkx; sympy only when formulas are rendered). Never imports Qt, the
exporters or rendering libraries: tests/planner/test_layers.py enforces it.

    from archplan.planner import load_plan, compute
    result = compute(load_plan("templates/url_shortener.json"))
    print(result.bottleneck, result.totals.monthly_cost)

The names below are imported on first use: importing one submodule (``archplan.planner.units``, the
model for the GUI's first window) must not pull in the engine and its numpy / networkx.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name -> the submodule defining it.
_API = {
    "compute": "archplan.planner.engine",
    "load_plan": "archplan.planner.io",
    "save_plan": "archplan.planner.io",
    "PlanFileError": "archplan.planner.io",
    "Component": "archplan.planner.model",
    "Group": "archplan.planner.model",
    "Link": "archplan.planner.model",
    "Plan": "archplan.planner.model",
    "TrafficProfile": "archplan.planner.model",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'archplan.planner' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
