"""
A scored point: the unit of the practice score. Every point carries its explanation (never a bare number):
the rule id, points got of the maximum, the message saying why, the advice that would earn the rest, the
work (formulas with their values), the source of the expectation and, where the design review has one, the
review findings behind it (their fixes are edit operations: planner.review.fix_for).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archplan.planner.result import Finding

#: The rubric's dimensions in order, with their weights (docs/practice.md, section 2).
DIMENSIONS: tuple[tuple[str, str, float], ...] = (
    ("requirements", "Requirements", 15),
    ("estimation", "Estimation", 15),
    ("high_level", "High-level design", 20),
    ("data", "Data and storage", 10),
    ("scale", "Scalability and performance", 15),
    ("reliability", "Reliability", 10),
    ("tradeoffs", "Trade-offs and cost", 15),
)
DIMENSION_TITLE = {key: title for key, title, _w in DIMENSIONS}
DIMENSION_WEIGHT = {key: weight for key, _t, weight in DIMENSIONS}
#: Round points to this step (the rubric is not more precise than that).
STEP = 0.1


def rounded(value: float) -> float:
    return round(round(value / STEP) * STEP, 1)


@dataclass(frozen=True)
class Point:
    """One point of the rubric, with its explanation."""

    rule: str
    dimension: str
    title: str
    got: float
    max: float
    message: str
    advice: str = ""
    work: tuple[str, ...] = ()
    source: str = ""
    assessed: bool = True                 # False: nothing to assess it on (no practice record, ...)
    findings: tuple[Finding, ...] = field(default=(), compare=False)
    component: str | None = None

    @property
    def missing(self) -> bool:
        """Points lost (assessed and below its maximum): the score lists its explanation."""
        return self.assessed and self.got < self.max - 1e-9

    @property
    def penalty(self) -> bool:
        """A deduction (a hint used): max 0, got below 0."""
        return self.max == 0 and self.got < 0

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "dimension": self.dimension, "title": self.title, "got": self.got,
                "max": self.max, "assessed": self.assessed, "missing": self.missing, "message": self.message,
                "advice": self.advice, "work": list(self.work), "source": self.source,
                "component": self.component, "findings": [f.rule for f in self.findings]}


def point(rule: str, dimension: str, title: str, maximum: float, share: float, message: str, **kw: Any) -> Point:
    """A point worth `maximum`, `share` (0..1) of it earned."""
    share = min(1.0, max(0.0, share))
    got = maximum if share >= 1 else min(maximum, rounded(maximum * share))
    return Point(rule, dimension, title, got, maximum, message, **kw)


def not_assessed(rule: str, dimension: str, title: str, maximum: float, why: str, **kw: Any) -> Point:
    return Point(rule, dimension, title, 0.0, maximum, f"Not assessed: {why}", assessed=False, **kw)
