"""Linkage at scale: pairwise precision, recall, F1 and wall time on synthetic reports.

    .venv/bin/python bench/linkage.py                       # 100,000 reports, DuckDB
    .venv/bin/python bench/linkage.py --size 20000 --thresholds 0.9,0.99
    .venv/bin/python bench/linkage.py --backend spark       # the same model on local Spark
    .venv/bin/python bench/linkage.py --size 20000 --errors  # where the errors come from

The reports come from `casebook.sample.reports` (several per invented event, with aliases,
dates a day off or known to the month, disagreeing counts, typos, reworded texts, re-encoded
photos). Generating them is timed apart; the linkage time is everything after: flattening,
loading, training by EM, scoring and clustering. The same clusters are scored against the
truth beside the naive exact key (same force + same date + same place). The issue's targets:
F1 >= 0.95 at 100,000 reports, linkage under 60 s on this 2-core machine. Each time is wall
time with this process's CPU time beside it: on a busy machine the first also measures the
neighbours.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import time
from collections import Counter, defaultdict

F1_FLOOR = 0.95
SECONDS_CEILING = 60.0


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def waiting_for_a_core() -> float:
    """Seconds this thread was ready to run but no core was free (Linux schedstat; 0
    elsewhere): on a shared machine, most of the wall time that is not CPU time."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def bytes_read_and_written() -> tuple[int, int]:
    """Bytes this process read from and wrote to storage (Linux /proc/self/io; 0 elsewhere)."""
    try:
        with open("/proc/self/io") as io:
            fields = dict(line.split(": ") for line in io.read().splitlines())
        return int(fields["read_bytes"]), int(fields["write_bytes"])
    except (OSError, KeyError, ValueError):
        return 0, 0


def load_average() -> str:
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=None, help="default: the model's")
    parser.add_argument("--thresholds", default="", help="also score these, e.g. 0.8,0.99")
    parser.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--no-photos", action="store_true", help="skip making photos")
    parser.add_argument(
        "--errors",
        action="store_true",
        help="print the missed pairs by kind of noise and the wrong pairs by kind of event",
    )
    args = parser.parse_args(argv)

    from casebook.linkage.compare.baseline import exact_key_clusters
    from casebook.linkage.compare.engine import DEFAULT_THRESHOLD, records_link
    from casebook.linkage.compare.evaluation import pairwise_score
    from casebook.sample.reports import reports_as_records, reports_generate

    threshold = args.threshold or DEFAULT_THRESHOLD
    wall, cpu = time.perf_counter(), cpu_seconds()
    reports = reports_generate(size=args.size, seed=args.seed, photos=not args.no_photos)
    truth = {report.report_id: report.event_id for report in reports}
    print(
        f"generated {len(reports):,} reports of {len(set(truth.values())):,} events "
        f"in {time.perf_counter() - wall:.1f} s (cpu {cpu_seconds() - cpu:.1f} s)"
    )

    print(f"load average before linkage (1, 5, 15 min): {load_average()}")
    wall, cpu, waited = time.perf_counter(), cpu_seconds(), waiting_for_a_core()
    read, written = bytes_read_and_written()
    records = reports_as_records(reports)
    flattened, flattened_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    run = records_link(records=records, backend=args.backend, threshold=threshold)
    linkage_wall, linkage_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    waited = waiting_for_a_core() - waited
    read_after, written_after = bytes_read_and_written()
    steps = ", ".join(
        f"{name} {seconds:.1f}/{run.cpu_seconds.get(name, 0):.1f}"
        for name, seconds in run.seconds.items()
    )
    print(
        f"linkage ({args.backend}): {linkage_wall:.1f} s wall, {linkage_cpu:.1f} s CPU "
        f"(all threads of this process)"
    )
    print(f"  steps, wall/CPU s: flatten {flattened:.1f}/{flattened_cpu:.1f}, {steps}")
    print(
        f"  the main thread waited {waited:.1f} s for a free core; storage read "
        f"{(read_after - read) / 1e6:.0f} MB, written {(written_after - written) / 1e6:.0f} MB; "
        f"load average after (1, 5, 15 min): {load_average()}"
    )
    print(
        f"{run.pairs_scored:,} pairs scored, {len(run.pairs):,} kept (p >= 0.05), "
        f"{run.cluster_count:,} clusters at p >= {threshold}"
    )

    model = pairwise_score(predicted=run.clusters, truth=truth)
    wall = time.perf_counter()
    baseline = pairwise_score(predicted=exact_key_clusters(records), truth=truth)
    baseline_seconds = time.perf_counter() - wall
    print()
    print(f"{'':28} {'precision':>9} {'recall':>7} {'F1':>6} {'pairs':>9}")
    print(
        f"{'model, p >= ' + str(threshold):28} {model.precision:9.3f} {model.recall:7.3f} "
        f"{model.f1:6.3f} {model.predicted_pairs:9,}"
    )
    for extra in filter(None, args.thresholds.split(",")):
        clusters = run.clusters_at(float(extra))
        score = pairwise_score(predicted=clusters, truth=truth)
        print(
            f"{'model, p >= ' + extra:28} {score.precision:9.3f} {score.recall:7.3f} "
            f"{score.f1:6.3f} {score.predicted_pairs:9,}"
        )
    print(
        f"{'exact key (force+date+place)':28} {baseline.precision:9.3f} "
        f"{baseline.recall:7.3f} {baseline.f1:6.3f} {baseline.predicted_pairs:9,}"
        f"   ({baseline_seconds:.1f} s)"
    )
    print(f"{'true pairs':28} {'':9} {'':7} {'':6} {model.true_pairs:9,}")
    if args.errors:
        errors_print(reports, run, threshold)
    print()
    print(
        f"F1 {model.f1:.3f} vs floor {F1_FLOOR} (ratio {model.f1 / F1_FLOOR:.2f}); "
        f"linkage {linkage_wall:.1f} s vs ceiling {SECONDS_CEILING:.0f} s "
        f"(ratio {linkage_wall / SECONDS_CEILING:.2f})"
    )
    return 0


def errors_print(reports, run, threshold: float) -> None:
    """Where the errors come from: the true pairs missed, by the kinds of noise either report
    carries, and the pairs wrongly put together, by how their two events relate."""
    clusters = run.clusters
    by_event = defaultdict(list)
    for report in reports:
        by_event[report.event_id].append(report)
    pairs, missed = Counter(), Counter()
    for group in by_event.values():
        for a, b in itertools.combinations(group, 2):
            kinds = set(a.noise) | set(b.noise) or {"no noise"}
            kinds |= {f"{len(kinds)} kinds of noise"} if len(kinds) > 1 else set()
            is_missed = clusters[a.report_id] != clusters[b.report_id]
            for kind in kinds:
                pairs[kind] += 1
                missed[kind] += is_missed
    print("\ntrue pairs missed, by the noise in either report")
    print(f"{'noise':28} {'pairs':>9} {'missed':>7} {'share':>6}")
    for kind, count in sorted(pairs.items(), key=lambda item: -missed[item[0]]):
        print(f"{kind:28} {count:9,} {missed[kind]:7,} {missed[kind] / count:6.1%}")

    by_id = {report.report_id: report for report in reports}
    direct = {frozenset((p.left, p.right)) for p in run.pairs if p.probability >= threshold}
    members = defaultdict(list)
    for record, cluster in clusters.items():
        members[cluster].append(by_id[record])
    wrong = Counter()
    for group in members.values():
        if len({r.event_id for r in group}) < 2:
            continue
        for a, b in itertools.combinations(group[:300], 2):  # a giant cluster: its start
            if a.event_id == b.event_id:
                continue
            how = "directly" if frozenset((a.report_id, b.report_id)) in direct else "by a chain"
            wrong[(_relation(a, b), how)] += 1
    print("\npairs wrongly put together, by how their events relate")
    print(f"{'events':36} {'directly':>9} {'by a chain':>10}")
    for relation in sorted(
        {r for r, _ in wrong},
        key=lambda r: -sum(wrong[(r, how)] for how in ("directly", "by a chain")),
    ):
        print(
            f"{relation:36} {wrong[(relation, 'directly')]:9,} "
            f"{wrong[(relation, 'by a chain')]:10,}"
        )


def _relation(a, b) -> str:
    if a.event_protest and a.event_protest == b.event_protest:
        kinds = {act.act_type for act in a.acts} & {act.act_type for act in b.acts}
        return f"one protest, {'a kind of act in common' if kinds else 'other kinds of act'}"
    days = abs((a.event_date - b.event_date).days)
    town_a, town_b = (r.event_place.rpartition(",")[2].strip() for r in (a, b))
    where = (
        "same place"
        if a.event_place == b.event_place
        else "same town"
        if town_a == town_b
        else "elsewhere"
    )
    when = "same day" if days == 0 else "1-7 days apart" if days <= 7 else "further apart"
    return f"{when}, {where}"


if __name__ == "__main__":
    sys.exit(main())
