"""Validation: load every input, open the captures, run every rule; the one entry point for every command.

Nothing here decides what is wrong (rules.py does) or how files are read
(loader.py, archive.py): this module says in which order things happen and
collects every problem, so `dossier validate` reports all of them at once.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import rules
from .archive import cite_match, not_quotable, open_captures, quoted_file, unregistered_captures
from .extract.model import Extraction
from .loader import (
    CATALOG,
    JUDGEMENTS,
    ORIGINS,
    REGISTER,
    SETTINGS,
    Loaded,
    LoadedRecord,
    load_input,
    load_record,
    record_files,
)
from .models import BriefSettings, Catalog, Judgement, Origin, OriginGroup, Provision, Record, Register, Source
from .passage import CaptureText, PassageMatch, verify_passage
from .problems import Problem, warning
from .support import judgement_support, outruns
from .yaml_read import Document


@dataclass
class Validated:
    """Everything the later stages need, plus every problem found on the way."""

    root: Path
    records: list[Record] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    provisions: dict[str, Provision] = field(default_factory=dict)
    catalog: Catalog | None = None
    settings: BriefSettings | None = None
    origins: dict[str, Origin] = field(default_factory=dict)  # by name_key of id, name and every alias
    groups: dict[str, OriginGroup] = field(default_factory=dict)
    judgements: list[Judgement] = field(default_factory=list)
    matches: dict[str, PassageMatch] = field(default_factory=dict)
    locators: dict[str, str] = field(default_factory=dict)  # by record id: where its passage is, for a reader
    extractions: dict[str, Extraction] = field(default_factory=dict)  # by source id, for kinds other than text
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    version: str = ""  # short hash of every input, so a brief names exactly what it was built from

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def validate(root: Path, today: dt.date | None = None) -> Validated:
    """Load and cross-check everything under `root`."""
    with cycle_collector_paused():
        return _validate(root, today or dt.date.today())


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
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
    register = load_input(root, REGISTER)
    catalog = load_input(root, CATALOG)
    settings = load_input(root, SETTINGS)
    origins = load_input(root, ORIGINS)
    judgements = load_input(root, JUDGEMENTS)
    result.problems += (register.problems + catalog.problems + settings.problems + origins.problems
                        + judgements.problems)
    result.settings = settings.model
    if origins.model is not None and origins.doc is not None:
        result.origins, found = rules.check_origins(origins.model, origins.doc)
        result.groups = {group.id: group for group in origins.model.groups}
        for origin in origins.model.origins:  # an origin that is its own group needs no entry under groups
            result.groups.setdefault(origin.group, OriginGroup(id=origin.group, name=origin.name))
        result.problems += found
        origins.doc.forget_positions()
    captures = _check_register(root, register, result, today)
    if catalog.model is not None and catalog.doc is not None:
        result.catalog = catalog.model
        result.provisions, found = rules.check_catalog(catalog.model, catalog.doc)
        result.problems += found
    loaded = _load_and_check_records(root, captures, result, today, register.model is not None,
                                     catalog.model is not None, origins.model is not None)
    known_ids = {item.record.id for item in loaded}
    if judgements.model is not None and judgements.doc is not None:
        result.judgements = judgements.model.judgements
        result.problems += rules.check_judgements(judgements.model, judgements.doc, known_ids)
        result.problems += _check_confidence(judgements.model.judgements, judgements.doc, loaded, result)
    if settings.model is not None and settings.doc is not None:
        result.problems += rules.check_cutoff(settings.model, settings.doc, loaded, register.doc,
                                              register.model.sources if register.model else [], today)
    result.records = sorted((item.record for item in loaded), key=lambda r: r.id)
    result.problems.sort()
    docs = [d for d in (register.doc, catalog.doc, settings.doc, origins.doc, judgements.doc) if d is not None]
    docs += [item.doc for item in loaded]
    result.version = content_version(docs, list(result.sources.values()))
    return result


def _load_and_check_records(root: Path, captures: dict[str, CaptureText], result: Validated, today: dt.date,
                            have_register: bool, have_catalog: bool, have_origins: bool) -> list[LoadedRecord]:
    """Each record loaded and checked in turn, while its document still holds the node tree its positions come
    from (50,000 trees kept at once would be most of validate's memory); then the rules that need every id."""
    paths, found = record_files(root)
    result.problems += found
    result.files = len(paths)
    loaded = []
    for path in paths:
        item, found = load_record(path)
        result.problems += found
        if item is None:
            continue
        loaded.append(item)
        _check_record(item, captures, result, today, have_register, have_catalog)
        if have_origins:
            result.problems += rules.check_chain(item, result.origins)
        item.doc.forget_positions()
    result.problems += rules.check_unique_ids(loaded)
    known_ids = {item.record.id for item in loaded}
    for item in loaded:  # a link to a missing record is rare: only its document composes its tree again
        found = rules.check_links(item, known_ids)
        if found:
            result.problems += found
            item.doc.forget_positions()
    return loaded


def _check_register(root: Path, register: Loaded[Register], result: Validated,
                    today: dt.date) -> dict[str, CaptureText]:
    """The register's own rules, then its captures opened and hashed; the captures' text by source id."""
    if register.model is None or register.doc is None:
        return {}
    accepted, found = rules.check_register(register.model.sources, register.doc, today)
    result.sources = {source.id: source for _, source in accepted}
    captures, opened = open_captures(root, accepted, register.doc, result.extractions)
    result.problems += found + opened + unregistered_captures(root, register.model.sources)
    result.problems += rules.check_placeholders(register.model.sources, register.doc)
    if not rules.drawn_throughout(register.doc):
        for index, entry in enumerate(register.model.sources):
            result.problems += rules.check_drawable(register.doc, entry, ("sources", index))
    for index, entry in accepted:
        if entry.id in captures:
            result.problems += rules.check_dates_on_page(index, entry, captures[entry.id], register.doc)
    register.doc.forget_positions()  # its node tree is 80 MB at 50,000 records; the cut-off check rarely needs it
    return captures


def _check_record(item: LoadedRecord, captures: dict[str, CaptureText], result: Validated, today: dt.date,
                  have_register: bool, have_catalog: bool) -> None:
    """Every rule about one record alone: provisions, dates, its source, and its passage, figures and actors."""
    if not rules.drawn_throughout(item.doc):
        result.problems += rules.check_drawable(item.doc, item.record)
    result.problems += rules.check_provisions(item, result.provisions, have_catalog)
    source = result.sources.get(item.record.source)
    result.problems += rules.check_dates(item, source, today)
    if source is None:
        if have_register:
            result.problems += rules.check_source_known(item, result.sources)
        return
    result.problems += rules.check_chain_ends_at_outlet(item, source)
    result.problems += rules.check_translation(item, source.language)
    result.problems += rules.check_figures(item, source.language)
    capture = captures.get(source.id)
    if capture is None:
        why = not_quotable(source) or (f"the capture of source '{source.id}' failed its checks; the passage cannot "
                                        "be verified against it")
        result.problems.append(item.doc.problem(("source",), why))
        return
    result.problems += rules.check_actors(item, capture)
    elsewhere = partial(_captures_with, captures=captures, sources=result.sources, own=source.id)
    outcome, found = rules.check_passage(item, capture, quoted_file(source), elsewhere)
    result.problems += found
    if outcome is not None:
        result.matches[item.record.id] = outcome
        result.locators[item.record.id] = cite_match(source, result.extractions.get(source.id), outcome.line,
                                                     outcome.col)


def _check_confidence(judgements: list[Judgement], doc: Document, loaded: list[LoadedRecord],
                      result: Validated) -> list[Problem]:
    """A warning wherever a judgement's stated confidence outruns what it rests on (the rules are data)."""
    records = {item.record.id: item.record for item in loaded}
    contradicted_by: dict[str, list[str]] = {}
    for record in records.values():
        for target in record.contradicts:
            contradicted_by.setdefault(target, []).append(record.id)
    problems = []
    for index, judgement in enumerate(judgements):
        support = judgement_support(judgement, records, result.sources, result.origins, contradicted_by)
        for reason in outruns(judgement.confidence, support):
            line, col = doc.position(("judgements", index, "confidence"))
            problems.append(warning(doc.path, line, col, f"judgement '{judgement.id}': {reason}",
                                    hint="State a lower confidence, or rest the judgement on more independent "
                                         "evidence (dossier/data/confidence.yaml documents the rules)."))
    return problems


def _captures_with(passage: str, captures: dict[str, CaptureText], sources: dict[str, Source],
                   own: str) -> list[str]:
    """The other captures in which a missed passage does occur: the record may cite the wrong source."""
    found = []
    for source_id, capture in captures.items():
        if source_id != own and isinstance(verify_passage(passage, capture), PassageMatch):
            found.append(f"seeds/{sources[source_id].capture} (source '{source_id}')")
    return found


def content_version(docs: list[Document], sources: list[Source]) -> str:
    """Hash the texts already read and the (verified) capture hashes; nothing is read twice."""
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d.path):
        digest.update(f"{doc.path}\0{hashlib.sha256(doc.text.encode()).hexdigest()}\0".encode())
    for source in sorted(sources, key=lambda s: s.capture):
        digest.update(f"seeds/{source.capture}\0{source.sha256}\0".encode())
    return digest.hexdigest()[:12]
