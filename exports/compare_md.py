"""
A design comparison (planner.compare.Comparison) as Markdown: the key figures of A and B with their
deltas, then the components added, removed and changed. The same object and formatting as `archplan
compare A B` (planner.cli_compare.human / signed); the figure table and the cell escaping are the CLI's
own Markdown (planner.budgets_report.comparison_table, used by `check --markdown --base`).
"""

from __future__ import annotations

from archplan.planner.budgets_report import comparison_table, md_cell
from archplan.planner.cli_compare import human, signed

#: The columns of the figure table.
COLUMNS = ("Figure", "A", "B", "B - A", "B / A")

#: Figures of a changed component shown beside what changed.
CHANGED_FIGURES = ("instances", "latency_p99", "cost")


def _cell(text: object) -> str:
    return md_cell(" ".join(str(text).split()))


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _ratio(d) -> str:
    return "-" if d.ratio is None else f"x{d.ratio:.3g}"


def _figure(figures, key: str) -> str:
    for d in figures:
        if d.key == key:
            return human(d.unit, d.b if d.b is not None else d.a)
    return "-"


def _pair(figures, key: str) -> str:
    for d in figures:
        if d.key == key:
            if d.a == d.b:
                return human(d.unit, d.a)
            return f"{human(d.unit, d.a)} → {human(d.unit, d.b)}"
    return "-"


def totals_rows(cmp) -> list[tuple[str, str, str, str, str]]:
    """(figure, A, B, B - A, B / A) for every plan figure, formatted as the CLI prints them."""
    return [(d.label, human(d.unit, d.a), human(d.unit, d.b), signed(d.unit, d.delta), _ratio(d)) for d in cmp.totals]


def component_rows(cmp) -> list[tuple[str, str, str, str, str, str]]:
    """(change, component, kind, what changed, instances, cost/mo) for every added, removed and changed one."""
    rows = [("added", s.name, s.kind, "only in B", _figure(s.figures, "instances"), _figure(s.figures, "cost"))
            for s in cmp.added]
    rows += [("removed", s.name, s.kind, "only in A", _figure(s.figures, "instances"), _figure(s.figures, "cost"))
             for s in cmp.removed]
    rows += [("changed", m.name, m.kind_b if m.kind_a == m.kind_b else f"{m.kind_a} → {m.kind_b}",
              ", ".join(m.changed), _pair(m.figures, "instances"), _pair(m.figures, "cost")) for m in cmp.changed]
    return rows


def comparison_markdown(cmp, a_label: str | None = None, b_label: str | None = None) -> str:
    """The comparison as a Markdown document (A and B labelled by their plan names, or the labels given)."""
    a = a_label or cmp.a_name
    b = b_label or cmp.b_name
    lines = [f"# {_cell(cmp.a_name)} vs {_cell(cmp.b_name)}", "",
             f"- **A:** {_cell(a)}", f"- **B:** {_cell(b)}", "",
             "## Key figures", ""]
    lines += comparison_table(cmp, COLUMNS)
    lines += ["", "## Components", "",
              f"{len(cmp.matched)} in both ({len(cmp.changed)} changed), {len(cmp.added)} only in B (added), "
              f"{len(cmp.removed)} only in A (removed).", ""]
    rows = component_rows(cmp)
    if rows:
        lines += _table(("change", "component", "kind", "what changed", "instances", "cost/mo"), rows)
        lines.append("")
    if cmp.notes:
        lines += [f"> Note: {_cell(note)}" for note in cmp.notes] + [""]
    lines.append("Components are matched by id, then by name and kind. Every figure is computed by Archplan's engine; "
                 "a delta is B's figure minus A's.")
    return "\n".join(lines) + "\n"


def write_markdown(cmp, path, a_label: str | None = None, b_label: str | None = None):
    """Write the Markdown atomically; returns the path."""
    from pathlib import Path

    from archplan.planner.io import atomic_write_bytes

    path = Path(path)
    atomic_write_bytes(path, comparison_markdown(cmp, a_label, b_label).encode("utf-8"))
    return path
