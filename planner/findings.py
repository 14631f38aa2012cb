"""
The engine's findings moved to the design review (planner/review: one small module per rule family, every
rule in one place). ``compute(plan)`` still returns them on ``PlanResult.findings``; this module keeps the
old import path working.
"""

from __future__ import annotations

from archplan.planner.review.base import SEVERITY_RANK
from archplan.planner.review.runner import run_rules

__all__ = ["SEVERITY_RANK", "run_rules"]
