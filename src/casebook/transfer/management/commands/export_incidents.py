"""`casebook export`: export incidents to CSV, JSON or ACLED's layout, or an import template."""

import datetime as dt
import os
from pathlib import Path
from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError

from casebook.accounts.models import User
from casebook.cases.models import Incident, IncidentStatus
from casebook.transfer.console import progress_bars
from casebook.transfer.formats import FORMATS
from casebook.transfer.services import import_template, incidents_export

PROGRESS_FROM = 2_000  # incidents: smaller exports are done before a bar could tell anything


class Command(BaseCommand):
    help = (
        "Export incidents to Casebook CSV or JSON, or ACLED's CSV layout. People's "
        "personal details are left out unless --personal-data is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", default="csv", choices=list(FORMATS))
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--template",
            action="store_true",
            help="Write an import template with one invented example instead.",
        )
        parser.add_argument(
            "--personal-data",
            action="store_true",
            help="Include people's names, contacts and addresses (recorded in "
            "the audit trail; the file is made readable by you only).",
        )
        parser.add_argument("--since", type=dt.date.fromisoformat, help="From this date on.")
        parser.add_argument("--until", type=dt.date.fromisoformat, help="Up to this date.")
        parser.add_argument("--force", help="Only this police force (its slug).")
        parser.add_argument(
            "--status",
            help="Only incidents with these statuses, separated by commas "
            "(e.g. verified,in_review; default: every status).",
        )
        parser.add_argument("--user", help="Record the export as done by this user.")

    def handle(
        self,
        *args,
        format,
        output,
        template,
        personal_data,
        since,
        until,
        force,
        status,
        user,
        **options,
    ):
        if template:
            if output:
                Path(output).write_text(import_template(format=format), encoding="utf-8")
            else:
                self.stdout.write(import_template(format=format), ending="")
            return
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"There is no user {user!r}.")
        incidents = Incident.objects.all()
        if since:
            incidents = incidents.filter(date__gte=since)
        if until:
            incidents = incidents.filter(date__lte=until)
        if force:
            incidents = incidents.filter(force__slug=force)
        if status:
            wanted = [part.strip() for part in status.split(",") if part.strip()]
            unknown = [part for part in wanted if part not in IncidentStatus.values]
            if unknown:
                raise CommandError(
                    f"{unknown[0]!r} is not a status; use one or more of "
                    f"{', '.join(IncidentStatus.values)}, separated by commas."
                )
            incidents = incidents.filter(status__in=wanted)
        large = incidents.count() >= PROGRESS_FROM
        if output:
            path = Path(output)
            if personal_data:
                # Created unreadable to others before a single name is written into it.
                path.touch(mode=0o600)
                os.chmod(path, 0o600)
            with (
                path.open("w", encoding="utf-8", newline="") as stream,
                progress_bars(enabled=large) as progress,
            ):
                count = incidents_export(
                    stream=stream,
                    actor=actor,
                    format=format,
                    incidents=incidents,
                    personal_data=personal_data,
                    progress=progress,
                )
            self.stderr.write(f"Exported {count} incidents to {output}.")
        else:
            with progress_bars(enabled=large) as progress:
                incidents_export(
                    stream=cast(TextIO, _Verbatim(self.stdout)),  # written to only
                    actor=actor,
                    format=format,
                    incidents=incidents,
                    personal_data=personal_data,
                    progress=progress,
                )


class _Verbatim:
    """Django's command output adds a newline to every write; a file format must not get one."""

    def __init__(self, out) -> None:
        self.out = out

    def write(self, text: str) -> int:
        self.out.write(text, ending="")
        return len(text)
