"""Wilson intervals for shares and Kaplan–Meier for time to an outcome, against the formulas
and R's survival package on its `aml` example data."""

from __future__ import annotations

import math

import pytest

from casebook.analysis.stats.shares import wilson_interval
from casebook.analysis.stats.survival import kaplan_meier


@pytest.mark.parametrize(
    ("count", "total", "lower", "upper"),
    [
        # Wilson's formula worked by hand (these are also prop.test(correct = FALSE)'s ends).
        (3, 10, 0.1078, 0.6032),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),
    ],
)
def test_wilson_intervals_match_the_formula(count, total, lower, upper):
    share = wilson_interval(count, total)
    assert share.lower == pytest.approx(lower, abs=1e-4)
    assert share.upper == pytest.approx(upper, abs=1e-4)
    assert share.lower <= share.proportion <= share.upper


def test_a_share_of_nothing_has_no_interval_rather_than_a_fake_one():
    share = wilson_interval(0, 0)
    assert math.isnan(share.proportion) and math.isnan(share.lower)


def test_impossible_shares_are_rejected():
    with pytest.raises(ValueError):
        wilson_interval(5, 3)


# R: survfit(Surv(time, status) ~ x, data = aml), the package's example data.
MAINTAINED = ([9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161], [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0])
NONMAINTAINED = ([5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45], [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1])


def test_kaplan_meier_survival_and_greenwood_bounds_on_aml():
    curve = kaplan_meier(*MAINTAINED)
    assert [round(s, 3) for s in curve.survival] == [
        0.909,
        0.818,
        0.716,
        0.614,
        0.491,
        0.368,
        0.184,
    ]
    # Greenwood's variance on the log scale, written out independently of the module.
    at_risk_and_events = [(11, 1), (10, 1), (8, 1), (7, 1), (5, 1), (4, 1), (2, 1)]
    survival, greenwood = 1.0, 0.0
    for i, (n, d) in enumerate(at_risk_and_events):
        survival *= 1 - d / n
        greenwood += d / (n * (n - d))
        spread = 1.959963984540054 * math.sqrt(greenwood)
        assert curve.lower[i] == pytest.approx(survival * math.exp(-spread), rel=1e-12)
        assert curve.upper[i] == pytest.approx(min(1.0, survival * math.exp(spread)), rel=1e-12)


def test_kaplan_meier_medians_and_their_intervals_match_r_on_aml():
    # print(survfit(Surv(time, status) ~ x, data = aml)): median 31 (18, NA) and 23 (8, NA).
    assert kaplan_meier(*MAINTAINED).median == 31
    assert kaplan_meier(*MAINTAINED).median_interval == (18, None)
    assert kaplan_meier(*NONMAINTAINED).median == 23
    assert kaplan_meier(*NONMAINTAINED).median_interval == (8, None)


def test_pending_cases_are_censored_not_dropped_or_counted_as_no_outcome():
    # Eleven people: five charged on days 10–50, six still pending after 60 days.
    durations = [10, 20, 30, 40, 50, 60, 60, 60, 60, 60, 60]
    charged = [True] * 5 + [False] * 6
    curve = kaplan_meier(durations, charged)
    assert curve.survival_at(50) == pytest.approx(6 / 11)
    assert curve.median is None  # most are not charged yet: the median is not reached
    dropped = kaplan_meier(durations[:5], charged[:5])
    assert dropped.median == 30  # dropping the pending cases would invent a median of 30 days
    counted_as_never = kaplan_meier(durations, [True] * 11)
    assert counted_as_never.median == 60  # calling pending "outcome at day 60" is wrong too


def test_a_survival_of_exactly_one_half_takes_the_midpoint_to_the_next_event_as_r_does():
    curve = kaplan_meier([10, 20, 30, 40], [True, True, True, True])
    assert curve.median == 25


def test_nobody_charged_yet_gives_no_median():
    curve = kaplan_meier([5, 8, 13], [False, False, False])
    assert curve.median is None and curve.total_events == 0
