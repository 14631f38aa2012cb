"""
What a component card shows from the latest result: peak QPS, instance count, utilisation level,
bottleneck and single-point-of-failure marks, and the tooltip with the key figures.

Pure data (no painting) so the scene can compare the new badge with the old one and repaint only the
cards whose figures changed. Every number is formatted by planner.units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from archplan.planner import units
from archplan.planner.catalog import Behaviour, ComponentKind
from archplan.planner.model import Component

if TYPE_CHECKING:
    from archplan.planner.result import PlanResult


@dataclass(frozen=True)
class Badge:
    """The live figures of one card. `level` is none / ok / warn / over."""

    qps_text: str = "–"
    count_text: str = ""
    need_text: str = ""            # "need 5" when a fixed count is below the recommended one
    utilisation: float | None = None
    util_text: str = ""
    level: str = "none"
    bottleneck: bool = False
    spof: tuple[str, ...] = ()     # names cut off when this single instance fails

    @property
    def text(self) -> str:
        """Everything the badge row says, as one line (tests, accessibility)."""
        parts = [self.qps_text, self.count_text, self.need_text, self.util_text]
        if self.bottleneck:
            parts.append("bottleneck")
        return " ".join(p for p in parts if p)


EMPTY = Badge()


def _spof_ids(component: Component, result: PlanResult) -> tuple[str, ...]:
    """Ids of what clients lose when this single instance fails (names are looked up when shown, so a
    rename, which computes nothing, still shows the new name)."""
    cut = result.spofs.get(component.id)
    if cut is None:
        return ()
    return tuple(cut) or (component.id,)


#: The unformatted figures of a component's badge, read in one call (see `badge_inputs`).
_figures = attrgetter("qps_peak", "count", "recommended", "fixed", "utilisation", "ceiling")
_UNCOUNTED = (Behaviour.PARTITIONED, Behaviour.OBJECT_STORE)
_CLIENT, _COMPONENT = "client", "component"


def badge_inputs(component: Component, kind: ComponentKind, result: PlanResult | None) -> tuple:
    """Everything a component's badge is made from, unformatted: equal inputs make equal badges.

    A new result arrives after every edit, but it changes the figures of only a few of 1,000 cards;
    formatting every badge again costs more than the rest of the canvas's work. The scene compares
    these (cheap to read) with the card's last inputs and formats a badge (`badge_from_inputs`) only
    for cards whose inputs differ. The badge is built from these inputs alone, so a figure that is
    not an input cannot be shown stale."""
    if result is None:
        return ()
    spof = _spof_ids(component, result)
    if kind.behaviour is Behaviour.CLIENT:
        client = result.clients.get(component.id)
        if client is None:
            return ()
        return (_CLIENT, _client_peak(client), client.users, spof)
    r = result.components.get(component.id)
    if r is None:
        return ()
    counted = not kind.managed or kind.behaviour in _UNCOUNTED
    return (_COMPONENT, _figures(r), counted, result.bottleneck == component.id, spof)


class BadgeFeed:
    """The latest result as the cards read it: a card works out its badge from `result` when it is
    painted or asked, if the feed's `generation` moved on since it last did. So a new result costs
    nothing for the thousands of cards out of view; the scene refreshes the cards on screen at once and
    drops the cached pictures (`cached`) of those painted earlier, which then read the feed when they
    are shown again."""

    def __init__(self):
        self.result: PlanResult | None = None
        self.generation = 0
        self.cached: set = set()    # cards painted since the last refresh (Qt may show their picture)

    def publish(self, result: PlanResult | None) -> None:
        self.result = result
        self.generation += 1


def badge_from_inputs(inputs: tuple) -> Badge:
    """The badge for `badge_inputs(...)`: every number formatted by planner.units."""
    if not inputs:
        return EMPTY
    if inputs[0] == _CLIENT:
        _, peak, users, spof = inputs
        return Badge(units.format_qps(peak), f"{units.format_count(users)} users", spof=spof)
    _, figures, counted, bottleneck, spof = inputs
    qps_peak, count, recommended, fixed, utilisation, ceiling = figures
    from archplan.planner.result import status_of  # here: the canvas is shown before the engine is loaded

    level = status_of(utilisation, ceiling)
    count_text = f"x{units.format_count(count)}" if counted else "managed"
    need_text = f"need {units.format_count(recommended)}" if fixed and count < recommended else ""
    util_text = _percent(utilisation) if level != "none" else ""
    shown_utilisation = utilisation if level != "none" else None
    return Badge(units.format_qps(qps_peak), count_text, need_text, shown_utilisation, util_text,
                 level, bottleneck, spof)


def badge_for(component: Component, kind: ComponentKind, result: PlanResult | None) -> Badge:
    """The badge of one component under `result` (an empty badge when nothing is computed)."""
    return badge_from_inputs(badge_inputs(component, kind, result))


def tooltip_for(component: Component, kind: ComponentKind, result: PlanResult | None,
                names: Mapping[str, str] | None = None) -> str:
    """The key figures of a component, one per line (built only when a tooltip is shown); `names` are
    the plan's component names by id."""
    lines = [f"{component.name} — {kind.label}"]
    if result is None:
        return "\n".join(lines + ["No figures: the plan cannot be computed."])
    spof = _spof_ids(component, result)
    client = result.clients.get(component.id)
    r = result.components.get(component.id)
    if kind.behaviour is Behaviour.CLIENT and client is not None:
        lines += [
            f"Users: {units.format_count(client.users)} a day",
            f"Peak: {units.format_qps(_client_peak(client))}",
            f"Read latency: {units.format_duration(client.read_latency)}",
            f"Write latency: {units.format_duration(client.write_latency)}",
            f"Availability: {units.format_availability(client.availability)}",
        ]
    elif r is not None:
        lines += [
            f"Peak: {units.format_qps(r.qps_peak)} ({units.format_qps(r.reads_peak)} reads, "
            f"{units.format_qps(r.writes_peak)} writes)",
            f"Instances: {r.count} deployed, {r.needed} needed, {r.recommended} recommended",
        ]
        if r.binding != "none":
            lines.append(f"Utilisation: {units.format_percent(r.utilisation)} of {r.binding} "
                         f"(ceiling {units.format_percent(r.ceiling, 0)})")
        lines.append(f"Latency at peak: {units.format_duration(r.latency)}")
        if r.storage_total > 0:
            lines.append(f"Storage: {units.format_size(r.storage_replicated)} with every copy")
        if r.memory > 0:
            lines.append(f"Memory: {units.format_size(r.memory)}")
        lines.append(f"Availability: {units.format_availability(r.availability)}")
        lines.append(f"Cost: {units.format_money(r.monthly_cost)} / month")
        if result.bottleneck == component.id:
            lines.append("Bottleneck: the first component to run out of headroom.")
    if spof:
        lines.append(spof_text(component, spof, names or {}))
    return "\n".join(lines)


def _percent(value: float) -> str:
    """Whole percent; a load that rounds to 0 % still reads as some load ("<1 %")."""
    if 0 < value < 0.005:
        return f"<{units.format_percent(0.01, 0)}"
    return units.format_percent(value, 0)


def _client_peak(client) -> float:
    peak = client.figures.get("peak_qps")
    return peak.value if peak is not None else 0.0


def spof_text(component: Component, cut: tuple[str, ...], names: Mapping[str, str]) -> str:
    """What a single point of failure takes down; `cut` holds component ids, `names` their names."""
    others = [names.get(cid, cid) for cid in cut if cid != component.id]
    if others:
        shown = ", ".join(others[:4]) + (" and more" if len(others) > 4 else "")
        return f"Single point of failure: if its one instance fails, clients lose {shown}."
    return "Single point of failure: if its one instance fails, clients lose what it holds."
