"""planner.graph.back_edges: the shared cycle breaker of the canvas layout and the diagram export."""

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from archplan.planner.graph import back_edges


def test_a_dag_has_no_back_edges():
    succ = {"a": ["b", "c"], "b": ["c"], "c": []}
    assert back_edges(["a", "b", "c"], succ) == set()


def test_the_edge_that_closes_a_cycle_is_the_back_edge_in_search_order():
    succ = {"a": ["b"], "b": ["c"], "c": ["a"]}
    assert back_edges(["a", "b", "c"], succ) == {("c", "a")}
    assert back_edges(["b", "a", "c"], succ) == {("a", "b")}  # the search starts where the caller says


def test_two_way_link_and_self_loop():
    assert back_edges(["a", "b"], {"a": ["b"], "b": ["a"]}) == {("b", "a")}
    assert back_edges(["a"], {"a": ["a"]}) == {("a", "a")}


def test_a_long_chain_does_not_recurse():
    nodes = list(range(20_000))
    succ = {n: [n + 1] for n in nodes[:-1]} | {nodes[-1]: [0]}
    assert back_edges(nodes, succ) == {(nodes[-1], 0)}


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                                                      max_size=40).map(lambda e: (n, e))))
def test_dropping_or_reversing_back_edges_leaves_a_dag(case):
    n, edges = case
    nodes = list(range(n))
    succ = {v: list(dict.fromkeys(h for t, h in edges if t == v)) for v in nodes}
    back = back_edges(nodes, succ)
    pairs = {(t, h) for t in nodes for h in succ[t]}
    assert back <= pairs
    kept = nx.DiGraph(list(pairs - back))
    assert nx.is_directed_acyclic_graph(kept)
    reversed_ = nx.DiGraph([(h, t) if (t, h) in back else (t, h) for t, h in pairs if t != h])
    assert nx.is_directed_acyclic_graph(reversed_)
    if nx.is_directed_acyclic_graph(nx.DiGraph(list(pairs))):
        assert back == set()
