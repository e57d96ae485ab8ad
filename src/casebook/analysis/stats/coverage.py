"""Does the trend interval mean what it says? Coverage on series whose truth is known.

Each simulated series is three years of monthly counts starting near 8 a month and growing
3% a month, overdispersed as real counts are: a gamma-distributed rate around the trend
(variance μ + 0.15·μ², about twice the Poisson variance at these levels), drawn as counts
by a Poisson process. A 95% interval should contain the true rate ratio, 1.03, in about 95%
of series; `bench/trend_coverage.py` runs 1,000 and the suite a few hundred.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from casebook.analysis.stats.refusal import Refused
from casebook.analysis.stats.regression import trend_regression


@dataclass(frozen=True)
class Scenario:
    periods: int = 36
    start: float = 8.0
    rate_ratio: float = 1.03
    alpha: float = 0.15  # NB2 overdispersion: variance = μ + alpha·μ²

    def simulate(self, rng: np.random.Generator) -> np.ndarray:
        means = self.start * self.rate_ratio ** np.arange(self.periods)
        rates = rng.gamma(1 / self.alpha, self.alpha * means)
        return rng.poisson(rates)


@dataclass(frozen=True)
class Coverage:
    simulations: int
    covered: int
    negative_binomial: int  # how often the rule chose NB2
    refused: int

    @property
    def rate(self) -> float:
        return self.covered / self.simulations


def coverage_run(
    simulations: int,
    *,
    seed: int,
    scenario: Scenario | None = None,
    progress=None,
) -> Coverage:
    scenario = scenario or Scenario()
    rng = np.random.default_rng(seed)
    covered = negative_binomial = refused = 0
    for done in range(1, simulations + 1):
        counts = scenario.simulate(rng)
        try:
            trend = trend_regression(counts)
        except Refused:
            refused += 1  # counted as not covering: a refusal gives no interval
        else:
            covered += trend.lower <= scenario.rate_ratio <= trend.upper
            negative_binomial += trend.model == "negative_binomial"
        if progress:
            progress(done)
    return Coverage(
        simulations=simulations,
        covered=covered,
        negative_binomial=negative_binomial,
        refused=refused,
    )
