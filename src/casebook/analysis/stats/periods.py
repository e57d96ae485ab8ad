"""Period labels of a series: years (`2024`), quarters (`2024-Q1`), months (`2024-03`) or
ISO weeks (`2024-W05`).

A series must be one kind of period and consecutive: a missing period is an error, not a
zero, because "nothing recorded" and "not in the file" are different facts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

YEAR = re.compile(r"^(\d{4})$")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
ORDINALS = ("first", "second", "third", "fourth")
# Not calendar.month_name: that follows the process's locale, and reports are in English.
MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


class PeriodError(ValueError):
    """A period label that cannot be read, or a series with a gap or a mixture of kinds."""


@dataclass(frozen=True, order=True)
class Period:
    unit: str  # "year", "quarter", "month" or "week"
    year: int
    number: int  # quarter 1–4, month 1–12, ISO week 1–53, or 0 for a year

    @property
    def label(self) -> str:
        if self.unit == "year":
            return f"{self.year:04d}"
        if self.unit == "month":
            return f"{self.year:04d}-{self.number:02d}"
        if self.unit == "quarter":
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}-W{self.number:02d}"

    @property
    def phrase(self) -> str:
        """How a sentence names it: "2024", "March 2024", "the week of 5 February 2024"."""
        if self.unit == "year":
            return str(self.year)
        if self.unit == "month":
            return f"{MONTH_NAMES[self.number - 1]} {self.year}"
        if self.unit == "quarter":
            return f"the {ORDINALS[self.number - 1]} quarter of {self.year}"
        monday = self.start
        return f"the week of {monday.day} {MONTH_NAMES[monday.month - 1]} {monday.year}"

    @property
    def start(self) -> dt.date:
        if self.unit == "year":
            return dt.date(self.year, 1, 1)
        if self.unit == "month":
            return dt.date(self.year, self.number, 1)
        if self.unit == "quarter":
            return dt.date(self.year, 3 * self.number - 2, 1)
        return dt.date.fromisocalendar(self.year, self.number, 1)

    def next(self) -> Period:
        if self.unit == "year":
            return Period("year", self.year + 1, 0)
        if self.unit == "month":
            year, month = divmod(self.year * 12 + self.number, 12)
            return Period("month", year, month + 1)
        if self.unit == "quarter":
            year, quarter = divmod(self.year * 4 + self.number, 4)
            return Period("quarter", year, quarter + 1)
        following = self.start + dt.timedelta(days=7)
        iso = following.isocalendar()
        return Period("week", iso.year, iso.week)


def period_parse(label: str) -> Period:
    """Read one label.

    >>> period_parse("2024-3").label, period_parse("2024-W5").phrase
    ('2024-03', 'the week of 29 January 2024')
    """
    text = str(label).strip()
    if match := YEAR.match(text):
        return Period("year", int(match[1]), 0)
    if match := MONTH.match(text):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"{text!r}: the month must be 01 to 12.")
        return Period("month", int(match[1]), month)
    if match := QUARTER.match(text):
        return Period("quarter", int(match[1]), int(match[2]))
    if match := WEEK.match(text):
        year, week = int(match[1]), int(match[2])
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise PeriodError(f"{text!r}: {year} has no ISO week {week}.") from None
        return Period("week", year, week)
    raise PeriodError(
        f"{text!r} is not a period: write a year (2024), a quarter (2024-Q1), a month "
        "(2024-03) or an ISO week (2024-W05)."
    )


def periods_parse(labels: Sequence[str]) -> list[Period]:
    """Read a whole series' labels and check they are one kind, in order, without gaps."""
    periods = [period_parse(label) for label in labels]
    if not periods:
        raise PeriodError("The series has no periods.")
    units = {p.unit for p in periods}
    if len(units) > 1:
        raise PeriodError(f"The series mixes kinds of period ({', '.join(sorted(units))}).")
    for before, after in zip(periods, periods[1:], strict=False):
        expected = before.next()
        if after != expected:
            if after <= before:
                raise PeriodError(
                    f"{after.label} comes after {before.label}: periods must be in order, "
                    "each once."
                )
            raise PeriodError(
                f"{expected.label} is missing between {before.label} and {after.label}: "
                "add it with a count of 0 if nothing was recorded then."
            )
    return periods
