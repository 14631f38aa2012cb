"""
Infracost usage file (``infracost-usage.yml``): the plan's monthly traffic, storage and egress per resource
of the Terraform export, so ``infracost breakdown --path . --usage-file infracost-usage.yml`` prices the
skeleton with Archplan's figures instead of hand-filled guesses.

Format: Infracost's usage file version 0.1 (``version`` and ``resource_usage`` keyed by the Terraform
resource address ``type.name``), with the usage keys Infracost documents for each resource type in its
infracost-usage-example.yml. Addresses are the Terraform export's (exports/iac/terraform.py: the same
identifiers, in plan order). Every number comes from the computed result and the deployment figures
(planner/deployment.py); a month is 30 days. What each key assumes is written beside it:

- aws_autoscaling_group: ``instances``, the plan's count;
- aws_lb: requests per second on average as new connections (no keep-alive: an upper bound), a minute's
  worth of them as active connections, the bytes in and out per month, one rule evaluation per request;
- aws_s3_bucket: standard storage (every copy the plan keeps), writes as tier-1 and reads as tier-2
  requests;
- aws_dynamodb_table: on-demand write units (one per write of up to 1 KB) and read units (one per
  strongly consistent read of up to 4 KB), the stored data;
- aws_sqs_queue: three requests per message (send, receive, delete), the message size in KB;
- aws_sns_topic, aws_api_gateway_rest_api, aws_route53_record: requests (queries) per month;
- aws_cloudfront_distribution: the bytes and HTTPS requests it serves to users (in the price region's
  continent, ``us``);
- aws_elasticache_*: a snapshot the size of the hot set;
- aws_data_transfer: the internet egress of everything not behind the CDN, in the price region.
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from archplan.exports import ExportError
from archplan.exports.iac import hcl_identifier, no_options, one_line, write_text
from archplan.exports.iac.roles import behaviour
from archplan.planner import units
from archplan.planner.catalog import Behaviour

__all__ = ["usage_document", "write_infracost_usage"]

VERSION = 0.1
NOT_GROUPS = ("kv.dynamodb", "doc.mongodb", "db.sharded_sql")   # partitioned kinds Terraform maps to services
GB = 1e9


def _whole(value: float) -> int:
    return max(0, round(value))


def _gb(value: float) -> float:
    return round(value / GB, 3)


def usage_document(plan, result) -> dict:
    """The usage file as a dict: {"version": 0.1, "resource_usage": {address: {key: value}}}."""
    deps = result.deployment(plan)
    taken: set[str] = set()
    ids = {c.id: hcl_identifier(c.name, taken) for c in plan.components}
    usage: dict[str, dict] = {}
    egress_gb = 0.0
    record = plan.traffic.record_size
    for component in plan.components:
        dep = deps.get(component.id)
        if dep is None:
            continue
        r = result.components[component.id]
        ident = ids[component.id]
        month = units.MONTH
        kind = behaviour(component)
        if kind is not Behaviour.CDN:
            egress_gb += dep.prices.egress_gb_month
        if kind in (Behaviour.SERVICE, Behaviour.WORKER, Behaviour.RATE_LIMITER, Behaviour.METRICS) or (
                kind is Behaviour.PARTITIONED and component.kind not in NOT_GROUPS):
            usage[f"aws_autoscaling_group.{ident}"] = {"instances": dep.instances}
        elif kind is Behaviour.LOAD_BALANCER:
            usage[f"aws_lb.{ident}"] = {
                "new_connections": _whole(r.qps_avg), "active_connections": _whole(r.qps_avg * 60),
                "processed_bytes_gb": _gb((r.bandwidth_in + r.bandwidth_out) * _avg_share(r) * month),
                "rule_evaluations": _whole(r.qps_avg)}
        elif kind is Behaviour.OBJECT_STORE:
            usage[f"aws_s3_bucket.{ident}"] = {"standard": {
                "storage_gb": _gb(r.storage_replicated), "monthly_tier_1_requests": _whole(r.writes_avg * month),
                "monthly_tier_2_requests": _whole(r.reads_avg * month)}}
        elif component.kind == "kv.dynamodb":
            usage[f"aws_dynamodb_table.{ident}"] = {
                "monthly_write_request_units": _whole(r.writes_avg * month * max(1, math.ceil(record / 1_000))),
                "monthly_read_request_units": _whole(r.reads_avg * month * max(1, math.ceil(record / 4_000))),
                "storage_gb": _gb(r.storage_total)}
        elif component.kind == "queue.sqs":
            usage[f"aws_sqs_queue.{ident}"] = {"monthly_requests": _whole(3 * r.qps_avg * month),
                                               "request_size_kb": max(1, math.ceil(plan.traffic.request_size / 1_000))}
        elif kind is Behaviour.NOTIFICATION:
            usage[f"aws_sns_topic.{ident}"] = {"monthly_requests": _whole(r.qps_avg * month),
                                               "request_size_kb": max(1, math.ceil(plan.traffic.request_size / 1_000))}
        elif kind is Behaviour.GATEWAY:
            usage[f"aws_api_gateway_rest_api.{ident}"] = {"monthly_requests": _whole(r.qps_avg * month)}
        elif kind is Behaviour.DNS:
            usage[f"aws_route53_record.{ident}"] = {"monthly_standard_queries": _whole(r.qps_avg * month)}
        elif kind is Behaviour.CDN:
            usage[f"aws_cloudfront_distribution.{ident}"] = {
                "monthly_data_transfer_to_internet_gb": {"us": round(dep.prices.egress_gb_month, 3)},
                "monthly_https_requests": {"us": _whole(r.qps_avg * month)}}
        elif kind is Behaviour.CACHE:
            resource = "aws_elasticache_cluster" if component.kind == "cache.memcached" \
                else "aws_elasticache_replication_group"
            if component.kind != "cache.memcached":
                usage[f"{resource}.{ident}"] = {"snapshot_storage_size_gb": _gb(r.memory)}
    region = next(iter(deps.values())).prices.table.region if deps else "us-east-1"
    usage[f"aws_data_transfer.{hcl_identifier(region, set())}"] = {
        "region": region, "monthly_outbound_internet_gb": round(egress_gb, 3)}
    return {"version": VERSION, "resource_usage": usage}


def _avg_share(r) -> float:
    """Average / peak of the component's traffic (bandwidth figures are at peak)."""
    return r.qps_avg / r.qps_peak if r.qps_peak > 0 else 0.0


def write_infracost_usage(plan, result, out: Path, **options) -> Path:
    """Write infracost-usage.yml for the Terraform export of the same plan."""
    no_options("infracost usage", options)
    if not plan.components:
        raise ExportError("the plan has no components: nothing to write as an infracost usage file")
    header = (f"# Infracost usage file for the Terraform export of {one_line(plan.name, 120)}, written by Archplan.\n"
              "# Monthly figures from the plan (30-day month): infracost breakdown --path . "
              "--usage-file infracost-usage.yml\n")
    body = yaml.safe_dump(usage_document(plan, result), sort_keys=False, allow_unicode=True, width=120)
    return write_text(out, header + body)
