"""
The formula machinery: a `Formula` computes a figure and explains it; a `Figure` keeps the working.
(The formulas themselves, one definition per figure, are in planner.formulas.)

Each `Formula` holds one expression written in the common subset of Python and sympy syntax
(``ceiling``, ``Max``, ``Min``, ``exp``, ``sqrt``, arithmetic, ``**``). At import the expression is
compiled into a plain Python function, which the engine calls to get the number; sympy (slow to import)
is loaded only when an explanation is rendered as LaTeX. The `Figure` the engine returns keeps the
formula and the values it was fed, so "show your work" re-renders the very computation that produced
the number: the two cannot drift apart (tests/planner/test_formulas.py re-evaluates every figure of
every template with sympy as well).

Conventions (capacity-model.md): a day is 86,400 s, a month 30 days, a year 365 days; sizes decimal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, NamedTuple

import numpy as np

from archplan.planner import availability as _availability
from archplan.planner import queueing as _queueing
from archplan.planner import units


def _mmc_quantile(p: float, mu: float, c: float, lam: float, p_wait: float) -> float:
    """The p-quantile of the M/M/c response time (planner.queueing; inverted numerically)."""
    return float(_queueing.response_percentiles(p, mu, c, lam, p_wait))


def tiered(amount: float, tiers: tuple[tuple[float, float], ...]) -> float:
    """Cost of ``amount`` under a tiered price table ((upper bound of the band, price per unit), ...),
    each band priced at its own rate: the way egress is billed (capacity-model.md, "Cost")."""
    cost, lower = 0.0, 0.0
    for upper, price in tiers:
        if amount <= lower:
            break
        cost += (min(amount, upper) - lower) * price
        lower = upper
    return cost


_PY_NAMESPACE: dict[str, Any] = {
    "ceiling": lambda x: float(math.ceil(x - 1e-9)),  # tolerate float noise: 3.0000000001 -> 3
    "Max": max,
    "Min": min,
    "exp": math.exp,
    "sqrt": math.sqrt,
    "log": math.log,
    "k_of_n": _availability.k_of_n,
    "prod": math.prod,
    "mmc_quantile": _mmc_quantile,
    "tiered": tiered,
    "__builtins__": {},
}


def unique_map(function: Callable[..., float], *columns: Any) -> np.ndarray:
    """``function`` applied element-wise to broadcast columns, called once per distinct row.

    For scalar functions with no closed vector form (the binomial tail, Erlang C): a plan holds many
    components with the same figures, so the distinct rows are few."""
    arrays = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in columns))
    if arrays[0].ndim == 0:
        return np.asarray(function(*(float(a) for a in arrays)), dtype=float)
    rows = np.stack([a.ravel() for a in arrays], axis=1)
    if len(rows) == 0:
        return np.zeros(arrays[0].shape)
    distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
    values = np.array([function(*row) for row in distinct.tolist()], dtype=float)
    return values[inverse.ravel()].reshape(arrays[0].shape)


def _vector_max(*values: Any) -> Any:
    return reduce(np.maximum, values)


def _vector_min(*values: Any) -> Any:
    return reduce(np.minimum, values)


#: The same names over numpy columns: a formula evaluates a whole column of components at once.
_NP_NAMESPACE: dict[str, Any] = {
    "ceiling": lambda x: np.ceil(np.asarray(x, dtype=float) - 1e-9),
    "Max": _vector_max,
    "Min": _vector_min,
    "exp": np.exp,
    "sqrt": np.sqrt,
    "log": np.log,
    "k_of_n": lambda a, k, n: unique_map(_availability.k_of_n, a, k, n),
    "prod": math.prod,
    "mmc_quantile": lambda p, mu, c, lam, p_wait: _queueing.response_percentiles(p, mu, c, lam, p_wait),
    "tiered": lambda amount, tiers: unique_map(lambda a: tiered(a, tiers), amount),
    "__builtins__": {},
}
_IDENT = re.compile(r"\b[A-Za-z_][A-Za-z_0-9]*\b")
_FUNCTIONS = {"ceiling", "Max", "Min", "exp", "sqrt", "log", "k_of_n", "prod", "mmc_quantile", "tiered"}
#: Functions sympy does not know: a figure using one is re-checked by evaluating it directly.
_OPAQUE = ("k_of_n", "prod", "mmc_quantile", "tiered")
_PRETTY = {"ceiling": "ceil", "Max": "max", "Min": "min", "*": "×"}


@dataclass(frozen=True)
class Formula:
    """A named expression: ``result = expression`` over named inputs."""

    key: str
    result: str
    expression: str
    meaning: str
    unit: str = ""
    assumption: str = ""
    source: str = ""
    symbols: dict[str, str] = field(default_factory=dict)
    latex_override: str = ""
    _function: Callable[..., float] = field(init=False, repr=False, compare=False)
    _vector: Callable[..., Any] = field(init=False, repr=False, compare=False)
    inputs: tuple[str, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        names = tuple(dict.fromkeys(n for n in _IDENT.findall(self.expression) if n not in _FUNCTIONS))
        code = compile(f"lambda {', '.join(names)}: {self.expression}", f"<formula {self.key}>", "eval")
        object.__setattr__(self, "inputs", names)
        object.__setattr__(self, "_function", eval(code, dict(_PY_NAMESPACE)))
        object.__setattr__(self, "_vector", eval(code, dict(_NP_NAMESPACE)))

    def __call__(self, **values: float) -> float:
        return float(self._function(**values))

    def vector(self, **values: Any) -> np.ndarray:
        """The expression over numpy columns (one element per component): the engine's hot path."""
        return np.asarray(self._vector(**values), dtype=float)

    def figure(self, **values: Any) -> Figure:
        """Evaluate and keep the working."""
        return Figure(self, values, float(self._function(**values)))

    # ------------------------------------------------------------------ explanation
    def text(self, values: dict[str, Any] | None = None, value: float | None = None) -> str:
        """'n = ceil(peak / (capacity × u)) = ceil(3470 / (400 × 0.7)) = 13'."""
        symbolic = _pretty(self.expression)
        line = f"{self.result} = {symbolic}"
        if values:
            substituted = _IDENT.sub(lambda m: _fmt(values[m.group(0)]) if m.group(0) in values else m.group(0),
                                     self.expression)
            line += f" = {_pretty(substituted)}"
        if value is not None:
            line += f" = {_fmt(value)}"
        return line

    def latex(self, values: dict[str, Any] | None = None, value: float | None = None) -> str:
        """LaTeX of the formula (sympy), optionally with the numbers substituted and the result."""
        import sympy  # lazily: sympy costs ~1 s at import

        names = {n: sympy.Symbol(n) for n in self.inputs}
        local = {**names, "ceiling": sympy.ceiling, "Max": sympy.Max, "Min": sympy.Min,
                 **{name: sympy.Function(name) for name in _OPAQUE}}
        pretty = {sym: _LATEX_SYMBOLS.get(n, _latex_name(n)) for n, sym in names.items()}
        out = f"{_LATEX_SYMBOLS.get(self.result, _latex_name(self.result))} = "
        if self.latex_override:
            out += self.latex_override
            if values:
                out += " = " + re.sub(r"\b(" + "|".join(map(re.escape, self.inputs)) + r")\b",
                                      lambda m: _fmt(values[m.group(1)]), self.latex_override)
        else:
            expr = sympy.sympify(self.expression, locals=local)
            out += sympy.latex(expr, symbol_names=pretty)
            if values:
                # one distinct placeholder per input, printed as its number (equal numbers must not merge)
                holders = {names[k]: sympy.Symbol(f"v{i}") for i, k in enumerate(self.inputs) if k in values}
                shown = {holder: _fmt(values[str(sym)]) for sym, holder in holders.items()}
                out += " = " + sympy.latex(expr.xreplace(holders), symbol_names=shown)
        if value is not None:
            out += f" = {_fmt(value)}"
        return out

    def sympy_value(self, values: dict[str, float]) -> float:
        """The figure recomputed by sympy from the same expression: the cross-check used in tests."""
        import sympy

        names = {n: sympy.Symbol(n) for n in self.inputs}
        local = {**names, "ceiling": sympy.ceiling, "Max": sympy.Max, "Min": sympy.Min}
        if any(name in self.expression for name in _OPAQUE):
            return self(**values)
        expr = sympy.sympify(self.expression, locals=local)
        return float(expr.subs({names[k]: sympy.nsimplify(v) if float(v).is_integer() else v
                                for k, v in values.items()}).evalf(30))


class Figure(NamedTuple):
    """A computed number with the formula and inputs that produced it (a NamedTuple: cheap to make)."""

    formula: Formula
    inputs: dict[str, Any]
    value: float

    def text(self) -> str:
        return self.formula.text(self.inputs, self.value)

    def formatted(self) -> str:
        """The value in its formula's unit, as people read it: '3.47K QPS', '2.19 TB', '99.9954 %'."""
        return format_value(self.value, self.formula.unit, self.formula.key)

    def latex(self) -> str:
        return self.formula.latex(self.inputs, self.value)

    def explain(self) -> dict[str, Any]:
        """Everything needed to show the work: used by the GUI, the PDF and `plan --json --explain`."""
        return {
            "key": self.formula.key,
            "meaning": self.formula.meaning,
            "value": self.value,
            "unit": self.formula.unit,
            "formula": f"{self.formula.result} = {_pretty(self.formula.expression)}",
            "inputs": dict(self.inputs.items()),
            "symbols": {k: self.formula.symbols.get(k, "") for k in self.formula.inputs},
            "text": self.text(),
            "assumption": self.formula.assumption,
            "source": self.formula.source,
        }


class FigureTable:
    """Figures of many components, kept as columns until someone looks at one component's work.

    The engine evaluates each formula once over the column of components it applies to
    (`Formula.vector`) and records the inputs; `figures(i)` turns row i back into `Figure` objects,
    the very inputs and value the column computed. Building ten Figure objects per component eagerly
    would cost more than the whole computation."""

    def __init__(self, n: int, order: tuple[str, ...] = ()):
        self.n = n
        self._order = {name: rank for rank, name in enumerate(order)}
        self._columns: list[tuple[str, Formula, np.ndarray, dict[str, Any], np.ndarray]] = []
        self._rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def add(self, name: str, formula: Formula, rows: np.ndarray, **inputs: Any) -> np.ndarray:
        """Evaluate ``formula`` for the components ``rows`` (indices); returns one value per row."""
        rows = np.asarray(rows, dtype=np.intp)
        if rows.size == 0:
            return np.zeros(0)
        values = np.broadcast_to(formula.vector(**inputs), rows.shape).astype(float)
        self._columns.append((name, formula, rows, inputs, values))
        self._rows = None
        return values

    def figures(self, i: int) -> dict[str, Figure]:
        """Row i as {name: Figure}, in the table's display order."""
        if self._rows is None:
            self._index()
        starts, columns, positions = self._rows
        start, stop = int(starts[i]), int(starts[i + 1])
        found: list[tuple[int, int, str, Figure]] = []
        for c, at in zip(columns[start:stop].tolist(), positions[start:stop].tolist()):
            name, formula, _rows, inputs, values = self._columns[c]
            shown = {key: _python(v, at) for key, v in inputs.items()}
            found.append((self._order.get(name, len(self._order)), c, name, Figure(formula, shown, float(values[at]))))
        found.sort(key=lambda item: item[:2])
        return {name: figure for _rank, _c, name, figure in found}

    def _index(self) -> None:
        """Where each row appears: (column, position) pairs sorted by row, and where each row starts."""
        if self._columns:
            rows = np.concatenate([rows for _n, _f, rows, _i, _v in self._columns])
            column = np.repeat(np.arange(len(self._columns)), [len(rows) for _n, _f, rows, _i, _v in self._columns])
            position = np.concatenate([np.arange(len(rows)) for _n, _f, rows, _i, _v in self._columns])
        else:
            rows = column = position = np.zeros(0, dtype=np.intp)
        order = np.argsort(rows, kind="stable")
        self._rows = (np.searchsorted(rows[order], np.arange(self.n + 1)), column[order], position[order])


def _python(value: Any, at: int) -> Any:
    """One component's input as a plain Python number (columns are numpy arrays, constants stay)."""
    if isinstance(value, np.ndarray):
        value = value[at] if value.ndim else value
        return value.item()
    return value


class LazyFigures(Mapping):
    """A component's figures, taken from its FigureTable on first use (a read-only mapping), after
    any ``first`` figures worked out apart."""

    __slots__ = ("_data", "_first", "_row", "_table")

    def __init__(self, table: FigureTable, row: int, first: dict[str, Figure] | None = None):
        self._table = table
        self._row = row
        self._first = first
        self._data: dict[str, Figure] | None = None

    def _load(self) -> dict[str, Figure]:
        if self._data is None:
            self._data = {**self._first, **self._table.figures(self._row)} if self._first else \
                self._table.figures(self._row)
        return self._data

    def __getitem__(self, name: str) -> Figure:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, name: object) -> bool:
        return name in self._load()

    def __repr__(self) -> str:
        return f"LazyFigures({self._load()!r})"


_PLURAL_UNITS = {"instances", "nodes", "shards", "replicas", "users", "probes/s"}


def format_value(value: float, unit: str, key: str = "") -> str:
    """A figure's value in its unit through planner.units (one formatting for the GUI, PDF and reports)."""
    if key.startswith("availability"):
        return units.format_availability(value)
    if key == "utilisation":
        return units.format_percent(value)
    if unit == "req/s":
        return units.format_qps(value)
    if unit == "B":
        return units.format_size(value)
    if unit == "B/day":
        return units.format_size_rate(value / units.DAY, "day")
    if unit == "B/s":
        return f"{units.format_size(value)}/s"
    if unit == "s":
        return units.format_duration(value)
    if unit == "USD/month":
        return f"{units.format_money(value)}/month"
    if unit == "x":
        return f"×{units.format_count(value)}"
    if unit:
        if value == 1 and unit in _PLURAL_UNITS:
            unit = unit[:-1]  # "1 instance", "1 node"
        return f"{units.format_count(value)} {unit}"
    return units.format_count(value, 4)


def _fmt(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if math.isinf(value):
        return "∞"
    if value == int(value) and abs(value) < 1e12:
        return f"{int(value):,}"
    if abs(value) >= 1e12 or abs(value) < 1e-4:
        return f"{value:.4g}"
    return f"{value:,.6g}" if abs(value) >= 1 else f"{value:.6g}"


def _pretty(expression: str) -> str:
    text = expression.replace("**", "^")
    for name, pretty in _PRETTY.items():
        text = text.replace(name, pretty)
    return text


_LATEX_SYMBOLS = {"lam": r"\lambda", "mu": r"\mu", "rho": r"\rho", "theta": r"\theta"}


def _latex_name(name: str) -> str:
    head, _, tail = name.partition("_")
    return f"{head}_{{{tail.replace('_', ' ')}}}" if tail else head
