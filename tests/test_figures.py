"""Which numbers a passage writes, and how it hedges them: digits, digits with a scale word, number words."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from text_to_num import text2num

from dossier.figures import _VAGUE, MAX_NUMBER_WORDS, _number_words, hedge_before, numbers_in, writes, writes_words


@pytest.mark.parametrize("passage, values", [
    ("North Korea sent about 15,000 labor migrants", [15000]),
    ("crossed the Russian border 7,887 times in 2024", [7887, 2024]),
    ("pay the state 60,000-70,000 rubles (870,000-1,020,000 North Korean won)", [60000, 70000, 870000, 1020000]),
    ("Washington pledged $1.1 billion in funding", [1.1e9]),
    ("the number reached 1.5 million last year", [1.5e6]),
    ("some 15\u202f000 workers", [15000]),
    ("North Korea sent five hundred workers", [500]),
    ("one hundred and fifty workers arrived", [150]),
    ("twenty-five workers", [25]),
    ("thousands of workers and hundreds of students", []),
    ("\uff11\uff15\uff10 workers", [150]),  # full-width digits are digits
    ("\u0661\u0665\u0660 workers", [150]),  # and Arabic-Indic ones
    ("about 15,000\u00b2 workers", [15000]),  # a footnote mark is no digit of the number before it
    ("step \u2460 sent 500 workers", [500]),  # nor is a circled list number a quantity
    ("some twenty, five hundred workers", [20, 500]),  # words apart (a comma between) are two numbers
    ("one two three four five six seven eight nine", [1, 2, 3, 4, 5, 6, 7, 8, 9]),
])
def test_numbers_in_reads_every_way_a_source_writes_a_number(passage: str, values: list[float]) -> None:
    assert [n.value for n in numbers_in(passage)] == values


def test_a_number_is_written_or_not() -> None:
    passage = "North Korean nationals crossed the Russian border 7,887 times, allegedly to study"
    assert writes(passage, 7887)
    assert not writes(passage, 78870) and not writes(passage, 887) and not writes(passage, 7)
    assert not writes("in Russian", 1), "no number hides inside a word"


def test_a_quantity_in_words_is_found_as_whole_words() -> None:
    assert writes_words("Thousands of North Korean workers", "thousands")
    assert writes_words("several\nhundred workers", "several hundred")
    assert not writes_words("tens of thousands", "thousand")


@pytest.mark.parametrize("passage, qualifier", [
    ("as many as 15,000 North Korean workers", "up to"),
    ("about 15,000 labor migrants", "about"),
    ("nearly 130 students", "nearly"),
    ("more than 1,000 sappers", "more than"),
    ("at least 600 soldiers", "at least"),
    ("15,000 labor migrants", None),
])
def test_the_hedge_just_before_a_number(passage: str, qualifier: str | None) -> None:
    (number,) = list(numbers_in(passage))
    said = hedge_before(passage, number)
    assert (said[0] if said else None) == qualifier


def _every_run(text: str, language: str) -> list[tuple[float, int, str]]:
    """The reading numbers_in had before it skipped runs: every run of up to MAX_NUMBER_WORDS words tried,
    longest first, at every word. The reference the faster reading is held to."""
    text = _VAGUE.sub(lambda m: "#" * len(m.group()), text)
    words = list(re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", text))
    spaced = [not text[a.end():b.start()].strip() for a, b in itertools.pairwise(words)]
    found, index = [], 0
    while index < len(words):
        reach = index + 1
        while reach < min(len(words), index + MAX_NUMBER_WORDS) and spaced[reach - 1]:
            reach += 1
        for end in range(reach, index, -1):
            phrase = text[words[index].start():words[end - 1].end()]
            try:
                value = text2num(phrase.lower(), language)
            except ValueError:
                continue
            found.append((float(value), words[index].start(), phrase))
            index = end
            break
        else:
            index += 1
    return found


NUMBER_WORDS = {
    "en": "one hundred and fifty-five thousand two hundred workers, twenty-one sappers and a dozen, nine out of ten",
    "fr": "deux cent cinquante mille ouvriers, vingt et un soldats, soixante-dix-sept, mille neuf cent quatre-vingt",
    "es": "doscientos cincuenta mil trabajadores, veintiún soldados, mil novecientos ochenta y cinco, un millón",
    "pt": "duzentos e cinquenta mil trabalhadores, vinte e um soldados, mil novecentos e oitenta e cinco",
    "de": "zweihundertfünfzigtausend Arbeiter, einundzwanzig Soldaten, tausend neunhundert, eine Million",
    "it": "duecentocinquantamila lavoratori, ventuno soldati, millenovecentoottantacinque, un milione",
    "nl": "tweehonderdvijftigduizend arbeiders, eenentwintig soldaten, duizend negenhonderd, een miljoen",
}


@pytest.mark.parametrize("language", sorted(NUMBER_WORDS))
def test_reading_only_runs_that_start_with_a_number_word_finds_what_every_run_finds(language: str) -> None:
    texts = [NUMBER_WORDS[language]]
    texts += [path.read_text("utf-8") for path in sorted(Path("seeds").glob("*.txt"))]
    texts += [path.read_text("utf-8", errors="replace") for path in sorted(Path("tests/fixtures").rglob("*.txt"))]
    for text in texts:
        fast = [(n.value, n.start, n.text) for n in _number_words(text, language)]
        assert fast == _every_run(text, language)
    assert _number_words(NUMBER_WORDS[language], language), "the sample writes numbers in words"


@pytest.mark.parametrize("text, language, word", [("Sie kamen und ein Mann", "de", "ein"), ("en vijf", "nl", "vijf")])
def test_a_number_does_not_start_with_a_connecting_word(text: str, language: str, word: str) -> None:
    """text2num reads 'und ein' as 1; every run tried read the connector as the number's first word. The
    number is the word itself: a number word is where it starts. This, and what follows from it (next test), is
    where the two readings differ."""
    (number,) = _number_words(text, language)
    assert (number.value, number.text) == (1.0 if language == "de" else 5.0, word)
    assert _every_run(text, language)[0][2].split()[0] in ("und", "en")


def test_a_long_number_after_a_connecting_word_is_read_whole() -> None:
    """Starting at the number word leaves the eight-word window to the number: the old reading spent a word
    on the connector and cut 'twee honderd vijf en dertig duizend drie honderd' (235,300) into 235,003 and
    100. Found by review; the accepted figure changes, to the right one."""
    passage = "Het rapport meldt tien doden en twee honderd vijf en dertig duizend drie honderd vluchtelingen."
    assert [n.value for n in numbers_in(passage, "nl")] == [10, 235300]
    assert [v for v, _, _ in _every_run(passage, "nl")] == [10, 235003, 100]
