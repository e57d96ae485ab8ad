"""Capture tables, refusals, and the behaviour of each estimator beyond its reference rows."""

from __future__ import annotations

import json

import numpy as np
import pytest

from casebook.analysis.stats.mse import mse_estimate
from casebook.analysis.stats.mse.dga import dga_posterior
from casebook.analysis.stats.mse.graphs import decomposable_graphs
from casebook.analysis.stats.mse.lcmcr import LcmcrSettings, lcmcr_posterior
from casebook.analysis.stats.mse.loglinear import (
    LoglinearModel,
    design_matrix,
    loglinear_estimate,
    models_parse,
)
from casebook.analysis.stats.mse.patterns import (
    CaptureTable,
    CaptureTableError,
    all_patterns,
    capture_table_parse,
)
from casebook.analysis.stats.mse.poisson import poisson_fit
from casebook.analysis.stats.refusal import Refused
from tests.analysis.stats.reference import needs_reference, reference_path


def simulated_table(seed=1, total=3000, lists=4, heterogeneous=True):
    """Invented people recorded by independent lists.

    Heterogeneous populations have two latent classes that different lists reach well (as
    legal observers and the news monitor reach different protesters); a boost shared by every
    list instead would bias every estimator here downwards, as the literature warns.
    """
    rng = np.random.default_rng(seed)
    profiles = np.array([[0.5, 0.4, 0.1, 0.2, 0.3], [0.15, 0.2, 0.5, 0.45, 0.25]])[:, :lists]
    if heterogeneous:
        probabilities = profiles[(rng.random(total) < 0.4).astype(int)]
    else:
        probabilities = np.tile(profiles.mean(axis=0), (total, 1))
    captured = rng.random((total, lists)) < probabilities
    seen = captured[captured.any(axis=1)]
    names = [f"list{i + 1}" for i in range(lists)]
    return CaptureTable.from_patterns(names, [(row.astype(int), 1) for row in seen])


def test_a_pattern_file_is_read_with_any_count_column_name_and_the_zero_row_ignored():
    text = "a,b,c,freq\n0,0,0,7\n1,0,0,10\n0,1,1,3\n1,0,0,2\n"
    table = capture_table_parse(text)
    assert table.lists == ("a", "b", "c")
    assert table.n_observed == 15  # the all-zero row is not a count of anything observed
    assert table.counts[3] == 12  # pattern 1,0,0 (code 4) added up over both rows


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,c,total\n1,0,0,3\n", "last column must be the count"),
        ("a,b,c,n\n1,0,2,3\n", r"Row 2, c: '2' is not 0 or 1"),
        ("a,b,c,n\n1,0,1,three\n", r"Row 2, n: 'three' is not a whole number"),
        ("a,b,c,n\n1,0,1,2.5\n", r"Row 2, n: '2.5' is not a whole number"),
        ("a,b,c,n\n1,0,1\n", "Row 2: 3 values where the header has 4"),
        ("a,a,c,n\n1,0,1,2\n", "its own, non-empty name"),
        ("a,b,c,n\n", "no patterns"),
        ("", "is empty"),
    ],
)
def test_a_bad_pattern_file_names_the_row_and_the_fix(text, message):
    with pytest.raises(CaptureTableError, match=message):
        capture_table_parse(text)


def test_patterns_are_in_canonical_order_first_list_most_significant():
    assert all_patterns(3).tolist()[:4] == [[0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0]]


@pytest.mark.parametrize("method", ["loglinear", "dga", "lcmcr"])
def test_two_lists_are_refused_by_every_method(method):
    table = capture_table_parse("a,b,n\n1,0,50\n0,1,40\n1,1,20\n")
    with pytest.raises(Refused, match="at least 3 lists"):
        mse_estimate(table, method=method)


@pytest.mark.parametrize("method", ["loglinear", "dga", "lcmcr"])
def test_sparse_overlaps_are_refused_by_every_method(method):
    table = capture_table_parse("a,b,c,n\n1,0,0,50\n0,1,0,40\n0,0,1,30\n1,1,0,3\n0,1,1,2\n")
    with pytest.raises(Refused, match="overlaps are too sparse"):
        mse_estimate(table, method=method)


def test_a_list_that_shares_nothing_is_refused_with_its_name():
    text = "a,b,c,d,n\n1,0,0,0,50\n0,1,0,0,40\n0,0,1,0,30\n1,1,0,0,12\n0,1,1,0,9\n0,0,0,1,25\n"
    with pytest.raises(Refused, match="List 'd' shares no record"):
        loglinear_estimate(capture_table_parse(text))


def test_an_empty_list_is_refused_with_its_name():
    text = "a,b,c,d,n\n1,0,0,0,50\n0,1,0,0,40\n0,0,1,0,30\n1,1,0,0,12\n0,1,1,0,9\n1,0,1,0,7\n"
    with pytest.raises(Refused, match="List 'd' recorded nothing"):
        mse_estimate(capture_table_parse(text))


def test_our_poisson_fit_agrees_with_statsmodels():
    import statsmodels.api as sm

    table = simulated_table()
    X = design_matrix(table.patterns, LoglinearModel(((0, 1), (2, 3))))
    ours = poisson_fit(X, table.counts)
    theirs = sm.GLM(table.counts, X, family=sm.families.Poisson()).fit()
    np.testing.assert_allclose(ours.coefficients, theirs.params, rtol=1e-8)
    np.testing.assert_allclose(np.sqrt(np.diag(ours.covariance)), theirs.bse, rtol=1e-6)
    assert ours.deviance == pytest.approx(theirs.deviance, rel=1e-9)


def test_loglinear_selection_fits_every_two_way_model_for_four_lists_and_picks_the_least_aic():
    table = simulated_table(lists=4)
    result = loglinear_estimate(table, criterion="aic")
    assert len(result.models) + len(result.skipped) == 64
    assert result.chosen.aic == min(m.aic for m in result.models)
    assert result.interval.lower < result.chosen.estimate < result.interval.upper
    bic = loglinear_estimate(table, criterion="bic")
    assert bic.chosen.bic == min(m.bic for m in bic.models)


def test_loglinear_interval_covers_the_truth_of_an_invented_population():
    table = simulated_table(seed=4, total=3000, heterogeneous=False)
    result = loglinear_estimate(table)
    assert result.interval.lower <= 3000 <= result.interval.upper


@needs_reference
def test_six_lists_use_a_stepwise_search():
    from casebook.analysis.stats.mse.patterns import capture_table_read

    table = capture_table_read(reference_path("mse", "sparsemse_ukdat.csv"))
    result = loglinear_estimate(table)
    assert table.k == 6
    assert 0 < len(result.models) < 2**15  # not all 32,768


def test_interactions_are_named_with_lists_numbered_from_one():
    assert models_parse(["3:1", "2:4"], 4) == LoglinearModel(((0, 2), (1, 3)))
    assert LoglinearModel(((0, 2), (1, 3))).labels == ["1:3", "2:4"]
    assert LoglinearModel().name == "independence"
    with pytest.raises(ValueError, match="not there"):
        models_parse(["1:5"], 4)


@needs_reference
@pytest.mark.parametrize("k", [3, 4, 5])
def test_generated_decomposable_graphs_are_exactly_dgas_lists(k):
    reference = json.loads(reference_path("mse", f"dga_graphs{k}.json").read_text())

    def key(cliques, separators):
        return (
            frozenset(frozenset(c) for c in cliques),
            tuple(sorted(tuple(sorted(s)) for s in separators)),
        )

    theirs = {key(m["cliques"], m["separators"]) for m in reference["models"]}
    ours = {
        key([[v + 1 for v in c] for c in g.cliques], [[v + 1 for v in s] for s in g.separators])
        for g in decomposable_graphs(k)
    }
    assert len(ours) == len(decomposable_graphs(k)) == reference["n_models"]
    assert ours == theirs


def test_dga_refuses_more_than_five_lists():
    table = simulated_table(lists=5)
    six = CaptureTable.from_patterns(
        [*table.lists, "extra"],
        [
            (np.append(p, i % 2), c)
            for i, (p, c) in enumerate(zip(table.patterns, table.counts, strict=True))
        ],
    )
    with pytest.raises(Refused, match="practical up to 5 lists"):
        dga_posterior(six)


def test_dga_interval_covers_the_truth_of_an_invented_population():
    result = dga_posterior(simulated_table(seed=8, heterogeneous=False))
    assert result.quantile(0.025) <= 3000 <= result.quantile(0.975)


@pytest.fixture(scope="module")
def heterogeneous_run():
    """25,000 iterations on an invented population of 3,000 in two latent classes."""
    seen = []
    result = lcmcr_posterior(
        simulated_table(seed=3, total=3000),
        settings=LcmcrSettings(burn_in=5000, thinning=25, samples=800, seed=5),
        progress=lambda done, total: seen.append((done, total)),
    )
    return result, seen


def test_lcmcr_interval_covers_the_truth_of_an_invented_heterogeneous_population(
    heterogeneous_run,
):
    result, _ = heterogeneous_run
    assert result.quantile(0.025) <= 3000 <= result.quantile(0.975)


def test_lcmcr_reports_progress_to_the_end(heterogeneous_run):
    _, seen = heterogeneous_run
    assert seen[-1] == (25_000, 25_000) and len(seen) >= 100


def test_lcmcr_is_reproducible_with_a_seed():
    table = simulated_table(seed=2, heterogeneous=False)
    quick = LcmcrSettings(burn_in=500, thinning=10, samples=300, seed=9)
    first = lcmcr_posterior(table, settings=quick)
    again = lcmcr_posterior(table, settings=quick)
    other = lcmcr_posterior(table, settings=LcmcrSettings(**{**quick.__dict__, "seed": 11}))
    np.testing.assert_array_equal(first.totals, again.totals)
    assert not np.array_equal(first.totals, other.totals)


def test_lcmcr_refuses_when_its_draws_have_not_settled():
    # Far too short a chain from LCMCR's start: the two halves of the draws disagree.
    hasty = LcmcrSettings(burn_in=0, thinning=1, samples=40, seed=1)
    with pytest.raises(Refused, match="did not converge"):
        lcmcr_posterior(simulated_table(seed=3, total=20000), settings=hasty)
