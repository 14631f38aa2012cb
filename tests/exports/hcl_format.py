"""An offline check that HCL text is canonical as `terraform fmt` writes it (not a test module).

`fmt_problems(text)` returns what `terraform fmt -check` would change, as messages with line numbers:
- it parses (python-hcl2);
- two-space indentation by nesting depth (braces, brackets and parentheses outside strings), no tabs,
  no trailing spaces, one final newline, never two blank lines in a row;
- `=` aligned as fmt aligns it: consecutive one-line attributes of one block share the column of the
  longest key + 1; a blank line, a comment line, a nested block or an attribute whose value spans
  lines ends the group, and the multi-line attribute itself has exactly one space before `=`.

Written from hclwrite's formatter rules and checked against `terraform fmt` on every template's
export while it was written; tests/exports/test_export_checks.py runs it on every template.
"""

from __future__ import annotations

import re

import hcl2

_KEY = re.compile(r'^(?P<indent> *)(?P<key>[A-Za-z_][A-Za-z0-9_-]*|"(?:[^"\\]|\\.)*")(?P<gap> *)= ')


def _depth_change(line: str) -> tuple[int, int]:
    """(closers at the start of the line, net change in depth) counting brackets outside strings."""
    depth, leading, in_string, escaped, started = 0, 0, False, False, False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string, started = True, True
        elif ch == "#":
            break
        elif ch in "{[(":
            depth += 1
            started = True
        elif ch in "}])":
            depth -= 1
            if not started:
                leading += 1
        elif not ch.isspace():
            started = True
        i += 1
    return leading, depth


def fmt_problems(text: str) -> list[str]:
    problems: list[str] = []
    try:
        hcl2.loads(text)
    except Exception as exc:  # the parser's own message says where
        return [f"does not parse: {exc}"]
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append("the file must end with exactly one newline")
    lines = text.split("\n")[:-1]
    depth = 0
    group: list[tuple[int, re.Match]] = []

    def close_group() -> None:
        if group:
            width = max(len(m.group("key")) for _, m in group)
            for number, m in group:
                if len(m.group("key")) + len(m.group("gap")) != width + 1:
                    problems.append(f"line {number}: '=' not aligned with its group (column {width + 1} after "
                                    "the indent)")
            group.clear()

    blank_before = False
    for number, line in enumerate(lines, start=1):
        if "\t" in line:
            problems.append(f"line {number}: a tab")
        if line != line.rstrip():
            problems.append(f"line {number}: trailing whitespace")
        if not line.strip():
            if blank_before:
                problems.append(f"line {number}: two blank lines in a row")
            blank_before = True
            close_group()
            continue
        blank_before = False
        leading, change = _depth_change(line)
        expected = 2 * (depth - leading)
        indent = len(line) - len(line.lstrip(" "))
        if indent != expected:
            problems.append(f"line {number}: indented {indent} spaces, fmt writes {expected}")
        stripped = line.strip()
        match = _KEY.match(line)
        if stripped.startswith(("#", "//")):
            close_group()
        elif match and change == 0:
            group.append((number, match))
        else:
            close_group()
            if match and len(match.group("gap")) != 1:
                problems.append(f"line {number}: a multi-line attribute has one space before '='")
        depth += change
    close_group()
    if depth != 0:
        problems.append(f"unbalanced brackets at the end (depth {depth})")
    return problems
