"""Starting new inputs: `add-source` archives a capture unchanged, `new` writes a skeleton; neither overwrites."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from yamllint import linter
from yamllint.config import YamlLintConfig

from dossier.cli import cli
from dossier.models import ADDED_NOTE, NOT_GIVEN
from dossier.schema import MODELINE
from dossier.validate import validate
from dossier.yaml_read import parse_yaml
from dossier.yaml_write import yaml_scalar

from .conftest import FIXTURE_CAPTURE, FIXTURES, REPO, fill_blanks
from .extract.minipdf import MiniPdf, helvetica_lines
from .extract.samples import Page, make_wacz, make_warc, record_id

ARTICLE = FIXTURES / "articles" / "example-gazette.txt"
GAZETTE = ["--outlet", "The Example Gazette", "--title", "Test page: a fictitious article",
           "--authors", "A. Tester", "--id", "example-gazette-test"]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def add_gazette(root: Path, *extra: str, capture: Path = ARTICLE) -> Result:
    return run("add-source", "--root", str(root), str(capture), *GAZETTE, *extra)


def register(root: Path) -> list[dict]:
    doc, problems = parse_yaml((root / "seeds" / "sources.yaml").read_bytes(), "seeds/sources.yaml")
    assert doc is not None, problems
    return doc.data["sources"]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes: 'nothing was written' means this is unchanged.

    The writers' lock file (.dossier.lock, git-ignored, empty) is no input and is left out.
    """
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".dossier.lock"}


def yamllint_problems(path: Path) -> list[str]:
    config = YamlLintConfig(file=str(REPO / ".yamllint"))
    return [f"{p.line}:{p.column} {p.desc}" for p in linter.run(path.read_text(encoding="utf-8"), config)]


def assert_clean_failure(result: Result, code: int, text: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert text in result.output, result.output


# --- add-source --------------------------------------------------------------


def test_add_source_archives_the_capture_byte_for_byte_and_registers_it(root: Path) -> None:
    old_register = (root / "seeds" / "sources.yaml").read_bytes()
    result = add_gazette(root, "--published", "2024-03")
    assert result.exit_code == 0, result.output
    assert result.stdout == "example-gazette-test\n"  # stdout is just the id, for scripts

    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    entry = register(root)[-1]
    assert entry["id"] == "example-gazette-test" and entry["sha256"] == digest
    assert (root / "seeds" / entry["capture"]).read_bytes() == ARTICLE.read_bytes()
    assert entry["capture"].startswith("003_") and entry["capture"].endswith(".txt")  # after the fixture's 002_
    assert entry["published"] == "2024-03" and entry["authors"] == ["A. Tester"]
    assert entry["unknown"] == {"url": NOT_GIVEN, "retrieval": NOT_GIVEN}
    # The register grows by one block at the end; every earlier byte is as it was.
    assert (root / "seeds" / "sources.yaml").read_bytes().startswith(old_register)
    assert placeholders_left(root) == ["unknown.url", "unknown.retrieval", "notes"]  # in the order of the lines
    assert not yamllint_problems(root / "seeds" / "sources.yaml")


def test_what_is_not_given_is_recorded_as_unknown_with_a_reason(root: Path) -> None:
    result = run("add-source", "--root", str(root), str(ARTICLE), "--outlet", "The Example Gazette",
                 "--title", "Test page")
    assert result.exit_code == 0, result.output
    entry = register(root)[-1]
    assert entry["id"] == "example-gazette-test-page"  # outlet and the first words of the title
    assert entry["authors"] == [] and entry["published"] is None and entry["url"] is None
    assert set(entry["unknown"]) == {"authors", "published", "url", "retrieval"}
    assert "Check them against the capture" in entry["notes"]
    assert placeholders_left(root) == ["unknown.authors", "unknown.published", "unknown.url", "unknown.retrieval",
                                       "notes"]
    # Replaced with real reasons and notes, the entry validates.
    path = root / "seeds" / "sources.yaml"
    text = path.read_text(encoding="utf-8").replace(NOT_GIVEN, "the capture does not show it")
    path.write_text(text.replace(ADDED_NOTE.split(": ")[0], "Read off the page"), encoding="utf-8")
    assert validate(root).ok, [p.text() for p in validate(root).problems]


def test_the_collection_record_is_kept_and_an_empty_title_refused(root: Path) -> None:
    result = add_gazette(root, "--retrieved", "2026-11-20", "--retrieved-by", "A. Analyst", "--method",
                         "page text copied from a browser", "--retrieved-from", "https://example.org/gazette",
                         "--url-seen", "given by the analyst")
    assert result.exit_code == 0, result.output
    assert register(root)[-1]["retrieval"] == {
        "date": "2026-11-20", "by": "A. Analyst", "method": "page text copied from a browser",
        "url": "https://example.org/gazette", "url_seen": "given by the analyst"}
    before = snapshot(root)
    for args, message in ((["--title", ""], "--title is empty"), (["--title", "  "], "--title is empty"),
                          (["--retrieved-from", "https://x.org"], "--retrieved-from needs --url-seen")):
        other = root.parent / "other.txt"
        other.write_text("Another capture.\n", encoding="utf-8")
        assert_clean_failure(run("add-source", "--root", str(root), str(other), "--outlet", "O", "--title", "T",
                                 *args), 1, message)
    assert snapshot(root) == before
    no_headline = run("add-source", "--root", str(root), str(root.parent / "other.txt"), "--outlet", "O",
                      "--title-unknown", "the page shows no headline")
    assert no_headline.exit_code == 0, no_headline.output
    assert register(root)[-1]["unknown"]["title"] == "the page shows no headline"


def placeholders_left(root: Path) -> list[str]:
    """Which fields of the new entry still hold add-source's placeholders: the only problems validate reports."""
    problems = [p for p in validate(root).problems if p.is_error]
    assert all("still holds the placeholder" in p.message for p in problems), [p.text() for p in problems]
    return [p.message.split(" still")[0] for p in problems]


def test_git_never_converts_the_line_endings_of_what_is_archived() -> None:
    """.gitattributes: seeds/* -text, so a checkout with core.autocrlf keeps every capture's hash."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "-C", str(REPO), "check-attr", "text", "seeds/sources.yaml", f"seeds/{FIXTURE_CAPTURE}"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["seeds/sources.yaml: text: unset", f"seeds/{FIXTURE_CAPTURE}: text: unset"]


def test_add_source_refuses_a_capture_already_archived(root: Path, tmp_path: Path) -> None:
    assert add_gazette(root).exit_code == 0
    before = snapshot(root)
    again = add_gazette(root, "--id", "another-id")
    assert_clean_failure(again, 1, "already archived")
    assert "cite that source id" in again.output
    renamed = tmp_path / "same-bytes-other-name.txt"
    shutil.copy2(ARTICLE, renamed)
    assert_clean_failure(add_gazette(root, "--id", "third-id", capture=renamed), 1, "already archived")
    assert snapshot(root) == before


def test_add_source_refuses_content_already_lying_unregistered_in_seeds(root: Path) -> None:
    shutil.copy2(ARTICLE, root / "seeds" / "gazette.txt")
    before = snapshot(root)
    result = add_gazette(root)
    assert_clean_failure(result, 1, "register that file instead: dossier add-source seeds/gazette.txt")
    assert snapshot(root) == before


def test_a_file_already_in_seeds_is_registered_where_it_lies(root: Path) -> None:
    placed = root / "seeds" / "gazette.txt"
    shutil.copy2(ARTICLE, placed)
    result = add_gazette(root, capture=placed)
    assert result.exit_code == 0, result.output
    assert "registered" in result.stderr
    assert register(root)[-1]["capture"] == "gazette.txt"
    assert sorted(p.name for p in (root / "seeds").iterdir()) == ["002_403746959bcb0950.txt", "gazette.txt",
                                                                  "sources.yaml"]


def test_add_source_never_reuses_a_source_id(root: Path, tmp_path: Path) -> None:
    before = snapshot(root)
    other = tmp_path / "other.txt"
    other.write_text("Another page.\n", encoding="utf-8")
    result = add_gazette(root, "--id", "fixture-kyiv-15000", capture=other)
    assert_clean_failure(result, 1, "already in seeds/sources.yaml")
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--origin", "republication"], "needs --original-outlet"),
        (["--original-outlet", "Daily NK"], "only for --origin republication"),
        (["--published", "2999"], "in the future"),
        (["--published", "2024-13"], "month 13 does not exist"),
        (["--published", "March 2024"], "is not a date"),
    ],
)
def test_add_source_refuses_metadata_that_would_not_validate(root: Path, extra: list[str], message: str) -> None:
    before = snapshot(root)
    assert_clean_failure(add_gazette(root, *extra), 1, message)
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"  \n", "is empty"), (b"caf\xe9 au lait\n", "is not UTF-8 text (byte 0xe9 at offset 3)")],
)
def test_add_source_refuses_captures_that_cannot_be_checked(root: Path, tmp_path: Path, content: bytes,
                                                           message: str) -> None:
    capture = tmp_path / "capture.txt"
    capture.write_bytes(content)
    before = snapshot(root)
    assert_clean_failure(add_gazette(root, capture=capture), 1, message)
    assert snapshot(root) == before


@pytest.mark.parametrize(
    "args",
    [
        ["--title", "no outlet"],  # --outlet is required
        ["--outlet", "X", "--title", "Y", "--id", "Not A Slug"],
        ["--outlet", "X", "--title", "Y", "--origin", "rumour"],
    ],
)
def test_add_source_bad_usage_exits_2(root: Path, args: list[str]) -> None:
    before = snapshot(root)
    assert run("add-source", "--root", str(root), str(ARTICLE), *args).exit_code == 2
    missing = run("add-source", "--root", str(root), str(root / "missing.txt"), "--outlet", "X", "--title", "T")
    assert missing.exit_code == 2 and "does not exist" in missing.output
    assert snapshot(root) == before


def test_metadata_that_yaml_would_misread_is_kept_exactly(root: Path) -> None:
    tricky = ["yes", "2024-05", "010", "1e3", "null", "a: b # c", '"quoted"', "- dash", "Ünïcödé — dash"]
    result = run("add-source", "--root", str(root), str(ARTICLE), "--outlet", "no", "--title", "1e3",
                 *[arg for name in tricky for arg in ("--authors", name)], "--id", "tricky")
    assert result.exit_code == 0, result.output
    entry = register(root)[-1]
    assert (entry["outlet"], entry["title"], entry["authors"]) == ("no", "1e3", tricky)
    # A YAML 1.1 reader (PyYAML's default, yamllint) reads the same strings.
    plain = yaml.safe_load((root / "seeds" / "sources.yaml").read_text(encoding="utf-8"))["sources"][-1]
    assert (plain["outlet"], plain["title"], plain["authors"]) == ("no", "1e3", tricky)
    assert placeholders_left(root)


def test_a_crlf_register_stays_crlf(root: Path) -> None:
    path = root / "seeds" / "sources.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    old = path.read_bytes()
    assert add_gazette(root).exit_code == 0
    new = path.read_bytes()
    assert new.startswith(old) and b"\n" not in new.replace(b"\r\n", b"")
    assert register(root)[-1]["id"] == "example-gazette-test"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_text_is_written_as_yaml_that_reads_back_exactly(value: str) -> None:
    doc, problems = parse_yaml(f"key: {yaml_scalar(value)}\n".encode(), "x.yaml")
    assert not problems and doc is not None and doc.data == {"key": value}


@pytest.mark.parametrize("value", ["\ufffe", "a\uffffb", "\x00", "\u2028", "\ufeffBOM"])
def test_characters_yaml_forbids_literally_are_escaped(value: str) -> None:
    doc, problems = parse_yaml(f"key: {yaml_scalar(value)}\n".encode(), "x.yaml")
    assert not problems and doc is not None and doc.data == {"key": value}


@pytest.mark.parametrize("value", ["1e3", "0o17", "0x1F", ".inf", "-.5", "1.", ".NaN"])
def test_text_a_yaml_1_2_editor_would_read_as_a_number_is_quoted(value: str) -> None:
    assert yaml_scalar(value) == f'"{value}"'


# --- new ---------------------------------------------------------------------


def new(root: Path, *args: str) -> Result:
    return run("new", "--root", str(root), "--source", "fixture-kyiv-15000", *args)


def test_new_writes_a_commented_skeleton_with_the_modeline_and_prints_its_path(root: Path) -> None:
    first = new(root)
    assert first.exit_code == 0, first.output
    path = root / "evidence" / "fixture-kyiv-15000-1.yaml"
    assert first.stdout == f"{path}\n"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE
    assert "id: fixture-kyiv-15000-1\n" in text and "source: fixture-kyiv-15000\n" in text
    assert "  - The Kyiv Independent\n" in text  # the chain ends at the source's outlet
    assert text.count("\n#") >= 15, "every field has a comment saying what to write"
    assert not yamllint_problems(path)
    second = new(root)
    assert second.exit_code == 0 and (root / "evidence" / "fixture-kyiv-15000-2.yaml").is_file()


def test_new_refuses_to_overwrite(root: Path) -> None:
    before = snapshot(root)
    result = new(root, "--id", "fixture-15000-workers")
    assert_clean_failure(result, 1, "evidence/fixture-15000-workers.yaml already exists")
    assert snapshot(root) == before


def test_new_names_an_unknown_source(root: Path) -> None:
    result = run("new", "--root", str(root), "--source", "fixture-kyiv-1500")
    assert_clean_failure(result, 1, "source 'fixture-kyiv-1500' is not in seeds/sources.yaml")
    assert "did you mean 'fixture-kyiv-15000'" in result.output
    empty = root.parent / "empty"
    empty.mkdir()
    assert_clean_failure(run("new", "--root", str(empty), "--source", "x"), 1, "dossier add-source")


@pytest.mark.parametrize("hostile", ["../../../../outside-evidence", "/tmp/absolute-evidence", "a/b"])
def test_new_refuses_a_registered_id_that_is_not_a_slug_and_writes_nothing(root: Path, hostile: str) -> None:
    """An id from the register becomes a file name only after it is checked: a path in it writes nowhere."""
    sources = root / "seeds" / "sources.yaml"
    sources.write_text(sources.read_text("utf-8").replace("id: fixture-kyiv-15000", f"id: '{hostile}'", 1), "utf-8")
    before = snapshot(root)
    outside = sorted(p for p in root.parent.rglob("*") if not p.is_relative_to(root))
    result = run("new", "--root", str(root), "--source", hostile)
    assert_clean_failure(result, 1, f"'{hostile}' is not a valid source id")
    assert snapshot(root) == before
    assert sorted(p for p in root.parent.rglob("*") if not p.is_relative_to(root)) == outside
    assert not list(Path("/tmp").glob("absolute-evidence*"))


def test_new_bad_usage_exits_2(root: Path) -> None:
    before = snapshot(root)
    assert new(root, "--id", "Bad_Id").exit_code == 2
    assert run("new", "--root", str(root)).exit_code == 2  # --source is required
    assert snapshot(root) == before


def test_the_skeleton_fails_validation_naming_what_to_fill_in(root: Path) -> None:
    assert new(root, "--id", "todo").exit_code == 0
    result = run("validate", "--root", str(root))
    assert result.exit_code == 1
    ours = [line for line in result.output.splitlines() if line.startswith("evidence/todo.yaml:")]
    for field in ("title", "claim", "passage", "reporting_chain.0", "provisions.0.id", "provisions.0.rationale",
                  "event.date", "grading.reliability", "grading.credibility", "grading.justification"):
        assert any(f": error: {field}: " in line for line in ours), (field, result.output)
    assert not [line for line in result.output.splitlines() if line.startswith("evidence/fixture-")]


def test_the_skeleton_validates_once_filled_in(root: Path) -> None:
    """Filling in the blanks where the comments say, and deleting the optional lines, gives a valid record."""
    assert new(root, "--id", "kyiv-wsj-15000").exit_code == 0
    path = root / "evidence" / "kyiv-wsj-15000.yaml"
    blanks = {
        'title: ""': "title: South Korean intelligence estimate of 15,000 workers",
        "claim: >-\n": "claim: >-\n  The Kyiv Independent reports, citing the WSJ, that about 15,000 workers went.\n",
        "passage: >-\n": "passage: >-\n  North Korea sent about 15,000 labor migrants to Russia to cover the labor\n"
                         "  market shortage in the country\n",
        '  - ""\n  - The Kyiv': "  - South Korean intelligence\n  - The Wall Street Journal\n  - The Kyiv",
        'id: ""': "id: 2397-OP8",
        'rationale: ""': "rationale: DPRK workers earning income abroad.",
        'date: ""': 'date: "2025"',
        '  date_note: ""\n': "",
        'place: ""': "place: Russia",
        'reliability: ""': "reliability: B",
        'credibility: ""': "credibility: 3",
        'justification: ""': "justification: A newspaper relaying an intelligence estimate.",
    }
    fill_blanks(path, blanks)
    result = run("validate", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert "3 records, 0 errors" in result.output


def test_new_refuses_an_image_source(root: Path, tmp_path: Path) -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63"
                        "60000002000001e221bc330000000049454e44ae426082")
    image = tmp_path / "screenshot.png"
    image.write_bytes(png)
    added = run("add-source", "--root", str(root), str(image), "--outlet", "The Example Gazette", "--title", "Shot",
                "--id", "gazette-screenshot")
    assert added.exit_code == 0, added.output
    before = snapshot(root)
    result = run("new", "--root", str(root), "--source", "gazette-screenshot")
    assert_clean_failure(result, 1, "source 'gazette-screenshot' is an image, archived as an exhibit: an image is "
                                    "never quoted, so no record can cite it; nothing was written")
    assert snapshot(root) == before


def test_a_skeleton_for_a_source_not_in_english_asks_for_the_translation(root: Path) -> None:
    register = root / "seeds" / "sources.yaml"
    register.write_text(register.read_text(encoding="utf-8").replace("language: en", "language: ru"),
                        encoding="utf-8")
    assert new(root, "--id", "todo").exit_code == 0
    text = (root / "evidence" / "todo.yaml").read_text(encoding="utf-8")
    assert "# The source's language is ru: a passage quoted from it needs its English translation." in text
    assert not yamllint_problems(root / "evidence" / "todo.yaml")
    result = run("validate", "--root", str(root))
    ours = [line for line in result.output.splitlines() if line.startswith("evidence/todo.yaml:")]
    for field in ("translation.text", "translation.by", "translation.method", "translation.reviewed_by"):
        assert any(f": error: {field}: " in line for line in ours), (field, result.output)


def test_an_english_skeleton_only_says_where_another_language_goes(root: Path) -> None:
    assert new(root, "--id", "todo").exit_code == 0
    text = (root / "evidence" / "todo.yaml").read_text(encoding="utf-8")
    assert "\ntranslation:" not in text and "\nlanguage:" not in text
    assert "also needs `language:` (its" in text


def test_a_file_that_cannot_be_written_is_reported_without_a_traceback(root: Path) -> None:
    shutil.rmtree(root / "evidence")
    (root / "evidence").write_text("not a folder\n", encoding="utf-8")
    result = new(root, "--id", "blocked")
    assert_clean_failure(result, 1, "error: ")
    assert (root / "evidence").read_text(encoding="utf-8") == "not a folder\n"


# --- add-source: captures beyond text ------------------------------------------------------------------------

PAGE = (b"<!doctype html><html><head><meta charset=utf-8><title>Test page: 120 workers | Gazette</title></head>"
        b"<body><h1>Test page</h1><p>The Example Gazette was told by a fictitious official that 120 workers "
        b"arrived at a test site in March 2024.</p><div style='display:none'>Hidden from readers.</div></body></html>")


def capture_file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def add_capture(root: Path, capture: Path, *extra: str) -> Result:
    return run("add-source", "--root", str(root), str(capture), "--outlet", "The Example Gazette", *extra)


def test_add_source_archives_an_html_page_and_its_extracted_text(root: Path, tmp_path: Path) -> None:
    result = add_capture(root, capture_file(tmp_path, "page.html", PAGE), "--title", "Test page", "--id", "page")
    assert result.exit_code == 0, result.output
    assert result.stdout == "page\n"
    entry = register(root)[-1]
    assert (entry["kind"], entry["capture"]) == ("html", f"003_{hashlib.sha256(PAGE).hexdigest()[:16]}.html")
    assert (root / "seeds" / entry["capture"]).read_bytes() == PAGE
    text = (root / "seeds" / entry["extracted"]["file"]).read_text(encoding="utf-8")
    assert text == ("Test page\n\nThe Example Gazette was told by a fictitious official that 120 workers arrived at "
                    "a test site in March 2024.")
    assert entry["extracted"]["extractor"].startswith("html/")
    assert f"its text is in {root / 'seeds' / entry['extracted']['file']}" in result.stderr
    assert "note: text hidden by the page" in result.stderr and "Hidden from readers" in result.stderr
    assert "<title>" not in result.stderr  # --title was given: nothing to offer
    assert not yamllint_problems(root / "seeds" / "sources.yaml")


def test_an_html_title_is_offered_never_filled_in(root: Path, tmp_path: Path) -> None:
    page = capture_file(tmp_path, "page.html", PAGE)
    before = snapshot(root)
    result = add_capture(root, page)
    assert_clean_failure(result, 1, "give --title (the headline as captured) or --title-unknown REASON")
    assert "The page's <title> is \u201cTest page: 120 workers | Gazette\u201d" in result.output
    assert snapshot(root) == before
    result = add_capture(root, page, "--title-unknown", "the page shows no headline of its own")
    assert result.exit_code == 0, result.output
    assert "the page's <title> is \u201cTest page: 120 workers | Gazette\u201d" in result.stderr
    entry = register(root)[-1]
    assert entry["title"] is None and entry["unknown"]["title"] == "the page shows no headline of its own"


def test_a_scanned_pdf_is_refused_and_nothing_written(root: Path, tmp_path: Path) -> None:
    scan = MiniPdf(image_pages={0}).page("q 400 0 0 600 50 100 cm /Im1 Do Q").build()
    before = snapshot(root)
    result = add_capture(root, capture_file(tmp_path, "scan.pdf", scan), "--title", "A scan")
    assert_clean_failure(result, 1, "cannot be quoted, so it is not archived as a pdf capture: page 1 has no text "
                                    "layer: a scanned PDF cannot be quoted")
    assert snapshot(root) == before


def test_a_born_digital_pdf_is_archived_with_its_text(root: Path, tmp_path: Path) -> None:
    pdf = MiniPdf().page(helvetica_lines(["117. The Panel found that 300 workers", "were sent abroad."])).build()
    result = add_capture(root, capture_file(tmp_path, "S-2024-215.pdf", pdf), "--title", "Panel report")
    assert result.exit_code == 0, result.output
    entry = register(root)[-1]
    assert entry["kind"] == "pdf" and entry["capture"].endswith(".pdf")
    assert (root / "seeds" / entry["extracted"]["file"]).read_text(encoding="utf-8") == (
        "117. The Panel found that 300 workers\nwere sent abroad.")


def test_a_wacz_whose_package_was_altered_is_refused(root: Path, tmp_path: Path) -> None:
    warc = make_warc([Page("https://gazette.example/a", PAGE)])
    altered = make_wacz(warc, ["https://gazette.example/a"], tamper={"archive/data.warc.gz": "sha256:" + "0" * 64})
    before = snapshot(root)
    result = add_capture(root, capture_file(tmp_path, "page.wacz", altered), "--title", "T")
    assert_clean_failure(result, 1, "archive/data.warc.gz does not match its hash in datapackage.json")
    assert snapshot(root) == before


def test_record_chooses_the_page_of_a_web_archive(root: Path, tmp_path: Path) -> None:
    warc = make_warc([Page("https://gazette.example/a", PAGE),
                      Page("https://gazette.example/b", b"<p>Another page entirely, with its own words.</p>")])
    crawl = capture_file(tmp_path, "crawl.warc.gz", warc)
    before = snapshot(root)
    ambiguous = add_capture(root, crawl, "--title", "T")
    assert_clean_failure(ambiguous, 1, "choose the page to quote by its WARC-Record-ID or WARC-Target-URI")
    missing = add_capture(root, crawl, "--title", "T", "--record", "https://gazette.example/c")
    assert_clean_failure(missing, 1, "no page record with WARC-Record-ID or WARC-Target-URI")
    assert "https://gazette.example/a" in missing.output  # what the archive does hold
    assert_clean_failure(add_capture(root, capture_file(tmp_path, "p.html", PAGE), "--title", "T", "--record", "x"),
                         1, "--record chooses a page in a web archive (WARC or WACZ)")
    assert snapshot(root) == before
    chosen = add_capture(root, crawl, "--title", "T", "--record", "https://gazette.example/b")
    assert chosen.exit_code == 0, chosen.output
    entry = register(root)[-1]
    assert entry["kind"] == "warc" and entry["record"] == record_id(2) and entry["capture"].endswith(".warc.gz")
    assert (root / "seeds" / entry["extracted"]["file"]).read_text(encoding="utf-8") == (
        "Another page entirely, with its own words.")
    assert f"page record {record_id(2)}" in chosen.stderr


def test_an_image_is_archived_as_an_exhibit(root: Path, tmp_path: Path) -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63"
                        "60000002000001e221bc330000000049454e44ae426082")
    result = add_capture(root, capture_file(tmp_path, "screenshot.png", png), "--title", "Screenshot of the page")
    assert result.exit_code == 0, result.output
    entry = register(root)[-1]
    assert entry["kind"] == "image" and entry["capture"].endswith(".png") and "extracted" not in entry
    assert "archived as an exhibit; records cannot quote it" in result.stderr


def test_nothing_is_left_behind_when_the_register_cannot_be_written(root: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import dossier.add_source

    def refuse(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(dossier.add_source, "replace_file", refuse)
    before = snapshot(root)
    result = add_capture(root, capture_file(tmp_path, "page.html", PAGE), "--title", "T")
    assert_clean_failure(result, 1, "No space left on device")
    assert snapshot(root) == before  # neither the capture nor its extracted text stays


def test_the_extracted_text_of_a_capture_is_not_a_capture(root: Path, tmp_path: Path) -> None:
    assert add_capture(root, capture_file(tmp_path, "page.html", PAGE), "--title", "T").exit_code == 0
    extracted = root / "seeds" / register(root)[-1]["extracted"]["file"]
    before = snapshot(root)
    copy = capture_file(tmp_path, "copy.txt", extracted.read_bytes())
    assert_clean_failure(add_capture(root, copy, "--title", "T"), 1, "is the text dossier extracted from seeds/")
    assert_clean_failure(add_capture(root, extracted, "--title", "T"), 1, "is the text dossier extracted from")
    assert snapshot(root) == before


def test_an_unregistered_page_in_seeds_is_registered_where_it_lies(root: Path) -> None:
    placed = root / "seeds" / "gazette-page.html"
    placed.write_bytes(PAGE)
    result = add_capture(root, placed, "--title", "T")
    assert result.exit_code == 0, result.output
    entry = register(root)[-1]
    assert entry["capture"] == "gazette-page.html" and entry["extracted"]["file"] == "gazette-page.html.txt"
    assert (root / "seeds" / "gazette-page.html.txt").is_file()


def test_a_capture_over_its_kind_s_limit_is_refused(root: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from dossier.inputs import LIMITS

    monkeypatch.setitem(LIMITS, "capture-html", 100)
    before = snapshot(root)
    assert_clean_failure(add_capture(root, capture_file(tmp_path, "page.html", PAGE), "--title", "T"), 1,
                         "the limit for a html capture is 100")
    assert snapshot(root) == before


def test_a_file_of_no_known_kind_is_refused(root: Path, tmp_path: Path) -> None:
    before = snapshot(root)
    assert_clean_failure(add_capture(root, capture_file(tmp_path, "blob.bin", b"\x00\xff\xfe binary"), "--title", "T"),
                         1, "cannot tell what kind of capture this is")
    assert_clean_failure(add_capture(root, capture_file(tmp_path, "a.zip", _zip()), "--title", "T"),
                         1, "not a WACZ web archive")
    assert snapshot(root) == before


def _zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a web archive")
    return buffer.getvalue()

