"""'Is it growing?': every trend statistic for one series, and plain-English wording.

`trend_report` runs the count regression (`regression.py`), the Mann–Kendall test
(`mannkendall.py`) and the changepoint search (`changepoints.py`) on one series, and writes
what they say in words a journalist can quote, honest both ways: an increase, a decrease,
no evidence of a change, or too few cases to say. The wording always ends with the
caveat that a change in recording can look like a change in policing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from casebook.analysis.stats.changepoints import Segmentation, changepoints
from casebook.analysis.stats.mannkendall import MannKendall, mann_kendall_auto
from casebook.analysis.stats.periods import Period, period_parse, periods_parse
from casebook.analysis.stats.refusal import Refused
from casebook.analysis.stats.regression import MODEL_RULE, RegressionTrend, trend_regression

# Below these, a fitted trend is mostly noise: say so instead of printing an interval.
MIN_PERIODS = 6
MIN_CASES = 20
RECORDING_CAVEAT = (
    "A change in how cases are recorded (for example the news monitor reading more feeds, "
    "or a new partner sending reports) can look like a change in policing: compare the "
    "recording coverage shown beside the series before reading a trend as a change in "
    "what the police do."
)


@dataclass(frozen=True)
class TrendReport:
    periods: list[Period]
    counts: list[float]
    regression: RegressionTrend | None
    mann_kendall: MannKendall | None
    segmentation: Segmentation | None
    wording: str
    too_few: bool
    refusal: str | None = None
    rule: str = MODEL_RULE
    recording_changes: list[Period] = field(default_factory=list)

    @property
    def per(self) -> str:
        return self.periods[0].unit

    @property
    def changepoint_periods(self) -> list[Period]:
        if self.segmentation is None:
            return []
        return [self.periods[i] for i in self.segmentation.change_indices]


def _percent(fraction: float) -> str:
    return f"{_significant(abs(fraction) * 100)}%"


def _significant(value: float) -> str:
    """Two significant figures, at least whole numbers: 0.963 → "0.96", 11.2 → "11"."""
    if value == 0:
        return "0"
    if value >= 10:
        return f"{value:.0f}"
    digits = max(0, 1 - math.floor(math.log10(value)))
    return f"{value:.{digits}f}"


def _percent_range(low: float, high: float) -> str:
    """ "0.96–11%", "4.0–19%": each end to two significant figures."""
    return f"{_significant(abs(low) * 100)}–{_significant(abs(high) * 100)}%"


def _rate(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _regression_sentence(trend: RegressionTrend, per: str) -> str:
    model = "negative-binomial" if trend.model == "negative_binomial" else "Poisson"
    numbers = (
        f"rate ratio {trend.rate_ratio:.3f} a {per}, {trend.level:.0%} interval "
        f"{trend.lower:.3f} to {trend.upper:.3f}; {model} regression"
    )
    if trend.lower > 1:
        return (
            f"Consistent with an increase of {_percent_range(trend.lower - 1, trend.upper - 1)} "
            f"a {per} ({numbers})."
        )
    if trend.upper < 1:
        return (
            f"Consistent with a decrease of {_percent_range(1 - trend.upper, 1 - trend.lower)} "
            f"a {per} ({numbers})."
        )
    return (
        f"No evidence of a change: the data are consistent with anything from a "
        f"{_percent(1 - trend.lower)} decrease to a {_percent(trend.upper - 1)} increase "
        f"a {per} ({numbers})."
    )


def _mann_kendall_sentence(test: MannKendall, trend: RegressionTrend | None, per: str) -> str:
    name = "The Mann–Kendall test"
    if test.variant == "hamed_rao":
        name += " (corrected for autocorrelation)"
    slope = f"Sen's slope {test.sen_slope:+.2g} cases a {per}"
    significant = test.p < 0.05
    if trend is None:
        verdict = "finds a trend" if significant else "finds no trend"
    else:
        regression_sees = trend.lower > 1 or trend.upper < 1
        if significant == regression_sees:
            verdict = "agrees"
        elif significant:
            verdict = "finds a trend the regression does not"
        else:
            verdict = "does not find that trend"
    return f"{name}, which assumes no model for the counts, {verdict} (p = {test.p:.2g}; {slope})."


def _changepoint_sentence(periods: list[Period], segmentation: Segmentation, per: str) -> str:
    segments = segmentation.segments
    if len(segments) < 2:
        return "No change in the rate stands out from the noise."
    parts = []
    for before, after in zip(segments, segments[1:], strict=False):
        moment = periods[after.start].phrase
        parts.append(f"around {moment} from {_rate(before.rate)} to {_rate(after.rate)} a {per}")
    return "The rate changed " + ", and ".join(parts) + "."


def _recording_sentence(changes: list[Period]) -> str:
    if not changes:
        return RECORDING_CAVEAT
    named = ", ".join(p.phrase for p in changes)
    return (
        f"Recording coverage changed in {named}: a change in the counts near then may be a "
        f"change in recording, not in policing. {RECORDING_CAVEAT}"
    )


def trend_report(
    labels: Sequence[str],
    counts: Sequence[float],
    *,
    exposure: Sequence[float] | None = None,
    seasonal: bool = False,
    recording_changes: Sequence[str] = (),
) -> TrendReport:
    """Analyse one series given its period labels and counts (and optional exposure).

    `seasonal` adds month-of-year terms to a monthly series. `recording_changes` names the
    periods in which recording coverage changed (e.g. feeds were added), for the caveat.
    """
    periods = periods_parse(labels)
    values = [float(c) for c in counts]
    if len(values) != len(periods):
        raise ValueError("one count per period")
    if any(v < 0 or not math.isfinite(v) for v in values):
        raise ValueError("counts must be non-negative numbers")
    changes = sorted({period_parse(label) for label in recording_changes})
    per = periods[0].unit
    total = sum(values)
    caveat = _recording_sentence(changes)
    if len(periods) < MIN_PERIODS or total < MIN_CASES:
        wording = (
            f"Too few cases to say whether the number is changing: {total:,.0f} over "
            f"{len(periods)} {per}{'s' if len(periods) != 1 else ''} (at least {MIN_CASES} "
            f"cases over {MIN_PERIODS} or more periods are needed). {caveat}"
        )
        return TrendReport(
            periods=periods,
            counts=values,
            regression=None,
            mann_kendall=None,
            segmentation=None,
            wording=wording,
            too_few=True,
            recording_changes=changes,
        )

    season = [p.number for p in periods] if seasonal and per == "month" else None
    refusal = None
    try:
        regression = trend_regression(values, exposure=exposure, season=season)
    except Refused as refused:
        regression, refusal = None, refused.reason
    test = mann_kendall_auto(values)
    dispersion = regression.dispersion if regression is not None else 1.0
    segmentation = changepoints(values, exposure=exposure, dispersion=dispersion)

    sentences = []
    sentences.append(_regression_sentence(regression, per) if regression else refusal or "")
    sentences.append(_mann_kendall_sentence(test, regression, per))
    sentences.append(_changepoint_sentence(periods, segmentation, per))
    sentences.append(caveat)
    return TrendReport(
        periods=periods,
        counts=values,
        regression=regression,
        mann_kendall=test,
        segmentation=segmentation,
        wording=" ".join(s for s in sentences if s),
        too_few=False,
        refusal=refusal,
        recording_changes=changes,
    )


def trend_summary(report: TrendReport) -> dict:
    """The `casebook analysis trend --json` object."""
    regression = report.regression
    test = report.mann_kendall
    return {
        "model": regression.model if regression else None,
        "rate_ratio": regression.rate_ratio if regression else None,
        "lower": regression.lower if regression else None,
        "upper": regression.upper if regression else None,
        "per": report.per,
        "dispersion": regression.dispersion if regression else None,
        "mann_kendall": (
            {"z": test.z, "p": test.p, "sen_slope": test.sen_slope, "variant": test.variant}
            if test
            else None
        ),
        "changepoints": [period.label for period in report.changepoint_periods],
        "wording": report.wording,
    }
