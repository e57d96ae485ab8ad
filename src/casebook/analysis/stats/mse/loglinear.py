"""Log-linear capture–recapture models, as Rcapture fits them.

The counts of the 2^k − 1 observed capture patterns are modelled as Poisson with
log E[count] = intercept + list main effects + chosen two-way interactions (+ optionally
Darroch's heterogeneity term (number of lists)²/2, or for model M0 one common capture
effect). The unobserved cell has every covariate 0, so the model's prediction for it is
exp(intercept) and the estimate of the total is N = n + exp(intercept), with the delta-method
standard error √(exp(b0) + exp(2·b0)·Var(b0)) that Rcapture prints.

Intervals are Rcapture's multinomial profile-likelihood intervals (Cormack 1992): for each
candidate N the unobserved cell is set to N − n, the model refitted to the full table, and the
multinomial log-likelihood of the complete table profiled over the other parameters; the
interval holds the N whose log-likelihood is within χ²₁(95%)/2 of the maximum. We use the
exact log-gamma form where Rcapture uses Stirling's approximation of it; the two differ by
less than 1/(12·(N − n)) in log-likelihood.

Model choice: every hierarchical model with all main effects and any set of two-way
interactions is fitted (2^(k(k−1)/2) models: 8 for 3 lists, 64 for 4, 1,024 for 5); beyond 5
lists, a stepwise search from independence adds or drops one interaction at a time while the
criterion improves. The model with the smallest AIC is chosen (BIC on request): on the two UK
modern-slavery tables AIC lands on the models SparseMSE's stepwise search chooses (estimates
11,418 and 11,313, inside the Home Office's published 10,000–13,000), where BIC picks one
giving 22,991 for the five-list table. Models whose fit diverges are skipped, with the reason.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

# scipy is imported where it is used: the URLs load this module in every casebook
# process (about a second of CPU), and most of them never compute a statistic.
from casebook.analysis.stats.mse.patterns import CaptureTable, capture_table_check
from casebook.analysis.stats.mse.poisson import PoissonFit, poisson_fit
from casebook.analysis.stats.refusal import Refused

EXHAUSTIVE_UP_TO = 5  # lists; 6 lists would mean 32,768 models
# The interval's upper end is searched up to this multiple of the observed count; a model
# whose likelihood has not fallen by then gives no upper bound worth printing.
UPPER_SEARCH_FACTOR = 100


@dataclass(frozen=True)
class LoglinearModel:
    interactions: tuple[tuple[int, int], ...] = ()  # pairs of 0-based list indices
    heterogeneity: str | None = None  # "darroch" for Mth Darroch
    equal_capture: bool = False  # M0: one capture effect shared by every list

    @property
    def labels(self) -> list[str]:
        """Interactions as lists numbered from 1: ["1:2", "3:4"]."""
        return [f"{i + 1}:{j + 1}" for i, j in self.interactions]

    @property
    def name(self) -> str:
        parts = ["M0 (equal capture)"] if self.equal_capture else []
        parts += self.labels
        if self.heterogeneity == "darroch":
            parts.append("Darroch heterogeneity")
        return " + ".join(parts) if parts else "independence"


def design_matrix(patterns: np.ndarray, model: LoglinearModel) -> np.ndarray:
    """Intercept, then main effects (or M0's one column), interactions, heterogeneity."""
    columns = [np.ones(len(patterns))]
    captures = patterns.sum(axis=1).astype(float)
    if model.equal_capture:
        columns.append(captures)
    else:
        columns.extend(patterns[:, i].astype(float) for i in range(patterns.shape[1]))
    for i, j in model.interactions:
        columns.append((patterns[:, i] * patterns[:, j]).astype(float))
    if model.heterogeneity == "darroch":
        columns.append(captures**2 / 2)
    elif model.heterogeneity is not None:
        raise ValueError(f"unknown heterogeneity {model.heterogeneity!r}")
    return np.column_stack(columns)


@dataclass(frozen=True)
class LoglinearFit:
    model: LoglinearModel
    estimate: float
    standard_error: float
    deviance: float
    df: int
    aic: float
    bic: float
    fit: PoissonFit = field(repr=False)


@dataclass(frozen=True)
class ProfileInterval:
    centre: float  # the N maximising the multinomial likelihood
    lower: float
    upper: float
    level: float


@dataclass(frozen=True)
class LoglinearResult:
    chosen: LoglinearFit
    interval: ProfileInterval
    models: list[LoglinearFit]
    skipped: list[tuple[LoglinearModel, str]]
    criterion: str
    n_observed: int


def loglinear_fit(table: CaptureTable, model: LoglinearModel) -> LoglinearFit:
    """Fit one model; raises Refused when the fit diverges."""
    X = design_matrix(table.patterns, model)
    y = table.counts
    fit = poisson_fit(X, y)
    if not fit.converged:
        raise Refused(f"The log-linear model {model.name} did not converge.")
    n = table.n_observed
    b0 = fit.coefficients[0]
    missed = math.exp(b0)
    variance = fit.covariance[0, 0]
    aic = -2 * fit.log_likelihood + 2 * fit.rank
    return LoglinearFit(
        model=model,
        estimate=n + missed,
        standard_error=math.sqrt(missed + missed**2 * variance),
        deviance=fit.deviance,
        df=len(y) - fit.rank,
        aic=aic,
        bic=aic + (math.log(n) - 2) * fit.rank,
        fit=fit,
    )


def _stirling_remainder(x: float) -> float:
    """log(x!) - (x log x - x), computed without cancellation: for large x both sides are
    ~x log x, and their difference (~½ log 2πx) would keep only a few of its digits."""
    from scipy import special

    if x < 15:
        return float(special.gammaln(x + 1)) - (x * math.log(x) if x > 0 else 0.0) + x
    inverse, inverse_squared = 1.0 / x, 1.0 / (x * x)
    series = inverse * (
        1 / 12 - inverse_squared * (1 / 360 - inverse_squared * (1 / 1260 - inverse_squared / 1680))
    )
    return 0.5 * math.log(2 * math.pi * x) + series


def _profile_function(table: CaptureTable, model: LoglinearModel, start: np.ndarray):
    X = design_matrix(table.patterns, model)
    X_full = np.vstack([X, np.eye(1, X.shape[1])])  # the unobserved cell: intercept only
    n = table.n_observed
    warm = {"start": start}

    def loglik(N: float) -> float:
        missed = max(N - n, 0.0)
        y = np.append(table.counts, missed)
        fit = poisson_fit(X_full, y, start=warm["start"])
        if not fit.converged:
            raise Refused(
                f"The profile likelihood of {model.name} could not be computed at N = {N:.0f}."
            )
        warm["start"] = fit.coefficients
        # log N! - log(N-n)! + (N-n) log(N-n) - N log N, written through the Stirling
        # remainders: the terms are each ~N log N, and their sum moves by less than 1e-10 of
        # that near the maximum, which subtracting them directly would drown in rounding.
        return -fit.deviance / 2 + _stirling_remainder(N) - _stirling_remainder(missed) - n

    return loglik


def profile_interval(
    table: CaptureTable, fitted: LoglinearFit, *, level: float = 0.95
) -> ProfileInterval:
    """Rcapture's multinomial profile-likelihood interval for N under one model."""
    from scipy import optimize, stats

    n = table.n_observed
    loglik = _profile_function(table, fitted.model, fitted.fit.coefficients)
    search_top = max(1.5 * fitted.estimate, n + 2.0)
    best = optimize.minimize_scalar(
        lambda N: -loglik(N),
        bounds=(n, search_top),
        method="bounded",
        options={"xatol": 1e-6 * n},
    )
    centre = float(best.x)
    top = -float(best.fun)
    threshold = top - stats.chi2.ppf(level, 1) / 2

    def below(N: float) -> float:
        return loglik(N) - threshold

    # When N = n itself is inside the interval, n is the lower end (Rcapture's convention).
    lower = float(n) if below(n) >= 0 else optimize.brentq(below, n, centre, xtol=1e-8 * n)
    upper_limit = max(3 * fitted.estimate, centre + 1)
    while below(upper_limit) > 0:
        if upper_limit >= UPPER_SEARCH_FACTOR * n:
            raise Refused(
                f"Under {fitted.model.name} the data put no upper bound on the total below "
                f"{UPPER_SEARCH_FACTOR} times the {n:,} records observed: the lists overlap "
                "too little for this model to say how many were missed."
            )
        upper_limit = min(upper_limit * 3, UPPER_SEARCH_FACTOR * n)
    upper = optimize.brentq(below, centre, upper_limit, xtol=1e-8 * n)
    return ProfileInterval(centre=centre, lower=lower, upper=upper, level=level)


def _criterion(fit: LoglinearFit, criterion: str) -> float:
    return fit.bic if criterion == "bic" else fit.aic


def _try(table, model, fitted, skipped):
    if model in fitted:
        return fitted[model]
    for i, j in model.interactions:
        if table.pair_overlap(i, j) == 0:
            skipped.append(
                (
                    model,
                    f"lists {i + 1} and {j + 1} share no record, so their interaction "
                    "cannot be estimated",
                )
            )
            fitted[model] = None
            return None
    try:
        fitted[model] = loglinear_fit(table, model)
    except Refused as refused:
        skipped.append((model, refused.reason))
        fitted[model] = None
    return fitted[model]


def _stepwise(table, pairs, criterion, fitted, skipped, progress):
    current = frozenset()
    best = _try(table, LoglinearModel(), fitted, skipped)
    if best is None:
        raise Refused("Even the independence model did not converge on these lists.")
    while True:
        neighbours = [current | {p} for p in pairs if p not in current]
        neighbours += [current - {p} for p in current]
        improved = None
        for candidate in neighbours:
            fit = _try(table, LoglinearModel(tuple(sorted(candidate))), fitted, skipped)
            if progress:
                progress(len(fitted), None)
            if fit is not None and _criterion(fit, criterion) < _criterion(best, criterion):
                best, improved = fit, candidate
        if improved is None:
            return
        current = improved


def loglinear_estimate(
    table: CaptureTable,
    *,
    criterion: str = "aic",
    level: float = 0.95,
    progress: Callable[[int, int | None], None] | None = None,
) -> LoglinearResult:
    """Fit the candidate models, choose one by `criterion`, and give its interval."""
    if criterion not in {"aic", "bic"}:
        raise ValueError("criterion is 'aic' or 'bic'")
    capture_table_check(table)
    pairs = list(itertools.combinations(range(table.k), 2))
    fitted: dict[LoglinearModel, LoglinearFit | None] = {}
    skipped: list[tuple[LoglinearModel, str]] = []
    if table.k <= EXHAUSTIVE_UP_TO:
        subsets = [
            combination
            for size in range(len(pairs) + 1)
            for combination in itertools.combinations(pairs, size)
        ]
        for done, subset in enumerate(subsets, start=1):
            _try(table, LoglinearModel(tuple(subset)), fitted, skipped)
            if progress:
                progress(done, len(subsets))
    else:
        _stepwise(table, pairs, criterion, fitted, skipped, progress)
    models = [fit for fit in fitted.values() if fit is not None]
    if not models:
        raise Refused("No log-linear model converged on these lists.")
    chosen = min(models, key=lambda fit: _criterion(fit, criterion))
    # If the chosen model gives no interval this refuses, rather than fall back silently to
    # a model the criterion ranks lower.
    interval = profile_interval(table, chosen, level=level)
    return LoglinearResult(
        chosen=chosen,
        interval=interval,
        models=models,
        skipped=skipped,
        criterion=criterion,
        n_observed=table.n_observed,
    )


def models_parse(labels: Sequence[str], k: int) -> LoglinearModel:
    """["1:2", "3:4"] → the model with those interactions (lists numbered from 1)."""
    pairs = []
    for label in labels:
        try:
            i, j = (int(part) - 1 for part in label.split(":"))
        except ValueError:
            raise ValueError(f"{label!r} is not an interaction such as 1:2") from None
        if not (0 <= i < k and 0 <= j < k and i != j):
            raise ValueError(f"{label!r} names a list that is not there")
        pairs.append((min(i, j), max(i, j)))
    return LoglinearModel(tuple(sorted(set(pairs))))
