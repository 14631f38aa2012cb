"""
Plan files: versioned JSON, explicit migrations, atomic saves, precise errors.

File layout: ``{"schema_version": N, "app": "archplan", "plan": {...}}``, pretty-printed with a stable
key order so files diff well in git. Older versions migrate through pure dict -> dict steps
(``MIGRATIONS``), each with a fixture in tests/data. A newer version, a malformed file or an
inconsistent plan raises `PlanFileError` whose message names the file, the field and the problem.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from archplan.planner.model import Plan

SCHEMA_VERSION = 4
#: Larger plan files are refused before parsing (a 10,000-component plan is ~10 MB).
MAX_FILE_BYTES = 200_000_000
APP = "archplan"


class PlanFileError(ValueError):
    """A plan file cannot be read: malformed, inconsistent, or from a newer Archplan."""


class UnsupportedVersionError(PlanFileError):
    """The file was written by a newer version of Archplan."""


def _v1_to_v2(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept the traffic profile under "profile" and link shares in percent (0-100)."""
    plan = dict(raw["plan"])
    if "profile" in plan:
        plan["traffic"] = plan.pop("profile")
    links = []
    for link in plan.get("links", []):
        link = dict(link)
        if link.get("share_percent") is not None:
            link["share"] = link.pop("share_percent") / 100.0
        else:
            link.pop("share_percent", None)
        links.append(link)
    plan["links"] = links
    return {**raw, "schema_version": 2, "plan": plan}


_ALL_CLASSES = {"read", "write", "media_read", "media_write"}


def _v2_to_v3(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 3 makes two defaults explicit (capacity-model.md, "Traffic classes and propagation"):

    - a link's ``classes`` may be empty, meaning the default for its target (reads only into a read
      replica). Version 2 always wrote all four classes, so a link carrying all four had the default.
    - a client's ``user_share`` is its fraction of the users (the unset ones split the rest). Version 2
      read the shares as weights normalised over the clients (default weight 1): the migration writes
      each client's normalised fraction, so every figure of an old file stays what it was."""
    from archplan.planner.catalog import Behaviour, default_catalog

    plan = dict(raw["plan"])
    links = []
    for link in plan.get("links", []):
        link = dict(link)
        classes = link.get("classes")
        if classes is not None and set(classes) == _ALL_CLASSES and len(classes) == len(_ALL_CLASSES):
            link["classes"] = None
        links.append(link)
    plan["links"] = links
    catalog = default_catalog()
    components = [dict(c) for c in plan.get("components", [])]
    clients = [c for c in components if c.get("kind") in catalog and catalog[c["kind"]].behaviour is Behaviour.CLIENT]
    if len(clients) > 1:
        weights = [float((c.get("params") or {}).get("user_share", 1.0)) for c in clients]
        total = sum(weights)
        for client, weight in zip(clients, weights):
            client["params"] = {**(client.get("params") or {}), "user_share": weight / total if total > 0 else 0.0}
    plan["components"] = components
    return {**raw, "schema_version": 3, "plan": plan}


def _v3_to_v4(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 4 adds optional fields only: plan notes (Markdown), link waypoints (bends) and routing, an
    interview practice run with its timeline (`practice`), and counts as its own the ones written by
    version 3 builds without a version change (settings budgets, ignored review findings, traffic ranges).
    Every one has a default and is written only when set, so a version 3 plan reads as it is: this step
    only renumbers. (An older Archplan refuses a version 4 file by its number instead of by an unknown
    field.)"""
    return {**raw, "schema_version": 4}


#: version -> function turning a file of that version into the next version.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


def describe_validation_error(exc: ValidationError, prefix: str = "") -> str:
    """One readable line per problem: 'components[2].capacity.read_qps: must be >= 0 (got -5)'."""
    lines = []
    for err in exc.errors()[:8]:
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        where = f"{prefix}{loc}" if loc else prefix.rstrip(".") or "plan"
        msg = err["msg"].removeprefix("Value error, ")
        value = err.get("input")
        shown = "" if isinstance(value, (dict, list)) or value is None else f" (got {value!r})"
        lines.append(f"{where}: {msg}{shown}")
    more = len(exc.errors()) - 8
    return "; ".join(lines) + (f"; and {more} more problems" if more > 0 else "")


def plan_from_dict(raw: Any, source: str = "plan") -> Plan:
    """Validate a file's content (any version) into a Plan."""
    if not isinstance(raw, dict):
        raise PlanFileError(f"{source}: not an Archplan file (expected a JSON object)")
    if raw.get("app", APP) != APP:
        raise PlanFileError(f"{source}: not an Archplan file (app is {raw.get('app')!r})")
    version = raw.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise PlanFileError(f"{source}: schema_version is missing or not an integer (got {version!r})")
    if version > SCHEMA_VERSION:
        raise UnsupportedVersionError(
            f"{source}: written by a newer Archplan (schema_version {version}; this one reads up to "
            f"{SCHEMA_VERSION}); update Archplan to open it")
    if version < 1:
        raise PlanFileError(f"{source}: schema_version {version} is not valid")
    if not isinstance(raw.get("plan"), dict):
        raise PlanFileError(f"{source}: the 'plan' object is missing")
    try:
        while version < SCHEMA_VERSION:
            raw = MIGRATIONS[version](raw)
            version = raw["schema_version"]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise PlanFileError(f"{source}: cannot upgrade from schema_version {version}: {exc}") from exc
    try:
        return Plan.model_validate(raw["plan"])
    except RecursionError:
        raise PlanFileError(f"{source}: nested too deeply; not a plan") from None
    except ValidationError as exc:
        raise PlanFileError(f"{source}: {describe_validation_error(exc, 'plan.')}") from None


#: Fields written only when they differ from their default (drawing details most plans never use, and
#: the plan's notes): plans without them keep the compact form they had before version 3.
_ONLY_WHEN_SET = {"plan": {"notes": ""}, "link": {"waypoints": [], "route": "straight"}}


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    data = plan.model_dump(mode="json", exclude_defaults=False)
    budgets = _set_budgets(data["settings"].pop("budgets", None) or {})
    if budgets:  # only the budgets set: a plan without budgets is written as before they existed
        data["settings"]["budgets"] = budgets
    if not data["settings"].get("ignored_findings"):  # likewise the review's accepted findings (planner/review)
        data["settings"].pop("ignored_findings", None)
    for key, default in _ONLY_WHEN_SET["plan"].items():
        if data.get(key) == default:
            data.pop(key)
    for link in data["links"]:
        for key, default in _ONLY_WHEN_SET["link"].items():
            if link.get(key) == default:
                link.pop(key)
    return {"schema_version": SCHEMA_VERSION, "app": APP, "plan": data}


def _set_budgets(budgets: dict[str, Any]) -> dict[str, Any]:
    """The budgets with a value: empty fields, and clients or components with no budget left, dropped."""
    out: dict[str, Any] = {}
    for key, value in budgets.items():
        if isinstance(value, dict):
            value = {k: kept for k, v in value.items() if (kept := {f: x for f, x in v.items() if x is not None})}
        if value not in (None, {}):
            out[key] = value
    return out


def dumps(plan: Plan) -> str:
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def loads(text: str, source: str = "plan") -> Plan:
    if len(text) > MAX_FILE_BYTES:
        raise PlanFileError(f"{source}: the file is larger than {MAX_FILE_BYTES // 1_000_000} MB; not a plan")
    try:
        raw = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise PlanFileError(f"{source}: JSON nested too deeply; not a plan") from None
    except json.JSONDecodeError as exc:
        raise PlanFileError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except ValueError as exc:
        raise PlanFileError(f"{source}: {exc}") from None
    return plan_from_dict(raw, source)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number Archplan accepts")


def load_plan(path: str | os.PathLike[str]) -> Plan:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise PlanFileError(f"{path}: is a folder, not a plan file") from None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > 200 * 1024 * 1024:
        raise PlanFileError(f"{path}: larger than 200 MB, not a plan file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanFileError(f"{path}: not UTF-8 text") from None
    return loads(text, str(path))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` as UTF-8 (no newline translation), atomically: see `atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write to a temporary file beside the target, fsync, then rename over it: never a half-written file.

    The file gets the mode a plain open() would give it (0666 less the umask), or keeps the mode of the
    file it replaces, not mkstemp's private 0600. On any error the temporary file is removed and the
    target is left as it was. Every exporter and the plan files write through here."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:  # mkstemp creates 0600; give the file the mode a normal open() would (or keep the old file's)
            mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
            os.chmod(tmp, mode)
        except OSError:
            pass
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def _umask() -> int:
    """The process umask. Read from /proc where it can be (os.umask changes it, briefly, for every
    thread); elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def save_plan(plan: Plan, path: str | os.PathLike[str]) -> None:
    atomic_write_text(path, dumps(plan))
