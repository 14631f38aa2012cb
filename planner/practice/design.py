"""
Checks of the candidate's drawn design that read its structure and its computed result: request paths per
functional requirement, the prompt's key design points and store kinds, durable copies, component count,
API endpoints, and the design review's findings by family. Load behaviour (peak, next 10x, a zone down) is
in planner.practice.load. Nothing here recomputes a figure: it reads the plan and the PlanResult.
"""

from __future__ import annotations

from collections import deque

from archplan.planner.catalog import default_catalog
from archplan.planner.graph import expand_links
from archplan.planner.model import Plan, link_classes
from archplan.planner.practice.points import Point, point
from archplan.planner.practice.prompts import Check, KeyPoint, Prompt
from archplan.planner.result import Finding, PlanResult
from archplan.planner.review import RULES, SEVERITY_LABEL

#: What ends a request of each class (its request path reaches one of these).
SERVES: dict[str, tuple[str, ...]] = {
    "read": ("cache", "cdn", "sql_primary", "sql_replica", "partitioned", "object_store", "search", "external"),
    "write": ("sql_primary", "partitioned", "object_store", "search", "pubsub", "queue", "external", "notification"),
    "media_read": ("cdn", "object_store", "partitioned", "sql_primary", "sql_replica", "cache"),
    "media_write": ("object_store", "partitioned", "sql_primary"),
}
CLASS_NAME = {"read": "reads", "write": "writes", "media_read": "media reads", "media_write": "media uploads"}
#: Kinds a component count leaves out (they carry no request path of their own).
NOT_COUNTED = ("client", "monitor", "metrics")
#: Review families scored inside the high-level design (the others have their own dimension).
HLD_FAMILIES = ("FLOW", "NET", "OPS", "ARCH")
#: Points lost per critical finding and per warning of a reviewed family.
CRITICAL_COST = 3.0
WARNING_COST = 1.0


def behaviours(plan: Plan) -> dict[str, str]:
    catalog = default_catalog()
    return {c.id: catalog[c.kind].behaviour.value for c in plan.components}


def reachable(plan: Plan, traffic: str) -> set[str]:
    """Components a request of `traffic` can reach from the clients, following the links that carry it (an
    event or a log line becomes a write of whatever consumes it)."""
    kinds = behaviours(plan)
    out: dict[str, list[tuple[str, str]]] = {}
    for edge in expand_links(plan):
        if edge.kind in ("request", "async", "event"):
            classes = link_classes(plan, edge.link)
            for cls in classes:
                out.setdefault(f"{edge.source}|{cls}", []).append((edge.target, edge.link.delivered_as or cls))
    seen: set[tuple[str, str]] = set()
    queue = deque((cid, traffic) for cid, b in kinds.items() if b == "client")
    reached: set[str] = set()
    while queue:
        node, cls = queue.popleft()
        if (node, cls) in seen:
            continue
        seen.add((node, cls))
        for target, carried in out.get(f"{node}|{cls}", ()):
            reached.add(target)
            queue.append((target, carried))
    return reached


def _live(result: PlanResult | None, cid: str) -> bool:
    if result is None or cid not in result.components:
        return True
    c = result.components[cid]
    return c.qps_peak > 0 or c.storage_total > 0


def _matches(plan: Plan, cid: str, check: Check, kinds: dict[str, str]) -> bool:
    kind = plan.component(cid).kind
    return kinds[cid] in check.behaviours or kind in check.kinds


def run_check(plan: Plan, result: PlanResult | None, check: Check) -> tuple[bool, str]:
    """(passed, what the plan has) for one structural check."""
    kinds = behaviours(plan)
    names = {c.id: c.name for c in plan.components}
    what = ", ".join((*check.behaviours, *check.kinds)).replace("_", " ")
    if check.type == "reaches":
        found = [c for c in reachable(plan, check.traffic or "read") if _matches(plan, c, check, kinds)
                 and _live(result, c)]
        if found:
            return True, f"{CLASS_NAME[check.traffic or 'read']} reach {', '.join(names[c] for c in sorted(found))}"
        return False, f"no {what} on the path of the {CLASS_NAME[check.traffic or 'read']}"
    if check.type == "not_direct":
        direct = [lk for lk in plan.links if lk.kind == "request" and kinds.get(lk.source) in check.behaviours
                  and kinds.get(lk.target) in check.to]
        if direct:
            return False, "; ".join(f"{names[lk.source]} calls {names[lk.target]} directly" for lk in direct[:4])
        return True, f"nothing calls a {', '.join(check.to)} directly from a {', '.join(check.behaviours)}"
    if check.type == "min_count":
        found = [c for c in kinds if _matches(plan, c, check, kinds) and _live(result, c)]
        ok = len(found) >= check.minimum
        return ok, f"{len(found)} {what} carrying traffic (at least {check.minimum:g} expected)"
    found = [c for c in plan.components if c.kind in check.kinds and check.param in c.params
             and c.params[check.param] >= check.minimum]
    if found:
        return True, f"{', '.join(c.name for c in found)} set {check.param} = {found[0].params[check.param]:g}"
    return False, f"no {what} with {check.param} >= {check.minimum:g}"


def checks_point(rule: str, dimension: str, title: str, maximum: float, points: tuple[KeyPoint, ...],
                  plan: Plan, result: PlanResult | None, advice: str) -> Point:
    if not points:
        return point(rule, dimension, title, maximum, 1.0, "The prompt asks for none.")
    passed, lines, missed = 0, [], []
    for kp in points:
        ok, detail = run_check(plan, result, kp.check)
        passed += ok
        lines.append(f"{'yes' if ok else 'no'}: {kp.text} ({detail})")
        if not ok:
            missed.append(f"{kp.text}: {kp.why}" + (f" {kp.source}" if kp.source else ""))
    sources = sorted({kp.source for kp in points if kp.source})
    if not missed:
        message = f"All {len(points)} present: " + "; ".join(kp.text for kp in points) + "."
    else:
        message = f"{passed} of {len(points)} present. Missing: " + " ".join(missed)
    return point(rule, dimension, title, maximum, passed / len(points), message,
                 advice="" if not missed else advice, work=tuple(lines), source=", ".join(sources))


# ------------------------------------------------------------------------------------------ points

def in_scope(prompt: Prompt, scope: list[str] | None):
    """The functional requirements the design must serve: those the candidate put in scope, else the core ones."""
    known = prompt.functional_by_id()
    if scope:
        return [known[f] for f in scope if f in known]
    return [f for f in prompt.functional if f.core]


def paths_point(prompt: Prompt, plan: Plan, result: PlanResult | None, scope: list[str] | None) -> Point:
    wanted = [f for f in in_scope(prompt, scope) if f.traffic]
    title = "A request path per requirement"
    if not wanted:
        return point("PRAC-HLD-PATHS", "high_level", title, 5, 1.0, "No requirement in scope needs traffic.")
    kinds, names = behaviours(plan), {c.id: c.name for c in plan.components}
    served, lines = 0, []
    cache: dict[str, set[str]] = {}
    for fr in wanted:
        reach = cache.setdefault(fr.traffic, reachable(plan, fr.traffic))
        ends = sorted(c for c in reach if kinds[c] in (fr.serves or SERVES[fr.traffic]) and _live(result, c))
        served += bool(ends)
        lines.append(f"{fr.text}: " + (f"{CLASS_NAME[fr.traffic]} reach {', '.join(names[c] for c in ends)}"
                                       if ends else f"no path takes the {CLASS_NAME[fr.traffic]} to a store"))
    missing = [line for line in lines if "no path" in line]
    message = (f"Each of the {len(wanted)} requirements has a request path from a client to where it is served."
               if not missing else f"{served} of {len(wanted)} requirements have a path. " + " ".join(missing))
    return point("PRAC-HLD-PATHS", "high_level", title, 5, served / len(wanted), message, work=tuple(lines),
                 advice="" if not missing else "Link the client through the services to the store that keeps or "
                 "answers it; give links the traffic classes they carry.", source="[I3]")


def size_point(prompt: Prompt, plan: Plan) -> Point:
    kinds = behaviours(plan)
    n = sum(1 for b in kinds.values() if b not in NOT_COUNTED)
    low, high = prompt.components
    title = "Component count"
    if low <= n <= high:
        return point("PRAC-HLD-SIZE", "high_level", title, 2, 1.0,
                     f"{n} components, inside the prompt's reference range {low}-{high}.")
    if n > high:
        return point("PRAC-HLD-SIZE", "high_level", title, 2, 0.0,
                     f"{n} components, above the reference range {low}-{high}: over-engineering is a red flag "
                     "when the requirements do not call for it.", advice="Merge what does not need its own "
                     "fleet; add parts when a number asks for them.", source="[I1]")
    return point("PRAC-HLD-SIZE", "high_level", title, 2, 0.0,
                 f"{n} components, below the reference range {low}-{high}: the design is missing parts the "
                 "requirements need.", advice="Compare with the key design points below.", source="[I1]")


def api_point(prompt: Prompt, plan: Plan, scope: list[str] | None) -> Point:
    wanted = {("read" if f.traffic in ("read", "media_read") else "write") for f in in_scope(prompt, scope)
              if f.traffic}
    declared = {e.operation for c in plan.components for e in c.endpoints}
    title = "An API call per requirement"
    if not wanted:
        return point("PRAC-HLD-API", "high_level", title, 1, 1.0, "No requirement in scope needs an API.")
    missing = sorted(wanted - declared)
    endpoints = [f"{e.method} {e.path} on {c.name}" for c in plan.components for e in c.endpoints]
    if not missing:
        return point("PRAC-HLD-API", "high_level", title, 1, 1.0,
                     f"Endpoints declared for {' and '.join(sorted(wanted))}: {', '.join(endpoints[:6])}.")
    return point("PRAC-HLD-API", "high_level", title, 1, 0.0,
                 f"No {' or '.join(missing)} endpoint is declared on any component.",
                 advice="Add the API calls to the service that serves them (inspector: Endpoints), e.g. "
                        "POST /v1/tweets, GET /v1/timeline.", source="[I3]")


def _family(finding: Finding) -> str:
    rule = RULES.get(finding.rule)
    return rule.family if rule else finding.rule.split("-", 1)[0]


def review_point(rule: str, dimension: str, title: str, maximum: float, result: PlanResult,
                 families: tuple[str, ...], rules: tuple[str, ...] = ()) -> Point:
    """Points lost to the design review's critical findings and warnings of some families (or rules)."""
    hits = tuple(f for f in result.findings if f.severity in ("error", "warning")
                 and (_family(f) in families or f.rule in rules))
    criticals = sum(1 for f in hits if f.severity == "error")
    warnings = len(hits) - criticals
    got = max(0.0, maximum - CRITICAL_COST * criticals - WARNING_COST * warnings)
    lines = tuple(f"[{SEVERITY_LABEL[f.severity]}] {f.rule}: {f.message}" + (f" Fix: {f.advice}" if f.advice else "")
                  for f in hits)
    where = ", ".join(families) if families else ", ".join(rules)
    if not hits:
        message = f"The design review has no critical finding or warning about this ({where} rules)."
    else:
        message = (f"The design review finds {criticals} critical and {warnings} warning{'s' if warnings != 1 else ''}"
                   f": " + " ".join(f"{f.rule}: {f.message}" for f in hits[:4]))
    sources = sorted({f.source for f in hits if f.source})
    return point(rule, dimension, title, maximum, got / maximum if maximum else 1.0, message, work=lines,
                 advice="Apply the review's fixes (Review panel, or archplan review --apply)." if hits else "",
                 source="; ".join(sources[:3]), findings=hits)


def copies_point(plan: Plan, result: PlanResult) -> Point:
    """Durable data has at least two copies: a primary with a standby or a replica, a shard group with a
    replication factor of 2 or more, or a managed store (replicated by its provider)."""
    catalog = default_catalog()
    kinds = behaviours(plan)
    fed = {lk.source for lk in plan.links if lk.kind == "replication"}
    lines, single = [], []
    for c in plan.components:
        b, r = kinds[c.id], result.components.get(c.id)
        if b not in ("sql_primary", "partitioned", "object_store", "search") or r is None or r.storage_total <= 0:
            continue
        if catalog[c.kind].managed:
            copies, why = 3, "managed: the provider keeps copies"
        elif b == "partitioned":
            rf = c.params.get("replication_factor", 0) or plan.traffic.replication_factor
            copies, why = int(rf), f"replication factor {rf:g}"
        elif b == "sql_primary":
            copies = max(r.count, 2 if c.id in fed else 1)
            why = f"{r.count} node{'s' if r.count != 1 else ''}" + (", a replica fed by replication" if c.id in fed
                                                                    else "")
        else:
            copies, why = r.count, f"{r.count} node{'s' if r.count != 1 else ''}"
        lines.append(f"{c.name}: {copies} cop{'ies' if copies != 1 else 'y'} ({why})")
        if copies < 2:
            single.append(c.name)
    title = "Durable data has copies"
    if not lines:
        return point("PRAC-DATA-COPIES", "data", title, 3, 1.0,
                     "No component keeps durable data, so there is nothing to copy.")
    if single:
        return point("PRAC-DATA-COPIES", "data", title, 3, 1 - len(single) / len(lines),
                     f"One copy only: {', '.join(single)}. Losing its disk loses the data.", work=tuple(lines),
                     advice="Give the primary a standby (redundancy ha) or a replica, a shard group a replication "
                            "factor of 3.", source="DDIA ch. 5")
    return point("PRAC-DATA-COPIES", "data", title, 3, 1.0, "Every store keeps at least two copies.",
                 work=tuple(lines))
