"""Partial dates: kept as written, compared only as far as the text allows, shown in words, never padded."""

from __future__ import annotations

import datetime as dt

import pytest

from dossier.dates import PartialDate, display_date, display_written, latest


def d(text: str) -> PartialDate:
    return PartialDate.parse(text)


@pytest.mark.parametrize(
    "event, published, later",
    [("2025-07", "2025-05-05", True), ("2025", "2025-05-05", False), ("2025-05-06", "2025-05", False),
     ("2025-05-06", "2025-05-05", True), ("2024-12-31", "2025", False), ("2026", "2025-12", True)],
)
def test_is_after_only_when_every_day_is_later(event: str, published: str, later: bool) -> None:
    assert d(event).is_after(d(published)) is later


@pytest.mark.parametrize("a, b, before", [("2024-03", "2024-04", True), ("2024-03", "2024", False),
                                          ("2019-12-21", "2019-12-22", True), ("2019-12", "2019-12-22", False)])
def test_is_before_only_when_every_day_is_earlier(a: str, b: str, before: bool) -> None:
    assert d(a).is_before(d(b)) is before


def test_bounds_cover_the_days_the_text_can_mean() -> None:
    assert (d("2024").earliest, d("2024").latest) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (d("2024-02").earliest, d("2024-02").latest) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert d("2023-02").latest == dt.date(2023, 2, 28)
    assert [d(t).precision for t in ("2024", "2024-02", "2024-02-03")] == ["year", "month", "day"]


def _library_bounds(text: str) -> tuple[dt.date, dt.date]:
    from edtf import parse_edtf

    parsed = parse_edtf(text)
    low, high = parsed.lower_fuzzy(), parsed.upper_fuzzy()
    return dt.date(low.tm_year, low.tm_mon, low.tm_mday), dt.date(high.tm_year, high.tm_mon, high.tm_mday)


@pytest.mark.parametrize("year", [1, 1900, 2000, 2019, 2023, 2024, 2100, 9999])
def test_plain_dates_have_the_edtf_librarys_bounds(year: int) -> None:
    """Plain dates take a short path around the edtf library's slow grammar: it must agree with the library."""
    texts = [f"{year:04d}"] + [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    texts += [f"{year:04d}-{m:02d}-{day:02d}" for m in (1, 2, 12) for day in (1, 28, 29) if m != 2 or day != 29
              or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))]
    for text in texts:
        assert (d(text).earliest, d(text).latest) == _library_bounds(text), text


def test_future_means_even_the_earliest_day_is_after_today() -> None:
    today = dt.date(2026, 11, 23)
    assert d("2026-12").is_future(today) and d("2027").is_future(today)
    assert not d("2026-11").is_future(today) and not d("2026").is_future(today)


@pytest.mark.parametrize("text, message", [("2024-13", "month 13 does not exist"),
                                           ("2023-02-29", "day 29 does not exist in 2023-02"),
                                           ("0000", "year 0000 does not exist"),
                                           ("24-03", "is not a date"), ("2024-3", "is not a date"),
                                           ("March 2024", "is not a date")])
def test_impossible_or_malformed_dates_are_refused_in_words(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        d(text)


def test_display_never_pads() -> None:
    assert d("2024").display() == "2024"
    assert d("2024-03").display() == "March 2024"
    assert d("2024-03-05").display() == "5 March 2024"
    assert display_date(None) == "date unknown"
    assert display_written("2024-03") == "March 2024" and display_written("soon") == "soon"


def test_kept_exactly_as_written() -> None:
    assert str(d("2024-03")) == "2024-03" and d("2024-03") == d("2024-03") and d("2024") != d("2024-01")
    assert latest([d("2024"), None, d("2024-04"), d("2023-12-31")]) == d("2024-04")
    assert latest([None]) is None


@pytest.mark.parametrize("text, earliest, latest, words", [
    ("2023-09/..", dt.date(2023, 9, 1), None, "September 2023 or later"),
    ("../2025-05", None, dt.date(2025, 5, 31), "May 2025 or earlier"),
    ("2024-03/2024-06", dt.date(2024, 3, 1), dt.date(2024, 6, 30), "March 2024 to June 2024"),
    ("2024~", dt.date(2023, 1, 1), dt.date(2025, 12, 31), "about 2024"),
    ("2024?", dt.date(2023, 1, 1), dt.date(2025, 12, 31), "2024 (uncertain)"),
    ("2024-21", dt.date(2024, 3, 1), dt.date(2024, 5, 31), "spring 2024"),
])
def test_edtf_level_1_forms_keep_their_text_and_bounds(text: str, earliest: dt.date | None, latest: dt.date | None,
                                                      words: str) -> None:
    date = d(text)
    assert (date.text, date.earliest, date.latest, date.display()) == (text, earliest, latest, words)
    assert date.precision is None


@pytest.mark.parametrize("text, message", [("2024-03/2024-01", "ends before it begins"),
                                           ("[2024, 2025]", "beyond level 1"), ("2024?-03", "beyond level 1")])
def test_edtf_beyond_level_1_or_backwards_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        d(text)


def test_open_ends_compare_only_where_bounded() -> None:
    deadline = d("2019-12-22")
    assert d("2023-09/..").is_after(deadline) and not d("2023-09/..").is_before(deadline)
    assert not d("../2025-05").is_after(deadline) and not d("../2025-05").is_before(deadline)
    assert d("../2019-06").is_before(deadline)
    assert not d("2019~").is_before(deadline), "about 2019 may be 2020"
