"""What a report says, as figures for outside use: every count small cells suppressed.

The report is what an analyst hands to a journalist, so everything in it follows the rule of
the statistics export (analysis/stats/suppression.py): a count from 1 to threshold − 1 is
shown as "<5", and where a table prints its sum, more cells are hidden ("[c]") until no
hidden count can be worked out from the rest. A share or an interval computed from a hidden
count is hidden with it. Nothing in a report is free text: the labels are the codebook's
(forces, acts, provisions, triggers, outcomes) and country names; a breakdown by protest,
whose names are free text, is left to the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from casebook.analysis.capture import CaptureReport
from casebook.analysis.counts import Cell, counts_compute
from casebook.analysis.pages import stretches
from casebook.analysis.services import Statistics
from casebook.analysis.stats.suppression import suppress_table, suppress_value

# Breakdowns in a report, in this order: the page's, less the protest (its name is free text).
DIMENSIONS = ("act_type", "provision", "trigger", "outcome", "force", "country")
ROWS = 12  # values of a breakdown listed; the rest are summed in one row
MEASURES = ("incidents", "acts", "people")


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[str]  # as published: numbers, "<5" or "[c]"
    total: bool = False  # the table's sum


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[Row]
    note: str = ""


def suppressed_rows(
    labels: list[str], cells: list[Cell], *, threshold: int, sum_label: str
) -> list[Row]:
    """Incidents, acts and people affected per line, each column suppressed as a 1-D table
    with its sum (the sum is the last row)."""
    if not cells:
        return []
    columns = []
    for measure in MEASURES:
        values = np.array([cell.measure(measure) for cell in cells], dtype=np.int64)
        columns.append(list(suppress_table(values, threshold=threshold).shown()))
    rows = [list(row) for row in zip(*columns, strict=True)]
    names = [*labels, sum_label]
    return [
        Row(name, [str(c) for c in row], total=index == len(labels))
        for index, (name, row) in enumerate(zip(names, rows, strict=True))
    ]


def breakdown_table(
    *, filters: dict, by: str, reader, threshold: int, limit: int = ROWS
) -> tuple[Table, list[tuple[str, int]]]:
    """One breakdown as a suppressed table, and its largest values (label, incidents) for
    the chart."""
    tables = counts_compute(filters=filters, unit="year", by=by, reader=reader)
    dimension = tables.dimension
    assert dimension is not None
    labels = [row.label for row in tables.rows[:limit]]
    cells = [row.total for row in tables.rows[:limit]]
    rest = tables.rows[limit:]
    if rest:
        other = Cell()
        for row in rest:
            other.add(row.total)
        labels.append(f"The other {len(rest)} {'value' if len(rest) == 1 else 'values'}")
        cells.append(other)
    unrecorded = tables.unrecorded
    if unrecorded is not None and (unrecorded.total.incidents or unrecorded.total.acts):
        labels.append("Not recorded")
        cells.append(unrecorded.total)
    if dimension.level == "incident":
        total, note = "All", ""
    else:
        total = "Sum of the rows"
        note = (
            f"An incident is counted under every {dimension.label.lower()} its acts have, so "
            "the rows add up to more than the number of incidents."
        )
    rows = suppressed_rows(labels, cells, threshold=threshold, sum_label=total)
    largest = [(row.label, row.total.incidents) for row in tables.rows[:limit]]
    return Table(f"By {dimension.label.lower()}", rows, note), largest


@dataclass(frozen=True)
class FunnelRow:
    label: str
    arrests: str
    people: str
    share: str  # "34%" or "—" when hidden
    interval: str


@dataclass(frozen=True)
class MedianLine:
    what: str
    text: str


@dataclass(frozen=True)
class StretchRow:
    first: str
    last: str
    total: str
    rate: str


@dataclass(frozen=True)
class ChannelRow:
    name: str
    sources: str
    first: str
    last: str


@dataclass
class Content:
    """Every figure of a report, as published."""

    threshold: int
    unit: str
    generated: dt.datetime
    totals: list[tuple[str, str]]  # (what, count as published)
    unknown_people: str  # acts whose number of people is not known
    coarse: str  # incidents too coarsely dated for the unit ("" when none)
    series: Table
    series_values: list[tuple[str, int, bool]]  # (period, incidents, hidden) for the chart
    growth: object  # analysis.growth.Growth
    stretch_rows: list[StretchRow]
    changes: list[str]
    channels: list[ChannelRow]
    breakdowns: list[Table] = field(default_factory=list)
    breakdown_chart: tuple[str, list[tuple[str, int]]] | None = None
    arrests: str = "0"
    arrest_people: str = "0"
    funnel: list[FunnelRow] = field(default_factory=list)
    funnel_hidden: set[str] = field(default_factory=set)
    medians: list[MedianLine] = field(default_factory=list)
    times_shown: bool = False
    untimed: str = ""
    undercount: CaptureReport | None = None


def _funnel(content: Content, funnel, threshold: int) -> None:
    content.arrests = suppress_value(funnel.arrests, threshold=threshold)
    content.arrest_people = suppress_value(funnel.people, threshold=threshold)
    # Shares of a hidden total would give it away (0 of n has an interval that names n).
    few = 0 < funnel.arrests < threshold
    for step in funnel.steps:
        hidden = few or 0 < step.arrests < threshold
        if hidden:
            content.funnel_hidden.add(step.label)
        share = step.share
        content.funnel.append(
            FunnelRow(
                label=step.label,
                arrests=suppress_value(step.arrests, threshold=threshold),
                people=suppress_value(step.people, threshold=threshold),
                share="—" if hidden else f"{share.proportion * 100:.0f}%",
                interval="—" if hidden else f"{share.lower * 100:.0f}–{share.upper * 100:.0f}%",
            )
        )
    # A curve or a median from a handful of arrests tells the day each of them was charged.
    content.times_shown = bool(funnel.times) and all(
        time.events == 0 or time.events >= threshold for time in funnel.times
    )
    for time in funnel.times:
        if 0 < time.events < threshold:
            text = f"fewer than {threshold} arrests reached it: not shown outside"
        elif time.median is not None:
            low, high = time.interval
            text = (
                f"{time.median:.0f} days (95% interval {'?' if low is None else f'{low:.0f}'} "
                f"to {'not yet reached' if high is None else f'{high:.0f}'}); "
                f"{time.events:,} reached it, {time.censored:,} censored"
            )
        elif time.events:
            text = f"not reached: fewer than half have come to {time.what} yet"
        else:
            text = f"no {time.what} with a date recorded"
        content.medians.append(MedianLine(time.what, text))
    if funnel.untimed:
        content.untimed = suppress_value(funnel.untimed, threshold=threshold)


def content_compute(
    figures: Statistics,
    *,
    filters: dict,
    reader,
    threshold: int,
    undercount: CaptureReport | None,
    generated: dt.datetime,
) -> Content:
    """The report's figures from the statistics page's (`figures`) and the breakdowns."""
    tables = figures.tables
    unit = tables.unit
    total = tables.total.total
    labels = [period.label for period in tables.periods]
    cells = [tables.total.by_period.get(period, Cell()) for period in tables.periods]
    coarse = tables.total.coarse
    if coarse.incidents or coarse.acts:
        labels.append(f"Too coarsely dated for a {unit}")
        cells.append(coarse)
    series_rows = suppressed_rows(labels, cells, threshold=threshold, sum_label="All")
    series_values = [
        (period.label, cell.incidents, 0 < cell.incidents < threshold or row.cells[0] == "[c]")
        for period, cell, row in zip(tables.periods, cells, series_rows, strict=False)
    ]
    content = Content(
        threshold=threshold,
        unit=unit,
        generated=generated,
        totals=[
            ("Incidents", suppress_value(total.incidents, threshold=threshold)),
            ("Acts", suppress_value(total.acts, threshold=threshold)),
            ("People affected", suppress_value(total.people, threshold=threshold)),
        ],
        unknown_people=suppress_value(total.unknown, threshold=threshold) if total.unknown else "",
        coarse=suppress_value(coarse.incidents, threshold=threshold) if coarse.incidents else "",
        series=Table(f"Per {unit}", series_rows),
        series_values=series_values,
        growth=figures.growth,
        stretch_rows=[
            StretchRow(
                s.first,
                s.last,
                suppress_value(s.total, threshold=threshold),
                f"{s.rate:.1f}" if s.total >= threshold else "—",
            )
            for s in stretches(figures.growth)
        ],
        changes=[
            f"{period.phrase[:1].upper()}{period.phrase[1:]}: {what}"
            for period, what in figures.growth.changes
        ],
        channels=[
            ChannelRow(
                channel.name,
                suppress_value(sum(channel.by_period.values()), threshold=threshold),
                channel.first.phrase if channel.first else "",
                channel.last.phrase if channel.last else "",
            )
            for channel in figures.coverage.channels
        ],
        undercount=undercount,
    )
    for by in DIMENSIONS:
        table, largest = breakdown_table(filters=filters, by=by, reader=reader, threshold=threshold)
        if len(table.rows) > 1:
            content.breakdowns.append(table)
            if by == "act_type":
                content.breakdown_chart = ("Act", largest)
    _funnel(content, figures.funnel, threshold)
    return content
