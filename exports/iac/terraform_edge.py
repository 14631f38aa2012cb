"""
AWS resources for the edge (CloudFront, Route 53), messaging (SQS, Amazon MQ, MSK, SNS) and health
checks (CloudWatch alarms), plus the notes written for what is bought rather than provisioned.
"""

from __future__ import annotations

import math

from archplan.exports.iac import one_line
from archplan.exports.iac.hcl import Expr, ref
from archplan.exports.iac.roles import behaviour, kind_label, sizing_lines
from archplan.exports.iac.terraform_kinds import (
    CLOUDWATCH_PERIODS,
    _instance_vars,
    _note,
    _resource,
)
from archplan.planner import units
from archplan.planner.catalog import Behaviour

SQS_RETENTION = (60, 1_209_600)
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policy "CachingOptimized"


def _targets(ctx, cid: str) -> list[str]:
    return [dst for src, dst in ctx.rel.requests if src == cid]


# ------------------------------------------------------------------------------------------ edge

def cdn(ctx, comp, r) -> None:
    ident = ctx.ids[comp.id]
    lines = sizing_lines(ctx.plan, comp, r) + [
        f"edge offload {units.format_percent(comp.param('offload'))} of cacheable reads"]
    origin_id = ctx.slugs[comp.id] + "-origin"
    origins = [t for t in _targets(ctx, comp.id)
               if behaviour(ctx.plan.component(t)) in (Behaviour.OBJECT_STORE, Behaviour.LOAD_BALANCER)]
    dist = _resource(ctx, "aws_cloudfront_distribution", ident, lines)
    dist.attr("enabled", True)
    dist.attr("comment", comp.name[:128])
    dist.attr("price_class", "PriceClass_100")
    dist.attr("default_root_object", "index.html")
    for check, reason in (
            ("CKV_AWS_68", "web ACL rules (WAF) are yours to choose"),
            ("CKV2_AWS_47", "web ACL rules (WAF) are yours to choose"),
            ("CKV_AWS_86", "access logs need a log bucket of your account"),
            ("CKV_AWS_310", "the plan has one origin: nothing to fail over to"),
            ("CKV_AWS_374", "the plan serves users everywhere: no geo restriction"),
            ("CKV2_AWS_42", "a custom domain's certificate is yours (the skeleton uses CloudFront's own)"),
            ("CKV_AWS_174", "CloudFront's own certificate fixes the TLS policy; set yours with your domain")):
        dist.skip(check, reason)
    origin = dist.block("origin")
    origin.attr("origin_id", origin_id)
    target = ctx.plan.component(origins[0]) if origins else None
    if target is not None and behaviour(target) is Behaviour.OBJECT_STORE:
        oac = _resource(ctx, "aws_cloudfront_origin_access_control", ident)
        oac.attr("name", ctx.name(comp.id, "oac"))
        oac.attr("origin_access_control_origin_type", "s3")
        oac.attr("signing_behavior", "always")
        oac.attr("signing_protocol", "sigv4")
        origin.attr("domain_name", ref("aws_s3_bucket", ctx.ids[target.id], "bucket_regional_domain_name"))
        origin.attr("origin_access_control_id", ref("aws_cloudfront_origin_access_control", ident, "id"))
    else:
        if target is not None:
            origin.attr("domain_name", ref("aws_lb", ctx.ids[target.id], "dns_name"))
        else:
            origin.attr("domain_name", ctx.var(comp.id, "origin_domain", "string", None,
                                               f"Origin host name behind {comp.name}."))
        custom = origin.block("custom_origin_config")
        custom.attr("http_port", 80)
        custom.attr("https_port", 443)
        custom.attr("origin_protocol_policy", "http-only" if target is not None else "https-only")
        custom.attr("origin_ssl_protocols", ["TLSv1.2"])
    behaviour_block = dist.block("default_cache_behavior")
    behaviour_block.attr("target_origin_id", origin_id)
    behaviour_block.attr("allowed_methods", ["GET", "HEAD"])
    behaviour_block.attr("cached_methods", ["GET", "HEAD"])
    behaviour_block.attr("viewer_protocol_policy", "redirect-to-https")
    behaviour_block.attr("cache_policy_id", CACHING_OPTIMIZED, "managed policy CachingOptimized")
    behaviour_block.attr("response_headers_policy_id", ref("aws_cloudfront_response_headers_policy", ident, "id"))
    dist.block("restrictions").block("geo_restriction").attr("restriction_type", "none")
    headers = _resource(ctx, "aws_cloudfront_response_headers_policy", ident, ("security headers on every response",))
    headers.attr("name", ctx.name(comp.id, "headers"))
    security = headers.block("security_headers_config")
    hsts = security.block("strict_transport_security")
    hsts.attr("access_control_max_age_sec", 31_536_000)
    hsts.attr("include_subdomains", True)
    hsts.attr("preload", True)
    hsts.attr("override", True)
    security.block("content_type_options").attr("override", True)
    frame = security.block("frame_options")
    frame.attr("frame_option", "DENY")
    frame.attr("override", True)
    referrer = security.block("referrer_policy")
    referrer.attr("referrer_policy", "strict-origin-when-cross-origin")
    referrer.attr("override", True)
    dist.block("viewer_certificate").attr("cloudfront_default_certificate", True)
    dist.attr("tags", ctx.tags(comp))


def dns(ctx, comp, r) -> None:
    ident = ctx.ids[comp.id]
    domain = ctx.var(comp.id, "domain", "string", None, f"Domain name served by {comp.name}.")
    zone = _resource(ctx, "aws_route53_zone", ident, sizing_lines(ctx.plan, comp, r))
    zone.attr("name", domain)
    zone.attr("tags", ctx.tags(comp))
    zone.skip("CKV2_AWS_38", "DNSSEC signing needs a key-signing key in your account")
    zone.skip("CKV2_AWS_39", "query logging needs a log group of your account in us-east-1")
    for target_id in _targets(ctx, comp.id)[:1]:
        target = ctx.plan.component(target_id)
        kind = behaviour(target)
        if kind is Behaviour.LOAD_BALANCER:
            name, zone_id = ref("aws_lb", ctx.ids[target_id], "dns_name"), ref("aws_lb", ctx.ids[target_id], "zone_id")
        elif kind is Behaviour.CDN:
            name = ref("aws_cloudfront_distribution", ctx.ids[target_id], "domain_name")
            zone_id = ref("aws_cloudfront_distribution", ctx.ids[target_id], "hosted_zone_id")
        else:
            continue
        record = _resource(ctx, "aws_route53_record", ident, (f"the domain points at {one_line(target.name, 80)}",))
        record.attr("zone_id", ref("aws_route53_zone", ident, "zone_id"))
        record.attr("name", domain)
        record.attr("type", "A")
        alias = record.block("alias")
        alias.attr("name", name)
        alias.attr("zone_id", zone_id)
        alias.attr("evaluate_target_health", True)


# ------------------------------------------------------------------------------------------ messaging

def _queue_lines(ctx, comp, r) -> list[str]:
    lines = sizing_lines(ctx.plan, comp, r)
    if r.details.get("backlog"):
        lines.append(f"backlog at the end of a peak: {units.format_count(r.details['backlog'])} messages")
    if "drain_time" in r.details:
        lines.append(f"drained in {units.format_duration(r.details['drain_time'])} after the peak")
    return lines


def queue(ctx, comp, r) -> None:
    ident = ctx.ids[comp.id]
    retention = round(comp.param("retention_s"))
    if comp.kind == "queue.sqs":
        q = _resource(ctx, "aws_sqs_queue", ident, _queue_lines(ctx, comp, r))
        q.attr("name", ctx.name(comp.id))
        q.attr("message_retention_seconds", min(SQS_RETENTION[1], max(SQS_RETENTION[0], retention)),
               f"the plan keeps messages {units.format_duration(retention)} (SQS allows 1 min to 14 d)")
        q.attr("kms_master_key_id", ctx.kms())
        q.attr("tags", ctx.tags(comp))
        return
    count, itype = _instance_vars(ctx, comp, r, "broker nodes")
    password = ctx.secret_var(comp.id, "password", f"Broker password of {comp.name}.")
    broker = _resource(ctx, "aws_mq_broker", ident, _queue_lines(ctx, comp, r) + [
        "Amazon MQ runs RabbitMQ as one instance or a cluster of three"])
    broker.attr("broker_name", ctx.name(comp.id))
    broker.attr("engine_type", "RabbitMQ")
    broker.attr("engine_version", "3.13")
    broker.attr("host_instance_type", itype)
    broker.attr("deployment_mode", Expr(f'{count} >= 3 ? "CLUSTER_MULTI_AZ" : "SINGLE_INSTANCE"'))
    broker.attr("subnet_ids", Expr(f"{count} >= 3 ? var.subnet_ids : [var.subnet_ids[0]]"))
    broker.attr("security_groups", ref("var", "security_group_ids"))
    broker.attr("auto_minor_version_upgrade", True)
    broker.attr("publicly_accessible", False)
    broker.block("encryption_options").attr("kms_key_id", ctx.kms())
    broker.block("logs").attr("general", True)
    user = broker.block("user")
    user.attr("username", "archplan")
    user.attr("password", password)
    broker.attr("tags", ctx.tags(comp))


def kafka(ctx, comp, r) -> None:
    count, itype = _instance_vars(ctx, comp, r, "brokers")
    per_broker = ctx.dep(comp.id).disk_gib(1, 16_384)
    cluster = _resource(ctx, "aws_msk_cluster", ctx.ids[comp.id], _queue_lines(ctx, comp, r) + [
        "MSK wants the broker count to be a multiple of the client subnets"])
    cluster.attr("cluster_name", ctx.name(comp.id))
    cluster.attr("kafka_version", "3.6.0")
    cluster.attr("number_of_broker_nodes", count)
    nodes = cluster.block("broker_node_group_info")
    nodes.attr("instance_type", itype)
    nodes.attr("client_subnets", ref("var", "subnet_ids"))
    nodes.attr("security_groups", ref("var", "security_group_ids"))
    nodes.block("storage_info").block("ebs_storage_info").attr(
        "volume_size", per_broker, "GiB per broker: its share of the log with every copy, with headroom")
    encryption = cluster.block("encryption_info")
    encryption.attr("encryption_at_rest_kms_key_arn", ctx.kms())
    transit = encryption.block("encryption_in_transit")
    transit.attr("client_broker", "TLS")
    transit.attr("in_cluster", True)
    logs = cluster.block("logging_info").block("broker_logs").block("cloudwatch_logs")
    logs.attr("enabled", True)
    logs.attr("log_group", ref("aws_cloudwatch_log_group", ctx.ids[comp.id], "name"))
    cluster.attr("tags", ctx.tags(comp))
    group = _resource(ctx, "aws_cloudwatch_log_group", ctx.ids[comp.id])
    group.attr("name", Expr(f'format("/aws/msk/%s", {ctx.name(comp.id)})'))
    group.attr("retention_in_days", 365)
    group.attr("kms_key_id", ctx.kms())


def notification(ctx, comp, r) -> None:
    lines = sizing_lines(ctx.plan, comp, r)
    if "messages" in r.details:
        lines.append(f"{units.format_count(r.details['messages'])} messages/s on average; subscribe the "
                     f"{kind_label(comp)} endpoints to this topic")
    topic = _resource(ctx, "aws_sns_topic", ctx.ids[comp.id], lines)
    topic.attr("name", ctx.name(comp.id))
    topic.attr("kms_master_key_id", ctx.kms())
    topic.attr("tags", ctx.tags(comp))


# ------------------------------------------------------------------------------------------ observability

def _period(interval: float) -> int:
    """CloudWatch accepts 10, 20 or 30 s (high resolution) or a multiple of 60 s."""
    for p in CLOUDWATCH_PERIODS:
        if interval <= p:
            return p
    return 60 * math.ceil(interval / 60 - 1e-9)


def health_alarms(ctx, comp, r) -> None:
    """One alarm per component this health check watches: down after `misses` missed heartbeats."""
    targets = [cid for cid, monitors in ctx.rel.watched_by.items() if comp.id in monitors]
    topics = [ref("aws_sns_topic", ctx.ids[t], "arn") for t in _targets(ctx, comp.id)
              + [dst for src, dst in ctx.rel.messages if src == comp.id]
              if behaviour(ctx.plan.component(t)) is Behaviour.NOTIFICATION]
    interval, misses = comp.param("interval_s"), max(1, round(comp.param("misses")))
    period = _period(interval)
    if not targets:
        _note(ctx, f"{one_line(comp.name, 80)} ({kind_label(comp)}) watches nothing: link it to components "
                   "with health links to get alarms")
    for target_id in targets:
        target = ctx.plan.component(target_id)
        lines = [f"{one_line(comp.name, 80)} probes {one_line(target.name, 80)} every "
                 f"{units.format_duration(interval)}; down after {misses} missed heartbeat(s)"]
        if period != round(interval):
            lines.append(f"CloudWatch period rounded up to {units.format_duration(period)}")
        alarm = _resource(ctx, "aws_cloudwatch_metric_alarm", ctx.new_ident(f"{target.name} down"), lines)
        alarm.attr("alarm_name", ctx.name(target_id, "down"))
        alarm.attr("alarm_description", f"{target.name} missed {misses} heartbeat(s) from {comp.name}")
        alarm.attr("namespace", "Archplan/Health")
        alarm.attr("metric_name", "Heartbeat")
        alarm.attr("dimensions", {"Component": ctx.slugs[target_id]})
        alarm.attr("statistic", "SampleCount")
        alarm.attr("period", period)
        alarm.attr("evaluation_periods", misses)
        alarm.attr("threshold", 1)
        alarm.attr("comparison_operator", "LessThanThreshold")
        alarm.attr("treat_missing_data", "breaching", "no heartbeat is a missed heartbeat")
        if topics:
            alarm.attr("alarm_actions", topics)
        alarm.attr("tags", ctx.tags(target))


def bought(ctx, comp, r) -> None:
    """External providers: nothing to provision; say what the plan expects of them."""
    calls = r.details.get("calls", r.qps_avg)
    _note(ctx, f"{one_line(comp.name, 80)} ({kind_label(comp)}) is a third-party service: nothing to provision.",
          f"The plan sends it {units.format_qps(r.qps_peak)} at peak ({units.format_qps(calls)} on average with "
          "retries); check the provider's rate limit.")


def client(ctx, comp, r) -> None:
    users = ctx.result.clients.get(comp.id)
    who = f"{units.format_count(users.users)} daily users" if users else "users"
    _note(ctx, f"Client {one_line(comp.name, 80)} ({kind_label(comp)}): {who} enter here.")
