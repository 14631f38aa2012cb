"""
OPS: monitoring and notifications - components nothing watches, heartbeats too slow to notice a failure,
failed payments that reach nobody (docs/review-rules.md section 7; seed "Monitoring").
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from archplan.planner import units
from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.model import Plan
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review.base import Context, availability_target, check, define, evidence, fixer, flagged
from archplan.planner.review.figures import measure
from archplan.planner.review.operations import Fix, FixBuilder

#: (D) Detection slower than this (interval x misses + timeout) is too slow.
SLOW_DETECTION_S = 300.0
#: The seed's and the AWS target-group default: a probe every 30 s, two misses.
GOOD_INTERVAL_S, GOOD_MISSES = 30.0, 2.0

define("OPS-HEALTH-MISSING", "OPS", "No health check watches a component",
       "seed \"Monitoring\" (cron health check, two missed heartbeats, restart or page); AWS Well-Architected "
       "REL06-BP01, REL11-BP01, REL11-BP03; Azure WAF RE:10 and Health Endpoint Monitoring pattern")
define("OPS-DETECT-SLOW", "OPS", "Failures noticed too late",
       "seed \"Monitoring\" (2-3 missed heartbeats before deciding); AWS ELB target-group health checks (30 s, 2 "
       "failures, 5 s timeout); Google SRE Workbook ch. 5")
define("OPS-NOTIFY-FAILED", "OPS", "Failed payments notify nobody",
       "seed \"Monitoring\" (failed events such as payments notify a team by Slack, email, SMS or a ticket); AWS "
       "Well-Architected REL06-BP03, REL11-BP06, REL05-BP04 (dead-letter queues with alarms)")


def unwatched(ctx: Context) -> np.ndarray:
    """Self-managed components on a request path that no health check and no load balancer probes."""
    table, t = ctx.table, ctx.t
    on_path = np.zeros(table.n, dtype=bool)
    request = t.request & t.carries.any(axis=1)
    on_path[t.target[request]] = True
    behind_lb = np.zeros(table.n, dtype=bool)
    lb = table.of(Behaviour.LOAD_BALANCER)
    behind_lb[t.target[request & lb[t.source]]] = True
    watched = np.zeros(table.n, dtype=bool)
    if table.of(Behaviour.MONITOR).any():
        index = table.index
        for edge in ctx.run.edges:
            if edge.kind == "health" and edge.target in index:
                watched[index[edge.target]] = True
    own = ~table.managed & ~table.of(Behaviour.CLIENT, Behaviour.MONITOR)
    return ctx.served & own & on_path & ~behind_lb & ~watched & (ctx.s.reads_avg + ctx.s.writes_avg > 0)


@check
def health(ctx: Context) -> Iterator[Finding]:
    rows = unwatched(ctx)
    if not rows.any():
        return
    ids = [ctx.ids[r] for r in flagged(rows)]
    names = [ctx.name(c) for c in ids[:6]]
    target = availability_target(ctx.settings)
    manual = ctx.settings.manual_detection_s
    shown = ", ".join(names[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    first = ctx.result.components[ids[0]]
    figures = [evidence(ids[0], "availability", first.availability, "availability", "higher")]
    if ctx.result.clients:
        worst = min(ctx.result.clients.values(), key=lambda c: c.availability)
        figures.insert(0, evidence(worst.id, "availability", worst.availability, "availability", "higher"))
    yield ctx.finding("OPS-HEALTH-MISSING", "warning" if target is not None else "info", None,
                      f"No health check watches {shown}: a failure there is noticed by hand, after about "
                      f"{units.format_duration(manual)}, and each one stays down that long.",
                      "Add a health check (every 30 s, down after two misses) on them, with an alert route to the "
                      "team and an automatic restart where the kind allows.", figures, components=ids)


@fixer("OPS-HEALTH-MISSING")
def fix_health(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    present = {x.id for x in plan.components}
    ids = [c for c in finding.components if c in present]
    if not ids:
        return None
    catalog = default_catalog()
    monitors = [c.id for c in plan.components if catalog[c.kind].behaviour is Behaviour.MONITOR]
    b = FixBuilder(plan)
    if monitors:
        monitor = monitors[0]
    else:
        monitor = b.new_id("health")
        b.op("add_component", component=monitor, kind="obs.healthcheck", name="Health check", near=ids[0])
    for cid in ids:
        b.op("add_link", link=b.new_id(f"{monitor}-to-{cid}"), source=monitor, target=cid, kind="health")
    return b.fix("OPS-HEALTH-MISSING", None, f"Watch {len(ids)} component(s) with a health check (every 30 s, two "
                 "misses).")


@check
def detection(ctx: Context) -> Iterator[Finding]:
    rows = ctx.served & ctx.of(Behaviour.MONITOR)
    if not rows.any() or "detection_time" not in ctx.run.extra:
        return
    monitors, detect = ctx.run.extra["detection_time"]
    for row, seconds in zip(monitors.tolist(), detect.tolist()):
        if seconds <= SLOW_DETECTION_S:
            continue
        r = ctx.r(row)
        comp = ctx.table.components[row]
        yield ctx.finding("OPS-DETECT-SLOW", "warning", r.id, f"{r.name} declares a component down after "
                          f"{units.format_duration(seconds)} (every {units.format_duration(comp.param('interval_s'))} "
                          f"x {comp.param('misses'):g} misses + timeout): each failure stays down that long before "
                          "a restart begins.", "Probe every 30 s and decide after two misses (one miss alone raises "
                          "false alarms); let components push their errors to the metrics system as well.",
                          [evidence(r.id, "detection_time", seconds, "s")])


@fixer("OPS-DETECT-SLOW")
def fix_detection(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    cid = finding.component
    b = FixBuilder(plan)
    b.op("set_param", component=cid, param="interval_s", value=GOOD_INTERVAL_S)
    b.op("set_param", component=cid, param="misses", value=GOOD_MISSES)
    if plan.component(cid).param("timeout_s") > 5:
        b.op("set_param", component=cid, param="timeout_s", value=5.0)
    return b.fix("OPS-DETECT-SLOW", cid, f"Probe every 30 s, down after two misses ({plan.component(cid).name}).")


# ------------------------------------------------------------------------------------------ failed payments

def _reaches_notification(plan: Plan, start: str) -> bool:
    catalog = default_catalog()
    behaviour = {c.id: catalog[c.kind].behaviour for c in plan.components}
    out: dict[str, list[str]] = {}
    for lk in plan.links:
        if lk.kind != "health":
            out.setdefault(lk.source, []).append(lk.target)
    seen, frontier = {start}, [start]
    while frontier:
        for nxt in out.get(frontier.pop(), ()):
            if nxt in seen or behaviour.get(nxt) in (Behaviour.EXTERNAL, Behaviour.CLIENT):
                continue
            if behaviour.get(nxt) is Behaviour.NOTIFICATION:
                return True
            seen.add(nxt)
            frontier.append(nxt)
    return False


def _callers(plan: Plan, pid: str) -> list[str]:
    return list(dict.fromkeys(lk.source for lk in plan.links if lk.target == pid and lk.kind == "request"))


@measure("unnotified_failures_per_day")
def unnotified(plan: Plan, result: PlanResult, owner: str) -> float | None:
    """Failed calls a day of a payment provider whose callers have no route to a person."""
    r = result.components.get(owner)
    if r is None:
        return None
    callers = _callers(plan, owner)
    if not callers or all(_reaches_notification(plan, c) for c in callers):
        return 0.0
    return r.qps_avg * units.DAY * plan.component(owner).param("failure_rate")


@check
def notify_failed(ctx: Context) -> Iterator[Finding]:
    payments = ctx.served & ctx.kind_ids("ext.payments")
    for row in flagged(payments):
        r = ctx.r(row)
        lost = unnotified(ctx.plan, ctx.result, r.id)
        if not lost:
            continue
        yield ctx.finding("OPS-NOTIFY-FAILED", "error", r.id, f"Failed payments through {r.name} reach nobody: about "
                          f"{units.format_count(lost)} failed calls a day and no route from their outcome to email, "
                          "chat, SMS or a ticket.",
                          "Publish each failed outcome to a queue; a notifier worker tells the team (a ticket and an "
                          "email) off the request path, so user latency is unchanged.",
                          [evidence(r.id, "unnotified_failures_per_day", lost, "calls/day")],
                          components=_callers(ctx.plan, r.id))


@fixer("OPS-NOTIFY-FAILED")
def fix_notify(plan: Plan, result: PlanResult, finding: Finding) -> Fix | None:
    pid = finding.component
    callers = [c for c in _callers(plan, pid) if not _reaches_notification(plan, c)]
    if not callers:
        return None
    failure = plan.component(pid).param("failure_rate")
    b = FixBuilder(plan)
    queue = b.new_id("failed-payments")
    b.op("add_component", component=queue, kind="queue.sqs", name="Failed payments", near=callers[0])
    for caller in callers:
        b.op("add_link", link=b.new_id(f"{caller}-to-{queue}"), source=caller, target=queue, kind="async",
             classes=["write"], fanout=max(failure, 1e-6), label="failed")
    notifier = b.new_id("notifier")
    b.op("add_component", component=notifier, kind="compute.worker", name="Failure notifier", near=queue,
         redundancy="ha")
    b.op("add_link", link=b.new_id(f"{queue}-to-{notifier}"), source=queue, target=notifier, kind="async")
    for kind, name in (("notify.ticket", "Tickets"), ("notify.email", "Email to the team")):
        present = [c.id for c in plan.components if c.kind == kind]
        target = present[0] if present else b.new_id(kind.split(".")[-1])
        if not present:
            b.op("add_component", component=target, kind=kind, name=name, near=notifier)
        b.op("add_link", link=b.new_id(f"{notifier}-to-{target}"), source=notifier, target=target, kind="request",
             fanout=1.0, label="failed payment")
    return b.fix("OPS-NOTIFY-FAILED", pid, "Route failed payments to a queue, a notifier worker, a ticket and an "
                 "email.")
