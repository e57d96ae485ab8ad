"""Capture histories: how many records each combination of lists holds.

A capture table has one 0/1 column per list and a count: row (1, 0, 1) with count 12 means
twelve records were on lists 1 and 3 and not on list 2. The all-zero pattern (on no list) is
what multiple systems estimation estimates, so it is never an input; a file that carries it
(as dga's examples do, with a placeholder 0) has it ignored.

Patterns are kept in one canonical order: every non-zero pattern of k lists, pattern p
(1 … 2^k − 1) having list i (0-based) when bit k−1−i of p is set, so the first list is the
most significant bit and "1,0,0" comes after "0,1,1". Absent patterns have count 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from casebook.analysis.stats.files import text_read
from casebook.analysis.stats.refusal import Refused

COUNT_COLUMNS = ("count", "freq", "n")
MIN_LISTS = 3
# Fewer records seen by two lists or more than this, and the overlaps that carry all the
# information about what the lists miss are too few to estimate from.
MIN_OVERLAP = 10


class CaptureTableError(ValueError):
    """A capture pattern file that cannot be read; the message names the row and the fix."""


def all_patterns(k: int) -> np.ndarray:
    """Every non-zero 0/1 pattern of k lists, in canonical order.

    >>> all_patterns(2).tolist()
    [[0, 1], [1, 0], [1, 1]]
    """
    codes = np.arange(1, 2**k)
    return ((codes[:, None] >> np.arange(k - 1, -1, -1)[None, :]) & 1).astype(int)


def pattern_code(pattern: Sequence[int]) -> int:
    code = 0
    for bit in pattern:
        code = code * 2 + int(bit)
    return code


@dataclass(frozen=True)
class CaptureTable:
    lists: tuple[str, ...]
    counts: np.ndarray  # length 2^k − 1, canonical order

    @classmethod
    def from_patterns(
        cls, lists: Sequence[str], rows: Iterable[tuple[Sequence[int], float]]
    ) -> CaptureTable:
        """Build from (pattern, count) pairs; repeated patterns add up, all-zero is ignored."""
        k = len(lists)
        counts = np.zeros(2**k - 1)
        for pattern, count in rows:
            if len(pattern) != k:
                raise CaptureTableError(f"A pattern has {len(pattern)} entries, not {k}.")
            code = pattern_code(pattern)
            if code:
                counts[code - 1] += float(count)
        return cls(lists=tuple(lists), counts=counts)

    @property
    def k(self) -> int:
        return len(self.lists)

    @cached_property
    def patterns(self) -> np.ndarray:
        return all_patterns(self.k)

    @property
    def n_observed(self) -> int:
        return int(round(self.counts.sum()))

    def list_totals(self) -> np.ndarray:
        return self.counts @ self.patterns

    def overlap(self) -> int:
        """Records seen by two lists or more."""
        return int(round(self.counts[self.patterns.sum(axis=1) >= 2].sum()))

    def pair_overlap(self, i: int, j: int) -> int:
        both = (self.patterns[:, i] == 1) & (self.patterns[:, j] == 1)
        return int(round(self.counts[both].sum()))

    def full_array(self) -> np.ndarray:
        """The 2×…×2 table indexed [x1, …, xk], the unobserved cell [0, …, 0] set to 0."""
        table = np.zeros((2,) * self.k)
        for pattern, count in zip(self.patterns, self.counts, strict=True):
            table[tuple(pattern)] = count
        return table

    def without_empty_lists(self) -> CaptureTable:
        keep = [i for i, total in enumerate(self.list_totals()) if total > 0]
        if len(keep) == self.k:
            return self
        rows = [
            (pattern[keep], count)
            for pattern, count in zip(self.patterns, self.counts, strict=True)
        ]
        return CaptureTable.from_patterns([self.lists[i] for i in keep], rows)


def capture_table_check(table: CaptureTable) -> None:
    """Refuse tables no estimator here should be trusted with, saying why."""
    totals = table.list_totals()
    empty = [name for name, total in zip(table.lists, totals, strict=True) if total == 0]
    if empty:
        raise Refused(f"List {', '.join(repr(e) for e in empty)} recorded nothing; leave it out.")
    if table.k < MIN_LISTS:
        raise Refused(
            f"Only {table.k} list{'s' if table.k != 1 else ''}: estimating what went "
            f"unrecorded needs at least {MIN_LISTS} lists that record independently, because "
            "with two the estimate rests entirely on assuming they are independent."
        )
    for i, name in enumerate(table.lists):
        shared = sum(table.pair_overlap(i, j) for j in range(table.k) if j != i)
        if shared == 0:
            raise Refused(
                f"List {name!r} shares no record with any other list, so nothing tells how "
                "much it misses."
            )
    if table.overlap() < MIN_OVERLAP:
        raise Refused(
            f"Only {table.overlap()} record(s) appear on more than one list (at least "
            f"{MIN_OVERLAP} are needed): the overlaps are too sparse to estimate from."
        )


def capture_table_parse(text: str, *, source: str = "the file") -> CaptureTable:
    """Read the CSV layout: one 0/1 column per list, then `count`, `freq` or `n`."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise CaptureTableError(f"{source} is empty.") from None
    if len(header) < 2 or header[-1].lower() not in COUNT_COLUMNS:
        raise CaptureTableError(
            f"{source}: the last column must be the count, named 'count', 'freq' or 'n' "
            f"(found {header[-1]!r})."
        )
    lists = header[:-1]
    if len(set(lists)) != len(lists) or any(not name for name in lists):
        raise CaptureTableError(f"{source}: every list column needs its own, non-empty name.")
    rows = []
    for number, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CaptureTableError(
                f"Row {number}: {len(row)} values where the header has {len(header)}."
            )
        pattern = []
        for name, cell in zip(lists, row, strict=False):
            value = cell.strip()
            if value not in {"0", "1"}:
                raise CaptureTableError(
                    f"Row {number}, {name}: {value!r} is not 0 or 1 (1 = on this list)."
                )
            pattern.append(int(value))
        raw = row[-1].strip()
        try:
            count = float(raw)
        except ValueError:
            count = -1.0
        if count < 0 or count != int(count):
            raise CaptureTableError(
                f"Row {number}, {header[-1]}: {raw!r} is not a whole number of records."
            )
        rows.append((pattern, count))
    if not rows:
        raise CaptureTableError(f"{source} has a header but no patterns.")
    return CaptureTable.from_patterns(lists, rows)


def capture_table_read(path: str | Path) -> CaptureTable:
    return capture_table_parse(text_read(path, error=CaptureTableError), source=str(path))
