"""
The plan document: what a user draws and types, nothing computed.

A `Plan` holds a traffic profile, components (each of a catalog kind), links between them, groups
(zones, regions, tiers) and settings. Every field is validated on construction and on assignment;
numbers must be finite and non-negative, ids unique, links must point at existing components. Sizes,
counts, rates and durations accept human text ("1.5 KB", "10M", "300/s", "5y") and are stored as
plain numbers in base units (bytes, per second, seconds).

Derived figures (QPS, instances needed, storage, ...) are never stored here: see planner.engine.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
    model_validator,
)

from archplan.planner import units
from archplan.planner.catalog import CAPACITY_FIELDS, Behaviour, default_catalog
from archplan.planner.practice.record import PracticeRun

ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$"


def _finite(value: float) -> float:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ValueError("must be a finite number")
    return value


def _parser(parse):
    def parse_value(value: Any) -> Any:
        try:
            return parse(value)
        except units.UnitError as exc:
            raise ValueError(str(exc)) from None
    return parse_value


Finite = Annotated[float, AfterValidator(_finite)]
NonNegative = Annotated[float, Field(ge=0), AfterValidator(_finite)]
Fraction = Annotated[float, Field(ge=0, le=1), AfterValidator(_finite)]
Size = Annotated[float, BeforeValidator(_parser(units.parse_size)), Field(ge=0)]
Count = Annotated[float, BeforeValidator(_parser(units.parse_count)), Field(ge=0)]
#: People: at most a trillion (a hundred times humanity) keeps every derived figure finite.
Users = Annotated[float, BeforeValidator(_parser(units.parse_count)), Field(ge=0, le=1e12)]
#: Requests per user per day: at most a million (one every 86 ms, all day).
PerUser = Annotated[float, AfterValidator(_finite), Field(ge=0, le=1e6)]
Duration = Annotated[float, BeforeValidator(_parser(units.parse_duration)), Field(ge=0)]
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]
#: Budget types: human text or numbers ("$5k", "99.9%", "200ms", "2x"), stored in base units.
Money = Annotated[float, BeforeValidator(_parser(units.parse_money)), Field(ge=0)]
Share = Annotated[float, BeforeValidator(_parser(units.parse_fraction)), Field(ge=0, le=1)]
Multiplier = Annotated[float, BeforeValidator(_parser(units.parse_multiplier)), Field(gt=0, le=1e6)]
Name = Annotated[str, Field(min_length=1, max_length=200)]

Flavour = Literal["generic", "aws", "gcp", "onprem"]
LinkKind = Literal["request", "async", "replication", "event", "health"]
TrafficClass = Literal["read", "write", "media_read", "media_write"]
TRAFFIC_CLASSES: tuple[str, ...] = ("read", "write", "media_read", "media_write")
Redundancy = Literal["default", "none", "ha", "n+1"]
#: How an arrow is drawn: a straight line (through its bends), or horizontal and vertical segments.
Route = Literal["straight", "orthogonal"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)


class Position(_Model):
    x: Finite = 0.0
    y: Finite = 0.0


class TrafficProfile(_Model):
    """Who uses the system and how: the input every figure is derived from."""

    dau: Users | None = Field(1_000_000, description="Daily active users. Leave empty to use MAU x active ratio.")
    mau: Users | None = Field(None, description="Monthly active users (used with the active ratio when DAU is empty).")
    active_ratio: Fraction = Field(0.2, description="Share of monthly users active on a given day.")
    reads_per_user: PerUser = Field(10, description="Reads (page views, queries, downloads) per user per day.")
    writes_per_user: PerUser = Field(1, description="Writes (posts, uploads, updates) per user per day.")
    peak_factor: Finite = Field(2.0, ge=1, description="Peak rate / average rate (average = daily volume / 86,400 s).")
    request_size: Size = Field(1_000, description="Bytes a client sends per write request.")
    response_size: Size = Field(10_000, description="Bytes returned per read.")
    record_size: Size = Field(1_000, description="Bytes stored per write (the database row or document).")
    media_fraction: Fraction = Field(0.0, description="Share of writes that carry a media object (image, video, file).")
    media_size: Size = Field(0, description="Bytes of one media object.")
    media_read_fraction: Fraction = Field(0.0, description="Share of reads that fetch a media object.")
    retention: Duration = Field(5 * units.YEAR, description="How long data is kept (storage is sized for it).")
    yearly_growth: Finite = Field(0.0, ge=0, le=100,
                                  description="Growth of traffic per year (0.5 = +50 %/year), compounding.")
    replication_factor: Finite = Field(1, ge=1, le=100, description="Copies of stored data (storage x this).")
    target_utilisation: Finite = Field(0.7, gt=0, le=1,
                                       description="Planned ceiling of utilisation per instance at peak.")

    @model_validator(mode="after")
    def _users_given(self) -> TrafficProfile:
        if self.dau is None and self.mau is None:
            raise ValueError("give either dau or mau (with active_ratio)")
        return self

    @property
    def daily_active_users(self) -> float:
        return self.dau if self.dau is not None else (self.mau or 0.0) * self.active_ratio


class Endpoint(_Model):
    """An API endpoint served by a component, with its share of the component's traffic."""

    name: Name
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "GET"
    path: str = Field("/", pattern=r"^/[^\s]*$", max_length=500)
    operation: Literal["read", "write"] = "read"
    share: Fraction = Field(1.0, description="Share of the component's reads (or writes) that hit this endpoint.")
    payload_size: Size = Field(0, description="Bytes in the request (write) or response (read); 0 = profile default.")


class Component(_Model):
    """A box on the diagram: one catalog kind with its own name, count, overrides and parameters."""

    id: Identifier
    kind: str = Field(description="Catalog kind id, e.g. 'cache.redis'.")
    name: Name
    position: Position = Field(default_factory=Position)
    flavour: Flavour = "generic"
    instances: int | Literal["auto"] = Field("auto", description="Instance / replica / shard / node count, or auto.")
    redundancy: Redundancy = Field("default", description="none; ha = at least 2; n+1 = one spare beyond need.")
    capacity: dict[str, float] = Field(default_factory=dict,
                                       description="Overrides of the kind's per-instance figures.")
    params: dict[str, float] = Field(default_factory=dict, description="Overrides of the kind's behaviour parameters.")
    peak_factor: Finite | None = Field(None, ge=1, description="Overrides the profile's peak factor here.")
    record_size: Size | None = Field(None, description="Bytes this component keeps per write (empty = the profile's).")
    retention: Duration | None = Field(None, description="How long this component keeps data (empty = the profile's).")
    group: Identifier | None = Field(None, description="Id of the group (zone / region / tier) holding it.")
    notes: str = Field("", max_length=20_000)
    endpoints: list[Endpoint] = Field(default_factory=list)
    workers: int | None = Field(
        None, ge=1, le=1_000_000,
        description="Requests one instance serves at once (cores for CPU-bound work, a thread or connection "
                    "pool). Empty: capacity x service time (Little's law). c = instances x workers.")

    @model_validator(mode="after")
    def _check_kind_and_overrides(self) -> Component:
        catalog = default_catalog()
        if self.kind not in catalog:
            raise ValueError(f"kind {self.kind!r} is not a known component kind")
        if isinstance(self.instances, int) and not 1 <= self.instances <= 1_000_000:
            raise ValueError(f"instances {self.instances} must be between 1 and 1,000,000 or 'auto'")
        for field, value in self.capacity.items():
            if field not in CAPACITY_FIELDS:
                raise ValueError(f"capacity override {field!r} is not one of {', '.join(CAPACITY_FIELDS)}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"capacity override {field}={value!r} must be a finite number >= 0")
            if field == "availability" and value > 1:
                raise ValueError(f"capacity override availability={value!r} must be at most 1")
        if not self.params:
            return self
        specs = catalog[self.kind].param_specs()
        for name, value in self.params.items():
            if name not in specs:
                known = ", ".join(specs) or "none"
                raise ValueError(f"parameter {name!r} does not apply to {self.kind} (known: {known})")
            spec = specs[name]
            if not math.isfinite(value) or not spec.minimum <= value <= spec.maximum:
                raise ValueError(f"parameter {name}={value!r} must be between {spec.minimum:g} and {spec.maximum:g}")
        return self

    def param(self, name: str) -> float:
        """The parameter's value: this component's override, else the kind's default."""
        if name in self.params:
            return self.params[name]
        return default_catalog()[self.kind].param_defaults()[name]


class Link(_Model):
    """A directed edge: traffic from `source` to `target`.

    `share` is the fraction of what the source emits (per class) that takes this link; `fanout` is
    the number of downstream requests each upstream one becomes. With neither set, request links of a
    source split what no other link claims equally, and async/event links carry everything (fan-out 1).
    `classes` lists the traffic classes the link carries; empty (None) means the default for its
    target: reads only into a read replica (a replica takes reads; the writes it replays arrive by its
    replication link), every class elsewhere (planner.graph.link_classes).
    """

    id: Identifier
    source: Identifier
    target: Identifier
    kind: LinkKind = "request"
    share: Fraction | None = None
    fanout: Finite | None = Field(None, ge=0, le=1e6)
    classes: list[TrafficClass] | None = Field(
        None, description="Traffic classes carried; empty: all, except reads only into a read replica.")
    deliver_as: Literal["read", "write"] | None = Field(
        None, description="What the traffic becomes at the target: an event or a log line is a write to the index "
                          "that receives it, whatever request caused it. Empty: as sent (events: write).")
    label: str = Field("", max_length=200)
    waypoints: list[Position] = Field(default_factory=list, max_length=100,
                                      description="Bends of the drawn arrow, in order (drawing only, no figure).")
    route: Route = Field("straight", description="Drawn straight (through its bends) or with right angles.")

    @property
    def delivered_as(self) -> str | None:
        """The effective conversion: events are writes to whatever consumes them."""
        return self.deliver_as or ("write" if self.kind == "event" else None)

    @model_validator(mode="after")
    def _check(self) -> Link:
        if self.source == self.target:
            raise ValueError(f"link {self.id!r} connects {self.source!r} to itself")
        if self.share is not None and self.fanout is not None:
            raise ValueError(f"link {self.id!r}: give a share or a fan-out factor, not both")
        if self.classes is not None and len(set(self.classes)) != len(self.classes):
            raise ValueError(f"link {self.id!r}: traffic classes repeat")
        return self


class Group(_Model):
    """A zone, region or tier drawn around components."""

    id: Identifier
    name: Name
    kind: Literal["zone", "region", "tier", "group"] = "zone"
    parent: Identifier | None = None


class ClientBudget(_Model):
    """What one client must experience (overrides the plan-wide budget of the same measure for it)."""

    min_availability: Share | None = Field(None, description="Least share of the client's requests served.")
    max_read_p99: Duration | None = Field(None, description="Most time 99 % of the client's reads take, end to end.")
    max_write_p99: Duration | None = Field(None, description="Most time 99 % of the client's writes take, end to end.")


class ComponentBudget(_Model):
    """What one component must hold to (its utilisation budget overrides the plan-wide one)."""

    max_utilisation: Share | None = Field(None, description="Highest utilisation at peak with the deployed count.")
    max_p99: Duration | None = Field(None, description="Most time 99 % of the component's requests take at peak.")
    min_availability: Share | None = Field(None, description="Least availability of the component.")


class Budgets(_Model):
    """Limits the design must meet, checked by `archplan check`, the results header and the PDF
    (planner.budgets). Every field is optional: empty means no budget. Plan-wide client budgets apply to
    every client, the utilisation budget to every component, unless a client or component has its own."""

    max_monthly_cost: Money | None = Field(None, description="Most the plan may cost per month (USD).")
    min_availability: Share | None = Field(None, description="Least availability of every client (e.g. 99.9%).")
    max_read_p99: Duration | None = Field(None, description="Most time 99 % of every client's reads take.")
    max_write_p99: Duration | None = Field(None, description="Most time 99 % of every client's writes take.")
    min_headroom: Multiplier | None = Field(
        None, description="Least traffic multiplier before the first component passes its ceiling (breaking "
                          "point): 2x = today's traffic may double.")
    max_utilisation: Share | None = Field(None, description="Highest utilisation at peak of any component.")
    clients: dict[Identifier, ClientBudget] = Field(default_factory=dict, description="Budgets per client id.")
    components: dict[Identifier, ComponentBudget] = Field(default_factory=dict,
                                                          description="Budgets per component id.")


class IgnoredFinding(_Model):
    """A design-review finding the plan's authors accepted (planner/review): it stays quiet, with the reason."""

    rule: str = Field(min_length=1, max_length=64, description="Rule id, e.g. 'REL-SPOF-LB'.")
    component: Identifier | None = Field(None, description="The component it is about (empty: the plan as a whole).")
    reason: str = Field(min_length=1, max_length=2_000, description="Why the finding is accepted.")


class Settings(_Model):
    default_redundancy: Literal["none", "ha", "n+1"] = Field(
        "none", description="Redundancy for components that keep 'default'.")
    network_hop_ms: Finite = Field(0.5, ge=0, le=10_000,
                                   description="Added per synchronous hop (datacenter round trip).")
    manual_detection_s: NonNegative = Field(
        1_800, description="Time to notice a failure where no health check watches the component.")
    currency: Literal["USD"] = "USD"
    budgets: Budgets = Field(default_factory=Budgets, description="Limits the design must meet (archplan check).")
    ignored_findings: list[IgnoredFinding] = Field(
        default_factory=list, description="Design-review findings accepted with a reason (they stay quiet).")


#: Traffic inputs a plan may give as a range (Plan.ranges, planner.ranges).
RANGE_INPUTS = ("dau", "mau", "active_ratio", "reads_per_user", "writes_per_user", "peak_factor", "request_size",
                "response_size", "record_size", "media_fraction", "media_size", "media_read_fraction", "retention",
                "yearly_growth", "replication_factor", "target_utilisation")


class Plan(_Model):
    """The whole document."""

    name: Name = "Untitled plan"
    description: str = Field("", max_length=100_000)
    traffic: TrafficProfile = Field(default_factory=TrafficProfile)
    components: list[Component] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    settings: Settings = Field(default_factory=Settings)
    ranges: dict[str, tuple[NonNegative, NonNegative]] = Field(
        default_factory=dict,
        description="Traffic inputs known only within a range: {input: [low, high]} in base units (planner.ranges "
                    "shows every figure low / expected / high). Empty: the traffic profile's point values.")
    practice: PracticeRun | None = Field(
        None, description="An interview practice run on this plan: the candidate's answers and timeline "
                          "(planner.practice). Empty for an ordinary plan.")

    @model_validator(mode="after")
    def _check_ranges(self) -> Plan:
        for name, (low, high) in self.ranges.items():
            if name not in RANGE_INPUTS:
                raise ValueError(f"range of {name!r}: not a traffic input (one of {', '.join(RANGE_INPUTS)})")
            if low > high:
                raise ValueError(f"range of {name}: low {low:g} is above high {high:g}")
            for end in (low, high):
                try:
                    TrafficProfile.model_validate({**self.traffic.model_dump(), name: end})
                except ValidationError as exc:
                    problem = exc.errors()[0]["msg"] if exc.errors() else str(exc)
                    raise ValueError(f"range of {name}: {end:g} is not a valid value ({problem})") from None
        return self

    @model_serializer(mode="wrap")
    def _omit_no_ranges(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A plan without ranges (or without a practice run) is saved exactly as before they existed."""
        data = handler(self)
        if isinstance(data, dict):
            if not self.ranges:
                data.pop("ranges", None)
            if self.practice is None:
                data.pop("practice", None)
        return data
    notes: str = Field("", max_length=200_000,
                       description="The design's notes in Markdown: requirements, decisions, open questions "
                                   "(printed in the PDF).")

    @model_validator(mode="after")
    def _check_references(self) -> Plan:
        problems = consistency_problems(self)
        if problems:
            raise ValueError("; ".join(problems[:5])
                             + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
        return self

    def component(self, component_id: str) -> Component:
        for component in self.components:
            if component.id == component_id:
                return component
        raise KeyError(f"no component with id {component_id!r}")

    def link(self, link_id: str) -> Link:
        for link in self.links:
            if link.id == link_id:
                return link
        raise KeyError(f"no link with id {link_id!r}")

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(f"no group with id {group_id!r}")


def consistency_problems(plan: Plan) -> list[str]:
    """Cross-object problems: duplicate ids, links to missing components, unknown groups."""
    problems: list[str] = []
    seen: set[str] = set()
    for where, items in (("component", plan.components), ("link", plan.links), ("group", plan.groups)):
        for item in items:
            if item.id in seen:
                problems.append(f"duplicate id {item.id!r} ({where})")
            seen.add(item.id)
    component_ids = {c.id for c in plan.components}
    group_ids = {g.id for g in plan.groups}
    for link in plan.links:
        for end in ("source", "target"):
            ref = getattr(link, end)
            if ref not in component_ids and ref not in group_ids:
                problems.append(f"link {link.id!r} {end} {ref!r} is not a component or group")
    for component in plan.components:
        if component.group is not None and component.group not in group_ids:
            problems.append(f"component {component.id!r} is in unknown group {component.group!r}")
    parents = {g.id: g.parent for g in plan.groups}
    for group in plan.groups:
        if group.parent is not None and group.parent not in group_ids:
            problems.append(f"group {group.id!r} has unknown parent {group.parent!r}")
        seen, current = {group.id}, group.parent
        while current in parents:
            if current in seen:
                problems.append(f"group {group.id!r} is nested inside itself (parent chain loops)")
                break
            seen.add(current)
            current = parents[current]
    return problems


READ_ONLY = ("read", "media_read")


def default_classes(link_kind: str, into_replica: bool) -> tuple[str, ...]:
    """What a link whose classes are unset carries: reads only into a read replica (it serves reads;
    the writes it replays arrive by its replication link, capacity-model.md "SQL primary + read
    replicas"), every class elsewhere."""
    if into_replica and link_kind != "replication":
        return READ_ONLY
    return TRAFFIC_CLASSES


def link_classes(plan: Plan, link: Link) -> tuple[str, ...]:
    """The classes a link carries, its own or the default for its target (for the inspector, exports)."""
    if link.classes is not None:
        return tuple(link.classes)
    catalog = default_catalog()
    kinds = {c.id: c.kind for c in plan.components}
    target = kinds.get(link.target)
    replica = target is not None and catalog[target].behaviour is Behaviour.SQL_REPLICA
    return default_classes(link.kind, replica)


_SLUG = re.compile(r"[^a-z0-9]+")


def new_id(prefix: str, taken: set[str] | frozenset[str]) -> str:
    """A fresh, readable id: 'cache', 'cache-2', ... (prefix is slugified)."""
    base = _SLUG.sub("-", prefix.lower()).strip("-")[:40] or "item"
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
