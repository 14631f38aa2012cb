"""The column engine's parts: formulas over numpy columns, the figure table that turns a row back into
Figure objects, the dominator and levelling algorithms, and engine results that must not depend on
how the rows are laid out (row order, lazily built figures)."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archplan.planner import formulas as fx
from archplan.planner.engine import compute
from archplan.planner.graph import evaluation_levels, expand_links, immediate_dominators
from archplan.planner.io import load_plan
from archplan.planner.model import Component, Link, Plan

TEMPLATES = sorted(p for p in (Path(__file__).resolve().parents[2] / "templates").glob("*.json")
                   if p.name != "catalog.json")
#: Inputs that are counts (whole numbers) in the formulas that take them.
COUNTS = {"k", "N", "c", "count", "n", "rf", "misses", "slots", "monitored", "replicas", "shards", "q", "workers"}


def _inputs(formula: fx.Formula, rng: random.Random, size: int) -> dict[str, list[float]]:
    values = {}
    for name in formula.inputs:
        if name in ("a", "p_wait", "sla", "a_up", "a_read", "a_write", "passed", "route", "replay"):
            column = [rng.uniform(0.5, 0.9999) for _ in range(size)]
        elif name == "p":
            column = [rng.choice([0.5, 0.95, 0.99]) for _ in range(size)]
        elif name == "tiers":
            column = ((10_000.0, 0.09), (50_000.0, 0.085), (float("inf"), 0.05))
        elif name == "g":
            column = [rng.uniform(0.01, 3.0) for _ in range(size)]
        elif name == "years":
            column = [rng.uniform(0.1, 20.0) for _ in range(size)]
        elif name in COUNTS:
            column = [float(rng.randint(1, 12)) for _ in range(size)]
        else:
            column = [rng.uniform(0.01, 5_000.0) for _ in range(size)]
        values[name] = column
    if formula is fx.AVAILABILITY_K_OF_N:
        values["k"] = [min(k, n) for k, n in zip(values["k"], values["N"])]
    if formula is fx.MMC_RESPONSE:  # a stable queue: arrivals below c x mu
        values["lam"] = [0.9 * c * mu * rng.random() for c, mu in zip(values["c"], values["mu"])]
    if formula is fx.QUEUE_DRAIN_TIME:
        values["capacity"] = [avg + 1.0 + d for avg, d in zip(values["avg"], values["capacity"])]
    if formula is fx.QUEUE_LOSS_TIME:
        values["avg"] = [capacity + 1.0 + d for capacity, d in zip(values["capacity"], values["avg"])]
    if formula is fx.AVAILABILITY_QUORUM:
        values["q"] = [min(q, rf) for q, rf in zip(values["q"], values["rf"])]
    if formula in (fx.MMC_WAIT, fx.MMC_PERCENTILE):
        values["lam"] = [0.9 * c * mu * rng.random() for c, mu in zip(values["c"], values["mu"])]
    return values


@pytest.mark.parametrize("formula", [f for f in fx.ALL.values() if "prod" not in f.expression],
                         ids=lambda f: f.key)
def test_a_formula_over_a_column_equals_the_formula_per_element(formula):
    rng = random.Random(formula.key)
    values = _inputs(formula, rng, 40)
    constant = {k: v for k, v in values.items() if k == "tiers"}  # one table for the whole column
    columns = {k: np.array(v) for k, v in values.items() if k not in constant}
    column = formula.vector(**columns, **constant)
    assert column.shape == (40,)
    for i in range(40):
        scalar = formula(**{k: v[i] for k, v in columns.items()}, **constant)
        assert column[i] == pytest.approx(scalar, rel=1e-12, abs=1e-300), (formula.key, i)


def test_vector_ceiling_tolerates_float_noise_like_the_scalar_one():
    load = np.array([2.1 * 3 / 2.1, 3.0000000001, 0.0, 2.5])
    assert fx.NEEDED_THROUGHPUT.vector(load=load, u=1.0).tolist() == [3.0, 3.0, 0.0, 3.0]


def test_unique_map_calls_the_function_once_per_distinct_row():
    calls = []

    def slow(a, b):
        calls.append((a, b))
        return a * 10 + b

    out = fx.unique_map(slow, np.array([1.0, 2.0, 1.0, 1.0, 2.0]), np.array([5.0, 5.0, 5.0, 6.0, 5.0]))
    assert out.tolist() == [15.0, 25.0, 15.0, 16.0, 25.0]
    assert sorted(calls) == [(1.0, 5.0), (1.0, 6.0), (2.0, 5.0)]
    assert float(fx.unique_map(slow, 3.0, 4.0)) == 34.0  # scalars stay scalars
    assert fx.unique_map(slow, np.zeros(0), np.zeros(0)).shape == (0,)


def test_figure_table_gives_each_row_its_own_inputs_as_python_numbers_in_display_order():
    table = fx.FigureTable(5, order=("utilisation", "load"))
    table.add("load", fx.LOAD_R, np.array([1, 3]), requests=np.array([100.0, 300.0]), capacity=50.0)
    table.add("utilisation", fx.UTILISATION, np.array([3, 4]), load=np.array([6.0, 1.0]),
              count=np.array([3, 2], dtype=np.intp))
    row3 = table.figures(3)
    assert list(row3) == ["utilisation", "load"]  # the display order, not the order they were added
    assert row3["load"].inputs == {"requests": 300.0, "capacity": 50.0} and row3["load"].value == 6.0
    assert row3["utilisation"].inputs == {"load": 6.0, "count": 3} and row3["utilisation"].value == 2.0
    assert type(row3["utilisation"].inputs["count"]) is int and type(row3["load"].inputs["requests"]) is float
    assert table.figures(1)["load"].text() == "load = requests / capacity = 100 / 50 = 2"
    assert table.figures(0) == {} and table.figures(2) == {}
    assert table.add("load", fx.LOAD_R, np.zeros(0, dtype=np.intp), requests=np.zeros(0), capacity=1.0).size == 0


def test_lazy_figures_is_a_read_only_mapping_built_once():
    table = fx.FigureTable(2)
    table.add("load", fx.LOAD_R, np.array([0, 1]), requests=np.array([10.0, 20.0]), capacity=10.0)
    first = {"availability": fx.AVAILABILITY_SERIES.figure(parts=[0.5, 0.5])}
    lazy = fx.LazyFigures(table, 1, first)
    assert list(lazy) == ["availability", "load"] and len(lazy) == 2
    assert "load" in lazy and "latency" not in lazy
    assert lazy["load"].value == 2.0 and lazy["availability"].value == 0.25
    assert lazy["load"] is lazy["load"]  # built once, then kept
    assert dict(fx.LazyFigures(table, 0)) == {"load": table.figures(0)["load"]}
    with pytest.raises(KeyError):
        lazy["latency"]
    with pytest.raises(TypeError):
        lazy["load"] = None  # type: ignore[index]


@st.composite
def digraphs(draw, acyclic: bool):
    n = draw(st.integers(1, 12))
    edges = set()
    for _ in range(draw(st.integers(0, 30))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a == b or (acyclic and a > b):
            continue
        edges.add((a, b))
    return n, sorted(edges)


@settings(max_examples=200, deadline=None)
@given(st.one_of(digraphs(acyclic=True), digraphs(acyclic=False)))
def test_immediate_dominators_match_networkx(graph):
    n, edges = graph
    succ: dict[int, list[int]] = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
    reference = nx.DiGraph()
    reference.add_nodes_from(range(n))
    reference.add_edges_from(edges)
    ours = immediate_dominators(0, succ)
    assert ours.pop(0) == 0  # the root is its own (networkx >= 3.5 leaves it out)
    theirs = {k: v for k, v in nx.immediate_dominators(reference, 0).items() if k != 0}
    assert ours == theirs


def _chain_plan(n: int, back: tuple[int, int] | None) -> Plan:
    comps = [Component(id="web", kind="client.web", name="Web")]
    comps += [Component(id=f"c{i}", kind="queue.sqs" if i % 2 else "service.go", name=f"C{i}") for i in range(n)]
    links = [Link(id="in", source="web", target="c0")]
    links += [Link(id=f"l{i}", source=f"c{i}", target=f"c{i + 1}", kind="async") for i in range(n - 1)]
    if back:
        links.append(Link(id="back", source=f"c{back[0]}", target=f"c{back[1]}", kind="async", share=0.3))
    return Plan(components=comps, links=links)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(st.just(n), st.one_of(
    st.none(), st.tuples(st.integers(1, n - 1), st.integers(0, n - 2)).filter(lambda t: t[0] > t[1])))))
def test_evaluation_levels_put_every_sender_before_its_receivers(case):
    n, back = case
    plan = _chain_plan(n, back)
    index = {c.id: i for i, c in enumerate(plan.components)}
    edges = expand_links(plan)
    levels = evaluation_levels(plan, edges, index)
    level_of = {}
    for depth, (singles, loops) in enumerate(levels):
        for row in singles:
            level_of[row] = (depth, row)
        for block in loops:
            assert len(block) > 1
            for row in block:
                level_of[row] = (depth, "loop", block[0])
    assert sorted(level_of) == list(range(len(plan.components)))  # every component exactly once
    for e in edges:
        a, b = level_of[index[e.source]], level_of[index[e.target]]
        assert a[0] < b[0] or (len(a) == 3 and a == b), e  # forward, or inside one loop
    if back:
        assert any(loops for _singles, loops in levels)


def _figures_by_id(plan: Plan) -> dict[str, dict[str, float]]:
    result = compute(plan)
    out = {cid: {name: f.value for name, f in r.figures.items()} for cid, r in result.components.items()}
    out.update({f"client:{cid}": {name: f.value for name, f in c.figures.items()} for cid, c in result.clients.items()})
    out["totals"] = {k: getattr(result.totals, k) for k in ("entry_qps_peak", "monthly_cost", "instances")}
    out["spofs"] = {k: len(v) for k, v in result.spofs.items()}
    return out


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_results_do_not_depend_on_the_order_of_components_or_links(path):
    plan = load_plan(path)
    shuffled = plan.model_copy(deep=True)
    random.Random(path.stem).shuffle(shuffled.components)
    shuffled.links.reverse()
    a, b = _figures_by_id(plan), _figures_by_id(shuffled)
    assert a.keys() == b.keys()
    for owner in a:
        assert a[owner].keys() == b[owner].keys(), owner
        for name, value in a[owner].items():
            assert b[owner][name] == pytest.approx(value, rel=1e-9, abs=1e-12), (owner, name)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_each_component_shows_the_working_of_its_own_numbers(path):
    """The lazily built figures are the rows of the very columns the results were read from."""
    plan = load_plan(path)
    result = compute(plan)
    fields = {"utilisation": "utilisation", "monthly_cost": "monthly_cost", "availability": "availability",
              "instance_availability": "instance_availability", "latency": "latency", "memory": "memory",
              "storage_replicated": "storage_replicated", "storage_per_day": "storage_per_day"}
    checked = 0
    for r in result.components.values():
        for figure, attribute in fields.items():
            if figure in r.figures:
                assert r.figures[figure].value == pytest.approx(getattr(r, attribute), rel=1e-12), (r.id, figure)
                checked += 1
        sized = "instances_copies" if "instances_copies" in r.figures else "instances_needed"
        if sized in r.figures:
            assert r.figures[sized].value == r.needed, r.id
        if "instances_recommended" in r.figures and not r.fixed:
            assert r.figures["instances_recommended"].value == r.count
    for c in result.clients.values():
        assert c.figures["read_latency"].value == c.read_latency
        assert c.figures["reads_avg"].value == pytest.approx(c.users * plan.traffic.reads_per_user / 86_400,
                                                             rel=1e-12)
    assert checked >= len(result.components)
