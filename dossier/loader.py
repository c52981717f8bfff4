"""Loading the inputs: each YAML file read under the loader's rules, then validated against its model.

One table says where each kind of input lives and what model it is; one function
loads any of them, so records, the register, the catalog and the brief settings
follow exactly the same path from bytes to a model or to positioned problems.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from .inputs import OUTSIDE, outside
from .model_errors import validate_document
from .models import BriefSettings, Catalog, Judgements, OriginRegister, Record, Register
from .problems import Problem, error
from .yaml_read import Document, read_yaml

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class InputFile(Generic[M]):
    """One single-file input: its path under the root, its model, and what a missing file means."""

    path: str
    model: type[M]
    top: str  # what the top level must be, in words, for the error when it is not
    missing: str | None  # the error when the file is absent; None when the file is optional
    kind: str  # its size limit in inputs.LIMITS


REGISTER = InputFile("seeds/sources.yaml", Register, "a mapping with a 'sources' list",
                     "the source register seeds/sources.yaml is missing", "register")
CATALOG = InputFile("catalog/provisions.yaml", Catalog, "a mapping with 'resolutions' and 'provisions'",
                    "the provisions catalog is missing", "catalog")
ORIGINS = InputFile("catalog/origins.yaml", OriginRegister, "a mapping with 'groups' and 'origins'",
                    "the origins register catalog/origins.yaml is missing", "catalog")
# brief.yaml is optional: without it the brief uses neutral defaults and a derived cut-off.
SETTINGS = InputFile("brief.yaml", BriefSettings, "a mapping of fields", None, "settings")
# The analysts' key judgements; optional: a brief without them says so.
JUDGEMENTS = InputFile("judgements.yaml", Judgements, "a mapping with a 'judgements' list", None, "settings")


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """What loading one file gave: the model (None if it failed), the parsed document, and the problems."""

    model: M | None
    doc: Document | None
    problems: list[Problem]


def load_document(path: Path, display: str, model: type[M], top: str = "a mapping of fields",
                  root: Path | None = None, kind: str = "record") -> Loaded[M]:
    """Read one YAML file and validate it against `model`; every failure is a positioned problem."""
    doc, problems = read_yaml(path, display, root, kind)
    if doc is None:
        return Loaded(None, None, problems)
    value, problems = validate_document(doc, model, top)
    return Loaded(value, doc, problems)


def load_input(root: Path, kind: InputFile[M]) -> Loaded[M]:
    """Load one of the single-file inputs named in the table above."""
    path = root / kind.path
    if not os.path.lexists(path):
        return Loaded(None, None, [error(kind.path, 1, 1, kind.missing)] if kind.missing else [])
    return load_document(path, kind.path, kind.model, kind.top, root, kind.kind)


@dataclass
class LoadedRecord:
    record: Record
    doc: Document


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether an entry of the listing is a folder (through a link too); a link that loops or leads nowhere is
    not, and is refused when read, with the others checked (as Path.is_dir answers)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def record_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """Every evidence/*.yaml file to load as a record, and a problem for anything else found there."""
    folder = root / "evidence"
    problems: list[Problem] = []
    if not folder.is_dir():
        return [], [error("evidence", 1, 1, "no evidence/ folder here (is --root right?)")]
    if outside(folder, root):
        return [], [error("evidence", 1, 1, f"evidence/ {OUTSIDE}")]
    paths = []
    with os.scandir(folder) as listing:  # the listing says which entries are folders: no stat for each record
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith("."):
            continue  # hidden files (an editor's swap file, .gitkeep) are not records
        if path.suffix != ".yaml" or _is_folder(entry):
            what = "a folder" if path.is_dir() and not path.is_symlink() else f"named {path.name}"
            problems.append(error(f"evidence/{path.name}", 1, 1, f"evidence/{path.name} is {what}; records are "
                                  "files named <id>.yaml directly in evidence/, so it is not read",
                                  hint="Move or rename it (a record's file name is its id plus .yaml)."))
            continue
        paths.append(path)
    return paths, problems


def load_record(path: Path) -> tuple[LoadedRecord | None, list[Problem]]:
    """One file of `record_files` as a validated record (None if it is not one), and its problems."""
    result = load_document(path, f"evidence/{path.name}", Record)  # the folder is inside: checked before
    if result.model is None or result.doc is None:
        return None, result.problems
    record, doc = result.model, result.doc
    if path.stem != record.id:
        return LoadedRecord(record, doc), [*result.problems, doc.problem(
            ("id",), f"id '{record.id}' does not match the file name '{path.name}'",
            hint=f"Rename the file to {record.id}.yaml or change the id.")]
    return LoadedRecord(record, doc), result.problems
