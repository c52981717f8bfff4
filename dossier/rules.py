"""The cross-checks: rules no single file can prove on its own, as pure functions over loaded models.

Each rule takes what was loaded (models and the documents they came from, for
positions) and returns the problems it finds; none reads a file or raises, so
`validate` can run them all and report everything in one go. The orchestration
(what is loaded, in which order the rules run) is in validate.py.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping

from pydantic import BaseModel

from .figures import WrittenNumber, hedge_before, matching, numbers_in, writes_words
from .glyphs import INSTALL_CJK, needs_cjk_fonts, surely_drawn, undrawable
from .loader import LoadedRecord
from .lookalikes import mixed_words
from .models import (
    PLACEHOLDERS,
    BriefSettings,
    Catalog,
    Judgements,
    Origin,
    OriginRegister,
    Provision,
    Source,
    language_name,
    primary_language,
)
from .passage import CaptureText, PassageMatch, PassageMiss, normalise, occurs, too_short, verify_passage
from .problems import Problem, warning
from .yaml_read import Document

MAX_PASSAGE_CHARS = 2000  # about 300 words: a long paragraph; keeps the check's worst case small


def suggest(wanted: str, known: Iterable[str]) -> str | None:
    """'Did you mean ...?' for an id that is close to a known one."""
    close = difflib.get_close_matches(wanted, list(known), n=1)
    return f"Did you mean '{close[0]}'?" if close else None


# --- Register and catalog ---------------------------------------------------


def check_register(sources: list[Source], doc: Document, today: dt.date) -> tuple[list[tuple[int, Source]],
                                                                                    list[Problem]]:
    """Each source id and each capture is registered once, and no publication date is in the future.

    Returns the sources to use (the first of any repeated id, with its index in the register) and the problems.
    """
    problems: list[Problem] = []
    accepted: list[tuple[int, Source]] = []
    ids: set[str] = set()
    seen_files: dict[str, str] = {}
    for index, source in enumerate(sources):
        loc = ("sources", index)
        if source.id in ids:
            problems.append(doc.problem(loc + ("id",), f"source id '{source.id}' is registered twice"))
            continue
        ids.add(source.id)
        accepted.append((index, source))
        if source.capture in seen_files:
            problems.append(doc.problem(loc + ("capture",), f"capture {source.capture} is already registered as "
                                        f"'{seen_files[source.capture]}'"))
        seen_files[source.capture] = source.id
        for name, value in (("published", source.published),
                            ("original.published", source.original.published if source.original else None)):
            if value is not None and value.is_future(today):
                problems.append(doc.problem(loc + tuple(name.split(".")), f"{name} {value} is in the future"))
    return accepted, problems


def check_placeholders(sources: list[Source], doc: Document) -> list[Problem]:
    """What add-source wrote where the analyst gave nothing must be replaced before the source is used."""
    problems = []
    for index, source in enumerate(sources):
        places: list[tuple[tuple[str | int, ...], str | None]] = [(("notes",), source.notes)]
        places += [(("unknown", name), reason) for name, reason in source.unknown.items()]
        if source.original:
            places += [(("original", "unknown", name), reason) for name, reason in source.original.unknown.items()]
        if source.retrieval:
            places += [(("retrieval", "unknown", name), reason) for name, reason in source.retrieval.unknown.items()]
        for loc, text in places:
            if text is not None and " ".join(text.split()) in PLACEHOLDERS:
                where = ".".join(map(str, loc))
                problems.append(doc.problem(
                    ("sources", index, *loc), f"{where} still holds the placeholder `dossier add-source` wrote",
                    hint="Say how each field was read off the capture (notes), or why the capture does not "
                         "establish it (unknown)."))
    return problems


def check_dates_on_page(index: int, source: Source, capture: CaptureText, doc: Document) -> list[Problem]:
    """A date recorded as shown on the page is one the capture shows."""
    return [doc.problem(("sources", index, "dates_on_page", n, "shown"),
                        f"dates_on_page.{n}.shown '{date.shown}' does not occur in seeds/{source.capture}")
            for n, date in enumerate(source.dates_on_page) if not occurs(date.shown, capture)]


def check_catalog(catalog: Catalog, doc: Document) -> tuple[dict[str, Provision], list[Problem]]:
    """Each provision is catalogued once."""
    problems: list[Problem] = []
    by_id: dict[str, Provision] = {}
    for index, provision in enumerate(catalog.provisions):
        if provision.id in by_id:
            problems.append(doc.problem(("provisions", index, "id"), f"provision '{provision.id}' is catalogued twice"))
        by_id[provision.id] = provision
    return by_id, problems


# --- Origins and judgements -------------------------------------------------


def name_key(name: str) -> str:
    """How origin names are compared: case, spacing and typographic quotes do not matter."""
    return normalise(name).casefold()


def check_origins(register: OriginRegister, doc: Document) -> tuple[dict[str, Origin], list[Problem]]:
    """Ids and names are unique, groups exist; returns every origin by the keys of its id, name and aliases."""
    problems: list[Problem] = []
    groups = {group.id for group in register.groups}
    by_key: dict[str, Origin] = {}
    for index, origin in enumerate(register.origins):
        loc = ("origins", index)
        if origin.group not in groups and origin.group != origin.id:
            problems.append(doc.problem(loc + ("group",), f"group '{origin.group}' is neither listed under groups "
                                        "nor this origin's own id", hint=suggest(origin.group, groups) or
                                        "An origin independent of every other is a group of its own: give its id."))
        for field, name in [("id", origin.id), ("name", origin.name)] + [("aliases", a) for a in origin.aliases]:
            other = by_key.get(name_key(name))
            if other is not None and other.id != origin.id:
                problems.append(doc.problem(loc + (field,), f"'{name}' already names origin '{other.id}'"))
            by_key.setdefault(name_key(name), origin)
    return by_key, problems


def check_chain(item: LoadedRecord, origins: Mapping[str, Origin]) -> list[Problem]:
    """Every link of the reporting chain is a registered origin; an unattributed claim has the outlet alone."""
    record, doc = item.record, item.doc
    problems = []
    for index, link in enumerate(record.reporting_chain):
        if name_key(link) not in origins:
            names = {origin.name for origin in origins.values()}
            problems.append(doc.problem(("reporting_chain", index), f"'{link}' is not in catalog/origins.yaml",
                                        hint=suggest(link, names) or "Register it there (an origin's name, kind and "
                                        "independence group), or name it as the register does."))
    first = origins.get(name_key(record.reporting_chain[0]))
    if record.unattributed is not None and first is not None and first.kind != "outlet":
        problems.append(doc.problem(("reporting_chain", 0), f"an unattributed claim starts at the outlet that makes "
                                    f"it, but '{first.name}' is registered as {first.kind}",
                                    hint="Begin the chain with the outlet that states the claim without a source."))
    return problems


def check_judgements(judgements: Judgements, doc: Document, known_ids: set[str]) -> list[Problem]:
    """Each judgement's id is unique and every record it rests on exists."""
    problems = []
    seen: set[str] = set()
    for index, judgement in enumerate(judgements.judgements):
        if judgement.id in seen:
            problems.append(doc.problem(("judgements", index, "id"), f"judgement '{judgement.id}' is given twice"))
        seen.add(judgement.id)
        for n, record_id in enumerate(judgement.rests_on):
            if record_id not in known_ids:
                problems.append(doc.problem(("judgements", index, "rests_on", n), f"no record with id '{record_id}'",
                                            hint=suggest(record_id, known_ids)))
    return problems


# --- Records ----------------------------------------------------------------


def check_unique_ids(loaded: list[LoadedRecord]) -> list[Problem]:
    """No two records share an id (the brief's anchors and the links between records rely on it)."""
    problems: list[Problem] = []
    first: dict[str, LoadedRecord] = {}
    for item in loaded:
        other = first.setdefault(item.record.id, item)
        if other is not item:
            line, _ = other.doc.position(("id",))
            problems.append(item.doc.problem(("id",), f"id '{item.record.id}' is also used by {other.doc.path}:{line}"))
    return problems


def check_source_known(item: LoadedRecord, sources: Mapping[str, Source]) -> list[Problem]:
    """The record cites a registered source."""
    if item.record.source in sources:
        return []
    return [item.doc.problem(("source",), f"source '{item.record.source}' is not in seeds/sources.yaml",
                             hint=suggest(item.record.source, sources))]


def check_provisions(item: LoadedRecord, provisions: Mapping[str, Provision], have_catalog: bool) -> list[Problem]:
    """Each provision tag is in the catalog, once; a tag on an unverified provision is a warning."""
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
                                            hint=suggest(tag.id, provisions)))
        elif not provision.verified:
            line, col = doc.position(loc)
            problems.append(warning(doc.path, line, col,
                                    f"provision '{tag.id}' is not verified against the official text: "
                                    f"{provision.note}"))
    return problems


def check_links(item: LoadedRecord, known_ids: set[str]) -> list[Problem]:
    """corroborates/contradicts name other, existing records, each once, and never the same record in both."""
    record, doc = item.record, item.doc
    problems: list[Problem] = []
    for name in ("corroborates", "contradicts"):
        targets: list[str] = getattr(record, name)
        for index, target in enumerate(targets):
            loc = (name, index)
            if target == record.id:
                problems.append(doc.problem(loc, f"{name}: a record cannot refer to itself"))
            elif target not in known_ids:
                problems.append(doc.problem(loc, f"{name}: no record with id '{target}'",
                                            hint=suggest(target, known_ids)))
            elif targets.index(target) != index:
                problems.append(doc.problem(loc, f"{name}: '{target}' is listed twice"))
    both = set(record.corroborates) & set(record.contradicts)
    if both:
        problems.append(doc.problem(("contradicts",), f"{', '.join(sorted(both))} both corroborated and contradicted"))
    return problems


def check_dates(item: LoadedRecord, source: Source | None, today: dt.date) -> list[Problem]:
    """The event is not in the future, nor certainly later than the publication that reports it."""
    date = item.record.event.date
    if date is None:
        return []
    if date.is_future(today):
        return [item.doc.problem(("event", "date"), f"event date {date} is in the future")]
    if source is not None and source.published is not None and date.is_after(source.published):
        return [item.doc.problem(("event", "date"),
                                 f"event date {date} is later than the publication reporting it ({source.published}, "
                                 f"source '{source.id}')")]
    return []


def check_cutoff(settings: BriefSettings, doc: Document, loaded: list[LoadedRecord], register_doc: Document | None,
                 sources: list[Source], today: dt.date) -> list[Problem]:
    """A declared cut-off is a promise: nothing in the evidence may be dated after it."""
    cutoff = settings.evidence_cutoff
    if cutoff is None:
        return []
    if cutoff.is_future(today):
        return [doc.problem(("evidence_cutoff",), f"evidence_cutoff {cutoff} is in the future")]
    problems = []
    for item in loaded:
        date = item.record.event.date
        if date is not None and date.is_after(cutoff):
            problems.append(item.doc.problem(("event", "date"),
                                             f"event date {date} is after the evidence cut-off {cutoff} (brief.yaml)"))
    if register_doc is not None:
        for index, source in enumerate(sources):
            if source.published is not None and source.published.is_after(cutoff):
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


def check_figures(item: LoadedRecord, language: str) -> list[Problem]:
    """Each figure's number is one the passage writes (or says how it was derived); hedges agree, as warnings.

    `language` is the source's; numbers in words are read in the passage's own language (the record's
    `language` when it gives one).
    """
    record, doc = item.record, item.doc
    problems: list[Problem] = []
    language = record.passage_language(language)
    written = numbers_in(record.passage, language) if record.figures else []
    for index, figure in enumerate(record.figures):
        loc = ("figures", index)
        if figure.written is not None:
            if not writes_words(record.passage, figure.written):
                problems.append(doc.problem(loc + ("written",), f"figures.{index}.written '{figure.written}' is not "
                                            "in the passage; give the quantity as the passage writes it"))
            continue
        for name, value in (("quantity", figure.quantity), ("quantity_max", figure.quantity_max)):
            if value is None or figure.derived is not None:
                continue
            if not matching(written, value):
                listed = ", ".join(n.text for n in written) or "no number"
                problems.append(doc.problem(
                    loc + (name,), f"figures.{index}.{name} {value:g} is not in the passage (it writes: {listed})",
                    hint="Give the number as the passage writes it; if you worked it out (a sum, a conversion), "
                         "say how in `derived`."))
        if figure.quantity is not None and figure.derived is None:
            problems += _check_hedge(item, index, figure.qualifier, matching(written, figure.quantity))
    return problems


TRANSLATION_EXAMPLE = """As in:
translation:
  text: >-
    The passage in English, complete.
  by: J. Kim
  method: human"""


def check_translation(item: LoadedRecord, source_language: str) -> list[Problem]:
    """A passage not in English carries an English translation, and an English passage carries none.

    The passage is quoted in the language of its capture, which the brief's readers may not read; the
    translation, with who made it and how, is what they read, and the brief labels it unofficial.
    """
    record, doc = item.record, item.doc
    tag = record.passage_language(source_language)
    whose = "the record's language" if record.language is not None else "the source's language"
    english = primary_language(tag) == "en"
    if not english and record.translation is None:
        return [doc.problem(("passage",), f"the passage is in {language_name(tag)} ({tag}, {whose}): add "
                            "translation: with text, by and method", hint=TRANSLATION_EXAMPLE
                            + "\nmethod is human, machine or \"machine, reviewed\" (then add reviewed_by). If the "
                            "passage is in another language than its source, say so in language: (a BCP 47 tag).")]
    if english and record.translation is not None:
        return [doc.problem(("translation",), f"the passage is in English ({tag}, {whose}): only a passage in "
                            "another language carries a translation",
                            hint="Delete translation; if the passage is not in English, give its language, e.g. "
                                 "language: ko.")]
    return []


def _check_hedge(item: LoadedRecord, index: int, qualifier: str, places: list[WrittenNumber]) -> list[Problem]:
    """A warning when the passage's own hedge ('as many as', before where it writes the figure) says another
    qualifier than the record."""
    hedged = [hedge_before(item.record.passage, place) for place in places]
    if not places or any((h[0] if h else "exactly") == qualifier for h in hedged):
        return []
    said = hedged[0]
    line, col = item.doc.position(("figures", index, "qualifier"))
    what = f"'{said[1]} {places[0].text}' ({said[0]})" if said else f"'{places[0].text}' with no hedge (exactly)"
    return [warning(item.doc.path, line, col, f"figures.{index}.qualifier is '{qualifier}', but the passage says "
                    f"{what}")]


def check_actors(item: LoadedRecord, capture: CaptureText) -> list[Problem]:
    """Each actor is named as the capture names it, or the record says why the analyst names it otherwise."""
    problems = []
    for index, actor in enumerate(item.record.actors):
        if actor.named_by_analyst is None and not occurs(actor.name, capture):
            problems.append(item.doc.problem(
                ("actors", index, "name"), f"actors.{index}.name '{actor.name}' does not occur in the capture",
                hint="Name the actor as the capture does; if the capture names it otherwise (\"the state\"), say "
                     "in named_by_analyst why you identify it so."))
    return problems


def texts_in(value: object, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string in a model, with where it is: what the brief may print."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from texts_in(getattr(value, name), (*loc, name))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from texts_in(item, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts_in(item, (*loc, str(key)))


def drawn_throughout(doc: Document) -> bool:
    """Whether every text of the file is surely drawn, seen from the file alone: its values are made of its
    own characters (YAML's folding adds only spaces and line breaks), unless an escape ("\\a") writes another.
    Most files are; check_drawable then has nothing to find, and need not walk every value of the model."""
    return "\\" not in doc.text and surely_drawn(doc.text)


def check_drawable(doc: Document, model: BaseModel, base: tuple[str | int, ...] = ()) -> list[Problem]:
    """Every text the brief prints is one its fonts can draw, without control characters or NUL."""
    problems = []
    for loc, text in texts_in(model):
        bad = undrawable(text)
        if not bad:
            continue
        where = ".".join(map(str, (*base, *loc)))
        cjk = needs_cjk_fonts(text)
        if cjk:
            problems.append(doc.problem(
                (*base, *loc), f"{where} is in Korean, Japanese or Chinese ({_listed(cjk)}), and no CJK font is "
                f"installed to print it: {INSTALL_CJK}",
                hint="The brief draws these scripts with Noto Serif CJK and Noto Sans CJK; `dossier validate` "
                     "refuses the text until they are installed, so that no quote is printed as empty boxes."))
            continue
        problems.append(doc.problem(
            (*base, *loc), f"{where} has characters the brief cannot print: {_listed(bad)}",
            hint="No font of the brief has a glyph for them (the Source fonts in dossier/templates/fonts, and "
                 "Noto CJK for Korean, Japanese and Chinese), or they are control, private-use or unassigned "
                 "characters; write the text without them, or in a script the fonts cover."))
    return problems


def _listed(described: list[str]) -> str:
    """The first three characters described, and how many more there are."""
    return ", ".join(described[:3]) + (f" and {len(described) - 3} more" if len(described) > 3 else "")


def check_passage(item: LoadedRecord, capture: CaptureText, capture_path: str,
                  elsewhere: Callable[[str], list[str]] | None = None) -> tuple[PassageMatch | None, list[Problem]]:
    """The passage says something, occurs in its capture, on word boundaries, exactly once; and a warning on
    each word mixing Latin, Cyrillic and Greek letters (check_mixed_scripts), whether it matched or not.

    A miss is an error showing the closest text and the differing words; `elsewhere` names the other
    captures that do contain the passage, for the hint.
    """
    outcome, problems = _find_passage(item, capture, capture_path, elsewhere)
    return outcome, problems + check_mixed_scripts(item)


def check_mixed_scripts(item: LoadedRecord) -> list[Problem]:
    """A warning on each passage word that mixes Latin, Cyrillic and Greek letters (look-alikes are never folded)."""
    mixed = mixed_words(item.record.passage)
    if not mixed:
        return []  # the position costs a second parse of the file: only for a problem to report
    line, col = item.doc.position(("passage",))
    return [warning(item.doc.path, line, col, f"passage: {word.sentence()}",
                    hint="Letters of another script that look the same are different letters: the passage check "
                         "never takes one for the other. If the capture writes the word so, the source mixes "
                         "scripts (keep the quote as it is); if you typed or pasted it, retype the word in one "
                         "script.")
            for word in mixed]


def _find_passage(item: LoadedRecord, capture: CaptureText, capture_path: str,
                  elsewhere: Callable[[str], list[str]] | None) -> tuple[PassageMatch | None, list[Problem]]:
    """check_passage's error, if any: too short, too long, not found, or found more than once."""
    short = too_short(item.record.passage)
    if short:
        return None, [item.doc.problem(("passage",), short)]
    length = len(normalise(item.record.passage))
    if length > MAX_PASSAGE_CHARS:
        return None, [item.doc.problem(
            ("passage",), f"the passage is {length:,} characters long; the limit is {MAX_PASSAGE_CHARS:,}",
            hint="Quote the sentences that support the claim; a claim resting on more is several records.")]
    outcome = verify_passage(item.record.passage, capture)
    if isinstance(outcome, PassageMiss):
        found_in = elsewhere(item.record.passage) if elsewhere else []
        return None, [passage_miss_problem(item, outcome, capture_path, found_in)]
    if len(outcome.occurrences) > 1:
        places = ", ".join(f"{line}:{col}" for line, col in outcome.occurrences[:10])
        return None, [item.doc.problem(
            ("passage",), f"passage occurs {len(outcome.occurrences)} times in {capture_path} (at {places}); "
            "a reader needs one place to check",
            hint="Extend the quote by a few words before or after until it occurs only once.")]
    return outcome, []


def passage_miss_problem(item: LoadedRecord, miss: PassageMiss, capture_path: str,
                         found_in: list[str] | None = None) -> Problem:
    hint_lines = [f"the passage is in {where}: is `source` right?" for where in found_in or []]
    hint_lines += miss.hints
    if miss.closest:
        hint_lines.append(f"closest text in {capture_path}:{miss.closest_line}:{miss.closest_col}:")
        hint_lines.append(f"  {miss.closest}")
    hint_lines += [f"- {d}" for d in miss.differences[:8]]
    if len(miss.differences) > 8:
        hint_lines.append(f"- ... and {len(miss.differences) - 8} more differences")
    return item.doc.problem(("passage",), f"passage not found verbatim in {capture_path}",
                            hint="\n".join(hint_lines) or None)

