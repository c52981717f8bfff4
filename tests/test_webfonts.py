"""dossier.webfonts: the HTML brief carries the PDF's fonts, subset to its text and embedded as data (issue 12, item 4).

The fonts are read back with fontTools and tinycss2 (WeasyPrint's own dependencies), and a page using them is
opened in headless Chromium (tests/browser/harness.py; skipped without it). The shipped brief is built once,
HTML only; its font rules are computed once (webfonts caches each subset) and shared by the tests.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tinycss2
from fontTools.ttLib import TTFont

from dossier.build import build_brief
from dossier.resources import template_folder
from dossier.webfonts import ALWAYS, FACES, RESERVED, Face, default_flavor, font_face_css, page_codepoints, subset_font

from .browser import harness
from .conftest import REPO

# What the fonts may add to the shipped brief's HTML: the @font-face CSS, base64 included, in bytes.
# Today 104 KB (the page itself is ~250 KB; the seven TTFs 1.6 MB); each further letter costs about 1.5 KB,
# its other case as much.
BUDGET = 160_000

# Letters beyond ALWAYS: literal, as HTML references (&eacute; &#x141;) and as a CSS escape (\152 = Œ).
SAMPLE = "Pyongyang’s façade, “naïve” Ærø ½ &eacute; &#x141;ódź <style>p::after { content: \"\\152 \"; }</style>"
SAMPLE_CHARS = "çïÆø½éŁódźŒ"  # the non-ASCII characters SAMPLE stands for
NOT_IN_SAMPLE = "ñÑßÅ€Ω"  # characters some vendored fonts have; none may be embedded for SAMPLE

Key = tuple[str, int, str]  # family, weight, style


def key(face: Face) -> Key:
    return (face.family, face.weight, face.style)


def embedded(css: str) -> dict[Key, tuple[str, bytes]]:
    """(family, weight, style) -> (format, font bytes), read from the @font-face rules as a CSS parser reads them."""
    found: dict[Key, tuple[str, bytes]] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        assert rule.type == "at-rule" and rule.lower_at_keyword == "font-face", f"not an @font-face rule: {rule}"
        decls: dict[str, list[Any]] = {}
        for d in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            assert d.type == "declaration", f"not a declaration: {d}"
            decls[d.lower_name] = [t for t in d.value if t.type not in ("whitespace", "comment")]
        assert sorted(decls) == ["font-family", "font-style", "font-weight", "src"], sorted(decls)
        (family,), (weight,), (style,) = decls["font-family"], decls["font-weight"], decls["font-style"]
        url, fmt = decls["src"]
        assert (family.type, weight.type, style.type) == ("string", "number", "ident")
        assert url.type == "function" and url.lower_name == "url" and fmt.lower_name == "format"
        (address,), (flavor,) = [[a for a in f.arguments if a.type != "whitespace"] for f in (url, fmt)]
        prefix = f"data:font/{flavor.value};base64,"
        assert address.value.startswith(prefix), address.value[:40]
        k = (family.value, int(weight.value), style.value)
        assert k not in found, f"two rules for {k}"
        found[k] = (flavor.value, base64.b64decode(address.value[len(prefix):], validate=True))
    return found


def original(face: Face) -> TTFont:
    return TTFont(str(template_folder() / "fonts" / face.file), lazy=True)


def with_fonts(page: str) -> str:
    """The page with the font rules first in its <style>, as render_html will put them (unless it already does)."""
    if "@font-face" in page:
        return page
    assert page.count("<style>") == 1
    return page.replace("<style>", "<style>\n" + font_face_css(page), 1)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML brief built from what ships, as `make dossier` builds it."""
    out = tmp_path_factory.mktemp("webfonts-build")
    build_brief(REPO, out, formats={"html"})
    return out / "dossier.html"


@pytest.fixture(scope="module")
def elsewhere(shipped: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """Two fresh interpreters with different hash seeds, each printing the SHA-256 of the shipped page's rules;
    started before this process computes them, so that the three run side by side."""
    code = ("import hashlib, pathlib, sys; from dossier.webfonts import font_face_css; "
            "print(hashlib.sha256(font_face_css(pathlib.Path(sys.argv[1]).read_text('utf-8')).encode()).hexdigest())")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(shipped)], cwd=REPO, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}) for seed in ("1", "4242")]
    yield runs
    for run in runs:
        run.kill()
        run.communicate()


@pytest.fixture(scope="module")
def shipped_css(shipped: Path, elsewhere: list[subprocess.Popen[str]]) -> str:
    return font_face_css(shipped.read_text("utf-8"))


# --- which characters -----------------------------------------------------------


def test_the_characters_of_a_page_are_its_text_references_escapes_and_both_cases() -> None:
    got = page_codepoints(SAMPLE)
    for char in SAMPLE_CHARS + "ÇÏæØÉłÓDŹœ" + "".join(ALWAYS):  # with the other case of each letter
        assert ord(char) in got, f"U+{ord(char):04X} {char}"
    for char in NOT_IN_SAMPLE:
        assert ord(char) not in got, f"U+{ord(char):04X} {char}"
    assert page_codepoints("") == frozenset(map(ord, ALWAYS))


def test_the_rules_are_ascii_so_putting_them_in_the_page_changes_no_subset(shipped: Path, shipped_css: str) -> None:
    page = shipped.read_text("utf-8")
    assert shipped_css.isascii()
    assert page_codepoints(with_fonts(page)) == page_codepoints(page)


# --- the CSS and the fonts in it ---------------------------------------------------


def test_one_rule_per_face_named_as_brief_css_names_the_families(shipped_css: str) -> None:
    faces = embedded(shipped_css)
    assert list(faces) == [key(f) for f in FACES]
    assert {fmt for fmt, _ in faces.values()} == {default_flavor()} == {"woff2"}, "brotli is a WeasyPrint dependency"
    stacks = (template_folder() / "brief.css").read_text("utf-8")
    for family in {f.family for f in FACES}:
        assert f'font-family: "{family}"' in stacks, f"brief.css names no {family!r} first in a font stack"


@pytest.mark.parametrize("face", FACES, ids=lambda f: f.file.removesuffix(".ttf"))
def test_each_font_has_exactly_the_sample_characters_it_can_draw(face: Face) -> None:
    """Every character of the sample (and of ALWAYS) the vendored face draws, and no other: a subset, really."""
    fmt, data = embedded(font_face_css(SAMPLE))[key(face)]
    assert (fmt, data[:4]) == ("woff2", b"wOF2")
    sub, full = TTFont(io.BytesIO(data)), original(face)
    have, could = set(sub.getBestCmap()), set(full.getBestCmap())
    assert have == page_codepoints(SAMPLE) & could
    assert {ord(c) for c in SAMPLE_CHARS} & could <= have
    assert not {ord(c) for c in NOT_IN_SAMPLE} & have
    assert {ord(c) for c in NOT_IN_SAMPLE} & could, "pick absent characters the face has, or this proves nothing"
    assert len(sub.getGlyphOrder()) < len(full.getGlyphOrder()) / 2
    # the same face: its copyright, style, trademark and licence, its timestamp, widths and kerning
    for name_id in (0, 2, 7, 13, 14):
        assert sub["name"].getDebugName(name_id) == full["name"].getDebugName(name_id), name_id
    assert sub["head"].modified == full["head"].modified
    assert sub["hmtx"]["A"] == full["hmtx"]["A"]
    if not face.file.startswith("Source"):  # DejaVu Sans Mono: no reserved name, no kerning (monospaced)
        assert sub["name"].getDebugName(1) == full["name"].getDebugName(1) == face.family
        return
    assert "kern" in {r.FeatureTag for r in sub["GPOS"].table.FeatureList.FeatureRecord}
    # renamed: a modified copy may not carry the Reserved Font Name "Source" (SIL OFL 1.1, clause 3)
    assert "Source" in full["name"].getDebugName(1)
    for record in sub["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17):
            assert RESERVED not in record.toUnicode(), (record.nameID, record.toUnicode())
    assert sub["name"].getDebugName(1).startswith(face.family)


def test_without_brotli_the_fonts_are_woff_with_the_same_characters() -> None:
    codepoints = page_codepoints(SAMPLE)
    woff = subset_font.__wrapped__(FACES[0], codepoints, "woff")  # not the cached one: made twice, same bytes
    assert woff[:4] == b"wOFF" and woff == subset_font.__wrapped__(FACES[0], codepoints, "woff")
    assert set(TTFont(io.BytesIO(woff)).getBestCmap()) == page_codepoints(SAMPLE) & set(original(FACES[0]).getBestCmap())


# --- deterministic, and within budget ------------------------------------------------


def test_the_same_page_gives_the_same_bytes_in_other_processes(
        elsewhere: list[subprocess.Popen[str]], shipped_css: str) -> None:
    """Two fresh interpreters with different hash seeds and this one agree byte for byte."""
    digests = [run.communicate(timeout=120)[0].strip() for run in elsewhere]
    assert [run.returncode for run in elsewhere] == [0, 0]
    assert digests == [hashlib.sha256(shipped_css.encode()).hexdigest()] * 2


def test_the_shipped_brief_fonts_fit_the_budget(shipped_css: str) -> None:
    sizes = {f"{fam} {weight} {style}": len(data) for (fam, weight, style), (_, data) in embedded(shipped_css).items()}
    listed = ", ".join(f"{name}: {size:,} B" for name, size in sizes.items())
    assert len(shipped_css) <= BUDGET, (
        f"the font rules are {len(shipped_css):,} bytes, over the budget of {BUDGET:,} (fonts as WOFF2: {listed})")


# --- in a browser ---------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_chromium_draws_the_sample_with_the_embedded_faces(browser: harness.Browser, tmp_path: Path) -> None:
    """Each face loads from its data: URL and sets text with its own advance widths (kerning and ligatures off:
    widths are then the font's hmtx); a fallback font would measure otherwise. Nothing is requested."""
    css = font_face_css(SAMPLE)
    fonts = embedded(css)
    text = "Sanctions 2397 (2017)"
    unkerned = "font-kerning: none; font-variant-ligatures: none"  # after `font`, which resets both
    spans = "\n".join(
        f'<p><span style="font: {f.style} {f.weight} 100px \'{f.family}\', monospace; {unkerned}">{text}</span></p>'
        for f in FACES)
    page = tmp_path / "sample.html"
    page.write_text(f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>fonts</title><style>{css}\n"
                    "span { white-space: pre; }</style></head>"
                    f"<body><p>{SAMPLE}</p>{spans}</body></html>", "utf-8")
    browser.open(page)
    loaded = browser.driver.execute_script(
        "return [...document.fonts].map(f => [f.family, Number(f.weight), f.style, f.status])")
    assert [tuple(row) for row in loaded] == [(*key(f), "loaded") for f in FACES]
    assert browser.driver.execute_script("""return ['Source Serif Pro', 'Source Sans Pro'].every(
        family => document.fonts.check(`12px "${family}"`))""")
    widths = browser.driver.execute_script(
        "return [...document.querySelectorAll('span')].map(s => s.getBoundingClientRect().width)")
    for face, width in zip(FACES, widths, strict=True):
        font = TTFont(io.BytesIO(fonts[key(face)][1]))
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        want = sum(hmtx[cmap[ord(c)]][0] for c in text) * 100 / font["head"].unitsPerEm
        assert width == pytest.approx(want, abs=0.5), f"{face.file}: {width} px wide, the font says {want:.1f}"
    assert not browser.foreign_requests()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_every_text_of_the_shipped_brief_is_set_in_an_embedded_face(browser: harness.Browser, shipped: Path,
                                                                      tmp_path: Path) -> None:
    """Wherever the brief's text is set in Source Serif or Sans Pro, on screen and in print, the weight and style
    are a face in the page (none synthesized); the faces load; nothing is requested."""
    page = tmp_path / "dossier.html"
    page.write_text(with_fonts(shipped.read_text("utf-8")), "utf-8")
    browser.open(page)
    used = set()
    for media in ("screen", "print"):
        browser.emulate_media(media)
        used |= {(fam, int(weight), style, where) for fam, weight, style, where in browser.driver.execute_script("""
            const seen = new Map();
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walk.nextNode(); n; n = walk.nextNode()) {
              const e = n.parentElement;
              if (!n.textContent.trim() || !e.getClientRects().length) continue;
              const s = getComputedStyle(e);
              const family = s.fontFamily.split(',')[0].trim().replace(/^["']|["']$/g, '');
              const k = [family, s.fontWeight, s.fontStyle].join('|');
              if (!seen.has(k)) seen.set(k, [family, s.fontWeight, s.fontStyle,
                e.tagName.toLowerCase() + [...e.classList].map(c => '.' + c).join('')]);
            }
            return [...seen.values()];""")}
    browser.emulate_media("")
    browser.driver.execute_async_script(
        "document.body.offsetHeight; document.fonts.ready.then(() => arguments[0]())")  # laid out, fonts loaded
    ours = {f.family for f in FACES}
    faces = {key(f) for f in FACES}
    missing = sorted(row for row in used if row[0] in ours and row[:3] not in faces)
    assert not missing, "text set in a face the page does not embed (add it to webfonts.FACES): " + "; ".join(
        f"{fam} {weight} {style} (first in {where})" for fam, weight, style, where in missing)
    assert {row[:3] for row in used if row[0] in ours} == faces, "a face no text uses: drop it from webfonts.FACES"
    loaded = browser.driver.execute_script(
        "return [...document.fonts].map(f => [f.family, Number(f.weight), f.style, f.status])")
    assert sorted(tuple(row) for row in loaded) == sorted((*key(f), "loaded") for f in FACES)
    assert not browser.foreign_requests()


@pytest.mark.parametrize("face", FACES, ids=lambda f: f.file.removesuffix(".ttf"))
def test_subsetting_logs_nothing_on_the_build_s_output(face: Face, caplog: pytest.LogCaptureFixture) -> None:
    """fontTools logs a warning for a table it cannot subset; the build prints only its own lines."""
    with caplog.at_level(logging.DEBUG, logger="fontTools"):
        subset_font.__wrapped__(face, page_codepoints(SAMPLE), default_flavor())
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
