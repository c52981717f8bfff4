"""Assemble the Dossier: the view model of the brief, derived entirely from validated data.

Everything a reader sees that is computed (paragraph numbers, what a judgement rests on, independent origin
groups, where an event falls against a deadline, headline figures) is computed here, so the templates only
lay it out and every sentence can be traced to records. Judgements themselves are the analysts' (judgements
.yaml); this module only counts what they rest on.

The brief follows the shape UN Panel of Experts reports use: key judgements first, each finding printed once
with a paragraph number (1.1, 1.2, ...) in the chapter of its primary provision and referred to by that
number everywhere else, sources named once (S1, S2, ...) with their detail in Annex A.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .dates import PartialDate, display_date, latest
from .models import (
    Figure,
    Judgement,
    Origin,
    OriginGroup,
    Provision,
    Record,
    Source,
    Translation,
    language_name,
    primary_language,
)
from .passage import PassageMatch
from .rules import name_key
from .support import Support, grade_key, judgement_support, origin_of, outruns
from .validate import Validated
from .wording import wording

T = TypeVar("T")
N = TypeVar("N", Origin, OriginGroup)


@dataclass(frozen=True)
class Selection:
    """What a focused brief is restricted to; empty means everything."""

    provisions: tuple[str, ...] = ()
    since: PartialDate | None = None
    until: PartialDate | None = None
    status: str | None = None

    @property
    def is_everything(self) -> bool:
        return not (self.provisions or self.since or self.until or self.status)

    def describe(self) -> str:
        parts = []
        if self.provisions:
            parts.append("provision" + ("s " if len(self.provisions) > 1 else " ") + ", ".join(self.provisions))
        if self.since or self.until:
            parts.append(f"events from {self.since.display() if self.since else 'any date'} "
                         f"to {self.until.display() if self.until else 'any date'}")
        if self.status:
            parts.append(f"{self.status} records only")
        return "; ".join(parts) if parts else "all records"

    def admits(self, record: Record) -> bool:
        if self.provisions and not {t.id for t in record.provisions} & set(self.provisions):
            return False
        if self.status and record.status != self.status:
            return False
        date = record.event.date
        if self.since and (date is None or self.since.is_after(date)):
            return False
        return not (self.until and (date is None or date.is_after(self.until)))


# --- When an event happened, as far as the text allows -------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    """The earliest and latest day an event can have happened: its own date, capped by its source's date."""

    earliest: dt.date | None
    latest: dt.date | None
    date: PartialDate | None  # the record's own date, as written
    published: PartialDate | None  # the source's publication date, which caps an event from above

    @property
    def known(self) -> bool:
        return self.earliest is not None or self.latest is not None

    def label(self) -> str:
        """In words: the record's date as written, or 'no later than <publication>', or 'date unknown'."""
        if self.date is not None:
            return self.date.display()
        if self.published is not None and self.latest is not None:
            return f"no later than {self.published.display()} (its report)"
        return "date unknown"

    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.earliest or self.latest or dt.date.max, self.latest or dt.date.max)


def event_bounds(record: Record, source: Source) -> Bounds:
    """A reported event is no later than the publication reporting it; the text may bound it further."""
    date, published = record.event.date, source.published
    earliest = date.earliest if date else None
    latest_day = date.latest if date else None
    if published is not None and published.latest is not None:
        latest_day = min(latest_day, published.latest) if latest_day else published.latest
    return Bounds(earliest, latest_day, date, published)


def placement(bounds: Bounds, deadline: PartialDate) -> tuple[str, str]:
    """Where an event falls against a deadline: (after | before | spans | unknown, the sentence that says so)."""
    words = wording().deadline
    when = deadline.display()
    if not bounds.known:
        return "unknown", words.undated.format(deadline=when)
    if bounds.earliest is not None and deadline.latest is not None and bounds.earliest > deadline.latest:
        return "after", words.after.format(event=bounds.label(), deadline=when)
    if bounds.latest is not None and deadline.earliest is not None and bounds.latest < deadline.earliest:
        return "before", words.before.format(event=bounds.label(), deadline=when)
    return "spans", words.spans.format(event=bounds.label(), deadline=when)


# --- The brief's parts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Related:
    """Another finding this one is linked to, named once, by number and title."""

    finding: Finding
    relation: str  # "corroborates", "is corroborated by", "corroborate each other", "disputes", "is disputed by"
    same_group: bool  # the two rest on one origin group: not independent corroboration


@dataclass(frozen=True)
class DeadlineCheck:
    """Where a finding's event falls against one conduct deadline of one of its provisions."""

    provision: str
    deadline: PartialDate
    place: str  # after, before, spans, unknown
    sentence: str


@dataclass(frozen=True)
class FigureView:
    figure: Figure
    text: str  # 'about 15,000 workers'
    when: str  # the figure's own date, else the event's, in words


@dataclass
class Finding:
    record: Record
    source: Source
    source_label: str  # S1, S2, ... as in Annex A
    match: PassageMatch
    origin: Origin | None
    group: OriginGroup | None
    bounds: Bounds
    chain_sentence: str
    citation: str
    locator: str  # where the passage is in the original: "line 18, col. 1", "p. 42, para. 117, line 3"
    rationale: dict[str, str]  # provision id -> why
    deadline_checks: list[DeadlineCheck]
    figures: list[FigureView]
    number: str = ""  # 1.1, 1.2 ... set when the chapters are numbered
    chapter: Chapter | None = None
    related: list[Related] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def grade(self) -> str:
        return self.record.grading.code

    @property
    def grade_words(self) -> str:
        g, words = self.record.grading, wording()
        return f"source {words.reliability[g.reliability]}; information {words.credibility[str(g.credibility)]}"

    @property
    def event_date(self) -> str:
        return self.bounds.label()

    @property
    def deadline_notes(self) -> dict[str, str]:
        """Provision id -> the sentences placing the event against its conduct deadlines."""
        notes: dict[str, str] = {}
        for check in self.deadline_checks:
            notes[check.provision] = f"{notes[check.provision]} {check.sentence}" if check.provision in notes \
                else check.sentence
        return notes

    @property
    def reference(self) -> str:
        """How the brief refers to the finding elsewhere: its paragraph number."""
        return f"{self.number}"

    @property
    def language(self) -> str:
        """The passage's language tag (the record's own, else its source's): the quote's `lang` in the brief."""
        return self.record.passage_language(self.source.language)

    @property
    def original_label(self) -> str | None:
        """'Korean original', over a passage not in English; None over an English one."""
        if primary_language(self.language) == "en":
            return None
        return f"{language_name(self.language)} original"

    @property
    def translation_label(self) -> str | None:
        """Who made the passage's translation and how, over the translation; None when there is none."""
        return translation_label(self.record.translation) if self.record.translation else None


def translation_label(translation: Translation) -> str:
    """'Unofficial machine translation by DeepL, reviewed by J. Kim': the brief never presents a translation
    as the source's words, and says whose and how made it."""
    if translation.method == "human":
        return f"Unofficial translation by {translation.by}"
    label = f"Unofficial machine translation by {translation.by}"
    return f"{label}, reviewed by {translation.reviewed_by}" if translation.method == "machine, reviewed" else label


@dataclass(frozen=True)
class CrossReference:
    """A finding printed in another chapter that bears on this chapter's provision too."""

    finding: Finding
    rationale: str


@dataclass
class Chapter:
    number: int
    provision: Provision
    findings: list[Finding]  # printed here, in order of event bounds
    references: list[CrossReference]  # printed elsewhere, listed here by number

    @property
    def anchor(self) -> str:
        return "provision-" + self.provision.id.lower().replace("(", "-").replace(")", "")

    @property
    def all_findings(self) -> list[Finding]:
        return self.findings + [r.finding for r in self.references]


@dataclass(frozen=True)
class JudgementView:
    number: str  # KJ1, KJ2, ...
    judgement: Judgement
    findings: list[Finding]  # the ones in this brief, in paragraph order
    outside: int  # cited findings outside a focused brief's selection
    support: Support
    group_names: list[str]
    warnings: list[str]  # where the stated confidence outruns the support (the rules are data)
    disputed_by: list[Finding]


@dataclass(frozen=True)
class ProvisionSummary:
    chapter: Chapter
    findings: int
    groups: int
    best: str
    worst: str
    latest: str


@dataclass(frozen=True)
class FigureRow:
    """A reported figure, once per origin group: the same number from one origin relayed twice is one row."""

    view: FigureView
    series: str  # people, border crossings, announced plans, money, other
    findings: list[Finding]
    group: str


@dataclass(frozen=True)
class MatrixRow:
    provision: Provision
    cells: list[tuple[int, str | None]]  # per origin group: findings, best grade
    chapter: Chapter | None

    @property
    def total(self) -> int:
        return sum(count for count, _ in self.cells)


@dataclass
class Dossier:
    title: str
    subtitle: str
    marking: str
    cutoff: PartialDate | None
    cutoff_declared: bool  # from brief.yaml, or derived as the latest date the evidence establishes
    issued: PartialDate | None
    office: str | None
    latest_source: PartialDate | None
    version: str
    created: str  # ISO date for document metadata, from the data
    selection: Selection
    judgements: list[JudgementView]
    findings: list[Finding]  # in paragraph order
    chapters: list[Chapter]
    summaries: list[ProvisionSummary]
    key_findings: list[Finding]
    figure_rows: list[FigureRow]
    figures_total: int
    timeline: list[Finding]
    undated: list[Finding]
    groups: list[OriginGroup]  # the independent origin groups the findings rest on, in order of first use
    matrix: list[MatrixRow]
    empty_provisions: list[Provision]
    sources: list[Source]
    source_labels: dict[str, str]
    source_counts: dict[str, int]
    provisions: list[Provision]
    origins: list[Origin]
    denials: list[Finding]
    # Indexes for the annexes, so that a template never scans every finding for each source (quadratic: at
    # 50,000 records that scan was most of the build).
    findings_by_source: dict[str, list[Finding]]
    origins_by_group: dict[str, list[Origin]]
    reliability_scale: dict[str, str] = field(default_factory=lambda: dict(wording().reliability))
    credibility_scale: dict[str, str] = field(default_factory=lambda: dict(wording().credibility))

    @property
    def grade_counts(self) -> list[tuple[str, int]]:
        """How many findings carry each grade, most frequent first: '19 graded C3' is the first thing to know."""
        counts = Counter(f.grade for f in self.findings)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    @property
    def drafts(self) -> int:
        return sum(f.record.status == "draft" for f in self.findings)

    @property
    def date_range(self) -> tuple[str, str] | None:
        """From the earliest to the latest bound of the dated events, in words."""
        bounded = [f for f in self.timeline if f.bounds.date is not None]
        if not bounded:
            return None
        first = min(bounded, key=lambda f: f.bounds.sort_key())
        last = max(bounded, key=lambda f: (f.bounds.latest or dt.date.max, f.bounds.earliest or dt.date.min))
        return first.bounds.label(), last.bounds.label()


# --- Assembly ---------------------------------------------------------------------------------------------------


def assemble(validated: Validated, selection: Selection | None = None,
             source_date_epoch: int | None = None) -> Dossier:
    """Build the brief's view model from a validated evidence base (which must have no errors)."""
    if not validated.ok:
        raise ValueError("refusing to assemble a brief from invalid evidence")
    selection = selection or Selection()
    records = [r for r in validated.records if selection.admits(r)]
    sources = cited_sources(records, validated)
    labels = {source.id: f"S{index}" for index, source in enumerate(sources, start=1)}
    findings = [build_finding(r, validated, labels) for r in records]
    chapters = number_chapters(findings, validated)
    findings = [f for chapter in chapters for f in chapter.findings]
    link_findings(findings)
    judgements = judgement_views(validated, findings)
    groups = groups_in_use(findings)
    settings = validated.settings
    declared = settings.evidence_cutoff if settings else None
    all_sources = list(validated.sources.values())
    cutoff = declared or latest([s.published for s in all_sources] + [r.event.date for r in validated.records])
    cover = wording().cover
    cited = {id(f) for view in judgements for f in view.findings}
    matrix = origin_matrix(chapters, groups, validated)
    origins = origins_in_use(findings)
    return Dossier(
        title=settings.title if settings else cover.title,
        subtitle=settings.subtitle if settings else cover.subtitle,
        marking=settings.marking if settings else cover.marking,
        cutoff=cutoff,
        cutoff_declared=declared is not None,
        issued=settings.issued if settings else None,
        office=settings.office if settings else None,
        latest_source=latest_publication(sources),
        version=validated.version,
        created=creation_date([cutoff] + [s.published for s in all_sources], source_date_epoch),
        selection=selection,
        judgements=judgements,
        findings=findings,
        chapters=chapters,
        summaries=[provision_summary(c) for c in chapters],
        key_findings=[f for f in findings if id(f) in cited],
        figure_rows=figure_rows(findings),
        figures_total=sum(len(f.record.figures) for f in findings),
        timeline=sorted((f for f in findings if f.bounds.known), key=lambda f: (f.bounds.sort_key(), f.number)),
        undated=[f for f in findings if not f.bounds.known],
        groups=groups,
        matrix=[row for row in matrix if row.total],
        empty_provisions=[row.provision for row in matrix if not row.total],
        sources=sources,
        source_labels=labels,
        source_counts=dict(Counter(f.source.id for f in findings)),
        provisions=list(validated.catalog.provisions) if validated.catalog else [],
        origins=origins,
        denials=[f for f in findings if f.record.contradicts],
        findings_by_source=grouped(findings, lambda f: f.source.id),
        origins_by_group=grouped(origins, lambda o: o.group),
    )


def grouped(items: list[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """The items by key, each list in the items' order."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def cited_sources(records: list[Record], validated: Validated) -> list[Source]:
    """The sources the brief cites, in register order (their labels S1, S2 ... follow it)."""
    cited = {r.source for r in records}
    return [s for s in validated.sources.values() if s.id in cited]


def build_finding(record: Record, validated: Validated, labels: dict[str, str]) -> Finding:
    source = validated.sources[record.source]
    origin = origin_of(record, validated.origins)
    bounds = event_bounds(record, source)
    checks = [DeadlineCheck(tag.id, d.date, *placement(bounds, d.date)) for tag in record.provisions
              for d in validated.provisions[tag.id].deadlines if d.kind == "conduct"]
    return Finding(
        record=record,
        source=source,
        source_label=labels[source.id],
        match=validated.matches[record.id],
        origin=origin,
        group=validated.groups.get(origin.group) if origin else None,
        bounds=bounds,
        chain_sentence=chain_sentence([display_name(link, validated.origins) for link in record.reporting_chain]),
        citation=citation(source),
        locator=validated.locators[record.id],
        rationale={t.id: t.rationale for t in record.provisions},
        deadline_checks=checks,
        figures=[FigureView(fig, figure_text(fig), fig.date.display() if fig.date else bounds.label())
                 for fig in record.figures],
    )


def display_name(link: str, origins: dict[str, Origin]) -> str:
    """A chain link as the origins register names it (aliases resolve to the registered name)."""
    origin = origins.get(name_key(link))
    return origin.name if origin else link


def number_chapters(findings: list[Finding], validated: Validated) -> list[Chapter]:
    """One chapter per provision with evidence, in catalog order; each finding printed in one chapter only.

    A finding is printed in the chapter of its primary provision (marked, or the first tagged) and numbered
    there, 1.1, 1.2 ..., in order of when the event can have happened; other chapters list it by number.
    """
    order = list(validated.catalog.provisions) if validated.catalog else []
    chapters: list[Chapter] = []
    for provision in order:
        home = [f for f in findings if f.record.primary_provision == provision.id]
        elsewhere = [f for f in findings if provision.id in f.rationale and f.record.primary_provision != provision.id]
        if not home and not elsewhere:
            continue
        chapter = Chapter(len(chapters) + 1, provision, sorted(home, key=finding_order), [])
        for index, finding in enumerate(chapter.findings, start=1):
            finding.number, finding.chapter = f"{chapter.number}.{index}", chapter
        chapters.append(chapter)
    by_provision = {c.provision.id: c for c in chapters}
    for finding in findings:
        for provision_id, rationale in finding.rationale.items():
            if provision_id != finding.record.primary_provision and provision_id in by_provision:
                by_provision[provision_id].references.append(CrossReference(finding, rationale))
    for chapter in chapters:
        chapter.references.sort(key=lambda r: number_key(r.finding.number))
    return chapters


def number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".") if part.isdigit())


def finding_order(finding: Finding) -> tuple[tuple[dt.date, dt.date], str]:
    """When the event can have happened (undated last), then id for a stable order."""
    return (finding.bounds.sort_key(), finding.id)


def link_findings(findings: list[Finding]) -> None:
    """Each related finding once per finding, with the direction and whether the two share an origin group."""
    by_id = {f.id: f for f in findings}
    relations: dict[str, dict[str, str]] = defaultdict(dict)

    def relate(a: str, b: str, forward: str, backward: str) -> None:
        if b not in by_id or a == b:
            return
        mutual = relations[a].get(b) == backward
        relations[a][b] = "corroborate each other" if mutual and forward == "corroborates" else forward
        relations[b][a] = "corroborate each other" if mutual and forward == "corroborates" else backward

    for finding in findings:
        for target in finding.record.corroborates:
            relate(finding.id, target, "corroborates", "is corroborated by")
        for target in finding.record.contradicts:
            relate(finding.id, target, "disputes", "is disputed by")
    for finding in findings:
        finding.related = sorted(
            (Related(by_id[other], relation, finding.group is not None and by_id[other].group == finding.group)
             for other, relation in relations[finding.id].items()),
            key=lambda r: number_key(r.finding.number))


def judgement_views(validated: Validated, findings: list[Finding]) -> list[JudgementView]:
    by_id = {f.id: f for f in findings}
    records = {f.id: f.record for f in findings}
    contradicted_by: dict[str, list[str]] = defaultdict(list)
    for record in validated.records:
        for target in record.contradicts:
            contradicted_by[target].append(record.id)
    views: list[JudgementView] = []
    for judgement in validated.judgements:
        cited = [by_id[i] for i in judgement.rests_on if i in by_id]
        if not cited:
            continue  # a focused brief that leaves out everything the judgement rests on leaves it out too
        support = judgement_support(judgement, records, validated.sources, validated.origins, contradicted_by)
        views.append(JudgementView(
            number=f"KJ{len(views) + 1}",
            judgement=judgement,
            findings=sorted(cited, key=lambda f: number_key(f.number)),
            outside=len(judgement.rests_on) - len(cited),
            support=support,
            group_names=[validated.groups[g].name for g in support.groups if g in validated.groups],
            warnings=outruns(judgement.confidence, support),
            disputed_by=[by_id[i] for i in support.disputed_by if i in by_id],
        ))
    return views


def groups_in_use(findings: list[Finding]) -> list[OriginGroup]:
    return by_name([f.group for f in findings])


def origins_in_use(findings: list[Finding]) -> list[Origin]:
    return by_name([f.origin for f in findings])


def by_name(items: list[N | None]) -> list[N]:
    """Each registered origin or group once (the first seen of an id), in alphabetical order of name."""
    seen: dict[str, N] = {}
    for item in items:
        if item is not None:
            seen.setdefault(item.id, item)
    return sorted(seen.values(), key=lambda item: item.name.casefold())


def provision_summary(chapter: Chapter) -> ProvisionSummary:
    findings = chapter.all_findings
    ranked = sorted(findings, key=lambda f: grade_key(f.record))
    groups = {f.group.id for f in findings if f.group is not None}
    dated = [f for f in findings if f.bounds.known]
    last = max(dated, key=lambda f: (f.bounds.latest or dt.date.max, f.bounds.earliest or dt.date.min), default=None)
    return ProvisionSummary(chapter, len(findings), len(groups), ranked[0].grade, ranked[-1].grade,
                            last.bounds.label() if last else "date unknown")


SERIES_ORDER = ("people", "border crossings", "announced plans", "money", "other")


def series_of(figure: Figure) -> str:
    return "announced plans" if figure.plan else figure.measure


def figure_rows(findings: list[Finding]) -> list[FigureRow]:
    """Every figure, grouped by what it counts; one row for the same number from the same origin group."""
    rows: dict[tuple[str, str, float, float | None, str], FigureRow] = {}
    for finding in findings:
        for view in finding.figures:
            fig = view.figure
            group = finding.group.name if finding.group else finding.record.origin
            key = (series_of(fig), group, fig.quantity if fig.quantity is not None else -1.0, fig.quantity_max,
                   fig.written or fig.unit)
            if key in rows:
                rows[key].findings.append(finding)
            else:
                rows[key] = FigureRow(view, series_of(fig), [finding], group)
    return sorted(rows.values(), key=lambda r: (SERIES_ORDER.index(r.series), number_key(r.findings[0].number)))


def origin_matrix(chapters: list[Chapter], groups: list[OriginGroup], validated: Validated) -> list[MatrixRow]:
    """Every catalogued provision against every independent origin group: findings and the best grade."""
    chapter_of = {c.provision.id: c for c in chapters}
    rows = []
    for provision in validated.catalog.provisions if validated.catalog else []:
        chapter = chapter_of.get(provision.id)
        cells = []
        for group in groups:
            tagged = [f for f in chapter.all_findings if f.group and f.group.id == group.id] if chapter else []
            best = min(tagged, key=lambda f: grade_key(f.record)).grade if tagged else None
            cells.append((len(tagged), best))
        rows.append(MatrixRow(provision, cells, chapter))
    return rows


def chain_sentence(chain: list[str]) -> str:
    """'The Kyiv Independent reports, citing The Wall Street Journal, which cites South Korean intelligence'."""
    words = wording().chain
    reporter, *relays = list(reversed(chain))
    if not relays:
        return words.alone.format(reporter=reporter)
    sentence = words.first.format(reporter=reporter, relay=relays[0])
    for link in relays[1:]:
        sentence += words.further.format(relay=link)
    return sentence


def citation(source: Source) -> str:
    authors = ", ".join(source.authors) if source.authors else "No byline in capture"
    title = f"“{source.title}”" if source.title else "untitled"
    text = f"{authors}, {title}, {source.outlet}, {display_date(source.published)}"
    if source.original:
        text += f"; republishing {source.original.outlet}"
        if source.original.title:
            text += f", “{source.original.title}”"
    return text


def figure_text(figure: Figure) -> str:
    """'about 15,000 workers', '60,000–70,000 rubles', 'thousands of workers' (as written); a derivation said."""
    def number(value: int | float) -> str:
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")

    qualifier = "" if figure.qualifier == "exactly" else figure.qualifier + " "
    if figure.quantity is None:
        return f"{qualifier}{figure.written} {figure.unit}"
    amount = number(figure.quantity)
    if figure.quantity_max is not None:
        amount += f"–{number(figure.quantity_max)}"
    derived = f" (derived: {figure.derived})" if figure.derived else ""
    return f"{qualifier}{amount} {figure.unit}{derived}"


def latest_publication(sources: list[Source]) -> PartialDate | None:
    """The most recent date a cited source establishes for itself (an open end counts from its start)."""
    dated = [s.published for s in sources if s.published is not None]
    return max(dated, key=lambda d: (d.latest or dt.date.max, d.earliest or dt.date.min)) if dated else None


def creation_date(dates: list[PartialDate | None], source_date_epoch: int | None) -> str:
    """The document date for metadata: SOURCE_DATE_EPOCH if set, else the latest full date in the data.

    Never the wall clock, so the same inputs give the same bytes.
    """
    if source_date_epoch is not None:
        return dt.datetime.fromtimestamp(source_date_epoch, dt.UTC).date().isoformat()
    full = sorted(d.text for d in dates if d is not None and d.precision == "day")
    return full[-1] if full else "2017-12-22"  # adoption of resolution 2397: fixed, never the clock
