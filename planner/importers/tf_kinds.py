"""
Terraform resource types -> catalog kinds, how many instances each states, and which resources are
parts of another (a listener of its load balancer) or no component at all (networks, permissions).

AWS types follow the Archplan Terraform export (exports/iac/terraform_kinds.py) and the common
modules; Google Cloud and Azure list their usual equivalents.
"""

from __future__ import annotations

import re

from archplan.planner.importers.kinds import GENERIC_KIND, kind_from_words
from archplan.planner.importers.tf_expr import UNKNOWN, Scope, evaluate, single_var_number

#: type -> kind (a few types decide by an attribute: see `resource_kind`).
RESOURCE_KINDS: dict[str, str] = {
    "aws_instance": GENERIC_KIND, "aws_autoscaling_group": GENERIC_KIND, "aws_ecs_service": GENERIC_KIND,
    "aws_lambda_function": GENERIC_KIND, "aws_eks_node_group": GENERIC_KIND, "aws_batch_job_definition":
        "compute.worker",
    "aws_elasticache_replication_group": "cache.redis", "aws_elasticache_cluster": "cache.redis",
    "aws_db_instance": "db.postgres", "aws_rds_cluster": "db.postgres", "aws_lb": "lb.alb", "aws_alb": "lb.alb",
    "aws_elb": "lb.alb", "aws_api_gateway_rest_api": "gateway.api", "aws_apigatewayv2_api": "gateway.api",
    "aws_sqs_queue": "queue.sqs", "aws_mq_broker": "queue.rabbitmq", "aws_msk_cluster": "pubsub.kafka",
    "aws_kinesis_stream": "pubsub.kafka", "aws_sns_topic": "notify.push", "aws_sesv2_email_identity": "notify.email",
    "aws_ses_domain_identity": "notify.email", "aws_cloudfront_distribution": "cdn.cloudfront",
    "aws_route53_zone": "dns.route53", "aws_s3_bucket": "storage.s3", "aws_dynamodb_table": "kv.dynamodb",
    "aws_docdb_cluster": "doc.mongodb", "aws_opensearch_domain": "search.elasticsearch",
    "aws_elasticsearch_domain": "search.elasticsearch", "aws_keyspaces_table": "wide.cassandra",
    "aws_neptune_cluster": "graph.neo4j", "aws_prometheus_workspace": "obs.prometheus",
    "aws_route53_health_check": "obs.healthcheck", "aws_wafv2_web_acl": "platform.ratelimit",
    "google_compute_instance": GENERIC_KIND, "google_compute_instance_group_manager": GENERIC_KIND,
    "google_compute_region_instance_group_manager": GENERIC_KIND, "google_cloud_run_service": GENERIC_KIND,
    "google_cloud_run_v2_service": GENERIC_KIND, "google_cloudfunctions_function": GENERIC_KIND,
    "google_cloudfunctions2_function": GENERIC_KIND, "google_container_node_pool": GENERIC_KIND,
    "google_sql_database_instance": "db.postgres", "google_redis_instance": "cache.redis",
    "google_memcache_instance": "cache.memcached", "google_pubsub_topic": "pubsub.kafka",
    "google_storage_bucket": "storage.s3", "google_bigtable_instance": "wide.cassandra",
    "google_spanner_instance": "db.sharded_sql", "google_firestore_database": "doc.mongodb",
    "google_compute_url_map": "lb.alb", "google_compute_backend_bucket": "cdn.cloudfront",
    "google_dns_managed_zone": "dns.route53", "google_api_gateway_api": "gateway.api",
    "google_cloud_tasks_queue": "queue.sqs",
    "azurerm_linux_virtual_machine": GENERIC_KIND, "azurerm_windows_virtual_machine": GENERIC_KIND,
    "azurerm_linux_virtual_machine_scale_set": GENERIC_KIND, "azurerm_linux_web_app": GENERIC_KIND,
    "azurerm_app_service": GENERIC_KIND, "azurerm_container_app": GENERIC_KIND,
    "azurerm_linux_function_app": GENERIC_KIND, "azurerm_kubernetes_cluster_node_pool": GENERIC_KIND,
    "azurerm_postgresql_flexible_server": "db.postgres", "azurerm_postgresql_server": "db.postgres",
    "azurerm_mysql_flexible_server": "db.mysql", "azurerm_mssql_database": "db.postgres",
    "azurerm_redis_cache": "cache.redis", "azurerm_servicebus_queue": "queue.sqs",
    "azurerm_eventhub": "pubsub.kafka", "azurerm_storage_account": "storage.s3",
    "azurerm_cosmosdb_account": "doc.mongodb", "azurerm_cdn_frontdoor_profile": "cdn.cloudfront",
    "azurerm_cdn_profile": "cdn.cloudfront", "azurerm_lb": "lb.alb", "azurerm_application_gateway": "lb.alb",
    "azurerm_api_management": "gateway.api", "azurerm_dns_zone": "dns.route53",
    "azurerm_search_service": "search.elasticsearch",
}

#: Parts of another resource: type -> the attributes naming their owner. Their count adds to the
#: owner's instances when `ADDS_INSTANCES`; their other references become the owner's links.
PARTS: dict[str, tuple[str, ...]] = {
    "aws_launch_template": (), "aws_launch_configuration": (), "aws_lb_target_group": (),
    "aws_lb_listener": ("load_balancer_arn",), "aws_alb_listener": ("load_balancer_arn",),
    "aws_lb_listener_rule": ("listener_arn",),
    "aws_s3_bucket_public_access_block": ("bucket",), "aws_s3_bucket_policy": ("bucket",),
    "aws_s3_bucket_versioning": ("bucket",), "aws_s3_bucket_server_side_encryption_configuration": ("bucket",),
    "aws_s3_bucket_lifecycle_configuration": ("bucket",), "aws_s3_bucket_logging": ("bucket",),
    "aws_route53_record": ("zone_id",), "aws_docdb_cluster_instance": ("cluster_identifier",),
    "aws_rds_cluster_instance": ("cluster_identifier",), "aws_neptune_cluster_instance": ("cluster_identifier",),
    "aws_sqs_queue_policy": ("queue_url",), "aws_sns_topic_subscription": ("topic_arn",),
    "aws_api_gateway_resource": ("rest_api_id",), "aws_api_gateway_method": ("rest_api_id",),
    "aws_api_gateway_integration": ("rest_api_id",), "aws_api_gateway_deployment": ("rest_api_id",),
    "aws_api_gateway_stage": ("rest_api_id",), "aws_apigatewayv2_integration": ("api_id",),
    "aws_apigatewayv2_route": ("api_id",), "aws_apigatewayv2_stage": ("api_id",),
    "aws_lambda_event_source_mapping": ("function_name",), "aws_ecs_task_definition": (),
    "aws_autoscaling_attachment": ("autoscaling_group_name",), "aws_lb_target_group_attachment": (),
    "aws_appautoscaling_target": (), "aws_appautoscaling_policy": (), "aws_autoscaling_policy": (),
    "google_compute_backend_service": (), "google_compute_target_http_proxy": ("url_map",),
    "google_compute_target_https_proxy": ("url_map",), "google_compute_global_forwarding_rule": ("target",),
    "google_pubsub_subscription": ("topic",), "google_sql_database": ("instance",), "google_sql_user": ("instance",),
    "google_compute_instance_template": (),
    "azurerm_servicebus_namespace": (), "azurerm_eventhub_namespace": (), "azurerm_service_plan": (),
    "azurerm_lb_backend_address_pool": ("loadbalancer_id",), "azurerm_lb_rule": ("loadbalancer_id",),
    "azurerm_cosmosdb_sql_database": ("account_name",),
}
ADDS_INSTANCES = {"aws_docdb_cluster_instance", "aws_rds_cluster_instance", "aws_neptune_cluster_instance"}

#: Infrastructure that is no component: networks, permissions, keys, logs, settings.
SUPPORTING = re.compile(
    r"^(aws_(iam|vpc|subnet|route_table|route$|internet_gateway|nat_gateway|eip|security_group|network_acl|kms|"
    r"cloudwatch|acm|ssm|secretsmanager|key_pair|db_subnet_group|db_parameter_group|elasticache_subnet_group|"
    r"elasticache_parameter_group|cloudfront_origin_access|cloudfront_(cache|response_headers|origin_request)_policy|ecr|ecs_cluster|"
    r"eks_cluster|placement_group|msk_configuration|ebs|volume_attachment|flow_log|backup|sns_topic_policy|"
    r"lb_cookie|wafv2_web_acl_association|service_discovery|default_)|"
    r"google_(project|compute_network|compute_subnetwork|compute_firewall|compute_router|compute_address|"
    r"compute_global_address|service_account|kms|secret_manager|container_cluster|compute_health_check|"
    r"compute_ssl|storage_bucket_iam|monitoring)|"
    r"azurerm_(resource_group|virtual_network|subnet|network_security|network_interface|public_ip|"
    r"key_vault|role|user_assigned_identity|log_analytics|monitor|private_endpoint|kubernetes_cluster$)|"
    r"random_|null_|tls_|local_|time_|terraform_|archive_|http$|external$)")

#: References through these attributes point at the caller (traffic flows from the referenced
#: resource to the one referring to it).
INBOUND = {"target_group_arns", "target_group_arn", "load_balancer", "event_source_arn", "backend"}


def resource_kind(rtype: str, body: dict, name: str, scope: Scope) -> tuple[str, str, bool]:
    """(kind, reason, recognised) of a component resource."""
    def text(key: str) -> str:
        value = evaluate(body.get(key), scope)
        return "" if value is UNKNOWN or value is None else str(value).lower()

    kind = RESOURCE_KINDS.get(rtype)
    if kind is None:
        found = kind_from_words(rtype.split("_", 1)[-1], name)
        if found is not None and found[0] != GENERIC_KIND:
            return found[0], f"resource type {rtype} (words {found[1]!r})", True
        return GENERIC_KIND, f"unknown resource type {rtype}", False
    reason = f"resource type {rtype}"
    if rtype in ("aws_db_instance", "aws_rds_cluster", "google_sql_database_instance"):
        engine = text("engine") or text("database_version")
        kind = "db.mysql" if "mysql" in engine or "maria" in engine else "db.postgres"
        if body.get("replicate_source_db") or body.get("master_instance_name"):
            kind += "_replica"
        reason += f" ({engine or 'engine unknown'})"
    elif rtype == "aws_elasticache_cluster" and text("engine") == "memcached":
        kind = "cache.memcached"
    elif rtype == "aws_lambda_function" or "function" in rtype:
        runtime = text("runtime")
        kind = "service.python" if "python" in runtime else "service.node" if "node" in runtime else GENERIC_KIND
    if kind == GENERIC_KIND:
        found = kind_from_words(name)
        if found is not None and found[0] in ("compute.worker", "service.python", "service.node"):
            kind, reason = found[0], f"{reason}, name {name!r}"
    return kind, reason, True


def _first_block(body: dict, key: str) -> dict:
    value = body.get(key)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def stated_instances(rtype: str, body: dict, scope: Scope) -> int | None:
    """The instance count a resource states in its own attributes (not its `count`), if any."""
    def number(value):
        result = evaluate(value, scope)
        return result if isinstance(result, (int, float)) and not isinstance(result, bool) else None

    attributes = {
        "aws_autoscaling_group": ("desired_capacity", "min_size"), "aws_ecs_service": ("desired_count",),
        "aws_elasticache_cluster": ("num_cache_nodes",), "aws_msk_cluster": ("number_of_broker_nodes",),
        "google_compute_instance_group_manager": ("target_size",),
        "google_compute_region_instance_group_manager": ("target_size",),
        "google_container_node_pool": ("node_count",), "google_memcache_instance": ("node_count",),
        "azurerm_linux_virtual_machine_scale_set": ("instances",), "aws_eks_node_group": (),
    }.get(rtype, ())
    for attribute in attributes:
        found = number(body.get(attribute))
        if found is not None:
            return int(found)
    if rtype == "aws_eks_node_group":
        return _int(number(_first_block(body, "scaling_config").get("desired_size")))
    if rtype == "aws_elasticache_replication_group":
        groups, per_group = number(body.get("num_node_groups")), number(body.get("replicas_per_node_group"))
        if groups is not None:
            return int(groups * (1 + (per_group or 0)))
        return _int(number(body.get("num_cache_clusters")))
    if rtype in ("aws_opensearch_domain", "aws_elasticsearch_domain"):
        return _int(number(_first_block(body, "cluster_config").get("instance_count")))
    if rtype == "aws_db_instance" and not body.get("replicate_source_db"):
        about = single_var_number(body.get("multi_az"), scope)
        if about is not UNKNOWN:
            return int(about)
        multi = evaluate(body.get("multi_az"), scope)
        return 2 if multi is True else 1 if multi is False else None
    if rtype == "aws_mq_broker":
        about = single_var_number(body.get("deployment_mode"), scope)
        if about is not UNKNOWN:
            return int(about)
        mode = evaluate(body.get("deployment_mode"), scope)
        return 3 if mode == "CLUSTER_MULTI_AZ" else 2 if mode == "ACTIVE_STANDBY_MULTI_AZ" else None
    if rtype == "google_redis_instance":
        replicas = number(body.get("replica_count"))
        return int(replicas) + 1 if replicas is not None else None
    return None


def _int(value) -> int | None:
    return int(value) if value is not None else None
