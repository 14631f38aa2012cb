"""No import cycles inside archplan.ui, counting every import: at the top of a module, inside a function
(imported on first use) and under TYPE_CHECKING. Modules that need each other's types share an explicit
interface (a Protocol) instead, e.g. ui/files.FileHost and ui/actions.ActionHost for the main window.

The import graph comes from grimp (the library import-linter builds on), read from the source files."""

from __future__ import annotations

import grimp
import networkx as nx
import pytest

PACKAGE = "archplan.ui"


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    imports = grimp.build_graph("archplan", include_external_packages=False, cache_dir=None)
    g = nx.DiGraph()
    for module in imports.modules:
        if module.startswith(PACKAGE):
            g.add_node(module)
            for imported in imports.find_modules_directly_imported_by(module):
                if imported.startswith(PACKAGE) and imported != module:
                    g.add_edge(module, imported)
    return g


def cycles(g: nx.DiGraph) -> list[list[str]]:
    return [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]


def test_no_import_cycle_inside_the_gui(graph):
    found = cycles(graph)
    assert not found, "import cycles in archplan.ui:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_graph_is_read_and_the_check_sees_a_cycle(graph):
    assert {"archplan.ui.main_window", "archplan.ui.actions", "archplan.ui.files"} <= set(graph)
    assert graph.has_edge("archplan.ui.main_window", "archplan.ui.actions")
    looped = graph.copy()
    looped.add_edge("archplan.ui.actions", "archplan.ui.main_window")   # what used to be there
    assert cycles(looped) and not cycles(graph)
