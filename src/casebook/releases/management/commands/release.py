"""`casebook release [--from DATE --to DATE] -o DIR`: a new open data release."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from casebook.accounts.models import User
from casebook.releases.services import ReleaseRefused, release_write


class Command(BaseCommand):
    help = (
        "Write an open data release of the published incidents into a new folder: a "
        "Frictionless data package (CSV and Table Schemas), ACLED and HXL layouts, GeoJSON, "
        "suppressed aggregates, a data dictionary, CHANGES since the previous release, "
        "SHA256SUMS and a signed manifest. Releases are never rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="A new (or empty) folder.")
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)
        parser.add_argument(
            "--threshold",
            type=int,
            help="Suppress aggregate counts under this (default CASEBOOK_SMALL_CELL_THRESHOLD).",
        )
        parser.add_argument("--user", help="Record the release as written by this user.")

    def handle(self, *args, output, date_from, date_to, threshold, user, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"There is no user {user!r}.")
        if threshold is not None and threshold < 2:
            raise CommandError("--threshold must be 2 or more.")
        columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        try:
            with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
                task = progress.add_task("incidents", total=None)
                written = release_write(
                    folder=Path(output),
                    actor=actor,
                    date_from=date_from,
                    date_to=date_to,
                    threshold=threshold,
                    progress=lambda n: progress.advance(task, n),
                )
        except (ReleaseRefused, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        release = written.release
        self.stdout.write(
            f"Wrote release {release.version} to {written.folder}: {release.incident_count} "
            f"published incidents; {len(written.added)} added, {len(written.corrected)} "
            f"corrected, {len(written.withdrawn)} withdrawn since the previous release."
        )
        self.stdout.write(f"Manifest SHA-256: {release.manifest_sha256}")
        self.stdout.write(f"Signed with the key {release.signing_key}")
