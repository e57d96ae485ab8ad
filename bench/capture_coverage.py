"""How often the undercount estimate's 95% interval covers the sample's true number of incidents.

The synthetic sample (casebook.sample) invents more incidents than it records, and lets four
lists record heterogeneous subsets of them (sample/capture.py). This script plans samples for
seeds 1..N exactly as `casebook demo` does (without writing them), estimates the total from
their capture patterns with each method, and prints, per method: the share of intervals that
cover the truth, the mean relative error of the estimate, the mean interval width and the
time per estimate.

    .venv/bin/python bench/capture_coverage.py --size 1000 --runs 200
    .venv/bin/python bench/capture_coverage.py --methods lcmcr --runs 10   # slow: ~1 min each
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="recorded incidents per sample")
    parser.add_argument("--runs", type=int, default=200, help="samples (seeds 1..runs)")
    parser.add_argument("--methods", default="loglinear,dga", help="comma-separated")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings_test")
    import django

    django.setup()
    from casebook.analysis.stats.mse import CaptureTable, mse_estimate
    from casebook.analysis.stats.refusal import Refused
    from casebook.sample.capture import LIST_CHANNELS, capture_simulate

    methods = args.methods.split(",")
    results: dict[str, list[tuple[bool, float, float, float]]] = {m: [] for m in methods}
    refused: dict[str, int] = dict.fromkeys(methods, 0)
    truths = []
    for seed in range(1, args.runs + 1):
        patterns, truth = capture_simulate(size=args.size, seed=seed)
        truths.append(truth)
        table = CaptureTable.from_patterns(LIST_CHANNELS, patterns.items())
        for method in methods:
            started = time.perf_counter()
            try:
                estimate = mse_estimate(table, method=method, seed=seed)
            except Refused:
                refused[method] += 1
                continue
            seconds = time.perf_counter() - started
            results[method].append(
                (
                    estimate.lower <= truth <= estimate.upper,
                    (estimate.estimate - truth) / truth,
                    estimate.upper - estimate.lower,
                    seconds,
                )
            )
    print(
        f"{args.runs} samples of {args.size:,} recorded incidents; true totals "
        f"{min(truths):,}–{max(truths):,} (mean {statistics.mean(truths):,.0f})"
    )
    header = ("coverage", "mean error", "mean width", "s/estimate")
    print(f"{'method':<10} {header[0]:>9} " + " ".join(f"{h:>11}" for h in header[1:]))
    for method in methods:
        rows = results[method]
        if not rows:
            print(f"{method:<10} refused every sample")
            continue
        coverage = sum(r[0] for r in rows) / len(rows)
        print(
            f"{method:<10} {coverage:>9.1%} {statistics.mean(r[1] for r in rows):>+11.2%} "
            f"{statistics.mean(r[2] for r in rows):>11,.0f} "
            f"{statistics.mean(r[3] for r in rows):>11.2f}"
            + (f"  ({refused[method]} refused)" if refused[method] else "")
        )


if __name__ == "__main__":
    main()
