"""Partial dates: a date as precise as the source gives it, kept exactly as written.

Sources date things to the year ("in 2024"), the month ("last March") or the
day. Padding "2024-03" to "2024-03-01" would invent a day, so a `PartialDate`
keeps the text as written and knows the range of days it can mean: its
earliest and latest day. Comparisons use that range, so they only answer what
the text allows: "2024-03" is certainly after "2023" and certainly before
"2024-04", but neither before nor after "2024".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

PATTERN = r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$"
FORMATS = "YYYY, YYYY-MM or YYYY-MM-DD"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
Precision = Literal["year", "month", "day"]
_SHAPE = re.compile(PATTERN)


class PartialDate:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real calendar date, with the range of days it covers."""

    __slots__ = ("earliest", "latest", "text")

    def __init__(self, text: str, earliest: dt.date, latest: dt.date) -> None:
        self.text, self.earliest, self.latest = text, earliest, latest

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read a partial date; ValueError says what is wrong in words an analyst can act on."""
        if not _SHAPE.match(text):
            raise ValueError(f"{text!r} is not a date; write {FORMATS}")
        parts = [int(p) for p in text.split("-")]
        year = parts[0]
        if year < 1:
            raise ValueError("year 0000 does not exist")
        if len(parts) == 1:
            return cls(text, dt.date(year, 1, 1), dt.date(year, 12, 31))
        month = parts[1]
        if not 1 <= month <= 12:
            raise ValueError(f"month {month:02d} does not exist")
        last = calendar.monthrange(year, month)[1]
        if len(parts) == 2:
            return cls(text, dt.date(year, month, 1), dt.date(year, month, last))
        day = parts[2]
        if not 1 <= day <= last:
            raise ValueError(f"day {day:02d} does not exist in {year}-{month:02d}")
        return cls(text, dt.date(year, month, day), dt.date(year, month, day))

    @property
    def precision(self) -> Precision:
        return ("year", "month", "day")[self.text.count("-")]

    def is_after(self, other: PartialDate) -> bool:
        """Certainly later: every day this date can mean is after every day `other` can mean."""
        return self.earliest > other.latest

    def is_before(self, other: PartialDate) -> bool:
        """Certainly earlier, in the same sense as `is_after`."""
        return self.latest < other.earliest

    def is_future(self, today: dt.date) -> bool:
        """Certainly after today: even its earliest day has not come yet."""
        return self.earliest > today

    def display(self) -> str:
        """In words, at the precision written: '2024', 'March 2024', '5 March 2024'. Never padded."""
        year, month, day = self.earliest.year, self.earliest.month, self.earliest.day
        if self.precision == "year":
            return self.text
        if self.precision == "month":
            return f"{MONTHS[month - 1]} {year}"
        return f"{day} {MONTHS[month - 1]} {year}"

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
        """Validated from a quoted string of the right shape; written back (JSON, model_dump) as that string."""
        return core_schema.no_info_after_validator_function(
            _from_text,
            core_schema.str_schema(pattern=PATTERN),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


def _from_text(text: str) -> PartialDate:
    return PartialDate.parse(text)


def display_date(date: PartialDate | None) -> str:
    """A template filter: the date in words, or 'date unknown'."""
    return date.display() if date is not None else "date unknown"


def latest(dates: list[PartialDate | None]) -> PartialDate | None:
    """The latest of some partial dates as written; of '2024' and '2024-04', the more precise one."""
    known = sorted((d for d in dates if d is not None), key=lambda d: d.text)
    return known[-1] if known else None


def display_written(text: object) -> str:
    """A date from a file that may not be valid yet (a pull request under review): in words if it parses."""
    try:
        return PartialDate.parse(str(text)).display()
    except ValueError:
        return str(text)
