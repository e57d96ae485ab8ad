from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


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
        from waitress import serve

        from casebook.wsgi import application

        self.stdout.write(f"Casebook is running on http://{host}:{port}/  (Ctrl+C stops it)")
        self.stdout.flush()
        serve(application, host=host, port=port, threads=threads, ident="casebook")
