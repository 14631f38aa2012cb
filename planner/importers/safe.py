"""
Reading untrusted files for the importers: bounded sizes, safe YAML, safe XML.

- Files are read whole, as UTF-8, up to `MAX_FILE_BYTES` each and `MAX_TOTAL_BYTES` per import.
- YAML goes through `yaml.safe_load`'s SafeLoader only (no Python objects), with limits a real compose
  file or manifest never reaches: nesting depth, alias count (a "billion laughs" file expands aliases
  exponentially when walked), and duplicate mapping keys refused as docker compose and kubectl do.
- XML (draw.io) goes through defusedxml: no DTD, no entity expansion, no external references; a
  compressed draw.io diagram is inflated with a cap on the output.

Every failure is an `ImportFailure`: one line naming the file and the problem.
"""

from __future__ import annotations

import base64
import urllib.parse
import zlib
from pathlib import Path

import yaml

MAX_FILE_BYTES = 8_000_000
MAX_TOTAL_BYTES = 40_000_000
MAX_FILES = 2_000
MAX_DEPTH = 64
MAX_ALIASES = 500
MAX_INFLATED = 20_000_000


class ImportFailure(ValueError):
    """The source cannot be imported: unreadable, malformed, hostile or inconsistent (one line)."""


class Budget:
    """Bytes read so far in one import, against MAX_TOTAL_BYTES."""

    def __init__(self) -> None:
        self.used = 0

    def read(self, path: Path) -> str:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ImportFailure(f"{path}: cannot read ({exc.strerror or exc})") from None
        if size > MAX_FILE_BYTES:
            raise ImportFailure(f"{path}: {size:,} bytes is more than the {MAX_FILE_BYTES:,} an import reads per file")
        self.used += size
        if self.used > MAX_TOTAL_BYTES:
            raise ImportFailure(f"{path}: the files add up to more than {MAX_TOTAL_BYTES:,} bytes")
        try:
            return path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFailure(f"{path}: not UTF-8 text") from None
        except OSError as exc:
            raise ImportFailure(f"{path}: cannot read ({exc.strerror or exc})") from None


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader with a depth limit, an alias limit and duplicate keys refused."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (a YAML bomb?)")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise yaml.YAMLError(f"nested deeper than {MAX_DEPTH} levels (line {mark.line + 1})")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: let the constructor report it
                duplicate = False
            if duplicate:
                raise yaml.YAMLError(f"duplicate key {key!r} (line {key_node.start_mark.line + 1})")
            if not isinstance(key, (list, dict)):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml_documents(text: str, source: str) -> list:
    """Every document of a YAML stream (empty ones dropped), loaded safely within the limits."""
    loader = _BoundedLoader(text)
    try:
        docs = []
        while loader.check_data():
            doc = loader.get_data()
            if doc is not None:
                docs.append(doc)
        return docs
    except yaml.YAMLError as exc:
        raise ImportFailure(f"{source}: not valid YAML: {_yaml_message(exc)}") from None
    except RecursionError:
        raise ImportFailure(f"{source}: nested too deeply to read") from None
    finally:
        loader.dispose()


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return " ".join(f"{problem}{where}".split())


def depth_ok(value, limit: int = MAX_DEPTH) -> bool:
    """Whether nested lists / dicts stay within `limit` levels (iterative: no recursion on hostile data)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return True


def parse_xml(text: str, source: str):
    """An ElementTree root from untrusted XML: no DTDs, entities or external references."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        return SafeET.fromstring(text, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ImportFailure(f"{source}: refused XML ({type(exc).__name__}: entities and DTDs are not read)") from None
    except ParseError as exc:
        raise ImportFailure(f"{source}: not valid XML ({exc})") from None
    except RecursionError:
        raise ImportFailure(f"{source}: nested too deeply to read") from None


def inflate_drawio(payload: str, source: str) -> str:
    """A compressed draw.io diagram: base64, raw deflate, then URL-encoded XML; capped at MAX_INFLATED."""
    try:
        raw = base64.b64decode(payload.strip(), validate=False)
        inflater = zlib.decompressobj(-15)
        data = inflater.decompress(raw, MAX_INFLATED + 1)
    except (ValueError, zlib.error) as exc:
        raise ImportFailure(f"{source}: the compressed diagram cannot be read ({exc})") from None
    if len(data) > MAX_INFLATED or inflater.unconsumed_tail:
        raise ImportFailure(f"{source}: the compressed diagram inflates past {MAX_INFLATED:,} bytes")
    try:
        return urllib.parse.unquote(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportFailure(f"{source}: the compressed diagram is not UTF-8 text") from None
