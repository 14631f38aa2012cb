"""Plans for the design-review tests (not a test module): the naive design and per-rule fixtures."""

from __future__ import annotations

from plans import PlanBuilder

from archplan.planner import edit
from archplan.planner.io import load_plan
from archplan.planner.library import builtin_dir
from archplan.planner.model import Plan


def template(name: str) -> Plan:
    return load_plan(builtin_dir() / f"{name}.json")


def naive_plan() -> Plan:
    """What a first sketch often looks like: a read-heavy product with images on one SQL database, no cache,
    no CDN, no health check, one load balancer and one app server."""
    b = PlanBuilder(dau=5_000_000, reads_per_user=100, writes_per_user=0.2, record_size=1_000, retention="1y",
                    response_size=5_000, media_fraction=0.5, media_size="400KB", media_read_fraction=0.3)
    b.add("web", "client.web", name="Browsers").add("lb", "lb.nginx", name="Load balancer", instances=1)
    b.add("app", "service.go", name="App server", instances=1).add("db", "db.postgres", name="Database", instances=1)
    b.link("web", "lb").link("lb", "app").link("app", "db")
    return b.plan


def set_component(plan: Plan, cid: str, **changes) -> Plan:
    edit.update_component(plan, cid, **changes)
    return plan


def set_budgets(plan: Plan, **budgets) -> Plan:
    """Plan-wide budgets (settings.budgets), which the review's target rules read."""
    merged = {**plan.settings.budgets.model_dump(), **budgets}
    edit.update_settings(plan, budgets=merged)
    return plan


def set_param(plan: Plan, cid: str, **params) -> Plan:
    merged = {**plan.component(cid).params, **params}
    return set_component(plan, cid, params=merged)
