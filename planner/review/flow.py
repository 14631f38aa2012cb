"""
FLOW: how the parts interact - queues whose consumers cannot keep up or that nothing consumes, retries that
multiply load during an outage, payments that could be charged twice, synchronous hops the answer does not
need, tails past the latency target (docs/review-rules.md section 8).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.model import Plan
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import (
    Context,
    availability_target,
    check,
    define,
    evidence,
    fixer,
    flagged,
    has_latency_target,
    p99_target,
)
from archplan.planner.review.figures import measure
from archplan.planner.review.operations import Fix, FixBuilder

#: SRE book ch. 21: at most three attempts per request, retries under 10 % of requests.
MAX_RETRIES, RETRY_BUDGET = 2, 0.1
#: Hops a synchronous answer does not need (notify, metrics, background work).
OFF_PATH = (Behaviour.NOTIFICATION, Behaviour.METRICS, Behaviour.WORKER)

define("FLOW-QUEUE-LAG", "FLOW", "Queue consumers cannot keep up",
       "capacity-model.md \"Queue / pub-sub log\"; AWS Well-Architected REL05-BP04; Azure Competing Consumers "
       "pattern; system-design-primer \"Back pressure\"")
define("FLOW-QUEUE-NO-CONSUMER", "FLOW", "Nothing consumes a queue", "capacity-model.md \"Queue / pub-sub log\"")
define("FLOW-RETRY-STORM", "FLOW", "Retries multiply the load during an outage",
       "Google SRE book ch. 21 \"Handling Overload\", ch. 22; AWS Well-Architected REL05-BP03; M. Brooker, "
       "\"Exponential Backoff And Jitter\"; Amazon Builders' Library \"Timeouts, retries, and backoff with jitter\"")
define("FLOW-PAY-IDEMPOTENCY", "FLOW", "A payment call that can run twice",
       "AWS Well-Architected REL04-BP04, REL05-BP03; Stripe \"Idempotent requests\"")
define("FLOW-SYNC-CHAIN", "FLOW", "A synchronous hop the answer does not need",
       "AWS Well-Architected REL04-BP02, REL05-BP01; Azure Queue-Based Load Leveling pattern; system-design-primer "
       "\"Asynchronism\"; capacity-model.md (series availability)")
define("FLOW-P99", "FLOW", "p99 response time past the target",
       "capacity-model.md \"Latency (queueing)\"; Azure WAF PE:01, PE:04; Google SRE book ch. 4; AWS "
       "Well-Architected REL05-BP05")


# ------------------------------------------------------------------------------------------ queues

@check
def queues(ctx: Context) -> Iterator[Finding]:
    extra, table = ctx.run.extra, ctx.table
    growing: set[int] = set()
    if "backlog_growth" in extra:
        rows, growth = extra["backlog_growth"]
        loss = dict(zip(*(v.tolist() for v in extra["loss_time"])))
        for row, value in zip(rows.tolist(), growth.tolist()):
            growing.add(row)
            r = ctx.r(row)
            yield ctx.finding("FLOW-QUEUE-LAG", "error", r.id, f"The consumers of {r.name} take less than the average "
                              f"arrival rate: the backlog grows by {units.format_count(value)} messages an hour, and "
                              f"messages expire unread after {units.format_duration(loss[row])}.",
                              "Add consumers (or set them to auto), or make each consume faster.",
                              [evidence(r.id, "backlog_growth", value, "msg/h")], code="queue_falling_behind")
    if "drain_time" in extra:
        rows, drain = extra["drain_time"]
        bound = table.param("drain_bound_s")
        for row, seconds in zip(rows.tolist(), drain.tolist()):
            if row in growing or seconds <= bound[row] * (1 + 1e-9):
                continue
            r = ctx.r(row)
            yield ctx.finding("FLOW-QUEUE-LAG", "warning", r.id, f"The consumers of {r.name} need "
                              f"{units.format_duration(seconds)} to work off the backlog of a peak "
                              f"({units.format_count(r.details.get('backlog', 0))} messages), longer than its "
                              f"{units.format_duration(bound[row])} bound: messages wait that long.",
                              "Add consumers (competing consumers) until the backlog drains within the bound.",
                              [evidence(r.id, "drain_time", seconds, "s"),
                               evidence(r.id, "backlog", r.details.get("backlog", 0.0), "messages")])
    queues = ctx.served & ctx.of(Behaviour.QUEUE, Behaviour.PUBSUB) & ~ctx.sending
    s = ctx.s
    for row in flagged(queues & (s.writes_avg + s.reads_avg > 0)):
        r = ctx.r(row)
        yield ctx.finding("FLOW-QUEUE-NO-CONSUMER", "warning", r.id, f"Nothing consumes {r.name}: its messages wait "
                          "until they expire.", "Link it to the workers or services that consume it.",
                          [evidence(r.id, "consumer_capacity", 0.0, "msg/s", "higher")], code="queue_no_consumer")


def _consumers(plan: Plan, qid: str) -> list[str]:
    return list(dict.fromkeys(lk.target for lk in plan.links if lk.source == qid and lk.kind != "health"))


@fixer("FLOW-QUEUE-LAG")
def fix_queue_lag(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    """Consumers sized for both bounds: capacity past the average, and a peak backlog drained within the
    bound, mu >= (peak D + T avg) / (D + T), each consumer at most at the target utilisation."""
    qid = finding.component
    q = result.components[qid]
    queue = plan.component(qid)
    capacity = q.details.get("consumer_capacity", 0.0)
    avg, peak = q.reads_avg + q.writes_avg, q.qps_peak
    duration, bound = queue.param("peak_duration_s"), queue.param("drain_bound_s")
    needed = max(avg * 1.01, (peak * duration + bound * avg) / (duration + bound))
    b = FixBuilder(plan)
    for cid in _consumers(plan, qid):
        comp = plan.component(cid)
        if not isinstance(comp.instances, int):
            continue
        if capacity > 0 and math.isfinite(capacity):
            n = math.ceil(comp.instances * needed / (capacity * plan.traffic.target_utilisation))
        else:
            n = comp.instances + 1
        b.op("set_instances", component=cid, instances=max(n, comp.instances + 1))
    if not b.ops:
        return None  # auto-sized or provider consumers: their capacity is not a count to raise here
    return b.fix("FLOW-QUEUE-LAG", qid, f"Size the consumers of {q.name} to drain a peak within "
                 f"{units.format_duration(bound)} (competing consumers).")


@fixer("FLOW-QUEUE-NO-CONSUMER")
def fix_no_consumer(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    qid = finding.component
    b = FixBuilder(plan)
    worker = b.new_id(f"{qid}-consumer")
    b.op("add_component", component=worker, kind="compute.worker", name=f"{plan.component(qid).name} consumer",
         near=qid, redundancy="ha")
    b.op("add_link", link=b.new_id(f"{qid}-to-{worker}"), source=qid, target=worker, kind="async")
    return b.fix("FLOW-QUEUE-NO-CONSUMER", qid, f"Add workers consuming {plan.component(qid).name}.")


# ------------------------------------------------------------------------------------------ retries, idempotency

def _outage(plan: Plan, result: PlanResult, cid: str) -> tuple[float, float, float] | None:
    """(attempts multiplier while the provider is down, requests/s at peak, provider limit/s)."""
    r = result.components.get(cid)
    if r is None:
        return None
    comp = plan.component(cid)
    kind = default_catalog()[comp.kind]
    limit = comp.capacity.get("write_qps") or kind.capacity.write_qps or comp.capacity.get("read_qps") \
        or kind.capacity.read_qps
    if not limit:
        return None
    retries, budget = comp.param("retries"), comp.param("retry_budget")
    multiplier = 1 + (min(retries, budget) if budget > 0 else retries)
    return multiplier, r.qps_peak, float(limit)


@measure("outage_utilisation")
def outage_utilisation(plan: Plan, result: PlanResult, owner: str) -> float | None:
    found = _outage(plan, result, owner)
    return None if found is None else found[0] * found[1] / found[2]


@check
def retries(ctx: Context) -> Iterator[Finding]:
    externals = ctx.served & ctx.of(Behaviour.EXTERNAL)
    if not externals.any():
        return
    tries = ctx.table.param("retries")
    for row in flagged(externals & (tries > 0) & (ctx.s.reads_peak + ctx.s.writes_peak > 0)):
        r = ctx.r(row)
        comp = ctx.table.components[row]
        found = _outage(ctx.plan, ctx.result, r.id)
        if found is None:
            continue
        multiplier, requests, limit = found
        storm = multiplier * requests / limit
        budget, jitter = comp.param("retry_budget"), comp.param("backoff_jitter")
        missing = [name for name, value in (("retry budget", budget), ("backoff with jitter", jitter)) if not value]
        if storm <= 1 and not missing:
            continue
        severity = "error" if storm > 1 and not budget else "warning"
        yield ctx.finding("FLOW-RETRY-STORM", severity, r.id, f"While {r.name} is down every call is retried "
                          f"{comp.param('retries'):g} times: {units.format_qps(requests)} of calls become "
                          f"{units.format_qps(requests * multiplier)}, {units.format_percent(storm, 0)} of its "
                          f"{units.format_qps(limit)} limit" + (f"; no {' or '.join(missing)} is declared"
                                                                if missing else "") + ".",
                          "Retry only next to the dependency, at most 3 attempts, within a budget of 10 % of calls "
                          "(parameter retry_budget 0.1), waiting an exponential backoff with full jitter "
                          "(backoff_jitter 1).", [evidence(r.id, "outage_utilisation", storm, "%")])


@fixer("FLOW-RETRY-STORM")
def fix_retries(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    cid = finding.component
    comp = plan.component(cid)
    b = FixBuilder(plan)
    if comp.param("retries") > MAX_RETRIES:
        b.op("set_param", component=cid, param="retries", value=float(MAX_RETRIES))
    b.op("set_param", component=cid, param="retry_budget", value=RETRY_BUDGET)
    b.op("set_param", component=cid, param="backoff_jitter", value=1.0)
    return b.fix("FLOW-RETRY-STORM", cid, f"Retry {comp.name} at most {MAX_RETRIES} times within a 10 % budget, "
                 "with exponential backoff and full jitter.")


@measure("double_charge_risk_per_day")
def double_charge(plan: Plan, result: PlanResult, owner: str) -> float | None:
    r = result.components.get(owner)
    if r is None:
        return None
    comp = plan.component(owner)
    if comp.param("idempotency") >= 1:
        return 0.0
    return r.qps_avg * units.DAY * comp.param("failure_rate")


@check
def idempotency(ctx: Context) -> Iterator[Finding]:
    payments = ctx.served & ctx.kind_ids("ext.payments")
    for row in flagged(payments & (ctx.table.param("idempotency") < 1)):
        r = ctx.r(row)
        risk = double_charge(ctx.plan, ctx.result, r.id) or 0.0
        yield ctx.finding("FLOW-PAY-IDEMPOTENCY", "error", r.id, f"Calls to {r.name} move money and can run twice "
                          f"(retries, a resubmitted form, at-least-once delivery), but no idempotency key is declared: "
                          f"up to {units.format_count(risk)} calls a day could charge twice.",
                          "Send an idempotency key with every call (parameter idempotency 1), claimed in a key store "
                          "before the call (TTL at least 24 h); consumers of payment events dedupe on it.",
                          [evidence(r.id, "double_charge_risk_per_day", risk, "calls/day")])


@fixer("FLOW-PAY-IDEMPOTENCY")
def fix_idempotency(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    pid = finding.component
    catalog = default_catalog()
    behaviour = {c.id: catalog[c.kind].behaviour for c in plan.components}
    b = FixBuilder(plan).op("set_param", component=pid, param="idempotency", value=1.0)
    for caller in dict.fromkeys(lk.source for lk in plan.links if lk.target == pid and lk.kind == "request"):
        keyed = any(lk.source == caller and behaviour.get(lk.target) in (Behaviour.CACHE, Behaviour.PARTITIONED)
                    for lk in plan.links)
        if keyed:
            continue
        keys = b.new_id("idempotency-keys")
        b.op("add_component", component=keys, kind="cache.redis", name="Idempotency keys", near=caller,
             redundancy="ha", retention=units.DAY)
        b.op("add_link", link=b.new_id(f"{caller}-to-{keys}"), source=caller, target=keys, kind="request",
             classes=["write"], fanout=1.0, label="claim key")
    return b.fix("FLOW-PAY-IDEMPOTENCY", pid, f"Declare idempotency keys on {plan.component(pid).name}, claimed in a "
                 "key store (24 h) before each call.")


# ------------------------------------------------------------------------------------------ sync chains, tails

def _sync_hops(ctx: Context, client: str) -> list:
    """Request edges on the client's synchronous paths into a hop the answer does not need."""
    seen, frontier, out = {client}, [client], []
    while frontier:
        cid = frontier.pop()
        for edge in ctx.links_out.get(cid, ()):
            if edge.kind != "request" or edge.target not in ctx.table.index:
                continue
            if ctx.behaviour_of(edge.target) in OFF_PATH:
                out.append(edge)
                continue
            if edge.target not in seen:
                seen.add(edge.target)
                frontier.append(edge.target)
    return out


def _p99_misses(ctx: Context, client) -> Iterator[tuple[str, float, float]]:
    """(operation, p99, budget) for each of a client's operations whose p99 is past its budget."""
    for op in ("read", "write"):
        limit = p99_target(ctx.settings, client.id, op)
        mean = client.read_latency if op == "read" else client.write_latency
        if limit is None or not mean:
            continue
        p99 = client.percentile(op, 0.99)
        if p99 > limit:
            yield op, p99, limit


def _missed(ctx: Context, client) -> list[str]:
    """The targets a client misses: 'p99 ...' / 'availability ...'."""
    missed = [f"{op} p99 {units.format_duration(p99)} > {units.format_duration(limit)}"
              for op, p99, limit in _p99_misses(ctx, client)]
    target_a = availability_target(ctx.settings, client.id)
    if target_a is not None and client.availability < target_a:
        missed.append(f"availability {units.format_availability(client.availability)} < "
                      f"{units.format_availability(target_a)}")
    return missed


@check
def sync_chain(ctx: Context) -> Iterator[Finding]:
    if not has_latency_target(ctx.settings) and availability_target(ctx.settings) is None:
        return
    reported: set[str] = set()
    for client in ctx.result.clients.values():
        missed = _missed(ctx, client)
        if not missed:
            continue
        for edge in _sync_hops(ctx, client.id):
            if edge.target in reported:
                continue
            reported.add(edge.target)
            hop = ctx.result.components[edge.target]
            yield ctx.finding("FLOW-SYNC-CHAIN", "warning", edge.target, f"{client.name} misses its target "
                              f"({'; '.join(missed)}) and waits on {hop.name}, called synchronously by "
                              f"{ctx.name(edge.source)} though the answer does not need it "
                              f"({units.format_duration(hop.latency)}, availability "
                              f"{units.format_availability(hop.availability)} in series).",
                              "Hand it to a queue: the request returns once the message is queued, a consumer does the "
                              "rest.", [evidence(client.id, "availability", client.availability, "availability",
                                                 "higher"),
                                        evidence(client.id, "write_p99", client.write_p99, "s"),
                                        evidence(client.id, "read_p99", client.read_p99, "s")],
                              components=[edge.source])


@fixer("FLOW-SYNC-CHAIN")
def fix_sync_chain(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    hop = finding.component
    links = [lk for lk in plan.links if lk.target == hop and lk.kind == "request"]
    if not links:
        return None
    b = FixBuilder(plan)
    for lk in links:
        queue = b.new_id(f"{hop}-queue")
        b.op("insert_between", link=lk.id, component=queue, kind="queue.sqs", name=f"{plan.component(hop).name} queue",
             out_link=b.new_id(f"{queue}-to-{hop}"), in_kind="async", out_kind="async")
    return b.fix("FLOW-SYNC-CHAIN", hop, f"Call {plan.component(hop).name} through a queue (asynchronously).")


@check
def tails(ctx: Context) -> Iterator[Finding]:
    if not has_latency_target(ctx.settings):
        return
    for client in ctx.result.clients.values():
        for op, p99, limit in _p99_misses(ctx, client):
            top = _top_contributor(ctx, client)
            saturated = not math.isfinite(p99)
            yield ctx.finding("FLOW-P99", "error" if saturated else "warning", client.id,
                              f"{client.name}'s {op}s take {units.format_duration(p99)} at the 99th percentile, past "
                              f"the {units.format_duration(limit)} budget"
                              + (f"; the slowest hop is {top.name} (p99 {units.format_duration(top.p99)})" if top
                                 else "") + ".",
                              "In order: more instances where queueing dominates (Erlang C tails fall fast as c "
                              "grows), a cache on the slowest read hop, unneeded hops made asynchronous, a timeout on "
                              "an external call below the target.",
                              [evidence(client.id, f"{op}_p99", p99, "s")], code="FLOW-P99",
                              components=[top.id] if top else ())


def _top_contributor(ctx: Context, client):
    needs = [ctx.result.components[c] for c in client.needs if c in ctx.result.components]
    needs = [r for r in needs if r.behaviour != "client"]
    return max(needs, key=lambda r: r.p99, default=None)


@fixer("FLOW-P99")
def fix_p99(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    """The cheapest candidate that meets the target, evaluated by recomputing: more instances on the
    queueing-bound hops of the client's path, from the one whose wait is the largest share of its time."""
    from archplan.planner.engine import compute
    from archplan.planner.review.operations import FixError, apply_operations

    client = result.clients.get(finding.component)
    if client is None:
        return None
    op = "read" if "read" in finding.figures[0].name else "write"
    target = p99_target(plan.settings, client.id, op)
    if target is None:
        return None
    catalog = default_catalog()
    candidates = []
    for cid in client.needs:
        r = result.components.get(cid)
        if r is None or r.latency <= 0 or not math.isfinite(r.latency):
            continue
        kind = catalog[r.kind]
        if kind.managed or kind.behaviour in (Behaviour.SQL_PRIMARY, Behaviour.CLIENT) or r.wait / r.latency < 0.05:
            continue
        candidates.append((r.wait / r.latency, cid, r.count))
    for _share, cid, count in sorted(candidates, reverse=True):
        for n in sorted({count + 1, count + 2, math.ceil(count * 1.5), count * 2}):
            b = FixBuilder(plan).op("set_instances", component=cid, instances=int(n))
            try:
                after = compute(apply_operations(plan, b.ops))
            except (FixError, ValueError):
                break
            if after.clients[client.id].percentile(op, 0.99) <= target:
                return b.fix("FLOW-P99", client.id, f"Run {n} instances of {plan.component(cid).name}: queueing "
                             f"there drives {client.name}'s {op} p99.")
    return None



