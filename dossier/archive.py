"""The archive: captures in seeds/, kept byte for byte, and the SHA-256 that proves they are unchanged.

This module is the only one that reads captures. It opens each registered capture once, checks its
hash against the register, and hands the passage check its text; it also notices files in seeds/ that
nobody registered.

What the passage check reads depends on the capture's kind (`Source.kind`):

- text: the capture itself, decoded as UTF-8;
- html, pdf, warc, wacz: the text extracted from the capture (dossier.extract), committed beside it
  as `<capture>.txt` and registered with its SHA-256 and the extractor that wrote it. Every run reads
  the original, extracts it again and compares: the committed file must be what the extractor makes of
  the capture today, by the same extractor. A drift (a library upgrade, a change of our rules) is an
  error until `dossier extract SOURCE_ID` writes the text and the register entry again, which a
  reviewer then sees in the diff. Passages, and their line and column, refer to the committed text;
  `cite_position` turns a position in it into what a reader of the original follows (a PDF's page and
  paragraph, a web page's block, a web archive's record);
- image: an exhibit, hashed and never quoted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .extract.model import TextLocator
from .inputs import Refused, capture_input, read_input
from .models import Source
from .passage import CaptureText, pdf_bridges
from .problems import Problem, warning
from .yaml_read import Document

if TYPE_CHECKING:  # the extractors load their libraries on first use; text-only bases never need them
    from .extract import Extraction

REGISTER_NAME = "sources.yaml"
EXTRACTED_SUFFIX = ".txt"
CHUNK = 1024 * 1024
CONTEXT = 40  # characters of each text shown where a drifted extraction first differs

Loc = tuple[str | int, ...]


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks (captures of web archives may be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def extracted_name(capture: str) -> str:
    """The file the text extracted from `capture` is committed as, beside it in seeds/."""
    return capture + EXTRACTED_SUFFIX


def quoted_file(source: Source) -> str:
    """The repository path of the text a passage of `source` is checked against (and its line:col refer to)."""
    if source.extracted is not None:
        return f"seeds/{source.extracted.file}"
    return f"seeds/{source.capture}"


def not_quotable(source: Source) -> str | None:
    """Why no record can quote `source`, for the record that tries; None when it can be quoted."""
    if source.kind == "image":
        return (f"source '{source.id}' is an image (seeds/{source.capture}), archived as an exhibit: an image has no "
                "text to check, so it is never quoted; quote the article, PDF or web archive that carries the text")
    return None


def open_captures(root: Path, sources: list[tuple[int, Source]], doc: Document,
                  extractions: dict[str, Extraction] | None = None) -> tuple[dict[str, CaptureText], list[Problem]]:
    """Each capture exists and still has the SHA-256 the register records; its text, by source id.

    `sources` pairs each source with its index in the register, so problems point at its entry. For the
    kinds with extracted text, the text returned is the committed extracted text, checked against a fresh
    extraction (see the module docstring). `extractions`, when given, receives the Extraction of each source
    of those kinds (whose text is the text returned), for `cite_position`; a text capture needs none.
    """
    captures: dict[str, CaptureText] = {}
    problems: list[Problem] = []
    registered = {source.capture for _, source in sources}
    for index, source in sources:
        opened = _Opening(root, source, doc, ("sources", index), problems)
        raw = opened.original()
        if raw is None:
            continue
        if source.kind == "text":
            text = opened.text_capture(raw)
        elif source.kind == "image":
            opened.check_kind(raw)
            continue
        else:
            text = opened.extracted_capture(raw, registered, extractions)
        if text is not None:
            captures[source.id] = CaptureText.from_text(text, pdf_bridges(text) if _from_pdf(source) else ())
    return captures, problems


def _from_pdf(source: Source) -> bool:
    """Whether the text a passage is checked against was extracted from a PDF (a PDF capture, or a PDF kept in
    a web archive): its lines are the page's, so a quote may cross line-end hyphens and page breaks."""
    # The extractor string names the page's own extractor last: "pdf/2 ...", or "warc/1 warcio ...; pdf/2 ...".
    return source.extracted is not None and source.extracted.extractor.split("; ")[-1].startswith("pdf/")


@dataclass
class _Opening:
    """Opening one registered capture; every problem found is added to `problems`."""

    root: Path
    source: Source
    doc: Document
    loc: Loc
    problems: list[Problem]

    def problem(self, where: Loc, message: str, hint: str | None = None) -> None:
        self.problems.append(self.doc.problem(self.loc + where, message, hint))

    def original(self) -> bytes | None:
        """The capture's bytes, if they can be read and have the registered SHA-256."""
        source = self.source
        try:
            raw = read_input(self.root / "seeds" / source.capture, self.root, capture_input(source.kind))
        except Refused as exc:
            self.problem(("capture",), f"capture file seeds/{source.capture} {exc}")
            return None
        actual = hashlib.sha256(raw).hexdigest()  # the bytes just read: each capture is read once
        if actual != source.sha256:
            self.problem(("sha256",), f"seeds/{source.capture} has changed since it was archived: SHA-256 is "
                         f"{actual}, the register says {source.sha256}",
                         hint="Captures are evidence and are never edited. Restore the original file "
                              "(git checkout -- seeds/); archive a new capture as a new source.")
            return None
        return raw

    def text_capture(self, raw: bytes) -> str | None:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            kind = self._detected(raw)
            if kind not in (None, "text", "html"):
                self.problem(("capture",),
                             f"seeds/{self.source.capture} is not UTF-8 text: it is a {_KIND_NAMES[kind]}",
                             hint=f"Set kind: {kind} in its register entry and run `dossier extract "
                                  f"{self.source.id}` to write its extracted text.")
            else:
                self.problem(("capture",), f"seeds/{self.source.capture} is not UTF-8 text")
            return None

    def check_kind(self, raw: bytes) -> bool:
        """The capture's bytes are of the registered kind, as far as the bytes tell: by their signature (PDF, web
        archives, most images), as HTML by sniffing, or else as text. An HTML page need not start like one, and an
        image without a signature (SVG, TIFF) is told by its name."""
        expected = self.source.kind
        kind = self._detected(raw, by_name=False)
        if kind not in (None, "text"):  # the bytes say what they are
            ok = kind == expected
        else:  # no signature: a page may start in any way (<?xml ...>); an image is told by its name
            ok = expected == "html" or (expected == "image" and self._detected(raw) == "image")
        if ok:
            return True
        found = f"a {_KIND_NAMES[kind]}" if kind is not None else "of no kind dossier can read"
        self.problem(("kind",), f"seeds/{self.source.capture} is {found}, but the register says kind: {expected}",
                     hint="Correct kind (and run `dossier extract SOURCE_ID` for its extracted text), or archive "
                          "the right file as a new source.")
        return False

    def _detected(self, raw: bytes, by_name: bool = True) -> str | None:
        from .extract import ExtractionError, detect_kind
        try:
            return detect_kind(raw, self.source.capture if by_name else "")
        except ExtractionError:
            return None

    def extracted_capture(self, raw: bytes, registered: set[str],
                          extractions: dict[str, Extraction] | None) -> str | None:
        """The committed extracted text, after checking it is what the extractor makes of the capture today."""
        source = self.source
        block = source.extracted
        assert block is not None  # the model requires it for these kinds
        if block.file in registered:
            self.problem(("extracted", "file"), f"extracted.file {block.file} is also registered as a capture; the "
                         "extracted text must be a file of its own")
            return None
        if not self.check_kind(raw):
            return None
        committed = self._committed(block.file, block.sha256)
        if committed is None:
            return None
        from .extract import ExtractionError, extract
        try:
            fresh = extract(source.kind, raw, record=source.record)
        except ExtractionError as exc:
            self.problem(("capture",), f"seeds/{source.capture} cannot be quoted: {exc.message}",
                         hint="Nothing in it can be cited as text. Remove the records that quote it, or archive a "
                              "quotable copy as a new source (a born-digital PDF, the page itself).")
            return None
        drift = describe_drift(block.extractor, fresh.extractor, committed, fresh.text)
        if drift is not None:
            self.problem(("extracted", "extractor") if block.extractor != fresh.extractor else ("extracted", "file"),
                         f"seeds/{block.file} is no longer what the extractor makes of seeds/{source.capture}: {drift}",
                         hint=f"Run `dossier extract {source.id}`: it writes seeds/{block.file} and the entry's "
                              "extracted block again, and the change shows in the diff for the reviewer. Until then "
                              "passages are checked against the committed text.")
        elif extractions is not None:
            extractions[source.id] = fresh
        return committed

    def _committed(self, name: str, registered_sha256: str) -> str | None:
        source = self.source
        try:
            raw = read_input(self.root / "seeds" / name, self.root, "extracted")
        except Refused as exc:
            self.problem(("extracted", "file"), f"extracted text seeds/{name} {exc}",
                         hint=f"Run `dossier extract {source.id}` to write it from the capture.")
            return None
        actual = hashlib.sha256(raw).hexdigest()
        if actual != registered_sha256:
            self.problem(("extracted", "sha256"), f"seeds/{name} has changed since it was extracted: SHA-256 is "
                         f"{actual}, the register says {registered_sha256}",
                         hint="The extracted text is written by dossier, never by hand. Restore it (git checkout -- "
                              f"seeds/{name}) or write it again from the capture with `dossier extract {source.id}`, "
                              "and review the difference.")
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.problem(("extracted", "file"), f"seeds/{name} is not UTF-8 text",
                         hint=f"Run `dossier extract {source.id}` to write it again from the capture.")
            return None


_KIND_NAMES = {"text": "text file", "html": "web page (HTML)", "pdf": "PDF", "warc": "WARC web archive",
               "wacz": "WACZ web archive", "image": "image"}


def describe_drift(old_extractor: str, new_extractor: str, committed: str, fresh: str) -> str | None:
    """What changed between the committed extraction and today's, in words; None when nothing did."""
    if old_extractor == new_extractor and committed == fresh:
        return None
    parts = []
    if old_extractor != new_extractor:
        parts.append(f"the extractor changed from \u201c{old_extractor}\u201d to \u201c{new_extractor}\u201d")
    if committed == fresh:
        parts.append("the text it extracts is the same")
    else:
        parts.append("the text it extracts " + text_difference(committed, fresh)
                     + ("" if old_extractor != new_extractor else " (by the same extractor)"))
    return "; ".join(parts)


def text_difference(committed: str, fresh: str) -> str:
    """Where two texts first differ, and how: 'differs from line 3, col. 5: the committed text has ..., ...'."""
    at = next((i for i, (a, b) in enumerate(zip(committed, fresh, strict=False)) if a != b),
              min(len(committed), len(fresh)))
    line = committed.count("\n", 0, at) + 1
    col = at - (committed.rfind("\n", 0, at) + 1) + 1
    start = at  # show the difference from the start of its word: both texts are the same up to `at`
    while start > 0 and not committed[start - 1].isspace() and at - start < CONTEXT // 2:
        start -= 1

    def shown(text: str) -> str:
        piece = text[start:at + CONTEXT]
        return f"\u201c{piece}\u201d" if piece else "nothing more"

    return (f"differs from line {line}, col. {col} of the committed text: it has {shown(committed)} where the "
            f"extractor now gives {shown(fresh)}")


def unregistered_captures(root: Path, sources: list[Source]) -> list[Problem]:
    """Files in seeds/ that the register does not name: evidence nobody can cite."""
    registered = {s.capture for s in sources} | {s.extracted.file for s in sources if s.extracted is not None}
    registered.add(REGISTER_NAME)
    seeds = root / "seeds"
    if not seeds.is_dir():
        return []
    return [warning(f"seeds/{path.name}", 1, 1, "capture is not in the source register",
                    hint="Register it with `dossier add-source`, or remove it.")
            for path in sorted(seeds.iterdir())
            if path.is_file() and path.name not in registered and not path.name.startswith(".")]


# --- For the brief: where a passage is, in the original's own terms ------------------------------------------


def load_extraction(root: Path, source: Source) -> Extraction:
    """The extraction of a registered capture, read and extracted again (for a caller that has no Extraction
    from `open_captures`). Raises Refused or ExtractionError; call it only on a base that validates."""
    from .extract import extract
    reason = not_quotable(source)
    if reason is not None:
        raise ValueError(reason)
    raw = read_input(root / "seeds" / source.capture, root, capture_input(source.kind))
    return extract(source.kind, raw, record=source.record)


def offset_at(text: str, line: int, col: int) -> int:
    """The position in `text` of 1-based `line` and `col` (as a PassageMatch reports them)."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + col - 1


def cite_position(source: Source, extraction: Extraction, offset: int) -> str:
    """Where position `offset` of the text a passage of `source` was matched in lies, in the terms a reader of
    the original follows (`Locator.cite()`):

    - text: "line 18, col. 1";
    - pdf: "p. 42, para. 117, line 3" (the printed page label, the document's own paragraph number, the
      line on the page; "page 3 of the file" where the PDF declares no labels);
    - html: "block 4, offset 12";
    - warc, wacz: "https://example.org/page (record <urn:uuid:...>), block 4, offset 12".

    `extraction` is the source's extraction (from `open_captures(..., extractions=...)` or `load_extraction`),
    whose text is the committed text the passage was matched in; `offset` a position in it (see `offset_at`).
    """
    reason = not_quotable(source)
    if reason is not None:
        raise ValueError(reason)
    from .extract import locate
    return locate(extraction, offset).cite()


def cite_match(source: Source, extraction: Extraction | None, line: int, col: int) -> str:
    """Where a passage matched at 1-based `line` and `col` of its source's text is, as `cite_position` words
    it. A text capture needs no extraction: its text is the file, and line and column are its locator."""
    if source.kind == "text" or extraction is None:
        return TextLocator(line, col).cite()
    return cite_position(source, extraction, offset_at(extraction.text, line, col))

