"""
Links found in configuration text: the host names in environment URLs and settings
(``DATABASE_URL=postgres://db:5432/app``, ``REDIS_HOST=cache``, ``KAFKA_BROKERS=kafka:9092,kafka-2:9092``),
and the direction a dependency on a queue or a log takes (a worker reads it, a service writes to it).
"""

from __future__ import annotations

import re

from archplan.planner.catalog import Behaviour
from archplan.planner.importers.draft import Draft
from archplan.planner.importers.kinds import BROKERS, STORES, behaviour, consumes

_URL_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/\s]*@)?([A-Za-z0-9_.-]+)")
_HOST_PORT = re.compile(r"^([A-Za-z0-9_.-]+):(\d{2,5})$")
_PRIMARY_KEYS = re.compile(r"MASTER|PRIMARY|SOURCE|UPSTREAM", re.IGNORECASE)
MAX_VALUE = 4096


def hosts_in(value: object) -> list[str]:
    """Host names a setting points at: URL hosts, host:port pairs, or a bare host name."""
    text = str(value)[:MAX_VALUE].strip()
    found = _URL_HOST.findall(text)
    for part in re.split(r"[,\s;]+", text):
        match = _HOST_PORT.match(part)
        if match:
            found.append(match.group(1))
    if not found and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]{0,252}", text):
        found.append(text)
    return [h.lower() for h in found]


def resolve_host(host: str, names: dict[str, str], namespace: str | None = None) -> str | None:
    """The item key a host name refers to: exactly, or a Kubernetes service DNS name
    (``db``, ``db.shop``, ``db.shop.svc``, ``db.shop.svc.cluster.local``)."""
    host = host.lower().rstrip(".")
    if host in names:
        return names[host]
    parts = host.split(".")
    if len(parts) >= 2 and (len(parts) == 2 or parts[2] == "svc"):
        qualified = f"{parts[1]}/{parts[0]}"
        if qualified in names:
            return names[qualified]
    if namespace and f"{namespace}/{parts[0]}" in names and len(parts) == 1:
        return names[f"{namespace}/{parts[0]}"]
    return None


def depend(draft: Draft, dependent: str, dependency: str, label: str, key: str = "") -> None:
    """`dependent` needs `dependency`: a link in the direction traffic flows.

    Calls go from the dependent to what it depends on; a queue or log feeds its consumers and is fed
    by its producers; a read replica follows its primary (replication from the primary)."""
    if dependent == dependency or dependent not in draft.items or dependency not in draft.items:
        return
    a, b = draft.items[dependent], draft.items[dependency]
    ba, bb = behaviour(a.kind), behaviour(b.kind)
    if bb in BROKERS and ba not in BROKERS:
        if consumes(a.kind, a.name):
            draft.link(dependency, dependent, None, label)
        else:
            draft.link(dependent, dependency, None, label)
    elif ba is Behaviour.SQL_REPLICA and (bb is Behaviour.SQL_PRIMARY
                                          or (bb is Behaviour.SQL_REPLICA and _PRIMARY_KEYS.search(key))):
        draft.link(dependency, dependent, "replication", label)
    elif a.kind == b.kind and ba in STORES and ba is not Behaviour.CACHE:
        draft.link(dependency, dependent, "replication", label)  # a store that needs its twin copies from it
    elif ba is Behaviour.MONITOR:
        draft.link(dependent, dependency, "health", label)
    else:
        draft.link(dependent, dependency, None, label)


def env_links(draft: Draft, owner: str, env: dict[str, object], names: dict[str, str],
              namespace: str | None = None) -> None:
    """Links from an item's environment settings to the items their host names point at."""
    for key, value in env.items():
        if value is None:
            continue
        for host in hosts_in(value):
            target = resolve_host(host, names, namespace)
            if target is not None and target != owner:
                depend(draft, owner, target, f"{key}", str(key))


def env_dict(env) -> dict[str, object]:
    """A compose / container environment as {name: value}: a mapping, a list of KEY=VALUE, or Kubernetes
    [{name, value}] entries."""
    if isinstance(env, dict):
        return {str(k): v for k, v in env.items()}
    out: dict[str, object] = {}
    if isinstance(env, list):
        for entry in env:
            if isinstance(entry, str) and "=" in entry:
                key, value = entry.split("=", 1)
                out[key] = value
            elif isinstance(entry, dict) and "name" in entry and "value" in entry:
                out[str(entry["name"])] = entry["value"]
    return out
