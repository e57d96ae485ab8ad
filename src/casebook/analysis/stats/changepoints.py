"""Where did the rate of a count series change? Segments with a Poisson likelihood cost.

A segment's cost is −2 × its maximised Poisson log-likelihood with one rate for the whole
segment (per unit of exposure when exposure is given). Terms that do not depend on where the
segments fall are left out, so costs compare segmentations of the same series only.

- `changepoint_single` scans every split and returns the best one with its likelihood-ratio
  statistic 2·log(LR) against "no change" (the classic coal-mining test: 1891).
- `changepoints` finds the optimal number and places of changes by exact optimal partitioning
  (dynamic programming over all segmentations) with a penalty for each change. The default
  penalty is 3·log(n) (the MBIC order of Zhang & Siegmund 2007, also the default of R's
  `changepoint` package), multiplied by the series' dispersion when counts vary more than a
  Poisson model allows: overdispersion makes every split look better than it is, and without
  this the search would report changes that are only noise.

A Gaussian (L2) cost, as in `ruptures`' default, puts the coal change one year earlier (1890):
the cost must match the data, and counts are not Gaussian.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_SEGMENT = 2  # periods: one unusual period is an outlier, not a new rate


@dataclass(frozen=True)
class Segment:
    start: int  # index of its first period
    end: int  # index one past its last period
    total: float
    exposure: float

    @property
    def rate(self) -> float:
        return self.total / self.exposure if self.exposure > 0 else math.nan

    @property
    def last(self) -> int:
        return self.end - 1


@dataclass(frozen=True)
class Segmentation:
    segments: list[Segment]
    statistic: float  # 2·log(LR) of this segmentation against one rate throughout
    penalty: float  # per change; 0.0 for the single-change scan

    @property
    def change_indices(self) -> list[int]:
        """The last period of every segment that is followed by another."""
        return [segment.last for segment in self.segments[:-1]]


def _arrays(counts, exposure):
    y = np.asarray(counts, dtype=float)
    e = np.ones_like(y) if exposure is None else np.asarray(exposure, dtype=float)
    if y.ndim != 1 or e.shape != y.shape or np.any(y < 0) or np.any(e <= 0):
        raise ValueError("counts must be non-negative and exposure positive, one per period")
    return y, e


def _cost(total, exposure):
    """−2 × maximised log-likelihood (without constant terms); 0·log 0 is 0."""
    total = np.asarray(total, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(total > 0, total * np.log(total / exposure), 0.0)
    return -2.0 * (term - total)


def _segment(y_cum, e_cum, start, end) -> Segment:
    return Segment(
        start=start,
        end=end,
        total=float(y_cum[end] - y_cum[start]),
        exposure=float(e_cum[end] - e_cum[start]),
    )


def changepoint_single(
    counts: Sequence[float],
    *,
    exposure: Sequence[float] | None = None,
    min_size: int = MIN_SEGMENT,
) -> Segmentation:
    """The single split that maximises the sum of the two segments' log-likelihoods."""
    y, e = _arrays(counts, exposure)
    n = len(y)
    if n < 2 * min_size:
        raise ValueError(f"a split needs at least {2 * min_size} periods")
    y_cum = np.concatenate([[0.0], np.cumsum(y)])
    e_cum = np.concatenate([[0.0], np.cumsum(e)])
    splits = np.arange(min_size, n - min_size + 1)
    costs = _cost(y_cum[splits], e_cum[splits]) + _cost(
        y_cum[n] - y_cum[splits], e_cum[n] - e_cum[splits]
    )
    best = int(splits[int(np.argmin(costs))])
    whole = float(_cost(y_cum[n], e_cum[n]))
    return Segmentation(
        segments=[_segment(y_cum, e_cum, 0, best), _segment(y_cum, e_cum, best, n)],
        statistic=whole - float(costs.min()),
        penalty=0.0,
    )


def default_penalty(n: int, *, dispersion: float = 1.0) -> float:
    """3·log(n) per change, scaled up by overdispersion (never down)."""
    return 3.0 * math.log(max(n, 2)) * max(1.0, dispersion)


def changepoints(
    counts: Sequence[float],
    *,
    exposure: Sequence[float] | None = None,
    penalty: float | None = None,
    dispersion: float = 1.0,
    min_size: int = MIN_SEGMENT,
) -> Segmentation:
    """The segmentation minimising total cost + penalty × number of changes (exact)."""
    y, e = _arrays(counts, exposure)
    n = len(y)
    if penalty is None:
        penalty = default_penalty(n, dispersion=dispersion)
    y_cum = np.concatenate([[0.0], np.cumsum(y)])
    e_cum = np.concatenate([[0.0], np.cumsum(e)])
    best = np.full(n + 1, math.inf)
    best[0] = -penalty  # the first segment carries no change
    previous = np.zeros(n + 1, dtype=int)
    for end in range(min_size, n + 1):
        starts = np.arange(0, end - min_size + 1)
        starts = starts[(starts == 0) | (starts >= min_size)]
        candidates = (
            best[starts] + _cost(y_cum[end] - y_cum[starts], e_cum[end] - e_cum[starts]) + penalty
        )
        choice = int(np.argmin(candidates))
        best[end] = candidates[choice]
        previous[end] = starts[choice]
    bounds = [n]
    while bounds[-1] > 0:
        bounds.append(int(previous[bounds[-1]]))
    bounds.reverse()
    segments = [_segment(y_cum, e_cum, a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
    fitted = float(sum(_cost(s.total, s.exposure) for s in segments))
    return Segmentation(
        segments=segments,
        statistic=float(_cost(y_cum[n], e_cum[n])) - fitted,
        penalty=penalty,
    )
