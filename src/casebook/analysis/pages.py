"""What the statistics page shows, as plain rows of figures with their links to the list.

Every figure carries the address of the incident list filtered to exactly the incidents
behind it: the page's filters, the breakdown's value and the period, in the list's own
parameters.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html import escape
from urllib.parse import quote_plus

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from casebook.analysis import charts
from casebook.analysis.counts import Cell, CountTables, Row
from casebook.analysis.stats.suppression import suppress_table

CROSS_ROWS = 10  # values of a breakdown shown per period (the rest: totals only)
# Values of a breakdown listed on the page (largest first): a breakdown by protest has one
# row per protest, tens of thousands at 100,000 incidents, which took seconds to render.
BREAKDOWN_ROWS = 100


@dataclass(frozen=True)
class Figure:
    value: int
    url: str | None  # None where the list has no filter for it (e.g. "not recorded")

    @property
    def td(self) -> SafeString:
        """The figure's table cell, linked to its incidents: written here rather than by a
        template included per cell (a weekly table by value has thousands of cells), with
        the escaping format_html would do, without its cost per call."""
        if self.url:
            return SafeString(
                f'<td class="num"><a href="{escape(self.url)}">{self.value:,}</a></td>'
            )
        return SafeString(f'<td class="num">{self.value:,}</td>')


def grouped(value: int) -> str:
    """A count with thousands separated, as `intcomma` writes it in British English.

    >>> grouped(1234567)
    '1,234,567'
    """
    return f"{value:,}"


@dataclass(frozen=True)
class Line:
    label: str
    incidents: Figure
    acts: Figure
    people: Figure
    unknown: int


@lru_cache(maxsize=4096)  # a cross table repeats each period's and each value's pair
def _pair(name: str, value: object) -> str:
    return f"{quote_plus(name)}={quote_plus(str(value))}"


class Links:
    def __init__(self, form):
        self.form = form
        self.base = reverse("casework:incident-list")
        # Read and encoded once: a weekly table by value links thousands of cells.
        self.encoded = {name: _pair(name, value) for name, value in form.list_params().items()}

    def url(self, **extra: str) -> str:
        """The list's address for the page's filters and `extra` ones; the same text as
        `form.list_query` writes (parameters in name order)."""
        pairs = {**self.encoded, **{k: _pair(k, v) for k, v in extra.items() if v}}
        if not pairs:
            return self.base
        return f"{self.base}?{'&'.join(pairs[name] for name in sorted(pairs))}"

    @staticmethod
    def line_of(label: str, cell: Cell) -> Line:
        return Line(
            label,
            Figure(cell.incidents, None),
            Figure(cell.acts, None),
            Figure(cell.people, None),
            cell.unknown,
        )

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


def breakdown_lines(tables: CountTables, links: Links, limit: int | None = None) -> list[Line]:
    lines = [
        links.line(row.label, row.total, links.url(**_filter_of(tables, row)))
        for row in tables.rows[:limit]
    ]
    if tables.unrecorded is not None and (
        tables.unrecorded.total.incidents or tables.unrecorded.total.acts
    ):
        # The list's `unrecorded` filter finds exactly these (cases.selectors.UNRECORDED).
        url = links.url(unrecorded=tables.dimension.slug) if tables.dimension else None
        lines.append(links.line(tables.unrecorded.label, tables.unrecorded.total, url))
    return lines


@dataclass(frozen=True)
class CrossRow:
    label: str
    cells: list[Figure]
    total: Figure

    @cached_property
    def cells_td(self) -> SafeString:
        """Every cell of the row, written in one go rather than by a template loop (and
        once: the page's context is kept between requests, analysis/views.py)."""
        return mark_safe("".join(figure.td for figure in self.cells))  # noqa: S308 (escaped)


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


@dataclass(frozen=True)
class CoverageRow:
    label: str
    cells: list[int]
    first: str
    last: str

    @cached_property
    def cells_td(self) -> SafeString:
        return mark_safe("".join(f'<td class="num">{n}</td>' for n in self.cells))  # noqa: S308


def coverage_rows(coverage, periods) -> list[CoverageRow]:
    """Sources retrieved per channel in each period of the series."""
    return [
        CoverageRow(
            label=channel.name,
            cells=[channel.by_period.get(period, 0) for period in periods],
            first=channel.first.phrase if channel.first else "",
            last=channel.last.phrase if channel.last else "",
        )
        for channel in coverage.channels
    ]


@dataclass(frozen=True)
class Stretch:
    first: str
    last: str
    rate: float
    total: int


def stretches(growth) -> list[Stretch]:
    """The changepoint search's segments in words: from, to, and the rate a period."""
    report = growth.report
    if report is None or report.segmentation is None:
        return []
    return [
        Stretch(
            first=growth.periods[segment.start].label,
            last=growth.periods[segment.last].label,
            rate=segment.rate,
            total=int(segment.total),
        )
        for segment in report.segmentation.segments
    ]


@dataclass(frozen=True)
class FunnelLine:
    label: str
    step: object
    arrests_figure: Figure
    share: str
    lower: str
    upper: str


def funnel_lines(funnel, links: Links) -> list[FunnelLine]:
    """The funnel's steps, each arrest count linked to the list where it can be."""
    lines = []
    for step in funnel.steps:
        url = links.url(act_type="arrest", outcome=step.slug) if step.linked else None
        lines.append(
            FunnelLine(
                label=step.label,
                step=step,
                arrests_figure=Figure(step.arrests, url),
                share=f"{step.share.proportion * 100:.0f}",
                lower=f"{step.share.lower * 100:.0f}",
                upper=f"{step.share.upper * 100:.0f}",
            )
        )
    return lines


def statistics_context(figures, links: Links) -> dict:
    """The template's context for the page's figures."""
    tables = figures.tables
    series = series_lines(tables, links)
    breakdown = breakdown_lines(tables, links, BREAKDOWN_ROWS) if tables.dimension else []
    funnel = funnel_lines(figures.funnel, links)
    growth_stretches = stretches(figures.growth)
    drawn = {"series": charts.series_chart(series, unit=tables.unit, stretches=growth_stretches)}
    if breakdown and tables.dimension:
        drawn["breakdown"] = charts.breakdown_chart(breakdown, label=tables.dimension.label)
    if figures.funnel.arrests:
        drawn["funnel"] = charts.funnel_chart(funnel)
        if any(time.curve for time in figures.funnel.times):
            drawn["survival"] = charts.survival_chart(figures.funnel.times)
    return {
        "tables": tables,
        "unit": tables.unit,
        "overall": links.line("All matching incidents", tables.total.total, links.url()),
        "coarse": tables.total.coarse,
        "coarse_url": links.url(coarse=tables.unit) if tables.unit != "year" else None,
        "series": series,
        "breakdown": breakdown,
        "cross": cross_rows(tables, links) if tables.dimension else [],
        "cross_limit": CROSS_ROWS,
        "breakdown_limit": BREAKDOWN_ROWS,
        "all_breakdown": (
            (lambda: breakdown_lines(tables, links)) if tables.dimension else (lambda: [])
        ),
        "growth": figures.growth,
        "stretches": growth_stretches,
        "coverage": coverage_rows(figures.coverage, tables.periods),
        "funnel": figures.funnel,
        "funnel_steps": funnel,
        "arrests_url": links.url(act_type="arrest"),
        "data_version": figures.version,
        "charts": drawn,
        "survival_table": survival_table(figures.funnel.times),
    }


SURVIVAL_DAYS = (7, 30, 90, 180, 365)


def survival_table(times) -> list[tuple[int, list[str]]]:
    """The survival chart's text alternative: the share reached by day d, per outcome."""
    rows = []
    for day in SURVIVAL_DAYS:
        cells = []
        for time in times:
            if time.curve is None:
                cells.append("—")
            else:
                cells.append(f"{(1 - time.curve.survival_at(day)) * 100:.0f}%")
        rows.append((day, cells))
    return rows


def _suppressed_columns(lines: list, threshold: int) -> list[list[str]]:
    """Each of incidents, acts and people as a 1-D table with its sum, suppressed: small
    counts as "<threshold" and, where a sum would give one away, more cells as "[c]"."""
    import numpy as np

    columns = []
    for measure in ("incidents", "acts", "people"):
        values = np.array([getattr(line, measure).value for line in lines], dtype=np.int64)
        columns.append(list(suppress_table(values, threshold=threshold).shown()))
    return [list(row) for row in zip(*columns, strict=True)]


def export_write(out, context: dict, *, threshold: int, filters) -> None:
    """The page's counts as CSV for outside use. Counts from 1 to threshold − 1 are shown as
    "<threshold" (zeros are published: "no case" identifies no one), and each table is
    given with its sum and complementary suppression ("[c]", analysis/stats/suppression.py),
    so no hidden count can be worked out from the rest."""
    writer = csv.writer(out)
    writer.writerow(
        ["# Casebook statistics for outside use", f"counts 1–{threshold - 1} shown as <{threshold}"]
    )
    writer.writerow(["# filters", "; ".join(f"{k}={v}" for k, v in filters) or "none"])
    writer.writerow(["# data version", context["data_version"]])
    writer.writerow(["table", "row", "incidents", "acts", "people affected"])

    def table(name: str, lines: list, sum_label: str) -> None:
        if not lines:
            return
        shown = _suppressed_columns(lines, threshold)
        labels = [line.label for line in lines] + [sum_label]
        for label, cells in zip(labels, shown, strict=True):
            writer.writerow([name, label, *cells])

    unit = context["unit"]
    coarse = context["coarse"]
    series = list(context["series"])
    if coarse.incidents or coarse.acts:
        series.append(Links.line_of(f"too coarse to place in a {unit}", coarse))
    table(f"per {unit}", series, "all")
    if context["breakdown"]:
        dimension = context["tables"].dimension
        every = context["all_breakdown"]()
        total = (
            "all"
            if dimension.level == "incident"
            else "sum of the rows (an incident may be in several)"
        )
        table(f"by {dimension.label.lower()}", every, total)
