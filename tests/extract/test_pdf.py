"""PDFs: rendered by WeasyPrint from HTML written here (columns, hyphenation, ligatures, running
heads, numbered paragraphs), and written by hand (minipdf) where a text layer must be exactly so."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from dossier.extract import ExtractionError, PdfLocator, extract, locate
from dossier.extract.pdf import EXTRACTOR, PDF_RULES_VERSION

from .minipdf import MiniPdf, helvetica_lines, type0_line
from .samples import png_data_uri, render_pdf

REPORT = """<!doctype html><html lang="en"><head><style>
@page { size: A5; margin: 2cm 1.5cm;
        @top-center { content: "S/2024/215"; font-size: 8pt }
        @bottom-center { content: counter(page) "/" counter(pages); font-size: 8pt } }
body { font-family: "DejaVu Serif", serif; font-size: 10pt }
.columns { columns: 2; column-gap: 1cm; hyphens: auto; text-align: justify }
p { margin: 0 0 8pt 0 }
.next { break-before: page }
</style></head><body>
<h1>Overseas workers</h1>
<div class="columns">
<p>116. The Panel continued its investigation into the internationalisation of responsibilities
for overseas workers and their remittances through intermediaries.</p>
<p>117. The Panel found that official financial flows were significant, and that efficient reporting
was lacking in characteristically uncooperative jurisdictions, including the fisheries sector.</p>
<p>118. Shipments of refined petroleum products continued throughout the reporting period.</p>
</div>
<p class="next">119. On the second page, the Panel notes further transfers.</p>
</body></html>"""


@pytest.fixture(scope="module")
def report() -> bytes:
    return render_pdf(REPORT)


def test_text_is_per_page_with_running_heads_and_columns_in_reading_order(report: bytes) -> None:
    extraction = extract("pdf", report)
    pages = extraction.text.split("\f")
    assert len(pages) == 2
    assert all("S/2024/215" in page for page in pages)  # the running head, as printed, on each page
    first = re.sub(r"[\s\u2010-]+", "", pages[0])
    assert first.index("116.") < first.index("117.") < first.index("118.")  # column 1, then column 2
    assert "119." in pages[1]


def test_hyphenated_line_ends_are_kept_as_printed(report: bytes) -> None:
    text = extract("pdf", report).text
    assert re.search(r"\w[\u2010-]\n\w", text), "WeasyPrint hyphenated a word at a line end; it must stay split"


def test_ligatures_come_out_as_letters(report: bytes) -> None:
    text = extract("pdf", report).text
    assert "fisheries" in text.replace("\u2010\n", "").replace("-\n", "")


def test_numbered_paragraphs_are_located_by_page_line_and_paragraph(report: bytes) -> None:
    extraction = extract("pdf", report)
    offset = extraction.text.index("The Panel found")
    locator = locate(extraction, offset)
    assert isinstance(locator, PdfLocator)
    assert (locator.page, locator.page_label, locator.paragraph) == (1, None, 117)
    assert extraction.text[:offset].count("\n") - extraction.text[:offset].count("\n\n") + 1 == locator.line
    assert locator.cite() == f"page 1 of the file, para. 117, line {locator.line}"
    second = locate(extraction, extraction.text.index("further"))
    assert isinstance(second, PdfLocator) and (second.page, second.paragraph) == (2, 119)


def test_paragraph_blocks_start_with_their_number(report: bytes) -> None:
    extraction = extract("pdf", report)
    starts = [extraction.text[b.start:b.end].split()[0] for b in extraction.blocks]
    assert {"116.", "117.", "118.", "119."} <= set(starts)


def test_same_bytes_same_text_and_versioned_extractor(report: bytes) -> None:
    assert extract("pdf", report) == extract("pdf", report)
    assert re.fullmatch(rf"pdf/{PDF_RULES_VERSION} pypdfium2 \d+\.\d+\.\d+\S* pdfium \d+", EXTRACTOR)


def test_an_image_only_page_makes_the_pdf_not_quotable() -> None:
    data = render_pdf(f"<p>Page one has text.</p><p style='break-before: page'><img src='{png_data_uri()}'></p>")
    with pytest.raises(ExtractionError, match=r"page 2 has no text layer: a scanned PDF cannot be quoted"):
        extract("pdf", data)


def test_a_pdf_without_any_text_is_refused() -> None:
    with pytest.raises(ExtractionError, match="no text at all"):
        extract("pdf", render_pdf("<body></body>"))
    with pytest.raises(ExtractionError, match="page 1 has no text layer"):
        extract("pdf", render_pdf(f"<img src='{png_data_uri()}'>"))


def test_a_blank_page_between_text_pages_is_allowed_and_flagged() -> None:
    data = MiniPdf().page(helvetica_lines(["Front page."])).page("").page(helvetica_lines(["Back page."])).build()
    extraction = extract("pdf", data)
    assert extraction.text == "Front page.\n\f\n\n\f\nBack page."  # each page starts on a line of its own
    assert extraction.flags == ("page 2 is blank",)


def test_an_invisible_ocr_layer_over_a_scan_is_refused() -> None:
    pdf = MiniPdf(image_pages={0})
    pdf.page("q 400 0 0 600 50 100 cm /Im1 Do Q\n" + helvetica_lines(["OCR guess of the scan"], render_mode=3))
    with pytest.raises(ExtractionError, match="page 1's only text is invisible"):
        extract("pdf", pdf.build())


def test_unmapped_glyphs_make_the_pdf_not_quotable() -> None:
    data = MiniPdf().page(helvetica_lines(["Fine text."])).page(type0_line([40, 41, 42])).build()
    with pytest.raises(ExtractionError, match=r"page 2, line 1: the text layer has a glyph with no Unicode mapping"):
        extract("pdf", data)


def test_replacement_characters_make_the_pdf_not_quotable() -> None:
    data = MiniPdf(to_unicode={1: "A", 2: "\ufffd"}).page(type0_line([1, 1, 2])).build()
    with pytest.raises(ExtractionError, match=r"page 1, line 1: the text layer has U\+FFFD .* after \u201cAA\u201d"):
        extract("pdf", data)


def test_line_end_hyphens_that_pdfium_joins_are_put_back() -> None:
    data = MiniPdf().page(helvetica_lines(["The well-", "known inter-", "nationalisation of labour."])).build()
    assert extract("pdf", data).text == "The well-\nknown inter-\nnationalisation of labour."


def test_no_compatibility_normalisation_and_no_nfc() -> None:
    # Full-width digit, circled digit, numero sign, superscript, CJK compatibility ideograph, a
    # character outside the BMP, decomposed é, conjoining jamo: all exactly as in the text layer.
    kept = ["\uff11", "\u2460", "\u2116", "\u00b2", "\uf914", "\U00021d53", "e\u0301", "\u1100\u1161", "\u00ad"]
    data = MiniPdf(to_unicode={i + 1: s for i, s in enumerate(kept)}).page(type0_line(list(range(1, 10)))).build()
    assert extract("pdf", data).text == "".join(kept)


def test_pdfium_splits_latin_ligature_characters() -> None:
    # Pinned library behaviour: PDFium reports U+FB01/U+FB02 as letters (the matcher's fold anyway).
    data = MiniPdf(to_unicode={1: "\ufb01", 2: "nal ", 3: "\ufb02", 4: "ow"}).page(type0_line([1, 2, 3, 4])).build()
    assert extract("pdf", data).text == "final flow"


def test_cjk_text_layer_is_extracted_as_is() -> None:
    text = ["북한 노동자", "朝鲜劳务人员", "北朝鮮の労働者"]
    chars = sorted(set("".join(text)))
    codes = {char: number for number, char in enumerate(chars, start=1)}
    content = "\n".join(type0_line([codes[c] for c in line], y=700 - 20 * i) for i, line in enumerate(text))
    to_unicode = {number: char for char, number in codes.items()}
    extraction = extract("pdf", MiniPdf(to_unicode=to_unicode).page(content).build())
    assert extraction.text.split("\n") == text


def test_page_labels_are_read_and_cited() -> None:
    pdf = MiniPdf(page_labels=b"0 << /S /r >> 2 << /S /D /St 42 >>")
    for number in range(3):
        pdf.page(helvetica_lines([f"Text of page {number + 1}."]))
    extraction = extract("pdf", pdf.build())
    locator = locate(extraction, extraction.text.index("page 3"))
    assert isinstance(locator, PdfLocator)
    assert (locator.page, locator.page_label, locator.line) == (3, "42", 1)
    assert locator.cite() == "p. 42 (page 3 of the file), line 1"
    first = locate(extraction, 0)
    assert isinstance(first, PdfLocator) and first.page_label == "i"


def test_a_paragraph_numbered_mid_group_starts_a_new_block() -> None:
    lines = ["117. The Panel found that", "workers were sent abroad.", "118. The Panel also found",
             "that payments continued, in 2017. It was"]
    extraction = extract("pdf", MiniPdf().page(helvetica_lines(lines)).build())
    assert [b.locator.paragraph for b in extraction.blocks if isinstance(b.locator, PdfLocator)] == [117, 118]
    assert extraction.text == "\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:])


def test_encrypted_or_broken_files_get_a_clear_message() -> None:
    with pytest.raises(ExtractionError, match="cannot be read as a PDF"):
        extract("pdf", b"%PDF-1.7\nnot really a pdf")


def cjk_font_available() -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True).stdout.strip())


@pytest.mark.skipif(not cjk_font_available(), reason="no Korean font on this machine (fc-list :lang=ko is empty); "
                                                     "install fonts-noto-cjk to render CJK PDFs")
def test_weasyprint_cjk_pdf() -> None:
    data = render_pdf("<html lang='ko'><body><p lang='ko'>북한 노동자가 러시아에 파견되었다.</p>"
                      "<p lang='ja'>北朝鮮の労働者がロシアに派遣された。</p><p lang='zh-Hans'>朝鲜劳务人员抵达俄罗斯。</p>")
    text = extract("pdf", data).text
    assert "북한 노동자가 러시아에 파견되었다." in text
    assert "北朝鮮の労働者がロシアに派遣された。" in text
    assert "朝鲜劳务人员抵达俄罗斯。" in text
