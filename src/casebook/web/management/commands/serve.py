from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casebook.web.serving import casebook_serve


def pending_migrations() -> list:
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


class Command(BaseCommand):
    help = "Serve the web interface with a production WSGI server (waitress)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        if pending_migrations():
            raise CommandError("The database is not set up or is out of date: run `casebook init`.")
        casebook_serve(
            host=host,
            port=port,
            threads=threads,
            how_to_choose="casebook serve --port 8080 (make serve PORT=8080)",
            say=self._say,
        )

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
