"""Shares with honest intervals: the Wilson score interval for a binomial proportion.

Wilson's interval (1927) keeps its coverage near the nominal level for small counts and for
shares near 0 or 1, where the textbook p ± z·√(p(1−p)/n) collapses to zero width or
leaves [0, 1] (Brown, Cai & DasGupta 2001).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# scipy is imported where it is used: the URLs load this module in every casebook
# process (about a second of CPU), and most of them never compute a statistic.


@dataclass(frozen=True)
class Share:
    count: int
    total: int
    lower: float
    upper: float
    level: float

    @property
    def proportion(self) -> float:
        return self.count / self.total if self.total else math.nan


def wilson_interval(count: int, total: int, *, level: float = 0.95) -> Share:
    """The share count/total with its Wilson score interval.

    >>> s = wilson_interval(3, 10)
    >>> round(s.lower, 4), round(s.upper, 4)
    (0.1078, 0.6032)
    """
    from scipy import stats

    if total < 0 or count < 0 or count > total:
        raise ValueError("need 0 ≤ count ≤ total")
    if total == 0:
        return Share(count=0, total=0, lower=math.nan, upper=math.nan, level=level)
    z = stats.norm.ppf(0.5 + level / 2)
    p = count / total
    denominator = 1 + z**2 / total
    centre = (p + z**2 / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z**2 / (4 * total**2)) / denominator
    # At 0 and at total the exact ends are 0 and 1; rounding must not put them outside.
    lower = 0.0 if count == 0 else float(max(0.0, centre - half))
    upper = 1.0 if count == total else float(min(1.0, centre + half))
    return Share(count=count, total=total, lower=lower, upper=upper, level=level)
