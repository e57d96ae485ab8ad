"""Changepoints with a Poisson cost."""

from __future__ import annotations

import numpy as np
import pytest

from casebook.analysis.stats.changepoints import changepoint_single, changepoints, default_penalty


def test_two_changes_are_both_found_and_placed_exactly():
    counts = [2] * 15 + [9] * 15 + [4] * 15
    search = changepoints(counts)
    assert search.change_indices == [14, 29]
    assert [round(s.rate, 1) for s in search.segments] == [2.0, 9.0, 4.0]


def test_a_steady_poisson_series_has_no_change():
    rng = np.random.default_rng(2)
    assert changepoints(rng.poisson(6, 60)).change_indices == []


def test_overdispersion_raises_the_penalty_so_noise_is_not_reported_as_change():
    assert default_penalty(100, dispersion=3) == pytest.approx(3 * default_penalty(100))
    assert default_penalty(100, dispersion=0.5) == default_penalty(100)


def test_exposure_makes_the_search_about_rates_not_counts():
    exposure = [1.0] * 20 + [3.0] * 20
    counts = [4 * e for e in exposure]  # rate 4 per unit throughout
    assert changepoints(counts, exposure=exposure).change_indices == []
    assert changepoints(counts).change_indices == [19]


def test_a_single_split_needs_enough_periods():
    with pytest.raises(ValueError, match="at least 4 periods"):
        changepoint_single([1, 2, 3])
