"""
Load behaviour on the command line (registered by planner/cli.py):

    archplan curve FILE [--component ID] [--client ID] [--points N] [--counts deployed|auto] [--json|--csv]
    archplan resilience FILE [--what-if X] [--json]
    archplan sensitivity FILE [--range NAME=SPEC ...] [--spread PCT] [--figure KEY ...] [--json]
    archplan plan FILE --fail ID[,ID] --lose ID=K --fail-zone NAME --slow ID=5x --cold ID   (a scenario)
    archplan plan FILE --range dau=80M..120M --range reads_per_user=8..12                    (ranges)

Every figure comes from planner.curves, planner.scenarios, planner.resilience and planner.ranges; this
module parses and prints. A scenario never touches the plan file.
"""

from __future__ import annotations

import csv
import json
import math

from archplan.planner import units
from archplan.planner.cli_compare import human

COUNTS = ("deployed", "auto")


def register(sub) -> None:
    p = sub.add_parser("curve", help="latency and utilisation against load, from x0.1 to saturation, knee marked")
    p.add_argument("file", help="plan file (.json)")
    p.add_argument("--component", action="append", metavar="ID", help="this component's points (repeatable)")
    p.add_argument("--client", action="append", metavar="ID", help="this client's read and write paths (repeatable)")
    p.add_argument("--points", type=int, metavar="N", help="points on the curve (default 16)")
    p.add_argument("--counts", choices=COUNTS, default="deployed",
                   help="deployed: today's counts stay (default); auto: the engine re-sizes at every point")
    p.add_argument("--to", type=float, metavar="X", dest="top", help="last traffic multiplier (default: saturation)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="every series as JSON (seconds, null: saturated)")
    out.add_argument("--csv", action="store_true", help="one row per series and point")
    p.set_defaults(handler=cmd_curve)

    p = sub.add_parser("resilience", help="every single component, instance and zone failure: what survives")
    p.add_argument("file", help="plan file (.json)")
    p.add_argument("--what-if", type=float, default=1.0, metavar="X", dest="multiplier", help="at traffic x X")
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.set_defaults(handler=cmd_resilience)

    p = sub.add_parser("sensitivity", help="which traffic input moves cost, instances and p99 most (tornado)")
    p.add_argument("file", help="plan file (.json)")
    p.add_argument("--range", action="append", default=[], metavar="NAME=SPEC", dest="ranges",
                   help="vary these inputs (and the plan's own ranges): dau=80M..120M, reads_per_user=+-20%% "
                        "(repeatable)")
    p.add_argument("--spread", type=float, default=20.0, metavar="PCT",
                   help="without --range: vary every demand input by +-PCT %% (default 20)")
    p.add_argument("--figure", action="append", metavar="KEY", dest="figures",
                   help="rank for this figure (cost, instances, latency_p99, availability, storage, ...)")
    p.add_argument("--what-if", type=float, default=1.0, metavar="X", dest="multiplier", help="at traffic x X")
    p.add_argument("--json", action="store_true", help="print the tornado data as JSON")
    p.set_defaults(handler=cmd_sensitivity)


def add_plan_options(p) -> None:
    """The scenario and range options of ``plan``."""
    g = p.add_argument_group("scenario (a copy of the plan; the file is not changed)")
    g.add_argument("--fail", action="append", default=[], metavar="ID[,ID]", help="take components down")
    g.add_argument("--lose", action="append", default=[], metavar="ID=K", help="take K instances of a component down")
    g.add_argument("--fail-zone", action="append", default=[], metavar="NAME", dest="fail_zone",
                   help="take every component of a zone (or any group: id or name) down")
    g.add_argument("--slow", action="append", default=[], metavar="ID=Nx", help="make a component N times slower")
    g.add_argument("--cold", action="append", default=[], metavar="ID[,ID]", help="a cache or CDN with hit ratio 0")
    p.add_argument("--range", action="append", default=[], metavar="NAME=SPEC", dest="ranges",
                   help="a traffic input as a range: dau=80M..120M, dau=100M+-20%%, reads_per_user=8..12 (repeatable)")


def _ids(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _pair(text: str, what: str) -> tuple[str, str]:
    from archplan.planner.cli import CliError

    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise CliError(f"{what} {text!r}: write NAME=VALUE")
    return name.strip(), value.strip()


def faults_of(args) -> list:
    from archplan.planner import scenarios as sc
    from archplan.planner.cli import CliError

    faults = [sc.down(cid) for cid in _ids(args.fail)]
    for text in args.lose:
        cid, k = _pair(text, "--lose")
        if not k.isdigit() or int(k) < 1:
            raise CliError(f"--lose {text!r}: K must be a whole number of instances, at least 1")
        faults.append(sc.lose(cid, int(k)))
    faults += [sc.zone(name) for name in args.fail_zone]
    for text in args.slow:
        cid, factor = _pair(text, "--slow")
        number = factor.lower().removesuffix("x").removeprefix("x")
        try:
            value = float(number)
        except ValueError:
            raise CliError(f"--slow {text!r}: write ID=5x") from None
        if not (math.isfinite(value) and value > 0):
            raise CliError(f"--slow {text!r}: the factor must be a positive number")
        faults.append(sc.slow(cid, value))
    faults += [sc.cold(cid) for cid in _ids(args.cold)]
    return faults


def ranges_of(plan, texts: list[str]) -> list:
    from archplan.planner import ranges as rg

    given = {}
    for text in texts:
        name, spec = _pair(text, "--range")
        r = rg.parse_range(plan, name, spec)
        given[r.name] = r
    own = {r.name: r for r in rg.plan_ranges(plan)}
    return list({**own, **given}.values())


# ------------------------------------------------------------------------------------------ plan

def plan_variant(args, plan) -> bool:
    """Whether ``plan`` must run a scenario or ranges (options given, or ranges in the plan)."""
    return bool(args.fail or args.lose or args.fail_zone or args.slow or args.cold or args.ranges or plan.ranges)


def cmd_plan_variant(args, plan, out) -> int:
    from archplan.planner.cli import CliError, render_plan, result_json

    faults = faults_of(args)
    if faults and (args.ranges or plan.ranges):
        raise CliError("give a scenario (--fail, --lose, --fail-zone, --slow, --cold) or ranges, not both")
    if faults:
        from archplan.planner.scenarios import run

        report = run(plan, faults, multiplier=args.multiplier)
        if args.json:
            out.write(result_json(report.after, explain=args.explain, extra={"scenario": report.as_dict()}))
            return 0
        out.write(render_scenario(report))
        return 0
    from archplan.planner.ranges import evaluate_ranges

    rep = evaluate_ranges(plan, ranges_of(plan, args.ranges), multiplier=args.multiplier)
    if args.json:
        out.write(result_json(rep.expected, explain=args.explain, extra={"ranges": rep.as_dict()}))
        return 0
    out.write(render_plan(plan, rep.expected, explain=args.explain))
    out.write("\n" + render_ranges(rep))
    return 0


def render_scenario(report) -> str:
    from archplan.planner.cli import _table

    names = {cid: r.name for cid, r in report.before.components.items()}
    at = f" at traffic x{report.multiplier:g}" if report.multiplier != 1 else ""
    lines = ["SCENARIO: " + "; ".join(report.labels),
             f"(a copy of '{report.plan.name}' with today's counts{at}; the file is unchanged)", ""]
    rows = []
    for c in report.components:
        count = f"{c.count[0]}" if c.count[1] in (None, c.count[0]) else f"{c.count[0]} -> {c.count[1]}"
        util = units.format_percent(c.utilisation[0], 0) + ("" if c.utilisation[1] is None else
                                                            f" -> {units.format_percent(c.utilisation[1], 0)}")
        rows.append((c.name, c.state, count, util, "SATURATED" if c.saturated else (c.status[1] or "-")))
    lines.append(_table(("component", "state", "count", "utilisation", "status"), rows))
    for s, d, to in report.applied.moved:
        lines.append(f"Traffic moved: {names[s]} sends what went to {names[d]} to {', '.join(names[t] for t in to)}")
    for c in report.clients:
        reasons = [r for r in c.reasons if not r.startswith("errors")]  # the error rates follow
        detail = f" ({'; '.join(reasons)})" if reasons else ""
        lines.append(f"Client {c.name}: {c.status.upper()}{detail}; errors {_errors(c.error_rate[0])} -> "
                     f"{_errors(c.error_rate[1])}; p99 reads {human('duration', c.read_p99[0])} -> "
                     f"{human('duration', c.read_p99[1])}, writes {human('duration', c.write_p99[0])} -> "
                     f"{human('duration', c.write_p99[1])}")
    for r in report.retries:
        lines.append(f"Retries: {r.name} takes {r.attempts[1]:.3g} calls per request (was {r.attempts[0]:.3g})")
    before, after = report.error_rate
    lines.append(f"Error rate (all clients' requests): {_errors(before)} -> {_errors(after)}")
    if report.bottleneck:
        b = report.after.components[report.bottleneck]
        lines.append(f"Busiest survivor: {b.name} at {units.format_percent(b.utilisation)} of its {b.binding}")
    if report.holds:
        lines.append("The rest holds: every client is still served and no survivor is saturated.")
    else:
        why = []
        if report.failing or report.partly_failing:
            why.append("requests of " + ", ".join(names[c] for c in report.failing + report.partly_failing) + " fail")
        if report.newly_saturated:
            why.append(", ".join(names[c] for c in report.newly_saturated) + " saturated")
        lines.append("Does not hold: " + "; ".join(why) + ".")
    return "\n".join(lines) + "\n"


def _errors(rate: float) -> str:
    return f"{100 * rate:.3g} %" if rate >= 1e-6 else "0 %"


def render_ranges(rep) -> str:
    from archplan.planner.cli import _table

    inputs = ", ".join(r.text() for r in rep.inputs)
    rows = [(f.label, human(f.unit, f.low), human(f.unit, f.expected), human(f.unit, f.high)) for f in rep.figures]
    return (f"Ranges: {inputs} ({rep.method}: {rep.evaluations} computations)\n"
            + _table(("figure", "low", "expected", "high"), rows))


# ------------------------------------------------------------------------------------------ curve

def cmd_curve(args, out) -> int:
    from archplan.planner.cli import CliError, _load
    from archplan.planner.curves import DEFAULT_POINTS, curves

    plan = _load(args.file)
    args.points = DEFAULT_POINTS if args.points is None else args.points
    if not 4 <= args.points <= 1000:
        raise CliError(f"--points {args.points}: give between 4 and 1000")
    if args.top is not None and not (math.isfinite(args.top) and args.top > 0.1):
        raise CliError(f"--to {args.top:g}: give a multiplier above 0.1")
    selected = bool(args.component or args.client)
    try:
        cv = curves(plan, points=args.points, counts=args.counts, top=args.top,
                    components=args.component or ([] if selected else None),
                    clients=args.client or ([] if selected else None))
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None
    if args.json:
        json.dump(cv.as_dict(), out, indent=2, allow_nan=False)
        out.write("\n")
        return 0
    if args.csv:
        rows = cv.rows()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["subject"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return 0
    out.write(render_curves(cv, detailed=selected))
    return 0


def _mark(cv, value: float | None) -> int | None:
    if value is None or not math.isfinite(value):
        return None
    return min(range(len(cv.multipliers)), key=lambda i: abs(math.log(cv.multipliers[i] / value)))


def render_curves(cv, detailed: bool) -> str:
    from archplan.planner.cli import _table
    from archplan.planner.curves import KNEE

    counts = "today's counts" if cv.counts == "deployed" else "counts re-sized at every point"
    names = cv.names
    end = (f"where {names.get(cv.saturating, cv.saturating)} saturates at x{cv.saturation:.3g}"
           if cv.saturating else "nothing saturates")
    lines = [f"Curves of {cv.plan_name}: traffic x{cv.multipliers[0]:.3g} to x{cv.multipliers[-1]:.3g} with {counts} "
             f"({end})"]
    if cv.breaking_component and math.isfinite(cv.breaking):
        lines.append(f"Breaking point: x{cv.breaking:.3g} ({names.get(cv.breaking_component, cv.breaking_component)} "
                     f"reaches its planned ceiling)")
    lines.append(f"Knee: {KNEE}")
    lines.append("")
    if not detailed:
        rows = []
        for s in cv.series:
            k = s.knee
            rows.append((s.name + (f" ({s.operation}s)" if s.operation else ""),
                         human("duration", s.p99[0]), human("duration", s.p99[-1]),
                         "-" if k is None else f"x{k.multiplier:.3g}",
                         "-" if k is None or k.utilisation is None else units.format_percent(k.utilisation, 0),
                         "-" if k is None else human("duration", k.p99)))
        lines.append(_table(("curve", f"p99 at x{cv.multipliers[0]:.2g}", f"p99 at x{cv.multipliers[-1]:.3g}",
                             "knee", "util. at knee", "p99 at knee"), rows))
        lines.append("The points: --component ID or --client ID; everything: --json or --csv.")
        return "\n".join(lines) + "\n"
    breaking = _mark(cv, cv.breaking)
    for s in cv.series:
        knee = _mark(cv, s.knee.multiplier if s.knee else None)
        title = f"{s.name} ({s.operation}s, end to end)" if s.operation else f"{s.name} ({s.id})"
        knee_text = (f"knee at x{s.knee.multiplier:.3g}" + ("" if s.knee.utilisation is None else
                     f", utilisation {units.format_percent(s.knee.utilisation, 0)}") if s.knee else "no knee in range")
        lines.append(f"{title}: {knee_text}")
        rows = []
        for i, m in enumerate(cv.multipliers):
            marks = [w for w, at in (("knee", knee), ("breaking point", breaking)) if at == i]
            rows.append((f"x{m:.3g}", units.format_count(cv.dau[i]), human("duration", s.mean[i]),
                         human("duration", s.p95[i]), human("duration", s.p99[i]),
                         "-" if s.utilisation is None else units.format_percent(s.utilisation[i], 0),
                         ("<- " + ", ".join(marks)) if marks else ""))
        lines.append(_table(("traffic", "DAU", "mean", "p95", "p99", "util.", "note"), rows))
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ resilience

def cmd_resilience(args, out) -> int:
    from archplan.planner.cli import _load
    from archplan.planner.resilience import resilience

    plan = _load(args.file)
    report = resilience(plan, multiplier=args.multiplier)
    if args.json:
        json.dump(report.as_dict(), out, indent=2, allow_nan=False)
        out.write("\n")
        return 0
    out.write(render_resilience(plan, report))
    return 0


def render_resilience(plan, report) -> str:
    from archplan.planner.cli import _table

    names = {c.id: c.name for c in plan.components}

    def who(ids) -> str:
        return ", ".join(names[i] for i in ids) or "-"

    def busiest(o) -> str:
        if not o.bottleneck:
            return "-"
        return f"{names[o.bottleneck]} {units.format_percent(o.bottleneck_utilisation or 0, 0)}"

    lines = [f"Resilience of {plan.name}: each failure alone, today's counts"
             + (f", traffic x{report.multiplier:g}" if report.multiplier != 1 else "")
             + f"; errors before any failure {_errors(report.error_rate)}", ""]
    rows = []
    for r in report.components:
        n1 = "managed" if r.managed else ("yes" if r.n_plus_one else "no")
        d = r.down
        rows.append((r.name, str(r.count), n1, who(d.failing), who(d.partly_failing), who(d.degraded),
                     _errors(d.error_rate), busiest(d), "yes" if d.holds else "NO"))
    lines.append(_table(("if this fails", "count", "N+1", "clients failing", "partly failing", "degraded",
                         "errors", "busiest survivor", "holds"), rows))
    if report.groups:
        rows = [(g.name, g.kind, who(g.members), who(g.down.failing), who(g.down.partly_failing),
                 _errors(g.down.error_rate), busiest(g.down), "yes" if g.down.holds else "NO") for g in report.groups]
        lines.append(_table(("if this group fails", "kind", "down with it", "clients failing", "partly failing",
                             "errors", "busiest survivor", "holds"), rows))
    lines.append("N+1: carries the peak with one instance fewer. Holds: no request meets a component that is down "
                 "and no survivor saturates.")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------ sensitivity

def cmd_sensitivity(args, out) -> int:
    from archplan.planner import ranges as rg
    from archplan.planner.cli import CliError, _load

    plan = _load(args.file)
    if not (math.isfinite(args.spread) and 0 < args.spread < 100):
        raise CliError(f"--spread {args.spread:g}: give a percentage between 0 and 100")
    inputs = ranges_of(plan, args.ranges) if args.ranges else rg.default_inputs(plan, args.spread / 100)
    if not inputs:
        raise CliError("no traffic input to vary (give --range NAME=SPEC)")
    sens = rg.sensitivity(plan, inputs, tuple(args.figures or rg.TORNADO_FIGURES), multiplier=args.multiplier)
    if args.json:
        json.dump(sens.as_dict(), out, indent=2, allow_nan=False)
        out.write("\n")
        return 0
    out.write(render_sensitivity(plan, sens))
    return 0


def render_sensitivity(plan, sens, width: int = 20) -> str:
    from archplan.planner.cli import _table
    from archplan.planner.ranges import _FORMAT, UNIT

    lines = [f"Sensitivity of {plan.name}: each input alone at its low and high end, the others as planned", ""]
    for t in sens.tornados:
        finite = [b.swing for b in t.bars if math.isfinite(b.swing)]
        top = max(finite, default=0.0)
        rows = []
        for b in t.bars:
            show = _FORMAT[UNIT[b.input]]
            length = width if math.isinf(b.swing) else (round(width * b.swing / top) if top > 0 else 0)
            swing = human(t.unit, b.swing) if b.swing else "0"
            rows.append((b.input, f"{show(b.low_value)}..{show(b.high_value)}", human(t.unit, b.at_low),
                         human(t.unit, b.at_high), f"{swing:<9} {'#' * length}"))
        lines.append(f"{t.label} (as planned: {human(t.unit, t.base)})")
        lines.append(_table(("input", "range", "at low", "at high", "swing"), rows))
    return "\n".join(lines)
