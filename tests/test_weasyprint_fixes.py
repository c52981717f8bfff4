"""The changes to how WeasyPrint writes a PDF: the page list built once (the same PDF byte for byte), and the streams
compressed at zlib's default level (the same content, decompressed)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydyf
import pytest

from dossier.assemble import assemble
from dossier.render import render_html, render_pdf
from dossier.resources import template_folder
from dossier.validate import validate
from dossier.weasyprint_fixes import page_references_remembered, streams_compressed_at
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


def streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """Each compressed stream of a PDF: its zlib header (which names the level class) and its content, except the
    cross-reference stream's, which is the byte offsets of the objects (other sizes, other offsets)."""
    found = []
    for match in re.finditer(rb"<<([^>]*/Filter /FlateDecode[^>]*)>>\nstream\n", pdf):
        content = zlib.decompressobj().decompress(pdf[match.end():])
        found.append((pdf[match.end():match.end() + 2], b"(offsets)" if b"/Type /XRef" in match[1] else content))
    return found


def test_streams_are_compressed_at_zlibs_default_level_with_the_same_content(tmp_path: Path) -> None:
    pydyfs_own = streams(render_html_pdf(tagged_pages(3), tmp_path / "nine.pdf", variant="pdf/a-3a").read_bytes())
    with streams_compressed_at():
        default = streams(render_html_pdf(tagged_pages(3), tmp_path / "six.pdf", variant="pdf/a-3a").read_bytes())
    assert len(default) == len(pydyfs_own) >= 5  # pages, fonts, the structure tree's object streams
    assert {header for header, _ in pydyfs_own} == {b"\x78\xda"}  # zlib's header for levels 7 to 9
    assert {header for header, _ in default} == {b"\x78\x9c"}  # zlib's header for its default level, 6
    assert [content for _, content in default] == [content for _, content in pydyfs_own]


def test_the_compression_is_restored_and_never_set_twice() -> None:
    with streams_compressed_at(1):
        inner = pydyf.zlib
        assert inner is not zlib and inner.compressobj(level=9).compress(b"a" * 100)[:0] == b""
        with streams_compressed_at(6):
            assert pydyf.zlib is inner
        assert pydyf.zlib is inner
    assert pydyf.zlib is zlib


def test_the_brief_is_rendered_with_its_streams_at_the_default_level(root: Path) -> None:
    dossier = assemble(validate(root))
    pdf = render_pdf(render_html(dossier, template_folder()), dossier, template_folder())
    headers = {header for header, _ in streams(pdf)}
    assert headers == {b"\x78\x9c"}, headers
    assert pydyf.zlib is zlib
