"""`casebook analysis mse|trend`: undercount estimates and trends from the command line.

    casebook analysis mse PATTERNS.csv [--method loglinear|dga|lcmcr] [--seed N] [--json]
    casebook analysis mse [--by period|force-group] [--period year|quarter] …  (the casebook)
    casebook analysis trend SERIES.csv [--seasonal] [--json]

A refusal (too few lists, sparse overlaps, no convergence, …) prints the reason — as
{"refused": "…"} with --json — and exits with status 3, so scripts can tell "no number"
from an error (status 1) and from an answer (status 0).
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from casebook.analysis.capture import PERIODS, STRATA, CaptureReport, capture_estimate
from casebook.analysis.stats.mse import (
    METHOD_NAMES,
    METHODS,
    CaptureTableError,
    MseEstimate,
    capture_table_read,
    mse_estimate,
)
from casebook.analysis.stats.refusal import Refused
from casebook.analysis.stats.series import SeriesError, series_read
from casebook.analysis.stats.trend import TrendReport, trend_report, trend_summary

REFUSED_EXIT = 3


def _progress() -> Progress:
    """A progress bar on the terminal's stderr (nothing when stderr is not a terminal)."""
    console = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _finite(value):
    """JSON has no NaN or infinity: say null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class Command(BaseCommand):
    help = (
        "Estimate how many cases went unrecorded from a capture pattern table "
        "(`analysis mse FILE`), or test a count series for a trend (`analysis trend FILE`)."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="mse|trend")
        mse = verbs.add_parser(
            "mse",
            help="Multiple systems estimation from a capture pattern CSV: one 0/1 column per "
            "list, then a count column named count, freq or n.",
        )
        mse.add_argument(
            "patterns",
            nargs="?",
            help="The capture pattern CSV. Without it, the capture histories of the casebook's "
            "incidents over the lists an administrator set up.",
        )
        mse.add_argument(
            "--by",
            choices=STRATA,
            help="From the casebook: one estimate per period or per group of forces as well.",
        )
        mse.add_argument(
            "--period",
            choices=PERIODS,
            default="year",
            help="With --by period: years (default) or quarters.",
        )
        mse.add_argument("--method", choices=METHODS, default="loglinear")
        mse.add_argument(
            "--criterion",
            choices=("aic", "bic"),
            default="aic",
            help="How the log-linear model is chosen (default aic).",
        )
        mse.add_argument("--seed", type=int, default=1, help="Random seed for lcmcr (default 1).")
        mse.add_argument("--json", action="store_true", help="Print one JSON object.")
        trend = verbs.add_parser(
            "trend",
            help="Trend of a count series from a CSV with columns period (2024, 2024-03 or "
            "2024-W05), count and optionally exposure.",
        )
        trend.add_argument("series", help="The series CSV.")
        trend.add_argument(
            "--seasonal", action="store_true", help="Add month-of-year terms (monthly series)."
        )
        trend.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, verb, **options):
        if verb == "mse":
            self._mse(options)
        else:
            self._trend(options)

    # -- output helpers ---------------------------------------------------------------------

    def _print_json(self, payload) -> None:
        self.stdout.write(json.dumps(_finite(payload), indent=2, ensure_ascii=False))

    def _refuse(self, reason: str, *, as_json: bool) -> None:
        if as_json:
            self._print_json({"refused": reason})
        else:
            self.stdout.write(f"No estimate: {reason}")
        sys.exit(REFUSED_EXIT)

    # -- mse ----------------------------------------------------------------------------------

    def _mse(self, options) -> None:
        if options["patterns"] is None:
            self._mse_casebook(options)
            return
        if options["by"]:
            raise CommandError(
                "--by works on the casebook's own incidents: leave out the pattern file."
            )
        try:
            table = capture_table_read(options["patterns"])
        except CaptureTableError as error:
            raise CommandError(str(error)) from None
        method = options["method"]
        try:
            with _progress() as progress:
                task = progress.add_task(
                    "Sampling" if method == "lcmcr" else "Fitting models", total=None
                )

                def report(done: int, total: int | None) -> None:
                    progress.update(task, completed=done, total=total)

                result = mse_estimate(
                    table,
                    method=method,
                    seed=options["seed"],
                    criterion=options["criterion"],
                    progress=report,
                )
        except Refused as refused:
            self._refuse(refused.reason, as_json=options["json"])
            return
        if options["json"]:
            self._print_json(result.summary())
        else:
            self._print_mse(result, table.lists)

    def _mse_casebook(self, options) -> None:
        method = options["method"]
        with _progress() as progress:
            tasks: dict[str, Any] = {}

            def report(label: str, done: int, total: int | None) -> None:
                if label not in tasks:
                    verb = "Sampling" if method == "lcmcr" else "Fitting models"
                    tasks[label] = progress.add_task(f"{verb}: {label}", total=total)
                progress.update(tasks[label], completed=done, total=total)

            result = capture_estimate(
                method=method,
                by=options["by"],
                period=options["period"],
                seed=options["seed"],
                criterion=options["criterion"],
                progress=report,
            )
        as_json = options["json"]
        refused = self._refusal(result)
        if as_json:
            summary = result.summary()
            if refused and result.by is not None:
                summary["refused"] = refused
            self._print_json(summary)
        else:
            self._print_capture(result)
        if refused:
            sys.exit(REFUSED_EXIT)

    @staticmethod
    def _refusal(result: CaptureReport) -> str:
        """Why there is no number at all ("" when there is one)."""
        if result.by is None or not result.strata:
            return result.overall.refused
        if all(s.estimate is None for s in result.strata) and result.overall.estimate is None:
            return "No stratum, and not the casebook as a whole, could be estimated."
        return ""

    def _print_capture(self, result: CaptureReport) -> None:
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        overall = result.overall
        patterns = overall.patterns
        console.print(
            f"Casebook: {patterns.incidents:,} incidents, {patterns.n_observed:,} of them on "
            f"{len(patterns.lists)} lists "
            f"({', '.join(f'{i}={name}' for i, name in enumerate(patterns.lists, start=1))})"
        )
        if overall.estimate is None:
            console.print(f"No estimate: {overall.refused}")
        else:
            self._print_mse(overall.estimate, overall.lists_used)
            if overall.unrecorded is not None and patterns.outside_lists:
                # Some incidents are known only outside the lists: they are in the casebook.
                console.print(
                    f"Not in the casebook at all: about {overall.unrecorded:,.0f} incidents"
                )
        for caveat in overall.caveats:
            console.print(f"- {caveat}")
        if result.by is not None:
            table = Table(title=f"By {result.by.replace('-', ' ')}")
            for column in ("stratum", "incidents", "on lists", "estimate", "95% interval"):
                table.add_column(column, justify="left" if column == "stratum" else "right")
            table.add_column("caveats or refusal", justify="left")
            for stratum in result.strata:
                estimate = stratum.estimate
                table.add_row(
                    stratum.label,
                    f"{stratum.patterns.incidents:,}",
                    f"{stratum.patterns.n_observed:,}",
                    f"{estimate.estimate:,.0f}" if estimate else "—",
                    f"{estimate.lower:,.0f} to {estimate.upper:,.0f}" if estimate else "—",
                    stratum.refused or " ".join(stratum.caveats),
                )
            console.print(table)
        console.print()
        for caveat in result.caveats:
            console.print(f"- {caveat}")

    def _print_mse(self, result: MseEstimate, lists) -> None:
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        console.print(
            f"Estimated total: {result.estimate:,.0f} "
            f"(95% interval {result.lower:,.0f} to {result.upper:,.0f})"
        )
        console.print(
            f"Recorded: {result.n_observed:,} on {len(lists)} lists "
            f"({', '.join(f'{i}={name}' for i, name in enumerate(lists, start=1))}); "
            f"estimated unrecorded: {result.unrecorded:,.0f}"
        )
        console.print(f"Method: {METHOD_NAMES[result.method]}")
        console.print(f"Model: {result.model}")
        if result.method == "loglinear":
            criterion = result.details["criterion"]
            table = Table(title=f"Models by {criterion.upper()} (best 10)")
            for column in ("interactions", "estimate", "deviance", "df", "AIC", "BIC"):
                table.add_column(column, justify="left" if column == "interactions" else "right")
            ranked = sorted(result.models, key=lambda m: m[criterion])[:10]
            for model in ranked:
                table.add_row(
                    " + ".join(model["interactions"]) or "independence",
                    f"{model['estimate']:,.1f}",
                    f"{model['deviance']:.3f}",
                    str(model["df"]),
                    f"{model['aic']:.2f}",
                    f"{model['bic']:.2f}",
                )
            console.print(table)
        elif result.method == "dga":
            posterior = result.details["posterior"]
            console.print(
                f"Posterior mean {posterior['mean']:,.1f}, median {posterior['median']:,}, "
                f"mode {posterior['mode']:,}"
            )
            for model in result.models[:5]:
                console.print(
                    f"  {model['graph']}: posterior probability "
                    f"{model['posterior_probability']:.3f}"
                )
        else:
            posterior = result.models[0]["posterior"]
            console.print(
                f"Posterior mean {posterior['mean']:,.1f}; {posterior['draws']:,} draws "
                f"({posterior['effective_draws']:.0f} effective), seed {result.details['seed']}"
            )

    # -- trend --------------------------------------------------------------------------------

    def _trend(self, options) -> None:
        try:
            series = series_read(options["series"])
        except SeriesError as error:
            raise CommandError(str(error)) from None
        report = trend_report(
            series.labels,
            series.counts,
            exposure=series.exposure,
            seasonal=options["seasonal"],
        )
        if options["json"]:
            self._print_json(trend_summary(report))
        else:
            self._print_trend(report)

    def _print_trend(self, report: TrendReport) -> None:
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        per = report.per
        console.print(
            f"{len(report.periods)} {per}s, {report.periods[0].label} to "
            f"{report.periods[-1].label}; {sum(report.counts):,.0f} cases"
        )
        if report.regression:
            r = report.regression
            model = "negative binomial (NB2)" if r.model == "negative_binomial" else "Poisson"
            console.print(
                f"Model: {model}; Poisson dispersion {r.dispersion:.2f}, likelihood-ratio "
                f"test of NB2 against Poisson {r.lr_statistic:.2f} (p = {r.lr_p_value:.2g})"
            )
            console.print(
                f"Rate ratio per {per}: {r.rate_ratio:.4f} "
                f"(95% interval {r.lower:.4f} to {r.upper:.4f})"
            )
            console.print(f"Rule: {report.rule}")
        if report.mann_kendall:
            t = report.mann_kendall
            console.print(
                f"Mann–Kendall ({t.variant.replace('_', '–')}): z = {t.z:.3f}, p = {t.p:.3g}, "
                f"Sen's slope {t.sen_slope:.4g} per {per}"
            )
        if report.changepoint_periods:
            console.print(
                "Changepoints (last period before each change): "
                + ", ".join(p.label for p in report.changepoint_periods)
            )
        console.print()
        console.print(report.wording)
