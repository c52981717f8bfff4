"""Reading the repository's input files safely: regular files inside the root, each read with a size bound.

Every command reads its inputs through `read_input`, so none of them can be made to read a file outside the
repository through a symbolic link, hang on a FIFO, or read without end from a device such as /dev/zero.
The limits below are per kind of file; they leave room for an evidence base of 100,000 records in the
benchmark's shape (about 10,000 sources: a register of about 11 MiB).

Captures are limited by their kind (`capture_input`), since each is read whole into memory, hashed and, for
every kind but text, extracted again on every run:

- text (`capture`), 64 MiB: pasted page text; the passage check is linear in it;
- html (`capture-html`), 64 MiB: one saved page; pages with their text are a few MiB at most;
- pdf (`capture-pdf`), 256 MiB: born-digital reports run to a few hundred pages and embed their fonts and
  figures; a Panel of Experts report is 5 to 40 MiB;
- warc and wacz (`capture-warc`, `capture-wacz`), 1 GiB: a browser's crawl of one page keeps every resource
  it loaded (images, scripts, video), which the quoted page's text is a small part of. The extractors bound
  what they decompress on their own (dossier/extract/warc.py and wacz.py);
- image (`capture-image`), 128 MiB: an exhibit (a full-page screenshot), hashed, never extracted;
- the extracted text committed beside a capture (`extracted`), 64 MiB, as a text capture.

`argument` (a file named on the command line, add-source's capture) allows the largest of these; add-source
then holds the capture to its own kind's limit, so it archives nothing that validate would refuse to read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MiB = 1024 * 1024
LIMITS = {
    # Measured on the benchmark's bases (bench/run.py checks each size against these; 10 records a source):
    "record": 1 * MiB,  # one evidence record: 2 to 3 kB
    "register": 64 * MiB,  # seeds/sources.yaml: about 900 bytes a source, 4.3 MiB at 50,000 records, so about
    #                        9 MiB at 100,000 (10,000 sources): seven times that still fits
    "catalog": 8 * MiB,  # catalog/*.yaml: provisions 21 kB; origins about 160 bytes an origin, 1.5 MiB even when
    #                      each of 10,000 sources has an origin of its own
    "settings": 1 * MiB,  # brief.yaml and other small settings
    "capture": 64 * MiB,  # one archived text capture: the passage check is linear in it
    "capture-html": 64 * MiB,  # one saved web page
    "capture-pdf": 256 * MiB,  # one born-digital PDF
    "capture-warc": 1024 * MiB,  # one web archive (every resource the page loaded)
    "capture-wacz": 1024 * MiB,  # one WACZ package
    "capture-image": 128 * MiB,  # one image exhibit
    "extracted": 64 * MiB,  # the text extracted from a capture, committed beside it
    "argument": 1024 * MiB,  # a file named on the command line (add-source's capture; see above)
}


def capture_input(kind: str) -> str:
    """The LIMITS key of a capture of `kind` (a Source.kind: text, html, pdf, warc, wacz, image)."""
    return "capture" if kind == "text" else f"capture-{kind}"


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
    if root is not None and outside(path, root):
        raise Refused(OUTSIDE)
    if info.st_size > limit:
        raise Refused(f"is {info.st_size:,} bytes; the limit for a {kind} file is {limit:,} ({limit // MiB} MiB)")
    return _read_bounded(path, limit, kind)


OUTSIDE = "lies outside the repository (through a linked folder); inputs must be inside it"


def outside(path: Path, root: Path) -> bool:
    """Whether `path`, its links followed, lies outside `root`.

    A folder checked once stands for the regular files read from it (read_input refuses a file that is
    itself a link): 10,000 records are not each resolved, component by component.
    """
    return not path.resolve().is_relative_to(root.resolve())


def _read_bounded(path: Path, limit: int, kind: str) -> bytes:
    """Open without following a link and without blocking, check again what was opened, read at most limit + 1."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot be read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # swapped for something else since lstat
            raise Refused("is not a regular file (a folder, a device or a FIFO); inputs must be regular files")
        data = _read_to(fd, info.st_size, limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Refused(f"is over {limit:,} bytes, the limit for a {kind} file ({limit // MiB} MiB)")
    return data


def _read_to(fd: int, size: int, most: int) -> bytes:
    """At most `most` bytes of an open file, read in requests sized to the file: a 2 kB record does not cost a
    buffer of the limit's size, and a file read in one request is returned as read, never copied (a 1 GiB
    capture needs 1 GiB). A file that grew since its size was read is read on, to `most`."""
    first = os.read(fd, min(size + 1, most))
    chunks = [first]
    total = len(first)
    while first and total < most:
        first = os.read(fd, min(max(size + 1 - total, 1 << 16), most - total))
        chunks.append(first)
        total += len(first)
    if len(chunks) == 1 or (len(chunks) == 2 and not chunks[1]):
        return chunks[0]
    return b"".join(chunks)
