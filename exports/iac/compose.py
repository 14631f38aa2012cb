"""
docker-compose file: the plan as a local stack of real images (exports/iac/roles.py picks them).

- Stateless kinds (load balancers, services, workers, memcached) run `deploy.replicas` = the plan's
  count. Data stores run one container locally (several copies sharing one volume would corrupt it);
  their planned count is kept in the service's `x-archplan` extension. Read replicas, which own no
  shared data, run `count` replicas each with its own anonymous volume.
- depends_on follows the links: a caller depends on what it calls, a consumer on its queue, a
  replica on its primary; a dependency that would close a loop is left out (compose refuses cycles).
- Ports are published only for entry components (those clients call); data stores get named volumes.
- Every container runs with no-new-privileges; the placeholder application images also as a non-root
  user on a read-only root file system with every capability dropped. A cache's memory limit is its
  share of the hot set at its usable share of memory (planner/deployment.py; docker's ``M`` is 2^20 B).
- A component watched by a health check gets a container healthcheck with the plan's interval and
  misses; external providers (payments, e-mail, CDN, DNS) are listed under `x-archplan-external`.
- `x-archplan` keeps what compose cannot say, so `archplan import` gives the plan back: the clients,
  health checks and every link of the plan (by component id) beside depends_on.

Compose interpolates ``$`` in every value, so user text is written with ``$`` doubled.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from archplan.exports import ExportError
from archplan.exports.iac import compose_service_name, dns1123, no_options, one_line, safe_text, write_text
from archplan.exports.iac.roles import (
    APP_NOTE,
    RUNTIMES,
    Relations,
    Runtime,
    health_settings,
    is_client,
    is_external,
    is_monitor,
    kind_label,
    relations,
    sizing_lines,
)
from archplan.planner import units

__all__ = ["compose_document", "write_compose"]

FIRST_HOST_PORT = 8080
RUN_AS = 10001
MAX_HOST_PORT = 65_535


def text(value: str) -> str:
    """User text for a compose value: control, bidirectional-override and zero-width characters dropped,
    `$` doubled so compose does not interpolate it."""
    return safe_text(value).replace("$", "$$")


def duration(seconds: float) -> str:
    """A compose duration: whole seconds as '30s', shorter ones in milliseconds."""
    if seconds >= 1 and float(seconds).is_integer():
        return f"{int(seconds)}s"
    return f"{max(1, round(seconds * 1000))}ms"


def compose_document(plan, result) -> dict:
    """The compose file as a dict (services, volumes, x-archplan extensions)."""
    rel = relations(plan)
    deps = result.deployment(plan)
    taken: set[str] = set()
    names: dict[str, str] = {}
    external, clients = [], []
    for comp in plan.components:
        if is_client(comp):
            users = result.clients.get(comp.id)
            clients.append({"id": text(comp.id), "name": text(comp.name), "kind": comp.kind,
                            "daily_users": round(users.users) if users else 0})
        elif is_external(comp) or (comp.kind not in RUNTIMES and not is_monitor(comp)):
            r = result.components[comp.id]
            external.append({"id": text(comp.id), "name": text(comp.name), "kind": comp.kind,
                             "count": r.count, "peak": units.format_qps(r.qps_peak),
                             "note": f"{kind_label(comp)}: a provider's service, not run locally"})
        elif comp.kind in RUNTIMES:
            names[comp.id] = compose_service_name(comp.name, taken)

    services: dict[str, dict] = {}
    volumes: dict[str, dict] = {}
    next_port = FIRST_HOST_PORT
    for comp in plan.components:
        if comp.id not in names:
            continue
        runtime = RUNTIMES[comp.kind]
        r = result.components[comp.id]
        service, next_port = _service(plan, rel, names, comp, r, deps[comp.id], runtime, next_port, volumes)
        services[names[comp.id]] = service
    _depends(plan, rel, names, services)

    monitors = [{"id": text(c.id), "name": text(c.name),
                 "watches": [text(plan.component(t).name) for t, ms in rel.watched_by.items() if c.id in ms],
                 "interval": duration(c.param("interval_s")), "misses": round(c.param("misses")),
                 "note": "implemented as the healthcheck of each service it watches"}
                for c in plan.components if is_monitor(c)]
    doc: dict = {"name": dns1123(plan.name, set()), "services": services}
    if volumes:
        doc["volumes"] = volumes
    doc["x-archplan"] = {"plan": text(plan.name), "generated_by": "archplan",
                         "daily_users": units.format_count(result.totals.dau),
                         "peak": units.format_qps(result.totals.entry_qps_peak),
                         "clients": clients, "health_checks": monitors,
                         "links": [{"source": text(lk.source), "target": text(lk.target), "kind": lk.kind}
                                   for lk in plan.links]}
    if external:
        doc["x-archplan-external"] = external
    return doc


def _service(plan, rel: Relations, names, comp, r, dep, runtime: Runtime, next_port: int, volumes: dict):
    name = names[comp.id]
    scales_out = runtime.scale_out or comp.id in rel.primary_of
    replicas = dep.instances if scales_out else 1
    service: dict = {"image": runtime.image}
    if runtime.command:
        service["command"] = list(runtime.command)
    env = dict(runtime.env)
    primary = rel.primary_of.get(comp.id)
    if primary in names:
        key = "POSTGRESQL_MASTER_HOST" if "postgres" in comp.kind else "MYSQL_MASTER_HOST"
        env[key] = names[primary]
    if comp.kind == "pubsub.kafka":
        env["KAFKA_ADVERTISED_LISTENERS"] = f"PLAINTEXT://{name}:9092"
    if env:
        service["environment"] = env
    if comp.id in rel.entry and runtime.port:
        port: dict = {"target": runtime.port, "protocol": "tcp"}
        if next_port + replicas - 1 <= MAX_HOST_PORT:  # one host port per replica; beyond, Docker picks them
            port["published"] = str(next_port) if replicas == 1 else f"{next_port}-{next_port + replicas - 1}"
            next_port += replicas
        service["ports"] = [port]
    if runtime.stateful and runtime.data_path:
        if scales_out:
            service["volumes"] = [runtime.data_path]  # anonymous: one per replica container
        else:
            volume = f"{name}-data"
            volumes[volume] = {}
            service["volumes"] = [f"{volume}:{runtime.data_path}"]
    health = _healthcheck(plan, rel, comp, runtime)
    if health:
        service["healthcheck"] = health
    service["security_opt"] = ["no-new-privileges:true"]
    if runtime.note == APP_NOTE:  # the placeholder app runs as nobody, on a read-only root file system
        service.update(user=f"{RUN_AS}:{RUN_AS}", read_only=True, tmpfs=["/tmp"], cap_drop=["ALL"])
    deploy: dict = {"replicas": replicas}
    if dep.hot_set_per_node > 0:  # a cache's share of the hot set at its usable share of memory
        deploy["resources"] = {"limits": {"memory": f"{dep.memory_mib()}M"}}
    service["deploy"] = deploy
    service["labels"] = {"org.archplan.component": text(comp.id), "org.archplan.name": text(comp.name),
                         "org.archplan.kind": comp.kind}
    targets = [names.get(dst, "") for src, dst in rel.requests if src == comp.id]
    note = runtime.note.format(label=kind_label(comp), targets=", ".join(t for t in targets if t) or "its targets")
    extension = {"planned_count": dep.instances, "needed_at_peak": dep.needed,
                 "sizing": [text(line) for line in sizing_lines(plan, comp, r)]}
    if not scales_out and dep.instances > 1:
        extension["local"] = f"one container locally; the plan runs {dep.instances}"
    if note:
        extension["note"] = note
    service["x-archplan"] = extension
    return service, next_port


def _healthcheck(plan, rel: Relations, comp, runtime: Runtime) -> dict | None:
    watched = health_settings(plan, rel, comp.id)
    test = list(runtime.health)
    if not test and watched and runtime.port:
        test = ["CMD", "python", "-c",
                f"import urllib.request; urllib.request.urlopen('http://localhost:{runtime.port}/', timeout=5)"]
    if not test:
        return None
    health: dict = {"test": test}
    if watched:
        interval, misses, timeout = watched
        health.update(interval=duration(interval), retries=misses)
        if timeout > 0:
            health["timeout"] = duration(timeout)
    else:
        health.update(interval="30s", retries=3)
    health["start_period"] = "30s"
    return health


def _depends(plan, rel: Relations, names: dict[str, str], services: dict[str, dict]) -> None:
    """depends_on from the links, skipping any edge that would close a cycle."""
    brokers = {c.id for c in plan.components if c.kind.startswith(("queue.", "pubsub."))}
    pairs = list(rel.requests)
    # a queue's or log's consumers depend on it; otherwise the producer depends on what it feeds
    pairs += [(dst, src) if src in brokers else (src, dst) for src, dst in rel.messages]
    pairs += [(replica, primary) for replica, primary in rel.primary_of.items()]
    graph: dict[str, set[str]] = {}

    def reaches(a: str, b: str) -> bool:
        stack, seen = [a], set()
        while stack:
            node = stack.pop()
            if node == b:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(graph.get(node, ()))
        return False

    for dependent, dependency in pairs:
        if dependent not in names or dependency not in names or dependent == dependency:
            continue
        if dependency in graph.get(dependent, set()) or reaches(dependency, dependent):
            continue
        graph.setdefault(dependent, set()).add(dependency)
        target = services[names[dependency]]
        condition = "service_healthy" if "healthcheck" in target else "service_started"
        services[names[dependent]].setdefault("depends_on", {})[names[dependency]] = {"condition": condition}


def write_compose(plan, result, out: Path, **options) -> Path:
    """Write docker-compose YAML for a local stack of the plan."""
    no_options("compose", options)
    if not plan.components:
        raise ExportError("the plan has no components: nothing to write as a compose file")
    doc = compose_document(plan, result)
    if not doc["services"]:
        raise ExportError("the plan has nothing that runs as a container (only clients and external services)")
    header = (f"# docker-compose stack of {one_line(plan.name, 120)}, written by Archplan.\n"
              "# Images are stand-ins and placeholders; passwords are 'change-me'. Start: docker compose up\n")
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
    return write_text(out, header + body)
