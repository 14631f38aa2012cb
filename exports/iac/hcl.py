"""
A tiny HCL (Terraform) writer: blocks, attributes and values, with the one string escaper.

Every Python `str` becomes a quoted HCL string through `quote`, which drops bidirectional-override,
zero-width and C1 characters (exports.iac.safe_text), escapes backslashes, quotes, control characters
and the template sequences ``${`` and ``%{`` (as ``$\u007b`` and ``%\u007b``), so text from a plan can
never inject an expression or break out of its string. Expressions (references such
as ``var.region``, function calls) are written only by this package, wrapped in `Expr`. Comments go
through `exports.iac.one_line`, so they cannot end early.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Union

from archplan.exports.iac import one_line, safe_text

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class Expr(str):
    """An HCL expression written verbatim (built by the exporters from identifiers, never user text)."""


Value = Union[str, Expr, int, float, bool, None, list, dict]  # noqa: UP007 - a runtime alias


def quote(text: str) -> str:
    """`text` as a quoted HCL string literal, with nothing in it interpreted by Terraform."""
    out = []
    for ch in safe_text(text):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    # `\u007b` instead of Terraform's `$${` / `%%{`: equally inert, and read right by every HCL parser
    body = "".join(out).replace("${", "$\\u007b").replace("%{", "%\\u007b")
    return f'"{body}"'


def ref(*parts: str) -> Expr:
    """A reference such as aws_lb.web.arn, from identifiers."""
    return Expr(".".join(parts))


@dataclass
class Attr:
    key: str
    value: Value
    comment: tuple[str, ...] = ()


@dataclass
class Note:
    """A comment line inside a block (e.g. ``checkov:skip=ID:reason``: static analysers read it only there)."""

    text: str


@dataclass
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: list[Attr | Block | Note] = field(default_factory=list)
    comment: tuple[str, ...] = ()

    def attr(self, key: str, value: Value, *comment: str) -> Block:
        self.body.append(Attr(key, value, comment))
        return self

    def skip(self, check: str, reason: str) -> Block:
        """Tell checkov this check is left to the user, and why (a comment inside the block)."""
        self.body.append(Note(f"checkov:skip={check}:{reason}"))
        return self

    def block(self, type_: str, *labels: str, comment: tuple[str, ...] = ()) -> Block:
        child = Block(type_, labels, comment=comment)
        self.body.append(child)
        return child


def value(v: Value, indent: int = 0) -> str:
    if isinstance(v, Expr):
        return str(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"HCL has no literal for {v!r}")
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(item, indent) for item in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        pad = "  " * (indent + 1)
        keys = [k if _IDENT.match(k) else quote(k) for k in v]
        width = max(len(k) for k in keys)
        lines = [f"{pad}{k.ljust(width)} = {value(item, indent + 1)}" for k, item in zip(keys, v.values(), strict=True)]
        return "{\n" + "\n".join(lines) + "\n" + "  " * indent + "}"
    raise TypeError(f"cannot write {type(v).__name__} as HCL")


def _comment_lines(lines: tuple[str, ...], pad: str) -> list[str]:
    return [f"{pad}# {one_line(line, 300)}".rstrip() for line in lines]


def render_block(block: Block, indent: int = 0) -> str:
    """A block as text; a block without a type is a standalone comment."""
    pad = "  " * indent
    if not block.type:
        return "\n".join(_comment_lines(block.comment, pad))
    head = " ".join([block.type, *(quote(label) for label in block.labels)])
    lines = _comment_lines(block.comment, pad) + [f"{pad}{head} {{"]
    inner = "  " * (indent + 1)
    run: list[Attr] = []

    def flush() -> None:
        # terraform fmt aligns the `=` of consecutive one-line attributes; a comment line or a value that
        # spans lines ends the group (the multi-line attribute itself is not padded)
        group: list[tuple[Attr, str]] = []

        def emit() -> None:
            width = max((len(a.key) for a, _ in group), default=0)
            lines.extend(f"{inner}{a.key.ljust(width)} = {text}" for a, text in group)
            group.clear()

        for a in run:
            text = value(a.value, indent + 1)
            if a.comment:
                emit()
                lines.extend(_comment_lines(a.comment, inner))
            if "\n" in text:
                emit()
                lines.append(f"{inner}{a.key} = {text}")
            else:
                group.append((a, text))
        emit()
        run.clear()

    for item in block.body:
        if isinstance(item, Note):
            flush()
            lines.extend(_comment_lines((item.text,), inner))
        elif isinstance(item, Attr):
            if not _IDENT.match(item.key):
                raise ValueError(f"bad HCL attribute name {item.key!r}")
            run.append(item)
        else:
            flush()
            lines.append(render_block(item, indent + 1))
    flush()
    lines.append(f"{pad}}}")
    return "\n".join(lines)


def render(blocks: list[Block], header: tuple[str, ...] = ()) -> str:
    parts = ["\n".join(_comment_lines(header, ""))] if header else []
    parts += [render_block(b) for b in blocks]
    return "\n\n".join(parts) + "\n"
