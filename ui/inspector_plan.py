"""
The inspector page of the plan itself: its name and description, the traffic in the terms of an
interview, the details behind it, and the plan's settings.

Traffic comes first as an interviewer states it: daily (or monthly) active users, new items per day, a
read:write ratio (100:1), the item size, the peak factor and the retention, with the back-of-the-envelope
figures they give (planner.estimate) underneath. New items per day and the ratio are not stored: they
are worked out from the per-user rates the plan keeps (planner.interview), and typing them sets those
rates (a new volume keeps the ratio). Derived values are shown rounded for people (33.3K, 0.3333), the
exact value stays in the plan. The per-user rates, sizes and growth are in the collapsed "Details".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from archplan.planner import interview, units
from archplan.planner.model import Plan, Settings, TrafficProfile
from archplan.ui import theme
from archplan.ui.budgets import BudgetFields
from archplan.ui.editor import Editor
from archplan.ui.fields import ChoiceField, NotesField, QuantityField
from archplan.ui.inspector_component import describe
from archplan.ui.quantities import COUNT, DURATION, FRACTION, NUMBER, RATIO, SIZE, TEXT
from archplan.ui.sections import make_section

#: The interview's terms: (traffic field or derived name, label, quantity, optional, rounded)
INTERVIEW = (
    ("dau", "Daily active users", COUNT, True, True),
    ("mau", "Monthly active users", COUNT, True, True),
    ("active_ratio", "Active ratio (DAU/MAU)", FRACTION, False, True),
    ("items_per_day", "New items per day", COUNT, False, True),
    ("read_write_ratio", "Read:write ratio", RATIO, False, True),
    ("record_size", "Item size", SIZE, False, False),
    ("peak_factor", "Peak factor", NUMBER, False, False),
    ("retention", "Retention", DURATION, False, False),
)
#: The rest of the profile, in "Details": (traffic field, label, quantity)
DETAILS = (
    ("reads_per_user", "Reads / user / day", NUMBER),
    ("writes_per_user", "Writes / user / day", NUMBER),
    ("request_size", "Request size", SIZE),
    ("response_size", "Response size", SIZE),
    ("media_fraction", "Writes with media", FRACTION),
    ("media_size", "Media object size", SIZE),
    ("media_read_fraction", "Reads of media", FRACTION),
    ("yearly_growth", "Yearly growth", NUMBER),
    ("replication_factor", "Replication factor", NUMBER),
    ("target_utilisation", "Target utilisation", FRACTION),
)
DERIVED_TIPS = {
    "items_per_day": "Writes a day (posts, uploads, new rows): daily active users × writes per user. Typing it "
                     "sets the writes per user, keeping the read:write ratio.",
    "read_write_ratio": "Reads for every write, e.g. 100:1 (or 1:3 for write-heavy). Typing it sets the reads "
                        "per user.",
}


class PlanPage(QWidget):
    """Name, description, traffic profile and settings of the plan."""

    def __init__(self, editor: Editor, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(8)
        box, form = make_section("Plan")
        self.name = QuantityField(TEXT, lambda v: editor.set_plan_info(name=v), tooltip="The plan's title.")
        self.description = NotesField(lambda v: editor.set_plan_info(description=v),
                                      placeholder="What the system does, the requirements…")
        form.addRow("Name", self.name)
        form.addRow("Description", self.description)
        layout.addWidget(box)

        box, form = make_section("Traffic")
        self.traffic: dict[str, QuantityField] = {}
        self.derived: dict[str, QuantityField] = {}
        for name, label, quantity, optional, rounded in INTERVIEW:
            if name in DERIVED_TIPS:
                field = QuantityField(quantity, lambda v, n=name: self._set_derived(n, v), rounded=rounded,
                                      tooltip=DERIVED_TIPS[name])
                self.derived[name] = field
            else:
                field = QuantityField(quantity, lambda v, n=name: editor.set_traffic(**{n: v}), optional=optional,
                                      rounded=rounded, tooltip=describe(TrafficProfile, name))
                self.traffic[name] = field
            form.addRow(label, field)
        self.traffic["dau"].set_placeholder("MAU × active ratio")
        self.traffic["mau"].set_placeholder("not set")
        self.estimate = QLabel()
        self.estimate.setWordWrap(True)
        self.estimate.setTextFormat(Qt.TextFormat.RichText)
        self.estimate.setToolTip("The back-of-the-envelope figures of this traffic (the same as "
                                 "`archplan estimate`): averages over the day, peaks, and what is stored.")
        form.addRow(self.estimate)
        layout.addWidget(box)

        self.details, form = make_section("Details: per user, sizes, growth", collapsible=True, expanded=False)
        for name, label, quantity in DETAILS:
            field = QuantityField(quantity, lambda v, n=name: editor.set_traffic(**{n: v}), rounded=True,
                                  tooltip=describe(TrafficProfile, name))
            self.traffic[name] = field
            form.addRow(label, field)
        layout.addWidget(self.details)

        box, form = make_section("Settings")
        self.default_redundancy = ChoiceField(
            [("None", "none"), ("High availability (≥ 2)", "ha"), ("N+1 (one spare)", "n+1")],
            lambda v: editor.set_settings(default_redundancy=v), tooltip=describe(Settings, "default_redundancy"))
        self.network_hop_ms = QuantityField(NUMBER, lambda v: editor.set_settings(network_hop_ms=v),
                                            tooltip=describe(Settings, "network_hop_ms"))
        self.manual_detection_s = QuantityField(DURATION, lambda v: editor.set_settings(manual_detection_s=v),
                                                tooltip=describe(Settings, "manual_detection_s"))
        form.addRow("Default redundancy", self.default_redundancy)
        form.addRow("Network hop (ms)", self.network_hop_ms)
        form.addRow("Manual detection", self.manual_detection_s)
        layout.addWidget(box)
        self.budgets = BudgetFields(editor)
        layout.addWidget(self.budgets.box)
        layout.addStretch(1)

    def _set_derived(self, name: str, value: Any) -> None:
        traffic = self.editor.plan.traffic
        if name == "items_per_day":
            changes = interview.for_items_per_day(traffic, float(value))
        else:
            changes = interview.for_read_write_ratio(traffic, float(value))
        self.editor.set_traffic(**changes)

    def refresh(self) -> None:
        plan: Plan = self.editor.plan
        traffic = plan.traffic
        self.name.set_value(plan.name)
        self.description.set_value(plan.description)
        for name, field in self.traffic.items():
            field.set_value(getattr(traffic, name))
        self.derived["items_per_day"].set_value(interview.items_per_day(traffic))
        ratio = interview.read_write_ratio(traffic)
        self.derived["read_write_ratio"].set_value(ratio)
        self.derived["read_write_ratio"].set_placeholder("no writes" if ratio is None else "")
        self.estimate.setText(estimate_html(traffic))
        self.default_redundancy.set_value(plan.settings.default_redundancy)
        self.network_hop_ms.set_value(plan.settings.network_hop_ms)
        self.manual_detection_s.set_value(plan.settings.manual_detection_s)
        self.budgets.refresh()


def estimate_html(traffic: TrafficProfile) -> str:
    """'≈ 231 writes/s and 23.1K reads/s on average, 463 and 46.3K at peak. Stored: 100 GB a day, ...'."""
    muted = theme.current().muted
    try:
        figures = interview.back_of_envelope(traffic)
    except ValueError as exc:
        return f"<span style='color:{muted}'>{exc}</span>"

    def value(key: str) -> float:
        figure = figures.get(key)
        return figure.value if figure is not None else 0.0

    qps = units.format_count
    return (f"<span style='color:{muted}'>≈ {qps(value('write_qps'))} writes/s and {qps(value('read_qps'))} reads/s "
            f"on average, {qps(value('peak_write_qps'))} and {qps(value('peak_read_qps'))} at peak. Stored: "
            f"{units.format_size(value('storage_per_day'))} a day, "
            f"{units.format_size(value('storage_total_replicated'))} over "
            f"{units.format_duration(traffic.retention)} with every copy.</span>")
