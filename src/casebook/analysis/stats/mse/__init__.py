"""Multiple systems estimation: how many cases no list recorded.

Three estimators, one entry point (`mse_estimate`) and one summary shape:

- `loglinear`: Rcapture-style log-linear models chosen by AIC (or BIC), with multinomial
  profile-likelihood intervals (loglinear.py);
- `dga`: Bayesian model averaging over decomposable graphs, as HRDAG's dga (dga.py);
- `lcmcr`: the Bayesian non-parametric latent-class model, as LCMCR (lcmcr.py).

Every method refuses (raises `Refused`) rather than return a number the data cannot support:
fewer than three lists, a list sharing nothing with the others, too few overlaps, a model
that does not converge, or a posterior or likelihood with no upper bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from casebook.analysis.stats.mse.dga import dga_posterior
from casebook.analysis.stats.mse.lcmcr import LcmcrSettings, lcmcr_posterior
from casebook.analysis.stats.mse.loglinear import loglinear_estimate
from casebook.analysis.stats.mse.patterns import (
    CaptureTable,
    CaptureTableError,
    capture_table_parse,
    capture_table_read,
)
from casebook.analysis.stats.refusal import Refused

METHODS = ("loglinear", "dga", "lcmcr")
METHOD_NAMES = {
    "loglinear": "log-linear models (Rcapture-style), profile-likelihood interval",
    "dga": "Bayesian model averaging over decomposable graphs (dga)",
    "lcmcr": "Bayesian non-parametric latent classes (LCMCR)",
}

__all__ = [
    "METHODS",
    "CaptureTable",
    "CaptureTableError",
    "LcmcrSettings",
    "MseEstimate",
    "Refused",
    "capture_table_parse",
    "capture_table_read",
    "mse_estimate",
]


@dataclass(frozen=True)
class MseEstimate:
    method: str
    n_observed: int
    estimate: float
    lower: float
    upper: float
    model: str
    models: list[dict[str, Any]]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def unrecorded(self) -> float:
        return self.estimate - self.n_observed

    def summary(self) -> dict[str, Any]:
        """The `casebook analysis mse --json` object."""
        return {
            "method": self.method,
            "n_observed": self.n_observed,
            "estimate": self.estimate,
            "lower": self.lower,
            "upper": self.upper,
            "model": self.model,
            "models": self.models,
            **self.details,
        }


def _loglinear(table: CaptureTable, criterion: str, progress) -> MseEstimate:
    result = loglinear_estimate(table, criterion=criterion, progress=progress)
    models = [
        {
            "interactions": fit.model.labels,
            "estimate": fit.estimate,
            "standard_error": fit.standard_error,
            "deviance": fit.deviance,
            "df": fit.df,
            "aic": fit.aic,
            "bic": fit.bic,
        }
        for fit in sorted(result.models, key=lambda f: (len(f.model.interactions), f.model.labels))
    ]
    chosen = result.chosen
    return MseEstimate(
        method="loglinear",
        n_observed=result.n_observed,
        estimate=chosen.estimate,
        lower=result.interval.lower,
        upper=result.interval.upper,
        model=chosen.model.name,
        models=models,
        details={
            "criterion": criterion,
            "interval": "multinomial profile likelihood, 95%",
            "skipped": [
                {"interactions": model.labels, "reason": reason} for model, reason in result.skipped
            ],
        },
    )


def _dga(table: CaptureTable) -> MseEstimate:
    result = dga_posterior(table)
    models = [
        {
            "graph": summary.graph.name,
            "interactions": [f"{i + 1}:{j + 1}" for i, j in sorted(summary.graph.edges)],
            "posterior_probability": summary.probability,
            "mode": summary.mode,
        }
        for summary in result.graphs
        if summary.probability >= 0.001
    ]
    top = result.graphs[0]
    return MseEstimate(
        method="dga",
        n_observed=result.n_observed,
        estimate=float(result.median),
        lower=float(result.quantile(0.025)),
        upper=float(result.quantile(0.975)),
        model=f"average over {len(_graphs(table))} decomposable graphs; most probable "
        f"{top.graph.name} ({top.probability:.2f})",
        models=models,
        details={
            "posterior": {
                "mean": result.mean,
                "median": result.median,
                "mode": result.mode,
                "bayes_relative_loss": result.bayes_relative,
                "lower": result.quantile(0.025),
                "upper": result.quantile(0.975),
                "delta": result.delta,
                "prior": "p(N) proportional to 1/N",
            },
        },
    )


def _graphs(table: CaptureTable):
    from casebook.analysis.stats.mse.graphs import decomposable_graphs

    return decomposable_graphs(table.k)


def _lcmcr(table: CaptureTable, seed: int, progress, settings: LcmcrSettings | None) -> MseEstimate:
    settings = replace(settings or LcmcrSettings(), seed=seed)
    result = lcmcr_posterior(table, settings=settings, progress=progress)
    posterior = {
        "mean": result.mean,
        "median": result.median,
        "lower": result.quantile(0.025),
        "upper": result.quantile(0.975),
        "draws": len(result.totals),
        "effective_draws": result.effective_samples,
        "rhat": result.rhat,
        "classes_used_median": float(sorted(result.classes_used)[len(result.classes_used) // 2]),
        "settings": settings.__dict__,
    }
    return MseEstimate(
        method="lcmcr",
        n_observed=result.n_observed,
        estimate=result.median,
        lower=result.quantile(0.025),
        upper=result.quantile(0.975),
        model=f"latent classes, Dirichlet process truncated at {settings.classes}",
        models=[{"model": "latent classes", "posterior": posterior}],
        details={"seed": seed},
    )


def mse_estimate(
    table: CaptureTable,
    *,
    method: str = "loglinear",
    seed: int = 1,
    criterion: str = "aic",
    progress: Callable[[int, int | None], None] | None = None,
    lcmcr_settings: LcmcrSettings | None = None,
) -> MseEstimate:
    """Estimate the total number of cases, recorded or not, with a 95% interval.

    `lcmcr_settings` changes the sampler's length (LCMCR's defaults otherwise); its seed is
    always `seed`.
    """
    if method == "loglinear":
        return _loglinear(table, criterion, progress)
    if method == "dga":
        return _dga(table)
    if method == "lcmcr":
        return _lcmcr(table, seed, progress, lcmcr_settings)
    raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
