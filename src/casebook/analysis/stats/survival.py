"""Time to an outcome with cases still pending: the Kaplan–Meier estimator.

A person arrested 40 days ago and not yet charged is "not charged within 40 days", not "never
charged" and not missing: the estimator keeps them in the risk set until day 40 (censored).
Pointwise intervals use Greenwood's variance on the log scale, and the median's interval is
read off where the interval's bounds cross one half (Brookmeyer & Crowley 1982) — both as in
R's `survfit` defaults, which the tests reproduce.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# scipy is imported where it is used: the URLs load this module in every casebook
# process (about a second of CPU), and most of them never compute a statistic.


@dataclass(frozen=True)
class KaplanMeier:
    times: np.ndarray  # distinct event times
    at_risk: np.ndarray
    events: np.ndarray
    survival: np.ndarray  # S(t) just after each time
    lower: np.ndarray
    upper: np.ndarray
    n: int
    total_events: int
    level: float

    def _crossing(self, curve: np.ndarray) -> float | None:
        """The first time `curve` falls to 0.5 or below; on a plateau exactly at 0.5, the
        midpoint to the next time (R's convention)."""
        below = np.nonzero(curve <= 0.5 + 1e-12)[0]
        if not len(below):
            return None
        first = int(below[0])
        if abs(curve[first] - 0.5) < 1e-12 and first + 1 < len(self.times):
            return float((self.times[first] + self.times[first + 1]) / 2)
        return float(self.times[first])

    @property
    def median(self) -> float | None:
        return self._crossing(self.survival)

    @property
    def median_interval(self) -> tuple[float | None, float | None]:
        """(lower, upper); None where the data do not reach it (e.g. the upper bound when
        too many cases are still pending)."""
        return self._crossing(self.lower), self._crossing(self.upper)

    def survival_at(self, time: float) -> float:
        index = np.searchsorted(self.times, time, side="right") - 1
        return 1.0 if index < 0 else float(self.survival[index])


def kaplan_meier(
    durations: Sequence[float], observed: Sequence[bool], *, level: float = 0.95
) -> KaplanMeier:
    """`durations[i]` days until the outcome (observed[i] True) or until today (False)."""
    from scipy import stats

    t = np.asarray(durations, dtype=float)
    d = np.asarray(observed, dtype=bool)
    if t.shape != d.shape or t.ndim != 1:
        raise ValueError("one observed flag per duration")
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError("durations must be finite and non-negative")
    times, event_counts = np.unique(t[d], return_counts=True)
    # Sorted once, rather than a pass over every duration per event time.
    at_risk = (len(t) - np.searchsorted(np.sort(t), times, side="left")).astype(float)
    events = event_counts.astype(float)
    survival = np.cumprod(1 - events / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(events / (at_risk * (at_risk - events)))
        z = stats.norm.ppf(0.5 + level / 2)
        spread = z * np.sqrt(greenwood)
        # Where S(t) = 0 the log-scale interval is undefined; like R, leave it out (NaN)
        # rather than claim a bound, so a curve that reaches zero does not fake an upper
        # bound for the median.
        lower = np.where(survival > 0, survival * np.exp(-spread), np.nan)
        upper = np.where(survival > 0, np.minimum(1.0, survival * np.exp(spread)), np.nan)
    return KaplanMeier(
        times=times,
        at_risk=at_risk,
        events=events,
        survival=survival,
        lower=lower,
        upper=upper,
        n=len(t),
        total_events=int(d.sum()),
        level=level,
    )
