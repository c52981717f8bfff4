"""Writing without loss: whole files, new files never overwritten, the brief's outputs swapped in as one unit."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

from dossier.errors import InputError
from dossier.files import create_new, publish_outputs, replace_file, writer_lock

OURS = frozenset({"dossier.pdf", "dossier.html", "dossier.json"})


def test_replace_file_keeps_permissions_and_leaves_no_temporaries(tmp_path: Path) -> None:
    target = tmp_path / "sources.yaml"
    target.write_text("old")
    target.chmod(0o664)
    replace_file(target, b"new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o664
    assert [p.name for p in tmp_path.iterdir()] == ["sources.yaml"]


def test_create_new_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "capture.txt"
    create_new(target, b"first")
    with pytest.raises(InputError, match="already exists; nothing was overwritten"):
        create_new(target, b"second")
    assert target.read_bytes() == b"first"


def test_publishing_replaces_the_whole_set_and_only_the_formats_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish_outputs({"dossier.pdf": b"old pdf", "dossier.html": b"old html", "dossier.json": b"{}"}, out, OURS)
    written = publish_outputs({"dossier.html": b"new html", "dossier.json": b"{\"new\": 1}"}, out, OURS)
    assert sorted(p.name for p in written) == ["dossier.html", "dossier.json"]
    # One brief at a time: the old PDF (of other evidence) does not stay beside the new HTML.
    assert sorted(p.name for p in out.iterdir()) == ["dossier.html", "dossier.json"]
    assert (out / "dossier.html").read_bytes() == b"new html"
    # The replaced set is kept aside for readers still reading it, until the next publication.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", ".build.previous", "build"]


def test_a_folder_holding_anything_else_is_refused_and_kept(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    (out / "dossier.html").write_bytes(b"old")
    (out / "notes.txt").write_bytes(b"the analyst's own file")
    (out / "op8").mkdir()
    with pytest.raises(InputError, match=r"holds files the build did not write \(notes.txt, op8\)"):
        publish_outputs({"dossier.html": b"new"}, out, OURS)
    assert (out / "notes.txt").read_bytes() == b"the analyst's own file" and (out / "dossier.html").read_bytes() == b"old"


@pytest.mark.parametrize("make", ["file", "symlink"])
def test_out_must_be_a_folder_of_its_own(tmp_path: Path, make: str) -> None:
    out = tmp_path / "build"
    if make == "file":
        out.write_bytes(b"a file")
    else:
        (tmp_path / "elsewhere").mkdir()
        out.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(InputError, match="not a folder of its own"):
        publish_outputs({"dossier.html": b"new"}, out, OURS)


def test_a_killed_publication_leaves_the_old_set_and_is_cleaned_up_next_time(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish_outputs({"dossier.html": b"old", "dossier.json": b"old"}, out, OURS)
    leftover = tmp_path / ".build.staging-abandoned"  # what a build killed before its swap leaves behind
    leftover.mkdir()
    (leftover / "dossier.html").write_bytes(b"half")
    assert (out / "dossier.html").read_bytes() == b"old"
    publish_outputs({"dossier.html": b"new", "dossier.json": b"new"}, out, OURS)
    assert not leftover.exists() and (out / "dossier.html").read_bytes() == b"new"


# Every step of a publication that touches the disk, in the order publish_outputs takes them.
STEPS = ("_remove_leftovers", "_write_new", "_fsync_folder", "_exchange", "rename", "rmtree")


def _publish_killed_at(out: Path, step: int) -> None:
    """Publish the new set in this process, killing it (SIGKILL) just before its `step`-th disk operation."""
    import shutil
    import signal

    from dossier import files
    calls = [0]

    def lethal(original):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            if calls[0] == step:
                os.kill(os.getpid(), signal.SIGKILL)
            calls[0] += 1
            return original(*args, **kwargs)
        return wrapper

    for name in STEPS[:4]:
        setattr(files, name, lethal(getattr(files, name)))
    os.rename = lethal(os.rename)  # type: ignore[assignment]
    shutil.rmtree = lethal(shutil.rmtree)  # type: ignore[assignment]
    publish_outputs(dict.fromkeys(sorted(OURS), b"new"), out, OURS)
    os._exit(0)  # every step taken: the kill point lies past the end


def test_a_publication_killed_before_any_of_its_disk_operations_leaves_a_complete_brief(tmp_path: Path) -> None:
    """Killed at every step in turn (leftovers, each file written, each fsync, the swap, each rename): the folder
    holds the whole old set or the whole new set, and the next publication cleans up what the kill left."""
    steps_survived = []
    for step in range(40):
        out = tmp_path / f"case{step}" / "build"
        publish_outputs(dict.fromkeys(sorted(OURS), b"old"), out, OURS)
        publish_outputs(dict.fromkeys(sorted(OURS), b"old"), out, OURS)  # so that a .previous set exists too
        worker = multiprocessing.Process(target=_publish_killed_at, args=(out, step))
        worker.start()
        worker.join()
        contents = {path.name: path.read_bytes() for path in out.iterdir()}
        assert contents in (dict.fromkeys(OURS, b"old"), dict.fromkeys(OURS, b"new")), (step, contents)
        if worker.exitcode == 0:
            break  # the publication ran to its end: every earlier step has been a kill point
        steps_survived.append(step)
        publish_outputs(dict.fromkeys(sorted(OURS), b"next"), out, OURS)
        assert {path.name: path.read_bytes() for path in out.iterdir()} == dict.fromkeys(OURS, b"next")
        assert not list(out.parent.glob(".build.staging-*")), step
    else:
        pytest.fail("the publication never finished: more steps than the test counts")
    assert len(steps_survived) >= 8, steps_survived  # leftovers, 3 writes, fsyncs, the swap, the renames


def _publish_forever(out: Path, stop: float) -> None:
    tag = str(os.getpid()).encode()
    while time.monotonic() < stop:
        publish_outputs(dict.fromkeys(sorted(OURS), tag), out, OURS)


def test_readers_always_see_one_complete_set_while_two_builds_race(tmp_path: Path) -> None:
    """Two processes publish into one folder as fast as they can; every snapshot a reader takes is one set."""
    out = tmp_path / "build"
    publish_outputs(dict.fromkeys(sorted(OURS), b"first"), out, OURS)
    stop = time.monotonic() + 3
    writers = [multiprocessing.Process(target=_publish_forever, args=(out, stop)) for _ in range(2)]
    for writer in writers:
        writer.start()
    mixed, seen, superseded = [], 0, 0
    while time.monotonic() < stop:
        fd = os.open(out, os.O_RDONLY)  # a reader holding the folder sees one set, whatever happens next
        try:
            contents = {name: Path(f"/proc/self/fd/{fd}/{name}").read_bytes() for name in sorted(OURS)}
        except FileNotFoundError:
            superseded += 1  # two publications later a set is removed; a reader that slow starts again
            continue
        finally:
            os.close(fd)
        seen += 1
        if len(set(contents.values())) != 1:
            mixed.append(str(contents))
    for writer in writers:
        writer.join()
    assert seen > 20 and not mixed, mixed[:3]
    assert superseded < seen / 10


def test_writer_lock_makes_a_second_writer_wait_or_refuse(tmp_path: Path) -> None:
    lock = tmp_path / ".dossier.lock"
    order: list[str] = []

    def second() -> None:
        with writer_lock(lock, "seeds/"):
            order.append("second")

    with writer_lock(lock, "seeds/"):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        order.append("first")
    thread.join()
    assert order == ["first", "second"]
    refused = pytest.raises(InputError, match="another dossier command has been writing")
    with writer_lock(lock, "seeds/"), refused, writer_lock(lock, "seeds/", wait=0.2):
        pass
