"""The workaround for WeasyPrint's tagging cost: the same PDF byte for byte, the page list built once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydyf
import pytest

from dossier.assemble import assemble
from dossier.render import render_html, render_pdf
from dossier.resources import template_folder
from dossier.validate import validate
from dossier.weasyprint_fixes import page_references_remembered
from tests.pdfcheck import render_html_pdf

ORIGINAL = pydyf.PDF.__dict__["page_references"]


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count how often pydyf builds the list of page references (its property, wrapped to count)."""
    counted: list[int] = []

    def counting(pdf: Any) -> Any:
        counted.append(len(pdf.pages["Kids"]))
        return ORIGINAL.fget(pdf)

    monkeypatch.setattr(pydyf.PDF, "page_references", property(counting))
    yield counted


def tagged_pages(pages: int) -> str:
    """A document of headings, paragraphs, lists and tables over `pages` pages: many tagged elements a page."""
    section = ("<h2>Chapter</h2><p>Text of the chapter, long enough to be a paragraph of its own.</p>"
               "<ul><li>one</li><li>two</li></ul><table><tr><th>A</th><td>1</td></tr></table>")
    return "".join(f"<section style='break-after: page'>{section * 3}</section>" for _ in range(pages))


def test_the_pdf_is_the_same_byte_for_byte_and_the_page_list_built_once(tmp_path: Path, builds: list[int]) -> None:
    plain = render_html_pdf(tagged_pages(30), tmp_path / "plain.pdf", variant="pdf/a-3a").read_bytes()
    per_element = len(builds)
    builds.clear()
    with page_references_remembered():
        remembered = render_html_pdf(tagged_pages(30), tmp_path / "fixed.pdf", variant="pdf/a-3a").read_bytes()
    assert remembered == plain
    assert per_element > 30 * 10, "without the workaround, the list is built for every tagged element"
    assert len(builds) <= 2, builds  # once for the tagging (and once for the outline's links)


def test_the_property_is_restored_and_never_wrapped_twice() -> None:
    with page_references_remembered():
        inner = pydyf.PDF.__dict__["page_references"]
        with page_references_remembered():
            assert pydyf.PDF.__dict__["page_references"] is inner
        assert pydyf.PDF.__dict__["page_references"] is inner
    assert pydyf.PDF.__dict__["page_references"] is ORIGINAL


def test_a_page_added_is_in_the_list_at_once() -> None:
    pdf = pydyf.PDF()
    with page_references_remembered():
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        first = pdf.page_references
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert len(first) == 1 and len(pdf.page_references) == 2
        assert pdf.page_references == ORIGINAL.fget(pdf)


def test_the_brief_is_rendered_with_the_workaround(root: Path, builds: list[int]) -> None:
    dossier = assemble(validate(root))
    render_pdf(render_html(dossier, template_folder()), dossier, template_folder())
    assert 1 <= len(builds) <= 2, len(builds)
