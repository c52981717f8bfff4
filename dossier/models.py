"""The shapes of our inputs: evidence records, the source register, the provisions catalog.

Models are strict (no coercion: `"3"` is not `3`) and forbid unknown fields,
so a typo in a field name is an error, not silently ignored data. Field
descriptions double as the hover text an editor shows (see `dossier schema`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from . import dates

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PROVISION_ID_PATTERN = r"^[0-9]{4}-OP[0-9]+(?:\([a-z]\))?$"


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _check_line(value: str) -> str:
    _check_text(value)
    if "\n" in value.strip():
        raise ValueError("must be a single line")
    return value


Slug = Annotated[
    str,
    Field(pattern=SLUG_PATTERN, max_length=120, description="Lower-case words joined by hyphens."),
]
ProvisionId = Annotated[
    str,
    Field(pattern=PROVISION_ID_PATTERN, description="A provision id from catalog/provisions.yaml, e.g. 2397-OP8."),
]
PartialDate = Annotated[
    dates.PartialDate,
    Field(description="A date as precise as the source allows: YYYY, YYYY-MM or YYYY-MM-DD. Quote it."),
]
Text = Annotated[str, AfterValidator(_check_text)]
Line = Annotated[str, AfterValidator(_check_line)]

# Tags the evidence uses most, known valid without loading langcodes' registry (74 ms at start-up, which every
# `dossier validate` would pay for the register alone); tests/test_translations.py checks each with langcodes.
COMMON_LANGUAGE_TAGS = frozenset({"en", "ko", "ja", "zh", "zh-Hans", "zh-Hant", "ru", "uk", "fr", "de", "es"})


@cache
def language_tag_problem(tag: str) -> str | None:
    """Why `tag` is not a BCP 47 language tag a reader can act on, or None when it is one.

    Valid means registered in IANA's language subtag registry (langcodes' `tag_is_valid`), written with
    hyphens (langcodes also reads `ko_KR`, BCP 47 does not), and naming a language: `und` (undetermined) and
    private-use tags (`x-...`) say nothing about the text.
    """
    if tag in COMMON_LANGUAGE_TAGS:
        return None
    import langcodes  # only for tags outside the common set

    shown = tag if len(tag) <= 40 else tag[:37] + "..."
    if "_" in tag or not langcodes.tag_is_valid(tag):
        return f"'{shown}' is not a BCP 47 language tag; write e.g. en, ko, ja, ru, zh-Hans or zh-Hant"
    if primary_language(tag) in ("und", "x"):
        return f"'{shown}' names no language; write the language of the text, e.g. en, ko, ja, ru or zh-Hans"
    return None


def primary_language(tag: str) -> str:
    """The primary language subtag, lower-case: 'ko' for 'ko-KR', 'zh' for 'zh-Hant' (BCP 47 is case-blind)."""
    return tag.split("-", 1)[0].lower()


def language_name(tag: str) -> str:
    """The language's English name, for a reader: 'Korean' for ko-KR, 'Chinese' for zh-Hant."""
    import langcodes  # loaded only when a brief or a message names a language

    return str(langcodes.Language.get(tag).language_name("en"))


def _check_language(value: str) -> str:
    problem = language_tag_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value  # kept as written: the register and the records are evidence, not canonical forms


LanguageTag = Annotated[
    str,
    AfterValidator(_check_language),
    # The pattern only lets an editor underline spaces and underscores as you type; validate checks the registry.
    Field(json_schema_extra={"pattern": r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$"}),
]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="Lower-case hex SHA-256.")]

Reliability = Literal["A", "B", "C", "D", "E", "F"]
Credibility = Literal[1, 2, 3, 4, 5, 6]
Qualifier = Literal["exactly", "about", "nearly", "up to", "at least", "more than"]
Status = Literal["draft", "reviewed"]


class Strict(BaseModel):
    """Base for every input model: strict types, unknown fields rejected, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# --- Evidence records -------------------------------------------------------


class ProvisionTag(Strict):
    id: ProvisionId = Field(description="The provision the claim bears on, from catalog/provisions.yaml.")
    rationale: Line = Field(description="One line: why this claim bears on that provision.")
    primary: bool = Field(default=False, description="The chapter the finding is printed in (default: the first "
                                                     "provision tagged); other chapters refer to it.")


class Event(Strict):
    date: PartialDate | None = Field(
        default=None,
        description="When the reported fact happened (not when it was published), as precise as the text allows, "
                    "in quotes and in EDTF: \"2024\", \"2024-03\", \"2024-03-05\"; \"2023-09/..\" for 'September 2023 "
                    "or later' (say why in date_note), \"2024~\" for 'about 2024'. Without a date, the event is taken "
                    "to be no later than its source's publication.",
    )
    date_note: Line | None = Field(
        default=None,
        description="How the date was read from the text, or why it is unknown. Required when there is no date.",
    )
    place: Line | None = Field(default=None, description="Where the reported fact happened, as the text names it.")

    @model_validator(mode="after")
    def _unknown_needs_reason(self) -> Event:
        if self.date is None and self.date_note is None:
            raise ValueError("date is empty: give date_note saying why the date is unknown")
        return self


class Actor(Strict):
    name: Line = Field(description="A person, agency, company or state, as the capture names it (it must occur "
                                   "in the capture, unless named_by_analyst says why not).")
    role: Line = Field(description="What the text says this actor did.")
    named_by_analyst: Line | None = Field(
        default=None,
        description="Only when the capture does not use this name: why the analyst identifies the actor so "
                    "(e.g. the capture says 'the state'). Shown in the brief.")


class Figure(Strict):
    # What an error message shows as the figure's usual lines (quantity or written is required, not both).
    EXAMPLE_FIELDS: ClassVar[tuple[str, ...]] = ("quantity", "unit", "qualifier")

    quantity: int | float | None = Field(
        default=None, ge=0,
        description="The number the passage gives, without separators (15000); it must appear in the passage, "
                    "in digits or words, unless derived says how it was worked out.")
    quantity_max: int | float | None = Field(
        default=None, ge=0, description="Upper end, when the text gives a range (60,000-70,000).")
    written: Line | None = Field(
        default=None,
        description="Instead of quantity, for a number the source gives only in words: 'thousands', 'several "
                    "hundred', as the passage writes it. Printed as written.")
    unit: Line = Field(description="What is counted, e.g. 'workers' or 'rubles per month'.")
    qualifier: Qualifier = Field(description="How the text hedges the number: exactly, about, nearly, up to, ...")
    measure: Literal["people", "border crossings", "money", "other"] = Field(
        description="What kind of quantity it is: people, border crossings (not people), money, or other.")
    plan: bool = Field(default=False, description="true when the figure is an announced plan or intention, not a "
                                                  "count of what happened.")
    date: PartialDate | None = Field(
        default=None, description="When the figure applies, if not the event's date (e.g. 3,000 troops in 2025).")
    derived: Line | None = Field(
        default=None,
        description="Only when the passage does not write the quantity: how it was derived (a sum, a conversion). "
                    "Shown in the brief beside the figure.")

    @model_validator(mode="after")
    def _one_quantity(self) -> Figure:
        if (self.quantity is None) == (self.written is None):
            raise ValueError("give either quantity (a number) or written (a quantity in words, as the passage "
                             "writes it), not both or neither")
        if self.quantity_max is not None and (self.quantity is None or self.quantity_max < self.quantity):
            raise ValueError("quantity_max is smaller than quantity" if self.quantity is not None
                             else "quantity_max needs quantity")
        if self.written is not None and self.derived is not None:
            raise ValueError("derived explains a quantity; a quantity written in words is as the source writes it")
        return self


class Grading(Strict):
    reliability: Reliability = Field(
        description="Source reliability, Admiralty scale: A (completely reliable) to F (cannot be judged).")
    credibility: Credibility = Field(
        description="Information credibility, Admiralty scale: 1 (confirmed) to 6 (cannot be judged).")
    justification: Line = Field(description="One line: why this grade.")

    @property
    def code(self) -> str:
        return f"{self.reliability}{self.credibility}"


TranslationMethod = Literal["human", "machine", "machine, reviewed"]


class Translation(Strict):
    """An English translation of a passage quoted in another language: what it says, who made it and how."""

    text: Text = Field(description="The passage in English, complete: every sentence of the quote, nothing added. "
                                   "The brief prints it under the original as an unofficial translation.")
    by: Line = Field(description="Who made the translation: a person or team (e.g. 'J. Kim, DPRK desk'); for a "
                                 "machine translation, the system (e.g. 'DeepL').")
    method: TranslationMethod = Field(
        description="How it was made: human (translated by a person), machine (by a system, unchecked), or "
                    "\"machine, reviewed\" (a machine translation a person checked against the original and "
                    "corrected; name them in reviewed_by).")
    reviewed_by: Line | None = Field(
        default=None,
        description="Only for method \"machine, reviewed\": who checked the machine translation against the "
                    "original.")

    # What each required field is, for the message when it is missing: a translation without a translator is
    # the mistake that matters, and pydantic's "missing required field 'by'" does not say what to write.
    REQUIRED: ClassVar[dict[str, str]] = {
        "text": "text, the passage in English",
        "by": "by, who made the translation (a person or team; for a machine translation, the system)",
        "method": "method, how it was made (human, machine, or \"machine, reviewed\" with reviewed_by)",
    }

    @model_validator(mode="before")
    @classmethod
    def _says_what_is_missing(cls, data: object) -> object:
        missing = [name for name in cls.REQUIRED if isinstance(data, dict) and name not in data]
        if missing:
            raise ValueError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing: add "
                             + "; ".join(cls.REQUIRED[name] for name in missing))
        return data

    @model_validator(mode="after")
    def _reviewer_for_reviewed(self) -> Translation:
        if self.method == "machine, reviewed" and self.reviewed_by is None:
            raise ValueError("method is 'machine, reviewed': add reviewed_by, the person who checked the machine "
                             "translation against the original")
        if self.method != "machine, reviewed" and self.reviewed_by is not None:
            raise ValueError(f"reviewed_by is only for method 'machine, reviewed', not '{self.method}': a reviewed "
                             "machine translation says so in method")
        return self


class Record(Strict):
    """One claim from one archived article, with the verbatim passage that supports it."""

    id: Slug = Field(description="Stable id, equal to the file name without .yaml. Rename both together if you "
                                "change it.")
    title: Line = Field(max_length=160, description="One line, at most 160 characters: what the record shows.")
    claim: Text = Field(description="The analyst's statement, in their own words: what the outlet reports, not what "
                                    "happened, e.g. \"The Kyiv Independent reports, citing The Wall Street Journal, "
                                    "that ...\".")
    source: Slug = Field(description="The archived article the passage is quoted from: its id in seeds/sources.yaml.")
    passage: Text = Field(
        description=(
            "The verbatim quote from the capture, copied exactly: one contiguous run that begins and ends on whole "
            "words and numbers, at least three words, found once in the capture. Only whitespace, typographic "
            "quotes and dashes, width forms, ligatures and invisible characters may differ; no ellipses, no "
            "bracketed edits; every word and number must match. Quote it in the capture's own language; a passage "
            "not in English carries a translation."
        )
    )
    language: LanguageTag | None = Field(
        default=None,
        description="Only when the passage is not in its source's language (a Korean quote inside an English "
                    "article): the passage's language as a BCP 47 tag, e.g. ko, ja, ru, zh-Hans, zh-Hant. By "
                    "default the passage is in the language seeds/sources.yaml gives for its source.")
    translation: Translation | None = Field(
        default=None,
        description="For a passage not in English: an English translation, with who made it (by) and how "
                    "(method: human, machine, or \"machine, reviewed\" with reviewed_by). The passage itself stays "
                    "in the original language.")
    reporting_chain: list[Line] = Field(
        min_length=1,
        description="How the information travelled, origin first, ending with the outlet whose capture we hold; "
                    "each link an origin in catalog/origins.yaml (by name, alias or id).",
    )
    unattributed: Line | None = Field(
        default=None,
        description="When the outlet gives no source for the claim: say so (e.g. 'the outlet cites unnamed media "
                    "reports'); the chain then starts at that outlet, and the finding rests on it.")
    provisions: list[ProvisionTag] = Field(
        min_length=1,
        description="The provisions the claim bears on, from catalog/provisions.yaml (e.g. 2397-OP8), each with one "
                    "line saying why.")
    event: Event = Field(description="When and where the reported fact happened (not when the article was published).")
    actors: list[Actor] = Field(default_factory=list, description="Who the text says was involved.")
    figures: list[Figure] = Field(default_factory=list, description="Numbers the passage gives.")
    grading: Grading = Field(description="Admiralty grade of this claim: reliability of the source A-F, credibility of "
                                          "the information 1-6, and one line why.")
    corroborates: list[Slug] = Field(default_factory=list, description="Ids of records this one supports.")
    contradicts: list[Slug] = Field(default_factory=list,
                                    description="Ids of records this one disputes (denials are evidence too).")
    status: Status = Field(description="draft until a reviewer has checked it; the reviewer sets reviewed. Drafts are "
                                        "marked as such in the brief.")

    def passage_language(self, source_language: str) -> str:
        """The language the passage is in: its own `language` when given, else its source's."""
        return self.language if self.language is not None else source_language

    @property
    def origin(self) -> str:
        """The first link of the reporting chain (the outlet itself when unattributed), as written."""
        return self.reporting_chain[0]

    @property
    def primary_provision(self) -> str:
        """The provision whose chapter prints the finding: the one marked primary, else the first tagged."""
        return next((tag.id for tag in self.provisions if tag.primary), self.provisions[0].id)


# --- Source register --------------------------------------------------------

UNKNOWABLE_FIELDS = ("title", "authors", "published", "url")
# What `dossier add-source` writes where the analyst gave nothing: `validate` refuses it until replaced.
NOT_GIVEN = "not given when the source was added"
ADDED_NOTE = (
    "Registered with `dossier add-source`: outlet, title, authors, date and URL are as given on its command "
    "line. Check them against the capture and say here how each was read off it."
)
PLACEHOLDERS = (NOT_GIVEN, ADDED_NOTE)


def _check_unknowns(model: Source | OriginalPublication | Retrieval, fields: tuple[str, ...]) -> None:
    """An empty field must say why it is empty; a field with a value must not claim to be unknown."""
    for name in fields:
        empty = getattr(model, name) in (None, [])
        if empty and name not in model.unknown:
            raise ValueError(f"{name} is empty: add unknown.{name} with the reason it is not known")
        if not empty and name in model.unknown:
            raise ValueError(f"{name} has a value but unknown.{name} says it is unknown")
    for name in model.unknown:
        if name not in fields:
            raise ValueError(f"unknown.{name}: only {', '.join(fields)} can be marked unknown")


class Retrieval(Strict):
    """When, by whom or what, how and from where a capture was taken: its collection record."""

    date: PartialDate | None = Field(default=None, description="When the capture was taken, as precisely as known.")
    by: Line | None = Field(default=None, description="Who or what took it: an analyst, or a tool and its version.")
    method: Line | None = Field(
        default=None, description="How, e.g. 'page text copied from a browser', 'WACZ made with browsertrix-crawler'.")
    url: Line | None = Field(default=None, description="The address the capture was taken from.")
    url_seen: Literal["in the capture", "given by the analyst"] | None = Field(
        default=None, description="Whether that address is shown in the capture itself or known only to the analyst.")
    unknown: dict[str, Line] = Field(default_factory=dict, description="Reason per field left empty.")

    @model_validator(mode="after")
    def _unknowns(self) -> Retrieval:
        _check_unknowns(self, ("date", "by", "method", "url"))
        if (self.url is None) != (self.url_seen is None):
            raise ValueError("url and url_seen go together: say whether the address is shown in the capture")
        return self


class DateOnPage(Strict):
    """A date the page shows that is not what a reader would take it for (a crawl date above an old article)."""

    shown: Line = Field(description="The date as the capture shows it, e.g. 'October 03, 2023'.")
    what: Line = Field(description="What it is, e.g. 'the date the page was crawled, not the publication date'.")


class OriginalPublication(Strict):
    """The article a republication reproduces, as far as the capture names it."""

    outlet: Line = Field(description="The outlet that first published the piece, as the capture names it.")
    title: Line | None = Field(default=None, description="Its title, if the capture gives it.")
    authors: list[Line] = Field(default_factory=list, description="Its authors, if the capture gives them.")
    published: PartialDate | None = Field(default=None, description="Its publication date, if the capture gives it.")
    url: Line | None = Field(default=None, description="Its address, only if the capture shows it.")
    unknown: dict[str, Line] = Field(default_factory=dict, description="Reason per field left empty.")

    @model_validator(mode="after")
    def _unknowns(self) -> OriginalPublication:
        _check_unknowns(self, UNKNOWABLE_FIELDS)
        return self


CaptureKind = Literal["text", "html", "pdf", "warc", "wacz", "image"]
EXTRACTED_KINDS = ("html", "pdf", "warc", "wacz")  # kinds whose extracted text is committed beside the capture


class Extracted(Strict):
    """The text extracted from a capture that is not plain text, committed beside it in seeds/ so that a
    reviewer sees it in the diff; every run extracts it again and compares."""

    file: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+$")] = Field(
        description="File name in seeds/ of the extracted text: the capture's name followed by .txt. Passages are "
                    "checked against it, and a passage's line and column refer to it.")
    sha256: Sha256 = Field(description="SHA-256 of the extracted text file, checked on every run.")
    extractor: Line = Field(
        description="The extraction rules and library versions that wrote it, e.g. 'html/1 selectolax 1.0.2 unicode "
                    "14.0.0'. Written by `dossier add-source` and `dossier extract`; never edited by hand.")


class Source(Strict):
    """One archived capture and what it establishes about the article."""

    id: Slug = Field(description="Stable id that evidence records cite.")
    capture: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+$")] = Field(description="File name in seeds/.")
    sha256: Sha256 = Field(description="SHA-256 of the capture, checked on every run.")
    kind: CaptureKind = Field(
        default="text",
        description="What the capture is: text (page text saved by the analyst, quoted as it is), html (a web page "
                    "as saved or served), pdf (a born-digital PDF), warc or wacz (a web archive: one page in it is "
                    "quoted), image (an exhibit: archived, never quoted).")
    record: Line | None = Field(
        default=None,
        description="For kind warc or wacz: the page quoted, by its WARC-Record-ID (or WARC-Target-URI).")
    extracted: Extracted | None = Field(
        default=None,
        description="For kind html, pdf, warc and wacz: the extracted text committed beside the capture.")
    outlet: Line = Field(description="The site the capture was taken from.")
    title: Line | None = Field(default=None, description="The headline as captured.")
    authors: list[Line] = Field(default_factory=list, description="Bylines as captured.")
    published: PartialDate | None = Field(default=None, description="Publication date as far as the capture shows it.")
    url: Line | None = Field(default=None, description="The address, only if the capture shows it.")
    language: LanguageTag = Field(
        description="The capture's language, a BCP 47 tag: en, ko, ja, ru, zh-Hans, zh-Hant. Passages quoted from it "
                    "are taken to be in it; a passage not in English carries a translation.")
    origin: Literal["original reporting", "republication", "wire copy"] = Field(
        description="How the piece came to be."
    )
    original: OriginalPublication | None = Field(
        default=None, description="For a republication: the article it reproduces."
    )
    retrieval: Retrieval | None = Field(
        default=None, description="When, by whom, how and from where the capture was taken.")
    dates_on_page: list[DateOnPage] = Field(
        default_factory=list, description="Dates the capture shows that are not the publication date.")
    unknown: dict[str, Line] = Field(default_factory=dict, description="Reason per field left empty.")
    notes: Text | None = Field(default=None, description="How the metadata was read off the capture.")

    @model_validator(mode="after")
    def _consistent(self) -> Source:
        _check_unknowns(self, (*UNKNOWABLE_FIELDS, "retrieval"))
        if self.origin == "republication" and self.original is None:
            raise ValueError("a republication must name its original")
        if self.origin != "republication" and self.original is not None:
            raise ValueError("original is only for origin: republication")
        self._check_kind()
        return self

    def _check_kind(self) -> None:
        """The fields a kind of capture needs, and only those."""
        archive = self.kind in ("warc", "wacz")
        if archive and self.record is None:
            raise ValueError(f"a {self.kind} web archive holds many records: add record, the WARC-Record-ID (or "
                             "WARC-Target-URI) of the page quoted")
        if not archive and self.record is not None:
            raise ValueError(f"record is only for a web archive (kind warc or wacz), not kind {self.kind}")
        if self.kind in EXTRACTED_KINDS and self.extracted is None:
            raise ValueError(f"a {self.kind} capture needs extracted: the text extracted from it, committed beside "
                             f"it (run `dossier extract {self.id}` to write both)")
        if self.kind not in EXTRACTED_KINDS and self.extracted is not None:
            what = "an image is never quoted" if self.kind == "image" else "a text capture is its own text"
            raise ValueError(f"extracted is only for html, pdf, warc and wacz captures: {what}")
        if self.extracted is not None and self.extracted.file != f"{self.capture}.txt":
            raise ValueError(f"extracted.file must be the capture's name followed by .txt: {self.capture}.txt")


class Register(Strict):
    sources: list[Source] = Field(min_length=1)


# --- Provisions catalog -----------------------------------------------------


class Deadline(Strict):
    """A date a provision sets. Only `conduct` deadlines are compared with reported events."""

    date: PartialDate
    kind: Literal["conduct", "report"] = Field(
        description="conduct: by when the obligation itself must be met (events are placed against it); "
                    "report: when Member States must report (not compared with events).")
    what: Line
    verified: bool


class Provision(Strict):
    """One operative paragraph (or sub-paragraph) of a Security Council resolution."""

    id: ProvisionId
    resolution: Annotated[str, Field(pattern=r"^[0-9]{4} \([0-9]{4}\)$")] = Field(description="e.g. 2397 (2017)")
    paragraph: Annotated[str, Field(pattern=r"^[0-9]+(?:\([a-z]\))?$")]
    title: Line
    summary: Text | None = Field(default=None, description="The obligation; empty where its content is not known.")
    bears: Line | None = Field(default=None, description="Who bears the obligation.")
    deadlines: list[Deadline] = Field(default_factory=list)
    verified: bool = Field(description="False wherever the reference marks a fact about it unchecked.")
    note: Line | None = Field(default=None, description="What is unchecked, when verified is false.")

    @model_validator(mode="after")
    def _unverified_says_why(self) -> Provision:
        if not self.verified and self.note is None:
            raise ValueError("an unverified provision needs a note saying what is unchecked")
        expected = f"{self.resolution[:4]}-OP{self.paragraph}"
        if self.id != expected:
            raise ValueError(f"id should be {expected} for resolution {self.resolution} paragraph {self.paragraph}")
        return self


class Resolution(Strict):
    number: Annotated[str, Field(pattern=r"^[0-9]{4} \([0-9]{4}\)$")]
    symbol: Line
    adopted: PartialDate
    title: Line
    note: Line | None = None


class Catalog(Strict):
    resolutions: list[Resolution]
    provisions: list[Provision] = Field(min_length=1)


# --- Brief settings -------------------------------------------------------------


class BriefSettings(Strict):
    """What the cover of the brief says (brief.yaml at the root). Checked against the evidence."""

    title: Line = Field(description="Title on the cover and in the PDF metadata.")
    subtitle: Line = Field(description="One line under the title: the scope of the brief.")
    marking: Line = Field(description="Distribution marking, repeated in the running header of every page.")
    evidence_cutoff: PartialDate | None = Field(
        default=None,
        description="The date evidence collection was frozen. No publication or event may postdate it.",
    )
    issued: PartialDate | None = Field(default=None, description="The date of issue printed on the cover.")
    office: Line | None = Field(default=None, description="The issuing office printed on the cover.")


# --- Origins of information ----------------------------------------------------


class OriginGroup(Strict):
    """Origins that are one line of evidence: an agency and its briefings, an outlet and its sources."""

    id: Slug
    name: Line = Field(description="How the brief names the group, e.g. 'Daily NK and its sources'.")
    note: Line | None = Field(default=None, description="Why these origins are not independent of each other.")


class Origin(Strict):
    """Where information starts or passes through: an agency, an outlet, a named official, a source network."""

    id: Slug
    name: Line = Field(description="The name the brief prints.")
    kind: Literal["agency", "government", "official", "outlet", "anonymous source", "organisation", "company",
                  "data"] = Field(description="What the origin is.")
    group: Slug = Field(description="The independence group: origins in one group count once. A group listed "
                                    "under groups, or the origin's own id for an origin independent of all others.")
    aliases: list[Line] = Field(default_factory=list, description="Other names records use for it.")
    note: Line | None = None


class OriginRegister(Strict):
    groups: list[OriginGroup] = Field(default_factory=list)
    origins: list[Origin] = Field(min_length=1)


# --- Key judgements ------------------------------------------------------------

Confidence = Literal["low", "moderate", "high"]


class Judgement(Strict):
    """A key judgement, written by an analyst: the tool checks what it rests on, never writes one."""

    id: Slug
    text: Text = Field(description="The judgement, in a sentence or two, naming the Member States concerned.")
    confidence: Confidence = Field(description="The analyst's confidence in the judgement: low, moderate or high "
                                               "(the basis for it, not the likelihood of the event).")
    rests_on: list[Slug] = Field(min_length=1, description="Ids of the records the judgement rests on.")
    why: Line = Field(description="One line: why this confidence, given what the judgement rests on.")
    status: Status = Field(description="draft or reviewed, as for records.")


class Judgements(Strict):
    judgements: list[Judgement] = Field(min_length=1)

def provision_sort_key(provision_id: str) -> tuple[int, int, str]:
    """Order provisions as a reader expects: by resolution, then paragraph number (8 before 10)."""
    match = re.match(r"^([0-9]{4})-OP([0-9]+)(.*)$", provision_id)
    if not match:
        return (9999, 0, provision_id)
    return (int(match.group(1)), int(match.group(2)), match.group(3))
