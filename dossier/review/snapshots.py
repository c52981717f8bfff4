"""The inputs of the brief at one point in history: a git revision, or the working tree.

Read with `git ls-tree` and one `git cat-file --batch`, never by checking out,
so the reviewer's working tree is never touched.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReviewError
from ..inputs import Refused, read_input

REGISTER = "seeds/sources.yaml"
CATALOG = "catalog/provisions.yaml"
SETTINGS = "brief.yaml"
WORKING_TREE = "working tree"

@dataclass(frozen=True)
class Snapshot:
    """The input files of the brief at one revision (or in the working tree), by root-relative path."""

    label: str
    files: dict[str, bytes]

    def captures(self) -> dict[str, bytes]:
        return {path: data for path, data in self.files.items()
                if path.startswith("seeds/") and path != REGISTER}


def is_input(path: str) -> bool:
    """The files `dossier validate` reads: evidence/*.yaml, seeds/*, the catalog and brief.yaml."""
    folder, _, name = path.partition("/")
    if not name or "/" in name or name.startswith("."):
        return path in (SETTINGS,)
    if folder == "evidence":
        return name.endswith((".yaml", ".yml"))
    return folder == "seeds" or path == CATALOG


def working_tree(root: Path) -> Snapshot:
    """The inputs as they are on disk now, committed or not: what `dossier validate` would check.

    Read as validate reads them (regular files inside the root, bounded); what cannot be read is left out
    here, and the validation of the working tree reports it.
    """
    files: dict[str, bytes] = {}
    paths = [f"{folder}/{path.name}" for folder in ("evidence", "seeds") if (root / folder).is_dir()
             for path in sorted((root / folder).iterdir())] + [CATALOG, SETTINGS]
    for name in paths:
        if not is_input(name) or not os.path.lexists(root / name):
            continue
        kind = "capture" if name.startswith("seeds/") and name != REGISTER else \
            {REGISTER: "register", CATALOG: "catalog", SETTINGS: "settings"}.get(name, "record")
        try:
            files[name] = read_input(root / name, root, kind)
        except Refused:
            continue
    return Snapshot(WORKING_TREE, files)


def at_revision(root: Path, revision: str) -> Snapshot:
    """The inputs as committed at `revision`, read with `git ls-tree` and `git cat-file` under --root."""
    top, prefix = git_location(root)
    commit = resolve_revision(top, revision)
    pathspecs = [prefix + name for name in ("evidence", "seeds", CATALOG, SETTINGS)]
    listing = git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *pathspecs)
    wanted: dict[str, str] = {}  # root-relative path -> blob id
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, blob = meta.decode("ascii").split()
        path = raw_path.decode("utf-8", "surrogateescape").removeprefix(prefix)
        if kind == "blob" and mode in ("100644", "100755") and is_input(path):
            wanted[path] = blob
    contents = read_blobs(top, list(wanted.values()))
    short = git(top, "rev-parse", "--short", commit).decode().strip()
    return Snapshot(f"{revision} ({short})" if not commit.startswith(revision) else short,
                    {path: contents[blob] for path, blob in wanted.items()})


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git; any failure becomes a ReviewError carrying git's own message."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise ReviewError("git is not installed (dossier diff compares git revisions)") from None
    except OSError as exc:
        raise ReviewError(f"cannot run git in {cwd}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReviewError(message[0] if message else f"git {args[0]} failed")
    return done.stdout


def git_location(root: Path) -> tuple[Path, str]:
    """The checkout's top folder, and where --root lies inside it ('' or 'sub/dir/')."""
    if not root.is_dir():
        raise ReviewError(f"{root} is not a folder (is --root right?)")
    try:
        top = git(root, "rev-parse", "--show-toplevel").decode().strip()
        prefix = git(root, "rev-parse", "--show-prefix").decode().strip()
    except ReviewError:
        raise ReviewError(f"{root} is not inside a git checkout; dossier diff compares git revisions") from None
    return Path(top), prefix


def resolve_revision(top: Path, revision: str) -> str:
    """The full commit id `revision` names; refuses anything git would read as an option."""
    if not revision or revision.startswith("-"):
        raise ReviewError(f"'{revision}' is not a revision")
    try:
        return git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except ReviewError:
        raise ReviewError(f"unknown revision '{revision}' (try a branch, tag or commit such as origin/main; "
                          "in a shallow clone, fetch it first)") from None


def read_blobs(top: Path, blobs: list[str]) -> dict[str, bytes]:
    """Many blobs in one `git cat-file --batch` call: header line, then exactly `size` bytes and a newline."""
    if not blobs:
        return {}
    out = git(top, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in blobs).encode("ascii"))
    contents: dict[str, bytes] = {}
    at = 0
    for blob in blobs:
        end = out.index(b"\n", at)
        header = out[at:end].decode("ascii").split()
        if len(header) != 3 or header[1] != "blob":
            raise ReviewError(f"git cannot read object {blob}")
        size = int(header[2])
        contents[blob] = out[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return contents


def materialise(snapshot: Snapshot, dest: Path) -> Path:
    """Write a snapshot's files under `dest`, so a revision can be validated like a checkout."""
    for path, data in snapshot.files.items():
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return dest

