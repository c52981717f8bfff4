"""The verbatim-passage check: does a quoted passage occur in its capture, once, on word boundaries?

This is the heart of the tool, and its rules are deliberately narrow. They are
written once here, documented in the README's passage-check section, and applied
identically to the passage and the capture, for comparison only (what the brief
shows is always the original text):

1. Unicode NFC on both sides, so a letter and its accent typed as two characters
   ("José" in decomposed form, Hangul jamo) equal the precomposed form.
2. Invisible characters are dropped: soft hyphen U+00AD, zero-width space U+200B,
   zero-width joiner U+200D, word joiner U+2060, byte-order mark U+FEFF.
3. Any run of whitespace (spaces, tabs, line breaks, no-break spaces) becomes one
   space; between two Han or kana characters, which scripts do not separate by
   spaces, whitespace (a line break) is nothing.
4. `FOLDS`: typographic quotes and apostrophes to ' and ", dashes and the minus
   sign to -, full-width and half-width forms to their ordinary forms, Latin
   ligatures (ﬁ, ﬂ, ...) to their letters.

Nothing else changes: never case, never other punctuation (backtick, acute accent,
ellipsis stay as they are), never digits, never compatibility normalisation (NFKC
would turn ² into 2 and ① into 1). Then:

- the passage must occur in the capture as one contiguous run;
- it must begin and end where a reader's eye would: never inside a word or a
  number (digits joined by . , or thin and no-break spaces are one number; a sign
  or currency symbol belongs to its number), never just after or before a hyphen
  or apostrophe inside a word ("American" in "anti-American", "can" in "can't"),
  never inside a letter and its accents;
- it must say something: at least `MIN_WORDS` words (a Han or kana character, in
  scripts written without spaces, counts half a word: six make a passage), and it
  must occur once, so the reader has one place to check.

The match is "exact" when the capture's own text at the place found is the passage
as written, else "normalised", with the folds that were needed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import Literal

# --- The normalisation, written once -----------------------------------------------------------------------

QUOTES = {**dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),  # ‘ ’ ‚ ‛ ′
          **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"')}  # “ ” „ ‟ ″
DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")  # ‐ ‑ ‒ – — ― −
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
             "\ufb06": "st"}
INVISIBLE = "\u00ad\u200b\u200d\u2060\ufeff"  # soft hyphen, zero-width space and joiner, word joiner, BOM
MIN_WORDS = 3
_FIRST_WORDS = 32  # characters of a passage that usually hold MIN_WORDS words: too_short counts these first

# Full-width and half-width forms to the ordinary character they stand for, one character to one: never the
# other compatibility decompositions that NFKC would also apply. Generated once from the Unicode database
# (14.0, Python 3.11's unicodedata): every code point of U+FF01-U+FFEE whose decomposition() is
# "<wide> XXXX" or "<narrow> XXXX", mapped to chr(0xXXXX). tests/test_passage_mutants.py recomputes it.
WIDTHS = {"\uff01": "!", "\uff02": '"', "\uff03": "#", "\uff04": "$", "\uff05": "%", "\uff06": "&", "\uff07": "'",
          "\uff08": "(", "\uff09": ")", "\uff0a": "*", "\uff0b": "+", "\uff0c": ",", "\uff0d": "-", "\uff0e": ".",
          "\uff0f": "/", "\uff10": "0", "\uff11": "1", "\uff12": "2", "\uff13": "3", "\uff14": "4", "\uff15": "5",
          "\uff16": "6", "\uff17": "7", "\uff18": "8", "\uff19": "9", "\uff1a": ":", "\uff1b": ";", "\uff1c": "<",
          "\uff1d": "=", "\uff1e": ">", "\uff1f": "?", "\uff20": "@", "\uff21": "A", "\uff22": "B", "\uff23": "C",
          "\uff24": "D", "\uff25": "E", "\uff26": "F", "\uff27": "G", "\uff28": "H", "\uff29": "I", "\uff2a": "J",
          "\uff2b": "K", "\uff2c": "L", "\uff2d": "M", "\uff2e": "N", "\uff2f": "O", "\uff30": "P", "\uff31": "Q",
          "\uff32": "R", "\uff33": "S", "\uff34": "T", "\uff35": "U", "\uff36": "V", "\uff37": "W", "\uff38": "X",
          "\uff39": "Y", "\uff3a": "Z", "\uff3b": "[", "\uff3c": "\\", "\uff3d": "]", "\uff3e": "^", "\uff3f": "_",
          "\uff40": "`", "\uff41": "a", "\uff42": "b", "\uff43": "c", "\uff44": "d", "\uff45": "e", "\uff46": "f",
          "\uff47": "g", "\uff48": "h", "\uff49": "i", "\uff4a": "j", "\uff4b": "k", "\uff4c": "l", "\uff4d": "m",
          "\uff4e": "n", "\uff4f": "o", "\uff50": "p", "\uff51": "q", "\uff52": "r", "\uff53": "s", "\uff54": "t",
          "\uff55": "u", "\uff56": "v", "\uff57": "w", "\uff58": "x", "\uff59": "y", "\uff5a": "z", "\uff5b": "{",
          "\uff5c": "|", "\uff5d": "}", "\uff5e": "~", "\uff5f": "\u2985", "\uff60": "\u2986", "\uff61": "\u3002",
          "\uff62": "\u300c", "\uff63": "\u300d", "\uff64": "\u3001", "\uff65": "\u30fb", "\uff66": "\u30f2",
          "\uff67": "\u30a1", "\uff68": "\u30a3", "\uff69": "\u30a5", "\uff6a": "\u30a7", "\uff6b": "\u30a9",
          "\uff6c": "\u30e3", "\uff6d": "\u30e5", "\uff6e": "\u30e7", "\uff6f": "\u30c3", "\uff70": "\u30fc",
          "\uff71": "\u30a2", "\uff72": "\u30a4", "\uff73": "\u30a6", "\uff74": "\u30a8", "\uff75": "\u30aa",
          "\uff76": "\u30ab", "\uff77": "\u30ad", "\uff78": "\u30af", "\uff79": "\u30b1", "\uff7a": "\u30b3",
          "\uff7b": "\u30b5", "\uff7c": "\u30b7", "\uff7d": "\u30b9", "\uff7e": "\u30bb", "\uff7f": "\u30bd",
          "\uff80": "\u30bf", "\uff81": "\u30c1", "\uff82": "\u30c4", "\uff83": "\u30c6", "\uff84": "\u30c8",
          "\uff85": "\u30ca", "\uff86": "\u30cb", "\uff87": "\u30cc", "\uff88": "\u30cd", "\uff89": "\u30ce",
          "\uff8a": "\u30cf", "\uff8b": "\u30d2", "\uff8c": "\u30d5", "\uff8d": "\u30d8", "\uff8e": "\u30db",
          "\uff8f": "\u30de", "\uff90": "\u30df", "\uff91": "\u30e0", "\uff92": "\u30e1", "\uff93": "\u30e2",
          "\uff94": "\u30e4", "\uff95": "\u30e6", "\uff96": "\u30e8", "\uff97": "\u30e9", "\uff98": "\u30ea",
          "\uff99": "\u30eb", "\uff9a": "\u30ec", "\uff9b": "\u30ed", "\uff9c": "\u30ef", "\uff9d": "\u30f3",
          "\uff9e": "\u3099", "\uff9f": "\u309a", "\uffa0": "\u3164", "\uffa1": "\u3131", "\uffa2": "\u3132",
          "\uffa3": "\u3133", "\uffa4": "\u3134", "\uffa5": "\u3135", "\uffa6": "\u3136", "\uffa7": "\u3137",
          "\uffa8": "\u3138", "\uffa9": "\u3139", "\uffaa": "\u313a", "\uffab": "\u313b", "\uffac": "\u313c",
          "\uffad": "\u313d", "\uffae": "\u313e", "\uffaf": "\u313f", "\uffb0": "\u3140", "\uffb1": "\u3141",
          "\uffb2": "\u3142", "\uffb3": "\u3143", "\uffb4": "\u3144", "\uffb5": "\u3145", "\uffb6": "\u3146",
          "\uffb7": "\u3147", "\uffb8": "\u3148", "\uffb9": "\u3149", "\uffba": "\u314a", "\uffbb": "\u314b",
          "\uffbc": "\u314c", "\uffbd": "\u314d", "\uffbe": "\u314e", "\uffc2": "\u314f", "\uffc3": "\u3150",
          "\uffc4": "\u3151", "\uffc5": "\u3152", "\uffc6": "\u3153", "\uffc7": "\u3154", "\uffca": "\u3155",
          "\uffcb": "\u3156", "\uffcc": "\u3157", "\uffcd": "\u3158", "\uffce": "\u3159", "\uffcf": "\u315a",
          "\uffd2": "\u315b", "\uffd3": "\u315c", "\uffd4": "\u315d", "\uffd5": "\u315e", "\uffd6": "\u315f",
          "\uffd7": "\u3160", "\uffda": "\u3161", "\uffdb": "\u3162", "\uffdc": "\u3163", "\uffe0": "\u00a2",
          "\uffe1": "\u00a3", "\uffe2": "\u00ac", "\uffe3": "\u00af", "\uffe4": "\u00a6", "\uffe5": "\u00a5",
          "\uffe6": "\u20a9", "\uffe8": "\u2502", "\uffe9": "\u2190", "\uffea": "\u2191", "\uffeb": "\u2192",
          "\uffec": "\u2193", "\uffed": "\u25a0", "\uffee": "\u25cb"}

# Every one-to-one fold, in one table: the README lists the same characters.
FOLDS: dict[str, str] = {**QUOTES, **DASHES, **WIDTHS}

_WIDTH_TABLE = str.maketrans(WIDTHS)
_NEEDS_FOLD = re.compile("[" + re.escape("".join(FOLDS)) + "]")
# Anything the fast path cannot map back to the original text character for character.
_NEEDS_MAP = re.compile("[" + INVISIBLE + "".join(LIGATURES) + r"\u3005\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
                        r"\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]")
_CJK_RANGES = ((0x3005, 0x3005), (0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
               (0xF900, 0xFAFF), (0x20000, 0x3134F))
_WHITESPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\.\s*\.\s*\.|\u2026|\[\s*\.\.\.\s*\]")


_CJK_CHAR = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES) + "]")


def is_cjk(char: str) -> bool:
    """Han or kana: written without spaces between words, so whole-word edges and spaces do not apply."""
    return _CJK_CHAR.fullmatch(char) is not None


def normalise(text: str) -> str:
    """The passage-check normalisation, as documented above (applied to both sides)."""
    if unicodedata.is_normalized("NFC", text) and not _NEEDS_MAP.search(text):
        # Fast path: one character to one, and whitespace runs to one space. str.split() and \s agree on what
        # whitespace is; this is several times faster than a character loop on article-length text.
        return " ".join(_NEEDS_FOLD.sub(lambda m: FOLDS[m.group()], text).split())
    return _mapped(text)[0]


def _units(word: str) -> list[tuple[int, int]]:
    """Spans of `word` that NFC composes independently: a character with what attaches to it.

    A unit is a character followed by its combining marks and, for Hangul, the vowel and final jamo that
    compose into one syllable. Should NFC of the parts ever differ from NFC of the whole (a rare script whose
    vowel signs compose across a starter), the whole word is one unit: still exact, only less precise.
    """
    units: list[tuple[int, int]] = []
    start = 0
    for index, char in enumerate(word[1:], start=1):
        code = ord(char)
        attaches = unicodedata.combining(char) or 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF
        if not attaches:
            units.append((start, index))
            start = index
    units.append((start, len(word)))
    composed = [unicodedata.normalize("NFC", word[a:b]) for a, b in units]
    if "".join(composed) != unicodedata.normalize("NFC", word):
        return [(0, len(word))]
    return units


def _mapped(text: str) -> tuple[str, array[int], array[int]]:
    """The normalised text, and for each of its characters the span of original text it stands for.

    The general path, for text with decomposed letters, invisible characters, ligatures or Han/kana.
    """
    chars: list[str] = []
    starts: array[int] = array("q")
    ends: array[int] = array("q")

    def emit(char: str, start: int, end: int) -> None:
        if char == " " and (not chars or chars[-1] == " "):
            if chars:  # a second space (a word of invisible characters only): widen the first one
                ends[-1] = end
            return
        chars.append(char)
        starts.append(start)
        ends.append(end)

    for match in re.finditer(r"\S+|\s+", text):
        base, segment = match.start(), match.group()
        if segment[0].isspace():
            emit(" ", base, match.end())
            continue
        # Width first (one character to one), so a half-width kana and its sound mark compose under NFC.
        segment = segment.translate(_WIDTH_TABLE)
        if unicodedata.is_normalized("NFC", segment):
            pieces = [(segment[i], base + i, base + i + 1) for i in range(len(segment))]
        else:
            pieces = [(char, base + a, base + b) for a, b in _units(segment)
                      for char in unicodedata.normalize("NFC", segment[a:b])]
        for char, start, end in pieces:
            if char in INVISIBLE:
                continue
            for out in LIGATURES.get(char, FOLDS.get(char, char)):
                emit(out, start, end)
    if chars and chars[-1] == " ":
        chars.pop(), starts.pop(), ends.pop()
    # Whitespace between two Han or kana characters is nothing (a line break inside a sentence). A space is never
    # first or last (neither emitted first nor kept last), so it always has a character on either side.
    keep = [i for i, char in enumerate(chars) if not (char == " " and is_cjk(chars[i - 1]) and is_cjk(chars[i + 1]))]
    if len(keep) < len(chars):
        chars = [chars[i] for i in keep]
        starts = array("q", (starts[i] for i in keep))
        ends = array("q", (ends[i] for i in keep))
    return "".join(chars), starts, ends


# --- A capture as the check sees it ------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptureText:
    """A capture's text, normalised once, with a way back from any normalised position to the original."""

    text: str
    normalised: str
    # Per normalised character, where its original text starts and ends; None on the fast path, where whitespace
    # runs are the only difference.
    _spans: tuple[array[int], array[int]] | None = None
    # Stretches a quote may pass over (a PDF's line-end hyphens and page breaks: see `pdf_bridges`).
    bridges: tuple[Bridge, ...] = ()

    @classmethod
    def from_text(cls, text: str, bridges: tuple[Bridge, ...] = ()) -> CaptureText:
        if unicodedata.is_normalized("NFC", text) and not _NEEDS_MAP.search(text):
            return cls(text, normalise(text), bridges=bridges)
        normalised, starts, ends = _mapped(text)
        return cls(text, normalised, (starts, ends), bridges)

    @cached_property
    def bridged(self) -> tuple[Bridged, ...]:
        """The capture read across its bridges: line-end hyphens dropped, then kept (page breaks passed over in
        both). Made only when a passage is not found in the capture as it is."""
        if not self.bridges:
            return ()
        return tuple(Bridged.across(self.text, self.bridges, keep_hyphens) for keep_hyphens in (False, True))

    @cached_property
    def _gaps(self) -> tuple[int, list[int]]:
        """Fast path: the leading whitespace's length, and the total lengths of the first k whitespace runs.

        Folds map one character to one and never to or from whitespace, so the normalised text is the
        original's words in order, each run of whitespace between them shortened to one space.
        """
        runs = _WHITESPACE.findall(self.text)
        lead = len(runs.pop(0)) if runs and self.text[:1].isspace() else 0
        return lead, [0, *accumulate(map(len, runs))]

    def span(self, index: int) -> tuple[int, int]:
        """Start and end, in the original text, of what the normalised character at `index` stands for."""
        if self._spans is not None:
            starts, ends = self._spans
            return starts[index], ends[index]
        lead, gaps = self._gaps
        spaces_before = self.normalised.count(" ", 0, index)
        start = lead + index - spaces_before + gaps[spaces_before]
        if self.normalised[index] == " ":
            return start, start + gaps[spaces_before + 1] - gaps[spaces_before]
        return start, start + 1

    @cached_property
    def _hyphen_edges(self) -> frozenset[int]:
        """Where the words hyphenated at a line end begin and end, in the original text."""
        return frozenset(edge for bridge in self.bridges if bridge.kind == "line-end hyphen"
                         for edge in (bridge.start, bridge.end))

    def cuts_hyphenated_word(self, start: int, end: int) -> bool:
        """Whether normalised start..end begins or ends at a line-end hyphen ("national" of "inter-\nnational")."""
        return self.span(start)[0] in self._hyphen_edges or self.span(end - 1)[1] in self._hyphen_edges

    def line_col(self, index: int) -> tuple[int, int]:
        """1-based line and column in the original text of the normalised character at `index`."""
        return line_col_at(self.text, self.span(index)[0])

    def original(self, start: int, end: int) -> str:
        """The original text that the normalised characters start..end-1 stand for."""
        return self.text[self.span(start)[0]:self.span(end - 1)[1]]


def line_col_at(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of position `offset` of `text`."""
    offset = min(offset, len(text))
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


# --- Bridges: a quote across a PDF's line-end hyphen or page break ---------------------------------------------
#
# The text extracted from a PDF keeps the lines of the page (dossier/extract/pdf.py): a word hyphenated at the
# end of a line is "inter-\nnational", and a paragraph running onto the next page is interrupted by the page's
# foot (a page number), a form feed on a line of its own, and the next page's head (a running title). A reader
# of the PDF quotes "international" (or "inter-national" for a compound) and the paragraph without the page
# furniture. So, only for PDF text, and only when the passage is not found as the text is: a line-end hyphen
# between two letters may be read without the hyphen or with it (and without the line break), and a page
# break with the furniture around it as one space. The match says which bridges it used.

PDF_PAGE_BREAK = "\n\f\n"
_LINE_END_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u00ad]\n(?=\w)")  # hyphen-minus, hyphen, soft hyphen
_GROUP = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")  # lines with text, up to a blank line
_PAGE_NUMBER = re.compile(r"^\W*(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?\W*$", re.IGNORECASE)
FURNITURE_WORDS = 15  # a running head or foot is a line or two: a longer group is the document's text
FURNITURE_GROUPS = 2  # groups of furniture looked for at each side of a page break


@dataclass(frozen=True)
class Bridge:
    """A stretch of a PDF's extracted text that a quote may pass over."""

    kind: Literal["line-end hyphen", "page break"]
    start: int
    end: int


def pdf_bridges(text: str) -> tuple[Bridge, ...]:
    """The line-end hyphens and page breaks (with their running heads, feet and page numbers) of PDF text."""
    hyphens = [Bridge("line-end hyphen", m.start(), m.end()) for m in _LINE_END_HYPHEN.finditer(text)]
    return tuple(sorted(hyphens + _page_breaks(text), key=lambda bridge: bridge.start))


def _page_breaks(text: str) -> list[Bridge]:
    """Each page break, widened over the furniture either side of it: groups of a few words that are a page
    number, or that recur, digits aside, among the first or last groups of other pages."""
    breaks = [m.start() for m in re.finditer(re.escape(PDF_PAGE_BREAK), text)]
    if not breaks:
        return []
    pages = [0, *(b + len(PDF_PAGE_BREAK) for b in breaks)]
    ends = [*breaks, len(text)]
    groups = [[(m.start(), m.start() + len(m.group().rstrip())) for m in _GROUP.finditer(text, lo, hi)]
              for lo, hi in zip(pages, ends, strict=True)]
    # A running head or foot recurs at the top or bottom of pages (a PDF may write the page's head last).
    recurring = Counter(shape for page in groups for shape in
                        {_shape(text, *group) for group in page[:FURNITURE_GROUPS] + page[-FURNITURE_GROUPS:]})
    bridges = []
    for index, position in enumerate(breaks):
        before, after = groups[index], groups[index + 1]
        start = _furniture_edge(text, list(reversed(before)), recurring, position)
        end = _furniture_edge(text, after, recurring, position + len(PDF_PAGE_BREAK), forward=True)
        bridges.append(Bridge("page break", start, end))
    return bridges


def _shape(text: str, start: int, end: int) -> str:
    return " ".join(re.sub(r"\d+", "#", text[start:end]).split())


def _furniture_edge(text: str, groups: list[tuple[int, int]], recurring: Counter[str], edge: int,
                    forward: bool = False) -> int:
    """Where the page's own text stops (or, `forward`, starts) on one side of a page break: past at most
    FURNITURE_GROUPS groups of furniture, nearest the break first."""
    for start, end in groups[:FURNITURE_GROUPS]:
        words = text[start:end].split()
        furniture = len(words) <= FURNITURE_WORDS and (
            _PAGE_NUMBER.match(text[start:end].strip()) is not None or recurring[_shape(text, start, end)] > 1)
        if not furniture:
            break
        edge = end if forward else start
    if forward:
        following = [start for start, _ in groups if start >= edge]
        return following[0] if following else len(text)
    preceding = [end for _, end in groups if end <= edge]
    return preceding[0] if preceding else 0


@dataclass(frozen=True)
class Bridged:
    """A capture's text with its bridges passed over, and per character the original text it stands for."""

    capture: CaptureText
    starts: array[int]
    ends: array[int]
    bridges: tuple[Bridge, ...]
    keep_hyphens: bool

    @classmethod
    def across(cls, text: str, bridges: tuple[Bridge, ...], keep_hyphens: bool) -> Bridged:
        chars: list[str] = []
        starts: array[int] = array("q")
        ends: array[int] = array("q")
        position = 0
        for bridge in bridges:
            if bridge.start < position:  # overlapping bridges: the first one wins
                continue
            chars.append(text[position:bridge.start])
            starts.extend(range(position, bridge.start))
            ends.extend(range(position + 1, bridge.start + 1))
            if bridge.kind == "page break":
                chars.append(" ")
            elif keep_hyphens:
                chars.append(text[bridge.start])  # the hyphen as printed (folded, or invisible, as anywhere)
            if bridge.kind == "page break" or keep_hyphens:
                starts.append(bridge.start)
                ends.append(bridge.end)
            position = bridge.end
        chars.append(text[position:])
        starts.extend(range(position, len(text)))
        ends.extend(range(position + 1, len(text) + 1))
        return cls(CaptureText.from_text("".join(chars)), starts, ends, bridges, keep_hyphens)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original text that normalised characters start..end-1 of the bridged text stand for."""
        first, _ = self.capture.span(start)
        _, last = self.capture.span(end - 1)
        return self.starts[first], self.ends[last - 1]

    def used(self, start: int, end: int) -> tuple[str, ...]:
        """The bridges inside original start..end, in words, for the match report."""
        kinds = {bridge.kind for bridge in self.bridges if start < bridge.start and bridge.end <= end}
        names = []
        if "line-end hyphen" in kinds:
            names.append("line-end hyphen kept" if self.keep_hyphens else "line-end hyphen dropped")
        if "page break" in kinds:
            names.append("page break (running head, foot and page number passed over)")
        return tuple(names)


# --- Token boundaries ----------------------------------------------------------------------------------------

# Characters that join the two sides into one token when both sides are letters or digits: a hyphen
# ("anti-American"), an apostrophe ("can't", "Independent's"), a slash, and (only between digits) the
# decimal and thousands separators. The em dash and horizontal bar separate clauses, so they do not join.
_JOINERS = "-'\u2010\u2011\u2012\u2013\u2212\u02bc\u2019/"  # not the em dash U+2014 or bar U+2015
_NUMBER_JOINERS = ".,:\u00a0\u2009\u202f\u2007"
_SIGNS = "+-\u2212\u00b1"
_AFTER_NUMBER = "%\u2030\u2031\u00b0"


def _is_word(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def cuts_a_token(capture: CaptureText, start: int, end: int) -> str | None:
    """Why a match at normalised start..end would begin or end inside a word or number; None if it does not."""
    for edge in (start, end):
        reason = _cuts_at(capture, edge)
        if reason:
            return reason
    if capture.bridges and capture.cuts_hyphenated_word(start, end):
        return "inside a word hyphenated at the end of a line"
    text = capture.normalised
    before = text[start - 1] if start > 0 else " "
    far = text[start - 2] if start > 1 else " "
    # A sign or currency symbol belongs to its number: "2.1" of "-2.1", "1.1 billion" of "$1.1 billion" and of
    # "US$1.1 billion". A dash after a word ("year-2.1", an em dash folded) is punctuation, not a sign.
    sign = before in _SIGNS and not _is_word(far)
    if text[start].isdigit() and (sign or unicodedata.category(before) == "Sc"):
        return "after the sign or currency symbol of a number"
    after = text[end] if end < len(text) else " "
    if text[end - 1].isdigit() and (after in _AFTER_NUMBER or unicodedata.category(after) == "Sc"):
        return "before the unit symbol of a number"
    return None


def _cuts_at(capture: CaptureText, edge: int) -> str | None:
    """Whether an edge between normalised characters edge-1 and edge falls inside a token.

    Two characters either side are enough: a letter or digit on both sides (outside Han and kana), or a
    joiner with a letter or digit on both of its sides, whichever side of the edge the joiner is on.
    """
    text = capture.normalised

    def at(index: int) -> str:
        return text[index] if 0 <= index < len(text) else " "

    left, right = at(edge - 1), at(edge)
    if _is_word(left) and _is_word(right) and not (is_cjk(left) and is_cjk(right)):
        return "inside a word or number"
    for joiner in (edge - 1, edge):
        if _joins(capture, joiner, at(joiner - 1), at(joiner + 1)):  # outside the text, at() is a space: no join
            return "next to a hyphen, apostrophe or separator inside a word or number"
    return None


def _joins(capture: CaptureText, index: int, left: str, right: str) -> bool:
    """Whether the character at normalised `index` makes one token of the letters or digits either side."""
    if not (_is_word(left) and _is_word(right)):
        return False
    # As the capture writes it (an em dash is no hyphen), its width folded: "１５，０００" is one number.
    original = capture.text[slice(*capture.span(index))].translate(_WIDTH_TABLE)
    if original in _JOINERS:
        return True
    if left.isdigit() and right.isdigit():
        # A separator, or thin, narrow or no-break spaces and nothing else: '15 000' is one number. (`original`
        # is never empty: every normalised character stands for at least one character of the capture.)
        return all(c in _NUMBER_JOINERS for c in original)
    # "U.S.", "e.g.": a full stop inside an abbreviation; "year.According" is two run-together sentences.
    return original == "." and not (left.islower() and right.isupper())


# --- The check ------------------------------------------------------------------------------------------------

MatchKind = Literal["exact", "normalised"]


@dataclass(frozen=True)
class PassageMatch:
    kind: MatchKind
    line: int  # of the first occurrence
    col: int
    occurrences: tuple[tuple[int, int], ...]  # line and column of every occurrence on word boundaries
    folds: tuple[str, ...] = ()  # which of the documented folds the match needed (none when exact)


@dataclass(frozen=True)
class PassageMiss:
    closest: str  # the closest run of the capture, as written there
    closest_line: int
    closest_col: int
    differences: list[str]  # human-readable differences, passage vs capture
    hints: list[str]


def words_in(normalised: str) -> int:
    """How many words a passage has: tokens with a letter or digit; each Han or kana character counts 1/2."""
    words = sum(1 for token in normalised.split() if any(_is_word(c) and not is_cjk(c) for c in token))
    han = len(_CJK_CHAR.findall(normalised))
    return words + han // 2


def too_short(passage: str) -> str | None:
    """Why a passage proves too little to quote, or None: no word at all, or fewer than the minimum."""
    normalised = normalise(passage)
    if not any(_is_word(c) for c in normalised):
        return "the passage has no word in it"
    # A beginning has no more words than the whole, and most passages reach the minimum in their first words.
    enough = words_in(normalised[:_FIRST_WORDS]) >= MIN_WORDS
    if not enough and words_in(normalised) < MIN_WORDS:  # six Han or kana characters are three words
        return (f"the passage has fewer than {MIN_WORDS} words; a quote that short proves nothing on its own "
                "(extend it to the clause or sentence that says what the record claims)")
    return None


def verify_passage(passage: str, capture: CaptureText) -> PassageMatch | PassageMiss:
    """Find `passage` in the capture as one contiguous run on word boundaries, or explain how close it came."""
    wanted = normalise(passage)
    if not wanted:
        return PassageMiss("", 1, 1, [], ["the passage is empty"])
    found: list[tuple[int, str | None]] = []
    cut: list[tuple[int, str | None]] = []
    for start, reason in _places(wanted, capture):
        (cut if reason else found).append((start, reason))
    if not found:
        across = _across_bridges(passage, wanted, capture)
        if across is not None:
            return across
        if cut:
            return _cut_miss(wanted, capture, cut[0][0], str(cut[0][1]))
        return _closest(wanted, capture)
    first = found[0][0]
    as_written = capture.original(first, first + len(wanted))
    kind: MatchKind = "exact" if as_written == passage.strip() else "normalised"
    line, col = capture.line_col(first)
    return PassageMatch(kind, line, col, tuple(capture.line_col(s) for s, _ in found),
                        () if kind == "exact" else folds_used(passage.strip(), as_written))


def _across_bridges(passage: str, wanted: str, capture: CaptureText) -> PassageMatch | None:
    """The match of a passage that runs over a PDF's line-end hyphen or page break, or None."""
    for bridged in capture.bridged:
        found = [start for start, reason in _places(wanted, bridged.capture) if reason is None]
        if not found:
            continue
        spans = [bridged.original_span(start, start + len(wanted)) for start in found]
        begin, end = spans[0]
        used = bridged.used(begin, end)
        line, col = line_col_at(capture.text, begin)
        return PassageMatch("normalised", line, col, tuple(line_col_at(capture.text, b) for b, _ in spans),
                            folds_used(passage.strip(), capture.text[begin:end]) + used)
    return None


def _places(wanted: str, capture: CaptureText) -> Iterator[tuple[int, str | None]]:
    """Every place (overlapping ones too) where non-empty `wanted` occurs in the normalised capture, with why a
    match there would cut a word or number (None when it would not)."""
    start = capture.normalised.find(wanted)
    while start >= 0:
        yield start, cuts_a_token(capture, start, start + len(wanted))
        start = capture.normalised.find(wanted, start + 1)


def occurs(name: str, capture: CaptureText) -> bool:
    """Whether a name occurs in the capture on word boundaries, under the passage check's normalisation."""
    wanted = normalise(name)
    return bool(wanted) and any(reason is None for _, reason in _places(wanted, capture))


def folds_used(passage: str, as_written: str) -> tuple[str, ...]:
    """The documented folds that make `passage` equal the capture's `as_written` text, in words."""
    both = passage + as_written
    used = []
    if unicodedata.normalize("NFC", passage) != passage or unicodedata.normalize("NFC", as_written) != as_written:
        used.append("NFC")
    if any(c in INVISIBLE for c in both):
        used.append("invisible characters")
    if _WHITESPACE.findall(passage) != _WHITESPACE.findall(as_written):
        used.append("whitespace")
    for name, table in (("quotes", QUOTES), ("dashes", DASHES), ("width", WIDTHS), ("ligatures", LIGATURES)):
        if any(c in table for c in both):
            used.append(name)
    return tuple(used)


def _cut_miss(wanted: str, capture: CaptureText, start: int, reason: str) -> PassageMiss:
    """The passage is in the capture, but only as part of a longer word or number."""
    left, right = max(0, start - 30), min(len(capture.normalised), start + len(wanted) + 30)
    line, col = capture.line_col(start)
    context = capture.original(left, right)
    return PassageMiss(context, line, col, [],
                       [f"the passage occurs in the capture only {reason}: a quote must begin and end where the "
                        "capture's words and numbers do (extend it to the whole word or number)"])


# --- Explaining a miss ------------------------------------------------------------------------------------------

# A number with its separators, a word with its inner hyphens and apostrophes, or one punctuation mark.
_TOKEN = re.compile(r"\d+(?:[.,:\u00a0\u2009\u202f]\d+)*|\w+(?:['-]\w+)*|[^\w\s]")
CANDIDATES = 12  # windows refined with difflib after the linear pre-selection
MAX_SPREAD = 60  # tokens a window's ends may move when widened: bounds the work on a miss


def tokens(text: str) -> list[str]:
    """Numbers, words and single punctuation marks: 'year.According' is 'year', '.', 'According'."""
    return _TOKEN.findall(text)


def _closest(wanted: str, capture: CaptureText) -> PassageMiss:
    """The window of the capture most like the passage, token by token, and how they differ.

    Linear in the capture: a sliding window counts the passage's tokens in each stretch of the capture, and
    only the best few windows are compared in detail. Tokens separate words from punctuation, so run-together
    sentences ("year.According") and punctuation next to a word produce no false differences.
    """
    hints: list[str] = []
    if _ELLIPSIS.search(wanted) and not _ELLIPSIS.search(capture.normalised):
        hints.append("the passage contains an ellipsis: quote one contiguous passage, never splice with '...'")
    if re.search(r"\[[^\]]*\]", wanted):
        hints.append("brackets are only allowed where the capture itself has them; do not add editorial insertions")
    want = tokens(wanted)  # never empty: the passage is not, and every character but a space is in a token
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(capture.normalised)]
    have = [capture.normalised[a:b] for a, b in spans]
    if not have:
        return PassageMiss("", 1, 1, [], hints + ["the capture is empty"])
    size = len(want)
    matcher = _matcher(want)

    def score(candidate: tuple[int, int]) -> tuple[int, int, int]:
        start, length = candidate
        matcher.set_seq1(have[start:start + length])
        matched = sum(block.size for block in matcher.get_matching_blocks())
        edits = sum(tag != "equal" for tag, *_ in matcher.get_opcodes())
        # Most tokens in common, then fewest separate edits, then the length closest to the passage's.
        return matched, -edits, -abs(length - size)

    # The first of the best, as max() returns it; then widened, for a passage that adds or drops a clause.
    best = max(((start, length) for start in _best_windows(want, have, size)
                for length in range(max(1, size - 2), size + 3)), key=score)
    best_start, length = _widened(best, score, size, len(have))
    window = have[best_start:best_start + length]
    begin, finish = spans[best_start][0], spans[min(best_start + length, len(spans)) - 1][1]
    differences = _differences(want, window)
    if window == want:
        differences = [f"the words are the same, but the spacing differs: the capture has "
                       f"'{capture.normalised[begin:finish]}'"]
    line, col = capture.line_col(begin)
    return PassageMiss(capture.original(begin, finish), line, col, differences, hints)


def _widened(best: tuple[int, int], score: Callable[[tuple[int, int]], tuple[int, int, int]], size: int,
             total: int) -> tuple[int, int]:
    """The best window, its end then its start moved by up to the passage's length (2 to `MAX_SPREAD` tokens).

    The pre-selection compares windows of about the passage's length; a passage that drops a clause of the
    capture ("the workers arrived" for "the workers, mostly young men, arrived") is closest to a longer
    stretch, and one that adds a clause to a shorter one. Keeping the current window first on a tie, as
    max() does with the first of equal scores, means a wider search never makes the explanation worse.
    """
    spread = min(max(2, size), MAX_SPREAD)
    start, length = best
    ends = range(max(start + 1, start + length - spread), min(total, start + length + spread) + 1)
    start, length = max([best] + [(start, end - start) for end in ends], key=score)
    end = start + length
    starts = range(max(0, start - spread), min(end, start + spread + 1))
    return max([(start, length)] + [(first, end - first) for first in starts], key=score)


def _best_windows(want: list[str], have: list[str], size: int) -> list[int]:
    """Window starts whose `size` tokens share the most tokens with the passage, found in one pass."""
    need = Counter(want)
    window: Counter[str] = Counter(have[:size])
    shared = sum(min(count, need[token]) for token, count in window.items())
    scores = [shared]
    for start in range(1, max(1, len(have) - size + 1)):
        leaving, entering = have[start - 1], have[start + size - 1]  # start + size <= len(have)
        if need[leaving] and window[leaving] <= need[leaving]:
            shared -= 1
        window[leaving] -= 1
        window[entering] += 1
        if need[entering] and window[entering] <= need[entering]:
            shared += 1
        scores.append(shared)
    ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:CANDIDATES]
    return sorted({max(0, i + shift) for i in ranked for shift in (-2, -1, 0, 1, 2)})


def _matcher(want: list[str]) -> difflib.SequenceMatcher[str]:
    """A matcher of the passage's tokens against a window's (set with set_seq1), to choose and to explain.

    Without difflib's "popular token" heuristic (autojunk), which on passages of 200 tokens or more would keep
    "the" or "," from anchoring a match: two differences around a "the" would be reported as one.
    """
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(want)
    return matcher


def _differences(want: list[str], window: list[str]) -> list[str]:
    matcher = _matcher(want)
    matcher.set_seq1(window)
    differences = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ours, theirs = _join(want[j1:j2]), _join(window[i1:i2])
        if tag == "replace":
            differences.append(f"passage has '{ours}' where the capture has '{theirs}'")
        elif tag == "delete":
            differences.append(f"the capture has '{theirs}', missing from the passage")
        elif tag == "insert":
            differences.append(f"passage adds '{ours}', not in the capture")
    return differences


def _join(parts: list[str]) -> str:
    """Tokens back into readable text: no space before punctuation."""
    out = ""
    for part in parts:
        out += part if not out or not part[0].isalnum() else " " + part
    return out
