"""Dates as the text allows them: the Library of Congress Extended Date/Time Format (EDTF), level 1.

Sources date things to the year ("in 2024"), the month, the day, or not at all
("recently", in an article written after September 2023). An EDTF string says
exactly that much and no more: `2024`, `2024-03`, `2024-03-05`, an interval
`2024-03/2024-06`, an open end `2023-09/..` ("September 2023 or later") or
`../2025-05`, an uncertain `2024?` or approximate `2024~` date, a season
`2024-21`. Parsing is the `edtf` library's; nothing is padded (`2024-03` is
not `2024-03-01`).

A `PartialDate` keeps the text as written and the range of days it can mean
(approximate and uncertain dates widen it, as EDTF defines). Comparisons use
that range, so they only answer what the text allows: `2024-03` is certainly
after `2023` and before `2024-04`, but neither before nor after `2024`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import time
from typing import Any, Literal

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException
from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

FORMATS = "YYYY, YYYY-MM or YYYY-MM-DD (or an EDTF form such as 2023-09/.. or 2024~)"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
SEASONS = {"21": "spring", "22": "summer", "23": "autumn", "24": "winter"}
Precision = Literal["year", "month", "day"]
# EDTF level 0 and 1 as the edtf library names them; level 2 (sets, partial uncertainty, ...) is refused.
_LEVEL_1 = {"Date", "UncertainOrApproximate", "Unspecified", "Interval", "Level1Interval", "LongYear", "Season",
            "UnspecifiedIntervalSection"}
_SIMPLE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")


class PartialDate:
    """An EDTF (level 1) date as written, with the earliest and latest day it can mean (None: open)."""

    __slots__ = ("earliest", "latest", "text")

    def __init__(self, text: str, earliest: dt.date | None, latest: dt.date | None) -> None:
        self.text, self.earliest, self.latest = text, earliest, latest

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read an EDTF date; ValueError says what is wrong in words an analyst can act on."""
        if not isinstance(text, str) or not text.strip() or text != text.strip():
            raise ValueError(f"{text!r} is not a date; write {FORMATS}")
        if _SIMPLE.match(text):
            _check_calendar(text)
            if text[5:7] not in SEASONS:
                return cls(text, *_plain_bounds(text))
        earliest, latest = _edtf_bounds(text)
        return cls(text, earliest, latest)

    @property
    def precision(self) -> Precision | None:
        """year, month or day for a plain date; None for an interval, an open end or a qualified date."""
        if not _SIMPLE.match(self.text) or self.text[5:7] in SEASONS:
            return None
        return ("year", "month", "day")[self.text.count("-")]

    def is_after(self, other: PartialDate) -> bool:
        """Certainly later: every day this date can mean is after every day `other` can mean."""
        return self.earliest is not None and other.latest is not None and self.earliest > other.latest

    def is_before(self, other: PartialDate) -> bool:
        """Certainly earlier, in the same sense as `is_after`."""
        return self.latest is not None and other.earliest is not None and self.latest < other.earliest

    def is_future(self, today: dt.date) -> bool:
        """Certainly after today: even its earliest day has not come yet."""
        return self.earliest is not None and self.earliest > today

    def display(self) -> str:
        """In words, at the precision written: '2024', 'March 2024', 'September 2023 or later'. Never padded."""
        return display_text(self.text)

    def sort_key(self) -> tuple[dt.date, dt.date, str]:
        """Earliest possible day first, then latest; open ends sort to the outside."""
        return (self.earliest or dt.date.min, self.latest or dt.date.max, self.text)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PartialDate({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """Validated from a quoted string; written back (JSON, model_dump) as that string."""
        return core_schema.no_info_after_validator_function(
            cls.parse, core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str))


def _check_calendar(text: str) -> None:
    """The day-level messages the analyst can act on ('day 30 does not exist in 2024-02')."""
    parts = [int(p) for p in text.split("-")]
    if parts[0] < 1:
        raise ValueError("year 0000 does not exist")
    if len(parts) == 2 and 21 <= parts[1] <= 24:  # an EDTF season: spring, summer, autumn, winter
        return
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        raise ValueError(f"month {parts[1]:02d} does not exist")
    if len(parts) == 3:
        try:
            dt.date(*parts)
        except ValueError:
            raise ValueError(f"day {parts[2]:02d} does not exist in {parts[0]}-{parts[1]:02d}") from None


def _plain_bounds(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a plain YYYY, YYYY-MM or YYYY-MM-DD (already checked by _check_calendar).

    The edtf library gives the same bounds (tests/test_dates.py compares them over every month of several
    years), but its pyparsing grammar takes some 10 ms a date, which at 50,000 records was most of `validate`.
    """
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], calendar.monthrange(*parts)[1])
    day = dt.date(*parts)
    return day, day


@functools.lru_cache(maxsize=4096)
def _edtf_bounds(text: str) -> tuple[dt.date | None, dt.date | None]:
    """Any other EDTF level 1 form, read by the edtf library: its earliest and latest day (None: open).

    Memoised by the text (a pure function of it): a base repeats the same few intervals and open ends.
    """
    try:
        parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError):
        raise ValueError(f"{text!r} is not a date; write {FORMATS}") from None
    if type(parsed).__name__ not in _LEVEL_1:
        raise ValueError(f"{text!r} uses EDTF beyond level 1; write a date, an interval or an open end")
    earliest, latest = _day(parsed.lower_fuzzy()), _day(parsed.upper_fuzzy())
    if earliest is not None and latest is not None and earliest > latest:
        raise ValueError(f"{text!r} ends before it begins: the lower bound is after the upper bound")
    return earliest, latest


def _day(value: Any) -> dt.date | None:
    """A bound from the edtf library (a struct_time, or an infinite float for an open end) as a date."""
    if isinstance(value, time.struct_time):
        return dt.date(value.tm_year, value.tm_mon, value.tm_mday) if value.tm_year >= 1 else None
    return None


def display_text(text: str) -> str:
    """An EDTF string in words: intervals, open ends, seasons, uncertain (?) and approximate (~) dates."""
    if "/" in text:
        start, end = text.split("/", 1)
        if end in ("..", ""):
            return f"{display_text(start)} or later"
        if start in ("..", ""):
            return f"{display_text(end)} or earlier"
        return f"{display_text(start)} to {display_text(end)}"
    qualifier = text[-1] if text[-1:] in "?~%" else ""
    core = text.rstrip("?~%").replace("X", "")
    core = core.rstrip("-")
    parts = core.split("-")
    words = parts[0]
    if len(parts) >= 2 and parts[1] in SEASONS:
        words = f"{SEASONS[parts[1]]} {parts[0]}"
    elif len(parts) == 2 and parts[1]:
        words = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    elif len(parts) == 3 and parts[2]:
        words = f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return {"?": f"{words} (uncertain)", "~": f"about {words}", "%": f"about {words} (uncertain)"}.get(qualifier,
                                                                                                       words)


def display_date(date: PartialDate | None) -> str:
    """A template filter: the date in words, or 'date unknown'."""
    return date.display() if date is not None else "date unknown"


def latest(dates: list[PartialDate | None]) -> PartialDate | None:
    """The latest of some dates as written; of '2024' and '2024-04', the more precise one."""
    known = sorted((d for d in dates if d is not None), key=lambda d: d.text)
    return known[-1] if known else None


def display_written(text: object) -> str:
    """A date from a file that may not be valid yet (a pull request under review): in words if it parses."""
    try:
        return PartialDate.parse(str(text)).display()
    except ValueError:
        return str(text)
