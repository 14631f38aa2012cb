"""
The inspector page of one component: name, kind, flavour, instances, redundancy, record size and
retention, per-instance capacity overrides, behaviour parameters, endpoints and notes.

Capacity overrides and parameters show the kind's default as the placeholder: an empty field means
"use the default" and the reset button empties it. Tooltips come from the pydantic field descriptions
and the catalog's ParamSpec descriptions and sources. Every edit goes through Editor.set_component.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from archplan.planner import units
from archplan.planner.catalog import CAPACITY_FIELDS, Behaviour, Capacity, ComponentKind, default_catalog
from archplan.planner.model import Component
from archplan.ui import theme
from archplan.ui.editor import Editor
from archplan.ui.endpoints import EndpointsEditor
from archplan.ui.fields import ChoiceField, InstancesField, NotesField, QuantityField
from archplan.ui.kind_picker import KindField
from archplan.ui.palette import kind_icon
from archplan.ui.quantities import DURATION, FRACTION, NUMBER, RATE, SIZE, TEXT, Quantity, quantity_for_unit
from archplan.ui.sections import make_section

FLAVOURS = [("Generic", "generic"), ("AWS", "aws"), ("Google Cloud", "gcp"), ("On premises", "onprem")]
REDUNDANCY = [("Plan default", "default"), ("None", "none"), ("High availability (≥ 2)", "ha"),
              ("N+1 (one spare)", "n+1")]

#: capacity field -> (label, quantity)
CAPACITY_UI: dict[str, tuple[str, Quantity]] = {
    "read_qps": ("Reads / s", RATE),
    "write_qps": ("Writes / s", RATE),
    "bandwidth": ("Bandwidth / s", SIZE),
    "storage": ("Storage", SIZE),
    "memory": ("Memory", SIZE),
    "latency_ms": ("Latency (ms)", NUMBER),
    "availability": ("Availability", FRACTION),
    "mtbf_hours": ("MTBF (hours)", NUMBER),
    "restart_s": ("Restart / failover", DURATION),
    "monthly_cost": ("USD / month", NUMBER),
    "storage_price_gb_month": ("USD / GB-month", NUMBER),
    "egress_price_gb": ("USD / GB egress", NUMBER),
    "request_price_per_million": ("USD / M requests", NUMBER),
}


def keeps_data(kind: ComponentKind) -> bool:
    """Whether a retention override means something for this kind: it stores data, or indexes it."""
    return kind.stores_data or kind.behaviour is Behaviour.SEARCH


def describe(model, name: str) -> str:
    """The pydantic Field(description=...) of a model field: reused as the tooltip."""
    field = model.model_fields.get(name)
    return (field.description or "") if field is not None else ""




class _OverrideRow(QWidget):
    """A field whose empty value means "the kind's default", with a reset button."""

    def __init__(self, field: QuantityField, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = field
        self.reset = QToolButton()
        self.reset.setText("↺")
        self.reset.setToolTip("Back to the kind's default")
        self.reset.setAutoRaise(True)
        self.reset.clicked.connect(field.clear_value)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field, 1)
        layout.addWidget(self.reset, 0, Qt.AlignmentFlag.AlignTop)

    def set_value(self, value: Any) -> None:
        self.field.set_value(value)
        self.reset.setEnabled(value is not None)


class ComponentPage(QWidget):
    """Edits one component of the plan."""

    def __init__(self, editor: Editor, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.catalog = default_catalog()
        self.component_id: str | None = None
        self._kind: str | None = None
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(8)
        header = QHBoxLayout()
        self.icon = QLabel()
        self.icon.setFixedSize(40, 40)
        self.title = QLabel()
        self.title.setWordWrap(True)
        header.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.title, 1)
        layout.addLayout(header)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setMargin(4)
        theme.note_palette(self.summary)
        # room for three lines whatever it says, so a new figure never moves the fields under it
        self.summary.setMinimumHeight(3 * self.summary.fontMetrics().lineSpacing() + 10)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)

        box, form = make_section("Component")
        self.component_form = form
        self.name = QuantityField(TEXT, lambda v: self._set(name=v), tooltip="Shown on the canvas and in reports.")
        self.kind = KindField(self.catalog, self._set_kind, tooltip=describe(Component, "kind")
                              + "\nType to search: “redis”, “queue”, “postgres”…")
        self.flavour = ChoiceField(FLAVOURS, lambda v: self._set(flavour=v),
                                   tooltip="Which provider's naming the exports use (Terraform, diagrams).")
        self.instances = InstancesField(lambda v: self._set(instances=v), tooltip=describe(Component, "instances"))
        self.redundancy = ChoiceField(REDUNDANCY, lambda v: self._set(redundancy=v),
                                      tooltip=describe(Component, "redundancy"))
        self.peak_factor = QuantityField(NUMBER, lambda v: self._set(peak_factor=v), optional=True,
                                         tooltip=describe(Component, "peak_factor"))
        self.record_size = QuantityField(SIZE, lambda v: self._set(record_size=v), optional=True,
                                         tooltip=describe(Component, "record_size"))
        self.retention = QuantityField(DURATION, lambda v: self._set(retention=v), optional=True,
                                       tooltip=describe(Component, "retention"))
        self.group = ChoiceField([("(none)", None)], lambda v: self._set(group=v), tooltip=describe(Component, "group"))
        for label, widget in (("Name", self.name), ("Kind", self.kind), ("Flavour", self.flavour),
                              ("Instances", self.instances), ("Redundancy", self.redundancy),
                              ("Peak factor", self.peak_factor), ("Record size", self.record_size),
                              ("Retention", self.retention), ("Group", self.group)):
            form.addRow(label, widget)
        layout.addWidget(box)

        self.capacity_box, form = make_section("Capacity per instance")
        reset_all = QPushButton("Reset all to defaults")
        reset_all.clicked.connect(lambda: self._set(capacity={}))
        self.capacity: dict[str, _OverrideRow] = {}
        for name in CAPACITY_FIELDS:
            label, quantity = CAPACITY_UI.get(name, (name, NUMBER))
            field = QuantityField(quantity, lambda v, n=name: self._set_override("capacity", n, v), optional=True)
            self.capacity[name] = _OverrideRow(field)
            form.addRow(label, self.capacity[name])
        form.addRow(reset_all)
        layout.addWidget(self.capacity_box)

        self.params_box, self.params_form = make_section("Behaviour")
        self.params: dict[str, _OverrideRow] = {}
        layout.addWidget(self.params_box)

        endpoints_box, form = make_section("Endpoints")
        self.endpoints = EndpointsEditor(lambda rows: self._set(endpoints=rows))
        form.addRow(self.endpoints)
        layout.addWidget(endpoints_box)

        notes_box, form = make_section("Notes")
        self.notes = NotesField(lambda v: self._set(notes=v), placeholder="Assumptions, links, decisions…")
        form.addRow(self.notes)
        layout.addWidget(notes_box)
        layout.addStretch(1)

    # ------------------------------------------------------------------ edits
    def _set(self, **changes: Any) -> None:
        self.editor.set_component(self.component_id, **changes)

    def _set_kind(self, kind: str) -> None:
        """Change the kind, dropping parameter overrides the new kind does not take."""
        specs = self.catalog[kind].param_specs()
        params = {k: v for k, v in self._component().params.items() if k in specs}
        self._set(kind=kind, params=params)

    def _set_override(self, where: str, name: str, value: float | None) -> None:
        current = dict(getattr(self._component(), where))
        if value is None:
            current.pop(name, None)
        else:
            current[name] = float(value)
        self._set(**{where: current})

    def _component(self) -> Component:
        return self.editor.plan.component(self.component_id)

    # ------------------------------------------------------------------ model -> widgets
    def show_component(self, component_id: str) -> None:
        self.component_id = component_id
        self.refresh()

    def _rebuild_params(self, kind_id: str) -> None:
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.params = {}
        specs = self.catalog[kind_id].param_specs()
        for name, spec in specs.items():
            quantity = quantity_for_unit(spec.unit, spec.maximum)
            bounds = f"between {spec.minimum:g} and {spec.maximum:g}{(' ' + spec.unit) if spec.unit else ''}"
            field = QuantityField(quantity, lambda v, n=name: self._set_override("params", n, v), optional=True,
                                  placeholder=f"default {quantity.exact(spec.default)}",
                                  tooltip=f"{spec.description}\nDefault {quantity.exact(spec.default)}; {bounds}.")
            self.params[name] = _OverrideRow(field)
            self.params_form.addRow(name.replace("_", " ").capitalize(), self.params[name])
        self.params_box.setVisible(bool(specs))

    def refresh(self) -> None:
        if self.component_id is None:
            return
        try:
            comp = self._component()
        except KeyError:
            return
        kind = self.catalog[comp.kind]
        if comp.kind != self._kind:
            self._kind = comp.kind
            self._rebuild_params(comp.kind)
            self._capacity_placeholders(kind)
            self.component_form.setRowVisible(self.retention, keeps_data(kind))  # harmless elsewhere: hidden
        self.icon.setPixmap(kind_icon(kind.icon).pixmap(40, 40))
        self.title.setText(f"<b style='font-size:12pt'>{_escape(comp.name)}</b><br>"
                           f"<span style='color:{theme.current().muted}'>{_escape(kind.label)} · "
                           f"<code>{comp.id}</code></span>")
        self.title.setToolTip(kind.description)
        self.name.set_value(comp.name)
        self.kind.set_value(comp.kind)
        self.flavour.set_value(comp.flavour)
        self.instances.set_value(comp.instances)
        self.redundancy.set_value(comp.redundancy)
        traffic = self.editor.plan.traffic
        self.peak_factor.set_placeholder(f"profile: {NUMBER.exact(traffic.peak_factor)}")
        self.peak_factor.set_value(comp.peak_factor)
        self.record_size.set_placeholder(f"profile: {SIZE.exact(traffic.record_size)}")
        self.record_size.set_value(comp.record_size)
        self.retention.set_placeholder(f"profile: {DURATION.exact(traffic.retention)}")
        self.retention.set_value(comp.retention)
        groups = [("(none)", None)] + [(g.name, g.id) for g in self.editor.plan.groups]
        self.group.set_choices(groups)
        self.group.set_value(comp.group)
        for name, row in self.capacity.items():
            row.set_value(comp.capacity.get(name))
        for name, row in self.params.items():
            row.set_value(comp.params.get(name))
        self.endpoints.set_value(comp.endpoints)
        self.notes.set_value(comp.notes)
        self.refresh_result()

    def _capacity_placeholders(self, kind) -> None:
        for name, row in self.capacity.items():
            default = getattr(kind.capacity, name)
            quantity = row.field.quantity
            shown = "no limit" if default is None else f"default {quantity.exact(default)}"
            row.field.set_placeholder(shown)
            source = kind.sources.get(name, "")
            tip = describe(Capacity, name)
            row.field.edit.setToolTip(f"{tip}\nDefault for {kind.label}: {shown.removeprefix('default ')}"
                                      + (f"\nSource: {source}" if source else ""))

    def refresh_result(self) -> None:
        """The one-line computed summary under the title (peak, instances, utilisation, cost)."""
        doc = self.editor.document
        if self.component_id is None:
            return
        if doc.result is None:
            if doc.pending:
                self.summary.setText("Computing…")
                return
            self.summary.setText(f"<span style='color:{theme.current().error}'>Not computed: "
                                 f"{_escape(doc.result_error or '')}</span>")
            return
        r = doc.result.components.get(self.component_id)
        if r is None:
            self.summary.setText("")
            return
        colours = theme.current()
        colour = colours.error if r.saturated else (colours.warning if r.headroom > 1 else colours.ok)
        self.summary.setText(
            f"Peak <b>{units.format_qps(r.qps_peak)}</b> · <b>{r.count}</b> instance(s) (needs {r.needed}) · "
            f"<b style='color:{colour}'>{units.format_percent(r.utilisation)}</b> {r.binding} · "
            f"latency {units.format_duration(r.latency)} · <b>{units.format_money(r.monthly_cost)}</b>/month")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
