"""The JSON export: the brief's content as data, for other tools (Atlos-style exports, dashboards, diffing).

Its shape is defined by the models below; `schema/dossier.schema.json` is generated
from them (`dossier schema`) and the tests validate real output against that file.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .assemble import Dossier, Finding, JudgementView
from .dates import PartialDate
from .models import (
    Actor,
    CaptureKind,
    DateOnPage,
    Extracted,
    Figure,
    OriginalPublication,
    Provision,
    Retrieval,
    Source,
    Translation,
)

SCHEMA_VERSION = 3


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(Out):
    id: str
    capture: str = Field(description="Repository-relative path of the archived capture.")
    sha256: str
    outlet: str
    title: str | None
    published: str | None = Field(description="Publication date as far as the capture shows it (partial dates kept).")


class GradingOut(Out):
    reliability: Literal["A", "B", "C", "D", "E", "F"]
    credibility: int = Field(ge=1, le=6)
    code: str = Field(description="Both axes written together, e.g. B3.")
    justification: str


class EventOut(Out):
    date: str | None = Field(description="As written in the record: EDTF (partial dates, ranges, open ends).")
    date_note: str | None
    place: str | None
    earliest: str | None = Field(description="The earliest day the event can have happened (ISO), if bounded.")
    latest: str | None = Field(description="The latest day: its own date, capped by its report's publication.")


class DeadlineOut(Out):
    provision: str
    deadline: str
    placement: Literal["after", "before", "spans", "unknown"]
    sentence: str


class PassageCheck(Out):
    kind: Literal["exact", "normalised"]
    line: int = Field(description="Line of the match in the text the passage was checked against: the capture "
                      "itself for a text capture, else the extracted text committed beside it.")
    col: int
    folds: list[str] = Field(description="The documented folds the match needed; empty when exact.")
    locator: str = Field(description="Where the passage is, as a reader of the original finds it: line and column "
                         "of a text, page and paragraph of a PDF, block and offset of a web page.")


class ProvisionTagOut(Out):
    id: str
    rationale: str


class RecordOut(Out):
    id: str
    number: str = Field(description="The finding's paragraph number in the brief, e.g. 1.3.")
    title: str
    claim: str
    passage: str
    language: str = Field(description="The passage's language, a BCP 47 tag: the record's own language, else its "
                          "source's.")
    translation: Translation | None = Field(description="For a passage not in English: its English translation, "
                                            "who made it (by) and how (method, and reviewed_by for a reviewed "
                                            "machine translation).")
    passage_check: PassageCheck
    source: SourceRef
    provisions: list[str] = Field(description="Provision ids the record is tagged with.")
    provision_rationales: list[ProvisionTagOut]
    reporting_chain: list[str] = Field(description="Origin first, ending with the outlet of the capture.")
    origin: str
    origin_group: str | None = Field(description="The independence group of the origin (catalog/origins.yaml).")
    unattributed: str | None
    deadlines: list[DeadlineOut]
    grading: GradingOut
    event: EventOut
    actors: list[Actor]
    figures: list[Figure]
    corroborates: list[str]
    contradicts: list[str]
    status: Literal["draft", "reviewed"]


class SourceOut(Out):
    id: str
    capture: str
    sha256: str
    kind: CaptureKind = Field(description="What the capture is: text, html, pdf, warc, wacz or image.")
    record: str | None = Field(description="For a web archive: the record quoted (WARC-Record-ID or target URI).")
    extracted: Extracted | None = Field(description="For html, pdf, warc and wacz: the extracted text passages "
                                        "are checked against, committed beside the capture, and its extractor.")
    outlet: str
    title: str | None
    authors: list[str]
    published: str | None
    url: str | None
    language: str
    origin: str
    original: OriginalPublication | None
    retrieval: Retrieval | None = Field(description="When, by whom, how and from where the capture was taken.")
    dates_on_page: list[DateOnPage] = Field(description="Dates the capture shows that are not the publication date.")
    unknown: dict[str, str]
    notes: str | None


class SelectionOut(Out):
    provisions: list[str]
    since: str | None
    until: str | None
    status: str | None
    description: str


class SupportOut(Out):
    findings: int
    origin_groups: list[str]
    best_grade: str
    worst_grade: str
    drafts: int
    latest: str | None
    disputed_by: list[str]


class JudgementOut(Out):
    id: str
    number: str
    text: str
    confidence: Literal["low", "moderate", "high"]
    why: str
    rests_on: list[str]
    status: Literal["draft", "reviewed"]
    support: SupportOut = Field(description="Computed from the evidence, never written by the analyst.")
    warnings: list[str] = Field(description="Where the stated confidence outruns the support.")


class DossierOut(Out):
    schema_version: Literal[3] = 3  # SCHEMA_VERSION; a change of shape is a new literal
    title: str
    marking: str
    version: str = Field(description="Hash of every input the brief was built from.")
    evidence_cutoff: str | None
    issued: str | None
    office: str | None
    created: str
    selection: SelectionOut
    judgements: list[JudgementOut]
    records: list[RecordOut]
    sources: list[SourceOut]
    provisions: list[Provision]


def _text(date: PartialDate | None) -> str | None:
    """A date as written in the evidence: partial dates stay partial in the export."""
    return date.text if date is not None else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def judgement_out(view: JudgementView) -> JudgementOut:
    j, s = view.judgement, view.support
    return JudgementOut(id=j.id, number=view.number, text=j.text, confidence=j.confidence, why=j.why,
                        rests_on=list(j.rests_on), status=j.status, warnings=list(view.warnings),
                        support=SupportOut(findings=s.findings, origin_groups=list(view.group_names),
                                           best_grade=s.best, worst_grade=s.worst, drafts=s.drafts,
                                           latest=_text(s.latest), disputed_by=list(s.disputed_by)))


def record_out(finding: Finding) -> RecordOut:
    r, s = finding.record, finding.source
    return RecordOut(
        id=r.id,
        number=finding.number,
        title=r.title,
        claim=r.claim,
        passage=r.passage,
        language=finding.language,
        translation=r.translation,
        passage_check=PassageCheck(kind=finding.match.kind, line=finding.match.line, col=finding.match.col,
                                   folds=list(finding.match.folds), locator=finding.locator),
        source=SourceRef(id=s.id, capture=f"seeds/{s.capture}", sha256=s.sha256, outlet=s.outlet, title=s.title,
                         published=_text(s.published)),
        provisions=[t.id for t in r.provisions],
        provision_rationales=[ProvisionTagOut(id=t.id, rationale=t.rationale) for t in r.provisions],
        reporting_chain=list(r.reporting_chain),
        origin=finding.origin.name if finding.origin else r.origin,
        origin_group=finding.group.name if finding.group else None,
        unattributed=r.unattributed,
        deadlines=[DeadlineOut(provision=c.provision, deadline=c.deadline.text, placement=c.place,
                               sentence=c.sentence) for c in finding.deadline_checks],
        grading=GradingOut(reliability=r.grading.reliability, credibility=r.grading.credibility,
                           code=r.grading.code, justification=r.grading.justification),
        event=EventOut(date=_text(r.event.date), date_note=r.event.date_note, place=r.event.place,
                       earliest=_iso(finding.bounds.earliest), latest=_iso(finding.bounds.latest)),
        actors=list(r.actors),
        figures=list(r.figures),
        corroborates=list(r.corroborates),
        contradicts=list(r.contradicts),
        status=r.status,
    )


def source_out(source: Source) -> SourceOut:
    dumped = source.model_dump()
    return SourceOut(**{**dumped, "capture": f"seeds/{source.capture}"})


def dossier_out(dossier: Dossier) -> DossierOut:
    sel = dossier.selection
    return DossierOut(
        title=dossier.title,
        marking=dossier.marking,
        version=dossier.version,
        evidence_cutoff=_text(dossier.cutoff),
        issued=_text(dossier.issued),
        office=dossier.office,
        judgements=[judgement_out(view) for view in dossier.judgements],
        created=dossier.created,
        selection=SelectionOut(provisions=list(sel.provisions), since=_text(sel.since), until=_text(sel.until),
                               status=sel.status,
                               description=sel.describe()),
        records=[record_out(f) for f in dossier.findings],
        sources=[source_out(s) for s in dossier.sources],
        provisions=list(dossier.provisions),
    )


def render_json(dossier: Dossier) -> str:
    return dossier_out(dossier).model_dump_json(indent=2) + "\n"


def json_schema() -> str:
    schema = DossierOut.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "dossier.schema.json",
              "title": "dossier JSON export", **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
