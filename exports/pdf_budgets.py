"""
The "Budgets" section of the PDF design document: each budget the plan states (plan.settings.budgets),
the figure it is checked against, the margin, and whether it holds (planner.budgets: the same checks as
`archplan check` and the results header). A plan without budgets has no such section.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Paragraph

from archplan.exports.pdf_parts import Heading
from archplan.exports.pdf_style import P, cell, data_table, esc, styles
from archplan.planner.budgets import evaluate, summary_line

PASS = colors.HexColor("#2E7D32")
FAIL = colors.HexColor("#B83227")


def budgets_section(plan, result, width: float) -> list:
    """A heading, one sentence saying how many budgets hold, and a table of every budget ([] without budgets)."""
    checks = evaluate(plan.settings.budgets, result)
    if not checks:
        return []
    missed = sum(not c.passed for c in checks)
    story: list = [Heading("Budgets"), P(
        f"<b>{esc(summary_line(checks))}.</b> The limits this design must meet, as stated in the plan, checked "
        "against the computed figures (the same checks as <font face='Courier'>archplan check</font> in CI). "
        + ("Missed budgets come first." if missed else ""))]
    rows = []
    for check in sorted(checks, key=lambda c: c.passed):
        colour = (PASS if check.passed else FAIL).hexval()[2:]
        badge = Paragraph(f'<font color="#{colour}"><b>{"MET" if check.passed else "MISSED"}</b></font>',
                          styles()["cell"])
        rows.append([badge, cell(check.label), cell(check.budget_text), cell(check.figure_text),
                     cell(check.margin_text), cell(check.detail)])
    story.append(data_table(["", "Budget", "Limit", "Figure", "Margin", "Note"], rows,
                            [width * .09, width * .27, width * .12, width * .12, width * .15, width * .25]))
    return story
