"""Figures against their passage: a number the brief prints must be a number the source writes.

A passage writes numbers in digits ("15,000", "7,887", "60,000-70,000"), in digits
with a scale word ("1.5 million"), or in words ("five hundred", "twenty-five").
`numbers_in` finds every one of them with its value and place; number words are
read by text2num, a maintained library, not by a table of our own. Vague
quantities ("thousands of workers") have no value: a record gives them as
`written` and they must occur in the passage as written.

The words just before a number say how the source hedges it ("as many as 15,000"
is "up to"); dossier/data/hedges.yaml lists them, and `hedge_before` reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from text_to_num import text2num

from .resources import data_file
from .yaml_read import parse_yaml

SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# Plural scale words are vague quantities, not numbers: text2num would read "thousands" as 1000.
_VAGUE = re.compile(r"\b(?:dozens|scores|hundreds|thousands|millions|billions)\b", re.IGNORECASE)
_DIGITS = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,\u00a0\u202f\u2009]\d{3})+|\d+)(?:\.(\d+))?(?!\d)"
    r"(?:\s+(thousand|million|billion|trillion)\b)?", re.IGNORECASE)
_WORD_LANGUAGES = {"en", "fr", "es", "pt", "de", "it", "nl"}  # text2num's languages
MAX_NUMBER_WORDS = 8  # "one hundred and fifty-five thousand two hundred" is seven


@dataclass(frozen=True)
class WrittenNumber:
    value: float
    start: int  # where the passage writes it
    text: str  # as the passage writes it


def numbers_in(passage: str, language: str = "en") -> list[WrittenNumber]:
    """Every number the passage writes, in digits, digits with a scale word, or words.

    Digits are decimal digits of any script (full-width ４ and Arabic-Indic ٤ are 4, as `float` reads them);
    a superscript or circled digit is not one: "15,000²" writes 15,000 and a footnote mark, not 150,002.
    """
    text = passage
    found = []
    masked = list(text)
    for match in _DIGITS.finditer(text):
        whole, decimals, scale = match.group(1), match.group(2), match.group(3)
        value = float(re.sub(r"\D", "", whole) + (f".{decimals}" if decimals else ""))
        if scale:
            value *= SCALES[scale.lower()]
        found.append(WrittenNumber(value, match.start(), match.group()))
        masked[match.start():match.end()] = "#" * (match.end() - match.start())
    primary = language.split("-")[0].lower()
    if primary in _WORD_LANGUAGES:
        found += _number_words("".join(masked), primary)
    return sorted(found, key=lambda n: n.start)


def _number_words(text: str, language: str) -> list[WrittenNumber]:
    """Numbers written in words, read by text2num: the longest run of words it reads as one number.

    A run is tried only where its first word is a number by itself, so most words of a passage cost one
    lookup, not eight tries. A number starts at a number word: text2num also reads a connecting word
    ('und ein', 'en vijf') as the start of one, which it is not (tests/test_figures.py pins both effects).
    """
    text = _VAGUE.sub(lambda m: "#" * len(m.group()), text)
    words = list(re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", text))

    def spaced(before: int) -> bool:
        """Only words next to each other (separated by spaces only) form one number."""
        return not text[words[before].end():words[before + 1].start()].strip()

    found = []
    index = 0
    while index < len(words):
        if not is_number_word(words[index].group().lower(), language):
            index += 1
            continue
        reach = index + 1  # one past the last word that may join this one
        while reach < min(len(words), index + MAX_NUMBER_WORDS) and spaced(reach - 1):
            reach += 1
        for end in range(reach, index, -1):
            phrase = text[words[index].start():words[end - 1].end()]
            value = _read_number(phrase.lower(), language)
            if value is not None:
                found.append(WrittenNumber(float(value), words[index].start(), phrase))
                index = end
                break
        else:  # unreachable: the first word alone is a number
            index += 1
    return found


def _read_number(phrase: str, language: str) -> int | float | None:
    """text2num's reading of a phrase, or None when it is not a number."""
    try:
        value: int | float = text2num(phrase, language)
    except ValueError:
        return None
    return value


@lru_cache(maxsize=65536)
def is_number_word(word: str, language: str) -> bool:
    """Whether text2num reads this one word as a number ('five', 'twenty-five', 'hundred')."""
    return _read_number(word, language) is not None


def writes(passage: str, quantity: float, language: str = "en") -> bool:
    """Whether the passage writes this number anywhere."""
    return bool(where_written(passage, quantity, language))


def where_written(passage: str, quantity: float, language: str = "en") -> list[WrittenNumber]:
    """Where the passage writes this number."""
    return matching(numbers_in(passage, language), quantity)


def matching(numbers: list[WrittenNumber], quantity: float) -> list[WrittenNumber]:
    """The numbers (of numbers_in, read once for all of a record's figures) that are this quantity."""
    return [n for n in numbers if abs(n.value - quantity) <= 1e-9 * max(1.0, abs(quantity))]


def writes_words(passage: str, words: str) -> bool:
    """Whether a quantity in words ('thousands', 'several hundred') occurs in the passage, as whole words."""
    wanted = " ".join(words.split())
    pattern = r"(?<!\w)" + re.escape(wanted).replace(r"\ ", r"\s+") + r"(?!\w)"
    return re.search(pattern, passage, re.IGNORECASE) is not None


@cache
def hedges() -> dict[str, tuple[str, ...]]:
    """dossier/data/hedges.yaml: qualifier -> the words that hedge a number so."""
    raw = data_file("hedges.yaml")
    doc, problems = parse_yaml(raw, "dossier/data/hedges.yaml")
    if doc is None or not isinstance(doc.data, dict):
        raise RuntimeError("dossier/data/hedges.yaml is broken: " + "; ".join(p.text() for p in problems))
    return {str(k): tuple(str(w) for w in v) for k, v in doc.data.items()}


def hedge_before(passage: str, number: WrittenNumber) -> tuple[str, str] | None:
    """The qualifier the passage's own words give a number, and those words; None when it has none."""
    before = " ".join(passage[max(0, number.start - 40):number.start].lower().split())
    best: tuple[str, str] | None = None
    for qualifier, phrase, ends_here in _hedge_patterns():
        if ends_here.search(before) and (best is None or len(phrase) > len(best[1])):  # "as many as" over "as"
            best = (qualifier, phrase)
    return best


@cache
def _hedge_patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """Each hedge of hedges() with the pattern that finds it just before a number, compiled once."""
    return [(qualifier, phrase, re.compile(r"(?:^|\W)" + re.escape(phrase) + r"\s*$"))
            for qualifier, phrases in hedges().items() for phrase in phrases]
