"""`dossier stats`: what the evidence base holds, counted as the brief would group it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..dates import PartialDate, latest
from ..models import provision_sort_key
from ..validate import Validated
from .markdown import md, plural


@dataclass
class Stats:
    records: int
    by_provision: list[tuple[str, str, int]]  # id, title, records
    by_source: list[tuple[str, str, int]]  # id, outlet, records
    by_grade: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    earliest: PartialDate | None
    latest: PartialDate | None
    undated: int
    published: list[PartialDate]  # the publication dates the register knows, in order
    sources: int


def evidence_stats(validated: Validated) -> Stats:
    """Counts over the records that load; tags, sources and grades as the brief would group them."""
    records = validated.records
    tags = Counter(tag.id for record in records for tag in record.provisions)
    catalog_order = list(validated.provisions)
    provisions = sorted(tags, key=lambda p: (catalog_order.index(p) if p in catalog_order else len(catalog_order),
                                             provision_sort_key(p)))
    per_source = Counter(record.source for record in records)
    sources = list(validated.sources) + sorted(s for s in per_source if s not in validated.sources)
    dates = sorted((r.event.date for r in records if r.event.date), key=lambda d: d.text)
    published = sorted((s.published for s in validated.sources.values() if s.published), key=lambda d: d.text)
    return Stats(
        records=len(records),
        by_provision=[(p, validated.provisions[p].title if p in validated.provisions else "(not catalogued)",
                       tags[p]) for p in provisions],
        by_source=[(s, validated.sources[s].outlet if s in validated.sources else "(not registered)",
                    per_source[s]) for s in sources],
        by_grade=sorted(Counter(r.grading.code for r in records).items()),
        by_status=sorted(Counter(r.status for r in records).items()),
        earliest=dates[0] if dates else None,
        latest=latest(list(dates)),
        undated=len(records) - len(dates),
        published=published,
        sources=len(validated.sources),
    )


def table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """A Markdown table padded into columns, so it reads as well in a terminal as in a pull request."""
    cells = [tuple(str(c) for c in header)] + [tuple(md(c) if not isinstance(c, int) else str(c) for c in row)
                                               for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        padded = (c.rjust(w) if c.isdigit() else c.ljust(w) for c, w in zip(row, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def span(first: PartialDate | None, last: PartialDate | None) -> str:
    """'from March 2023 to 2025'; 'in 2025' or 'on 13 December 2023' when both ends are the same date."""
    if first is None or last is None:
        return "unknown"
    if first == last:
        return f"{'on' if first.precision == 'day' else 'in'} {first.display()}"
    return f"from {first.display()} to {last.display()}"


def stats_markdown(stats: Stats) -> str:
    undated = f"; {plural(stats.undated, 'record')} without an event date" if stats.undated else ""
    events = (f"Events {span(stats.earliest, stats.latest)}{undated}." if stats.earliest
              else f"No dated events{undated}.")
    published = (f"Publication dates known for {len(stats.published)} of {plural(stats.sources, 'source')}"
                 + (f", {span(stats.published[0], latest(list(stats.published)))}." if stats.published else "."))
    return "\n\n".join([
        f"## Evidence statistics: {plural(stats.records, 'record')}",
        f"{events} {published}",
        "### Per provision (a record may bear on several)\n\n"
        + table(("Provision", "Title", "Records"), stats.by_provision),
        "### Per source\n\n" + table(("Source", "Outlet", "Records"), stats.by_source),
        "### Per grade (reliability A-F, credibility 1-6)\n\n" + table(("Grade", "Records"), stats.by_grade),
        "### Per status\n\n" + table(("Status", "Records"), stats.by_status),
    ]) + "\n"
