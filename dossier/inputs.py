"""Reading the repository's input files safely: regular files inside the root, each read with a size bound.

Every command reads its inputs through `read_input`, so none of them can be made to read a file outside the
repository through a symbolic link, hang on a FIFO, or read without end from a device such as /dev/zero.
The limits below are per kind of file; they leave room for an evidence base of 100,000 records in the
benchmark's shape (about 10,000 sources: a register of about 11 MiB).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MiB = 1024 * 1024
LIMITS = {
    "record": 1 * MiB,  # one evidence record (a few kB in practice)
    "register": 64 * MiB,  # seeds/sources.yaml
    "catalog": 8 * MiB,  # catalog/*.yaml
    "settings": 1 * MiB,  # brief.yaml and other small settings
    "capture": 64 * MiB,  # one archived capture: the passage check is linear in it
    "argument": 64 * MiB,  # a file named on the command line (add-source's capture)
}


class Refused(Exception):
    """An input that is not read, and why, in words for the analyst."""


def read_input(path: Path, root: Path | None, kind: str) -> bytes:
    """The bytes of a regular file (inside `root`, when given), refusing anything else; at most LIMITS[kind]."""
    limit = LIMITS[kind]
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise Refused("does not exist") from None
    except OSError as exc:
        raise Refused(f"cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode):
        raise Refused("is a symbolic link; inputs must be regular files inside the repository")
    if not stat.S_ISREG(info.st_mode):
        raise Refused("is not a regular file (a folder, a device or a FIFO); inputs must be regular files")
    if root is not None and not path.resolve().is_relative_to(root.resolve()):
        raise Refused("lies outside the repository (through a linked folder); inputs must be inside it")
    if info.st_size > limit:
        raise Refused(f"is {info.st_size:,} bytes; the limit for a {kind} file is {limit:,} ({limit // MiB} MiB)")
    return _read_bounded(path, limit, kind)


def _read_bounded(path: Path, limit: int, kind: str) -> bytes:
    """Open without following a link and without blocking, check again what was opened, read at most limit + 1."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot be read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped for something else since lstat
            raise Refused("is not a regular file (a folder, a device or a FIFO); inputs must be regular files")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"is over {limit:,} bytes, the limit for a {kind} file ({limit // MiB} MiB)")
    return data
