"""Starting new inputs: archiving a capture (`add-source`) and a skeleton record (`new`).

Both only ever create files. The capture is copied byte for byte and the
register entry is appended as text after the existing bytes, so comments and
the layout of earlier entries survive exactly, and a reviewer's diff shows one
new block. Whatever the analyst did not give is recorded as unknown with a
reason, never guessed. The skeleton record is deliberately invalid: each
blank placeholder fails validation with a message naming the field, so
`dossier validate` is the checklist of what is left to fill in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .load import Document, EvidenceLoader, LoadError, parse_yaml, read_yaml, validate_document
from .models import SLUG_PATTERN, UNKNOWABLE_FIELDS, Source
from .archive import sha256_of
from .files import replace_file
from .schema import MODELINE

REGISTER = Path("seeds") / "sources.yaml"
NOT_GIVEN = "not given when the source was added"
ORIGINS = ("original reporting", "republication", "wire copy")
REGISTER_HEADER = (
    "# Source register: one entry per archived capture in seeds/.\n"
    "# Only what each capture itself establishes is recorded; every empty field says why.\n"
)
ADDED_NOTE = (
    "Registered with `dossier add-source`: outlet, title, authors, date and URL are as given on its command "
    "line. Check them against the capture and say here how each was read off it."
)
_CAPTURE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
# Characters a YAML stream may not contain literally (YAML 1.2, section 5.1); they must be escaped.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Plain scalars that a YAML 1.2 (core schema) reader, such as an editor's language server, takes for numbers.
_YAML_12_NUMBER = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
                             r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_NUMBERED = re.compile(r"^([0-9]+)_")
MAX_ID = 120


class ScaffoldError(Exception):
    """Input the command cannot accept; the message says what to do instead (exit status 1)."""


# --- YAML text we write -------------------------------------------------------


def yaml_scalar(value: str | None) -> str:
    """One value as YAML text that reads back as exactly this string under any YAML 1.1 or 1.2 loader.

    Plain where that is unambiguous, else double-quoted: `yes`, `2024-05`, `010` and `a: b` get quotes.
    """
    if value is None:
        return ""
    plain_ok = (
        value
        and value == value.strip()
        and "\n" not in value
        and not re.search(r"[\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]", value)
        and _reads_back(value, yaml.SafeLoader)  # YAML 1.1 rules: catches yes/no/on/off, octals, dates
        and _reads_back(value, EvidenceLoader)
        and not _YAML_12_NUMBER.match(value)  # `1e3` is text to YAML 1.1 but a number to YAML 1.2
    )
    return value if plain_ok else _double_quoted(value)


def _reads_back(value: str, loader: type) -> bool:
    try:
        return yaml.load(f"key: {value}\n", Loader=loader) == {"key": value}
    except (yaml.YAMLError, LoadError):
        return False


def _double_quoted(value: str) -> str:
    out = ['"']
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") or _NOT_PRINTABLE.match(char):
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _value_lines(key: str, value: str | None, indent: str, width: int = 100) -> list[str]:
    """`key: value`, folded over several lines (`>-`) when long, so lines stay readable in a diff."""
    rendered = yaml_scalar(value)
    single = f"{indent}{key}: {rendered}".rstrip()
    if value is None or len(single) <= width or not _foldable(value):
        return [single]
    body = textwrap.wrap(value, width=width - len(indent) - 2, break_long_words=False, break_on_hyphens=False)
    return [f"{indent}{key}: >-"] + [f"{indent}  {line}" for line in body]


def _foldable(value: str) -> bool:
    """A folded block gives back single spaces between words; only text already like that survives it."""
    return value == " ".join(value.split()) and not value.startswith(("#", "-", "?", ":")) and value.isprintable()


# --- add-source -------------------------------------------------------------


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


@dataclass(frozen=True)
class AddedSource:
    id: str
    capture: Path  # where the capture now is, under seeds/
    sha256: str
    copied: bool  # False when a file already in seeds/ was registered where it lies


def add_source(root: Path, capture_file: Path, meta: SourceMetadata, source_id: str | None = None,
               today: dt.date | None = None) -> AddedSource:
    """Archive `capture_file` under seeds/ and append its entry to the register; return the new source."""
    raw = _read_capture(capture_file)
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
        _create(target, raw)
    try:
        replace_file(register_path, new_text)
    except BaseException:
        if not in_place:
            target.unlink(missing_ok=True)
        raise
    return AddedSource(new_id, target, digest, copied=not in_place)


def _read_capture(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScaffoldError(f"cannot read {path}: {exc.strerror or exc}") from None
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


def _read_register(path: Path) -> tuple[bytes, list[dict]]:
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


def _refuse_archived(digest: str, registered: list[dict], seeds: Path, capture_file: Path) -> None:
    """Same bytes, same capture: one article is archived once (a new capture of it is a new source)."""
    for entry in registered:
        if entry.get("sha256") == digest:
            raise ScaffoldError(f"{capture_file} is already archived as seeds/{entry.get('capture')} "
                                f"(source '{entry.get('id')}'); cite that source id")
    if not seeds.is_dir():
        return
    for path in sorted(seeds.iterdir()):
        if path.is_file() and path.name != REGISTER.name and path.resolve() != capture_file.resolve():
            if sha256_of(path) == digest:
                raise ScaffoldError(f"{capture_file} has the same content as seeds/{path.name}, which is not "
                                    f"registered; register that file instead: dossier add-source seeds/{path.name} ...")


def _in_place_name(capture_file: Path, registered: list[dict]) -> str:
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


def _capture_name(digest: str, capture_file: Path, seeds: Path, registered: list[dict]) -> str:
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
    if meta.origin == "republication":
        if not meta.original_outlet:
            raise ScaffoldError("origin 'republication' needs --original-outlet: the outlet that first published it")
        entry["original"] = {"outlet": meta.original_outlet, "authors": [],
                             "unknown": {name: NOT_GIVEN for name in UNKNOWABLE_FIELDS}}
    elif meta.original_outlet:
        raise ScaffoldError("--original-outlet is only for --origin republication")
    entry["unknown"] = {name: NOT_GIVEN for name in UNKNOWABLE_FIELDS if entry[name] in (None, [])}
    entry["notes"] = ADDED_NOTE
    return entry


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
        return (head + "\n".join(_entry_lines(entry, "  ")) + "\n").replace("\n", newline).encode("utf-8")
    indent = _item_indent(old)
    text = old.decode("utf-8")
    separator = "" if text.endswith("\n") else newline  # finish the last line
    if not text.endswith(("\n\n", "\r\n\r\n")):
        separator += newline  # a blank line between entries, as in the register
    block = newline.join(_entry_lines(entry, indent)) + newline
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
        first = last_value.value[0]
        return " " * max(first.start_mark.column - 2, 0)
    return "  "


def _entry_lines(entry: dict[str, Any], dash: str) -> list[str]:
    inner = dash + "  "
    lines: list[str] = []
    for key, value in entry.items():
        prefix = f"{dash}- " if not lines else inner
        lines += _field_lines(key, value, prefix, inner)
    return lines


def _field_lines(key: str, value: Any, prefix: str, inner: str) -> list[str]:
    """One field of the entry; `prefix` is the indentation (or `- `) of its first line."""
    if isinstance(value, list):
        if not value:
            return [f"{prefix}{key}: []"]
        return [f"{prefix}{key}:"] + [f"{inner}  - {yaml_scalar(item)}" for item in value]
    if isinstance(value, dict):
        lines = [f"{prefix}{key}:"]
        for sub_key, sub_value in value.items():
            lines += _field_lines(sub_key, sub_value, inner + "  ", inner + "  ")
        return lines
    first = _value_lines(key, value, inner)
    return [prefix + first[0][len(inner):]] + first[1:]


def _check_appended(new_text: bytes, entry: dict[str, Any], count: int) -> None:
    """Parse the whole new register back: the old entries are as they were and the new one is exactly ours."""
    doc, problems = parse_yaml(new_text, str(REGISTER))
    sources = doc.data.get("sources") if doc is not None and isinstance(doc.data, dict) else None
    if problems or not isinstance(sources, list) or len(sources) != count + 1 or sources[-1] != entry:
        detail = "\n".join(p.text() for p in problems)
        raise ScaffoldError(f"internal error: the appended entry does not read back as written; nothing was "
                            f"written{': ' + detail if detail else ''}")


# --- new --------------------------------------------------------------------


def new_record(root: Path, source_id: str, record_id: str | None = None) -> Path:
    """Write evidence/<id>.yaml, a commented skeleton citing `source_id`; never overwrites."""
    if record_id is not None and not is_slug(record_id):
        raise ScaffoldError(f"'{record_id}' is not a valid id; use lower-case letters, digits and single hyphens")
    source = _registered_source(root, source_id)
    folder = root / "evidence"
    record_id = record_id or _free_record_id(folder, source_id)
    path = folder / f"{record_id}.yaml"
    if path.exists():
        raise ScaffoldError(f"evidence/{path.name} already exists; nothing was written (choose another --id)")
    folder.mkdir(parents=True, exist_ok=True)
    _create(path, skeleton(record_id, source_id, str(source.get("outlet") or "")).encode("utf-8"))
    return path


def _registered_source(root: Path, source_id: str) -> dict:
    """The register entry for `source_id`, read leniently: a problem elsewhere in the register does not block."""
    path = root / REGISTER
    if not path.is_file():
        raise ScaffoldError(f"there is no {REGISTER} here (is --root right?); archive the article first with "
                            "dossier add-source")
    doc, problems = read_yaml(path, str(REGISTER))
    if doc is None:
        raise ScaffoldError(f"{REGISTER} cannot be read, fix it first:\n" + "\n".join(p.text() for p in problems))
    entries = doc.data.get("sources") if isinstance(doc.data, dict) else None
    by_id = {str(e.get("id")): e for e in entries or [] if isinstance(e, dict)}
    if source_id not in by_id:
        import difflib

        close = difflib.get_close_matches(source_id, list(by_id), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else "; `dossier add-source` prints the id of a new source"
        raise ScaffoldError(f"source '{source_id}' is not in {REGISTER}{hint}")
    return by_id[source_id]


def _free_record_id(folder: Path, source_id: str) -> str:
    """`<source id>-<n>`, the first n with no file yet; the analyst may rename it to say what it shows."""
    stem = source_id[: MAX_ID - 4].rstrip("-")
    number = 1
    while (folder / f"{stem}-{number}.yaml").exists():
        number += 1
    return f"{stem}-{number}"


def is_slug(value: str) -> bool:
    return bool(re.match(SLUG_PATTERN, value)) and len(value) <= MAX_ID


def skeleton(record_id: str, source_id: str, outlet: str) -> str:
    """The text of a new record: every field present and commented, the blanks invalid until filled in."""
    return f"""{MODELINE}
# A new evidence record: one claim from one archived article. Fill in every "" below;
# `dossier validate` lists what is still missing. Hover over a field in your editor for help.

# Stable id, equal to the file name without .yaml. Rename both together if you change it.
id: {yaml_scalar(record_id)}
# One line, at most 160 characters: what the record shows.
title: ""
# Your own words: what the outlet reports, not what happened, e.g.
# "The Kyiv Independent reports, citing The Wall Street Journal, that ...". Indent under the >-.
claim: >-

# The archived article, from seeds/sources.yaml.
source: {yaml_scalar(source_id)}
# The quote, copied exactly from the capture: one contiguous run of whole sentences.
# No "..." and no [bracketed] edits; every word and number must match. Indent under the >-.
passage: >-

# How the information travelled, origin first, ending with the outlet whose capture we hold.
# Replace "" with who the outlet cites (add a line per link), or delete it if the outlet is the origin.
reporting_chain:
  - ""
  - {yaml_scalar(outlet) if outlet else '""'}
# The provisions the claim bears on, from catalog/provisions.yaml (e.g. 2397-OP8), each with one
# line saying why. Repeat the "- id:" block for each further provision.
provisions:
  - id: ""
    rationale: ""
# When and where the reported fact happened (not when the article was published).
event:
  # As precise as the text allows, in quotes: "2024", "2024-03" or "2024-03-05".
  # If the text does not say, delete this line and say why in date_note.
  date: ""
  # How the date was read from the text, or why it is unknown; delete the line if there is nothing to add.
  date_note: ""
  # Where it happened, as the text names it; delete the line if the text does not say.
  place: ""
# Who the text says was involved. Replace [] with one block per actor:
#   - name: the name as the text gives it
#     role: what the text says they did
actors: []
# Numbers the passage gives. Replace [] with one block per number:
#   - quantity: 15000   (plain digits; add quantity_max: for a range such as 60,000-70,000)
#     unit: workers
#     qualifier: about  (exactly, about, nearly, up to, at least or more than)
figures: []
# Admiralty grade: reliability of the source A-F, credibility of the information 1-6, and why.
grading:
  reliability: ""
  credibility: ""
  justification: ""
# Ids of other records this one supports, or disputes (denials are evidence too).
corroborates: []
contradicts: []
# draft until a reviewer has checked it; the reviewer sets reviewed.
status: draft
"""


# --- Writing ----------------------------------------------------------------


def _create(path: Path, data: bytes) -> None:
    """Create a new file; fail rather than replace one that exists."""
    try:
        handle = open(path, "xb")
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; nothing was overwritten") from None
    try:
        with handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)  # ours, just created: never leave half a file behind
        raise
