"""
Playing a simulation back on the canvas: each card coloured by its load in one window of simulated time.

The run's utilisation trace (planner.simreport.frames) becomes one overlay item per card: a tint over
the card and a ring in the status colour of that window's busy share (ok / warn / over against the
component's ceiling, the canvas's own colours), and the card's badge row covered by the simulated one
(the run's visits/s and the busy share in that window: the card's own figures are the document's).
The overlays are scene items of their own, above the cards: the cards, the document and the undo stack
are never touched, so playing, pausing, scrubbing or exporting leaves the plan exactly as it was
(nothing to undo, nothing saved).

`Playback` steps through the frames on a timer (play / pause, a frame index for the scrubber, a speed in
simulated seconds per second); `render_frames` draws every frame off-screen (QGraphicsScene.render into
QImage) and `save_gif` / `save_png_sequence` write them with Pillow.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem
from shiboken6 import isValid

from archplan.planner import units
from archplan.planner.simreport import Frame, frame_caption
from archplan.ui.canvas import painting, style

#: Above the cards (0) and their feedback items? Below the gesture feedback (1000), above cards.
Z_OVERLAY = 500.0
#: Playback speeds offered: simulated seconds per real second, as multiples of one frame per 0.25 s.
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
#: Real milliseconds one frame stays on screen at speed 1.
FRAME_MS = 250
STATUS_TEXT = {"ok": "ok", "warn": "near its ceiling", "over": "over its ceiling", "none": "idle"}


def load_colour(level: str) -> QColor:
    return QColor(painting.LEVEL_COLOURS.get(level, style.UTIL_NONE))


class LoadOverlay(QGraphicsItem):
    """A card's load in the current frame: a tint, a ring in the status colour, and the card's badge row
    covered by the simulated one (the run's visits/s, the busy share in this window). Takes no input."""

    def __init__(self, component_id: str, rate_text: str = ""):
        super().__init__()
        self.component_id = component_id
        self.rate_text = rate_text
        self.utilisation: float | None = None
        self.level = "none"
        self.setZValue(Z_OVERLAY)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)

    def set_load(self, utilisation: float | None, level: str) -> None:
        if (utilisation, level) != (self.utilisation, self.level):
            self.utilisation, self.level = utilisation, level
            self.update()

    @property
    def colour(self) -> QColor:
        return load_colour(self.level)

    @property
    def text(self) -> str:
        """What the row says: 'sim 608 QPS 40 %'."""
        return " ".join(p for p in ("sim", self.rate_text, percent_text(self.utilisation)) if p)

    def boundingRect(self) -> QRectF:
        return painting.CARD_RECT.adjusted(-6, -6, 6, 6)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self.utilisation is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = self.colour
        u = min(1.0, max(0.0, self.utilisation))
        rect = painting.CARD_RECT
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.tint(colour, 16 + round(70 * u)))
        painter.drawRoundedRect(rect, style.CARD_RADIUS, style.CARD_RADIUS)
        painter.setPen(QPen(colour, 3.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), style.CARD_RADIUS + 2, style.CARD_RADIUS + 2)
        # the simulated badge row over the card's own (whose figures are the document's)
        row = painting.ROW_RECT.adjusted(-4, -2, 4, 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.CARD_FILL)
        painter.drawRoundedRect(row, 5, 5)
        font = style.badge_font()
        painter.setFont(font)
        painter.setPen(style.MUTED)
        left = " ".join(p for p in ("sim", self.rate_text) if p)
        painter.drawText(row.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, left)
        pct = percent_text(self.utilisation)
        pct_w = painting.text_width(font, pct)
        painter.setPen(colour.lighter(125) if style.DARK else colour.darker(115))
        painter.drawText(QRectF(row.right() - 4 - pct_w - 2, row.top(), pct_w + 2, row.height()),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, pct)
        bar_w = 44.0
        bar = QRectF(row.right() - 4 - pct_w - 6 - bar_w, row.center().y() - 3, bar_w, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.BAR_TRACK)
        painter.drawRoundedRect(bar, 3, 3)
        painter.setBrush(colour)
        painter.drawRoundedRect(bar.adjusted(0, 0, -bar_w * (1 - max(0.04, u)), 0), 3, 3)


def percent_text(value: float | None) -> str:
    """Whole percent as on the cards; a load that rounds to 0 % still reads as some load ("<1 %")."""
    if value is None:
        return ""
    if 0 < value < 0.005:
        return f"<{units.format_percent(0.01, 0)}"
    return units.format_percent(value, 0)


class Playback(QObject):
    """Steps a run's frames over the scene's cards; `frame_changed(index)` after each step."""

    frame_changed = Signal(int)
    playing_changed = Signal(bool)

    def __init__(self, scene, frames: list[Frame], sim, parent: QObject | None = None):
        super().__init__(parent)
        self.scene, self.frames, self.sim = scene, frames, sim
        self.index = 0
        self.speed = 1.0
        self.overlays: dict[str, LoadOverlay] = {}
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._apply_interval()
        components = getattr(sim, "components", {})
        for cid in sorted({cid for f in frames for cid in f.load}):
            c = components.get(cid)
            overlay = LoadOverlay(cid, units.format_qps(c.arrival_rate) if c is not None else "")
            scene.addItem(overlay)
            self.overlays[cid] = overlay
        if frames:
            self.show_frame(0)

    # ------------------------------------------------------------------ frames
    def __len__(self) -> int:
        return len(self.frames)

    def show_frame(self, index: int) -> None:
        """Colour every card by its load in frame `index` (clamped); cards follow moved components."""
        if not self.frames:
            return
        self.index = max(0, min(index, len(self.frames) - 1))
        frame = self.frames[self.index]
        for cid, overlay in self.overlays.items():
            card = self.scene.component_item(cid)
            if not isValid(overlay):
                continue
            if card is None or not card.isVisible():
                overlay.setVisible(False)
                continue
            overlay.setVisible(True)
            overlay.setPos(card.pos())
            u, level = frame.load.get(cid, (None, "none"))
            overlay.set_load(u, level)
        self.frame_changed.emit(self.index)

    def caption(self) -> str:
        return frame_caption(self.sim, self.frames[self.index]) if self.frames else ""

    # ------------------------------------------------------------------ play / pause
    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if not self.frames or self.playing:
            return
        if self.index >= len(self.frames) - 1:
            self.show_frame(0)
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def set_speed(self, speed: float) -> None:
        if speed > 0:
            self.speed = speed
            self._apply_interval()

    def interval_ms(self) -> int:
        return max(15, round(FRAME_MS / self.speed))

    def _apply_interval(self) -> None:
        self._timer.setInterval(self.interval_ms())

    def _tick(self) -> None:
        if self.index >= len(self.frames) - 1:
            self.pause()
            return
        self.show_frame(self.index + 1)

    # ------------------------------------------------------------------ end
    def close(self) -> None:
        """Stop and take the overlays off the canvas."""
        self._timer.stop()
        for overlay in self.overlays.values():
            if isValid(overlay) and overlay.scene() is not None:  # a new plan clears the scene first
                overlay.scene().removeItem(overlay)
        self.overlays.clear()


# ------------------------------------------------------------------------------------------ export

MARGIN = 32.0
CAPTION_H = 34


def render_frames(playback: Playback, scale: float = 1.0, title: str = "") -> list[QImage]:
    """Every frame of the playback as an image of the whole drawing, with a caption line (simulated
    time, the title). The view is left on the frame it showed."""
    from archplan.ui.canvas.image import _plain_rendering

    scene = playback.scene
    shown = playback.index
    source = scene.items_bounding_rect()
    if source.isNull():
        source = QRectF(0, 0, 200, 120)
    source = source.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    width, height = max(1, round(source.width() * scale)), max(1, round(source.height() * scale))
    images = []
    try:
        with _plain_rendering(scene):
            for i in range(len(playback)):
                playback.show_frame(i)
                image = QImage(width, height + CAPTION_H, QImage.Format.Format_RGB32)
                image.fill(QColor("white"))
                with QPainter(image) as painter:
                    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                                           | QPainter.RenderHint.SmoothPixmapTransform)
                    painter.setPen(QColor("#0f172a"))  # on white, as canvas images are
                    painter.setFont(style.font(14, 600))
                    caption = playback.caption() + (f"  ·  {title}" if title else "")
                    painter.drawText(QRectF(12, 0, width - 24, CAPTION_H),
                                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, caption)
                    scene.render(painter, QRectF(0, CAPTION_H, width, height), source,
                                 Qt.AspectRatioMode.KeepAspectRatio)
                images.append(image)
    finally:
        playback.show_frame(shown)
    return images


def to_pillow(image: QImage):
    """A QImage as a Pillow RGB image."""
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())[: rgb.sizeInBytes()]
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1).copy()


def save_gif(images: list[QImage], path: str | Path, frame_ms: int = FRAME_MS) -> Path:
    """An animated GIF of `images`, `frame_ms` each, looping. OSError when it cannot be written."""
    if not images:
        raise ValueError("no frames to write")
    path = Path(path)
    frames = [to_pillow(im) for im in images]  # each frame gets its own adaptive palette (Pillow)
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=frame_ms, loop=0)
    return path


def save_png_sequence(images: list[QImage], folder: str | Path, stem: str) -> list[Path]:
    """`stem_001.png`, `stem_002.png`, ... in `folder` (created if missing)."""
    if not images:
        raise ValueError("no frames to write")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    digits = max(3, len(str(len(images))))
    paths = []
    for i, image in enumerate(images, start=1):
        path = folder / f"{stem}_{i:0{digits}d}.png"
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write the image {path}")
        paths.append(path)
    return paths
