"""Pure arranging functions behind auto layout and align (no Qt)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archplan.ui.canvas.layout import ALIGN_MODES, align, layered_layout, overlapping

SIZE = (200.0, 80.0)


def test_layers_go_left_to_right():
    pos = layered_layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")], SIZE)
    assert pos["a"][0] < pos["b"][0] < pos["c"][0] < pos["d"][0]


def test_cycles_do_not_break_the_layout():
    pos = layered_layout(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")], SIZE)
    assert len(set(pos.values())) == 3
    assert overlapping(pos, SIZE) == []


def test_unlinked_nodes_get_a_last_column():
    pos = layered_layout(["monitor", "a", "b"], [("a", "b")], SIZE)
    assert pos["monitor"][0] > pos["b"][0]


def test_origin_is_the_top_left_corner():
    pos = layered_layout(["a", "b", "c"], [("a", "b"), ("a", "c")], SIZE, origin=(100.0, 60.0))
    assert min(x for x, _ in pos.values()) - SIZE[0] / 2 == 100.0
    assert min(y for _, y in pos.values()) - SIZE[1] / 2 == 60.0


def test_barycentre_ordering_removes_a_crossing():
    # a1 -> b2 and a2 -> b1 cross in plan order; ordering by barycentre uncrosses them
    pos = layered_layout(["a1", "a2", "b1", "b2"], [("a1", "b2"), ("a2", "b1")], SIZE)
    assert (pos["a1"][1] < pos["a2"][1]) == (pos["b2"][1] < pos["b1"][1])


def test_group_members_stay_together_with_room_for_frames():
    nodes = ["x1", "y1", "x2", "y2"]
    pos = layered_layout(nodes, [], SIZE, groups={"x1": "X", "x2": "X", "y1": "Y", "y2": "Y"}, group_gap=80)
    order = sorted(nodes, key=lambda n: pos[n][1])
    assert order in (["x1", "x2", "y1", "y2"], ["y1", "y2", "x1", "x2"])
    gaps = [pos[b][1] - pos[a][1] for a, b in itertools.pairwise(order)]
    assert gaps[1] == gaps[0] + 80


def test_unknown_align_mode_is_refused():
    with pytest.raises(ValueError):
        align({"a": (0, 0), "b": (1, 1)}, "diagonal", SIZE)


points = st.dictionaries(st.sampled_from([f"n{i}" for i in range(12)]),
                         st.tuples(st.floats(-2000, 2000), st.floats(-2000, 2000)), min_size=2)


@settings(max_examples=60, deadline=None)
@given(points, st.sampled_from(ALIGN_MODES))
def test_align_never_overlaps_cards(positions, mode):
    out = align(positions, mode, SIZE)
    assert set(out) == set(positions)
    assert overlapping(out, SIZE) == []
