"""Cross-checks: what no single file can prove on its own.

Sources exist and their captures still hash to what the register says; every
passage occurs verbatim in its capture; provision ids and record references
resolve; dates are neither in the future nor later than the publication that
reports them. All problems are collected, none raised, so `validate` reports
everything in one run.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .archive import Capture, PassageMatch, PassageMiss, verify_passage
from .load import Document, LoadedRecord, load_catalog, load_records, load_register, load_settings
from .models import BriefSettings, Catalog, Provision, Record, Source
from .problems import Problem, warning


@dataclass
class Validated:
    """Everything the later stages need, plus every problem found on the way."""

    root: Path
    records: list[Record] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    provisions: dict[str, Provision] = field(default_factory=dict)
    catalog: Catalog | None = None
    settings: BriefSettings | None = None
    matches: dict[str, PassageMatch] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    version: str = ""  # short hash of every input, so a brief names exactly what it was built from

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def validate(root: Path, today: dt.date | None = None) -> Validated:
    """Load and cross-check everything under `root`; the single entry point for every command."""
    with _cycle_collector_paused():
        return _validate(root, today or dt.date.today())


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the inputs are loaded and checked.

    Validation keeps all it loads (texts, data, models: millions of objects at 10,000 records), and every
    full collection walks all of them, again and again as they grow: a third of the time at that size.
    What is loaded forms no reference cycles, so nothing is freed later than it would be; reference
    counting frees everything else at once, as always.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate(root: Path, today: dt.date) -> Validated:
    result = Validated(root=root)
    register, register_doc, found = load_register(root)
    result.problems += found
    catalog, catalog_doc, found = load_catalog(root)
    result.problems += found
    loaded, found, result.files = load_records(root)
    result.problems += found
    result.settings, settings_doc, found = load_settings(root)
    result.problems += found

    captures: dict[str, Capture] = {}
    if register is not None and register_doc is not None:
        result.sources, captures, found = check_register(root, register.sources, register_doc, today)
        result.problems += found
    if catalog is not None and catalog_doc is not None:
        result.catalog = catalog
        result.provisions, found = check_catalog(catalog, catalog_doc)
        result.problems += found

    result.problems += check_unique_ids(loaded)
    known_ids = {item.record.id for item in loaded}
    for item in loaded:
        result.problems += check_references(item, known_ids, result.provisions, catalog is not None)
        source = result.sources.get(item.record.source)
        result.problems += check_dates(item, source, today)
        if source is None:
            if register is not None:
                result.problems.append(
                    item.doc.problem(("source",), f"source '{item.record.source}' is not in seeds/sources.yaml",
                                     hint=_suggest(item.record.source, result.sources))
                )
            continue
        result.problems += check_chain_ends_at_outlet(item, source)
        capture = captures.get(source.id)
        if capture is None:
            result.problems.append(
                item.doc.problem(("source",), f"the capture of source '{source.id}' failed its checks; "
                                 "the passage cannot be verified against it")
            )
            continue
        outcome, found = check_passage(item, capture, f"seeds/{source.capture}")
        result.problems += found
        if outcome is not None:
            result.matches[item.record.id] = outcome
    if result.settings is not None and settings_doc is not None:
        result.problems += check_cutoff(result.settings, settings_doc, loaded, register_doc, result.sources, today)
    result.records = sorted((item.record for item in loaded), key=lambda r: r.id)
    result.problems.sort()
    docs = [d for d in (register_doc, catalog_doc, settings_doc) if d is not None] + [item.doc for item in loaded]
    result.version = content_version(docs, list(result.sources.values()))
    return result


def content_version(docs: list[Document], sources: list[Source]) -> str:
    """Hash the texts already read and the (verified) capture hashes; nothing is read twice."""
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d.path):
        digest.update(f"{doc.path}\0{hashlib.sha256(doc.text.encode()).hexdigest()}\0".encode())
    for source in sorted(sources, key=lambda s: s.capture):
        digest.update(f"seeds/{source.capture}\0{source.sha256}\0".encode())
    return digest.hexdigest()[:12]


def _suggest(wanted: str, known: dict) -> str | None:
    import difflib

    close = difflib.get_close_matches(wanted, list(known), n=1)
    return f"Did you mean '{close[0]}'?" if close else None


# --- Register and catalog ---------------------------------------------------


def check_register(
    root: Path, sources: list[Source], doc: Document, today: dt.date
) -> tuple[dict[str, Source], dict[str, Capture], list[Problem]]:
    """Each capture exists, is registered once, and still has the SHA-256 the register records."""
    problems: list[Problem] = []
    by_id: dict[str, Source] = {}
    captures: dict[str, Capture] = {}
    seen_files: dict[str, str] = {}
    for index, source in enumerate(sources):
        loc = ("sources", index)
        if source.id in by_id:
            problems.append(doc.problem(loc + ("id",), f"source id '{source.id}' is registered twice"))
            continue
        by_id[source.id] = source
        if source.capture in seen_files:
            problems.append(doc.problem(loc + ("capture",), f"capture {source.capture} is already registered as "
                                        f"'{seen_files[source.capture]}'"))
        seen_files[source.capture] = source.id
        for name, value in (("published", source.published),
                            ("original.published", source.original.published if source.original else None)):
            if value is not None and _is_future(value, today):
                problems.append(doc.problem(loc + tuple(name.split(".")), f"{name} {value} is in the future"))
        path = root / "seeds" / source.capture
        if not path.is_file():
            problems.append(doc.problem(loc + ("capture",), f"capture file seeds/{source.capture} does not exist"))
            continue
        raw = path.read_bytes()
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
            captures[source.id] = Capture.from_text(raw.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(doc.problem(loc + ("capture",), f"seeds/{source.capture} is not UTF-8 text"))
    registered = {s.capture for s in sources} | {"sources.yaml"}
    seeds = root / "seeds"
    if seeds.is_dir():
        for path in sorted(seeds.iterdir()):
            if path.is_file() and path.name not in registered and not path.name.startswith("."):
                problems.append(warning(f"seeds/{path.name}", 1, 1, "capture is not in the source register",
                                        hint="Register it with `dossier add-source`, or remove it."))
    return by_id, captures, problems


def check_catalog(catalog: Catalog, doc: Document) -> tuple[dict[str, Provision], list[Problem]]:
    problems: list[Problem] = []
    by_id: dict[str, Provision] = {}
    for index, provision in enumerate(catalog.provisions):
        if provision.id in by_id:
            problems.append(doc.problem(("provisions", index, "id"), f"provision '{provision.id}' is catalogued twice"))
        by_id[provision.id] = provision
    return by_id, problems


# --- Records ----------------------------------------------------------------


def check_unique_ids(loaded: list[LoadedRecord]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, LoadedRecord] = {}
    for item in loaded:
        other = first.setdefault(item.record.id, item)
        if other is not item:
            line, _ = other.doc.position(("id",))
            problems.append(item.doc.problem(("id",), f"id '{item.record.id}' is also used by {other.doc.path}:{line}"))
    return problems


def check_references(
    item: LoadedRecord, known_ids: set[str], provisions: dict[str, Provision], have_catalog: bool
) -> list[Problem]:
    """Provision tags exist in the catalog; corroborates/contradicts name other, existing records."""
    record, doc = item.record, item.doc
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, tag in enumerate(record.provisions):
        loc = ("provisions", index, "id")
        if tag.id in seen:
            problems.append(doc.problem(loc, f"provision '{tag.id}' is tagged twice"))
        seen.add(tag.id)
        provision = provisions.get(tag.id)
        if provision is None:
            if have_catalog:
                problems.append(doc.problem(loc, f"provision '{tag.id}' is not in catalog/provisions.yaml",
                                            hint=_suggest(tag.id, provisions)))
        elif not provision.verified:
            line, col = doc.position(loc)
            problems.append(warning(doc.path, line, col,
                                    f"provision '{tag.id}' is not verified against the official text: {provision.note}"))
    for name in ("corroborates", "contradicts"):
        targets: list[str] = getattr(record, name)
        for index, target in enumerate(targets):
            loc = (name, index)
            if target == record.id:
                problems.append(doc.problem(loc, f"{name}: a record cannot refer to itself"))
            elif target not in known_ids:
                problems.append(doc.problem(loc, f"{name}: no record with id '{target}'",
                                            hint=_suggest(target, dict.fromkeys(known_ids))))
            elif targets.index(target) != index:
                problems.append(doc.problem(loc, f"{name}: '{target}' is listed twice"))
    both = set(record.corroborates) & set(record.contradicts)
    if both:
        problems.append(doc.problem(("contradicts",), f"{', '.join(sorted(both))} both corroborated and contradicted"))
    return problems


def _is_future(partial: str, today: dt.date) -> bool:
    return partial > today.isoformat()[: len(partial)]


def postdates(event: str, published: str) -> bool:
    """True when a partial date is certainly later than another, compared at their common precision."""
    common = min(len(event), len(published))
    return event[:common] > published[:common]


def check_dates(item: LoadedRecord, source: Source | None, today: dt.date) -> list[Problem]:
    date = item.record.event.date
    if date is None:
        return []
    if _is_future(date, today):
        return [item.doc.problem(("event", "date"), f"event date {date} is in the future")]
    if source is not None and source.published is not None and postdates(date, source.published):
        return [item.doc.problem(("event", "date"),
                                 f"event date {date} is later than the publication reporting it ({source.published}, "
                                 f"source '{source.id}')")]
    return []


def check_cutoff(
    settings: BriefSettings, doc: Document, loaded: list[LoadedRecord], register_doc: Document | None,
    sources: dict[str, Source], today: dt.date,
) -> list[Problem]:
    """A declared cut-off is a promise: nothing in the evidence may be dated after it."""
    cutoff = settings.evidence_cutoff
    if cutoff is None:
        return []
    if _is_future(cutoff, today):
        return [doc.problem(("evidence_cutoff",), f"evidence_cutoff {cutoff} is in the future")]
    problems = []
    for item in loaded:
        date = item.record.event.date
        if date is not None and postdates(date, cutoff):
            problems.append(item.doc.problem(("event", "date"),
                                             f"event date {date} is after the evidence cut-off {cutoff} (brief.yaml)"))
    if register_doc is not None:
        for index, source in enumerate(sources.values()):
            if source.published is not None and postdates(source.published, cutoff):
                problems.append(register_doc.problem(("sources", index, "published"),
                                                     f"published {source.published} is after the evidence cut-off "
                                                     f"{cutoff} (brief.yaml)"))
    return problems


def check_chain_ends_at_outlet(item: LoadedRecord, source: Source) -> list[Problem]:
    """The reporting chain ends where the reader met the claim: the outlet of the capture."""
    last = item.record.reporting_chain[-1]
    if last.strip().casefold() == source.outlet.casefold():
        return []
    line, col = item.doc.position(("reporting_chain", len(item.record.reporting_chain) - 1))
    return [warning(item.doc.path, line, col,
                    f"reporting_chain ends with '{last}', but the source's outlet is '{source.outlet}'",
                    hint="The last link should be the outlet whose capture we hold.")]


def check_passage(item: LoadedRecord, capture: Capture, capture_path: str) -> tuple[PassageMatch | None, list[Problem]]:
    """Verify the passage, turning a miss into an error that shows the closest text and the differing words."""
    outcome = verify_passage(item.record.passage, capture)
    if isinstance(outcome, PassageMatch):
        problems: list[Problem] = []
        if outcome.occurrences > 1:
            line, col = item.doc.position(("passage",))
            problems.append(warning(item.doc.path, line, col,
                                    f"passage occurs {outcome.occurrences} times in {capture_path}; "
                                    f"the first is at line {outcome.line}"))
        return outcome, problems
    assert isinstance(outcome, PassageMiss)
    hint_lines = list(outcome.hints)
    if outcome.closest:
        hint_lines.append(f"closest text in {capture_path}:{outcome.closest_line}:{outcome.closest_col}:")
        hint_lines.append(f"  {outcome.closest}")
    hint_lines += [f"- {d}" for d in outcome.differences[:8]]
    if len(outcome.differences) > 8:
        hint_lines.append(f"- ... and {len(outcome.differences) - 8} more differences")
    return None, [item.doc.problem(("passage",), f"passage not found verbatim in {capture_path}",
                                   hint="\n".join(hint_lines) or None)]
