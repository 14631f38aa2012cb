"""
Built-in templates, part 3: platform designs (e-commerce search, notifications, monitoring,
payments, rate limiter, distributed key-value store), most taken from the design notes Archplan
grew from (search indexed by event, failed-payment notifications, two missed heartbeats).
"""

from __future__ import annotations

from templates_builder import Blueprint

KB, MB = 1_000, 1_000_000
DAY = 86_400
YEAR = 365 * DAY


def ecommerce_search() -> Blueprint:
    b = Blueprint(
        "ecommerce_search", "E-commerce search",
        "Product search for an online shop: the relational database is the source of truth; the catalog "
        "service writes a product and emits an event that is indexed into a search engine, so changes "
        "show in search results within seconds.",
        {"dau": 5_000_000, "reads_per_user": 20, "writes_per_user": 0.1, "peak_factor": 3, "request_size": 2 * KB,
             "response_size": 20 * KB, "record_size": 1 * KB, "media_read_fraction": 1.0, "media_size": 100 * KB,
             "retention": 3 * YEAR},
        flavour="aws")
    b.traffic_text = (
        "A mid-size online retailer: 5M shoppers a day, each running ~10 searches and opening ~10 product "
        "pages (20 reads), evening peak 3x average. Writes are 0.1 per shopper a day (500K: orders and "
        "reviews 80 %, merchants' price and stock updates 20 %). Results and product pages are ~20 KB and "
        "load one ~100 KB product image each; rows ~1 KB, 3 years kept.")
    b.design_text = (
        "As in the design notes: RDBMS as the source of truth, Elasticsearch for text search. The "
        "catalog service writes the product row to PostgreSQL and publishes a ProductChanged event on "
        "Kafka; an indexer consumes it and indexes the document (event link), so a change is searchable "
        "in seconds without dual writes from the request path. Searches go to the search cluster, "
        "product pages to Redis and the replica, images to the CDN.")
    b.group("edge", "Edge")
    b.group("app", "Services")
    b.group("data", "Data tier")
    b.group("indexing", "Indexing pipeline", kind="group")
    b.add("web", "client.web", "Web shop", 0, 1, "edge", params={"user_share": 0.6})
    b.add("mobile", "client.mobile", "Mobile app", 0, 2, "edge", params={"user_share": 0.4})
    b.add("cdn", "cdn.cloudfront", "CDN", 1, 0, "edge", params={"offload": 0.95},
          notes="Product images and static assets.")
    b.add("lb", "lb.alb", "Load balancer", 1, 1.5, "edge")
    b.add("search_svc", "service.go", "Search service", 2, 0.5, "app", redundancy="n+1", endpoints=(
        {"name": "Search", "method": "GET", "path": "/v1/search", "operation": "read", "share": 0.8},
        {"name": "Autocomplete", "method": "GET", "path": "/v1/suggest", "operation": "read", "share": 0.2}),
        notes="Builds the query (text, filters, facets, ranking) and returns product cards.")
    b.add("product_svc", "service.go", "Product service", 2, 1.5, "app", redundancy="n+1", endpoints=(
        {"name": "Product page", "method": "GET", "path": "/v1/products/{id}", "operation": "read",
         "share": 1.0},))
    b.add("catalog_svc", "service.go", "Catalog service", 2, 3.5, "app", redundancy="ha", endpoints=(
        {"name": "Update product", "method": "PUT", "path": "/v1/products/{id}", "operation": "write",
         "share": 1.0},), notes="Merchant updates: writes the row, then publishes ProductChanged "
                                "(transactional outbox, so no event is lost).")
    b.add("orders_svc", "service.go", "Order service", 2, 2.5, "app", redundancy="n+1", endpoints=(
        {"name": "Place order", "method": "POST", "path": "/v1/orders", "operation": "write", "share": 0.9},
        {"name": "Review", "method": "POST", "path": "/v1/products/{id}/reviews", "operation": "write",
         "share": 0.1}))
    b.add("search", "search.elasticsearch", "Search cluster", 5, 0.5, "data", redundancy="n+1",
          notes="Product index, 1 replica per shard. Queries are reads; indexing is fed by events.")
    b.add("cache", "cache.redis", "Product cache", 3, 1.5, "data", redundancy="ha",
          params={"hit_ratio": 0.85, "cached_fraction": 0.02},
          notes="Product pages; the hot set is ~1M popular products x 20 KB = 20 GB, i.e. 2 % of a day's "
                "page views (cached_fraction 0.02), not 20 %.")
    b.add("catalog_db", "db.postgres", "Catalog DB (source of truth)", 3, 3.5, "data", redundancy="ha",
          notes="products, prices, stock. Search is rebuilt from here if the index is lost.")
    b.add("replica", "db.postgres_replica", "Catalog replica", 4, 1.5, "data", redundancy="ha")
    b.add("orders_db", "db.postgres", "Orders DB", 3, 2.5, "data", redundancy="ha")
    b.add("images", "storage.s3", "Product images (S3)", 3, -0.5, "data", notes="The CDN's origin.")
    b.add("events", "pubsub.kafka", "Catalog events (Kafka)", 3, 4.75, "indexing", instances=3,
          notes="ProductChanged events, 7 days kept: the index can be replayed. 3 brokers for 3 copies.")
    b.add("indexer", "compute.worker", "Indexer", 4, 4.75, "indexing", redundancy="ha",
          params={"job_s": 0.05, "slots": 16}, notes="Consumes events, builds the document, bulk-indexes it.")
    for client in ("web", "mobile"):
        b.link(client, "cdn", classes=["media_read"])
        b.link(client, "lb", classes=["read", "write"])
    b.link("cdn", "images", classes=["media_read"], label="origin")
    b.link("lb", "search_svc", classes=["read"], share=0.5, label="searches")
    b.link("lb", "product_svc", classes=["read"], label="product pages")
    b.link("lb", "catalog_svc", classes=["write"], share=0.2, label="merchant updates")
    b.link("lb", "orders_svc", classes=["write"], label="orders, reviews")
    b.link("search_svc", "search", kind="request", classes=["read"], label="query")
    b.link("product_svc", "cache", classes=["read"])
    b.link("cache", "replica", classes=["read"], label="misses")
    b.link("catalog_svc", "catalog_db", classes=["write"], label="write row")
    b.link("catalog_svc", "events", classes=["write"], label="ProductChanged")
    b.link("catalog_db", "replica", label="replication")
    b.link("orders_svc", "orders_db", classes=["write"])
    b.link("events", "indexer")
    b.link("indexer", "search", label="index")
    b.known("COST-TOP-SHARE", "cdn", "product images are most of the bytes users receive, served from the edge")
    return b


def notification_service() -> Blueprint:
    b = Blueprint(
        "notification_service", "Notification service",
        "A notification platform: product services submit events, a router applies each user's "
        "preferences and fans them out to channel queues in front of email, SMS, push, chat (Slack) and "
        "ticketing providers, whose rate limits the queues absorb.",
        {"dau": 10_000_000, "reads_per_user": 2, "writes_per_user": 3, "peak_factor": 3, "request_size": 1 * KB,
             "response_size": 5 * KB, "record_size": 512, "retention": 90 * DAY},
        flavour="aws")
    b.traffic_text = (
        "For a product with 10M daily users: ~3 notification events per user a day (order updates, "
        "reminders, security alerts) = 30M events a day, ~350/s on average, and 2 inbox views per user "
        "a day. Bursts (campaigns, incidents) make the peak 3x average. Per event: email 60 %, push "
        "80 %, SMS 1 % (critical only: login codes, fraud alerts), and for failed events such as declined "
        "payments (0.15 %) a Slack "
        "alert to the team and a ticket. Notification rows ~512 B, kept 90 days (~1.4 TB).")
    b.design_text = (
        "The API stores every notification (the inbox) and puts it on Kafka; the router consumes it, "
        "looks up preferences and quiet hours, and enqueues one message per channel (fan-out factors = "
        "channel shares). One queue per provider turns its rate limit into a backlog instead of errors: "
        "the queue drains a peak within an hour. Email needs a raised SES quota (1,000/s).")
    b.group("edge", "Edge")
    b.group("core", "Notification core")
    b.group("channels", "Channel queues", kind="group")
    b.group("providers", "Providers", kind="group")
    b.add("producers", "client.web", "Product services & apps", 0, 2, "edge",
          notes="Backends submitting events for their users, and the users' apps reading the inbox.")
    b.add("lb", "lb.alb", "Load balancer", 1, 2, "edge")
    b.add("api", "service.go", "Notification API", 2, 2, "core", redundancy="n+1", endpoints=(
        {"name": "Send notification", "method": "POST", "path": "/v1/notifications", "operation": "write",
         "share": 1.0},
        {"name": "Inbox", "method": "GET", "path": "/v1/users/{id}/notifications", "operation": "read",
         "share": 1.0}), notes="Validates, deduplicates by event id, stores, publishes.")
    b.add("log", "kv.dynamodb", "Notification log", 2, 3.25, "core",
          notes="Inbox and audit: partition = user id, sort = time; TTL 90 days.")
    b.add("bus", "pubsub.kafka", "Events (Kafka)", 3, 2, "core", instances=3, params={"retention_s": 3 * DAY},
          notes="3 brokers, 3 copies, 3 days kept for replays.")
    b.add("router", "compute.worker", "Router", 4, 2, "core", redundancy="n+1", params={"job_s": 0.01, "slots": 64},
          notes="Preferences, templates, quiet hours, per-user rate limits; one message per channel.")
    b.add("prefs", "cache.redis", "User preferences", 4, 3.25, "core", redundancy="ha",
          notes="Channel opt-ins and quiet hours; one lookup per event (counted as operations).")
    channels = (
        ("email", "notify.email", "Email (SES)", 0.6, {"capacity": {"write_qps": 1000}},
         "SES production quota raised to 1,000 emails/s (the default is 14/s)."),
        ("push", "notify.push", "Push (SNS)", 0.8, {}, "APNs / FCM through SNS."),
        ("sms", "notify.sms", "SMS (Twilio)", 0.01, {}, "Short code, 100 messages/s; ~$0.008 per message."),
        ("slack", "notify.chat", "Slack (failed events)", 0.0015, {},
         "Team alerts for failed events such as declined payments; webhooks allow 1 message/s."),
        ("ticket", "notify.ticket", "Tickets (Jira)", 0.0015, {}, "One ticket per failed payment for follow-up."),
    )
    for row, (cid, kind, name, share, extra, notes) in enumerate(channels):
        queue = b.add(f"{cid}_queue", "queue.sqs", f"{name.split(' ')[0]} queue", 5, row, "channels")
        b.add(cid, kind, name, 6, row, "providers", notes=notes, **extra)
        b.link("router", queue, fanout=share, label=f"{share * 100:g} %")
        b.link(queue, cid)
    b.known("FLOW-QUEUE-LAG", "slack_queue",
            "Slack's incoming webhooks take about 1 message/s, so a peak of failed-event alerts takes a little over "
            "an hour to drain. Accepted: alerts past the backlog are rolled into a digest")
    b.known("CAP-OVER", "slack", "the same webhook limit: the queue holds the alerts Slack cannot take yet")
    b.link("producers", "lb")
    b.link("lb", "api")
    b.link("api", "log", classes=["read", "write"], fanout=1, label="inbox")
    b.link("api", "bus", classes=["write"], label="publish")
    b.link("bus", "router")
    b.link("router", "prefs", fanout=1, deliver_as="read", label="preferences")
    b.known("COST-TOP-SHARE", "email", "provider fees per message are what a notification platform costs")
    b.known("COST-TOP-SHARE", "sms", "provider fees per message are what a notification platform costs")
    return b


def monitoring() -> Blueprint:
    b = Blueprint(
        "monitoring", "Monitoring and alerting",
        "Monitoring a web product as in the design notes: a cron health check every 30 s (two missed "
        "heartbeats = down, then restart or notify), a Kafka-like log of every request for "
        "traceability, metrics pushed into Prometheus, and alerts to Slack, SMS and tickets.",
        {"dau": 2_000_000, "reads_per_user": 20, "writes_per_user": 1, "peak_factor": 3, "request_size": 1 * KB,
             "response_size": 4 * KB, "record_size": 500, "retention": 1 * YEAR},
        flavour="onprem")
    b.traffic_text = (
        "The monitored product: 2M daily users, 20 reads and 1 write each (~490 requests/s average, "
        "3x at peak), JSON responses of ~4 KB, rows of ~500 B kept a year. Every request becomes one "
        "event on the log (kept 3 days) and ~10 metric samples (latency histogram, status, size).")
    b.design_text = (
        "Health: a cron probe calls /healthz on every component every 30 s; two missed heartbeats (60 s "
        "+ 5 s timeout) declare it down, a restart script runs, and the on-call engineer is paged if it "
        "stays down. That detection time is the MTTR the engine uses for availability. Traceability: "
        "every request and error goes on a Kafka log, in order, so an incident can be followed request "
        "by request and replayed. Metrics: a stream processor turns the log into counters (total "
        "requests, errors, down instances, misses) pushed to Prometheus; pulling them every 15 s would "
        "give the same samples. Alert rules route to Slack, SMS pages and tickets.")
    b.group("product", "Monitored product")
    b.group("observability", "Observability")
    b.group("alerting", "Alerting", kind="group")
    b.add("web", "client.web", "Users", 0, 1, "product")
    b.add("lb", "lb.nginx", "Load balancer", 1, 1, "product", redundancy="ha")
    b.add("app", "service.go", "App service", 2, 1, "product", redundancy="n+1", endpoints=(
        {"name": "Read", "method": "GET", "path": "/api/{resource}", "operation": "read", "share": 1.0},
        {"name": "Write", "method": "POST", "path": "/api/{resource}", "operation": "write", "share": 1.0},
        {"name": "Health", "method": "GET", "path": "/healthz", "operation": "read", "share": 0.0}))
    b.add("db", "db.postgres", "Database", 3, 0.5, "product", redundancy="ha")
    b.add("replica", "db.postgres_replica", "Read replica", 3, 1.5, "product", redundancy="ha")
    b.add("health", "obs.healthcheck", "Cron health check", 1, 3, "observability",
          params={"interval_s": 30, "misses": 2, "timeout_s": 5},
          notes="GET /healthz must return 200 OK. Two missed heartbeats (65 s) -> restart script; "
                "still down after the restart -> page on-call.")
    b.add("log", "pubsub.kafka", "Event log (Kafka)", 2, 4, "observability", instances=3,
          params={"retention_s": 3 * DAY},
          notes="Every request and error, in order: the trace of an incident. 3 brokers, 3 copies, 3 days.")
    b.add("stream", "compute.worker", "Stream processor", 3, 4, "observability", redundancy="ha",
          params={"job_s": 0.002, "slots": 16}, notes="Counts requests, errors and misses per service.")
    b.add("metrics", "obs.prometheus", "Metrics (Prometheus)", 4, 4, "observability", redundancy="ha",
          params={"samples_per_request": 10},
          notes="Total requests, down instances, bug- and miss-related errors; an HA pair.")
    b.add("alerts", "compute.worker", "Alert router", 5, 3, "alerting", redundancy="ha",
          notes="Alertmanager-like: deduplicates, groups, routes by severity (checks 2-3 heartbeats "
                "before deciding).")
    b.add("slack", "notify.chat", "Slack", 6, 2, "alerting")
    b.add("pager", "notify.sms", "SMS page", 6, 3, "alerting")
    b.add("ticket", "notify.ticket", "Ticket", 6, 4, "alerting")
    b.link("web", "lb")
    b.link("lb", "app")
    b.link("app", "db", classes=["write"])
    b.link("app", "replica", classes=["read"])
    b.link("db", "replica", label="replication")
    b.link("app", "log", label="request events")
    b.link("log", "stream")
    b.link("stream", "metrics", kind="async", label="push counters")
    b.link("metrics", "alerts", kind="async", fanout=1e-5, label="rule fires")
    b.link("alerts", "slack", fanout=1)
    b.link("alerts", "pager", fanout=0.2, label="critical")
    b.link("alerts", "ticket", fanout=0.5)
    for target in ("lb", "app", "db", "replica", "log", "metrics"):
        b.link("health", target)
    return b


def payment_flow() -> Blueprint:
    b = Blueprint(
        "payment_flow", "Payment flow",
        "Checkout payments through an external payment API (Stripe): idempotency keys so a retried "
        "request never charges twice, retries with backoff, a payments ledger, and notifications for "
        "failed payments.",
        {"dau": 2_000_000, "reads_per_user": 5, "writes_per_user": 0.15, "peak_factor": 3, "request_size": 1 * KB,
             "response_size": 2 * KB, "record_size": 1 * KB, "retention": 7 * YEAR},
        flavour="aws")
    b.traffic_text = (
        "An online store with 2M daily users, 15 % of whom pay once a day: 300K payments a day, ~3.5/s "
        "on average and ~10/s at the evening peak (3x), plus 5 order-status reads per user. Stripe "
        "allows 25 requests/s per endpoint; 2 % of calls fail transiently and are retried up to 3 "
        "times (exponential backoff with full jitter, within a 10 % retry budget). Ledger rows ~1 KB, "
        "kept 7 years for audits.")
    b.design_text = (
        "The checkout API first claims the idempotency key (Redis SET NX, 24 h TTL): a duplicate "
        "submit returns the first result. It writes a pending attempt to the ledger, calls Stripe with "
        "the same key (retries reuse it, so Stripe deduplicates too), records the outcome and publishes "
        "PaymentSucceeded/PaymentFailed on Kafka. A notification worker emails receipts, and for failed "
        "payments alerts the team on Slack and opens a ticket, as in the design notes.")
    b.group("edge", "Edge")
    b.group("payments", "Checkout")
    b.group("provider", "Payment provider", kind="group")
    b.group("data", "Data tier")
    b.group("notify", "Notifications", kind="group")
    b.add("web", "client.web", "Web checkout", 0, 1, "edge", params={"user_share": 0.5})
    b.add("mobile", "client.mobile", "Mobile checkout", 0, 2, "edge", params={"user_share": 0.5})
    b.add("lb", "lb.alb", "Load balancer", 1, 1.5, "edge")
    b.add("checkout", "service.go", "Checkout API", 2, 1.5, "payments", redundancy="n+1", endpoints=(
        {"name": "Pay", "method": "POST", "path": "/v1/payments", "operation": "write", "share": 1.0},
        {"name": "Payment status", "method": "GET", "path": "/v1/payments/{id}", "operation": "read",
         "share": 1.0}), notes="Requires an Idempotency-Key header on POST.")
    b.add("idem", "cache.redis", "Idempotency keys", 2, 0.25, "payments", redundancy="ha", retention="24h",
          notes="SET key NX EX 86400 -> claim; stores the response for replays. AOF persistence.")
    b.add("stripe", "ext.payments", "Stripe API", 4, 0, "provider",
          params={"retries": 3, "failure_rate": 0.02, "idempotency": 1, "retry_budget": 0.1, "backoff_jitter": 1},
          notes="25 requests/s per endpoint; retries with exponential backoff and full jitter, within a 10 % budget, "
                "and the same idempotency key.")
    b.add("ledger", "db.postgres", "Payments ledger", 3, 1.5, "data", redundancy="ha",
          capacity={"storage": 3e12},
          notes="Append-only payment_attempts(id, order_id, idempotency_key UNIQUE, amount, status, "
                "provider_ref): a pending row and an outcome row per payment. 7 years is ~1.5 TB, so a 3 TB "
                "volume (RDS allows 64 TiB).")
    b.add("replica", "db.postgres_replica", "Ledger replica", 4, 2.5, "data", redundancy="ha",
          capacity={"storage": 3e12})
    b.add("events", "pubsub.kafka", "Payment events (Kafka)", 3, 4.25, "notify", instances=3,
          notes="PaymentSucceeded / PaymentFailed; 3 brokers, 3 copies.")
    b.add("notifier", "compute.worker", "Notification worker", 4, 4.25, "notify", redundancy="ha",
          params={"job_s": 0.2, "slots": 8})
    b.add("email", "notify.email", "Email receipts", 5, 3.75, "notify")
    b.add("slack", "notify.chat", "Slack (failed)", 5, 4.75, "notify")
    b.add("ticket", "notify.ticket", "Ticket (failed)", 5, 5.75, "notify")
    for client in ("web", "mobile"):
        b.link(client, "lb")
    b.link("lb", "checkout")
    b.link("checkout", "idem", classes=["write"], fanout=1, label="claim key")
    b.link("checkout", "ledger", classes=["write"], fanout=2, label="pending + outcome")
    b.link("checkout", "replica", classes=["read"], label="status")
    b.link("checkout", "stripe", classes=["write"], fanout=1, label="charge")
    b.link("checkout", "events", classes=["write"], label="outcome")
    b.link("ledger", "replica", label="replication")
    b.link("events", "notifier")
    b.link("notifier", "email", fanout=0.97, label="receipts")
    b.known("CAP-OVER", "email",
            "SES sends 14 emails/s by default; receipts at peak use about 72 % of that, above the 70 % target: "
            "request a sending-quota increase before launch.")
    b.link("notifier", "slack", fanout=0.03, label="failed")
    b.link("notifier", "ticket", fanout=0.03, label="failed")
    return b


def rate_limiter() -> Blueprint:
    b = Blueprint(
        "rate_limiter", "API rate limiter",
        "A distributed rate limiter in front of a public API: edge proxies ask a rate-limit service, "
        "backed by Redis counters, before forwarding; over-limit requests get 429.",
        {"dau": 1_000_000, "reads_per_user": 900, "writes_per_user": 100, "peak_factor": 2, "request_size": 1 * KB,
             "response_size": 2 * KB, "record_size": 200, "retention": 30 * DAY},
        flavour="aws")
    b.traffic_text = (
        "A public API with 1M active API keys a day, ~1,000 calls each (90 % reads): 1B calls a day, "
        "~11.6K/s on average, ~23K/s at peak (2x). About 3 % of calls exceed their quota and are "
        "rejected with 429.")
    b.design_text = (
        "Envoy-style: every request costs two counter checks, one in a dedicated Redis for per-second "
        "limits and one for per-minute/hour/day limits (Envoy's ratelimit recommends separating them); "
        "fixed windows, pipelined INCR+EXPIRE, ~1 ms. Only the 97 % under quota reach the API. If the "
        "limiter is unreachable the proxies fail open, so it is not a hard dependency of the API.")
    b.group("edge", "Edge")
    b.group("limits", "Rate limiting")
    b.group("api", "Protected API")
    b.group("ops", "Operations", kind="group")
    b.add("clients", "client.web", "API clients", 0, 1, "edge")
    b.add("lb", "lb.alb", "Load balancer", 1, 1, "edge")
    b.add("proxy", "lb.haproxy", "Edge proxies (Envoy)", 2, 1, "edge", redundancy="n+1",
          notes="Call the rate-limit service for each request with descriptors (api key, route).")
    b.add("limit_sec", "platform.ratelimit", "Per-second limits", 3, 0, "limits", redundancy="ha",
          notes="Redis counters per key and second; short keys, high churn, own Redis as Envoy advises.")
    b.add("limit_long", "platform.ratelimit", "Per-minute/hour/day limits", 3, 2, "limits", redundancy="ha",
          notes="Redis counters per key and minute/hour/day window.")
    b.add("api", "service.go", "Public API", 4, 1, "api", redundancy="n+1", endpoints=(
        {"name": "Get resource", "method": "GET", "path": "/v1/{resource}/{id}", "operation": "read",
         "share": 1.0},
        {"name": "Create resource", "method": "POST", "path": "/v1/{resource}", "operation": "write",
         "share": 1.0}), notes="The protected API; its data tier is out of scope here.")
    b.add("metrics", "obs.prometheus", "Metrics", 2, 2.5, "ops", redundancy="ha", params={"samples_per_request": 2},
          notes="Allowed / rejected counters per key and route.")
    b.link("clients", "lb")
    b.link("lb", "proxy")
    b.link("proxy", "limit_sec", fanout=1, label="check")
    b.link("proxy", "limit_long", fanout=1, label="check")
    b.link("proxy", "api", share=0.97, label="under quota (97 %)")
    b.link("proxy", "metrics", kind="async", label="counters")
    b.known("COST-TOP-SHARE", "lb",
            "the managed load balancer's per-request price at 23K QPS, the limiter itself is cheap")
    return b


def distributed_kv() -> Blueprint:
    b = Blueprint(
        "distributed_kv", "Distributed key-value store",
        "A Dynamo-style key-value store: consistent hashing over storage nodes, 3 replicas per key, "
        "quorum reads (R = 2) and writes (W = 2 of N = 3), gossip failure detection.",
        {"dau": 20_000_000, "reads_per_user": 200, "writes_per_user": 20, "peak_factor": 2, "request_size": 1 * KB,
             "response_size": 1 * KB, "record_size": 1 * KB, "retention": 30 * DAY, "replication_factor": 3},
        flavour="onprem")
    b.traffic_text = (
        "A session and profile store behind a large product: 20M daily users, 200 gets and 20 puts each "
        "(10:1), i.e. ~46K gets/s and ~4.6K puts/s on average, twice that at peak. Values ~1 KB with a "
        "30-day TTL: 400M puts a day, ~12 TB live, 36 TB with 3 replicas.")
    b.design_text = (
        "Clients call any coordinator, which hashes the key onto the ring and contacts the replicas: a "
        "get reads 2 of them (fan-out 2) and returns the newest version; a put is sent to all 3 and "
        "acknowledged after 2 (the store's replication factor 3 accounts for the copies). Skew 1.2 "
        "allows for hot keys despite virtual nodes. A gossip failure detector marks a node down after "
        "3 missed 1 s heartbeats; hinted handoff and anti-entropy repair (Merkle trees) are background "
        "work inside the nodes.")
    b.group("clients", "Clients")
    b.group("coord", "Coordinators")
    b.group("ring", "Storage ring")
    b.add("apps", "client.web", "App servers", 0, 1, "clients", notes="Product backends using the store.")
    b.add("lb", "lb.haproxy", "Load balancer", 1, 1, "clients", redundancy="n+1")
    b.add("coordinator", "service.go", "Coordinators", 2, 1, "coord", redundancy="n+1",
          capacity={"read_qps": 10_000, "write_qps": 10_000}, endpoints=(
        {"name": "Get", "method": "GET", "path": "/kv/{key}", "operation": "read", "share": 1.0},
        {"name": "Put", "method": "PUT", "path": "/kv/{key}", "operation": "write", "share": 1.0}),
        notes="Thin stateless proxies (~10K req/s each, no business logic); know the ring from gossip; "
              "vector clocks / last-write-wins resolve conflicts.")
    b.add("nodes", "wide.cassandra", "Storage nodes", 3, 1, "ring", redundancy="n+1",
          params={"replication_factor": 3, "skew": 1.2},
          notes="Consistent hashing with virtual nodes; N = 3 replicas per key on distinct racks; LSM "
                "storage, 1 TB per node at 70 % fill.")
    b.add("gossip", "obs.healthcheck", "Gossip failure detector", 2, 2.5, "coord",
          params={"interval_s": 1, "misses": 3},
          notes="Heartbeats every second; 3 misses mark a node down and route around it.")
    b.link("apps", "lb")
    b.link("lb", "coordinator")
    b.link("coordinator", "nodes", classes=["read"], fanout=2, label="get: R = 2")
    b.link("coordinator", "nodes", classes=["write"], fanout=1, label="put: N = 3, W = 2")
    b.link("gossip", "nodes")
    b.link("gossip", "coordinator")
    b.known("CAP-SPARE", "lb", "N+1 covers one failure, and a failure during a rolling deploy is accepted at this size")
    b.known("COST-TOP-SHARE", "nodes", "the storage nodes are the system")
    return b


PLATFORM = {
    "ecommerce_search": ecommerce_search,
    "notification_service": notification_service,
    "monitoring": monitoring,
    "payment_flow": payment_flow,
    "rate_limiter": rate_limiter,
    "distributed_kv": distributed_kv,
}
