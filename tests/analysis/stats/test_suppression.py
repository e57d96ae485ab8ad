"""Small cells stay hidden in tables for outside use: we try to recover them and fail."""

from __future__ import annotations

import numpy as np
import pytest

from casebook.analysis.stats.suppression import (
    suppress_table,
    suppress_value,
    suppression_audit,
    with_margins,
)


def recover(suppressed):
    """What an attacker can compute from the published table: the least and greatest value
    of every hidden cell, given every published cell and total and that counts are ≥ 0."""
    return suppression_audit(suppressed.values, suppressed.hidden)


def test_a_single_count_shows_as_under_the_threshold():
    assert suppress_value(3) == "<5" and suppress_value(5) == "5" and suppress_value(0) == "0"
    assert suppress_value(2, threshold=10) == "<10"


def test_hiding_one_small_cell_is_not_enough_when_totals_are_published():
    cells = np.array([[20, 3, 15], [12, 30, 8], [7, 9, 40]])
    table = with_margins(cells)
    naive = np.zeros_like(table, dtype=bool)
    naive[0, 1] = True
    assert recover_range(table, naive)[(0, 1)] == (3.0, 3.0)  # the row total gives it away

    suppressed = suppress_table(cells)
    shown = suppressed.shown()
    assert shown[0, 1] == "<5"
    assert (shown == "[c]").sum() >= 3
    for cell, (low, high) in recover(suppressed).items():
        assert high - low >= 1, f"cell {cell} can be recovered"


def recover_range(table, hidden):
    return suppression_audit(table, hidden)


@pytest.mark.parametrize("seed", range(6))
def test_random_two_way_tables_never_let_a_small_cell_be_recovered(seed):
    rng = np.random.default_rng(seed)
    cells = rng.negative_binomial(1, 0.12, size=(rng.integers(3, 9), rng.integers(3, 9)))
    suppressed = suppress_table(cells)
    ranges = recover(suppressed)
    for cell in map(tuple, np.argwhere(suppressed.primary)):
        low, high = ranges[cell]
        assert high - low >= 1, f"seed {seed}: small cell {cell} recoverable"
    # Published cells are the true counts, and nothing else is hidden needlessly large.
    shown = suppressed.shown()
    for index in np.ndindex(shown.shape):
        if not suppressed.hidden[index]:
            assert shown[index] == f"{int(suppressed.values[index]):,}"


def test_three_way_tables_with_all_their_margins_are_protected_too():
    rng = np.random.default_rng(42)
    cells = rng.negative_binomial(1, 0.15, size=(3, 4, 3))
    suppressed = suppress_table(cells)
    assert suppressed.values.shape == (4, 5, 4)
    ranges = recover(suppressed)
    for cell in map(tuple, np.argwhere(suppressed.primary)):
        low, high = ranges[cell]
        assert high - low >= 1


def test_a_total_that_is_itself_small_is_hidden():
    suppressed = suppress_table(np.array([[1, 2], [30, 40]]))
    assert suppressed.shown()[0, 2] == "<5"  # the first row's total, 3


def test_a_table_without_small_cells_is_published_whole():
    suppressed = suppress_table(np.array([[10, 0], [7, 25]]))
    assert not suppressed.hidden.any()
    assert suppressed.shown().tolist() == [["10", "0", "10"], ["7", "25", "32"], ["17", "25", "42"]]


def test_a_series_with_a_total_hides_a_second_cell():
    shown = suppress_table(np.array([10, 3, 12, 8])).shown().tolist()
    assert shown[1] == "<5" and shown.count("[c]") == 1
