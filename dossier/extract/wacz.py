"""WACZ packages (Webrecorder's zipped web archives, as browsertrix and bellingcat's
auto-archiver make them): the package's own hashes are checked before anything else, then the page
record is found in its WARC files and extracted as for a WARC.

Checks, in order:
- every name in the ZIP is a plain relative path (no absolute path, "..", backslash or drive):
  a package that tries to reach outside itself is refused;
- sizes are bounded against ZIP bombs: at most MAX_MEMBER_BYTES decompressed per file, at most
  MAX_TOTAL_BYTES for the whole package, and at most MAX_RATIO times a file's compressed size
  (counted while decompressing, not trusted from the ZIP's own headers);
- datapackage-digest.json, when present, must hash datapackage.json correctly;
- datapackage.json lists each file with a "sha256:..." hash (and size): every listed file must
  exist and match, or the package was altered (the error names the file);
- then the page: `record=` (a WARC-Record-ID or WARC-Target-URI), else the package's only page in
  pages/pages.jsonl, else its only HTML page.
Signatures (datapackage-digest.json "signedData") are not verified; a flag says so.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePosixPath
from typing import IO, Any

from .model import Extraction, ExtractionError
from .warc import choose_record, extract_record

WACZ_RULES_VERSION = 1
MAX_MEMBER_BYTES = 2 * 1024 ** 3  # 2 GiB decompressed per file
MAX_TOTAL_BYTES = 4 * 1024 ** 3  # 4 GiB decompressed for the whole package
MAX_RATIO = 200  # decompressed bytes per compressed byte, beyond 1 MiB
RATIO_FLOOR = 1024 ** 2
MANIFEST = "datapackage.json"
MANIFEST_DIGEST = "datapackage-digest.json"
CHUNK = 1024 * 1024


def extract_wacz(data: bytes, record: str | None) -> Extraction:
    """The page `record` names in a WACZ package (see the module docstring)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ExtractionError(f"the WACZ file is not a readable ZIP package: {error}") from None
    with archive:
        reader = _BoundedReader(archive)
        _check_names(archive)
        flags = _check_manifest(reader)
        warcs = sorted(name for name in archive.namelist()
                       if name.startswith("archive/") and name.endswith((".warc", ".warc.gz")))
        if not warcs:
            raise ExtractionError("the WACZ package has no WARC file under archive/")
        sources: list[Callable[[], IO[bytes]]] = [_opener(reader, name) for name in warcs]
        default_uri = None if record is not None else _only_page(reader)
        chosen = choose_record(sources, record, default_uri)
    inner = extract_record(chosen, prefix=f"wacz/{WACZ_RULES_VERSION}; ")
    return replace(inner, flags=tuple(flags) + inner.flags)


def _check_names(archive: zipfile.ZipFile) -> None:
    seen: set[str] = set()
    for info in archive.infolist():
        name = info.filename
        if name in seen:
            raise ExtractionError(f"the WACZ package holds two files named {name}; it is refused as ambiguous")
        seen.add(name)
        path = PurePosixPath(name)
        if (name.startswith("/") or "\\" in name or ".." in path.parts or (len(name) > 1 and name[1] == ":")
                or "\0" in name):
            raise ExtractionError(f"the WACZ package contains a file named \u201c{name}\u201d that points outside "
                                  "the package; it is refused as unsafe")


class _BoundedReader:
    """Reads members of the package, counting decompressed bytes against the limits."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.total = 0

    def open(self, name: str) -> _CountingStream:
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise ExtractionError(f"the WACZ package has no file {name}") from None
        return _CountingStream(self, info, self.archive.open(info))

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()

    def count(self, info: zipfile.ZipInfo, member_total: int, added: int) -> None:
        self.total += added
        limit = MAX_MEMBER_BYTES
        if member_total > RATIO_FLOOR:
            limit = min(limit, max(RATIO_FLOOR, info.compress_size * MAX_RATIO))
        if member_total > limit or self.total > MAX_TOTAL_BYTES:
            raise ExtractionError(
                f"the WACZ package's file {info.filename} decompresses to more than allowed (at most "
                f"{MAX_MEMBER_BYTES // 1024 ** 3} GiB per file, {MAX_TOTAL_BYTES // 1024 ** 3} GiB in all, and "
                f"{MAX_RATIO} times its compressed size): refused as a possible ZIP bomb")


class _CountingStream(io.RawIOBase):
    def __init__(self, reader: _BoundedReader, info: zipfile.ZipInfo, stream: IO[bytes]) -> None:
        self.reader, self.info, self.stream = reader, info, stream
        self.member_total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self.stream.read(len(buffer))
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error) as error:
            raise ExtractionError(f"the WACZ package's file {self.info.filename} cannot be read ({error}): the "
                                  "package is damaged or altered; archive it again from the original") from None
        self.member_total += len(data)
        self.reader.count(self.info, self.member_total, len(data))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


def _opener(reader: _BoundedReader, name: str) -> Callable[[], IO[bytes]]:
    return lambda: io.BufferedReader(reader.open(name), CHUNK)


def _sha256(reader: _BoundedReader, name: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with reader.open(name) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check_manifest(reader: _BoundedReader) -> list[str]:
    """Checks datapackage-digest.json and every hash in datapackage.json; returns flags."""
    flags: list[str] = []
    names = set(reader.archive.namelist())
    if MANIFEST not in names:
        raise ExtractionError("the WACZ package has no datapackage.json, so its contents cannot be checked")
    if MANIFEST_DIGEST in names:
        digest_doc = _json(reader, MANIFEST_DIGEST)
        expected = str(digest_doc.get("hash", "")) if isinstance(digest_doc, dict) else ""
        _compare(reader, MANIFEST, expected, None, MANIFEST_DIGEST)
        if isinstance(digest_doc, dict) and digest_doc.get("signedData"):
            flags.append("the WACZ package is signed; the signature was not verified (only its hashes were)")
    manifest = _json(reader, MANIFEST)
    resources = manifest.get("resources") if isinstance(manifest, dict) else None
    if not isinstance(resources, list) or not resources:
        raise ExtractionError("the WACZ package's datapackage.json lists no resources, so its contents cannot be "
                              "checked")
    listed = set()
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            raise ExtractionError("the WACZ package's datapackage.json has a resource without a path")
        path = resource["path"]
        listed.add(path)
        if path not in names:
            raise ExtractionError(f"the WACZ package's datapackage.json lists {path}, which the package does not hold")
        size = resource.get("bytes")
        _compare(reader, path, str(resource.get("hash", "")), size if isinstance(size, int) else None, MANIFEST)
    unlisted = sorted(name for name in names - listed - {MANIFEST, MANIFEST_DIGEST} if not name.endswith("/"))
    if unlisted:
        flags.append(f"the WACZ package holds file(s) its datapackage.json does not list (not checked): "
                     f"{', '.join(unlisted[:5])}")
    return flags


def _compare(reader: _BoundedReader, path: str, expected: str, size: int | None, manifest: str) -> None:
    algorithm, _, value = expected.partition(":")
    if algorithm.lower() != "sha256" or len(value) != 64:
        raise ExtractionError(f"the WACZ package's {manifest} gives {path} no sha256 hash "
                              f"(found \u201c{expected}\u201d), so it cannot be checked")
    actual, actual_size = _sha256(reader, path)
    if actual != value.lower() or (size is not None and size != actual_size):
        raise ExtractionError(f"the WACZ package's file {path} does not match its hash in {manifest} "
                              f"(sha256 is {actual}, {manifest} says {value.lower()}): the package was altered or "
                              "damaged after it was made; archive it again from the original")


def _json(reader: _BoundedReader, name: str) -> Any:
    try:
        return json.loads(reader.read(name))
    except (ValueError, UnicodeDecodeError) as error:
        raise ExtractionError(f"the WACZ package's {name} is not valid JSON: {error}") from None


def _only_page(reader: _BoundedReader) -> str | None:
    """The URL of the package's only page (pages/pages.jsonl), or None when it lists not exactly one."""
    if "pages/pages.jsonl" not in reader.archive.namelist():
        return None
    urls = []
    for line in reader.read("pages/pages.jsonl").splitlines():  # the header line has no "url"
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            urls.append(entry["url"])
    return urls[0] if len(set(urls)) == 1 else None
