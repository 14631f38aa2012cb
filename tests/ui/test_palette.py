"""The palette lists every catalog kind by category, filters, and drags kinds onto the canvas."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent

from archplan.planner.catalog import default_catalog
from archplan.ui.canvas.scene import CanvasScene
from archplan.ui.canvas.view import CanvasView
from archplan.ui.palette import CATEGORIES, KIND_MIME, Palette


@pytest.fixture
def palette(qtbot):
    widget = Palette()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_every_kind_is_listed_once_with_its_icon(palette):
    catalog = default_catalog()
    assert sorted(palette.visible_kinds()) == sorted(catalog.ids())
    for kind in catalog:
        item = palette.item(kind.id)
        assert item.text(0) == kind.label
        assert not item.icon(0).isNull(), f"{kind.id}: icon {kind.icon}.svg did not load"
        assert kind.description in item.toolTip(0)


def test_categories_in_display_order(palette):
    present = {k.category for k in default_catalog()}
    assert palette.category_titles() == [title for cat, title in CATEGORIES if cat in present]
    first_of = {}
    for kind_id in palette.visible_kinds():
        first_of.setdefault(default_catalog()[kind_id].category, len(first_of))
    assert list(first_of) == [cat for cat, _ in CATEGORIES if cat in present]


@pytest.mark.parametrize("text, expected, unexpected", [
    ("postgres", {"db.postgres", "db.postgres_replica"}, {"cache.redis"}),
    ("cache.memcached", {"cache.memcached"}, {"cache.redis"}),   # by id
    ("REDIS", {"cache.redis"}, {"db.postgres"}),                 # case-insensitive
])
def test_search_filters_by_label_id_description(palette, text, expected, unexpected):
    palette.search.setText(text)
    visible = set(palette.visible_kinds())
    assert expected <= visible
    assert not (unexpected & visible)


def test_search_by_description_word_and_clear(palette):
    kind = default_catalog()["obs.healthcheck"]
    word = max(kind.description.split(), key=len).strip(".,()").lower()
    palette.search.setText(word)
    assert "obs.healthcheck" in palette.visible_kinds()
    palette.search.setText("zzz-no-such-thing")
    assert palette.visible_kinds() == []
    assert all(palette.tree.topLevelItem(i).isHidden() for i in range(palette.tree.topLevelItemCount()))
    palette.search.clear()
    assert len(palette.visible_kinds()) == len(default_catalog())


def test_mime_data_carries_the_kind_id(palette):
    mime = palette.mime_data("cache.redis")
    assert mime.hasFormat(KIND_MIME)
    assert bytes(mime.data(KIND_MIME)).decode("utf-8") == "cache.redis"
    assert bytes(palette.tree.mimeData([palette.item("db.postgres")]).data(KIND_MIME)) == b"db.postgres"
    with pytest.raises(KeyError):
        palette.mime_data("no.such")


def test_double_click_and_enter_request_an_add(palette, qtbot):
    item = palette.item("queue.sqs")
    with qtbot.waitSignal(palette.add_requested) as blocker:
        palette.tree.itemDoubleClicked.emit(item, 0)
    assert blocker.args == ["queue.sqs"]
    palette.tree.setCurrentItem(palette.item("cache.redis"))
    palette.tree.setFocus()
    with qtbot.waitSignal(palette.add_requested) as blocker:
        qtbot.keyClick(palette.tree, Qt.Key.Key_Return)
    assert blocker.args == ["cache.redis"]


def test_enter_in_search_adds_first_match(palette, qtbot):
    palette.search.setText("memcached")
    with qtbot.waitSignal(palette.add_requested) as blocker:
        qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert blocker.args == ["cache.memcached"]


def test_drop_on_canvas_adds_the_component(palette, editor, qtbot):
    """The palette's own drag payload, delivered to the view's dropEvent, adds a component there."""
    scene = CanvasScene(editor)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    count = len(editor.plan.components)
    mime = palette.mime_data("queue.sqs")
    point = QPoint(400, 300)
    event = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    view.dropEvent(event)
    assert len(editor.plan.components) == count + 1
    added = editor.plan.components[-1]
    assert added.kind == "queue.sqs"
    target = view.mapToScene(point)
    assert abs(added.position.x - target.x()) <= 40 and abs(added.position.y - target.y()) <= 40
    editor.undo_stack.undo()
    assert len(editor.plan.components) == count
    view.setScene(None)
    scene.detach()
