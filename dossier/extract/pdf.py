"""Born-digital PDFs: the text layer, page by page, with page labels and paragraph numbers.

Read with pypdfium2 (Chromium's PDFium, bundled in the wheel at a pinned build; both versions are
in the extractor string). Rules:

- pages are joined by a form feed on a line of its own ("\\n\\f\\n" since rules version 2, so each
  page of the committed text starts on a line of its own); within a page, lines by "\\n", and
  groups of lines (paragraphs, headings, running heads) by a blank line. A new group starts where
  the vertical gap between lines is clearly larger than the page's usual line pitch, where text
  moves up (a new column or a margin box), and at a line that starts with the next paragraph
  number ("118." after "117.");
- a group that starts with a number and a full stop ("117. The Panel ...") gives the document's
  own paragraph number, which the locator carries until the next numbered paragraph;
- the text is PDFium's, not rewritten: no NFKC, no ligature table, no hyphen joining. PDFium itself
  reports a line-end hyphen it recognises as a control character and joins the two lines; we put
  the hyphen ("-") and the line break back, so the matcher sees the line as printed. (PDFium also
  splits the Latin ligature characters U+FB00-FB06 into letters; its API offers no way back. That
  is the matcher's ligature fold anyway; nothing else is decomposed, see the tests.)
- not quotable (ExtractionError naming the page): a page with drawn content but no text (a scan),
  a page whose only text is invisible (an OCR layer over a scan: a machine's reading, not the
  document's text), any glyph without a Unicode mapping, U+FFFD, or a control character. A page
  with nothing on it at all (a blank verso) is allowed and flagged.
- page labels (the printed page numbers a PDF can declare, e.g. "iv" or "42") come from PDFium's
  FPDF_GetPageLabel, so one library reads everything.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from .model import Block, Extraction, ExtractionError, PdfLocator

PDF_RULES_VERSION = 2  # 2: pages joined by "\n\f\n" (was "\f")
EXTRACTOR = (f"pdf/{PDF_RULES_VERSION} pypdfium2 {pdfium.version.PYPDFIUM_INFO.version} "
             f"pdfium {pdfium.version.PDFIUM_INFO.build}")

PARAGRAPH_NUMBER = re.compile(r"[ \t]*(\d{1,4})\.(?:[ \t\u00a0]|$)")
GAP_FACTOR = 1.3  # a line pitch this many times the page's usual one starts a new group
PDFIUM_HYPHEN = 0x02  # what PDFium reports for a line-end hyphen it joined
INVISIBLE = 3  # PDF text render mode 3: neither filled nor stroked
PAGE_BREAK = "\n\f\n"  # between pages: a form feed on a line of its own


@dataclass
class _Line:
    text: str
    baseline: float
    height: float


@dataclass
class _Group:
    lines: list[str]
    first_line: int  # 1-based line number within the page
    paragraph: int | None = None


@dataclass
class _Page:
    groups: list[_Group] = field(default_factory=list)


def extract_pdf(data: bytes) -> Extraction:
    """The text of a born-digital PDF; raises ExtractionError when any page is not quotable."""
    document = _open(data)
    try:
        flags: list[str] = []
        pages: list[tuple[_Page, str | None]] = []
        for index in range(len(document)):
            page = document[index]
            try:
                lines = _page_lines(page, index + 1, flags)
            finally:
                page.close()
            pages.append((_group_lines(lines), document.get_page_label(index) or None))
    finally:
        document.close()
    if not any(page.groups for page, _ in pages):
        raise ExtractionError("the PDF has no text at all: a scanned or image-only PDF cannot be quoted; "
                              "find a born-digital copy (e.g. from the publisher's or the UN's document system)")
    _number_paragraphs([page for page, _ in pages])
    text, blocks = _assemble(pages)
    return Extraction(text=text, blocks=blocks, extractor=EXTRACTOR, flags=tuple(flags))


def _open(data: bytes) -> Any:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ExtractionError("the PDF is encrypted with a password; archive a copy that opens without one") \
                from None
        raise ExtractionError(f"the file cannot be read as a PDF ({error})") from None


def _page_lines(page: Any, number: int, flags: list[str]) -> list[_Line]:
    """The page's text lines, after checking that the page has a real, fully mapped text layer."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        lines = _read_lines(textpage, count, number)
    finally:
        textpage.close()
    if not any(line.text.strip() for line in lines):
        if pdfium_c.FPDFPage_CountObjects(page.raw) == 0:
            flags.append(f"page {number} is blank")
            return []
        raise ExtractionError(f"page {number} has no text layer: a scanned PDF cannot be quoted; find a "
                              "born-digital copy of the document (its text must be selectable)")
    visible, invisible = _text_render_modes(page)
    if invisible and not visible:
        raise ExtractionError(f"page {number}'s only text is invisible (an OCR layer over a scanned image): that "
                              "is a machine's reading of a scan, not the document's text, and cannot be quoted; "
                              "find a born-digital copy")
    if invisible:
        flags.append(f"page {number} has invisible text (PDF text render mode 3) among its visible text; "
                     "it is included in the extracted text")
    private = sum(1 for line in lines for char in line.text if unicodedata.category(char) == "Co")
    if private:
        flags.append(f"page {number} has {private} private-use character(s): the font maps glyphs to no standard "
                     "character, so passages containing them cannot match")
    return lines


def _read_lines(textpage: Any, count: int, page_number: int) -> list[_Line]:
    raw = textpage.raw
    get_unicode, has_map_error = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_HasUnicodeMapError
    codes = [get_unicode(raw, index) for index in range(count)]
    unmapped = next((index for index in range(count) if has_map_error(raw, index)), count)
    lines: list[_Line] = []
    chars: list[str] = []
    line_start: int | None = None  # char index of the current line's first character
    index = 0
    while index < count:
        code = codes[index]
        if index == unmapped:
            _refuse_unmapped(page_number, len(lines) + 1, "".join(chars))
        if 0x20 <= code < 0x7F or 0xA0 <= code < 0xD800 or 0xE000 <= code < 0xFFFD:  # the usual case
            line_start = index if line_start is None else line_start
            chars.append(chr(code))
            index += 1
            continue
        if code in (0x0D, 0x0A):  # PDFium's generated line break ("\r\n")
            index += 2 if code == 0x0D and index + 1 < count and codes[index + 1] == 0x0A else 1
            lines.append(_line(textpage, chars, line_start))
            chars, line_start = [], None
            continue
        line_start = index if line_start is None else line_start
        if code == PDFIUM_HYPHEN and pdfium_c.FPDFText_IsHyphen(raw, index):
            chars.append("-")
            if _next_char_on_new_line(textpage, index, count):
                lines.append(_line(textpage, chars, line_start))
                chars, line_start = [], None
            index += 1
            continue
        char, width = _character(codes, index, code)
        if char is None:
            _refuse_unmapped(page_number, len(lines) + 1, "".join(chars))
        elif char == "\ufffd":
            _refuse_unmapped(page_number, len(lines) + 1, "".join(chars), replacement=True)
        else:
            chars.append(char)
        index += width
    if chars:
        lines.append(_line(textpage, chars, line_start))
    return lines


def _character(codes: list[int], index: int, code: int) -> tuple[str | None, int]:
    """The character at `index` and how many char slots it takes: PDFium reports characters
    outside the BMP as two surrogate halves. None for a lone surrogate or a control character."""
    if 0xD800 <= code <= 0xDBFF and index + 1 < len(codes) and 0xDC00 <= codes[index + 1] <= 0xDFFF:
        return chr(0x10000 + ((code - 0xD800) << 10) + (codes[index + 1] - 0xDC00)), 2
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return None, 1
    char = chr(code)
    if unicodedata.category(char) == "Cc" and char != "\t":
        return None, 1
    return char, 1


def _refuse_unmapped(page: int, line: int, before: str, replacement: bool = False) -> None:
    what = "U+FFFD (a replacement character: text lost before the PDF was made)" if replacement else \
        "a glyph with no Unicode mapping (the font does not say which character it draws)"
    after = f' after \u201c{before[-40:]}\u201d' if before.strip() else ""
    raise ExtractionError(
        f"page {page}, line {line}: the text layer has {what}{after}; the PDF's text cannot be quoted verbatim. "
        "Find a born-digital copy with a complete text layer (e.g. from the publisher)")


def _next_char_on_new_line(textpage: Any, index: int, count: int) -> bool:
    if index + 1 >= count:
        return True
    return abs(_baseline(textpage, index + 1) - _baseline(textpage, index)) > 0.5 * _height(textpage, index)


def _line(textpage: Any, chars: list[str], start: int | None) -> _Line:
    if start is None:
        return _Line("".join(chars), 0.0, 0.0)
    return _Line("".join(chars), _baseline(textpage, start), _height(textpage, start))


def _baseline(textpage: Any, index: int) -> float:
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
    return float(y.value)


def _height(textpage: Any, index: int) -> float:
    box = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, index, ctypes.byref(box))
    return float(abs(box.top - box.bottom))


def _text_render_modes(page: Any) -> tuple[int, int]:
    """How many text objects on the page are drawn, and how many are invisible."""
    visible = invisible = 0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,), max_depth=8):
        if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) == INVISIBLE:
            invisible += 1
        else:
            visible += 1
    return visible, invisible


def _group_lines(lines: list[_Line]) -> _Page:
    """Splits a page's lines into groups (see the module docstring)."""
    page = _Page()
    pitches = [previous.baseline - line.baseline for previous, line in itertools.pairwise(lines)
               if previous.baseline - line.baseline > 0.5 * max(line.height, 1.0)]
    usual = statistics.median(pitches) if pitches else None
    previous: _Line | None = None
    for number, line in enumerate(lines, start=1):
        if previous is None or _starts_group(previous, line, usual):
            page.groups.append(_Group([], number))
        page.groups[-1].lines.append(line.text)
        previous = line
    return page


def _starts_group(previous: _Line, line: _Line, usual: float | None) -> bool:
    pitch = previous.baseline - line.baseline
    if pitch <= 0.5 * max(line.height, 1.0):
        return True  # the text moved up or sideways: another column, a margin box, a float
    return usual is not None and pitch > GAP_FACTOR * usual


def _number_paragraphs(pages: list[_Page]) -> None:
    """Gives each group the document's paragraph number: its own when it starts with one, else the
    last one before it. A line inside a group that starts with the next number starts a new group."""
    current: int | None = None
    for page in pages:
        groups: list[_Group] = []
        for group in page.groups:
            for offset, line in enumerate(group.lines):
                match = PARAGRAPH_NUMBER.match(line)
                number = int(match.group(1)) if match else None
                if offset == 0:
                    current = number if number is not None else current
                    groups.append(_Group([], group.first_line, current))
                elif number is not None and current is not None and number == current + 1:
                    current = number
                    groups.append(_Group([], group.first_line + offset, current))
                groups[-1].lines.append(line)
        page.groups = groups


def _assemble(pages: list[tuple[_Page, str | None]]) -> tuple[str, tuple[Block, ...]]:
    parts: list[str] = []
    blocks: list[Block] = []
    position = 0
    for page_number, (page, label) in enumerate(pages, start=1):
        if page_number > 1:
            parts.append(PAGE_BREAK)
            position += len(PAGE_BREAK)
        for group_index, group in enumerate(page.groups):
            if group_index:
                parts.append("\n\n")
                position += 2
            text = "\n".join(group.lines)
            locator = PdfLocator(page=page_number, page_label=label, line=group.first_line, paragraph=group.paragraph)
            blocks.append(Block(position, position + len(text), locator))
            parts.append(text)
            position += len(text)
    return "".join(parts), tuple(blocks)
