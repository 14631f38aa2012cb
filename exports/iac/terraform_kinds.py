"""
The AWS resources of each component kind, sized from its ComponentResult (see exports/iac/terraform.py).

Counts, instance types and disk sizes are translated from the plan's deployment figures
(planner/deployment.py, `ctx.dep(component id)`): nothing is sized here. Instance types are the classes
the catalog's per-instance capacity and prices assume (planner/data/catalog.json, sources S37); AWS
sizes disks in GiB (2^30 B), so the plan's per-node disk (decimal bytes) is converted, rounded up.
"""

from __future__ import annotations

from archplan.exports.iac.hcl import Block, Expr, ref
from archplan.exports.iac.roles import behaviour, health_settings, kind_label, sizing_lines
from archplan.planner import units
from archplan.planner.catalog import Behaviour

RDS_MAX_GIB = 65_536
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
RDS_LOGS = {"postgres": ["postgresql", "upgrade"], "mysql": ["audit", "error", "general", "slowquery"]}
CLOUDWATCH_PERIODS = (10, 20, 30)


def _resource(ctx, type_: str, ident: str, comment=()) -> Block:
    block = Block("resource", (type_, ident), comment=tuple(comment))
    ctx.blocks.append(block)
    return block


def _note(ctx, *lines: str) -> None:
    ctx.blocks.append(Block("", comment=lines))


def _instance_vars(ctx, comp, r, what: str = "instances") -> tuple[Expr, Expr]:
    dep = ctx.dep(comp.id)
    count = ctx.var(comp.id, "count", "number", dep.instances,
                    f"{what.capitalize()} of {comp.name} (the plan needs {dep.needed} at peak).")
    itype = ctx.var(comp.id, "instance_type", "string", dep.node_type,
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
    count, itype = _instance_vars(ctx, comp, r)
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
    metadata = lt.block("metadata_options")
    metadata.attr("http_endpoint", "enabled")
    metadata.attr("http_tokens", "required", "IMDSv2 only: no credentials from a forged request")
    disk = lt.block("block_device_mappings")
    disk.attr("device_name", "/dev/xvda")
    ebs = disk.block("ebs")
    ebs.attr("encrypted", True)
    ebs.attr("kms_key_id", ctx.kms())
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
    lb.attr("drop_invalid_header_fields", True)
    lb.attr("enable_deletion_protection", True)
    lb.attr("tags", ctx.tags(comp))
    lb.skip("CKV_AWS_91", "access logs need a log bucket of your account")
    lb.skip("CKV2_AWS_28", "web ACL rules (WAF) are yours to choose")
    tg = _resource(ctx, "aws_lb_target_group", ident)
    tg.attr("name", ctx.name(comp.id, "tg"))
    tg.attr("port", 8000)
    tg.attr("protocol", "HTTP")
    tg.attr("vpc_id", ref("var", "vpc_id"))
    tg.skip("CKV_AWS_378", "TLS ends at the load balancer; targets speak HTTP inside the VPC")
    check = tg.block("health_check")
    check.attr("path", "/")
    watched = health_settings(ctx.plan, ctx.rel, comp.id)
    if watched:
        interval, misses, _timeout = watched
        check.attr("interval", min(300, max(5, round(interval))), "the plan's health check interval and misses")
        check.attr("unhealthy_threshold", min(10, max(2, misses)))
    https = _resource(ctx, "aws_lb_listener", ident, ("HTTPS: TLS 1.2 or 1.3 at the load balancer",))
    https.attr("load_balancer_arn", ref("aws_lb", ident, "arn"))
    https.attr("port", 443)
    https.attr("protocol", "HTTPS")
    https.attr("ssl_policy", TLS_POLICY)
    https.attr("certificate_arn", ref("var", "certificate_arn"))
    action = https.block("default_action")
    action.attr("type", "forward")
    action.attr("target_group_arn", ref("aws_lb_target_group", ident, "arn"))
    http = _resource(ctx, "aws_lb_listener", ctx.new_ident(f"{ident} http"), ("plain HTTP only redirects to HTTPS",))
    http.attr("load_balancer_arn", ref("aws_lb", ident, "arn"))
    http.attr("port", 80)
    http.attr("protocol", "HTTP")
    http.skip("CKV_AWS_2", "this listener only redirects to HTTPS")
    http.skip("CKV_AWS_103", "this listener only redirects to HTTPS")
    redirect = http.block("default_action")
    redirect.attr("type", "redirect")
    to = redirect.block("redirect")
    to.attr("port", "443")
    to.attr("protocol", "HTTPS")
    to.attr("status_code", "HTTP_301")


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
    api.block("lifecycle").attr("create_before_destroy", True)


# ------------------------------------------------------------------------------------------ data

def _subnet_group(ctx, comp, resource_type: str) -> Expr:
    """A subnet group of the plan's private subnets (never the default VPC's)."""
    ident = ctx.ids[comp.id]
    group = _resource(ctx, resource_type, ident)
    group.attr("name", ctx.name(comp.id))
    group.attr("subnet_ids", ref("var", "subnet_ids"))
    return ref(resource_type, ident, "name")


def cache(ctx, comp, r) -> None:
    ident = ctx.ids[comp.id]
    lines = sizing_lines(ctx.plan, comp, r)
    dep = ctx.dep(comp.id)
    node_type = ctx.var(comp.id, "node_type", "string", dep.node_type,
                        f"Node type of {comp.name}: the class the plan's per-node capacity assumes.")
    subnets = _subnet_group(ctx, comp, "aws_elasticache_subnet_group")
    if comp.kind == "cache.memcached":
        count = ctx.var(comp.id, "count", "number", dep.instances,
                        f"Nodes of {comp.name} (the plan needs {dep.needed}).")
        cluster = _resource(ctx, "aws_elasticache_cluster", ident, lines)
        cluster.attr("cluster_id", ctx.name(comp.id))
        cluster.attr("engine", "memcached")
        cluster.attr("node_type", node_type)
        cluster.attr("num_cache_nodes", count)
        cluster.attr("az_mode", Expr(f'{count} > 1 ? "cross-az" : "single-az"'))
        cluster.attr("port", 11211)
        cluster.attr("subnet_group_name", subnets)
        cluster.attr("security_group_ids", ref("var", "security_group_ids"))
        cluster.attr("transit_encryption_enabled", True)
        cluster.attr("tags", ctx.tags(comp))
        return
    shards, replicas = dep.shards, dep.replicas_per_shard
    group = _resource(ctx, "aws_elasticache_replication_group", ident, lines + [
        f"{dep.instances} node(s) as the plan counts them: {shards} shard(s) x (1 primary + {replicas} "
        "replica(s)); the shards hold the hot set"])
    group.attr("replication_group_id", ctx.name(comp.id))
    group.attr("description", comp.name)
    group.attr("engine", "redis")
    group.attr("engine_version", "7.1")
    group.attr("node_type", node_type)
    group.attr("port", 6379)
    group.attr("subnet_group_name", subnets)
    group.attr("security_group_ids", ref("var", "security_group_ids"))
    group.attr("at_rest_encryption_enabled", True)
    group.attr("kms_key_id", ctx.kms())
    group.attr("transit_encryption_enabled", True)
    group.attr("auth_token", ctx.secret_var(comp.id, "auth_token", f"AUTH token of {comp.name} (16 to 128 "
                                                                       "characters)."))
    failover = replicas > 0
    if shards > 1:
        n_shards = ctx.var(comp.id, "shards", "number", shards, f"Shards (node groups) of {comp.name}.")
        n_repl = ctx.var(comp.id, "replicas_per_shard", "number", replicas, f"Replicas per shard of {comp.name}.")
        group.attr("num_node_groups", n_shards)
        group.attr("replicas_per_node_group", n_repl)
        group.attr("parameter_group_name", "default.redis7.cluster.on")
    else:
        count = ctx.var(comp.id, "count", "number", dep.instances,
                        f"Nodes of {comp.name}: one primary and count - 1 replicas.")
        group.attr("num_cache_clusters", count)
    group.attr("automatic_failover_enabled", failover or shards > 1,
               "replicas in the plan: a replica takes over in another zone" if failover else
               "cluster mode needs it; the plan keeps no replica to fail over to")
    group.attr("multi_az_enabled", failover)
    if not failover:
        group.skip("CKV2_AWS_50", "the plan runs no replica of this cache (its redundancy adds no copy)")
    group.attr("tags", ctx.tags(comp))


def _rds_common(ctx, db, comp, engine: str) -> None:
    """What every RDS instance of the plan gets: encryption, protection, logs, monitoring, IAM auth."""
    db.attr("storage_encrypted", True)
    db.attr("kms_key_id", ctx.kms())
    db.attr("deletion_protection", True)
    db.attr("auto_minor_version_upgrade", True)
    db.attr("copy_tags_to_snapshot", True)
    db.attr("iam_database_authentication_enabled", True)
    db.attr("enabled_cloudwatch_logs_exports", RDS_LOGS[engine])
    db.attr("performance_insights_enabled", True)
    db.attr("performance_insights_kms_key_id", ctx.kms())
    db.skip("CKV_AWS_118", "enhanced monitoring needs an IAM role of your account (monitoring_role_arn)")
    if engine == "postgres":
        db.skip("CKV2_AWS_30", "query logging is a parameter group setting of your choosing (log_statement)")


def sql_primary(ctx, comp, r) -> None:
    engine, version = ("postgres", "16") if "postgres" in comp.kind else ("mysql", "8.0")
    dep = ctx.dep(comp.id)
    gib = dep.disk_gib(20)
    lines = sizing_lines(ctx.plan, comp, r)
    if gib > RDS_MAX_GIB:
        lines.append(f"needs {gib:,} GiB, more than one RDS instance holds: shard the data")
    _count, itype = _instance_vars(ctx, comp, r, "instances (primary + standbys)")
    storage = ctx.var(comp.id, "storage_gib", "number", min(gib, RDS_MAX_GIB),
                      f"Disk of {comp.name} in GiB: its full copy of the data at the fill ratio.")
    db = _resource(ctx, "aws_db_instance", ctx.ids[comp.id], lines)
    db.attr("identifier", ctx.name(comp.id))
    db.attr("engine", engine)
    db.attr("engine_version", version)
    db.attr("instance_class", itype)
    db.attr("allocated_storage", storage)
    db.attr("max_allocated_storage", Expr(f"min({storage} * 2, {RDS_MAX_GIB})"))
    standby = dep.instances > 1
    db.attr("multi_az", standby, "the plan runs a standby: Multi-AZ" if standby else "the plan runs no standby")
    if not standby:
        db.skip("CKV_AWS_157", "the plan runs this database without a standby (redundancy none)")
    db.attr("db_subnet_group_name", _subnet_group(ctx, comp, "aws_db_subnet_group"))
    db.attr("vpc_security_group_ids", ref("var", "security_group_ids"))
    db.attr("username", "archplan")
    db.attr("manage_master_user_password", True)
    db.attr("backup_retention_period", 7, "backups are required for read replicas")
    db.attr("final_snapshot_identifier", ctx.name(comp.id, "final"))
    _rds_common(ctx, db, comp, engine)
    db.attr("tags", ctx.tags(comp))


def sql_replica(ctx, comp, r) -> None:
    engine = "postgres" if "postgres" in comp.kind else "mysql"
    count, itype = _instance_vars(ctx, comp, r, "read replicas")
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
    db.attr("vpc_security_group_ids", ref("var", "security_group_ids"))
    db.attr("skip_final_snapshot", True)
    db.skip("CKV_AWS_157", "each read replica is one instance: the plan's redundancy is the replica count")
    _rds_common(ctx, db, comp, engine)
    db.attr("tags", ctx.tags(comp))


def sharded_sql(ctx, comp, r) -> None:
    count, itype = _instance_vars(ctx, comp, r, "shards")
    dep = ctx.dep(comp.id)
    db = _resource(ctx, "aws_db_instance", ctx.ids[comp.id], sizing_lines(ctx.plan, comp, r))
    db.attr("count", count)
    db.attr("identifier", ctx.name(comp.id, indexed=True))
    db.attr("engine", "postgres")
    db.attr("engine_version", "16")
    db.attr("instance_class", itype)
    db.attr("allocated_storage", dep.disk_gib(20, RDS_MAX_GIB), "GiB: the hottest shard's data at the fill ratio")
    # the plan counts one instance per shard: a Multi-AZ standby each would deploy (and bill) twice its count
    db.attr("multi_az", False, "the plan counts one instance per shard (no standby)")
    db.skip("CKV_AWS_157", "the plan counts one instance per shard; a standby per shard would double the "
                           "deployed count: raise the shard count or redundancy in the plan instead")
    db.attr("db_subnet_group_name", _subnet_group(ctx, comp, "aws_db_subnet_group"))
    db.attr("vpc_security_group_ids", ref("var", "security_group_ids"))
    db.attr("username", "archplan")
    db.attr("manage_master_user_password", True)
    db.attr("backup_retention_period", 7)
    db.attr("skip_final_snapshot", False)
    db.attr("final_snapshot_identifier", ctx.name(comp.id, "final", indexed=True))
    _rds_common(ctx, db, comp, "postgres")
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
    table.attr("deletion_protection_enabled", True)
    for key in ("pk", "sk"):
        attribute = table.block("attribute")
        attribute.attr("name", key)
        attribute.attr("type", "S")
    table.block("point_in_time_recovery").attr("enabled", True)
    sse = table.block("server_side_encryption")
    sse.attr("enabled", True)
    sse.attr("kms_key_arn", ctx.kms())
    table.attr("tags", ctx.tags(comp))


def docdb(ctx, comp, r) -> None:
    ident = ctx.ids[comp.id]
    count, itype = _instance_vars(ctx, comp, r)
    cluster = _resource(ctx, "aws_docdb_cluster", ident, sizing_lines(ctx.plan, comp, r))
    cluster.attr("cluster_identifier", ctx.name(comp.id))
    cluster.attr("engine", "docdb")
    cluster.attr("master_username", "archplan")
    cluster.attr("manage_master_user_password", True)
    cluster.attr("storage_encrypted", True)
    cluster.attr("kms_key_id", ctx.kms())
    cluster.attr("backup_retention_period", 7)
    cluster.attr("deletion_protection", True)
    cluster.attr("enabled_cloudwatch_logs_exports", ["audit", "profiler"])
    cluster.attr("db_subnet_group_name", _subnet_group(ctx, comp, "aws_docdb_subnet_group"))
    cluster.attr("vpc_security_group_ids", ref("var", "security_group_ids"))
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
    for check, reason in (("CKV_AWS_18", "access logs need a log bucket of your account"),
                          ("CKV_AWS_144", "cross-region replication needs a second region the plan does not have"),
                          ("CKV2_AWS_62", "event notifications go where your application needs them")):
        bucket.skip(check, reason)
    block = _resource(ctx, "aws_s3_bucket_public_access_block", ident)
    block.attr("bucket", ref("aws_s3_bucket", ident, "id"))
    for key in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        block.attr(key, True)
    versioning = _resource(ctx, "aws_s3_bucket_versioning", ident)
    versioning.attr("bucket", ref("aws_s3_bucket", ident, "id"))
    versioning.block("versioning_configuration").attr("status", "Enabled")
    sse = _resource(ctx, "aws_s3_bucket_server_side_encryption_configuration", ident)
    sse.attr("bucket", ref("aws_s3_bucket", ident, "id"))
    default = sse.block("rule").block("apply_server_side_encryption_by_default")
    default.attr("sse_algorithm", "aws:kms")
    default.attr("kms_master_key_id", ctx.kms())
    lifecycle = _resource(ctx, "aws_s3_bucket_lifecycle_configuration", ident,
                          ("old versions and unfinished uploads go after 30 days",))
    lifecycle.attr("bucket", ref("aws_s3_bucket", ident, "id"))
    rule = lifecycle.block("rule")
    rule.attr("id", "tidy")
    rule.attr("status", "Enabled")
    rule.block("filter")
    rule.block("noncurrent_version_expiration").attr("noncurrent_days", 30)
    rule.block("abort_incomplete_multipart_upload").attr("days_after_initiation", 7)


def search(ctx, comp, r) -> None:
    count, itype = _instance_vars(ctx, comp, r, "data nodes")
    per_node = ctx.dep(comp.id).disk_gib(10)
    domain = _resource(ctx, "aws_opensearch_domain", ctx.ids[comp.id], sizing_lines(ctx.plan, comp, r))
    domain.attr("domain_name", ctx.name(comp.id))
    domain.attr("engine_version", "OpenSearch_2.13")
    cluster = domain.block("cluster_config")
    cluster.attr("instance_type", itype)
    cluster.attr("instance_count", count)
    cluster.attr("zone_awareness_enabled", Expr(f"{count} > 1"))
    cluster.attr("dedicated_master_enabled", True, "three dedicated masters keep a quorum through a zone loss")
    cluster.attr("dedicated_master_count", 3)
    cluster.attr("dedicated_master_type", "m5.large.search")
    ebs = domain.block("ebs_options")
    ebs.attr("ebs_enabled", True)
    ebs.attr("volume_type", "gp3")
    ebs.attr("volume_size", per_node, "GiB per data node: index with replicas / nodes, at the fill ratio")
    rest = domain.block("encrypt_at_rest")
    rest.attr("enabled", True)
    rest.attr("kms_key_id", ctx.kms())
    domain.block("node_to_node_encryption").attr("enabled", True)
    endpoint = domain.block("domain_endpoint_options")
    endpoint.attr("enforce_https", True)
    endpoint.attr("tls_security_policy", "Policy-Min-TLS-1-2-2019-07")
    vpc = domain.block("vpc_options")
    vpc.attr("subnet_ids", ref("var", "subnet_ids"))
    vpc.attr("security_group_ids", ref("var", "security_group_ids"))
    domain.skip("CKV_AWS_248", "the security groups are yours (var.security_group_ids), never the VPC default")
    security = domain.block("advanced_security_options")
    security.attr("enabled", True)
    security.attr("internal_user_database_enabled", False)
    security.block("master_user_options").attr("master_user_arn", ctx.var(
        comp.id, "master_user_arn", "string", None, f"IAM role or user that administers {comp.name}."))
    for log in ("INDEX_SLOW_LOGS", "AUDIT_LOGS"):
        publish = domain.block("log_publishing_options")
        publish.attr("log_type", log)
        publish.attr("enabled", True)
        publish.attr("cloudwatch_log_group_arn", ref("aws_cloudwatch_log_group", ctx.ids[comp.id], "arn"))
    logs = _resource(ctx, "aws_cloudwatch_log_group", ctx.ids[comp.id])
    logs.attr("name", Expr(f'format("/aws/opensearch/%s", {ctx.name(comp.id)})'))
    logs.attr("retention_in_days", 365)
    logs.attr("kms_key_id", ctx.kms())
    domain.attr("tags", ctx.tags(comp))
