"""`dossier add-source`: archive a capture in seeds/ unchanged and register it; `dossier extract`: write a
capture's extracted text again.

The capture is copied byte for byte and the register entry is appended as text
after the existing bytes, so comments and the layout of earlier entries survive
exactly, and a reviewer's diff shows one new block. Whatever the analyst did not
give is recorded as unknown with a reason, never guessed.

The kind of capture is detected (dossier.extract.detect_kind). An HTML page, a PDF
or a web archive (WARC, WACZ) is extracted before anything is written: a capture
that cannot be quoted (a scanned PDF, a web archive without the page asked for) is
refused with the extractor's message. Its text is written beside it as
`<capture>.txt` and registered with its SHA-256 and the extractor string, so the
reviewer reads the very text passages are checked against. An image is archived
as an exhibit, never quoted. An HTML page's <title> is offered to the analyst,
never written into the register for them.

`dossier extract SOURCE_ID` writes the extracted text and the entry's `extracted`
block again when the extractor's output drifts (a library upgrade): only those
lines of the register change, so the diff shows the reviewer what moved.
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

from .archive import describe_drift, extracted_name, sha256_of
from .errors import ScaffoldError
from .extract import Extraction, ExtractionError, Kind, detect_kind, extract
from .extract.detect import SUFFIXES
from .files import create_new, replace_file, writer_lock
from .inputs import LIMITS, MiB, Refused, capture_input, read_input
from .model_errors import validate_document
from .models import ADDED_NOTE, EXTRACTED_KINDS, NOT_GIVEN, UNKNOWABLE_FIELDS, Source
from .yaml_read import Document, EvidenceLoader, parse_yaml
from .yaml_write import entry_lines, value_lines

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
    kind: Kind = "text"
    extracted: Path | None = None  # the extracted text written beside the capture (html, pdf, warc, wacz)
    extractor: str | None = None
    record: str | None = None  # the web-archive record quoted (warc, wacz)
    flags: tuple[str, ...] = ()  # what the extractor noticed and a reviewer should see (hidden text, ...)
    page_title: str | None = None  # an HTML page's <title>, offered to the analyst, never registered for them


@dataclass(frozen=True)
class _Prepared:
    """A capture read, its kind detected and its text extracted, before anything is written."""

    raw: bytes
    kind: Kind
    extraction: Extraction | None  # None for text (its own text) and images (never quoted)
    extracted_bytes: bytes | None


def add_source(root: Path, capture_file: Path, meta: SourceMetadata, source_id: str | None = None,
               today: dt.date | None = None, record: str | None = None) -> AddedSource:
    """Archive `capture_file` under seeds/ and append its entry to the register; return the new source.

    `record` chooses the page quoted in a web archive (its WARC-Record-ID or WARC-Target-URI). The capture is
    read, its kind detected and its text extracted before the lock is taken; nothing is written unless all of
    it succeeds. The register is read, extended and replaced under the inputs lock, so concurrent runs take
    turns and every one that reports success has landed.
    """
    prepared = _prepare(capture_file, record)
    _require_title(meta, prepared.extraction)
    with writer_lock(root / INPUTS_LOCK, "seeds/"):
        return _archive(root, capture_file, prepared, meta, source_id, today)


def _archive(root: Path, capture_file: Path, prepared: _Prepared, meta: SourceMetadata, source_id: str | None,
             today: dt.date | None) -> AddedSource:
    raw, kind, extraction = prepared.raw, prepared.kind, prepared.extraction
    digest = hashlib.sha256(raw).hexdigest()
    seeds = root / "seeds"
    register_path = root / REGISTER
    old_text, registered = _read_register(register_path)
    _refuse_archived(digest, len(raw), registered, seeds, capture_file)
    in_place = capture_file.resolve().parent == seeds.resolve()
    name = _in_place_name(capture_file, registered) if in_place else _capture_name(digest, capture_file, seeds,
                                                                                   registered, kind, raw)
    taken = {str(entry.get("id")) for entry in registered}
    if source_id is not None and source_id in taken:
        raise ScaffoldError(f"source id '{source_id}' is already in {REGISTER}; choose another --id")
    new_id = source_id or _free_id(_suggest_source_id(meta, digest), taken)
    extracted: dict[str, str] | None = None
    if extraction is not None and prepared.extracted_bytes is not None:
        extracted = _extracted_block(name, prepared.extracted_bytes, extraction)
        _check_extracted_free(extracted["file"], seeds, registered)
    record = extraction.record.record_id if extraction is not None and extraction.record is not None else None
    entry = _register_entry(new_id, name, digest, meta, kind=kind, record=record, extracted=extracted)
    _check_entry(entry, today or dt.date.today())
    new_text = _append_entry(old_text, entry)
    _check_appended(new_text, entry, len(registered))

    target = seeds / name
    written: list[Path] = []
    try:
        if not in_place:
            seeds.mkdir(parents=True, exist_ok=True)
            create_new(target, raw)
            written.append(target)
        if extracted is not None and prepared.extracted_bytes is not None:
            create_new(seeds / extracted["file"], prepared.extracted_bytes)
            written.append(seeds / extracted["file"])
        replace_file(register_path, new_text)
    except BaseException:
        for path in written:  # ours, just created: never leave a capture the register does not name
            path.unlink(missing_ok=True)
        raise
    return AddedSource(new_id, target, digest, copied=not in_place, kind=kind,
                       extracted=seeds / extracted["file"] if extracted is not None else None,
                       extractor=extraction.extractor if extraction is not None else None, record=record,
                       flags=extraction.flags if extraction is not None else (),
                       page_title=extraction.title if extraction is not None else None)


def _prepare(path: Path, record: str | None) -> _Prepared:
    """Read the capture, detect its kind and extract its text; refuse, with the extractor's message, a capture
    that cannot be quoted."""
    raw = _read_capture(path)
    try:
        kind = detect_kind(raw, path.name)
    except ExtractionError as exc:
        raise ScaffoldError(f"{path}: {exc.message}; nothing was written") from None
    limit = LIMITS[capture_input(kind)]
    if len(raw) > limit:
        raise ScaffoldError(f"{path} is {len(raw):,} bytes; the limit for a {kind} capture is {limit:,} "
                            f"({limit // MiB} MiB), so validate could not read it; nothing was written")
    if record is not None and kind not in ("warc", "wacz"):
        raise ScaffoldError(f"--record chooses a page in a web archive (WARC or WACZ), but {path} is a {kind} capture")
    if kind == "text":
        _check_utf8(path, raw)
        return _Prepared(raw, kind, None, None)
    if kind == "image":
        return _Prepared(raw, kind, None, None)
    try:
        extraction = extract(kind, raw, record=record)
    except ExtractionError as exc:
        raise ScaffoldError(f"{path} cannot be quoted, so it is not archived as a {kind} capture: {exc.message}"
                            ) from None
    if not extraction.text.strip():
        raise ScaffoldError(f"{path}: no text could be extracted from this {kind} capture, so nothing in it could be "
                            "quoted; a page that scripts build in the browser saves without its text: archive it as "
                            "the browser showed it (a WACZ made with browsertrix, say), or its PDF")
    try:
        encoded = extraction.text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ScaffoldError(f"{path}: the extracted text holds a character that cannot be written as UTF-8 "
                            f"({exc.reason}); nothing was written") from None
    return _Prepared(raw, kind, extraction, encoded)


def _require_title(meta: SourceMetadata, extraction: Extraction | None) -> None:
    """--title or --title-unknown is required; a page's <title> is offered, never filled in."""
    if meta.title is not None or meta.title_unknown:
        return
    offer = ""
    if extraction is not None and extraction.title:
        offer = (f". The page's <title> is \u201c{extraction.title}\u201d: if the page shows it as the article's "
                 "headline, give it with --title")
    raise ScaffoldError(f"give --title (the headline as captured) or --title-unknown REASON{offer}")


def _read_capture(path: Path) -> bytes:
    try:
        raw = read_input(path, None, "argument")
    except Refused as exc:
        raise ScaffoldError(f"{path} {exc}") from None
    if not raw.strip():
        raise ScaffoldError(f"{path} is empty; archive the article's text")
    return raw


def _check_utf8(path: Path, raw: bytes) -> None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScaffoldError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); passages are checked "
            "against the capture's text, so save the page as UTF-8 text and archive that, or archive the page "
            "itself (.html)"
        ) from None


def _extracted_block(capture: str, data: bytes, extraction: Extraction) -> dict[str, str]:
    return {"file": extracted_name(capture), "sha256": hashlib.sha256(data).hexdigest(),
            "extractor": extraction.extractor}


def _check_extracted_free(name: str, seeds: Path, registered: list[dict[str, Any]]) -> None:
    """The extracted text gets a file of its own, never one that exists or that the register names."""
    if (seeds / name).exists() or name == REGISTER.name or any(_names_of(entry) & {name} for entry in registered):
        raise ScaffoldError(f"seeds/{name}, where the extracted text would go, already exists or is registered; "
                            "nothing was written")


def _names_of(entry: dict[str, Any]) -> set[str]:
    """The files in seeds/ a register entry names: its capture and its extracted text."""
    names = {str(entry.get("capture"))}
    extracted = entry.get("extracted")
    if isinstance(extracted, dict) and extracted.get("file"):
        names.add(str(extracted["file"]))
    return names


def _read_register(path: Path) -> tuple[bytes, list[dict[str, Any]]]:
    """The register's bytes (kept exactly) and its entries as plain data, parsed by the evidence loader."""
    if not path.exists():
        return b"", []
    raw = path.read_bytes()
    doc, problems = parse_yaml(raw, str(REGISTER), LIMITS["register"])
    if doc is None:
        raise ScaffoldError(f"{REGISTER} cannot be read, fix it first:\n" + "\n".join(p.text() for p in problems))
    sources = doc.data.get("sources") if isinstance(doc.data, dict) else None
    if sources is None:
        return raw, []
    if not isinstance(sources, list):
        raise ScaffoldError(f"{REGISTER}: 'sources' must be a list; fix it first")
    return raw, [entry for entry in sources if isinstance(entry, dict)]


def _refuse_archived(digest: str, size: int, registered: list[dict[str, Any]], seeds: Path,
                     capture_file: Path) -> None:
    """Same bytes, same capture: one article is archived once (a new capture of it is a new source)."""
    for entry in registered:
        if entry.get("sha256") == digest:
            raise ScaffoldError(f"{capture_file} is already archived as seeds/{entry.get('capture')} "
                                f"(source '{entry.get('id')}'); cite that source id")
        extracted = entry.get("extracted")
        if isinstance(extracted, dict) and extracted.get("sha256") == digest:
            raise ScaffoldError(f"{capture_file} is the text dossier extracted from seeds/{entry.get('capture')} "
                                f"(source '{entry.get('id')}'), not a capture; cite that source id")
    if not seeds.is_dir():
        return
    named = set().union(*(_names_of(entry) for entry in registered))  # their hashes are in the register
    for path in sorted(seeds.iterdir()):
        same_bytes = (path.is_file() and path.name != REGISTER.name and path.name not in named
                      and path.resolve() != capture_file.resolve() and path.stat().st_size == size
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
    if any(name in _names_of(entry) for entry in registered):
        raise ScaffoldError(f"seeds/{name} is the extracted text of a registered capture, not a capture")
    return name


def _capture_name(digest: str, capture_file: Path, seeds: Path, registered: list[dict[str, Any]],
                  kind: Kind = "text", raw: bytes = b"") -> str:
    """`NNN_<first 16 hex of the SHA-256><suffix>`, numbered after the captures already archived."""
    names = {str(entry.get("capture")) for entry in registered}
    if seeds.is_dir():
        names |= {path.name for path in seeds.iterdir()}
    numbers = [int(m.group(1)) for m in map(_NUMBERED.match, names) if m]
    suffix = _suffix(capture_file, kind, raw)
    name = f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}{suffix}"
    if (seeds / name).exists():  # cannot happen with fresh numbering, but never overwrite
        raise ScaffoldError(f"seeds/{name} already exists; nothing was written")
    return name


_DEFAULT_SUFFIXES: dict[str, str] = {"html": ".html", "pdf": ".pdf", "warc": ".warc", "wacz": ".wacz"}
_IMAGE_SIGNATURES = ((b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF8", ".gif"), (b"RIFF", ".webp"))


def _suffix(capture_file: Path, kind: Kind, raw: bytes) -> str:
    """The archived name's suffix: the file's own when it names the kind, else the kind's usual one."""
    own = capture_file.suffix.lower()
    if kind == "text":  # as always: the file's own suffix when it is a plain one
        return own if re.fullmatch(r"\.[a-z0-9]{1,8}", own) else ".txt"
    name = capture_file.name.lower()
    for suffix, suffix_kind in sorted(SUFFIXES.items(), key=lambda item: -len(item[0])):
        if suffix_kind == kind and name.endswith(suffix):
            return suffix
    if kind == "warc":
        return ".warc.gz" if raw.startswith(b"\x1f\x8b") else ".warc"
    if kind == "image":
        return next((suffix for signature, suffix in _IMAGE_SIGNATURES if raw.startswith(signature)), ".img")
    return _DEFAULT_SUFFIXES[kind]


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


def _register_entry(source_id: str, capture: str, digest: str, meta: SourceMetadata, *, kind: Kind = "text",
                    record: str | None = None, extracted: dict[str, str] | None = None) -> dict[str, Any]:
    """The entry as data, in the register's field order; every field not given is unknown with a reason.

    A text capture's entry has no `kind` (text is the default, as in every entry written before kinds)."""
    entry: dict[str, Any] = {"id": source_id, "capture": capture, "sha256": digest}
    if kind != "text":
        entry["kind"] = kind
    if record is not None:
        entry["record"] = record
    if extracted is not None:
        entry["extracted"] = extracted
    entry |= {
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


# --- dossier extract: the extracted text written again -------------------------------------------------------


@dataclass(frozen=True)
class Reextracted:
    """What `dossier extract` did for one source."""

    id: str
    extracted: Path  # seeds/<capture>.txt
    drift: str | None  # what changed, in words; None when the committed text and extractor were current
    flags: tuple[str, ...] = ()


_LINE_BREAK = re.compile("\r\n|\r|\n|\x85|\u2028|\u2029")  # what YAML counts as a line break


def reextract(root: Path, source_ids: list[str], every: bool = False) -> list[Reextracted]:
    """Extract the captures of `source_ids` (or, with `every`, of every html, pdf, warc and wacz source) again,
    and write the extracted text and the register entries' `extracted` blocks where they changed.

    The capture must still have its registered SHA-256: the text is only ever extracted from the original. The
    register is edited in place: only the lines of each changed `extracted` block are replaced (or, for an
    entry without one, added after its `sha256`), and the result is parsed back and compared with the old
    register before anything is written. Nothing is written unless every source extracts.
    """
    if not source_ids and not every:
        raise ScaffoldError("name the sources to extract again (SOURCE_ID ...), or give --all")
    with writer_lock(root / INPUTS_LOCK, "seeds/"):
        register_path = root / REGISTER
        old_bytes, registered = _read_register(register_path)
        by_id = {str(entry.get("id")): index for index, entry in enumerate(registered)}
        if every:
            source_ids = [str(entry.get("id")) for entry in registered if entry.get("kind") in EXTRACTED_KINDS]
        unknown = [source_id for source_id in source_ids if source_id not in by_id]
        if unknown:
            raise ScaffoldError(f"no source {', '.join(repr(u) for u in unknown)} in {REGISTER}; nothing was written")
        text = old_bytes.decode("utf-8")
        results: list[Reextracted] = []
        writes: dict[Path, bytes] = {}
        changed: set[int] = set()
        for source_id in dict.fromkeys(source_ids):
            index = by_id[source_id]
            entry = registered[index]
            block, data, extraction = _extract_again(root, entry, registered)
            path = root / "seeds" / block["file"]
            try:
                committed: bytes | None = read_input(path, root, "extracted")
            except Refused:
                committed = None
            old_block = entry.get("extracted")
            drift = None if old_block == block and committed == data else _what_changed(old_block, block, committed,
                                                                                          extraction.text)
            results.append(Reextracted(source_id, path, drift, extraction.flags))
            if committed != data:
                writes[path] = data
            if old_block != block:
                text = _set_extracted(text, index, block)
                changed.add(index)
        if changed:
            _check_edited(text, registered, changed)
        _write_all(writes, register_path, text.encode("utf-8") if changed else None)
    return results


def _what_changed(old_block: Any, block: dict[str, str], committed: bytes | None, fresh: str) -> str:
    if committed is None:
        return f"seeds/{block['file']} was missing"
    old_extractor = old_block.get("extractor") if isinstance(old_block, dict) else None
    if not isinstance(old_extractor, str):
        return "the entry had no extracted block"
    drift = describe_drift(old_extractor, block["extractor"], committed.decode("utf-8", "replace"), fresh)
    return drift or "the extracted block's file name or SHA-256 was out of date"


def _extract_again(root: Path, entry: dict[str, Any],
                   registered: list[dict[str, Any]]) -> tuple[dict[str, str], bytes, Extraction]:
    """The entry's capture, checked against its registered SHA-256 and extracted: the new block, text, extraction."""
    source_id, capture, kind = entry.get("id"), str(entry.get("capture")), entry.get("kind", "text")
    if kind not in EXTRACTED_KINDS:
        what = ("an image, archived as an exhibit and never quoted" if kind == "image" else
                "a text capture, which is its own text" if kind == "text" else f"of unknown kind {kind!r}")
        raise ScaffoldError(f"source '{source_id}' is {what}: there is nothing to extract. If seeds/{capture} is an "
                            "HTML page, a PDF or a web archive, set its kind first; nothing was written")
    if not _CAPTURE_NAME.match(capture):
        raise ScaffoldError(f"source '{source_id}': capture {capture!r} is not a file name in seeds/; fix the entry")
    try:
        raw = read_input(root / "seeds" / capture, root, capture_input(str(kind)))
    except Refused as exc:
        raise ScaffoldError(f"seeds/{capture} {exc}; nothing was written") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry.get("sha256"):
        raise ScaffoldError(f"seeds/{capture} has changed since it was archived (SHA-256 {digest}, the register says "
                            f"{entry.get('sha256')}): text is only extracted from the original; restore it first "
                            "(git checkout -- seeds/). Nothing was written")
    record = entry.get("record")
    try:
        extraction = extract(kind, raw, record=str(record) if record is not None else None)
    except ExtractionError as exc:
        raise ScaffoldError(f"seeds/{capture} (source '{source_id}') cannot be quoted: {exc.message}; nothing was "
                            "written") from None
    data = extraction.text.encode("utf-8")
    if any(str(other.get("capture")) == extracted_name(capture) for other in registered):
        raise ScaffoldError(f"seeds/{extracted_name(capture)}, where the extracted text of source '{source_id}' goes, "
                            "is registered as a capture; nothing was written")
    return _extracted_block(capture, data, extraction), data, extraction


def _set_extracted(text: str, index: int, block: dict[str, str]) -> str:
    """The register's text with entry `index`'s `extracted` block replaced by `block` (or added after its sha256)."""
    root = yaml.compose(text.removeprefix("\ufeff"), Loader=EvidenceLoader)  # a BOM moves no line
    if not isinstance(root, yaml.MappingNode):
        raise ScaffoldError(f"{REGISTER} must be a mapping with a 'sources' list")
    sources = next(value for key, value in root.value if key.value == "sources")
    item = sources.value[index]
    if not isinstance(item, yaml.MappingNode) or item.flow_style:
        raise ScaffoldError(f"entry {index + 1} of {REGISTER} is not written in block style; write its extracted "
                            "block by hand or in block style (key: value lines)")
    lines = _split_lines(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    pairs = {key.value: (key, value) for key, value in item.value}
    if "extracted" in pairs:
        key, value = pairs["extracted"]
        first, last = key.start_mark.line, _last_line(value, lines)
        prefix = lines[first][:key.start_mark.column]
    else:
        key, value = pairs.get("sha256") or item.value[-1]
        first = last = _last_line(value, lines) + 1
        last -= 1  # nothing replaced: the block goes in before line `first`
        prefix = " " * key.start_mark.column
    inner = " " * len(prefix) + "  "
    new = [f"{prefix}extracted:"] + [line for name, value_text in block.items()
                                     for line in value_lines(name, value_text, inner)]
    if first > 0 and not lines[first - 1].endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
        lines[first - 1] += newline
    return "".join(lines[:first]) + "".join(line + newline for line in new) + "".join(lines[last + 1:])


def _split_lines(text: str) -> list[str]:
    """The text's lines with their line breaks, split where YAML counts lines (so marks index them)."""
    lines, start = [], 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def _last_line(node: yaml.Node, lines: list[str]) -> int:
    """The 0-based last line a value occupies (a block collection ends with its last value; a block scalar before
    the blank lines that follow it)."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_line(last[1] if isinstance(last, tuple) else last, lines)
    end = node.end_mark
    line = end.line if end.column > 0 or end.line == node.start_mark.line else end.line - 1
    while line > node.start_mark.line and not lines[line].strip():
        line -= 1
    return line


def _check_edited(text: str, registered: list[dict[str, Any]], changed: set[int]) -> None:
    """Parse the edited register back: the changed entries differ only in `extracted`, everything else is as it was."""
    doc, problems = parse_yaml(text.encode("utf-8"), str(REGISTER), LIMITS["register"])
    sources = doc.data.get("sources") if doc is not None and isinstance(doc.data, dict) else None
    ok = not problems and isinstance(sources, list) and len(sources) == len(registered)
    if ok and sources is not None:
        for index, (old, new) in enumerate(zip(registered, sources, strict=True)):
            expected = dict(old)
            if index in changed:
                expected.pop("extracted", None)
                new = {k: v for k, v in new.items() if k != "extracted"} if isinstance(new, dict) else new
            ok = ok and new == expected
    if not ok:
        detail = "\n".join(p.text() for p in problems)
        raise ScaffoldError(f"internal error: {REGISTER} would not read back as the old register with new extracted "
                            f"blocks; nothing was written{': ' + detail if detail else ''}")
    for index in changed:
        entry = sources[index] if sources is not None else {}
        _, entry_problems = validate_document(Document(f"{REGISTER} (entry {index + 1})", "{}\n", entry), Source)
        if entry_problems:
            raise ScaffoldError(f"source '{entry.get('id')}' would not be valid after extraction; nothing was "
                                "written:\n" + "\n".join(f"  {p.message}" for p in entry_problems))


def _write_all(files: dict[Path, bytes], register_path: Path, register: bytes | None) -> None:
    """Write the extracted texts, then the register; on failure put back what was there."""
    old: dict[Path, bytes | None] = {path: path.read_bytes() if path.is_file() else None for path in files}
    try:
        for path, data in files.items():
            replace_file(path, data)
        if register is not None:
            replace_file(register_path, register)
    except BaseException:
        for path, before in old.items():
            if before is None:
                path.unlink(missing_ok=True)
            else:
                replace_file(path, before)
        raise
