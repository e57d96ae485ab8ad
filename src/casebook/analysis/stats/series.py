"""Reading a count series from CSV: columns `period`, `count`, and optionally `exposure`."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from casebook.analysis.stats.files import text_read
from casebook.analysis.stats.periods import PeriodError, periods_parse


class SeriesError(ValueError):
    """A series file that cannot be read; the message names the row, the column and the fix."""


@dataclass(frozen=True)
class Series:
    labels: list[str]
    counts: list[float]
    exposure: list[float] | None


def _number(raw: str, *, row: int, column: str, positive: bool) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        need = "a positive number" if positive else "a whole number, 0 or more"
        raise SeriesError(f"Row {row}, {column}: {raw!r} is not {need}.")
    if not positive and value != int(value):
        raise SeriesError(f"Row {row}, {column}: {raw!r} is not a whole number of cases.")
    return value


def series_parse(text: str, *, source: str = "the file") -> Series:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "period" not in fields or "count" not in fields:
        raise SeriesError(
            f"{source}: the header must name the columns 'period' and 'count' (and optionally "
            f"'exposure'); found {', '.join(reader.fieldnames or []) or 'nothing'}."
        )
    reader.fieldnames = fields
    has_exposure = "exposure" in fields
    labels, counts, exposure = [], [], []
    for row_number, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values()):
            continue
        labels.append((row["period"] or "").strip())
        counts.append(
            _number((row["count"] or "").strip(), row=row_number, column="count", positive=False)
        )
        if has_exposure:
            exposure.append(
                _number(
                    (row["exposure"] or "").strip(),
                    row=row_number,
                    column="exposure",
                    positive=True,
                )
            )
    if not labels:
        raise SeriesError(f"{source} has a header but no periods.")
    try:
        periods_parse(labels)
    except PeriodError as error:
        raise SeriesError(f"{source}: {error}") from None
    return Series(labels=labels, counts=counts, exposure=exposure if has_exposure else None)


def series_read(path: str | Path) -> Series:
    return series_parse(text_read(path, error=SeriesError), source=str(path))
