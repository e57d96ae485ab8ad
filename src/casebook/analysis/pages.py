"""What the statistics page shows, as plain rows of figures with their links to the list.

Every figure carries the address of the incident list filtered to exactly the incidents
behind it: the page's filters, the breakdown's value and the period, in the list's own
parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from casebook.analysis.counts import Cell, CountTables, Row

CROSS_ROWS = 10  # values of a breakdown shown per period (the rest: totals only)


@dataclass(frozen=True)
class Figure:
    value: int
    url: str | None  # None where the list has no filter for it (e.g. "not recorded")


@dataclass(frozen=True)
class Line:
    label: str
    incidents: Figure
    acts: Figure
    people: Figure
    unknown: int


class Links:
    def __init__(self, form):
        self.form = form
        self.base = reverse("casework:incident-list")

    def url(self, **extra: str) -> str:
        query = self.form.list_query(**extra)
        return f"{self.base}?{query}" if query else self.base

    def line(self, label: str, cell: Cell, url: str | None) -> Line:
        return Line(
            label=label,
            incidents=Figure(cell.incidents, url),
            acts=Figure(cell.acts, url),
            people=Figure(cell.people, url),
            unknown=cell.unknown,
        )


def _filter_of(tables: CountTables, row: Row) -> dict[str, str]:
    return {tables.dimension.slug: row.key} if tables.dimension and row.key else {}


def series_lines(tables: CountTables, links: Links) -> list[Line]:
    return [
        links.line(
            period.label,
            tables.total.by_period.get(period, Cell()),
            links.url(period=period.label),
        )
        for period in tables.periods
    ]


def breakdown_lines(tables: CountTables, links: Links) -> list[Line]:
    lines = [
        links.line(row.label, row.total, links.url(**_filter_of(tables, row)))
        for row in tables.rows
    ]
    if tables.unrecorded is not None and (
        tables.unrecorded.total.incidents or tables.unrecorded.total.acts
    ):
        lines.append(links.line(tables.unrecorded.label, tables.unrecorded.total, None))
    return lines


@dataclass(frozen=True)
class CrossRow:
    label: str
    cells: list[Figure]
    total: Figure


def cross_rows(tables: CountTables, links: Links, measure: str = "incidents") -> list[CrossRow]:
    """The first CROSS_ROWS values of the breakdown, one figure per period."""
    rows = []
    for row in tables.rows[:CROSS_ROWS]:
        own = _filter_of(tables, row)
        cells = [
            Figure(
                row.by_period.get(period, Cell()).measure(measure),
                links.url(**own, period=period.label),
            )
            for period in tables.periods
        ]
        rows.append(
            CrossRow(row.label, cells, Figure(row.total.measure(measure), links.url(**own)))
        )
    return rows
