"""Charts: deterministic, valid, accessible SVG that stays inside its box and renders cleanly in WeasyPrint."""

from __future__ import annotations

import hashlib
import io
import logging
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from dossier import charts
from dossier.charts import (
    GRADE_COLOURS,
    PT_PER_MM,
    Chart,
    FigurePoint,
    HeatCell,
    Marker,
    TimelineEvent,
    figures_svg,
    heatmap_svg,
    set_width,
    timeline_svg,
    when_text,
)
from dossier.resources import template_folder

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(\"x\")</script> & 'quoted' \"double\" ]]> <!-- -->"
START, END = date(2017, 12, 22), date(2026, 11, 23)
MARKERS = [Marker(date(2017, 12, 22), "Resolution 2397 adopted"), Marker(date(2019, 12, 22), "OP8 deadline")]


def event(label: str, earliest: date | None, latest: date | None, grade: str = "C3", title: str = "") -> TimelineEvent:
    return TimelineEvent(label, title or f"Finding {label}", earliest, latest, grade, f"#record-{label.replace('.', '-')}")


EVENTS = [
    event("1.1", date(2024, 3, 5), date(2024, 3, 5), "B2", "Workers arrive in Vladivostok"),
    event("1.2", date(2024, 3, 1), date(2024, 3, 31), "C3"),
    event("1.3", date(2023, 1, 1), date(2023, 12, 31), "A1"),
    event("1.4", date(2023, 9, 1), None, "D4", "Transfers after the September meeting"),
    event("1.5", None, date(2019, 6, 30), "E5"),
    event("1.6", date(2016, 1, 1), date(2018, 12, 31), "F6", "Began before the resolution"),
    event("2.1", date(2026, 11, 23), date(2026, 11, 23), "B2", "On the last day"),
    event("2.2", date(2017, 12, 22), date(2017, 12, 22), "C2", "On the first day"),
    event("2.3", None, None, "C3", "Undated statement"),
    event("2.4", date(2025, 1, 1), date(2025, 12, 31), "B3"),
    event("2.5", date(2025, 4, 1), date(2025, 4, 30), "B3"),
    event("2.6", date(2025, 4, 1), date(2025, 4, 30), "C3"),
]


def point(label: str, series: charts.Series, value: float, value_max: float | None = None,
          earliest: date | None = date(2024, 1, 1), latest: date | None = date(2024, 12, 31)) -> FigurePoint:
    return FigurePoint(label, f"Figure {label}", f"#fig-{label}", earliest, latest, value, value_max, series,
                       f"about {value:,.0f}")


POINTS = [
    point("1.1", "people", 15000, earliest=date(2024, 3, 5), latest=date(2024, 3, 5)),
    point("1.2", "people", 150, earliest=date(2023, 1, 1), latest=date(2023, 12, 31)),
    point("1.3", "people", 12000, 15000, earliest=date(2024, 6, 1), latest=None),
    point("1.4", "people", 3000, earliest=None, latest=None),
    point("2.1", "border crossings", 7887),
    point("2.2", "border crossings", 13221, earliest=date(2023, 1, 1), latest=date(2023, 12, 31)),
    point("3.1", "announced plans", 60000, 70000, earliest=None, latest=None),
    point("3.2", "announced plans", 1_000_000, earliest=date(2025, 1, 1), latest=date(2025, 12, 31)),
    point("4.1", "money", 500_000_000, earliest=date(2022, 1, 1), latest=None),
]

ROWS = ["2397-OP8", "2375-OP17", "2321-OP34", "Other provisions (20)"]
ROW_TITLES = ["Workers abroad", "Work authorisations", "Cooperation", "20 provisions with no finding"]


def heat(columns: int, seed: int = 7) -> tuple[list[str], list[str], list[list[HeatCell]]]:
    names = [f"G{i + 1}" for i in range(columns)]
    titles = [f"Origin group {i + 1}" for i in range(columns)]
    cells = []
    for r in range(len(ROWS)):
        row = []
        for c in range(columns):
            k = (r * 31 + c * 17 + seed) % 11
            row.append(HeatCell(f"{'ABCDEF'[k % 6]}{k % 6 + 1}", k % 3 + 1) if r < 3 and k < 6 else HeatCell(None, 0))
        cells.append(row)
    return names, titles, cells


def timeline() -> Chart:
    return timeline_svg(EVENTS, MARKERS, START, END, "Timeline of findings")


def figures() -> Chart:
    return figures_svg(POINTS, "Reported figures over time")


def heatmap(columns: int = 16) -> Chart:
    names, titles, cells = heat(columns)
    return heatmap_svg(ROWS, ROW_TITLES, names, titles, cells, "Provisions against origin groups")


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def viewbox(root: ET.Element) -> tuple[float, float]:
    x, y, w, h = (float(v) for v in root.attrib["viewBox"].split())
    assert (x, y) == (0, 0)
    return w, h


# --- determinism, validity ------------------------------------------------------------------------


def test_same_input_gives_byte_identical_svg() -> None:
    for build in (timeline, figures, heatmap, lambda: heatmap(1000)):
        first, second = build(), build()
        assert first.svg == second.svg and first == second


def test_identical_in_another_process_with_another_hash_seed() -> None:
    code = ("import hashlib, tests.test_charts as t; "
            "print(hashlib.sha256((t.timeline().svg + t.figures().svg + t.heatmap(1000).svg).encode()).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parent.parent).stdout.strip()
    assert out == hashlib.sha256((timeline().svg + figures().svg + heatmap(1000).svg).encode()).hexdigest()


@pytest.mark.parametrize("build", [timeline, figures, heatmap], ids=["timeline", "figures", "heatmap"])
def test_valid_self_contained_accessible_svg(build: object) -> None:
    assert callable(build)
    chart = build()
    assert chart.svg.startswith("<svg ") and not chart.svg.startswith("<?xml")
    root = parse(chart)
    assert root.tag == SVG + "svg" and root.attrib["role"] == "img"
    assert re.fullmatch(r"\d+(\.\d+)?mm", root.attrib["width"]) and re.fullmatch(r"\d+(\.\d+)?mm", root.attrib["height"])
    w, h = viewbox(root)
    assert w == pytest.approx(170 * PT_PER_MM, abs=0.01)
    assert h == pytest.approx(float(root.attrib["height"][:-2]) * PT_PER_MM, abs=0.02)
    title_id, desc_id = root.attrib["aria-labelledby"].split()
    by_id = {e.attrib["id"]: e for e in root.iter() if "id" in e.attrib}
    assert by_id[title_id].tag == SVG + "title" and by_id[desc_id].tag == SVG + "desc"
    assert by_id[desc_id].text == chart.alt
    assert "Source Sans Pro" in root.attrib["font-family"]
    tags = {e.tag.removeprefix(SVG) for e in root.iter()}
    assert tags <= {"svg", "title", "desc", "g", "rect", "circle", "line", "path", "polygon", "text"}
    for element in root.iter():
        for name, value in element.attrib.items():
            assert "url(" not in value and "://" not in value, (name, value)
            assert not name.startswith("{http://www.w3.org/1999/xlink}") and name != "href"
    assert "text-anchor" not in chart.svg  # positioned from the font instead: WeasyPrint's anchored text is bulky


def test_text_is_never_smaller_than_8_5_pt() -> None:
    for chart in (timeline(), figures(), heatmap(), heatmap(1000)):
        root = parse(chart)
        scale = viewbox(root)[0] / (float(root.attrib["width"][:-2]) * PT_PER_MM)  # user units per pt
        sizes = [float(e.attrib.get("font-size", root.attrib["font-size"])) for e in root.iter(SVG + "text")]
        assert sizes and min(sizes) / scale >= 8.5 - 1e-4  # the viewBox is written to 0.01 pt


def test_ids_are_prefixed_and_distinct_between_charts() -> None:
    ids = [e.attrib["id"] for chart in (timeline(), figures(), heatmap()) for e in parse(chart).iter() if "id" in e.attrib]
    assert len(ids) == len(set(ids)) == 6
    named = timeline_svg(EVENTS, MARKERS, START, END, "T", id_prefix="brief timeline")
    assert 'id="brief-timeline-title"' in named.svg


# --- geometry -----------------------------------------------------------------------------------------


def extents(root: ET.Element) -> list[tuple[str, float, float, float, float]]:
    """Every drawn element's box (tag, x0, y0, x1, y1), from its attributes and the font's widths."""
    default_size = float(root.attrib["font-size"])
    boxes = []
    for e in root.iter():
        tag, a = e.tag.removeprefix(SVG), e.attrib
        half = float(a.get("stroke-width", 0)) / 2 if a.get("stroke") else 0
        if tag == "rect":
            x, y, w, h = (float(a[k]) for k in ("x", "y", "width", "height"))
            assert w >= 0 and h >= 0
            boxes.append((tag, x - half, y - half, x + w + half, y + h + half))
        elif tag == "circle":
            cx, cy, r = float(a["cx"]), float(a["cy"]), float(a["r"]) + half
            boxes.append((tag, cx - r, cy - r, cx + r, cy + r))
        elif tag == "line":
            ends_x, ends_y = (float(a["x1"]), float(a["x2"])), (float(a["y1"]), float(a["y2"]))
            boxes.append((tag, min(ends_x), min(ends_y), max(ends_x), max(ends_y)))
        elif tag == "polygon":
            pts = [tuple(float(v) for v in p.split(",")) for p in a["points"].split()]
            boxes.append((tag, min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts),
                          max(p[1] for p in pts)))
        elif tag == "path":
            x = y = 0.0
            path_x: list[float] = []
            path_y: list[float] = []
            for command, args in re.findall(r"([MLHV])([^MLHV]*)", a["d"]):
                nums = [float(v) for v in args.split()]
                if command in "ML":
                    x, y = nums
                elif command == "H":
                    x = nums[0]
                else:
                    y = nums[0]
                path_x.append(x)
                path_y.append(y)
            boxes.append((tag, min(path_x), min(path_y), max(path_x), max(path_y)))
        elif tag == "text":
            size = float(a.get("font-size", default_size))
            weight = int(a.get("font-weight", 400))
            text = e.text or ""
            xs = [float(v) for v in a["x"].split()]
            y = float(a["y"])
            if len(xs) > 1:
                assert len(xs) == len(text)
                right = max(x + set_width(ch, size, weight) for x, ch in zip(xs, text, strict=True))
                boxes.append((tag, min(xs), y - 0.8 * size, right, y + 0.25 * size))
            elif "transform" in a:
                assert a["transform"] == f"rotate(-90 {a['x']} {a['y']})"
                width = set_width(text, size, weight)
                boxes.append((tag, xs[0] - 0.8 * size, y - width, xs[0] + 0.25 * size, y))
            else:
                width = set_width(text, size, weight)
                boxes.append((tag, xs[0], y - 0.8 * size, xs[0] + width, y + 0.25 * size))
    return boxes


def assert_inside(chart: Chart) -> None:
    root = parse(chart)
    w, h = viewbox(root)
    boxes = extents(root)
    assert len(boxes) > 10
    for tag, x0, y0, x1, y1 in boxes:
        assert x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h, (tag, x0, y0, x1, y1, w, h)


LONG = "A very long label " * 8


@pytest.mark.parametrize("width_mm", [170, 100])
def test_nothing_overflows_the_viewbox(width_mm: float) -> None:
    long_events = EVENTS + [
        event("9.99", None, date(2030, 1, 1), "A1", LONG),  # open on the left, beyond on the right
        TimelineEvent(LONG, LONG, date(2026, 10, 1), date(2026, 11, 1), "B2", "#x"),  # long label near the edge
        event("9.98", date(2010, 1, 1), date(2011, 1, 1), "C3"),  # entirely before the axis
    ]
    markers = MARKERS + [Marker(date(2026, 11, 1), LONG), Marker(date(2026, 11, 20), "Cut-off"),
                         Marker(date(2030, 1, 1), "Outside")]
    assert_inside(timeline_svg(long_events, markers, START, END, LONG, width_mm=width_mm))
    assert_inside(timeline_svg(EVENTS[:3], [], date(2024, 1, 1), date(2024, 6, 30), "Months", width_mm=width_mm))
    assert_inside(figures_svg(POINTS + [point("5.5", "money", 3.5e12), point("5.6", "money", 0.5)], LONG,
                              width_mm=width_mm))
    names, titles, cells = heat(16)
    assert_inside(heatmap_svg([LONG, *ROWS[1:]], ROW_TITLES, [LONG, *names[1:]], titles, cells, LONG,
                              width_mm=width_mm))
    for columns in (1, 40, 60, 150, 1000):
        assert_inside(heatmap(columns))


def test_a_thousand_origin_groups_fit_the_width_and_a_page() -> None:
    names, titles, cells = heat(1000)
    chart = heatmap_svg(ROWS, ROW_TITLES, names, titles, cells, "A thousand origin groups")
    root = parse(chart)
    assert root.attrib["width"] == "170mm"
    assert float(root.attrib["height"][:-2]) <= 255  # A4 content height
    assert_inside(chart)
    assert chart.note is not None and "1,000 origin groups aggregated" in chart.note
    # The table still holds every original cell.
    filled = sum(1 for row in cells for c in row if c.best_grade is not None)
    assert len(chart.table) - 1 == filled + 1  # plus the one line of the provisions with no finding
    assert len(chart.svg) < 150_000


def test_columns_that_do_not_fit_are_folded_into_blocks() -> None:
    chart = heatmap(60)
    assert chart.note == "60 origin groups folded into 2 blocks of up to 30, one under the other."
    texts = [e.text for e in parse(chart).iter(SVG + "text")]
    assert "Origin groups 1 to 30 of 60" in texts and "Origin groups 31 to 60 of 60" in texts
    assert all(texts.count(f"G{i}") == 1 for i in range(1, 61))
    assert heatmap(16).note is None


def test_markers_are_drawn_at_their_dates() -> None:
    for start, end, width_mm in ((START, END, 170), (date(2019, 1, 1), date(2020, 12, 31), 120)):
        root = parse(timeline_svg(EVENTS, MARKERS, start, end, "T", width_mm=width_mm))
        (axis,) = [e for e in root.iter(SVG + "line") if e.attrib.get("class") == "axis"]
        x0, x1 = float(axis.attrib["x1"]), float(axis.attrib["x2"])
        lines = [e for e in root.iter(SVG + "line") if e.attrib.get("class") == "marker"]
        inside = [m for m in MARKERS if start <= m.when <= end]
        assert len(lines) == len(inside)
        for marker, line in zip(sorted(inside, key=lambda m: m.when), lines, strict=True):
            expected = x0 + (marker.when - start).days / (end - start).days * (x1 - x0)
            assert float(line.attrib["x1"]) == pytest.approx(expected, abs=0.01) == float(line.attrib["x2"])


def marks(root: ET.Element) -> dict[str, ET.Element]:
    """The groups that draw one mark each, by the first word of their tooltip (the finding's label)."""
    return {g.findtext(f"{SVG}title", "").split()[0]: g for g in root.iter(SVG + "g")
            if g.find(f"{SVG}title") is not None}


def test_points_for_exact_dates_bars_for_ranges_arrows_for_open_bounds() -> None:
    groups = marks(parse(timeline()))
    drawn = [e for e in EVENTS if e.earliest or e.latest]
    assert sorted(groups) == sorted(e.label for e in drawn)
    for e in drawn:
        a = groups[e.label]
        circles, rects, arrows = (len([m for m in a.iter(SVG + t) if m.attrib["fill"] != "#ffffff"])
                                  for t in ("circle", "rect", "polygon"))  # not the white ground of the label
        exact = e.earliest == e.latest and START <= e.earliest <= END  # type: ignore[operator]
        assert (circles, rects) == ((1, 0) if exact else (0, 1)), e.label
        open_ends = (e.earliest is None or e.earliest < START) + (e.latest is None or e.latest > END)
        assert arrows == open_ends, e.label
        assert a.findtext(f"{SVG}title", "").startswith(f"{e.label} {e.title} ({e.grade}; ")
        assert GRADE_COLOURS[e.grade[0]] in ET.tostring(a, encoding="unicode")
        assert any(t.text == f"{e.label} {e.grade}" for t in a.iter(SVG + "text"))  # never colour alone


def test_links_are_given_per_table_row_and_only_to_fragments_of_the_brief() -> None:
    chart = timeline()
    assert len(chart.links) == len(chart.table) - 1
    for row, link in zip(chart.table[1:], chart.links, strict=True):
        assert link == (None if row[0] == "marker" else f"#record-{row[0].replace('.', '-')}")
    chart = figures()
    assert chart.links == [f"#fig-{row[1]}" for row in chart.table[1:]]
    assert heatmap().links == []
    hostile = [TimelineEvent("1", "t", date(2024, 1, 1), date(2024, 1, 1), "A1", "javascript:alert(1)"),
               TimelineEvent("2", "t", date(2024, 1, 1), date(2024, 1, 1), "A1", "https://example.org/"),
               TimelineEvent("3", "t", date(2024, 1, 1), date(2024, 1, 1), "A1", '#a"><script>')]
    chart = timeline_svg(hostile, [], START, END, "T")
    assert chart.links == [None, None, None]
    # No <a> in the SVG at all: WeasyPrint makes no PDF link of it, and inside role="img" axe-core reports
    # focusable links as nested-interactive.
    assert "<a " not in chart.svg and "javascript" not in chart.svg and "example.org" not in chart.svg


# --- words: text alternative and table -------------------------------------------------------------


def test_timeline_text_alternative_and_table_match_the_data() -> None:
    chart = timeline()
    assert chart.alt.startswith("Timeline of 12 findings from 22 December 2017 to 23 November 2026")
    assert "3 with an exact date, 8 date ranges, 1 with no date (not drawn)" in chart.alt
    # Before the deadline: 1.5 (to June 2019), 1.6 (to 2018), 2.2 (22 Dec 2017); after it: the 8 that start later.
    assert "OP8 deadline (22 December 2019): 3 before, 8 after, 0 spanning it or with an open bound." in chart.alt
    assert "Resolution 2397 adopted (22 December 2017): 0 before, 8 after, 3 spanning it" in chart.alt
    assert "Findings by reliability: A (completely reliable) 1, B (usually reliable) 4, C (fairly reliable) 4" \
        in chart.alt
    assert chart.table[0] == ["Finding", "Title", "When", "Grade"]
    rows = {r[0]: r for r in chart.table[1:]}
    assert len(chart.table) == 1 + len(EVENTS) + len(MARKERS)
    assert rows["1.1"] == ["1.1", "Workers arrive in Vladivostok", "5 March 2024", "B2"]
    assert rows["1.2"][2] == "March 2024" and rows["1.3"][2] == "2023"
    assert rows["1.4"][2] == "1 September 2023 or later" and rows["1.5"][2] == "30 June 2019 or earlier"
    assert rows["2.3"][2] == "date unknown"
    assert ["marker", "OP8 deadline", "22 December 2019", ""] in chart.table
    assert chart.note is not None and "1 finding with no date is listed under the axis" in chart.note
    assert "2.3\u00a0(C3)" in chart.svg  # named under the axis


def test_figures_text_alternative_table_panels_and_scales() -> None:
    chart = figures()
    assert chart.table[0] == ["Series", "Finding", "Title", "When", "Value", "As written"]
    assert len(chart.table) == 1 + len(POINTS)
    assert ["People", "1.3", "Figure 1.3", "1 June 2024 or later", "12,000 to 15,000", "about 12,000"] in chart.table
    assert ["Money", "4.1", "Figure 4.1", "1 January 2022 or later", "500 million", "about 500,000,000"] in chart.table
    assert "in 4 panels" in chart.alt
    assert "people: 4 figures from 150 to 15,000 (log scale, dated 2023 to 2024; 1 given as a range; 1 with no date)" \
        in chart.alt
    assert "border crossings: 2 figures from 7,887 to 13,221 (linear scale" in chart.alt
    texts = [e.text for e in parse(chart).iter(SVG + "text")]
    for heading in ("People: 4 figures", "Border crossings: 2 figures", "Announced plans: 2 figures",
                    "Money: 1 figure", "no date", "log scale", "linear scale"):
        assert heading in texts
    # Announced plans are hollow: white marks outlined in ink; observations are solid.
    plans = [g for label, g in marks(parse(chart)).items() if label.startswith("3.")]
    assert plans and all(m.attrib["fill"] == "#ffffff" for a in plans for m in a.iter() if m.tag in
                         (SVG + "circle", SVG + "rect"))
    assert figures_svg([], "None").alt == "Reported figures over time: none."


def test_heatmap_text_alternative_and_table_match_the_data() -> None:
    names, titles, cells = heat(16)
    chart = heatmap_svg(ROWS, ROW_TITLES, names, titles, cells, "Provisions against origin groups")
    per_row = [sum(1 for c in row if c.best_grade) for row in cells]
    filled = sum(per_row)
    assert f"{filled} of {len(ROWS) * 16} cells hold findings" in chart.alt
    assert "Origin groups per provision: " + ", ".join(f"{r} {n}" for r, n in zip(ROWS, per_row, strict=True)) \
        in chart.alt
    assert chart.table[0] == ["Provision", "Provision title", "Origin group", "Origin", "Best grade", "Findings"]
    expected = [[ROWS[r], ROW_TITLES[r], names[c], titles[c], cell.best_grade, str(cell.count)]
                for r, row in enumerate(cells) for c, cell in enumerate(row) if cell.best_grade]
    assert [row for row in chart.table[1:] if row[4]] == expected
    assert ["Other provisions (20)", "20 provisions with no finding", "", "no finding", "", "0"] in chart.table
    # Each filled cell is shaded by its letter and lettered too (colour is never alone).
    root = parse(chart)
    rects = [e for e in root.iter(SVG + "rect") if e.find(SVG + "title") is not None]
    assert len(rects) == filled
    letters = "".join(e.text or "" for e in root.iter(SVG + "text") if "pointer-events" in e.attrib)
    grades = [cell.best_grade[0] for row in cells for cell in row if cell.best_grade]
    assert letters == "".join(grades)


def test_when_text() -> None:
    assert when_text(date(2024, 1, 1), date(2025, 12, 31)) == "2024 to 2025"
    assert when_text(date(2024, 3, 1), date(2024, 5, 31)) == "March 2024 to May 2024"
    assert when_text(date(2024, 3, 2), date(2024, 5, 31)) == "2 March 2024 to 31 May 2024"
    assert when_text(None, None) == "date unknown"


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="Admiralty"):
        timeline_svg([event("1", None, date(2024, 1, 1), "G7")], [], START, END, "T")
    with pytest.raises(ValueError, match="end after"):
        timeline_svg([], [], END, START, "T")
    with pytest.raises(ValueError, match="same length"):
        heatmap_svg(ROWS, ROW_TITLES[:1], [], [], [[] for _ in ROWS], "T")
    with pytest.raises(ValueError, match="non-negative"):
        figures_svg([point("1", "people", 10, 5)], "T")
    with pytest.raises(ValueError, match="width_mm"):
        figures_svg([], "T", width_mm=20)


# --- hostile text ------------------------------------------------------------------------------------


def test_hostile_text_is_escaped_everywhere() -> None:
    built = [
        timeline_svg([TimelineEvent(HOSTILE, HOSTILE, date(2024, 1, 1), date(2024, 2, 1), "B2", "#a\"b<c>")],
                     [Marker(date(2020, 1, 1), HOSTILE)], START, END, HOSTILE),
        figures_svg([FigurePoint(HOSTILE, HOSTILE, "#x", None, None, 5, None, "people", HOSTILE)], HOSTILE),
        heatmap_svg([HOSTILE], [HOSTILE], [HOSTILE], [HOSTILE], [[HeatCell("A1", 1)]], HOSTILE),
    ]
    for chart in built:
        root = parse(chart)  # well-formed despite the payload
        assert not any(e.tag.removeprefix(SVG) in ("script", "style", "foreignObject") for e in root.iter())
        assert root.findtext(f"{SVG}title") == HOSTILE
        assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg
        assert HOSTILE in chart.alt or any(HOSTILE in cell for row in chart.table for cell in row)
    assert built[0].links == [None, None]  # a marker, and a link that is not a fragment id


def test_colours_have_one_meaning_and_enough_contrast() -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    contrasts = {k: 1.05 / (luminance(v) + 0.05) for k, v in GRADE_COLOURS.items()}
    assert min(contrasts.values()) >= 4.5  # 3:1 for marks on white; 4.5:1 for the white letters on them
    ramp = [luminance(GRADE_COLOURS[k]) for k in "ABCDE"]
    assert ramp == sorted(ramp)  # sequential: A darkest
    assert len(set(GRADE_COLOURS.values())) == 6
    for colour in (charts.INK, charts.SLATE):
        assert colour not in GRADE_COLOURS.values() and 1.05 / (luminance(colour) + 0.05) >= 4.5


# --- WeasyPrint ----------------------------------------------------------------------------------------


def render_page(built: list[Chart]) -> tuple[bytes, list[str]]:
    """A page holding the charts, rendered as the brief is (the vendored fonts, PDF/A-3b), and the warnings
    WeasyPrint logged."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    faces = "".join(f'@font-face {{ font-family: "Source Sans Pro"; src: url(fonts/SourceSansPro-{name}.ttf); '
                    f'font-weight: {weight}; }}' for name, weight in (("Regular", 400), ("Semibold", 600)))
    figures_html = "".join(f"<figure>{c.svg}<figcaption>{c.note or ''}</figcaption></figure>" for c in built)
    html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Charts</title><style>{faces}'
            '@page { size: A4; margin: 20mm; } body { font-family: "Source Sans Pro"; } '
            f'figure {{ margin: 0 0 6mm; }}</style></head><body>{figures_html}</body></html>')
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        folder = template_folder()
        pdf = weasyprint.HTML(string=html, base_url=folder.as_uri() + "/").write_pdf(
            font_config=FontConfiguration(), pdf_variant="pdf/a-3b")
    finally:
        logger.removeHandler(handler)
    return bytes(pdf), messages


@pytest.fixture(scope="module")
def rendered() -> tuple[bytes, list[str], list[Chart]]:
    built = [timeline(), figures(), heatmap(60)]
    pdf, messages = render_page(built)
    return pdf, messages, built


def test_weasyprint_renders_all_three_charts_without_a_warning(rendered: tuple[bytes, list[str], list[Chart]]
                                                                ) -> None:
    from pypdf import PdfReader

    pdf, messages, built = rendered
    assert messages == []
    # pdftotext, not pypdf: WeasyPrint sets SVG text glyph by glyph, and pypdf then loses the spaces.
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True).stdout.decode()
    reader = PdfReader(io.BytesIO(pdf))
    for title in ("Timeline of findings", "Reported figures over time", "Provisions against origin groups"):
        assert title in text
    for label in ("1.1 B2", "OP8 deadline, 22 Dec 2019", "People: 4 figures", "2397-OP8", "G60"):
        assert label in text
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}  # type: ignore[index]
    assert fonts and all("Source-Sans-Pro" in f for f in fonts), fonts
    assert len(built) == 3


def test_sizes_are_small() -> None:
    assert len(timeline().svg) < 20_000
    assert len(figures().svg) < 20_000
    assert len(heatmap().svg) < 20_000
    assert math.isclose(charts.text_width("abc") / set_width("abc"), charts.WIDTH_SLACK)


# --- a real browser ----------------------------------------------------------------------------------


def chart_page(built: list[Chart]) -> str:
    """An HTML page placing each chart as the brief would: a figure, its note, its table with the row links."""
    from html import escape

    parts = []
    for n, chart in enumerate(built):
        head, *body = chart.table
        links = chart.links or [None] * len(body)
        rows = "".join(
            "<tr>" + "".join(
                (f'<td><a href="{escape(link)}">{escape(cell)}</a></td>' if i == 0 and link else
                 f"<td>{escape(cell)}</td>") for i, cell in enumerate(row)) + "</tr>"
            for row, link in zip(body, links, strict=True))
        targets = "".join(f'<p id="{escape(link[1:])}">{escape(link)}</p>' for link in dict.fromkeys(links) if link)
        parts.append(f'<figure>{chart.svg}<figcaption>{escape(chart.note or "Chart " + str(n + 1))}</figcaption>'
                     f'</figure><table><caption>The data of chart {n + 1}</caption><thead><tr>'
                     + "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
                     + f"</tr></thead><tbody>{rows}</tbody></table>{targets}")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Charts</title>'
            "<style>td a { display: inline-block; min-width: 24px; min-height: 24px; }</style></head>"
            f'<body><main><h1>Charts</h1>{"".join(parts)}</main></body></html>')


def test_axe_core_finds_no_violation_on_a_page_of_charts(tmp_path: Path) -> None:
    """role="img" with no focusable content inside: the charts pass axe-core's WCAG 2.2 A/AA rules."""
    harness = pytest.importorskip("tests.browser.harness")
    reason = harness.unavailable()
    if reason:
        pytest.skip(reason)
    page = tmp_path / "charts.html"
    page.write_text(chart_page([timeline(), figures(), heatmap(60)]), "utf-8")
    browser = harness.Browser()
    try:
        browser.open(page)
        violations = browser.axe()
        assert violations == [], harness.describe_axe(violations, harness.DESKTOP)
        assert browser.foreign_requests() == []
    finally:
        browser.close()


# --- a timeline too deep for a page is split into parts (issue 15) ----------------------------------------


def svg_parts(chart: Chart) -> list[ET.Element]:
    """The <svg> elements of a chart: one, or one per part of a split chart."""
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", chart.svg, re.DOTALL)]


def crowded(count: int, undated: int = 0) -> list[TimelineEvent]:
    """Events whose ranges overlap, each needing a lane of its own: `count` lanes deep."""
    dated = [event(f"{i // 100 + 1}.{i % 100 + 1}", date(2018, 1, 1) + (date(2018, 2, 1) - date(2018, 1, 1)) * (i % 7),
                   date(2025, 6, 30), "ABCDEF"[i % 6] + "3") for i in range(count)]
    return dated + [event(f"9.{i + 1}", None, None, "F6") for i in range(undated)]


def test_a_timeline_that_fits_a_page_is_one_svg() -> None:
    chart = timeline()
    assert len(svg_parts(chart)) == 1 and "part 1" not in chart.svg
    assert chart.note is None or "split" not in chart.note


def test_a_timeline_too_deep_for_a_page_is_split_between_lanes() -> None:
    events = crowded(200, undated=2)
    chart = timeline_svg(events, MARKERS, START, END, "Crowded")
    parts = svg_parts(chart)
    assert len(parts) >= 3
    ids = [e.attrib["id"] for part in parts for e in part.iter() if "id" in e.attrib]
    assert len(ids) == len(set(ids))  # every part has ids of its own
    drawn: list[str] = []
    for number, part in enumerate(parts, 1):
        w, h = viewbox(part)
        assert float(part.attrib["height"].removesuffix("mm")) <= charts.PAGE_HEIGHT_MM
        for tag, x0, y0, x1, y1 in extents(part):
            assert x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h, (number, tag, x0, y0, x1, y1)
        assert part.findtext(f"{SVG}title") == f"Crowded (part {number} of {len(parts)})"
        assert next(t.text for t in part.iter(SVG + "text")) == f"Crowded (part {number} of {len(parts)})"
        assert len(part.findall(f".//{SVG}line[@class='marker']")) == len(MARKERS)  # each part has the markers
        drawn += list(marks(part))
    assert sorted(drawn) == sorted(e.label for e in events[:200])  # every dated event once, in some part
    undated_line = "No date, so not drawn: 9.1\u00a0(F6), 9.2\u00a0(F6)"
    assert [t.text for t in parts[-1].iter(SVG + "text")].count(undated_line) == 1  # under the last part only
    assert chart.note is not None and f"split into {len(parts)} parts" in chart.note
    assert len(chart.table) == 1 + len(events) + len(MARKERS)  # the table is whole


def test_split_parts_are_as_deep_as_the_height_allows() -> None:
    events = crowded(200)
    shallow = svg_parts(timeline_svg(events, MARKERS, START, END, "Crowded", max_height_mm=100))
    deep = svg_parts(timeline_svg(events, MARKERS, START, END, "Crowded", max_height_mm=250))
    assert len(shallow) > len(deep) > 1
    assert all(float(p.attrib["height"].removesuffix("mm")) <= 100 for p in shallow)


def test_many_undated_findings_are_counted_not_named() -> None:
    chart = timeline_svg(crowded(3, undated=150), MARKERS, START, END, "Undated")
    texts = [t.text for part in svg_parts(chart) for t in part.iter(SVG + "text")]
    assert "No date, so not drawn: 150 findings, listed in the table." in texts
    assert not any(t and t.startswith("No date, so not drawn: 9.") for t in texts)
    assert sum(1 for row in chart.table if row[0].startswith("9.")) == 150


def _first_fit(spans: list[tuple[float, float]]) -> list[int]:
    """The timeline's lane rule written the slow, obvious way: the lowest lane whose last span ends 5 pt before."""
    ends: list[float] = []
    lanes = []
    for lo, hi in spans:
        lane = next((i for i, end in enumerate(ends) if end + 5 <= lo), len(ends))
        ends[lane:lane + 1] = [hi]
        lanes.append(lane)
    return lanes


def test_lanes_are_first_fit_however_many_events() -> None:
    import random

    rng = random.Random(2397)
    for n in (0, 1, 2, 7, 64, 500):
        spans = sorted(tuple(sorted((float(rng.randrange(0, 400, 5)), rng.uniform(0, 400)))) for _ in range(n))
        laid = [charts._Laid(lo, hi, None, 0, 0, False, False, True, "", 0, "start")  # type: ignore[arg-type]
                for lo, hi in spans]
        assert [lane for _item, lane in charts._pack_lanes(laid)] == _first_fit(spans), n
