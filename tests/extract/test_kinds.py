"""Detecting the kind of a capture; plain text; images; the public entry points."""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile

import pytest

from dossier.extract import ExtractionError, TextLocator, detect_kind, extract, locate

from .minipdf import MiniPdf, helvetica_lines
from .samples import Page, make_wacz, make_warc

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


@pytest.mark.parametrize(("data", "filename", "kind"), [
    (MiniPdf().page(helvetica_lines(["x"])).build(), "report.bin", "pdf"),  # magic beats the name
    (PNG, "photo.txt", "image"),
    (b"\xff\xd8\xff\xe0" + b"\0" * 20, "x", "image"),
    (b"GIF89a" + b"\0" * 10, "x", "image"),
    (b"RIFF\x10\0\0\0WEBPVP8 ", "x", "image"),
    (make_warc([Page("https://a.example/", b"<p>A</p>")]), "capture", "warc"),
    (make_warc([Page("https://a.example/", b"<p>A</p>")], compress=False), "capture", "warc"),
    (make_wacz(make_warc([Page("https://a.example/", b"<p>A</p>")]), ["https://a.example/"]), "x.zip", "wacz"),
    (b"<p>looks like html</p>", "article.txt", "text"),  # the name beats sniffing
    (b"plain words", "page.html", "html"),
    (b"\xef\xbb\xbf  <!DOCTYPE html><html>", "saved", "html"),
    (b"<html><body>x", "noext", "html"),
    ("Пишу по-русски".encode(), "noext", "text"),
    (b"", "shot.jpeg", "image"),
])
def test_detect_kind(data: bytes, filename: str, kind: str) -> None:
    assert detect_kind(data, filename) == kind


@pytest.mark.parametrize(("data", "message"), [
    (b"\x00\x9f\x92\x96 binary", "cannot tell what kind of capture"),
    (gzip.compress(b"<html>not a warc</html>"), "not a WARC"),
])
def test_unknown_kinds_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ExtractionError, match=message):
        detect_kind(data, "mystery")


def test_a_zip_that_is_not_a_wacz_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doc.txt", "x")
    with pytest.raises(ExtractionError, match="not a WACZ"):
        detect_kind(buffer.getvalue(), "package.zip")


def test_images_are_never_quotable() -> None:
    with pytest.raises(ExtractionError, match="images are archived as exhibits; they cannot be quoted"):
        extract("image", PNG)


def test_text_is_utf8_unchanged() -> None:
    data = "\ufeffNorth Korean workers\r\n\r\narrived in 2023.\u00ad\n".encode()
    extraction = extract("text", data)
    assert extraction.text == data.decode("utf-8")
    assert extraction.extractor == "text/1"
    assert [extraction.text[b.start:b.end] for b in extraction.blocks] == ["\ufeffNorth Korean workers",
                                                                          "arrived in 2023.\u00ad\n"]


@pytest.mark.parametrize(("data", "message"), [
    ("Рабочие".encode("cp1251"), r"not UTF-8: byte 0 \(line 1\) is 0xD0"),
    (codecs.BOM_UTF16_LE + "text".encode("utf-16-le"), "UTF-16"),
])
def test_text_that_is_not_utf8_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ExtractionError, match=message):
        extract("text", data)


def test_text_locator_is_line_and_column() -> None:
    extraction = extract("text", "first line\nsecond 북한 line\n".encode())
    locator = locate(extraction, extraction.text.index("북한"))
    assert locator == TextLocator(2, 8)
    assert locator.cite() == "line 2, col. 8"
    assert locate(extraction, len(extraction.text)) == TextLocator(3, 1)
    with pytest.raises(ValueError):
        locate(extraction, len(extraction.text) + 1)


def test_record_is_only_for_web_archives() -> None:
    with pytest.raises(ExtractionError, match="only be chosen in a web archive"):
        extract("html", b"<p>x</p>", record="https://a.example/")
