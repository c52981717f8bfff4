"""The archive: captures in seeds/, kept byte for byte, and the SHA-256 that proves they are unchanged.

This module is the only one that reads captures. It opens each registered
capture once, checks its hash against the register, and hands the passage
check its text; it also notices files in seeds/ that nobody registered.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .inputs import Refused, read_input
from .models import Source
from .passage import CaptureText
from .problems import Problem, warning
from .yaml_read import Document

REGISTER_NAME = "sources.yaml"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_captures(root: Path, sources: list[tuple[int, Source]], doc: Document) -> tuple[dict[str, CaptureText],
                                                                                           list[Problem]]:
    """Each capture exists and still has the SHA-256 the register records; its text, by source id.

    `sources` pairs each source with its index in the register, so problems point at its entry.
    """
    captures: dict[str, CaptureText] = {}
    problems: list[Problem] = []
    for index, source in sources:
        loc = ("sources", index)
        path = root / "seeds" / source.capture
        try:
            raw = read_input(path, root, "capture")
        except Refused as exc:
            problems.append(doc.problem(loc + ("capture",), f"capture file seeds/{source.capture} {exc}"))
            continue
        actual = hashlib.sha256(raw).hexdigest()  # the bytes just read: each capture is read once
        if actual != source.sha256:
            problems.append(
                doc.problem(loc + ("sha256",), f"seeds/{source.capture} has changed since it was archived: "
                            f"SHA-256 is {actual}, the register says {source.sha256}",
                            hint="Captures are evidence and are never edited. Restore the original file "
                                 "(git checkout -- seeds/); archive a new capture as a new source.")
            )
            continue
        try:
            captures[source.id] = CaptureText.from_text(raw.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(doc.problem(loc + ("capture",), f"seeds/{source.capture} is not UTF-8 text"))
    return captures, problems


def unregistered_captures(root: Path, sources: list[Source]) -> list[Problem]:
    """Files in seeds/ that the register does not name: evidence nobody can cite."""
    registered = {s.capture for s in sources} | {REGISTER_NAME}
    seeds = root / "seeds"
    if not seeds.is_dir():
        return []
    return [warning(f"seeds/{path.name}", 1, 1, "capture is not in the source register",
                    hint="Register it with `dossier add-source`, or remove it.")
            for path in sorted(seeds.iterdir())
            if path.is_file() and path.name not in registered and not path.name.startswith(".")]
