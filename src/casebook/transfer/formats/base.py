"""What a file format must provide, and helpers the CSV formats share."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Protocol, TextIO

from casebook.transfer.records import IncidentRecord, Problem, Skipped, UnreadableFile

ReadItem = IncidentRecord | Problem | Skipped
# The longest CSV cell read (Python's default). The csv module's limit is one setting for the
# whole process, which other libraries raise (frictionless sets it to ~2 GB when it reads),
# so the importer sets its own each time it opens a file.
CELL_LIMIT = 131_072


class IncidentFormat(Protocol):
    """A file format for incidents. Add one by writing a module with a class like this and
    listing it in `casebook.transfer.formats.FORMATS`; nothing else changes."""

    name: str  # stable identifier used by the CLI and the web form: "csv", "json", "acled"
    label: str
    extension: str
    media_type: str

    def read(self, stream: TextIO) -> Iterator[ReadItem]:
        """Records, problems and skipped rows, in file order. Never touches the database."""
        ...

    def write(self, incidents: Iterable[IncidentRecord], stream: TextIO) -> int:
        """Write the incidents; returns how many were written (see `write_parts`)."""
        ...

    def parts(self, incidents: Iterable[IncidentRecord]) -> Iterator[str]:
        """The file's text a piece at a time (an incident each), so that it can stream."""
        ...

    # Rejects (`casebook import --skip-invalid`): the items of the file (CSV rows, JSON
    # incidents) that were left out, in the file's own layout plus their problems, so that
    # the file can be fixed and imported as it is.
    rejects_extension: str

    def item_of(self, where: str) -> int | None:
        """The item a problem's `where` names (row 12 → 12); None for the whole file."""
        ...

    def write_rejects(
        self, source: TextIO, rejected: dict[int, list[Problem]], stream: TextIO
    ) -> int:
        """Write these items of `source` (the file read, from its start) with their problems;
        returns how many."""
        ...


PART_SIZE = 1 << 16  # characters of a streamed piece: one write per incident would be slow


def write_parts(parts, incidents: Iterable[IncidentRecord], stream: TextIO) -> int:
    """Write `parts(incidents)` to the stream; returns how many incidents it held."""
    count = 0

    def counted() -> Iterator[IncidentRecord]:
        nonlocal count
        for incident in incidents:
            count += 1
            yield incident

    for part in parts(counted()):
        stream.write(part)
    return count


def drain(buffer: io.StringIO) -> str:
    r"""What a CSV writer put in its buffer since the last drain.

    >>> buffer = io.StringIO(); _ = buffer.write("a,b\n"); drain(buffer), drain(buffer)
    ('a,b\n', '')
    """
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# A spreadsheet runs a cell that starts with one of these as a formula: an exported news
# summary must never become `=HYPERLINK(...)` on a colleague's laptop (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _runs_as_formula(value: str) -> bool:
    # Apostrophes first are looked through: an apostrophe this module put before a formula
    # and one a person typed must come back apart.
    return value.lstrip("'").startswith(_FORMULA_START)


def spreadsheet_safe(value: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    >>> spreadsheet_safe("=1+1"), spreadsheet_safe("Plain words"), spreadsheet_safe("'=1")
    ("'=1+1", 'Plain words', "''=1")
    """
    return "'" + value if _runs_as_formula(value) else value


def spreadsheet_unsafe(value: str) -> str:
    """Undo `spreadsheet_safe`, so that an exported file imports back unchanged.

    >>> spreadsheet_unsafe("'=1+1"), spreadsheet_unsafe("''=1"), spreadsheet_unsafe("'quoted")
    ('=1+1', "'=1", "'quoted")
    """
    if value.startswith("'") and _runs_as_formula(value):
        return value[1:]
    return value


def _delimiter(header_line: str) -> str:
    # Only the delimiter is taken from the header: csv.Sniffer also guesses the quoting
    # rules, and from a header without quotes it guesses wrong ("" stops being a quote).
    return max(",;\t", key=header_line.count)


def csv_rows(stream: TextIO) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header (lower-cased, trimmed) and (row number, row) pairs of a CSV file."""
    header, _delimiter, rows = csv_table(stream)
    return header, rows


def csv_table(stream: TextIO) -> tuple[list[str], str, Iterator[tuple[int, dict[str, str]]]]:
    """Header (lower-cased, trimmed), delimiter and (row number, row) pairs of a CSV file.

    Spreadsheets in some locales save with semicolons or tabs, so the delimiter is the one
    the header line uses most.
    """
    csv.field_size_limit(CELL_LIMIT)
    first = stream.readline()
    delimiter = _delimiter(first)
    try:
        names = next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error as error:
        raise UnreadableFile(_csv_problem(error, 1)) from None
    header = [name.strip().lower() for name in names]
    reader = csv.reader(stream, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        # Numbered as a spreadsheet shows them (the header is row 1), even when a cell
        # holds several lines.
        row = 1
        width = len(header)
        try:
            for row, values in enumerate(reader, start=2):  # noqa: B007 (read after the loop)
                # The row's cells joined once: blank if that is, and only a row with an
                # apostrophe in it can have a cell made safe on export.
                joined = "".join(values)
                if not joined or joined.isspace():
                    continue
                if len(values) < width:
                    values += [""] * (width - len(values))
                cells = dict(zip(header, map(str.strip, values), strict=False))
                if "'" in joined:
                    for name, value in cells.items():
                        if value[:1] == "'":
                            cells[name] = spreadsheet_unsafe(value)
                yield row, cells
        except csv.Error as error:
            raise UnreadableFile(_csv_problem(error, row + 1)) from None

    return header, delimiter, rows()


def _csv_problem(error: csv.Error, row: int) -> Problem:
    """A CSV reader's error as a problem of the whole file: past it, no row can be trusted."""
    if "field larger than field limit" in str(error):
        return Problem(
            "The file",
            "",
            f"row {row} has a cell of more than {CELL_LIMIT:,} characters, more "
            "than Casebook reads from a CSV cell. Shorten it, or check that every quote in the "
            "rows above it is closed (an unclosed quote runs on to the end of the file).",
        )
    return Problem("The file", "", f"row {row} cannot be read as CSV ({error}).")


PROBLEMS_COLUMN = "problems"
_ROW = re.compile(r"^Row (\d+)\b")


def csv_item_of(where: str) -> int | None:
    """The row of a CSV file a problem is on; None for the header or the whole file.

    >>> csv_item_of("Row 12"), csv_item_of("Row 1"), csv_item_of("The file")
    (12, None, None)
    """
    match = _ROW.match(where)
    return int(match[1]) if match and int(match[1]) > 1 else None


def row_problems(problems: list[Problem]) -> str:
    """The problems of one row, for the rejects file's `problems` column.

    >>> row_problems([Problem("Row 3", "force", "is unknown."), Problem("Row 3", "", "No.")])
    'force: is unknown. | No.'
    """
    return " | ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)


# On a row rejected only because another row of its incident has a problem.
WITH_ITS_INCIDENT = "(nothing wrong on this row: left out with the other rows of its incident)"


def csv_write_rejects(source: TextIO, rejected: dict[int, list[Problem]], stream: TextIO) -> int:
    """Write the header and these rows of a CSV file as the file has them, plus `problems`.

    A `problems` column the file already has (a rejects file imported again) is reused, so
    that fixing and re-importing never grows the layout.
    """
    first = source.readline()
    delimiter = _delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter), [])
    names = [name.strip().lower() for name in header]
    if PROBLEMS_COLUMN in names:
        at = names.index(PROBLEMS_COLUMN)
    else:
        at = len(header)
        header = [*header, PROBLEMS_COLUMN]
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    written = 0
    # Numbered exactly as `csv_rows` numbers them, so that row 12 is the same row.
    for row, values in enumerate(csv.reader(source, delimiter=delimiter), start=2):
        if row not in rejected:
            continue
        values = values + [""] * (len(header) - len(values))
        values[at] = spreadsheet_safe(row_problems(rejected[row]) or WITH_ITS_INCIDENT)
        writer.writerow(values)
        written += 1
    return written


class CsvRejects:
    """Rejected rows of a CSV-based format go back out as CSV, in the input's own layout."""

    rejects_extension = "csv"

    def item_of(self, where: str) -> int | None:
        return csv_item_of(where)

    def write_rejects(
        self, source: TextIO, rejected: dict[int, list[Problem]], stream: TextIO
    ) -> int:
        return csv_write_rejects(source, rejected, stream)
