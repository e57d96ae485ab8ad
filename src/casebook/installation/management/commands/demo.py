"""`casebook demo`: an installation with demo accounts and synthetic data, then served."""

import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from casebook.accounts.roles import Role
from casebook.accounts.services import user_ensure
from casebook.cases.models import Incident
from casebook.installation.bootstrap import bootstrap_installation
from casebook.monitor.demo import monitor_demo_load
from casebook.redaction.searching import redacted_search_fill
from casebook.sample.generator import sample_generate
from casebook.web.serving import casebook_serve, port_check

DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR),
    ("coordinator", Role.COORDINATOR),
    ("caseworker", Role.CASEWORKER),
    ("analyst", Role.ANALYST),
]


def demo_password() -> str:
    """One password for the demo accounts, generated once and kept beside the demo database."""
    path = settings.DATA_DIR / "demo_password"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(9))
    return path.read_text().strip()


class Command(BaseCommand):
    help = "Set up a demo casebook with synthetic data and serve it on http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=300, help="Synthetic incidents to create.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Set up, then stop.")

    def handle(self, *args, size, seed, host, port, no_serve, **options):
        console = Console()
        how_to_choose = "make demo PORT=8080 (or casebook demo --port 8080)"
        if not no_serve:
            # Before the minutes of setting up, not after them.
            port_check(host, port, how_to_choose=how_to_choose)
        bootstrap_installation()
        password = demo_password()
        for username, role in DEMO_USERS:
            user_ensure(username=username, role=role, password=password)
        if Incident.objects.exists():
            console.print(f"Demo data already loaded ({Incident.objects.count()} incidents).")
        else:
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task("Generating synthetic incidents", total=size)
                sample_generate(size=size, seed=seed, progress=lambda n: progress.advance(task, n))
        # Analysts search the redacted text: make it now, not when the first one searches.
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Redacting free text for analysts' search", total=None)
            redacted_search_fill(
                progress=lambda done, total: progress.update(task, completed=done, total=total)
            )
        # Invented news pages through the monitor, so candidates wait in the review queue.
        monitor_demo_load()
        # The public side: part of the verified sample redacted, approved and published.
        call_command("portal", "demo", "--as", "coordinator", "--count", str(min(40, size // 5)))
        if connection.vendor == "sqlite":
            console.print(
                f"Demo data lives in {settings.DATA_DIR} (delete it to start afresh).\n"
                "Other casebook commands (import, export, serve…) use it too while this "
                "machine has no casebook of its own (`casebook init` makes one); to choose it "
                f"in any case, set CASEBOOK_DATA_DIR={settings.DATA_DIR}",
                soft_wrap=True,
            )
        console.print("Sign in with any of these (all invented data):")
        for username, role in DEMO_USERS:
            console.print(f"  {username:<12} {role.value:<14} password: {password}")
        if not no_serve:
            casebook_serve(
                host=host, port=port, threads=8, how_to_choose=how_to_choose, say=console.print
            )
