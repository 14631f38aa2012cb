"""planner.io.atomic_write_bytes: the one atomic writer behind plan files and every export."""

import os
import stat

import pytest

from archplan.planner import io
from archplan.planner.io import atomic_write_bytes, atomic_write_text


def _umask():
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_writes_the_bytes_exactly_with_normal_permissions(tmp_path):
    path = tmp_path / "image.png"
    data = bytes(range(256)) + b"\r\n\x00"
    atomic_write_bytes(path, data)
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()  # not mkstemp's private 0600
    assert [p.name for p in tmp_path.iterdir()] == ["image.png"]


def test_replacing_keeps_the_old_files_mode(tmp_path):
    path = tmp_path / "d.svg"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "d.pdf"
    path.write_bytes(b"old")

    def full_disk(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["d.pdf"]


def test_text_is_utf8_without_newline_translation(tmp_path):
    path = tmp_path / "t.md"
    atomic_write_text(path, "a\r\nb\né")
    assert path.read_bytes() == "a\r\nb\né".encode()


def test_umask_matches_the_process_umask():
    assert io._umask() == _umask()
