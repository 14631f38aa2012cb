"""Trojan Source and friends: names with bidirectional overrides and isolates (U+202E, U+2066..U+2069),
zero-width characters, C0 and C1 controls never reach any export, in any place (identifiers, comments,
labels, annotations, tags, table cells, document text). One test per format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from iac_pdf_plans import computed, full_plan
from pypdf import PdfReader

from archplan.exports import FORMATS, export
from archplan.exports.escaping import INVISIBLE
from archplan.planner.model import Endpoint

HOSTILE = ["admin\u202e\u2066// evil\u2069\u2066", "zero\u200bwidth\u200c\u200d\ufeffname",
           "c1\x85next\x9bline\x1b[31m", "bell\x07null\x00tab\tend",
           "iso\u2067late\u2068d\u2069 \u200e\u200f\u061c marks", "sep\u2028line\u2029para"]
FORBIDDEN = re.compile(f"[{INVISIBLE}]")


@pytest.fixture(scope="module")
def hostile():
    plan = full_plan(HOSTILE)
    plan.name = "Plan " + HOSTILE[0]
    plan.description = "\n".join(HOSTILE)
    for i, link in enumerate(plan.links):
        link.label = HOSTILE[i % len(HOSTILE)]
    for group in plan.groups:
        group.name = HOSTILE[1] + group.name
    api = next(c for c in plan.components if c.endpoints)
    api.endpoints = [Endpoint(name=HOSTILE[2], method="GET", path="/a/admin\u202e\u2066evil\u2069", operation="read"),
                     *api.endpoints]
    return computed(plan)


def _text(fmt: str, path: Path) -> str:
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    if fmt == "png":  # no text to read back: the labels graphviz drew come from the DOT source
        return path.with_suffix(".dot").read_text(encoding="utf-8")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_hostile_character_reaches_the_export(hostile, fmt, tmp_path):
    plan, result = hostile
    out = export(plan, result, fmt, tmp_path / f"out{FORMATS[fmt][1]}")
    if fmt == "png":
        from archplan.exports.diagram_graph import build_graph

        out.with_suffix(".dot").write_text(build_graph(plan, result).source, encoding="utf-8")
    text = _text(fmt, out)
    found = sorted({f"U+{ord(ch):04X}" for ch in FORBIDDEN.findall(text)} - {"U+0009", "U+000A", "U+000D"})
    assert not found, f"{fmt}: {found}"
    assert "evil" in text or (fmt in ("png", "svg", "drawio") and "admin" in text) or "zero" in text, \
        "the visible part of the names is kept"
