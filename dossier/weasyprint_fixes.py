"""Two changes to how WeasyPrint 70 writes a PDF through pydyf 0.13, kept apart so that they are easy to find and
to drop once WeasyPrint no longer needs them: a cost that grows with the square of the page count, and the
compression level of the PDF's streams.

A tagged PDF (PDF/A-3a) names, for each element of its structure tree, the page the element is on.
WeasyPrint's tagging (weasyprint/pdf/tags.py) reads it as `pdf.page_references[page_number]`, and pydyf's
`PDF.page_references` is a property that builds the reference of every page of the document anew at each
call. Elements grow with pages, so the tagging takes time in pages x elements: at the benchmark's
1,000-record base (714 pages) it was about a third of the whole render.

`page_references_remembered` makes the property build the list once for each set of pages: the same
references, so the same PDF byte for byte (tests/test_render.py checks both). The list is rebuilt whenever a
page is added, so it is never out of date, even if the property stays installed.

`streams_compressed_at` sets the zlib level at which pydyf compresses the PDF's streams. pydyf asks for level 9,
the smallest and slowest; at the benchmark's 1,000-record base that was about a tenth of the whole render.
zlib's default level (6) writes the same content, decompressed byte for byte, in streams about 4 % larger,
in less time (bench/run.py's experiment "compress-9" measures both).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

_MARK = "_dossier_remembers"  # set on our property's getter, so it is never wrapped twice
STREAM_COMPRESSION = zlib.Z_DEFAULT_COMPRESSION  # zlib's own default, level 6: the build's PDF streams


@contextmanager
def page_references_remembered() -> Iterator[None]:
    """While the PDF is written, pydyf's PDF.page_references builds the page references once per page count."""
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property) or original.fget is None or getattr(original.fget, _MARK, False):
        yield  # another pydyf (nothing to fix, or not in this way), or already remembering: leave it as it is
        return
    build = original.fget

    def remembered(pdf: Any) -> Any:
        kids = pdf.pages["Kids"]
        key = (id(kids), len(kids))
        known = pdf.__dict__.get("_dossier_page_references")
        if known is None or known[0] != key:
            known = (key, build(pdf))
            pdf.__dict__["_dossier_page_references"] = known
        return known[1]

    setattr(remembered, _MARK, True)
    pydyf.PDF.page_references = property(remembered)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


class _ZlibAt(ModuleType):
    """The zlib module as pydyf sees it while the PDF is written: every compressor it makes uses `level`."""

    def __init__(self, level: int) -> None:
        super().__init__("zlib")
        self.level = level

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    # `level` is the level pydyf asks for (it passes level=9 by name): accepted, and replaced by self.level.
    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:  # noqa: ARG002
        return zlib.compressobj(self.level, *args, **kwargs)

    def compress(self, data: bytes, /, level: int = -1, wbits: int = zlib.MAX_WBITS) -> bytes:  # noqa: ARG002
        return zlib.compress(data, self.level, wbits)


@contextmanager
def streams_compressed_at(level: int = STREAM_COMPRESSION) -> Iterator[None]:
    """While the PDF is written, pydyf compresses its streams at zlib `level` instead of the level it asks for."""
    import pydyf

    if getattr(pydyf, "zlib", None) is not zlib:
        yield  # another pydyf (it no longer compresses through zlib this way), or already set: leave it as it is
        return
    pydyf.zlib = _ZlibAt(level)
    try:
        yield
    finally:
        pydyf.zlib = zlib
