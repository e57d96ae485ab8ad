"""Small cells in figures for outside use: primary and complementary suppression.

A count from 1 to threshold − 1 (default 1–4) in a published table could identify the
people behind it, so it is shown as "<5" (primary suppression). Hiding it is not enough
when the table prints its totals: a hidden cell is the row total minus the other cells. So
more cells are hidden (complementary suppression, shown as "[c]") until no hidden cell's
value can be worked out from everything published.

"Can be worked out" is tested, not guessed: for every hidden cell, two linear programmes find
the smallest and the largest value it can take given every published cell, every total and
that counts are never negative (`suppression_audit`). A cell is protected when those differ.
The complementary cells are chosen greedily — in a line (row, column, or for a 3-D table a
pillar) through an exposed cell, the smallest non-zero published count, preferring cells
whose other lines already hide something, so the hidden cells close into cycles — and the
audit is re-run until every hidden cell is protected.

Zero cells are published: "no case" identifies no one, and hiding zeros would hide the
absence of cases that breakdowns exist to show.

Tables are numpy arrays with margins: along every axis the last index holds the total of
the others (`with_margins` adds them).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

# scipy is imported where it is used: the URLs load this module in every casebook
# process (about a second of CPU), and most of them never compute a statistic.

DEFAULT_THRESHOLD = 5
PRIMARY_MARK = "<{threshold}"
COMPLEMENTARY_MARK = "[c]"


def with_margins(cells: np.ndarray) -> np.ndarray:
    """Add a total along every axis (totals of totals included).

    >>> with_margins(np.array([[1, 2], [3, 4]])).tolist()
    [[1, 2, 3], [3, 4, 7], [4, 6, 10]]
    """
    table = np.asarray(cells)
    for axis in range(table.ndim):
        table = np.concatenate([table, table.sum(axis=axis, keepdims=True)], axis=axis)
    return table


def small_cells(values: np.ndarray, *, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """Which counts are under the threshold and not zero."""
    values = np.asarray(values)
    return (values > 0) & (values < threshold)


def suppress_value(value: int, *, threshold: int = DEFAULT_THRESHOLD) -> str:
    """One count as shown outside: "<5" if small, else the number."""
    return PRIMARY_MARK.format(threshold=threshold) if 0 < value < threshold else f"{value:,}"


def _lines(shape: tuple[int, ...]):
    """Every line of the table: (axis, the indices of its cells, the index of its total)."""
    for axis, size in enumerate(shape):
        others = [range(n) for a, n in enumerate(shape) if a != axis]
        for fixed in itertools.product(*others):
            cells = []
            for i in range(size):
                index = list(fixed)
                index.insert(axis, i)
                cells.append(tuple(index))
            yield axis, cells[:-1], cells[-1]


def _equations(table: np.ndarray, hidden: np.ndarray):
    """The published lines as equations in the hidden cells: A·x = b."""
    unknowns = [tuple(int(i) for i in index) for index in np.argwhere(hidden)]
    position = {cell: i for i, cell in enumerate(unknowns)}
    rows, rhs = [], []
    for _axis, cells, total in _lines(table.shape):
        if not any(c in position for c in (*cells, total)):
            continue
        row = np.zeros(len(unknowns))
        value = 0.0
        for cell in cells:
            if cell in position:
                row[position[cell]] += 1
            else:
                value -= table[cell]
        if total in position:
            row[position[total]] -= 1
        else:
            value += table[total]
        rows.append(row)
        rhs.append(value)
    A = np.array(rows).reshape(len(rows), len(unknowns))
    return unknowns, position, A, np.array(rhs)


def suppression_audit(
    table: np.ndarray, hidden: np.ndarray, *, cells: list[tuple] | None = None
) -> dict[tuple, tuple[float, float]]:
    """For hidden cells (all, or `cells`), the least and greatest value consistent with
    every published figure and with counts never being negative.

    This is what someone trying to recover the hidden cells would compute, by linear
    programming; an upper end of `inf` means nothing published bounds it.
    """
    from scipy import optimize

    table = np.asarray(table, dtype=float)
    hidden = np.asarray(hidden, dtype=bool)
    unknowns, position, A, b = _equations(table, hidden)
    if not unknowns:
        return {}
    ranges = {}
    for cell in cells if cells is not None else unknowns:
        i = position[cell]
        objective = np.zeros(len(unknowns))
        objective[i] = 1
        low = optimize.linprog(objective, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        high = optimize.linprog(-objective, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        lower = low.fun if low.status == 0 else 0.0
        upper = -high.fun if high.status == 0 else float("inf")
        ranges[cell] = (float(lower), float(upper))
    return ranges


def _determined(table: np.ndarray, hidden: np.ndarray, cells: list[tuple]) -> list[tuple]:
    """Which of `cells` the published equations pin down exactly (ignoring the ≥ 0 bounds):
    those whose coordinate vanishes on the null space of the equations."""
    from scipy import linalg

    unknowns, position, A, _ = _equations(table, hidden)
    if not len(A):
        return []
    free = linalg.null_space(A)
    return [c for c in cells if np.linalg.norm(free[position[c]]) < 1e-9]


@dataclass(frozen=True)
class SuppressedTable:
    values: np.ndarray  # with margins
    primary: np.ndarray
    complementary: np.ndarray
    threshold: int

    @property
    def hidden(self) -> np.ndarray:
        return self.primary | self.complementary

    def shown(self) -> np.ndarray:
        """The table as published: strings, "<5" and "[c]" where hidden."""
        out = np.empty(self.values.shape, dtype=object)
        for index in np.ndindex(self.values.shape):
            if self.primary[index]:
                out[index] = PRIMARY_MARK.format(threshold=self.threshold)
            elif self.complementary[index]:
                out[index] = COMPLEMENTARY_MARK
            else:
                out[index] = f"{int(self.values[index]):,}"
        return out


def _complement_for(table, hidden, cell) -> tuple | None:
    """A cell to hide beside `cell`: in its line with the fewest hidden cells, the smallest
    positive published count, preferring one whose other lines already hide something (so
    the hidden cells close into cycles), then interior cells over totals."""
    best_key, best = None, None
    for axis, cells, total in _lines(table.shape):
        members = [*cells, total]
        if cell not in members:
            continue
        hidden_here = sum(bool(hidden[c]) for c in members)
        for candidate in members:
            if hidden[candidate]:
                continue
            is_total = any(candidate[a] == table.shape[a] - 1 for a in range(table.ndim))
            crossing = any(
                hidden[c]
                for a2, cells2, total2 in _lines(table.shape)
                if a2 != axis and candidate in (*cells2, total2)
                for c in (*cells2, total2)
            )
            key = (hidden_here, table[candidate] == 0, not crossing, is_total, table[candidate])
            if best_key is None or key < best_key:
                best_key, best = key, candidate
    return best


def suppress_table(cells: np.ndarray, *, threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """Primary and complementary suppression of a 1-, 2- or 3-D table of counts; the table
    returned has margins, and no small cell can be recovered from what it shows."""
    values = with_margins(np.asarray(cells, dtype=np.int64))
    if not 1 <= values.ndim <= 3:
        raise ValueError("tables of 1 to 3 dimensions")
    primary = small_cells(values, threshold=threshold)
    hidden = primary.copy()
    targets = [tuple(int(i) for i in index) for index in np.argwhere(primary)]
    if not targets:
        return SuppressedTable(values, primary, np.zeros_like(primary), threshold)

    def exposed_exactly() -> list[tuple]:
        return _determined(values, hidden, [tuple(int(i) for i in c) for c in np.argwhere(hidden)])

    while True:
        # Hide complements until no hidden cell follows from the published equations…
        while pinned := exposed_exactly():
            complement = _complement_for(values, hidden, pinned[0])
            if complement is None:
                break
            hidden[complement] = True
        # …then drop every complement that is not needed (largest first)…
        for index in sorted(
            (tuple(int(i) for i in c) for c in np.argwhere(hidden & ~primary)),
            key=lambda c: -values[c],
        ):
            hidden[index] = False
            if _determined(values, hidden, targets):
                hidden[index] = True
        # …and check with the ≥ 0 bounds too, which can pin cells the equations leave free.
        audit = suppression_audit(values, hidden, cells=targets)
        exposed = [cell for cell, (low, high) in audit.items() if high - low < 1]
        if not exposed:
            break
        grew = False
        for cell in exposed:
            complement = _complement_for(values, hidden, cell)
            if complement is not None:
                hidden[complement] = True
                grew = True
        if not grew:
            break  # every cell is hidden; nothing more can be done
    return SuppressedTable(
        values=values,
        primary=primary,
        complementary=hidden & ~primary,
        threshold=threshold,
    )
