"""The Simulate panel (ui/simulate_panel.py) and the canvas playback (ui/sim_playback.py): a run off the GUI
thread with progress and cancel, the comparison table, the animation, GIF / PNG export, the hookup."""

from __future__ import annotations

import time

import pytest
from PIL import Image
from PySide6.QtCore import QPointF, QRectF, QTimer
from PySide6.QtGui import QColor, QImage, QPainter

from archplan.planner import simreport, units
from archplan.planner.result import status_of
from archplan.planner.simulation import DEFAULT_MAX_VISITS
from archplan.ui import simulate_panel
from archplan.ui.sim_playback import LoadOverlay, Playback, load_colour, percent_text
from archplan.ui.simulate_panel import SimulationOptions

SHORT = SimulationOptions(seed=1, duration=4.0, multiplier=1.0)


@pytest.fixture
def panel(window):
    panel = window.simulate_panel
    panel.set_options(SHORT)
    return panel


def _snapshot(window):
    return window.editor.plan.model_dump_json(), window.editor.undo_stack.count(), window.editor.is_modified()


def run_to_end(qtbot, panel, timeout=60_000) -> str:
    with qtbot.waitSignal(panel.finished, timeout=timeout) as blocker:
        assert panel.start()
    return blocker.args[0]


def test_default_budget_is_the_simulations():
    assert simulate_panel.DEFAULT_MAX_VISITS == DEFAULT_MAX_VISITS


def test_a_run_reaches_100_percent_and_fills_the_table(qtbot, window, panel):
    seen: list[int] = []
    panel.progress.valueChanged.connect(seen.append)
    before = _snapshot(window)
    assert run_to_end(qtbot, panel) == "done"
    assert panel.progress.value() == 100 and seen[-1] == 100 and seen == sorted(seen)
    rows = simreport.component_rows(panel.sim)
    assert rows and panel.table.rowCount() == len(rows)
    text = panel.table_text()
    for r, row in enumerate(rows):
        assert text[r][0] == row.name
        assert text[r][2] == panel.table.item(r, 2).text()
        for i, figure in enumerate(simreport.FIGURES):
            cell = row.cells[figure]
            assert text[r][3 + 2 * i] == cell.simulated_text() + (" !" if cell.flagged else "")
            assert text[r][4 + 2 * i] == cell.formula_text()
    assert panel.paths.rowCount() == len(simreport.path_rows(panel.sim))
    assert simreport.headline(panel.sim) in panel.notes.toPlainText()
    assert panel.sim.seed == 1 and panel.sim.duration == pytest.approx(4.0)
    assert _snapshot(window) == before  # a run edits nothing


def test_the_run_is_the_clis_on_the_same_plan(qtbot, window, panel):
    from archplan.planner.engine import compute
    from archplan.planner.simulation import simulate

    assert run_to_end(qtbot, panel) == "done"
    plan = window.editor.plan
    cli = simulate(plan, seed=1, duration=4.0, multiplier=1.0, result=compute(plan, multiplier=1.0))
    ours = panel.sim.as_dict()
    theirs = cli.as_dict()
    assert ours == theirs  # as_dict leaves the wall time out


def test_same_seed_same_table_other_seed_differs(qtbot, panel):
    assert run_to_end(qtbot, panel) == "done"
    first = panel.table_text()
    assert run_to_end(qtbot, panel) == "done"
    assert panel.table_text() == first
    panel.set_options(SimulationOptions(seed=2, duration=4.0))
    assert run_to_end(qtbot, panel) == "done"
    assert panel.table_text() != first


def test_cancel_stops_the_worker_promptly_and_keeps_nothing(qtbot, window, panel):
    panel.set_options(SimulationOptions(seed=1, duration=3_600.0, max_visits=50_000_000))  # minutes of work
    before = _snapshot(window)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    assert panel.start() and panel.running and not panel.run_button.isEnabled()
    qtbot.waitUntil(lambda: panel.progress.value() >= 1, timeout=30_000)
    worker = panel.worker
    assert worker.isRunning()
    ticks.clear()
    qtbot.wait(300)
    assert len(ticks) >= 5  # the GUI thread keeps running its timers while the simulation works
    started = time.perf_counter()
    with qtbot.waitSignal(panel.finished, timeout=5_000) as blocker:
        panel.cancel()
    assert time.perf_counter() - started < 2.0
    assert blocker.args == ["cancelled"] and worker.isFinished() and not panel.running
    assert panel.sim is None and panel.table.rowCount() == 0 and panel.playback is None
    assert not [it for it in window.scene.items() if isinstance(it, LoadOverlay)]
    assert panel.progress.value() < 100 and "Cancelled" in panel.status.text()
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert _snapshot(window) == before
    timer.stop()


def test_a_bad_duration_is_said_and_nothing_runs(panel):
    panel.duration.setText("soon")
    assert not panel.start()
    assert panel.worker is None and "duration" in panel.status.text()


def test_playback_colours_each_card_by_its_load_in_the_slice(qtbot, window, panel):
    before = _snapshot(window)
    assert run_to_end(qtbot, panel) == "done"
    playback = panel.playback
    frames = simreport.frames(panel.sim, panel.result)
    assert len(playback) == len(frames) == len(next(iter(panel.sim.trace.values())))
    assert set(playback.overlays) == set(panel.sim.trace)
    changed = set()
    for index in (0, len(frames) // 2, len(frames) - 1):
        panel.scrubber.setValue(index)  # the scrubber drives the playback
        assert playback.index == index
        for cid, overlay in playback.overlays.items():
            u, level = frames[index].load[cid]
            assert overlay.utilisation == u == panel.sim.trace[cid][index]
            assert level == status_of(u, panel.result.components[cid].ceiling)
            assert overlay.colour == load_colour(level)
            rate = units.format_qps(panel.sim.components[cid].arrival_rate)
            assert overlay.text == f"sim {rate} {percent_text(u)}"  # the row drawn over the card's badge row
            assert overlay.pos() == window.scene.component_item(cid).pos()
            changed.add((cid, u))
        assert panel.caption.text() == simreport.frame_caption(panel.sim, frames[index])
    assert len(changed) > len(playback.overlays)  # the loads differ between slices
    assert _snapshot(window) == before


def _pixel(scene, point: QPointF) -> QColor:
    image = QImage(40, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    with QPainter(image) as painter:
        scene.render(painter, QRectF(0, 0, 40, 40), QRectF(point - QPointF(20, 20), point + QPointF(20, 20)))
    return image.pixelColor(20, 20)


def test_percent_text_reads_like_the_cards():
    assert percent_text(0.4567) == "46 %" and percent_text(0.001) == "<1 %" and percent_text(0.0) == "0 %"
    assert percent_text(None) == ""


def test_the_ring_turns_from_green_to_red_when_the_slice_is_over(window):
    """Hand-made frames: the same card drawn in the status colour of each slice."""
    scene = window.scene
    card = scene.component_items()[0]
    cid = card.component_id
    frames = [simreport.Frame(0, 0.0, 1.0, {cid: (0.3, "ok")}), simreport.Frame(1, 1.0, 2.0, {cid: (0.97, "over")})]

    class Sim:
        duration = 2.0

    playback = Playback(scene, frames, Sim())
    ring = card.pos() + QPointF(0, -40 - 2)  # the ring around the card's top edge
    colours = []
    for i in (0, 1):
        playback.show_frame(i)
        colours.append(_pixel(scene, ring))
    ok, over = colours
    assert ok.green() > ok.red() and over.red() > over.green() + 80
    playback.close()
    assert not [it for it in scene.items() if isinstance(it, LoadOverlay)]


def test_play_steps_through_the_frames_and_stops_at_the_end(qtbot, panel):
    assert run_to_end(qtbot, panel) == "done"
    playback = panel.playback
    panel.speed.setCurrentIndex(panel.speed.count() - 1)  # fastest
    assert playback.interval_ms() < 100
    panel.toggle_play()
    assert playback.playing and "Pause" in panel.play_button.text()
    qtbot.waitUntil(lambda: not playback.playing, timeout=20_000)
    assert playback.index == len(playback) - 1 and panel.scrubber.value() == playback.index
    assert "Play" in panel.play_button.text()


def test_gif_export_writes_one_frame_per_slice(qtbot, tmp_path, window, panel):
    assert run_to_end(qtbot, panel) == "done"
    before = _snapshot(window)
    panel.scrubber.setValue(5)
    path = panel.export_gif(str(tmp_path / "run.gif"))
    assert path is not None and path.is_file()
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == len(panel.playback)
        assert gif.info.get("loop") == 0
    assert panel.playback.index == 5  # the view is back on the frame it showed
    assert _snapshot(window) == before


def test_gif_export_asks_where_and_a_cancel_writes_nothing(qtbot, tmp_path, panel):
    assert run_to_end(qtbot, panel) == "done"
    asked = []
    panel.ask_save_path = lambda *args: asked.append(args) or None
    assert panel.export_gif() is None and asked and asked[0][2].endswith(".gif")
    assert not list(tmp_path.iterdir())


def test_png_sequence_writes_a_numbered_file_per_slice(qtbot, tmp_path, panel):
    assert run_to_end(qtbot, panel) == "done"
    panel.ask_directory = lambda start: str(tmp_path / "frames")
    paths = panel.export_pngs()
    assert len(paths) == len(panel.playback)
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == [p.name for p in paths]
    assert paths[0].name.endswith("_001.png")
    with Image.open(paths[0]) as first:
        assert first.width > 100 and first.height > 100


def test_an_edit_marks_the_run_stale_and_a_new_plan_clears_it(qtbot, window, panel):
    assert run_to_end(qtbot, panel) == "done"
    cid = window.editor.plan.components[1].id
    window.editor.set_component(cid, name="Renamed")
    window.editor.document.recompute_now()
    assert panel.stale and "changed" in panel.status.text()
    window.editor.load(window.editor.plan.model_copy(deep=True))
    assert panel.sim is None and panel.playback is None and panel.table.rowCount() == 0
    assert not [it for it in window.scene.items() if isinstance(it, LoadOverlay)]


def test_the_simulate_action_shows_the_dock_and_runs(qtbot, window, panel):
    action = window.action_map["simulate"]
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    assert action in menus["Analyse"].actions()
    assert window.docks["simulate"].toggleViewAction() in menus["View"].actions()
    with qtbot.waitSignal(panel.finished, timeout=60_000):
        action.trigger()
    assert window.docks["simulate"].isVisible() and panel.state == "done"
    assert window.docks["results"] in window.tabifiedDockWidgets(window.docks["simulate"])  # a tab beside Results


def test_a_table_row_selects_its_component_on_the_canvas(qtbot, window, panel):
    assert run_to_end(qtbot, panel) == "done"
    panel.table.selectRow(0)
    cid = panel.table.item(0, 0).data(0x0100)
    assert window.scene.selected_component_ids() == [cid]


def test_closing_the_window_stops_a_run(qtbot, window, panel):
    panel.set_options(SimulationOptions(seed=1, duration=3_600.0, max_visits=50_000_000))
    assert panel.start()
    qtbot.waitUntil(lambda: panel.progress.value() >= 1, timeout=30_000)
    worker = panel.worker
    window.recorder.save_answer = "discard"
    window.close()
    assert worker.isFinished()
