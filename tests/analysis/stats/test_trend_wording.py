"""The trend's plain-English wording is honest both ways and always carries the caveat."""

from __future__ import annotations

import numpy as np
import pytest

from casebook.analysis.stats.periods import PeriodError, period_parse, periods_parse
from casebook.analysis.stats.trend import RECORDING_CAVEAT, trend_report, trend_summary


def months(n, start_year=2021):
    return [f"{start_year + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def growing(rate_ratio, n=36, start=8.0, seed=7):
    rng = np.random.default_rng(seed)
    return rng.poisson(start * rate_ratio ** np.arange(n)).tolist()


def test_a_clear_rise_is_worded_as_an_increase_with_its_range_a_month():
    report = trend_report(months(36), growing(1.05))
    assert report.regression.lower > 1
    low = round((report.regression.lower - 1) * 100)
    assert report.wording.startswith("Consistent with an increase of ")
    assert f"{low}" in report.wording.split("a month")[0]
    assert report.per == "month"
    assert RECORDING_CAVEAT in report.wording


def test_a_clear_fall_is_worded_as_a_decrease():
    report = trend_report(months(36), growing(0.95, start=40))
    assert report.regression.upper < 1
    assert report.wording.startswith("Consistent with a decrease of ")
    assert RECORDING_CAVEAT in report.wording


def test_a_flat_series_says_no_evidence_of_a_change_and_gives_the_range_both_ways():
    report = trend_report(months(36), growing(1.0, start=20, seed=3))
    assert report.regression.lower < 1 < report.regression.upper
    assert report.wording.startswith("No evidence of a change: the data are consistent with")
    assert "decrease to a" in report.wording and "increase a month" in report.wording
    assert RECORDING_CAVEAT in report.wording


def test_too_few_cases_gives_no_rate_ratio_only_the_reason():
    report = trend_report(months(12), [0, 1, 0, 2, 1, 0, 0, 3, 1, 0, 2, 1])
    assert report.too_few and report.regression is None
    assert report.wording.startswith("Too few cases to say whether the number is changing: 11")
    assert RECORDING_CAVEAT in report.wording
    summary = trend_summary(report)
    assert summary["rate_ratio"] is None and summary["model"] is None
    assert summary["per"] == "month"


def test_too_few_periods_is_too_few_even_with_many_cases():
    report = trend_report(["2020", "2021", "2022"], [100, 150, 220])
    assert report.too_few
    assert "3 years" in report.wording


def test_a_step_change_is_located_and_worded_with_the_rates_either_side():
    counts = [3] * 18 + [12] * 18
    labels = months(36, start_year=2023)
    report = trend_report(labels, counts)
    assert [p.label for p in report.changepoint_periods] == ["2024-06"]
    assert "The rate changed around July 2024 from 3.0 to 12.0 a month." in report.wording
    assert trend_summary(report)["changepoints"] == ["2024-06"]


def test_recording_changes_are_named_in_the_caveat():
    report = trend_report(months(36), growing(1.05), recording_changes=["2022-03"])
    assert "Recording coverage changed in March 2022" in report.wording


def test_exposure_turns_counts_into_a_rate_per_unit_of_recording_effort():
    # Counts grow only because the monitor read twice as many feeds each year: per feed,
    # nothing changed, and the wording must say so.
    feeds = np.repeat([5, 10, 20], 12).astype(float)
    rng = np.random.default_rng(11)
    counts = rng.poisson(2.0 * feeds).tolist()
    raw = trend_report(months(36), counts)
    per_feed = trend_report(months(36), counts, exposure=feeds.tolist())
    assert raw.regression.lower > 1
    assert per_feed.regression.lower < 1 < per_feed.regression.upper


def test_seasonal_terms_are_used_only_for_monthly_series():
    report = trend_report(months(36), growing(1.03), seasonal=True)
    assert "season_12" in report.regression.poisson.coefficients
    yearly = trend_report(
        [str(y) for y in range(2000, 2012)], [30 + y for y in range(12)], seasonal=True
    )
    assert not any(k.startswith("season") for k in yearly.regression.poisson.coefficients)


def test_the_mann_kendall_sentence_says_when_it_disagrees_with_the_regression():
    # A single huge final month drives the regression but not the rank-based test.
    counts = [10, 9, 11, 10, 12, 9, 10, 11, 10, 9, 11, 10, 12, 10, 9, 11, 10, 60]
    report = trend_report(months(18), counts)
    assert report.regression.lower > 1 and report.mann_kendall.p >= 0.05
    assert "Consistent with an increase of 0.96–11% a month" in report.wording
    assert "which assumes no model for the counts, does not find that trend" in report.wording


def test_a_steady_rise_with_little_noise_is_not_turned_into_no_trend_by_the_correction():
    counts = [10, 10, 11, 10, 12, 11, 12, 13, 12, 14, 13, 15, 14, 15, 16, 15, 17, 16]
    report = trend_report(months(18), counts)
    assert report.mann_kendall.p < 0.001
    assert "agrees" in report.wording


@pytest.mark.parametrize(
    ("label", "expected"),
    [("2024", "2024"), ("2024-3", "2024-03"), ("2024-W05", "2024-W05"), ("2024W5", "2024-W05")],
)
def test_periods_are_read_as_years_months_or_iso_weeks(label, expected):
    assert period_parse(label).label == expected


def test_iso_weeks_roll_over_years_correctly():
    assert [p.label for p in periods_parse(["2020-W52", "2020-W53", "2021-W01"])] == [
        "2020-W52",
        "2020-W53",
        "2021-W01",
    ]


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["2024-01", "2024-03"], "2024-02 is missing between 2024-01 and 2024-03"),
        (["2024-02", "2024-01"], "periods must be in order"),
        (["2024", "2024-01"], "mixes kinds of period"),
        (["2024-13"], "the month must be 01 to 12"),
        (["2021-W53"], "2021 has no ISO week 53"),
        (["March"], "is not a period"),
    ],
)
def test_bad_periods_are_refused_with_the_fix(labels, message):
    with pytest.raises(PeriodError, match=message):
        periods_parse(labels)
