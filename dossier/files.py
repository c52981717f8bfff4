"""Writing files so that nothing is lost: a reader sees the old file or the new one, never half of one.

Used by the build (the brief's outputs), `add-source` (the register and captures), `new` and `schema`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError


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


def write_atomically(files: dict[str, bytes], out: Path) -> list[Path]:
    """Stage every file first, then rename them all: a failure while writing replaces none of them."""
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            staged.append((_stage(out / name, data), out / name))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [target for _, target in staged]


def create_new(path: Path, data: bytes) -> None:
    """Create a file that must not exist yet; fail rather than replace one (commands that create never overwrite)."""
    try:
        handle = open(path, "xb")  # noqa: SIM115 - the file is ours only once created; see the except below
    except FileExistsError:
        raise InputError(f"{path} already exists; nothing was overwritten") from None
    try:
        with handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)  # ours, just created: never leave half a file behind
        raise
