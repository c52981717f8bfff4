"""Reading inputs with a bound: what is read, and what is refused, whatever the file's size says."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from dossier.inputs import Refused, _read_bounded, _read_to, read_input


def test_a_file_is_read_whole_up_to_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "record.yaml"
    path.write_bytes(b"id: x\n" * 50_000)  # 300 kB: more than one request of 64 kB
    assert read_input(path, tmp_path, "record") == path.read_bytes()
    (tmp_path / "empty.yaml").touch()
    assert read_input(tmp_path / "empty.yaml", None, "record") == b""


@pytest.mark.parametrize("size_seen", [0, 10, 299_999])
def test_a_file_larger_than_its_size_said_is_read_on_to_the_bound(tmp_path: Path, size_seen: int) -> None:
    """A file that grew after its size was read: read on, never past `most`."""
    path = tmp_path / "growing.txt"
    path.write_bytes(bytes(range(256)) * 1200)  # 307,200 bytes
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _read_to(fd, size_seen, 200_001) == path.read_bytes()[:200_001]
    finally:
        os.close(fd)


def test_a_large_file_is_held_once_in_memory(tmp_path: Path) -> None:
    """A capture of 20 MB costs about 20 MB to read, not twice that (a copy into a buffer and out again)."""
    path = tmp_path / "capture.txt"
    path.write_bytes(b"x" * 20_000_000)
    tracemalloc.start()
    try:
        data = read_input(path, tmp_path, "capture")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(data) == 20_000_000
    assert peak < 1.2 * 20_000_000, peak


def test_a_file_that_grew_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "grown.yaml"
    path.write_bytes(b"x" * 101)
    with pytest.raises(Refused, match="is over 100 bytes, the limit for a record file"):
        _read_bounded(path, 100, "record")
    assert _read_bounded(path, 101, "record") == b"x" * 101
