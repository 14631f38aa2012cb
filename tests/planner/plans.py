"""Small plan builders for planner tests (not a test module)."""

from __future__ import annotations

from archplan.planner import edit
from archplan.planner.model import Plan


class PlanBuilder:
    """Fluent helper: b.add("web", "client.web").add("svc", "service.go").link("web", "svc")."""

    def __init__(self, **traffic):
        self.plan = Plan(name="Test plan")
        defaults = {"dau": 8_640_000, "reads_per_user": 10, "writes_per_user": 1, "peak_factor": 2}
        defaults.update(traffic)
        edit.update_traffic(self.plan, **defaults)
        edit.update_settings(self.plan, network_hop_ms=0)

    def add(self, cid: str, kind: str, **fields) -> PlanBuilder:
        edit.add_component(self.plan, edit.new_component(self.plan, kind, name=fields.pop("name", cid), id=cid,
                                                         **fields))
        return self

    def link(self, source: str, target: str, kind: str | None = None, **fields) -> PlanBuilder:
        edit.add_link(self.plan, edit.new_link(self.plan, source, target, kind, **fields))
        return self

    def group(self, gid: str, members: list[str], **fields) -> PlanBuilder:
        from archplan.planner.model import Group

        edit.add_group(self.plan, Group(id=gid, name=fields.pop("name", gid), **fields), members)
        return self
