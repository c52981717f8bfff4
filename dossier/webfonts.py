"""The vendored fonts as `@font-face` rules with `data:` URLs, subset to the characters of one HTML page.

The PDF embeds Source Serif Pro and Source Sans Pro from templates/fonts/ (print.css); the HTML must carry
the same faces inside the file, so it looks like the PDF without fetching anything. Each face is cut down to
the characters the page uses plus a fixed set (`ALWAYS`), kept with its kerning and ligatures, and written
as WOFF2 (`tabular-nums` needs no feature: both families' default figures are tabular). A character a font
lacks is simply not in its subset: the build's glyph check (glyphs.py) refuses text no font of the brief draws.

Korean, Japanese and Chinese are not embedded: the HTML marks a quote with its language (`lang="ko"`) and the
reader's system draws it, as every desktop and phone system ships CJK fonts and browsers choose among them by
that attribute. Embedding a subset of Noto CJK would tie the HTML's bytes to the version of Debian's
fonts-noto-cjk on the machine that built it (the vendored fonts are in the repository and pinned), and cost
about 1.5 s of subsetting per face and build. The PDF embeds Noto CJK (print.css).

Deterministic: the same text gives byte-identical CSS. fontTools keeps `head.modified` as the font has it
(`recalcTimestamp=False`, else saving stamps the current time), keeps the font's own glyph order, and packs
the layout tables in Python (`harfbuzz_repacker=False`: uharfbuzz, if installed, would pack them its own
way). WOFF2 is compressed by the `brotli` package, which bundles its compressor, so its version pins the
bytes; WeasyPrint requires it (`fonttools[woff]`). Without brotli the fonts are WOFF, compressed by the
system's zlib (no zopfli).

The output is ASCII, so putting it into the page adds no character to the page: subset the page rendered
without it, then insert it, and the characters are the same.
"""

from __future__ import annotations

import base64
import html
import importlib.util
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from .resources import template_folder

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

Flavor = Literal["woff2", "woff"]


@dataclass(frozen=True)
class Face:
    family: str  # as brief.css and print.css name it
    file: str  # in templates/fonts/
    weight: int
    style: Literal["normal", "italic"]


# The faces of print.css that brief.css uses, in print.css's order. Not Source Sans Pro Italic: no sans-serif
# text is italic (tests/test_webfonts.py checks every text of the shipped page in Chromium and names any
# family, weight and style it uses that is not here). Add a face here when the CSS starts using it.
FACES: tuple[Face, ...] = (
    Face("Brief Serif", "SourceSerifPro-Regular.ttf", 400, "normal"),
    Face("Brief Serif", "SourceSerifPro-It.ttf", 400, "italic"),
    Face("Brief Serif", "SourceSerifPro-Semibold.ttf", 600, "normal"),
    Face("Brief Serif", "SourceSerifPro-Bold.ttf", 700, "normal"),
    Face("Brief Sans", "SourceSansPro-Regular.ttf", 400, "normal"),
    Face("Brief Sans", "SourceSansPro-Semibold.ttf", 600, "normal"),
    Face("Brief Sans", "SourceSansPro-Bold.ttf", 700, "normal"),
    # Record ids and hashes. The Bitstream Vera licence asks a modified copy not to be named "Bitstream" or
    # "Vera"; "DejaVu Sans Mono" is neither, so the subset keeps its name.
    Face("DejaVu Sans Mono", "DejaVuSansMono.ttf", 400, "normal"),
)

# The fonts reserve the name "Source" (SIL Open Font License 1.1, clause 3), and a subset is a Modified
# Version in SIL's reading ("Webfonts and Reserved Font Names"): the subsets are renamed, in their name tables
# and in CSS, "Brief Serif" and "Brief Sans". The PDF embeds the unmodified fonts under their own names
# (embedding in a document is not a modification), which print.css declares as "Source Serif Pro" and
# "Source Sans Pro"; brief.css names the Brief families first and the Source families next.
RESERVED = "Source"
RENAMED_NAME_IDS = (1, 3, 4, 6, 16, 17)  # family, unique id, full name, PostScript name, typographic names

# Always in every subset, whatever the page says: printable ASCII (digits included), no-break and soft
# hyphen, the hyphens a browser may draw when it breaks a word, dashes, typographic quotes, ellipsis, minus.
ALWAYS = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + list("\u00a0\u00ad\u2010\u2011\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2212")
)

# Name records kept: fontTools' default 1-6 (family, style, version...) plus the copyright (0), trademark (7),
# licence (13) and licence URL (14), which the SIL Open Font License asks every copy to carry.
NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 7, 13, 14)

_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})")
_HEADER = (
    "/* Brief Serif and Brief Sans: Source Serif Pro and Source Sans Pro, (c) Adobe, with Reserved Font Name"
    " 'Source', under the SIL Open Font License 1.1 (copyright and licence in each font's name table), subset to"
    " the characters of this page and renamed, as the licence asks of a modified version. */\n"
)


def font_face_css(text: str, flavor: Flavor | None = None) -> str:
    """`@font-face` rules for every face in `FACES`, each font a `data:` URL subset to the characters of `text`.

    `text` is the page as written: HTML character references (`&eacute;`, `&#8212;`) and CSS escapes
    (`\\2014`) count as the characters they stand for, and each letter brings its other case along
    (`text-transform: uppercase`). `flavor` defaults to WOFF2 when brotli is installed, else WOFF.
    The result is ASCII.
    """
    codepoints = page_codepoints(text)
    chosen = flavor or default_flavor()
    rules = [_HEADER]
    for face in FACES:
        data = base64.b64encode(subset_font(face, codepoints, chosen)).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; src: url("data:font/{chosen};base64,{data}") '
            f'format("{chosen}"); font-weight: {face.weight}; font-style: {face.style}; }}\n'
        )
    return "".join(rules)


def page_codepoints(text: str) -> frozenset[int]:
    """The code points a page can show: its characters, references resolved, in both cases, and `ALWAYS`."""
    chars = set(html.unescape(text)) | ALWAYS
    chars.update(chr(int(h, 16)) for h in _CSS_ESCAPE.findall(text) if int(h, 16) <= 0x10FFFF)
    for char in list(chars):
        for other in (char.upper(), char.lower()):
            if len(other) == 1:
                chars.add(other)
    return frozenset(ord(c) for c in chars)


def default_flavor() -> Flavor:
    """WOFF2 when fontTools can compress it (with brotli), else WOFF."""
    return "woff2" if importlib.util.find_spec("brotli") else "woff"


@lru_cache(maxsize=32)
def subset_font(face: Face, codepoints: frozenset[int], flavor: Flavor) -> bytes:
    """One vendored face cut down to `codepoints` (those it has), as WOFF2 or WOFF bytes."""
    from fontTools import subset  # WeasyPrint's own dependency; imported only when a page asks for fonts
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = flavor
    options.with_zopfli = False
    options.harfbuzz_repacker = False
    options.name_IDs = list(NAME_IDS)
    # FontForge's timestamp table (DejaVu has one): meaningless in a subset, and fontTools would log a warning
    # on the build's output for it.
    options.drop_tables = [*options.drop_tables, "FFTM"]
    # lazy: tables are read as the subsetter needs them (a third faster, same bytes)
    with TTFont(str(template_folder() / "fonts" / face.file), recalcTimestamp=False, lazy=True) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints))
        subsetter.subset(font)
        rename(font, face.family)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    return out.getvalue()


def rename(font: TTFont, family: str) -> None:
    """Replace the reserved name in the names a font is known by (not in its copyright or licence)."""
    compact = family.replace(" ", "")
    for record in font["name"].names:
        if record.nameID in RENAMED_NAME_IDS:
            text = record.toUnicode()
            for reserved in (f"{RESERVED} Serif Pro", f"{RESERVED} Sans Pro"):
                text = text.replace(reserved, family)
            for reserved in (f"{RESERVED}SerifPro", f"{RESERVED}SansPro"):
                text = text.replace(reserved, compact)
            record.string = text
