"""`casebook demo`: an installation with demo accounts and synthetic data, then served."""

import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from casebook.accounts.roles import Role
from casebook.accounts.services import user_ensure
from casebook.cases.models import Incident
from casebook.installation.bootstrap import bootstrap_installation
from casebook.monitor.demo import monitor_demo_load
from casebook.sample.generator import sample_generate

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
        # Invented news pages through the monitor, so candidates wait in the review queue.
        monitor_demo_load()
        console.print(f"Demo data lives in {settings.DATA_DIR} (delete it to start afresh).")
        console.print("Sign in with any of these (all invented data):")
        for username, role in DEMO_USERS:
            console.print(f"  {username:<12} {role.value:<14} password: {password}")
        if not no_serve:
            call_command("serve", host=host, port=port)
