"""Which characters the brief can draw: the vendored fonts' own character maps, read once.

A character no shipped font covers would make WeasyPrint draw an empty box and (in strict mode) fail the
build with a message naming no record; a control character or NUL makes the HTML invalid. `validate`
refuses both in every text the brief prints, at the field that holds it, so the build never meets them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from .resources import template_folder

# Text made only of these is drawable without opening the fonts: printable ASCII, Latin-1 letters and the
# typographic punctuation the evidence uses. Anything else is looked up in the fonts.
_SURELY_DRAWN = re.compile("[\\n\\t\\x20-\\x7e\\u00a0-\\u00ff\\u2010-\\u2015\\u2018-\\u201f\\u2026\\u2032\\u2033"
                           "\\u2212]*")
ALLOWED_CONTROLS = "\n\t"


@cache
def drawable() -> frozenset[int]:
    """Every code point at least one of the vendored fonts has a glyph for."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; only needed for unusual text

    covered: set[int] = set()
    for path in sorted((template_folder() / "fonts").iterdir()):
        if path.suffix.lower() in (".ttf", ".otf"):
            with TTFont(str(path), lazy=True) as font:
                covered |= set(font.getBestCmap())
    return frozenset(covered)


def undrawable(text: str) -> list[str]:
    """The characters of `text` the brief cannot print, described: 'U+AD6D 국 (HANGUL SYLLABLE GUG)'."""
    if _SURELY_DRAWN.fullmatch(text):
        return []
    bad: dict[str, None] = {}
    covered = drawable()
    for char in text:
        control = unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in ALLOWED_CONTROLS
        if control or (ord(char) not in covered and char not in ALLOWED_CONTROLS):
            bad.setdefault(char, None)
    return [describe(char) for char in bad]


def describe(char: str) -> str:
    name = unicodedata.name(char, "a control character" if unicodedata.category(char) == "Cc" else "unnamed")
    shown = char if char.isprintable() else ""
    return f"U+{ord(char):04X}{' ' + shown if shown else ''} ({name})"
