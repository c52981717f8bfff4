"""Which numbers a passage writes, and how it hedges them: digits, digits with a scale word, number words."""

from __future__ import annotations

import pytest

from dossier.figures import hedge_before, numbers_in, writes, writes_words


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
