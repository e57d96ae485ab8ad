"""A small Poisson GLM (log link) by Newton–Raphson, for the many tiny log-linear fits.

Model selection over two-way interactions fits up to 1,024 models of at most 63 cells, and a
profile-likelihood interval refits one model some fifty times; statsmodels' GLM would do each
fit correctly but spends milliseconds per fit on pandas-aware bookkeeping. The tests check
these fits against statsmodels and against Rcapture's published deviances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# scipy is imported where it is used: the URLs load this module in every casebook
# process (about a second of CPU), and most of them never compute a statistic.

MAX_ITERATIONS = 100
TOLERANCE = 1e-10


@dataclass(frozen=True)
class PoissonFit:
    coefficients: np.ndarray
    covariance: np.ndarray
    fitted: np.ndarray
    deviance: float
    log_likelihood: float
    converged: bool
    rank: int


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2.0 * np.sum(term - (y - mu)))


def poisson_log_likelihood(y: np.ndarray, mu: np.ndarray) -> float:
    from scipy import special

    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(mu), 0.0)
    return float(np.sum(term - mu - special.gammaln(y + 1)))


def poisson_fit(
    X: np.ndarray,
    y: np.ndarray,
    *,
    start: np.ndarray | None = None,
) -> PoissonFit:
    """Maximum-likelihood fit of log E[y] = X·b.

    `converged` is False when the iterations did not settle or a coefficient ran off towards
    infinity (a zero margin the model tries to fit exactly); callers treat such fits as
    failures rather than estimates.
    """
    y = np.asarray(y, dtype=float)
    if start is not None:
        warm = _newton(X, y, np.array(start, dtype=float))
        if warm.converged:
            return warm
    # Start from a least-squares fit to log(y + ½), which is close for count tables.
    return _newton(X, y, np.linalg.lstsq(X, np.log(y + 0.5), rcond=None)[0])


def _newton(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> PoissonFit:
    p = X.shape[1]
    converged = False
    deviance = poisson_deviance(y, np.exp(np.clip(X @ beta, -700, 700)))
    if not np.isfinite(deviance):
        deviance = np.inf
    for _ in range(MAX_ITERATIONS):
        eta = np.clip(X @ beta, -700, 700)
        mu = np.exp(eta)
        information = X.T @ (mu[:, None] * X)
        score = X.T @ (y - mu)
        try:
            step = np.linalg.solve(information, score)
        except np.linalg.LinAlgError:
            break
        # Halve the step while it makes the fit worse (Newton can overshoot from far away).
        new_deviance = np.inf
        for _ in range(30):
            candidate = beta + step
            mu_new = np.exp(np.clip(X @ candidate, -700, 700))
            new_deviance = poisson_deviance(y, mu_new)
            if np.isfinite(new_deviance) and new_deviance <= deviance + 1e-12 * abs(deviance):
                break
            step = step / 2
        beta = candidate
        change = abs(deviance - new_deviance) if np.isfinite(deviance) else np.inf
        deviance = new_deviance
        if change < TOLERANCE * (abs(deviance) + 0.1):
            converged = True
            break
    mu = np.exp(np.clip(X @ beta, -700, 700))
    information = X.T @ (mu[:, None] * X)
    rank = int(np.linalg.matrix_rank(information))
    try:
        covariance = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        covariance = np.full((p, p), np.nan)
        converged = False
    # A coefficient past ±20 (a factor of e²⁰ ≈ 5·10⁸) is one running off to infinity to fit a
    # zero exactly, not an estimate; the intercept is exempt (it is log of the count missed).
    if rank < p or not np.all(np.isfinite(beta)) or np.max(np.abs(beta[1:]), initial=0) > 20:
        converged = False
    return PoissonFit(
        coefficients=beta,
        covariance=covariance,
        fitted=mu,
        deviance=poisson_deviance(y, mu),
        log_likelihood=poisson_log_likelihood(y, mu),
        converged=converged,
        rank=rank,
    )
