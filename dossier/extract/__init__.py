"""Deterministic text extraction from archived captures: plain text, HTML pages, born-digital
PDFs, and pages kept in web archives (WARC, WACZ). Images are recognised but never quotable.

The same bytes always give the same text with the same library versions; the `extractor` string
of an Extraction names our rules' version and the libraries', so any change is visible.

The extractors' libraries (selectolax, pypdfium2, warcio) are imported on first use only, so that
commands over an evidence base of text captures do not pay for loading them.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

from .detect import detect_kind
from .model import (
    ArchiveLocator,
    ArchiveRecord,
    Block,
    Extraction,
    ExtractionError,
    HtmlLocator,
    Kind,
    Locator,
    PdfLocator,
    TextLocator,
)
from .text import extract_text, line_col

__all__ = [
    "ArchiveLocator", "ArchiveRecord", "Block", "Extraction", "ExtractionError", "HtmlLocator", "Kind",
    "Locator", "PdfLocator", "TextLocator", "detect_kind", "extract", "locate",
]


def extract(kind: Kind, data: bytes, *, record: str | None = None) -> Extraction:
    """The text of a capture of `kind`; `record` chooses the page in a WARC or WACZ (its
    WARC-Record-ID or WARC-Target-URI). Raises ExtractionError, with a message for the analyst,
    when the capture cannot be quoted."""
    if record is not None and kind not in ("warc", "wacz"):
        raise ExtractionError(f"a record can only be chosen in a web archive (WARC or WACZ), not in a {kind} capture")
    if kind == "text":
        return extract_text(data)
    if kind == "html":
        from .html import extract_html
        return extract_html(data)
    if kind == "pdf":
        from .pdf import extract_pdf
        return extract_pdf(data)
    if kind == "warc":
        from .warc import extract_warc
        return extract_warc(data, record)
    if kind == "wacz":
        from .wacz import extract_wacz
        return extract_wacz(data, record)
    if kind == "image":
        raise ExtractionError("images are archived as exhibits; they cannot be quoted")
    raise ExtractionError(f"unknown capture kind {kind!r}")


def locate(extraction: Extraction, offset: int) -> Locator:
    """Where position `offset` of `extraction.text` is in the original capture."""
    text = extraction.text
    if not 0 <= offset <= len(text):
        raise ValueError(f"offset {offset} is outside the extracted text (0..{len(text)})")
    blocks = extraction.blocks
    if not blocks or isinstance(blocks[0].locator, TextLocator):
        return line_col(text, offset)
    index = max(0, bisect_right([block.start for block in blocks], offset) - 1)
    block = blocks[index]
    inside = max(block.start, min(offset, block.end))
    outer = block.locator
    inner = outer.inner if isinstance(outer, ArchiveLocator) else outer
    located: HtmlLocator | PdfLocator
    if isinstance(inner, HtmlLocator):
        from .html import html_locator
        located = html_locator(text, inner.block, block.start, inside)
    elif isinstance(inner, PdfLocator):
        located = replace(inner, line=inner.line + text.count("\n", block.start, inside))
    else:
        raise TypeError(f"unexpected locator {inner!r}")
    return replace(outer, inner=located) if isinstance(outer, ArchiveLocator) else located
