"""Clean pages, read back from the PDF: text positions page by page, and the rules of a clean page.

    problems = check_layout("dossier.pdf", margins=Margins.from_css(print_css))

returns readable problems, one string each, in page order:

- **split rows** (`split_rows`): a label/value row or a table row continues at the top of the next page with
  no label beside it. Seen from the PDF: on page N, a "column" is where a piece of text starts with another
  piece left of it on the same line (a value beside its label, a cell beside the first cell; a list item
  beside its bullet is not one). The first body line of page N+1 (past a table header repeated from page N)
  starts at such a column of page N's last lines (within `tolerance`), at least `min_indent` right of the
  content box's left edge, with nothing left of it: the value column carries on across the page break.
  Prose, quotations and list items start at or near the left edge; they may continue on the next page.
- **stranded headings and labels** (`stranded`): the last heading of a page is followed by nothing, or by no
  more than two lines of small print (a finding's meta line and a wrapped record id; a label/value row is
  content, however small); headings are the lines of outline entries' titles on their page (every bookmarked
  h2/h3) and bold lines larger than the running text. Or the last line is bold throughout and starts in the
  label column (a row's label whose value wrapped onto the next page, a catalog entry's title, a table's
  header row) and the next page does not go on in bold (a bold paragraph may continue; a repeated header
  row does not count as going on).
- **half-empty pages** (`half_empty_pages`): text ends above `max_empty` of the content box's height, unless
  the next page begins with a part that must start on a new page (`part_starts`, regular expressions matched
  against its first body line) or it is the last page.
- **outside the content box** (`outside_content_box`): any character left or right of the content box, or
  outside the page (cut off). Running headers and footers count too.
- **split dates** (`split_dates`): a date ("22 December 2019", "December 2019", "2019-12-22") begun at the
  foot of one page and finished at the top of the next.

What it cannot see, so does not claim: vector graphics and images (a page holding only a chart without any
text below its top counts as half empty; chart labels are text and count); a table row split inside its first
column only, or a block entry (a catalog entry's description under its title) split mid-text: from positions
alone that is a prose paragraph continuing, which is allowed. A title left behind alone is caught, and so is a
date split by the page break. Headings are recognised by outline and type, not by tags, so an untagged PDF
is checked as well as a tagged one.

Text is read with pypdfium2: characters with their loose boxes, effective size (font size times the text
matrix scale) and font name (bold = a bold, semibold, demi, black or heavy face: WeasyPrint embeds no weight).
Pieces ("fragments") are runs of characters on one baseline without a gap wider than `gap` times their size;
lines are fragments overlapping vertically. Coordinates are PDF points from the top-left corner of the page.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

__all__ = [
    "DEFAULT_PART_STARTS",
    "Fragment",
    "Line",
    "Margins",
    "Page",
    "check_layout",
    "half_empty_pages",
    "outline",
    "outside_content_box",
    "read_pages",
    "split_dates",
    "split_rows",
    "stranded",
]

MM = 72 / 25.4

# Parts that start on a new page, so the page before one may be short: the first body line of the next page
# (a heading) matches one of these. The cover is followed by "Key judgements".
DEFAULT_PART_STARTS: tuple[str, ...] = (
    r"Key judgements\b",
    r"Contents\b",
    r"Executive summary\b",
    r"Figures reported\b",  # the summary's chart and table of figures, an exhibit on its own page
    r"1\.\s",  # the first chapter ("1. Repatriation of ..."), not "1.1 ..."
    r"Timeline of reported events\b",
    r"Annex A\b",
)

BOLD_FACE = re.compile(r"bold|semi|demi|black|heavy", re.IGNORECASE)


@dataclass(frozen=True)
class Margins:
    """The page's content box as margins in points (CSS order: top, right, bottom, left)."""

    top: float
    right: float
    bottom: float
    left: float

    @classmethod
    def mm(cls, top: float, right: float, bottom: float, left: float) -> Margins:
        return cls(top * MM, right * MM, bottom * MM, left * MM)

    @classmethod
    def from_css(cls, css: str) -> Margins:
        """The `margin` of the first plain `@page { ... }` rule (1 to 4 lengths in mm, cm, in, pt or px)."""
        match = re.search(r"@page\s*\{[^}]*?\bmargin\s*:\s*([^;}]+)", css)
        if not match:
            raise ValueError("no `margin:` in an `@page { }` rule of the stylesheet")
        values = [_length(v) for v in match.group(1).split()]
        if not 1 <= len(values) <= 4:
            raise ValueError(f"cannot read @page margin {match.group(1)!r}")
        top, right, bottom, left = {1: values * 4, 2: values * 2, 3: [*values, values[1]], 4: values}[len(values)]
        return cls(top, right, bottom, left)


def _length(text: str) -> float:
    match = re.fullmatch(r"(-?[\d.]+)(mm|cm|in|pt|px)", text.strip())
    if not match:
        raise ValueError(f"cannot read length {text!r}")
    factor = {"mm": MM, "cm": 10 * MM, "in": 72.0, "pt": 1.0, "px": 0.75}[match.group(2)]
    return float(match.group(1)) * factor


@dataclass(frozen=True)
class Fragment:
    """Characters on one baseline without a wide gap: a word group, a table cell's line, a label."""

    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # effective size in points (the largest in the run)
    bold: bool  # every visible character in a bold face
    text: str


@dataclass
class Line:
    """Fragments side by side on one visual line (their boxes overlap vertically)."""

    fragments: list[Fragment] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(f.top for f in self.fragments)

    @property
    def bottom(self) -> float:
        return max(f.bottom for f in self.fragments)

    @property
    def x0(self) -> float:
        return min(f.x0 for f in self.fragments)

    @property
    def x1(self) -> float:
        return max(f.x1 for f in self.fragments)

    @property
    def size(self) -> float:
        return max(f.size for f in self.fragments)

    @property
    def bold(self) -> bool:
        return all(f.bold for f in self.fragments)

    @property
    def text(self) -> str:
        return " ".join(f.text for f in sorted(self.fragments, key=lambda f: f.x0))


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    fragments: list[Fragment]
    header: list[Line]  # in the top margin (running headers)
    body: list[Line]  # in the content box, top to bottom
    footer: list[Line]  # in the bottom margin (running footers)


# --- Reading -----------------------------------------------------------------------------------------------

def read_pages(path: Path | str, margins: Margins, *, gap: float = 0.6) -> list[Page]:
    """Every page's text as fragments and lines, split into running header, body and footer by `margins`."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pages: list[Page] = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                fragments = list(_fragments(raw, textpage, height, gap))
            finally:
                textpage.close()
                page.close()
            lines = _lines(fragments)
            header = [li for li in lines if (li.top + li.bottom) / 2 < margins.top]
            footer = [li for li in lines if (li.top + li.bottom) / 2 > height - margins.bottom]
            body = [li for li in lines if li not in header and li not in footer]
            pages.append(Page(index + 1, width, height, fragments, header, body, footer))
    finally:
        pdf.close()
    return pages


def _fragments(raw, textpage, height: float, gap: float) -> Iterable[Fragment]:  # type: ignore[no-untyped-def]
    box, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    bold_cache: dict[bytes, bool] = {}
    current: list[tuple[str, float, float, float, float, float, bool, float]] = []

    def flush() -> Fragment | None:
        text = "".join(c[0] for c in current).strip()
        if not text:
            return None
        visible = [c for c in current if not c[0].isspace()]
        return Fragment(min(c[1] for c in visible), max(c[2] for c in visible), min(c[3] for c in visible),
                        max(c[4] for c in visible), round(max(c[5] for c in visible), 2), all(c[6] for c in visible),
                        " ".join(text.split()))

    for i in range(raw.FPDFText_CountChars(textpage)):
        code = raw.FPDFText_GetUnicode(textpage, i)
        if raw.FPDFText_IsGenerated(textpage, i) or code in (0, 2, 10, 13, 0xAD, 0xFFFE, 0xFFFF):
            continue  # pdfium's own spaces and line ends, soft hyphens, unmapped glyphs
        char = chr(code)
        raw.FPDFText_GetLooseCharBox(textpage, i, box)
        raw.FPDFText_GetMatrix(textpage, i, matrix)
        size = raw.FPDFText_GetFontSize(textpage, i) * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        raw.FPDFText_GetFontInfo(textpage, i, name, len(name), flags)
        face = name.value
        if face not in bold_cache:
            bold_cache[face] = bool(BOLD_FACE.search(face.decode("latin-1").split("+")[-1]))
        top, bottom = height - box.top, height - box.bottom
        baseline = bottom
        entry = (char, box.left, box.right, top, bottom, size, bold_cache[face], baseline)
        if current:
            last = current[-1]
            same_line = abs(last[7] - baseline) <= 0.25 * min(size, last[5]) or char.isspace() or last[0].isspace()
            # Not left of the previous character's start (a ligature's second letter shares its box), no wide gap.
            near = last[1] - 0.5 <= box.left and box.left - last[2] <= gap * max(size, last[5])
            if not (same_line and near):
                fragment = flush()
                if fragment:
                    yield fragment
                current = []
        current.append(entry)
    fragment = flush()
    if fragment:
        yield fragment


def _lines(fragments: Iterable[Fragment]) -> list[Line]:
    lines: list[Line] = []
    for fragment in sorted(fragments, key=lambda f: (f.top, f.x0)):
        height = fragment.bottom - fragment.top
        for line in reversed(lines[-6:]):
            overlap = min(line.bottom, fragment.bottom) - max(line.top, fragment.top)
            if overlap >= 0.5 * min(height, line.bottom - line.top):
                line.fragments.append(fragment)
                break
        else:
            lines.append(Line([fragment]))
    lines.sort(key=lambda li: li.top)
    return lines


@dataclass(frozen=True)
class Bookmark:
    level: int  # 0 for the top level
    title: str
    page: int  # 1-based


def outline(path: Path | str) -> list[Bookmark]:
    """The PDF outline (bookmarks): WeasyPrint writes one per element with a `bookmark-level`."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        marks = []
        for item in pdf.get_toc(max_depth=16):
            dest = item.get_dest()
            if dest is not None and dest.get_index() is not None:
                marks.append(Bookmark(item.level, item.get_title(), dest.get_index() + 1))
        return marks
    finally:
        pdf.close()


# --- Rules ---------------------------------------------------------------------------------------------------

def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def body_size(pages: Sequence[Page], margins: Margins | None = None) -> float:
    """The size of the running text: the size most characters of full-width single-piece lines are set in.

    Full-width lines (one piece over three quarters of the content width) are prose; label/value rows, table
    rows and captions are not, however many characters they hold. Without such lines: the commonest size.
    """
    prose: Counter[float] = Counter()
    every: Counter[float] = Counter()
    for page in pages:
        width = page.width - (margins.left + margins.right if margins else 0)
        for line in page.body:
            for f in line.fragments:
                if not f.bold:
                    every[round(f.size, 1)] += len(f.text)
            if len(line.fragments) == 1 and line.x1 - line.x0 >= 0.75 * width:
                prose[round(line.size, 1)] += len(line.text)
    sizes = prose or every
    return sizes.most_common(1)[0][0] if sizes else 10.0


def heading_lines(pages: Sequence[Page], bookmarks: Sequence[Bookmark], margins: Margins | None = None, *,
                  min_ratio: float = 1.08) -> dict[int, set[int]]:
    """Per page number, the indexes (into page.body) of heading lines.

    A heading line is a line of an outline entry's title on the entry's page (titles of several lines too),
    or a bold line set larger than the body text (`min_ratio` times its size), for headings without a bookmark.
    """
    size = body_size(pages, margins)
    found: dict[int, set[int]] = {page.number: set() for page in pages}
    by_number = {page.number: page for page in pages}
    for mark in bookmarks:
        page = by_number.get(mark.page)
        title = _squash(mark.title)
        if page is None or not title:
            continue
        for start, line in enumerate(page.body):
            text = _squash(line.text)
            if not text or not title.startswith(text):
                continue
            seen, index = text, start
            found[page.number].add(index)
            while seen != title and index + 1 < len(page.body):
                following = _squash(page.body[index + 1].text)
                if not following or not title.startswith(seen + following):
                    break
                index += 1
                seen += following
                found[page.number].add(index)
            break
    for page in pages:
        for index, line in enumerate(page.body):
            if line.bold and line.size >= min_ratio * size:
                found[page.number].add(index)
    return found


def stranded(pages: Sequence[Page], margins: Margins, bookmarks: Sequence[Bookmark], *,
             value_column: float = 45.0, small: float = 0.9, max_small: int = 2) -> list[str]:
    """A heading, or a line bold throughout in the label column, is the last thing in a page's content box.

    A heading followed by nothing but up to `max_small` lines of small print (set below `small` times the body
    size: a finding's meta line, a wrapped record id) is the last thing too: what it heads is on the next page.
    A label/value row is content, not small print, however small its type.
    """
    problems: list[str] = []
    headings = heading_lines(pages, bookmarks, margins)
    size = body_size(pages, margins)
    last_page = pages[-1].number if pages else 0
    first_bold = _first_seen_bold(pages)
    for page in pages:
        if not page.body or page.number == last_page:
            continue
        found = headings[page.number]
        if found:
            last = max(found)
            after = page.body[last + 1:]
            if len(after) <= max_small and all(li.size < small * size and not _is_row(li, margins, value_column)
                                               for li in after):
                first = last
                while first - 1 in found:
                    first -= 1
                title = " ".join(page.body[i].text for i in range(first, last + 1))
                tail = f" (then {len(after)} line{'s' * (len(after) > 1)} of small print)" if after else ""
                problems.append(f"p. {page.number}: heading '{_short(title)}' is the last thing on the page{tail}")
                continue
        line = page.body[-1]
        following = next((p.body[0] for p in pages if p.number == page.number + 1 and p.body), None)
        # A bold line at the top of the next page continues a bold paragraph (this line is no title), unless it
        # is on an earlier page too: a table's header, repeated, which says nothing of what this line introduces.
        continues = (following is not None and following.bold
                     and _squash(following.text) != _squash(line.text)
                     and first_bold.get(_squash(following.text), last_page + 1) > page.number)
        if line.bold and line.x0 < margins.left + value_column and not continues and not _wraps_row(page.body):
            problems.append(f"p. {page.number}: bold line '{_short(line.text)}' (a label, title or table header) "
                            "is the last thing on the page; what it introduces is on the next page")
    return problems


def _wraps_row(body: Sequence[Line]) -> bool:
    """The last line is a table cell's text wrapped from the row above (a flag on a provision's second line):
    set just below a line of several cells, closer than a new row's padding would put it."""
    if len(body) < 2:
        return False
    above, last = body[-2], body[-1]
    return len(above.fragments) > 1 and last.top - above.bottom < 0.3 * last.size


def _first_seen_bold(pages: Sequence[Page]) -> dict[str, int]:
    """Each bold line's text, and the first page it is on: a table's header row that WeasyPrint repeats at the
    top of each page the table continues on was first seen on an earlier page."""
    seen: dict[str, int] = {}
    for page in pages:
        for line in page.body:
            if line.bold:
                seen.setdefault(_squash(line.text), page.number)
    return seen


def _is_row(line: Line, margins: Margins, value_column: float) -> bool:
    """A label/value row's first line: a bold label at the left, then a piece in the value column."""
    pieces = sorted(line.fragments, key=lambda f: f.x0)
    return (len(pieces) > 1 and pieces[0].bold and pieces[0].x0 < margins.left + value_column
            and pieces[1].x0 >= margins.left + value_column)


def _first_row(page: Page, previous: Page) -> tuple[int, Line] | None:
    """The first body line of `page`, past a table header repeated from the previous page."""
    seen = {_squash(line.text) for line in previous.body if line.bold}
    for index, line in enumerate(page.body):
        if line.bold and _squash(line.text) in seen:
            continue
        return index, line
    return None


MARKER = re.compile(r"[•◦▪‣–—*·-]|\d{1,3}[.)]|[a-zA-Z][.)]")  # a list item's bullet or number


def split_rows(pages: Sequence[Page], margins: Margins, *, min_indent: float = 20.0, tolerance: float = 1.5,
               lookback: int = 8) -> list[str]:
    """A row's value (or a table row's later cell) continues at the top of the next page with no label beside it.

    A column is where a piece of text starts with another piece left of it on the same line (a value beside
    its label, a cell beside the first cell; not an item beside its bullet) in the last `lookback` lines of a
    page. The next page's first line (past a repeated table header) splits a row when it starts at such a
    column, `min_indent` or more right of the content box's left edge, with nothing left of it.
    """
    problems: list[str] = []
    for previous, page in pairwise(pages):
        first = _first_row(page, previous)
        if first is None or not previous.body:
            continue
        _, line = first
        start = min(f.x0 for f in line.fragments)
        if start < margins.left + min_indent:
            continue  # prose, a quotation, a list item or a row's first cell begins the page
        tail = previous.body[-lookback:]
        columns = [right.x0 for li in tail
                   for left, right in pairwise(sorted(li.fragments, key=lambda f: f.x0))
                   if not MARKER.fullmatch(left.text)]
        match = next((x for x in columns if abs(x - start) <= tolerance), None)
        if match is None:
            continue
        # The label: the lowest piece of the page left of the column (a row's label, a table row's first cell).
        label = next((f.text for li in reversed(tail) for f in sorted(li.fragments, key=lambda f: f.x0)
                      if f.x1 <= match), "")
        problems.append(f"pp. {previous.number}-{page.number}: row '{_short(label, 40)}' splits: its value "
                        f"continues at the top of p. {page.number} ('{_short(line.text, 50)}') with no label "
                        "beside it")
    return problems


def half_empty_pages(pages: Sequence[Page], margins: Margins, *, max_empty: float = 0.5,
                     part_starts: Sequence[str] = DEFAULT_PART_STARTS) -> list[str]:
    """Pages whose text ends above the middle of the content box, unless a part must start on the next page."""
    problems: list[str] = []
    starts = [re.compile(p) for p in part_starts]
    for page, following in pairwise(pages):
        height = page.height - margins.top - margins.bottom
        used = (max((li.bottom for li in page.body), default=margins.top) - margins.top) / height
        if used >= 1 - max_empty:
            continue
        opening = following.body[0].text if following.body else ""
        if any(p.match(opening) for p in starts):
            continue
        problems.append(f"p. {page.number}: {100 - round(100 * used)} % of the page is empty, and the next page "
                        f"does not start a part ('{_short(opening, 50)}')")
    return problems


def outside_content_box(pages: Sequence[Page], margins: Margins, *, tolerance: float = 1.0) -> list[str]:
    """Text left or right of the content box, or outside the page itself (cut off)."""
    problems: list[str] = []
    for page in pages:
        left, right = margins.left - tolerance, page.width - margins.right + tolerance
        for f in page.fragments:
            if f.x1 > page.width or f.x0 < 0 or f.top < 0 or f.bottom > page.height:
                problems.append(f"p. {page.number}: '{_short(f.text, 50)}' runs off the page (cut off)")
            elif f.x1 > right:
                problems.append(f"p. {page.number}: '{_short(f.text, 50)}' runs {f.x1 - right + tolerance:.1f} pt "
                                "past the right margin")
            elif f.x0 < left:
                problems.append(f"p. {page.number}: '{_short(f.text, 50)}' starts {left + tolerance - f.x0:.1f} pt "
                                "left of the left margin")
    return problems


MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
         r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
DATE = re.compile(rf"\b(?:\d{{1,2}}\s+{MONTH}\s+\d{{4}}|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|{MONTH}\s+\d{{4}}"
                  rf"|\d{{1,2}}\s+{MONTH}|\d{{4}}-\d{{2}}(?:-\d{{2}})?)\b")


def split_dates(pages: Sequence[Page]) -> list[str]:
    """A date begun at the foot of one page and finished at the top of the next."""
    problems: list[str] = []
    for previous, page in pairwise(pages):
        if not previous.body or not page.body:
            continue
        tail = " ".join(previous.body[-1].text.split()[-3:])
        head = " ".join(page.body[0].text.split()[:3])
        joined = f"{tail} {head}"
        for match in DATE.finditer(joined):
            if match.start() < len(tail) < match.end() - 1:
                problems.append(f"pp. {previous.number}-{page.number}: the date '{match.group(0)}' is split "
                                "across the page break")
    return problems


def check_layout(path: Path | str, margins: Margins, *, part_starts: Sequence[str] = DEFAULT_PART_STARTS,
                 max_empty: float = 0.5, value_column: float = 45.0, tolerance: float = 1.5) -> list[str]:
    """All the rules of a clean page, as readable problems in page order (empty: nothing found).

    `margins`: the content box (read them from the print stylesheet: `Margins.from_css`). `part_starts`: regular
    expressions for the first line of a page a part must start on. `max_empty`: the share of the content box a
    page may leave empty. `value_column`: points from the content box's left edge beyond which values sit and
    labels do not. `tolerance`: points within which two pieces of text start at the same x.
    """
    pages = read_pages(path, margins)
    bookmarks = outline(path)
    problems = (split_rows(pages, margins, tolerance=tolerance)
                + stranded(pages, margins, bookmarks, value_column=value_column)
                + half_empty_pages(pages, margins, max_empty=max_empty, part_starts=part_starts)
                + outside_content_box(pages, margins)
                + split_dates(pages))
    return sorted(problems, key=_page_key)


def _page_key(problem: str) -> tuple[int, str]:
    match = re.match(r"pp?\. (\d+)", problem)
    return (int(match.group(1)) if match else 0, problem)
