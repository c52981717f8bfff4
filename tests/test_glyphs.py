"""The glyph check: every character the brief prints has a glyph in a font it uses, the vendored Source fonts
or, for Korean, Japanese and Chinese, Noto CJK from the system; without those, CJK text names the fix."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dossier import glyphs
from dossier.validate import validate

from .test_translations import KOREAN_RECORD_PATH, add_korean_record, add_korean_source, needs_cjk_fonts

WORKERS = "evidence/fixture-15000-workers.yaml"


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """Forget what was read of the fonts before and after a test that pretends they are not there."""
    glyphs.cjk_drawable.cache_clear()
    yield
    glyphs.cjk_drawable.cache_clear()


@pytest.fixture
def no_cjk_fonts(monkeypatch: pytest.MonkeyPatch, fresh_fonts: None) -> None:
    monkeypatch.setattr(glyphs, "cjk_faces", lambda: [])


def retitle(root: Path, title: str) -> int:
    """Give the workers record another title; the line it is on."""
    path = root / WORKERS
    text = path.read_text(encoding="utf-8").replace("title: About 15,000 North Korean workers sent to Russia",
                                                    f"title: {title}")
    path.write_text(text, encoding="utf-8")
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("title:"))


def test_english_text_never_opens_the_cjk_fonts(monkeypatch: pytest.MonkeyPatch, fresh_fonts: None) -> None:
    def refuse() -> list[tuple[Path, int]]:
        raise AssertionError("the CJK fonts were read for text the vendored fonts draw")

    monkeypatch.setattr(glyphs, "cjk_faces", refuse)
    assert glyphs.undrawable("Kim Jong Un\u2019s workers \u2014 \u201c15,000\u201d, caf\u00e9, \u2116 5, "
                             "\u0416\u0435\u043d\u0449\u0438\u043d\u044b, \u03b1, \u20ac") == []


@needs_cjk_fonts
def test_korean_japanese_and_chinese_are_drawn_by_noto_cjk() -> None:
    assert glyphs.undrawable("국가정보원은 北朝鮮は労働者を派遣した。北韩向俄罗斯派遣了工人。「引用」") == []
    assert all(path.is_file() for path, _ in glyphs.cjk_faces())


@needs_cjk_fonts
def test_a_han_character_no_font_covers_is_refused_where_it_is(root: Path) -> None:
    line = retitle(root, "\u9fff workers sent to Russia")
    (problem,) = validate(root, today=dt.date(2026, 11, 23)).problems
    assert (problem.path, problem.line, problem.severity) == (WORKERS, line, "error")
    assert problem.message == "title has characters the brief cannot print: U+9FFF \u9fff (CJK UNIFIED IDEOGRAPH-9FFF)"
    assert problem.hint and "Noto CJK" in problem.hint


@pytest.mark.parametrize("char, described", [
    ("\U0010fffd", "U+10FFFD (a private-use character)"),
    ("\ue000", "U+E000 (a private-use character)"),
    ("\ud7a4", "U+D7A4 (an unassigned code point)"),  # between the last Hangul syllable and the jamo of block B
])
def test_private_use_and_unassigned_code_points_are_refused_with_or_without_cjk_fonts(
        root: Path, char: str, described: str) -> None:
    retitle(root, f"Workers{char} sent to Russia")
    messages = [p.message for p in validate(root, today=dt.date(2026, 11, 23)).problems]
    assert messages == [f"title has characters the brief cannot print: {described}"]


def test_without_cjk_fonts_korean_text_names_the_fix(root: Path, no_cjk_fonts: None) -> None:
    add_korean_source(root)
    add_korean_record(root)
    problems = [p for p in validate(root, today=dt.date(2026, 11, 23)).problems if p.is_error]
    assert [(p.path, p.line) for p in problems] == [(KOREAN_RECORD_PATH, 7)], [p.text() for p in problems]
    message = problems[0].message
    assert message.startswith("passage is in Korean, Japanese or Chinese (U+AD6D \uad6d (HANGUL SYLLABLE GUG), ")
    assert message.endswith("and no CJK font is installed to print it: run scripts/system-deps as root: it "
                            "installs Debian's fonts-noto-cjk")


def test_the_cjk_fonts_are_found_where_debian_puts_them_without_fontconfig(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    serif = tmp_path / "NotoSerifCJK-Regular.ttc"
    serif.write_bytes(b"")
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setattr(glyphs, "CJK_FAMILIES", {"Noto Serif CJK KR": serif,
                                                 "Noto Sans CJK KR": tmp_path / "missing.ttc"})
    assert glyphs.cjk_faces() == [(serif, 0)]


@needs_cjk_fonts
def test_fontconfig_finds_the_faces_print_css_names() -> None:
    faces = glyphs.cjk_faces()
    assert [path.name for path, _ in faces] == ["NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc"]
    css = (Path(glyphs.__file__).parent / "templates" / "print.css").read_text(encoding="utf-8")
    for family in ("Noto Serif CJK KR", "Noto Serif CJK JP", "Noto Serif CJK SC", "Noto Serif CJK TC"):
        assert f'"{family}"' in css, family


@pytest.mark.parametrize("char, cjk", [("\uac00", True), ("\u3042", True), ("\u4e00", True), ("\uff01", True),
                                       ("\u3002", True), ("\U00020000", True), ("a", False), ("\u0416", False),
                                       ("\u00e9", False), ("\u2014", False)])
def test_which_characters_only_the_cjk_fonts_draw(char: str, cjk: bool) -> None:
    assert glyphs.is_cjk(char) is cjk
