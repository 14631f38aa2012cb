"""
Which mingrammer `diagrams` icon draws each catalog kind, per flavour (generic | aws | gcp | onprem).

The table is data: kind id -> {flavour: "provider.module.Class"}; classes are imported only when a
diagram is drawn. Choices follow what a reader of an architecture diagram expects to see:

- aws / gcp: the managed service of that cloud (cache.redis on AWS is ElastiCache for Redis, on GCP
  Memorystore); where a cloud has no equivalent the kind keeps its product icon (Neo4j on GCP).
- onprem: the self-hosted product (Redis, PostgreSQL, Kafka, nginx), or its closest open-source
  equivalent for kinds named after a cloud product (SQS -> RabbitMQ, DynamoDB -> ScyllaDB).
- generic: the product the catalog kind names. For open-source products this is the onprem icon
  (the brief's fallback); for kinds that *are* a cloud product (Route 53, CloudFront, ALB, SQS,
  DynamoDB, SES, SNS) it is that product's icon.

A flavour missing from a row falls back to generic, then onprem; an unknown kind falls back to the
icon of its category (a plain server for compute, a database for data, ...). Every entry is checked
by tests/exports/test_diagram_export.py to resolve to an installed PNG.
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from pathlib import Path

FLAVOURS = ("generic", "aws", "gcp", "onprem")

_USERS = "onprem.client.Users"
_MOBILE = "generic.device.Mobile"

#: kind id -> flavour -> "module.Class" under the `diagrams` package.
KIND_ICONS: dict[str, dict[str, str]] = {
    "client.web": {"generic": _USERS, "aws": "aws.general.Users", "gcp": _USERS, "onprem": _USERS},
    "client.mobile": {"generic": _MOBILE, "aws": "aws.general.MobileClient", "gcp": _MOBILE, "onprem": _MOBILE},
    "dns.route53": {"generic": "aws.network.Route53", "aws": "aws.network.Route53", "gcp": "gcp.network.DNS",
                    "onprem": "onprem.dns.Coredns"},
    "cdn.cloudfront": {"generic": "aws.network.CloudFront", "aws": "aws.network.CloudFront", "gcp": "gcp.network.CDN",
                       "onprem": "saas.cdn.Cloudflare"},
    "lb.nginx": {"generic": "onprem.network.Nginx"},
    "lb.haproxy": {"generic": "onprem.network.Haproxy"},
    "lb.alb": {"generic": "aws.network.ElbApplicationLoadBalancer", "aws": "aws.network.ElbApplicationLoadBalancer",
               "gcp": "gcp.network.LoadBalancing", "onprem": "onprem.network.Envoy"},
    "gateway.api": {"generic": "aws.network.APIGateway", "aws": "aws.network.APIGateway", "gcp": "gcp.api.APIGateway",
                    "onprem": "onprem.network.Kong"},
    "platform.ratelimit": {"generic": "k8s.clusterconfig.Quota", "aws": "aws.security.WAF", "gcp": "gcp.network.Armor",
                           "onprem": "k8s.clusterconfig.Quota"},
    "service.python": {"generic": "programming.language.Python", "aws": "aws.compute.ElasticContainerService",
                       "gcp": "gcp.compute.Run", "onprem": "programming.language.Python"},
    "service.node": {"generic": "programming.language.Nodejs", "aws": "aws.compute.ElasticContainerService",
                     "gcp": "gcp.compute.Run", "onprem": "programming.language.Nodejs"},
    "service.go": {"generic": "programming.language.Go", "aws": "aws.compute.ElasticContainerService",
                   "gcp": "gcp.compute.Run", "onprem": "programming.language.Go"},
    "compute.worker": {"generic": "onprem.compute.Server", "aws": "aws.compute.Lambda", "gcp": "gcp.compute.Functions",
                       "onprem": "onprem.compute.Server"},
    "cache.redis": {"generic": "onprem.inmemory.Redis", "aws": "aws.database.ElasticacheForRedis",
                    "gcp": "gcp.database.Memorystore", "onprem": "onprem.inmemory.Redis"},
    "cache.memcached": {"generic": "onprem.inmemory.Memcached", "aws": "aws.database.ElasticacheForMemcached",
                        "gcp": "gcp.database.Memorystore", "onprem": "onprem.inmemory.Memcached"},
    "storage.s3": {"generic": "aws.storage.S3", "aws": "aws.storage.S3", "gcp": "gcp.storage.GCS",
                   "onprem": "onprem.storage.Ceph"},
    "db.postgres": {"generic": "onprem.database.Postgresql", "aws": "aws.database.RDS", "gcp": "gcp.database.SQL",
                    "onprem": "onprem.database.Postgresql"},
    "db.postgres_replica": {"generic": "onprem.database.Postgresql", "aws": "aws.database.RDSPostgresqlInstance",
                            "gcp": "gcp.database.SQL", "onprem": "onprem.database.Postgresql"},
    "db.mysql": {"generic": "onprem.database.Mysql", "aws": "aws.database.RDS", "gcp": "gcp.database.SQL",
                 "onprem": "onprem.database.Mysql"},
    "db.mysql_replica": {"generic": "onprem.database.Mysql", "aws": "aws.database.RDSMysqlInstance",
                         "gcp": "gcp.database.SQL", "onprem": "onprem.database.Mysql"},
    "db.sharded_sql": {"generic": "generic.database.SQL", "aws": "aws.database.Aurora", "gcp": "gcp.database.Spanner",
                       "onprem": "generic.database.SQL"},
    "kv.dynamodb": {"generic": "aws.database.Dynamodb", "aws": "aws.database.Dynamodb", "gcp": "gcp.database.Datastore",
                    "onprem": "onprem.database.Scylla"},
    "doc.mongodb": {"generic": "onprem.database.Mongodb", "aws": "aws.database.DocumentDB",
                    "gcp": "gcp.database.Firestore", "onprem": "onprem.database.Mongodb"},
    "wide.cassandra": {"generic": "onprem.database.Cassandra",
                       "aws": "aws.database.KeyspacesManagedApacheCassandraService",
                       "gcp": "gcp.database.Bigtable", "onprem": "onprem.database.Cassandra"},
    "graph.neo4j": {"generic": "onprem.database.Neo4J", "aws": "aws.database.Neptune"},
    "search.elasticsearch": {"generic": "elastic.elasticsearch.Elasticsearch",
                             "aws": "aws.analytics.AmazonOpensearchService"},
    "queue.sqs": {"generic": "aws.integration.SimpleQueueServiceSqs", "aws": "aws.integration.SimpleQueueServiceSqs",
                  "gcp": "gcp.devtools.Tasks", "onprem": "onprem.queue.Rabbitmq"},
    "queue.rabbitmq": {"generic": "onprem.queue.Rabbitmq", "aws": "aws.integration.MQ"},
    "pubsub.kafka": {"generic": "onprem.queue.Kafka", "aws": "aws.analytics.ManagedStreamingForKafka",
                     "gcp": "gcp.analytics.Pubsub", "onprem": "onprem.queue.Kafka"},
    "notify.email": {"generic": "aws.engagement.SimpleEmailServiceSesEmail",
                     "aws": "aws.engagement.SimpleEmailServiceSes"},
    "notify.sms": {"generic": "saas.communication.Twilio", "aws": "aws.integration.SimpleNotificationServiceSns"},
    "notify.push": {"generic": "aws.integration.SimpleNotificationServiceSns",
                    "aws": "aws.integration.SimpleNotificationServiceSns",
                    "gcp": "firebase.grow.Messaging", "onprem": "firebase.grow.Messaging"},
    "notify.chat": {"generic": "saas.chat.Slack"},
    "notify.ticket": {"generic": "archplan.ticket"},   # Jira-like: our own icon (diagrams has no Jira)
    "ext.payments": {"generic": "saas.payment.Stripe"},
    "ext.api": {"generic": "onprem.network.Internet", "aws": "aws.general.InternetAlt2"},
    "obs.healthcheck": {"generic": "elastic.elasticsearch.Monitoring", "aws": "aws.management.CloudwatchAlarm",
                        "gcp": "gcp.operations.Monitoring", "onprem": "onprem.monitoring.Nagios"},
    "obs.prometheus": {"generic": "onprem.monitoring.Prometheus", "aws": "aws.management.AmazonManagedPrometheus",
                       "gcp": "gcp.operations.Monitoring", "onprem": "onprem.monitoring.Prometheus"},
}

#: Icon for a kind missing from the table, by catalog category.
CATEGORY_ICONS: dict[str, str] = {
    "edge": "onprem.network.Internet",
    "compute": "onprem.compute.Server",
    "data": "generic.database.SQL",
    "messaging": "onprem.queue.Rabbitmq",
    "observability": "onprem.monitoring.Prometheus",
    "external": "onprem.network.Internet",
}
DEFAULT_ICON = "onprem.compute.Server"


def icon_class_name(kind: str, flavour: str = "generic") -> str:
    """The "module.Class" drawing `kind` in `flavour` (with the fallbacks described above)."""
    row = KIND_ICONS.get(kind)
    if row is None:
        from archplan.planner.catalog import default_catalog

        catalog = default_catalog()
        category = catalog[kind].category if kind in catalog else ""
        return CATEGORY_ICONS.get(category, DEFAULT_ICON)
    return row.get(flavour) or row.get("generic") or row.get("onprem") or DEFAULT_ICON


#: Icons Archplan ships itself (exports/icons/<name>.png, drawn by scripts/render_export_icons.py) for
#: kinds the `diagrams` package has no icon for; written "archplan.<name>" in KIND_ICONS.
OWN_ICONS = Path(__file__).resolve().parent / "icons"


@cache
def node_class(dotted: str) -> type:
    """Import ``diagrams.<module>.<Class>`` (a plain node for Archplan's own icons)."""
    if dotted.startswith("archplan."):
        from diagrams.generic.blank import Blank

        return Blank
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(f"diagrams.{module}"), name)


@cache
def _icon_file(dotted: str) -> Path:
    if dotted.startswith("archplan."):
        return OWN_ICONS / f"{dotted.removeprefix('archplan.')}.png"
    cls = node_class(dotted)
    import diagrams

    # diagrams keeps its PNGs in a `resources` folder beside the package (Node._load_icon does the same).
    base = Path(os.path.dirname(os.path.abspath(diagrams.__file__))).parent
    return base / cls._icon_dir / cls._icon


def icon_path(kind: str, flavour: str = "generic") -> Path:
    """Absolute path of the PNG icon for `kind` in `flavour`."""
    return _icon_file(icon_class_name(kind, flavour))
