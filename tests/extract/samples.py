"""Fixtures made in code: web archives written with warcio, WACZ packages, PDFs rendered with
WeasyPrint. Nothing is fetched."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]


@dataclass
class Page:
    """One record to write into a WARC."""

    uri: str
    body: bytes
    content_type: str | None = "text/html"
    status: str = "200 OK"
    record_type: str = "response"
    record_id: str | None = None


def record_id(number: int) -> str:
    return f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>"


def make_warc(pages: list[Page], *, compress: bool = True) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for number, page in enumerate(pages, start=1):
        warc_headers = {"WARC-Record-ID": page.record_id or record_id(number), "WARC-Date": "2024-03-01T12:00:00Z"}
        if page.record_type == "response":
            headers = [("Content-Type", page.content_type)] if page.content_type else []
            http = StatusAndHeaders(page.status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(page.uri, "response", payload=io.BytesIO(page.body),
                                               http_headers=http, warc_headers_dict=warc_headers)
        else:
            record = writer.create_warc_record(page.uri, page.record_type, payload=io.BytesIO(page.body),
                                               warc_content_type=page.content_type or "application/octet-stream",
                                               warc_headers_dict=warc_headers)
        writer.write_record(record)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def make_wacz(warc: bytes, page_urls: list[str], *, tamper: dict[str, str] | None = None,
              extra: dict[str, bytes] | None = None, deflate_extra: bool = False) -> bytes:
    """A WACZ 1.1.1 package around one WARC. `tamper`: path -> a wrong hash to write for it in
    datapackage.json. `extra`: more files (listed in datapackage.json, hashed correctly)."""
    pages = "\n".join([json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})]
                      + [json.dumps({"id": f"p{i}", "url": url, "ts": "2024-03-01T12:00:00Z"})
                         for i, url in enumerate(page_urls)]) + "\n"
    files = {"archive/data.warc.gz": warc, "pages/pages.jsonl": pages.encode(),
             "indexes/index.cdx": b"", **(extra or {})}
    resources = [{"name": path.rsplit("/", 1)[-1], "path": path,
                  "hash": (tamper or {}).get(path, sha256(body)), "bytes": len(body)}
                 for path, body in files.items()]
    manifest = json.dumps({"profile": "data-package", "wacz_version": "1.1.1", "resources": resources},
                          indent=2).encode()
    digest = json.dumps({"path": "datapackage.json", "hash": sha256(manifest)}).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, body in files.items():
            compression = zipfile.ZIP_DEFLATED if deflate_extra and path in (extra or {}) else zipfile.ZIP_STORED
            archive.writestr(zipfile.ZipInfo(path, (2024, 3, 1, 12, 0, 0)), body, compress_type=compression)
        archive.writestr(zipfile.ZipInfo("datapackage.json", (2024, 3, 1, 12, 0, 0)), manifest)
        archive.writestr(zipfile.ZipInfo("datapackage-digest.json", (2024, 3, 1, 12, 0, 0)), digest)
    return buffer.getvalue()


def render_pdf(html: str) -> bytes:
    import weasyprint
    result: bytes = weasyprint.HTML(string=html).write_pdf()
    return result


def png_data_uri() -> str:
    """A tiny red PNG (made with Pillow, which WeasyPrint depends on)."""
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), (200, 30, 30)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
