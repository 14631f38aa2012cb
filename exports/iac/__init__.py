"""
Infrastructure-as-code skeletons (Terraform, docker-compose, Kubernetes) and the naming they share.

User text (component and group names) never reaches IaC output as an identifier: every name is turned
into a safe, unique identifier by the functions below. Names keep their original spelling only in
places built for free text (tags, labels' values, annotations, descriptions), always through the
target format's own escaping. Distinct names that fold to the same slug get numbered suffixes; names
with no usable ASCII at all ("中文", "🚀") get a short stable hash so the result does not depend on
the order of the components.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

__all__ = ["compose_service_name", "dns1123", "hcl_identifier", "one_line", "safe_text", "unique_names"]

DNS1123_MAX = 63
_NON_DNS = re.compile(r"[^a-z0-9]+")
_NON_HCL = re.compile(r"[^a-z0-9]+")
_BREAKS = re.compile(r"[\t\n\r]+")


def _ascii(name: str) -> str:
    """Fold accents away ("é" -> "e") and drop what has no ASCII form."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def _digest(name: str) -> str:
    return hashlib.sha1(str(name).encode("utf-8")).hexdigest()[:7]


def _unique(base: str, taken: set[str], joiner: str, max_len: int, trim: str) -> str:
    """`base`, or base + joiner + n for the first free n, kept within max_len; the result is added to taken."""
    candidate = base[:max_len].rstrip(trim) or base[:max_len]
    n = 2
    while candidate in taken:
        suffix = f"{joiner}{n}"
        candidate = base[: max_len - len(suffix)].rstrip(trim) + suffix
        n += 1
    taken.add(candidate)
    return candidate


def dns1123(name: str, taken: set[str] | None = None, max_len: int = DNS1123_MAX) -> str:
    """A unique DNS-1123 label for `name`: lowercase [a-z0-9-], at most 63 characters, alphanumeric at
    both ends. It also starts with a letter (DNS-1035), so it can name a Kubernetes Service or an AWS
    resource that insists on a leading letter. The result is added to `taken`."""
    taken = set() if taken is None else taken
    slug = _NON_DNS.sub("-", _ascii(name)).strip("-")
    if not slug:
        slug = f"x{_digest(name)}"
    elif not slug[0].isalpha():
        slug = f"c-{slug}"
    return _unique(slug, taken, "-", max(2, min(max_len, DNS1123_MAX)), "-")


def compose_service_name(name: str, taken: set[str] | None = None) -> str:
    """A unique docker-compose service name: it doubles as the container's host name on the compose
    network, so it follows DNS-1123 too (a subset of the spec's [a-zA-Z0-9._-]+)."""
    return dns1123(name, taken)


def hcl_identifier(name: str, taken: set[str] | None = None) -> str:
    """A unique Terraform identifier ([a-zA-Z_][a-zA-Z0-9_-]*), lowercase snake_case, for `name`.
    The result is added to `taken`."""
    taken = set() if taken is None else taken
    slug = _NON_HCL.sub("_", _ascii(name)).strip("_")
    if not slug:
        slug = f"c_{_digest(name)}"
    elif not slug[0].isalpha():
        slug = f"c_{slug}"
    return _unique(slug, taken, "_", 64, "_")


def safe_text(text: str) -> str:
    """User text for a value (label, annotation, tag, description): control, bidirectional-override and
    zero-width characters removed (exports.escaping.clean); line breaks kept."""
    from archplan.exports.escaping import clean

    return clean(text)


def one_line(text: str, max_len: int = 200) -> str:
    """User text made safe for a line comment: no line breaks, control, bidirectional-override or
    zero-width characters, bounded length."""
    flat = _BREAKS.sub(" ", safe_text(text)).strip()
    return flat if len(flat) <= max_len else flat[: max_len - 1] + "…"


def unique_names(items, make: Callable[[str, set[str]], str], taken: set[str] | None = None) -> dict[str, str]:
    """{item.id: make(item.name, taken)} in order, every name distinct."""
    taken = set() if taken is None else taken
    return {item.id: make(item.name, taken) for item in items}


def write_text(out, text: str):
    """Write an exporter's text atomically; a file-system problem becomes a one-line ExportError."""
    from pathlib import Path

    from archplan.exports import ExportError
    from archplan.planner.io import atomic_write_text

    out = Path(out)
    try:
        atomic_write_text(out, text)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out


def no_options(fmt: str, options: dict) -> None:
    """Refuse options a writer does not know (a typo should not pass silently)."""
    if options:
        from archplan.exports import ExportError

        raise ExportError(f"the {fmt} export has no option {sorted(options)[0]!r}")
