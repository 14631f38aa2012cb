"""
Points from the candidate's own answers: the requirements step (checklist: options picked from the prompt's
lists, precision as well as recall, every non-functional requirement with a number) and the estimates
(planner.practice.estimation's bands, plus the inputs written, an implication drawn, and the figures
feeding the traffic profile the design is computed with).
"""

from __future__ import annotations

import re

from archplan.planner import units
from archplan.planner.model import Plan
from archplan.planner.practice.estimation import fmt, grade
from archplan.planner.practice.points import Point, not_assessed, point
from archplan.planner.practice.prompts import NonFunctional, Prompt, seeded_traffic
from archplan.planner.practice.record import PracticeRun
from archplan.planner.practice.steps import MIN_REQUIREMENTS_S, step_times

#: More functional requirements than this in scope is over-scoping (a short prioritised list [I3]).
MAX_IN_SCOPE = 5
#: Points for the graded figures together (the rest of Estimation: inputs 1, implication 2, seeding 1).
FIGURE_POINTS = 11.0
_DURATION = re.compile(r"\d[\d,.]*\s*(ms|msec|milliseconds?|s|sec|seconds?|min|minutes?)\b", re.IGNORECASE)
_PERCENTILE = re.compile(r"\bp\s?\d{2,3}(\.\d+)?\b|percentile|median", re.IGNORECASE)
_PERCENT = re.compile(r"\d[\d.]*\s*%|\bnines\b", re.IGNORECASE)


def _record_missing(rule: str, dimension: str, title: str, maximum: float) -> Point:
    return not_assessed(rule, dimension, title, maximum, "no practice record (start a practice run to be scored "
                                                         "on it)")


def nfr_answer(nfr: NonFunctional, text: str) -> tuple[bool, str]:
    """(quantified, why) for the candidate's answer to one non-functional requirement."""
    text = text.strip()
    if not text:
        return False, f"{nfr.text}: no target given"
    if nfr.kind == "latency":
        if _DURATION.search(text) and _PERCENTILE.search(text):
            return True, f"{nfr.text}: {text}"
        return False, f"{nfr.text}: '{text}' needs a time and a percentile (e.g. p99 200 ms)"
    if nfr.kind == "availability":
        if _PERCENT.search(text):
            return True, f"{nfr.text}: {text}"
        return False, f"{nfr.text}: '{text}' needs nines (e.g. 99.99 %)"
    if nfr.kind == "consistency":
        chosen = [o for o in nfr.options if o.lower() in text.lower()]
        if not chosen:
            return False, f"{nfr.text}: choose one of {', '.join(nfr.options)}"
        if nfr.accepted and chosen[0] not in nfr.accepted:
            return False, (f"{nfr.text}: {chosen[0]} is not what this data needs ({', '.join(nfr.accepted)} is; "
                           f"{nfr.source or 'see the prompt'})")
        return True, f"{nfr.text}: {chosen[0]}"
    if re.search(r"\d", text):
        return True, f"{nfr.text}: {text}"
    return False, f"{nfr.text}: '{text}' has no number"


def requirement_points(prompt: Prompt, run: PracticeRun | None) -> list[Point]:
    dim = "requirements"
    if run is None:
        return [_record_missing("PRAC-REQ-CORE", dim, "Core requirements in scope", 5),
                _record_missing("PRAC-REQ-SCOPE", dim, "A short, prioritised scope", 2),
                _record_missing("PRAC-REQ-OUT", dim, "Out of scope said", 1),
                _record_missing("PRAC-REQ-NFR", dim, "Non-functional requirements quantified", 4),
                _record_missing("PRAC-REQ-RW", dim, "Read:write ratio", 1),
                _record_missing("PRAC-REQ-ENTITIES", dim, "Core entities", 1),
                _record_missing("PRAC-REQ-SCOPED-FIRST", dim, "Scoped before designing", 1)]
    known = prompt.functional_by_id()
    core = [f for f in prompt.functional if f.core]
    picked = [known[f] for f in run.in_scope if f in known]
    missed = [f.text for f in core if f.id not in run.in_scope]
    points = [point("PRAC-REQ-CORE", dim, "Core requirements in scope", 5, (len(core) - len(missed)) / len(core),
                    "All core requirements are in scope." if not missed else
                    f"Missing core requirements: {', '.join(missed)}.",
                    advice="" if not missed else "Ask what users must be able to do; the interviewer expects these.",
                    work=tuple(f"{'in' if f.id in run.in_scope else 'not in'} scope: {f.text}" for f in core),
                    source=prompt.source)]
    distractors = [f.text for f in picked if f.distractor]
    over = len(picked) > MAX_IN_SCOPE
    share = 0.0 if over else max(0.0, 1 - 0.5 * len(distractors))
    message = (f"{len(picked)} requirements in scope: more than {MAX_IN_SCOPE} is over-scoping for 45 minutes."
               if over else f"{len(picked)} requirements in scope" + (
                   f", including {', '.join(distractors)}, which this interview leaves out." if distractors
                   else ": a short list."))
    points.append(point("PRAC-REQ-SCOPE", dim, "A short, prioritised scope", 2, share, message,
                        advice="" if share == 1 else "Keep 2-4 requirements and say what you leave out.",
                        source="[I3]"))
    points.append(point("PRAC-REQ-OUT", dim, "Out of scope said", 1, 1.0 if run.out_of_scope else 0.0,
                        f"Out of scope: {', '.join(known[f].text if f in known else f for f in run.out_of_scope)}."
                        if run.out_of_scope else "Nothing was put out of scope.",
                        advice="" if run.out_of_scope else "Name what you will not design (it shows the scope).",
                        source="[I3]"))
    answers = [nfr_answer(n, run.nfrs.get(n.id, "")) for n in prompt.non_functional]
    good = sum(ok for ok, _why in answers)
    bad = [why for ok, why in answers if not ok]
    points.append(point("PRAC-REQ-NFR", dim, "Non-functional requirements quantified", 4,
                        good / len(answers) if answers else 1.0,
                        "Every non-functional requirement has a number or a choice." if not bad else
                        "Not quantified: " + "; ".join(bad) + ".", work=tuple(why for _ok, why in answers),
                        advice="" if not bad else "Give each one a number: p99 in ms, availability in nines, "
                        "consistency per kind of data, how long data is kept.", source="[I3]"))
    ratio = run.read_write_ratio
    if ratio is None:
        points.append(point("PRAC-REQ-RW", dim, "Read:write ratio", 1, 0.0, "No read:write ratio was stated.",
                            advice=f"Say it: here about {prompt.read_write_ratio:g}:1.", source="[I1]"))
    else:
        off = max(ratio / prompt.read_write_ratio, prompt.read_write_ratio / ratio) if ratio > 0 else float("inf")
        points.append(point("PRAC-REQ-RW", dim, "Read:write ratio", 1, 1.0 if off <= 10 else 0.5,
                            f"You stated {ratio:g}:1; the givens make it {prompt.read_write_ratio:g}:1"
                            + (" (more than 10x apart)." if off > 10 else "."), source="[I1]"))
    named = [e for e in prompt.entities if any(e.lower() in n.lower() or n.lower() in e.lower()
                                               for n in run.entities)]
    points.append(point("PRAC-REQ-ENTITIES", dim, "Core entities", 1,
                        min(1.0, len(named) / max(1, len(prompt.entities) - 1)),
                        f"Entities named: {', '.join(run.entities) or 'none'} (the prompt's: "
                        f"{', '.join(prompt.entities)})."))
    points.append(_scoped_first(run, good))
    return points


def _scoped_first(run: PracticeRun, quantified: int) -> Point:
    title = "Scoped before designing"
    times = [t for t in step_times(run) if t.step == "requirements" and t.ended is not None]
    if not times:
        return not_assessed("PRAC-REQ-SCOPED-FIRST", "requirements", title, 1, "the timeline has no requirements step")
    spent = sum(t.duration for t in times)
    if spent >= MIN_REQUIREMENTS_S and quantified:
        return point("PRAC-REQ-SCOPED-FIRST", "requirements", title, 1, 1.0,
                     f"Requirements took {spent:.0f} s with {quantified} quantified before any design.")
    why = "under a minute" if spent < MIN_REQUIREMENTS_S else "with no quantified non-functional requirement"
    return point("PRAC-REQ-SCOPED-FIRST", "requirements", title, 1, 0.0,
                 f"Jumped to a solution: requirements ended {why}.",
                 advice="Spend the first minutes on scope and numbers; answering before scoping is a red flag.",
                 source="[I1]")


def estimation_points(prompt: Prompt, run: PracticeRun | None, plan: Plan) -> list[Point]:
    dim = "estimation"
    if run is None:
        return [_record_missing("PRAC-EST-FIGURES", dim, "Estimates", FIGURE_POINTS),
                _record_missing("PRAC-EST-INPUTS", dim, "Inputs written", 1),
                _record_missing("PRAC-EST-IMPLICATION", dim, "So we need ...", 2),
                _record_missing("PRAC-EST-SEED", dim, "Estimates feed the design", 1)]
    graded = grade(prompt, run)
    each = FIGURE_POINTS / len(graded) if graded else 0.0
    points = []
    for g in graded:
        message = (f"{g.label}: yours {fmt(g.kind, g.answer)}, Archplan's {g.reference.formatted()}: {g.band}."
                   if g.answer is not None else f"{g.label}: not entered (Archplan's: {g.reference.formatted()}).")
        if g.notes:
            message += " " + " ".join(g.notes)
        points.append(point(f"PRAC-EST-{g.key.upper()}", dim, g.label, each, g.credit, message, work=g.work(),
                            advice="" if g.credit >= 1 else "Show the formula with your numbers; check the unit of "
                                                            "each step.", source="[I9]"))
    has_inputs = bool(run.assumptions) or sum(1 for k in run.work if run.work[k].strip()) >= max(1, len(graded) // 2)
    points.append(point("PRAC-EST-INPUTS", dim, "Inputs written", 1, 1.0 if has_inputs else 0.0,
                        "Your inputs are written, so the arithmetic can be checked." if has_inputs else
                        "No inputs or work written: the arithmetic cannot be checked.",
                        advice="" if has_inputs else "Write the numbers you used (DAU, per-user rates, sizes).",
                        source="[I1]"))
    implication = next((text for text in run.implications if text.strip()), "")
    points.append(point("PRAC-EST-IMPLICATION", dim, "So we need ...", 2, 1.0 if implication else 0.0,
                        f"Implication drawn: {implication}" if implication else
                        "No implication drawn: numbers earn credit when they change a decision.",
                        advice="" if implication else "Say what the numbers decide: 'so the tweets need sharding'.",
                        source="[I9]"))
    points.append(_seed_point(prompt, run, plan))
    return points


def _seed_point(prompt: Prompt, run: PracticeRun, plan: Plan) -> Point:
    t = plan.traffic
    mine = seeded_traffic(prompt, dict(run.assumptions))
    fields = (("daily users", lambda p: p.daily_active_users), ("writes per user", lambda p: p.writes_per_user),
              ("reads per user", lambda p: p.reads_per_user))

    def close(a, b) -> bool:
        return (a == b) or (a > 0 and b > 0 and max(a / b, b / a) <= 1.25)

    matches = [name for name, read in fields if close(read(t), read(mine)) or close(read(t), read(prompt.traffic))]
    ok = len(matches) == len(fields)
    lines = tuple(f"{name}: plan {units.format_count(read(t))}, yours {units.format_count(read(mine))}, given "
                  f"{units.format_count(read(prompt.traffic))}" for name, read in fields)
    return point("PRAC-EST-SEED", "estimation", "Estimates feed the design", 1, 1.0 if ok else 0.0,
                 "The design is computed with your estimates or the given traffic." if ok else
                 "The plan's traffic profile matches neither your estimates nor the givens, so its figures answer "
                 "another question.", work=lines,
                 advice="" if ok else "Seed the traffic profile from your estimates (or the reference) after the "
                                      "reveal.")
