"""What an extractor returns: the text, its blocks, and locators a reader can follow.

The text is what passages are matched against; the locators say where a position of that text is
in the original capture, in the terms a reader of the original uses (a line, a page and paragraph,
a block of a web page, a record of a web archive).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "html", "pdf", "warc", "wacz", "image"]

CONTEXT_CHARS = 20  # characters of prefix and suffix an HTML locator carries


class ExtractionError(Exception):
    """A capture that cannot be quoted, with a message written for the analyst."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TextLocator:
    """A position in a plain-text capture: 1-based line and column (in characters)."""

    line: int
    column: int

    def cite(self) -> str:
        return f"line {self.line}, col. {self.column}"


@dataclass(frozen=True)
class HtmlLocator:
    """A position in a web page: 1-based block number, offset in characters into that block, and
    the extracted text around it (a W3C text-quote selector), which survives re-rendering."""

    block: int
    offset: int
    prefix: str
    suffix: str

    def cite(self) -> str:
        return f"block {self.block}, offset {self.offset}"


@dataclass(frozen=True)
class PdfLocator:
    """A position in a PDF: page index in the file (1-based), the printed page label when the PDF
    defines labels, the line within the page (1-based), and the document's own paragraph number
    when it numbers its paragraphs ("117." as UN documents do)."""

    page: int
    page_label: str | None
    line: int
    paragraph: int | None

    def cite(self) -> str:
        if self.page_label is None:
            parts = [f"page {self.page} of the file"]
        elif self.page_label == str(self.page):
            parts = [f"p. {self.page_label}"]
        else:
            parts = [f"p. {self.page_label} (page {self.page} of the file)"]
        if self.paragraph is not None:
            parts.append(f"para. {self.paragraph}")
        parts.append(f"line {self.line}")
        return ", ".join(parts)


@dataclass(frozen=True)
class ArchiveLocator:
    """A position in a page kept in a web archive (WARC or WACZ): the record, then the position
    inside the page that record holds."""

    record_id: str
    target_uri: str
    inner: HtmlLocator | PdfLocator

    def cite(self) -> str:
        return f"{self.target_uri} (record {self.record_id}), {self.inner.cite()}"


Locator = TextLocator | HtmlLocator | PdfLocator | ArchiveLocator


@dataclass(frozen=True)
class Block:
    """One block of extracted text (paragraph, heading, list item, table cell, PDF line group):
    text[start:end], and where a reader finds its start in the original."""

    start: int
    end: int
    locator: Locator


@dataclass(frozen=True)
class ArchiveRecord:
    """The web-archive record a page was extracted from."""

    record_id: str
    target_uri: str
    date: str | None  # WARC-Date
    content_type: str | None


@dataclass(frozen=True)
class Extraction:
    """The deterministic text of a capture.

    `text`: blocks separated by "\\n\\n" (PDF pages by "\\n\\f\\n"; a text capture is its own text,
    unchanged). `extractor` names our rules' version and the library versions, so any change in
    either is visible. `flags` are findings a reviewer should see (hidden text, odd encodings, ...).
    """

    text: str
    blocks: tuple[Block, ...]
    extractor: str
    flags: tuple[str, ...] = ()
    title: str | None = None  # an HTML page's <title>: offered as a title, never quotable
    encoding: str | None = None  # the WHATWG name of the encoding an HTML page was decoded with
    record: ArchiveRecord | None = None
