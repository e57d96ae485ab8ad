"""The Mann–Kendall trend test, Sen's slope, and the Hamed–Rao and seasonal variants.

Written here rather than taken from pymannkendall: each piece is a few lines, and the
tests check them against pymannkendall 1.4.3's published outputs on the reference data.
Conventions (the usual ones, and pymannkendall's):

- S counts concordant minus discordant pairs; its variance is corrected for ties;
- z uses the continuity correction (S − 1)/√Var(S) for S > 0, (S + 1)/√Var(S) for S < 0;
- p is two-sided;
- Sen's slope is the median of the pairwise slopes (x_j − x_i)/(j − i), i < j.

Hamed & Rao (1998) inflate Var(S) for autocorrelation: the series is detrended with Sen's
slope, ranked, and every lag whose autocorrelation of ranks lies outside ±z_{1−α/2}/√n adds
to the correction factor n/n*. The seasonal test (Hirsch, Slack & Smith 1982) sums S and
Var(S) over seasons compared only within themselves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# scipy is imported where it is used: the URLs load this module in every casebook
# process (about a second of CPU), and most of them never compute a statistic.


@dataclass(frozen=True)
class MannKendall:
    variant: str  # "original", "hamed_rao" or "seasonal"
    s: float
    var_s: float
    z: float
    p: float
    tau: float
    sen_slope: float
    n: int
    correction: float = 1.0  # Hamed–Rao's n/n* (1.0 when no lag is significant)


def _values(x: Sequence[float]) -> np.ndarray:
    values = np.asarray(x, dtype=float)
    if values.ndim != 1:
        raise ValueError("a series is one-dimensional")
    return values[np.isfinite(values)]


def _score(x: np.ndarray) -> float:
    upper = np.triu_indices(len(x), k=1)
    differences = x[upper[1]] - x[upper[0]]
    return float(np.sign(differences).sum())


def _variance(x: np.ndarray) -> float:
    n = len(x)
    _, ties = np.unique(x, return_counts=True)
    tie_term = float(np.sum(ties * (ties - 1) * (2 * ties + 5)))
    return (n * (n - 1) * (2 * n + 5) - tie_term) / 18.0


def _z(s: float, var_s: float) -> float:
    if var_s <= 0 or s == 0:
        return 0.0
    return (s - 1) / math.sqrt(var_s) if s > 0 else (s + 1) / math.sqrt(var_s)


def _p(z: float) -> float:
    from scipy import stats

    return float(2 * stats.norm.sf(abs(z)))


def sen_slope(x: Sequence[float]) -> float:
    """The median of pairwise slopes per step.

    The six slopes of [1, 3, 2, 6] are -1, 0.5, 1.5, 5/3, 2 and 4; their median is the mean
    of the middle two.

    >>> round(sen_slope([1, 3, 2, 6]), 4)
    1.5833
    """
    values = _values(x)
    if len(values) < 2:
        return math.nan
    i, j = np.triu_indices(len(values), k=1)
    return float(np.median((values[j] - values[i]) / (j - i)))


def mann_kendall(x: Sequence[float]) -> MannKendall:
    """The original test (no correction for autocorrelation)."""
    values = _values(x)
    n = len(values)
    s = _score(values)
    var_s = _variance(values)
    z = _z(s, var_s)
    return MannKendall(
        variant="original",
        s=s,
        var_s=var_s,
        z=z,
        p=_p(z),
        tau=s / (0.5 * n * (n - 1)) if n > 1 else math.nan,
        sen_slope=sen_slope(values),
        n=n,
    )


def _rank_autocorrelation(values: np.ndarray) -> np.ndarray:
    centred = values - values.mean()
    n = len(values)
    autocovariance = np.correlate(centred, centred, "full")[n - 1 :] / n
    if autocovariance[0] == 0:  # a constant series (e.g. an exact line, detrended)
        return np.zeros(n)
    return autocovariance / autocovariance[0]


def hamed_rao_correction(x: Sequence[float], *, alpha: float = 0.05) -> float:
    """n/n*: how much autocorrelation inflates Var(S); 1.0 when no lag is significant."""
    from scipy import stats

    values = _values(x)
    n = len(values)
    if n < 3:
        return 1.0
    detrended = values - np.arange(1, n + 1) * sen_slope(values)
    acf = _rank_autocorrelation(stats.rankdata(detrended))
    bound = stats.norm.ppf(1 - alpha / 2) / math.sqrt(n)
    total = 0.0
    for lag in range(1, n):
        if abs(acf[lag]) > bound:
            total += (n - lag) * (n - lag - 1) * (n - lag - 2) * acf[lag]
    return float(1 + 2 / (n * (n - 1) * (n - 2)) * total)


def mann_kendall_hamed_rao(x: Sequence[float], *, alpha: float = 0.05) -> MannKendall:
    """The test with Hamed & Rao's variance correction for autocorrelated series."""
    original = mann_kendall(x)
    correction = hamed_rao_correction(x, alpha=alpha)
    var_s = original.var_s * correction
    z = _z(original.s, var_s)
    return MannKendall(
        variant="hamed_rao",
        s=original.s,
        var_s=var_s,
        z=z,
        p=_p(z),
        tau=original.tau,
        sen_slope=original.sen_slope,
        n=original.n,
        correction=correction,
    )


def lag_one_autocorrelated(x: Sequence[float], *, alpha: float = 0.05) -> bool:
    """Whether the ranks of the Sen-detrended series are autocorrelated at lag 1.

    Only lag 1 decides: testing every lag at 5% would call almost any long series
    autocorrelated by chance.
    """
    from scipy import stats

    values = _values(x)
    n = len(values)
    if n < 4:
        return False
    detrended = values - np.arange(1, n + 1) * sen_slope(values)
    acf = _rank_autocorrelation(stats.rankdata(detrended))
    return bool(abs(acf[1]) > stats.norm.ppf(1 - alpha / 2) / math.sqrt(n))


def mann_kendall_auto(x: Sequence[float], *, alpha: float = 0.05) -> MannKendall:
    """Hamed–Rao when the series is autocorrelated at lag 1 (`lag_one_autocorrelated`) and
    the correction is usable, the original test otherwise."""
    if lag_one_autocorrelated(x, alpha=alpha):
        corrected = mann_kendall_hamed_rao(x, alpha=alpha)
        # With strong negative autocorrelation the correction can reach zero or below, where
        # Hamed & Rao's approximation has broken down; the original test is then the honest one.
        if corrected.correction > 0:
            return corrected
    return mann_kendall(x)


def _seasons(x: Sequence[float], period: int) -> list[np.ndarray]:
    values = np.asarray(x, dtype=float)
    return [season[np.isfinite(season)] for season in (values[i::period] for i in range(period))]


def seasonal_sen_slope(x: Sequence[float], *, period: int) -> float:
    """The median of within-season pairwise slopes, per cycle (per year for months)."""
    slopes = []
    for season in _seasons(x, period):
        i, j = np.triu_indices(len(season), k=1)
        slopes.append((season[j] - season[i]) / (j - i))
    joined = np.concatenate(slopes) if slopes else np.array([])
    return float(np.median(joined)) if len(joined) else math.nan


def mann_kendall_seasonal(x: Sequence[float], *, period: int) -> MannKendall:
    """The seasonal test: each season (e.g. each month of the year) compared with itself."""
    s = var_s = pairs = 0.0
    n = 0
    for season in _seasons(x, period):
        m = len(season)
        n += m
        if m < 2:
            continue
        s += _score(season)
        var_s += _variance(season)
        pairs += 0.5 * m * (m - 1)
    z = _z(s, var_s)
    return MannKendall(
        variant="seasonal",
        s=s,
        var_s=var_s,
        z=z,
        p=_p(z),
        tau=s / pairs if pairs else math.nan,
        sen_slope=seasonal_sen_slope(x, period=period),
        n=n,
    )
