"""Hostile and broken input: every importer refuses it with one clear line (ImportFailure, and through the
CLI exit code 2 with nothing written); nothing is executed, expanded without bound or recursed into."""

from __future__ import annotations

import base64
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan import main
from archplan.planner.importers import ImportFailure, import_path, safe


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, fmt: str | None, match: str) -> str:
    with pytest.raises(ImportFailure, match=match) as info:
        import_path(path, fmt)
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    return message


# ------------------------------------------------------------------------------------------ YAML

def test_yaml_syntax_error_names_the_line(tmp_path):
    f = write(tmp_path / "compose.yaml", "services:\n  web:\n    image: [nginx\n")
    refused(f, "compose", r"not valid YAML.*line \d+")


def test_yaml_bomb_is_refused(tmp_path):
    """A "billion laughs": each level repeats the one before nine times (9^60 strings when walked)."""
    lines = ['x-l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 61):
        lines.append(f"x-l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    lines.append("services: {web: {image: nginx, x: *l60}}")
    f = write(tmp_path / "compose.yaml", "\n".join(lines) + "\n")
    refused(f, "compose", "aliases")


def test_deeply_nested_yaml_is_refused(tmp_path):
    f = write(tmp_path / "compose.yaml", "services: " + "[" * 5000 + "]" * 5000 + "\n")
    refused(f, "compose", "nested deeper")


def test_python_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    f = write(tmp_path / "compose.yaml",
              f"services:\n  web:\n    image: !!python/object/apply:os.system ['touch {marker}']\n")
    refused(f, "compose", "not valid YAML")
    assert not marker.exists()


def test_duplicate_service_is_refused(tmp_path):
    f = write(tmp_path / "compose.yaml", "services:\n  web:\n    image: nginx\n  web:\n    image: httpd\n")
    refused(f, "compose", "duplicate key 'web'")


def test_huge_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(safe, "MAX_FILE_BYTES", 1_000)
    f = write(tmp_path / "compose.yaml", "services:\n" + "".join(f"  s{i}:\n    image: nginx\n" for i in range(200)))
    refused(f, "compose", "bytes is more than")


def test_depends_on_cycle_is_refused(tmp_path):
    f = write(tmp_path / "compose.yaml", "services:\n  a: {image: nginx, depends_on: [b]}\n"
                                         "  b: {image: nginx, depends_on: [c]}\n  c: {image: nginx, depends_on: [a]}\n")
    refused(f, "compose", "depends_on forms a cycle: a -> b -> c -> a")


def test_depends_on_missing_service_is_refused(tmp_path):
    f = write(tmp_path / "compose.yaml", "services:\n  a: {image: nginx, depends_on: [ghost]}\n")
    refused(f, "compose", "'ghost', which is not a service")


def test_include_cycle_is_refused(tmp_path):
    write(tmp_path / "compose.yaml", "include: [other.yaml]\nservices: {a: {image: nginx}}\n")
    write(tmp_path / "other.yaml", "include: [compose.yaml]\nservices: {b: {image: nginx}}\n")
    refused(tmp_path, "compose", "included twice")


def test_not_a_compose_file(tmp_path):
    refused(write(tmp_path / "compose.yaml", "- just\n- a list\n"), "compose", "not a docker-compose file")
    refused(write(tmp_path / "c2.yaml", "version: '3'\n"), "compose", "no services")


def test_kubernetes_duplicate_object_and_missing_kind(tmp_path):
    doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n"
    refused(write(tmp_path / "a" / "x.yaml", doc + "---\n" + doc), "kubernetes",
            "Deployment default/web is defined twice")
    refused(write(tmp_path / "b" / "x.yaml", "foo: bar\n"), "kubernetes", "without apiVersion and kind")


# ------------------------------------------------------------------------------------------ HCL

def test_bad_hcl_is_one_line(tmp_path):
    write(tmp_path / "main.tf", 'resource "aws_instance" "x" {\n  ami = \n')
    refused(tmp_path, "terraform", "not valid HCL")


def test_module_cycle_is_refused(tmp_path):
    write(tmp_path / "main.tf", 'module "me" {\n  source = "./sub"\n}\n')
    write(tmp_path / "sub" / "main.tf", 'module "back" {\n  source = "../"\n}\nresource "aws_sqs_queue" "q" {}\n')
    refused(tmp_path, "terraform", "a cycle")


def test_duplicate_resource_is_refused(tmp_path):
    write(tmp_path / "a.tf", 'resource "aws_sqs_queue" "q" {}\n')
    write(tmp_path / "b.tf", 'resource "aws_sqs_queue" "q" {}\n')
    refused(tmp_path, "terraform", "aws_sqs_queue.q is defined twice")


def test_deep_hcl_is_refused(tmp_path):
    write(tmp_path / "main.tf", 'locals {\n  x = ' + "[" * 3000 + "]" * 3000 + "\n}\n")
    refused(tmp_path, "terraform", "nested too deeply|not valid HCL")


# ------------------------------------------------------------------------------------------ XML

def test_xml_entity_bomb_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
            '<mxfile><diagram><mxGraphModel><root><mxCell id="0" value="&lol2;"/></root></mxGraphModel></diagram>'
            '</mxfile>\n')
    refused(write(tmp_path / "x.drawio", bomb), "drawio", "refused XML")


def test_external_entity_is_refused(tmp_path):
    xxe = ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
           '<mxfile><diagram><mxGraphModel><root><mxCell id="0" value="&e;"/></root></mxGraphModel></diagram></mxfile>')
    refused(write(tmp_path / "x.drawio", xxe), "drawio", "refused XML")


def test_bad_xml_and_wrong_root(tmp_path):
    refused(write(tmp_path / "a.drawio", "<mxfile><diagram>"), "drawio", "not valid XML")
    refused(write(tmp_path / "b.drawio", "<svg></svg>"), "drawio", "not a draw.io file")


def test_duplicate_cell_ids_are_refused(tmp_path):
    cells = '<mxCell id="a" vertex="1" value="web" parent="1"/><mxCell id="a" vertex="1" value="db" parent="1"/>'
    text = f'<mxfile><diagram><mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>{cells}' \
           '</root></mxGraphModel></diagram></mxfile>'
    refused(write(tmp_path / "x.drawio", text), "drawio", "cell id 'a' is used twice")


def test_compressed_bomb_is_refused(tmp_path):
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflate.compress(b"A" * 30_000_000) + deflate.flush()
    text = f'<mxfile><diagram id="x">{base64.b64encode(packed).decode()}</diagram></mxfile>'
    refused(write(tmp_path / "x.drawio", text), "drawio", "inflates past")


# ------------------------------------------------------------------------------------------ Mermaid

@pytest.mark.parametrize(("text", "match"), [
    ("sequenceDiagram\n  A->>B: hi\n", "only Mermaid flowcharts"),
    ("flowchart LR\n  subgraph s\n    a --> b\n", "not closed with 'end'"),
    ("flowchart LR\n  a[open label --> b\n", "not closed"),
    ("flowchart LR\n  end\n", "'end' without a subgraph"),
    ("flowchart LR\n  a --> " + "b" * 30_000 + "\n", "longer than"),
    ("flowchart LR\n  a --> @@@\n", "expected a node"),
    ("flowchart LR\n" + "".join(f"  subgraph s{i}\n" for i in range(40)) + "  a\n" + "  end\n" * 40,
     "nested deeper than 32"),
])
def test_bad_mermaid(tmp_path, text, match):
    refused(write(tmp_path / "x.mmd", text), "mermaid", match)


# ------------------------------------------------------------------------------------------ through the CLI

@pytest.mark.parametrize(("name", "text", "fmt"), [
    ("compose.yaml", "services:\n  a: {image: nginx, depends_on: [a2]}\n  a2: {image: nginx, depends_on: [a]}\n",
     "compose"),
    ("x.drawio", "<mxfile><diagram>", "drawio"),
    ("x.mmd", "pie title x\n", "mermaid"),
    ("main.tf", "resource {", "terraform"),
])
def test_cli_refuses_with_exit_2_and_writes_nothing(tmp_path, capsys, name, text, fmt):
    source = write(tmp_path / "src" / name, text)
    out = tmp_path / "plan.json"
    code = main.main(["import", str(source), "--from", fmt, "-o", str(out)])
    _stdout, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("archplan: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
    kept = write(tmp_path / "kept.json", "precious")
    assert main.main(["import", str(source), "--from", fmt, "-o", str(kept), "--force"]) == 2
    assert kept.read_text(encoding="utf-8") == "precious"


# ------------------------------------------------------------------------------------------ fuzzing


_YAMLISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=12),
              st.sampled_from(["nginx", "postgres:16", "db", "redis://cache:6379", "x=y", "Deployment", "apps/v1"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["services", "image", "depends_on", "environment",
                                                             "deploy", "replicas", "networks", "ports", "kind",
                                                             "apiVersion", "metadata", "name", "spec", "labels",
                                                             "x-archplan", "links", "clients", "a", "b"]),
                                            inner, max_size=5)),
    max_leaves=25)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=_YAMLISH, fmt=st.sampled_from(["compose", "kubernetes"]))
def test_any_yaml_structure_imports_or_fails_cleanly(tmp_path, doc, fmt):
    import yaml

    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    try:
        import_path(path, fmt)
    except ImportFailure as exc:
        assert "\n" not in str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.sampled_from(["a", "b", "-->", "-.->", "==>", "[", "]", "(", ")", "{", "}", "|x|", "&",
                                      "subgraph s", "end", "\n", " ", '"', ":::c", "%% archplan a kind=db.postgres",
                                      "-- t -->", "[(db)]", "((x))", ">y]"]), max_size=30))
def test_any_mermaid_text_imports_or_fails_cleanly(tmp_path, body):
    path = tmp_path / "x.mmd"
    path.write_text("flowchart LR\n" + "".join(body) + "\n", encoding="utf-8")
    try:
        import_path(path, "mermaid")
    except ImportFailure as exc:
        assert "\n" not in str(exc)
