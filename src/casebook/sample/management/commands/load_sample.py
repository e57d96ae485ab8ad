"""`casebook load_sample`: add synthetic, obviously invented incidents for demos and trials."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from casebook.sample.generator import SampleDataError, sample_generate


class Command(BaseCommand):
    help = (
        "Add synthetic sample incidents (invented protests, people and sources) to the "
        "database. The same --seed and --size always give the same content."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=200, help="How many incidents to add.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random choices.")

    def handle(self, *args, size: int, seed: int, **options):
        if size < 0:
            raise CommandError("--size must be zero or more.")
        # The bar goes to stderr, so the counts on stdout stay clean for scripts and tests.
        console = Console(stderr=True)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        try:
            with Progress(*columns, console=console, transient=True) as progress:
                task = progress.add_task("Generating sample incidents", total=size)
                report = sample_generate(
                    size=size, seed=seed, progress=lambda n: progress.advance(task, n)
                )
        except SampleDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Added {report.incidents:,} sample incidents in {report.seconds:.1f} s "
            f"({report.incidents_per_second:,.0f} a second), seed {seed}:"
        )
        for name, count in report.counts().items():
            self.stdout.write(f"  {name.replace('_', ' '):<18} {count:>10,}")
