"""
DATA-MEDIA-IN-DB: images, video or files stored in a database -> object storage with the link in the
database, served through a CDN (docs/review-rules.md section 5, seed "Image Storage").
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.model import Plan, link_classes
from archplan.planner.propagation import MW
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, check, define, evidence, fixer, flagged
from archplan.planner.review.operations import Fix, FixBuilder

#: Databases are fine for objects below this size (Sears, van Ingen & Gray, MSR-TR-2006-45)...
BLOB_FINE = 256_000
#: ...and files are better from this size on.
BLOB_FILE = 1_000_000
#: (D) Media this share of a store's bytes is misplaced whatever the object size.
MEDIA_SHARE = 0.5
#: Largest item per store kind (DynamoDB 400 KB, MongoDB 16 MB documents).
ITEM_LIMIT = {"kv.dynamodb": 400_000, "doc.mongodb": 16_000_000}
DATABASES = (Behaviour.SQL_PRIMARY, Behaviour.SQL_REPLICA, Behaviour.PARTITIONED)
MEDIA = ("media_write", "media_read")

define("DATA-MEDIA-IN-DB", "DATA", "Media stored in a database: object storage + CDN",
       "seed \"Image Storage\" (a bucket, the link in the DB); Sears, van Ingen & Gray, \"To BLOB or Not To BLOB\", "
       "MSR-TR-2006-45; capacity-defaults S14, S21, S22; Azure Valet Key and Static Content Hosting patterns",
       folds=("CAP-OVER", "DATA-WRITE-SCALE", "DATA-READ-REPLICA", "DATA-READ-CACHE"))


@check
def media_in_db(ctx: Context) -> Iterator[Finding]:
    size = ctx.plan.traffic.media_size
    if size <= 0:
        return
    flows, table = ctx.run.flows, ctx.table
    media = flows.in_avg[:, MW] + flows.repl_avg[:, MW]
    rows = ctx.served & table.of(*DATABASES) & (media > 0) & ~table.of(Behaviour.SQL_REPLICA)
    if not rows.any():
        return
    from archplan.planner.propagation import W

    writes = flows.in_avg[:, W] + flows.repl_avg[:, W]
    record = np.where(np.isnan(table.record_size), ctx.plan.traffic.record_size, table.record_size)
    for row in flagged(rows):
        r = ctx.r(row)
        media_bytes = float(media[row] * size)
        written = media_bytes + float(writes[row] * record[row])
        if written <= 0:  # sizes so small the bytes round to nothing
            continue
        share = media_bytes / written
        limit = ITEM_LIMIT.get(r.kind)
        if size < BLOB_FINE and share < MEDIA_SHARE:
            continue
        over_limit = limit is not None and size > limit
        severity = "error" if size >= BLOB_FILE or over_limit else "warning"
        why = (f"objects of {units.format_size(size)} exceed its {units.format_size(limit)} item limit" if over_limit
               else f"objects of {units.format_size(size)} are past the 256 KB from which files beat a database"
               if size >= BLOB_FINE else f"media are {units.format_percent(share, 0)} of its bytes")
        yield ctx.finding("DATA-MEDIA-IN-DB", severity, r.id,
                          f"{r.name} stores media: {units.format_size(media_bytes * units.DAY)}/day of images or "
                          f"files land in it ({why}); every copy of it holds them "
                          f"({units.format_size(r.storage_replicated)} on its disks).",
                          "Keep the media in object storage (S3) and a link row (~300 B) in the database; uploads go "
                          "straight to the bucket with a pre-signed URL, and a CDN serves the reads.",
                          [evidence(r.id, "storage_replicated", r.storage_replicated, "B"),
                           evidence(r.id, "utilisation", r.utilisation, "%"),
                           evidence("plan", "monthly_cost", ctx.result.totals.monthly_cost, "USD/month")])


@fixer("DATA-MEDIA-IN-DB")
def fix_media(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    """An object store (the plan's own if it has one) takes the media classes of every link into the
    database and its replicas; the database keeps the rows."""
    sid = finding.component
    catalog = default_catalog()
    replicas = {lk.target for lk in plan.links if lk.source == sid and lk.kind == "replication"}
    stores = {sid} | replicas
    moving = [(lk, [c for c in link_classes(plan, lk) if c in MEDIA]) for lk in plan.links
              if lk.target in stores and lk.kind != "replication"]
    moving = [(lk, classes) for lk, classes in moving if classes]
    if not moving:
        return None
    b = FixBuilder(plan)
    buckets = [c.id for c in plan.components if catalog[c.kind].behaviour is Behaviour.OBJECT_STORE]
    if buckets:
        bucket = buckets[0]
    else:
        bucket = b.new_id("media")
        b.op("add_component", component=bucket, kind="storage.s3", name="Media (object storage)", near=sid)
    for lk, classes in moving:
        b.op("retarget_link", link=lk.id, target=bucket, classes=classes, new_link=b.new_id(f"{lk.id}-media"))
    name = plan.component(bucket).name if buckets else "a new S3 bucket"
    return b.fix("DATA-MEDIA-IN-DB", sid, f"Store the media in {name}; {plan.component(sid).name} keeps the rows.")
