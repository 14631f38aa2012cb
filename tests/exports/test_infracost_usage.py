"""--format infracost-usage: an Infracost usage file (version 0.1) for the Terraform export, checked for every
template against the usage keys Infracost documents per resource type (its infracost-usage-example.yml),
against the Terraform export's resource addresses, and against the plan's figures."""

from __future__ import annotations

import hcl2
import pytest
import yaml
from iac_pdf_plans import builtin_templates, computed, full_plan

from archplan.exports import export
from archplan.planner import units
from archplan.planner.io import load_plan

#: Usage keys Infracost documents for the resource types Archplan writes (infracost-usage-example.yml,
#: usage file version 0.1): key -> None for a number, or the keys of a nested mapping.
REGIONS = {"us", "europe", "south_africa", "south_america", "japan", "australia", "asia_pacific", "india"}


def _flat(*keys: str) -> dict:
    return dict.fromkeys(keys)


DOCUMENTED = {
    "aws_autoscaling_group": _flat("instances", "operating_system", "reserved_instance_type", "reserved_instance_term",
                                   "reserved_instance_payment_option", "monthly_cpu_credit_hrs", "vcpu_count"),
    "aws_lb": _flat("new_connections", "active_connections", "processed_bytes_gb", "rule_evaluations"),
    "aws_s3_bucket": {"object_tags": None,
                      "standard": {"storage_gb", "monthly_tier_1_requests", "monthly_tier_2_requests",
                                   "monthly_select_data_scanned_gb", "monthly_select_data_returned_gb"}},
    "aws_dynamodb_table": _flat("monthly_write_request_units", "monthly_read_request_units", "storage_gb",
                                "pitr_backup_storage_gb", "on_demand_backup_storage_gb", "monthly_data_restored_gb",
                                "monthly_streams_read_request_units"),
    "aws_sqs_queue": _flat("monthly_requests", "request_size_kb"),
    "aws_sns_topic": _flat("monthly_requests", "request_size_kb", "http_subscriptions", "email_subscriptions",
                           "kinesis_subscriptions", "mobile_push_subscriptions", "macos_subscriptions",
                           "sms_subscriptions", "sms_notification_price"),
    "aws_api_gateway_rest_api": _flat("monthly_requests"),
    "aws_route53_record": _flat("monthly_standard_queries", "monthly_latency_based_queries", "monthly_geo_queries"),
    "aws_cloudfront_distribution": {
        "monthly_data_transfer_to_internet_gb": REGIONS, "monthly_data_transfer_to_origin_gb": REGIONS,
        "monthly_http_requests": REGIONS, "monthly_https_requests": REGIONS,
        **_flat("monthly_invalidation_requests", "monthly_encryption_requests", "monthly_log_lines",
                "custom_ssl_certificates")},
    "aws_elasticache_replication_group": _flat("snapshot_storage_size_gb", "reserved_instance_term",
                                               "reserved_instance_payment_option"),
    "aws_elasticache_cluster": _flat("snapshot_storage_size_gb", "reserved_instance_term",
                                     "reserved_instance_payment_option"),
    "aws_data_transfer": _flat("region", "monthly_intra_region_gb", "monthly_outbound_us_east_to_us_east_gb",
                               "monthly_outbound_other_regions_gb", "monthly_outbound_internet_gb"),
}


def check_usage_file(doc: dict, terraform: dict) -> None:
    assert set(doc) == {"version", "resource_usage"} and doc["version"] == 0.1
    addresses = {f"{rtype.strip(chr(34))}.{name.strip(chr(34))}" for block in terraform.get("resource", [])
                 for rtype, named in block.items() for name in named}
    for address, usage in doc["resource_usage"].items():
        rtype, _, _name = address.partition(".")
        assert rtype in DOCUMENTED, address
        if rtype != "aws_data_transfer":   # Infracost's own pseudo-resource for a region's transfer
            assert address in addresses, address
        spec = DOCUMENTED[rtype]
        for key, value in usage.items():
            assert key in spec, (address, key)
            if isinstance(value, dict):
                assert spec[key] and set(value) <= spec[key], (address, key)
                assert all(isinstance(v, (int, float)) and v >= 0 for v in value.values())
            elif key != "region":
                assert isinstance(value, (int, float)) and value >= 0, (address, key)


@pytest.mark.parametrize("template", builtin_templates(), ids=lambda p: p.stem)
def test_every_template_gives_a_documented_usage_file(template, tmp_path):
    plan, result = computed(load_plan(template))
    doc = yaml.safe_load(export(plan, result, "infracost-usage", tmp_path / "u.yml").read_text(encoding="utf-8"))
    terraform = hcl2.loads(export(plan, result, "terraform", tmp_path / "main.tf").read_text(encoding="utf-8"))
    check_usage_file(doc, terraform)


def test_usage_is_the_plans_traffic_storage_and_egress(tmp_path):
    plan, result = computed(full_plan())
    deployment = result.deployment(plan)
    doc = yaml.safe_load(export(plan, result, "infracost-usage", tmp_path / "u.yml").read_text(encoding="utf-8"))
    usage = doc["resource_usage"]
    check_usage_file(doc, hcl2.loads(export(plan, result, "terraform", tmp_path / "m.tf").read_text("utf-8")))
    by_kind = {c.kind: c for c in plan.components}
    s3 = by_kind["storage.s3"]
    bucket = next(v for k, v in usage.items() if k.startswith("aws_s3_bucket."))
    r = result[s3.id]
    assert bucket["standard"]["storage_gb"] == pytest.approx(r.storage_replicated / 1e9, abs=1e-3)
    assert bucket["standard"]["monthly_tier_2_requests"] == round(r.reads_avg * units.MONTH)
    groups = [v["instances"] for k, v in usage.items() if k.startswith("aws_autoscaling_group.")]
    assert groups and all(isinstance(n, int) and n >= 1 for n in groups)
    api = next(c for c in plan.components if c.kind == "service.go")
    assert any(v == {"instances": deployment[api.id].instances} for v in usage.values())
    transfer = next(v for k, v in usage.items() if k.startswith("aws_data_transfer."))
    expected = sum(d.prices.egress_gb_month for d in deployment.values() if d.behaviour.value != "cdn")
    assert transfer["monthly_outbound_internet_gb"] == pytest.approx(expected, abs=1e-3)
    assert transfer["region"] == next(iter(deployment.values())).prices.table.region


def test_the_cli_writes_it(tmp_path):
    from archplan.main import main

    template = next(t for t in builtin_templates() if t.stem == "url_shortener")
    out = tmp_path / "infracost-usage.yml"
    assert main(["export", str(template), "--format", "infracost-usage", "-o", str(out)]) == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["version"] == 0.1
