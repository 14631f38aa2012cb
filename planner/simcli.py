"""
``python main.py simulate FILE [--seed N] [--duration 60s] [--what-if X] [--json]``: the plan run request by
request (planner.simulation), each component's simulated figures beside the formulas', disagreements
flagged. The same seed prints the same output.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from archplan.planner import simreport, units

if TYPE_CHECKING:  # the simulation (ciw, networkx) loads when a run starts, not for --help
    from archplan.planner.simulation import SimulationResult

#: planner.simulation.DEFAULT_MAX_VISITS, repeated so the parser needs no simulation (a test keeps them equal).
DEFAULT_MAX_VISITS = 60_000


def add_parser(sub, duration_type, table) -> None:
    p = sub.add_parser("simulate", help="run the plan request by request (discrete-event simulation) and set "
                                        "the simulated figures beside the formulas")
    p.add_argument("file", help="plan file (.json)")
    p.add_argument("--seed", type=int, default=1, help="random seed (the same seed gives the same output; default 1)")
    p.add_argument("--duration", type=duration_type, default=60.0,
                   help="simulated time, e.g. 60s or 5min (default 60s; a run over the visit budget is "
                        "shortened, then scaled down, and says so)")
    p.add_argument("--what-if", type=float, default=1.0, metavar="X", dest="multiplier",
                   help="scale the traffic by X (e.g. 0.1 or 10)")
    p.add_argument("--max-visits", type=int, default=DEFAULT_MAX_VISITS, metavar="N",
                   help="visits a run may simulate before it is shortened or scaled down "
                        f"(default {DEFAULT_MAX_VISITS:,})")
    p.add_argument("--json", action="store_true", help="print the whole simulation result as JSON (seconds)")
    p.set_defaults(handler=lambda args, out: cmd_simulate(args, out, table))


def cmd_simulate(args, out, table) -> int:
    from archplan.planner.engine import compute
    from archplan.planner.io import load_plan
    from archplan.planner.simulation import simulate

    if args.max_visits < 1:
        raise ValueError(f"--max-visits must be at least 1, got {args.max_visits}")
    if args.duration <= 0:
        raise ValueError("--duration must be longer than 0 s")
    plan = load_plan(args.file)
    result = compute(plan, multiplier=args.multiplier)
    sim = simulate(plan, seed=args.seed, duration=args.duration, multiplier=args.multiplier, result=result,
                   max_visits=args.max_visits)
    if args.json:
        json.dump(sim.as_dict(), out, indent=2, allow_nan=False)
        out.write("\n")
        return 0
    out.write(render(sim, table))
    return 0


def _pair(cell: simreport.Cell) -> str:
    """'simulated +- ci / formula', with '!' where they disagree (planner.simreport)."""
    return f"{cell.simulated_text()} / {cell.formula_text()}" + (" !" if cell.flagged else "")


def render(sim: SimulationResult, table) -> str:
    """The comparison table: per component simulated ±95 % CI / formula, then client paths and notes
    (the rows and lines of planner.simreport, which the GUI's Simulate panel shows too)."""
    rows = [(row.name, units.format_qps(row.visits_per_s), *(_pair(row.cells[name]) for name in simreport.FIGURES),
             f"{row.queue_mean:.3g}", str(row.dropped)) for row in simreport.component_rows(sim)]
    lines = [simreport.headline(sim), "(each cell: simulated ±95 % CI / formula; ! = they disagree)", ""]
    headers = ("component", "visits/s", "utilisation", "mean", "p95", "p99", "queue", "drops")
    lines.append(table(headers, rows).rstrip("\n"))
    path_rows = [(p.name, p.cls, f"{p.completed:,}", *(_pair(p.cells[k]) for k in simreport.PATH_FIGURES))
                 for p in simreport.path_rows(sim)]
    if path_rows:
        lines.append("")
        headers = ("client", "class", "completed", "mean end to end", "p50", "p95", "p99")
        lines.append(table(headers, path_rows).rstrip("\n"))
    flagged = simreport.flagged(sim)
    lines.append("")
    if flagged:
        lines.append("Disagreements: " + ", ".join(flagged))
    else:
        lines.append("Every compared figure agrees with the formulas, within its confidence interval and tolerance.")
    short = simreport.too_few(sim)
    if short:
        lines.append("Too few completed requests to compare latency: " + ", ".join(short))
    for note in sim.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"
