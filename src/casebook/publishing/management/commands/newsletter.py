"""`casebook newsletter`: the newsletter from the command line.

casebook newsletter status                    subscribers, the schedule, the last digest
casebook newsletter send                      send the digest now (nothing if nothing new)
casebook newsletter export ADDRESS FILE.json  subject access for an address (mode 600)
casebook newsletter erase ADDRESS             delete an address's subscriptions for good

The address is read from the command line and never printed back or logged.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from casebook.publishing.models import Digest, PortalSettings, Subscriber
from casebook.publishing.newsletter.digest import digest_due, digest_send
from casebook.publishing.newsletter.mail import newsletter_configuration_problems
from casebook.publishing.newsletter.subscriptions import subscriber_erase, subscriber_export


class Command(BaseCommand):
    help = "The newsletter: its state, sending the digest now, an address's data requests."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        verbs.add_parser("status", help="Subscribers, the schedule and the last digest.")
        verbs.add_parser("send", help="Send the digest of what was published now.")
        export = verbs.add_parser("export", help="Write what is kept about an address.")
        export.add_argument("address")
        export.add_argument("output", type=Path, help="The file to write (.json).")
        erase = verbs.add_parser("erase", help="Delete an address's subscriptions for good.")
        erase.add_argument("address")

    def handle(self, *args, verb, **options):
        console = Console(soft_wrap=True)
        if verb == "status":
            self._status(console)
        elif verb == "send":
            self._send(console)
        elif verb == "export":
            self._export(console, options["address"], options["output"])
        else:
            count = subscriber_erase(address=options["address"])
            console.print(f"Erased {count} subscriptions of that address (data keys destroyed).")

    def _status(self, console):
        portal = PortalSettings.current()
        confirmed = Subscriber.objects.filter(confirmed_at__isnull=False).count()
        waiting = Subscriber.objects.filter(confirmed_at__isnull=True).count()
        console.print(
            f"The newsletter is {'offered' if portal.enabled and portal.show_newsletter else 'off'}"
            f": {confirmed} subscribers, {waiting} waiting to confirm; a digest every "
            f"{portal.digest_every_days} days from {portal.digest_hour}:00"
            f"{' (due now)' if digest_due(portal=portal) else ''}."
        )
        last = Digest.objects.order_by("-through", "-id").first()
        if last is not None:
            console.print(
                f"Last digest {last.ran_at:%Y-%m-%d %H:%M}: {last.incidents} cases, "
                f"{last.posts} posts, sent to {last.recipients} ({last.failed} failed)."
            )
        for problem in newsletter_configuration_problems():
            console.print(problem)

    def _send(self, console):
        portal = PortalSettings.current()
        if not (portal.enabled and portal.show_newsletter):
            raise CommandError("The newsletter is off: turn it on in the portal's settings.")
        problems = newsletter_configuration_problems()
        if problems:
            raise CommandError(" ".join(problems))
        report = digest_send()
        if report.contents is None or report.contents.empty:
            console.print("Nothing was published since the last digest: nothing sent.")
            return
        console.print(
            f"Sent the digest ({len(report.contents.incidents)} cases, "
            f"{len(report.contents.posts)} posts) to {report.sent} subscribers"
            f"{f'; {report.failed} failed' if report.failed else ''}."
        )

    def _export(self, console, address: str, output: Path):
        if output.suffix.lower() != ".json":
            raise CommandError("Give the file a .json name.")
        records = subscriber_export(address=address)
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"newsletter": records}, handle, indent=2, ensure_ascii=False)
        console.print(
            f"Wrote {output} (mode 600): {len(records)} subscriptions. It holds the address: "
            "hand it over safely, then delete it."
        )
