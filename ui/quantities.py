"""
Quantities the inspector edits: how each kind of value is parsed from what people type, written back
exactly (so a field re-reads as the same number), and shown normalised.

Parsing and display go through planner.units ("10M", "1.5 KB", "5y"); shares also accept "80 %". The
editable text must round-trip exactly, so it tries the readable spelling first (format_count,
format_size, ...) and falls back to more digits until the text reads back as the same value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from archplan.planner import units


def close(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def _exact(value: float, candidates: list[str], parse: Callable[[str], float]) -> str:
    """The shortest candidate that reads back as exactly `value` (the earliest among equals)."""
    for text in sorted(candidates, key=len):
        try:
            if close(parse(text), value):
                return text
        except (units.UnitError, ValueError):
            continue
    return f"{value:.17g}"


def _scaled(value: float, steps: tuple[tuple[float, str], ...]) -> list[str]:
    out = []
    for factor, name in steps:
        if value >= factor or factor == steps[-1][0]:
            out += [f"{value / factor:.{d}g} {name}".strip() for d in range(1, 16)]
    return out


def _plain(value: float) -> list[str]:
    """Decimal spellings without exponents (1500 -> '1500', 0.25 -> '0.25'); exponents only for the
    very large or very small."""
    out = []
    if abs(value) < 1e15:
        for d in range(0, 13):
            text = f"{value:.{d}f}"
            out.append(text.rstrip("0").rstrip(".") if "." in text else text)
    if abs(value) >= 1e15 or 0 < abs(value) < 1e-6:
        out += [f"{value:.{d}g}" for d in range(1, 18)]
    return out or [repr(value)]


def parse_number(text: str) -> float:
    """A plain non-negative number; accepts 1,000 and short-scale suffixes (2.5K)."""
    return units.parse_count(text)


def parse_fraction(text: str) -> float:
    """A share between 0 and 1, written 0.8 or 80 %."""
    raw = str(text).strip()
    value = units.parse_count(raw[:-1].strip()) / 100.0 if raw.endswith("%") else units.parse_count(raw)
    if value > 1:
        raise units.UnitError(f"share {text!r} must be between 0 and 1 (or 0-100 %)")
    return value


@dataclass(frozen=True)
class Quantity:
    """How one kind of value is typed, written back exactly, and shown normalised."""

    name: str
    parse: Callable[[str], float]
    exact: Callable[[float], str]
    show: Callable[[float], str]
    example: str


COUNT = Quantity(
    "count", units.parse_count,
    lambda v: _exact(v, [units.format_count(v, d) for d in range(3, 16)], units.parse_count),
    lambda v: units.format_count(v), "10M, 2.5K, 1,000,000")
NUMBER = Quantity(
    "number", parse_number,
    lambda v: _exact(v, _plain(v), parse_number),
    lambda v: units.format_count(v, 4), "2, 0.5, 1.5K")
FRACTION = Quantity(
    "share", parse_fraction,
    lambda v: _exact(v, _plain(v), parse_fraction),
    lambda v: units.format_percent(v, 2), "0.8 or 80 %")
SIZE = Quantity(
    "size", units.parse_size,
    lambda v: _exact(v, [units.format_size(v)] + _scaled(v, ((units.PB, "PB"), (units.TB, "TB"), (units.GB, "GB"),
                                                             (units.MB, "MB"), (units.KB, "KB"), (1.0, "B")))
                     + _scaled(v, ((units.TIB, "TiB"), (units.GIB, "GiB"), (units.MIB, "MiB"), (units.KIB, "KiB"))),
                     units.parse_size),
    units.format_size, "1.5 KB, 2 GiB, 300 B")
DURATION = Quantity(
    "duration", units.parse_duration,
    lambda v: _exact(v, [units.format_duration(v)] + _scaled(v, (
        (units.YEAR, "y"), (units.DAY, "d"), (units.HOUR, "h"), (units.MINUTE, "min"), (1.0, "s"), (1e-3, "ms"))),
        units.parse_duration),
    units.format_duration, "90s, 15min, 24h, 30d, 5y")
RATE = Quantity(
    "rate", units.parse_rate,
    lambda v: _exact(v, [f"{units.format_count(v, d)}/s" for d in range(3, 16)] + _plain(v), units.parse_rate),
    lambda v: f"{units.format_count(v)}/s", "300/s, 5K/min, 1M/day")
RATIO = Quantity(
    "ratio", units.parse_ratio,
    lambda v: _exact(v, [units.format_ratio(v, d) for d in range(3, 16)] + _plain(v), units.parse_ratio),
    units.format_ratio, "100:1, 1:3")
TEXT = Quantity("text", lambda t: t.strip(), lambda v: v, lambda v: v, "")


def quantity_for_unit(unit: str, maximum: float | None = None) -> Quantity:
    """The quantity of a catalog parameter or capacity figure, by its unit."""
    if unit == "s":
        return DURATION
    if unit == "B":
        return SIZE
    if maximum is not None and maximum == 1:
        return FRACTION
    return NUMBER
