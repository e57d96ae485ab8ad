"""Everything the statistics page shows, computed once per parameters and data version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casebook.analysis.counts import CountTables, counts_compute
from casebook.analysis.freshness import cached, data_version
from casebook.analysis.growth import Growth, growth_compute
from casebook.analysis.outcomes import Funnel, funnel_compute
from casebook.analysis.recording import RecordingCoverage, recording_coverage
from casebook.cases.search import search_scope


@dataclass(frozen=True)
class Statistics:
    tables: CountTables
    coverage: RecordingCoverage
    growth: Growth
    funnel: Funnel
    version: str


def statistics_compute(
    *,
    filters: dict,
    unit: str,
    by: str = "",
    measure: str = "incidents",
    seasonal: bool = False,
    key: object = None,
    reader=None,
) -> Statistics:
    """The page's figures for the incident list's `filters`; `key` (the request's own
    parameters, as plain text) keys the cache, which the data version keeps fresh.

    Words searched (`q`) are searched as `reader` may search them (cases.search): an
    analyst's count never reveals a name typed into a summary, and the cache keeps each
    way of searching apart."""
    version = data_version()
    today = dt.date.today()

    def compute() -> Statistics:
        tables = counts_compute(filters=filters, unit=unit, by=by, reader=reader)
        coverage = recording_coverage(unit)
        growth = growth_compute(tables, coverage, measure=measure, seasonal=seasonal, today=today)
        funnel = funnel_compute(filters=filters, today=today, reader=reader)
        return Statistics(tables, coverage, growth, funnel, version)

    if key is None:
        return compute()
    scope = search_scope(reader) if filters.get("q") else ""
    return cached("statistics", [key, scope, str(today)], compute, version=version)
