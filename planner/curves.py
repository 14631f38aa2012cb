"""
Latency and capacity curves: response time and utilisation against load (issue 14).

For every component and every client path, the mean, p95 and p99 response time and the utilisation
at traffic multipliers from x0.1 up to where the plan stops coping, each point a ``compute(plan,
multiplier=m)``: nothing here is queueing math, every number is a field of a ComponentResult
(latency, p95, p99, utilisation) or a ClientResult (read/write mean, percentile()).

Counts. By default the curve is the plan **as deployed**: every self-managed component keeps the count
the engine deploys at x1 (planner.scenarios.deployed), so utilisation grows in proportion to the load
and latency rises to the knee and on to saturation, the question "what happens at 10x with what we
run?". With ``counts="auto"`` the engine re-sizes at every point (the what-if slider): latency then
falls back each time another instance is added, so those curves are not monotone.

Range. From x0.1 (lower when the plan is already past saturation) to just below where latency becomes
infinite: the multiplier at which the first queue that cannot add instances saturates (its arrival
rate reaches its service rate), found from the x1 result by the engine's rule that load scales
linearly with traffic (planner.formulas.BREAKING); x100 when no queue ever saturates. With auto-sizing,
only the components whose count is fixed count. The grid is logarithmic, with extra points at 80-98 %
of the top where the curves bend. The breaking point (the first component at its planned ceiling on
any resource, storage and memory included: BreakingPoint) is carried along to be marked; it often
comes before the latency moves at all.

The knee: the load at which response time divided by load is lowest, i.e. where the line from the
origin touches the response-time curve (Kleinrock's "power" optimum, L. Kleinrock, "Power and
deterministic rules of thumb for probabilistic problems in computer communications", ICC 1979; called
the knee by C. Millsap, "Thinking Clearly About Performance", 2010, with a table for M/M/m). For an
M/M/c queue (Erlang C) it falls at utilisation 0.5 for one server, 1/sqrt(3) = 0.577 for two, 0.665 for
four, 0.745 for eight, 0.811 for sixteen: the more servers, the later the knee.
Below it, more load costs little latency per request; past it, latency grows faster than load. It is
found on the mean response time by a parabola through the lowest point of log(W/m) and its neighbours
(within a few per cent of the exact value on the default grid, within 1 % on 64 points); a curve whose
W/m still falls at its top (no queueing, or none yet) has no knee in range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from archplan.planner.catalog import Catalog, default_catalog
from archplan.planner.engine import compute
from archplan.planner.model import Plan
from archplan.planner.result import PlanResult

Counts = Literal["deployed", "auto"]
LOW = 0.1                 # the curves start here (x0.1 of today's traffic)
NOTHING_SATURATES = 100.0
TOP = 0.98                # the last point, as a share of the first saturation
BEND = (0.8, 0.9, 0.95)   # extra points near the top, as shares of the first saturation
DEFAULT_POINTS = 16
KNEE = ("the load where response time / load is lowest: the line from the origin touches the curve "
        "(Kleinrock 1979; Millsap 2010)")


@dataclass(frozen=True)
class Knee:
    multiplier: float
    dau: float
    mean: float                     # figures at the knee, interpolated (log-log) between the nearest points
    p99: float
    utilisation: float | None       # components only

    def as_dict(self) -> dict[str, Any]:
        return {"multiplier": self.multiplier, "dau": self.dau, "mean": self.mean, "p99": self.p99,
                "utilisation": self.utilisation}


@dataclass(frozen=True)
class Series:
    """One curve: a component, or one operation (read / write) of a client, over the multipliers."""

    id: str
    name: str
    subject: Literal["component", "client"]
    operation: str                  # "" for a component, "read" / "write" for a client
    mean: tuple[float, ...]         # seconds (inf: saturated)
    p95: tuple[float, ...]
    p99: tuple[float, ...]
    utilisation: tuple[float, ...] | None
    knee: Knee | None

    @property
    def key(self) -> str:
        return f"{self.id}:{self.operation}" if self.operation else self.id

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "subject": self.subject, "operation": self.operation,
                "mean": _clean(self.mean), "p95": _clean(self.p95), "p99": _clean(self.p99),
                "utilisation": None if self.utilisation is None else _clean(self.utilisation),
                "knee": self.knee.as_dict() if self.knee else None}


@dataclass(frozen=True)
class Curves:
    plan_name: str
    counts: Counts
    multipliers: tuple[float, ...]
    dau: tuple[float, ...]
    saturation: float               # multiplier where the first component saturates (inf: none found)
    saturating: str | None          # that component
    breaking: float                 # breaking point: first component at its planned ceiling (inf: none)
    breaking_component: str | None
    series: tuple[Series, ...]
    names: dict[str, str] = field(default_factory=dict)   # every component's name, by id

    def get(self, cid: str, operation: str = "") -> Series:
        for s in self.series:
            if s.id == cid and s.operation == operation:
                return s
        raise KeyError(f"no curve for {cid!r} {operation}".strip())

    def as_dict(self) -> dict[str, Any]:
        return {"plan": self.plan_name, "counts": self.counts, "knee_definition": KNEE,
                "multipliers": list(self.multipliers), "dau": list(self.dau),
                "saturation": _clean1(self.saturation), "saturating": self.saturating,
                "breaking_point": _clean1(self.breaking), "breaking_component": self.breaking_component,
                "series": [s.as_dict() for s in self.series]}

    def rows(self) -> list[dict[str, Any]]:
        """One row per series and point (the CSV form): seconds and utilisation as plain numbers."""
        out = []
        for s in self.series:
            for i, m in enumerate(self.multipliers):
                out.append({"subject": s.subject, "id": s.id, "name": s.name, "operation": s.operation,
                            "multiplier": m, "dau": self.dau[i], "mean_s": s.mean[i], "p95_s": s.p95[i],
                            "p99_s": s.p99[i], "utilisation": "" if s.utilisation is None else s.utilisation[i]})
        return out


def _clean1(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _clean(values: tuple[float, ...]) -> list[float | None]:
    return [_clean1(v) for v in values]


# ------------------------------------------------------------------------------------------ range

def saturation(result: PlanResult, frozen: set[str] | frozenset[str] = frozenset()) -> tuple[float, str | None]:
    """(multiplier, component) where the first queue whose count does not grow saturates: its arrival rate
    reaches its service capacity (rho = lam / (c mu) = 1, read from the inputs of the engine's M/M/c
    latency figure), at `result`'s multiplier / rho, load scaling linearly with traffic. A component
    already saturated counts at its traffic utilisation. `frozen`: components whose counts are to be
    taken as fixed besides those the plan fixes."""
    best, which = math.inf, None
    seen: dict[tuple[float, float], float] = {}  # (servers, P_wait) fix the offered load (Erlang C rises with it)
    for cid, r in result.components.items():
        if r.behaviour == "client" or not (r.fixed or cid in frozen or r.behaviour in ("external", "notification")):
            continue
        if math.isinf(r.latency):
            rho = max(1.0, r.details.get("traffic_utilisation", 1.0))
        elif not r.details.get("servers"):
            continue  # no queue: a fixed service time at any load
        else:
            key = (r.details["servers"], r.details["p_wait"])
            if key not in seen:
                inputs = r.figures["latency"].inputs
                seen[key] = inputs["lam"] / (inputs["c"] * inputs["mu"])
            rho = seen[key]
        if rho > 0 and result.multiplier / rho < best:
            best, which = result.multiplier / rho, cid
    return best, which


def grid(top: float, points: int, low: float = LOW) -> list[float]:
    """`points` multipliers: logarithmic from `low` to `top`, with up to three extra points near the top
    (one per four points asked for) where the curves bend."""
    points = max(4, int(points))
    low = min(low, top / 10)
    saturation = top / TOP
    bend = [saturation * b for b in sorted(BEND, reverse=True)[:(points - 2) // 4] if low < saturation * b < top]
    spaced = np.geomspace(low, top, points - len(bend)).tolist()
    return sorted(set(spaced) | set(bend))


def ticks(low: float, high: float) -> list[float]:
    """Where to label a logarithmic load axis from `low` to `high`: 1, 2 and 5 times the powers of ten in
    range (only the powers of ten when that makes more than 12)."""
    out = [m * 10 ** e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
           for m in (1, 2, 5)]
    out = [round(v, 6) for v in out if low * 0.999 <= v <= high * 1.001]
    return out if len(out) <= 12 else [v for v in out if math.log10(v).is_integer()]


# ------------------------------------------------------------------------------------------ knee

def knee_index(multipliers: list[float], latency: list[float]) -> float | None:
    """The knee as a fractional index into the points (None: not inside the range)."""
    x = np.asarray(multipliers, dtype=float)
    w = np.asarray(latency, dtype=float)
    ok = np.isfinite(w) & (w > 0)
    if ok.sum() < 3:
        return None
    idx = np.flatnonzero(ok)
    power = np.log(w[idx] / x[idx])
    i = int(np.argmin(power))
    if i == 0 or i == idx.size - 1 or idx[i + 1] - idx[i - 1] != 2:
        return None
    # a parabola through the three points in log(x): its vertex
    lx = np.log(x[idx[i - 1:i + 2]])
    y = power[i - 1:i + 2]
    denominator = (lx[0] - lx[1]) * (lx[0] - lx[2]) * (lx[1] - lx[2])
    a = (lx[2] * (y[1] - y[0]) + lx[1] * (y[0] - y[2]) + lx[0] * (y[2] - y[1])) / denominator
    b = (lx[2] ** 2 * (y[0] - y[1]) + lx[1] ** 2 * (y[2] - y[0]) + lx[0] ** 2 * (y[1] - y[2])) / denominator
    if a <= 0:
        return float(idx[i])
    vertex = min(max(-b / (2 * a), lx[0]), lx[2])
    j = int(idx[i - 1] if vertex < lx[1] else idx[i])
    return float(j + (vertex - math.log(x[j])) / (math.log(x[j + 1]) - math.log(x[j])))


def _at(values: tuple[float, ...] | list[float], position: float) -> float:
    """The value at a fractional index, interpolated in log-log (exact for figures proportional to load)."""
    j = min(int(position), len(values) - 2)
    f = position - j
    a, b = values[j], values[j + 1]
    if a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b):
        return math.exp((1 - f) * math.log(a) + f * math.log(b))
    return float((1 - f) * a + f * b)


def _knee(multipliers: list[float], dau: list[float], mean: list[float], p99: list[float],
          utilisation: list[float] | None) -> Knee | None:
    position = knee_index(multipliers, mean)
    if position is None:
        return None
    return Knee(_at(multipliers, position), _at(dau, position), _at(mean, position), _at(p99, position),
                None if utilisation is None else _at(utilisation, position))


# ------------------------------------------------------------------------------------------ curves

def curves(plan: Plan, points: int = DEFAULT_POINTS, counts: Counts = "deployed",
           components: list[str] | None = None, clients: list[str] | None = None,
           top: float | None = None, catalog: Catalog | None = None) -> Curves:
    """The curves of the plan. `components` / `clients` pick the series (None: every one; an empty
    list: none); `top` overrides the last multiplier."""
    from archplan.planner.scenarios import deployed

    catalog = catalog or default_catalog()
    base = compute(plan, catalog=catalog)
    bp = base.breaking_point
    if counts == "deployed":  # the x1 figures are the same with the counts fixed at what base deploys
        subject_plan = deployed(plan, base, catalog)
        frozen = {c.id for c, before in zip(subject_plan.components, plan.components) if c is not before}
        breaking, breaking_component = bp.deployed_multiplier, bp.deployed_component
    else:
        subject_plan, frozen = plan, set()
        breaking, breaking_component = bp.multiplier_at_target, bp.component
    sat, saturating = saturation(base, frozen)
    for cid in components or ():
        if cid not in base.components or base.components[cid].behaviour == "client":
            raise KeyError(f"no component {cid!r} (clients: use their id as a client)")
    for cid in clients or ():
        if cid not in base.clients:
            raise KeyError(f"no client {cid!r}")
    if top is None:
        top = min(sat * TOP, 1e4) if math.isfinite(sat) else NOTHING_SATURATES
    from archplan.planner.engine import MAX_MULTIPLIER, MIN_MULTIPLIER

    top = min(max(top, MIN_MULTIPLIER * 100), MAX_MULTIPLIER)
    multipliers = grid(top, points)
    comp_ids = [c for c, r in base.components.items() if r.behaviour != "client"] if components is None \
        else list(components)
    client_ids = list(base.clients) if clients is None else list(clients)
    samples = [compute(subject_plan, multiplier=m, catalog=catalog) for m in multipliers]
    dau = [r.totals.dau for r in samples]
    series = []
    for cid in comp_ids:
        rs = [r.components[cid] for r in samples]
        mean, p95, p99 = [r.latency for r in rs], [r.p95 for r in rs], [r.p99 for r in rs]
        util = [r.utilisation for r in rs]
        series.append(Series(cid, rs[0].name, "component", "", tuple(mean), tuple(p95), tuple(p99), tuple(util),
                             _knee(multipliers, dau, mean, p99, util)))
    for cid in client_ids:
        for op in ("read", "write"):
            cs = [r.clients[cid] for r in samples]
            mean = [c.read_latency if op == "read" else c.write_latency for c in cs]
            if not any(mean):
                continue
            p95 = [c.percentile(op, 0.95) for c in cs]
            p99 = [c.percentile(op, 0.99) for c in cs]
            series.append(Series(cid, cs[0].name, "client", op, tuple(mean), tuple(p95), tuple(p99), None,
                                 _knee(multipliers, dau, mean, p99, None)))
    return Curves(plan.name, counts, tuple(multipliers), tuple(dau), sat, saturating, breaking, breaking_component,
                  tuple(series), {cid: r.name for cid, r in base.components.items()})
