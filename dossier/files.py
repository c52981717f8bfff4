"""Writing files so that nothing is lost: a reader sees the old file or the new one, never half of one.

- `replace_file`: one file, by temporary file and rename (the register, the schemas);
- `create_new`: a file that must not exist yet (a capture, a skeleton record): never overwrites;
- `publish_outputs`: the brief's outputs as one unit, staged in a sibling folder and swapped in with a single
  atomic exchange, so any reader sees the complete old brief or the complete new one;
- `writer_lock`: a lock (filelock) that makes concurrent runs wait their turn, or refuse after a while,
  so that none reports success for work that did not land.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import InputError

LOCK_WAIT_SECONDS = 120.0
_RENAME_EXCHANGE = 2  # Linux renameat2 flag: swap two paths in one step
_AT_FDCWD = -100


def _stage(path: Path, data: bytes) -> Path:
    """Write data to a temporary file beside path (same filesystem, so the rename is atomic)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Keep an existing file's permissions; a new one gets the usual 0644, not mkstemp's 0600.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def replace_file(path: Path, data: bytes) -> None:
    """Write one file by temporary file and rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def create_new(path: Path, data: bytes) -> None:
    """Create a file that must not exist yet; fail rather than replace one (commands that create never overwrite)."""
    try:
        handle = open(path, "xb")  # noqa: SIM115 - the file is ours only once created; see the except below
    except FileExistsError:
        raise InputError(f"{path} already exists; nothing was overwritten") from None
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)  # ours, just created: never leave half a file behind
        raise


@contextmanager
def writer_lock(lock_path: Path, what: str, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the lock at `lock_path` while writing `what`; another run waits, then refuses with a clear message."""
    lock = FileLock(str(lock_path), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise InputError(f"another dossier command has been writing {what} for over {wait:.0f} s (lock "
                         f"{lock_path}); nothing was written: try again when it has finished") from None
    try:
        yield
    finally:
        lock.release()


# --- The brief's outputs, published as one unit --------------------------------------------------------------


def publish_outputs(files: dict[str, bytes], out: Path, ours: frozenset[str]) -> list[Path]:
    """Replace the folder `out` with exactly `files`, in one step; the previous set stays until then.

    `out` may hold only files named in `ours` (the outputs a build writes): a folder with anything else in it
    is refused rather than emptied. Concurrent builds into one folder take turns (a lock beside it), and what
    a killed build left behind (a staging folder) is removed by the next.
    """
    parent = out.parent
    blocking = next((p for p in (parent, *parent.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise InputError(f"--out {out}: {blocking} is a file, not a folder; choose another --out")
    parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(parent / f".{out.name}.lock", f"{out}/"):
        _remove_leftovers(parent, out.name)
        _refuse_foreign(out, ours)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=parent))
        try:
            for name, data in files.items():
                _write_new(staging / name, data)
            os.chmod(staging, 0o755)
            _fsync_folder(staging)
            if out.exists():
                _exchange(staging, out)  # `out` is now the new set, `staging` the old one
                # Set the old one aside rather than delete it under a reader who is reading it now; the next
                # publication removes it.
                os.rename(staging, parent / f".{out.name}.previous")
            else:
                os.rename(staging, out)
            _fsync_folder(parent)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in files]


def _refuse_foreign(out: Path, ours: frozenset[str]) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise InputError(f"--out {out} is not a folder of its own (a file or a link); choose another --out")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in ours or not p.is_file() or p.is_symlink())
        if foreign:
            shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
            raise InputError(f"{out}/ holds files the build did not write ({shown}); the build replaces the whole "
                             "folder, so give --out a folder of its own (nothing was written)")


def _remove_leftovers(parent: Path, name: str) -> None:
    """Staging folders of builds killed before they finished, and the set the last publication replaced."""
    for path in [*parent.glob(f".{name}.staging-*"), parent / f".{name}.previous"]:
        shutil.rmtree(path, ignore_errors=True)


def _write_new(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None or renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        errno = ctypes.get_errno() if renameat2 is not None else 38
        raise OSError(errno, f"cannot swap in the new brief atomically ({os.strerror(errno)}); the previous brief "
                             "is left in place", str(b))
