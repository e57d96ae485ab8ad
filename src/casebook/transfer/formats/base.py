"""What a file format must provide, and helpers the CSV formats share."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Protocol, TextIO

from casebook.transfer.records import IncidentRecord, Problem, Skipped

ReadItem = IncidentRecord | Problem | Skipped


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
        """Write the incidents; returns how many were written."""
        ...


# A spreadsheet runs a cell that starts with one of these as a formula: an exported news
# summary must never become `=HYPERLINK(...)` on a colleague's laptop (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    >>> spreadsheet_safe("=1+1"), spreadsheet_safe("Plain words")
    ("'=1+1", 'Plain words')
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def spreadsheet_unsafe(value: str) -> str:
    """Undo `spreadsheet_safe`, so that an exported file imports back unchanged.

    >>> spreadsheet_unsafe("'=1+1")
    '=1+1'
    """
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def csv_rows(stream: TextIO) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header (lower-cased, trimmed) and (row number, row) pairs of a CSV file.

    Spreadsheets in some locales save with semicolons or tabs, so the delimiter is the one
    the header line uses most.
    """
    first = stream.readline()
    # Only the delimiter is taken from the header: csv.Sniffer also guesses the quoting
    # rules, and from a header without quotes it guesses wrong ("" stops being a quote).
    delimiter = max(",;\t", key=first.count)
    header = [name.strip().lower()
              for name in next(csv.reader([first], delimiter=delimiter), [])]
    reader = csv.reader(stream, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        # Numbered as a spreadsheet shows them (the header is row 1), even when a cell
        # holds several lines.
        for row, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            yield row, {
                name: spreadsheet_unsafe(values[i].strip()) if i < len(values) else ""
                for i, name in enumerate(header)
            }

    return header, rows()
