"""A workaround for a WeasyPrint 70 cost that grows with the square of the page count, kept apart so that it
is easy to find and to drop once WeasyPrint no longer needs it.

A tagged PDF (PDF/A-3a) names, for each element of its structure tree, the page the element is on.
WeasyPrint's tagging (weasyprint/pdf/tags.py) reads it as `pdf.page_references[page_number]`, and pydyf's
`PDF.page_references` is a property that builds the reference of every page of the document anew at each
call. Elements grow with pages, so the tagging takes time in pages x elements: at the benchmark's
1,000-record base (714 pages) it was about a third of the whole render.

`page_references_remembered` makes the property build the list once for each set of pages: the same
references, so the same PDF byte for byte (tests/test_render.py checks both). The list is rebuilt whenever a
page is added, so it is never out of date, even if the property stays installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_MARK = "_dossier_remembers"  # set on our property's getter, so it is never wrapped twice


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
