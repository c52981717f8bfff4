"""Two snapshots compared as data rather than as lines.

Which findings enter or leave the brief, which fields of a finding change,
which chapters (one per provision) are affected, and whether the result still
validates. Files are parsed under the loader's own rules; records that do not
parse are still compared, as unreadable, so a broken pull request gets a
summary too.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import Record, provision_sort_key
from ..validate import Validated, validate
from ..yaml_read import parse_yaml
from .snapshots import CATALOG, REGISTER, SETTINGS, Snapshot, at_revision, materialise, working_tree

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

    def text(self, name: str) -> str | None:
        """A field that should be text, only if it is: a pull request may hold any shape of YAML."""
        value = self.get(name)
        return value if isinstance(value, str) else None

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


def entry_changes(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[EntryChange]:
    return [EntryChange(i, field_changes(old[i], new[i])) for i in old if i in new and old[i] != new[i]]


def chapter_changes(before: dict[str, RecordFile], after: dict[str, RecordFile], changed: list[RecordChange],
                    sources_changed: set[str], provisions_changed: set[str],
                    old_catalog: dict[str, dict[str, Any]],
                    new_catalog: dict[str, dict[str, Any]]) -> list[ChapterChange]:
    """Every provision whose chapter reads differently: findings in or out, edited, re-cited or re-linked."""
    edited = {c.after.id for c in changed}
    relinked = set().union(*(c.before.links() ^ c.after.links() for c in changed),
                           *(before[name].links() for name in before.keys() - after.keys()),
                           *(after[name].links() for name in after.keys() - before.keys()))
    cited = {r.id for r in after.values() if r.text("source") in sources_changed}
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

