"""
The Simulate report as rows and frames: what ``simulate`` prints (planner/simcli.py) and what the GUI's
Simulate panel shows (ui/simulate_panel.py), both read from one SimulationResult.

- ``component_rows`` / ``path_rows``: per component (and client path) each compared figure as a
  ``Cell``: the simulated value with its 95 % confidence half-width, the formula's figure it is compared
  with (carried to the simulated scale, ``ComponentSim.expected``), whether it was compared and whether
  it disagrees. The components listed are the CLI's (those that saw traffic).
- ``flagged`` / ``too_few``: the CLI's closing lines as lists.
- ``frames``: the run's utilisation trace as playback frames (one per window of simulated time), each
  component's busy share in that window with its status (planner.result.status_of against the
  component's ceiling), for the canvas animation.

Pure Python: no Qt, and no simulation or engine import at load (the report reads a finished result).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from archplan.planner import units

if TYPE_CHECKING:  # loaded when used: the CLI's --help imports this module and stays light (no numpy)
    from archplan.planner.result import PlanResult
    from archplan.planner.simstats import Estimate
    from archplan.planner.simulation import SimulationResult

#: The figures compared per component, in the table's order.
FIGURES = ("utilisation", "mean", "p95", "p99")
#: The figures of a client path (end to end).
PATH_FIGURES = ("mean", "p50", "p95", "p99")


def format_time(x: float | None) -> str:
    """A response time as the report prints it ('-' unknown, 'saturated' without bound)."""
    if x is None:
        return "-"
    if math.isinf(x):
        return "saturated"
    return units.format_duration(x)


def format_share(x: float) -> str:
    """A utilisation as the report prints it (three significant digits)."""
    return f"{x * 100:.3g} %"


class Cell(NamedTuple):
    """One figure of one row: simulated (± its 95 % CI) beside the formula's."""

    figure: str
    simulated: float | None        # None: not simulated (a delay has no utilisation, too few samples)
    ci: float | None               # 95 % half-width; None when unknown
    formula: float | None          # the formula's figure the simulated one is compared with
    compared: bool
    flagged: bool                  # compared and outside the tolerance (simstats.disagrees)

    @property
    def percent(self) -> bool:
        return self.figure == "utilisation"

    def simulated_text(self) -> str:
        """'62.1 % ±0.38 %', '4.2 ms ±0.1 ms' or '-'."""
        fmt = format_share if self.percent else format_time
        if self.simulated is None:
            return "-"
        text = fmt(self.simulated)
        if self.ci is not None:
            text += f" ±{fmt(float(f'{self.ci:.2g}'))}"
        return text

    def formula_text(self) -> str:
        fmt = format_share if self.percent else format_time
        return "-" if self.formula is None else fmt(self.formula)


def _cell(figure: str, est: Estimate | None, formula: float | None, compared, flagged) -> Cell:
    value = ci = None
    if est is not None and not math.isnan(est.value):
        value = est.value
        ci = est.ci if math.isfinite(est.ci) else None
    return Cell(figure, value, ci, formula, figure in compared, figure in flagged)


class ComponentRow(NamedTuple):
    id: str
    name: str
    kind: str
    visits_per_s: float            # measured, at full scale
    completed: int
    cells: dict[str, Cell]         # FIGURES
    queue_mean: float              # requests waiting, time average after the warm-up
    queue_end: int                 # requests waiting when the run ended
    dropped: int

    @property
    def flagged(self) -> tuple[str, ...]:
        return tuple(name for name in FIGURES if self.cells[name].flagged)


class PathRow(NamedTuple):
    client: str
    name: str
    cls: str                       # traffic class, e.g. "read", "media write"
    completed: int
    cells: dict[str, Cell]         # PATH_FIGURES


def component_rows(sim: SimulationResult) -> list[ComponentRow]:
    """One row per component that saw traffic in the run (the CLI's table), in the plan's order."""
    rows = []
    for c in sim.components.values():
        if not c.completed and not c.queue_end:
            continue
        cells = {name: _cell(name, getattr(c, name), c.expected.get(name), c.compared, c.disagreements)
                 for name in FIGURES}
        rows.append(ComponentRow(c.id, c.name, c.kind, c.arrival_rate, c.completed, cells, c.queue_mean,
                                 c.queue_end, c.dropped))
    return rows


def path_rows(sim: SimulationResult) -> list[PathRow]:
    """One row per client traffic class with enough completed requests to estimate its mean."""
    rows = []
    for p in sim.paths:
        if p.mean is None:
            continue
        cells = {k: _cell(k, getattr(p, k), p.formula.get(k), p.compared, p.disagreements) for k in PATH_FIGURES}
        rows.append(PathRow(p.client, p.name, p.cls.replace("_", " "), p.completed, cells))
    return rows


def flagged(sim: SimulationResult) -> list[str]:
    """Every disagreement, 'App server utilisation', 'Web read p99' (components first, then paths)."""
    out = [f"{sim.components[cid].name} {what}" for cid, what in sim.disagreements()]
    out += [f"{p.name} {p.cls.replace('_', ' ')} {what}" for p in sim.paths for what in p.disagreements]
    return out


def too_few(sim: SimulationResult) -> list[str]:
    """Components with completed visits but too few to compare their latency."""
    return [c.name for c in sim.components.values() if c.completed and "mean" not in c.compared]


def headline(sim: SimulationResult) -> str:
    """'three_tier: simulated 1 min at peak x2, seed 1, 123,456 events, scaled down x5'."""
    return (f"{sim.plan}: simulated {units.format_duration(sim.duration)} at peak"
            + (f" x{sim.multiplier:g}" if sim.multiplier != 1 else "")
            + f", seed {sim.seed}, {sim.events:,} events"
            + (f", scaled down x{sim.scale:g}" if sim.scale > 1 else ""))


# ------------------------------------------------------------------------------------------ playback

class Frame(NamedTuple):
    """One window of simulated time: [start, end) s, and per queueing component (busy share, status)."""

    index: int
    start: float
    end: float
    load: dict[str, tuple[float, str]]


def frames(sim: SimulationResult, result: PlanResult | None = None) -> list[Frame]:
    """The utilisation trace as frames. A component's status in a window is status_of(its busy share,
    its ceiling in ``result``, the engine's result the run was made from); without a result, or for a
    component it does not know, the ceiling is 1 (ok below 80 %, warn up to 100 %)."""
    from archplan.planner.result import status_of

    windows = max((len(v) for v in sim.trace.values()), default=0)
    ceilings = {}
    for cid in sim.trace:
        r = result.components.get(cid) if result is not None else None
        ceilings[cid] = r.ceiling if r is not None and r.ceiling else 1.0
    out = []
    for i in range(windows):
        load = {}
        for cid, trace in sim.trace.items():
            if i < len(trace):
                u = trace[i]
                load[cid] = (u, status_of(u, ceilings[cid]))
        out.append(Frame(i, i * sim.window_s, (i + 1) * sim.window_s, load))
    return out


def frame_caption(sim: SimulationResult, frame: Frame) -> str:
    """'t = 12 s – 13 s of 1 min' (simulated time of a frame)."""
    return (f"t = {units.format_duration(frame.start)} – {units.format_duration(frame.end)} "
            f"of {units.format_duration(sim.duration)}")
