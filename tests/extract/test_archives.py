"""Web archives: WARC files written with warcio, and WACZ packages around them."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from dossier.extract import ArchiveLocator, ExtractionError, HtmlLocator, PdfLocator, extract, locate
from dossier.extract.wacz import MAX_RATIO

from .minipdf import MiniPdf, helvetica_lines
from .samples import Page, make_wacz, make_warc, record_id, sha256

ARTICLE = "<html><head><meta charset='koi8-r'></head><body><p>Рабочие из <b>КНДР</b> прибыли.</p></body></html>"
URI = "https://example.ru/news/kndr-workers"


def article_warc(**kwargs: bool) -> bytes:
    return make_warc([
        Page("https://example.ru/", b"", status="301 Moved Permanently", content_type="text/html"),
        Page(URI, ARTICLE.encode("cp1251"), content_type="text/html; charset=windows-1251"),
        Page("https://example.ru/style.css", b"p { color: red }", content_type="text/css"),
        Page("https://example.ru/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png"),
    ], **kwargs)


def test_warc_page_chosen_by_default_uri_or_record_id() -> None:
    data = article_warc()
    by_default = extract("warc", data)
    assert by_default.text == "Рабочие из КНДР прибыли."
    assert extract("warc", data, record=URI) == by_default
    assert extract("warc", data, record=record_id(2)) == by_default
    assert extract("warc", data, record=record_id(2).strip("<>")) == by_default
    assert by_default.record is not None and by_default.record.record_id == record_id(2)
    assert by_default.record.date == "2024-03-01T12:00:00Z"


def test_http_charset_takes_precedence_over_meta() -> None:
    extraction = extract("warc", article_warc())  # the page says koi8-r, the server said windows-1251
    assert extraction.encoding == "windows-1251"
    assert "КНДР" in extraction.text


def test_locators_name_the_record_and_the_place_in_the_page() -> None:
    extraction = extract("warc", article_warc(compress=False))
    locator = locate(extraction, extraction.text.index("КНДР"))
    assert isinstance(locator, ArchiveLocator) and isinstance(locator.inner, HtmlLocator)
    assert (locator.record_id, locator.target_uri, locator.inner.block, locator.inner.offset) == \
        (record_id(2), URI, 1, 11)
    assert locator.cite() == f"{URI} (record {record_id(2)}), block 1, offset 11"
    assert extraction.extractor.startswith("warc/1 warcio ")
    assert "; html/1 selectolax" in extraction.extractor


def test_a_missing_record_is_an_error_listing_what_exists() -> None:
    with pytest.raises(ExtractionError) as error:
        extract("warc", article_warc(), record="https://example.ru/other")
    assert "no page record with WARC-Record-ID or WARC-Target-URI \u201chttps://example.ru/other\u201d" in \
        error.value.message
    assert f"it holds 1 HTML page(s): {URI} ({record_id(2)})" in error.value.message


def test_two_html_pages_need_a_choice() -> None:
    data = make_warc([Page("https://a.example/", b"<p>A</p>"), Page("https://b.example/", b"<p>B</p>")])
    with pytest.raises(ExtractionError, match=r"does not hold exactly one HTML page \(found 2\)"):
        extract("warc", data)
    assert extract("warc", data, record="https://b.example/").text == "B"


def test_a_uri_captured_twice_needs_a_record_id() -> None:
    data = make_warc([Page(URI, b"<p>first</p>"), Page(URI, b"<p>second</p>")])
    with pytest.raises(ExtractionError, match="captured more than once"):
        extract("warc", data, record=URI)
    assert extract("warc", data, record=record_id(2)).text == "second"


def test_a_payload_that_does_not_match_its_digest_is_refused() -> None:
    data = article_warc(compress=False).replace("прибыли".encode("cp1251"), "убыли!!".encode("cp1251"))
    with pytest.raises(ExtractionError, match="fails its digest check"):
        extract("warc", data, record=URI)


def test_a_resource_record_and_a_pdf_in_an_archive() -> None:
    pdf = MiniPdf().page(helvetica_lines(["117. The Panel found workers."])).build()
    data = make_warc([Page("https://un.example/report.pdf", pdf, content_type="application/pdf",
                           record_type="resource")])
    extraction = extract("warc", data, record="https://un.example/report.pdf")
    assert extraction.text == "117. The Panel found workers."
    locator = locate(extraction, 5)
    assert isinstance(locator, ArchiveLocator) and isinstance(locator.inner, PdfLocator)
    assert locator.inner.paragraph == 117


def test_an_oversized_payload_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dossier.extract.warc.MAX_PAYLOAD_BYTES", 50)
    with pytest.raises(ExtractionError, match="too large to be one page"):
        extract("warc", article_warc(), record=URI)


def test_only_html_pages_and_pdfs_are_quotable_in_an_archive() -> None:
    with pytest.raises(ExtractionError, match="is text/css: only HTML pages and PDFs"):
        extract("warc", article_warc(), record="https://example.ru/style.css")


def test_a_damaged_warc_is_refused() -> None:
    with pytest.raises(ExtractionError, match="damaged or not a WARC"):
        extract("warc", b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999\r\n\r\nshort")


# WACZ

def article_wacz(**kwargs: object) -> bytes:
    return make_wacz(article_warc(), [URI], **kwargs)  # type: ignore[arg-type]


def test_wacz_page_chosen_from_pages_jsonl() -> None:
    extraction = extract("wacz", article_wacz())
    assert extraction.text == "Рабочие из КНДР прибыли."
    assert extraction.extractor.startswith("wacz/1; warc/1 warcio ")
    assert extraction == extract("wacz", article_wacz())


def test_wacz_with_a_wrong_hash_is_refused_naming_the_file() -> None:
    data = article_wacz(tamper={"archive/data.warc.gz": sha256(b"something else")})
    with pytest.raises(ExtractionError, match=r"file archive/data.warc.gz does not match its hash in "
                                              r"datapackage.json"):
        extract("wacz", data)


def test_wacz_with_an_altered_file_is_refused() -> None:
    data = article_wacz()
    start = data.index(b"WARC/1.0") if b"WARC/1.0" in data else data.index(b"\x1f\x8b")
    altered = data[:start + 40] + bytes([data[start + 40] ^ 0xFF]) + data[start + 41:]
    with pytest.raises(ExtractionError, match=r"archive/data.warc.gz (cannot be read|does not match)"):
        extract("wacz", altered)


def test_wacz_with_an_altered_manifest_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(article_wacz())) as original, zipfile.ZipFile(buffer, "w") as altered:
        for info in original.infolist():
            body = original.read(info)
            if info.filename == "datapackage.json":
                manifest = json.loads(body)
                manifest["resources"] = manifest["resources"][1:]
                body = json.dumps(manifest).encode()
            altered.writestr(info, body)
    with pytest.raises(ExtractionError, match=r"datapackage\.json does not match its hash in datapackage-digest\.json"):
        extract("wacz", buffer.getvalue())


def test_wacz_without_the_named_record_lists_what_it_has() -> None:
    with pytest.raises(ExtractionError, match=rf"no page record .* it holds 1 HTML page\(s\): {URI}"):
        extract("wacz", article_wacz(), record="https://example.ru/missing")


def test_wacz_with_path_traversal_is_refused() -> None:
    with pytest.raises(ExtractionError, match="points outside the package"):
        extract("wacz", article_wacz(extra={"../../etc/cron.d/evil": b"x"}))


def test_wacz_zip_bomb_is_refused() -> None:
    bomb = b"\0" * (3 * 1024 * 1024)  # compresses about 1000:1
    assert MAX_RATIO < 1000
    with pytest.raises(ExtractionError, match="possible ZIP bomb"):
        extract("wacz", article_wacz(extra={"archive/padding.bin": bomb}, deflate_extra=True))


def test_zip_without_manifest_is_not_a_wacz() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.warc.gz", article_warc())
    with pytest.raises(ExtractionError, match=r"no datapackage\.json"):
        extract("wacz", buffer.getvalue())
