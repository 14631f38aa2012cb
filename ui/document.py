"""
The open plan as a QObject: the only thing in the GUI that mutates a Plan.

Its primitives call planner.edit and then emit fine-grained signals carrying ids; views (scene,
inspector, results) read the current state back from `plan`. Only undo commands (ui/commands.py)
call the primitives, so every user edit is undoable. After any change a debounced recompute runs
planner.engine.compute and emits `result_changed`; derived numbers are never stored in the plan.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from archplan.planner import edit
from archplan.planner.model import Component, Group, Link, Plan

if TYPE_CHECKING:
    from archplan.planner.result import PlanResult
    from archplan.planner.scenarios import Fault, ScenarioReport

log = logging.getLogger(__name__)


class Lookup:
    """Find a plan object by id in O(1), re-indexing the list only when it has shifted."""

    def __init__(self, items: Callable[[], Sequence]):
        self._items = items
        self._index: dict[str, int] = {}

    def __call__(self, item_id: str):
        items = self._items()
        i = self._index.get(item_id)
        if i is None or i >= len(items) or items[i].id != item_id:
            self._index = {x.id: n for n, x in enumerate(items)}
            i = self._index.get(item_id)
            if i is None:
                return None
        return items[i]


class Document(QObject):
    #: A component was added (id).
    component_added = Signal(str)
    #: A component is gone (id).
    component_removed = Signal(str)
    #: A component's fields changed (id).
    component_changed = Signal(str)
    link_added = Signal(str)
    link_removed = Signal(str)
    link_changed = Signal(str)
    group_added = Signal(str)
    group_removed = Signal(str)
    group_changed = Signal(str)
    #: The traffic profile changed.
    traffic_changed = Signal()
    #: Settings, name or description changed.
    plan_info_changed = Signal()
    #: The whole plan was replaced (new / open): views rebuild.
    plan_reset = Signal()
    #: Anything in the plan changed.
    changed = Signal()
    #: Fields that never change a computed figure: editing only these skips the recompute (a drag of a
    #: card over a 1,000-component plan must not recompute the plan on release). Names are shown from
    #: the plan by every view (never from the result), so a rename needs no new figures either.
    LAYOUT_FIELDS = frozenset({"position", "notes", "name"})
    LINK_LAYOUT_FIELDS = frozenset({"waypoints", "route", "label"})
    GROUP_LAYOUT_FIELDS = frozenset({"name"})
    PLAN_INFO_FIELDS = frozenset({"name", "description", "notes"})
    #: A new result (or a compute error) is available: read `result` / `result_error`.
    result_changed = Signal()
    #: The what-if traffic multiplier changed.
    multiplier_changed = Signal(float)
    #: The what-if faults changed (failure injection, ui/faults.py): read `faults` / `scenario`.
    faults_changed = Signal()

    def __init__(self, plan: Plan | None = None, parent: QObject | None = None, debounce_ms: int = 30,
                 compute_now: bool = True):
        """`compute_now=False` leaves the first result for later (`pending` until then): the app shows
        the plan before it loads the engine (numpy, networkx) and computes it."""
        super().__init__(parent)
        self._plan = plan if plan is not None else Plan()
        self._result: PlanResult | None = None
        self._result_error: str | None = None
        self._multiplier = 1.0
        self._find_component = Lookup(lambda: self._plan.components)
        self._find_link = Lookup(lambda: self._plan.links)
        self._faults: tuple[Fault, ...] = ()       # what-if faults: a view state, never in the plan
        self._plain_result: PlanResult | None = None
        self._scenario: ScenarioReport | None = None
        self._scenario_error: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.recompute_now)
        self._retired: list[PlanResult] = []
        self._release = QTimer(self, singleShot=True, interval=250)
        self._release.timeout.connect(self._retired.clear)
        if compute_now:
            self.recompute_now()

    # ------------------------------------------------------------------ state
    @property
    def plan(self) -> Plan:
        return self._plan

    def component(self, component_id: str) -> Component | None:
        """The plan's component with this id (None if there is none), found in O(1)."""
        return self._find_component(component_id)

    def link(self, link_id: str) -> Link | None:
        return self._find_link(link_id)

    @property
    def result(self) -> PlanResult | None:
        """The latest computed result (None if the plan cannot be computed: see `result_error`)."""
        return self._result

    @property
    def result_error(self) -> str | None:
        return self._result_error

    @property
    def pending(self) -> bool:
        """No result yet, and no error either: the first compute has not run."""
        return self._result is None and self._result_error is None

    @property
    def multiplier(self) -> float:
        return self._multiplier

    def set_multiplier(self, value: float) -> None:
        """What-if traffic scaling: a view setting, not part of the plan (not undoable, not saved)."""
        if not (math.isfinite(value) and value > 0) or value == self._multiplier:
            return
        self._multiplier = value
        self.multiplier_changed.emit(value)
        self._timer.start()

    @property
    def faults(self) -> tuple[Fault, ...]:
        """The active what-if faults (planner.scenarios); `result` is the plan with them applied."""
        return self._faults

    @property
    def scenario(self) -> ScenarioReport | None:
        """The faults' report (planner.scenarios.run) while faults are active, else None."""
        return self._scenario

    @property
    def scenario_error(self) -> str | None:
        return self._scenario_error

    @property
    def plan_result(self) -> PlanResult | None:
        """The plan's own result, without the what-if faults (what exports and the plan file show)."""
        return self._plain_result

    def set_faults(self, faults) -> tuple[Fault, ...]:
        """Replace the what-if faults (called by ui.commands.SetFaults only); returns the old ones."""
        old, self._faults = self._faults, tuple(faults)
        if old != self._faults:
            self.faults_changed.emit()
            self.recompute_now()
        return old

    def _with_faults(self, result: PlanResult) -> PlanResult:
        """`result` with the active faults applied to a copy of the plan (faults whose component or zone
        is gone are skipped); the report is kept in `scenario`."""
        self._scenario = self._scenario_error = None
        if not self._faults:
            return result
        ids = {c.id for c in self._plan.components} | {g.id for g in self._plan.groups}
        faults = [f for f in self._faults if f.target in ids]
        if not faults:
            return result
        from archplan.planner.scenarios import ScenarioError, run
        try:
            self._scenario = run(self._plan, faults, self._multiplier, sized=result)
        except (ScenarioError, ValueError) as exc:
            self._scenario_error = str(exc)
            return result
        return self._scenario.after

    def recompute_now(self) -> None:
        from archplan.planner.engine import compute

        self._timer.stop()
        self._retire(self._result)
        try:
            self._plain_result = compute(self._plan, multiplier=self._multiplier)
            self._result = self._with_faults(self._plain_result)
            self._result_error = None
        except ValueError as exc:  # request cycle, amplifying loop: a modelling problem to show
            self._result = self._plain_result = self._scenario = None
            self._result_error = str(exc)
        except Exception as exc:  # never let a compute bug take the editor down
            log.exception("compute failed")
            self._result = self._plain_result = self._scenario = None
            self._result_error = f"internal error while computing: {exc}"
        if shiboken6.isValid(self):  # a closed plan's editor may be collected while its last timer ran
            self.result_changed.emit()

    def _retire(self, result: PlanResult | None) -> None:
        """Keep the previous result alive a moment: freeing the objects of a 10,000-component result
        takes ~15 ms, which the repaint of the new figures should not wait for."""
        if result is not None:
            self._retired.append(result)
            self._release.start()

    def _changed(self, computes: bool = True) -> None:
        self.changed.emit()
        if computes:
            self._timer.start()

    def set_plan(self, plan: Plan) -> None:
        """Replace the whole plan (new / open / recover). The caller clears the undo stack."""
        self._plan = plan
        if self._faults:  # what-if faults belong to the plan they were set on
            self._faults = ()
            self.faults_changed.emit()
        self.plan_reset.emit()
        self.changed.emit()
        self.recompute_now()

    # ------------------------------------------------------------------ primitives (called by commands)
    def add_component(self, component: Component, index: int | None = None) -> int:
        index = edit.add_component(self._plan, component, index)
        self.component_added.emit(component.id)
        self._changed()
        return index

    def remove_component(self, component_id: str) -> tuple[int, Component, list[tuple[int, Link]]]:
        removed = edit.remove_component(self._plan, component_id)
        for _i, link in removed[2]:
            self.link_removed.emit(link.id)
        self.component_removed.emit(component_id)
        self._changed()
        return removed

    def restore_component(self, index: int, component: Component, links: list[tuple[int, Link]]) -> None:
        edit.restore_component(self._plan, index, component, links)
        self.component_added.emit(component.id)
        for _i, link in links:
            self.link_added.emit(link.id)
        self._changed()

    def update_component(self, component_id: str, **changes: Any) -> dict[str, Any]:
        old = edit.update_component(self._plan, component_id, **changes)
        self.component_changed.emit(component_id)
        self._changed(computes=not set(changes) <= self.LAYOUT_FIELDS)
        return old

    def move_components(self, positions: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        old = edit.move_components(self._plan, positions)
        for cid in positions:
            self.component_changed.emit(cid)
        self._changed(computes=False)
        return old

    def add_link(self, link: Link, index: int | None = None) -> int:
        index = edit.add_link(self._plan, link, index)
        self.link_added.emit(link.id)
        self._changed()
        return index

    def remove_link(self, link_id: str) -> tuple[int, Link]:
        removed = edit.remove_link(self._plan, link_id)
        self.link_removed.emit(link_id)
        self._changed()
        return removed

    def update_link(self, link_id: str, **changes: Any) -> dict[str, Any]:
        old = edit.update_link(self._plan, link_id, **changes)
        self.link_changed.emit(link_id)
        self._changed(computes=not set(changes) <= self.LINK_LAYOUT_FIELDS)
        return old

    def add_group(self, group: Group, members: list[str] = (), index: int | None = None) -> dict[str, Any]:
        previous = edit.add_group(self._plan, group, members, index)
        self.group_added.emit(group.id)
        for cid in previous:
            self.component_changed.emit(cid)
        self._changed()
        return previous

    def remove_group(self, group_id: str):
        removed = edit.remove_group(self._plan, group_id)
        _index, _group, members, links, children = removed
        for _i, link in links:
            self.link_removed.emit(link.id)
        for cid in members:
            self.component_changed.emit(cid)
        for gid in children:
            self.group_changed.emit(gid)
        self.group_removed.emit(group_id)
        self._changed()
        return removed

    def restore_group(self, index, group, members, links, children) -> None:
        edit.restore_group(self._plan, index, group, members, links, children)
        self.group_added.emit(group.id)
        for gid in children:
            self.group_changed.emit(gid)
        for cid in members:
            self.component_changed.emit(cid)
        for _i, link in links:
            self.link_added.emit(link.id)
        self._changed()

    def update_group(self, group_id: str, **changes: Any) -> dict[str, Any]:
        old = edit.update_group(self._plan, group_id, **changes)
        self.group_changed.emit(group_id)
        self._changed(computes=not set(changes) <= self.GROUP_LAYOUT_FIELDS)
        return old

    def update_traffic(self, **changes: Any) -> dict[str, Any]:
        old = edit.update_traffic(self._plan, **changes)
        self.traffic_changed.emit()
        self._changed()
        return old

    def update_settings(self, **changes: Any) -> dict[str, Any]:
        old = edit.update_settings(self._plan, **changes)
        self.plan_info_changed.emit()
        self._changed()
        return old

    def update_plan(self, **changes: Any) -> dict[str, Any]:
        old = edit.update_plan(self._plan, **changes)
        self.plan_info_changed.emit()
        self._changed(computes=not set(changes) <= self.PLAN_INFO_FIELDS)
        return old
