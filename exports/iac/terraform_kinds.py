"""
The AWS resources of each component kind, sized from its ComponentResult (see exports/iac/terraform.py).

Counts and instance types become variables whose defaults are the plan's figures; storage sizes are
computed from the plan's replicated storage at the kind's fill ratio. Instance types are the classes
the catalog's per-instance capacity and prices assume (planner/data/catalog.json, sources S37).
"""

from __future__ import annotations

import math

from archplan.exports.iac.hcl import Block, Expr, ref
from archplan.exports.iac.roles import behaviour, health_settings, kind_label, sizing_lines
from archplan.planner import units
from archplan.planner.catalog import Behaviour

INSTANCE_TYPES = {
    "ec2": "m5.xlarge", "cache": "cache.m6g.xlarge", "db": "db.m5.xlarge", "docdb": "db.r5.xlarge",
    "search": "m5.xlarge.search", "mq": "mq.m5.xlarge", "kafka": "kafka.m5.xlarge",
}
RDS_MAX_GB = 65_536
CLOUDWATCH_PERIODS = (10, 20, 30)


def _resource(ctx, type_: str, ident: str, comment=()) -> Block:
    block = Block("resource", (type_, ident), comment=tuple(comment))
    ctx.blocks.append(block)
    return block


def _note(ctx, *lines: str) -> None:
    ctx.blocks.append(Block("", comment=lines))


def _gb(size: float, fill: float = 1.0, minimum: int = 1, maximum: int | None = None) -> int:
    gb = max(minimum, math.ceil(size / 1e9 / max(fill, 1e-9) - 1e-9))
    return min(gb, maximum) if maximum else gb


def _fill(component) -> float:
    try:
        return component.param("fill_ratio")
    except KeyError:
        return 1.0


def _instance_vars(ctx, comp, r, family: str, what: str = "instances") -> tuple[Expr, Expr]:
    count = ctx.var(comp.id, "count", "number", r.count,
                    f"{what.capitalize()} of {comp.name} (the plan needs {r.needed} at peak).")
    itype = ctx.var(comp.id, "instance_type", "string", INSTANCE_TYPES[family],
                    f"Instance class of {comp.name}: the class the plan's per-instance capacity assumes.")
    return count, itype


# ------------------------------------------------------------------------------------------ compute

def _target_groups(ctx, cid: str) -> list[Expr]:
    lbs = [src for src, dst in ctx.rel.requests
           if dst == cid and behaviour(ctx.plan.component(src)) is Behaviour.LOAD_BALANCER]
    return [ref("aws_lb_target_group", ctx.ids[lb], "arn") for lb in lbs]


def asg(ctx, comp, r) -> None:
    """Self-managed instances: a launch template and an auto scaling group of `count` instances."""
    ident = ctx.ids[comp.id]
    count, itype = _instance_vars(ctx, comp, r, "ec2")
    group = _resource(ctx, "aws_autoscaling_group", ident, sizing_lines(ctx.plan, comp, r))
    group.attr("name", ctx.name(comp.id))
    group.attr("desired_capacity", count)
    group.attr("min_size", count)
    group.attr("max_size", Expr(f"{count} * 3"), "room for three times the planned count (traffic spikes, growth)")
    group.attr("vpc_zone_identifier", ref("var", "subnet_ids"))
    target_groups = _target_groups(ctx, comp.id)
    if target_groups:
        group.attr("target_group_arns", target_groups)
        group.attr("health_check_type", "ELB")
    template = group.block("launch_template")
    template.attr("id", ref("aws_launch_template", ident, "id"))
    template.attr("version", "$Latest")
    for key, value in ctx.tags(comp).items():
        tag = group.block("tag")
        tag.attr("key", key)
        tag.attr("value", value)
        tag.attr("propagate_at_launch", True)
    lt = _resource(ctx, "aws_launch_template", ident)
    lt.attr("name_prefix", ctx.name(comp.id, ""))
    lt.attr("image_id", ref("var", "ami_id"))
    lt.attr("instance_type", itype)
    lt.attr("vpc_security_group_ids", ref("var", "security_group_ids"))
    spec = lt.block("tag_specifications")
    spec.attr("resource_type", "instance")
    spec.attr("tags", ctx.tags(comp))


def load_balancer(ctx, comp, r) -> None:
    ident = ctx.ids[comp.id]
    lines = sizing_lines(ctx.plan, comp, r)
    if comp.kind != "lb.alb":
        lines.append(f"the plan draws a self-managed {kind_label(comp)} x {r.count}; an Application Load "
                     "Balancer takes its place here")
    lb = _resource(ctx, "aws_lb", ident, lines)
    lb.attr("name", ctx.name(comp.id))
    lb.attr("internal", comp.id not in ctx.rel.entry)
    lb.attr("load_balancer_type", "application")
    lb.attr("subnets", ref("var", "subnet_ids"))
    lb.attr("security_groups", ref("var", "security_group_ids"))
    lb.attr("tags", ctx.tags(comp))
    tg = _resource(ctx, "aws_lb_target_group", ident)
    tg.attr("name", ctx.name(comp.id, "tg"))
    tg.attr("port", 8000)
    tg.attr("protocol", "HTTP")
    tg.attr("vpc_id", ref("var", "vpc_id"))
    check = tg.block("health_check")
    check.attr("path", "/")
    watched = health_settings(ctx.plan, ctx.rel, comp.id)
    if watched:
        interval, misses, _timeout = watched
        check.attr("interval", min(300, max(5, round(interval))), "the plan's health check interval and misses")
        check.attr("unhealthy_threshold", min(10, max(2, misses)))
    listener = _resource(ctx, "aws_lb_listener", ident)
    listener.attr("load_balancer_arn", ref("aws_lb", ident, "arn"))
    listener.attr("port", 80)
    listener.attr("protocol", "HTTP")
    action = listener.block("default_action")
    action.attr("type", "forward")
    action.attr("target_group_arn", ref("aws_lb_target_group", ident, "arn"))


def gateway(ctx, comp, r) -> None:
    lines = sizing_lines(ctx.plan, comp, r)
    targets = [comp.id] + [dst for src, dst in ctx.rel.requests if src == comp.id]
    for cid in targets:
        owner, res = ctx.plan.component(cid), ctx.result.components[cid]
        for ep in owner.endpoints:
            peak = ep.share * (res.reads_peak if ep.operation == "read" else res.writes_peak)
            lines.append(f"{ep.method} {ep.path}: {units.format_qps(peak)} at peak")
    api = _resource(ctx, "aws_api_gateway_rest_api", ctx.ids[comp.id], lines)
    api.attr("name", ctx.name(comp.id))
    api.attr("description", f"{comp.name} ({ctx.plan.name})")
    api.block("endpoint_configuration").attr("types", ["REGIONAL"])
    api.attr("tags", ctx.tags(comp))


# ------------------------------------------------------------------------------------------ data

def cache(ctx, comp, r) -> None:
    ident = ctx.ids[comp.id]
    lines = sizing_lines(ctx.plan, comp, r)
    node_type = ctx.var(comp.id, "node_type", "string", INSTANCE_TYPES["cache"],
                        f"Node type of {comp.name}: the class the plan's per-node capacity assumes.")
    if comp.kind == "cache.memcached":
        count = ctx.var(comp.id, "count", "number", r.count, f"Nodes of {comp.name} (the plan needs {r.needed}).")
        cluster = _resource(ctx, "aws_elasticache_cluster", ident, lines)
        cluster.attr("cluster_id", ctx.name(comp.id))
        cluster.attr("engine", "memcached")
        cluster.attr("node_type", node_type)
        cluster.attr("num_cache_nodes", count)
        cluster.attr("az_mode", Expr(f'{count} > 1 ? "cross-az" : "single-az"'))
        cluster.attr("port", 11211)
        cluster.attr("tags", ctx.tags(comp))
        return
    shards = max(1, min(r.needed, r.count))
    replicas = math.ceil((r.count - shards) / shards) if r.count > shards else 0
    group = _resource(ctx, "aws_elasticache_replication_group", ident, lines + [
        f"{shards} shard(s) hold the hot set, {replicas} replica(s) per shard for the redundancy asked"])
    group.attr("replication_group_id", ctx.name(comp.id))
    group.attr("description", comp.name)
    group.attr("engine", "redis")
    group.attr("engine_version", "7.1")
    group.attr("node_type", node_type)
    group.attr("port", 6379)
    if shards > 1:
        n_shards = ctx.var(comp.id, "shards", "number", shards, f"Shards (node groups) of {comp.name}.")
        n_repl = ctx.var(comp.id, "replicas_per_shard", "number", replicas, f"Replicas per shard of {comp.name}.")
        group.attr("num_node_groups", n_shards)
        group.attr("replicas_per_node_group", n_repl)
        group.attr("parameter_group_name", "default.redis7.cluster.on")
        group.attr("automatic_failover_enabled", True)
    else:
        count = ctx.var(comp.id, "count", "number", r.count,
                        f"Nodes of {comp.name}: one primary and count - 1 replicas.")
        group.attr("num_cache_clusters", count)
        group.attr("automatic_failover_enabled", Expr(f"{count} > 1"))
        group.attr("multi_az_enabled", Expr(f"{count} > 1"))
    group.attr("tags", ctx.tags(comp))


def sql_primary(ctx, comp, r) -> None:
    engine, version = ("postgres", "16") if "postgres" in comp.kind else ("mysql", "8.0")
    gb = _gb(r.storage_replicated, _fill(comp), 20)
    lines = sizing_lines(ctx.plan, comp, r)
    if gb > RDS_MAX_GB:
        lines.append(f"needs {units.format_size(gb * 1e9)}, more than one RDS instance holds: shard the data")
    count, itype = _instance_vars(ctx, comp, r, "db", "instances (primary + standbys)")
    storage = ctx.var(comp.id, "storage_gb", "number", min(gb, RDS_MAX_GB),
                      f"Disk of {comp.name} in GB: data over the retention at the fill ratio.")
    db = _resource(ctx, "aws_db_instance", ctx.ids[comp.id], lines)
    db.attr("identifier", ctx.name(comp.id))
    db.attr("engine", engine)
    db.attr("engine_version", version)
    db.attr("instance_class", itype)
    db.attr("allocated_storage", storage)
    db.attr("max_allocated_storage", Expr(f"min({storage} * 2, {RDS_MAX_GB})"))
    db.attr("multi_az", Expr(f"{count} > 1"), "more than one instance in the plan: a standby in another zone")
    db.attr("username", "archplan")
    db.attr("manage_master_user_password", True)
    db.attr("backup_retention_period", 7, "backups are required for read replicas")
    db.attr("final_snapshot_identifier", ctx.name(comp.id, "final"))
    db.attr("tags", ctx.tags(comp))


def sql_replica(ctx, comp, r) -> None:
    count, itype = _instance_vars(ctx, comp, r, "db", "read replicas")
    primary = ctx.rel.primary_of.get(comp.id)
    lines = sizing_lines(ctx.plan, comp, r)
    if primary is not None and behaviour(ctx.plan.component(primary)) is Behaviour.SQL_PRIMARY:
        source = ref("aws_db_instance", ctx.ids[primary], "identifier")
    else:
        lines.append("no replication link from a primary in the plan: give the source database")
        source = ctx.var(comp.id, "source_db", "string", None, f"Identifier of the database {comp.name} follows.")
    db = _resource(ctx, "aws_db_instance", ctx.ids[comp.id], lines)
    db.attr("count", count)
    db.attr("identifier", ctx.name(comp.id, indexed=True))
    db.attr("replicate_source_db", source)
    db.attr("instance_class", itype)
    db.attr("skip_final_snapshot", True)
    db.attr("tags", ctx.tags(comp))


def sharded_sql(ctx, comp, r) -> None:
    count, itype = _instance_vars(ctx, comp, r, "db", "shards")
    per_shard = r.storage_replicated * comp.param("skew") / max(1, r.count)
    db = _resource(ctx, "aws_db_instance", ctx.ids[comp.id], sizing_lines(ctx.plan, comp, r))
    db.attr("count", count)
    db.attr("identifier", ctx.name(comp.id, indexed=True))
    db.attr("engine", "postgres")
    db.attr("engine_version", "16")
    db.attr("instance_class", itype)
    db.attr("allocated_storage", _gb(per_shard, _fill(comp), 20, RDS_MAX_GB), "hottest shard's data at the fill ratio")
    db.attr("username", "archplan")
    db.attr("manage_master_user_password", True)
    db.attr("skip_final_snapshot", False)
    db.attr("final_snapshot_identifier", ctx.name(comp.id, "final", indexed=True))
    db.attr("tags", ctx.tags(comp))


def dynamodb(ctx, comp, r) -> None:
    lines = sizing_lines(ctx.plan, comp, r) + [
        f"on demand: peak {units.format_qps(r.reads_peak)} reads, {units.format_qps(r.writes_peak)} writes "
        f"over about {r.count} partition(s)"]
    table = _resource(ctx, "aws_dynamodb_table", ctx.ids[comp.id], lines)
    table.attr("name", ctx.name(comp.id))
    table.attr("billing_mode", "PAY_PER_REQUEST")
    table.attr("hash_key", "pk")
    table.attr("range_key", "sk")
    for key in ("pk", "sk"):
        attribute = table.block("attribute")
        attribute.attr("name", key)
        attribute.attr("type", "S")
    table.block("point_in_time_recovery").attr("enabled", True)
    table.attr("tags", ctx.tags(comp))


def docdb(ctx, comp, r) -> None:
    ident = ctx.ids[comp.id]
    count, itype = _instance_vars(ctx, comp, r, "docdb")
    cluster = _resource(ctx, "aws_docdb_cluster", ident, sizing_lines(ctx.plan, comp, r))
    cluster.attr("cluster_identifier", ctx.name(comp.id))
    cluster.attr("engine", "docdb")
    cluster.attr("master_username", "archplan")
    cluster.attr("manage_master_user_password", True)
    cluster.attr("final_snapshot_identifier", ctx.name(comp.id, "final"))
    cluster.attr("tags", ctx.tags(comp))
    nodes = _resource(ctx, "aws_docdb_cluster_instance", ident)
    nodes.attr("count", count)
    nodes.attr("identifier", ctx.name(comp.id, indexed=True))
    nodes.attr("cluster_identifier", ref("aws_docdb_cluster", ident, "id"))
    nodes.attr("instance_class", itype)


def s3(ctx, comp, r) -> None:
    ident = ctx.ids[comp.id]
    bucket = _resource(ctx, "aws_s3_bucket", ident, sizing_lines(ctx.plan, comp, r))
    bucket.attr("bucket_prefix", ctx.name(comp.id, ""))
    bucket.attr("tags", ctx.tags(comp))
    block = _resource(ctx, "aws_s3_bucket_public_access_block", ident)
    block.attr("bucket", ref("aws_s3_bucket", ident, "id"))
    for key in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        block.attr(key, True)


def search(ctx, comp, r) -> None:
    count, itype = _instance_vars(ctx, comp, r, "search", "data nodes")
    per_node = _gb(r.storage_replicated / max(1, r.count), _fill(comp), 10)
    domain = _resource(ctx, "aws_opensearch_domain", ctx.ids[comp.id], sizing_lines(ctx.plan, comp, r))
    domain.attr("domain_name", ctx.name(comp.id))
    domain.attr("engine_version", "OpenSearch_2.13")
    cluster = domain.block("cluster_config")
    cluster.attr("instance_type", itype)
    cluster.attr("instance_count", count)
    cluster.attr("zone_awareness_enabled", Expr(f"{count} > 1"))
    ebs = domain.block("ebs_options")
    ebs.attr("ebs_enabled", True)
    ebs.attr("volume_type", "gp3")
    ebs.attr("volume_size", per_node, "GB per data node: index with replicas / nodes, at the fill ratio")
    domain.attr("tags", ctx.tags(comp))
