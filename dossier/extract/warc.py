"""Web archives (WARC): one page record, chosen by its WARC-Record-ID or its WARC-Target-URI, read
with warcio, its digests checked, then extracted as the page it holds (HTML, or a PDF).

The HTTP response's charset is handed to the HTML decoding (it takes precedence over `<meta>`, as
in a browser). Without `record=`, a file holding exactly one HTML page (a 200 response or a
resource record) gives that page; anything else is an error listing what the archive holds.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from importlib.metadata import version
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

from .html import extract_html
from .model import ArchiveLocator, ArchiveRecord, Block, Extraction, ExtractionError, HtmlLocator, PdfLocator
from .pdf import extract_pdf

WARC_RULES_VERSION = 1
MAX_PAYLOAD_BYTES = 256 * 1024 * 1024  # one page or document; a bigger payload is refused, not read
MAX_MATCHES_READ = 10  # records matching a choice whose payloads are read (more is an error anyway)
LISTED_TARGETS = 5  # how many of an archive's pages an error message names
PAGE_RECORD_TYPES = ("response", "resource")


@dataclass(frozen=True)
class _Candidate:
    """A record that could hold a page: what an error message lists."""

    record_id: str
    target_uri: str
    status: int | None
    content_type: str | None

    @property
    def is_html_page(self) -> bool:
        return (self.status is None or self.status == 200) and _media_type(self.content_type) in (
            "text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class _Chosen:
    candidate: _Candidate
    date: str | None
    payload: bytes
    digest: str  # "checked", "no digest"


def extractor_string(inner: str, prefix: str = "") -> str:
    """Our archive rules and warcio's version, then the inner page's extractor."""
    return f"{prefix}warc/{WARC_RULES_VERSION} warcio {version('warcio')}; {inner}"


def extract_warc(data: bytes, record: str | None) -> Extraction:
    """The page `record` names in a WARC file (see the module docstring)."""
    chosen = choose_record([lambda: io.BytesIO(data)], record)
    return extract_record(chosen)


def choose_record(sources: Iterable[Callable[[], IO[bytes]]], record: str | None,
                  default_uri: str | None = None) -> _Chosen:
    """Finds the page record in the WARC streams that `sources` open.

    `record`: a WARC-Record-ID or WARC-Target-URI. Without it, `default_uri` (the page a WACZ
    names) or else the only HTML page. A URI captured more than once resolves to its one 200
    response if it has exactly one."""
    wanted = _strip_brackets(record) if record is not None else None
    matches: list[_Chosen] = []
    unread = 0  # matches beyond MAX_MATCHES_READ, counted only
    candidates: list[_Candidate] = []
    for open_stream in sources:
        with open_stream() as stream:
            for candidate, raw in _page_records(stream):
                candidates.append(candidate)
                if not _selected(candidate, wanted, default_uri):
                    continue
                if len(matches) < MAX_MATCHES_READ:
                    matches.append(_read_payload(candidate, raw))
                else:
                    unread += 1
    if len(matches) > 1 and wanted is not None:
        by_id = [m for m in matches if _strip_brackets(m.candidate.record_id) == wanted]
        pages = [m for m in matches if m.candidate.status in (None, 200)]
        matches = by_id or (pages if len(pages) == 1 else matches)
    if len(matches) == 1 and not unread:
        return matches[0]
    raise ExtractionError(_no_single_match(len(matches) + unread, matches, candidates, record, default_uri))


def _selected(candidate: _Candidate, wanted: str | None, default_uri: str | None) -> bool:
    if wanted is not None:
        return wanted in (_strip_brackets(candidate.record_id), candidate.target_uri)
    if default_uri is not None:
        return candidate.target_uri == default_uri and candidate.status in (None, 200)
    return candidate.is_html_page


def _no_single_match(count: int, matches: list[_Chosen], candidates: list[_Candidate], record: str | None,
                     default_uri: str | None) -> str:
    if record is not None:
        if not count:
            return (f"the archive has no page record with WARC-Record-ID or WARC-Target-URI \u201c{record}\u201d; "
                    f"{_listing(candidates)}")
        return (f"{count} records have the target URI \u201c{record}\u201d (it was captured more than once); "
                "choose one by its WARC-Record-ID: "
                + ", ".join(f"{m.candidate.record_id} (HTTP {m.candidate.status})" for m in matches[:LISTED_TARGETS]))
    what = f"a record of its page {default_uri}" if default_uri is not None else "exactly one HTML page"
    found = "none" if not count else f"{count}"
    return (f"choose the page to quote by its WARC-Record-ID or WARC-Target-URI: the archive does not hold {what} "
            f"(found {found}); {_listing(candidates)}")


def _listing(candidates: list[_Candidate]) -> str:
    pages = [c for c in candidates if c.is_html_page] or candidates
    if not pages:
        return "it holds no response or resource records at all"
    shown = "; ".join(f"{c.target_uri} ({c.record_id})" for c in pages[:LISTED_TARGETS])
    more = f" and {len(pages) - LISTED_TARGETS} more" if len(pages) > LISTED_TARGETS else ""
    kind = "HTML page(s)" if pages[0].is_html_page else "record(s)"
    return f"it holds {len(pages)} {kind}: {shown}{more}"


def _page_records(stream: IO[bytes]) -> Iterator[tuple[_Candidate, Any]]:
    try:
        for raw in ArchiveIterator(stream, check_digests=True):
            if raw.rec_type not in PAGE_RECORD_TYPES:
                continue
            yield _describe(raw), raw
    except (ArchiveLoadFailed, ValueError, AttributeError, EOFError, OSError, zlib.error) as error:
        # warcio reports malformed records in several ways, some of them AttributeErrors.
        raise ExtractionError(f"the web archive is damaged or not a WARC file: {error}") from None


def _describe(raw: Any) -> _Candidate:
    headers = raw.rec_headers
    status: int | None = None
    content_type = headers.get_header("Content-Type")
    if raw.rec_type == "response":
        if raw.http_headers is None:
            content_type = None
        else:
            code = raw.http_headers.get_statuscode()
            status = int(code) if code and code.isdigit() else None
            content_type = raw.http_headers.get_header("Content-Type")
    return _Candidate(record_id=headers.get_header("WARC-Record-ID") or "",
                      target_uri=_strip_brackets(headers.get_header("WARC-Target-URI") or ""),
                      status=status, content_type=content_type)


def _read_payload(candidate: _Candidate, raw: Any) -> _Chosen:
    """The record's payload (HTTP body, decoded from its transfer and content encodings), after
    warcio checked the record's block and payload digests as it read."""
    try:
        payload = raw.content_stream().read(MAX_PAYLOAD_BYTES + 1)
    except Exception as error:  # warcio and the decompressors raise many kinds
        raise ExtractionError(f"record {candidate.record_id} cannot be read: {error}") from None
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ExtractionError(f"record {candidate.record_id} holds more than {MAX_PAYLOAD_BYTES // 2 ** 20} MiB: "
                              "too large to be one page; archive the page on its own")
    raw.raw_stream.read()  # finish the record so its digests are computed over all of it
    checker = raw.digest_checker
    if checker.passed is False:
        raise ExtractionError(f"record {candidate.record_id} ({candidate.target_uri}) fails its digest check "
                              f"({'; '.join(checker.problems)}): the archive was damaged or altered after "
                              "it was made; archive it again from the original")
    digest = "checked" if checker.passed else "no digest"
    return _Chosen(candidate, raw.rec_headers.get_header("WARC-Date"), payload, digest)


def extract_record(chosen: _Chosen, prefix: str = "") -> Extraction:
    """Extracts the chosen record's page and points every locator at the record."""
    candidate = chosen.candidate
    media_type = _media_type(candidate.content_type)
    if media_type == "application/pdf" or chosen.payload.startswith(b"%PDF-"):
        inner = extract_pdf(chosen.payload)
    elif media_type in ("text/html", "application/xhtml+xml", None):
        inner = extract_html(chosen.payload, _charset(candidate.content_type))
    else:
        raise ExtractionError(f"record {candidate.record_id} ({candidate.target_uri}) is {media_type}: only HTML "
                              "pages and PDFs in a web archive can be quoted")
    flags = list(inner.flags)
    if chosen.digest == "no digest":
        flags.append(f"record {candidate.record_id} carries no payload digest: its integrity rests on the "
                     "archive file's own SHA-256")
    if candidate.status is not None and candidate.status != 200:
        flags.append(f"record {candidate.record_id} is an HTTP {candidate.status} response, not a 200")
    blocks = tuple(_wrap(block, candidate) for block in inner.blocks)
    return replace(inner, blocks=blocks, flags=tuple(flags), extractor=extractor_string(inner.extractor, prefix),
                   record=ArchiveRecord(candidate.record_id, candidate.target_uri, chosen.date,
                                        candidate.content_type))


def _wrap(block: Block, candidate: _Candidate) -> Block:
    inner = block.locator
    assert isinstance(inner, (HtmlLocator, PdfLocator))
    return replace(block, locator=ArchiveLocator(candidate.record_id, candidate.target_uri, inner))


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";")[0].strip().lower() or None


_CHARSET_PARAMETER = re.compile(r";\s*charset\s*=\s*\"?([^\";\s]+)", re.IGNORECASE)


def _charset(content_type: str | None) -> str | None:
    match = _CHARSET_PARAMETER.search(content_type or "")
    return match.group(1) if match else None


def _strip_brackets(value: str) -> str:
    value = value.strip()
    return value[1:-1] if value.startswith("<") and value.endswith(">") else value
