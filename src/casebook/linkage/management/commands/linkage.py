"""`casebook linkage …`: find incidents that describe the same event.

casebook linkage run [--backend duckdb|spark] [--threshold P]   train, score, suggest pairs
casebook linkage run --new                  compare incidents added since with the casebook
casebook linkage queue [--json]                                 how many pairs wait for a person
casebook linkage eval TRUTH.csv [--json]                        the last run against a truth file
casebook linkage eval --decisions [--json]                      ... against coordinators' decisions
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from casebook.linkage import services
from casebook.linkage.compare.engine import BACKENDS, DEFAULT_THRESHOLD, LinkageError
from casebook.linkage.compare.evaluation import TruthFileError

# What a run says it is doing, in order (the progress bar moves one step per message).
STEPS = ("reading incidents", "training", "scoring pairs", "clustering", "keeping pairs")


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise CommandError(f"--threshold {text}: give a probability between 0 and 1, e.g. 0.9.")
    return value


class Command(BaseCommand):
    help = (
        "Linkage: run, queue, eval (`casebook linkage VERB --help`). Finds incidents that "
        "describe the same real event."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        run = verbs.add_parser(
            "run", help="Train the model on the casebook, score pairs and suggest matches."
        )
        run.add_argument("--backend", choices=BACKENDS, default="duckdb")
        run.add_argument(
            "--new",
            action="store_true",
            help="Only compare the incidents added since the last run (imports, say) with the "
            "casebook, with the last run's model: no training.",
        )
        run.add_argument(
            "--threshold",
            type=str,
            default=str(DEFAULT_THRESHOLD),
            help=f"Match probability from which pairs are proposed (default {DEFAULT_THRESHOLD}).",
        )
        queue = verbs.add_parser("queue", help="Count the pairs waiting for a coordinator.")
        queue.add_argument("--json", action="store_true", help="Print the counts as JSON.")
        evaluate = verbs.add_parser(
            "eval",
            help="Pairwise precision, recall and F1 of the last run's clusters against a "
            "truth file with the columns incident_id,cluster_id.",
        )
        evaluate.add_argument("truth", metavar="TRUTH.csv", nargs="?")
        evaluate.add_argument(
            "--decisions",
            action="store_true",
            help="Score against the judgement queue's decisions (same / different) instead "
            "of a truth file.",
        )
        evaluate.add_argument("--json", action="store_true", help="Print the scores as JSON.")

    def handle(self, *args, **options):
        verb = options["verb"]
        if verb == "run":
            return self.run(options)
        if verb == "queue":
            return self.queue(options)
        return self.evaluate(options)

    def run(self, options) -> None:
        if options["new"]:
            return self.run_new()
        threshold = _probability(options["threshold"])
        console = Console(file=self.stdout, highlight=False)
        wall = time.perf_counter()
        progress = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=Console(file=self.stderr),
            transient=True,
        )
        with progress:
            task = progress.add_task(STEPS[0], total=len(STEPS))

            def step(message: str) -> None:
                done = STEPS.index(message) if message in STEPS else 0
                progress.update(task, description=message, completed=done)

            try:
                run = services.linkage_run(
                    backend=options["backend"], threshold=threshold, progress=step
                )
            except LinkageError as error:
                raise CommandError(str(error)) from error
            progress.update(task, completed=len(STEPS))
        seconds = time.perf_counter() - wall
        steps = ", ".join(f"{name} {value:.1f} s" for name, value in run.seconds.items())
        console.print(
            f"{run.records:,} incidents, {run.pairs_scored:,} pairs scored ({options['backend']})"
        )
        console.print(
            f"{run.pairs_kept:,} pairs kept; {run.clusters:,} clusters of two or more "
            f"incidents at p >= {threshold:g}"
        )
        console.print(f"time {seconds:.1f} s ({steps})")
        counts = services.queue_counts()
        console.print(
            f"{counts.total_waiting:,} pairs wait for a coordinator (`casebook linkage queue`)"
        )

    def run_new(self) -> None:
        from casebook.linkage.incremental import incidents_compare_waiting

        if services.latest_full_run() is None:
            raise CommandError("No model yet: run `casebook linkage run` once first.")
        wall = time.perf_counter()
        try:
            runs = incidents_compare_waiting()
        except LinkageError as error:
            raise CommandError(str(error)) from error
        if not runs:
            self.stdout.write("No incident is new since the last run.")
            return
        records, kept = sum(r.records for r in runs), sum(r.pairs_kept for r in runs)
        self.stdout.write(
            f"{records:,} incidents compared, {kept:,} pairs kept with a new one; "
            f"time {time.perf_counter() - wall:.1f} s"
        )

    def queue(self, options) -> None:
        counts = services.queue_counts()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "waiting": counts.waiting,
                        "unsure": counts.unsure,
                        "clusters": counts.clusters,
                        "decided_same": counts.same,
                        "decided_different": counts.different,
                    }
                )
            )
            return
        if counts.run is None:
            self.stdout.write("No linkage run yet: `casebook linkage run` makes one.")
            return
        self.stdout.write(
            f"{counts.waiting:,} pairs waiting, {counts.unsure:,} marked unsure "
            f"({counts.clusters:,} clusters)"
        )
        self.stdout.write(
            f"decided so far: {counts.same:,} same event, {counts.different:,} different events"
        )
        self.stdout.write(
            f"last run {counts.run.started_at:%Y-%m-%d %H:%M} UTC at p >= {counts.run.threshold:g}"
        )

    def evaluate(self, options) -> None:
        if options["decisions"] == bool(options["truth"]):
            raise CommandError("Give a truth file (TRUTH.csv) or --decisions, not both.")
        try:
            if options["decisions"]:
                score, unknown = services.decisions_score(), 0
            else:
                score, unknown = services.linkage_eval(truth_path=options["truth"])
        except FileNotFoundError as error:
            raise CommandError(f"{options['truth']}: no such file.") from error
        except (TruthFileError, services.EvaluationError) as error:
            raise CommandError(str(error)) from error
        if unknown:
            self.stderr.write(
                f"{unknown:,} incident_ids of the truth file are not in the casebook; "
                "left out of the scores."
            )
        if options["json"]:
            figures = score.as_dict()
            self.stdout.write(
                json.dumps(
                    {
                        key: figures[key]
                        for key in ("precision", "recall", "f1", "true_pairs", "predicted_pairs")
                    }
                )
            )
            return
        self.stdout.write(
            f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}"
        )
        self.stdout.write(
            f"{score.predicted_pairs:,} pairs proposed, {score.true_pairs:,} true, "
            f"{score.correct_pairs:,} both"
        )
