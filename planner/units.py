"""
Units: the one place where numbers are parsed from and formatted for people.

Conventions (capacity-model.md, tested in tests/planner/test_units.py):

- Sizes are decimal: 1 KB = 1,000 B, 1 MB = 10^6 B, 1 TB = 10^12 B. Binary multiples only when
  written KiB / MiB / GiB / TiB. Units are read from an explicit table (K/KB ... E/EB, KiB ... EiB,
  case-insensitive); `humanfriendly`, which follows the same convention, formats sizes. Bare numbers
  are bytes.
- A day is 86,400 s, a month 30 days (2,592,000 s), a year 365 days (31,536,000 s). (humanfriendly's
  year is 364 days, so durations are not delegated to it.)
- Counts take the short-scale suffixes K, M, B/G (billion), T: "10M" users is 10,000,000.
- Rates are per second internally: "300/s", "1M/day", "5K/min", "2/month".
- Fractions (shares, availability) are 0-1 or written in percent ("99.9%"); multipliers "2x"; money in
  US dollars ("$5k").

Every parser refuses negative, NaN and infinite values with a `UnitError` that quotes the input.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

SECOND = 1.0
MINUTE = 60.0
HOUR = 3_600.0
DAY = 86_400.0
WEEK = 7 * DAY
MONTH = 30 * DAY
YEAR = 365 * DAY
DAYS_PER_MONTH = 30
DAYS_PER_YEAR = 365

KB, MB, GB, TB, PB = 1e3, 1e6, 1e9, 1e12, 1e15
KIB, MIB, GIB, TIB = 2.0**10, 2.0**20, 2.0**30, 2.0**40

#: Upper bound for any parsed quantity: far past anything real, low enough that arithmetic on it stays finite.
MAX_VALUE = 1e30


class UnitError(ValueError):
    """A value could not be read as the quantity asked for. The message quotes the input."""


_NUMBER = r"[+-]?(?:\d[\d,_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_COUNT_RE = re.compile(rf"^\s*({_NUMBER})\s*([a-zA-Z]*)\s*$")
_COUNT_SUFFIX = {"": 1.0, "k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "mm": 1e6, "b": 1e9, "B": 1e9, "bn": 1e9,
                 "G": 1e9, "g": 1e9, "t": 1e12, "T": 1e12}
_SIZE_RE = re.compile(rf"^\s*({_NUMBER})\s*([a-zA-Z]*)\s*$")
_SIZE_UNITS = {
    **{f"{p}{b}": 1000.0 ** (i + 1) for i, p in enumerate("kmgtpe") for b in ("", "b")},
    **{f"{p}ib": 1024.0 ** (i + 1) for i, p in enumerate("kmgtpe")},
    **{f"{p}i": 1024.0 ** (i + 1) for i, p in enumerate("kmgtpe")},
}
_DURATION_UNITS = {
    "": SECOND, "s": SECOND, "sec": SECOND, "secs": SECOND, "second": SECOND, "seconds": SECOND,
    "ms": 1e-3, "millisecond": 1e-3, "milliseconds": 1e-3,
    "m": MINUTE, "min": MINUTE, "mins": MINUTE, "minute": MINUTE, "minutes": MINUTE,
    "h": HOUR, "hr": HOUR, "hrs": HOUR, "hour": HOUR, "hours": HOUR,
    "d": DAY, "day": DAY, "days": DAY,
    "w": WEEK, "wk": WEEK, "week": WEEK, "weeks": WEEK,
    "mo": MONTH, "mon": MONTH, "month": MONTH, "months": MONTH,
    "y": YEAR, "yr": YEAR, "yrs": YEAR, "year": YEAR, "years": YEAR,
}
_PER = {
    "s": SECOND, "sec": SECOND, "second": SECOND, "min": MINUTE, "minute": MINUTE, "h": HOUR, "hr": HOUR,
    "hour": HOUR, "d": DAY, "day": DAY, "w": WEEK, "week": WEEK, "mo": MONTH, "month": MONTH, "y": YEAR,
    "yr": YEAR, "year": YEAR,
}


def _checked(value: float, text: object, what: str) -> float:
    if math.isnan(value) or math.isinf(value):
        raise UnitError(f"{what} {text!r} is not a finite number")
    if value < 0:
        raise UnitError(f"{what} {text!r} is negative")
    if value > MAX_VALUE:
        raise UnitError(f"{what} {text!r} is too large")
    return value


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("_", ""))


def _from_number(value: object, what: str) -> float | None:
    """Numbers pass through (checked); strings return None so the caller parses them."""
    if isinstance(value, bool):
        raise UnitError(f"{what} {value!r} is not a number")
    if isinstance(value, (int, float)):
        return _checked(float(value), value, what)
    if not isinstance(value, str):
        raise UnitError(f"{what} {value!r} is not a number or text")
    if value.strip().lower() in {"nan", "inf", "+inf", "-inf", "infinity"}:
        raise UnitError(f"{what} {value!r} is not a finite number")
    return None


def parse_count(value: object) -> float:
    """Read a count such as 10M, 2.5k, 1,000,000 or 3B (billion)."""
    number = _from_number(value, "count")
    if number is not None:
        return number
    match = _COUNT_RE.match(value)  # type: ignore[arg-type]
    if not match or match.group(2) not in _COUNT_SUFFIX:
        raise UnitError(f"count {value!r} is not understood (try 10M, 2.5K, 1,000,000)")
    return _checked(_number(match.group(1)) * _COUNT_SUFFIX[match.group(2)], value, "count")


def parse_size(value: object) -> float:
    """Read a size in bytes: 1.5 KB (decimal), 2 GiB (binary), 300 (bytes)."""
    number = _from_number(value, "size")
    if number is not None:
        return number
    match = _SIZE_RE.match(value)  # type: ignore[arg-type]
    if not match:
        raise UnitError(f"size {value!r} is not understood (try 1.5 KB, 2 GiB, 300 B)")
    amount, unit = _number(match.group(1)), match.group(2)
    _checked(amount, value, "size")
    if unit in ("", "b", "B", "byte", "bytes"):
        return _checked(amount, value, "size")
    factor = _SIZE_UNITS.get(unit.lower())
    if factor is None:
        raise UnitError(f"size {value!r} has an unknown unit {unit!r} (KB, MB, GB, TB, KiB, MiB, GiB, TiB)")
    return _checked(amount * factor, value, "size")


def parse_duration(value: object) -> float:
    """Read a duration in seconds: 90 s, 15 min, 24h, 30d, 6 months, 5y (a year is 365 days)."""
    number = _from_number(value, "duration")
    if number is not None:
        return number
    match = _COUNT_RE.match(value)  # type: ignore[arg-type]
    unit = match.group(2).lower() if match else None
    if not match or unit not in _DURATION_UNITS:
        raise UnitError(f"duration {value!r} is not understood (try 90s, 15min, 24h, 30d, 6mo, 5y)")
    return _checked(_number(match.group(1)) * _DURATION_UNITS[unit], value, "duration")


def parse_rate(value: object) -> float:
    """Read a rate per second: 300/s, 1M/day, 5K per min, 2/month; a bare number is per second."""
    number = _from_number(value, "rate")
    if number is not None:
        return number
    text = str(value).strip()
    for sep in ("/", " per "):
        if sep in text:
            head, _, tail = text.partition(sep)
            per = tail.strip().lower().removesuffix("s") if tail.strip().lower() not in _PER else tail.strip().lower()
            if per not in _PER:
                raise UnitError(f"rate {value!r} has an unknown period {tail.strip()!r} (s, min, h, day, month, year)")
            return _checked(parse_count(head) / _PER[per], value, "rate")
    return parse_count(text)


def parse_fraction(value: object) -> float:
    """Read a share or an availability between 0 and 1: 0.999, "99.9%", "99.9 %". A bare number above 1
    is refused (did you mean a percentage?) rather than guessed."""
    number = _from_number(value, "fraction")
    if number is None:
        text = str(value).strip()
        if text.endswith("%"):
            # decimal arithmetic: "99.9%" is exactly the float 0.999, not 0.9990000000000001
            percent = Decimal(_checked_text(text[:-1], value, "fraction").replace(",", "").replace("_", ""))
            number = _checked(float(percent / 100), value, "fraction")
        else:
            number = _checked(_number(_checked_text(text, value, "fraction")), value, "fraction")
    if number > 1:
        raise UnitError(f"fraction {value!r} must be between 0 and 1 (write 99.9% or 0.999)")
    return number


def parse_multiplier(value: object) -> float:
    """Read a traffic multiplier: 2x, x2, ×2, 2.5 x or a bare 2."""
    number = _from_number(value, "multiplier")
    if number is not None:
        return number
    text = str(value).strip().lower().replace("×", "x")
    if text.endswith("x"):
        text = text[:-1]
    elif text.startswith("x"):
        text = text[1:]
    return _checked(_number(_checked_text(text, value, "multiplier", "try 2x, x1.5, 3")), value, "multiplier")


def parse_money(value: object) -> float:
    """Read an amount of US dollars: $5k, 5000, $1,200.50, 1.2M USD (short-scale suffixes as for counts)."""
    number = _from_number(value, "amount")
    if number is not None:
        return number
    text = str(value).strip()
    if text.upper().endswith("USD"):
        text = text[:-3].strip()
    text = text.removeprefix("$").strip()
    try:
        return parse_count(text)
    except UnitError:
        raise UnitError(f"amount {value!r} is not understood (try $5k, 5000, 1.2M USD)") from None


def _checked_text(text: str, original: object, what: str, hint: str = "") -> str:
    """`text` if it is a plain number (1,000.5), else a UnitError quoting the original input."""
    if not re.fullmatch(rf"\s*{_NUMBER}\s*", text):
        raise UnitError(f"{what} {original!r} is not understood" + (f" ({hint})" if hint else ""))
    return text.strip()


# ---------------------------------------------------------------------------------------- formatting

def format_count(value: float, digits: int = 3) -> str:
    """3470 -> '3.47K'; 12_500_000 -> '12.5M'; 0.25 -> '0.25'."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞"
    sign = "-" if value < 0 else ""
    value = abs(value)
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= factor * 0.9995:
            return f"{sign}{_significant(value / factor, digits)}{suffix}"
    return f"{sign}{_significant(value, digits)}"


def _significant(value: float, digits: int) -> str:
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        text = f"{value:.{max(digits - 1, 0)}f}"
    return text


def format_qps(value: float) -> str:
    """Requests per second: '3.47K QPS'."""
    return f"{format_count(value)} QPS"


def format_size(value: float, binary: bool = False) -> str:
    """Bytes: 30e12 -> '30 TB' (decimal unless binary=True)."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞"
    if value < 1000 and not binary:
        return f"{_significant(value, 3)} B"
    import humanfriendly  # here, not at the top: --help and the window's first frame do without it

    return humanfriendly.format_size(value, binary=binary)


def format_size_rate(bytes_per_second: float, per: str = "s") -> str:
    """Bytes per second shown per period: per='day' -> '30 TB/day'."""
    return f"{format_size(bytes_per_second * _PER[per])}/{per}"


def format_bandwidth(bytes_per_second: float) -> str:
    """'12.5 MB/s (100 Mbit/s)': bytes for storage people, bits for network people."""
    bits = bytes_per_second * 8
    for factor, unit in ((1e12, "Tbit/s"), (1e9, "Gbit/s"), (1e6, "Mbit/s"), (1e3, "kbit/s")):
        if bits >= factor:
            return f"{format_size(bytes_per_second)}/s ({_significant(bits / factor, 3)} {unit})"
    return f"{format_size(bytes_per_second)}/s ({_significant(bits, 3)} bit/s)"


def format_duration(seconds: float) -> str:
    """Seconds in the largest readable unit: 1458 -> '24.3 min'; 0.0581 -> '58.1 ms'."""
    if seconds is None or math.isnan(seconds):
        return "n/a"
    if math.isinf(seconds):
        return "∞"
    for size, unit in ((YEAR, "y"), (DAY, "d"), (HOUR, "h"), (MINUTE, "min"), (SECOND, "s")):
        if seconds >= size:
            return f"{_significant(seconds / size, 3)} {unit}"
    return f"{_significant(seconds * 1000, 3)} ms"


def format_money(value: float) -> str:
    """US dollars, whole dollars from $100 up: '$1,234', '$12.50'."""
    if value is None or math.isnan(value):
        return "n/a"
    return f"${value:,.0f}" if abs(value) >= 100 else f"${value:,.2f}"


def parse_ratio(value: object) -> float:
    """Read a ratio such as 100:1, 1:3, 100 or 0.5 (reads per write): the first number over the second."""
    number = _from_number(value, "ratio")
    if number is not None:
        return number
    text = str(value).strip()
    left, sep, right = text.partition(":")
    try:
        a = parse_count(left)
        b = parse_count(right) if sep else 1.0
    except UnitError:
        raise UnitError(f"ratio {value!r} is not understood (try 100:1, 1:3 or 0.5)") from None
    if b == 0:
        raise UnitError(f"ratio {value!r} divides by zero")
    return _checked(a / b, value, "ratio")


def format_ratio(value: float, digits: int = 3) -> str:
    """100 -> '100:1'; 0.25 -> '1:4'; 2.5 -> '2.5:1' (a reads-to-writes ratio, rounded for people)."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞:1"
    if value == 0:
        return "0:1"
    if value >= 1:
        return f"{format_count(value, digits)}:1"
    return f"1:{format_count(1 / value, digits)}"


def format_percent(value: float, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞"
    text = f"{value * 100:.{digits}f}"
    # never round a value that is not 100 % (or 0 %) to "100" (or "0"): add digits until it shows
    while digits < 4 and ((float(text) == 100 and value != 1) or (float(text) == 0 and value > 0)):
        digits += 1
        text = f"{value * 100:.{digits}f}"
    if float(text) == 100 and value != 1:
        return f"> {100 - 10 ** -digits:.{digits}f} %"
    if float(text) == 0 and value > 0:
        return f"< {10 ** -digits:.{digits}f} %"
    return f"{text} %"


def format_multiplier(value: float) -> str:
    """A traffic multiplier: 2 -> 'x2', 1.537 -> 'x1.54', infinity -> 'x∞' (nothing breaks)."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "x∞"
    return f"x{value:.3g}"


#: Availability above this is shown as "≥ 99.999 %": independent-failure arithmetic can promise more
#: nines, but common causes (a zone, a region, a deploy) cap what a design delivers; a multi-region
#: deployment is put at about 99.999 % (Google Cloud, "Architecting disaster recovery / infrastructure
#: reliability guide", quoted in docs/capacity-model.md).
AVAILABILITY_SHOWN_MAX = 0.99999


def format_availability(value: float) -> str:
    """Availability as a percentage with the unavailability to two significant digits, never more nines
    than the model can promise: 0.999954 -> '99.9954 %', 0.98861 -> '98.9 %', 0.9999999 -> '≥ 99.999 %'."""
    if value >= 1:
        return "100 %"
    if value > AVAILABILITY_SHOWN_MAX:
        return "≥ 99.999 %"
    down = (1 - value) * 100  # unavailability in percent
    decimals = max(0, 1 - math.floor(math.log10(down)))
    return f"{100 - round(down, decimals):.{decimals}f} %"
