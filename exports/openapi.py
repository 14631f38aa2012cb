"""
OpenAPI 3.0.3 skeleton (YAML) of the endpoints the plan's components declare.

Every component with endpoints becomes a tag and a server (``https://<component>.example.com``, set on
each of its path items too, since components are separate services); every endpoint an operation with
a summary from its name, a unique ``operationId``, its path parameters, a generic JSON request body
for writes, a 200 response, and ``x-archplan-peak-qps``: the component's peak reads (read endpoints)
or writes (write endpoints) at this plan's traffic, times the endpoint's share.

Paths are normalised into what OpenAPI accepts: no query string or fragment, stray braces
percent-encoded, repeated parameter names renamed. When two endpoints claim the same method and path
(two services both serving ``GET /health``), the later one is prefixed with its component's slug.
A plan without endpoints still yields a valid document, with empty ``paths`` and a note saying so.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from archplan.exports import refuse_options
from archplan.exports.escaping import clean, one_line
from archplan.planner import units
from archplan.planner.catalog import default_catalog
from archplan.planner.io import atomic_write_text

NO_ENDPOINTS_NOTE = ("This plan declares no API endpoints, so `paths` is empty: add endpoints to components "
                     "(name, method, path, read or write, share) and export again.")
_PARAM = re.compile(r"\{([^{}/]*)\}")
_WORDS = re.compile(r"[A-Za-z0-9]+")
_SLUG = re.compile(r"[^a-z0-9]+")


def write_openapi(plan, result, out: Path, **options) -> Path:
    """Write the OpenAPI 3.0.3 skeleton as YAML."""
    refuse_options("openapi", options)
    text = yaml.safe_dump(openapi_document(plan, result), sort_keys=False, allow_unicode=True, width=100)
    atomic_write_text(out, text)
    return Path(out)


def openapi_document(plan, result) -> dict:
    catalog = default_catalog()
    components = [c for c in plan.components if c.endpoints]
    description = clean(plan.description).strip()
    if not components:
        description = (description + "\n\n" if description else "") + NO_ENDPOINTS_NOTE
    doc: dict = {"openapi": "3.0.3",
                 "info": {"title": f"{one_line(plan.name)} API", "version": "0.1.0",
                          "description": description or f"Endpoints declared in the plan {one_line(plan.name)}."},
                 "servers": [], "tags": [], "paths": {}}
    slugs = _unique_slugs(components)
    tags = _unique_tags(components)
    operation_ids: set[str] = set()
    taken: set[tuple[str, str]] = set()
    for component in components:
        kind = catalog[component.kind].label if component.kind in catalog else component.kind
        server = {"url": f"https://{slugs[component.id]}.example.com", "description": one_line(component.name)}
        doc["servers"].append(server)
        doc["tags"].append({"name": tags[component.id], "description": f"{one_line(component.name)} ({kind})"})
        r = result.components.get(component.id)
        for endpoint in component.endpoints:
            path, params = normalised_path(endpoint.path)
            method = endpoint.method.lower()
            if (path, method) in taken:
                path, params = normalised_path(f"/{slugs[component.id]}{path}")
                n = 2
                while (path, method) in taken:
                    path, params = normalised_path(f"/{slugs[component.id]}-{n}{endpoint.path}")
                    n += 1
            taken.add((path, method))
            item = doc["paths"].setdefault(path, {"servers": [dict(server)]})
            item[method] = _operation(component, endpoint, r, tags[component.id], params, operation_ids)
    return doc


def _operation(component, endpoint, r, tag: str, params: list[str], operation_ids: set[str]) -> dict:
    peak = 0.0 if r is None else (r.reads_peak if endpoint.operation == "read" else r.writes_peak) * endpoint.share
    what = "reads" if endpoint.operation == "read" else "writes"
    op: dict = {
        "tags": [tag],
        "summary": one_line(endpoint.name),
        "description": (f"{one_line(endpoint.name)} on {one_line(component.name)}: "
                        f"{units.format_percent(endpoint.share, 0)} of its {what}, "
                        f"{units.format_qps(peak)} at peak."),
        "operationId": unique_operation_id(endpoint, operation_ids),
        "x-archplan-component": component.id,
        "x-archplan-peak-qps": round(float(peak), 6),
    }
    if params:
        op["parameters"] = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params]

    def json_object() -> dict:    # a fresh dict each time: a shared one would become a YAML alias
        return {"application/json": {"schema": {"type": "object"}}}

    if endpoint.operation == "write" and endpoint.method not in ("GET", "HEAD", "DELETE", "OPTIONS"):
        size = f" (about {units.format_size(endpoint.payload_size)})" if endpoint.payload_size else ""
        op["requestBody"] = {"required": True, "description": f"Request payload{size}.", "content": json_object()}
    response: dict = {"description": "OK"}
    if endpoint.operation == "read" and endpoint.method != "HEAD":
        response["content"] = json_object()
    op["responses"] = {"200": response}
    return op


def normalised_path(raw: str) -> tuple[str, list[str]]:
    """An OpenAPI path key and its parameter names: query/fragment dropped, stray braces
    percent-encoded, empty or repeated parameter names renamed; control, bidirectional-override and
    zero-width characters dropped (exports.escaping.clean)."""
    path = re.split(r"[?#]", clean(raw), maxsplit=1)[0] or "/"
    if not path.startswith("/"):
        path = "/" + path
    names: list[str] = []
    pieces: list[str] = []
    last = 0
    for match in _PARAM.finditer(path):
        pieces.append(_encode_braces(path[last:match.start()]))
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", match.group(1)) or "param"
        base, n = name, 2
        while name in names:
            name, n = f"{base}{n}", n + 1
        names.append(name)
        pieces.append("{" + name + "}")
        last = match.end()
    pieces.append(_encode_braces(path[last:]))
    return "".join(pieces), names


def _encode_braces(text: str) -> str:
    return text.replace("{", "%7B").replace("}", "%7D")


def unique_operation_id(endpoint, taken: set[str]) -> str:
    """camelCase from the endpoint's name (ASCII letters and digits), else from method and path."""
    words = _WORDS.findall(endpoint.name) or _WORDS.findall(f"{endpoint.method} {endpoint.path}")
    ident = words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:]) if words else "operation"
    if not ident[0].isalpha():
        ident = endpoint.method.lower() + ident[:1].upper() + ident[1:]
    candidate, n = ident, 2
    while candidate in taken:
        candidate, n = f"{ident}{n}", n + 1
    taken.add(candidate)
    return candidate


def _unique_slugs(components) -> dict[str, str]:
    slugs, taken = {}, set()
    for component in components:
        ascii_name = unicodedata.normalize("NFKD", one_line(component.name)).encode("ascii", "ignore").decode()
        base = _SLUG.sub("-", ascii_name.lower()).strip("-") or _SLUG.sub("-", component.id.lower())
        base = base.strip("-")[:50] or "service"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs[component.id] = slug
    return slugs


def _unique_tags(components) -> dict[str, str]:
    tags, taken = {}, set()
    for component in components:
        name = one_line(component.name)
        tag = name if name not in taken else f"{name} ({component.id})"
        taken.add(tag)
        tags[component.id] = tag
    return tags
