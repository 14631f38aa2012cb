"""exports.labels: the figures line and link text every text exporter shares."""

from export_fixtures import realistic_plan

from archplan.exports.diagram_labels import edge_label
from archplan.exports.drawio import component_label
from archplan.exports.escaping import mermaid_text, plantuml_text
from archplan.exports.labels import figures_line, link_figures, link_text
from archplan.exports.text import mermaid_source, plantuml_source
from archplan.planner import units
from archplan.planner.engine import compute
from archplan.planner.model import Link


def test_link_text_puts_label_share_fanout_and_kind_in_order():
    shared = Link(id="l", source="a", target="b", kind="async", share=0.25, label="orders\nfeed")
    share = units.format_percent(0.25, 0)
    assert link_figures(shared) == [share, "async"]
    assert link_text(shared) == " · ".join(["orders feed", share, "async"])  # the label on one line
    fanned = Link(id="m", source="a", target="b", fanout=3)
    assert link_text(fanned) == f"fan-out ×{units.format_count(3)}"  # a plain request does not say so
    assert link_text(Link(id="n", source="a", target="b")) == ""


def test_the_graphviz_edge_label_shows_the_same_figures():
    link = Link(id="l", source="a", target="b", kind="event", fanout=2, label="x")
    assert " · ".join(link_figures(link)) in edge_label(link)


def test_every_text_format_shows_the_same_figures_line():
    plan = realistic_plan()
    result = compute(plan)
    lines = {c.id: figures_line(c, result) for c in plan.components}
    assert all(lines.values())
    mermaid, plantuml = mermaid_source(plan, result), plantuml_source(plan, result)
    for component in plan.components:
        line = lines[component.id]
        assert component_label(component, result).splitlines()[-1] == line
        assert mermaid_text(line) in mermaid and plantuml_text(line) in plantuml
        client = result.clients.get(component.id)
        if client is not None:
            assert line == f"{units.format_count(client.users)} users"
        else:
            assert line.startswith(units.format_qps(result.components[component.id].qps_peak))


def test_link_kind_is_not_repeated_when_the_label_says_it():
    from archplan.exports.labels import link_text
    from archplan.planner.model import Link

    assert link_text(Link(id="l", source="a", target="b", kind="replication", label="Replication")) == "Replication"
    assert link_text(Link(id="l", source="a", target="b", kind="async", label="jobs")) == "jobs · async"
