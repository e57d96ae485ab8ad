"""Everything the statistics page shows, each part computed once per its own parameters and
the version of the data it reads (analysis/freshness.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casebook.analysis.counts import (
    DIMENSIONS,
    CountTables,
    counts_breakdown,
    counts_total,
    with_breakdown,
)
from casebook.analysis.freshness import DataVersion, cached, data_versions
from casebook.analysis.growth import Growth, growth_compute
from casebook.analysis.outcomes import Funnel, funnel_compute
from casebook.analysis.recording import RecordingCoverage, recording_coverage
from casebook.cases.search import search_scope

# Parameters of the page that choose how to count, not which incidents: the funnel and the
# totals are shared by every breakdown, the coverage by every filter.
HOW = ("unit", "by", "measure", "seasonal")


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
    versions: DataVersion | None = None,
) -> Statistics:
    """The page's figures for the incident list's `filters`; `key` (the request's own
    parameters, as plain text: a list of (name, value)) keys the cache, which the data
    version keeps fresh.

    Each part is cached apart, keyed by what decides it: a new breakdown reuses the totals,
    the trend and the funnel; a new unit reuses the funnel; the monitor adding sources
    forgets only the recording coverage and the trend (whose caveats name its changes).

    Words searched (`q`) are searched as `reader` may search them (cases.search): an
    analyst's count never reveals a name typed into a summary, and the cache keeps each
    way of searching apart. `versions`: the data's, if the caller has read them."""
    versions = versions or data_versions()
    today = dt.date.today()

    def counts_of() -> CountTables:
        return counts_total(filters=filters, unit=unit, reader=reader)

    def coverage_of() -> RecordingCoverage:
        return recording_coverage(unit)

    def growth_of() -> Growth:
        return growth_compute(totals, coverage, measure=measure, seasonal=seasonal, today=today)

    def funnel_of() -> Funnel:
        return funnel_compute(filters=filters, today=today, reader=reader)

    def breakdown_of():
        return counts_breakdown(filters=filters, unit=unit, by=by, reader=reader)

    if key is None:
        totals, coverage = counts_of(), coverage_of()
        growth, funnel = growth_of(), funnel_of()
        breakdown = breakdown_of() if by in DIMENSIONS else None
    else:
        scope = search_scope(reader) if filters.get("q") else ""
        which = [[name, value] for name, value in key if name not in HOW]  # type: ignore[attr-defined]
        record, sources = versions.record, versions.sources
        totals = cached("totals", [which, scope, unit], counts_of, version=record)
        coverage = cached("coverage", [unit], coverage_of, version=sources)
        growth = cached(
            "growth",
            [which, scope, unit, measure, seasonal, str(today)],
            growth_of,
            version=str(versions),
        )
        funnel = cached("funnel", [which, scope, str(today)], funnel_of, version=record)
        breakdown = (
            cached("breakdown", [which, scope, unit, by], breakdown_of, version=record)
            if by in DIMENSIONS
            else None
        )
    tables = with_breakdown(totals, breakdown) if breakdown is not None else totals
    return Statistics(tables, coverage, growth, funnel, str(versions))
