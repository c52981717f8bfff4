"""The passage check: narrow normalisation, contiguous matches, useful misses; tested against mutations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dossier.passage import CaptureText, PassageMatch, PassageMiss, normalise, verify_passage

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CAPTURES = {p.name: CaptureText.from_text(p.read_text("utf-8")) for p in sorted(SEEDS.glob("*.txt"))}


def sentences() -> list[tuple[str, str]]:
    """(capture name, sentence) for every sentence of six words or more in the shipped captures."""
    out = []
    for name, capture in CAPTURES.items():
        for paragraph in capture.text.split("\n"):
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", paragraph.strip()):
                if len(sentence.split()) >= 6:
                    out.append((name, sentence))
    return out


SENTENCES = sentences()
RESTYLE = {"'": "\u2019", "\u2019": "'", '"': "\u201c", "\u201c": '"', "\u201d": '"', "-": "\u2014", "\u2014": "-",
           "\u2013": "-"}


def test_there_are_sentences_to_test() -> None:
    assert len(SENTENCES) > 80


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SENTENCES), st.data())
def test_any_sentence_rewrapped_and_restyled_verifies(item: tuple[str, str], data: st.DataObject) -> None:
    name, sentence = item
    words = sentence.split()
    separators = data.draw(st.lists(st.sampled_from([" ", "\n", "  ", "\n  ", "\t"]),
                                    min_size=len(words) - 1, max_size=len(words) - 1))
    rewrapped = words[0] + "".join(sep + word for sep, word in zip(separators, words[1:], strict=True))
    restyle = data.draw(st.booleans())
    passage = "".join(RESTYLE.get(c, c) for c in rewrapped) if restyle else rewrapped
    outcome = verify_passage(passage, CAPTURES[name])
    assert isinstance(outcome, PassageMatch)
    if passage.strip() not in CAPTURES[name].text:
        assert outcome.kind == "normalised"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SENTENCES), st.data())
def test_changing_adding_or_dropping_a_word_does_not_verify(item: tuple[str, str], data: st.DataObject) -> None:
    name, sentence = item
    words = sentence.split()
    action = data.draw(st.sampled_from(["change", "add", "drop", "case", "digit"]))
    index = data.draw(st.integers(min_value=1, max_value=len(words) - 2))  # interior: an edge drop is still verbatim
    if action == "change":
        replacement = data.draw(st.sampled_from(["not", "never", "allegedly", "Russia", "North", "the", "15,000"]))
        assume(replacement != words[index])
        words[index] = replacement
    elif action == "add":
        words.insert(index, data.draw(st.sampled_from(["not", "no", "reportedly", "about", "only"])))
    elif action == "drop":
        del words[index]
    elif action == "case":
        assume(words[index][0].isalpha())
        words[index] = words[index][0].swapcase() + words[index][1:]
    else:
        digits = [i for i, w in enumerate(words) if any(c.isdigit() for c in w)]
        assume(digits)
        i = digits[0]
        words[i] = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), words[i], count=1)
    mutated = " ".join(words)
    # Only meaningful if the mutation did not happen to produce other real text of the capture.
    assume(f" {normalise(mutated)} " not in f" {CAPTURES[name].normalised} ")
    assert isinstance(verify_passage(mutated, CAPTURES[name]), PassageMiss)


def test_normalisation_is_narrow() -> None:
    assert normalise("“It’s  over”\n— he said") == "\"It's over\" - he said"
    # Not normalised: case, ellipses, other punctuation, digits.
    for a, b in [("Russia", "russia"), ("about...", "about\u2026"), ("15,000", "15.000"), ("(WSJ)", "[WSJ]")]:
        assert normalise(a) != normalise(b)


def test_exact_and_normalised_matches_are_reported_with_position() -> None:
    capture = CaptureText.from_text("Title\n\nHe said “we  agreed” — twice.\nNext line.")
    exact = verify_passage("He said “we  agreed” — twice.", capture)
    assert exact == PassageMatch("exact", 3, 1, 1)
    normalised = verify_passage('said "we agreed" - twice. Next', capture)
    assert normalised == PassageMatch("normalised", 3, 4, 1)


def test_a_number_inside_a_larger_number_does_not_match() -> None:
    capture = CaptureText.from_text("They sent 15,000 workers.")
    assert isinstance(verify_passage("5,000 workers.", capture), PassageMiss)
    assert isinstance(verify_passage("They sent 15,00", capture), PassageMiss)


def test_miss_names_the_closest_text_and_the_differing_words() -> None:
    capture = CAPTURES["002_403746959bcb0950.txt"]
    outcome = verify_passage("In 2024, 12,000 North Korean troops arrived in Belarus to participate in the war", capture)
    assert isinstance(outcome, PassageMiss)
    assert outcome.closest.startswith("In 2024, 12,000 North Korean troops arrived in Russia")
    assert outcome.differences == ["passage has 'Belarus' where the capture has 'Russia'"]
    assert (outcome.closest_line, outcome.closest_col) == (32, 75)


def test_ellipsis_splice_is_refused_with_a_hint() -> None:
    capture = CAPTURES["000_4dc3e24b143269e5.txt"]
    spliced = "Russian dictator Vladimir Putin and North Korean leader Kim Jong Un ... signed agreements"
    outcome = verify_passage(spliced, capture)
    assert isinstance(outcome, PassageMiss)
    assert any("ellipsis" in hint for hint in outcome.hints)


@pytest.mark.parametrize("passage", ["", "   \n "])
def test_empty_passage_is_a_miss(passage: str) -> None:
    assert isinstance(verify_passage(passage, CAPTURES["000_4dc3e24b143269e5.txt"]), PassageMiss)


def test_capture_offsets_survive_leading_whitespace_and_crlf() -> None:
    capture = CaptureText.from_text("  \r\n\r\n  first line\r\nsecond   line\r\n")
    assert capture.normalised == "first line second line"
    assert verify_passage("second line", capture) == PassageMatch("normalised", 4, 1, 1)
