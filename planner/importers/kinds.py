"""
What an imported thing is, as a catalog kind: from a container image, a Helm chart, a Terraform
resource type, or the words of a name or a diagram label.

Rules are ordered data (first match wins) so a reader can see at once why a thing got its kind, and
every rule returns that reason, which the import summary shows. Nothing here fails: a thing no rule
knows becomes a generic service (`GENERIC_KIND`), and the caller notes what it was.
"""

from __future__ import annotations

import re

from archplan.planner.catalog import Behaviour, default_catalog

#: The kind an unrecognised workload becomes (with a note saying what it was).
GENERIC_KIND = "service.go"

#: Words (in an image, a chart, a name or a label) -> kind. Checked in order; the first match wins.
KEYWORD_RULES: tuple[tuple[str, str], ...] = (
    (r"citus|vitess|cockroach|yugabyte|spanner", "db.sharded_sql"),
    (r"postgis|timescale|postgres|pgsql|\bpg\b|patroni|aurora-postgres|cloudnative-pg|\bcnpg\b", "db.postgres"),
    (r"mysql|mariadb|percona|aurora-mysql|\baurora\b", "db.mysql"),
    (r"redis|valkey|keydb|dragonfly|elasticache", "cache.redis"),
    (r"memcache", "cache.memcached"),
    (r"\bsqs\b|simple queue|elasticmq|servicebus|service-bus|cloud tasks", "queue.sqs"),
    (r"rabbit|activemq|artemis|\bamqp\b|\bmq\b|\bqueue\b", "queue.rabbitmq"),
    (r"kafka|redpanda|\bnats\b|jetstream|pulsar|kinesis|eventhub|event-hub|pubsub|pub-sub|\bmsk\b|\blog\b",
     "pubsub.kafka"),
    (r"indexer|consumer|celery|sidekiq", "compute.worker"),
    (r"search[- ]?(api|service|svc|frontend)\b", GENERIC_KIND),
    (r"elastic|opensearch|\bsolr\b|meilisearch|typesense|\bsearch\b", "search.elasticsearch"),
    (r"mongo|documentdb|docdb|couch|cosmos|firestore|\bdocument\b", "doc.mongodb"),
    (r"cassandra|scylla|bigtable|keyspaces|hbase|wide-column", "wide.cassandra"),
    (r"neo4j|janusgraph|neptune|dgraph|\bgraph\b", "graph.neo4j"),
    (r"dynamo|\bkv\b|key-value|etcd", "kv.dynamodb"),
    (r"\brds\b|\bsql\b|database|\bdb\b|cloud sql|cloudsql", "db.postgres"),
    (r"minio|seaweedfs|\bs3\b|object-storage|object storage|\bbucket\b|\bblob\b|ceph", "storage.s3"),
    (r"prometheus|victoriametrics|thanos|mimir|grafana|\bmetrics\b|otel|opentelemetry|jaeger|\bloki\b",
     "obs.prometheus"),
    (r"health.?check|gatus|uptime-kuma|blackbox|heartbeat|\bprobe", "obs.healthcheck"),
    (r"ratelimit|rate-limit|rate limit|rate_limit|limiter", "platform.ratelimit"),
    (r"kong|apisix|\btyk\b|krakend|api-?gateway|api gateway|\bgateway\b|apigw", "gateway.api"),
    (r"haproxy", "lb.haproxy"),
    (r"\balb\b|\belb\b|application load balancer", "lb.alb"),
    (r"nginx|openresty|traefik|envoy|caddy|ingress|load.?balancer|\blb\b|\bproxy\b", "lb.nginx"),
    (r"cloudfront|\bcdn\b|fastly|akamai|front-?door", "cdn.cloudfront"),
    (r"route53|route 53|\bdns\b|coredns", "dns.route53"),
    (r"mailhog|mailpit|postfix|smtp|\bses\b|\bemail\b|\bmail\b|sendgrid", "notify.email"),
    (r"\bsms\b|twilio", "notify.sms"),
    (r"\bpush\b|\bsns\b|\bfcm\b|\bapns\b", "notify.push"),
    (r"slack|\bchat\b|webhook", "notify.chat"),
    (r"\bjira\b|ticket", "notify.ticket"),
    (r"stripe|payment|paypal|adyen|braintree", "ext.payments"),
    (r"celery|sidekiq|\brq\b|\bworker|consumer|\bjob\b|\bjobs\b|cron|scheduler|transcod|indexer", "compute.worker"),
    (r"\bnode\b|nodejs|node\.js|\bnext\b|nuxt|express|\bdeno\b|\bbun\b", "service.node"),
    (r"python|django|flask|fastapi|gunicorn|uvicorn|\bpy\b", "service.python"),
    (r"golang|\bgo\b|openjdk|\bjava\b|temurin|corretto|spring|kotlin|scala|\bjvm\b|dotnet|aspnet", "service.go"),
    (r"\bweb.?client|browser|\bspa\b|frontend-users|\busers\b", "client.web"),
    (r"\bmobile\b|\bios\b|android|\bapp users\b", "client.mobile"),
    (r"\bservice\b|\bapi\b|\bbackend\b|\bapp\b|server|frontend|\bweb\b", GENERIC_KIND),
)
_COMPILED = tuple((re.compile(pattern), kind) for pattern, kind in KEYWORD_RULES)

#: A SQL primary becomes its replica kind when its name says it follows another database.
REPLICA_WORDS = re.compile(r"replica|read-?only|\breader\b|\bread\b|standby|slave|follower|secondary|\bro\b")
REPLICA_OF = {"db.postgres": "db.postgres_replica", "db.mysql": "db.mysql_replica"}


def words(text: str) -> str:
    """Lowercase, with image-path and tag punctuation turned into word breaks ("bitnami/postgresql:16"
    -> "bitnami postgresql 16"), so `\\b` rules match the parts of an image or a resource name."""
    return re.sub(r"[/:@_.,;()\[\]{}<>\"'=]+", " ", str(text).lower())


def kind_from_words(*texts: str) -> tuple[str, str] | None:
    """(kind, the words that matched) from the first text any rule recognises, or None."""
    for text in texts:
        if not text:
            continue
        plain = words(text)
        for pattern, kind in _COMPILED:
            match = pattern.search(plain)
            if match:
                return kind, match.group(0).strip()
    return None


def refine_replica(kind: str, *names: str) -> str:
    """A SQL primary named like a replica ("db-replica", "orders-read") is that engine's replica."""
    if kind in REPLICA_OF and any(REPLICA_WORDS.search(words(n)) for n in names if n):
        return REPLICA_OF[kind]
    return kind


def image_kind(image: str, name: str = "", command: str = "") -> tuple[str, str, bool]:
    """(kind, reason, recognised) for a container: the image first, then the service's name, then its
    command. An unknown image is a generic service, `recognised` False."""
    command = " ".join(t for t in str(command).split() if not t.startswith("-"))  # options say little
    repository = str(image).split("@")[0]
    base = repository.rsplit(":", 1)[0] if ":" in repository.rsplit("/", 1)[-1] else repository
    found = kind_from_words(base)
    reason = f"image {image}"
    if found is None or found[0] in (GENERIC_KIND, "service.python", "service.node"):
        # a language runtime (python:3.12) says little: the name, then the command, may say more
        for text, what in ((name, "name"), (command, "command")):
            better = kind_from_words(text)
            if better is not None and better[0] not in (GENERIC_KIND, "client.web", "client.mobile"):
                found, reason = better, f"{what} {text[:60]!r}"
                break
    if found is None:
        return GENERIC_KIND, f"unknown image {image}", False
    kind = refine_replica(found[0], name)
    if kind in ("client.web", "client.mobile"):  # a container is never the users' device
        return GENERIC_KIND, f"unknown image {image}", False
    return kind, reason, True


def name_kind(*texts: str, default: str = GENERIC_KIND) -> tuple[str, str, bool]:
    """(kind, reason, recognised) from names or labels (diagrams), replicas recognised by their name."""
    found = kind_from_words(*texts)
    if found is None:
        return default, "no rule matched", False
    return refine_replica(found[0], *texts), f"words {found[1]!r}", True


def label_kind(label: str) -> str | None:
    """The kind whose catalog label is `label` exactly ("PostgreSQL primary"), else None."""
    wanted = label.strip().lower()
    for kind in default_catalog():
        if kind.label.lower() == wanted:
            return kind.id
    return None


def behaviour(kind: str) -> Behaviour:
    return default_catalog()[kind].behaviour


BROKERS = {Behaviour.QUEUE, Behaviour.PUBSUB}
CONSUMERS = {Behaviour.WORKER, Behaviour.SEARCH, Behaviour.NOTIFICATION, Behaviour.METRICS}
STORES = {Behaviour.CACHE, Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA, Behaviour.PARTITIONED,
          Behaviour.OBJECT_STORE, Behaviour.SEARCH}


def link_kind(source_kind: str, target_kind: str) -> str:
    """The link kind between two imported components: replication from a primary to its replica (or a store
    to its twin), health
    from a health check, event from a log into a search index, async through a queue or log, else request."""
    src, dst = behaviour(source_kind), behaviour(target_kind)
    if src is Behaviour.MONITOR:
        return "health"
    if src is Behaviour.SQL_PRIMARY and dst is Behaviour.SQL_REPLICA:
        return "replication"
    if source_kind == target_kind and src in STORES and src is not Behaviour.CACHE:
        return "replication"  # a store feeding its twin (cross-region copies)
    if src is Behaviour.PUBSUB and dst is Behaviour.SEARCH:
        return "event"
    if src in BROKERS or dst in BROKERS:
        return "async"
    return "request"


def consumes(kind: str, name: str = "") -> bool:
    """Whether a component that depends on a queue or log reads from it (a worker, an indexer, a store
    fed by events) rather than writes to it (a service producing jobs)."""
    if behaviour(kind) in CONSUMERS:
        return True
    return bool(re.search(r"consumer|worker|indexer|subscriber|listener|processor|sink", words(name)))
