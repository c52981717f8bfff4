"""The brief's three charts, drawn from the assembled Dossier with dossier/charts.py.

- a timeline from the adoption of resolution 2397 (2017) to the latest source, with the conduct
  deadlines marked, every finding drawn as a point or a range by the days it can have happened;
- reported figures over time, one panel per kind (people, border crossings, announced plans, money),
  each number drawn once per origin group;
- provisions against independent origin groups, shaded by the best grade.

Only the data is chosen here; charts.py draws, and the templates place the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .assemble import Dossier, Finding
from .charts import Chart, FigurePoint, HeatCell, Marker, TimelineEvent, figures_svg, heatmap_svg, timeline_svg

WIDTH_MM = 168  # the A4 page less print.css's margins (210 - 22 - 20)
ADOPTED = dt.date(2017, 12, 22)  # resolution 2397 (2017); the catalog's own date is used when it has one


@dataclass(frozen=True)
class BriefCharts:
    timeline: Chart | None
    figures: Chart | None
    heatmap: Chart | None


def brief_charts(dossier: Dossier) -> BriefCharts:
    return BriefCharts(timeline_chart(dossier), figures_chart(dossier), heatmap_chart(dossier))


def _span(finding: Finding) -> tuple[dt.date | None, dt.date | None]:
    return finding.bounds.earliest, finding.bounds.latest


def timeline_chart(dossier: Dossier) -> Chart | None:
    events = [TimelineEvent(f.number, f.record.title, *_span(f), f.grade, f"#{f.id}") for f in dossier.timeline]
    if not events:
        return None
    markers = [Marker(ADOPTED, "Resolution 2397 adopted")]
    for provision in dossier.provisions:
        for deadline in provision.deadlines:
            if deadline.kind == "conduct" and deadline.date.earliest and any(
                    c.provision.id == provision.id for c in dossier.chapters):
                markers.append(Marker(deadline.date.earliest, f"{provision.id} deadline"))
    bounds = [day for f in dossier.timeline for day in _span(f) if day is not None]
    latest_source = dossier.latest_source.earliest if dossier.latest_source else None
    end = max([*bounds, *([latest_source] if latest_source else []), ADOPTED + dt.timedelta(days=365)])
    start = min([*bounds, ADOPTED])
    return timeline_svg(events, markers, start, end, "Reported events, from the adoption of resolution 2397 (2017)",
                        width_mm=WIDTH_MM, id_prefix="chart-timeline")


def figures_chart(dossier: Dossier) -> Chart | None:
    points = []
    for row in dossier.figure_rows:
        figure, first = row.view.figure, row.findings[0]
        if figure.quantity is None or row.series not in ("people", "border crossings", "announced plans", "money"):
            continue
        earliest, latest = (figure.date.earliest, figure.date.latest) if figure.date else _span(first)
        label = ", ".join(f.number for f in row.findings)
        points.append(FigurePoint(label, first.record.title, f"#{first.id}", earliest, latest, float(figure.quantity),
                                  float(figure.quantity_max) if figure.quantity_max is not None else None,
                                  row.series, row.view.text))  # type: ignore[arg-type]
    if not points:
        return None
    return figures_svg(points, "Figures the sources give, by what they count", width_mm=WIDTH_MM,
                       id_prefix="chart-figures")


def heatmap_chart(dossier: Dossier) -> Chart | None:
    if not dossier.matrix or not dossier.groups:
        return None
    rows = [row.provision.id for row in dossier.matrix]
    titles = [row.provision.title for row in dossier.matrix]
    columns = [f"G{index}" for index in range(1, len(dossier.groups) + 1)]
    cells = [[HeatCell(best, count) for count, best in row.cells] for row in dossier.matrix]
    return heatmap_svg(rows, titles, columns, [g.name for g in dossier.groups], cells,
                       "Findings by provision and independent origin group, shaded by the best grade",
                       width_mm=WIDTH_MM, id_prefix="chart-heatmap")
