"""Words that mix Latin, Cyrillic and Greek letters: look-alikes the passage check never folds, only reports.

A Cyrillic "а" (U+0430) inside an English word looks like the Latin "a" but is another letter: the passage
check compares it as itself, so a quote typed with it does not match a capture without it, and a capture that
has it (pasted from a document that mixes keyboards, or spoofed) does not match a quote typed by hand.
Folding look-alikes together would let a rewritten quote pass as verbatim, so the check never does; instead
`validate` warns on each word of a passage that mixes these scripts, naming the letters that stand out, so
the analyst can see why a quote fails or that a source mixes scripts.

A letter's script is read from its Unicode name ("CYRILLIC SMALL LETTER A"): every letter of these three
scripts is named so, compatibility and modifier letters included, which needs no dependency beyond the
standard library's `unicodedata`. Combining marks belong to no script (NFD "й" is "и" and a breve), digits
and punctuation to none either, and words are split on them: "Иванов-Smith" is two words, each in one script.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

from .glyphs import describe

SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


@dataclass(frozen=True)
class MixedWord:
    """A word of the passage whose letters come from more than one of `SCRIPTS`."""

    word: str
    scripts: tuple[str, ...]  # in order of first appearance: ("Latin", "Cyrillic")
    odd: tuple[str, ...]  # the letters not of the word's main script, described: "U+0430 а (CYRILLIC ...)"

    def sentence(self) -> str:
        """'the word 'Pуongyang' mixes Latin and Cyrillic letters: U+0443 у (CYRILLIC SMALL LETTER U)'."""
        scripts = f"{', '.join(self.scripts[:-1])} and {self.scripts[-1]}"
        return f"the word '{self.word}' mixes {scripts} letters: {', '.join(self.odd)}"


@cache  # passages share most of their characters: each is looked up once per run
def script_of(char: str) -> str | None:
    """'Latin', 'Cyrillic' or 'Greek' for a letter of those scripts; None for anything else."""
    if not unicodedata.category(char).startswith("L"):
        return None
    for word in unicodedata.name(char, "").split():
        if word in SCRIPTS:
            return word.capitalize()
    return None


def words(text: str) -> list[str]:
    """Runs of letters and combining marks: the units a reader takes for words, split at anything else."""
    found: list[str] = []
    current: list[str] = []
    for char in text:
        if unicodedata.category(char)[0] in "LM":
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def main_script(text: str) -> str | None:
    """The script most letters of `text` are in (a tie goes to the one met first); None if none of them."""
    counts = Counter(script for script in map(script_of, text) if script is not None)
    return counts.most_common(1)[0][0] if counts else None


def mixed_word(word: str, context: str | None = None) -> MixedWord | None:
    """The word's mixture of scripts, or None when its letters are all of one script (or of none of them).

    The letters named are those not in the script of `context` (the passage's main script), when the word has
    any letter of it: in an English passage the Cyrillic "о" of "оf" stands out, not the "f". Otherwise they
    are those not in the word's own main script.
    """
    scripts = tuple(dict.fromkeys(script for script in map(script_of, word) if script is not None))
    if len(scripts) < 2:
        return None
    main = context if context in scripts else main_script(word)
    odd = dict.fromkeys(char for char in word if script_of(char) not in (None, main))
    return MixedWord(word, scripts, tuple(describe(char) for char in odd))


def mixed_words(text: str) -> list[MixedWord]:
    """Each distinct word of `text` that mixes Latin, Cyrillic and Greek letters, in order.

    Most passages use one script: looking at each distinct character once rules that out without splitting
    the text into words (validate runs this on every passage).
    """
    if len({script_of(char) for char in set(text)} - {None}) < 2:
        return []
    context = main_script(text)
    found = (mixed_word(word, context) for word in dict.fromkeys(words(text)))
    return [mixed for mixed in found if mixed is not None]
