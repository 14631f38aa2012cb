"""
Archplan's domain: the plan document, the component catalog and the capacity engine.

Headless (pydantic, numpy, networkx; sympy only when formulas are rendered). Never imports Qt, the
exporters or rendering libraries: tests/planner/test_layers.py enforces it.

    from archplan.planner import load_plan, compute
    result = compute(load_plan("templates/url_shortener.json"))
    print(result.bottleneck, result.totals.monthly_cost)
"""

from archplan.planner.engine import compute
from archplan.planner.io import PlanFileError, load_plan, save_plan
from archplan.planner.model import Component, Group, Link, Plan, TrafficProfile

__all__ = ["Component", "Group", "Link", "Plan", "PlanFileError", "TrafficProfile", "compute", "load_plan",
           "save_plan"]
