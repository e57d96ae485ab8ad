"""Does the trend's 95% interval cover the true rate ratio 95% of the time? Prints coverage.

    .venv/bin/python bench/trend_coverage.py                  # 1,000 series, seed 1
    .venv/bin/python bench/trend_coverage.py --simulations 5000 --seed 7 --alpha 0.3

Each series is --periods months of counts starting near --start a month and growing by
--rate-ratio a month, overdispersed (variance μ + alpha·μ²): the scenario in
`casebook.analysis.stats.coverage`. Every series goes through `trend_regression`, which
chooses Poisson or negative binomial by its stated rule; the script prints how often the 95%
interval contained the true rate ratio, with a 95% binomial interval for that coverage, how
often NB2 was chosen, and the time per series. Target: coverage in 93–97%.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--simulations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--periods", type=int, default=36)
    parser.add_argument("--start", type=float, default=8.0)
    parser.add_argument("--rate-ratio", type=float, default=1.03)
    parser.add_argument("--alpha", type=float, default=0.15)
    args = parser.parse_args()

    from rich.console import Console
    from rich.progress import Progress

    from casebook.analysis.stats.coverage import Scenario, coverage_run
    from casebook.analysis.stats.shares import wilson_interval

    warnings.simplefilter("ignore")
    scenario = Scenario(
        periods=args.periods, start=args.start, rate_ratio=args.rate_ratio, alpha=args.alpha
    )
    console = Console(soft_wrap=True)
    started = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Simulating series", total=args.simulations)
        result = coverage_run(
            args.simulations,
            seed=args.seed,
            scenario=scenario,
            progress=lambda done: progress.update(task, completed=done),
        )
    elapsed = time.perf_counter() - started
    share = wilson_interval(result.covered, result.simulations)
    verdict = "inside" if 0.93 <= result.rate <= 0.97 else "OUTSIDE"
    console.print(
        f"Scenario: {scenario.periods} months from {scenario.start:g}/month, true rate ratio "
        f"{scenario.rate_ratio:g}/month, NB2 alpha {scenario.alpha:g}; seed {args.seed}"
    )
    console.print(
        f"Coverage of the 95% interval: {result.covered}/{result.simulations} = "
        f"{result.rate:.1%} (95% interval {share.lower:.1%}–{share.upper:.1%}); target "
        f"93–97%: {verdict}"
    )
    console.print(
        f"Negative binomial chosen in {result.negative_binomial / result.simulations:.1%}; "
        f"refused {result.refused}; {elapsed / result.simulations * 1000:.1f} ms per series"
    )


if __name__ == "__main__":
    main()
