"""
Estimates: the candidate's back-of-the-envelope figures against Archplan's (docs/practice.md, 3).

Archplan's figures are planner.estimate's over the prompt's traffic profile (and a prompt's extra figures,
such as concurrent connections, from their own formula): each is a `Figure` with its work. Two checks run on
every figure the candidate enters:

1. **Consistency**: the candidate's figure against the same formula fed with the candidate's own inputs (the
   prompt's givens where they stated none). Ratio <= 1.2 is fine (86,400 s rounded to 10^5 is +16 %), <= 2
   "rounded hard" (a note), > 2 an arithmetic or unit slip: half the credit.
2. **Accuracy**: r = max(e / ref, ref / e). <= 1.25 on target; <= 2 within 2x: full credit, because within 2x
   is fine in an interview (back-of-the-envelope work aims at a factor of two or an order of magnitude [I9]);
   <= 3.16 (10^0.5) same order of magnitude: half; <= 10 off by up to 10x: none, unless the reference design
   makes the same decisions at the candidate's figure (decision equivalence: full); > 10: none, and the unit
   diagnosis names the likely slip (r near 8, 24, 30, 60, 365, 1,000, 1,024, 3,600 or 86,400).

Peaks are graded on their factor (1.5 to 10 times the candidate's own average, as Xu uses 2 and Hello
Interview 10 [I1][I4]), not against one reference. Storage allows the object size to be an assumption: with a
size within 0.25-4x of the reference, the part of the error the size explains is not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from archplan.planner import units
from archplan.planner.estimate import EstimateError, estimate
from archplan.planner.formula import Figure, Formula
from archplan.planner.practice.names import LABELS
from archplan.planner.practice.prompts import Prompt, library, reference
from archplan.planner.practice.record import PracticeRun

#: (upper bound of r, label, credit)
BANDS: tuple[tuple[float, str, float], ...] = (
    (1.25, "on target", 1.0),
    (2.0, "within 2x", 1.0),
    (10 ** 0.5, "same order of magnitude", 0.5),
    (10.0, "off by up to 10x", 0.0),
    (math.inf, "wrong order of magnitude", 0.0),
)
CONSISTENT = 1.2
ROUNDED_HARD = 2.0
PEAK_RANGE = (1.5, 10.0)
SIZE_BAND = (0.25, 4.0)
#: r near one of these (within 10 %) names the likely slip.
SLIPS: tuple[tuple[float, str], ...] = (
    (8, "bits vs bytes"), (24, "per hour vs per day"), (30, "per day vs per month"),
    (60, "per second vs per minute (or minute vs hour)"), (365, "per day vs per year"),
    (1_000, "a factor of 1,000: K vs M, KB vs MB, or ms vs s"), (1_024, "binary vs decimal units, 1,024 vs 1,000"),
    (3_600, "per second vs per hour"), (86_400, "per second vs per day"))

PEAKS = {"peak_qps": "qps", "peak_write_qps": "write_qps", "peak_read_qps": "read_qps"}
STORAGE = ("storage_per_day", "storage_total", "storage_total_replicated")
RATES = ("write_qps", "read_qps", "qps")
#: Figures graded at the junior level (average QPS and storage only).
JUNIOR = ("write_qps", "read_qps", "qps", "storage_per_day", "storage_total")



# ------------------------------------------------------------------------------------------ units

def kind_of(prompt: Prompt, key: str) -> str:
    if key in LABELS:
        return LABELS[key][1]
    extra = prompt.extra(key)
    return {"B": "size", "B/s": "bandwidth", "req/s": "qps"}.get(extra.unit, "count") if extra else "count"


def label_of(prompt: Prompt, key: str) -> str:
    if key in LABELS:
        return LABELS[key][0]
    extra = prompt.extra(key)
    return extra.label if extra else key


def fmt(kind: str, value: float | None) -> str:
    """A figure as people read it: 3.47K QPS, 90 GB/day, 1.5 GB/s (12 Gbit/s)."""
    if value is None:
        return "-"
    if kind == "qps":
        return units.format_qps(value)
    if kind == "size":
        return units.format_size(value)
    if kind == "size_day":
        return f"{units.format_size(value)}/day"
    if kind == "bandwidth":
        return units.format_bandwidth(value)
    if kind == "fraction":
        return units.format_percent(value)
    if kind == "duration":
        return units.format_duration(value)
    if kind == "multiplier":
        return f"{units.format_count(value)}x"
    return units.format_count(value)


def _strip_per(text: str, pers: tuple[str, ...]) -> str:
    low = text.strip()
    for per in pers:
        if low.lower().endswith(per):
            return low[: -len(per)].strip()
    return low


def parse(kind: str, text: object) -> float:
    """The candidate's typed value in base units (units.UnitError with the reason when it is not one)."""
    if not isinstance(text, str):
        return units.parse_count(text) if kind != "fraction" else units.parse_fraction(text)
    if kind == "qps":
        return units.parse_rate(_strip_per(text, (" qps", "qps", " rps", "rps", " req/s")) or text)
    if kind in ("size", "size_day"):
        return units.parse_size(_strip_per(text, ("/day", " per day", "/d")))
    if kind == "bandwidth":
        bare = text.strip()
        for suffix in ("bits/s", "bit/s", "bps", "bit"):
            if bare.lower().endswith(suffix):
                return units.parse_count(bare[: -len(suffix)].strip() or "0") / 8.0
        return units.parse_size(_strip_per(bare, ("/s", " per second")))
    if kind == "fraction":
        return units.parse_fraction(text)
    if kind == "duration":
        return units.parse_duration(text)
    if kind == "multiplier":
        return units.parse_multiplier(text)
    return units.parse_count(text)


# ------------------------------------------------------------------------------------------ figures

def _extra_figures(prompt: Prompt, values: dict[str, float]) -> dict[str, Figure]:
    out = {}
    for x in prompt.extra_figures:
        formula = Formula(f"practice_{x.key}", x.key, x.expression, x.meaning or x.label, x.unit, "", x.source)
        out[x.key] = formula.figure(**{name: values.get(name, default) for name, default in x.inputs.items()})
    return out


def reference_figures(prompt: Prompt) -> dict[str, Figure]:
    """Archplan's figures for the prompt: planner.estimate over its traffic, plus its extra figures (computed
    once per built-in prompt)."""
    if library().get(prompt.id) is prompt:
        return _library_figures(prompt.id)
    return _figures(prompt)


def _figures(prompt: Prompt) -> dict[str, Figure]:
    figs = {k: f for k, f in estimate(prompt.estimate_input()).items() if f is not None}
    return {**figs, **_extra_figures(prompt, {})}


@cache
def _library_figures(prompt_id: str) -> dict[str, Figure]:
    return _figures(library()[prompt_id])


def own_figures(prompt: Prompt, run: PracticeRun) -> dict[str, Figure]:
    """The same formulas fed with the candidate's inputs (the prompt's givens where they stated none)."""
    try:
        figs = {k: f for k, f in estimate(prompt.estimate_input(**run.assumptions)).items() if f is not None}
    except (EstimateError, ValueError, TypeError):
        figs = {}
    return {**figs, **_extra_figures(prompt, dict(run.assumptions))}


def graded_keys(prompt: Prompt, level: str) -> tuple[str, ...]:
    """The figures graded at this level: junior is graded on average QPS and storage only."""
    if level != "junior":
        return prompt.graded
    keys = tuple(k for k in prompt.graded if k in JUNIOR)
    return keys or prompt.graded[:2]


# ------------------------------------------------------------------------------------------ grading

@dataclass(frozen=True)
class Graded:
    """One figure: Archplan's with its work, the candidate's, the band and the credit, and why."""

    key: str
    label: str
    kind: str
    reference: Figure
    published: float | None
    answer: float | None
    own: Figure | None
    ratio: float | None
    band: str
    credit: float
    consistency: float | None
    notes: tuple[str, ...]

    def work(self) -> tuple[str, ...]:
        lines = [f"Archplan: {self.reference.text()}"]
        if self.published is not None:
            lines.append(f"The source printed {fmt(self.kind, self.published)} (rounded).")
        if self.answer is not None:
            lines.append(f"Yours: {fmt(self.kind, self.answer)}")
        if self.own is not None and self.answer is not None:
            lines.append(f"From your inputs: {self.own.text()}")
        if self.ratio is not None and math.isfinite(self.ratio):
            lines.append(f"r = max(yours / Archplan's, Archplan's / yours) = {self.ratio:.3g}: {self.band}")
        return tuple(lines)


def band(r: float) -> tuple[str, float]:
    for upper, label, credit in BANDS:
        if r <= upper:
            return label, credit
    return BANDS[-1][1], 0.0


def ratio(a: float, b: float) -> float:
    if a == b:
        return 1.0
    if a <= 0 or b <= 0:
        return math.inf
    return max(a / b, b / a)


def slip(r: float) -> str | None:
    """The likely slip behind a ratio near a unit factor, or None."""
    if not math.isfinite(r) or r < 5:
        return None
    near = [(abs(math.log(r / f)), name) for f, name in SLIPS if abs(r / f - 1) <= 0.1]
    return min(near)[1] if near else None


def _decision_equivalent(prompt: Prompt, multiplier: float) -> bool:
    """The reference design makes the same sizing decisions at `multiplier` x the traffic: every stateful
    component needs one node at both or several at both (one database vs sharded, one cache node vs a cluster)."""
    from archplan.planner.engine import MAX_MULTIPLIER, MIN_MULTIPLIER, compute

    ref = reference(prompt.id)
    m = min(MAX_MULTIPLIER, max(MIN_MULTIPLIER, multiplier))
    scaled = compute(ref.plan, multiplier=m)
    stateful = ("cache", "sql_primary", "sql_replica", "partitioned", "search", "queue", "pubsub")
    for cid, c in ref.result.components.items():
        if c.behaviour in stateful and c.needed > 0 and (c.needed > 1) != (scaled.components[cid].needed > 1):
            return False
    return True


def _per_write(figs: dict[str, Figure]) -> float | None:
    day = figs.get("storage_per_day")
    return day.inputs.get("stored_per_write") if day is not None else None


def grade_figure(prompt: Prompt, run: PracticeRun, key: str, own: dict[str, Figure] | None = None) -> Graded:
    ref = reference_figures(prompt)[key]
    own = own_figures(prompt, run) if own is None else own
    label, kind = label_of(prompt, key), kind_of(prompt, key)
    published = prompt.published.get(key)
    answer = run.estimates.get(key)
    # consistency is checked against the candidate's own inputs only when they stated some
    mine = own.get(key) if run.assumptions else None
    if answer is None:
        return Graded(key, label, kind, ref, published, None, mine, None, "not entered", 0.0, None,
                      ("Not entered: write the figure with its unit and the inputs you used.",))
    notes: list[str] = []
    c = ratio(answer, mine.value) if mine is not None else None
    r = ratio(answer, ref.value)
    if key in PEAKS:
        label_band, credit = _peak(run, key, answer, own, notes)
    else:
        label_band, credit = band(r)
        if key in STORAGE and credit < 1 and c is not None and c <= ROUNDED_HARD:
            size_mine, size_ref = _per_write(own), _per_write(reference_figures(prompt))
            if size_mine and size_ref and SIZE_BAND[0] <= size_mine / size_ref <= SIZE_BAND[1]:
                adjusted = r / ratio(size_mine, size_ref)
                label_adj, credit_adj = band(max(1.0, adjusted))
                if credit_adj > credit:
                    notes.append(f"Your size per write, {units.format_size(size_mine)}, is an assumption within "
                                 f"0.25-4x of Archplan's {units.format_size(size_ref)}; without it the figure is "
                                 f"{label_adj} (r = {max(1.0, adjusted):.3g}).")
                    label_band, credit = label_adj, credit_adj
        if credit < 1 and key in RATES and 2 < r <= 10 and _decision_equivalent(prompt, answer / ref.value):
            notes.append(f"Decision-equivalent: at {fmt(kind, answer)} the reference design needs one node or "
                         "several in the same places as at Archplan's figure, so the error does not change the "
                         "design; full credit.")
            credit = 1.0
        if r > 2:
            named = slip(r)
            if named:
                notes.append(f"r is close to {_nearest_factor(r):,}: the likely slip is {named}.")
    if label_band in ("on target", "within 2x") and key not in PEAKS:
        notes.append("Within 2x is fine in an interview: it rarely changes the shape of the design.")
    if c is not None and key not in PEAKS:
        if c > ROUNDED_HARD:
            notes.append(f"Your own inputs give {fmt(kind, mine.value)}, {c:.3g}x away from what you wrote: an "
                         "arithmetic or unit slip (half the credit).")
            credit *= 0.5
        elif c > CONSISTENT:
            notes.append(f"Your own inputs give {fmt(kind, mine.value)}: rounded hard, but fine.")
    return Graded(key, label, kind, ref, published, answer, mine, r, label_band, credit, c, tuple(notes))


def _nearest_factor(r: float) -> int:
    return int(min((abs(math.log(r / f)), f) for f, _name in SLIPS)[1])


def _peak(run: PracticeRun, key: str, answer: float, own: dict[str, Figure], notes: list[str]) -> tuple[str, float]:
    """A peak is graded on its factor over the candidate's own average: 1.5 to 10, and equal to the factor they
    stated (when they stated one)."""
    average_key = PEAKS[key]
    average = run.estimates.get(average_key)
    if average is None and average_key in own:
        average = own[average_key].value
    if not average:
        notes.append("No average to compare the peak with: enter the average first.")
        return "no average", 0.0
    factor = answer / average
    low, high = PEAK_RANGE
    if not low <= factor <= high:
        notes.append(f"Your peak is {factor:.3g}x your average: peak factors in interviews run from 1.5x to 10x "
                     "(Xu uses 2x, Hello Interview 10x).")
        return "peak factor out of range", 0.0
    stated = run.assumptions.get("peak_factor")
    if stated and ratio(stated, factor) > CONSISTENT:
        notes.append(f"Your peak is {factor:.3g}x your average, but you stated a peak factor of {stated:g}.")
        return "inconsistent peak", 0.5
    notes.append(f"Peak = {factor:.3g} x your average: a plausible peak factor (1.5-10x), consistent.")
    return "plausible peak", 1.0


def grade(prompt: Prompt, run: PracticeRun, keys: tuple[str, ...] | None = None) -> list[Graded]:
    """Every graded figure of the run's level (or `keys`), in the prompt's order."""
    keys = keys if keys is not None else graded_keys(prompt, run.level)
    own = own_figures(prompt, run)
    return [grade_figure(prompt, run, k, own) for k in keys]
