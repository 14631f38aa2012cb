"""
Terraform -> plan (parsed with python-hcl2; nothing is planned or applied).

- Every ``*.tf`` of the root folder is read; variables take their defaults (``terraform.tfvars`` and
  ``*.auto.tfvars`` override them), locals are evaluated where they can be (planner/importers/tf_expr.py).
- A resource of a known type is a component (planner/importers/tf_kinds.py); the ``archplan:kind`` and
  ``archplan:component`` tags of an Archplan export give its kind and id. Parts of a resource (a
  listener, a cluster's instances, a record of a zone) join their owner; networks, permissions and
  settings are no components (listed in the summary); an unknown type is a generic component with a note.
- Instances (pinned): ``count`` or the size of ``for_each``, times what the resource states itself
  (desired capacity, number of brokers / nodes / cache clusters, a Multi-AZ standby).
- Modules: a local source (``./modules/db``) is read with the arguments given as its variables, its
  components grouped under the module's name and multiplied by the module's count / for_each; a remote
  source is one component with a note. Module sources that include each other are refused.
- Links: a reference from one component's resource to another's (``aws_lb_target_group.web.arn`` in an
  autoscaling group, an origin's domain in CloudFront); references through ``target_group_arns``,
  ``replicate_source_db`` and the like run from the referenced resource; security-group rules let the
  components of the source group call those of the target group.
- Zones: availability zones stated by resources become zones.
"""

from __future__ import annotations

import re
from pathlib import Path

from archplan.planner.catalog import default_catalog
from archplan.planner.importers.draft import Draft, Imported, Item, pin
from archplan.planner.importers.kinds import GENERIC_KIND, kind_from_words
from archplan.planner.importers.links import depend
from archplan.planner.importers.safe import MAX_FILES, Budget, ImportFailure, depth_ok
from archplan.planner.importers.tf_expr import UNKNOWN, Scope, evaluate
from archplan.planner.importers.tf_kinds import (
    ADDS_INSTANCES,
    INBOUND,
    PARTS,
    SUPPORTING,
    resource_kind,
    stated_instances,
)

MAX_MODULE_DEPTH = 10
PUBLIC = {"aws_route53_zone", "aws_cloudfront_distribution", "aws_api_gateway_rest_api", "aws_apigatewayv2_api",
          "google_dns_managed_zone", "azurerm_dns_zone", "azurerm_cdn_frontdoor_profile", "azurerm_api_management"}
_REF = re.compile(r"(?<![\w.])(module\.[A-Za-z_][\w-]*|[a-z][a-z0-9]*_[\w-]+\.[A-Za-z_][\w-]*)")
_NOT_RESOURCE = ("var.", "local.", "count.", "each.", "path.", "self.", "terraform.", "data.")


def read(path: Path) -> Imported:
    root = path if path.is_dir() else path.parent
    draft = Draft("terraform", str(path))
    state = _State(draft, Budget())
    files = [path] if path.is_file() else None
    state.module(root, "", {}, None, 1, (root.resolve(),), files)
    state.links()
    return draft.to_plan(root.resolve().name if path.is_dir() else path.stem)


def _parse(file: Path, budget: Budget) -> dict:
    import hcl2
    from hcl2.utils import SerializationOptions

    text = budget.read(file)
    options = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False,
                                   preserve_heredocs=False)
    try:
        doc = hcl2.loads(text, serialization_options=options)
    except RecursionError:
        raise ImportFailure(f"{file}: nested too deeply to read") from None
    except Exception as exc:  # lark's many parse errors: one line with the position
        message = " ".join(str(exc).split())[:200]
        raise ImportFailure(f"{file}: not valid HCL ({type(exc).__name__}: {message})") from None
    if not depth_ok(doc):
        raise ImportFailure(f"{file}: nested too deeply to read")
    return doc


def _blocks(doc: dict, key: str) -> list[tuple[list[str], dict]]:
    """(labels, body) of every block `key` in python-hcl2's list-of-nested-dicts form."""
    out = []

    def walk(node, labels: list[str]) -> None:
        if isinstance(node, dict) and node and all(isinstance(v, dict) for v in node.values()) and len(labels) < 2 \
                and key in ("resource", "data"):
            for label, inner in node.items():
                walk(inner, [*labels, str(label)])
        else:
            out.append((labels, node if isinstance(node, dict) else {}))

    for entry in doc.get(key, []) or []:
        if not isinstance(entry, dict):
            continue
        if key in ("resource", "data"):
            walk(entry, [])
        else:
            for label, body in entry.items():
                out.append(([str(label)], body if isinstance(body, dict) else {}))
    return out


def _strings(value):
    """Every string inside a value (iterative)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _refs(value) -> set[str]:
    found = set()
    for text in _strings(value):
        if "${" not in text and "." not in text:
            continue
        for ref in _REF.findall(text):
            if not ref.startswith(_NOT_RESOURCE):
                found.add(ref)
    return found


class _State:
    def __init__(self, draft: Draft, budget: Budget):
        self.draft = draft
        self.budget = budget
        self.resources: dict[str, tuple[str, dict, Scope, str]] = {}  # address -> (type, body, scope, prefix)
        self.owner: dict[str, str] = {}       # resource address -> item key
        self.module_main: dict[str, str] = {}  # "prefix module.x" -> item key of its main component
        self.files = 0

    # ------------------------------------------------------------------ modules
    def module(self, folder: Path, prefix: str, inputs: dict, group: str | None, multiplier: int,
               chain: tuple[Path, ...], files: list[Path] | None = None) -> None:
        files = files if files is not None else sorted(folder.glob("*.tf"))
        if not files:
            raise ImportFailure(f"{folder}: no .tf files")
        self.files += len(files)
        if self.files > MAX_FILES:
            raise ImportFailure(f"{folder}: more than {MAX_FILES:,} Terraform files")
        docs = [_parse(f, self.budget) for f in files]
        variables = {}
        for doc in docs:
            for labels, body in _blocks(doc, "variable"):
                value = evaluate(body.get("default"), Scope({}, {})) if "default" in body else UNKNOWN
                variables[labels[0]] = value
        if not prefix:
            for tfvars in sorted(folder.glob("*.auto.tfvars")) + [folder / "terraform.tfvars"]:
                if tfvars.is_file():
                    for key, value in _parse(tfvars, self.budget).items():
                        variables[key] = evaluate(value, Scope({}, {}))
        variables.update({k: v for k, v in inputs.items() if v is not UNKNOWN or k not in variables})
        locals_ = {}
        for doc in docs:
            for entry in doc.get("locals", []) or []:
                if isinstance(entry, dict):
                    locals_.update({k: v for k, v in entry.items() if not k.startswith("__")})
        scope = Scope(variables, locals_)
        first_item: list[str] = []
        for doc in docs:
            for labels, body in _blocks(doc, "resource"):
                if len(labels) != 2:
                    continue
                self.resource(labels[0], labels[1], body, scope, prefix, group, multiplier, first_item)
        for doc in docs:
            for labels, body in _blocks(doc, "module"):
                self.submodule(folder, labels[0], body, scope, prefix, group, multiplier, chain)
        if first_item and prefix:
            self.module_main.setdefault(prefix.rstrip("."), first_item[0])

    def submodule(self, folder: Path, name: str, body: dict, scope: Scope, prefix: str, parent_group: str | None,
                  multiplier: int, chain: tuple[Path, ...]) -> None:
        source = str(evaluate(body.get("source"), scope) or "")
        address = f"{prefix}module.{name}"
        copies = self.copies(body, scope)
        if source.startswith(("./", "../", "/")):
            target = (folder / source).resolve()
            if target in chain:
                raise ImportFailure(f"{address}: module source {source} includes a module that includes it (a cycle)")
            if len(chain) >= MAX_MODULE_DEPTH:
                raise ImportFailure(f"{address}: modules nested deeper than {MAX_MODULE_DEPTH}")
            if not target.is_dir():
                raise ImportFailure(f"{address}: module source {source} is not a folder")
            inputs = {k: evaluate(v, scope) for k, v in body.items()
                      if k not in ("source", "version", "count", "for_each", "providers", "depends_on")
                      and not k.startswith("__")}
            group = self.draft.group(address, name, "group", parent_group)
            self.module(target, address + ".", inputs, group, multiplier * (copies or 1), (*chain, target))
            if copies and copies > 1:
                self.draft.notes.append(f"{address} is created {copies} times: its counts are multiplied")
            return
        kind_found = kind_from_words(source.replace("terraform-aws-modules", ""), name)
        kind = kind_found[0] if kind_found else GENERIC_KIND
        version = evaluate(body.get("version"), scope)
        item = Item(address, name, kind, f"remote module {source}" + (f" ({kind_found[1]!r})" if kind_found else ""),
                    recognised=kind_found is not None, instances=_times(copies, multiplier), group=parent_group,
                    notes=[f"Remote module {source}" + (f" version {version}" if isinstance(version, str) else "")
                           + ": not read; imported as one component."])
        self.draft.add(item, "module")
        self.module_main[address] = item.key
        self.owner[address] = item.key

    def copies(self, body: dict, scope: Scope) -> int | None:
        if "count" in body:
            value = evaluate(body["count"], scope)
            return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        if "for_each" in body:
            value = evaluate(body["for_each"], scope)
            return len(value) if isinstance(value, (list, dict)) else None
        return None

    # ------------------------------------------------------------------ resources
    def resource(self, rtype: str, rname: str, body: dict, scope: Scope, prefix: str, group: str | None,
                 multiplier: int, first_item: list[str]) -> None:
        address = f"{prefix}{rtype}.{rname}"
        if address in self.resources:
            raise ImportFailure(f"{self.draft.source}: resource {address} is defined twice")
        self.resources[address] = (rtype, body, scope, prefix)
        if rtype in PARTS or SUPPORTING.match(rtype):
            if SUPPORTING.match(rtype) and rtype not in PARTS:
                self.draft.skipped.append(address)
            return
        tags = self.tags(body, scope)
        catalog = default_catalog()
        if tags.get("archplan:kind") in catalog:
            kind, rule, known = tags["archplan:kind"], "tag archplan:kind", True
        else:
            kind, rule, known = resource_kind(rtype, body, rname, scope)
        copies = self.copies(body, scope)
        own = stated_instances(rtype, body, scope)
        count = _times(copies, multiplier) if own is None else _times(copies or 1, multiplier * own)
        zone = evaluate(body.get("availability_zone"), scope)
        item_group = group
        if isinstance(zone, str) and zone:
            item_group = self.draft.group(f"{prefix}az {zone}", zone, "zone", group)
        item = Item(address, str(tags.get("Name") or rname), kind, rule, recognised=known, instances=count,
                    group=item_group, id_hint=tags.get("archplan:component"))
        if not known:
            item.notes.append(f"Unknown resource type {rtype}: imported as a generic component.")
        if copies is None and ("count" in body or "for_each" in body):
            item.notes.append("Its count / for_each could not be evaluated: instances left to the engine.")
        self.draft.add(item, "resource")
        self.owner[address] = item.key
        first_item.append(item.key)

    def tags(self, body: dict, scope: Scope) -> dict:
        tags = evaluate(body.get("tags"), scope)
        out = dict(tags) if isinstance(tags, dict) else {}
        for tag in body.get("tag", []) if isinstance(body.get("tag"), list) else []:  # autoscaling group tags
            key, value = evaluate(_dict(tag).get("key"), scope), evaluate(_dict(tag).get("value"), scope)
            if isinstance(key, str) and isinstance(value, str):
                out[key] = value
        return {str(k): str(v) for k, v in out.items() if v is not UNKNOWN}

    # ------------------------------------------------------------------ links
    def resolve(self, ref: str, prefix: str) -> str | None:
        """The item key a reference (as written in a module with `prefix`) points at."""
        address = prefix + ref
        if ref.startswith("module."):
            return self.module_main.get(address)
        return self.owner.get(address)

    def links(self) -> None:
        # parts first: find their owners; a cluster's instance resources add up to its instances
        added: dict[str, int] = {}
        for address, (rtype, body, scope, prefix) in self.resources.items():
            if rtype not in PARTS:
                continue
            owner = None
            for attribute in PARTS[rtype]:
                for ref in sorted(_refs(body.get(attribute))):
                    owner = owner or self.resolve(ref, prefix)
            if owner is None:  # a listener's target group, a launch template: owned by who refers to it
                continue
            self.owner[address] = owner
            if rtype in ADDS_INSTANCES:
                added[owner] = added.get(owner, 0) + (self.copies(body, scope) or 1)
        for owner, instances in added.items():
            self.draft.items[owner].instances = pin(instances)
        referrers: dict[str, list[str]] = {}  # part address -> resources (with an owner) referring to it
        for other, (_t, other_body, _s, other_prefix) in self.resources.items():
            if other in self.owner:
                for ref in _refs(other_body):
                    referrers.setdefault(other_prefix + ref, []).append(other)
        for address, (rtype, _body, _scope, _prefix) in self.resources.items():  # parts only referred to
            if address not in self.owner and rtype in PARTS and referrers.get(address):
                self.owner[address] = self.owner[referrers[address][0]]
        for address, (_rtype, body, _scope, prefix) in self.resources.items():
            source = self.owner.get(address)
            if source is None:
                continue
            for attribute, value in body.items():
                for ref in sorted(_refs(value)):
                    target = self.resolve(ref, prefix)
                    if target is None or target == source:
                        continue
                    if attribute in INBOUND:
                        self.draft.link(target, source, None, attribute)
                    else:  # `source` needs `target`: links.depend picks the direction traffic takes
                        depend(self.draft, source, target, attribute)
        self.security_groups()
        self.entries()

    def entries(self) -> None:
        """Public edges users reach: DNS zones, CDNs, API gateways and internet-facing load balancers, unless
        another of them is in front."""
        public = set()
        for address, (rtype, body, scope, _prefix) in self.resources.items():
            key = self.owner.get(address)
            if key is None or address != key:
                continue
            if rtype in PUBLIC or (rtype in ("aws_lb", "aws_alb", "aws_elb") and evaluate(body.get("internal"), scope)
                                   is not True):
                public.add(key)
        fronted = {target for source, target, _k, _l in self.draft.links if source in public and target in public}
        for key in public - fronted:
            self.draft.items[key].entry = True

    def security_groups(self) -> None:
        """Ingress rules: components using the source group call the components using the target group."""
        users: dict[str, set[str]] = {}
        for address, (_rtype, body, _scope, prefix) in self.resources.items():
            owner = self.owner.get(address)
            if owner is None:
                continue
            for attribute in ("vpc_security_group_ids", "security_groups", "security_group_ids"):
                for ref in _refs(body.get(attribute)):
                    if ref.startswith("aws_security_group."):
                        users.setdefault(prefix + ref, set()).add(owner)
        rules: list[tuple[str, str]] = []  # (from group, to group)
        for address, (rtype, body, _scope, prefix) in self.resources.items():
            if rtype == "aws_security_group":
                for ingress in body.get("ingress", []) if isinstance(body.get("ingress"), list) else []:
                    for ref in _refs(_dict(ingress).get("security_groups")):
                        rules.append((prefix + ref, address))
            elif rtype in ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule"):
                if evaluate(body.get("type", "ingress"), _scope) not in ("ingress", UNKNOWN):
                    continue
                to = sorted(_refs(body.get("security_group_id")))
                frm = sorted(_refs(body.get("source_security_group_id") or body.get("referenced_security_group_id")))
                if to and frm:
                    rules.append((prefix + frm[0], prefix + to[0]))
        for frm, to in rules:
            for caller in sorted(users.get(frm, ())):
                for callee in sorted(users.get(to, ())):
                    self.draft.link(caller, callee, None, "security group rule")


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _times(count: int | None, multiplier: int) -> int | None:
    if count is None:
        return None if multiplier == 1 else pin(multiplier)
    return pin(count * multiplier) if count > 0 else None
