"""Bayesian non-parametric latent-class capture–recapture (Manrique-Vallier 2016), as LCMCR.

People differ in how likely each list is to record them; the model lets them fall into
latent classes, each with its own capture probability per list, the number of classes being
open (a Dirichlet process, truncated at K classes by stick-breaking). The Gibbs sampler
augments the data with the unrecorded people and draws, in LCMCR's order:

1. for each observed capture pattern, how its records split over the classes (multinomial);
2. each class's capture probability per list, Beta(1 + captured, 1 + not captured),
   counting the imputed unrecorded people as "not captured" everywhere;
3. the class weights by stick-breaking, V_k ~ Beta(1 + m_k, α + Σ_{l>k} m_l);
4. the number unrecorded, n0 ~ NegativeBinomial(n, 1 − P(recorded by no list)), which is its
   conditional under the prior p(N) ∝ 1/N (LCMCR truncates it at 20·n, as do we);
5. how the unrecorded split over the classes (multinomial);
6. the concentration α ~ Gamma(a + K − 1, b − log ν_K).

Everything is vectorised over capture patterns and classes with numpy, so one iteration costs
a few dozen array operations whatever the number of records. Initial values and the 500
warm-up iterations without α follow LCMCR; the tests compare the posterior of N with
LCMCR 0.4.14's on the Kosovo data.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from casebook.analysis.stats.mse.patterns import CaptureTable, capture_table_check
from casebook.analysis.stats.refusal import Refused

WARM_UP = 500
MAX_MISSING_FACTOR = 20  # LCMCR's truncation of n0, × observed
# Split-chain potential scale reduction above this means the two halves of the chain disagree:
# the sampler has not settled, and its numbers are not an estimate.
MAX_RHAT = 1.1
MIN_EFFECTIVE_SAMPLES = 50


@dataclass(frozen=True)
class LcmcrSettings:
    classes: int = 10  # K, LCMCR's default truncation
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    burn_in: int = 10_000
    thinning: int = 100
    samples: int = 1_000
    seed: int = 1


@dataclass(frozen=True)
class LcmcrResult:
    n_observed: int
    totals: np.ndarray  # posterior draws of N
    classes_used: np.ndarray  # posterior draws of the number of non-empty classes
    settings: LcmcrSettings
    rhat: float
    effective_samples: float

    def quantile(self, q: float) -> float:
        return float(np.quantile(self.totals, q))

    @property
    def median(self) -> float:
        return self.quantile(0.5)

    @property
    def mean(self) -> float:
        return float(self.totals.mean())


class _Chain:
    """The sampler's state and one Gibbs scan.

    Two rearrangements make a scan cheap without changing the sampler: every Beta draw of
    step 2 and every stick of step 3 come from one call for gamma variates (a Beta is
    X/(X+Y) of two gammas), and steps 5 and 1 share one multinomial call, because the
    unrecorded people's classes and the recorded patterns' classes are drawn from the same
    conditional (step 6 does not touch the capture probabilities or weights). The scan is
    LCMCR's, started at step 2.
    """

    def __init__(self, table: CaptureTable, settings: LcmcrSettings):
        observed = table.counts > 0
        patterns = table.patterns[observed].astype(float)  # (P, J)
        J = patterns.shape[1]
        # Each row says, per list, "captured" (first J columns) or "missed" (last J); the last
        # row is the unrecorded: missed by every list.
        self.rows = np.vstack(
            [np.hstack([patterns, 1 - patterns]), np.hstack([np.zeros(J), np.ones(J)])]
        )
        self.frequencies = table.counts[observed].astype(np.int64)
        self.n = int(self.frequencies.sum())
        self.people = np.append(self.frequencies, 0)  # the last entry becomes n0
        self.J = J
        self.K = settings.classes
        self.settings = settings
        self.rng = np.random.default_rng(settings.seed)
        share = (self.frequencies @ patterns) / self.n
        self.log_lambda = np.vstack(
            [
                np.tile(np.log(share)[:, None], (1, self.K)),
                np.tile(np.log1p(-share)[:, None], (1, self.K)),
            ]
        )  # (2J, K): log P(captured) over log P(missed)
        start = min(4, self.K)
        nu = np.full(self.K, 0.1 / max(self.K - start, 1))
        nu[:start] = 0.9 / start
        self.log_nu = np.log(nu / nu.sum())
        self.log_remaining = 0.0
        self.alpha = 0.3 / self.K
        self.n0 = 0
        self._draw_people()

    def _draw_people(self) -> None:
        """Steps 4, 5 and 1: the number unrecorded, then everyone's classes."""
        rng = self.rng
        log_weights = self.log_nu[None, :] + self.rows @ self.log_lambda  # (P + 1, K)
        prob_unseen = float(np.exp(log_weights[-1]).sum())
        limit = MAX_MISSING_FACTOR * self.n
        while True:
            self.n0 = int(rng.negative_binomial(self.n, max(1.0 - prob_unseen, 1e-300)))
            if self.n0 <= limit:
                break
        weights = np.exp(log_weights - log_weights.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        self.people[-1] = self.n0
        self.classes = rng.multinomial(self.people, weights)

    def step(self, *, update_alpha: bool = True) -> None:
        rng = self.rng
        K, J = self.K, self.J
        tallies = self.rows.T @ self.classes  # (2J, K): captured / missed per list and class
        members = self.classes.sum(axis=0)
        later = np.cumsum(members[::-1])[::-1][1:]  # people in classes after each of 1…K−1
        # Sticks' second shapes can be tiny (α small, no one in later classes): draw
        # Gamma(a) as Gamma(a + 1)·U^(1/a), in logs, so it never underflows to zero.
        gammas = np.log(
            rng.standard_gamma(
                np.concatenate(
                    [1.0 + tallies.ravel(), 1.0 + members[:-1], self.alpha + later + 1.0]
                )
            )
        )
        log_captured, log_missed = (
            gammas[: J * K].reshape(J, K),
            gammas[J * K : 2 * J * K].reshape(J, K),
        )
        total = np.logaddexp(log_captured, log_missed)
        self.log_lambda[:J] = log_captured - total
        self.log_lambda[J:] = log_missed - total
        log_x = gammas[2 * J * K : 2 * J * K + K - 1]
        log_y = gammas[2 * J * K + K - 1 :] + np.log(rng.random(K - 1)) / (self.alpha + later)
        total = np.logaddexp(log_x, log_y)
        log_not_v = log_y - total
        log_before = np.concatenate([[0.0], np.cumsum(log_not_v)])
        self.log_nu = np.concatenate([log_x - total, [0.0]]) + log_before
        self.log_remaining = float(log_before[-1])
        self._draw_people()
        if update_alpha:
            s = self.settings
            self.alpha = float(rng.gamma(s.a_alpha + K - 1, 1.0 / (s.b_alpha - self.log_remaining)))

    @property
    def total(self) -> int:
        return self.n + self.n0

    def classes_used(self) -> int:
        return int(np.count_nonzero(self.classes.sum(axis=0)))


def _split_rhat(draws: np.ndarray) -> float:
    half = len(draws) // 2
    chains = np.stack([draws[:half], draws[half : 2 * half]])
    means = chains.mean(axis=1)
    within = chains.var(axis=1, ddof=1).mean()
    between = half * means.var(ddof=1)
    if within == 0:
        return 1.0
    pooled = (half - 1) / half * within + between / half
    return float(math.sqrt(pooled / within))


def _effective_samples(draws: np.ndarray) -> float:
    """Geyer's initial positive sequence estimate of the effective sample size."""
    x = draws - draws.mean()
    n = len(x)
    if n < 4 or not np.any(x):
        return float(n)
    spectrum = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(spectrum * np.conj(spectrum))[:n] / (x @ x)
    total = 0.0
    for lag in range(1, n - 1, 2):
        pair = acf[lag] + acf[lag + 1]
        if pair < 0:
            break
        total += pair
    return float(n / (1 + 2 * total))


def lcmcr_posterior(
    table: CaptureTable,
    *,
    settings: LcmcrSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LcmcrResult:
    """Run the sampler; `progress(done, total)` is called every few hundred iterations."""
    capture_table_check(table)
    settings = settings or LcmcrSettings()
    chain = _Chain(table, settings)
    for _ in range(WARM_UP):
        chain.step(update_alpha=False)
    # LCMCR reorders the classes by weight here; the labels do not affect N, so we do not.
    total = settings.burn_in + settings.samples * settings.thinning
    totals = np.empty(settings.samples)
    classes_used = np.empty(settings.samples, dtype=int)
    report_every = max(total // 200, 1)
    for iteration in range(1, total + 1):
        chain.step()
        after_burn_in = iteration - settings.burn_in
        if after_burn_in > 0 and after_burn_in % settings.thinning == 0:
            index = after_burn_in // settings.thinning - 1
            totals[index] = chain.total
            classes_used[index] = chain.classes_used()
        if progress and (iteration % report_every == 0 or iteration == total):
            progress(iteration, total)
    rhat = _split_rhat(totals)
    effective = _effective_samples(totals)
    if rhat > MAX_RHAT or effective < min(MIN_EFFECTIVE_SAMPLES, settings.samples / 4):
        raise Refused(
            f"The latent-class sampler did not converge: its draws of the total have R-hat "
            f"{rhat:.2f} between their two halves (at most {MAX_RHAT} is needed) and "
            f"{effective:.0f} effective draws (at least "
            f"{min(MIN_EFFECTIVE_SAMPLES, settings.samples // 4)}); run it longer or use "
            "another method."
        )
    return LcmcrResult(
        n_observed=table.n_observed,
        totals=totals,
        classes_used=classes_used,
        settings=settings,
        rhat=rhat,
        effective_samples=effective,
    )
