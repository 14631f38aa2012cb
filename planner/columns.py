"""
The plan's components as columns: one numpy array per figure the engine reads, one row per component.

The engine evaluates every formula over whole columns (planner.formulas.Formula.vector), so a plan of
10,000 components costs a few hundred array operations instead of 10,000 passes through Python. This
module reads the plan document once into that shape: behaviour codes, the per-instance capacity with
each component's overrides, behaviour parameters with their defaults, fixed counts, redundancy and
the per-component traffic settings.
"""

from __future__ import annotations

import numpy as np

from archplan.planner.catalog import BEHAVIOUR_PARAMS, CAPACITY_FIELDS, Behaviour, Catalog, ComponentKind
from archplan.planner.model import Plan

BEHAVIOURS = tuple(Behaviour)
CODE = {b: i for i, b in enumerate(BEHAVIOURS)}
_REDUNDANCY = ("none", "ha", "n+1")
#: Capacity fields whose absence means "use another figure", kept as NaN (the others: 0 = no limit).
UNSET_IS_NAN = ("read_request_price_per_million",)


class ComponentTable:
    """Columns of the plan's components, in plan order (row i is plan.components[i])."""

    def __init__(self, plan: Plan, catalog: Catalog):
        comps = plan.components
        self.n = n = len(comps)
        self.components = comps
        self.ids = [c.id for c in comps]
        self.index = {cid: i for i, cid in enumerate(self.ids)}
        kind_ids = [c.kind for c in comps]
        distinct = list(dict.fromkeys(kind_ids))
        self.kind_list: list[ComponentKind] = [catalog[k] for k in distinct]
        position = {k: i for i, k in enumerate(distinct)}
        self.kind_code = np.fromiter((position[k] for k in kind_ids), dtype=np.intp, count=n)
        self.kinds = [self.kind_list[i] for i in self.kind_code.tolist()]
        per_kind = np.array([CODE[k.behaviour] for k in self.kind_list] or [0], dtype=np.intp)
        self.behaviour = per_kind[self.kind_code] if n else np.zeros(0, dtype=np.intp)
        self.managed = np.array([k.managed for k in self.kind_list] or [False])[self.kind_code]
        self._params = [(i, c.params) for i, c in enumerate(comps) if c.params]  # rows with own parameters
        self._param_cache: dict[str, np.ndarray] = {}

        # ---- per-instance capacity: the kind's figures, then each component's overrides
        self.capacity: dict[str, np.ndarray] = {}
        for name in CAPACITY_FIELDS:
            unset = np.nan if name in UNSET_IS_NAN else 0.0  # None: no limit (0), or "not given" (NaN)
            base = np.array([unset if getattr(k.capacity, name) is None else getattr(k.capacity, name)
                             for k in self.kind_list] or [unset], dtype=float)
            self.capacity[name] = base[self.kind_code]
        self.own_availability = np.zeros(n, dtype=bool)  # the user gave this component's availability
        for i, overrides in enumerate(c.capacity for c in comps):
            if overrides:
                for name, value in overrides.items():
                    self.capacity[name][i] = value or 0.0
                self.own_availability[i] = "availability" in overrides

        # ---- counts, redundancy and the per-component traffic settings
        fixed = [c.instances if isinstance(c.instances, int) else 0 for c in comps]
        self.fixed_count = np.array(fixed, dtype=float)
        self.fixed = self.fixed_count > 0
        self.workers = np.array([c.workers or 0 for c in comps], dtype=float)  # 0: not stated
        default = _REDUNDANCY.index(plan.settings.default_redundancy)
        self.redundancy = np.array([default if c.redundancy == "default" else _REDUNDANCY.index(c.redundancy)
                                    for c in comps], dtype=np.intp)
        self.peak_factor = _optional([c.peak_factor for c in comps])
        self.record_size = _optional([c.record_size for c in comps])
        self.retention = _optional([c.retention for c in comps])

    def of(self, *behaviours: Behaviour) -> np.ndarray:
        """Mask of the rows with one of these behaviours."""
        if len(behaviours) == 1:
            return self.behaviour == CODE[behaviours[0]]
        return np.isin(self.behaviour, [CODE[b] for b in behaviours])

    def param(self, name: str) -> np.ndarray:
        """The parameter per row: the component's override, else its kind's default (NaN where the kind
        has no such parameter)."""
        column = self._param_cache.get(name)
        if column is None:
            base = np.array([k.param_defaults().get(name, np.nan) for k in self.kind_list] or [np.nan])
            column = base[self.kind_code] if self.n else np.zeros(0)
            for i, params in self._params:
                if name in params:
                    column[i] = params[name]
            self._param_cache[name] = column
        return column

    def has_param(self, name: str) -> np.ndarray:
        """Mask of the rows whose kind takes this parameter."""
        takes = np.array([name in BEHAVIOUR_PARAMS[k.behaviour] for k in self.kind_list] or [False])
        return takes[self.kind_code] if self.n else np.zeros(0, dtype=bool)


def _optional(values: list[float | None]) -> np.ndarray:
    """Per-row optional numbers: NaN where unset."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)
