"""
Built-in templates, part 1: the classic web designs (three-tier app, URL shortener, Pastebin) and
the MVP monolith / microservices pair, which share one product and one traffic profile.

Each function returns an unfinished `Blueprint`; scripts/build_templates.py finishes and saves it.
Numbers in the traffic profiles follow the published back-of-the-envelope estimates they cite.
"""

from __future__ import annotations

from templates_builder import Blueprint

KB, MB = 1_000, 1_000_000
YEAR = 365 * 86_400

APP_ENDPOINTS = (
    {"name": "View item", "method": "GET", "path": "/items/{id}", "operation": "read", "share": 0.7},
    {"name": "List items", "method": "GET", "path": "/items", "operation": "read", "share": 0.3},
    {"name": "Create item", "method": "POST", "path": "/items", "operation": "write", "share": 0.6},
    {"name": "Update item", "method": "PUT", "path": "/items/{id}", "operation": "write", "share": 0.4},
)


def three_tier() -> Blueprint:
    b = Blueprint(
        "three_tier", "Three-tier web app",
        "A small, classic web application: browser -> load balancer -> stateless app servers -> Redis "
        "cache -> PostgreSQL primary with a read replica. The default plan of Archplan, and a good start "
        "for any CRUD product.",
        {"dau": 100_000, "reads_per_user": 20, "writes_per_user": 2, "peak_factor": 3, "request_size": 2 * KB,
             "response_size": 20 * KB, "record_size": 1 * KB, "retention": 5 * YEAR, "yearly_growth": 0.3})
    b.traffic_text = (
        "A young B2B or community product: 100K daily users, each viewing about 20 pages and saving 2 "
        "changes a day (10:1 read:write, typical of CRUD apps). Traffic is concentrated in office hours, "
        "so the peak is 3x the daily average. Pages are ~20 KB of JSON/HTML, rows ~1 KB, kept 5 years "
        "with 30 % yearly growth.")
    b.design_text = (
        "Cache-aside: the app reads Redis first and only misses (20 %) reach the database, served by the "
        "read replica; writes go to the primary and delete the cached key. The primary has a hot standby "
        "(HA), the app runs N+1, and a health check probes every tier (two missed heartbeats = down).")
    b.group("edge", "Edge")
    b.group("app", "App tier")
    b.group("data", "Data tier")
    b.group("ops", "Operations", kind="group")
    b.add("web", "client.web", "Web client", 0, 1, "edge", notes="Browsers of the product's users.")
    b.add("lb", "lb.nginx", "Load balancer", 1, 1, "edge", redundancy="ha",
          notes="nginx pair with a floating IP (keepalived): TLS termination and round robin to the app.")
    b.add("app", "service.python", "App service", 2, 1, "app", redundancy="n+1", endpoints=APP_ENDPOINTS,
          notes="Stateless Django/Flask app; sessions live in Redis so any instance serves any user. "
                "N+1 keeps peak capacity during a deploy or an instance failure.")
    b.add("cache", "cache.redis", "Redis cache", 3, 1, "data", redundancy="ha",
          params={"hit_ratio": 0.8},
          notes="Cache-aside for item pages and sessions; 80 % hit ratio (80/20 rule). Primary + replica "
                "with automatic failover.")
    b.add("db", "db.postgres", "PostgreSQL primary", 4, 0, "data", redundancy="ha",
          notes="Source of truth. Takes every write; a synchronous standby in another zone takes over in "
                "60-120 s (RDS Multi-AZ).")
    b.add("replica", "db.postgres_replica", "Read replica", 4, 2, "data", redundancy="ha",
          notes="Serves cache misses. Asynchronous replication: reads may lag ~1 s, so read-your-writes "
                "pages should go to the primary.")
    b.add("health", "obs.healthcheck", "Health check", 2, 3, "ops",
          notes="Cron probe of /healthz every 30 s; two missed heartbeats mark an instance down and "
                "trigger a restart or page the on-call engineer.")
    b.link("web", "lb")
    b.link("lb", "app")
    b.link("app", "cache", classes=["read", "write"], fanout=1, label="get; delete on write")
    b.link("app", "db", classes=["write"], fanout=1, label="writes")
    b.link("cache", "replica", classes=["read"], label="misses")
    b.link("db", "replica", label="replication")
    for target in ("lb", "app", "cache", "db", "replica"):
        b.link("health", target)
    return b


def url_shortener() -> Blueprint:
    b = Blueprint(
        "url_shortener", "URL shortener",
        "A read-heavy URL shortener (TinyURL / bit.ly): create a short code, redirect on every visit. "
        "Redirects are served from a Redis cache in front of a key-value store.",
        {"dau": 10_000_000, "reads_per_user": 100 / 3, "writes_per_user": 1 / 3, "peak_factor": 2,
             "request_size": 500, "response_size": 500, "record_size": 500, "retention": 5 * YEAR},
        flavour="aws")
    b.traffic_text = (
        "The classic URL-shortener estimate: 100M new URLs a month (3.33M a day, ~39 writes/s on "
        "average) and a read:write ratio of 100:1 (~3.9K redirects/s). Spread over 10M daily users "
        "that is 1/3 new URL and 33 redirects per user a day. Each record is ~500 B (code, long URL, "
        "owner, timestamps) kept 5 years: 6B URLs, ~3 TB. A redirect response is ~500 B.")
    b.design_text = (
        "Codes come from a key generation service that pre-computes unique base62 keys; API servers "
        "take 1,000 at a time (fan-out 0.001 per write), so creating a URL never checks for collisions. "
        "Redirects read Redis first (80 % hits: a few URLs get most clicks) and fall back to DynamoDB, "
        "partitioned by code. Storage, not throughput, sizes the key-value store.")
    b.group("edge", "Edge")
    b.group("app", "App tier")
    b.group("data", "Data tier")
    b.add("web", "client.web", "Browsers", 0, 0.5, "edge", params={"user_share": 0.7},
          notes="People clicking short links (70 % of users).")
    b.add("mobile", "client.mobile", "Mobile apps", 0, 1.5, "edge", params={"user_share": 0.3},
          notes="Apps sharing and opening links (30 %).")
    b.add("lb", "lb.alb", "Load balancer", 1, 1, "edge", notes="Managed ALB across zones.")
    b.add("api", "service.go", "URL API", 2, 1, "app", redundancy="n+1", endpoints=(
        {"name": "Redirect", "method": "GET", "path": "/{code}", "operation": "read", "share": 0.98},
        {"name": "URL stats", "method": "GET", "path": "/api/v1/urls/{code}", "operation": "read", "share": 0.02},
        {"name": "Shorten", "method": "POST", "path": "/api/v1/urls", "operation": "write", "share": 1.0}),
        notes="Answers GET /{code} with 302 (not 301, so clicks can be counted) and POST /api/v1/urls.")
    b.add("kgs", "service.go", "Key generation service", 2, -0.25, "app", redundancy="ha",
          notes="Hands out batches of 1,000 unused base62 codes (7 chars: 3.5 trillion codes); a batch "
                "is marked used before it is handed out, so two servers never get the same code.")
    b.add("cache", "cache.redis", "Redirect cache", 3, 1.75, "data", redundancy="ha",
          params={"hit_ratio": 0.8, "cached_fraction": 0.2},
          notes="code -> long URL, LRU. 20 % of the daily redirects' volume kept hot (80/20 rule).")
    b.add("kv", "kv.dynamodb", "URL store (DynamoDB)", 4, 1, "data",
          notes="Partition key = code. 3 TB over 5 years at 10 GB per partition decides the partition "
                "count; the request rate alone would fit in one.")
    b.link("web", "lb")
    b.link("mobile", "lb")
    b.link("lb", "api")
    b.link("api", "kgs", classes=["write"], fanout=0.001, label="1 batch / 1,000 URLs")
    b.link("api", "cache", classes=["read"], label="redirects")
    b.link("api", "kv", classes=["write"], label="new URLs")
    b.link("cache", "kv", classes=["read"], label="misses")
    return b


def pastebin() -> Blueprint:
    b = Blueprint(
        "pastebin", "Pastebin",
        "Pastebin / GitHub gist: store a text blob, share a link to it. Paste contents live in object "
        "storage; the database keeps only the metadata row with the object's path.",
        {"mau": 10_000_000, "dau": None, "active_ratio": 0.1, "reads_per_user": 10 / 3, "writes_per_user": 1 / 3,
             "peak_factor": 2, "request_size": 1.3 * KB, "response_size": 300, "record_size": 270,
             "media_fraction": 1.0, "media_size": 1 * KB, "media_read_fraction": 1.0, "retention": 3 * YEAR},
        flavour="aws")
    b.traffic_text = (
        "As in the system-design-primer's Pastebin: 10M users (1M active a day), 10M new pastes and "
        "100M reads a month (10:1), i.e. ~4 writes/s and ~40 reads/s on average. A paste is ~1 KB of "
        "text (an object) plus a ~270 B metadata row (shortlink, expiry, created_at, path); 3 years "
        "kept: ~360M pastes, ~360 GB of contents.")
    b.design_text = (
        "Separate write and read APIs (reads scale on their own). The write API stores the text in S3 "
        "and the metadata row in PostgreSQL; the read API looks the metadata up through Redis and the "
        "replica, then fetches the object. Small numbers: the design is about the split between blob "
        "and metadata, not about scale.")
    b.group("edge", "Edge")
    b.group("app", "App tier")
    b.group("data", "Data tier")
    b.add("web", "client.web", "Web client", 0, 1, "edge")
    b.add("lb", "lb.alb", "Load balancer", 1, 1, "edge", notes="Routes POST to the write API, GET to the read API.")
    b.add("write_api", "service.python", "Write API", 2, 0, "app", redundancy="ha", endpoints=(
        {"name": "Create paste", "method": "POST", "path": "/api/v1/paste", "operation": "write", "share": 1.0},),
        notes="Generates the shortlink (MD5 of IP + time, base62, 7 chars), uploads the text, inserts "
              "the metadata row.")
    b.add("read_api", "service.python", "Read API", 2, 2, "app", redundancy="ha", endpoints=(
        {"name": "Get paste", "method": "GET", "path": "/api/v1/paste/{shortlink}", "operation": "read",
         "share": 1.0},), notes="Looks up the metadata, checks expiry, streams the object.")
    b.add("cache", "cache.redis", "Metadata cache", 3, 2, "data", redundancy="ha",
          notes="shortlink -> metadata row; popular pastes are read many times.")
    b.add("db", "db.postgres", "Metadata DB", 4, 0, "data", redundancy="ha",
          notes="pastes(shortlink PK, expires_at, created_at, paste_path). The text is NOT stored here.")
    b.add("replica", "db.postgres_replica", "Metadata replica", 4, 2, "data", redundancy="ha")
    b.add("s3", "storage.s3", "Paste objects (S3)", 3, 0.5, "data",
          notes="One object per paste, key = shortlink; expired pastes removed by a lifecycle rule.")
    b.link("web", "lb")
    b.link("lb", "write_api", classes=["write", "media_write"])
    b.link("lb", "read_api", classes=["read", "media_read"])
    b.link("write_api", "db", classes=["write"], label="metadata row")
    b.link("write_api", "s3", classes=["media_write"], label="paste text")
    b.link("read_api", "cache", classes=["read"], label="metadata")
    b.link("read_api", "s3", classes=["media_read"], label="paste text")
    b.link("cache", "replica", classes=["read"], label="misses")
    b.link("db", "replica", label="replication")
    return b


#: One product, one traffic profile: the monolith and the microservices templates must use this.
MARKETPLACE_TRAFFIC = {
    "dau": 200_000, "reads_per_user": 30, "writes_per_user": 1, "peak_factor": 3, "request_size": 2 * KB,
    "response_size": 15 * KB, "record_size": 1 * KB, "media_fraction": 0.1, "media_size": 500 * KB,
    "media_read_fraction": 0.5, "retention": 3 * YEAR, "yearly_growth": 1.0}

MARKETPLACE_TRAFFIC_TEXT = (
    "A second-hand marketplace after launch: 200K daily users browsing ~30 pages and doing ~1 write "
    "(a listing, an order or a profile edit) a day; evening peak 3x average; pages ~15 KB, rows ~1 KB; "
    "10 % of writes upload a ~500 KB photo and half the page views load one. Traffic doubles every year "
    "(growth 1.0); storage is planned for a 3-year horizon. The mvp_monolith and microservices "
    "templates use exactly this profile so that they can be compared figure by figure.")


def _marketplace_edge(b: Blueprint) -> None:
    """Clients, CDN and photo storage: identical in both marketplace designs."""
    b.group("edge", "Edge")
    b.group("data", "Data tier")
    b.add("web", "client.web", "Web client", 0, 1, "edge", params={"user_share": 0.6})
    b.add("mobile", "client.mobile", "Mobile app", 0, 2, "edge", params={"user_share": 0.4})
    b.add("cdn", "cdn.cloudfront", "CDN", 1, 0, "edge", params={"offload": 0.9},
          notes="Listing photos and static assets; 90 % served from the edge.")
    b.add("photos", "storage.s3", "Photos (S3)", 3, 0, "data",
          notes="Listing photos; the database row keeps only the object key.")
    for client in ("web", "mobile"):
        b.link(client, "cdn", classes=["media_read"], label="photos")
    b.link("cdn", "photos", classes=["media_read"], label="origin misses")


def mvp_monolith() -> Blueprint:
    b = Blueprint(
        "mvp_monolith", "MVP monolith (built to be split)",
        "The marketplace as a modular monolith: one deployable app, one database, built so that it can "
        "be split into services later (compare with the microservices template: same product, same "
        "traffic profile).",
        dict(MARKETPLACE_TRAFFIC),
        flavour="aws")
    b.traffic_text = MARKETPLACE_TRAFFIC_TEXT
    b.design_text = (
        "A small team shipping an MVP: one repository per module is optional, but module boundaries are "
        "enforced in code (users, catalog, orders, notifications talk through interfaces, each owns its "
        "own schema in the one PostgreSQL), so a module can later move out with its tables. Slow work "
        "(emails, photo resizing) goes through a job queue from day one. Compare cost, instance count "
        "and latency with the microservices template: same product, same traffic profile.")
    _marketplace_edge(b)
    b.group("app", "App tier")
    b.group("async", "Background jobs", kind="group")
    b.add("lb", "lb.alb", "Load balancer", 1, 1.5, "edge")
    b.add("app", "service.python", "Monolith", 2, 1.5, "app", redundancy="n+1", endpoints=(
        {"name": "Browse listings", "method": "GET", "path": "/listings", "operation": "read", "share": 0.5},
        {"name": "View listing", "method": "GET", "path": "/listings/{id}", "operation": "read", "share": 0.4},
        {"name": "My orders", "method": "GET", "path": "/orders", "operation": "read", "share": 0.1},
        {"name": "Create listing", "method": "POST", "path": "/listings", "operation": "write", "share": 0.3},
        {"name": "Place order", "method": "POST", "path": "/orders", "operation": "write", "share": 0.2},
        {"name": "Update profile", "method": "PUT", "path": "/users/me", "operation": "write", "share": 0.5}),
        notes="Django modular monolith: users, catalog, orders and notifications are packages with their "
              "own schema and a service interface; no cross-module joins, so each can be extracted.")
    b.add("cache", "cache.redis", "Redis", 3, 2, "data", redundancy="ha", params={"hit_ratio": 0.7},
          notes="Sessions and listing pages (cache-aside).")
    b.add("db", "db.postgres", "PostgreSQL", 3, 1, "data", redundancy="ha",
          notes="One database, one schema per module (users, catalog, orders); full-text search on "
                "listings with a GIN index until it needs a search engine.")
    b.add("replica", "db.postgres_replica", "Read replica", 4, 2, "data", redundancy="ha")
    b.add("queue", "queue.sqs", "Job queue", 2, 3.5, "async", notes="Emails and photo resizing, retried on failure.")
    b.add("worker", "compute.worker", "Job worker", 3, 3.5, "async", redundancy="ha",
          params={"job_s": 0.5, "slots": 8}, notes="Same codebase as the app, started as a worker.")
    b.add("email", "notify.email", "Email (SES)", 4, 3.5, "async", notes="Order confirmations.")
    b.link("web", "lb", classes=["read", "write", "media_write"])
    b.link("mobile", "lb", classes=["read", "write", "media_write"])
    b.link("lb", "app")
    b.link("app", "cache", classes=["read", "write"], fanout=1, label="get; delete on write")
    b.link("app", "db", classes=["write"], fanout=1, label="writes")
    b.link("app", "photos", classes=["media_write"], label="photo uploads")
    b.link("app", "queue", classes=["write"], fanout=0.2, label="jobs")
    b.link("cache", "replica", classes=["read"], label="misses")
    b.link("db", "replica", label="replication")
    b.link("queue", "worker")
    b.link("worker", "email", label="order emails")
    b.known("COST-TOP-SHARE", "cdn",
            "listing photos are most of the bytes users receive, and the CDN is the cheapest way to serve them")
    return b


def microservices() -> Blueprint:
    b = Blueprint(
        "microservices", "Microservices",
        "The same marketplace as the mvp_monolith template, split into services, each owning its data, "
        "behind an API gateway; events between services go through Kafka (same product, same traffic "
        "profile, so the two can be compared).",
        dict(MARKETPLACE_TRAFFIC),
        flavour="aws")
    b.traffic_text = MARKETPLACE_TRAFFIC_TEXT
    b.design_text = (
        "The monolith's modules became services with a database each (database per service): users, "
        "catalog and orders. The gateway routes by path: 70 % of requests to catalog, 20 % to orders, "
        "10 % to users. Orders publish events on Kafka; a notification worker sends the emails. Compared "
        "with the monolith the same traffic needs more instances and more money: the price of "
        "independent deploys and scaling, worth it once teams and load grow apart.")
    _marketplace_edge(b)
    b.group("services", "Services")
    b.group("async", "Events", kind="group")
    b.add("gateway", "gateway.api", "API gateway", 1, 1.5, "edge",
          notes="Routing, auth and throttling; 10,000 req/s account quota is far above the peak.")
    b.add("catalog", "service.go", "Catalog service", 2, 1, "services", redundancy="n+1", endpoints=(
        {"name": "Browse listings", "method": "GET", "path": "/listings", "operation": "read", "share": 0.6},
        {"name": "View listing", "method": "GET", "path": "/listings/{id}", "operation": "read", "share": 0.4},
        {"name": "Create listing", "method": "POST", "path": "/listings", "operation": "write", "share": 1.0}),
        notes="Listings and photos; the hottest service, scaled on its own.")
    b.add("orders", "service.go", "Orders service", 2, 3, "services", redundancy="n+1", endpoints=(
        {"name": "My orders", "method": "GET", "path": "/orders", "operation": "read", "share": 1.0},
        {"name": "Place order", "method": "POST", "path": "/orders", "operation": "write", "share": 1.0}),
        notes="Owns orders; publishes OrderPlaced events instead of calling other services.")
    b.add("users", "service.node", "Users service", 2, 4, "services", redundancy="ha", endpoints=(
        {"name": "Profile", "method": "GET", "path": "/users/{id}", "operation": "read", "share": 1.0},
        {"name": "Update profile", "method": "PUT", "path": "/users/me", "operation": "write", "share": 1.0}),
        notes="Accounts and profiles.")
    b.add("catalog_cache", "cache.redis", "Catalog cache", 3, 2, "data", redundancy="ha",
          params={"hit_ratio": 0.7})
    b.add("catalog_db", "db.postgres", "Catalog DB", 3, 1, "data", redundancy="ha",
          notes="Listings; full-text search with a GIN index, as in the monolith.")
    b.add("catalog_replica", "db.postgres_replica", "Catalog replica", 4, 2, "data", redundancy="ha")
    b.add("orders_db", "db.postgres", "Orders DB", 4, 3, "data", redundancy="ha")
    b.add("users_db", "db.postgres", "Users DB", 4, 4, "data", redundancy="ha")
    b.add("events", "pubsub.kafka", "Order events (Kafka)", 3, 5.5, "async", instances=3,
          notes="OrderPlaced / OrderShipped, kept 7 days; 3 brokers for 3 copies.")
    b.add("notifier", "compute.worker", "Notification worker", 4, 5.5, "async", redundancy="ha",
          params={"job_s": 0.5, "slots": 8})
    b.add("email", "notify.email", "Email (SES)", 5, 5.5, "async")
    b.link("web", "gateway", classes=["read", "write", "media_write"])
    b.link("mobile", "gateway", classes=["read", "write", "media_write"])
    b.link("gateway", "catalog", label="70 % + photo uploads")
    b.link("gateway", "orders", classes=["read", "write"], share=0.2)
    b.link("gateway", "users", classes=["read", "write"], share=0.1)
    b.link("catalog", "catalog_cache", classes=["read", "write"], fanout=1, label="get; delete on write")
    b.link("catalog", "catalog_db", classes=["write"], fanout=1)
    b.link("catalog", "photos", classes=["media_write"], label="photo uploads")
    b.link("catalog_cache", "catalog_replica", classes=["read"], label="misses")
    b.link("catalog_db", "catalog_replica", label="replication")
    b.link("orders", "orders_db", classes=["read", "write"], fanout=1)
    b.link("orders", "events", classes=["write"], fanout=1, label="OrderPlaced")
    b.link("users", "users_db", classes=["read", "write"])
    b.link("events", "notifier")
    b.link("notifier", "email", label="order emails")
    b.known("ARCH-MERGE", None,
            "the point of this template: the mvp_monolith product split into services to compare the two: at this"
            " traffic the monolith is cheaper and faster, as the review says, and the split pays off when teams "
            "or load diverge")
    return b


CLASSIC = {
    "three_tier": three_tier,
    "url_shortener": url_shortener,
    "pastebin": pastebin,
    "mvp_monolith": mvp_monolith,
    "microservices": microservices,
}
