"""
DATA-STORE-FIT: the database kind against the access pattern the figures show (docs/review-rules.md
section 5, table "Access pattern"). Two rows have a signal in today's figures:

- append-heavy writes beyond one primary (messages, feeds, events, logs) on a relational primary: a
  wide-column store (partition = owner, clustering = time) spreads them;
- money on a key-value or wide-column store (a payment call beside it): no multi-item transactions, joins
  in code - a relational store with replicas, then shards, fits.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour
from archplan.planner.model import Plan
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, check, define, evidence, fixer, flagged
from archplan.planner.review.data_write import fold_replicas
from archplan.planner.review.operations import Fix, FixBuilder

WIDE_ROW = ("append-heavy, time-ordered data read by owner and time range (messages, feeds, events, logs): writes "
            "at least match reads and outgrow one primary; a wide-column store (partition = owner, clustering = "
            "time) spreads them over nodes, where a single SQL primary takes every write")
MONEY_ROW = ("multi-row transactions and constraints (orders, payments, ledgers): a relational store keeps them "
             "atomic, where a key-value or wide-column store has no multi-item atomicity and joins live in code")

define("DATA-STORE-FIT", "DATA", "The database kind does not fit the access pattern",
       "Azure Architecture Center \"Understand data store models\"; system-design-primer \"SQL or NoSQL\"; DDIA "
       "ch. 2; AWS Well-Architected PERF03-BP01")


@check
def store_fit(ctx: Context) -> Iterator[Finding]:
    s, table = ctx.s, ctx.table
    primaries = ctx.served & table.of(Behaviour.SQL_PRIMARY)
    if primaries.any():
        cap = table.capacity["write_qps"]
        beyond = np.divide(s.writes_peak, cap, out=np.zeros(table.n), where=cap > 0) > ctx.u
        for row in flagged(primaries & beyond & (s.writes_peak >= s.reads_peak)):
            r = ctx.r(row)
            yield ctx.finding("DATA-STORE-FIT", "warning" if r.headroom > 1 else "info", r.id,
                              f"{r.name} takes {units.format_qps(r.writes_peak)} of writes against "
                              f"{units.format_qps(r.reads_peak)} of reads at peak: {WIDE_ROW}.",
                              "Use a wide-column store (Cassandra) keyed by owner and time, keeping the links; or "
                              "split the data by pattern (several stores).",
                              [evidence(r.id, "utilisation", r.utilisation, "%"),
                               evidence(r.id, "p99", r.p99, "s")], code="store_fit")
    stores = ctx.served & ctx.kind_ids("kv.dynamodb", "wide.cassandra")
    payments = ctx.kind_ids("ext.payments")
    if stores.any() and payments.any():
        payers = {e.source for p in flagged(payments) for e in ctx.links_in.get(ctx.ids[p], ())}
        for row in flagged(stores):
            r = ctx.r(row)
            if any(e.source in payers and e.kind == "request" for e in ctx.links_in.get(r.id, ())):
                yield ctx.finding("DATA-STORE-FIT", "info", r.id, f"{r.name} ({r.kind}) records what a payment "
                                  f"call decides: {MONEY_ROW}.", "Keep the ledger in a relational store (PostgreSQL "
                                  "with a standby and replicas, sharded by account when it outgrows one primary).",
                                  code="store_fit")


@fixer("DATA-STORE-FIT")
def fix_store_fit(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    cid = finding.component
    r = result.components[cid]
    if r.behaviour != Behaviour.SQL_PRIMARY.value:
        return None  # the money row: a migration the authors plan, not a swap
    b = FixBuilder(plan)
    b.op("swap_kind", component=cid, kind="wide.cassandra")
    fold_replicas(b, plan, cid)  # a wide-column store keeps its own copies
    return b.fix("DATA-STORE-FIT", cid, f"Make {r.name} a wide-column store (Cassandra, replication factor 3), "
                 "keeping its links.")
