"""`casebook worker`: a Celery worker for the monitor's stages (and `--beat` for the schedule)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Start a Celery worker that runs the news monitor's stages from the broker in "
        "CASEBOOK_BROKER_URL; --beat also reads the feeds that are due, every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--beat", action="store_true", help="Also run the schedule (one per installation)."
        )
        parser.add_argument(
            "--concurrency", type=int, default=None, help="Processes (default: one per CPU)."
        )
        parser.add_argument(
            "--loglevel",
            default="WARNING",
            help="Celery's log level; article text is never logged.",
        )
        parser.add_argument("--queues", default="", help="Comma-separated queues to consume.")

    def handle(self, *args, beat, concurrency, loglevel, queues, **options):
        if not settings.MONITOR_BROKER_URL:
            raise CommandError(
                "No broker configured: set CASEBOOK_BROKER_URL (redis://… or amqp://…). "
                "Without one, `casebook monitor run` and `watch` process pages themselves."
            )
        from casebook.monitor.celery_app import app

        argv = ["worker", f"--loglevel={loglevel}"]
        if beat:
            argv.append("--beat")
        if concurrency:
            argv.append(f"--concurrency={concurrency}")
        if queues:
            argv.append(f"--queues={queues}")
        app.worker_main(argv)
