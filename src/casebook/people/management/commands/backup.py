"""`casebook backup FILE`: a copy of the MAIN database only.

People's details are sealed in it; their data keys are not (they live in the keyring), so
this file alone reveals nobody, and erasing someone later makes their details unreadable in
it too. Back up the keyring with `casebook keys backup` (keeping only its newest copy) and
the master key offline, each apart from the others.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from rich.console import Console


def _private_file(path: Path) -> None:
    if path.exists():
        path.unlink()
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def backup_sqlite(output: Path) -> None:
    """SQLite's online backup API: a consistent copy while the server keeps running."""
    if connection.in_atomic_block:
        # The backup would wait for a lock its own connection holds.
        raise CommandError("Cannot back up SQLite from inside a transaction.")
    connection.ensure_connection()
    _private_file(output)
    target = sqlite3.connect(output)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def backup_pg_dump(output: Path) -> None:
    """pg_dump's custom format (restore with pg_restore)."""
    settings = connection.settings_dict
    environment = {
        **os.environ,
        "PGHOST": str(settings.get("HOST") or ""),
        "PGPORT": str(settings.get("PORT") or ""),
        "PGUSER": str(settings.get("USER") or ""),
        "PGPASSWORD": str(settings.get("PASSWORD") or ""),
    }
    environment = {k: v for k, v in environment.items() if v != ""}
    _private_file(output)
    # The program is found on PATH; the arguments are our own settings, no shell involved.
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--file={output}",
            settings["NAME"],
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")


def backup_json(output: Path) -> None:
    """Django's dumpdata of every app: sealed values stay sealed (fields.value_to_string)."""
    _private_file(output)
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        "--indent=0",
        output=str(output),
        verbosity=0,
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
            choices=["auto", "sqlite", "pg_dump", "json"],
            default="auto",
            dest="backup_format",
        )

    def handle(self, *args, output: Path, backup_format: str, **options):
        console = Console(soft_wrap=True)
        vendor = connection.vendor
        if backup_format == "auto":
            if vendor == "sqlite":
                backup_format = "sqlite"
            elif vendor == "postgresql" and shutil.which("pg_dump"):
                backup_format = "pg_dump"
            else:
                backup_format = "json"
        if backup_format == "sqlite" and vendor != "sqlite":
            raise CommandError("--format sqlite needs the SQLite database.")
        if backup_format == "pg_dump" and (vendor != "postgresql" or not shutil.which("pg_dump")):
            raise CommandError("--format pg_dump needs PostgreSQL and the pg_dump program.")
        {"sqlite": backup_sqlite, "pg_dump": backup_pg_dump, "json": backup_json}[backup_format](
            output
        )
        console.print(
            f"Backed up the database to {output} ({backup_format}, mode 600, "
            f"{output.stat().st_size:,} bytes)."
        )
        console.print(
            "People's details in it are sealed; their keys are not in it. Back up "
            "the keyring with `casebook keys backup FILE` (keep only the newest copy) "
            "and keep the master key offline, apart from both."
        )
