"""
One computation in progress: the columns every step of ``compute`` reads and adds to.

The engine (planner.engine) builds a `Run` once per ``compute(plan)`` and hands it to each step
(propagation, sizing, availability, cost, queues, paths, the breaking point); each step reads the
columns it needs and records its figures in ``run.figures``, so one formula both computes and
explains every number. Rows are components in plan order (planner.columns.ComponentTable).
"""

from __future__ import annotations

import numpy as np

from archplan.planner import formulas as fx
from archplan.planner.catalog import Behaviour, Catalog
from archplan.planner.columns import ComponentTable
from archplan.planner.graph import Edge, Level, evaluation_levels
from archplan.planner.model import Plan
from archplan.planner.propagation import Flows, Transfers
from archplan.planner.sizing import Sizing


class Run:
    """What one computation has worked out so far (columns by component row)."""

    def __init__(self, plan: Plan, catalog: Catalog, table: ComponentTable, edges: list[Edge], levels: list[Level],
                 transfers: Transfers, ratios: np.ndarray, flows: Flows, sizing: Sizing, figures: fx.FigureTable):
        self.plan, self.catalog, self.table, self.edges, self.levels = plan, catalog, table, edges, levels
        self.ratios = ratios  # share of each class a component passes on (rows x classes)
        self.transfers, self.flows, self.s, self.figures = transfers, flows, sizing, figures
        self.client = table.of(Behaviour.CLIENT)
        self.served = ~self.client
        self.extra: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # detail name -> (rows, values)
        self.plan_figures: dict[str, fx.Figure] = {}  # figures of the plan as a whole (egress tiers, ...)

    def detail(self, name: str, rows: np.ndarray, values: np.ndarray) -> None:
        """Keep a figure to list in the components' details (ComponentResult.details)."""
        self.extra[name] = (rows, values)

    def headroom(self) -> np.ndarray:
        """Utilisation relative to its planned ceiling per component (above 1: over target)."""
        s = self.s
        return np.divide(s.utilisation, s.ceiling, out=np.full(self.table.n, np.inf), where=s.ceiling > 0)

    def request_levels(self) -> list[np.ndarray]:
        """Rows in an order where every request link goes to a later level (the evaluation levels when
        the graph has no async loop; else a sort of the request links alone, which never loop)."""
        if not any(loops for _singles, loops in self.levels):
            return [np.array(singles, dtype=np.intp) for singles, _loops in self.levels]
        request_edges = [e for e in self.edges if e.kind == "request"]
        return [np.array(singles, dtype=np.intp)
                for singles, _l in evaluation_levels(self.plan, request_edges, self.table.index)]
