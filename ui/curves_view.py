"""
The Load behaviour panel (issue 14): the latency and capacity curves of the selected component or client
path, and the sensitivity tornado (ui/tornado_view.py), as two tabs of one dock.

Curves. From planner.curves: response time (mean, p95, p99) and, for a component, utilisation against
the load multiplier from x0.1 to just below where the first queue that cannot add instances saturates,
with today's counts. The knee (planner.curves.Knee), the breaking point (first component at its planned
ceiling) and the current what-if multiplier are drawn as vertical lines. Every number is read from the
Curves object; nothing here computes a figure. The plot is pyqtgraph (imported when the view is first
shown, so the window does not pay for it at start-up).

Lazy (ui/lazy_view.py): the curves of every component and client path are computed once per change of
the plan's figures, only while the tab can be seen; the what-if only moves its marker.

The window docks it with `build_load_dock(window, editor)`: one line where docks are declared.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QComboBox, QDockWidget, QHBoxLayout, QLabel, QTabBar, QTabWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from archplan.planner import units
from archplan.ui.document import Document
from archplan.ui.lazy_view import COLOURS, LazyPlanView, is_dark
from archplan.ui.tornado_view import TornadoView

if TYPE_CHECKING:
    from archplan.planner.curves import Curves, Series

LATENCY_KEYS = ("mean", "p95", "p99")


def label_of(name: str, operation: str) -> str:
    """How a curve is listed: a component by its name, a client path with its operation."""
    return f"{name} · {operation}s (end to end)" if operation else name


def times(multiplier: float) -> str:
    """A load multiplier as shown: ×0.1, ×2.5, ×10.5, ×1.2K."""
    return f"×{multiplier:.3g}" if multiplier < 1000 else f"×{units.format_count(multiplier)}"


class CurvesView(LazyPlanView):
    """A choice of curve (component or client path), a line of key figures and the two plots."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(document, parent)
        self.curves: Curves | None = None
        self._wanted: str | None = None      # the series key the user asked for (canvas or list)
        self.subject = QComboBox()
        self.subject.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.subject.setMinimumContentsLength(18)
        self.subject.setToolTip("The component or client path whose curves are shown (selecting a card on the "
                                "canvas chooses it)")
        self.subject.currentIndexChanged.connect(self._on_subject)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Curve of"))
        top.addWidget(self.subject)
        top.addWidget(self.info, 1)
        self.plots = QWidget()
        self.plots_layout = QHBoxLayout(self.plots)
        self.plots_layout.setContentsMargins(0, 0, 0, 0)
        self.plots_layout.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.plots, 1)
        document.component_changed.connect(self._relabel)  # a rename recomputes nothing: follow it here
        self.latency_plot = None            # pyqtgraph PlotWidgets, made when first drawn
        self.utilisation_plot = None
        self.items: dict = {}               # "mean", "p95", "p99", "utilisation", "knee_point": PlotDataItems
        self.lines: dict = {}               # "knee", "whatif", "breaking" (and "*_u" on the utilisation plot)
        self._filling = False

    # ------------------------------------------------------------------ selection
    def show_component(self, component_id: str | None) -> None:
        """Show this component's curve (a client: its read path, else its write path). None keeps the
        current one (an empty canvas selection is not a choice)."""
        if not component_id:
            return
        result = self.document.result
        is_client = result is not None and component_id in result.clients
        self._wanted = f"{component_id}:read" if is_client else component_id
        if self.curves is not None and not self._select(self._wanted) and is_client:
            self._select(f"{component_id}:write")

    def _relabel(self, component_id: str) -> None:
        component = next((c for c in self.document.plan.components if c.id == component_id), None)
        if component is None or self.curves is None:
            return
        for index in range(self.subject.count()):
            key = self.subject.itemData(index)
            if key == component_id or key.startswith(component_id + ":"):
                operation = key[len(component_id) + 1:]
                self.subject.setItemText(index, label_of(component.name, operation))

    def _select(self, key: str) -> bool:
        index = self.subject.findData(key)
        if index < 0:
            return False
        if index != self.subject.currentIndex():
            self.subject.setCurrentIndex(index)  # draws
        return True

    def series(self) -> Series | None:
        key = self.subject.currentData()
        if self.curves is None or key is None:
            return None
        return next((s for s in self.curves.series if s.key == key), None)

    def _on_subject(self, _index: int) -> None:
        if self._filling:
            return
        key = self.subject.currentData()
        if key is not None:
            self._wanted = key
        self._draw_series()

    # ------------------------------------------------------------------ compute and draw
    def compute(self) -> None:
        from archplan.planner.curves import curves

        self.curves = curves(self.document.plan)

    def show_problem(self, text: str) -> None:
        self.curves = None
        self._filling = True
        self.subject.clear()
        self._filling = False
        self.info.setText(f"<span style='color:{COLOURS[is_dark(self.palette())]['p99']}'>No curves: "
                          f"{_esc(text)}</span>")
        self._clear_plots()

    def draw(self) -> None:
        """Fill the list of curves from the new Curves and draw the chosen one."""
        cv = self.curves
        names = {c.id: c.name for c in self.document.plan.components}
        self._filling = True
        self.subject.clear()
        for s in cv.series:
            self.subject.addItem(label_of(names.get(s.id, s.name), s.operation), s.key)
        self._filling = False
        wanted = [self._wanted] if self._wanted else []
        result = self.document.result
        wanted += [k for k in (cv.saturating, result.bottleneck if result else None) if k]
        for key in wanted:
            if self.subject.findData(key) >= 0:
                self.subject.setCurrentIndex(self.subject.findData(key))
                break
        else:
            self.subject.setCurrentIndex(0 if self.subject.count() else -1)
        self._draw_series()

    def _ensure_plots(self) -> None:
        if self.latency_plot is not None:
            return
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True)
        self.latency_plot = pg.PlotWidget()
        self.utilisation_plot = pg.PlotWidget()
        for plot in (self.latency_plot, self.utilisation_plot):
            plot.setLogMode(x=True, y=False)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setMinimumSize(120, 60)
            plot.getPlotItem().showGrid(x=True, y=True, alpha=0.25)
            self.plots_layout.addWidget(plot, 1)
        self.latency_plot.getPlotItem().addLegend(offset=(6, 2), labelTextSize="8pt", colCount=3)  # one row
        self.latency_plot.setLabel("left", "latency (ms)")
        self.latency_plot.setLabel("bottom", "load (× today's traffic)")
        self.utilisation_plot.setLabel("left", "utilisation (%)")
        self.utilisation_plot.setLabel("bottom", "load (× today's traffic)")
        for key in LATENCY_KEYS:
            self.items[key] = self.latency_plot.plot([], [], name=key, connect="finite")
        self.items["knee_point"] = self.latency_plot.plot([], [], pen=None, symbol="o", symbolSize=8)
        self.items["utilisation"] = self.utilisation_plot.plot([], [], name="utilisation", connect="finite")
        self.items["ceiling"] = pg.InfiniteLine(angle=0, movable=False)
        self.utilisation_plot.addItem(self.items["ceiling"], ignoreBounds=True)
        for name in ("knee", "breaking", "whatif"):
            for plot, suffix in ((self.latency_plot, ""), (self.utilisation_plot, "_u")):
                line = pg.InfiniteLine(angle=90, movable=False,
                                       label="" if suffix else " ",
                                       labelOpts={"position": {"knee": 0.93, "breaking": 0.8, "whatif": 0.3}[name],
                                                  "anchors": [(1, 0.5), (1, 0.5)] if name == "knee" else
                                                  [(0, 0.5), (0, 0.5)]})
                line.setVisible(False)
                plot.addItem(line, ignoreBounds=True)
                self.lines[name + suffix] = line
        self._apply_palette()

    def _apply_palette(self) -> None:
        if self.latency_plot is None:
            return
        import pyqtgraph as pg

        palette = self.palette()
        colours = COLOURS[is_dark(palette)]
        text = palette.color(QPalette.ColorRole.Text)
        for plot in (self.latency_plot, self.utilisation_plot):
            plot.setBackground(palette.color(QPalette.ColorRole.Base))
            for axis in ("left", "bottom"):
                item = plot.getPlotItem().getAxis(axis)
                item.setPen(pg.mkPen(QColor(colours["grid"]).darker(120) if not is_dark(palette) else
                                     QColor(colours["grid"]).lighter(160)))
                item.setTextPen(pg.mkPen(text))
                item.label.setDefaultTextColor(text)
        widths = {"mean": 2.2, "p95": 1.6, "p99": 1.6}
        styles = {"mean": Qt.PenStyle.SolidLine, "p95": Qt.PenStyle.DashLine, "p99": Qt.PenStyle.SolidLine}
        for key in LATENCY_KEYS:
            self.items[key].setPen(pg.mkPen(colours[key], width=widths[key], style=styles[key]))
        self.items["utilisation"].setPen(pg.mkPen(colours["utilisation"], width=2.2))
        self.items["ceiling"].setPen(pg.mkPen(colours["p99"], width=1, style=Qt.PenStyle.DotLine))
        self.items["knee_point"].setSymbolBrush(pg.mkBrush(colours["knee"]))
        self.items["knee_point"].setSymbolPen(pg.mkPen(palette.color(QPalette.ColorRole.Base), width=1.5))
        styles = {"knee": Qt.PenStyle.DashLine, "breaking": Qt.PenStyle.DotLine, "whatif": Qt.PenStyle.SolidLine}
        for name, line in self.lines.items():
            kind = name.removesuffix("_u")
            line.setPen(pg.mkPen(colours[kind], width=1.4, style=styles[kind]))
            if line.label is not None:
                line.label.setColor(QColor(colours[kind]))
        legend = self.latency_plot.getPlotItem().legend
        if legend is not None:
            legend.setLabelTextColor(text)
            for _sample, label in legend.items:
                label.setText(label.text, color=text)
            legend.setBrush(pg.mkBrush(QColor(palette.color(QPalette.ColorRole.Base)).darker(102 if not
                                                                                             is_dark(palette) else 90)))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()

    def _clear_plots(self) -> None:
        if self.latency_plot is None:
            return
        for key in (*LATENCY_KEYS, "knee_point", "utilisation"):
            self.items[key].setData([], [])
        self.items["ceiling"].setVisible(False)
        for line in self.lines.values():
            line.setVisible(False)

    def _draw_series(self) -> None:
        s, cv = self.series(), self.curves
        if s is None or cv is None:
            self._clear_plots()
            return
        self._ensure_plots()
        x = list(cv.multipliers)
        for key in LATENCY_KEYS:
            self.items[key].setData(x, [_ms(v) for v in getattr(s, key)])
        has_util = s.utilisation is not None
        self.utilisation_plot.setVisible(has_util)
        if has_util:
            self.items["utilisation"].setData(x, [_pct(v) for v in s.utilisation])
            result = self.document.result
            ceiling = result.components[s.id].ceiling if result and s.id in result.components else None
            self.items["ceiling"].setVisible(bool(ceiling))
            if ceiling:
                self.items["ceiling"].setValue(ceiling * 100)
        knee = s.knee
        if knee is not None:
            self.items["knee_point"].setData([knee.multiplier], [knee.mean * 1000])
        else:
            self.items["knee_point"].setData([], [])
        self._line("knee", knee.multiplier if knee else None, f"knee {times(knee.multiplier)}" if knee else "")
        breaking = cv.breaking if math.isfinite(cv.breaking) else None
        self._line("breaking", breaking, f"breaks {times(breaking)}" if breaking else "")
        finite = [v for key in LATENCY_KEYS for v in getattr(s, key) if math.isfinite(v)]
        top = max(finite, default=0.0) * 1000
        self.latency_plot.setYRange(0, top * 1.08 if top > 0 else 1, padding=0)
        if has_util:
            util = [v for v in s.utilisation if math.isfinite(v)]
            self.utilisation_plot.setYRange(0, max(100.0, max(util, default=0) * 100) * 1.08, padding=0)
        self.markers()
        self._info(s)

    def markers(self) -> None:
        """The what-if marker follows the document's multiplier (no compute)."""
        if self.latency_plot is None or self.curves is None or self.series() is None:
            return
        m = self.document.multiplier
        self._line("whatif", m, "today" if m == 1 else f"what-if {times(m)}")
        low = min(self.curves.multipliers[0], m)
        high = max(self.curves.multipliers[-1], m)
        from archplan.planner.curves import ticks as load_ticks

        ticks = [[(math.log10(v), f"{v:g}") for v in load_ticks(low, high)], []]
        for plot in (self.latency_plot, self.utilisation_plot):
            plot.setXRange(math.log10(low), math.log10(high), padding=0.02)
            plot.getPlotItem().getAxis("bottom").setTicks(ticks)

    def _line(self, name: str, multiplier: float | None, text: str) -> None:
        for key in (name, name + "_u"):
            line = self.lines[key]
            line.setVisible(multiplier is not None)
            if multiplier is not None:
                line.setValue(math.log10(multiplier))   # the axis is log10 of the multiplier
                if line.label is not None:
                    line.label.setFormat(text)

    def marker(self, name: str) -> float | None:
        """Where a vertical marker ("knee", "breaking", "whatif") stands, as a multiplier (None: not shown)."""
        line = self.lines.get(name)
        if line is None or not line.isVisible():
            return None
        return 10 ** line.value()

    def plotted(self, key: str) -> tuple[list[float], list[float]]:
        """The data of one plotted line ("mean", "p95", "p99" in ms, "utilisation" in %) as given to the plot."""
        item = self.items[key]
        return list(item.xData if item.xData is not None else []), list(item.yData if item.yData is not None else [])

    def _info(self, s: Series) -> None:
        cv = self.curves
        colours = COLOURS[is_dark(self.palette())]
        names = {c.id: c.name for c in self.document.plan.components}
        parts = []
        k = s.knee
        if k is not None:
            util = f" at {units.format_percent(k.utilisation, 0)} utilisation" if k.utilisation is not None else ""
            parts.append(f"<b style='color:{colours['knee']}'>Knee</b> {times(k.multiplier)} "
                         f"({units.format_count(k.dau)} DAU): mean {units.format_duration(k.mean)}, "
                         f"p99 {units.format_duration(k.p99)}{util}")
        else:
            parts.append("no knee in range (no queueing yet)")
        if cv.saturating:
            parts.append(f"saturates at {times(cv.saturation)} ({_esc(names.get(cv.saturating, cv.saturating))})")
        if cv.breaking_component and math.isfinite(cv.breaking):
            parts.append(f"<span style='color:{colours['breaking']}'>breaks</span> at {times(cv.breaking)} "
                         f"({_esc(names.get(cv.breaking_component, cv.breaking_component))})")
        parts.append("today's counts")
        self.info.setText(" · ".join(parts))


def _ms(seconds: float) -> float:
    return seconds * 1000 if math.isfinite(seconds) else math.nan


def _pct(share: float) -> float:
    return share * 100 if math.isfinite(share) else math.nan


def _esc(text: str) -> str:
    import html

    return html.escape(text)


class LoadBehaviourPanel(QTabWidget):
    """Curves and Sensitivity, as tabs."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.curves = CurvesView(document)
        self.tornado = TornadoView(document)
        self.addTab(self.curves, "Curves")
        self.addTab(self.tornado, "Sensitivity")
        self.setDocumentMode(True)
        self.setMinimumSize(200, 40)  # a small window may squeeze the plots rather than grow for them
        self._scene = None

    def follow(self, scene) -> None:
        """Show the curve of the component selected on this canvas scene (one card selected)."""
        self._scene = scene
        scene.selection_ids_changed.connect(self._on_selection)

    def _on_selection(self, *_args) -> None:
        ids = self._scene.selected_component_ids()
        self.curves.show_component(ids[0] if len(ids) == 1 else None)


def stale_tab_bars(window) -> list[QTabBar]:
    """Tab bars of the window's dock groups that no group uses. Qt 6.11 leaves one behind, visible and
    never moved again, when a second group of tabbed docks is made before the window is first shown (here:
    Results + Load behaviour after Inspector + Review). A live bar sits against the dock in front of its
    group, as wide as it; a stale one does not."""
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    stale = []
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if not bar.isVisible():
            continue
        front = [docks[t] for t in (bar.tabText(i) for i in range(bar.count())) if t in docks
                 and docks[t].isVisible() and not docks[t].visibleRegion().isEmpty()]
        g = bar.geometry()
        if not any(d.geometry().x() == g.x() and d.geometry().width() == g.width()
                   and g.y() in (d.geometry().bottom() + 1, d.geometry().top() - g.height()) for d in front):
            stale.append(bar)
    return stale


class _StaleTabBars(QObject):
    """Hides the stale tab bars found when the window is first shown (and keeps them hidden)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.hidden: list[QTabBar] = []
        window.installEventFilter(self)
        if window.isVisible():  # the panels are built after the window appeared
            QTimer.singleShot(0, self._find)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Show and not self.hidden:
            QTimer.singleShot(0, self._find)
        elif event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self.hidden = [bar for bar in self.hidden if isValid(bar)]  # the window may be going away
            for bar in self.hidden:
                bar.hide()
        return False

    def _find(self) -> None:
        if not isValid(self.window):
            return
        self.hidden = stale_tab_bars(self.window)
        for bar in self.hidden:
            bar.hide()


def build_load_dock(window, editor) -> LoadBehaviourPanel:
    """The Load behaviour panel for a main window: stored as `window.load_behaviour`; the curve follows the
    canvas selection."""
    panel = LoadBehaviourPanel(editor.document)
    window.load_behaviour = panel
    if hasattr(window, "installEventFilter"):
        window._stale_tab_bars = _StaleTabBars(window)
    scene = getattr(window, "scene", None)
    if scene is not None:
        panel.follow(scene)
    return panel
