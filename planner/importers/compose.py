"""
docker-compose -> plan.

- A service becomes a component: its kind from the ``org.archplan.kind`` label an Archplan export
  writes, else from its image, name or command (planner/importers/kinds.py); a build without an image
  is judged by its name.
- Instances (pinned): the export's ``x-archplan.planned_count``, else ``deploy.replicas``, else ``scale``.
- Links: ``depends_on`` (a caller depends on what it calls; a consumer on its queue or log, which feeds
  it; a replica on its primary, which replicates to it), legacy ``links``, and host names in the
  environment (``DATABASE_URL=postgres://db:5432``, ``REDIS_HOST=cache``).
- Groups: the service's first network, when the stack uses more than one.
- Services with published ports are the entry points users reach.
- A folder: compose.yaml / docker-compose.yml plus its ``*.override.*`` files, merged as compose does
  (mappings merged, other values replaced); ``include:`` entries are read too.
- The export's ``x-archplan`` clients and health checks and ``x-archplan-external`` providers come back
  as components.

A depends_on cycle is refused, as docker compose refuses it.
"""

from __future__ import annotations

from pathlib import Path

from archplan.planner.catalog import default_catalog
from archplan.planner.importers.draft import Draft, Imported, Item, pin
from archplan.planner.importers.kinds import image_kind, name_kind
from archplan.planner.importers.links import depend, env_dict, env_links
from archplan.planner.importers.safe import Budget, ImportFailure, load_yaml_documents

BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
OVERRIDE_NAMES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml",
                  "docker-compose.override.yml")
MAX_INCLUDES = 50


def read(path: Path) -> Imported:
    budget = Budget()
    files = _files(path)
    doc: dict = {}
    seen: set[Path] = set()
    for file in files:
        doc = merge(doc, _load(file, budget, seen))
    services = doc.get("services")
    if not isinstance(services, dict) or not services:
        raise ImportFailure(f"{path}: no services: not a docker-compose file")
    draft = Draft("compose", str(path))
    names = _services(draft, services)
    _extensions(draft, doc)
    meta = doc.get("x-archplan") if isinstance(doc.get("x-archplan"), dict) else {}
    draft.exact_links(meta.get("links"))
    _links(draft, services, names)
    title = doc.get("x-archplan", {}).get("plan") if isinstance(doc.get("x-archplan"), dict) else None
    name = str(title or doc.get("name") or (path.name if path.is_dir() else path.stem))
    return draft.to_plan(name.replace("$$", "$"))


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    base = [path / n for n in BASE_NAMES if (path / n).is_file()]
    if not base:
        raise ImportFailure(f"{path}: no compose.yaml or docker-compose.yml in this folder")
    return base[:1] + [path / n for n in OVERRIDE_NAMES if (path / n).is_file()]


def _load(file: Path, budget: Budget, seen: set[Path]) -> dict:
    """One compose file with its includes merged in (includes first, as compose reads them)."""
    file = file.resolve()
    if file in seen:
        raise ImportFailure(f"{file}: included twice (an include cycle?)")
    if len(seen) >= MAX_INCLUDES:
        raise ImportFailure(f"{file}: more than {MAX_INCLUDES} included files")
    seen.add(file)
    docs = load_yaml_documents(budget.read(file), str(file))
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise ImportFailure(f"{file}: not a docker-compose file (expected one YAML mapping)")
    doc = docs[0]
    merged: dict = {}
    includes = doc.get("include") or []
    for entry in includes if isinstance(includes, list) else []:
        target = entry.get("path") if isinstance(entry, dict) else entry
        for one in target if isinstance(target, list) else [target]:
            if isinstance(one, str):
                child = (file.parent / one)
                if not child.is_file():
                    raise ImportFailure(f"{file}: included file {one} does not exist")
                merged = merge(merged, _load(child, budget, seen))
    return merge(merged, {k: v for k, v in doc.items() if k != "include"})


def merge(base, override):
    """Compose's merge, simplified: mappings merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    return override


def _label(service: dict, key: str):
    labels = service.get("labels")
    if isinstance(labels, dict):
        return labels.get(key)
    if isinstance(labels, list):
        for entry in labels:
            if isinstance(entry, str) and entry.startswith(key + "="):
                return entry.split("=", 1)[1]
    return None


def _networks(service: dict) -> list[str]:
    nets = service.get("networks")
    if isinstance(nets, dict):
        return [str(n) for n in nets]
    if isinstance(nets, list):
        return [str(n) for n in nets if isinstance(n, str)]
    return []


def _text(value) -> str:
    return str(value).replace("$$", "$") if value is not None else ""


def _services(draft: Draft, services: dict) -> dict[str, str]:
    """One component per service; returns {host name: item key} for the links."""
    catalog = default_catalog()
    used_networks = {n for s in services.values() if isinstance(s, dict) for n in _networks(s)}
    grouped = len(used_networks) > 1
    names: dict[str, str] = {}
    for sname, service in services.items():
        if not isinstance(service, dict):
            raise ImportFailure(f"{draft.source}: service {sname!r} is not a mapping")
        key = str(sname)
        labelled = _label(service, "org.archplan.kind")
        command = service.get("command")
        command_text = " ".join(map(str, command)) if isinstance(command, list) else _text(command)
        image = _text(service.get("image"))
        if labelled in catalog:
            kind, rule, known = str(labelled), "label org.archplan.kind", True
        elif image:
            kind, rule, known = image_kind(image, key, command_text)
        else:
            build = service.get("build")
            context = build.get("context") if isinstance(build, dict) else build
            kind, rule, known = name_kind(key, _text(context))
            rule = f"built from source, {rule}"
        extension = service.get("x-archplan") if isinstance(service.get("x-archplan"), dict) else {}
        deploy = service.get("deploy") if isinstance(service.get("deploy"), dict) else {}
        count = pin(extension.get("planned_count")) or pin(deploy.get("replicas")) or pin(service.get("scale"))
        item = Item(key=f"service {key}", name=_text(_label(service, "org.archplan.name") or key), kind=kind,
                    rule=rule, recognised=known, instances=count, id_hint=_label(service, "org.archplan.component"),
                    entry=bool(service.get("ports")))
        if not known:
            item.notes.append(f"Unknown image {image or '(built from source)'}: imported as a generic service.")
        nets = _networks(service)
        if grouped and nets:
            item.group = draft.group(f"network {nets[0]}", nets[0], "group")
            if len(nets) > 1:
                item.notes.append(f"Also on the networks {', '.join(nets[1:])}.")
        draft.add(item, "service")
        names[key.lower()] = item.key
        for alias in [service.get("container_name"), service.get("hostname")]:
            if isinstance(alias, str):
                names.setdefault(alias.lower(), item.key)
        for net in (service.get("networks") or {}).values() if isinstance(service.get("networks"), dict) else []:
            for alias in (net or {}).get("aliases", []) if isinstance(net, dict) else []:
                names.setdefault(str(alias).lower(), item.key)
    _check_cycles(draft, services)
    return names


def _links(draft: Draft, services: dict, names: dict[str, str]) -> None:
    for sname, service in services.items():
        key = f"service {sname}"
        deps = service.get("depends_on") or []
        for dep in deps if isinstance(deps, (list, dict)) else []:
            if f"service {dep}" in draft.items:
                depend(draft, key, f"service {dep}", "depends_on")
        for legacy in service.get("links") or []:
            target = names.get(str(legacy).split(":")[0].lower())
            if target:
                depend(draft, key, target, "links")
        env_links(draft, key, env_dict(service.get("environment")), names)


def _check_cycles(draft: Draft, services: dict) -> None:
    """depends_on must not loop (docker compose refuses such a file)."""
    graph = {str(s): [str(d) for d in (v.get("depends_on") or [])] if isinstance(v.get("depends_on"), (list, dict))
             else [] for s, v in services.items()}
    state: dict[str, int] = {}
    for root in graph:
        if root in state:
            continue
        stack = [(root, iter(graph[root]))]
        state[root] = 1
        path = [root]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif child not in graph:
                raise ImportFailure(f"{draft.source}: service {node!r} depends on {child!r}, which is not a service")
            elif state.get(child) == 1:
                loop = path[path.index(child):] + [child]
                raise ImportFailure(f"{draft.source}: depends_on forms a cycle: {' -> '.join(loop)}")
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph[child])))


def _extensions(draft: Draft, doc: dict) -> None:
    """What an Archplan export lists beside the services: clients, health checks, external providers."""
    catalog = default_catalog()
    by_name = {item.name: key for key, item in draft.items.items()}
    meta = doc.get("x-archplan") if isinstance(doc.get("x-archplan"), dict) else {}
    # without the export's own link list, clients call the published services and checks watch by name
    guess = not isinstance(meta.get("links"), list)
    entries = [key for key, item in draft.items.items() if item.entry] if guess else []
    for i, client in enumerate(meta.get("clients") or []):
        if not isinstance(client, dict):
            continue
        kind = client.get("kind") if client.get("kind") in catalog else "client.web"
        item = draft.add(Item(f"client {i + 1}", _text(client.get("name") or f"Client {i + 1}"), kind,
                              "x-archplan clients", id_hint=client.get("id")), "client")
        for entry in entries:
            draft.link(item.key, entry, "request")
    for i, check in enumerate(meta.get("health_checks") or []):
        if not isinstance(check, dict):
            continue
        item = draft.add(Item(f"health check {i + 1}", _text(check.get("name") or "Health check"), "obs.healthcheck",
                              "x-archplan health_checks", instances=1, id_hint=check.get("id")), "health check")
        for watched in (check.get("watches") or []) if guess else []:
            if _text(watched) in by_name:
                draft.link(item.key, by_name[_text(watched)], "health")
    for i, provider in enumerate(doc.get("x-archplan-external") or []):
        if not isinstance(provider, dict):
            continue
        kind = provider.get("kind")
        known = kind in catalog
        draft.add(Item(f"external {i + 1}", _text(provider.get("name") or f"External {i + 1}"),
                       kind if known else "ext.api", "x-archplan-external", recognised=known,
                       instances=pin(provider.get("count")), id_hint=provider.get("id")), "external")
