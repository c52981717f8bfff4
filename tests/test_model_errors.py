"""Messages a non-programmer can act on: each says, in the record's own words, what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.validate import validate

RECORD = "evidence/fixture-15000-workers.yaml"


@pytest.mark.parametrize("old, new, line, message, hint", [
    ("  reliability: B\n", "\treliability: B\n", 28, "YAML syntax: a tab character: indent with spaces, not tabs",
     "tabs"),
    ("grading:\n  reliability: B\n  credibility: 3\n  justification: A national newspaper relaying an intelligence "
     "estimate it did not verify.\n", "grading: B3\n", 27,
     "grading has three lines: reliability, credibility, justification, each on a line of its own",
     "As in:\ngrading:\n  reliability: A\n  credibility: 1\n  justification: ..."),
    ("  credibility: 3\n", '  credibility: "3"\n', 29, "grading.credibility: write the number without quotes: "
     "credibility: 3", None),
    ("  credibility: 3\n", "  credibility: 7\n", 29, "grading.credibility: 7 is not allowed here; write one of 1, 2, "
     "3, 4, 5 or 6", None),
    ('  date: "2025"\n', "  date: 2025\n", 19, 'event.date: write the date in quotes: date: "2025"', None),
    ("  - quantity: 15000\n", '  - quantity: "15000"\n', 23, "figures.0.quantity: write the number without quotes: "
     "quantity: 15000", None),
    ("title: About 15,000 North Korean workers sent to Russia\n", "title: 2025\n", 3,
     'title: write the text in quotes: title: "2025"', None),
    ("reporting_chain:\n  - South Korean intelligence\n  - The Wall Street Journal\n  - The Kyiv Independent\n",
     "reporting_chain: The Kyiv Independent\n", 11, "reporting_chain is a list: write each item on a line of its "
     "own, starting with '- '", "reporting_chain:\n  - The Kyiv Independent"),
    ("figures:\n  - quantity: 15000\n    unit: workers\n    qualifier: about\n    measure: people\n",
     "figures:\n  - 15000 workers\n",
     23, "figures.0 has three lines: quantity, unit, qualifier, each on a line of its own",
     "figures:\n  - quantity: ...\n    unit: ...\n    qualifier: exactly"),
    # Quotes in other languages: who made a translation and how, and the language as a BCP 47 tag.
    ("reporting_chain:\n", "translation:\n  text: x\n  method: human\nreporting_chain:\n", 11,
     "translation: by is missing: add by, who made the translation (a person or team; for a machine translation, "
     "the system)", None),
    ("reporting_chain:\n", "translation:\n  by: DeepL\nreporting_chain:\n", 11,
     "translation: text and method are missing: add text, the passage in English; method, how it was made (human, "
     "machine, or \"machine, reviewed\" with reviewed_by)", None),
    ("reporting_chain:\n", "translation:\n  text: x\n  by: DeepL\n  method: machine reviewed\nreporting_chain:\n", 14,
     "translation.method: 'machine reviewed' is not allowed here; write one of 'human', 'machine' or 'machine, "
     "reviewed'", None),
    ("reporting_chain:\n", "translation: DeepL\nreporting_chain:\n", 11,
     "translation has three lines: text, by, method, each on a line of its own",
     "As in:\ntranslation:\n  text: ...\n  by: ...\n  method: human"),
    ("reporting_chain:\n", "language: ko_KR\nreporting_chain:\n", 11,
     "language: 'ko_KR' is not a BCP 47 language tag; write e.g. en, ko, ja, ru, zh-Hans or zh-Hant", None),
])
def test_each_message_says_what_to_write(root: Path, old: str, new: str, line: int, message: str,
                                         hint: str | None) -> None:
    path = root / RECORD
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = [p for p in validate(root).problems if p.path == RECORD]
    assert [p.message for p in problems] == [message], [p.text() for p in problems]
    assert problems[0].line == line, problems[0].text()
    if hint is not None:
        assert problems[0].hint and hint in problems[0].hint, problems[0].hint
