"""'Is it growing?' for the series the statistics page draws.

The series is the page's own: the counts per period of the incidents (or acts, or people)
matching its filters, from the first period with a count to the last, zeros included. A
period that has not ended yet is left out of the trend (its count is still growing, and
would read as a fall) and the page says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casebook.analysis.counts import Cell, CountTables
from casebook.analysis.recording import RecordingCoverage
from casebook.analysis.stats.refusal import Refused
from casebook.analysis.stats.trend import TrendReport, trend_report
from casebook.lib.periods import Period

MEASURES = {"incidents": "incidents", "acts": "acts", "people": "people affected"}


@dataclass(frozen=True)
class Growth:
    measure: str
    periods: list[Period]  # those the trend used
    counts: list[int]
    report: TrendReport | None
    refusal: str | None
    unfinished: Period | None  # left out: it has not ended
    changes: list[tuple[Period, str]]

    @property
    def what(self) -> str:
        return MEASURES[self.measure]


def growth_compute(
    tables: CountTables,
    coverage: RecordingCoverage,
    *,
    measure: str = "incidents",
    seasonal: bool = False,
    today: dt.date | None = None,
) -> Growth:
    today = today or dt.date.today()
    periods = list(tables.periods)
    unfinished = None
    if periods and periods[-1].end >= today:
        unfinished = periods.pop()
    counts = [tables.total.by_period.get(p, Cell()).measure(measure) for p in periods]
    changes = coverage.changes(periods)
    report, refusal = None, None
    if not periods:
        refusal = "No period has ended with a count in it, so there is no series to test."
    else:
        try:
            report = trend_report(
                [p.label for p in periods],
                counts,
                seasonal=seasonal,
                recording_changes=sorted({p.label for p, _ in changes}),
            )
        except (Refused, ValueError) as error:
            refusal = getattr(error, "reason", None) or str(error)
    return Growth(
        measure=measure,
        periods=periods,
        counts=counts,
        report=report,
        refusal=refusal,
        unfinished=unfinished,
        changes=changes,
    )
