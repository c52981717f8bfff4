"""Which characters the brief can draw: the fonts' own character maps, read once.

A character no font covers would make WeasyPrint draw an empty box and (in strict mode) fail the build with a
message naming no record; a control character or NUL makes the HTML invalid. `validate` refuses both in every
text the brief prints, at the field that holds it, so the build never meets them.

The fonts are the vendored Source Serif Pro and Source Sans Pro (templates/fonts/) and, for Korean, Japanese
and Chinese, Noto Serif CJK and Noto Sans CJK from the system (Debian's fonts-noto-cjk, which
scripts/system-deps installs), found through fontconfig as WeasyPrint finds them. print.css names the Noto
faces for passages marked with their language; other CJK text (a Korean title, say) is drawn by the same
fonts through fontconfig's fallback. Every face of a Noto CJK collection covers the same characters (the
regional faces differ in the shapes of Han characters, not in coverage), so one face per file is read.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

from .resources import template_folder

# Text made only of these is drawable without opening the fonts: printable ASCII, Latin-1 letters and the
# typographic punctuation the evidence uses. Anything else is looked up in the fonts.
_SURELY_DRAWN = re.compile("[\\n\\t\\x20-\\x7e\\u00a0-\\u00ff\\u2010-\\u2015\\u2018-\\u201f\\u2026\\u2032\\u2033"
                           "\\u2212]*")
ALLOWED_CONTROLS = "\n\t"

# The Noto CJK families whose files the check reads (print.css names the serif faces by language; the sans
# faces draw CJK text in headings and labels). Where Debian puts them, for a system without fc-list.
CJK_FAMILIES = {
    "Noto Serif CJK KR": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "Noto Sans CJK KR": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
}
INSTALL_CJK = "run scripts/system-deps as root: it installs Debian's fonts-noto-cjk"

# Blocks of Korean, Japanese and Chinese text: jamo and syllables, kana, bopomofo, Han ideographs and their
# radicals, CJK punctuation, enclosed and compatibility forms, full-width forms. Only Noto CJK draws them.
CJK_RANGES = (
    (0x1100, 0x11FF), (0x2E80, 0x2FFF), (0x3000, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F),
    (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x1B000, 0x1B16F),
    (0x1F200, 0x1F2FF), (0x20000, 0x3134F),
)


@cache
def drawable() -> frozenset[int]:
    """Every code point at least one of the vendored text fonts has a glyph for.

    Not DejaVu Sans Mono's, which sets only record ids and hashes (ASCII): prose it alone could draw would be
    printed in a fallback font of the machine's, or not at all."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; only needed for unusual text

    covered: set[int] = set()
    for path in sorted((template_folder() / "fonts").iterdir()):
        if path.suffix.lower() in (".ttf", ".otf") and path.name.startswith("Source"):
            with TTFont(str(path), lazy=True) as font:
                covered |= set(font.getBestCmap())
    return frozenset(covered)


def cjk_faces() -> list[tuple[Path, int]]:
    """The installed Noto CJK faces of `CJK_FAMILIES` as (file, face index in the collection); empty if none.

    Asked of fontconfig (`fc-list`), which is how Pango, and so WeasyPrint, finds them; without fc-list, the
    files are looked for where Debian installs them.
    """
    faces: list[tuple[Path, int]] = []
    fc_list = shutil.which("fc-list")
    for family, debian_path in CJK_FAMILIES.items():
        if fc_list is None:
            faces += [(debian_path, 0)] if debian_path.is_file() else []
            continue
        done = subprocess.run([fc_list, "--format", "%{file}\t%{index}\n", f":family={family}:style=Regular"],
                              capture_output=True, text=True, check=False)
        for line in sorted(done.stdout.splitlines())[:1]:
            file, _, index = line.partition("\t")
            faces.append((Path(file), int(index or 0)))
    return faces


@cache
def cjk_drawable() -> frozenset[int] | None:
    """Every code point the installed Noto CJK fonts have a glyph for; None when none is installed."""
    from fontTools.ttLib import TTFont

    faces = cjk_faces()
    if not faces:
        return None
    covered: set[int] = set()
    for path, index in faces:
        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            covered |= set(font.getBestCmap())
    return frozenset(covered)


def is_cjk(char: str) -> bool:
    """Whether the character belongs to Korean, Japanese or Chinese text (only the CJK fonts draw it)."""
    code = ord(char)
    return any(low <= code <= high for low, high in CJK_RANGES)


def _unprintable(char: str, covered: frozenset[int]) -> bool:
    """A control, surrogate, private-use or unassigned character, or one no font in `covered` draws."""
    if char in ALLOWED_CONTROLS:
        return False
    return unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") or ord(char) not in covered


def surely_drawn(text: str) -> bool:
    """Whether every character of `text` is one the vendored fonts draw for certain (ASCII, Latin-1, dashes,
    quotes), with nothing else to look up."""
    return _SURELY_DRAWN.fullmatch(text) is not None


def undrawable(text: str) -> list[str]:
    """The characters of `text` the brief cannot print, described: 'U+30000 𰀀 (CJK UNIFIED IDEOGRAPH-30000)'.

    The CJK fonts are read only when the vendored fonts lack a character: English text never opens them.
    """
    if surely_drawn(text):
        return []
    bad = [char for char in dict.fromkeys(text) if _unprintable(char, drawable())]
    if bad:
        cjk = cjk_drawable() or frozenset()
        bad = [char for char in bad if _unprintable(char, cjk)]
    return [describe(char) for char in bad]


def needs_cjk_fonts(text: str) -> list[str]:
    """The CJK characters of `text` that only the Noto CJK fonts could draw, when those are not installed."""
    if surely_drawn(text) or cjk_drawable() is not None:
        return []
    return [describe(char) for char in dict.fromkeys(text)
            if is_cjk(char) and unicodedata.category(char) not in ("Co", "Cn") and ord(char) not in drawable()]


def describe(char: str) -> str:
    """'U+AD6D 국 (HANGUL SYLLABLE GUG)'; what a character is when it has no name (control, unassigned ...)."""
    category = unicodedata.category(char)
    unnamed = {"Cc": "a control character", "Co": "a private-use character", "Cs": "a surrogate",
               "Cn": "an unassigned code point"}.get(category, "unnamed")
    name = unicodedata.name(char, unnamed)
    shown = char if char.isprintable() and category not in ("Co", "Cn") else ""
    return f"U+{ord(char):04X}{' ' + shown if shown else ''} ({name})"
