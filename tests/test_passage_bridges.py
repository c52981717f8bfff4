"""The passage check across a PDF's line-end hyphens and page breaks, and the edge cases mutation testing found
(full-width separators, a currency symbol after letters, a miss that drops a whole clause)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dossier.extract import extract
from dossier.passage import (
    Bridge,
    CaptureText,
    PassageMatch,
    PassageMiss,
    pdf_bridges,
    verify_passage,
)

from .extract.samples import render_pdf

# Text as dossier/extract/pdf.py writes a PDF's: the page's lines, groups split by blank lines, and between
# pages a page number at the foot, a form feed on a line of its own, and a running head.
PAGES = """Report of the Panel of Experts

117. The Panel found that the workers were sent to the inter-
national test site during the reporting period, and that

42

\f
S/2024/215

their wages were paid through an intermediary in cash. The anti-
American campaign continued.

43

\f
S/2024/215

118. The Panel has no further information on the matter.
"""


def pdf_capture(text: str = PAGES) -> CaptureText:
    return CaptureText.from_text(text, pdf_bridges(text))


def matched(passage: str, capture: CaptureText) -> PassageMatch:
    result = verify_passage(passage, capture)
    assert isinstance(result, PassageMatch), result
    return result


def test_the_bridges_of_pdf_text_are_its_line_end_hyphens_and_page_breaks_with_their_furniture() -> None:
    bridges = pdf_bridges(PAGES)
    assert [b.kind for b in bridges] == ["line-end hyphen", "page break", "line-end hyphen", "page break"]
    first_break = bridges[1]
    # From the end of the page's last line to the start of the next page's text: "42", the form feed and the
    # running head "S/2024/215" are passed over, the text either side is not.
    assert PAGES[first_break.start - 8:first_break.start] == "and that"
    assert PAGES[first_break.end:].startswith("their wages")
    passed_over = PAGES[first_break.start:first_break.end]
    assert "42" in passed_over and "\f" in passed_over and "S/2024/215" in passed_over


@pytest.mark.parametrize(("passage", "bridge", "line", "col"), [
    ("workers were sent to the international test site", "line-end hyphen dropped", 3, 31),
    ("workers were sent to the inter-national test site", "line-end hyphen kept", 3, 31),
    ("The anti-American campaign continued.", "line-end hyphen kept", 11, 56),
    ("during the reporting period, and that their wages were paid", "page break", 4, 20),
])
def test_a_quote_crosses_a_line_end_hyphen_or_a_page_break_and_says_so(passage: str, bridge: str, line: int,
                                                                        col: int) -> None:
    match = matched(passage, pdf_capture())
    assert match.kind == "normalised"
    assert any(fold.startswith(bridge) for fold in match.folds), match.folds
    assert (match.line, match.col) == (line, col)


def test_the_quote_as_the_text_has_it_still_matches_without_a_bridge() -> None:
    match = matched("to the inter- national test site", pdf_capture())
    assert not any("hyphen" in fold for fold in match.folds)


@pytest.mark.parametrize("passage", [
    "and that 42 their wages were paid",  # the page number is furniture: never quoted through
    "workers were sent to the inter national test site",  # a hyphen is dropped whole or kept, not made a space
    "during the reporting period, and that S/2024/215 their wages",
    "reporting period, and that wages were paid",  # a word changed across the break still fails
])
def test_a_bridge_never_makes_a_changed_quote_match(passage: str) -> None:
    assert isinstance(verify_passage(passage, pdf_capture()), PassageMiss)


def test_text_that_is_not_from_a_pdf_has_no_bridges() -> None:
    plain = CaptureText.from_text(PAGES)
    assert plain.bridges == () and plain.bridged == ()
    assert isinstance(verify_passage("workers were sent to the international test site", plain), PassageMiss)


def test_a_bridged_match_is_unique_only_if_the_passage_occurs_once() -> None:
    text = PAGES + "\n\f\nS/2024/215\n\nthe workers were sent to the inter-\nnational test site again.\n"
    match = matched("workers were sent to the international test site", pdf_capture(text))
    assert len(match.occurrences) == 2


@pytest.mark.parametrize("passage", [
    "national test site during the reporting period",  # the end of "inter-national": a cut inside the word
    "the workers were sent to the inter",  # its beginning
    "American campaign continued.",
])
def test_a_quote_may_not_begin_or_end_inside_a_word_hyphenated_at_a_line_end(passage: str) -> None:
    result = verify_passage(passage, pdf_capture())
    assert isinstance(result, PassageMiss)
    assert "hyphenated at the end of a line" in " ".join(result.hints)
    # The same text, not from a PDF: the line break is a space there, and each piece a word of its own.
    assert isinstance(verify_passage(passage, CaptureText.from_text(PAGES)), PassageMatch)


def test_a_paragraph_is_not_furniture_because_it_is_short_and_recurs_only_once() -> None:
    text = "The first page ends here with\n\f\nthe second page, which has no running head at all.\n"
    (bridge,) = pdf_bridges(text)
    assert bridge == Bridge("page break", text.index("with") + 4, text.index("the second"))
    matched("first page ends here with the second page", pdf_capture(text))


REPORT = """<!doctype html><html lang="en"><head><style>
@page { size: A7; margin: 1.2cm 1cm;
        @top-center { content: "S/2024/215"; font-size: 7pt }
        @bottom-center { content: counter(page); font-size: 7pt } }
body { font-family: "DejaVu Serif", serif; font-size: 9pt; hyphens: auto; text-align: justify }
</style></head><body>
<p>117. The Panel found that the Democratic People's Republic of Korea continued to dispatch workers abroad
in contravention of paragraph 8 of resolution 2397 (2017), generating revenue through intermediaries,
front companies and unreported remittances, and that several Member States had not reported the
repatriation of those workers, notwithstanding repeated requests from the Committee and from the Panel
itself over successive reporting periods, nor the measures they had taken to identify the nationals
concerned, their employers and the accounts through which their earnings were transferred.</p>
<p>118. The Panel recommends that the Committee remind Member States of their obligation to repatriate
all nationals of the Democratic People's Republic of Korea earning income in their jurisdiction, and
to report on the measures taken, including the number of workers repatriated and the date of their
departure, and that it consider designating the entities that recruit, transport and employ them.</p>
</body></html>"""


def test_a_quote_runs_across_a_real_pdf_page_break_and_hyphenation() -> None:
    text = extract("pdf", render_pdf(REPORT)).text
    breaks = [bridge for bridge in pdf_bridges(text) if bridge.kind == "page break"]
    assert breaks, "the paragraphs must run onto a second page"
    first = breaks[0]
    # Only the page's furniture is passed over: the page number, the form feed, the running head.
    assert "\f" in text[first.start:first.end]
    assert set(text[first.start:first.end].split()) == {"1", "S/2024/215"}
    # The ten words either side of the break, as a reader of the PDF quotes them: hyphenated words joined.
    def words(part: str) -> list[str]:
        return re.sub(r"[-\u2010]\n", "", part).split()
    passage = " ".join(words(text[:first.start])[-10:] + words(text[first.end:])[:10])
    match = matched(passage, pdf_capture(text))
    assert match.kind == "normalised"
    assert any(fold.startswith("page break") for fold in match.folds), match.folds
    assert isinstance(verify_passage(passage, CaptureText.from_text(text)), PassageMiss)  # no bridge, no match


# --- What mutation testing found ---------------------------------------------------------------------------

@pytest.mark.parametrize(("capture", "passage"), [
    ("He said 15\uff0c000 workers were sent there.", "000 workers were sent there."),  # full-width comma
    ("\uff11\uff15\uff0c\uff10\uff10\uff10\u4eba\u306e\u52b4\u50cd\u8005\u3092\u6d3e\u9063\u3057\u305f",
     "\uff10\uff10\uff10\u4eba\u306e\u52b4\u50cd\u8005\u3092\u6d3e\u9063\u3057\u305f"),
    ("the anti\uff0dAmerican education campaign went on", "American education campaign went on"),
    ("They raised US$1.1 billion in funding for Ukraine.", "1.1 billion in funding for Ukraine."),
    ("They raised HK$1.1 billion in funding for Ukraine.", "1.1 billion in funding for Ukraine."),
])
def test_full_width_separators_and_currency_after_letters_bind_to_their_number(capture: str, passage: str) -> None:
    assert isinstance(verify_passage(passage, CaptureText.from_text(capture)), PassageMiss)


def test_a_dash_after_a_word_is_punctuation_not_a_sign() -> None:
    matched("2.1 percent over the year", CaptureText.from_text("It grew in the year\u20142.1 percent over the year."))


@pytest.mark.parametrize(("capture", "passage", "expected"), [
    ("Before that. Officials said the workers, mostly young men, arrived in May. Later they left.",
     "Officials said the workers arrived in May.", ["the capture has ', mostly young men,', missing from the passage"]),
    ("Intro. They said on Monday that, according to officials, the workers arrived in May and June. Other.",
     "They said that the workers arrived in May.",
     ["the capture has 'on Monday', missing from the passage",
      "the capture has ', according to officials,', missing from the passage",
      "the capture has 'and June', missing from the passage"]),
])
def test_a_miss_that_drops_clauses_is_explained_by_the_whole_stretch(capture: str, passage: str,
                                                                      expected: list[str]) -> None:
    result = verify_passage(passage, CaptureText.from_text(capture))
    assert isinstance(result, PassageMiss)
    assert result.differences == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=40), st.integers(min_value=1, max_value=6))
def test_a_miss_with_a_clause_dropped_anywhere_reports_only_that_clause(at: int, size: int) -> None:
    sentence = ("the panel found that workers from the north were sent abroad in large numbers during the "
                "period under review and that their wages were paid to state companies through banks")
    words = sentence.split(" ")
    at = max(1, min(at, len(words) - size - 1))  # inside: a passage shortened at an end would still match
    dropped = words[:at] + words[at + size:]
    capture = "Intro sentence here. " + " ".join(words) + ". Another sentence follows."
    assume(" ".join(dropped) not in capture)  # "the north were sent ...": still a quote of the capture
    result = verify_passage(" ".join(dropped), CaptureText.from_text(capture))
    assert isinstance(result, PassageMiss)
    assert result.differences == [f"the capture has '{' '.join(words[at:at + size])}', missing from the passage"]


# --- Where a bridged match begins and ends, and which bridges it names ----------------------------------------

# Two pages: a word hyphenated at a line end on each side of a page break, and a typographic apostrophe and em
# dash right where a quote may end, so a match one character too short or too long names other folds.
FUNDS = """S/2024/215

119. The Panel found that the funds were trans-
ferred to the workers\u2019\u2014in cash\u2014through an inter-
mediary

44

\f
S/2024/215

based abroad, and that the workers\u2019\u2014not the company\u2014kept the receipts.
"""


@pytest.mark.parametrize(("passage", "line", "col", "folds"), [
    # Across the first hyphen only: the page break after it is not named.
    ("the funds were transferred to the workers'", 3, 27, ("whitespace", "quotes", "line-end hyphen dropped")),
    # Across the second hyphen and the page break, ending on the apostrophe before the em dash.
    ("through an intermediary based abroad, and that the workers'", 4, 32,
     ("whitespace", "quotes", "line-end hyphen dropped", "page break (running head, foot and page number passed over)")),
    # To the very last character of the text.
    ("intermediary based abroad, and that the workers'-not the company-kept the receipts.", 4, 43,
     ("whitespace", "quotes", "dashes", "line-end hyphen dropped",
      "page break (running head, foot and page number passed over)")),
])
def test_a_bridged_match_names_exactly_the_folds_and_bridges_of_the_text_it_covers(
        passage: str, line: int, col: int, folds: tuple[str, ...]) -> None:
    """The folds are read from the capture's text between the match's first and last characters: one character
    more (the em dash) or less (the apostrophe), or a bridge outside the match, would name the wrong ones."""
    match = matched(passage, pdf_capture(FUNDS))
    assert (match.line, match.col, match.occurrences) == (line, col, ((line, col),))
    assert match.folds == folds


def test_each_occurrence_of_a_bridged_match_is_located_where_it_begins() -> None:
    """The second occurrence comes after two page breaks: its line and column are its own."""
    text = PAGES + "\n\f\nS/2024/215\n\nthe workers were sent to the inter-\nnational test site again.\n"
    match = matched("workers were sent to the international test site", pdf_capture(text))
    assert match.occurrences == ((3, 31), (24, 5))
    assert match.folds == ("whitespace", "line-end hyphen dropped")


def test_a_bridged_match_may_begin_at_the_first_character_of_the_text() -> None:
    match = matched("Workers were transferred abroad", pdf_capture("Workers were trans-\nferred abroad in May.\n"))
    assert match == PassageMatch("normalised", 1, 1, ((1, 1),), ("whitespace", "line-end hyphen dropped"))


def test_a_pdf_text_that_needs_the_general_normalisation_keeps_its_bridges() -> None:
    """A ligature or a soft hyphen sends the text down the general path: its bridges must come with it."""
    ligature = pdf_capture("The \ufb01nal report found that the workers were trans-\nferred abroad in May.\n")
    assert ligature.bridges == (Bridge("line-end hyphen", 49, 51),)
    matched("the workers were transferred abroad", ligature)
    soft = pdf_capture("The final report found that the workers were inter\u00ad\nnationally trained.\n")
    match = matched("the workers were internationally trained", soft)
    assert match.folds == ("invisible characters", "whitespace", "line-end hyphen dropped")


def test_a_quote_may_not_end_before_a_soft_hyphen_at_a_line_end() -> None:
    """"inter" of "inter\u00ad\\nnationally": the soft hyphen is invisible, so the character after the cut is the
    next line's first letter, and only the end of "inter" tells where the word was hyphenated."""
    capture = pdf_capture("The final report found that the workers were inter\u00ad\nnationally trained.\n")
    result = verify_passage("found that the workers were inter", capture)
    assert isinstance(result, PassageMiss)
    assert result.hints == [
        "the passage occurs in the capture only inside a word hyphenated at the end of a line: a quote must begin "
        "and end where the capture's words and numbers do (extend it to the whole word or number)"]


def test_furniture_in_a_running_head_does_not_stop_the_bridges_after_it() -> None:
    """A two-line running head hyphenated at its line end: that hyphen lies inside the page break's bridge and
    is passed over with it, and the next page break is still bridged."""
    head = "Final report of the inter-\nnational panel"
    text = (f"{head}\n\nThe first page says that the workers\n\n1\n\f\n{head}\n\nwere sent abroad and paid in\n\n2"
            f"\n\f\n{head}\n\ncash through a bank.\n")
    match = matched("were sent abroad and paid in cash through a bank.", pdf_capture(text))
    assert (match.line, match.col, match.occurrences) == (11, 1, ((11, 1),))
    assert match.folds[-1] == "page break (running head, foot and page number passed over)"


def test_a_blank_first_or_last_page_is_bridged_to_the_end_of_the_text() -> None:
    """A cover page without text (a scan), or an empty last page: the break runs to the text's very edge."""
    assert pdf_bridges("\n\f\nThe workers were sent abroad.\n") == (Bridge("page break", 0, 3),)
    assert pdf_bridges("The workers were sent abroad.\n\f\n") == (Bridge("page break", 29, 32),)


def test_the_running_head_after_a_blank_first_page_is_furniture_never_quoted() -> None:
    text = "\n\f\nS/2024/215\n\nThe workers were inter-\nnationally trained.\n\n2\n\f\nS/2024/215\n\nMore.\n"
    assert pdf_bridges(text)[0] == Bridge("page break", 0, text.index("The workers"))
    assert isinstance(verify_passage("S/2024/215 The workers were internationally trained.", pdf_capture(text)),
                      PassageMiss)
    matched("The workers were internationally trained.", pdf_capture(text))


@pytest.mark.parametrize("text", [
    # The first page's own head counts: it and the second page's make the head recur.
    "S/2024/215\n\nThe first page ends here with\n\f\nS/2024/215\n\nthe second page, which goes on.\n",
    # A running head with the page number in it recurs, its digits aside.
    "Annual report 2023, page 7\n\nThe first page ends here with\n\n\f\nAnnual report 2023, page 8\n\nthe second "
    "page, which goes on.\n",
    # A running foot of fifteen words, the most furniture has.
    "The first page ends here with\n\nReport of the Panel of Experts submitted pursuant to resolution 2680 of the "
    "Security Council\n\f\nthe second page, which goes on.\n\nReport of the Panel of Experts submitted pursuant "
    "to resolution 2680 of the Security Council\n",
])
def test_a_recurring_running_head_or_foot_is_passed_over(text: str) -> None:
    """The page's last line runs straight into the break (no page number): the next page's text starts after
    its running head, and the head is found recurring among the first and last groups of the pages."""
    match = matched("The first page ends here with the second page", pdf_capture(text))
    assert match.folds == ("whitespace", "page break (running head, foot and page number passed over)")
    (bridge,) = pdf_bridges(text)
    assert text[bridge.end:].startswith("the second page")


def test_a_heading_inside_a_page_is_not_a_running_head() -> None:
    """"Section 3" in the middle of a page, "Section 4" at the top of the next: the same shape, but only the
    first and last groups of a page are looked at for running heads, so "Section 4" is the document's text."""
    text = "One.\n\nTwo.\n\nSection 3\n\nThree.\n\nFour ends here with\n\f\nSection 4\n\nthe next page.\n"
    assert pdf_bridges(text) == (Bridge("page break", text.index("\n\f\n"), text.index("Section 4")),)
    assert isinstance(verify_passage("Four ends here with the next page.", pdf_capture(text)), PassageMiss)
