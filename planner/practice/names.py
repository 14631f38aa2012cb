"""
Names of the graded figures and of the candidate's inputs, with their labels and kinds of unit. Imports
nothing, so the command line builds its --help without loading the engine (tests/planner/test_cli_light.py).
"""

#: figure -> (label, kind) for the figures planner.estimate computes
LABELS: dict[str, tuple[str, str]] = {
    "dau": ("Daily active users", "count"),
    "write_qps": ("Average writes per second", "qps"),
    "read_qps": ("Average reads per second", "qps"),
    "qps": ("Average requests per second", "qps"),
    "peak_qps": ("Peak requests per second", "qps"),
    "peak_write_qps": ("Peak writes per second", "qps"),
    "peak_read_qps": ("Peak reads per second", "qps"),
    "storage_per_day": ("Storage per day", "size_day"),
    "storage_total": ("Storage over the retention", "size"),
    "storage_total_replicated": ("Storage with every copy", "size"),
    "ingress_bytes_per_s": ("Ingress bandwidth (average)", "bandwidth"),
    "egress_bytes_per_s": ("Egress bandwidth (average)", "bandwidth"),
    "cache_memory": ("Cache memory", "size"),
}


#: The candidate's inputs: name -> (label, kind)
INPUTS: dict[str, tuple[str, str]] = {
    "dau": ("daily active users", "count"), "mau": ("monthly active users", "count"),
    "active_ratio": ("share active on a day", "fraction"), "writes_per_user": ("writes per user per day", "count"),
    "reads_per_user": ("reads per user per day", "count"), "write_size": ("bytes stored per write", "size"),
    "read_size": ("bytes returned per read", "size"), "media_fraction": ("share of writes with media", "fraction"),
    "media_size": ("bytes per media object", "size"), "peak_factor": ("peak / average", "multiplier"),
    "retention": ("retention", "duration"), "replication": ("copies of the data", "count"),
    "cache_fraction": ("share of daily reads cached", "fraction"),
}
