"""The JSON export: the brief's content as data, for other tools (Atlos-style exports, dashboards, diffing).

Its shape is defined by the models below; `schema/dossier.schema.json` is generated
from them (`dossier schema`) and the tests validate real output against that file.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .assemble import Dossier, Finding
from .dates import PartialDate
from .models import Actor, DateOnPage, Figure, OriginalPublication, Provision, Retrieval, Source

SCHEMA_VERSION = 1


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
    date: str | None
    date_note: str | None
    place: str | None


class PassageCheck(Out):
    kind: Literal["exact", "normalised"]
    line: int
    col: int


class ProvisionTagOut(Out):
    id: str
    rationale: str


class RecordOut(Out):
    id: str
    title: str
    claim: str
    passage: str
    passage_check: PassageCheck
    source: SourceRef
    provisions: list[str] = Field(description="Provision ids the record is tagged with.")
    provision_rationales: list[ProvisionTagOut]
    reporting_chain: list[str] = Field(description="Origin first, ending with the outlet of the capture.")
    origin: str
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


class DossierOut(Out):
    schema_version: Literal[1] = 1  # SCHEMA_VERSION; a change of shape is a new literal
    title: str
    marking: str
    version: str = Field(description="Hash of every input the brief was built from.")
    evidence_cutoff: str | None
    created: str
    selection: SelectionOut
    records: list[RecordOut]
    sources: list[SourceOut]
    provisions: list[Provision]


def _text(date: PartialDate | None) -> str | None:
    """A date as written in the evidence: partial dates stay partial in the export."""
    return date.text if date is not None else None


def record_out(finding: Finding) -> RecordOut:
    r, s = finding.record, finding.source
    return RecordOut(
        id=r.id,
        title=r.title,
        claim=r.claim,
        passage=r.passage,
        passage_check=PassageCheck(kind=finding.match.kind, line=finding.match.line, col=finding.match.col),
        source=SourceRef(id=s.id, capture=f"seeds/{s.capture}", sha256=s.sha256, outlet=s.outlet, title=s.title,
                         published=_text(s.published)),
        provisions=[t.id for t in r.provisions],
        provision_rationales=[ProvisionTagOut(id=t.id, rationale=t.rationale) for t in r.provisions],
        reporting_chain=list(r.reporting_chain),
        origin=r.origin,
        grading=GradingOut(reliability=r.grading.reliability, credibility=r.grading.credibility,
                           code=r.grading.code, justification=r.grading.justification),
        event=EventOut(date=_text(r.event.date), date_note=r.event.date_note, place=r.event.place),
        actors=list(r.actors),
        figures=list(r.figures),
        corroborates=list(r.corroborates),
        contradicts=list(r.contradicts),
        status=r.status,
    )


def source_out(source: Source) -> SourceOut:
    return SourceOut(**{**source.model_dump(), "capture": f"seeds/{source.capture}"})


def dossier_out(dossier: Dossier) -> DossierOut:
    sel = dossier.selection
    return DossierOut(
        title=dossier.title,
        marking=dossier.marking,
        version=dossier.version,
        evidence_cutoff=_text(dossier.cutoff),
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
