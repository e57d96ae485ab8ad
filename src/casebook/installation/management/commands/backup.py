"""`casebook backup FILE`: a copy of the main database (see `installation/backup.py`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from casebook.audit.anchor import AuditKeyError
from casebook.audit.services import audit_checkpoint_now
from casebook.installation.backup import (
    FORMATS,
    BackupError,
    backup_settings,
    backup_vault,
    backup_write,
)


class Command(BaseCommand):
    help = (
        "Back up the main database to FILE (SQLite: a database file; PostgreSQL: pg_dump's "
        "custom format, or JSON without pg_dump). The keyring and the master key are "
        "backed up separately."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path)
        parser.add_argument(
            "--format",
            choices=["auto", *FORMATS],
            default="auto",
            dest="backup_format",
        )
        parser.add_argument(
            "--evidence",
            type=Path,
            default=None,
            metavar="FOLDER",
            help="Also copy the evidence vault into FOLDER, only files it does not hold yet.",
        )
        parser.add_argument(
            "--settings-file",
            dest="settings_file",
            type=Path,
            default=None,
            metavar="FILE",
            help="Also write the settings that are not secrets to FILE (.env form).",
        )

    def handle(
        self,
        *args,
        output: Path,
        backup_format: str,
        evidence: Path | None,
        settings_file: Path | None,
        **options,
    ):
        console = Console(soft_wrap=True)
        try:
            backup_format = backup_write(output=output, format=backup_format)
        except BackupError as error:
            raise CommandError(str(error)) from error
        console.print(
            f"Backed up the database to {output} ({backup_format}, mode 600, "
            f"{output.stat().st_size:,} bytes)."
        )
        if evidence is not None:
            try:
                report = backup_vault(folder=evidence)
            except BackupError as error:
                raise CommandError(str(error)) from error
            console.print(
                f"Backed up the evidence vault to {evidence}: {report.copied:,} new files, "
                f"{report.kept:,} already there."
            )
        if settings_file is not None:
            left_out = backup_settings(output=settings_file)
            console.print(
                f"Wrote the settings to {settings_file}, without the secrets "
                f"({', '.join(left_out) or 'none set'}): keep those apart."
            )
        console.print(
            "People's details in it are sealed; their keys are not in it. Back up "
            "the keyring with `casebook keys backup FILE` (keep only the newest copy) "
            "and keep the master key and the audit key offline, apart from both."
        )
        try:
            checkpoint = audit_checkpoint_now()
        except (ValueError, AuditKeyError) as error:
            raise CommandError(f"The backup was written, but: {error}") from None
        if checkpoint:
            console.print(
                "The audit trail's checkpoint at this backup (keep it with your record of "
                f"the backup; `casebook audit verify --checkpoint` checks a trail against "
                f"it):\n{checkpoint.line()}"
            )
