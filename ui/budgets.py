"""
Budgets in the app: the plan-wide budgets as fields of the inspector's plan page, and the pass / fail line
of the results header.

The fields edit `plan.settings.budgets` through the editor (one undo step per field edit, like every
setting); an empty field means "no budget". Budgets per client or component are kept in the plan file (or
set with the Python API) and are checked and shown like the others. Every figure shown comes from
planner.budgets.evaluate on the document's latest result.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QWidget

from archplan.planner import edit, units
from archplan.planner.budgets import Check, evaluate, summary_line
from archplan.planner.model import Budgets
from archplan.ui import theme
from archplan.ui.commands import SetSettings
from archplan.ui.document import Document
from archplan.ui.editor import Editor
from archplan.ui.fields import QuantityField
from archplan.ui.inspector_component import describe
from archplan.ui.quantities import DURATION, FRACTION, Quantity, _exact, _plain
from archplan.ui.sections import make_section

MONEY = Quantity("amount", units.parse_money, lambda v: _exact(v, _plain(v), units.parse_money),
                 units.format_money, "$5k, 5000")
AVAILABILITY = Quantity("availability", units.parse_fraction,
                        lambda v: _exact(v, [f"{v * 100:.{d}g}%" for d in range(1, 17)], units.parse_fraction),
                        lambda v: f"{v * 100:.10g} %", "99.9%")
MULTIPLIER = Quantity("multiplier", units.parse_multiplier,
                      lambda v: _exact(v, [f"{t}x" for t in _plain(v)], units.parse_multiplier),
                      units.format_multiplier, "2x")

#: plan-wide budget field -> (label, quantity)
BUDGET_FIELDS = (
    ("max_monthly_cost", "Max cost / month", MONEY),
    ("min_availability", "Min availability", AVAILABILITY),
    ("max_read_p99", "Max read p99", DURATION),
    ("max_write_p99", "Max write p99", DURATION),
    ("min_headroom", "Min headroom", MULTIPLIER),
    ("max_utilisation", "Max utilisation", FRACTION),
)
#: The light theme's colours (the dark theme has its own: theme.current()).
PASS_COLOUR = theme.LIGHT.ok
FAIL_COLOUR = theme.LIGHT.error


class SetBudget(SetSettings):
    """A plan-wide budget changed (the settings' whole budgets object is replaced): edits of the same budget
    in quick succession merge into one undo step, an edit of another budget is a step of its own."""

    merge_id = 1101

    def __init__(self, doc: Document, name: str, budgets: dict[str, Any], label: str):
        super().__init__(doc, {"budgets": budgets}, text=f"Edit budget: {label.lower()}")
        self.budget = name

    def mergeWith(self, other) -> bool:
        return isinstance(other, SetBudget) and other.budget == self.budget and super().mergeWith(other)


class BudgetFields:
    """The "Budgets" section of the plan page: one optional field per plan-wide budget."""

    def __init__(self, editor: Editor):
        self.editor = editor
        self.box: QWidget
        self.box, form = make_section("Budgets")
        self.box.setToolTip("Limits the design must meet: checked in the results header, the PDF and "
                            "`archplan check` (exit 1 in CI when one is missed). Empty: no budget.")
        self.fields: dict[str, QuantityField] = {}
        self.labels = {name: label for name, label, _quantity in BUDGET_FIELDS}
        for name, label, quantity in BUDGET_FIELDS:
            field = QuantityField(quantity, lambda v, n=name: self.set_budget(n, v), optional=True,
                                  placeholder="no budget", tooltip=describe(Budgets, name))
            self.fields[name] = field
            form.addRow(label, field)

    def set_budget(self, name: str, value: Any) -> None:
        """One budget changed: the whole budgets object, validated first (planner.edit), as one undo command."""
        budgets = {**self.editor.plan.settings.budgets.model_dump(), name: value}
        edit.update_settings(self.editor.plan, dry_run=True, budgets=budgets)
        self.editor.undo_stack.push(SetBudget(self.editor.document, name, budgets, self.labels[name]))

    def refresh(self) -> None:
        budgets = self.editor.plan.settings.budgets
        for name, field in self.fields.items():
            field.set_value(getattr(budgets, name))


def _item(check: Check) -> str:
    colours = theme.current()
    colour = colours.ok if check.passed else colours.error
    mark = "✓" if check.passed else "✗"
    return (f"<span style='color:{colour}'>{mark}</span> {html.escape(check.label)} "
            f"{html.escape(check.figure_text)} <span style='color:{colours.muted}'>"
            f"({html.escape(check.budget_text)})</span>")


def budgets_html(budgets: Budgets, result, shown: int = 6) -> str:
    """The results header's budgets line: how many hold, then each budget as pass (✓) or fail (✗), the
    missed ones first; "" when the plan has no budgets."""
    checks = evaluate(budgets, result)
    if not checks:
        return ""
    missed = [c for c in checks if not c.passed]
    colour = theme.current().error if missed else theme.current().ok
    ordered = missed + [c for c in checks if c.passed]
    items = [_item(c) for c in ordered[:shown]]
    if len(ordered) > shown:
        items.append(f"+{len(ordered) - shown} more")
    return (f"<b style='color:{colour}'>Budgets: {html.escape(summary_line(checks))}</b> &nbsp;·&nbsp; "
            + " &nbsp;·&nbsp; ".join(items))
