"""
The canvas's context menus: what fits the card, link or empty canvas under the mouse.

- card: show figures, duplicate, replace kind (grouped like the palette), add a cache in front, add a
  read replica (SQL primaries), bring to a zone, group, delete;
- link: reverse, set share, straight or right-angle route, remove bends, delete;
- canvas: paste here, auto layout, fit to window.

Other features add their own entries without touching this file: `add_menu_section(name, build)`
registers `build(menu, context)`, called when a card, link or canvas menu is built (`context.kind` says
which). The "fail" section is reserved for failure injection: a feature that fails a component or a
link (Simulate) registers there, and its entries appear after the card's editing actions. Each action
makes one Editor call (one undo step) through the scene.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QMenu

from archplan.ui.canvas.items import ComponentItem, GroupItem, LinkItem

#: Sections other features fill, in the order they appear (after the built-in entries).
SECTIONS = ("fail", "analyse", "extra")


@dataclass
class MenuContext:
    """What a context menu is about: `kind` "card", "link", "group" or "canvas", the item id (None on
    the canvas), the scene position and the scene (for its selection and operations)."""

    kind: str
    item_id: str | None
    pos: QPointF
    scene: object
    selection: list[str] = field(default_factory=list)


_sections: dict[str, list[Callable[[QMenu, MenuContext], None]]] = {name: [] for name in SECTIONS}


def add_menu_section(section: str, build: Callable[[QMenu, MenuContext], None]) -> Callable[[], None]:
    """Register `build(menu, context)` to add entries in a section of every context menu; returns a
    function that removes it again."""
    if section not in _sections:
        raise ValueError(f"unknown menu section {section!r} (use one of {', '.join(SECTIONS)})")
    _sections[section].append(build)
    return lambda: _sections[section].remove(build)


def _extensions(menu: QMenu, context: MenuContext) -> None:
    for section in SECTIONS:
        builders = _sections[section]
        if builders:
            menu.addSeparator()
        for build in builders:
            build(menu, context)


def context_menu(scene, pos: QPointF) -> QMenu:
    """The menu for what is under `pos` (selecting it first if it is not part of the selection)."""
    item = scene.item_at(pos)
    if item is not None and not item.isSelected():
        scene.select_ids([scene.id_of(item)])
    menu = QMenu()
    if isinstance(item, ComponentItem):
        _card_menu(menu, scene, item)
        context = MenuContext("card", item.component_id, pos, scene, scene.selected_component_ids())
    elif isinstance(item, LinkItem):
        _link_menu(menu, scene, item)
        context = MenuContext("link", item.link_id, pos, scene, scene.selected_link_ids())
    elif isinstance(item, GroupItem):
        _group_menu(menu, scene, item)
        context = MenuContext("group", item.group_id, pos, scene, scene.selected_group_ids())
    else:
        _canvas_menu(menu, scene, pos)
        context = MenuContext("canvas", None, pos, scene)
    _extensions(menu, context)
    if item is not None:
        menu.addSeparator()
        menu.addAction("Delete", scene.delete_selection)
    return menu


def _card_menu(menu: QMenu, scene, item: ComponentItem) -> None:
    cid = item.component_id
    menu.addAction("Show figures", lambda: scene.component_activated.emit(cid))
    menu.addSeparator()
    menu.addAction("Duplicate", scene.duplicate_selection)
    menu.addAction("Group", scene.group_selection)
    replace = menu.addMenu("Replace kind")
    _kind_menu(replace, scene, item.kind.id, lambda kind: scene.replace_kind(kind))
    menu.addAction("Add cache in front", lambda: scene.insert_in_front(cid, "cache.redis"))
    if scene.replica_kind(cid) is not None:
        menu.addAction("Add read replica", lambda: scene.add_read_replica(cid))
    zones = menu.addMenu("Bring to zone")
    plan = scene.document.plan
    current = item.component.group
    for group in plan.groups:
        action = zones.addAction(group.name, lambda gid=group.id: scene.bring_to_group(gid))
        action.setCheckable(True)
        action.setChecked(group.id == current)
    if current:
        zones.addSeparator()
        zones.addAction("Out of its zone", lambda: scene.bring_to_group(None))
    zones.setEnabled(bool(plan.groups))


def _kind_menu(menu: QMenu, scene, current: str, choose: Callable[[str], None]) -> None:
    """Every kind, in the palette's categories."""
    from archplan.ui.palette import CATEGORIES, kind_icon

    groups = scene.catalog.by_category()
    for category, title in CATEGORIES:
        kinds = groups.get(category, [])
        if not kinds:
            continue
        sub = menu.addMenu(title)
        for kind in kinds:
            action = sub.addAction(kind_icon(kind.icon), kind.label, lambda k=kind.id: choose(k))
            action.setCheckable(True)
            action.setChecked(kind.id == current)


def _link_menu(menu: QMenu, scene, item: LinkItem) -> None:
    lid, link = item.link_id, item.link
    menu.addAction("Reverse direction", lambda: scene.reverse_link(lid))
    menu.addAction("Set share…", lambda: scene.ask_link_share(lid))
    route = menu.addMenu("Route")
    straight = route.addAction("Straight", lambda: scene.set_link_route(lid, "straight"))
    straight.setCheckable(True)
    straight.setChecked(link.route == "straight")
    square = route.addAction("Right angles", lambda: scene.set_link_route(lid, "orthogonal"))
    square.setCheckable(True)
    square.setChecked(link.route == "orthogonal")
    bends = menu.addAction("Remove bends", lambda: scene.remove_bends(lid))
    bends.setEnabled(bool(link.waypoints))


def _group_menu(menu: QMenu, scene, item: GroupItem) -> None:
    menu.addAction("Select its components", lambda: scene.select_ids(sorted(scene.members_deep(item.group_id))))


def _canvas_menu(menu: QMenu, scene, pos: QPointF) -> None:
    menu.addAction("Paste here", lambda: scene.paste(pos))
    menu.addAction("Auto layout", scene.auto_layout)
    menu.addAction("Fit to window", scene.fit_views)
