"""
The "Review" section of the PDF design document: the design review's verdict, every finding with its
numbers, its fix and that fix's before/after (the plan computed with the fix applied), the findings the
plan accepts with their reasons, and the sources the rules cite. Read from planner.review; nothing here
estimates a figure.
"""

from __future__ import annotations

from reportlab.platypus import Paragraph

from archplan.exports.pdf_parts import Heading
from archplan.exports.pdf_style import SEVERITY, P, cell, data_table, esc, styles, subheading
from archplan.planner import review
from archplan.planner.review.figures import fmt, label

#: Fixes previewed (each computes the fixed plan), most severe first; the others list what the fix does.
MAX_PREVIEWS = 12


def review_section(plan, result, width: float) -> list:
    story: list = [Heading("Review")]
    counts = {s: sum(1 for f in result.findings if f.severity == s) for s in review.SEVERITIES}
    verdict = "passes" if not counts["error"] and not counts["warning"] else "does not pass"
    story.append(P(f"The design review {verdict}: {counts['error']} critical, {counts['warning']} warning"
                   f"{'s' if counts['warning'] != 1 else ''} and {counts['info']} informational finding"
                   f"{'s' if counts['info'] != 1 else ''}. Each rule reads the computed figures and cites "
                   "its source; a fix is a list of edits to the plan, and its before / after comes from computing "
                   "the plan with the fix applied."))
    if result.findings:
        story += subheading("Findings and fixes")
        story.append(P("A rule that fires on several components is one row: its first finding is shown in full, with "
                       "its fix and the fix's before / after; the others are named.", "small"))
        groups: dict[tuple[str, str], list] = {}
        for f in result.findings:
            groups.setdefault((f.severity, f.rule), []).append(f)
        rows, previews = [], 0
        for members in groups.values():
            first, preview, fix = members[0], None, None
            if review.has_fixer(first) and previews < MAX_PREVIEWS:
                previews += 1
                try:
                    preview = review.preview(plan, first, result)
                except (review.FixError, ValueError):
                    preview = None
            elif review.has_fixer(first):
                fix = review.fix_for(plan, first, result)
            rows.append(_row(result, first, preview, fix, others=[_who(result, f) for f in members[1:]]))
        story.append(data_table(["Severity", "Rule", "Finding", "Fix and its effect"], rows,
                                [width * 0.1, width * 0.17, width * 0.4, width * 0.33]))
    if result.ignored:
        story += subheading("Accepted findings")
        rows = [[cell(f.rule), cell(_who(result, f)), cell(f.message), cell(review.ignore_reason(plan, f) or "")]
                for f in result.ignored]
        story.append(data_table(["Rule", "Component", "Finding", "Why it is accepted"], rows,
                                [width * 0.17, width * 0.17, width * 0.36, width * 0.3]))
    cited = sorted({f.rule for f in (*result.findings, *result.ignored)})
    if cited:
        story += subheading("Sources of the rules")
        story.append(data_table(["Rule", "Source"], [[cell(f"{rid}: {review.RULES[rid].title}"),
                                                      cell(review.RULES[rid].source)] for rid in cited],
                                [width * 0.32, width * 0.68]))
    return story


def _who(result, f) -> str:
    if f.component in result.components:
        return result.components[f.component].name
    if f.component in result.clients:
        return result.clients[f.component].name
    return "plan"


def _row(result, f, preview, fix=None, others: list[str] = ()) -> list:
    colour = SEVERITY[f.severity].hexval()[2:]
    badge = Paragraph(f'<font color="#{colour}"><b>{esc(review.SEVERITY_LABEL[f.severity].upper())}</b></font>',
                      styles()["cell"])
    figures = "; ".join(f"{label(result, e)} {fmt(e.value, e.unit)}" for e in f.figures)
    finding = f"<b>{esc(_who(result, f))}</b>: {esc(f.message)}" + (f"<br/>{esc(figures)}" if figures else "")
    if others:
        shown = ", ".join(others[:12]) + (f" and {len(others) - 12} more" if len(others) > 12 else "")
        finding += f"<br/><i>Also on {len(others)} more: {esc(shown)}</i>"
    rule = review.RULES.get(f.rule)
    rule_text = f"<b>{esc(f.rule)}</b>" + (f"<br/>{esc(rule.title)}" if rule else "")
    if preview is not None:
        changes = "<br/>".join(esc(r.text()) for r in preview.rows[:4])
        fix = f"<b>{esc(preview.fix.summary)}</b><br/>{changes}"
    elif fix is not None:
        fix = f"<b>{esc(fix.summary)}</b>"
    else:
        fix = esc(f.advice or "")
    return [badge, Paragraph(rule_text, styles()["cell"]), Paragraph(finding, styles()["cell"]),
            Paragraph(fix, styles()["cell"])]
