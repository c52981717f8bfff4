"""The brief's charts, written as SVG by hand: a timeline, reported figures over time, a heat map.

Why hand-written SVG and not a plotting library (matplotlib, plotly, Vega):

- **Byte-identical builds.** Every coordinate is computed here and printed with two decimals; nothing
  depends on the clock, a random id salt, a library version or the machine's fonts. matplotlib's SVG
  backend, for one, embeds a creation date and generated clip-path ids unless told otherwise, and its
  output changes between its releases.
- **Small.** A chart is a few kilobytes of rects, circles, lines and text; a plotting library writes each
  glyph as a path (matplotlib's default) or carries a runtime (plotly's is megabytes of JavaScript).
- **Text stays text.** Labels are `<text>` in the brief's own font (Source Sans Pro, named, never fetched;
  brief.css sets the HTML's embedded subset of it, Brief Sans), so they are searchable and selectable in
  the PDF and read by screen readers in the HTML.
- **Only what WeasyPrint draws well.** WeasyPrint has its own SVG renderer, which draws a subset of SVG.
  These charts use only that subset: `rect`, `circle`, `line`, `path`, `polygon`, `text` (with per-letter
  `x` lists and `rotate` transforms), `g`, `title` and `desc`; no CSS, no `clipPath`, no opacity, no
  markers, no patterns, and no `text-anchor` (WeasyPrint wraps each anchored text in a PDF form of its
  own: ten times the bytes; text is positioned from the font's widths instead).
- **No links inside the SVG.** A mark wrapped in `<a href="#record">` works in a browser, but WeasyPrint 70
  draws it without making a PDF link, and inside `role="img"` the links are focus stops a screen reader
  cannot announce: axe-core reports `nested-interactive` (WCAG 4.1.2, serious). So each mark carries a
  `<title>` tooltip, and `Chart.links` gives the target of every table row: linked there, in HTML, they
  work for every reader, keyboard and screen reader included, and WeasyPrint turns them into PDF links.
- **Accessible by construction.** `role="img"`, `aria-labelledby` pointing at a `<title>` and a `<desc>`,
  a text alternative and the data as a table come from the same numbers the drawing does.

Coordinates are in points: the viewBox is `width_mm` converted to points wide, so a `font-size` of 9 is
9 pt when the chart is printed at `width_mm`, as WeasyPrint does from the `width`/`height` in mm. No text
is smaller than 8.5 pt. Text widths are measured with the vendored Source Sans Pro's own advance widths
(with 8 % to spare, for a fallback font in a browser), so labels are placed, truncated and folded before
they could run out of the chart; the tests check every element against the viewBox.

Colour: the Admiralty reliability letter picks the colour, never alone. A to E are the viridis colour map
from 0 to 0.4 (a colour-blind-safe sequential scale, in even steps of CIE lightness L* 15, 23, 32, 39, 47,
darkest for the most reliable); F ("reliability cannot be judged") is a neutral grey, off the scale,
because it is not "less reliable than E". Contrast against white: A 15.2:1, B 11.8:1, C 8.7:1, D 6.6:1,
E 5.0:1, F 4.9:1, so every mark passes the 3:1 of WCAG 1.4.11 and white letters on any of them pass the
4.5:1 of WCAG 1.4.3. The letter is always written beside the mark or inside the cell (WCAG 1.4.1), and each
chart carries its legend. The other colours each have one meaning: ink for figures and text, slate for
reference lines and axes, light grey for grid lines that carry no data.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Literal

__all__ = [
    "GRADE_COLOURS",
    "Chart",
    "FigurePoint",
    "HeatCell",
    "Marker",
    "TimelineEvent",
    "figures_svg",
    "heatmap_svg",
    "timeline_svg",
]

# --- inputs and output ------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    label: str  # the finding's paragraph number, e.g. "1.3"
    title: str  # short title, for the text alternative and the <title> tooltip
    earliest: date | None  # lower bound of when it happened (None = open)
    latest: date | None  # upper bound (None = open); equal to earliest for an exact date
    grade: str  # Admiralty code like "B2", "C3", "F6"
    href: str  # "#record-id", link target in the brief


@dataclass(frozen=True)
class Marker:
    """A dated line across the timeline: the resolution adopted, the OP8 deadline."""

    when: date
    label: str


Series = Literal["people", "border crossings", "announced plans", "money"]
SERIES: tuple[Series, ...] = ("people", "border crossings", "announced plans", "money")


@dataclass(frozen=True)
class FigurePoint:
    label: str
    title: str
    href: str
    earliest: date | None  # when the figure applies
    latest: date | None
    value: float
    value_max: float | None  # a range when the source gives one
    series: Series
    written: str  # as the source writes it, e.g. "about 15,000 workers"


@dataclass(frozen=True)
class HeatCell:
    best_grade: str | None  # best grade among the findings in this cell, None = no finding
    count: int


@dataclass(frozen=True)
class Chart:
    svg: str  # a complete <svg> element, no XML declaration
    alt: str  # a text alternative summarising what the chart shows
    table: list[list[str]]  # the same data as a table, header row first
    note: str | None  # what was folded, aggregated or left out, if anything
    # Per data row of `table` (header excluded): the "#record-id" the row's finding links to, or None. Empty
    # when no row links (the heat map). The links belong on the table, not in the SVG: see the module notes.
    links: list[str | None] = field(default_factory=list)


# --- constants --------------------------------------------------------------

PT_PER_MM = 72 / 25.4
FONT_FAMILY = "'Source Sans Pro', sans-serif"  # in the HTML, brief.css sets the embedded subset, Brief Sans
SIZE = 9.0  # labels
SMALL = 8.5  # the least any text may be
TITLE_SIZE = 11.0
LINE = 12.5  # line height for SIZE text
PAD = 4.0
WIDTH_SLACK = 1.08  # measured Source Sans Pro widths, with room for a fallback font

INK = "#1b1f24"
SLATE = "#4a5562"  # axes, reference lines, secondary text (7.6:1 on white)
RULE = "#c9d1da"  # grid lines only: they carry no data
WHITE = "#ffffff"

GRADE_COLOURS: dict[str, str] = {
    "A": "#440154",
    "B": "#482475",
    "C": "#414487",
    "D": "#355f8d",
    "E": "#2a788e",
    "F": "#707070",
}
RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
SERIES_HEADINGS: dict[Series, str] = {
    "people": "People",
    "border crossings": "Border crossings",
    "announced plans": "Announced plans",
    "money": "Money",
}
_GRADE = re.compile(r"([A-F])([1-6])?")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")

# --- text: escaping and measuring --------------------------------------------


def _esc(text: str) -> str:
    """Text for XML content or a double-quoted attribute; characters XML cannot hold become spaces."""
    text = _NOT_XML.sub(" ", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#39;"))


@cache
def _advances(weight: int) -> tuple[dict[int, float], float]:
    """Advance widths (in em) of the vendored Source Sans Pro, and a width for characters it lacks."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    from .resources import template_folder

    name = "SourceSansPro-Semibold.ttf" if weight >= 600 else "SourceSansPro-Regular.ttf"
    with TTFont(str(template_folder() / "fonts" / name), lazy=True) as font:
        per_em = float(font["head"].unitsPerEm)
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
    return widths, 0.6


def set_width(text: str, size: float = SIZE, weight: int = 400) -> float:
    """The width of `text` set at `size` points in Source Sans Pro, as WeasyPrint sets it (glyph by glyph,
    without kerning)."""
    widths, missing = _advances(weight)
    return sum(widths.get(ord(char), missing) for char in text) * size


def text_width(text: str, size: float = SIZE, weight: int = 400) -> float:
    """The room to leave for `text`: its set width, with the slack a fallback font may need."""
    return set_width(text, size, weight) * WIDTH_SLACK


def _fit(text: str, max_width: float, size: float = SIZE, weight: int = 400) -> str:
    """`text`, cut with an ellipsis if it is wider than `max_width`."""
    if text_width(text, size, weight) <= max_width:
        return text
    cut = text
    while cut and text_width(cut.rstrip() + "…", size, weight) > max_width:
        cut = cut[:-1]
    return cut.rstrip() + "…" if cut else ""


def _wrap(text: str, max_width: float, size: float = SIZE, weight: int = 400) -> list[str]:
    """`text` broken at spaces into lines no wider than `max_width` (an over-long word is cut)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if not word:
            continue
        trial = f"{current} {word}" if current else word
        if text_width(trial, size, weight) <= max_width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = _fit(word, max_width, size, weight)
    if current:
        lines.append(current)
    return lines or [""]


# --- numbers and dates in words ------------------------------------------------


def _n(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros, never '-0'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _day(when: date) -> str:
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def _short_day(when: date) -> str:
    return f"{when.day} {MONTHS[when.month - 1][:3]} {when.year}"


def _month_end(when: date) -> bool:
    return (when + timedelta(days=1)).day == 1


def when_text(earliest: date | None, latest: date | None) -> str:
    """Date bounds in words: '22 March 2024', 'March 2024', '2024', 'May 2023 or later', 'date unknown'."""
    if earliest is None and latest is None:
        return "date unknown"
    if earliest is None:
        assert latest is not None
        return f"{_day(latest)} or earlier"
    if latest is None:
        return f"{_day(earliest)} or later"
    if earliest == latest:
        return _day(earliest)
    if earliest.day == 1 and _month_end(latest):
        if earliest.month == 1 and latest.month == 12:
            years = str(earliest.year)
            return years if earliest.year == latest.year else f"{years} to {latest.year}"
        first = f"{MONTHS[earliest.month - 1]} {earliest.year}"
        last = f"{MONTHS[latest.month - 1]} {latest.year}"
        return first if first == last else f"{first} to {last}"
    return f"{_day(earliest)} to {_day(latest)}"


def _number(value: float) -> str:
    """A value in words and digits: '150', '15,000', '2.5', '1.5 million', '3 billion'."""
    for scale, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            return f"{value / scale:,.2f}".rstrip("0").rstrip(".") + f" {word}"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _grade_parts(grade: str) -> tuple[str, int]:
    """('B', 2) for 'B2'; ValueError for anything that is not an Admiralty code."""
    match = _GRADE.fullmatch(grade.strip().upper())
    if not match:
        raise ValueError(f"not an Admiralty grade: {grade!r} (expected a letter A-F and a digit 1-6)")
    return match.group(1), int(match.group(2) or 7)


def _best(grades: Iterable[str]) -> str | None:
    ranked = sorted(grades, key=_grade_parts)
    return ranked[0] if ranked else None


def _id_prefix(kind: str, given: str | None, *parts: object) -> str:
    """An id prefix valid in XML and HTML, from the caller or from a hash of the chart's own data."""
    if given is not None:
        clean = re.sub(r"[^A-Za-z0-9_-]", "-", given)
        return clean if clean[:1].isalpha() else f"c-{clean}"
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{kind}-{digest}"


def _fragment(href: str) -> str | None:
    """A link target inside the brief ("#record-id"), or None for anything else (javascript:, http:, ...)."""
    return href if re.fullmatch(r"#[A-Za-z0-9_.:-]+", href) else None


def _check_width(width_mm: float) -> float:
    if not 80 <= width_mm <= 1000:
        raise ValueError(f"width_mm must be between 80 and 1000, not {width_mm}")
    return width_mm * PT_PER_MM


# --- the SVG writer --------------------------------------------------------------


class _Svg:
    """Accumulates SVG elements; every number goes through `_n`, every text through `_esc`."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, stroke: str | None = None,
             stroke_width: float = 1.0, extra: str = "") -> None:
        outline = f' stroke="{stroke}" stroke-width="{_n(stroke_width)}"' if stroke else ""
        self.add(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{outline}{extra}/>')

    def circle(self, cx: float, cy: float, r: float, fill: str, stroke: str | None = None,
               stroke_width: float = 1.0) -> None:
        outline = f' stroke="{stroke}" stroke-width="{_n(stroke_width)}"' if stroke else ""
        self.add(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}"{outline}/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1.0,
             dash: str | None = None, extra: str = "") -> None:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
                 f'stroke-width="{_n(width)}"{dashes}{extra}/>')

    def path(self, d: str, stroke: str, width: float = 1.0) -> None:
        self.add(f'<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{_n(width)}"/>')

    def polygon(self, points: Sequence[tuple[float, float]], fill: str) -> None:
        joined = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.add(f'<polygon points="{joined}" fill="{fill}"/>')

    def text(self, x: float, y: float, content: str, *, size: float = SIZE, weight: int = 400,
             anchor: str = "start", fill: str | None = None, rotate: bool = False) -> None:
        """Text at (x, baseline y). Anchors are resolved here from the font's widths, never written as
        `text-anchor`: WeasyPrint draws each anchored text as a PDF form of its own, ten times the bytes."""
        if anchor != "start":
            x -= set_width(content, size, weight) / (2 if anchor == "middle" else 1)
        attrs = f'x="{_n(x)}" y="{_n(y)}"' + self._font(size, weight, fill)
        if rotate:
            attrs += f' transform="rotate(-90 {_n(x)} {_n(y)})"'
        self.add(f"<text {attrs}>{_esc(content)}</text>")

    def letters(self, centres: Sequence[float], y: float, letters: str, *, size: float, weight: int,
                fill: str) -> None:
        """One letter centred on each x: one element for the lot (SVG lets each character have its own x)."""
        xs = " ".join(_n(cx - set_width(ch, size, weight) / 2) for cx, ch in zip(centres, letters, strict=True))
        self.add(f'<text x="{xs}" y="{_n(y)}"{self._font(size, weight, fill)} pointer-events="none">'
                 f'{_esc(letters)}</text>')

    @staticmethod
    def _font(size: float, weight: int, fill: str | None) -> str:
        attrs = ""
        if size != SIZE:
            attrs += f' font-size="{_n(size)}"'
        if weight != 400:
            attrs += f' font-weight="{weight}"'
        if fill:
            attrs += f' fill="{fill}"'
        return attrs

    def open_tip(self, tooltip: str) -> None:
        """A group whose first child is its tooltip: a browser shows it on hovering any of the group."""
        self.add(f"<g><title>{_esc(tooltip)}</title>")

    def close_tip(self) -> None:
        self.add("</g>")

    def document(self, prefix: str, width_mm: float, width: float, height: float, title: str, desc: str) -> str:
        height_mm = height / PT_PER_MM
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width_mm)}mm" height="{_n(height_mm)}mm" '
                f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
                f'font-family="{FONT_FAMILY}" font-size="{_n(SIZE)}" fill="{INK}">'
                f'<title id="{prefix}-title">{_esc(title)}</title><desc id="{prefix}-desc">{_esc(desc)}</desc>')
        return head + "".join(self.parts) + "</svg>"


def _title_block(svg: _Svg, title: str, width: float, y: float) -> float:
    """The chart's visible title, wrapped; returns the y below it."""
    for line in _wrap(title, width - 2 * PAD, TITLE_SIZE, 600):
        y += TITLE_SIZE * 1.25
        svg.text(PAD, y - TITLE_SIZE * 0.3, line, size=TITLE_SIZE, weight=600)
    return y + 4


class _Draw:
    """A legend item: a small mark (or none) and its words."""

    def __init__(self, kind: str, text: str, colour: str = SLATE, letter: str = "") -> None:
        self.kind, self.text, self.colour, self.letter = kind, text, colour, letter

    def width(self) -> float:
        return 13 + text_width(self.text)

    def draw(self, svg: _Svg, x: float, baseline: float) -> None:
        mid = baseline - 3.2
        if self.kind == "swatch":
            svg.rect(x, mid - 5, 10, 10, self.colour)
            svg.text(x + 5, mid + 3, self.letter, size=SMALL, weight=600, anchor="middle", fill=WHITE)
        elif self.kind == "point":
            svg.circle(x + 5, mid, 3, self.colour)
        elif self.kind == "hollow":
            svg.circle(x + 5, mid, 3, WHITE, self.colour, 1.2)
        elif self.kind == "bar":
            svg.rect(x, mid - 2, 10, 4, self.colour)
        elif self.kind == "vbar":
            svg.rect(x + 3.5, mid - 5, 3, 10, self.colour)
        elif self.kind == "open":
            svg.rect(x + 4, mid - 2, 6, 4, self.colour)
            svg.polygon([(x, mid), (x + 4, mid - 3.5), (x + 4, mid + 3.5)], self.colour)
        elif self.kind == "dash":
            svg.line(x + 5, mid - 5, x + 5, mid + 5, self.colour, 1.2, "3 2")
        if self.text:
            svg.text(x + 13, baseline, self.text)


def _legend(svg: _Svg, heading: str, items: list[_Draw], width: float, y: float) -> float:
    """A legend flowed into lines; returns the y below it."""
    x = PAD
    baseline = y + LINE - 3
    if heading:
        svg.text(x, baseline, heading, weight=600)
        x += text_width(heading, SIZE, 600) + 6
    for item in items:
        w = item.width()
        if x + w > width - PAD and x > PAD:
            x = PAD
            baseline += LINE
        item.draw(svg, x, baseline)
        x += w + 9
    return baseline + 6


def _paragraph(svg: _Svg, text: str, width: float, y: float) -> float:
    """Secondary text wrapped to the chart's width; returns the y below it."""
    for line in _wrap(text, width - 2 * PAD):
        y += LINE
        svg.text(PAD, y - 3, line, fill=SLATE)
    return y + 3


def _grade_legend() -> list[_Draw]:
    return [_Draw("swatch", RELIABILITY[letter], GRADE_COLOURS[letter], letter) for letter in GRADE_COLOURS]


# --- time axis ------------------------------------------------------------------------


class _TimeScale:
    def __init__(self, start: date, end: date, x0: float, x1: float) -> None:
        self.start, self.end, self.x0, self.x1 = start, end, x0, x1
        self.days = max((end - start).days, 1)

    def x(self, when: date) -> float:
        return self.x0 + (when - self.start).days / self.days * (self.x1 - self.x0)

    def clamp(self, when: date) -> date:
        return min(max(when, self.start), self.end)

    def draw(self, svg: _Svg, top: float, bottom: float) -> float:
        """Grid lines at each new year from top to bottom, the axis with month ticks where months are wide
        enough to see, and labels: years, and months too when the span is short; returns the y below."""
        svg.line(self.x0, bottom, self.x1, bottom, SLATE, 1, extra=' class="axis"')
        month_width = (self.x1 - self.x0) / (self.days / 30.44)
        month_labels = month_width >= text_width("May", SMALL) + 3
        year, month = self.start.year, self.start.month
        months: list[tuple[date, date]] = []
        while date(year, month, 1) <= self.end:
            first = date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            months.append((max(first, self.start), min(following - timedelta(days=1), self.end)))
            year, month = following.year, following.month
        baseline = bottom + 12
        if month_width >= 10:
            for first, last in months:
                if first.day == 1 and first != self.start:
                    svg.line(self.x(first), bottom, self.x(first), bottom + 3, SLATE, 0.6)
                if month_labels:
                    self._label(svg, first, last, MONTHS[first.month - 1][:3], baseline)
            if month_labels:
                baseline += LINE
        for year in range(self.start.year, self.end.year + 1):
            first, last = max(date(year, 1, 1), self.start), min(date(year, 12, 31), self.end)
            if first.month == 1 and first.day == 1 and first != self.start:
                svg.line(self.x(first), top, self.x(first), bottom + 5, RULE if not month_labels else SLATE, 0.6)
            self._label(svg, first, last, str(year), baseline)
        return baseline + 4

    def _label(self, svg: _Svg, first: date, last: date, label: str, baseline: float) -> None:
        """A label centred on the span from first to last, if it fits there."""
        left = self.x(first)
        right = self.x(last + timedelta(days=1)) if last < self.end else self.x1
        if right - left >= text_width(label, SMALL) + 2:
            svg.text((left + right) / 2, baseline, label, size=SMALL, anchor="middle", fill=SLATE)


def _interval(earliest: date | None, latest: date | None, scale: _TimeScale) -> tuple[float, float, bool, bool]:
    """Where date bounds fall: x from and to, and whether the left or right end is open or cut off."""
    lo = earliest if earliest is not None else scale.start
    hi = latest if latest is not None else scale.end
    if hi < lo:
        lo, hi = hi, lo
    open_left = earliest is None or lo < scale.start
    open_right = latest is None or hi > scale.end
    return scale.x(scale.clamp(lo)), scale.x(scale.clamp(hi)), open_left, open_right


def _draw_span(svg: _Svg, xa: float, xb: float, yc: float, h: float, fill: str, open_left: bool,
               open_right: bool, point: bool, stroke: str | None = None) -> None:
    """A point (circle), or a bar from xa to xb with an arrowhead at each open end."""
    if point:
        svg.circle(xa, yc, h / 2 + 0.6, fill, stroke, 1.2)
        return
    if xb - xa < 3:
        mid = (xa + xb) / 2
        xa, xb = mid - 1.5, mid + 1.5
    svg.rect(xa, yc - h / 2, xb - xa, h, fill, stroke, 1.2)
    colour = stroke or fill
    if open_left:
        svg.polygon([(xa - 4, yc), (xa, yc - 3.5), (xa, yc + 3.5)], colour)
    if open_right:
        svg.polygon([(xb + 4, yc), (xb, yc - 3.5), (xb, yc + 3.5)], colour)


# --- the timeline ------------------------------------------------------------------------


PAGE_HEIGHT_MM = 200.0  # the most a chart (one part of a split one) may take: A4's content height is 255 mm,
# less room for the heading or caption that goes with it
LANE = 13.0  # the height of one lane of the timeline
UNDATED_LINES = 3  # undated findings are named under the axis while their names take at most this many lines


@dataclass(frozen=True)
class _Laid:
    """A timeline event placed on the axis: what it reaches (mark and label) and how it is drawn."""

    lo: float
    hi: float
    event: TimelineEvent
    xa: float
    xb: float
    open_left: bool
    open_right: bool
    point: bool
    text: str
    label_x: float
    anchor: str


def timeline_svg(events: list[TimelineEvent], markers: list[Marker], start: date, end: date, title: str, *,
                 width_mm: float = 170, id_prefix: str | None = None, max_height_mm: float = PAGE_HEIGHT_MM
                 ) -> Chart:
    """Findings on a time axis from `start` to `end`: points for exact dates, bars for date ranges (an arrow
    where a bound is open or beyond the axis), coloured and labelled by grade; markers as dashed lines.

    Events are packed into as few lanes as their marks and labels allow. Events with no date at all are
    not drawn; they are named under the axis (counted, when their names would take more than UNDATED_LINES
    lines), in the table and in the text alternative. A timeline taller than `max_height_mm` (a page) is split
    into parts, each a complete chart (title, legend, markers, axis) of consecutive events in date order, one
    `<svg>` after another in `Chart.svg`, so that a page break falls between them and nothing is cut off.
    """
    width = _check_width(width_mm)
    if end <= start:
        raise ValueError(f"the timeline must end after it starts ({start} to {end})")
    for event in events:
        _grade_parts(event.grade)
    prefix = _id_prefix("timeline", id_prefix, events, markers, start, end, title, width_mm)
    scale = _TimeScale(start, end, PAD + 6, width - PAD - 6)
    dated = [e for e in events if e.earliest is not None or e.latest is not None]
    undated = [e for e in events if e.earliest is None and e.latest is None]
    laid = _lay_out_events(dated, scale, width)
    undated_text = _undated_text(undated, width)
    alt = _timeline_alt(events, markers, start, end)
    whole = _pack_lanes(laid)
    document, height = _timeline_part(prefix, title, alt, markers, scale, whole, undated_text, width, width_mm)
    parts = [document]
    if height > max_height_mm * PT_PER_MM:
        # Too deep for a page: the lanes in parts of as many as leave each part within max_height_mm.
        per_part = max(int((max_height_mm * PT_PER_MM - (height - _lanes_height(whole))) // LANE), 1)
        chunks = _split_lanes(whole, per_part)
        parts = [_timeline_part(f"{prefix}-p{i}", f"{title} (part {i} of {len(chunks)})", alt, markers, scale,
                                chunk, undated_text if i == len(chunks) else None, width, width_mm)[0]
                 for i, chunk in enumerate(chunks, 1)]
    table, links = _timeline_table(events, markers)
    note = _timeline_note(len(undated), laid, [m for m in markers if not start <= m.when <= end], len(parts))
    return Chart("".join(parts), alt, table, note, links)


def _timeline_table(events: list[TimelineEvent], markers: list[Marker]
                    ) -> tuple[list[list[str]], list[str | None]]:
    """The chart's data as a table (findings and markers in date order, markers first on a day) and each row's
    link."""
    rows: list[tuple[tuple[date, date, int, str], list[str], str | None]] = []
    for event in events:
        key = (event.earliest or event.latest or date.max, event.latest or date.max, 1, event.label)
        rows.append((key, [event.label, event.title, when_text(event.earliest, event.latest), event.grade],
                     _fragment(event.href)))
    for marker in markers:
        rows.append(((marker.when, marker.when, 0, marker.label), ["marker", marker.label, _day(marker.when), ""],
                     None))
    rows.sort(key=lambda r: r[0])
    table = [["Finding", "Title", "When", "Grade"]] + [row for _key, row, _href in rows]
    return table, [href for _key, _row, href in rows]


def _timeline_note(undated: int, laid: list[_Laid], outside: list[Marker], parts: int) -> str | None:
    """What the reader should know the drawing leaves out or bends: undated findings, open bounds, markers
    off the axis, a split into parts."""
    notes = []
    if undated:
        notes.append(f"{_count(undated, 'finding')} with no date {'is' if undated == 1 else 'are'} "
                     "listed under the axis, not drawn")
    beyond = sum(1 for item in laid if item.open_left or item.open_right)
    if beyond:
        notes.append(f"{_count(beyond, 'finding')} with an open bound or a date beyond the axis "
                     f"{'is' if beyond == 1 else 'are'} drawn to the edge with an arrow")
    if outside:
        notes.append("not drawn, outside the axis: " + "; ".join(f"{m.label} ({_day(m.when)})" for m in outside))
    if parts > 1:
        notes.append(f"too many findings for one page: the timeline's lanes are split into {parts} parts, "
                     "one under the other, on the same axis")
    return _sentence("; ".join(notes)) if notes else None


def _lay_out_events(dated: list[TimelineEvent], scale: _TimeScale, width: float) -> list[_Laid]:
    """Each dated event's mark and label on the axis, sorted by where they begin."""
    laid: list[_Laid] = []
    for event in dated:
        xa, xb, open_left, open_right = _interval(event.earliest, event.latest, scale)
        point = event.earliest == event.latest and not (open_left or open_right)
        reach_a = xa - (4 if open_left else 0) - (3.6 if point else 0)
        reach_b = xb + (4 if open_right else 0) + (3.6 if point else 0)
        text = _fit(f"{event.label} {event.grade}", width / 3)
        w = text_width(text)
        if reach_b + 3 + w <= width - PAD:
            label_x, anchor, lo, hi = reach_b + 3, "start", reach_a, reach_b + 3 + w
        elif reach_a - 3 - w >= PAD:
            label_x, anchor, lo, hi = reach_a - 3, "end", reach_a - 3 - w, reach_b
        else:  # a bar across (nearly) the whole axis: the label goes on it, on a white ground
            label_x, anchor, lo, hi = max(xa, scale.x0) + 6, "inside", reach_a, reach_b
        laid.append(_Laid(lo, hi, event, xa, xb, open_left, open_right, point, text, label_x, anchor))
    laid.sort(key=lambda item: (item.lo, item.hi, item.event.label, item.event.title, item.event.href))
    return laid


def _pack_lanes(laid: list[_Laid]) -> list[tuple[_Laid, int]]:
    """Each event with its lane: first fit, in order, so that no mark or label overlaps another.

    First fit is the lowest lane whose last mark ends at least 5 pt before this one begins. The lanes' ends are
    kept in a tree of minimums, so finding that lane takes log(n) steps rather than a scan of every lane: a
    timeline of 50,000 findings has thousands of lanes. Lanes not yet opened count as ending at minus
    infinity, so the first of them is the one opened when no open lane fits.
    """
    size = 1
    while size < len(laid):
        size *= 2
    ends = [-math.inf] * (2 * size)  # ends[size + lane]: where the lane's last mark ends; above: minimums
    placed: list[tuple[_Laid, int]] = []
    for item in laid:
        node = 1
        while node < size:
            node = 2 * node if ends[2 * node] + 5 <= item.lo else 2 * node + 1
        placed.append((item, node - size))
        ends[node] = item.hi
        while node > 1:
            node //= 2
            ends[node] = min(ends[2 * node], ends[2 * node + 1])
    return placed


def _split_lanes(placed: list[tuple[_Laid, int]], per_part: int) -> list[list[tuple[_Laid, int]]]:
    """The lanes, top to bottom, in parts of `per_part`: one timeline cut between lanes, never through one."""
    parts: list[list[tuple[_Laid, int]]] = [[] for _ in range(-(-_lane_count(placed) // per_part))]
    for item, lane in placed:
        parts[lane // per_part].append((item, lane % per_part))
    return parts


def _lane_count(placed: list[tuple[_Laid, int]]) -> int:
    return max([lane + 1 for _item, lane in placed] + [1])


def _lanes_height(placed: list[tuple[_Laid, int]]) -> float:
    return _lane_count(placed) * LANE


def _undated_text(undated: list[TimelineEvent], width: float) -> str | None:
    """What the chart says under its axis about the findings it cannot draw: their names, or their number."""
    if not undated:
        return None
    names = ", ".join(f"{e.label}\u00a0({e.grade})" for e in undated)
    text = f"No date, so not drawn: {names}"
    if len(_wrap(text, width - 2 * PAD)) <= UNDATED_LINES:
        return text
    return f"No date, so not drawn: {_count(len(undated), 'finding')}, listed in the table."


def _timeline_alt(events: list[TimelineEvent], markers: list[Marker], start: date, end: date) -> str:
    """The text alternative: how many findings, how they are dated, where they fall against each marker."""
    dated = [e for e in events if e.earliest is not None or e.latest is not None]
    undated = len(events) - len(dated)
    exact = sum(1 for e in dated if e.earliest == e.latest)
    letters: dict[str, int] = {}
    for event in events:
        letter = _grade_parts(event.grade)[0]
        letters[letter] = letters.get(letter, 0) + 1
    alt = (f"Timeline of {_count(len(events), 'finding')} from {_day(start)} to {_day(end)}, by the date of "
           f"the event, coloured and labelled by grade: {exact} with an exact date, "
           f"{_count(len(dated) - exact, 'date range', 'date ranges')}"
           + (f", {undated} with no date (not drawn)" if undated else "") + ". ")
    for marker in sorted(markers, key=lambda m: (m.when, m.label)):
        before = sum(1 for e in dated if e.latest is not None and e.latest < marker.when)
        after = sum(1 for e in dated if e.earliest is not None and e.earliest > marker.when)
        alt += (f"{marker.label} ({_day(marker.when)}): {before} before, {after} after, "
                f"{len(dated) - before - after} spanning it or with an open bound. ")
    if letters:
        alt += "Findings by reliability: " + ", ".join(
            f"{k} ({RELIABILITY[k]}) {v}" for k, v in sorted(letters.items())) + "."
    return alt


def _timeline_part(prefix: str, title: str, alt: str, markers: list[Marker], scale: _TimeScale,
                   placed: list[tuple[_Laid, int]], undated_text: str | None, width: float, width_mm: float
                   ) -> tuple[str, float]:
    """One complete timeline (title, legends, markers, lanes, axis) as an <svg> element, and its height."""
    svg = _Svg()
    y = _title_block(svg, title, width, PAD)
    y = _legend(svg, "Reliability:", _grade_legend(), width, y)
    y = _legend(svg, "", [_Draw("point", "exact date"), _Draw("bar", "date range"),
                          _Draw("open", "bound open or beyond the axis"), _Draw("dash", "reference date")],
                width, y) + 4
    label_top = y
    placed_markers = _place_markers(markers, scale, width)
    marker_rows = 1 + max((row for _marker, _x, row, _anchor, _text in placed_markers), default=-1)
    plot_top = y + marker_rows * LINE + 2
    plot_bottom = plot_top + _lanes_height(placed) + 6

    svg.rect(scale.x0, plot_top, scale.x1 - scale.x0, plot_bottom - plot_top, "none", RULE, 0.6)
    y = scale.draw(svg, plot_top, plot_bottom)
    for _marker, x, row, anchor, text in placed_markers:
        baseline = label_top + (row + 1) * LINE - 3
        svg.line(x, baseline - SIZE * 0.7, x, plot_bottom, SLATE, 1.2, "3 2", extra=' class="marker"')
        svg.text(x + 2 if anchor == "start" else x - 2, baseline, text, anchor=anchor, fill=SLATE)
    if not placed:
        svg.text((scale.x0 + scale.x1) / 2, plot_top + 13, "No dated finding", anchor="middle", fill=SLATE)
    for item, lane in placed:
        yc = plot_top + 3 + LANE * lane + LANE / 2
        event = item.event
        colour = GRADE_COLOURS[_grade_parts(event.grade)[0]]
        tooltip = f"{event.label} {event.title} ({event.grade}; {when_text(event.earliest, event.latest)})"
        svg.open_tip(tooltip)
        _draw_span(svg, item.xa, item.xb, yc, 5, colour, item.open_left, item.open_right, item.point)
        # A white ground, so that no grid or marker line runs through the label.
        set_w = set_width(item.text)
        left = item.label_x - (set_w if item.anchor == "end" else 0)
        svg.rect(left - 1.5, yc - 5.5, set_w + 3, 11, WHITE)
        svg.text(left, yc + 3.2, item.text)
        svg.close_tip()
    if undated_text:
        y = _paragraph(svg, undated_text, width, y)
    height = y + PAD
    return svg.document(prefix, width_mm, width, height, title, alt), height


def _place_markers(markers: list[Marker], scale: _TimeScale, width: float) -> list[tuple[Marker, float, int, str, str]]:
    """Marker labels, stacked in rows above the plot so that none overlaps another.

    A label may not overlap another in its row, and a marker's line (drawn from its label down) may not cross
    an earlier label. (A label turned leftwards at the right edge may still cross an earlier line.)
    """
    taken: list[tuple[int, float, float, float]] = []  # row, label left, label right, line x
    placed: list[tuple[Marker, float, int, str, str]] = []
    for marker in sorted((m for m in markers if scale.start <= m.when <= scale.end), key=lambda m: (m.when, m.label)):
        x = scale.x(marker.when)
        text = f"{marker.label}, {_short_day(marker.when)}"
        room_right, room_left = width - PAD - x - 2, x - 2 - PAD
        if text_width(text) <= room_right or room_right >= room_left:
            text = _fit(text, room_right)
            anchor, left = "start", x + 2
        else:
            text = _fit(text, room_left)
            anchor, left = "end", x - 2 - text_width(text)
        w = text_width(text)
        # Below every earlier label this marker's line would cross, then down past any label in the way.
        row = 1 + max((r for r, a, b, _x in taken if a - 3 < x < b + 3), default=-1)
        while any(r == row and left < b + 6 and a < left + w + 6 for r, a, b, _x in taken):
            row += 1
        taken.append((row, left, left + w, x))
        placed.append((marker, x, row, anchor, text))
    return placed


# --- reported figures ------------------------------------------------------------------------


class _ValueScale:
    def __init__(self, low: float, high: float, y_bottom: float, y_top: float) -> None:
        self.y_bottom, self.y_top = y_bottom, y_top
        self.log = low > 0 and high / low >= 30
        if self.log:
            self.lo, self.hi = math.floor(math.log10(low)), math.ceil(math.log10(high))
            if self.hi == self.lo:
                self.hi += 1
            self.ticks = [10.0**k for k in range(self.lo, self.hi + 1)]
        else:
            top = max(high, 1e-9)
            raw = top / 4
            magnitude = 10 ** math.floor(math.log10(raw))
            step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
            count = math.ceil(top / step - 1e-9)
            self.ticks = [step * i for i in range(count + 1)]
            self.top = self.ticks[-1]

    def y(self, value: float) -> float:
        if self.log:
            share = (math.log10(max(value, 10.0**self.lo)) - self.lo) / (self.hi - self.lo)
        else:
            share = value / self.top
        return self.y_bottom - share * (self.y_bottom - self.y_top)

    def name(self) -> str:
        return "log scale" if self.log else "linear scale"


def _year_bounds(points: Sequence[FigurePoint]) -> tuple[date, date] | None:
    known = [d for p in points for d in (p.earliest, p.latest) if d is not None]
    if not known:
        return None
    first, last = min(known), max(known)
    return date(first.year, 1, 1), date(last.year, 12, 31)


_Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlaps(box: _Box, boxes: list[_Box]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes)


@dataclass(frozen=True)
class _Frame:
    """What every panel of the figures chart shares, so that the panels line up: the plot's left and right edges,
    the width of the "no date" column (0 when every figure has a date) and the time axis (None when none has)."""

    x0: float
    x1: float
    undated_width: float
    time: _TimeScale | None


@dataclass(frozen=True)
class _Mark:
    """A figure placed in its panel: what its dates reach (xa to xb) and its values (y_top to y_bottom)."""

    point: FigurePoint
    xa: float
    xb: float
    y_top: float
    y_bottom: float
    open_left: bool
    open_right: bool
    single_date: bool


def figures_svg(points: list[FigurePoint], title: str, *, width_mm: float = 170, id_prefix: str | None = None
                ) -> Chart:
    """Reported figures over time, one panel per series so that figures of different kinds never share an
    axis; each panel on a log scale when its values span 30 times or more, else linear from zero.

    A mark spans the figure's date bounds (a point, or a bar with arrows at open bounds) and its value
    range (a vertical extent when the source gives a range); announced plans are hollow, because they are
    not observations. Figures with no date sit in a "no date" column at the right. Every panel shares one
    time axis. The caller removes same-origin duplicates.
    """
    width = _check_width(width_mm)
    _check_figures(points)
    prefix = _id_prefix("figures", id_prefix, points, title, width_mm)
    svg = _Svg()
    y = _title_block(svg, title, width, PAD)
    y = _legend(svg, "", [_Draw("point", "a figure at a date", INK), _Draw("bar", "over a date range", INK),
                          _Draw("vbar", "a range of values", INK), _Draw("hollow", "announced plan", INK),
                          _Draw("open", "date bound open", INK)], width, y) + 2

    present = [s for s in SERIES if any(p.series == s for p in points)]
    ranges = {series: _value_range(points, series) for series in present}
    frame = _figures_frame(points, ranges, width)
    if not points:
        y += LINE
        svg.text(PAD, y, "No reported figures.", fill=SLATE)
        y += 4
    unlabelled: list[str] = []
    summaries: list[str] = []
    for series in present:
        y, summary = _figures_panel(svg, frame, series, _series_points(points, series), ranges[series], y, width,
                                    unlabelled)
        summaries.append(summary)
    height = y + PAD
    alt = _figures_alt(points, present, summaries)
    table, links = _figures_table(points, present)
    note = _figures_note(unlabelled)
    return Chart(svg.document(prefix, width_mm, width, height, title, alt), alt, table, note, links)


def _check_figures(points: list[FigurePoint]) -> None:
    """Refuses a figure of an unknown series, or whose values are not finite, negative or the wrong way round."""
    for point in points:
        if point.series not in SERIES:
            raise ValueError(f"unknown series {point.series!r}; expected one of {', '.join(SERIES)}")
        if not (math.isfinite(point.value) and (point.value_max is None or math.isfinite(point.value_max))):
            raise ValueError(f"figure {point.label} is not a finite number")
        if point.value < 0 or (point.value_max is not None and point.value_max < point.value):
            raise ValueError(f"figure {point.label}: values must be non-negative and value_max >= value")


def _value_range(points: list[FigurePoint], series: Series) -> tuple[float, float]:
    """The least and the greatest value a series' figures give, ranges included: what its value axis must span."""
    values = [v for p in points if p.series == series for v in (p.value, p.value_max) if v is not None]
    return min(values), max(values)


def _figures_frame(points: list[FigurePoint], ranges: dict[Series, tuple[float, float]], width: float) -> _Frame:
    """The panels' common frame: one time axis for all, a "no date" column at the right if any figure is undated."""
    bounds = _year_bounds(points)
    any_undated = any(p.earliest is None and p.latest is None for p in points)
    # The left axis is as wide as the widest tick label of any panel, so that the panels line up.
    tick_width = 0.0
    for low, high in ranges.values():
        probe = _ValueScale(low, high, 1, 0)
        tick_width = max([tick_width] + [text_width(_number(t), SMALL) for t in probe.ticks])
    x0 = PAD + tick_width + 5
    undated_width = 46.0 if any_undated else 0.0
    x1 = width - PAD - 8 - undated_width
    time = _TimeScale(bounds[0], bounds[1], x0 + 6, x1 - 6) if bounds else None
    return _Frame(x0, x1, undated_width, time)


def _series_points(points: list[FigurePoint], series: Series) -> list[FigurePoint]:
    """A series' figures in the order they are drawn: by date, then by everything else, so never by input order."""
    return sorted((p for p in points if p.series == series),
                  key=lambda p: (p.earliest or p.latest or date.max, p.latest or date.max, p.value,
                                 p.value_max or 0, p.label, p.title, p.href, p.written))


def _figures_panel(svg: _Svg, frame: _Frame, series: Series, chosen: list[FigurePoint],
                   value_range: tuple[float, float], y: float, width: float, unlabelled: list[str]
                   ) -> tuple[float, str]:
    """One series' panel under a heading: axes, and each figure's mark and label (a label with no room is added
    to `unlabelled` instead); returns the y below it and the panel in words, for the text alternative."""
    low, high = value_range
    plot_height = 96.0
    y += LINE + 2
    heading = f"{SERIES_HEADINGS[series]}: {_count(len(chosen), 'figure')}"
    svg.text(PAD, y - 3, heading, weight=600)
    top, bottom = y + 4, y + 4 + plot_height
    scale = _ValueScale(low, high, bottom - 6, top + 6)
    svg.text(width - PAD, y - 3, scale.name(), anchor="end", fill=SLATE)
    below = _panel_axes(svg, frame, scale, top, bottom)
    undated_here = [p for p in chosen if p.earliest is None and p.latest is None]
    marks, boxes = _place_figures(chosen, undated_here, frame, scale)
    for mark in marks:
        point = mark.point
        svg.open_tip(f"{point.label} {point.title}: {point.written} ({when_text(point.earliest, point.latest)})")
        _draw_figure(svg, mark)
        if not _label_figure(svg, mark, boxes, frame, top, bottom):
            unlabelled.append(point.label)
        svg.close_tip()
    return below, _panel_summary(series, chosen, low, high, scale, len(undated_here))


def _panel_axes(svg: _Svg, frame: _Frame, scale: _ValueScale, top: float, bottom: float) -> float:
    """A panel's frame, value ticks with their grid lines, the "no date" column and the time axis; returns the y
    below them."""
    x0, x1, undated_width = frame.x0, frame.x1, frame.undated_width
    svg.rect(x0, top, x1 - x0, bottom - top, "none", RULE, 0.6)
    for tick in scale.ticks:
        ty = scale.y(tick)
        if tick != scale.ticks[0]:
            svg.line(x0, ty, x1, ty, RULE, 0.6)
        svg.text(x0 - 4, ty + 3, _number(tick), size=SMALL, anchor="end", fill=SLATE)
    svg.line(x0, top, x0, bottom, SLATE, 1)
    if undated_width:
        ux0 = x1 + 8
        svg.rect(ux0, top, undated_width, bottom - top, "none", RULE, 0.6)
    below = frame.time.draw(svg, top, bottom) if frame.time else bottom + 4
    if undated_width:
        svg.text(x1 + 8 + undated_width / 2, bottom + 12, "no date", size=SMALL, anchor="middle", fill=SLATE)
    return below


def _place_figures(chosen: list[FigurePoint], undated_here: list[FigurePoint], frame: _Frame, scale: _ValueScale
                   ) -> tuple[list[_Mark], list[_Box]]:
    """Each figure's mark in its panel, and the box around each that no label may overlap."""
    boxes: list[_Box] = []
    marks: list[_Mark] = []
    for point in chosen:
        xa, xb, open_left, open_right = _figure_dates(point, undated_here, frame)
        ya, yb = scale.y(point.value), scale.y(point.value_max if point.value_max is not None else point.value)
        single_date = xb - xa < 3 and not (open_left or open_right)
        marks.append(_Mark(point, xa, xb, yb, ya, open_left, open_right, single_date))
        pad = 4.0
        boxes.append((min(xa, xb) - pad - (4 if open_left else 0), yb - pad,
                      max(xa, xb) + pad + (4 if open_right else 0), ya + pad))
    return marks, boxes


def _figure_dates(point: FigurePoint, undated_here: list[FigurePoint], frame: _Frame
                  ) -> tuple[float, float, bool, bool]:
    """Where a figure's dates fall, as `_interval` gives them; a figure with no date takes a place of its own in
    the "no date" column, the panel's undated figures spread evenly across it (one alone in its middle)."""
    if point.earliest is None and point.latest is None:
        slot = undated_here.index(point)
        step = (frame.undated_width - 12) / max(len(undated_here) - 1, 1)
        x = frame.x1 + 8 + (6 + slot * step if len(undated_here) > 1 else frame.undated_width / 2)
        return x, x, False, False
    assert frame.time is not None
    return _interval(point.earliest, point.latest, frame.time)


def _draw_figure(svg: _Svg, mark: _Mark) -> None:
    """A figure's mark: a point for one value at one date, a thin bar for a range of values at one date, else a
    bar over its dates as tall as its values reach; hollow for an announced plan, which is not an observation."""
    plan = mark.point.series == "announced plans"
    fill, stroke = (WHITE, INK) if plan else (INK, None)
    xa, xb, y_top, y_bottom = mark.xa, mark.xb, mark.y_top, mark.y_bottom
    if mark.single_date and y_bottom - y_top < 3:
        svg.circle((xa + xb) / 2, y_bottom, 3, fill, stroke, 1.2)
    elif mark.single_date:
        mid = (xa + xb) / 2
        svg.rect(mid - 1.6, y_top, 3.2, y_bottom - y_top, fill, stroke, 1.2)
    else:
        h = max(y_bottom - y_top, 3.4)
        centre = (y_top + y_bottom) / 2
        _draw_span(svg, xa, xb, centre, h, fill, mark.open_left, mark.open_right, False, stroke)


def _label_figure(svg: _Svg, mark: _Mark, boxes: list[_Box], frame: _Frame, top: float, bottom: float) -> bool:
    """The figure's label, in the first of its places that lies inside the panel, not in the gap before the "no
    date" column, and clear of every mark and label; False, and no label, when none of them is free."""
    x0, x1, undated_width = frame.x0, frame.x1, frame.undated_width
    inner = (x0 + 1, top + 1, x1 + 8 + undated_width - 1 if undated_width else x1 - 1, bottom - 1)
    for lx, ly, anchor, box in _label_places(mark):
        within = inner[0] <= box[0] and box[2] <= inner[2] and inner[1] <= box[1] and box[3] <= inner[3]
        in_gap = bool(undated_width) and box[0] < x1 + 8 and box[2] > x1
        if within and not in_gap and not _overlaps(box, boxes):
            svg.text(lx, ly, mark.point.label, anchor=anchor)
            boxes.append(box)
            return True
    return False


def _label_places(mark: _Mark) -> list[tuple[float, float, str, _Box]]:
    """Where a figure's label may go, best first: right of the mark, else left, above, below; each as the text's
    position and anchor, and the box it takes."""
    w, lh = text_width(mark.point.label), SIZE
    xa, xb, y_top, y_bottom = mark.xa, mark.xb, mark.y_top, mark.y_bottom
    mid_y = (y_top + y_bottom) / 2
    right_end = max(xa, xb) + (4 if mark.open_right else 0) + 4
    left_end = min(xa, xb) - (4 if mark.open_left else 0) - 4
    centre_x = (xa + xb) / 2
    return [
        (right_end, mid_y + 3.2, "start", (right_end, mid_y - 5, right_end + w, mid_y + 3)),
        (left_end, mid_y + 3.2, "end", (left_end - w, mid_y - 5, left_end, mid_y + 3)),
        (centre_x, y_top - 5, "middle", (centre_x - w / 2, y_top - 5 - lh * 0.75, centre_x + w / 2, y_top - 4)),
        (centre_x, y_bottom + 11, "middle", (centre_x - w / 2, y_bottom + 4, centre_x + w / 2, y_bottom + 13)),
    ]


def _panel_summary(series: Series, chosen: list[FigurePoint], low: float, high: float, scale: _ValueScale,
                   undated: int) -> str:
    """A panel in words, for the text alternative: how many figures, their values, scale and years."""
    dated = [p for p in chosen if p.earliest is not None or p.latest is not None]
    span = ""
    if dated:
        years = sorted({d.year for p in dated for d in (p.earliest, p.latest) if d is not None})
        span = f", dated {years[0]}" + (f" to {years[-1]}" if years[-1] != years[0] else "")
    ranged = sum(1 for p in chosen if p.value_max is not None)
    return (f"{SERIES_HEADINGS[series].lower()}: {_count(len(chosen), 'figure')} from {_number(low)} to "
            f"{_number(high)} ({scale.name()}{span}"
            + (f"; {ranged} given as a range" if ranged else "")
            + (f"; {undated} with no date" if undated else "") + ")")


def _figures_alt(points: list[FigurePoint], present: list[Series], summaries: list[str]) -> str:
    """The text alternative: the panels, each in words."""
    if points:
        return (f"Reported figures over time, in {_count(len(present), 'panel')}, one per kind of figure so that "
                f"different kinds never share an axis: " + "; ".join(summaries) + ".")
    return "Reported figures over time: none."


def _figures_table(points: list[FigurePoint], present: list[Series]) -> tuple[list[list[str]], list[str | None]]:
    """The figures as a table, by series and date, and the link of each of its rows."""
    table = [["Series", "Finding", "Title", "When", "Value", "As written"]]
    links: list[str | None] = []
    for series in present:
        for point in sorted((p for p in points if p.series == series),
                            key=lambda p: (p.earliest or p.latest or date.max, p.latest or date.max, p.label)):
            value = _number(point.value) + (f" to {_number(point.value_max)}" if point.value_max is not None else "")
            table.append([SERIES_HEADINGS[series], point.label, point.title,
                          when_text(point.earliest, point.latest), value, point.written])
            links.append(_fragment(point.href))
    return table, links


def _figures_note(unlabelled: list[str]) -> str | None:
    """The note: which figures the chart had no room to label, if any."""
    if not unlabelled:
        return None
    return (f"No room to label {_count(len(unlabelled), 'figure')} ({', '.join(unlabelled)}); "
            "the table and the tooltips name every figure.")


# --- the heat map ---------------------------------------------------------------------------------

CELL = 11.0  # a cell's side, in points: room for one letter at 8.5 pt
MAX_HEIGHT_MM = 200.0  # all blocks together fit on an A4 page (content height 255 mm) with title and legend
MAX_BLOCKS = 4
_GROUPS = "Groups"  # the heading of the column that counts origin groups per provision


@dataclass(frozen=True)
class _Column:
    label: str
    title: str
    members: tuple[int, ...]  # the original columns it stands for


@dataclass(frozen=True)
class _Grid:
    """The heat map across the width: row labels, then the cells from `x_cells`, `across` of them at most, then
    the count of origin groups."""

    row_label_width: float
    x_cells: float
    groups_width: float
    across: int


@dataclass(frozen=True)
class _Fold:
    """The columns as drawn (each one original column or a run of them aggregated), in `blocks` of `per_block`
    one under the other, under rotated labels `label_height` high; `note` says what was folded or aggregated."""

    drawn: list[_Column]
    blocks: int
    per_block: int
    label_height: float
    note: str | None


def heatmap_svg(rows: list[str], row_titles: list[str], columns: list[str], column_titles: list[str],
                cells: list[list[HeatCell]], title: str, *, width_mm: float = 170, id_prefix: str | None = None
                ) -> Chart:
    """Provisions (rows) against independent origin groups (columns), each cell shaded and lettered by the
    best grade of its findings, with a count of origin groups per provision at the right.

    Columns that do not fit the width are folded into blocks stacked one under the other, as many as fit
    in MAX_HEIGHT_MM (at most MAX_BLOCKS); beyond that, consecutive columns are aggregated, in the caller's
    order, into as few equal groups as fit, each cell then showing the best grade of its groups and the sum
    of their findings. The note says which was done. The table always holds every original cell.
    """
    width = _check_width(width_mm)
    _check_heat(rows, row_titles, columns, column_titles, cells)
    prefix = _id_prefix("heatmap", id_prefix, rows, row_titles, columns, column_titles, cells, title, width_mm)
    svg = _Svg()
    y = _title_block(svg, title, width, PAD)
    y = _legend(svg, "Best grade, reliability:", _grade_legend(), width, y)
    y = _paragraph(svg, "An empty cell: no finding from that origin group. Groups: how many origin groups "
                        "report on the provision.", width, y - 3) + 2

    grid = _heat_grid(rows, columns, width)
    fold = _fold_columns(rows, columns, column_titles, grid.across)
    groups_per_row = [sum(1 for cell in line if cell.best_grade is not None) for line in cells]
    for b in range(fold.blocks):
        part = fold.drawn[b * fold.per_block:(b + 1) * fold.per_block]
        if fold.blocks > 1:
            y += LINE
            svg.text(PAD, y - 3, f"Origin groups {part[0].members[0] + 1:,} to {part[-1].members[-1] + 1:,} of "
                     f"{len(columns):,}", weight=600)
        y = _heat_block(svg, part, rows, row_titles, cells, groups_per_row, grid, fold, y)
    if not rows:
        y += LINE
        svg.text(PAD, y - 3, "No provisions.", fill=SLATE)
    height = y + PAD
    alt = _heat_alt(rows, columns, cells, groups_per_row)
    table = _heat_table(rows, row_titles, columns, column_titles, cells)
    return Chart(svg.document(prefix, width_mm, width, height, title, alt), alt, table, fold.note)


def _check_heat(rows: list[str], row_titles: list[str], columns: list[str], column_titles: list[str],
                cells: list[list[HeatCell]]) -> None:
    """Refuses titles or cells that do not match the rows and columns, and a cell whose grade and count disagree."""
    if len(row_titles) != len(rows) or len(column_titles) != len(columns):
        raise ValueError("rows and row_titles, columns and column_titles must be the same length")
    if len(cells) != len(rows) or any(len(line) != len(columns) for line in cells):
        raise ValueError(f"cells must be {len(rows)} rows of {len(columns)} cells")
    for line in cells:
        for cell in line:
            if cell.best_grade is not None:
                _grade_parts(cell.best_grade)
            if cell.count < 0 or (cell.best_grade is None) != (cell.count == 0):
                raise ValueError("a cell has a grade exactly when its count is positive")


def _heat_grid(rows: list[str], columns: list[str], width: float) -> _Grid:
    """The heat map across the width: row labels (at most 30 % of it), the cells, the count of origin groups."""
    row_label_width = min(max([text_width(r) for r in rows] + [0.0]) + 4, width * 0.3)
    groups_width = max(text_width(f"{len(columns):,}", SMALL) + 8, CELL * 1.5)
    x_cells = PAD + row_label_width
    across = max(int((width - PAD - x_cells - groups_width - 4) // CELL), 1)
    return _Grid(row_label_width, x_cells, groups_width, across)


def _column_label_height(labels: Iterable[str]) -> float:
    """How high the rotated column labels stand: as the longest of them or the groups heading, at most 60."""
    return min(max([text_width(c, SMALL) for c in labels] + [text_width(_GROUPS, SMALL)]) + 4, 60.0)


def _fold_columns(rows: list[str], columns: list[str], column_titles: list[str], across: int) -> _Fold:
    """The columns as they are, in as many blocks of `across` as they need, when that many blocks fit in
    MAX_HEIGHT_MM (and MAX_BLOCKS); else aggregated, so that they do."""
    label_height = _column_label_height(columns)
    block_heading = LINE if len(columns) > across else 0.0
    block_height = block_heading + label_height + len(rows) * CELL + 10
    fit_blocks = max(1, min(MAX_BLOCKS, int(MAX_HEIGHT_MM * PT_PER_MM // max(block_height, 1))))
    if len(columns) > across * fit_blocks:
        return _aggregate_columns(columns, math.ceil(len(columns) / (across * fit_blocks)), across)
    drawn = [_Column(c, t, (i,)) for i, (c, t) in enumerate(zip(columns, column_titles, strict=True))]
    blocks = math.ceil(len(columns) / across) if columns else 1
    note: str | None = None
    if blocks > 1:
        note = (f"{_count(len(columns), 'origin group')} folded into {blocks} blocks of up to "
                f"{math.ceil(len(columns) / blocks)}, one under the other.")
    return _Fold(drawn, blocks, math.ceil(len(drawn) / blocks) if drawn else 1, label_height, note)


def _aggregate_columns(columns: list[str], size: int, across: int) -> _Fold:
    """Consecutive columns, in the caller's order, aggregated `size` to a drawn column (the last may hold fewer),
    in blocks of `across`."""
    drawn: list[_Column] = []
    for start in range(0, len(columns), size):
        members = tuple(range(start, min(start + size, len(columns))))
        first, last = columns[members[0]], columns[members[-1]]
        drawn.append(_Column(first if len(members) == 1 else f"{first}–{last}",
                             f"origin groups {members[0] + 1} to {members[-1] + 1}", members))
    blocks = math.ceil(len(drawn) / across)
    remainder = len(columns) - size * (len(drawn) - 1)
    note = (f"{_count(len(columns), 'origin group')} aggregated, in order, into {len(drawn)} columns of "
            f"{size}{f' (the last of {remainder})' if remainder != size else ''} in {_count(blocks, 'block')}: "
            "a cell shows the best grade among its groups and the sum of their findings; the table lists "
            "every group.")
    per_block = math.ceil(len(drawn) / blocks) if drawn else 1
    return _Fold(drawn, blocks, per_block, _column_label_height([c.label for c in drawn]), note)


def _heat_block(svg: _Svg, part: list[_Column], rows: list[str], row_titles: list[str], cells: list[list[HeatCell]],
                groups_per_row: list[int], grid: _Grid, fold: _Fold, y: float) -> float:
    """One block of columns: their rotated labels, the grid, and each row's label, cells and count of origin
    groups; returns the y below it."""
    label_base = y + fold.label_height
    for j, column in enumerate(part):
        cx = grid.x_cells + j * CELL + CELL / 2 + 3
        svg.text(cx, label_base - 2, _fit(column.label, fold.label_height - 4, SMALL), size=SMALL, rotate=True)
    gx = grid.x_cells + fold.per_block * CELL + 4  # the same place in every block
    svg.text(gx + grid.groups_width / 2 + 3, label_base - 2, _GROUPS, size=SMALL, rotate=True, fill=SLATE)
    top = label_base + 2
    grid_bottom = _grid_lines(svg, grid.x_cells, top, len(part), len(rows))
    for r, (row, row_title) in enumerate(zip(rows, row_titles, strict=True)):
        ry = top + r * CELL
        svg.add(f"<g><title>{_esc(f'{row}: {row_title}')}</title>")
        svg.text(PAD, ry + CELL / 2 + 3.2, _fit(row, grid.row_label_width - 4))
        svg.add("</g>")
        _heat_row(svg, row, part, cells[r], grid.x_cells, ry)
        svg.text(gx + grid.groups_width - 4, ry + CELL / 2 + 3, f"{groups_per_row[r]:,}", size=SMALL,
                 anchor="end", fill=SLATE)
    return grid_bottom + 10


def _grid_lines(svg: _Svg, x_cells: float, top: float, columns: int, rows: int) -> float:
    """A block's grid lines, drawn once, one path: the cells themselves are drawn only where there is data.
    Returns the grid's bottom."""
    grid_right = x_cells + columns * CELL
    grid_bottom = top + rows * CELL
    d = "".join(f"M{_n(x_cells + j * CELL)} {_n(top)}V{_n(grid_bottom)}" for j in range(columns + 1))
    d += "".join(f"M{_n(x_cells)} {_n(top + r * CELL)}H{_n(grid_right)}" for r in range(rows + 1))
    svg.path(d, RULE, 0.6)
    return grid_bottom


def _heat_row(svg: _Svg, row: str, part: list[_Column], line: list[HeatCell], x_cells: float, ry: float) -> None:
    """A row's cells in one block: a shaded square with a tooltip where there are findings, and their grade
    letters, one text element for the row."""
    centres: list[float] = []
    row_letters = ""
    for j, column in enumerate(part):
        cell = _merged(line, column) if len(column.members) > 1 else line[column.members[0]]
        if cell.best_grade is None:
            continue
        letter = _grade_parts(cell.best_grade)[0]
        x = x_cells + j * CELL
        tip = f"{row} × {column.label}: {cell.best_grade}, {_count(cell.count, 'finding')}"
        svg.add(f'<rect x="{_n(x + 0.5)}" y="{_n(ry + 0.5)}" width="{_n(CELL - 1)}" height="{_n(CELL - 1)}" '
                f'fill="{GRADE_COLOURS[letter]}"><title>{_esc(tip)}</title></rect>')
        centres.append(x + CELL / 2)
        row_letters += letter
    if row_letters:
        svg.letters(centres, ry + CELL / 2 + 3, row_letters, size=SMALL, weight=600, fill=WHITE)


def _merged(line: list[HeatCell], column: _Column) -> HeatCell:
    """The cell of an aggregated column: the best grade of the cells it stands for and the sum of their findings."""
    chosen = [line[i] for i in column.members]
    best = _best([c.best_grade for c in chosen if c.best_grade is not None])
    return HeatCell(best, sum(c.count for c in chosen))


def _heat_alt(rows: list[str], columns: list[str], cells: list[list[HeatCell]], groups_per_row: list[int]) -> str:
    """The text alternative: how many cells hold findings, origin groups per provision, cells by reliability."""
    filled = sum(groups_per_row)
    letters: dict[str, int] = {}
    for line in cells:
        for cell in line:
            if cell.best_grade is not None:
                letter = _grade_parts(cell.best_grade)[0]
                letters[letter] = letters.get(letter, 0) + 1
    alt = (f"Heat map of {_count(len(rows), 'provision')} against {_count(len(columns), 'independent origin group')}"
           f", each cell shaded by the best grade of its findings: {filled:,} of {len(rows) * len(columns):,} "
           "cells hold findings.")
    if rows:
        alt += " Origin groups per provision: " + ", ".join(
            f"{row} {n:,}" for row, n in zip(rows, groups_per_row, strict=True)) + "."
    if letters:
        alt += " Cells by best reliability: " + ", ".join(
            f"{k} ({RELIABILITY[k]}) {v:,}" for k, v in sorted(letters.items())) + "."
    return alt


def _heat_table(rows: list[str], row_titles: list[str], columns: list[str], column_titles: list[str],
                cells: list[list[HeatCell]]) -> list[list[str]]:
    """Every original cell that holds findings, as a table row; a provision with none gets one row saying so."""
    table = [["Provision", "Provision title", "Origin group", "Origin", "Best grade", "Findings"]]
    for r, (row, row_title) in enumerate(zip(rows, row_titles, strict=True)):
        found = False
        for i, cell in enumerate(cells[r]):
            if cell.best_grade is not None:
                table.append([row, row_title, columns[i], column_titles[i], cell.best_grade, str(cell.count)])
                found = True
        if not found:
            table.append([row, row_title, "", "no finding", "", "0"])
    return table
