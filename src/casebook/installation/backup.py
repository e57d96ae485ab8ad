"""Backups of the main database (`casebook backup FILE`) and, with `--evidence FOLDER`, of
the evidence vault (incrementally, by hash).

People's details are sealed in it; their data keys are not (they live in the keyring), so
this file alone reveals nobody, and erasing someone later makes their details unreadable in
it too. Back up the keyring with `casebook keys backup` (keeping only its newest copy), and
the master key and the audit key offline, each apart from the others.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection

FORMATS = ("sqlite", "pg_dump", "json")


class BackupError(Exception):
    """The backup cannot be made as asked; the message says why, for the person running it."""


def _private_file(path: Path) -> None:
    if path.exists():
        path.unlink()
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def backup_sqlite(output: Path) -> None:
    """SQLite's online backup API: a consistent copy while the server keeps running."""
    if connection.in_atomic_block:
        # The backup would wait for a lock its own connection holds.
        raise BackupError("Cannot back up SQLite from inside a transaction.")
    connection.ensure_connection()
    _private_file(output)
    target = sqlite3.connect(output)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def postgres_program(program: str, *arguments: str) -> str | None:
    """Run one of PostgreSQL's own programs (pg_dump, pg_restore) on this installation's
    database; what it said on failure, or None. The connection settings go to it as libpq's
    variables, the password never on a command line."""
    settings = connection.settings_dict
    environment = {
        **os.environ,
        "PGHOST": str(settings.get("HOST") or ""),
        "PGPORT": str(settings.get("PORT") or ""),
        "PGUSER": str(settings.get("USER") or ""),
        "PGPASSWORD": str(settings.get("PASSWORD") or ""),
    }
    # The program is found on PATH; the arguments are our own settings, no shell involved.
    result = subprocess.run(  # noqa: S603
        [shutil.which(program) or program, *arguments],
        env={k: v for k, v in environment.items() if v != ""},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stderr.strip() if result.returncode != 0 else None


def backup_pg_dump(output: Path) -> None:
    """pg_dump's custom format (restore with pg_restore)."""
    _private_file(output)
    failure = postgres_program(
        "pg_dump",
        "--format=custom",
        "--no-owner",
        f"--file={output}",
        connection.settings_dict["NAME"],
    )
    if failure is not None:
        raise BackupError(f"pg_dump failed: {failure}")


def backup_json(output: Path) -> None:
    """Django's dumpdata of every app: sealed values stay sealed (fields.value_to_string)."""
    _private_file(output)
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        "--exclude=accounts.session",
        "--indent=0",
        output=str(output),
        verbosity=0,
    )


def backup_format_for(requested: str = "auto") -> str:
    """The format to use: SQLite's own on SQLite, pg_dump's when it is installed, else JSON."""
    vendor = connection.vendor
    if requested == "auto":
        if vendor == "sqlite":
            return "sqlite"
        if vendor == "postgresql" and shutil.which("pg_dump"):
            return "pg_dump"
        return "json"
    if requested == "sqlite" and vendor != "sqlite":
        raise BackupError("--format sqlite needs the SQLite database.")
    if requested == "pg_dump" and (vendor != "postgresql" or not shutil.which("pg_dump")):
        raise BackupError("--format pg_dump needs PostgreSQL and the pg_dump program.")
    return requested


def backup_write(*, output: Path, format: str = "auto") -> str:
    """Back the database up to `output` (mode 600); returns the format used."""
    chosen = backup_format_for(format)
    {"sqlite": backup_sqlite, "pg_dump": backup_pg_dump, "json": backup_json}[chosen](output)
    return chosen


@dataclass(frozen=True)
class VaultBackupReport:
    copied: int  # files new to the backup folder
    kept: int  # files the folder already held (same name, same hash)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def backup_vault(*, folder: Path) -> VaultBackupReport:
    """Copy the evidence vault into `folder`, incrementally: blobs are named by their SHA-256,
    so a file already there with the right hash is kept and only new ones are copied.

    Each copy is hashed as it is written and renamed into place only when its hash matches,
    so an interrupted backup never leaves a wrong file under a good name. The layout is the
    vault's own (`ab/cd/abcd…`): restoring is copying the folder back.
    """
    from casebook.sources.evidence.references import blobs_needed

    storage = storages["evidence"]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    copied = kept = 0
    for sha256, name in blobs_needed():
        target = folder / name
        if target.exists() and _file_sha256(target) == sha256:
            kept += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(target.name + ".partial")
        digest = hashlib.sha256()
        with storage.open(name, "rb") as source, partial.open("wb") as copy:
            for block in iter(lambda: source.read(1024 * 1024), b""):
                digest.update(block)
                copy.write(block)
        if digest.hexdigest() != sha256:
            partial.unlink()
            raise BackupError(
                f"Evidence blob {sha256[:12]} does not match its hash in the vault: "
                "run `casebook evidence verify` before backing up."
            )
        partial.chmod(0o400)
        partial.replace(target)
        copied += 1
    return VaultBackupReport(copied=copied, kept=kept)


# Settings whose values are secrets: never written by `backup_settings` (kept apart, as the
# keyring and the master key are).
_SECRET_WORDS = ("SECRET", "KEY", "TOKEN", "PASSWORD")


def _without_password(value: str) -> str:
    """A URL's password replaced by `***` (`postgres://user:***@host/db`)."""
    scheme, separator, rest = value.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return value
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def backup_settings(*, output: Path, environ: dict[str, str] | None = None) -> list[str]:
    """Write the installation's settings (CASEBOOK_* and DATABASE_URL) in `.env` form,
    without secrets: names holding a secret are listed as comments, passwords in URLs are
    masked. Returns the names left out."""
    environ = dict(os.environ if environ is None else environ)
    lines = ["# Casebook settings at backup time, secrets left out (restore them apart)."]
    left_out = []
    for name in sorted(environ):
        if not (name.startswith("CASEBOOK_") or name == "DATABASE_URL"):
            continue
        if any(word in name for word in _SECRET_WORDS):
            left_out.append(name)
            lines.append(f"# {name}= (a secret: restore it from where you keep it)")
            continue
        lines.append(f"{name}={_without_password(environ[name])}")
    _private_file(output)
    output.write_text("\n".join(lines) + "\n")
    return left_out


def restore_vault(*, folder: Path) -> VaultBackupReport:
    """Put back into the evidence vault every blob the database names and the vault lacks,
    from a folder written by `backup_vault`; each copy's hash is checked before it is stored.
    Run `evidence_verify` afterwards (the `restore` command does)."""
    from casebook.sources.evidence.references import blobs_needed

    storage = storages["evidence"]
    copied = kept = 0
    for sha256, name in blobs_needed():
        if storage.exists(name):
            kept += 1
            continue
        copy = folder / name
        if not copy.exists() or _file_sha256(copy) != sha256:
            raise BackupError(
                f"Evidence blob {sha256[:12]} is missing or damaged in {folder}: "
                "restore from another backup of the vault."
            )
        with copy.open("rb") as handle:
            storage.save(name, handle)
        copied += 1
    return VaultBackupReport(copied=copied, kept=kept)
