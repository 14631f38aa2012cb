"""
Terraform skeleton (AWS provider): one main.tf sized from the capacity plan.

Each component becomes the AWS resources of its kind (exports/iac/terraform_kinds.py) with variables
for its counts and instance types, whose defaults are the plan's figures; a comment above each resource
shows the figures behind its size. Names are derived identifiers (exports.iac.hcl_identifier,
dns1123), never user text; user text appears only in tags and descriptions, escaped by
exports.iac.hcl.quote. The file is a starting point to review, not something to apply blind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archplan.exports import ExportError
from archplan.exports.iac import dns1123, hcl_identifier, no_options, one_line, write_text
from archplan.exports.iac.hcl import Block, Expr, quote, ref, render
from archplan.exports.iac.roles import Relations, behaviour, relations
from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog

__all__ = ["render_terraform", "write_terraform"]

#: Resource names are var.name_prefix (<= 10) + "-" + slug (<= 16) + a short suffix: every AWS name limit
#: touched here (OpenSearch domain 28, target group 32, ElastiCache 40) is respected.
SLUG_MAX = 16
PREFIX_MAX = 10


@dataclass
class Context:
    """What the resource builders share while one main.tf is written."""

    plan: object
    result: object
    rel: Relations
    ids: dict[str, str]
    slugs: dict[str, str]
    blocks: list[Block] = field(default_factory=list)
    variables: list[Block] = field(default_factory=list)
    var_names: set[str] = field(default_factory=set)
    idents: set[str] = field(default_factory=set)
    shared: dict = field(default_factory=dict)

    def var(self, cid: str, suffix: str, type_: str, default, description: str, sensitive: bool = False) -> Expr:
        """Declare a variable for component `cid` and return the reference to it."""
        name = hcl_identifier(f"{self.ids[cid]}_{suffix}", self.var_names)
        block = Block("variable", (name,))
        block.attr("type", Expr(type_))
        if default is not None:
            block.attr("default", default)
        block.attr("description", description)
        if sensitive:
            block.attr("sensitive", True)
        self.variables.append(block)
        return ref("var", name)

    def name(self, cid: str, *suffix: str, indexed: bool = False) -> Expr:
        """join("-", [var.name_prefix, "<slug>", ...]): an AWS name within every length limit used here."""
        parts = ["var.name_prefix", quote(self.slugs[cid]), *(quote(s) for s in suffix)]
        if indexed:
            parts.append("count.index + 1")
        return Expr(f'join("-", [{", ".join(parts)}])')

    def tags(self, component) -> dict:
        tags = {"Name": component.name, "archplan:component": component.id, "archplan:kind": component.kind}
        if component.group:
            tags["archplan:group"] = self.plan.group(component.group).name
        return tags

    def dep(self, cid: str):
        """The component's deployment figures (planner/deployment.py): what the resources translate."""
        return self.result.deployment(self.plan)[cid]

    def kms(self) -> Expr:
        """The plan's customer-managed KMS key (rotated yearly), declared once: everything at rest uses it."""
        if "kms" not in self.shared:
            key = Block("resource", ("aws_kms_key", "archplan"), comment=(
                "One customer-managed key encrypts every data store of the plan at rest (rotated yearly).",))
            key.attr("description", f"Archplan: data at rest of {one_line(self.plan.name, 100)}")
            key.attr("enable_key_rotation", True)
            key.attr("deletion_window_in_days", 30)
            key.skip("CKV2_AWS_64", "the default key policy (the account's administrators) applies; narrow it "
                                    "to your roles")
            self.blocks.insert(0, key)
            self.shared["kms"] = ref("aws_kms_key", "archplan", "arn")
        return self.shared["kms"]

    def secret_var(self, cid: str, suffix: str, description: str) -> Expr:
        """A sensitive variable without a default: the user gives the secret at apply time."""
        return self.var(cid, suffix, "string", None, description, sensitive=True)

    def new_ident(self, name: str) -> str:
        return hcl_identifier(name, self.idents)


def build_component(ctx: Context, component, r) -> None:
    """Append the resources of one component to ctx, by its kind."""
    from archplan.exports.iac import terraform_edge as edge
    from archplan.exports.iac import terraform_kinds as kinds

    by_kind = {"cache.memcached": kinds.cache, "kv.dynamodb": kinds.dynamodb, "doc.mongodb": kinds.docdb,
               "db.sharded_sql": kinds.sharded_sql}
    by_behaviour = {
        Behaviour.CLIENT: edge.client, Behaviour.DNS: edge.dns, Behaviour.CDN: edge.cdn,
        Behaviour.LOAD_BALANCER: kinds.load_balancer, Behaviour.GATEWAY: kinds.gateway,
        Behaviour.RATE_LIMITER: kinds.asg, Behaviour.SERVICE: kinds.asg, Behaviour.WORKER: kinds.asg,
        Behaviour.CACHE: kinds.cache, Behaviour.OBJECT_STORE: kinds.s3, Behaviour.SQL_PRIMARY: kinds.sql_primary,
        Behaviour.SQL_REPLICA: kinds.sql_replica, Behaviour.PARTITIONED: kinds.asg, Behaviour.SEARCH: kinds.search,
        Behaviour.QUEUE: edge.queue, Behaviour.PUBSUB: edge.kafka, Behaviour.NOTIFICATION: edge.notification,
        Behaviour.MONITOR: edge.health_alarms, Behaviour.METRICS: kinds.asg, Behaviour.EXTERNAL: edge.bought,
    }
    builder = by_kind.get(component.kind) or by_behaviour[behaviour(component)]
    builder(ctx, component, r)


def render_terraform(plan, result, region: str | None = None) -> str:
    """The main.tf text for `plan` sized by `result`."""
    prices = default_catalog().prices
    region = region or prices.region
    idents: set[str] = set()
    ids = {c.id: hcl_identifier(c.name, idents) for c in plan.components}
    slug_taken: set[str] = set()
    slugs = {c.id: dns1123(c.name, slug_taken, SLUG_MAX) for c in plan.components}
    ctx = Context(plan, result, relations(plan), ids, slugs, idents=idents)
    for component in plan.components:
        build_component(ctx, component, result.components[component.id])

    head = [_terraform_block(), _provider(plan), *_base_variables(plan, region)]
    totals = result.totals
    header = (
        f"Terraform skeleton of {one_line(plan.name, 120)}, written by Archplan.",
        f"Sized for {units.format_count(totals.dau)} daily users, peak {units.format_qps(totals.entry_qps_peak)}, "
        f"{totals.instances} instances, about {units.format_money(totals.monthly_cost)}/month "
        f"(list prices {prices.provider} {prices.region}, {prices.date}).",
        "Variables default to the plan's figures; review names, networking and security before applying.",
    )
    return render(head + ctx.variables + ctx.blocks, header)


def write_terraform(plan, result, out: Path, region: str | None = None, **options) -> Path:
    """Write the Terraform skeleton to `out` (one file, usually main.tf)."""
    no_options("Terraform", options)
    if not plan.components:
        raise ExportError("the plan has no components: nothing to write as Terraform")
    return write_text(out, render_terraform(plan, result, region))


def _terraform_block() -> Block:
    block = Block("terraform")
    block.attr("required_version", ">= 1.5")
    providers = block.block("required_providers")
    providers.attr("aws", {"source": "hashicorp/aws", "version": "~> 5.0"})
    return block


def _provider(plan) -> Block:
    block = Block("provider", ("aws",))
    block.attr("region", ref("var", "region"))
    tags = block.block("default_tags")
    tags.attr("tags", {"Project": plan.name, "ManagedBy": "archplan"})
    return block


def _prefix(name: str) -> str:
    """The plan's name as a short DNS label, cut at a word boundary when one is near."""
    full = dns1123(name, set())
    if len(full) <= PREFIX_MAX:
        return full
    cut = full[:PREFIX_MAX + 1].rfind("-")
    return full[:cut] if cut >= 4 else dns1123(name, set(), PREFIX_MAX)


def _base_variables(plan, region: str) -> list[Block]:
    specs = [
        ("region", "string", region, "AWS region to deploy to (the plan's prices are for this region)."),
        ("name_prefix", "string", _prefix(plan.name), "Prefix of every resource name (at most 10 characters)."),
        ("vpc_id", "string", None, "VPC the resources run in."),
        ("subnet_ids", "list(string)", None, "Private subnets, one per availability zone."),
        ("security_group_ids", "list(string)", None, "Security groups for instances, brokers and clusters."),
        ("ami_id", "string", None, "Machine image for self-managed instances (services, workers, nodes)."),
        ("certificate_arn", "string", None, "ACM certificate for the load balancers' HTTPS listeners."),
    ]
    blocks = []
    for name, type_, default, description in specs:
        block = Block("variable", (name,))
        block.attr("type", Expr(type_))
        if default is not None:
            block.attr("default", default)
        block.attr("description", description)
        blocks.append(block)
    return blocks
