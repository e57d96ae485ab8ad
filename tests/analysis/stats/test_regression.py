"""The count regression's rule, refusals and coverage."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from casebook.analysis.stats.coverage import Scenario, coverage_run
from casebook.analysis.stats.refusal import Refused
from casebook.analysis.stats.regression import MODEL_RULE, trend_design, trend_regression


def test_poisson_counts_keep_the_poisson_model():
    rng = np.random.default_rng(5)
    trend = trend_regression(rng.poisson(10 * 1.02 ** np.arange(48)))
    assert trend.model == "poisson"
    assert trend.lr_p_value >= 0.05 or trend.dispersion <= 1


def test_overdispersed_counts_switch_to_negative_binomial_with_a_wider_interval():
    rng = np.random.default_rng(6)
    scenario = Scenario(periods=48, alpha=0.4)
    trend = trend_regression(scenario.simulate(rng))
    assert trend.model == "negative_binomial"
    assert trend.dispersion > 1 and trend.lr_p_value < 0.05
    poisson_se = trend.poisson.standard_errors["t"]
    assert trend.negative_binomial.standard_errors["t"] > poisson_se
    assert "p < 0.05" in MODEL_RULE


def test_exposure_is_an_offset_so_the_rate_ratio_is_per_unit_of_exposure():
    exposure = np.linspace(1, 4, 30)
    counts = np.round(5 * exposure).astype(int)  # a constant rate per unit of exposure
    trend = trend_regression(counts, exposure=exposure)
    assert trend.rate_ratio == pytest.approx(1.0, abs=0.01)


def test_a_series_shorter_than_the_model_is_refused_not_fitted():
    with pytest.raises(Refused, match="too few for a model"):
        trend_regression([3, 4, 5], season=[1, 2, 3])


def test_bad_counts_are_rejected():
    with pytest.raises(ValueError, match="non-negative"):
        trend_regression([3, -1, 4, 5, 6, 7])


def test_the_design_has_one_indicator_per_season_but_the_first():
    X, names = trend_design(24, season=[m % 12 + 1 for m in range(24)])
    assert names[:3] == ["intercept", "t", "season_2"] and len(names) == 13
    assert X.shape == (24, 13)


def test_the_95_percent_interval_covers_the_true_rate_ratio_about_95_percent_of_the_time():
    """A smaller run of bench/trend_coverage.py (which runs 1,000 and reports 93–97%).

    The seed is fresh on every run, so this checks the method, not one lucky seed. The
    acceptance region is chosen so that, if the interval's true coverage is anywhere in
    93–97%, a run fails with probability at most 1 in 1,000: the number covered is
    binomial(n, p); below the 0.05% quantile of binomial(n, 0.93) or above the 99.95%
    quantile of binomial(n, 0.97) each happens with probability ≤ 0.0005 for any p in range.
    """
    simulations = 200
    lowest = int(stats.binom.ppf(0.0005, simulations, 0.93))
    highest = int(stats.binom.isf(0.0005, simulations, 0.97))
    seed = int(np.random.SeedSequence().entropy % 2**32)
    result = coverage_run(simulations, seed=seed)
    assert lowest <= result.covered <= highest, (
        f"covered {result.covered}/{simulations} (accepting {lowest}–{highest}); seed {seed}"
    )
    assert result.negative_binomial > simulations / 2  # the counts are overdispersed
