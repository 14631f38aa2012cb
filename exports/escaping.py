"""
User text made safe for the text formats the exporters write.

Names, labels and descriptions are free text: quotes, markup, backslashes, emoji and shell
characters must come out as literal text, never as syntax. Each target has its own rules, kept here
so the writers share one tested implementation.
"""

from __future__ import annotations

import html
import re

#: Characters no export ever writes from user text: C0 controls but tab and newline, DEL, C1 controls,
#: the bidirectional embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069: "Trojan Source",
#: CVE-2021-42574), directional marks, zero-width characters and the byte-order mark, and the line and
#: paragraph separators (which end a comment in some languages but show as nothing).
INVISIBLE = (r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064"
             r"\u2066-\u206f\ufeff\ufff9-\ufffb")
_CONTROL = re.compile(f"[{INVISIBLE}]")
_WHITESPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Drop control, bidirectional-override and zero-width characters (invalid in XML 1.0, meaningless
    or deceptive in a label); keep tabs and newlines. Every exporter's user text goes through this."""
    return _CONTROL.sub("", str(text))


def has_invisible(text: str) -> bool:
    """True when `text` holds a character `clean` drops (tabs and newlines aside)."""
    return _CONTROL.search(text) is not None


def one_line(text: str) -> str:
    """Control characters dropped and every run of whitespace (newlines too) turned into one space."""
    return _WHITESPACE.sub(" ", clean(text)).strip()


def html_text(text: str) -> str:
    """Text for an HTML / graphviz HTML-like label: & < > " ' become entities."""
    return html.escape(one_line(text), quote=True)


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label (``id["..."]``, ``-->|"..."|``).

    Mermaid decodes ``#name;`` / ``#123;`` entities inside labels, so every character that could end
    the string or be read as markup (quotes, brackets, pipes, <, >, &, #, backslash, backtick) is written
    as a numeric entity ``#<code>;``."""
    out = []
    for ch in one_line(text):
        if ch == '"':
            out.append("#quot;")
        elif ch in "'<>&#|[](){}\\`;":
            out.append(f"#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


_TITLE_LOOKALIKES = str.maketrans({"&": "\uff06", "<": "\uff1c", ">": "\uff1e"})


def mermaid_title(text: str) -> str:
    """The plan name for a Mermaid front-matter ``title:`` (a quoted YAML string).

    Mermaid (11.x) escapes ``&`` in the title itself and strips anything between ``<`` and ``>``, and
    decodes no entity there (``R&D`` shows "R&amp;D", ``#38;`` shows "#38;"): no escape survives. The
    title therefore writes & < > as their full-width forms ＆ ＜ ＞ (NFKC-equivalent, read the same)."""
    import json

    return json.dumps(one_line(text).translate(_TITLE_LOOKALIKES), ensure_ascii=False)


_PUML_ALWAYS = frozenset('"\\<[&~')
_PUML_BEFORE_NAME = frozenset("%$!")
_PUML_PAIRED = frozenset("-/_*^")


def plantuml_text(text: str) -> str:
    """Text for a PlantUML name (inside double quotes) or an arrow label, shown literally.

    PlantUML's escape for any character is ``<U+XXXX>``. It is used for the string quote, backslash
    (``\\n``, ``\\N``), ``<`` (``<b>``, ``<&icon>``, ``<$sprite>``), ``[`` (``[[link]]``), ``&``, ``~``
    (creole's own escape), ``%`` / ``$`` / ``!`` before a name (preprocessor functions and variables),
    and creole markup pairs (``--``, ``//``, ``__``, ``**``, ``^^``): "64 %" or "a-b" stay readable."""
    text = one_line(text)
    out = []
    for i, ch in enumerate(text):
        after = text[i + 1] if i + 1 < len(text) else ""
        paired = ch in _PUML_PAIRED and ((i > 0 and text[i - 1] == ch) or after == ch)
        preprocessor = ch in _PUML_BEFORE_NAME and (after.isalnum() or after in "_$%!")
        out.append(f"<U+{ord(ch):04X}>" if ch in _PUML_ALWAYS or paired or preprocessor else ch)
    return "".join(out)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|(\d+)([.)]))")


def markdown_text(text: str) -> str:
    """Inline Markdown (a table cell, a heading, a list item) that renders as the literal text.

    Characters Markdown or a table act on (backslash, backtick, * _ [ ] | ~ $) are backslash-escaped;
    < > & become entities so no HTML reaches the renderer; whitespace collapses to one line."""
    text = html.escape(one_line(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown_block(text: str) -> str:
    """Multi-line user text (a description) as literal Markdown paragraphs: each line escaped like
    `markdown_text`, and a line start that would make a heading, quote or list is escaped too."""
    lines = []
    for line in clean(text).splitlines():
        escaped = markdown_text(line)
        lines.append(_MD_LINE_START.sub(_escape_line_start, escaped))
    return "\n\n".join(line for line in lines if line.strip())


def _escape_line_start(match: re.Match) -> str:
    if match.group(3):                       # "1." / "1)" would start an ordered list
        return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"
    return f"{match.group(1)}\\{match.group(2)}"


_ID_CHARS = re.compile(r"[^A-Za-z0-9_]+")


def identifier(text: str, prefix: str = "n") -> str:
    """An ASCII identifier ([A-Za-z_][A-Za-z0-9_]*) derived from `text`; uniqueness is the caller's job."""
    ident = _ID_CHARS.sub("_", text).strip("_")
    if not ident or not (ident[0].isalpha() or ident[0] == "_"):
        ident = f"{prefix}_{ident}" if ident else prefix
    return ident


class UniqueIds:
    """Hands out identifiers that never repeat: 'orders', 'orders_2', ... (case-insensitively unique)."""

    def __init__(self, reserved: tuple[str, ...] = ()):
        self._taken = {r.lower() for r in reserved}

    def __call__(self, text: str, prefix: str = "n") -> str:
        base = identifier(text, prefix)
        ident, n = base, 2
        while ident.lower() in self._taken:
            ident, n = f"{base}_{n}", n + 1
        self._taken.add(ident.lower())
        return ident
