"""Calendar periods that incidents are counted in, and which dates may be placed in them.

A period is an ISO week (`2024-W05`), a month (`2024-03`), a quarter (`2024-Q1`) or a year
(`2024`). An incident's date has a precision (day, month or year), and an incident is placed
in a period only when its precision is fine enough: an incident known only to the month is
never put in a week, one known only to the year never in a month or a quarter. Counting
and the incident list's `period` filter use the same rule (`Period.precisions`), so the
number on the statistics page and the incidents behind its link are the same incidents.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

UNITS = ("week", "month", "quarter", "year")
# Date precisions (cases.DatePrecision values) fine enough to place an incident in a unit.
PLACEABLE: dict[str, frozenset[str]] = {
    "week": frozenset({"day"}),
    "month": frozenset({"day", "month"}),
    "quarter": frozenset({"day", "month"}),
    "year": frozenset({"day", "month", "year"}),
}
MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
ORDINALS = ("first", "second", "third", "fourth")

# Written as people write them too: "2024-3" for March, "2024Q1", "2024W5".
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


class PeriodLabelError(ValueError):
    """A label that names no period; the message says how to write one."""


@dataclass(frozen=True, order=True)
class Period:
    """One calendar period.

    >>> p = Period.of(dt.date(2024, 2, 14), "quarter")
    >>> p.label, p.start, p.end, p.phrase
    ('2024-Q1', datetime.date(2024, 1, 1), datetime.date(2024, 3, 31), 'the first quarter of 2024')
    """

    unit: str
    year: int
    number: int  # ISO week 1–53, month 1–12, quarter 1–4, or 0 for a year

    @classmethod
    def of(cls, date: dt.date, unit: str) -> Period:
        """The period of `unit` that contains `date`."""
        if unit == "week":
            iso = date.isocalendar()
            return cls("week", iso.year, iso.week)
        if unit == "month":
            return cls("month", date.year, date.month)
        if unit == "quarter":
            return cls("quarter", date.year, (date.month - 1) // 3 + 1)
        if unit == "year":
            return cls("year", date.year, 0)
        raise ValueError(f"unknown unit {unit!r}")

    @property
    def label(self) -> str:
        if self.unit == "week":
            return f"{self.year:04d}-W{self.number:02d}"
        if self.unit == "month":
            return f"{self.year:04d}-{self.number:02d}"
        if self.unit == "quarter":
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"

    @property
    def phrase(self) -> str:
        if self.unit == "week":
            monday = self.start
            return f"the week of {monday.day} {MONTH_NAMES[monday.month - 1]} {monday.year}"
        if self.unit == "month":
            return f"{MONTH_NAMES[self.number - 1]} {self.year}"
        if self.unit == "quarter":
            return f"the {ORDINALS[self.number - 1]} quarter of {self.year}"
        return str(self.year)

    @property
    def start(self) -> dt.date:
        if self.unit == "week":
            return dt.date.fromisocalendar(self.year, self.number, 1)
        if self.unit == "month":
            return dt.date(self.year, self.number, 1)
        if self.unit == "quarter":
            return dt.date(self.year, 3 * self.number - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day in the period."""
        return self.next().start - dt.timedelta(days=1)

    @property
    def precisions(self) -> frozenset[str]:
        """The date precisions an incident needs to be placed in this period."""
        return PLACEABLE[self.unit]

    def next(self) -> Period:
        if self.unit == "week":
            return Period.of(self.start + dt.timedelta(days=7), "week")
        if self.unit == "month":
            year, month = divmod(self.year * 12 + self.number, 12)
            return Period("month", year, month + 1)
        if self.unit == "quarter":
            year, quarter = divmod(self.year * 4 + self.number, 4)
            return Period("quarter", year, quarter + 1)
        return Period("year", self.year + 1, 0)


def period_from_label(label: str) -> Period:
    """Read `2024`, `2024-03`, `2024-Q1` or `2024-W05` (also `2024-3`, `2024Q1`, `2024W5`).

    >>> period_from_label("2024-w05").phrase
    'the week of 29 January 2024'
    >>> period_from_label("2024-3").label, period_from_label("2024W5").label
    ('2024-03', '2024-W05')
    """
    text = str(label).strip()
    if match := _YEAR.match(text):
        return Period("year", int(match[1]), 0)
    if match := _MONTH.match(text):
        if not 1 <= int(match[2]) <= 12:
            raise PeriodLabelError(f"“{text}”: the month must be 01 to 12.")
        return Period("month", int(match[1]), int(match[2]))
    if match := _QUARTER.match(text):
        return Period("quarter", int(match[1]), int(match[2]))
    if match := _WEEK.match(text):
        year, week = int(match[1]), int(match[2])
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise PeriodLabelError(f"“{text}”: {year} has no ISO week {week}.") from None
        return Period("week", year, week)
    raise PeriodLabelError(
        f"“{text}” is not a period: write a year (2024), a month (2024-03), a quarter "
        "(2024-Q1) or an ISO week (2024-W05)."
    )


def periods_spanning(first: Period, last: Period) -> list[Period]:
    """Every period from `first` to `last`, both included, with none missing.

    >>> [p.label for p in periods_spanning(Period("quarter", 2023, 4), Period("quarter", 2024, 2))]
    ['2023-Q4', '2024-Q1', '2024-Q2']
    """
    periods = [first]
    while periods[-1] < last:
        periods.append(periods[-1].next())
    return periods
