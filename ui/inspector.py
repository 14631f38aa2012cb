"""
The inspector: edits whatever is selected on the canvas (a component, a link, a group) or, when
nothing is, the plan itself (name, description, traffic profile, settings).

It observes the document by id (component_changed(id), traffic_changed, ...) and refreshes the page
on show, so undo/redo and edits from other views appear at once; the field being typed in keeps its
text and cursor when the plan already holds what it says (see ui/fields.py). Every edit goes through
the Editor (one undo command; consecutive edits of a field merge).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from archplan.planner.model import TRAFFIC_CLASSES, Link, link_classes
from archplan.ui import theme
from archplan.ui.editor import Editor
from archplan.ui.fields import ChoiceField, FieldError, QuantityField
from archplan.ui.inspector_component import ComponentPage, _escape, describe
from archplan.ui.quantities import FRACTION, NUMBER, TEXT
from archplan.ui.sections import make_section

LINK_KINDS = [("Request (synchronous)", "request"), ("Async message", "async"), ("Replication", "replication"),
              ("Event", "event"), ("Health check", "health")]
GROUP_KINDS = [("Zone", "zone"), ("Region", "region"), ("Tier", "tier"), ("Group", "group")]
CLASS_LABELS = {"read": "Reads", "write": "Writes", "media_read": "Media reads", "media_write": "Media uploads"}
#: Link.deliver_as -> what the link page's "Delivered as" list says
DELIVER_LABELS = {"read": "reads", "write": "writes"}


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


def deliver_choices(link: Link) -> list[tuple[str, str | None]]:
    """The "Delivered as" entries for a link; "as sent" names what it means where the kind converts
    anyway (an event link delivers writes), so leaving it empty is not a surprise."""
    default = link.model_copy(update={"deliver_as": None}).delivered_as
    as_sent = "as sent" if default is None else f"as sent ({link.kind}s: {DELIVER_LABELS[default]})"
    return [(as_sent, None)] + [(label, value) for value, label in DELIVER_LABELS.items()]


class LinkPage(QWidget):
    """Kind, share or fan-out, traffic classes, what the traffic is delivered as, and label of one link."""

    def __init__(self, editor: Editor, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.link_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel()
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        box, form = make_section("Link")
        self.kind = ChoiceField(LINK_KINDS, lambda v: self._set(kind=v), tooltip="How traffic moves along the link.")
        self.share = QuantityField(FRACTION, lambda v: self._set(share=v), optional=True,
                                   placeholder="auto (split equally)", tooltip=describe(Link, "share") or
                                   "Fraction of what the source emits (per class) that takes this link.")
        self.fanout = QuantityField(NUMBER, lambda v: self._set(fanout=v), optional=True, placeholder="none",
                                    tooltip="Downstream requests each upstream request becomes (fan-out).")
        self.deliver_as = ChoiceField([("as sent", None)], lambda v: self._set(deliver_as=v),
                                      tooltip=describe(Link, "deliver_as"))
        self.label = QuantityField(TEXT, lambda v: self._set(label=v or ""), optional=True, placeholder="(none)",
                                   tooltip="Text shown on the arrow.")
        classes = QWidget()
        grid = QGridLayout(classes)
        grid.setContentsMargins(0, 0, 0, 0)
        self.classes: dict[str, QCheckBox] = {}
        for i, name in enumerate(TRAFFIC_CLASSES):
            box_ = QCheckBox(CLASS_LABELS[name])
            box_.setToolTip(f"This link carries {CLASS_LABELS[name].lower()}.")
            box_.toggled.connect(self._on_classes)
            self.classes[name] = box_
            grid.addWidget(box_, i // 2, i % 2)
        self.classes_error = FieldError()
        for label, widget in (("Kind", self.kind), ("Share", self.share), ("Fan-out", self.fanout),
                              ("Label", self.label), ("Carries", classes), ("", self.classes_error),
                              ("Delivered as", self.deliver_as)):
            form.addRow(label, widget)
        layout.addWidget(box)
        layout.addStretch(1)
        self._updating = False

    def _set(self, **changes: Any) -> None:
        self.editor.set_link(self.link_id, **changes)

    def _on_classes(self) -> None:
        if self._updating:
            return
        chosen = [n for n in TRAFFIC_CLASSES if self.classes[n].isChecked()]
        try:
            self._set(classes=chosen)
            self.classes_error.clear()
        except (ValueError, KeyError) as exc:
            self.classes_error.show_error(str(exc).splitlines()[0])

    def show_link(self, link_id: str) -> None:
        self.link_id = link_id
        self.refresh()

    def refresh(self) -> None:
        try:
            link = self.editor.plan.link(self.link_id)
        except KeyError:
            return
        names = {c.id: c.name for c in self.editor.plan.components} | {g.id: g.name for g in self.editor.plan.groups}
        self.title.setText(f"<b style='font-size:12pt'>{_escape(names.get(link.source, link.source))} → "
                           f"{_escape(names.get(link.target, link.target))}</b><br>"
                           f"<span style='color:{theme.current().muted}'>link <code>{link.id}</code></span>")
        self.kind.set_value(link.kind)
        self.share.set_value(link.share)
        self.fanout.set_value(link.fanout)
        self.deliver_as.set_choices(deliver_choices(link))
        self.deliver_as.set_value(link.deliver_as)
        self.label.set_value(link.label or None)
        self._updating = True
        carried = link_classes(self.editor.plan, link)  # its own, or the default for its target
        for name, box_ in self.classes.items():
            box_.setChecked(name in carried)
        self._updating = False
        self.classes_error.clear()


class GroupPage(QWidget):
    """Name, kind and parent of a zone / region / tier."""

    def __init__(self, editor: Editor, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.group_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        box, form = make_section("Group")
        self.name = QuantityField(TEXT, lambda v: self._set(name=v))
        self.kind = ChoiceField(GROUP_KINDS, lambda v: self._set(kind=v))
        self.parent_group = ChoiceField([("(none)", None)], lambda v: self._set(parent=v),
                                        tooltip="The group this one sits in (a zone in a region).")
        self.members = QLabel()
        self.members.setWordWrap(True)
        for label, widget in (("Name", self.name), ("Kind", self.kind), ("Inside", self.parent_group),
                              ("Members", self.members)):
            form.addRow(label, widget)
        layout.addWidget(box)
        layout.addStretch(1)

    def _set(self, **changes: Any) -> None:
        self.editor.set_group(self.group_id, **changes)

    def show_group(self, group_id: str) -> None:
        self.group_id = group_id
        self.refresh()

    def refresh(self) -> None:
        plan = self.editor.plan
        try:
            group = plan.group(self.group_id)
        except KeyError:
            return
        self.name.set_value(group.name)
        self.kind.set_value(group.kind)
        inside = {group.id}
        changed = True
        while changed:  # the group and its descendants cannot be its parent
            changed = False
            for g in plan.groups:
                if g.parent in inside and g.id not in inside:
                    inside.add(g.id)
                    changed = True
        self.parent_group.set_choices([("(none)", None)] + [(g.name, g.id) for g in plan.groups if g.id not in inside])
        self.parent_group.set_value(group.parent)
        members = [c.name for c in plan.components if c.group == group.id]
        self.members.setText(", ".join(members) or "(empty)")


class Inspector(QWidget):
    """Shows the page for the current selection; `show_selection` is fed by the canvas.

    Pages are built the first time they are shown (the component page alone has some sixty widgets,
    and the window appears before any is needed). Each page keeps its own scroll position, and a change
    of the plan that refreshes the page shown never moves it."""

    PAGES = ("plan", "component", "link", "group")

    def __init__(self, editor: Editor, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self._pages: dict[str, QWidget] = {}
        self._areas: dict[str, QScrollArea] = {}
        self.multi_page = QLabel()
        self.multi_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.multi_page.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.multi_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.current: tuple[str, str | None] = ("plan", None)
        doc = editor.document  # bound methods only: Qt drops them with this widget
        doc.component_changed.connect(self._on_component_changed)
        doc.component_removed.connect(self._on_component_removed)
        doc.link_changed.connect(self._on_link_changed)
        doc.link_removed.connect(self._on_link_removed)
        doc.group_changed.connect(self._on_group_changed)
        doc.group_removed.connect(self._on_group_removed)
        doc.group_added.connect(self._on_group_added)
        doc.traffic_changed.connect(self._plan_changed)
        doc.plan_info_changed.connect(self._plan_changed)
        doc.plan_reset.connect(self.show_plan)
        doc.result_changed.connect(self._on_result)
        self.show_plan()

    # ------------------------------------------------------------------ pages, built on first use
    def _page(self, name: str) -> QWidget:
        page = self._pages.get(name)
        if page is None:
            if name == "plan":
                from archplan.ui.inspector_plan import PlanPage

                page = PlanPage(self.editor)
            else:
                page = {"component": ComponentPage, "link": LinkPage, "group": GroupPage}[name](self.editor)
            self._pages[name] = page
            self._areas[name] = _scrolled(page)
            self.stack.addWidget(self._areas[name])
        return page

    @property
    def plan_page(self):
        return self._page("plan")

    @property
    def component_page(self) -> ComponentPage:
        return self._page("component")

    @property
    def link_page(self) -> LinkPage:
        return self._page("link")

    @property
    def group_page(self) -> GroupPage:
        return self._page("group")

    def scroll_area(self, name: str) -> QScrollArea:
        self._page(name)
        return self._areas[name]

    @contextmanager
    def _steady(self, name: str):
        """Refresh a page without its scroll position moving (a summary that grows, a row shown)."""
        area = self._areas.get(name)
        bar = area.verticalScrollBar() if area is not None else None
        value = bar.value() if bar is not None else 0
        try:
            yield
        finally:
            if bar is not None and bar.value() != value:
                bar.setValue(value)

    def _show_page(self, name: str) -> None:
        self.stack.setCurrentWidget(self._areas[name])

    def page_shown(self) -> str:
        """"plan", "component", "link", "group" or "multi"."""
        current = self.stack.currentWidget()
        return next((name for name, area in self._areas.items() if area is current), "multi")

    def commit_pending(self) -> bool:
        """Apply text typed but not yet confirmed (Ctrl+S while a field still has focus).
        False if some field holds text that cannot be applied (its message says why)."""
        ok = True
        for field in self.findChildren(QuantityField):
            if field.is_dirty():
                ok = field.commit() and ok
        return ok

    # ------------------------------------------------------------------ selection
    def show_selection(self, component_ids=(), link_ids=(), group_ids=()) -> None:
        component_ids, link_ids, group_ids = list(component_ids), list(link_ids), list(group_ids)
        total = len(component_ids) + len(link_ids) + len(group_ids)
        if total == 0:
            self.show_plan()
        elif total > 1:
            self.current = ("multi", None)
            parts = [f"{len(x)} {name}{'s' if len(x) != 1 else ''}" for x, name in
                     ((component_ids, "component"), (link_ids, "link"), (group_ids, "group")) if x]
            self.multi_page.setText(f"{', '.join(parts)} selected.\n\nSelect one item to edit it, "
                                    "or click the empty canvas to edit the plan.")
            self.stack.setCurrentWidget(self.multi_page)
        elif component_ids:
            self.show_component(component_ids[0])
        elif link_ids:
            self.current = ("link", link_ids[0])
            self.link_page.show_link(link_ids[0])
            self._show_page("link")
        else:
            self.current = ("group", group_ids[0])
            self.group_page.show_group(group_ids[0])
            self._show_page("group")

    def show_component(self, component_id: str) -> None:
        self.current = ("component", component_id)
        with self._steady("component"):
            self.component_page.show_component(component_id)
        self._show_page("component")

    def show_plan(self) -> None:
        self.current = ("plan", None)
        with self._steady("plan"):
            self.plan_page.refresh()
        self._show_page("plan")

    # ------------------------------------------------------------------ model changes
    def _changed(self, what: str, item_id: str | None) -> None:
        if self.current != (what, item_id):
            return
        with self._steady(what):
            self._page(what).refresh()

    def _on_result(self) -> None:
        if "component" in self._pages:
            with self._steady("component"):
                self.component_page.refresh_result()

    def _on_component_changed(self, cid: str) -> None:
        self._changed("component", cid)

    def _on_component_removed(self, cid: str) -> None:
        self._removed("component", cid)

    def _on_link_changed(self, lid: str) -> None:
        self._changed("link", lid)

    def _on_link_removed(self, lid: str) -> None:
        self._removed("link", lid)

    def _on_group_changed(self, gid: str) -> None:
        self._changed("group", gid)

    def _on_group_removed(self, gid: str) -> None:
        self._removed("group", gid)

    def _on_group_added(self, _gid: str) -> None:
        if self.current[0] == "component":
            with self._steady("component"):
                self.component_page.refresh()  # the group list of the component page

    def _removed(self, what: str, item_id: str) -> None:
        if self.current == (what, item_id):
            self.show_plan()

    def _plan_changed(self) -> None:
        if self.current[0] == "plan":
            with self._steady("plan"):
                self.plan_page.refresh()
        elif self.current[0] == "component":
            with self._steady("component"):
                self.component_page.refresh()  # placeholders show the profile's values
