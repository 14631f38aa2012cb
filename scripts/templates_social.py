"""
Built-in templates, part 2: consumer products at scale (Twitter timeline, photo sharing, chat,
video streaming). Traffic figures follow the published case studies each description cites.
"""

from __future__ import annotations

from templates_builder import Blueprint

KB, MB = 1_000, 1_000_000
DAY = 86_400
YEAR = 365 * DAY


def twitter_timeline() -> Blueprint:
    b = Blueprint(
        "twitter_timeline", "Twitter home timeline",
        "Twitter's home timeline: fan-out on write into a Redis timeline cache for most accounts, "
        "fan-out on read for celebrities, tweets in a sharded store, a queue in front of the fan-out "
        "workers.",
        {"dau": 150_000_000, "reads_per_user": 86.4, "writes_per_user": 400 / 150, "peak_factor": 2,
             "request_size": 1 * KB, "response_size": 10 * KB, "record_size": 300, "retention": 5 * YEAR},
        flavour="onprem")
    b.traffic_text = (
        "Twitter in 2013 (Raffi Krikorian, 'Timelines at Scale', QCon; High Scalability write-up): 150M "
        "active users, 400M tweets a day (~4.6K/s average, 12K/s at big events) and 300K QPS of "
        "timeline reads. With a peak factor of 2, 300K QPS at peak is 150K/s on average, i.e. 86.4 "
        "timeline reads and 2.67 tweets per user a day. Timeline updates were 30B a day, so one tweet "
        "lands in 75 home timelines on average. A tweet row is ~300 B (ids, text well under 280 "
        "characters on average, timestamps), a timeline page ~10 KB.")
    b.design_text = (
        "Writes: the tweet service stores the tweet in the sharded store and puts a fan-out job on "
        "Kafka; fan-out workers insert the tweet id into 75 follower timelines (fan-out factor 75). "
        "Reads: the timeline service reads the precomputed list from Redis (98 % hits; a miss rebuilds "
        "it from ~20 followees' recent tweets) and merges the tweets of ~3 followed celebrities "
        "from the tweet cache at read time (fan-out on read, factor 3), because fanning out a "
        "31M-follower account on write takes minutes.")
    b.group("edge", "Edge")
    b.group("read", "Read path")
    b.group("write", "Write path")
    b.group("data", "Data tier")
    b.add("mobile", "client.mobile", "Mobile apps", 0, 1.25, "edge", params={"user_share": 0.8})
    b.add("web", "client.web", "Web", 0, 2.25, "edge", params={"user_share": 0.2})
    b.add("lb", "lb.alb", "Load balancers", 1, 1.75, "edge", notes="Routes GET timelines and POST tweets.")
    b.add("timeline_svc", "service.go", "Timeline service", 2, 0.5, "read", redundancy="n+1", endpoints=(
        {"name": "Home timeline", "method": "GET", "path": "/1.1/statuses/home_timeline", "operation": "read",
         "share": 1.0},), notes="Reads the timeline list, merges celebrity tweets, hydrates and returns a page.")
    b.add("timeline_cache", "cache.redis", "Timeline cache", 4, 0, "read", redundancy="n+1",
          params={"hit_ratio": 0.98, "cached_fraction": 0.02},
          notes="One Redis list of up to 800 tweet ids per active user: 150M x 800 x ~20 B = ~2.4 TB, which "
                "cached_fraction 0.02 of the daily read volume reproduces. Only users active in the last "
                "30 days are kept; a miss rebuilds the list.")
    b.add("tweet_cache", "cache.memcached", "Tweet cache", 3, 1, "read", redundancy="n+1",
          params={"hit_ratio": 0.95, "cached_fraction": 0.0001},
          notes="Recent tweets by id, read for the fan-out-on-read merge. The hot set is small (the "
                "last days' tweets of ~100K celebrity accounts, a few GB: cached_fraction 0.0001), so "
                "throughput, not memory, sizes it.")
    b.add("tweet_svc", "service.go", "Tweet service", 2, 3, "write", redundancy="n+1", endpoints=(
        {"name": "Post tweet", "method": "POST", "path": "/1.1/statuses/update", "operation": "write",
         "share": 1.0},), notes="Validates, assigns a Snowflake id, stores, enqueues the fan-out.")
    b.add("queue", "pubsub.kafka", "Fan-out queue (Kafka)", 3, 3, "write", redundancy="n+1",
          params={"retention_s": DAY},
          notes="One job per tweet; consumers are sized for the drain rate, not the spike: a celebrity "
                "burst waits in the log.")
    b.add("workers", "compute.worker", "Fan-out workers", 4, 3, "write", redundancy="n+1",
          params={"job_s": 0.02, "slots": 32},
          notes="A job reads the author's followers (social graph service, not drawn) and pipelines 75 "
                "LPUSH+LTRIM into Redis in ~20 ms. Accounts above ~1M followers are skipped (read-time merge).")
    b.add("tweets", "db.sharded_sql", "Tweets store (sharded)", 5, 1.5, "data",
          params={"replication_factor": 3, "skew": 1.2},
          notes="Sharded MySQL (T-bird/Gizzard style) by tweet id; 3 copies per shard; 250 GB per shard "
                "(Vitess sweet spot). Storage decides the shard count, skew 1.2 for hot shards.")
    b.link("mobile", "lb")
    b.link("web", "lb")
    b.link("lb", "timeline_svc", classes=["read"])
    b.link("lb", "tweet_svc", classes=["write"])
    b.link("timeline_svc", "timeline_cache", classes=["read"], fanout=1, label="timeline list")
    b.link("timeline_svc", "tweet_cache", classes=["read"], fanout=3, label="fan-out on read: celebrities")
    b.link("timeline_cache", "tweets", classes=["read"], fanout=20, label="miss: rebuild")
    b.link("tweet_cache", "tweets", classes=["read"], label="misses")
    b.link("tweet_svc", "tweets", classes=["write"], label="store tweet")
    b.link("tweet_svc", "queue", classes=["write"], label="fan-out job")
    b.link("queue", "workers")
    b.link("workers", "timeline_cache", classes=["write"], fanout=75, label="fan-out on write x75")
    b.known("COST-STORAGE-BOUND", "tweets",
            "five years of tweets stay queryable in this model, and an archive tier in object storage would cut most "
            "of it")
    b.known("COST-TOP-SHARE", "tweets", "the same five years of tweets")
    b.known("DATA-MANY-NODES", "tweets", "Twitter runs its tweet store at this scale with a team of its own")
    return b


def photo_sharing() -> Blueprint:
    b = Blueprint(
        "photo_sharing", "Photo sharing (Instagram)",
        "Instagram-style photo sharing: photos in object storage served by a CDN close to the users, "
        "the link in the database, and a separate images table keyed by the owning post.",
        {"dau": 1_000_000, "reads_per_user": 100, "writes_per_user": 2, "peak_factor": 2, "request_size": 1 * KB,
             "response_size": 1 * KB, "record_size": 300, "media_fraction": 1.0, "media_size": 200 * KB,
             "media_read_fraction": 1.0, "retention": 10 * YEAR},
        flavour="aws")
    b.traffic_text = (
        "Grokking the System Design Interview's Instagram: 1M daily active users, 2M new photos a day "
        "(~23/s), 200 KB per photo, i.e. 400 GB a day and ~1.4 PB over 10 years. It gives no read "
        "rate; assume each user views 100 photos a day (read-heavy, 50:1). A read is a ~1 KB metadata "
        "response plus one photo fetch; a metadata row is ~300 B (Grokking's photo table: 284 B).")
    b.design_text = (
        "Uploads go through the upload service: the photo to S3, a post row to the posts DB and one row "
        "per image to a separate images table (post_id foreign key, S3 key, size), as in the design "
        "notes: the link lives in the database, the bytes in the bucket. Photos are served by a CDN in "
        "each user region (90 % offload) from a bucket in that region; cross-region replication copies "
        "every photo (twice the storage, but nearby origins and a region outage leaves the other "
        "serving). The feed service reads metadata through Redis (80 % hits).")
    b.group("americas", "Americas", kind="region")
    b.group("app", "App tier")
    b.group("data", "Data tier")
    b.group("emea", "Europe & Asia", kind="region")
    b.add("users_am", "client.mobile", "Users (Americas)", 0, 0, "americas", params={"user_share": 0.5})
    b.add("cdn_am", "cdn.cloudfront", "CDN (Americas PoPs)", 1, 0, "americas", params={"offload": 0.9},
          notes="Photos cached at the edge near the user; 90 % offload (popular photos are hot).")
    b.add("s3_am", "storage.s3", "Photos (S3 us-east-1)", 5, 0, "americas", params={"prefixes": 16},
          notes="Primary bucket. Key = hash prefix / post id / image id, spread over prefixes for the "
                "per-prefix request limits.")
    b.add("lb", "lb.alb", "Load balancer", 1, 2.25, "app")
    b.add("upload", "service.go", "Upload service", 2, 1.5, "app", redundancy="n+1", endpoints=(
        {"name": "Upload photo", "method": "POST", "path": "/v1/posts", "operation": "write", "share": 1.0},),
        notes="Writes the bytes to S3 first, then the rows; a failed upload leaves no dangling row.")
    b.add("feed", "service.go", "Feed service", 2, 3, "app", redundancy="n+1", endpoints=(
        {"name": "Feed", "method": "GET", "path": "/v1/feed", "operation": "read", "share": 0.7},
        {"name": "Post", "method": "GET", "path": "/v1/posts/{id}", "operation": "read", "share": 0.3}),
        notes="Returns post metadata with the CDN URLs of its images.")
    b.add("cache", "cache.redis", "Metadata cache", 3, 3, "data", redundancy="ha", params={"hit_ratio": 0.8})
    volume = {"storage": 4e12}
    b.add("posts", "db.postgres", "Posts DB", 4, 1.5, "data", redundancy="ha", capacity=volume,
          notes="posts(post_id, user_id, caption, created_at). 10 years of rows is ~2.2 TB, so the volume "
                "is 4 TB (RDS allows 64 TiB); past that, shard by user_id. Cache misses (20 %) are few "
                "enough for the primary: no replica yet.")
    b.add("images", "db.postgres", "Images table", 4, 3, "data", redundancy="ha", capacity=volume,
          notes="images(image_id, post_id FK, s3_key, width, height): many images per post, keyed by "
                "the owning post, kept apart from posts so carousels need no schema change. 4 TB volume.")
    b.add("users_eu", "client.mobile", "Users (Europe & Asia)", 0, 4.5, "emea", params={"user_share": 0.5})
    b.add("cdn_eu", "cdn.cloudfront", "CDN (EMEA PoPs)", 1, 4.5, "emea", params={"offload": 0.9})
    b.add("s3_eu", "storage.s3", "Photos (S3 eu-west-1)", 5, 4.5, "emea", params={"prefixes": 16},
          notes="Cross-region replica of every photo; origin of the EMEA CDN.")
    b.link("users_am", "cdn_am", classes=["media_read"])
    b.link("users_eu", "cdn_eu", classes=["media_read"])
    b.link("users_am", "lb", classes=["read", "write", "media_write"])
    b.link("users_eu", "lb", classes=["read", "write", "media_write"])
    b.link("cdn_am", "s3_am", classes=["media_read"], label="origin")
    b.link("cdn_eu", "s3_eu", classes=["media_read"], label="origin")
    b.link("s3_am", "s3_eu", kind="replication", classes=["media_write"], label="cross-region replication")
    b.link("lb", "upload", classes=["write", "media_write"])
    b.link("lb", "feed", classes=["read"])
    b.link("upload", "s3_am", classes=["media_write"], label="photo bytes")
    b.link("upload", "posts", classes=["write"], fanout=1, label="post row")
    b.link("upload", "images", classes=["write"], fanout=1, label="image row")
    b.link("feed", "cache", classes=["read"])
    b.link("cache", "posts", classes=["read"], fanout=1, label="misses")
    b.link("cache", "images", classes=["read"], fanout=1, label="misses: image links")
    b.known("CAP-SPARE", "feed",
            "N+1 covers one failure, and a failure during a rolling deploy is accepted at this size")
    return b


# Chat: a connection node holds 50K sockets (Grokking). A connected user sends/loads 60 messages over
# 2 connected hours a day, i.e. 60 / 7,200 s per connection; 50K connections carry ~417 messages/s.
CHAT_CONNECTIONS_PER_NODE = 50_000
CHAT_CONNECTED_S = 2 * 3_600
CHAT_OPS_PER_USER = 60
CHAT_GATEWAY_QPS = CHAT_CONNECTIONS_PER_NODE * CHAT_OPS_PER_USER / CHAT_CONNECTED_S


def chat() -> Blueprint:
    b = Blueprint(
        "chat", "Chat (WhatsApp / Messenger)",
        "One-to-one and group chat over persistent WebSocket connections: a gateway fleet holds the "
        "connections, a chat service stores messages and publishes them on a pub/sub bus for delivery.",
        {"dau": 50_000_000, "reads_per_user": 20, "writes_per_user": 40, "peak_factor": 2, "request_size": 200,
             "response_size": 2 * KB, "record_size": 150, "retention": 1 * YEAR},
        flavour="aws")
    b.traffic_text = (
        "Grokking's Facebook Messenger: 500M daily users sending 40 messages a day (20B a day) of ~100 B. "
        "This template is a tenth of that, 50M DAU (use the what-if multiplier x10 to reproduce it): 2B "
        "messages a day, ~23K/s on average; plus 20 history loads per user a day. Stored rows are ~150 B "
        "(message + keys), history kept 1 year on the server. Connections by Little's law: each user is "
        "connected ~2 hours a day, so L = lambda W gives 50M x 2 h / 24 h = 4.2M concurrent "
        "connections on average, ~8.3M at peak.")
    b.design_text = (
        f"A gateway node holds {CHAT_CONNECTIONS_PER_NODE // 1000}K sockets (Grokking). Since a connected "
        f"user makes {CHAT_OPS_PER_USER} requests per {CHAT_CONNECTED_S // 3600} connected hours, a node "
        f"carries {CHAT_GATEWAY_QPS:.0f} requests/s: that capacity override makes the gateway count equal "
        "connections / 50K (Little's law), and it scales with the traffic. The chat service writes each "
        "message to the wide-column store (partition = conversation), looks up the recipient's gateway "
        "in the session registry and publishes it on the bus; delivery workers push it to the "
        "recipient's gateway, or as a mobile push when offline (30 %).")
    b.group("edge", "Edge")
    b.group("realtime", "Real-time tier")
    b.group("data", "Data tier")
    b.group("delivery", "Delivery", kind="group")
    b.add("mobile", "client.mobile", "Mobile apps", 0, 1, "edge", params={"user_share": 0.9})
    b.add("web", "client.web", "Web", 0, 2, "edge", params={"user_share": 0.1})
    b.add("lb", "lb.alb", "Load balancer", 1, 1.5, "edge",
          notes="Sticky WebSocket upgrade to a gateway node; long idle timeout.")
    b.add("gateway", "service.go", "WebSocket gateway", 2, 1.5, "realtime", redundancy="n+1",
          capacity={"read_qps": CHAT_GATEWAY_QPS, "write_qps": CHAT_GATEWAY_QPS},
          notes=f"Holds persistent connections. Little's law: connections = users x connected time / day; "
                f"capacity {CHAT_GATEWAY_QPS:.0f} req/s per node stands for {CHAT_CONNECTIONS_PER_NODE:,} "
                "connections (see the description). Also delivers messages to its connected recipients.")
    b.add("chat", "service.go", "Chat service", 3, 1.5, "realtime", redundancy="n+1", endpoints=(
        {"name": "Send message", "method": "POST", "path": "/v1/conversations/{id}/messages",
         "operation": "write", "share": 1.0},
        {"name": "History", "method": "GET", "path": "/v1/conversations/{id}/messages", "operation": "read",
         "share": 1.0}), notes="Stateless; orders messages per conversation with a sequence number.")
    b.add("sessions", "cache.redis", "Session registry", 3, 0.25, "realtime", redundancy="n+1",
          notes="user -> gateway node (and presence); one lookup per message sent.")
    b.add("recent", "cache.redis", "Recent messages cache", 4, 1, "data", redundancy="ha",
          params={"hit_ratio": 0.7}, notes="Last page of each active conversation.")
    b.add("store", "wide.cassandra", "Message store", 5, 1.5, "data", redundancy="n+1",
          notes="Cassandra/HBase-like, partition = conversation id, clustering = message time; RF 3.")
    b.add("bus", "pubsub.kafka", "Message bus", 3, 3, "delivery", redundancy="n+1",
          params={"retention_s": DAY}, notes="Partitioned by recipient; keeps a day for redelivery.")
    b.add("delivery", "compute.worker", "Delivery workers", 4, 3, "delivery", redundancy="n+1",
          params={"job_s": 0.005, "slots": 64},
          notes="Push each message to the recipient's gateway (from the session registry); that hop is "
                "inside the gateway's per-connection capacity and not drawn, or it would loop. Offline "
                "recipients get a mobile push.")
    b.add("push", "notify.push", "Push (SNS/APNs/FCM)", 5, 3, "delivery")
    b.link("mobile", "lb")
    b.link("web", "lb")
    b.link("lb", "gateway")
    b.link("gateway", "chat")
    b.link("chat", "store", classes=["write"], fanout=1, label="persist")
    b.link("chat", "sessions", classes=["write"], fanout=1, deliver_as="read", label="where is the recipient?")
    b.link("chat", "recent", classes=["read"], label="history")
    b.link("recent", "store", classes=["read"], label="misses")
    b.link("chat", "bus", classes=["write"], label="publish")
    b.link("bus", "delivery")
    b.link("delivery", "push", share=0.3, label="offline recipients")
    b.known("COST-STORAGE-BOUND", "store",
            "a year of messages is kept server-side (Messenger keeps history, WhatsApp would delete after "
            "delivery)")
    b.known("COST-TOP-SHARE", "store", "the same year of message history")
    return b


def video_streaming() -> Blueprint:
    b = Blueprint(
        "video_streaming", "Video streaming (YouTube)",
        "Video on demand: uploads go straight to object storage, transcoding workers produce the "
        "renditions, and a CDN serves nearly all of the viewing bytes.",
        {"dau": 1_000_000, "reads_per_user": 20, "writes_per_user": 0.025, "peak_factor": 2, "request_size": 2 * KB,
             "response_size": 5 * KB, "record_size": 2 * KB, "media_fraction": 1.0, "media_size": 50 * MB,
             "media_read_fraction": 0.25, "retention": 5 * YEAR},
        flavour="aws")
    b.traffic_text = (
        "Scaled down from Grokking's YouTube (800M daily users, 5 videos watched per user a day, "
        "upload:view 1:200) to a 1M-DAU platform: 5M views and 25K uploads a day. A user makes ~20 API "
        "calls a day (home, search, video pages), a quarter of which start a view. A view streams "
        "~50 MB (about 4 minutes at 1.7 Mbit/s, 720p); an original upload is ~50 MB too; renditions "
        "add ~1.5x the original (75 MB per video).")
    b.design_text = (
        "Clients upload with a pre-signed URL straight to the originals bucket, then confirm through "
        "the video API, which queues a transcoding job. Workers (5 minutes per video, 2 at a time per "
        "node) write HLS renditions to a second bucket that is the CDN's origin. The CDN serves 95 % of "
        "the viewing bytes, so CDN egress dominates the cost; the API and metadata tier are small.")
    b.group("edge", "Edge")
    b.group("app", "App tier")
    b.group("media", "Media pipeline", kind="group")
    b.group("data", "Data tier")
    b.add("apps", "client.mobile", "Mobile & TV apps", 0, 1.5, "edge", params={"user_share": 0.7})
    b.add("web", "client.web", "Web", 0, 2.5, "edge", params={"user_share": 0.3})
    b.add("cdn", "cdn.cloudfront", "CDN", 1, 0, "edge", params={"offload": 0.95},
          notes="HLS segments; 95 % offload (popular videos dominate views).")
    b.add("lb", "lb.alb", "Load balancer", 1, 2, "edge")
    b.add("api", "service.go", "Video API", 2, 2, "app", redundancy="n+1", endpoints=(
        {"name": "Watch page", "method": "GET", "path": "/v1/videos/{id}", "operation": "read", "share": 0.5},
        {"name": "Home feed", "method": "GET", "path": "/v1/feed", "operation": "read", "share": 0.3},
        {"name": "Search", "method": "GET", "path": "/v1/search", "operation": "read", "share": 0.2},
        {"name": "Confirm upload", "method": "POST", "path": "/v1/videos", "operation": "write",
         "share": 1.0}), notes="Metadata and manifests; returns pre-signed upload URLs.")
    b.add("cache", "cache.redis", "Metadata cache", 3, 2, "data", redundancy="ha", params={"hit_ratio": 0.9})
    b.add("db", "db.postgres", "Video metadata DB", 3, 1, "data", redundancy="ha",
          notes="videos(id, owner, title, status, renditions...).")
    b.add("replica", "db.postgres_replica", "Metadata replica", 4, 2, "data", redundancy="ha")
    b.add("originals", "storage.s3", "Originals (S3)", 2, 3.75, "media",
          notes="Uploaded files as received; could move to an archive class after transcoding.")
    b.add("jobs", "queue.sqs", "Transcode queue", 3, 3.75, "media")
    b.add("transcoders", "compute.worker", "Transcoding workers", 5, 3.75, "media", redundancy="n+1",
          params={"job_s": 300, "slots": 2}, notes="ffmpeg to 240p-1080p HLS; ~5 min per video per slot.")
    b.add("renditions", "storage.s3", "Renditions (S3)", 5, 0, "data", record_size=75 * MB,
          notes="HLS renditions, 75 MB per video (record size); the CDN's origin.")
    b.link("apps", "cdn", classes=["media_read"])
    b.link("web", "cdn", classes=["media_read"])
    b.link("apps", "lb", classes=["read", "write"])
    b.link("web", "lb", classes=["read", "write"])
    b.link("apps", "originals", classes=["media_write"], label="pre-signed upload")
    b.link("web", "originals", classes=["media_write"], label="pre-signed upload")
    b.link("cdn", "renditions", classes=["media_read"], label="origin")
    b.link("lb", "api")
    b.link("api", "cache", classes=["read"])
    b.link("api", "db", classes=["write"], fanout=1)
    b.link("api", "jobs", classes=["write"], label="transcode job")
    b.link("cache", "replica", classes=["read"], label="misses")
    b.link("db", "replica", label="replication")
    b.link("jobs", "transcoders")
    b.link("transcoders", "renditions", classes=["write"], label="renditions")
    b.known("DATA-SEARCH-RDBMS", "api",
            "title search is a small share of reads here and uses the metadata database's full-text index, and the "
            "ecommerce_search template shows the event-fed search index")
    b.known("COST-TOP-SHARE", "cdn", "viewing bytes are the product, and the CDN is their cheapest path")
    return b


SOCIAL = {
    "twitter_timeline": twitter_timeline,
    "photo_sharing": photo_sharing,
    "chat": chat,
    "video_streaming": video_streaming,
}
