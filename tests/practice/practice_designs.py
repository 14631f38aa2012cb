"""Hand-made designs for the practice tests: a good Twitter design (the reference template spread over two
zones, each zone's copy of a stateless pool sized to carry the whole peak) and bad ones built by hand."""

from __future__ import annotations

from archplan.planner.engine import compute
from archplan.planner.model import Component, Group, Link, Plan, TrafficProfile
from archplan.planner.practice.prompts import load_prompt, reference


def zoned(plan: Plan, pools: tuple[str, ...]) -> Plan:
    """Each pool in `pools` doubled into zones a and b, both copies behind the same callers and calling the same
    targets, each with a fixed count = what the engine sizes the pool to for the whole peak."""
    sized = compute(plan)
    components, links = [], list(plan.links)
    for c in plan.components:
        if c.id not in pools:
            components.append(c)
            continue
        count = max(2, int(sized.components[c.id].count))
        components.append(c.model_copy(update={"group": "zone-a", "instances": count}))
        components.append(c.model_copy(update={"id": f"{c.id}-b", "name": f"{c.name} (b)", "group": "zone-b",
                                               "instances": count}))
    for lk in plan.links:
        if lk.source in pools or lk.target in pools:
            source = f"{lk.source}-b" if lk.source in pools else lk.source
            target = f"{lk.target}-b" if lk.target in pools else lk.target
            if lk.target in pools and lk.share is not None:
                half = lk.share / 2
                links[links.index(lk)] = lk.model_copy(update={"share": half})
                links.append(lk.model_copy(update={"id": f"{lk.id}-b", "source": source, "target": target,
                                                   "share": half}))
            else:
                links.append(lk.model_copy(update={"id": f"{lk.id}-b", "source": source, "target": target}))
    groups = [*plan.groups, Group(id="zone-a", name="Zone A", kind="zone"),
              Group(id="zone-b", name="Zone B", kind="zone")]
    return plan.model_copy(update={"components": components, "links": links, "groups": groups})


def good_twitter() -> Plan:
    """The reference design with its stateless pools in two zones."""
    ref = reference("twitter").plan.model_copy(deep=True)
    return zoned(ref, ("timeline-svc", "tweet-svc", "workers"))


def single_db_twitter() -> Plan:
    """Clients -> load balancer -> one service -> one PostgreSQL: every read and write on one database."""
    prompt = load_prompt("twitter")
    return Plan(
        name="Twitter on one database",
        traffic=TrafficProfile.model_validate(prompt.traffic.model_dump()),
        components=[Component(id="mobile", kind="client.mobile", name="Mobile"),
                    Component(id="lb", kind="lb.alb", name="Load balancer"),
                    Component(id="app", kind="service.go", name="App"),
                    Component(id="db", kind="db.postgres", name="Database")],
        links=[Link(id="l1", source="mobile", target="lb"), Link(id="l2", source="lb", target="app"),
               Link(id="l3", source="app", target="db")])


def good_run(plan: Plan, prompt_id: str = "twitter", level: str = "senior", **changes):
    """A complete practice record that earns every point its answers can: the core scope, numeric NFRs, the
    reference figures as estimates (computed, never typed in), predictions equal to the engine's figures for
    `plan`, two argued trade-offs and a timeline inside every step's budget."""
    from archplan.planner.practice.estimation import graded_keys, reference_figures
    from archplan.planner.practice.record import PracticeRun, Predictions, TimelineEvent, TradeOff
    from archplan.planner.practice.steps import BUDGETS, STEP_IDS

    prompt = load_prompt(prompt_id)
    result = compute(plan)
    figures = reference_figures(prompt)
    t, timeline = 0.0, [TimelineEvent(t=0, event="start")]
    for sid, minutes in zip(STEP_IDS, BUDGETS[level]):
        timeline.append(TimelineEvent(t=t, event="step", step=sid))
        t += minutes * 60 * 0.9
    timeline.append(TimelineEvent(t=t, event="end"))
    nfrs = {}
    for n in prompt.non_functional:
        nfrs[n.id] = {"latency": f"p99 {n.target or '200 ms'}", "availability": n.target or "99.9 %",
                      "consistency": (n.accepted or n.options or ("eventual",))[0]}.get(n.kind, n.target or "5 years")
    decisions = prompt.decisions[:2]
    fields = {
        "prompt": prompt_id, "level": level, "started_at": "2026-12-03T12:00:00Z",
        "in_scope": [f.id for f in prompt.functional if f.core],
        "out_of_scope": [f.id for f in prompt.functional if f.distractor],
        "nfrs": nfrs, "read_write_ratio": prompt.read_write_ratio, "entities": list(prompt.entities),
        "assumptions": {"mau": prompt.traffic.mau, "active_ratio": prompt.traffic.active_ratio}
        if prompt.traffic.dau is None else {"dau": prompt.traffic.dau},
        "estimates": {k: figures[k].value for k in graded_keys(prompt, level)},
        "work": {k: figures[k].text() for k in graded_keys(prompt, level)},
        "implications": ["so the tweets need a sharded store and timelines a cache"], "revealed": True,
        "seeded_from": "reference",
        "predictions": Predictions(bottleneck=result.bottleneck, spofs=sorted(result.spofs),
                                availability=result.totals.availability, monthly_cost=result.totals.monthly_cost),
        "tradeoffs": [TradeOff(decision=d.id, chosen=d.options[0].id, rejected=d.options[1].id,
                            reason="the numbers: reads outnumber writes") for d in decisions],
        "next_10x": "shard the timeline cache further and move celebrities to pull", "timeline": timeline}
    fields.update(changes)
    return PracticeRun(**fields)


def with_run(plan: Plan, run) -> Plan:
    return plan.model_copy(update={"practice": run})
