"""Plain-text captures: the bytes decoded as UTF-8, unchanged (line endings, BOM and all), so the
text a passage is matched against is byte for byte the file an analyst archived."""

from __future__ import annotations

import codecs
import re

from .model import Block, Extraction, ExtractionError, TextLocator

TEXT_RULES_VERSION = 1
EXTRACTOR = f"text/{TEXT_RULES_VERSION}"

_BLANK_LINES = re.compile(r"(?:\r?\n)[ \t]*(?:\r?\n)(?:[ \t]*\r?\n)*")


def extract_text(data: bytes) -> Extraction:
    """The capture's text; its blocks are its paragraphs (runs of lines between blank lines)."""
    text = decode_utf8(data)
    return Extraction(text=text, blocks=paragraph_blocks(text), extractor=EXTRACTOR)


def decode_utf8(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ExtractionError("the text capture is UTF-16 (it starts with a UTF-16 byte-order mark): "
                              "text captures must be UTF-8; save it again as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ExtractionError(
            f"the text capture is not UTF-8: byte {error.start} (line {line}) is 0x{data[error.start]:02X}. "
            "Text captures must be UTF-8 and are never re-encoded by the tool; save the text as UTF-8, "
            "or archive the original page (HTML) instead") from None


def paragraph_blocks(text: str) -> tuple[Block, ...]:
    blocks: list[Block] = []
    start = 0
    for separator in _BLANK_LINES.finditer(text):
        _add_paragraph(blocks, text, start, separator.start())
        start = separator.end()
    _add_paragraph(blocks, text, start, len(text))
    return tuple(blocks)


def _add_paragraph(blocks: list[Block], text: str, start: int, end: int) -> None:
    if text[start:end].strip():
        blocks.append(Block(start, end, line_col(text, start)))


def line_col(text: str, offset: int) -> TextLocator:
    """1-based line and column (in characters) of a position, as editors count them."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return TextLocator(line, column)
