"""The verbatim-passage check: does a quoted passage occur in its capture, and where?

This is the heart of the tool. Its normalisation is deliberately narrow, written
once (`FOLDS` below) and applied identically to the passage and the capture:

- any run of whitespace (spaces, tabs, newlines, no-break spaces) becomes one space;
- typographic single quotes and apostrophes (‘ ’ ‚ ‛ ′) become ';
- typographic double quotes (“ ” „ ‟ ″) become ";
- dashes and hyphens (‐ ‑ ‒ – — ― −) become -.

Nothing else changes: not case, not other punctuation, not numbers, not
ellipses or brackets. A passage must then occur in the capture as one
contiguous run.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import Literal

# Every character the check folds, and what it folds to; the README's passage-check section lists the same.
FOLDS: dict[str, str] = {
    **dict.fromkeys("‘’‚‛′", "'"),  # ‘ ’ ‚ ‛ ′
    **dict.fromkeys("“”„‟″", '"'),  # “ ” „ ‟ ″
    **dict.fromkeys("‐‑‒–—―−", "-"),  # ‐ ‑ ‒ – — ― −
}
_TYPOGRAPHIC = re.compile("[" + "".join(FOLDS) + "]")
_WHITESPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\.\s*\.\s*\.|\u2026|\[\s*\.\.\.\s*\]")


def normalise(text: str) -> str:
    """The passage-check normalisation, as documented above (used on both sides)."""
    # The same as `_WHITESPACE.sub(" ", text.translate(...)).strip()` (str.split and \s agree on what
    # whitespace is), several times faster on article-length text where few characters need replacing.
    return " ".join(_TYPOGRAPHIC.sub(lambda m: FOLDS[m.group()], text).split())


@dataclass(frozen=True)
class CaptureText:
    """A capture's text, normalised once; the map back to original offsets is built only when asked for."""

    text: str
    normalised: str

    @classmethod
    def from_text(cls, text: str) -> CaptureText:
        return cls(text, normalise(text))

    @cached_property
    def _gaps(self) -> tuple[int, list[int]]:
        """The length of the leading whitespace, and the total lengths of the first k runs between words.

        Translation maps one character to one and never to or from whitespace, so the normalised text is the
        original's words in order, each run of whitespace between them shortened to one space.
        """
        runs = _WHITESPACE.findall(self.text)
        lead = len(runs.pop(0)) if runs and self.text[:1].isspace() else 0
        return lead, [0, *accumulate(map(len, runs))]

    def line_col(self, normalised_index: int) -> tuple[int, int]:
        """1-based line and column in the original text of a position in the normalised text.

        A position inside a word maps to the same character of that word; the single space after a word
        maps to the start of the whitespace run it stands for.
        """
        lead, gaps = self._gaps
        words_before = self.normalised.count(" ", 0, normalised_index)  # = the whitespace runs before it
        index = lead + normalised_index - words_before + gaps[words_before]
        line = self.text.count("\n", 0, index) + 1
        col = index - (self.text.rfind("\n", 0, index) + 1) + 1
        return line, col


MatchKind = Literal["exact", "normalised"]


@dataclass(frozen=True)
class PassageMatch:
    kind: MatchKind
    line: int
    col: int
    occurrences: int


@dataclass(frozen=True)
class PassageMiss:
    closest: str  # the closest run of words in the capture, as normalised
    closest_line: int
    closest_col: int
    differences: list[str]  # human-readable word differences, passage vs capture
    hints: list[str]


def verify_passage(passage: str, capture: CaptureText) -> PassageMatch | PassageMiss:
    """Find `passage` in the capture as one contiguous run, or explain how close it came."""
    wanted = normalise(passage)
    if not wanted:
        return PassageMiss("", 1, 1, [], ["the passage is empty"])
    found = _whole_word_occurrences(wanted, capture.normalised)
    if not found:
        return _closest(wanted, capture)
    kind: MatchKind = "exact" if passage.strip() in capture.text else "normalised"
    line, col = capture.line_col(found[0])
    return PassageMatch(kind, line, col, len(found))


def _whole_word_occurrences(wanted: str, text: str) -> list[int]:
    """Start offsets where `wanted` occurs without cutting a word: '5,000' must not match inside '15,000'."""
    hits = []
    start = text.find(wanted)
    while start >= 0:
        end = start + len(wanted)
        cuts_before = start > 0 and text[start - 1].isalnum() and wanted[0].isalnum()
        cuts_after = end < len(text) and text[end].isalnum() and wanted[-1].isalnum()
        if not (cuts_before or cuts_after):
            hits.append(start)
        start = text.find(wanted, start + 1)
    return hits


def _closest(wanted: str, capture: CaptureText) -> PassageMiss:
    """The window of the capture most like the passage, word by word, and how they differ."""
    hints: list[str] = []
    if _ELLIPSIS.search(wanted) and not _ELLIPSIS.search(capture.normalised):
        hints.append("the passage contains an ellipsis: quote one contiguous passage, never splice with '...'")
    if re.search(r"\[[^\]]*\]", wanted):
        hints.append("brackets are only allowed where the capture itself has them; do not add editorial insertions")
    want_words = wanted.split(" ")
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", capture.normalised)]
    words = [capture.normalised[s:e] for s, e in spans]
    if not words:
        return PassageMiss("", 1, 1, [], hints + ["the capture is empty"])
    size = len(want_words)
    # Candidate windows start where some word of the passage occurs, a little before it; sizes vary by
    # two words either way so that a dropped or added word still lines up. Score by word similarity.
    wanted_set = set(want_words)
    starts = sorted({max(0, i - k) for i, w in enumerate(words) if w in wanted_set for k in range(min(size, 4))})
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(want_words)
    best: tuple[tuple[int, int, int], int, int] = ((-1, 0, 0), 0, size)
    for start in starts or [0]:
        for length in range(max(1, size - 2), size + 3):
            matcher.set_seq1(words[start : start + length])
            matched = sum(block.size for block in matcher.get_matching_blocks())
            edits = sum(tag != "equal" for tag, *_ in matcher.get_opcodes())
            # Most words in common, then fewest separate edits, then the length closest to the passage's.
            score = (matched, -edits, -abs(length - size))
            if score > best[0]:
                best = (score, start, length)
    _, best_start, length = best
    window = words[best_start : best_start + length]
    matcher.set_seq1(window)
    differences = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ours, theirs = " ".join(want_words[j1:j2]), " ".join(window[i1:i2])
        if tag == "replace":
            differences.append(f"passage has '{ours}' where the capture has '{theirs}'")
        elif tag == "delete":
            differences.append(f"the capture has '{theirs}', missing from the passage")
        elif tag == "insert":
            differences.append(f"passage adds '{ours}', not in the capture")
    start_index = spans[best_start][0]
    line, col = capture.line_col(start_index)
    return PassageMiss(" ".join(window), line, col, differences, hints)
