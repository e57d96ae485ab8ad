import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from casebook.people.duties.retention import retention_run


class Command(BaseCommand):
    help = (
        "Apply the retention rule: `casebook retention run [--dry-run]` erases the details of "
        "people whose case closed more than CASEBOOK_RETENTION_MONTHS months ago. Schedule "
        "it daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["run"])
        parser.add_argument("--dry-run", action="store_true", help="Say who, change nothing.")
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Override CASEBOOK_RETENTION_MONTHS for this run.",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Pretend today is this date (YYYY-MM-DD).",
        )

    def handle(self, *args, verb, dry_run, months, today, **options):
        console = Console(soft_wrap=True)
        months = settings.RETENTION_MONTHS if months is None else months
        if months <= 0:
            console.print("The retention rule is off (CASEBOOK_RETENTION_MONTHS=0).")
            return
        if months < 1:
            raise CommandError("--months must be a positive number.")
        verb_done = "Would erase" if dry_run else "Erased"

        def report(decision):
            console.print(f"{verb_done} {decision.person.reference}: {decision.reason}")

        decisions = retention_run(months=months, dry_run=dry_run, today=today, progress=report)
        console.print(
            f"{verb_done} the details of {len(decisions)} "
            f"{'person' if len(decisions) == 1 else 'people'} "
            f"(rule: {months} months after the case closes)."
        )
