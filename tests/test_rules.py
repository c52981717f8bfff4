"""One test per validation rule: each case breaks exactly one rule in a valid root and expects its message.

Remove a rule from rules.py, archive.py, loader.py or a model validator, and its case here fails: the
message is gone from the report, or sits on another line. Each case names the file the problem is
reported in and a piece of text on the line it must point at.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from dossier.validate import validate

from .conftest import FIXTURE_CAPTURE
from .test_translations import KOREAN_RECORD_PATH, REVIEWED, add_korean_record, add_korean_source

WORKERS = "evidence/fixture-15000-workers.yaml"
VISAS = "evidence/fixture-student-visas.yaml"
REGISTER = "seeds/sources.yaml"
CATALOG = "catalog/provisions.yaml"
FIXTURE_SHA256 = "ee06314fee06f7a36f7f69d085d48f58f7d18289cd99df07e5678153dbfbed1d"
LATIN1 = "caf\xe9\n".encode("latin-1")
SOURCE_ENTRY = """  - id: {id}
    capture: {capture}
    sha256: ee06314fee06f7a36f7f69d085d48f58f7d18289cd99df07e5678153dbfbed1d
    outlet: The Kyiv Independent
    title: A second entry
    authors: []
    published: "2025-05"
    language: en
    origin: {origin}
    unknown:
      authors: none shown
      url: none shown
      retrieval: not recorded
"""


def replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def append(path: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        with (root / path).open("a", encoding="utf-8") as handle:
            handle.write(text)
    return edit


def write(path: str, data: bytes) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / path).write_bytes(data)
    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        for one in edits:
            one(root)
    return edit


def copy_record_as(name: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / "evidence" / name).write_text((root / WORKERS).read_text(encoding="utf-8"), encoding="utf-8")
    return edit


def korean(translation: str = REVIEWED) -> Callable[[Path], None]:
    """A Korean capture and a record quoting it, with `translation` (a YAML block, "" for none)."""
    def edit(root: Path) -> None:
        add_korean_source(root)
        add_korean_record(root, translation)
    return edit


# A capture whose "Pyongyang" has a Cyrillic у (U+0443), and a record quoting it: the passage matches, and warns.
MIXED = "The Kyiv Independent reported that P\u0443ongyang sent more workers to Russia this year.\n"


def mixed_script_source(root: Path) -> None:
    (root / "seeds" / "mixed.txt").write_text(MIXED, encoding="utf-8")
    append(REGISTER, SOURCE_ENTRY.format(id="fixture-mixed", capture="mixed.txt", origin="original reporting")
           .replace(FIXTURE_SHA256, hashlib.sha256(MIXED.encode()).hexdigest()))(root)
    text = (root / VISAS).read_text(encoding="utf-8").replace("id: fixture-student-visas", "id: fixture-mixed")
    text = text.replace("source: fixture-kyiv-15000", "source: fixture-mixed").replace(
        "passage: Many North Korean workers came to Russia on student visas.",
        "passage: P\u0443ongyang sent more workers to Russia")
    (root / "evidence" / "fixture-mixed.yaml").write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Case:
    edit: Callable[[Path], None]
    path: str  # where the problem is reported
    at: str  # text on the line it must point at
    message: str
    severity: str = "error"


CASES: dict[str, Case] = {
    # --- the source register and the captures (rules.check_register, archive.py, models.Source)
    "source id registered twice": Case(
        append(REGISTER, SOURCE_ENTRY.format(id="fixture-kyiv-15000", capture="other.txt", origin="wire copy")),
        REGISTER, "- id: fixture-kyiv-15000", "source id 'fixture-kyiv-15000' is registered twice"),
    "capture registered twice": Case(
        append(REGISTER, SOURCE_ENTRY.format(id="fixture-copy", capture=FIXTURE_CAPTURE, origin="wire copy")),
        REGISTER, f"capture: {FIXTURE_CAPTURE}", f"capture {FIXTURE_CAPTURE} is already registered as "
        "'fixture-kyiv-15000'"),
    "publication date in the future": Case(
        replace(REGISTER, 'published: "2025-05"', 'published: "2099-01"'), REGISTER, "2099-01",
        "published 2099-01 is in the future"),
    "original's publication date in the future": Case(
        replace(REGISTER, "origin: original reporting", "origin: republication\n    original:\n      outlet: WSJ\n"
                "      authors: []\n      published: \"2099\"\n      unknown: {title: x, url: x, authors: x}"), REGISTER, '"2099"',
        "original.published 2099 is in the future"),
    "republication without its original": Case(
        replace(REGISTER, "origin: original reporting", "origin: republication"), REGISTER, "- id: fixture-kyiv",
        "a republication must name its original"),
    "an original only for republications": Case(
        replace(REGISTER, "origin: original reporting", "origin: original reporting\n    original:\n      outlet: WSJ\n"
                "      authors: []\n      unknown: {title: x, published: x, url: x, authors: x}"), REGISTER, "- id: fixture-kyiv",
        "original is only for origin: republication"),
    "an empty field says why": Case(
        replace(REGISTER, "      url: the capture does not show the address\n", "      other: x\n"), REGISTER,
        "- id: fixture-kyiv", "url is empty: add unknown.url"),
    "a known field is not unknown": Case(
        replace(REGISTER, "    language: en", "    url: https://example.org/x\n    language: en"), REGISTER,
        "- id: fixture-kyiv", "url has a value but unknown.url says it is unknown"),
    "capture file exists": Case(
        replace(REGISTER, f"capture: {FIXTURE_CAPTURE}", "capture: 009_missing.txt"), REGISTER, "009_missing",
        "capture file seeds/009_missing.txt does not exist"),
    "capture unchanged since archived": Case(
        write(f"seeds/{FIXTURE_CAPTURE}", b"an edited capture\n"), REGISTER, "sha256:",
        f"seeds/{FIXTURE_CAPTURE} has changed since it was archived"),
    "a record whose capture failed": Case(
        write(f"seeds/{FIXTURE_CAPTURE}", b"an edited capture\n"), WORKERS, "source: fixture-kyiv-15000",
        "the capture of source 'fixture-kyiv-15000' failed its checks"),
    "capture is UTF-8 text": Case(
        both(write("seeds/latin1.txt", LATIN1),
             append(REGISTER, SOURCE_ENTRY.format(id="fixture-latin1", capture="latin1.txt", origin="wire copy")
                    .replace(FIXTURE_SHA256, hashlib.sha256(LATIN1).hexdigest()))),
        REGISTER, "capture: latin1.txt", "seeds/latin1.txt is not UTF-8 text"),
    "unregistered capture": Case(
        write("seeds/stray.txt", b"not registered\n"), "seeds/stray.txt", "", "capture is not in the source register",
        "warning"),
    "no placeholder is left": Case(
        replace(REGISTER, "      url: the capture does not show the address", "      url: not given when the source "
                "was added"), REGISTER, "url: not given", "unknown.url still holds the placeholder"),
    "a date on the page is on the page": Case(
        replace(REGISTER, "    unknown:\n", "    dates_on_page:\n      - shown: March 32, 2025\n        what: a date\n"
                "    unknown:\n"), REGISTER, "March 32", "dates_on_page.0.shown 'March 32, 2025' does not occur"),
    "retrieval: an address says where it was seen": Case(
        append(REGISTER, "    retrieval:\n      url: https://example.org\n      unknown: {date: x, by: x, method: x}\n"),
        REGISTER, "    retrieval:", "url and url_seen go together"),
    # --- the catalog (rules.check_catalog, models.Provision)
    "provision catalogued twice": Case(
        append(CATALOG, "  - id: 2397-OP8\n    resolution: 2397 (2017)\n    paragraph: \"8\"\n    title: Again\n"
                        "    verified: true\n"), CATALOG, "  - id: 2397-OP8", "provision '2397-OP8' is catalogued twice"),
    "an unverified provision says why": Case(
        append(CATALOG, "  - id: 2397-OP99\n    resolution: 2397 (2017)\n    paragraph: \"99\"\n    title: X\n"
                        "    verified: false\n"), CATALOG, "2397-OP99", "an unverified provision needs a note"),
    "a provision id matches its paragraph": Case(
        append(CATALOG, "  - id: 2397-OP98\n    resolution: 2397 (2017)\n    paragraph: \"97\"\n    title: X\n"
                        "    verified: true\n"), CATALOG, "2397-OP98", "id should be 2397-OP97"),
    # --- records (loader.py, rules.py, models.Record)
    "record id matches the file name": Case(
        replace(WORKERS, "id: fixture-15000-workers", "id: fixture-renamed"), WORKERS, "id: fixture-renamed",
        "id 'fixture-renamed' does not match the file name 'fixture-15000-workers.yaml'"),
    "record ids are unique": Case(
        copy_record_as("fixture-copy.yaml"), "evidence/fixture-copy.yaml", "id: fixture-15000-workers",
        "id 'fixture-15000-workers' is also used by evidence/fixture-15000-workers.yaml:2"),
    "the source is registered": Case(
        replace(WORKERS, "source: fixture-kyiv-15000", "source: fixture-kyiv-1500"), WORKERS, "source:",
        "source 'fixture-kyiv-1500' is not in seeds/sources.yaml"),
    "a provision is tagged once": Case(
        replace(VISAS, "  - id: 2375-OP17", "  - id: 2397-OP8"), VISAS, "  - id: 2397-OP8",
        "provision '2397-OP8' is tagged twice"),
    "a provision is catalogued": Case(
        replace(VISAS, "  - id: 2375-OP17", "  - id: 2375-OP71"), VISAS, "2375-OP71",
        "provision '2375-OP71' is not in catalog/provisions.yaml"),
    "a tag on an unverified provision is a warning": Case(
        replace(VISAS, "  - id: 2375-OP17", "  - id: 2397-OP16"), VISAS, "2397-OP16", "is not verified", "warning"),
    "a record does not refer to itself": Case(
        replace(VISAS, "  - fixture-15000-workers", "  - fixture-student-visas"), VISAS, "  - fixture-student-visas",
        "corroborates: a record cannot refer to itself"),
    "a referenced record exists": Case(
        replace(VISAS, "  - fixture-15000-workers", "  - fixture-15000-worker"), VISAS, "  - fixture-15000-worker",
        "corroborates: no record with id 'fixture-15000-worker'"),
    "a reference is listed once": Case(
        replace(VISAS, "  - fixture-15000-workers", "  - fixture-15000-workers\n  - fixture-15000-workers"), VISAS,
        "  - fixture-15000-workers", "corroborates: 'fixture-15000-workers' is listed twice"),
    "not corroborated and contradicted at once": Case(
        replace(VISAS, "status: draft", "contradicts:\n  - fixture-15000-workers\nstatus: draft"), VISAS,
        "contradicts:", "fixture-15000-workers both corroborated and contradicted"),
    "an event is not in the future": Case(
        replace(WORKERS, 'date: "2025"', 'date: "2099"'), WORKERS, '"2099"', "event date 2099 is in the future"),
    "an event is not after its report": Case(
        replace(WORKERS, 'date: "2025"', 'date: "2025-06"'), WORKERS, '"2025-06"',
        "event date 2025-06 is later than the publication reporting it (2025-05"),
    "an unknown date says why": Case(
        replace(VISAS, "  date_note: The article gives no date for the entries.\n", ""), VISAS, "event:",
        "date is empty: give date_note saying why the date is unknown"),
    "a figure's range is in order": Case(
        replace(WORKERS, "  - quantity: 15000\n", "  - quantity: 15000\n    quantity_max: 1500\n"), WORKERS,
        "quantity: 15000", "quantity_max is smaller than quantity"),
    "the chain ends at the outlet": Case(
        replace(VISAS, "  - The Kyiv Independent\n", "  - Yonhap\n"), VISAS, "- Yonhap",
        "reporting_chain ends with 'Yonhap'", "warning"),
    "every link of the chain is a registered origin": Case(
        replace(VISAS, "  - The Kyiv Independent\n", "  - Kyiv Post\n"), VISAS, "- Kyiv Post",
        "'Kyiv Post' is not in catalog/origins.yaml"),
    "an unattributed claim starts at an outlet": Case(
        replace(WORKERS, "reporting_chain:\n", "unattributed: no source given\nreporting_chain:\n"), WORKERS,
        "  - South Korean intelligence", "an unattributed claim starts at the outlet that makes it"),
    "a passage says something": Case(
        replace(VISAS, "passage: Many North Korean workers came to Russia on student visas.",
                "passage: student visas."), VISAS, "passage:", "the passage has fewer than 3 words"),
    "a passage with no word": Case(
        replace(VISAS, "passage: Many North Korean workers came to Russia on student visas.", 'passage: "\u2014"'),
        VISAS, "passage:", "the passage has no word in it"),
    "a passage occurs once": Case(
        replace(VISAS, "passage: Many North Korean workers came to Russia on student visas.",
                "passage: North Korea sends nearly 15,000 migrants to Russia"), VISAS, "passage:",
        "passage occurs 2 times in seeds/002_403746959bcb0950.txt (at 8:1, 11:1)"),
    "a passage on word boundaries": Case(
        replace(VISAS, "passage: Many North Korean workers came to Russia on student visas.",
                "passage: any North Korean workers came to Russia on student visas."), VISAS, "passage:",
        "passage not found verbatim"),
    "a passage is not too long": Case(
        replace(VISAS, "passage: Many North Korean workers came to Russia on student visas.",
                "passage: " + "Many North Korean workers came to Russia on student visas. " * 40), VISAS, "passage:",
        "the passage is 2,359 characters long; the limit is 2,000"),
    "the passage is in the capture": Case(
        replace(VISAS, "passage: Many North Korean workers came to Russia on student visas.",
                "passage: Many North Korean workers came to Russia on tourist visas."), VISAS, "passage:",
        "passage not found verbatim"),
    # --- figures and actors against the passage and the capture (rules.check_figures, rules.check_actors)
    "a figure is a number the passage writes": Case(
        replace(WORKERS, "  - quantity: 15000\n", "  - quantity: 150000\n"), WORKERS, "quantity: 150000",
        "figures.0.quantity 150000 is not in the passage (it writes: 15,000, 5)"),
    "a range's upper end is in the passage too": Case(
        replace(WORKERS, "  - quantity: 15000\n", "  - quantity: 15000\n    quantity_max: 16000\n"), WORKERS,
        "quantity_max: 16000", "figures.0.quantity_max 16000 is not in the passage"),
    "a quantity in words is in the passage": Case(
        replace(WORKERS, "  - quantity: 15000\n", "  - written: thousands\n"), WORKERS, "written: thousands",
        "figures.0.written 'thousands' is not in the passage"),
    "a figure gives a quantity": Case(
        replace(WORKERS, "  - quantity: 15000\n    unit: workers", "  - unit: workers"), WORKERS, "unit: workers",
        "give either quantity (a number) or written"),
    "the qualifier agrees with the passage's hedge": Case(
        replace(WORKERS, "qualifier: about", "qualifier: up to"), WORKERS, "qualifier: up to",
        "figures.0.qualifier is 'up to', but the passage says 'about 15,000' (about)", "warning"),
    "an actor is named as the capture names it": Case(
        replace(WORKERS, "figures:\n", "actors:\n  - name: NIS\n    role: the estimate's source\nfigures:\n"),
        WORKERS, "name: NIS", "actors.0.name 'NIS' does not occur in the capture"),
    # --- what the brief prints, it can draw (rules.check_drawable)
    "Thai the fonts cannot draw": Case(
        replace(WORKERS, "title: About 15,000", "title: \u0e01 says about 15,000"), WORKERS, "title:",
        "title has characters the brief cannot print: U+0E01 \u0e01 (THAI CHARACTER KO KAI)"),
    "an emoji": Case(
        replace(WORKERS, "  place: Russia", "  place: Russia \U0001F1F7\U0001F1FA"), WORKERS, "place:",
        "event.place has characters the brief cannot print: U+1F1F7"),
    "a control character": Case(
        replace(WORKERS, "title: About 15,000 North Korean workers sent to Russia",
                'title: "About 15,000 North Korean workers\\a sent"'), WORKERS, "title:",
        "title has characters the brief cannot print: U+0007 (a control character)"),
    "NUL": Case(
        replace(REGISTER, "    outlet: The Kyiv Independent", '    outlet: "The Kyiv\\0 Independent"'), REGISTER,
        "outlet:", "sources.0.outlet has characters the brief cannot print: U+0000 (a control character)"),
    # --- quotes in other languages (rules.check_translation, models.Translation, models.LanguageTag)
    "a passage not in English carries a translation": Case(
        korean(translation=""), KOREAN_RECORD_PATH, "passage:",
        "the passage is in Korean (ko, the source's language): add translation: with text, by and method"),
    "a record's own language is its passage's": Case(
        replace(WORKERS, "reporting_chain:", "language: ru\nreporting_chain:"), WORKERS, "passage:",
        "the passage is in Russian (ru, the record's language): add translation: with text, by and method"),
    "an English passage carries no translation": Case(
        replace(WORKERS, "reporting_chain:", "translation:\n  text: x\n  by: x\n  method: human\nreporting_chain:"),
        WORKERS, "translation:", "the passage is in English (en, the source's language): only a passage in another "
        "language carries a translation"),
    "a translation says who made it": Case(
        korean(translation=REVIEWED.replace("  by: DeepL\n", "")), KOREAN_RECORD_PATH, "translation:",
        "translation: by is missing: add by, who made the translation"),
    "a reviewed machine translation names its reviewer": Case(
        korean(translation=REVIEWED.replace("  reviewed_by: J. Kim\n", "")), KOREAN_RECORD_PATH, "translation:",
        "translation: method is 'machine, reviewed': add reviewed_by"),
    "a source's language is a BCP 47 tag": Case(
        replace(REGISTER, "    language: en", "    language: english"), REGISTER, "language: english",
        "sources.0.language: 'english' is not a BCP 47 language tag"),
    "a record's language is a BCP 47 tag": Case(
        replace(WORKERS, "reporting_chain:", "language: ko_KR\nreporting_chain:"), WORKERS, "language: ko_KR",
        "language: 'ko_KR' is not a BCP 47 language tag"),
    "a word mixing Latin and Cyrillic letters is a warning": Case(
        mixed_script_source, "evidence/fixture-mixed.yaml", "passage:",
        "passage: the word 'P\u0443ongyang' mixes Latin and Cyrillic letters: U+0443 \u0443 (CYRILLIC SMALL LETTER "
        "U)", "warning"),
    # --- origins (rules.check_origins) and dates as the text allows (dates.PartialDate, rules.check_dates)
    "an origin's group is listed or its own": Case(
        replace("catalog/origins.yaml", "    group: yonhap\n", "    group: yonhap-news\n"), "catalog/origins.yaml",
        "group: yonhap-news", "group 'yonhap-news' is neither listed under groups nor this origin's own id"),
    "an origin's name is registered once": Case(
        append("catalog/origins.yaml", "  - id: yonhap-again\n    name: Yonhap\n    kind: outlet\n    group: yonhap\n"),
        "catalog/origins.yaml", "name: Yonhap", "'Yonhap' already names origin 'yonhap'"),
    "an EDTF date that does not parse": Case(
        replace(WORKERS, 'date: "2025"', 'date: "2025-13/.."'), WORKERS, "date:", "is not a date"),
    "an interval that ends before it begins": Case(
        replace(WORKERS, 'date: "2025"', 'date: "2025-04/2025-01"'), WORKERS, "date:",
        "ends before it begins: the lower bound is after the upper bound"),
    "a lower bound after the source's publication": Case(
        replace(WORKERS, 'date: "2025"', 'date: "2025-06/.."'), WORKERS, "date:",
        "event date 2025-06/.. is later than the publication reporting it (2025-05"),
    # --- the declared cut-off (rules.check_cutoff)
    "the cut-off is not in the future": Case(
        write("brief.yaml", b'title: T\nsubtitle: S\nmarking: M\nevidence_cutoff: "2099"\n'), "brief.yaml",
        "evidence_cutoff", "evidence_cutoff 2099 is in the future"),
    "no event after the cut-off": Case(
        write("brief.yaml", b'title: T\nsubtitle: S\nmarking: M\nevidence_cutoff: "2024-12"\n'), WORKERS, 'date: "2025"',
        "event date 2025 is after the evidence cut-off 2024-12"),
    "no publication after the cut-off": Case(
        write("brief.yaml", b'title: T\nsubtitle: S\nmarking: M\nevidence_cutoff: "2025-04"\n'), REGISTER,
        'published: "2025-05"', "published 2025-05 is after the evidence cut-off 2025-04"),
}


def line_of(root: Path, path: str, text: str) -> int | None:
    """The last line of `path` containing `text` (None when the case does not pin a line).

    The last, because a case that repeats something (an entry, a tag, a link) is reported at the repeat.
    """
    if not text:
        return None
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    hits = [number for number, line in enumerate(lines, start=1) if text in line]
    assert hits, f"{text!r} is not in {path}"
    return hits[-1]


def test_the_fixture_root_breaks_no_rule(root: Path) -> None:
    result = validate(root, today=dt.date(2026, 11, 23))
    assert result.problems == []


@pytest.mark.parametrize("name", list(CASES))
def test_each_rule_reports_its_problem_where_it_is(root: Path, name: str) -> None:
    case = CASES[name]
    case.edit(root)
    result = validate(root, today=dt.date(2026, 11, 23))
    found = [p for p in result.problems if case.message in p.message]
    assert found, f"{name}: no problem says {case.message!r}; got {[p.text() for p in result.problems]}"
    problem = found[0]
    assert problem.path == case.path and problem.severity == case.severity, problem.text()
    expected = line_of(root, case.path, case.at)
    assert expected is None or problem.line == expected, problem.text()
    assert result.ok is (case.severity == "warning"), "an error must fail validation; a warning must not"


def test_a_missed_passage_names_the_capture_it_is_in(root: Path, tmp_path: Path) -> None:
    """The passage is real, but in another archived article: the hint says which, so `source` can be fixed."""
    other = "Another article: the Kremlin signed no agreements with Pyongyang this week.\n"
    (root / "seeds" / "other.txt").write_text(other, encoding="utf-8")
    append(REGISTER, SOURCE_ENTRY.format(id="fixture-other", capture="other.txt", origin="wire copy")
           .replace(FIXTURE_SHA256, hashlib.sha256(other.encode()).hexdigest()))(root)
    replace(VISAS, "passage: Many North Korean workers came to Russia on student visas.",
            "passage: the Kremlin signed no agreements with Pyongyang")(root)
    result = validate(root, today=dt.date(2026, 11, 23))
    (problem,) = [p for p in result.problems if p.is_error]
    assert problem.message == "passage not found verbatim in seeds/002_403746959bcb0950.txt"
    assert problem.hint and "the passage is in seeds/other.txt (source 'fixture-other')" in problem.hint


def test_a_derived_figure_or_an_analysts_name_is_accepted_with_its_reason(root: Path) -> None:
    replace(WORKERS, "  - quantity: 15000\n", "  - quantity: 30000\n    derived: twice the 15,000 the passage gives\n")(
        root)
    replace(WORKERS, "figures:\n", "actors:\n  - name: NIS\n    role: the estimate's source\n"
                                   "    named_by_analyst: the capture says South Korean intelligence\nfigures:\n")(root)
    assert validate(root, today=dt.date(2026, 11, 23)).problems == []
