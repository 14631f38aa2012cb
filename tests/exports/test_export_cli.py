"""`python main.py export FILE --format F -o OUT` for the diagram and text formats."""

from __future__ import annotations

import csv
import shutil
import struct
from xml.etree import ElementTree as ET

import pytest
import yaml
from export_fixtures import plan_fixture, result_fixture

from archplan import main
from archplan.planner.io import save_plan


@pytest.fixture
def plan_file(plan, tmp_path):
    path = tmp_path / "shop.json"
    save_plan(plan, path)
    return path


def run(argv, capsys) -> tuple[int, str, str]:
    code = main.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _png(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


CHECKS = {
    "png": _png,
    "svg": lambda p: ET.parse(p).getroot().tag.endswith("svg"),
    "drawio": lambda p: ET.parse(p).getroot().tag == "mxfile",
    "mermaid": lambda p: "flowchart LR" in p.read_text(encoding="utf-8").splitlines(),
    "plantuml": lambda p: p.read_text(encoding="utf-8").splitlines()[0] == "@startuml",
    "markdown": lambda p: p.read_text(encoding="utf-8").startswith("# Web shop\n"),
    "openapi": lambda p: yaml.safe_load(p.read_text(encoding="utf-8"))["openapi"] == "3.0.3",
    "csv": lambda p: len(list(csv.DictReader(p.open(encoding="utf-8", newline="")))) == 16,
}


@pytest.mark.parametrize("fmt", [pytest.param(f, marks=pytest.mark.graphviz) if f in ("png", "svg") else f
                                 for f in CHECKS])
def test_export_each_format(plan_file, tmp_path, capsys, fmt):
    if fmt in ("png", "svg"):
        assert shutil.which("dot"), "graphviz `dot` is missing: run `make setup`"
    out = tmp_path / f"out.{fmt}"
    code, stdout, err = run(["export", str(plan_file), "--format", fmt, "-o", str(out)], capsys)
    assert (code, err) == (0, "")
    assert f"wrote {out}" in stdout
    assert CHECKS[fmt](out)


@pytest.mark.graphviz
def test_png_scale_and_as_drawn_options(plan_file, tmp_path, capsys):
    assert shutil.which("dot"), "graphviz `dot` is missing: run `make setup`"
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    assert run(["export", str(plan_file), "-f", "png", "-o", str(one)], capsys)[0] == 0
    assert run(["export", str(plan_file), "-f", "png", "-o", str(two), "--scale", "2", "--as-drawn"], capsys)[0] == 0
    assert _png(two)[0] > _png(one)[0]


def test_unknown_format_exits_2_with_one_line(plan_file, tmp_path, capsys):
    code, _, err = run(["export", str(plan_file), "--format", "visio", "-o", str(tmp_path / "x")], capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("archplan: error:") and "visio" in err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_missing_graphviz_exits_2_with_one_line(plan_file, tmp_path, capsys, monkeypatch, fmt):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    code, _, err = run(["export", str(plan_file), "--format", fmt, "-o", str(tmp_path / f"x.{fmt}")], capsys)
    assert code == 2
    assert err.count("\n") == 1 and "graphviz is not installed" in err and "apt-get install graphviz" in err
    assert not (tmp_path / f"x.{fmt}").exists()


def test_a_bad_scale_exits_2(plan_file, tmp_path, capsys):
    code, _, err = run(["export", str(plan_file), "-f", "png", "-o", str(tmp_path / "x.png"), "--scale", "0"],
                       capsys)
    assert code == 2 and err.count("\n") == 1 and "scale" in err


def test_the_pdf_author_can_be_given_on_the_command_line(tmp_path):
    from pypdf import PdfReader

    from archplan.main import main
    from archplan.planner.library import builtin_dir

    out = tmp_path / "d.pdf"
    assert main(["export", str(builtin_dir() / "three_tier.json"), "-f", "pdf", "--author", "Ada", "-o", str(out)]) == 0
    assert PdfReader(out).metadata.author == "Ada"
