"""What kind of capture a file is: by its leading bytes first (formats with a signature), then by
its name, then by sniffing for HTML, and last, text if it is UTF-8."""

from __future__ import annotations

import gzip
import io
import re
import zipfile
import zlib
from pathlib import PurePath

from .model import ExtractionError, Kind

SUFFIXES: dict[str, Kind] = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".pdf": "pdf",
    ".warc": "warc", ".warc.gz": "warc", ".arc": "warc", ".arc.gz": "warc",
    ".wacz": "wacz",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".webp": "image", ".svg": "image",
    ".tif": "image", ".tiff": "image", ".bmp": "image", ".heic": "image", ".avif": "image",
}

# The WHATWG MIME Sniffing Standard's HTML signatures: after leading whitespace, one of these
# tags (any case) followed by a space or ">".
_HTML_SIGNATURE = re.compile(
    rb"[\t\n\x0c\r ]*(?:<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b"
    rb"|<body|<br|<p|<!--)[ >]", re.IGNORECASE)


def detect_kind(data: bytes, filename: str) -> Kind:
    """The kind of a capture (see the module docstring); raises ExtractionError when it is none
    of the kinds we archive."""
    by_signature = _kind_by_signature(data)
    if by_signature is not None:
        return by_signature
    by_name = _kind_by_name(filename)
    if by_name is not None:
        return by_name
    if _HTML_SIGNATURE.match(data.removeprefix(b"\xef\xbb\xbf")[:512]):
        return "html"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExtractionError(
            f"{PurePath(filename).name}: cannot tell what kind of capture this is (not HTML, PDF, a web "
            "archive, an image, or UTF-8 text)") from None
    return "text"


def _kind_by_signature(data: bytes) -> Kind | None:
    header = data.find(b"%PDF-", 0, 1024)  # readers accept the header anywhere in the first 1024 bytes
    if header == 0 or (header > 0 and b"<" not in data[:header]):
        return "pdf"
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")) or (
            data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"WARC/"):
        return "warc"
    if data.startswith(b"\x1f\x8b"):
        return _gzip_kind(data)
    return None


def _kind_by_name(filename: str) -> Kind | None:
    name = PurePath(filename).name.lower()
    for suffix, kind in sorted(SUFFIXES.items(), key=lambda item: -len(item[0])):
        if name.endswith(suffix):
            return kind
    return None


def _zip_kind(data: bytes) -> Kind:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile as error:
        raise ExtractionError(f"the file starts like a ZIP (WACZ) file but cannot be read as one: {error}") from None
    if "datapackage.json" in names:
        return "wacz"
    raise ExtractionError("this ZIP file is not a WACZ web archive (it has no datapackage.json); "
                          "archive the page as WACZ, WARC, HTML or PDF")


def _gzip_kind(data: bytes) -> Kind:
    try:
        head = gzip.GzipFile(fileobj=io.BytesIO(data)).read(8)
    except (OSError, EOFError, zlib.error) as error:
        raise ExtractionError(f"the file is gzip-compressed but cannot be decompressed: {error}") from None
    if head.startswith(b"WARC/"):
        return "warc"
    raise ExtractionError("this gzip-compressed file is not a WARC web archive; archive the file "
                          "uncompressed (HTML, PDF) or as a WARC/WACZ")
