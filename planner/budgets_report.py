"""
Budget checks as text: the CLI table, JUnit XML for CI systems, Markdown for a pull-request comment.

Everything here translates `planner.budgets.Check`s (and, for Markdown, a `planner.compare.Comparison`
against a base revision); nothing is computed. JUnit XML follows the common (Ant / Jenkins) layout every
CI system reads: <testsuites> holding one <testsuite> per plan, one <testcase> per budget, a <failure>
in each missed one.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from archplan.planner.budgets import Check, summary_line


@dataclass(frozen=True)
class PlanChecks:
    """The checks of one plan file."""

    source: str                 # the file as given on the command line
    name: str                   # the plan's name
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


# ------------------------------------------------------------------------------------------ text

def text_table(report: PlanChecks) -> str:
    """The plan's checks as the CLI prints them: a table, then one line saying whether all hold."""
    from archplan.planner.cli import _table

    lines = [f"{report.name} ({report.source})", ""]
    if report.checks:
        rows = [("ok" if c.passed else "FAIL", c.label, c.budget_text, c.figure_text, c.margin_text,
                 _note(c)) for c in report.checks]
        lines.append(_table(("", "budget", "limit", "figure", "margin", "note"), rows).rstrip("\n"))
        lines.append("")
    lines.append(summary_line(list(report.checks)) + ".")
    return "\n".join(lines) + "\n"


def _note(check: Check) -> str:
    parts = [check.detail] if check.detail else []
    if check.source == "override":
        parts.append("set by a flag")
    return "; ".join(parts)


# ------------------------------------------------------------------------------------------ JUnit XML

def _classname(source: str) -> str:
    stem = re.sub(r"\.json$", "", source.replace("\\", "/").rsplit("/", 1)[-1])
    return "archplan." + (re.sub(r"[^A-Za-z0-9_]+", "_", stem).strip("_") or "plan")


def junit_xml(reports: Sequence[PlanChecks]) -> str:
    """One <testsuite> per plan and one <testcase> per budget; a missed budget has a <failure> whose
    message is the whole sentence (figure, budget, margin)."""
    root = ET.Element("testsuites", name="archplan check", tests=str(sum(len(r.checks) for r in reports)),
                      failures=str(sum(not c.passed for r in reports for c in r.checks)), errors="0", time="0")
    for report in reports:
        failures = sum(not c.passed for c in report.checks)
        suite = ET.SubElement(root, "testsuite", name=f"budgets of {report.name}", tests=str(len(report.checks)),
                              failures=str(failures), errors="0", skipped="0", time="0", file=report.source)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="plan", value=report.source)
        ET.SubElement(properties, "property", name="plan_name", value=report.name)
        classname = _classname(report.source)
        for check in report.checks:
            case = ET.SubElement(suite, "testcase", name=f"{check.label} {check.budget_text}", classname=classname,
                                 time="0")
            if check.passed:
                ET.SubElement(case, "system-out").text = _case_text(check)
            else:
                failure = ET.SubElement(case, "failure", message=check.sentence(), type="BudgetMissed")
                failure.text = _case_text(check)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case_text(check: Check) -> str:
    lines = [f"budget: {check.budget_text}", f"figure: {check.figure_text}", f"margin: {check.margin_text}"]
    note = _note(check)
    if note:
        lines.append(f"note: {note}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ Markdown

def _md(text: object) -> str:
    """Text safe inside a Markdown table cell: pipes, backslashes, markup characters and newlines escaped."""
    out = str(text).replace("\\", "\\\\").replace("\n", " ")
    for char in "|*_`<>[]#~":
        out = out.replace(char, "\\" + char)
    return out


md_cell = _md  # the escaping, shared with exports/compare_md.py


def markdown(report: PlanChecks, comparison=None, base_checks: Mapping[str, Check] | None = None,
             base: str | None = None) -> str:
    """A pull-request comment: a headline, the budget table (with the base revision's figure when a base is
    given) and the comparison with the base (planner.compare) folded under it."""
    mark = "✅" if report.passed else "❌"
    lines = [f"### {mark} {_md(report.name)}: {summary_line(list(report.checks))}", "",
             f"Plan file: `{report.source.replace('`', '')}`", ""]
    if report.checks:
        with_base = base_checks is not None
        header = ["", "Budget", "Limit", "Figure", "Margin"] + (["Base"] if with_base else []) + ["Note"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(["---"] * len(header)) + "|")
        for check in report.checks:
            cells = ["✅" if check.passed else "❌", _md(check.label), _md(check.budget_text), _md(check.figure_text),
                     _md(check.margin_text)]
            if with_base:
                was = base_checks.get(check.key)
                cells.append(_md(was.figure_text) if was is not None else "-")
            cells.append(_md(_note(check)))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if comparison is not None:
        lines += _comparison_markdown(comparison, base or "base")
    return "\n".join(lines).rstrip() + "\n"


#: The columns of the comparison's figure table in a pull-request comment.
CHECK_COLUMNS = ("Figure", "Base", "This change", "Change", "Ratio")


def comparison_table(cmp, columns: Sequence[str] = CHECK_COLUMNS) -> list[str]:
    """The key figures of a comparison (planner.compare) as a Markdown table, one line each, formatted as
    `archplan compare` prints them; shared by `check --markdown` and exports/compare_md.py."""
    from archplan.planner.cli_compare import human, signed

    lines = ["| " + " | ".join(_md(c) for c in columns) + " |", "|" + "|".join(["---"] * len(columns)) + "|"]
    for d in cmp.totals:
        ratio = "-" if d.ratio is None or math.isinf(d.ratio) else f"x{d.ratio:.3g}"
        lines.append(f"| {_md(d.label)} | {_md(human(d.unit, d.a))} | {_md(human(d.unit, d.b))} | "
                     f"{_md(signed(d.unit, d.delta))} | {ratio} |")
    return lines


def _comparison_markdown(cmp, base: str) -> list[str]:
    lines = ["<details><summary>Compared with the base: " + _md(base) + "</summary>", "", *comparison_table(cmp)]
    lines.append("")
    lines.append(f"Components: {len(cmp.matched)} in both ({len(cmp.changed)} changed), {len(cmp.added)} added, "
                 f"{len(cmp.removed)} removed.")
    items = [f"- added: {_md(s.name)} ({_md(s.kind)})" for s in cmp.added]
    items += [f"- removed: {_md(s.name)} ({_md(s.kind)})" for s in cmp.removed]
    items += [f"- changed: {_md(m.name)} ({_md(', '.join(m.changed))})" for m in cmp.changed]
    if items:
        lines += [""] + items
    for note in cmp.notes:
        lines += ["", f"Note: {_md(note)}"]
    lines += ["", "</details>", ""]
    return lines
