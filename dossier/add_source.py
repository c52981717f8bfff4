"""`dossier add-source`: archive a capture in seeds/ unchanged and register it.

The capture is copied byte for byte and the register entry is appended as text
after the existing bytes, so comments and the layout of earlier entries survive
exactly, and a reviewer's diff shows one new block. Whatever the analyst did not
give is recorded as unknown with a reason, never guessed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .archive import sha256_of
from .errors import ScaffoldError
from .files import create_new, replace_file, writer_lock
from .inputs import Refused, read_input
from .model_errors import validate_document
from .models import ADDED_NOTE, NOT_GIVEN, UNKNOWABLE_FIELDS, Source
from .yaml_read import Document, EvidenceLoader, parse_yaml
from .yaml_write import entry_lines

REGISTER = Path("seeds") / "sources.yaml"
INPUTS_LOCK = ".dossier.lock"  # held by every command that writes seeds/ or evidence/
ORIGINS = ("original reporting", "republication", "wire copy")
REGISTER_HEADER = (
    "# Source register: one entry per archived capture in seeds/.\n"
    "# Only what each capture itself establishes is recorded; every empty field says why.\n"
)
_CAPTURE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_NUMBERED = re.compile(r"^([0-9]+)_")


@dataclass(frozen=True)
class SourceMetadata:
    """What the analyst tells us about a capture; `None`/empty means not given, recorded as unknown."""

    outlet: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    url: str | None = None
    origin: str = "original reporting"
    language: str = "en"
    original_outlet: str | None = None
    title_unknown: str | None = None  # why the capture shows no headline, when it shows none
    retrieved: str | None = None  # when the capture was taken
    retrieved_by: str | None = None  # who or what took it
    method: str | None = None  # how
    retrieved_from: str | None = None  # the address it was taken from
    url_seen: str | None = None  # "in the capture" or "given by the analyst"


@dataclass(frozen=True)
class AddedSource:
    id: str
    capture: Path  # where the capture now is, under seeds/
    sha256: str
    copied: bool  # False when a file already in seeds/ was registered where it lies


def add_source(root: Path, capture_file: Path, meta: SourceMetadata, source_id: str | None = None,
               today: dt.date | None = None) -> AddedSource:
    """Archive `capture_file` under seeds/ and append its entry to the register; return the new source.

    The register is read, extended and replaced under the inputs lock, so concurrent runs take turns and
    every one that reports success has landed.
    """
    raw = _read_capture(capture_file)
    with writer_lock(root / INPUTS_LOCK, "seeds/"):
        return _archive(root, capture_file, raw, meta, source_id, today)


def _archive(root: Path, capture_file: Path, raw: bytes, meta: SourceMetadata, source_id: str | None,
             today: dt.date | None) -> AddedSource:
    digest = hashlib.sha256(raw).hexdigest()
    seeds = root / "seeds"
    register_path = root / REGISTER
    old_text, registered = _read_register(register_path)
    _refuse_archived(digest, registered, seeds, capture_file)
    in_place = capture_file.resolve().parent == seeds.resolve()
    name = _in_place_name(capture_file, registered) if in_place else _capture_name(digest, capture_file, seeds,
                                                                                   registered)
    taken = {str(entry.get("id")) for entry in registered}
    if source_id is not None and source_id in taken:
        raise ScaffoldError(f"source id '{source_id}' is already in {REGISTER}; choose another --id")
    new_id = source_id or _free_id(_suggest_source_id(meta, digest), taken)
    entry = _register_entry(new_id, name, digest, meta)
    _check_entry(entry, today or dt.date.today())
    new_text = _append_entry(old_text, entry)
    _check_appended(new_text, entry, len(registered))

    target = seeds / name
    if not in_place:
        seeds.mkdir(parents=True, exist_ok=True)
        create_new(target, raw)
    try:
        replace_file(register_path, new_text)
    except BaseException:
        if not in_place:
            target.unlink(missing_ok=True)
        raise
    return AddedSource(new_id, target, digest, copied=not in_place)


def _read_capture(path: Path) -> bytes:
    try:
        raw = read_input(path, None, "argument")
    except Refused as exc:
        raise ScaffoldError(f"{path} {exc}") from None
    if not raw.strip():
        raise ScaffoldError(f"{path} is empty; archive the article's text")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScaffoldError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); passages are checked "
            "against the capture's text, so save the page as UTF-8 text and archive that"
        ) from None
    return raw


def _read_register(path: Path) -> tuple[bytes, list[dict[str, Any]]]:
    """The register's bytes (kept exactly) and its entries as plain data, parsed by the evidence loader."""
    if not path.exists():
        return b"", []
    raw = path.read_bytes()
    doc, problems = parse_yaml(raw, str(REGISTER))
    if doc is None:
        raise ScaffoldError(f"{REGISTER} cannot be read, fix it first:\n" + "\n".join(p.text() for p in problems))
    sources = doc.data.get("sources") if isinstance(doc.data, dict) else None
    if sources is None:
        return raw, []
    if not isinstance(sources, list):
        raise ScaffoldError(f"{REGISTER}: 'sources' must be a list; fix it first")
    return raw, [entry for entry in sources if isinstance(entry, dict)]


def _refuse_archived(digest: str, registered: list[dict[str, Any]], seeds: Path, capture_file: Path) -> None:
    """Same bytes, same capture: one article is archived once (a new capture of it is a new source)."""
    for entry in registered:
        if entry.get("sha256") == digest:
            raise ScaffoldError(f"{capture_file} is already archived as seeds/{entry.get('capture')} "
                                f"(source '{entry.get('id')}'); cite that source id")
    if not seeds.is_dir():
        return
    for path in sorted(seeds.iterdir()):
        same_bytes = (path.is_file() and path.name != REGISTER.name and path.resolve() != capture_file.resolve()
                      and sha256_of(path) == digest)
        if same_bytes:
            raise ScaffoldError(f"{capture_file} has the same content as seeds/{path.name}, which is not "
                                f"registered; register that file instead: dossier add-source seeds/{path.name} ...")


def _in_place_name(capture_file: Path, registered: list[dict[str, Any]]) -> str:
    """A file already in seeds/ (unregistered) is registered where it lies, not copied."""
    name = capture_file.name
    if name == REGISTER.name:
        raise ScaffoldError(f"{REGISTER} is the register itself, not a capture")
    if not _CAPTURE_NAME.match(name):
        raise ScaffoldError(f"seeds/{name}: capture names may only use letters, digits, '.', '_' and '-'; "
                            "rename it first (renaming does not change its content)")
    if any(entry.get("capture") == name for entry in registered):
        raise ScaffoldError(f"seeds/{name} is already registered")
    return name


def _capture_name(digest: str, capture_file: Path, seeds: Path, registered: list[dict[str, Any]]) -> str:
    """`NNN_<first 16 hex of the SHA-256><suffix>`, numbered after the captures already archived."""
    names = {str(entry.get("capture")) for entry in registered}
    if seeds.is_dir():
        names |= {path.name for path in seeds.iterdir()}
    numbers = [int(m.group(1)) for m in map(_NUMBERED.match, names) if m]
    suffix = capture_file.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", capture_file.suffix.lower()) else ".txt"
    name = f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}{suffix}"
    if (seeds / name).exists():  # cannot happen with fresh numbering, but never overwrite
        raise ScaffoldError(f"seeds/{name} already exists; nothing was written")
    return name


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Daily NK: 5,000 workers' -> 'daily-nk-5-000-workers'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _suggest_source_id(meta: SourceMetadata, digest: str) -> str:
    """Outlet and the first words of the title, e.g. 'kyiv-independent-north-korea-sends-nearly-15-000'."""
    outlet = re.sub(r"^the-", "", slugify(meta.outlet))
    words = [w for w in slugify(meta.title or "").split("-") if w]
    slug = outlet
    for word in words:
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug[:60].strip("-") or f"source-{digest[:12]}"


def _free_id(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        candidate, number = f"{wanted}-{number}", number + 1
    return candidate


def _register_entry(source_id: str, capture: str, digest: str, meta: SourceMetadata) -> dict[str, Any]:
    """The entry as data, in the register's field order; every field not given is unknown with a reason."""
    entry: dict[str, Any] = {
        "id": source_id,
        "capture": capture,
        "sha256": digest,
        "outlet": meta.outlet,
        "title": meta.title or None,
        "authors": [a for a in meta.authors if a.strip()],
        "published": meta.published or None,
        "url": meta.url or None,
        "language": meta.language,
        "origin": meta.origin,
    }
    if meta.title is not None and not meta.title.strip():
        raise ScaffoldError("--title is empty: give the headline as the capture shows it, or, when the capture shows "
                            "none, say so with --title-unknown REASON")
    if meta.title is None and not meta.title_unknown:
        raise ScaffoldError("give --title (the headline as captured) or --title-unknown REASON")
    if meta.title is not None and meta.title_unknown:
        raise ScaffoldError("--title and --title-unknown exclude each other")
    if meta.origin == "republication":
        if not meta.original_outlet:
            raise ScaffoldError("origin 'republication' needs --original-outlet: the outlet that first published it")
        entry["original"] = {"outlet": meta.original_outlet, "authors": [],
                             "unknown": dict.fromkeys(UNKNOWABLE_FIELDS, NOT_GIVEN)}
    elif meta.original_outlet:
        raise ScaffoldError("--original-outlet is only for --origin republication")
    retrieval = _retrieval(meta)
    if retrieval is not None:
        entry["retrieval"] = retrieval
    entry["unknown"] = {name: NOT_GIVEN for name in UNKNOWABLE_FIELDS if entry[name] in (None, [])}
    if meta.title_unknown:
        entry["unknown"]["title"] = meta.title_unknown
    if retrieval is None:
        entry["unknown"]["retrieval"] = NOT_GIVEN
    entry["notes"] = ADDED_NOTE
    return entry


def _retrieval(meta: SourceMetadata) -> dict[str, Any] | None:
    """The collection record from what the analyst gave; None when nothing was given (recorded as unknown)."""
    given = {"date": meta.retrieved, "by": meta.retrieved_by, "method": meta.method, "url": meta.retrieved_from}
    if not any(given.values()):
        return None
    if meta.retrieved_from and not meta.url_seen:
        raise ScaffoldError("--retrieved-from needs --url-seen: is the address shown in the capture, or only known "
                            "to you?")
    record: dict[str, Any] = {name: value for name, value in given.items() if value}
    if meta.retrieved_from:
        record["url_seen"] = meta.url_seen
    unknown = {name: NOT_GIVEN for name, value in given.items() if not value}
    if unknown:
        record["unknown"] = unknown
    return record


def _check_entry(entry: dict[str, Any], today: dt.date) -> None:
    """The entry must pass the same model the register is validated with, before anything is written."""
    doc = Document(f"{REGISTER} (new entry)", "{}\n", entry)  # not yet written: positions mean nothing here
    _, problems = validate_document(doc, Source)
    if problems:
        raise ScaffoldError("the new source would not be valid:\n" + "\n".join(f"  {p.message}" for p in problems))
    published = entry.get("published")
    if published and published > today.isoformat()[: len(published)]:
        raise ScaffoldError(f"published {published} is in the future")


def _append_entry(old: bytes, entry: dict[str, Any]) -> bytes:
    """The old bytes unchanged, then the new entry as one block at the end of the `sources` list."""
    newline = "\r\n" if b"\r\n" in old else "\n"
    if not old.strip():
        head = REGISTER_HEADER + "sources:\n"
        return (head + "\n".join(entry_lines(entry, "  ")) + "\n").replace("\n", newline).encode("utf-8")
    indent = _item_indent(old)
    text = old.decode("utf-8")
    separator = "" if text.endswith("\n") else newline  # finish the last line
    if not text.endswith(("\n\n", "\r\n\r\n")):
        separator += newline  # a blank line between entries, as in the register
    block = newline.join(entry_lines(entry, indent)) + newline
    return old + (separator + block).encode("utf-8")


def _item_indent(old: bytes) -> str:
    """Indentation of the `- ` of the register's list items, so the new entry lines up with the others."""
    root = yaml.compose(old.decode("utf-8").lstrip("\ufeff"), Loader=EvidenceLoader)
    if not isinstance(root, yaml.MappingNode):
        raise ScaffoldError(f"{REGISTER} must be a mapping with a 'sources' list")
    last_key, last_value = root.value[-1]
    if last_key.value != "sources":
        raise ScaffoldError(f"cannot append to {REGISTER}: 'sources' must be its last key (found "
                            f"'{last_key.value}' after it); move it last")
    if isinstance(last_value, yaml.SequenceNode) and last_value.flow_style:
        raise ScaffoldError(f"cannot append to {REGISTER}: write the 'sources' list in block style (- id: ...)")
    if isinstance(last_value, yaml.SequenceNode) and last_value.value:
        column: int = last_value.value[0].start_mark.column
        return " " * max(column - 2, 0)
    return "  "


def _check_appended(new_text: bytes, entry: dict[str, Any], count: int) -> None:
    """Parse the whole new register back: the old entries are as they were and the new one is exactly ours."""
    doc, problems = parse_yaml(new_text, str(REGISTER))
    sources = doc.data.get("sources") if doc is not None and isinstance(doc.data, dict) else None
    if problems or not isinstance(sources, list) or len(sources) != count + 1 or sources[-1] != entry:
        detail = "\n".join(p.text() for p in problems)
        raise ScaffoldError(f"internal error: the appended entry does not read back as written; nothing was "
                            f"written{': ' + detail if detail else ''}")
