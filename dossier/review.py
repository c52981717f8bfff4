"""What a pull request changes in the brief, told so a reviewer can judge it without building it.

`dossier diff` reads the inputs of the brief (evidence/, seeds/, the catalog and
brief.yaml) at two points, a git revision and either another revision or the
working tree, parses them with the project's own loader, and compares them as
data rather than as lines: which findings enter or leave the brief, which
fields of a finding change, which chapters (one per provision) are affected,
and whether the result still validates. Records that do not parse are still
compared, as unreadable, so a broken PR gets a summary too.

`dossier stats` counts what the evidence base holds, for the same readers.

Everything from the inputs is escaped before it goes into Markdown: the
summary lands in a pull request page and must not be able to reshape it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .assemble import display_date, latest_date
from .checks import Validated, validate
from .load import parse_yaml
from .models import Record, provision_sort_key
from .problems import summary_line

REGISTER = "seeds/sources.yaml"
CATALOG = "catalog/provisions.yaml"
SETTINGS = "brief.yaml"
WORKING_TREE = "working tree"
MAX_ERRORS_SHOWN = 20
LONG_TEXT = 80  # longer values are summarised as a word diff, not shown in full before and after


class ReviewError(Exception):
    """The comparison cannot be made as asked (not a git checkout, unknown revision): bad usage, exit 2."""


# --- Snapshots: the inputs at one point in history ---------------------------


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
    """The inputs as they are on disk now, committed or not: what `dossier validate` would check."""
    files: dict[str, bytes] = {}
    for folder in ("evidence", "seeds"):
        if (root / folder).is_dir():
            for path in sorted((root / folder).iterdir()):
                if path.is_file() and is_input(f"{folder}/{path.name}"):
                    files[f"{folder}/{path.name}"] = path.read_bytes()
    for name in (CATALOG, SETTINGS):
        if (root / name).is_file():
            files[name] = (root / name).read_bytes()
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


# --- Reading a snapshot as data ----------------------------------------------


@dataclass(frozen=True)
class RecordFile:
    """One evidence file as data; `data` is None when it does not parse as a mapping."""

    path: str
    data: dict[str, Any] | None
    raw: bytes = field(repr=False, default=b"")

    @property
    def id(self) -> str:
        value = self.data.get("id") if self.data else None
        return value if isinstance(value, str) and value else Path(self.path).stem

    @property
    def title(self) -> str:
        value = self.data.get("title") if self.data else None
        return value if isinstance(value, str) else ""

    def get(self, name: str) -> Any:
        return self.data.get(name) if self.data else None

    def provision_ids(self) -> list[str]:
        tags = self.get("provisions")
        if not isinstance(tags, list):
            return []
        return [t["id"] for t in tags if isinstance(t, dict) and isinstance(t.get("id"), str) and t["id"].strip()]

    def links(self) -> set[str]:
        """Ids this record points at; their findings show the link back, so they change with it."""
        return {str(i) for name in ("corroborates", "contradicts") if isinstance(self.get(name), list)
                for i in self.get(name)}


def parse_mapping(data: bytes, path: str) -> dict[str, Any] | None:
    doc, _ = parse_yaml(data, path)
    return doc.data if doc is not None and isinstance(doc.data, dict) else None


def records_in(snapshot: Snapshot) -> dict[str, RecordFile]:
    """Evidence files by file name: the id is the file name, so a renamed record is removed and added."""
    return {Path(path).name: RecordFile(path, parse_mapping(data, path), data)
            for path, data in sorted(snapshot.files.items()) if path.startswith("evidence/")}


def entries_in(snapshot: Snapshot, path: str, key: str) -> dict[str, dict[str, Any]]:
    """The list `key` of a register-like file (sources, provisions) as entries by id, in file order."""
    data = parse_mapping(snapshot.files[path], path) if path in snapshot.files else None
    items = data.get(key) if data else None
    if not isinstance(items, list):
        return {}
    return {str(item["id"]): item for item in items if isinstance(item, dict) and "id" in item}


def settings_in(snapshot: Snapshot) -> dict[str, Any]:
    data = parse_mapping(snapshot.files[SETTINGS], SETTINGS) if SETTINGS in snapshot.files else None
    return data or {}


# --- The comparison -----------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RecordChange:
    before: RecordFile
    after: RecordFile
    fields: list[FieldChange]


@dataclass(frozen=True)
class EntryChange:
    id: str
    fields: list[FieldChange]


@dataclass
class ChapterChange:
    """How one provision's chapter differs: the findings it gains, loses and that read differently."""

    provision: str
    title: str
    before: int
    after: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    provision_text_changed: bool = False

    @property
    def kind(self) -> str:
        if not self.before:
            return "new chapter"
        if not self.after:
            return "chapter dropped"
        return "changed"


@dataclass
class Review:
    base: str
    head: str
    added: list[RecordFile]
    removed: list[RecordFile]
    changed: list[RecordChange]
    sources_added: list[dict[str, Any]]
    sources_removed: list[dict[str, Any]]
    sources_changed: list[EntryChange]
    captures_edited: list[str]
    captures_removed: list[str]
    chapters: list[ChapterChange]
    catalog_changed: list[EntryChange]
    cover_changed: list[FieldChange]
    validation: Validated

    @property
    def evidence_changed(self) -> bool:
        return any((self.added, self.removed, self.changed, self.sources_added, self.sources_removed,
                    self.sources_changed, self.captures_edited, self.captures_removed, self.catalog_changed,
                    self.cover_changed))


def review(root: Path, base: str, head: str | None = None, today: dt.date | None = None) -> Review:
    """Compare the brief's inputs at `base` with `head` (a revision, or the working tree when None)."""
    old = at_revision(root, base)
    new = at_revision(root, head) if head else working_tree(root)
    if head:
        with tempfile.TemporaryDirectory(prefix="dossier-diff-") as folder:
            validation = validate(materialise(new, Path(folder)), today)
    else:
        validation = validate(root, today)
    return compare(old, new, validation)


def compare(old: Snapshot, new: Snapshot, validation: Validated) -> Review:
    """Everything `review` reports, from two snapshots and the validation of the newer one."""
    before, after = records_in(old), records_in(new)
    changed = [RecordChange(before[name], after[name], field_changes(before[name].data, after[name].data))
               for name in sorted(before.keys() & after.keys()) if reads_differently(before[name], after[name])]
    old_sources, new_sources = entries_in(old, REGISTER, "sources"), entries_in(new, REGISTER, "sources")
    old_catalog, new_catalog = entries_in(old, CATALOG, "provisions"), entries_in(new, CATALOG, "provisions")
    sources_changed = entry_changes(old_sources, new_sources)
    catalog_changed = entry_changes(old_catalog, new_catalog)
    old_captures, new_captures = old.captures(), new.captures()
    return Review(
        base=old.label,
        head=new.label,
        added=[after[name] for name in sorted(after.keys() - before.keys())],
        removed=[before[name] for name in sorted(before.keys() - after.keys())],
        changed=changed,
        sources_added=[new_sources[i] for i in new_sources if i not in old_sources],
        sources_removed=[old_sources[i] for i in old_sources if i not in new_sources],
        sources_changed=sources_changed,
        captures_edited=sorted(p for p in old_captures.keys() & new_captures.keys()
                               if old_captures[p] != new_captures[p]),
        captures_removed=sorted(old_captures.keys() - new_captures.keys()),
        chapters=chapter_changes(before, after, changed, {c.id for c in sources_changed},
                                 {c.id for c in catalog_changed}, old_catalog, new_catalog),
        catalog_changed=catalog_changed,
        cover_changed=field_changes(settings_in(old), settings_in(new)),
        validation=validation,
    )


def reads_differently(before: RecordFile, after: RecordFile) -> bool:
    """Compared as data, so re-wrapping or comments change nothing; unreadable files are compared as bytes."""
    if before.data is None and after.data is None:
        return before.raw != after.raw
    return before.data != after.data


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """Top-level fields whose value differs, in the record's own field order; unreadable is one change."""
    if before is None or after is None:
        return [FieldChange("(file)", "unreadable" if before is None else "readable",
                            "unreadable" if after is None else "readable")]
    order = list(Record.model_fields)
    names = sorted(before.keys() | after.keys(), key=lambda n: (order.index(n) if n in order else len(order), n))
    return [FieldChange(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]


def entry_changes(old: dict[str, dict], new: dict[str, dict]) -> list[EntryChange]:
    return [EntryChange(i, field_changes(old[i], new[i])) for i in old if i in new and old[i] != new[i]]


def chapter_changes(before: dict[str, RecordFile], after: dict[str, RecordFile], changed: list[RecordChange],
                    sources_changed: set[str], provisions_changed: set[str],
                    old_catalog: dict[str, dict], new_catalog: dict[str, dict]) -> list[ChapterChange]:
    """Every provision whose chapter reads differently: findings in or out, edited, re-cited or re-linked."""
    edited = {c.after.id for c in changed}
    relinked = set().union(*(c.before.links() ^ c.after.links() for c in changed),
                           *(before[name].links() for name in before.keys() - after.keys()),
                           *(after[name].links() for name in after.keys() - before.keys()))
    cited = {r.id for r in after.values() if r.get("source") in sources_changed}
    touched = edited | relinked | cited
    members_before = members_by_provision(before.values())
    members_after = members_by_provision(after.values())
    order = list(new_catalog) + [p for p in old_catalog if p not in new_catalog]
    chapters = []
    for provision in sorted(members_before.keys() | members_after.keys(),
                            key=lambda p: (order.index(p) if p in order else len(order), provision_sort_key(p))):
        old_ids, new_ids = members_before.get(provision, set()), members_after.get(provision, set())
        chapter = ChapterChange(
            provision=provision,
            title=str((new_catalog.get(provision) or old_catalog.get(provision) or {}).get("title") or ""),
            before=len(old_ids),
            after=len(new_ids),
            added=sorted(new_ids - old_ids),
            removed=sorted(old_ids - new_ids),
            changed=sorted((old_ids & new_ids) & touched),
            provision_text_changed=provision in provisions_changed and bool(new_ids),
        )
        if chapter.added or chapter.removed or chapter.changed or chapter.provision_text_changed:
            chapters.append(chapter)
    return chapters


def members_by_provision(records: Iterable[RecordFile]) -> dict[str, set[str]]:
    members: dict[str, set[str]] = {}
    for record in records:
        for provision in record.provision_ids():
            members.setdefault(provision, set()).add(record.id)
    return members


# --- Markdown ------------------------------------------------------------------

# Within one line that never starts a block, these are the characters that can format, link, embed HTML,
# break a table cell or mention someone; each is escaped with a backslash, which CommonMark allows for all.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&@])")


def md(text: Any) -> str:
    """Input text as inert Markdown: one line, every character that could format, link or mention escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: Any) -> str:
    """An id or path as inline code; backticks inside cannot close it early."""
    value = " ".join(str(text).split()).replace("`", "'")
    return f"`{value}`"


def cell_code(text: Any) -> str:
    """Inline code inside a table cell: GitHub splits cells at a `|` even within code, unless escaped."""
    return code(text).replace("|", "\\|")


def fenced(text: str) -> str:
    """A block shown verbatim: the fence is longer than any run of backticks inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def review_markdown(result: Review) -> str:
    """The pull-request summary: validation first, then what leaves, enters and changes in the brief."""
    parts = [f"## Evidence changes: {code(result.base)} → {code(result.head)}", validation_section(result.validation),
             headline(result)]
    parts += removed_section(result.removed)
    parts += captures_section(result.captures_edited, result.captures_removed)
    parts += added_section(result.added)
    parts += changed_section(result.changed)
    parts += sources_section(result)
    parts += chapters_section(result.chapters)
    parts += entry_section("Provisions catalog changed", result.catalog_changed, "provision")
    if result.cover_changed:
        parts.append("### Cover (brief.yaml)\n" + "\n".join(f"- {change_line(c)}" for c in result.cover_changed))
    return "\n\n".join(p for p in parts if p) + "\n"


def validation_section(validated: Validated) -> str:
    summary = summary_line(len(validated.records), validated.problems)
    if validated.ok:
        return f"✅ **Valid at head**: {summary}."
    errors = [p for p in validated.problems if p.is_error]
    shown = "\n".join(p.text() for p in errors[:MAX_ERRORS_SHOWN])
    more = f"\n…and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
    return (f"❌ **Invalid at head**: {summary}. The brief cannot be built until these are fixed "
            f"(`dossier validate` lists them all):\n\n{fenced(shown + more)}")


def headline(result: Review) -> str:
    if not result.evidence_changed:
        return "No change to the evidence, the source register, the captures, the catalog or the cover."
    counts = [plural(len(result.added), "record") + " added", f"{len(result.removed)} removed",
              f"{len(result.changed)} changed", plural(len(result.sources_added), "source") + " added",
              plural(len(result.chapters), "chapter") + " of the brief affected"]
    return "**In short:** " + "; ".join(counts) + "."


def record_line(record: RecordFile) -> str:
    """`id`: title, then where the finding sits in the brief (source, provisions, grade, status)."""
    if record.data is None:
        return f"- {code(record.id)}: the file does not parse (see the validation report)"
    grading = record.get("grading") if isinstance(record.get("grading"), dict) else {}
    grade = f"{grading.get('reliability') or ''}{grading.get('credibility') or ''}"
    details = [f"source {code(record.get('source'))}" if record.get("source") else "no source yet",
               "provisions " + ", ".join(map(code, record.provision_ids())) if record.provision_ids()
               else "no provision yet",
               f"grade {md(grade)}" if grade else "not graded yet",
               md(record.get("status") or "no status")]
    return f"- {code(record.id)}: {md(record.title) or '(no title yet)'}\n  ({'; '.join(details)})"


def removed_section(removed: list[RecordFile]) -> list[str]:
    if not removed:
        return []
    lines = "\n".join(record_line(r) for r in removed)
    return [f"### ⚠️ Records removed ({len(removed)})\n\nThese findings leave the brief. Check that this is "
            f"intended and that no record still cites them.\n\n{lines}"]


def captures_section(edited: list[str], removed: list[str]) -> list[str]:
    if not (edited or removed):
        return []
    lines = [f"- {code(p)} was **edited**" for p in edited] + [f"- {code(p)} was **removed**" for p in removed]
    return ["### ⚠️ Archived captures touched\n\nCaptures are evidence and are never edited; a new capture is "
            "archived as a new source with `dossier add-source`.\n\n" + "\n".join(lines)]


def added_section(added: list[RecordFile]) -> list[str]:
    if not added:
        return []
    blocks = []
    for record in added:
        block = record_line(record)
        event = record.get("event") if isinstance(record.get("event"), dict) else {}
        if record.data is not None:
            block += f"\n  - event: {md(display_date(event.get('date')) if event.get('date') else 'date unknown')}"
            block += f", {md(event['place'])}" if event.get("place") else ""
            block += f"\n  - passage: “{md(record.get('passage'))}”" if record.get("passage") else ""
        blocks.append(block)
    return [f"### Records added ({len(added)})\n\n" + "\n".join(blocks)]


def changed_section(changed: list[RecordChange]) -> list[str]:
    if not changed:
        return []
    blocks = []
    for change in changed:
        title = md(change.after.title or change.before.title)
        lines = [f"- {code(change.after.id)}: {title}"] + [f"  - {change_line(f)}" for f in change.fields]
        blocks.append("\n".join(lines))
    return [f"### Records changed ({len(changed)})\n\n" + "\n".join(blocks)]


def sources_section(result: Review) -> list[str]:
    parts = []
    if result.sources_added:
        lines = "\n".join(source_line(s) for s in result.sources_added)
        parts.append(f"### Sources added ({len(result.sources_added)})\n\n{lines}")
    if result.sources_removed:
        lines = "\n".join(source_line(s) for s in result.sources_removed)
        parts.append(f"### ⚠️ Sources removed ({len(result.sources_removed)})\n\n{lines}")
    parts += entry_section("Sources changed", result.sources_changed, "source")
    return parts


def source_line(source: dict[str, Any]) -> str:
    title = f"“{md(source['title'])}”" if source.get("title") else "untitled"
    published = md(display_date(source.get("published"))) if source.get("published") else "date unknown"
    digest = str(source.get("sha256") or "")[:12]
    return (f"- {code(source.get('id'))}: {md(source.get('outlet') or 'no outlet')}, {title}, {published}, "
            f"{md(source.get('origin') or '')} (capture {code('seeds/' + str(source.get('capture')))}, "
            f"SHA-256 {code(digest + '…')})")


def entry_section(heading: str, changes: list[EntryChange], kind: str) -> list[str]:
    if not changes:
        return []
    lines = []
    for change in changes:
        lines.append(f"- {kind} {code(change.id)}")
        lines += [f"  - {change_line(f)}" for f in change.fields]
    return [f"### {heading} ({len(changes)})\n\n" + "\n".join(lines)]


def chapters_section(chapters: list[ChapterChange]) -> list[str]:
    if not chapters:
        return []
    rows = ["| Provision | Findings | What changes |", "|---|---|---|"]
    for chapter in chapters:
        what = [chapter.kind] if chapter.kind != "changed" else []
        what += [f"{label} {', '.join(map(cell_code, ids))}" for label, ids in
                 (("added", chapter.added), ("removed", chapter.removed), ("changed", chapter.changed)) if ids]
        what += ["provision text changed"] if chapter.provision_text_changed else []
        name = f"{cell_code(chapter.provision)} {md(chapter.title)}".strip()
        rows.append(f"| {name} | {chapter.before} → {chapter.after} | {'; '.join(what)} |")
    return [f"### Chapters of the brief that change ({len(chapters)})\n\n" + "\n".join(rows)]


def change_line(change: FieldChange) -> str:
    """One field's change in words: short values before → after, long text as a word diff, lists as +/−."""
    name = code(change.name)
    before, after = change.before, change.after
    if isinstance(before, list) and isinstance(after, list):
        return f"{name}: {list_change(before, after)}"
    if isinstance(before, dict) and isinstance(after, dict):
        inner = [FieldChange(f"{change.name}.{key}", before.get(key), after.get(key))
                 for key in sorted(before.keys() | after.keys()) if before.get(key) != after.get(key)]
        return "; ".join(change_line(c) for c in inner)
    if isinstance(before, str) and isinstance(after, str) and max(len(before), len(after)) > LONG_TEXT:
        return f"{name}: {word_diff(before, after)}"
    return f"{name}: {short(before)} → {short(after)}"


def short(value: Any) -> str:
    if value is None:
        return "(none)"
    text = md(compact(value))
    return text if len(text) <= LONG_TEXT * 2 else text[:LONG_TEXT * 2] + "…"


def compact(value: Any) -> str:
    """A value in one line: a grading reads `C3`, a figure `about 150 workers`, a tag its provision id."""
    if isinstance(value, dict):
        if {"reliability", "credibility"} <= value.keys():
            return f"{value['reliability']}{value['credibility']}"
        if "quantity" in value:
            upper = f"–{value['quantity_max']}" if value.get("quantity_max") is not None else ""
            return f"{value.get('qualifier', '')} {value['quantity']}{upper} {value.get('unit', '')}".strip()
        for key in ("id", "name"):
            if key in value:
                return str(value[key])
        return ", ".join(f"{k}: {compact(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(compact(v) for v in value) if value else "[]"
    return str(value)


def list_change(before: list, after: list) -> str:
    """Items gone (−) and come (+), items kept but edited (their fields), or a pure reordering."""
    old = {item_label(item): item for item in before}
    new = {item_label(item): item for item in after}
    parts = [f"−{short(label)}" for label in old if label not in new]
    parts += [f"+{short(label)}" for label in new if label not in old]
    parts += [f"{short(label)}: {short_dict_diff(old[label], new[label])}" for label in old
              if label in new and old[label] != new[label]]
    return ", ".join(parts) if parts else f"reordered: {short(after)}"


def item_label(item: Any) -> str:
    """How a list item is recognised across revisions: a tag by its provision id, an actor by name."""
    if isinstance(item, dict):
        for key in ("id", "name"):
            if isinstance(item.get(key), (str, int)):
                return str(item[key])
    return compact(item)


def short_dict_diff(before: Any, after: Any) -> str:
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        return ", ".join(f"{md(k)} {short(before.get(k))} → {short(after.get(k))}" for k in keys)
    return f"{short(before)} → {short(after)}"


def word_diff(before: str, after: str, context: int = 4) -> str:
    """Only the words that change, with a little context: ~~removed~~ **added**."""
    old, new = before.split(), after.split()
    if old == new:
        return "only spaces or line breaks changed"
    opcodes = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    pieces: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            pieces.append(context_words(old[i1:i2], context, index == 0, index == len(opcodes) - 1))
            continue
        if i2 > i1:
            pieces.append(f"~~{md(' '.join(old[i1:i2]))}~~")
        if j2 > j1:
            pieces.append(f"**{md(' '.join(new[j1:j2]))}**")
    return " ".join(pieces)


def context_words(words: list[str], context: int, first: bool, last: bool) -> str:
    """Unchanged words between changes: only `context` of them next to each change, the rest elided."""
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if len(words) <= keep_head + keep_tail + 2:  # eliding one or two words would save nothing
        return md(" ".join(words))
    head, tail = words[:keep_head], words[len(words) - keep_tail:]
    return " ".join(part for part in (md(" ".join(head)), "…", md(" ".join(tail))) if part)


# --- stats ------------------------------------------------------------------------


@dataclass
class Stats:
    records: int
    by_provision: list[tuple[str, str, int]]  # id, title, records
    by_source: list[tuple[str, str, int]]  # id, outlet, records
    by_grade: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    earliest: str | None
    latest: str | None
    undated: int
    published: list[str]  # the publication dates the register knows, in order
    sources: int


def evidence_stats(validated: Validated) -> Stats:
    """Counts over the records that load; tags, sources and grades as the brief would group them."""
    records = validated.records
    tags = Counter(tag.id for record in records for tag in record.provisions)
    catalog_order = list(validated.provisions)
    provisions = sorted(tags, key=lambda p: (catalog_order.index(p) if p in catalog_order else len(catalog_order),
                                             provision_sort_key(p)))
    per_source = Counter(record.source for record in records)
    sources = list(validated.sources) + sorted(s for s in per_source if s not in validated.sources)
    dates = sorted(r.event.date for r in records if r.event.date)
    published = sorted(s.published for s in validated.sources.values() if s.published)
    return Stats(
        records=len(records),
        by_provision=[(p, validated.provisions[p].title if p in validated.provisions else "(not catalogued)",
                       tags[p]) for p in provisions],
        by_source=[(s, validated.sources[s].outlet if s in validated.sources else "(not registered)",
                    per_source[s]) for s in sources],
        by_grade=sorted(Counter(r.grading.code for r in records).items()),
        by_status=sorted(Counter(r.status for r in records).items()),
        earliest=dates[0] if dates else None,
        latest=latest_date(dates),
        undated=len(records) - len(dates),
        published=published,
        sources=len(validated.sources),
    )


def table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """A Markdown table padded into columns, so it reads as well in a terminal as in a pull request."""
    cells = [tuple(str(c) for c in header)] + [tuple(md(c) if not isinstance(c, int) else str(c) for c in row)
                                               for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.rjust(w) if c.isdigit() else c.ljust(w) for c, w in zip(row, widths)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def span(first: str | None, last: str | None) -> str:
    """'from March 2023 to 2025'; 'in 2025' or 'on 13 December 2023' when both ends are the same date."""
    if first is None or last is None:
        return "unknown"
    if first == last:
        return f"{'on' if len(first) == 10 else 'in'} {display_date(first)}"
    return f"from {display_date(first)} to {display_date(last)}"


def stats_markdown(stats: Stats) -> str:
    undated = f"; {plural(stats.undated, 'record')} without an event date" if stats.undated else ""
    events = f"Events {span(stats.earliest, stats.latest)}{undated}." if stats.earliest else f"No dated events{undated}."
    published = (f"Publication dates known for {len(stats.published)} of {plural(stats.sources, 'source')}"
                 + (f", {span(stats.published[0], latest_date(stats.published))}." if stats.published else "."))
    return "\n\n".join([
        f"## Evidence statistics: {plural(stats.records, 'record')}",
        f"{events} {published}",
        "### Per provision (a record may bear on several)\n\n"
        + table(("Provision", "Title", "Records"), stats.by_provision),
        "### Per source\n\n" + table(("Source", "Outlet", "Records"), stats.by_source),
        "### Per grade (reliability A-F, credibility 1-6)\n\n" + table(("Grade", "Records"), stats.by_grade),
        "### Per status\n\n" + table(("Status", "Records"), stats.by_status),
    ]) + "\n"
