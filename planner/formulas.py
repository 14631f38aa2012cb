"""
Formulas: the one definition of every computed figure, used both to compute it and to explain it
(the machinery that evaluates and renders them is planner.formula).

Conventions (capacity-model.md): a day is 86,400 s, a month 30 days, a year 365 days; sizes decimal.
"""

from __future__ import annotations

from archplan.planner import units
from archplan.planner.formula import (  # noqa: F401 - the engine reaches the machinery through fx
    Figure,
    FigureTable,
    Formula,
    LazyFigures,
    format_value,
    tiered,
    unique_map,
)

DAY_S = units.DAY
MONTH_S = units.MONTH

F = Formula

# --------------------------------------------------------------------------------------- traffic
AVG_RATE = F("avg_rate", "rate_avg", "users * per_user / day_s",
             "Average requests per second", "req/s",
             "A day is 86,400 s; traffic spread evenly over the day.", "capacity-model.md: conventions",
             {"users": "daily active users", "per_user": "requests per user per day", "day_s": "seconds per day"})
PEAK_RATE = F("peak_rate", "rate_peak", "avg * peak_factor", "Peak requests per second", "req/s",
              "Sizing uses the peak; storage uses the average.", "capacity-model.md: conventions",
              {"avg": "average rate", "peak_factor": "peak / average"})
CACHE_PASS = F("cache_pass", "passed", "1 - hit_ratio", "Share of reads passed on after the cache", "",
               "Hits are answered by the cache; misses go downstream. Writes pass through (write-through).",
               "capacity-model.md: cache", {"hit_ratio": "cache hit ratio"})
CDN_PASS = F("cdn_pass", "passed", "1 - offload", "Share of reads reaching the origin behind the CDN", "",
             "The CDN serves its offload share of cacheable reads and bytes at the edge.", "capacity-model.md: CDN",
             {"offload": "share served at the edge"})
QUEUE_DRAIN = F("queue_drain", "drain_rate", "Max(avg, (peak * D + T * avg) / (D + T))",
                "Consumer rate the queue's consumers are sized for", "msg/s",
                "Consumers need not follow the peak: they must drain the backlog built during a peak of length D "
                "within T. From (peak - c) D <= T (c - avg).", "capacity-model.md: queue / pub-sub",
                {"avg": "average arrival rate", "peak": "peak arrival rate", "D": "peak duration (s)",
                 "T": "longest acceptable drain time (s)"})
QUEUE_DELIVERED = F("queue_delivered", "delivered", "Min(peak, capacity)", "Messages/s the consumers take at peak",
                    "msg/s", "Consumers sized for the drain rate take what arrives while they can: the whole peak, "
                    "or their capacity when the peak is more (the queue holds the rest).",
                    "capacity-model.md: queue / pub-sub",
                    {"peak": "peak arrival rate", "capacity": "what the deployed consumers take at 100 %"})
CONSUMER_CAPACITY = F("consumer_capacity", "capacity", "delivered / rho", "What the deployed consumers can take",
                      "msg/s", "The consumers deployed take `delivered` messages a second at utilisation rho; at 100 % "
                      "they take delivered / rho (the busiest consumer decides).", "capacity-model.md: queue / pub-sub",
                      {"delivered": "messages/s delivered to the consumers at peak",
                       "rho": "utilisation of the busiest consumer"})
QUEUE_BACKLOG = F("queue_backlog", "backlog", "Max(0, (peak - capacity) * D)", "Messages queued by the end of a peak",
                  "msg", "Backlog grows at (arrival - consumer capacity) for the peak's duration.",
                  "capacity-model.md: queue / pub-sub",
                  {"peak": "peak arrival rate", "capacity": "consumer capacity", "D": "peak duration (s)"})
QUEUE_DRAIN_TIME = F("queue_drain_time", "drain_time", "backlog / (capacity - avg)", "Time to drain the backlog", "s",
                     "After the peak, consumers work the backlog off at their spare capacity.",
                     "capacity-model.md: queue / pub-sub",
                     {"backlog": "messages queued", "capacity": "consumer capacity", "avg": "average arrival rate"})
QUEUE_GROWTH = F("queue_growth", "growth", "(avg - capacity) * 3600", "Backlog growth per hour", "msg",
                 "The consumers take less than the average arrival rate: the backlog grows without bound.",
                 "capacity-model.md: queue / pub-sub",
                 {"avg": "average arrival rate", "capacity": "consumer capacity"})
QUEUE_LOSS_TIME = F("queue_loss_time", "t_loss", "retention_s * capacity / (avg - capacity)",
                    "Time until queued messages expire unread", "s",
                    "A message arriving at t waits (avg - capacity) t / capacity; it is lost once that exceeds the "
                    "retention.", "capacity-model.md: queue / pub-sub",
                    {"retention_s": "retention (s)", "capacity": "consumer capacity", "avg": "average arrival rate"})
QUEUE_STORED = F("queue_stored", "stored", "backlog * message_size", "Bytes the queue holds at most", "B",
                 "A queue stores what waits, not its throughput.", "capacity-model.md: queue / pub-sub",
                 {"backlog": "messages waiting at most", "message_size": "bytes per message"})
RETRY_LOAD = F("retry_load", "calls", "requests * (1 + retries * failure_rate)", "Calls made to the external API",
               "req/s", "Each failed call is retried; attempts = 1 + retries x failure rate.",
               "capacity-model.md: external API",
               {"requests": "requests needing the API", "retries": "retries per failure",
                "failure_rate": "failure rate"})
FANOUT_CHANNELS = F("notification_fanout", "messages", "events * channels", "Messages sent by the notification service",
                    "msg/s", "Every event is sent on each channel (email, SMS, chat, ticket).",
                    "capacity-model.md: notification", {"events": "events per second",
                                                        "channels": "channels per event"})
METRIC_SAMPLES = F("metric_samples", "samples", "requests * samples_per_request", "Metric samples written", "samples/s",
                   "Every observed request records a fixed number of samples.", "capacity-defaults.md §7",
                   {"requests": "observed requests per second", "samples_per_request": "samples per request"})

# --------------------------------------------------------------------------------------- sizing
LOAD_RW = F("load_units_rw", "load", "reads / read_capacity + writes / write_capacity",
            "Instances' worth of work at peak (100 % busy)", "instances",
            "Reads and writes share one instance's capacity.", "capacity-model.md: sizing",
            {"reads": "peak reads/s", "writes": "peak writes/s", "read_capacity": "reads/s per instance",
             "write_capacity": "writes/s per instance"})
LOAD_R = F("load_units_r", "load", "requests / capacity", "Instances' worth of work at peak (100 % busy)", "instances",
           "Every request costs the same.", "capacity-model.md: sizing",
           {"requests": "peak requests/s", "capacity": "requests/s per instance"})
LOAD_PARTITIONED = F("load_units_partitioned", "load", "(reads / read_capacity + writes * rf / write_capacity) * skew",
                     "Shards' worth of work at peak, hottest shard", "shards",
                     "Each write lands on rf copies; the hottest shard carries skew x an even share.",
                     "capacity-model.md: shard group",
                     {"reads": "peak reads/s", "writes": "peak writes/s", "rf": "replication factor",
                      "skew": "hot-shard skew", "read_capacity": "reads/s per node",
                      "write_capacity": "writes/s per node"})
LOAD_REPLICA = F("load_units_replica", "load", "reads / read_capacity", "Replicas' worth of reads at peak", "replicas",
                 "The reads routed to the replicas divide over them.",
                 "capacity-model.md: SQL primary + read replicas",
                 {"reads": "peak reads/s routed to the replicas", "read_capacity": "reads/s per replica"})
REPLAY = F("replay_utilisation", "replay", "replicated * apply_cost / write_capacity",
           "Share of each replica busy replaying the primary's writes", "",
           "Replication applies every write on every copy: each replica replays the whole write stream, so adding "
           "replicas does not divide it.", "capacity-model.md: SQL primary + read replicas",
           {"replicated": "peak writes/s the primary replicates", "apply_cost": "cost of one replayed write "
            "relative to a primary write", "write_capacity": "writes/s per replica"})
NEEDED_REPLICAS = F("instances_replicas", "n_throughput", "ceiling(load / (u - replay))",
                    "Replicas needed for the peak reads", "replicas",
                    "Each replica may run at u; the replay takes its share of every replica first.",
                    "capacity-model.md: SQL primary + read replicas",
                    {"load": "replicas' worth of reads", "u": "target utilisation",
                     "replay": "share of a replica busy replaying writes"})
UTILISATION_REPLICA = F("utilisation_replica", "rho", "load / count + replay",
                        "Utilisation of each replica at peak", "",
                        "Its share of the reads plus the whole replayed write stream.",
                        "capacity-model.md: SQL primary + read replicas",
                        {"load": "replicas' worth of reads", "count": "replicas deployed",
                         "replay": "share busy replaying writes"})
CAPACITY_WORKERS = F("capacity_workers", "capacity", "Min(catalog_capacity, workers / service_s)",
                     "Requests per second one instance serves", "req/s",
                     "With k workers each busy service_s per request, an instance completes at most k / service_s "
                     "requests a second.", "capacity-model.md: latency (queueing)",
                     {"catalog_capacity": "the kind's figure (or the override)", "workers": "workers per instance",
                      "service_s": "service time (s)"})
LOAD_WORKER = F("load_units_worker", "load", "jobs * job_s / slots", "Workers' worth of work at peak", "instances",
                "Little's law: jobs in progress = rate x time; one instance runs `slots` at once.",
                "capacity-model.md: service / worker",
                {"jobs": "jobs/s", "job_s": "seconds per job", "slots": "concurrent jobs per instance"})
LOAD_BANDWIDTH = F("load_units_bandwidth", "load", "bytes_per_s / bandwidth", "Instances' worth of bandwidth at peak",
                   "instances", "", "capacity-model.md: sizing",
                   {"bytes_per_s": "peak bytes/s", "bandwidth": "bytes/s per instance"})
NEEDED_THROUGHPUT = F("instances_throughput", "n_throughput", "ceiling(load / u)",
                      "Instances needed for peak throughput", "instances",
                      "n = ceil(peak / (capacity x u)): each instance runs at most at target utilisation u.",
                      "capacity-model.md: sizing", {"load": "instances' worth of work", "u": "target utilisation"})
NEEDED_CONSUMERS = F("instances_consumers", "n_throughput", "ceiling(load / u)",
                     "Consumers needed for the drain rate", "instances",
                     "A queue smooths the peak: its consumers are sized on the rate that drains a peak's backlog in "
                     "time (the queue's drain rate), not on the peak.", "capacity-model.md: queue / pub-sub",
                     {"load": "instances' worth of work at the drain rate", "u": "target utilisation"})
NEEDED_STORAGE = F("instances_storage", "n_storage", "ceiling(stored * skew / (node_storage * fill))",
                   "Nodes needed to hold the data", "nodes",
                   "Each node may fill its disk up to the fill ratio; the hottest shard holds skew x an even share.",
                   "capacity-model.md: shard group",
                   {"stored": "bytes stored (replicated, end of retention)", "skew": "hot-shard skew",
                    "node_storage": "bytes per node", "fill": "fill ratio"})
NEEDED_MEMORY = F("instances_memory", "n_memory", "ceiling(memory / (node_memory * usable))",
                  "Cache nodes needed to hold the hot set", "nodes", "Only part of node memory holds data.",
                  "capacity-defaults.md §3 (ElastiCache reserves 25 %)",
                  {"memory": "hot-set bytes", "node_memory": "bytes per node", "usable": "usable share"})
NEEDED = F("instances_needed", "n", "Max(n_throughput, n_bandwidth, n_storage, n_memory, 1)",
           "Instances needed", "instances", "The scarcest resource decides.", "capacity-model.md: sizing",
           {"n_throughput": "for requests", "n_bandwidth": "for bytes", "n_storage": "for data",
            "n_memory": "for memory"})
AT_LEAST_COPIES = F("instances_copies", "n", "Max(n, rf)", "Nodes needed to keep every copy", "nodes",
                    "Each copy of an item lives on a different node.", "capacity-model.md: shard group",
                    {"n": "nodes needed for load and data", "rf": "copies kept"})
WITH_HA = F("instances_ha", "count", "Max(n, 2)", "Instances with high availability", "instances",
            "High availability keeps at least two instances.", "capacity-model.md: sizing", {"n": "instances needed"})
WITH_SPARE = F("instances_n_plus_1", "count", "n + 1", "Instances with one spare (N+1)", "instances",
               "One instance beyond need survives any single failure at full capacity.", "capacity-model.md: sizing",
               {"n": "instances needed"})
UTILISATION = F("utilisation", "rho", "load / count", "Utilisation at peak with the current count", "",
                "Share of the deployed capacity the peak uses on the scarcest resource.", "capacity-model.md: sizing",
                {"load": "instances' worth of the binding resource", "count": "instances deployed"})

# --------------------------------------------------------------------------------------- storage
STORAGE_PER_DAY = F("storage_per_day", "per_day", "(writes * record_size + media_writes * media_size) * day_s",
                    "Bytes stored per day", "B/day", "Average write rate x bytes kept per write.",
                    "capacity-model.md: sizing",
                    {"writes": "average writes/s", "record_size": "bytes kept per write",
                     "media_writes": "average media uploads/s", "media_size": "bytes per media object",
                     "day_s": "seconds per day"})
STORAGE_TOTAL = F("storage_total", "total", "per_day * days", "Bytes stored over the retention at today's rate",
                  "B", "No growth.", "capacity-model.md: sizing",
                  {"per_day": "bytes per day", "days": "retention in days"})
STORAGE_GROWTH = F("storage_total_growth", "total", "per_day * 365 * ((1 + g) ** years - 1) / g",
                   "Bytes stored over the retention with yearly growth", "B",
                   "Traffic grows by g a year, compounding (continuous sum over whole years).",
                   "capacity-model.md: sizing",
                   {"per_day": "bytes per day today", "g": "yearly growth", "years": "retention in years"})
STORAGE_REPLICATED = F("storage_replicated", "replicated", "total * rf", "Bytes stored with all copies", "B", "",
                       "capacity-model.md: sizing", {"total": "bytes stored once", "rf": "copies kept"})
LOG_STORAGE = F("log_storage", "stored", "bytes_per_s * retention_s * rf", "Bytes the log retains", "B",
                "A log keeps every message for its retention, on rf brokers.", "capacity-model.md: queue / pub-sub",
                {"bytes_per_s": "average bytes/s in", "retention_s": "retention (s)", "rf": "copies"})
INDEX_SIZE = F("index_size", "index", "stored * overhead * (1 + replicas)", "Search index size on disk", "B",
               "Disk = source x (1 + replicas) x overhead (OpenSearch sizing guide: 1.45).", "capacity-defaults.md S25",
               {"stored": "source bytes indexed", "overhead": "index overhead", "replicas": "replica copies"})
CACHE_MEMORY = F("cache_memory", "memory", "fraction * reads * day_s * read_size", "Memory for the hot set", "B",
                 "80/20 rule: a fraction of the daily read volume is hot and kept in memory.",
                 "capacity-model.md: cache",
                 {"fraction": "cached fraction", "reads": "average reads/s", "read_size": "bytes per read",
                  "day_s": "seconds per day"})
CACHE_KEYS = F("cache_keys", "memory", "writes * record_size * ttl_s", "Memory for the keys written", "B",
               "A cache used as a key store (sessions, idempotency keys) holds what is written for its time to live.",
               "capacity-model.md: cache",
               {"writes": "average writes/s", "record_size": "bytes per key and value", "ttl_s": "time to live (s)"})

# --------------------------------------------------------------------------------------- latency, availability
WORKERS_LITTLE = F("workers_little", "k", "Max(1, ceiling(capacity * service_s))", "Workers per instance", "",
                   "Not stated in the plan: Little's law, requests in service = capacity x service time.",
                   "capacity-model.md: latency (queueing)",
                   {"capacity": "requests/s per instance", "service_s": "service time (s)"})
SERVERS = F("servers", "c", "instances * k", "Servers of the M/M/c queue", "",
            "Every instance runs k requests at once.", "capacity-model.md: latency (queueing)",
            {"instances": "instances serving", "k": "workers per instance"})
MMC_WAIT = F("mmc_wait", "Wq", "p_wait / (c * mu - lam)", "Mean wait in the queue (M/M/c)", "s",
             "Erlang C: the share of requests that wait, times the mean wait of those that do.",
             "capacity-model.md: latency (queueing)",
             {"p_wait": "probability of waiting (Erlang C)", "c": "servers", "mu": "service rate per server (1/s)",
              "lam": "arrival rate (1/s)"})
MMC_PERCENTILE = F("mmc_percentile", "t_p", "mmc_quantile(p, mu, c, lam, p_wait)", "Response time percentile (M/M/c)",
                   "s", "Response = wait + service; the wait is 0 with probability 1 - P_wait, else exponential with "
                   "rate c mu - lambda; the distribution is inverted numerically.",
                   "capacity-model.md: latency (queueing)",
                   {"p": "percentile", "mu": "service rate per server (1/s)", "c": "servers",
                    "lam": "arrival rate (1/s)", "p_wait": "probability of waiting (Erlang C)"},
                   latex_override=r"P(W \le t_p) = p")
MMC_RESPONSE = F("mmc_response", "W", "1 / mu + p_wait / (c * mu - lam)", "Mean response time (M/M/c)", "s",
                 "Poisson arrivals, exponential service, c servers (instances x concurrency); P_wait from Erlang C.",
                 "capacity-model.md: latency (queueing)",
                 {"mu": "service rate per server (1/s)", "c": "servers", "lam": "arrival rate (1/s)",
                  "p_wait": "probability of waiting (Erlang C)"})
PATH_LATENCY = F("path_latency", "L", "own + downstream", "Mean latency seen from here to the end of the path", "s",
                 "Downstream calls are sequential; each is weighted by the share of requests that make it "
                 "(cache misses, fan-out), plus one network hop each.", "capacity-model.md: latency",
                 {"own": "this component's response time", "downstream": "weighted latency of the calls it makes"})
DETECTION_TIME = F("detection_time", "detect", "interval * misses + timeout", "Time to detect a failure", "s",
                   "A component is declared down after `misses` missed heartbeats.",
                   "capacity-model.md: health check; seed notes (two missed heartbeats)",
                   {"interval": "heartbeat interval (s)", "misses": "missed heartbeats",
                    "timeout": "probe timeout (s)"})
PROBE_RATE = F("probe_rate", "probes", "monitored / interval", "Health probes per second", "probes/s", "",
               "capacity-model.md: health check", {"monitored": "instances watched", "interval": "interval (s)"})
AVAILABILITY_MTTR = F("availability_mttr", "a", "sla * mtbf / (mtbf + detect + restart)",
                      "Availability of one instance", "",
                      "The machine must be up (its platform availability, e.g. one cloud VM's SLA) and the process "
                      "too: MTBF / (MTBF + MTTR), MTTR = detection + restart.",
                      "capacity-model.md: availability; capacity-defaults.md (EC2 instance-level SLA 99.5 %)",
                      {"sla": "availability of the machine (catalog)", "mtbf": "mean time between failures (s)",
                       "detect": "detection time (s)", "restart": "restart / failover time (s)"})
AVAILABILITY_QUORUM = F("availability_quorum", "A", "k_of_n(a, q, rf) ** shards", "Availability of the store",
                        "", "A shard answers while q of its rf copies are up (the read or write quorum; a majority by "
                        "default); a request needs its key's shard (shards = 1), the whole store every shard.",
                        "capacity-model.md: availability",
                        {"a": "availability of one node", "q": "copies needed (quorum)", "rf": "copies per shard",
                         "shards": "shards"},
                        latex_override=r"\left(\sum_{j=q}^{rf} \binom{rf}{j} a^{j} (1-a)^{rf-j}\right)^{shards}")
AVAILABILITY_OVERLOAD = F("availability_overload", "A", "a_up * Min(1, 1 / rho)", "Share of requests served at peak",
                          "", "Overloaded: the deployed instances carry at most 1 / rho of the peak; the rest is "
                          "dropped or times out.", "capacity-model.md: availability (overload)",
                          {"a_up": "availability while not overloaded", "rho": "utilisation at peak"})
PATH_AVAILABILITY = F("path_availability", "R", "a * ((1 - passed) + passed * route)",
                      "Share of requests served from here to the end of their path", "",
                      "A request needs this component; the share it passes on also needs its route: every "
                      "fan-out call (series), and of the calls that split the traffic, one target able to serve "
                      "it (same-kind targets are alternatives, in parallel).", "capacity-model.md: availability",
                      {"a": "availability of this component", "passed": "share of requests passed on",
                       "route": "availability of what they call"})
CLIENT_AVAILABILITY = F("client_availability", "A", "(reads * a_read + writes * a_write) / (reads + writes)",
                        "Share of the client's requests served", "",
                        "Reads and writes need different components (writes the primary, reads any replica).",
                        "capacity-model.md: availability",
                        {"reads": "reads/s", "a_read": "availability of reads", "writes": "writes/s",
                         "a_write": "availability of writes"})
AVAILABILITY_K_OF_N = F("availability_k_of_n", "A", "k_of_n(a, k, N)", "Availability of the component", "",
                        "At least k of N independent instances must be up to carry the peak.",
                        "capacity-model.md: availability",
                        {"a": "availability of one instance", "k": "instances needed", "N": "instances deployed"},
                        latex_override=r"\sum_{j=k}^{N} \binom{N}{j} a^{j} (1-a)^{N-j}")
AVAILABILITY_SHARDED = F("availability_sharded", "A", "(1 - (1 - a) ** rf) ** shards",
                         "Availability of the shard group",
                         "", "Every shard must be reachable; a shard is up while any of its rf copies is.",
                         "capacity-model.md: availability",
                         {"a": "availability of one node", "rf": "copies per shard", "shards": "shards"})
AVAILABILITY_SERIES = F("availability_series", "A", "prod(parts)", "Availability of everything a client needs", "",
                        "All components on the client's request paths are needed (series); failures independent.",
                        "capacity-model.md: availability", {"parts": "availabilities in series"})
BREAKING = F("breaking_multiplier", "m", "u / rho", "Traffic multiplier this component sustains", "x",
             "Load scales linearly with traffic; the component breaks when utilisation reaches the ceiling.",
             "capacity-model.md: breaking point", {"u": "ceiling (target utilisation or 1)", "rho": "utilisation now"})

# --------------------------------------------------------------------------------------- cost
COST = F("monthly_cost", "cost",
         "count * unit_cost + stored_gb * storage_price + egress_gb * egress_price + reads_m * read_price"
         " + writes_m * write_price",
         "Monthly cost", "USD/month", "On-demand list prices (the catalog's provider, region and date); storage at "
         "full retention, every copy billed; egress at the plan's average tiered price; 30-day month.",
         "capacity-defaults.md S37; capacity-model.md: cost",
         {"count": "instances", "unit_cost": "USD per instance-month", "stored_gb": "GB stored (every copy)",
          "storage_price": "USD per GB-month", "egress_gb": "GB sent to the internet per month",
          "egress_price": "USD per GB (average over the tiers)", "reads_m": "million reads per month",
          "read_price": "USD per million reads", "writes_m": "million writes per month",
          "write_price": "USD per million writes"})
EGRESS_TIERED = F("egress_tiered", "cost", "tiered(gb, tiers)", "Egress cost for the month", "USD/month",
                  "Each band of the month's volume is billed at its own price; the bands are per account (all "
                  "the plan's components together).", "capacity-model.md: cost (tiered egress)",
                  {"gb": "GB sent per month", "tiers": "(band upper bound in GB, USD per GB)"},
                  latex_override=r"\sum_{b} \min(\max(gb - lo_b, 0), hi_b - lo_b) \cdot price_b")
EGRESS_AVERAGE = F("egress_average", "price", "cost / gb", "Average egress price", "USD/GB", "", "",
                   {"cost": "tiered egress cost (USD/month)", "gb": "GB sent per month"})

# --------------------------------------------------------------------------------------- estimate (CLI)
EST_DAU = F("est_dau", "dau", "mau * active_ratio", "Daily active users", "users", "", "",
            {"mau": "monthly active users", "active_ratio": "share active on a day"})
EST_WRITE_QPS = F("est_write_qps", "write_qps", "writes_per_day / day_s", "Average writes per second", "req/s",
                  "A day is 86,400 s.", "capacity-model.md: conventions", {"writes_per_day": "writes per day"})
EST_READ_QPS = F("est_read_qps", "read_qps", "reads_per_day / day_s", "Average reads per second", "req/s",
                 "A day is 86,400 s.", "capacity-model.md: conventions", {"reads_per_day": "reads per day"})
EST_QPS = F("est_qps", "qps", "read_qps + write_qps", "Average requests per second", "req/s")
EST_PEAK = F("est_peak", "peak", "rate * peak_factor", "Peak rate", "req/s", "", "",
             {"rate": "average rate", "peak_factor": "peak / average"})
EST_BYTES_PER_WRITE = F("est_bytes_per_write", "stored_per_write", "write_size + media_fraction * media_size",
                        "Bytes stored per write", "B")
EST_STORAGE_DAY = F("est_storage_per_day", "storage_per_day", "writes_per_day * stored_per_write",
                    "Bytes stored per day", "B/day")
EST_STORAGE_TOTAL = F("est_storage_total", "storage_total", "storage_per_day * retention_days",
                      "Storage over the retention at today's rate", "B", "No growth; a year is 365 days.")
EST_STORAGE_REPL = F("est_storage_replicated", "storage_total_replicated", "storage_total * replication",
                     "Storage with all copies", "B")
EST_INGRESS = F("est_ingress", "ingress", "write_qps * stored_per_write", "Bytes in per second (average)", "B/s")
EST_EGRESS = F("est_egress", "egress", "read_qps * read_size", "Bytes out per second (average)", "B/s")
EST_CACHE = F("est_cache_memory", "cache_memory", "cache_fraction * reads_per_day * read_size",
              "Cache memory for the hot set", "B", "80/20 rule: cache a fraction of the daily read volume.")

ALL: dict[str, Formula] = {f.key: f for f in list(globals().values()) if isinstance(f, Formula)}
