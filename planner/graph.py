"""
The plan as a graph: edges between components, evaluation levels, request cycles (networkx),
single points of failure, and the back edges a layout breaks cycles at.

Links may start or end at a group (zone / tier): such a link is expanded to the group's members. A
link into a group reaches its entry members (those no other member of the group links to) and splits
equally among them; a link out of a group leaves from its exit members (those linking to no other
member), each sending its own output.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

import networkx as nx

from archplan.planner.model import Link, Plan

N = TypeVar("N", bound=Hashable)


class RequestCycleError(ValueError):
    """Synchronous requests go round in a circle: the load would be infinite."""

    def __init__(self, cycle: list[str], names: dict[str, str]):
        self.cycle = cycle
        path = " -> ".join(names.get(c, c) for c in [*cycle, cycle[0]])
        super().__init__(f"request links form a cycle: {path}; make one of them async or remove it")


class Edge:
    """A link as the engine sees it: component to component (groups expanded)."""

    __slots__ = ("kind", "link", "source", "split", "target")

    def __init__(self, link: Link, source: str, target: str, split: float):
        self.link = link
        self.source = source
        self.target = target
        self.split = split  # share of the link that reaches this target (1 unless the link ends at a group)
        self.kind = link.kind

    def __repr__(self) -> str:
        return f"Edge({self.source!r} -> {self.target!r}, {self.kind}, split={self.split:g})"


def members_by_group(plan: Plan) -> dict[str, list[str]]:
    """Components in each group, including those of nested groups."""
    children: dict[str, list[str]] = {}
    for group in plan.groups:
        if group.parent:
            children.setdefault(group.parent, []).append(group.id)
    direct: dict[str, list[str]] = {}
    for component in plan.components:
        if component.group:
            direct.setdefault(component.group, []).append(component.id)

    def collect(group_id: str, seen: set[str]) -> list[str]:
        if group_id in seen:
            return []
        seen.add(group_id)
        found = list(direct.get(group_id, []))
        for child in children.get(group_id, []):
            found += collect(child, seen)
        return found

    return {g.id: collect(g.id, set()) for g in plan.groups}


def expand_links(plan: Plan) -> list[Edge]:
    """Every link as component-to-component edges."""
    if not plan.groups:
        return [Edge(link, link.source, link.target, 1.0) for link in plan.links]
    groups = members_by_group(plan)
    inner: dict[str, tuple[set[str], set[str]]] = {}

    def entry_exit(group_id: str) -> tuple[set[str], set[str]]:
        if group_id not in inner:
            members = set(groups[group_id])
            targets = {lk.target for lk in plan.links if lk.source in members and lk.target in members}
            sources = {lk.source for lk in plan.links if lk.source in members and lk.target in members}
            inner[group_id] = (members - targets or members, members - sources or members)
        return inner[group_id]

    edges: list[Edge] = []
    for link in plan.links:
        sources = sorted(entry_exit(link.source)[1]) if link.source in groups else [link.source]
        targets = sorted(entry_exit(link.target)[0]) if link.target in groups else [link.target]
        for source in sources:
            for target in targets:
                if source != target:
                    edges.append(Edge(link, source, target, 1.0 / len(targets)))
    return edges


def check_request_cycles(plan: Plan, edges: list[Edge]) -> None:
    """Raise RequestCycleError naming the cycle if synchronous request links loop."""
    requests = nx.DiGraph((e.source, e.target) for e in edges if e.kind == "request")
    try:
        cycle = nx.find_cycle(requests)
    except nx.NetworkXNoCycle:
        return
    raise RequestCycleError([u for u, _v in cycle], {c.id: c.name for c in plan.components})


Level = tuple[list[int], list[list[int]]]


def evaluation_levels(plan: Plan, edges: list[Edge], index: dict[str, int]) -> list[Level]:
    """The components (by row) in waves: every component comes after all that send to it.

    Each level is (single components, async loops): a component's level is the longest path of
    non-health links reaching it, so one level's components never feed each other and can be
    evaluated together. Components on a loop (possible through async links only) form one block,
    levelled as a whole. Raises RequestCycleError when request links alone form a cycle. The common
    acyclic case is a plain Kahn sort by frontier (no graph object: it runs on every recompute)."""
    n = len(index)
    successors: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for e in edges:
        if e.kind != "health":
            t = index[e.target]
            successors[index[e.source]].append(t)
            indegree[t] += 1
    frontier = [i for i in range(n) if indegree[i] == 0]
    levels: list[Level] = []
    done = 0
    while frontier:
        levels.append((frontier, []))
        done += len(frontier)
        following = []
        for node in frontier:
            for nxt in successors[node]:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    following.append(nxt)
        frontier = following
    if done == n:
        return levels
    check_request_cycles(plan, edges)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((u, v) for u, out in enumerate(successors) for v in out)
    condensed = nx.condensation(graph)
    members = nx.get_node_attributes(condensed, "members")
    depth: dict[int, int] = {}
    for block in nx.topological_sort(condensed):
        depth[block] = max((depth[p] + 1 for p in condensed.predecessors(block)), default=0)
    by_level: list[Level] = [([], []) for _ in range(max(depth.values(), default=-1) + 1)]
    for block in sorted(depth, key=lambda b: min(members[b])):
        rows = sorted(members[block])
        singles, loops = by_level[depth[block]]
        if len(rows) == 1:
            singles.append(rows[0])
        else:
            loops.append(rows)
    return by_level


def request_successors(edges: list[Edge]) -> dict[str, set[str]]:
    succ: dict[str, set[str]] = {}
    for edge in edges:
        if edge.kind == "request":
            succ.setdefault(edge.source, set()).add(edge.target)
    return succ


def single_points_of_failure(clients: list[str], succ: dict[str, set[str]], candidates: set[str],
                             dominators: dict[str, dict[str, str]] | None = None) -> dict[str, list[str]]:
    """Candidates whose loss cuts some client off from what its requests need.

    x cuts client c off from v when every request path from c to v passes x, i.e. x dominates v in
    the request graph rooted at c (`immediate_dominators`). A candidate at the end of a request path
    (a database, a payment API) cuts the client off from itself. ``succ`` are the request links;
    ``dominators`` may give each client's dominator tree when the caller has it already. Returns
    {spof id: [ids it cuts off]}; clients themselves are never candidates.
    """
    cut: dict[str, set[str]] = {}
    for client in clients:
        idom = dominators[client] if dominators is not None else immediate_dominators(client, succ)
        if candidates.isdisjoint(idom):
            continue
        for node in idom:
            if node == client:
                continue
            if node in candidates and not succ.get(node):
                cut.setdefault(node, set()).add(node)
            dominator = idom[node]
            while dominator != client:
                if dominator in candidates:
                    cut.setdefault(dominator, set()).add(node)
                dominator = idom[dominator]
    return {k: sorted(v) for k, v in cut.items()}


def immediate_dominators(root: N, succ: Mapping[N, Iterable[N]]) -> dict[N, N]:
    """{node: its immediate dominator} for every node reachable from root (root maps to itself).

    The iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast Dominance Algorithm",
    2001): nodes in reverse postorder, each node's dominator the nearest common dominator of its
    processed predecessors, repeated until nothing changes. On an acyclic graph (request links never
    loop) every predecessor comes first in reverse postorder, so one pass is exact and is all it takes."""
    order: list[N] = []  # postorder
    seen = {root}
    stack = [(root, iter(succ.get(root, ())))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in seen:
                seen.add(child)
                stack.append((child, iter(succ.get(child, ()))))
                break
        else:
            stack.pop()
            order.append(node)
    rank = {node: i for i, node in enumerate(order)}
    preds: dict[N, list[N]] = {node: [] for node in order}
    for node in order:
        for child in succ.get(node, ()):
            preds[child].append(node)
    idom: dict[N, N] = {root: root}
    first = True
    while True:
        changed = skipped = False
        for node in reversed(order[:-1]):
            new = None
            for p in preds[node]:
                if p not in idom:
                    skipped = True  # a back edge: its source is not placed yet
                    continue
                if new is None:
                    new = p
                    continue
                a, b = p, new
                while a != b:
                    while rank[a] < rank[b]:
                        a = idom[a]
                    while rank[b] < rank[a]:
                        b = idom[b]
                new = a
            if new is not None and idom.get(node) != new:
                idom[node] = new
                changed = True
        if not changed or (first and not skipped):  # a first pass that saw every predecessor is exact
            return idom
        first = False


def back_edges(nodes: Iterable[N], successors: Mapping[N, Iterable[N]]) -> set[tuple[N, N]]:
    """The edges (tail, head) that close a cycle: depth-first search from each node in `nodes` order,
    children in `successors` order, and an edge whose head is still on the search stack is a back edge.

    Removing them (or reversing them) leaves the graph acyclic; the search order is the caller's, so
    the result is stable for a given plan. Layouts use it to rank a cyclic graph (exports/diagram_layout.py
    drops them, ui/canvas/layout.py reverses them). Every successor must itself be in `nodes`; a
    self-loop is reported as a back edge. Iterative, so a long chain cannot hit the recursion limit."""
    state: dict[N, int] = {}          # 1 = on the stack, 2 = done
    back: set[tuple[N, N]] = set()
    for root in nodes:
        if root in state:
            continue
        stack = [(root, iter(successors[root]))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(successors[child])))
    return back
