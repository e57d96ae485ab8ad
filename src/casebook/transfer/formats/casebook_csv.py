"""Casebook's own CSV layout: one row per act, the incident's columns repeated.

An incident with several acts takes several rows that share an `incident_id`; its sources go
on those rows too (one source per row), with extra rows when it has more sources than acts.
Incident columns may be left empty on the later rows of an incident. The date column carries
its own precision: 2024-05-04 (day), 2024-05 (month), 2024 (year). Several outcomes of one act
go in one cell, separated by semicolons, with their dates in the same order in `outcome_date`.
The file never holds personal details: those travel only in JSON, and only when allowed.
A `problems` column (that of a rejects file, see `base.csv_write_rejects`) is not read.
"""

from __future__ import annotations

import csv
import difflib
import io
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import zip_longest
from typing import TextIO

import numpy as np

from casebook.transfer.formats.base import (
    PART_SIZE,
    PROBLEMS_COLUMN,
    CsvRejects,
    ReadItem,
    csv_table,
    drain,
    spreadsheet_safe,
    spreadsheet_unsafe,
    write_parts,
)
from casebook.transfer.records import (
    ActRecord,
    IncidentRecord,
    OutcomeRecord,
    Problem,
    SourceRecord,
    ValueProblem,
    parse_bool,
    parse_coordinate,
    parse_count,
    parse_date,
    parse_datetime,
    parse_time,
    split_list,
)

INCIDENT_COLUMNS = (
    "incident_id",
    "title",
    "summary",
    "date",
    "end_date",
    "time",
    "place",
    "country",
    "latitude",
    "longitude",
    "coordinate_precision",
    "force",
    "protest",
    "status",
    "tags",
)
ACT_COLUMNS = (
    "act_id",
    "act_type",
    "number_affected",
    "number_precision",
    "legal_provision",
    "offence_wording",
    "trigger_type",
    "trigger_wording",
    "perpetrator",
    "perpetrator_unit",
    "outcome",
    "outcome_date",
)
SOURCE_COLUMNS = (
    "source_id",
    "source_url",
    "source_title",
    "source_publisher",
    "source_kind",
    "source_channel",
    "source_published_at",
    "source_reliability",
    "source_credibility",
    "source_supports",
    "source_found_independently",
)
COLUMNS = INCIDENT_COLUMNS + ACT_COLUMNS + SOURCE_COLUMNS
REQUIRED_COLUMNS = ("title", "date")
# Free-text columns, where a leading "-" or "=" is words and must not run as a formula.
TEXT_COLUMNS = frozenset(COLUMNS) - {
    "date",
    "end_date",
    "time",
    "latitude",
    "longitude",
    "number_affected",
    "outcome_date",
    "source_published_at",
    "source_found_independently",
}


def format_date(value, precision: str = "day") -> str:
    """The date as this layout writes it, precision included.

    >>> import datetime as dt; format_date(dt.date(2024, 5, 1), "month")
    '2024-05'
    """
    if value is None:
        return ""
    if precision == "year":
        return f"{value:%Y}"
    if precision == "month":
        return f"{value:%Y-%m}"
    return value.isoformat()


class _IncidentBuilder:
    """Collects the rows of one incident, noticing when two rows disagree."""

    def __init__(self, row: int, external_id: str) -> None:
        self.first_row = row
        self.record = IncidentRecord(where=f"Row {row}", external_id=external_id)
        self.rows: list[int] = []
        self.seen: dict[str, tuple[int, str]] = {}
        self.acts: dict[str, ActRecord] = {}
        self.sources: dict[str, SourceRecord] = {}
        # Columns whose value had a problem: "is empty" would only repeat it.
        self.failed: set[str] = set()
        # The problems of its rows, given out with it; complete once its last row is read.
        self.problems: list[Problem] = []
        self.complete = False

    def take(
        self,
        row: int,
        column: str,
        raw: str,
        problems: list[Problem],
        convert: Callable[[str], object] | None = None,
    ) -> None:
        if not raw:
            return
        if column in self.seen:
            first_row, first_raw = self.seen[column]
            if first_raw != raw:
                problems.append(
                    Problem(
                        f"Row {row}",
                        column,
                        f"{raw!r} differs from {first_raw!r} on row {first_row} for the same "
                        "incident_id; give each incident's details once, or repeat them exactly.",
                    )
                )
            return
        self.seen[column] = (row, raw)
        try:
            value = convert(raw) if convert else raw
        except ValueProblem as error:
            problems.append(Problem(f"Row {row}", column, str(error)))
            self.failed.add(column)
            return
        setattr(self.record, column, value)


def _read_date(builder: _IncidentBuilder, row: int, raw: str, problems: list[Problem]) -> None:
    def convert(text: str):
        day, precision = parse_date(text)
        builder.record.date_precision = precision
        return day

    builder.take(row, "date", raw, problems, convert)


def _read_act(
    row: int, values: dict[str, str], builder: _IncidentBuilder, problems: list[Problem]
) -> None:
    where = f"Row {row}"
    if not any(map(values.get, ACT_COLUMNS)):
        return
    if not values.get("act_type"):
        problems.append(
            Problem(
                where,
                "act_type",
                "is empty, but the row has other act "
                "columns; name the act (e.g. arrest) or clear those columns.",
            )
        )
        return
    act_id = values.get("act_id", "")
    if act_id and act_id in builder.acts:
        # The same act named again, e.g. on a row that only adds a source.
        return
    number = values.get("number_affected", "")
    act = ActRecord(
        where=where,
        act_type=values["act_type"],
        external_id=act_id,
        number_precision=values.get("number_precision", ""),
        legal_provision=values.get("legal_provision", ""),
        offence_wording=values.get("offence_wording", ""),
        trigger_type=values.get("trigger_type", ""),
        trigger_wording=values.get("trigger_wording", ""),
        perpetrator=values.get("perpetrator", ""),
        perpetrator_unit=values.get("perpetrator_unit", ""),
    )
    if number:
        try:
            act.number_affected = parse_count(number)
        except ValueProblem as error:
            problems.append(Problem(where, "number_affected", str(error)))
    outcomes = split_list(values.get("outcome", ""))
    # Not split_list: an empty slot keeps the dates lined up with their outcomes.
    raw_dates = values.get("outcome_date", "")
    dates = [d.strip() for d in raw_dates.split(";")] if raw_dates.strip() else []
    if len(dates) > len(outcomes):
        problems.append(
            Problem(
                where,
                "outcome_date",
                "has more dates than there are outcomes; "
                "give one date per outcome, in the same order.",
            )
        )
    for outcome, date_text in zip_longest(outcomes, dates[: len(outcomes)], fillvalue=""):
        record = OutcomeRecord(where=where, outcome=outcome)
        if date_text:
            try:
                record.date, _ = parse_date(date_text)
            except ValueProblem as error:
                problems.append(Problem(where, "outcome_date", str(error)))
        act.outcomes.append(record)
    builder.acts[act_id or f"#{len(builder.acts) + 1}"] = act


def _read_source(
    row: int, values: dict[str, str], builder: _IncidentBuilder, problems: list[Problem]
) -> None:
    if not any(map(values.get, SOURCE_COLUMNS)):
        return
    where = f"Row {row}"
    source = SourceRecord(
        where=where,
        external_id=values.get("source_id", ""),
        url=values.get("source_url", ""),
        title=values.get("source_title", ""),
        publisher=values.get("source_publisher", ""),
        kind=values.get("source_kind", ""),
        channel=values.get("source_channel", ""),
        reliability=values.get("source_reliability", ""),
        credibility=values.get("source_credibility", ""),
        supports=values.get("source_supports", ""),
    )
    if found := values.get("source_found_independently", "").strip():
        try:
            source.found_independently = parse_bool(found)
        except ValueProblem as error:
            problems.append(Problem(where, "source_found_independently", str(error)))
    if published := values.get("source_published_at"):
        try:
            source.published_at = parse_datetime(published)
        except ValueProblem as error:
            problems.append(Problem(where, "source_published_at", str(error)))
    builder.sources.setdefault(source.identity, source)


def _header_problems(header: list[str]) -> list[Problem]:
    problems = []
    for name in header:
        if name and name not in COLUMNS and name != PROBLEMS_COLUMN:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "rename or delete it."
            problems.append(
                Problem(
                    "Row 1",
                    name,
                    f"is not a Casebook column; {hint} The columns are listed in the import help.",
                )
            )
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(
                Problem(
                    "Row 1", name, "column is missing; every incident needs a title and a date."
                )
            )
    return problems


def _read_row(builder: _IncidentBuilder, row: int, values: dict[str, str]) -> None:
    builder.rows.append(row)
    problems = builder.problems
    for column in (
        "title",
        "summary",
        "place",
        "country",
        "coordinate_precision",
        "force",
        "protest",
        "status",
    ):
        builder.take(row, column, values.get(column, ""), problems)
    _read_date(builder, row, values.get("date", ""), problems)
    builder.take(
        row, "end_date", values.get("end_date", ""), problems, lambda text: parse_date(text)[0]
    )
    builder.take(row, "time", values.get("time", ""), problems, parse_time)
    builder.take(
        row,
        "latitude",
        values.get("latitude", ""),
        problems,
        lambda text: parse_coordinate(text, limit=90),
    )
    builder.take(
        row,
        "longitude",
        values.get("longitude", ""),
        problems,
        lambda text: parse_coordinate(text, limit=180),
    )
    builder.take(row, "tags", values.get("tags", ""), problems, split_list)
    _read_act(row, values, builder, problems)
    _read_source(row, values, builder, problems)


def _finished(builder: _IncidentBuilder) -> Iterator[ReadItem]:
    """An incident whose rows are all read: the problems of its rows, then its record."""
    yield from builder.problems
    record = builder.record
    record.acts = list(builder.acts.values())
    record.sources = list(builder.sources.values())
    record.items = builder.rows
    record.unreadable = builder.failed
    for column in REQUIRED_COLUMNS:
        if not getattr(record, column) and column not in builder.failed:
            yield Problem(
                record.where,
                column,
                f"is empty; every incident needs a {column} (on its first row at least).",
            )
    yield record


def _last_rows(stream: TextIO, header: list[str], delimiter: str) -> np.ndarray | None:
    """For each row after the header (by position), whether no later row shares its
    incident_id; None when that cannot be known without holding the file (a stream that
    cannot be read twice, a file the CSV reader stops in).

    Only a 64-bit hash of each id is kept while the file is read through, and a flag a row
    after: a row whose id shares a hash with a later row's counts as not the last, which
    only keeps its incident until the end of the file.
    """
    if "incident_id" not in header or not stream.seekable():
        return None
    at = header.index("incident_id")
    start = stream.tell()
    hashes = array("q")
    try:
        for values in csv.reader(stream, delimiter=delimiter):
            key = spreadsheet_unsafe(values[at].strip()) if at < len(values) else ""
            hashes.append(hash(key) if key else 0)
    except csv.Error:
        return None
    finally:
        stream.seek(start)
    ids = np.frombuffer(hashes, dtype=np.int64)
    # The last occurrence of each hash is its first in the reversed list.
    _unique, first_from_end = np.unique(ids[::-1], return_index=True)
    last = np.zeros(len(ids), dtype=bool)
    last[len(ids) - 1 - first_from_end] = True
    return last


class CasebookCsv(CsvRejects):
    name = "csv"
    label = "Casebook CSV (one row per act)"
    extension = "csv"
    media_type = "text/csv"
    # The rows of one incident_id are one incident: an id cannot be given twice.
    groups_by_id = True

    def read(self, stream: TextIO) -> Iterator[ReadItem]:
        header, delimiter, rows = csv_table(stream)
        header_problems = _header_problems(header)
        if header_problems:
            yield from header_problems
            return
        # An incident is given out once its last row is read, so that a large file is never
        # held whole; its rows need not be next to each other.
        last = _last_rows(stream, header, delimiter)
        open_builders: dict[str, _IncidentBuilder] = {}
        for row, values in rows:
            key = values.get("incident_id", "")
            builder = open_builders.get(key) if key else None
            if builder is None:
                builder = _IncidentBuilder(row, key)
                open_builders[key or f"#row{row}"] = builder
            _read_row(builder, row, values)
            if not key or (last is not None and last[row - 2]):
                builder.complete = True
                # In the order the incidents first appear, as a file read whole gives them.
                while open_builders:
                    first_key = next(iter(open_builders))
                    if not open_builders[first_key].complete:
                        break
                    yield from _finished(open_builders.pop(first_key))
        for builder in open_builders.values():
            yield from _finished(builder)

    def write(self, incidents: Iterable[IncidentRecord], stream: TextIO) -> int:
        return write_parts(self.parts, incidents, stream)

    def parts(self, incidents: Iterable[IncidentRecord]) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        yield drain(buffer)
        for incident in incidents:
            base = {
                "incident_id": incident.external_id,
                "title": incident.title,
                "summary": incident.summary,
                "date": format_date(incident.date, incident.date_precision),
                "end_date": format_date(incident.end_date),
                "time": incident.time.strftime("%H:%M") if incident.time else "",
                "place": incident.place,
                "country": incident.country,
                "latitude": _text(incident.latitude),
                "longitude": _text(incident.longitude),
                "coordinate_precision": incident.coordinate_precision,
                "force": incident.force,
                "protest": incident.protest,
                "status": incident.status,
                "tags": "; ".join(incident.tags),
            }
            pairs = list(zip_longest(incident.acts, incident.sources)) or [(None, None)]
            for act, source in pairs:
                row = dict(base)
                if act is not None:
                    row.update(_act_columns(act))
                if source is not None:
                    row.update(_source_columns(source))
                writer.writerow(
                    [
                        spreadsheet_safe(row.get(c, "")) if c in TEXT_COLUMNS else row.get(c, "")
                        for c in COLUMNS
                    ]
                )
            if buffer.tell() >= PART_SIZE:
                yield drain(buffer)
        yield drain(buffer)


def _text(value) -> str:
    return "" if value is None else str(value)


def _act_columns(act: ActRecord) -> dict[str, str]:
    return {
        "act_id": act.external_id,
        "act_type": act.act_type,
        "number_affected": _text(act.number_affected),
        "number_precision": act.number_precision,
        "legal_provision": act.legal_provision,
        "offence_wording": act.offence_wording,
        "trigger_type": act.trigger_type,
        "trigger_wording": act.trigger_wording,
        "perpetrator": act.perpetrator,
        "perpetrator_unit": act.perpetrator_unit,
        "outcome": "; ".join(o.outcome for o in act.outcomes),
        "outcome_date": "; ".join(format_date(o.date) for o in act.outcomes)
        if any(o.date for o in act.outcomes)
        else "",
    }


def _source_columns(source: SourceRecord) -> dict[str, str]:
    return {
        "source_id": source.external_id,
        "source_url": source.url,
        "source_title": source.title,
        "source_publisher": source.publisher,
        "source_kind": source.kind,
        "source_channel": source.channel,
        "source_published_at": source.published_at.isoformat() if source.published_at else "",
        "source_reliability": source.reliability,
        "source_credibility": source.credibility,
        "source_supports": source.supports,
        "source_found_independently": "true" if source.found_independently else "false",
    }
