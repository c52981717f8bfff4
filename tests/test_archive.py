"""Captures of every kind in the archive: added with `add-source`, checked by `validate` (the original's hash,
a fresh extraction against the committed extracted text), rewritten by `dossier extract`, and cited in the
original's own terms. Every capture is made here, in code: nothing is fetched."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dossier import archive
from dossier.archive import cite_position, describe_drift, load_extraction, offset_at, quoted_file
from dossier.cli import cli
from dossier.extract import extract
from dossier.inputs import LIMITS, capture_input
from dossier.models import ADDED_NOTE, NOT_GIVEN, Source
from dossier.passage import PassageMatch
from dossier.validate import validate
from dossier.yaml_read import Document, parse_yaml

from .extract.minipdf import MiniPdf, helvetica_lines
from .extract.samples import Page, make_wacz, make_warc, record_id

OUTLET = "The Kyiv Independent"  # an outlet the shipped catalog of origins knows, so records may end their chain there

HTML_PAGE = """<!doctype html><html lang="en"><head><meta charset="windows-1251">
<title>Workers arrive at a test site | The Example Gazette</title>
<script type="application/ld+json">{"articleBody": "JSON-LD repeats the article"}</script>
<style>p { color: black }</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<h1>Workers arrive at a test site</h1>
<p>The Gazette was told by an official that <b>120 workers</b> arrived at a
test site in March 2024, and that they were paid through an intermediary.</p>
<p>Местные жители подтвердили их прибытие.</p>
<p hidden>This paragraph was never shown.</p>
</body></html>""".encode("windows-1251")

PDF_LINES = ["117. The Panel found that 300 workers were sent to", "the test site during the reporting period.",
             "118. Payments continued through an intermediary."]

ARCHIVED_URI = "https://gazette.example/2024/archived-page"
ARCHIVED_PAGE = (b"<html><head><title>Archived page</title></head><body><header>The Example Gazette</header>"
                 b"<article><p>The archived page says that 45 workers left the test site in May 2024.</p>"
                 b"</article></body></html>")


def pdf_report() -> bytes:
    """A two-page born-digital report whose printed pages are numbered from 41."""
    pdf = MiniPdf(page_labels=b"0 << /S /D /St 41 >>")
    pdf.page(helvetica_lines(["Overseas workers", "", "116. The Panel continued its investigation."]))
    return pdf.page(helvetica_lines(PDF_LINES)).build()


def scanned_pdf() -> bytes:
    """A page that is only an image: a scan, with no text layer."""
    return MiniPdf(image_pages={0}).page("q 400 0 0 600 50 100 cm /Im1 Do Q").build()


def warc_file() -> bytes:
    return make_warc([Page(ARCHIVED_URI, ARCHIVED_PAGE),
                      Page("https://gazette.example/style.css", b"p {}", content_type="text/css")])


def wacz_file(**options: dict[str, str]) -> bytes:
    return make_wacz(warc_file(), [ARCHIVED_URI], **options)


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def add(root: Path, capture: Path, source_id: str, *extra: str) -> Result:
    return run("add-source", "--root", str(root), str(capture), "--outlet", OUTLET, "--id", source_id, *extra)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "captures" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def register_text(root: Path) -> str:
    return (root / "seeds" / "sources.yaml").read_text(encoding="utf-8")


def entries(root: Path) -> dict[str, dict]:
    doc, problems = parse_yaml((root / "seeds" / "sources.yaml").read_bytes(), "seeds/sources.yaml",
                               LIMITS["register"])
    assert doc is not None, problems
    return {entry["id"]: entry for entry in doc.data["sources"]}


def settle_placeholders(root: Path) -> None:
    """What the analyst does after add-source: real reasons and notes instead of the placeholders."""
    path = root / "seeds" / "sources.yaml"
    text = path.read_text(encoding="utf-8").replace(NOT_GIVEN, "the capture does not show it")
    # The note is folded over two lines in the register: its first words are replaced, as an analyst would.
    path.write_text(text.replace(ADDED_NOTE.split(": ")[0], "Outlet from the masthead"), encoding="utf-8")


def write_record(root: Path, record_id: str, source: str, passage: str) -> Path:
    path = root / "evidence" / f"{record_id}.yaml"
    path.write_text(f"""id: {record_id}
title: A test finding quoted from a {source} capture
claim: >-
  {OUTLET} reports that workers were sent to a test site.
source: {source}
passage: >-
  {passage}
reporting_chain:
  - {OUTLET}
provisions:
  - id: 2397-OP8
    rationale: Workers earning income abroad.
event:
  date_note: The passage gives no date that could be checked here.
  place: a test site
grading:
  reliability: F
  credibility: 6
  justification: A test capture; nothing on it can be judged.
status: draft
""", encoding="utf-8")
    return path


def error_lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if ": error: " in line]


def line_of(root: Path, needle: str, after: str = "") -> int:
    """1-based line of the first register line containing `needle` after the line containing `after`."""
    lines = register_text(root).splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def assert_positioned(result: Result, line: int, *fragments: str) -> None:
    """exit 1, no traceback, and one error at seeds/sources.yaml:<line>:<col> saying all of `fragments`."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    hits = [e for e in error_lines(result) if re.match(rf"seeds/sources\.yaml:{line}:\d+: error: ", e)]
    assert hits, result.output
    assert any(all(fragment in hit for fragment in fragments) for hit in hits), (fragments, hits)


# --- The analyst's path: an HTML page, a PDF and a WACZ, added, quoted, validated ---------------------------


def test_an_html_page_a_pdf_and_a_wacz_are_added_quoted_and_validated(root: Path, tmp_path: Path) -> None:
    html = write(tmp_path, "gazette.html", HTML_PAGE)
    pdf = write(tmp_path, "panel-report.pdf", pdf_report())
    wacz = write(tmp_path, "gazette.wacz", wacz_file())
    for capture, source_id in ((html, "gazette-page"), (pdf, "panel-report"), (wacz, "gazette-archive")):
        result = add(root, capture, source_id, "--title-unknown", "the capture shows no headline we could confirm")
        assert result.exit_code == 0, result.output
        assert result.stdout == f"{source_id}\n"
    settle_placeholders(root)
    write_record(root, "gazette-120-workers", "gazette-page",
                 "The Gazette was told by an official that 120 workers arrived at a test site in March 2024")
    write_record(root, "panel-300-workers", "panel-report",
                 "The Panel found that 300 workers were sent to the test site during the reporting period.")
    write_record(root, "archive-45-workers", "gazette-archive",
                 "The archived page says that 45 workers left the test site in May 2024")
    result = run("validate", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert "5 records, 0 errors" in result.output

    checked = validate(root)
    sources = checked.sources
    # Passages are matched in the committed extracted text; line and column refer to that file.
    match = checked.matches["panel-300-workers"]
    assert isinstance(match, PassageMatch) and (match.line, match.col) == (4, 6)
    text = (root / quoted_file(sources["panel-report"])).read_text(encoding="utf-8")
    assert text.split("\n")[2] == "\f"  # the page break, on a line of its own
    assert text.split("\n")[3].startswith("117. The Panel found")
    # For the brief: the match, cited as a reader of the original finds it.
    cited = checked.locators
    assert cited["panel-300-workers"] == "p. 42 (page 2 of the file), para. 117, line 1"
    assert cited["gazette-120-workers"] == "block 3, offset 0"
    assert cited["archive-45-workers"] == f"{ARCHIVED_URI} (record {record_id(1)}), block 2, offset 0"
    line, col = checked.matches["fixture-student-visas"].line, checked.matches["fixture-student-visas"].col
    assert cited["fixture-student-visas"] == f"line {line}, col. {col}"
    # The same, from an extraction made afresh (what a caller without a validation uses).
    panel = sources["panel-report"]
    fresh = load_extraction(root, panel)
    assert cite_position(panel, fresh, offset_at(fresh.text, 4, 6)) == cited["panel-300-workers"]
    # The brief of this mixed base cites each passage so (a text capture by line and column in Annex A only;
    # the others in the finding too: a page and paragraph is the citation); the export says the same.
    out = root / "build"
    result = run("build", "--root", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    printed = " ".join(pdf_text(out / "dossier.pdf").split())
    exported = {r["id"]: r["passage_check"]["locator"] for r in json.loads((out / "dossier.json").read_text())["records"]}
    assert exported == cited
    for record_id_, locator in cited.items():
        if not locator.startswith("http"):  # a URI may be broken across lines in print
            assert f"at {locator}" in printed, (record_id_, locator)
    assert "(record " in printed
    assert "against capture S3 at p. 42 (page 2 of the file), para. 117, line 1" in printed
    assert printed.count(f"line {line}, col. {col}") == 1  # the text capture's passage, in Annex A only
    # Annex A names each capture's kind, and the extracted text the passages were checked in, with its hash.
    for source_id, kind in (("gazette-page", "a web page"), ("panel-report", "a PDF"),
                            ("gazette-archive", "a WACZ web archive")):
        source = sources[source_id]
        assert source.extracted is not None
        assert f"seeds/{source.capture} ({kind}" in printed
        assert f"Text checked seeds/{source.extracted.file}, SHA-256" in printed
    assert printed.count("Text checked") == 3  # not for the text capture: it is its own text


def _register_doc(root: Path) -> Document:
    doc, problems = parse_yaml((root / "seeds" / "sources.yaml").read_bytes(), "seeds/sources.yaml",
                               LIMITS["register"])
    assert doc is not None, problems
    return doc


def test_each_kind_is_registered_with_its_extracted_text(root: Path, tmp_path: Path) -> None:
    before = register_text(root)
    captures = {"page": write(tmp_path, "page.htm", HTML_PAGE), "report": write(tmp_path, "report.pdf", pdf_report()),
                "crawl": write(tmp_path, "crawl.warc.gz", warc_file()), "package": write(tmp_path, "p.wacz", wacz_file()),
                "photo": write(tmp_path, "photo.png", PNG)}
    for source_id, path in captures.items():
        result = add(root, path, source_id, "--title", "A title")
        assert result.exit_code == 0, result.output
    assert register_text(root).startswith(before)
    registered = entries(root)
    expected = {"page": ("html", ".htm"), "report": ("pdf", ".pdf"), "crawl": ("warc", ".warc.gz"),
                "package": ("wacz", ".wacz"), "photo": ("image", ".png")}
    for source_id, (kind, suffix) in expected.items():
        entry = registered[source_id]
        assert entry["kind"] == kind and entry["capture"].endswith(suffix)
        original = (root / "seeds" / entry["capture"]).read_bytes()
        assert original == captures[source_id].read_bytes()  # archived byte for byte
        assert entry["sha256"] == hashlib.sha256(original).hexdigest()
        if kind == "image":
            assert "extracted" not in entry and "record" not in entry
            continue
        block = entry["extracted"]
        committed = (root / "seeds" / block["file"]).read_bytes()
        assert block["file"] == entry["capture"] + ".txt"
        assert block["sha256"] == hashlib.sha256(committed).hexdigest()
        fresh = extract(kind, original, record=entry.get("record"))
        assert committed.decode("utf-8") == fresh.text and block["extractor"] == fresh.extractor
        assert ("record" in entry) == (kind in ("warc", "wacz"))
    assert registered["crawl"]["record"] == record_id(1)  # the page chosen, pinned by its record id
    page_text = (root / "seeds" / registered["page"]["extracted"]["file"]).read_text(encoding="utf-8")
    assert "Местные жители" in page_text  # decoded from windows-1251
    assert "JSON-LD" not in page_text and "never shown" not in page_text and "color" not in page_text
    assert "fixture-kyiv-15000" in registered and "kind" not in registered["fixture-kyiv-15000"]  # text stays as it was
    settle_placeholders(root)
    assert validate(root).ok, [p.text() for p in validate(root).problems if p.is_error]


# --- Bad inputs in the register: positioned problems, exit 1, no traceback ----------------------------------


def hand_entry(root: Path, source_id: str, capture: str, data: bytes, kind: str, extracted_text: str | None = None,
               record: str | None = None, extractor: str = "pdf/1 test") -> None:
    """An entry written by hand (as a merge or an older tool might leave it), with its files in seeds/."""
    (root / "seeds" / capture).write_bytes(data)
    lines = [f"  - id: {source_id}", f"    capture: {capture}", f"    sha256: {hashlib.sha256(data).hexdigest()}",
             f"    kind: {kind}"]
    if record is not None:
        lines.append(f'    record: "{record}"')
    if extracted_text is not None:
        (root / "seeds" / f"{capture}.txt").write_text(extracted_text, encoding="utf-8")
        digest = hashlib.sha256(extracted_text.encode()).hexdigest()
        lines += ["    extracted:", f"      file: {capture}.txt", f"      sha256: {digest}",
                  f'      extractor: "{extractor}"']
    lines += [f"    outlet: {OUTLET}", "    title: A title", "    authors: []", "    published:", "    url:",
              "    language: en", "    origin: original reporting", "    unknown:",
              "      authors: none shown", "      published: none shown", "      url: none shown",
              "      retrieval: made by the test"]
    path = root / "seeds" / "sources.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + "\n".join(lines) + "\n",
                    encoding="utf-8")


def test_a_scanned_pdf_in_the_register_cannot_be_quoted(root: Path) -> None:
    hand_entry(root, "scan", "scan.pdf", scanned_pdf(), "pdf", extracted_text="")
    write_record(root, "from-the-scan", "scan", "The Panel found that 300 workers were sent")
    result = run("validate", "--root", str(root))
    assert_positioned(result, line_of(root, "capture: scan.pdf"), "seeds/scan.pdf cannot be quoted",
                      "page 1 has no text layer: a scanned PDF cannot be quoted")
    assert any(line.startswith("evidence/from-the-scan.yaml:") and "capture of source 'scan' failed its checks"
               in line for line in error_lines(result))


def test_a_wacz_whose_package_hash_does_not_match_is_an_error(root: Path) -> None:
    tampered = wacz_file(tamper={"archive/data.warc.gz": "sha256:" + "0" * 64})
    fresh_text = extract("wacz", wacz_file()).text
    hand_entry(root, "tampered", "tampered.wacz", tampered, "wacz", extracted_text=fresh_text, record=ARCHIVED_URI)
    result = run("validate", "--root", str(root))
    assert_positioned(result, line_of(root, "capture: tampered.wacz"), "seeds/tampered.wacz cannot be quoted",
                      "archive/data.warc.gz does not match its hash in datapackage.json")


def test_a_warc_without_the_named_record_is_an_error(root: Path) -> None:
    text = extract("warc", warc_file()).text
    hand_entry(root, "crawl", "crawl.warc.gz", warc_file(), "warc", extracted_text=text,
               record="<urn:uuid:00000000-0000-4000-8000-000000000099>")
    result = run("validate", "--root", str(root))
    assert_positioned(result, line_of(root, "capture: crawl.warc.gz"),
                      "no page record with WARC-Record-ID or WARC-Target-URI",
                      "urn:uuid:00000000-0000-4000-8000-000000000099", ARCHIVED_URI)


def test_an_image_cited_by_a_record_is_an_error_saying_images_are_never_quoted(root: Path, tmp_path: Path) -> None:
    assert add(root, write(tmp_path, "photo.png", PNG), "photo", "--title", "A photo").exit_code == 0
    settle_placeholders(root)
    assert run("validate", "--root", str(root)).exit_code == 0  # an exhibit on its own is fine
    record = write_record(root, "from-a-photo", "photo", "Workers arrived at a test site in March")
    result = run("validate", "--root", str(root))
    assert result.exit_code == 1 and "Traceback" not in result.output
    source_line = record.read_text(encoding="utf-8").splitlines().index("source: photo") + 1
    assert any(line.startswith(f"evidence/from-a-photo.yaml:{source_line}:") and "is an image" in line
               and "never quoted" in line for line in error_lines(result)), result.output


def test_a_kind_that_does_not_match_the_bytes_is_an_error(root: Path) -> None:
    hand_entry(root, "not-a-pdf", "page.pdf", HTML_PAGE, "pdf", extracted_text="anything")
    hand_entry(root, "pdf-as-text", "report.txt", pdf_report(), "text")
    result = run("validate", "--root", str(root))
    assert_positioned(result, line_of(root, "kind: pdf", after="id: not-a-pdf"),
                      "seeds/page.pdf is a web page (HTML), but the register says kind: pdf")
    assert_positioned(result, line_of(root, "capture: report.txt"), "seeds/report.txt is not UTF-8 text: it is a PDF")
    assert "Set kind: pdf in its register entry and run `dossier extract pdf-as-text`" in result.output


@pytest.mark.parametrize(("edit", "fragment"), [
    ({"kind: html\n": "kind: html\n    record: x\n"}, "record is only for a web archive"),
    ({"    extracted:\n": "    extracted_by_hand:\n"}, "unknown field"),
    ({".html.txt": ".txt"}, "extracted.file must be the capture's name followed by .txt"),
])
def test_the_register_says_what_a_kind_needs(root: Path, tmp_path: Path, edit: dict[str, str], fragment: str) -> None:
    assert add(root, write(tmp_path, "page.html", HTML_PAGE), "page", "--title", "T").exit_code == 0
    settle_placeholders(root)
    path = root / "seeds" / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edit.items():
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    result = run("validate", "--root", str(root))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert any(line.startswith("seeds/sources.yaml:") and fragment in line for line in error_lines(result)), \
        result.output


def test_a_web_archive_names_its_page_and_a_page_its_extracted_text(root: Path) -> None:
    hand_entry(root, "crawl", "crawl.warc", make_warc([Page(ARCHIVED_URI, ARCHIVED_PAGE)], compress=False), "warc",
               extracted_text="x")
    hand_entry(root, "page", "page.html", HTML_PAGE, "html")
    result = run("validate", "--root", str(root))
    outputs = "\n".join(error_lines(result))
    assert "a warc web archive holds many records: add record" in outputs
    assert "a html capture needs extracted" in outputs and "dossier extract page" in outputs


# --- Drift: the extracted text is what the extractor makes of the capture today -----------------------------


@pytest.fixture
def html_root(root: Path, tmp_path: Path) -> Path:
    """The root with an HTML page added, its placeholders settled and a record quoting it: validates."""
    assert add(root, write(tmp_path, "page.html", HTML_PAGE), "page", "--title", "Workers arrive").exit_code == 0
    settle_placeholders(root)
    write_record(root, "gazette-120-workers", "page",
                 "The Gazette was told by an official that 120 workers arrived at a test site in March 2024")
    assert run("validate", "--root", str(root)).exit_code == 0
    return root


def extracted_path(root: Path, source_id: str = "page") -> Path:
    return root / "seeds" / entries(root)[source_id]["extracted"]["file"]


def test_a_changed_extractor_is_an_error_naming_both_and_the_command(html_root: Path) -> None:
    path = html_root / "seeds" / "sources.yaml"
    current = entries(html_root)["page"]["extracted"]["extractor"]
    path.write_text(path.read_text(encoding="utf-8").replace(current, "html/0 selectolax 0.9"), encoding="utf-8")
    result = run("validate", "--root", str(html_root))
    assert_positioned(result, line_of(html_root, "extractor: html/0"),
                      "the extractor changed from \u201chtml/0 selectolax 0.9\u201d to \u201c" + current + "\u201d",
                      "the text it extracts is the same")
    assert "dossier extract page" in result.output
    assert not any(line.startswith("evidence/") for line in error_lines(result))  # passages still checked


def test_extracted_text_that_drifted_is_an_error_showing_where(html_root: Path) -> None:
    # As if an older extractor had joined inline elements differently: the committed text differs from today's.
    committed = extracted_path(html_root)
    drifted = committed.read_text(encoding="utf-8").replace("120 workers", "120workers")
    committed.write_text(drifted, encoding="utf-8")
    path = html_root / "seeds" / "sources.yaml"
    old_digest = entries(html_root)["page"]["extracted"]["sha256"]
    new_digest = hashlib.sha256(drifted.encode()).hexdigest()
    path.write_text(path.read_text(encoding="utf-8").replace(old_digest, new_digest), encoding="utf-8")
    result = run("validate", "--root", str(html_root))
    assert_positioned(result, line_of(html_root, "file: ", after="id: page"),
                      "the text it extracts differs from line 5, col. 45 of the committed text",
                      "\u201c120workers", "\u201c120 workers", "(by the same extractor)")


def test_extracted_text_edited_by_hand_or_missing_is_an_error(html_root: Path) -> None:
    committed = extracted_path(html_root)
    committed.write_text(committed.read_text(encoding="utf-8") + "An added line.\n", encoding="utf-8")
    result = run("validate", "--root", str(html_root))
    assert_positioned(result, line_of(html_root, "sha256: ", after="extracted:"),
                      f"seeds/{committed.name} has changed since it was extracted")
    committed.unlink()
    result = run("validate", "--root", str(html_root))
    assert_positioned(result, line_of(html_root, "file: ", after="extracted:"),
                      f"extracted text seeds/{committed.name} does not exist")
    assert "dossier extract page" in result.output


def test_dossier_extract_rewrites_the_text_and_only_the_extracted_block(html_root: Path) -> None:
    path = html_root / "seeds" / "sources.yaml"
    good_register, committed = path.read_text(encoding="utf-8"), extracted_path(html_root)
    good_text = committed.read_bytes()
    current = entries(html_root)["page"]["extracted"]["extractor"]
    committed.write_text("stale text\n", encoding="utf-8")
    stale = good_register.replace(current, "html/0 selectolax 0.9").replace(
        entries(html_root)["page"]["extracted"]["sha256"], hashlib.sha256(b"stale text\n").hexdigest())
    path.write_text(stale, encoding="utf-8")
    assert run("validate", "--root", str(html_root)).exit_code == 1

    result = run("extract", "--root", str(html_root), "page")
    assert result.exit_code == 0, result.output
    assert f"page: seeds/{committed.name} rewritten: the extractor changed from" in result.stdout
    assert "git diff seeds/" in result.output
    assert path.read_text(encoding="utf-8") == good_register  # exactly the lines add-source wrote
    assert committed.read_bytes() == good_text
    assert run("validate", "--root", str(html_root)).exit_code == 0
    again = run("extract", "--root", str(html_root), "--all")
    assert again.exit_code == 0 and again.stdout == f"page: seeds/{committed.name} unchanged\n"


def test_dossier_extract_adds_a_missing_block_and_keeps_crlf(root: Path) -> None:
    hand_entry(root, "page", "page.html", HTML_PAGE, "html")
    path = root / "seeds" / "sources.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()
    result = run("extract", "--root", str(root), "page")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert len(after.splitlines()) == len(before.splitlines()) + 4  # extracted:, file, sha256, extractor
    entry = entries(root)["page"]
    assert entry["extracted"]["file"] == "page.html.txt"
    settle_placeholders(root)
    assert validate(root).ok, [p.text() for p in validate(root).problems if p.is_error]


def test_dossier_extract_refuses_what_it_cannot_do_and_writes_nothing(root: Path, tmp_path: Path) -> None:
    assert add(root, write(tmp_path, "page.html", HTML_PAGE), "page", "--title", "T").exit_code == 0
    hand_entry(root, "scan", "scan.pdf", scanned_pdf(), "pdf", extracted_text="")
    before = snapshot(root)
    for args, fragment in ((["fixture-kyiv-15000"], "a text capture, which is its own text"),
                           (["nobody"], "no source 'nobody'"),
                           (["scan"], "page 1 has no text layer"),
                           (["page", "scan"], "nothing was written")):
        result = run("extract", "--root", str(root), *args)
        assert result.exit_code == 1 and fragment in result.output and "Traceback" not in result.output, result.output
        assert snapshot(root) == before
    (root / "seeds" / entries(root)["page"]["capture"]).write_bytes(HTML_PAGE + b"<!-- edited -->")
    before = snapshot(root)
    result = run("extract", "--root", str(root), "page")
    assert result.exit_code == 1 and "has changed since it was archived" in result.output
    assert snapshot(root) == before
    assert run("extract", "--root", str(root)).exit_code == 1  # neither ids nor --all
    assert run("extract", "--root", str(root), "page", "--all").exit_code == 2


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".dossier.lock"}


# --- The register's neighbours: unregistered files, limits, drift in words, citations -------------------------


def test_extracted_files_are_not_unregistered_captures(root: Path, tmp_path: Path) -> None:
    assert add(root, write(tmp_path, "page.html", HTML_PAGE), "page", "--title", "T").exit_code == 0
    (root / "seeds" / "stray.html.txt").write_text("left behind\n", encoding="utf-8")
    unregistered = [p.path for p in validate(root).problems if "not in the source register" in p.message]
    assert unregistered == ["seeds/stray.html.txt"]  # the page's own extracted text is registered


def test_capture_limits_are_per_kind() -> None:
    assert capture_input("text") == "capture" and LIMITS["capture"] == 64 * 1024 ** 2  # as before kinds
    assert LIMITS[capture_input("pdf")] > LIMITS[capture_input("html")]
    assert LIMITS[capture_input("wacz")] == LIMITS[capture_input("warc")] == LIMITS["argument"]
    assert all(LIMITS[capture_input(kind)] <= LIMITS["argument"]
               for kind in ("text", "html", "pdf", "warc", "wacz", "image"))


def test_a_capture_over_its_kind_limit_is_a_positioned_problem(root: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert add(root, write(tmp_path, "page.html", HTML_PAGE), "page", "--title", "T").exit_code == 0
    monkeypatch.setitem(LIMITS, "capture-html", 100)
    result = run("validate", "--root", str(root))
    assert_positioned(result, line_of(root, "capture: ", after="id: page"), "the limit for a capture-html file is 100")


def test_drift_is_described_in_words() -> None:
    assert describe_drift("a/1", "a/1", "same", "same") is None
    assert describe_drift("a/1", "a/2", "same", "same") == (
        "the extractor changed from \u201ca/1\u201d to \u201ca/2\u201d; the text it extracts is the same")
    said = describe_drift("a/1", "a/1", "line one\nline two", "line one\nline 2")
    assert said == ("the text it extracts differs from line 2, col. 6 of the committed text: it has \u201ctwo\u201d "
                    "where the extractor now gives \u201c2\u201d (by the same extractor)")
    said = describe_drift("a/1", "a/1", "the 120workers left", "the 120 workers left")
    assert "col. 8 of the committed text: it has \u201c120workers left\u201d where the extractor now gives " \
           "\u201c120 workers left\u201d" in str(said)  # shown from the start of the word that differs
    assert "has \u201ctwo\u201d where the extractor now gives nothing more" in str(
        describe_drift("a/1", "a/1", "one\ntwo", "one\n"))


def test_positions_are_cited_in_each_kind_s_terms(root: Path) -> None:
    report = extract("pdf", pdf_report())
    source = Source(id="r", capture="r.pdf", sha256="0" * 64, kind="pdf", outlet="O", title="T", language="en",
                    origin="original reporting", extracted={"file": "r.pdf.txt", "sha256": "0" * 64, "extractor": "x"},
                    unknown={"authors": "-", "published": "-", "url": "-", "retrieval": "-"})
    at = report.text.index("118. Payments")
    assert cite_position(source, report, at) == "p. 42 (page 2 of the file), para. 118, line 3"
    assert cite_position(source, report, 0) == "p. 41 (page 1 of the file), line 1"
    assert report.text[offset_at(report.text, 4, 1):].startswith("117. The Panel")
    assert report.text[offset_at(report.text, 7, 6):].startswith("Payments")
    image = source.model_copy(update={"kind": "image", "extracted": None})
    with pytest.raises(ValueError, match="is an image"):
        cite_position(image, report, 0)
    fixture = Source.model_validate(entries(root)["fixture-kyiv-15000"])
    loaded = load_extraction(root, fixture)
    assert cite_position(fixture, loaded, offset_at(loaded.text, 3, 1)) == "line 3, col. 1"


def test_text_only_bases_do_not_load_the_extractors() -> None:
    import subprocess
    import sys
    code = ("import sys; from dossier.validate import validate; from pathlib import Path; validate(Path('.'));"
            "print([m for m in ('selectolax', 'pypdfium2', 'warcio') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(archive.__file__).parent.parent,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_page_that_does_not_start_like_html_is_still_a_page(root: Path, tmp_path: Path) -> None:
    # An XHTML page in windows-1251: no HTML signature at its start and not UTF-8, so only its name says "page".
    page = ('<?xml version="1.0" encoding="windows-1251"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            '<meta charset="windows-1251"/></head><body><p>Рабочие прибыли на объект в марте 2024 года.</p>'
            '</body></html>').encode("windows-1251")
    assert add(root, write(tmp_path, "page.xhtml", page), "page", "--title", "T").exit_code == 0
    settle_placeholders(root)
    assert entries(root)["page"]["kind"] == "html"
    assert (root / "seeds" / entries(root)["page"]["extracted"]["file"]).read_text(encoding="utf-8") == (
        "Рабочие прибыли на объект в марте 2024 года.")
    assert not [p.text() for p in validate(root).problems if p.path == "seeds/sources.yaml" and p.is_error]
