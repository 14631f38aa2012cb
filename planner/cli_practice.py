"""
The ``practice`` subcommand (registered by planner/cli.py): the estimate part of interview practice, headless.

    archplan practice list [--json]                          the prompt library
    archplan practice show PROMPT [--json]                   statement, requirements, givens, graded figures
    archplan practice estimate PROMPT [--write-qps 3.5K ...] [--assume dau=150M ...] [--answers FILE]
                                      [--level senior] [--json] [-o OUT [--force]]
    archplan practice score FILE [--prompt PROMPT] [--json]  score a saved practice run (or a plain plan)

``estimate`` grades each figure the candidate gives against Archplan's own (planner.practice.estimation):
the work shown (formula with the prompt's givens substituted), the band (within 2x is fine in an
interview), the credit and why. Figures not given are listed as not entered. ``-o`` writes the run as a
plan: the prompt's traffic profile, one client, and the practice record (estimates, inputs, timeline).
Bad input (unknown prompt or figure, a value without a sensible unit) exits 2 with one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archplan.planner.practice.names import INPUTS, LABELS

#: Figures with their own flag (--write-qps ...); a prompt's extra figures go through --estimate KEY=VALUE.
FLAGS = tuple(LABELS)


def register(sub) -> None:
    p = sub.add_parser("practice", help="interview practice: prompts, estimates graded against Archplan's, scores")
    psub = p.add_subparsers(dest="practice_command", metavar="ACTION")
    lst = psub.add_parser("list", help="the prompt library")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)
    show = psub.add_parser("show", help="a prompt: statement, requirements, givens, the figures graded")
    show.add_argument("prompt", help="prompt id (see practice list)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)
    est = psub.add_parser("estimate", help="grade your estimates against Archplan's, with the work shown")
    est.add_argument("prompt", help="prompt id (see practice list)")
    for key in FLAGS:
        est.add_argument(f"--{key.replace('_', '-')}", dest=f"fig_{key}", metavar="VALUE",
                         help=f"{LABELS[key][0]} (with a unit, e.g. {_example(LABELS[key][1])})")
    est.add_argument("--estimate", action="append", default=[], metavar="KEY=VALUE",
                     help="any graded figure by key, e.g. connections=8M (repeatable)")
    est.add_argument("--assume", action="append", default=[], metavar="NAME=VALUE",
                     help=f"an input you used, checked for consistency: {', '.join(INPUTS)} (repeatable)")
    est.add_argument("--answers", metavar="FILE", help='JSON: {"estimates": {KEY: VALUE}, "assumptions": {NAME: '
                                                       'VALUE}, "level": "senior"}; flags override it')
    est.add_argument("--level", choices=("junior", "mid", "senior", "staff"),
                     help="the bar (junior: average QPS and storage only); default senior")
    est.add_argument("--json", action="store_true")
    est.add_argument("-o", "--output", metavar="OUT", help="write the run as a practice plan")
    est.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    est.set_defaults(handler=cmd_estimate)
    sc = psub.add_parser("score", help="score a practice plan (or a plain plan against --prompt)")
    sc.add_argument("file", help="plan file (.json)")
    sc.add_argument("--prompt", help="the prompt to score against (default: the plan's practice run)")
    sc.add_argument("--json", action="store_true")
    sc.set_defaults(handler=cmd_score)
    p.set_defaults(handler=_need_action)


def _example(kind: str) -> str:
    return {"qps": "3.5K", "size": "160TB", "size_day": "90GB", "bandwidth": "1.5GB/s or 12Gbit/s"}.get(kind, "150M")


def _need_action(args, out) -> int:
    from archplan.planner.cli import CliError

    raise CliError("practice needs an action: list, show, estimate or score")


def _prompt(name: str):
    from archplan.planner.cli import CliError
    from archplan.planner.practice.prompts import PromptError, load_prompt

    try:
        return load_prompt(name)
    except PromptError as exc:
        raise CliError(str(exc)) from None


def _dump(data: Any, out) -> None:
    json.dump(data, out, indent=2, allow_nan=False)
    out.write("\n")


# ------------------------------------------------------------------------------------------ list, show

def cmd_list(args, out) -> int:
    from archplan.planner.practice.prompts import library

    prompts = library()
    if args.json:
        _dump([{"id": p.id, "title": p.title, "template": p.template, "graded": list(p.graded)}
               for p in prompts.values()], out)
        return 0
    width = max(len(p) for p in prompts)
    for p in prompts.values():
        out.write(f"{p.id:<{width}}  {p.title} (reference: {p.template}; {len(p.graded)} figures graded)\n")
    return 0


def prompt_dict(prompt) -> dict[str, Any]:
    from archplan.planner.practice.estimation import kind_of, label_of

    return {"id": prompt.id, "title": prompt.title, "statement": prompt.statement, "source": prompt.source,
            "functional": [f.text for f in prompt.functional],
            "non_functional": [n.text for n in prompt.non_functional],
            "givens": [{"text": g.text, "source": g.source} for g in prompt.givens],
            "graded": [{"key": k, "label": label_of(prompt, k), "kind": kind_of(prompt, k)} for k in prompt.graded],
            "hints": len(prompt.hints), "template": prompt.template}


def cmd_show(args, out) -> int:
    from archplan.planner.practice.estimation import label_of

    prompt = _prompt(args.prompt)
    if args.json:
        _dump(prompt_dict(prompt), out)
        return 0
    out.write(f"{prompt.title}\n\n{prompt.statement}\n\nGivens:\n")
    for g in prompt.givens:
        out.write(f"  - {g.text} ({g.source})\n")
    out.write("\nEstimate (give each with its unit):\n")
    for key in prompt.graded:
        out.write(f"  --{key.replace('_', '-'):<26} {label_of(prompt, key)}\n"
                  if key in LABELS else f"  --estimate {key}=VALUE{'':<9} {label_of(prompt, key)}\n")
    out.write(f"\nSource: {prompt.source}\n"
              f"Requirements are yours to find (the GUI's practice mode checks them); {len(prompt.hints)} hints "
              "there, each costs points.\n")
    return 0


# ------------------------------------------------------------------------------------------ estimate

def _pairs(items: list[str], what: str) -> dict[str, str]:
    from archplan.planner.cli import CliError

    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CliError(f"{what} {item!r} must be KEY=VALUE")
        pairs[key.strip().replace("-", "_")] = value.strip()
    return pairs


def read_answers(path: str) -> dict[str, Any]:
    from archplan.planner.cli import CliError

    try:
        raw = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read answers {path}: {exc}") from None
    if not isinstance(raw, dict) or set(raw) - {"estimates", "assumptions", "level"}:
        raise CliError(f"answers {path}: expected an object with estimates, assumptions and level")
    for part in ("estimates", "assumptions"):
        if not isinstance(raw.get(part, {}), dict):
            raise CliError(f"answers {path}: {part} must be an object")
    return raw


def parse_answers(prompt, estimates: dict[str, Any], assumptions: dict[str, Any]) -> tuple[dict, dict]:
    """Typed values (text with units, or numbers in base units) -> base units; CliError naming the bad one."""
    from archplan.planner import units
    from archplan.planner.cli import CliError
    from archplan.planner.practice.estimation import kind_of, parse

    known = set(LABELS) | {x.key for x in prompt.extra_figures}
    figures, inputs = {}, {}
    for key, value in estimates.items():
        if key not in known:
            raise CliError(f"unknown figure {key!r} (one of: {', '.join(prompt.graded)})")
        try:
            figures[key] = parse(kind_of(prompt, key), value)
        except (units.UnitError, ValueError, TypeError) as exc:
            raise CliError(f"{key} {value!r}: {exc}") from None
    for name, value in assumptions.items():
        if name not in INPUTS:
            raise CliError(f"unknown input {name!r} (one of: {', '.join(INPUTS)})")
        try:
            inputs[name] = parse(INPUTS[name][1], value)
        except (units.UnitError, ValueError, TypeError) as exc:
            raise CliError(f"{name} {value!r}: {exc}") from None
    for name, value in {**figures, **inputs}.items():
        if not value >= 0 or value == float("inf"):
            raise CliError(f"{name} must be a finite number >= 0")
    return figures, inputs


def graded_dict(g) -> dict[str, Any]:
    return {"key": g.key, "label": g.label, "yours": g.answer, "archplan": g.reference.value,
            "archplan_text": g.reference.formatted(), "published": g.published, "ratio": g.ratio, "band": g.band,
            "credit": g.credit, "consistency": g.consistency, "notes": list(g.notes), "work": list(g.work())}


def cmd_estimate(args, out) -> int:
    from archplan.planner.cli import CliError
    from archplan.planner.practice.answers import FIGURE_POINTS
    from archplan.planner.practice.estimation import fmt, grade
    from archplan.planner.practice.record import PracticeRun, TimelineEvent

    prompt = _prompt(args.prompt)
    raw = read_answers(args.answers) if args.answers else {}
    estimates = dict(raw.get("estimates", {}))
    estimates.update({k: getattr(args, f"fig_{k}") for k in FLAGS if getattr(args, f"fig_{k}") is not None})
    estimates.update(_pairs(args.estimate, "--estimate"))
    assumptions = {**raw.get("assumptions", {}), **_pairs(args.assume, "--assume")}
    level = args.level or raw.get("level") or "senior"
    if level not in ("junior", "mid", "senior", "staff"):
        raise CliError(f"level {level!r} must be junior, mid, senior or staff")
    figures, inputs = parse_answers(prompt, estimates, assumptions)
    if not figures:
        raise CliError(f"no estimate given: give at least one figure (e.g. --{prompt.graded[0].replace('_', '-')}),"
                       f" see archplan practice show {prompt.id}")
    run = PracticeRun(prompt=prompt.id, level=level, estimates=figures, assumptions=inputs, revealed=True,
                      timeline=[TimelineEvent(t=0, event="start"), TimelineEvent(t=0, event="step", step="estimates"),
                                TimelineEvent(t=0, event="reveal", step="estimates")])
    graded = grade(prompt, run)
    each = FIGURE_POINTS / len(graded) if graded else 0.0
    got = sum(each * g.credit for g in graded)
    extra = sorted(set(figures) - {g.key for g in graded})
    written = _write(args, prompt, run) if args.output else None
    if args.json:
        _dump({"prompt": prompt.id, "level": level, "points": round(got, 2), "max": FIGURE_POINTS,
               "figures": [graded_dict(g) for g in graded], "not_graded": extra, "written": written}, out)
        return 0
    out.write(f"{prompt.title}: your estimates against Archplan's ({level} level)\n")
    out.write("Within 2x of Archplan's figure is fine in an interview (full credit); within 3.16x half; further "
              "off none.\n\n")
    for g in graded:
        out.write(f"{g.label}: yours {fmt(g.kind, g.answer)}, Archplan's {g.reference.formatted()} -> {g.band}, "
                  f"{each * g.credit:.2g} of {each:.2g} points\n")
        for line in g.work():
            out.write(f"    {line}\n")
        for note in g.notes:
            out.write(f"    note: {note}\n")
        out.write("\n")
    if extra:
        out.write(f"Not graded at this level: {', '.join(extra)}\n")
    out.write(f"Estimates: {got:.1f} of {FIGURE_POINTS:g} points.\n")
    if written:
        out.write(f"Wrote {written}\n")
    return 0


def practice_plan(prompt, run):
    """A plan to draw the design in: the prompt's traffic profile, one client, and the practice run."""
    from archplan.planner.model import Component, Plan

    return Plan(name=f"Practice: {prompt.title}", description=prompt.statement,
                traffic=prompt.traffic.model_copy(),
                components=[Component(id="users", kind="client.mobile", name="Users")], practice=run)


def _write(args, prompt, run) -> str:
    from archplan.planner.cli import CliError
    from archplan.planner.io import save_plan

    target = Path(args.output).expanduser()
    if target.exists() and not args.force:
        raise CliError(f"{target} already exists; use --force to overwrite it")
    if target.is_dir() or not target.parent.is_dir():
        raise CliError(f"cannot write {target}: not a file in an existing folder")
    save_plan(practice_plan(prompt, run), target)
    return str(target)


# ------------------------------------------------------------------------------------------ score

def cmd_score(args, out) -> int:
    from archplan.planner.cli import CliError, _load
    from archplan.planner.practice.score import score

    plan = _load(args.file)
    if args.prompt:
        _prompt(args.prompt)
    try:
        s = score(plan, prompt=args.prompt)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        _dump(s.as_dict(), out)
        return 0
    out.write(render_score(s))
    return 0


def render_score(s) -> str:
    lines = [f"{s.prompt.title} ({s.level} level): {s.got:g} of {s.assessed_max:g} points assessed, "
             f"{s.percent:.0f} %: {s.band}", ""]
    for d in s.dimensions:
        if not d.assessed:
            lines.append(f"{d.title}: not assessed")
            continue
        lines.append(f"{d.title}: {d.got:g} of {d.assessed_max:g}")
        for p in d.points:
            if p.missing or p.penalty:
                lines.append(f"  - {p.title} ({p.got:g}/{p.max:g}): {p.message}")
                if p.advice:
                    lines.append(f"    to earn it: {p.advice}")
    lines.append("")
    lines += [f"Note: {n}" for n in s.notes]
    return "\n".join(lines) + "\n"
