"""IaC naming and escaping: identifiers are valid and unique for any name, user text cannot inject.

The last test runs all four exporters (PDF, Terraform, compose, Kubernetes) on a plan whose names are
full of quotes, markup, unicode, template and shell syntax, and parses every output with real tools.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from iac_pdf_plans import NASTY, computed, nasty_plan
from pypdf import PdfReader

from archplan.exports import export
from archplan.exports.escaping import clean
from archplan.exports.iac import compose_service_name, dns1123, hcl_identifier, one_line
from archplan.exports.iac.hcl import quote

HCL_IDENT = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_-]*$")
DNS1123 = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
COMPOSE_SERVICE = re.compile(r"^[a-zA-Z0-9._-]+$")
VENV_BIN = Path(sys.executable).parent

names = st.text(min_size=0, max_size=120)


def hcl_unquote(literal: str) -> str:
    """Terraform's reading of a quoted string literal (the inverse of exports.iac.hcl.quote)."""
    assert literal.startswith('"') and literal.endswith('"'), literal
    body, out, i = literal[1:-1], [], 0
    simple = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt == "u":
                out.append(chr(int(body[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append(simple[nxt])
            i += 2
            continue
        if body.startswith("$${", i) or body.startswith("%%{", i):
            out.append(body[i] + "{")
            i += 3
            continue
        assert not body.startswith("${", i) and not body.startswith("%{", i), f"live template in {literal!r}"
        out.append(ch)
        i += 1
    return "".join(out)


# ------------------------------------------------------------------------------------------ identifiers

@pytest.mark.parametrize("make, pattern", [(hcl_identifier, HCL_IDENT), (dns1123, DNS1123),
                                           (compose_service_name, COMPOSE_SERVICE)])
def test_nasty_names_give_valid_distinct_identifiers(make, pattern):
    taken: set[str] = set()
    made = [make(name, taken) for name in NASTY + NASTY]  # every name twice: the copies must differ too
    assert all(pattern.match(m) for m in made), made
    assert len(set(made)) == len(made)
    assert set(made) <= taken


@settings(max_examples=300, deadline=None)
@given(st.lists(names, min_size=1, max_size=12))
def test_any_names_give_valid_unique_dns_labels(batch):
    taken: set[str] = set()
    labels = [dns1123(name, taken) for name in batch]
    for label in labels:
        assert DNS1123.match(label) and len(label) <= 63 and label[0].isalpha(), label
    assert len(set(labels)) == len(labels)


@settings(max_examples=300, deadline=None)
@given(st.lists(names, min_size=1, max_size=12))
def test_any_names_give_valid_unique_hcl_identifiers(batch):
    taken: set[str] = set()
    idents = [hcl_identifier(name, taken) for name in batch]
    assert all(HCL_IDENT.match(i) for i in idents), idents
    assert len(set(idents)) == len(idents)


def test_long_names_are_cut_to_63_and_stay_unique():
    taken: set[str] = set()
    long = "a" * 300
    labels = [dns1123(long, taken) for _ in range(15)]
    assert all(len(label) <= 63 and DNS1123.match(label) for label in labels)
    assert len(set(labels)) == 15
    short = dns1123("Feed cache service", set(), max_len=10)
    assert len(short) <= 10 and DNS1123.match(short)


def test_names_without_ascii_get_a_stable_order_free_label():
    first = dns1123("中文", set())
    assert DNS1123.match(first) and first == dns1123("中文", {"other"})
    assert dns1123("中文", set()) != dns1123("🚀", set())
    assert dns1123("Café au lait", set()) == "cafe-au-lait"
    assert hcl_identifier("Feed cache", set()) == "feed_cache"


def test_one_line_cannot_end_a_comment():
    flat = one_line("a\nb\r\nc\u2028d\x00e" + "x" * 500)
    assert "\n" not in flat and "\r" not in flat and "\u2028" not in flat and "\x00" not in flat
    assert len(flat) <= 200


@settings(max_examples=200, deadline=None)
@given(names)
@example("${var.x}")
@example("%{ if true }x%{ endif }")
@example("$${already} %%{escaped} \\${x} \"q\" \n")
def test_hcl_quote_round_trips_through_the_hcl_parser(text):
    """What Terraform reads back is the text itself, less the characters no export writes (controls,
    bidirectional overrides, zero-width: exports.escaping.clean)."""
    parsed = hcl2.loads(f"x = {quote(text)}\n")["x"]
    assert hcl_unquote(parsed) == clean(text)


# ------------------------------------------------------------------------------------------ all four exporters

def test_nasty_names_survive_every_exporter(tmp_path):
    plan, result = computed(nasty_plan())
    user_names = {c.name for c in plan.components} | {g.name for g in plan.groups}

    # Terraform: parses; every quoted value is free of live templates; tags give the names back exactly
    tf = export(plan, result, "terraform", tmp_path / "main.tf")
    doc = hcl2.loads(tf.read_text(encoding="utf-8"))
    strings = list(_quoted_strings(doc))
    assert strings
    decoded = {hcl_unquote(s) for s in strings}  # asserts no unescaped ${ or %{ in any literal
    assert {c.name for c in plan.components if not c.kind.startswith(("client.", "ext."))} <= decoded
    assert plan.name in decoded
    for rtype, ident in _resource_names(doc):
        assert HCL_IDENT.match(ident), (rtype, ident)

    # compose: valid against the compose spec; labels give the names back once $$ is undone
    compose = export(plan, result, "compose", tmp_path / "compose.yaml")
    _run([VENV_BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(compose)])
    services = yaml.safe_load(compose.read_text(encoding="utf-8"))["services"]
    for name, service in services.items():
        assert DNS1123.match(name)
        label = service["labels"]["org.archplan.name"]
        assert re.search(r"(?<!\$)\$(?!\$)", label.replace("$$", "")) is None, label
        assert label.replace("$$", "$") in user_names

    # Kubernetes: strict schema validation; DNS-1123 names; annotations keep the names
    k8s = export(plan, result, "kubernetes", tmp_path / "k8s.yaml")
    _run([VENV_BIN / "kubernetes-validate", "--strict", "-k", "1.33.0", "--quiet", str(k8s)])
    docs = list(yaml.safe_load_all(k8s.read_text(encoding="utf-8")))
    for d in docs:
        assert DNS1123.match(d["metadata"]["name"]) and len(d["metadata"]["name"]) <= 63
    annotated = {d["metadata"]["annotations"]["archplan.io/name"] for d in docs
                 if "archplan.io/kind" in d["metadata"].get("annotations", {})}
    assert annotated and annotated <= user_names

    # PDF: builds; markup in names is shown literally, not interpreted
    pdf = export(plan, result, "pdf", tmp_path / "doc.pdf", diagram=False)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = " ".join(text.split())
    assert "<b>Cache</b> & co" in flat
    assert "$(rm -rf /); `reboot`" in flat
    assert 'Load "balancer" \\ edge' in flat
    assert "API ${var.secret} %{ if true }x%{ endif }" in flat
    assert "Café 中文" in flat


def _quoted_strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.startswith('"'):
                yield key
            yield from _quoted_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _quoted_strings(item)
    elif isinstance(node, str) and node.startswith('"'):
        yield node


def _resource_names(doc):
    for block in doc.get("resource", []):
        for rtype, named in block.items():
            for ident in named:
                yield rtype.strip('"'), ident.strip('"')


def _run(cmd):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
