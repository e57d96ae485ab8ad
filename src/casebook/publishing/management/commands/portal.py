"""`casebook portal`: the public portal from the command line.

casebook portal status                        on or off, and how many incidents are public
casebook portal publish CB-2024-000123 …      publish verified incidents (audited)
casebook portal withdraw CB-2024-000123 …     take incidents off the portal (audited)
casebook portal demo --as coordinator         the demo's public side (used by `casebook demo`)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from casebook.accounts.models import User
from casebook.accounts.roles import can_verify
from casebook.cases.models import Incident
from casebook.publishing.models import PortalSettings, Publication
from casebook.publishing.publishable import published_incidents
from casebook.publishing.services import (
    PublicationRefused,
    publication_publish,
    publication_withdraw,
)


class Command(BaseCommand):
    help = "Publish or withdraw incidents on the public portal, or show its state."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="Whether the portal is on, and how many cases are public.")
        for name, text in (("publish", "Publish"), ("withdraw", "Withdraw")):
            command = sub.add_parser(name, help=f"{text} incidents by reference.")
            command.add_argument("references", nargs="+", metavar="REFERENCE")
        demo = sub.add_parser("demo", help="Turn the portal on and publish part of the sample.")
        demo.add_argument("--as", dest="username", required=True, help="A coordinator's name.")
        demo.add_argument("--count", type=int, default=40, help="Incidents to publish.")

    def handle(self, *args, action, **options):
        console = Console()
        if action == "status":
            portal = PortalSettings.current()
            console.print(
                f"The portal is {'on' if portal.enabled else 'off'}: "
                f"{published_incidents().count()} incidents public, "
                f"{Publication.objects.count()} published."
            )
        elif action == "demo":
            self._demo(console, options["username"], options["count"])
        else:
            self._decide(console, action, options["references"])

    def _decide(self, console, action, references):
        failed = False
        for reference in references:
            incident = Incident.objects.filter(reference=reference).first()
            if incident is None:
                console.print(f"{reference}: no such incident.")
                failed = True
                continue
            if action == "publish":
                try:
                    publication_publish(incident=incident, actor=None)
                except PublicationRefused as refused:
                    console.print(f"{reference}: not published. {' '.join(refused.messages)}")
                    failed = True
                    continue
                console.print(f"{reference}: published.")
            elif publication_withdraw(incident=incident, actor=None):
                console.print(f"{reference}: withdrawn.")
            else:
                console.print(f"{reference}: was not published.")
        if failed:
            raise CommandError("Some incidents were not changed (see above).")

    def _demo(self, console, username, count):
        from casebook.publishing.demo import portal_demo

        user = User.objects.filter(username=username).first()
        if user is None or not can_verify(user):
            raise CommandError(f"{username!r} is not a coordinator or administrator.")
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Redacting and publishing sample incidents", total=None)
            published = portal_demo(
                coordinator=user,
                count=count,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        console.print(f"The public portal is on, with {published} published incidents.")
