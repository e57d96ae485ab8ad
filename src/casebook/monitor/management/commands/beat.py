"""`casebook beat`: the monitor's schedule alone, for servers that run it apart from the
workers (deploy/'s casebook-beat.service). One per installation: two would poll every due
feed twice."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run the monitor's schedule (every minute: read the feeds that are due) without a "
        "worker; `casebook worker` runs the tasks it sends. One per installation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loglevel", default="WARNING", help="Celery's log level; nothing personal is logged."
        )

    def handle(self, *args, loglevel, **options):
        if not settings.MONITOR_BROKER_URL:
            raise CommandError(
                "No broker configured: set CASEBOOK_BROKER_URL (redis://… or amqp://…). "
                "Without one, `casebook monitor watch` reads the feeds itself."
            )
        from casebook.monitor.celery_app import app

        # Where it remembers when each entry last ran: in the data folder, not the current one.
        app.start(
            [
                "beat",
                f"--loglevel={loglevel}",
                f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            ]
        )
