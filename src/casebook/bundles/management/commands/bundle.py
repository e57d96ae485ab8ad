"""`casebook bundle INCIDENT_REF -o FILE.zip`: a court-ready evidence bundle of one incident."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from casebook.accounts.models import User
from casebook.bundles.services import BundleRefused, bundle_make
from casebook.cases.models import Incident
from casebook.sources.models import EvidenceFile


class Command(BaseCommand):
    help = (
        "Write a court-ready evidence bundle of one incident: the original evidence files "
        "byte for byte, their signed SHA-256 manifest, the chain of custody, the incident's "
        "audit entries with their chain links, its graded sources, an index (HTML and PDF) "
        "and verify.py, which checks it all with Python's standard library."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The incident's reference, e.g. CB-2024-000123.")
        parser.add_argument("-o", "--output", required=True, help="The zip file to write.")
        parser.add_argument(
            "--redacted",
            action="store_true",
            help="For outside use: approved redacted copies only, no personal details.",
        )
        parser.add_argument(
            "--user",
            help="Make the bundle as this coordinator or administrator (what it may carry "
            "follows their role; recorded in the audit trail as theirs).",
        )
        parser.add_argument("--force", action="store_true", help="Replace an existing file.")

    def handle(self, *args, reference, output, redacted, user, force, **options):
        incident = Incident.objects.filter(reference=reference).first()
        if incident is None:
            raise CommandError(f"There is no incident {reference!r}.")
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"There is no user {user!r}.")
        path = Path(output)
        if path.exists() and not force:
            raise CommandError(f"{path} exists; choose another name or give --force.")
        if not redacted:
            # Personal details may go in: unreadable to others before anything is written.
            path.touch(mode=0o600)
            os.chmod(path, 0o600)
        total = sum(
            EvidenceFile.objects.filter(pk__in=_evidence_ids(incident)).values_list(
                "size", flat=True
            )
        )
        console = Console(stderr=True)
        columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn())
        try:
            with Progress(*columns, console=console, transient=True) as progress:
                task = progress.add_task("evidence", total=total or None)
                made = bundle_make(
                    incident=incident,
                    output=path,
                    actor=actor,
                    redacted=redacted,
                    progress=lambda n: progress.advance(task, n),
                )
        except (BundleRefused, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Wrote {path}: {made.evidence_files} evidence files ({made.evidence_bytes:,} "
            f"bytes), {made.audit_entries} audit entries, {made.files} files in all."
        )
        for item in made.left_out:
            self.stdout.write(f"Left out: {item}")
        if made.people_with_details:
            self.stdout.write(
                "Personal details of: " + ", ".join(made.people_with_details) + " (recorded)."
            )
        self.stdout.write(f"Manifest SHA-256: {made.manifest_sha256}")
        self.stdout.write(f"Signed with the key {made.signing_key_fingerprint}")
        self.stdout.write("Check it: unzip it and run `python3 verify.py` in its folder.")


def _evidence_ids(incident: Incident) -> list[int]:
    from casebook.bundles.contents import incident_evidence

    return [item.pk for item in incident_evidence(incident)]
