"""Assemble the Dossier: the view model of the brief, derived entirely from validated data.

Everything a reader sees that is computed (counts, date ranges, headline
figures, independence notes, deadline notes) is computed here, so the
templates only lay it out and every sentence can be traced to records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .dates import PartialDate, display_date, latest
from .models import Figure, Provision, Record, Source
from .passage import PassageMatch
from .validate import Validated
from .wording import wording


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


@dataclass(frozen=True)
class Link:
    """A reference from one finding to another record, with a note where they are not independent."""

    id: str
    title: str
    shared_origin: str | None


@dataclass
class Finding:
    record: Record
    source: Source
    match: PassageMatch
    chain_sentence: str
    citation: str
    corroborates: list[Link]  # records this one supports
    corroborated_by: list[Link]  # records that support this one
    contradicts: list[Link]  # records this one disputes
    contradicted_by: list[Link]  # records that dispute this one
    deadline_notes: dict[str, str]  # provision id -> note
    rationale: dict[str, str]  # provision id -> rationale

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
        return display_date(self.record.event.date)

    @property
    def figures(self) -> list[str]:
        return [figure_text(f) for f in self.record.figures]

    @property
    def independence_notes(self) -> list[str]:
        """One note per corroborating record that shares this record's origin (in either direction)."""
        seen: dict[str, Link] = {}
        for link in self.corroborates + self.corroborated_by:
            if link.shared_origin:
                seen.setdefault(link.id, link)
        pattern = wording().same_origin
        return [pattern.format(title=link.title, id=link.id, origin=link.shared_origin) for link in seen.values()]


@dataclass
class Chapter:
    number: int
    provision: Provision
    findings: list[Finding]

    @property
    def anchor(self) -> str:
        return "provision-" + self.provision.id.lower().replace("(", "-").replace(")", "")


@dataclass(frozen=True)
class TimelineEntry:
    date: PartialDate | None
    finding: Finding


@dataclass
class MatrixRow:
    provision: Provision
    counts: list[int]  # per source, in register order
    chapter: Chapter | None

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class HeadlineFigure:
    text: str
    finding: Finding


@dataclass
class Dossier:
    title: str
    subtitle: str
    marking: str
    cutoff: PartialDate | None
    cutoff_declared: bool  # from brief.yaml, or derived as the latest date the evidence establishes
    version: str
    created: str  # ISO date for document metadata, from the data
    selection: Selection
    findings: list[Finding]
    chapters: list[Chapter]
    timeline: list[TimelineEntry]
    undated: list[Finding]
    matrix: list[MatrixRow]
    sources: list[Source]
    source_counts: dict[str, int]
    provisions: list[Provision]
    reliability_scale: dict[str, str] = field(default_factory=lambda: dict(wording().reliability))
    credibility_scale: dict[str, str] = field(default_factory=lambda: dict(wording().credibility))
    headline_figures: list[HeadlineFigure] = field(default_factory=list)
    figures_total: int = 0
    strongest: list[Finding] = field(default_factory=list)
    denials: list[Finding] = field(default_factory=list)

    @property
    def drafts(self) -> int:
        return sum(f.record.status == "draft" for f in self.findings)

    @property
    def date_range(self) -> tuple[str, str] | None:
        dated = [e.date for e in self.timeline if e.date]
        return (dated[0].display(), dated[-1].display()) if dated else None

    @property
    def origins(self) -> int:
        return len({f.record.origin.casefold() for f in self.findings})

    @property
    def home_chapters(self) -> dict[str, str]:
        """Record id -> the provision of the first chapter it appears in, where its stable anchor goes."""
        home: dict[str, str] = {}
        for chapter in self.chapters:
            for finding in chapter.findings:
                home.setdefault(finding.id, chapter.provision.id)
        return home


# --- Assembly ----------------------------------------------------------------


def assemble(validated: Validated, selection: Selection = Selection(), source_date_epoch: int | None = None) -> Dossier:
    """Build the brief's view model from a validated evidence base (which must have no errors)."""
    if not validated.ok:
        raise ValueError("refusing to assemble a brief from invalid evidence")
    records = [r for r in validated.records if selection.admits(r)]
    by_id = {r.id: r for r in validated.records}
    backlinks = BackLinks.index(validated.records)
    findings = [build_finding(r, validated, by_id, backlinks) for r in records]
    chapters = group_by_provision(findings, validated)
    timeline = sorted((TimelineEntry(f.record.event.date, f) for f in findings if f.record.event.date),
                      key=lambda e: (e.date.text if e.date else "", e.finding.id))
    undated = [f for f in findings if not f.record.event.date]
    source_counts = Counter(f.source.id for f in findings)
    cited = [s for s in validated.sources.values() if s.id in source_counts]
    matrix = evidence_matrix(findings, cited, chapters, validated)
    settings = validated.settings
    declared = settings.evidence_cutoff if settings else None
    sources = list(validated.sources.values())
    cutoff = declared or latest([s.published for s in sources] + [r.event.date for r in validated.records])
    cover = wording().cover
    return Dossier(
        title=settings.title if settings else cover.title,
        subtitle=settings.subtitle if settings else cover.subtitle,
        marking=settings.marking if settings else cover.marking,
        cutoff=cutoff,
        cutoff_declared=declared is not None,
        version=validated.version,
        created=creation_date([cutoff] + [s.published for s in sources], source_date_epoch),
        selection=selection,
        findings=findings,
        chapters=chapters,
        timeline=timeline,
        undated=undated,
        matrix=matrix,
        sources=cited,
        source_counts={s.id: source_counts[s.id] for s in cited},
        provisions=list(validated.catalog.provisions) if validated.catalog else [],
        headline_figures=headline_figures(findings),
        figures_total=sum(len(f.record.figures) for f in findings),
        strongest=strongest_findings(findings),
        denials=[f for f in findings if f.contradicts],
    )


@dataclass(frozen=True)
class BackLinks:
    """Who points at whom: computed once, so linking n records costs n, not n squared."""

    corroborated_by: dict[str, list[str]]
    contradicted_by: dict[str, list[str]]

    @classmethod
    def index(cls, records: list[Record]) -> BackLinks:
        corroborated_by: dict[str, list[str]] = defaultdict(list)
        contradicted_by: dict[str, list[str]] = defaultdict(list)
        for record in records:
            for target in record.corroborates:
                corroborated_by[target].append(record.id)
            for target in record.contradicts:
                contradicted_by[target].append(record.id)
        return cls(dict(corroborated_by), dict(contradicted_by))


def evidence_matrix(findings: list[Finding], cited: list[Source], chapters: list[Chapter],
                    validated: Validated) -> list[MatrixRow]:
    """Every catalogued provision against every cited source; provisions without evidence stay as empty rows."""
    counts = Counter((pid, f.source.id) for f in findings for pid in f.rationale)
    chapter_of = {c.provision.id: c for c in chapters}
    provisions = validated.catalog.provisions if validated.catalog else []
    return [MatrixRow(p, [counts[(p.id, s.id)] for s in cited], chapter_of.get(p.id)) for p in provisions]


def build_finding(record: Record, validated: Validated, by_id: dict[str, Record], backlinks: BackLinks) -> Finding:
    source = validated.sources[record.source]
    return Finding(
        record=record,
        source=source,
        match=validated.matches[record.id],
        chain_sentence=chain_sentence(record.reporting_chain),
        citation=citation(source),
        corroborates=links(record, record.corroborates, by_id),
        corroborated_by=links(record, backlinks.corroborated_by.get(record.id, []), by_id),
        contradicts=links(record, record.contradicts, by_id),
        contradicted_by=links(record, backlinks.contradicted_by.get(record.id, []), by_id),
        deadline_notes={t.id: deadline_note(record, validated.provisions[t.id], source) for t in record.provisions
                        if any(d.kind == "conduct" for d in validated.provisions[t.id].deadlines)},
        rationale={t.id: t.rationale for t in record.provisions},
    )


def links(record: Record, ids: list[str], by_id: dict[str, Record]) -> list[Link]:
    """Links to related records, noting where a related record starts from the same origin."""
    out = []
    for other_id in sorted(set(ids)):
        other = by_id[other_id]
        shared = other.origin if other.origin.casefold() == record.origin.casefold() else None
        out.append(Link(other.id, other.title, shared))
    return out


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


def deadline_note(record: Record, provision: Provision, source: Source) -> str:
    """How the reported event relates to the provision's deadlines, at the precision the dates allow."""
    words = wording().deadline
    notes = []
    for deadline in (d for d in provision.deadlines if d.kind == "conduct"):
        date = record.event.date
        when = deadline.date.display()
        if date is None:
            note = words.undated.format(deadline=when)
            if source.published and source.published.is_after(deadline.date):
                note += words.undated_report_after.format(published=source.published.display())
            notes.append(note + ".")
        elif date.is_after(deadline.date):
            notes.append(words.after.format(event=date.display(), deadline=when))
        elif date.is_before(deadline.date):
            notes.append(words.before.format(event=date.display(), deadline=when))
        else:
            notes.append(words.too_coarse.format(event=date.display(), deadline=when))
    return " ".join(notes)


def group_by_provision(findings: list[Finding], validated: Validated) -> list[Chapter]:
    """One chapter per catalogued provision that has evidence, in catalog order; findings in date order."""
    chapters: list[Chapter] = []
    order = list(validated.catalog.provisions) if validated.catalog else []
    for provision in order:
        tagged = [f for f in findings if provision.id in f.rationale]
        if tagged:
            tagged.sort(key=finding_order)
            chapters.append(Chapter(len(chapters) + 1, provision, tagged))
    return chapters


def finding_order(finding: Finding) -> tuple[bool, str, str, str]:
    """Date order, undated last (then by publication date), then id for a stable order."""
    date, published = finding.record.event.date, finding.source.published
    return (date is None, date.text if date else "", published.text if published else "", finding.id)


def headline_figures(findings: list[Finding], limit: int = 10) -> list[HeadlineFigure]:
    """The figures of the best-graded findings, shown in date order: a summary a reader can take in.

    The template says when this is fewer than all figures; every figure still appears with its finding.
    """
    graded = sorted(
        ((finding, figure) for finding in findings for figure in finding.record.figures),
        key=lambda pair: (pair[0].record.status != "reviewed", pair[0].record.grading.reliability,
                          pair[0].record.grading.credibility, finding_order(pair[0])),
    )[:limit]
    graded.sort(key=lambda pair: finding_order(pair[0]))
    return [HeadlineFigure(figure_text(figure), finding) for finding, figure in graded]


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


def strongest_findings(findings: list[Finding], limit: int = 5) -> list[Finding]:
    """Reviewed findings with the best grades first (reliability, then credibility)."""
    ranked = sorted(findings, key=lambda f: (f.record.status != "reviewed", f.record.grading.reliability,
                                             f.record.grading.credibility, f.id))
    return ranked[:limit]


def creation_date(dates: list[PartialDate | None], source_date_epoch: int | None) -> str:
    """The document date for metadata: SOURCE_DATE_EPOCH if set, else the latest full date in the data.

    Never the wall clock, so the same inputs give the same bytes.
    """
    import datetime as dt

    if source_date_epoch is not None:
        return dt.datetime.fromtimestamp(source_date_epoch, dt.UTC).date().isoformat()
    full = sorted(d.text for d in dates if d is not None and d.precision == "day")
    return full[-1] if full else "2017-12-22"  # adoption of resolution 2397: fixed, never the clock
