"""exports.refuse_options: every writer refuses an option it does not know, in one line, writing nothing."""

import pytest
from export_fixtures import realistic_plan

from archplan.exports import ExportError, export
from archplan.planner.engine import compute


@pytest.mark.parametrize("fmt, known", [
    ("mermaid", ""), ("plantuml", ""), ("markdown", ""), ("csv", ""), ("drawio", ""), ("openapi", ""),
    ("png", " (known: scale, as_drawn)"), ("svg", " (known: scale, as_drawn)"),
])
def test_unknown_option_is_refused_before_anything_is_written(fmt, known, tmp_path):
    plan = realistic_plan()
    with pytest.raises(ExportError) as info:
        export(plan, compute(plan), fmt, tmp_path / "out", zoom=2, colour="red")
    assert str(info.value) == f"option 'colour' does not apply to {fmt}{known}"  # the first, sorted
    assert list(tmp_path.iterdir()) == []
