"""`casebook restore FILE --evidence FOLDER`: a backup back into an empty installation.

The order matters. The keys are checked first (the keyring and the master key are backed
up apart from the database; without them nobody's details in the backup can be read, and a
restore that went ahead would look complete while holding only sealed values). Then the
installation must be empty: restoring over a casebook would mix two of them, so the
restore refuses and names what it found. Then the database (SQLite's backup API page by
page into the configured file, `pg_restore` in one transaction; a JSON dump is refused: it
keeps times to the millisecond, and the audit trail's hashes cover the exact times), the
migrations a backup from an earlier version still needs, the evidence
vault (each file checked against its hash), and the search index rebuilt in the keyring.
The command then runs `audit verify` and `evidence verify` and reports both.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.db import connection

from casebook.installation.backup import (
    BackupError,
    VaultBackupReport,
    postgres_program,
    restore_vault,
)

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class RestoreError(Exception):
    """The restore cannot go ahead; the message says what is wrong and how to put it right."""


def backup_format_of(path: Path) -> str:
    """What `casebook backup` wrote to `path`: "sqlite", "pg_dump" or "json"."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except FileNotFoundError:
        raise RestoreError(f"There is no backup file {path}.") from None
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "pg_dump"
    if head.lstrip()[:1] == b"[":
        return "json"
    raise RestoreError(
        f"{path} is not a file `casebook backup` writes (a SQLite database, pg_dump's custom "
        "format or a JSON dump)."
    )


# --- Is everything in place? ------------------------------------------------------------------


def keys_problem() -> str | None:
    """Why the people's details in a restored backup could not be read, or None.

    Never creates a key: a missing master key or keyring here must be put back from where
    they were kept, and a new one would only make the restore look complete.
    """
    from casebook.people.keys.keyring import keyring
    from casebook.people.keys.master import ENV_VAR, MasterKeyError, master_keys

    path = Path(settings.KEYRING_PATH)
    if not path.is_file():
        return (
            f"The keyring is not at {path}. Put back the newest copy `casebook keys backup` "
            "wrote there (or point CASEBOOK_KEYRING_PATH at it) before restoring: it holds "
            "every person's data key, which the database backup does not."
        )
    try:
        master = master_keys()
    except MasterKeyError as error:
        return str(error)
    unknown = set(keyring().counts_by_master_key()) - set(master.ids)
    if unknown:
        return (
            f"The keyring's data keys are wrapped by master key {', '.join(sorted(unknown))}, "
            f"but the master key configured ({master.source}) is {master.active_id}. Put "
            f"back the master key file you kept offline (or set {ENV_VAR} to it)."
        )
    return None


def _database_place() -> str:
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"the database {name}"
    host = connection.settings_dict.get("HOST") or "localhost"
    return f"the PostgreSQL database {name} on {host}"


def _database_contents() -> str | None:
    tables = connection.introspection.table_names()
    if not tables:
        return None
    if "cases_incident" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        return f"{_database_place()} has {len(tables)} tables ({shown}…)"
    counts = []
    with connection.cursor() as cursor:
        for table, what in (
            ("cases_incident", "incidents"),
            ("people_person", "people"),
            ("sources_evidencefile", "evidence files"),
            ("accounts_user", "user accounts"),
        ):
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (our own names)
                counts.append(f"{cursor.fetchone()[0]:,} {what}")
    return f"{_database_place()} already holds a casebook ({', '.join(counts)})"


def _database_fix() -> str:
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return (
            f"move {name} (with its -wal and -shm files) away, or point CASEBOOK_DATA_DIR at "
            "a new folder, and do not run `casebook init` before restoring"
        )
    return (
        f"drop the database and create it empty again (`dropdb {name} && createdb {name}`), "
        "or point DATABASE_URL at a new, empty database"
    )


def _stored_files(storage: Storage, folder: str = "") -> int:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    inside = sum(_stored_files(storage, f"{folder}{name}/") for name in folders)
    return len(files) + inside


def _vault_place(storage: Storage) -> str:
    location = getattr(storage, "location", "")
    bucket = getattr(storage, "bucket_name", "")
    return f"bucket {bucket}/{location}" if bucket else str(location)


def installation_contents() -> list[tuple[str, str]]:
    """What stops this installation from taking a restore: (what is there, how to clear it).

    Empty means a database without tables and an evidence vault without files.
    """
    found = []
    database = _database_contents()
    if database:
        found.append((database, _database_fix()))
    storage = storages["evidence"]
    files = _stored_files(storage)
    if files:
        place = _vault_place(storage)
        found.append(
            (
                f"the evidence vault {place} holds {files:,} files",
                "move them away (or point CASEBOOK_EVIDENCE_DIR at an empty folder)",
            )
        )
    return found


# --- Restoring --------------------------------------------------------------------------------


def _restore_sqlite(path: Path) -> None:
    if connection.vendor != "sqlite":
        raise RestoreError(
            f"{path} is a SQLite backup, but this installation uses PostgreSQL. Restore it "
            "with DATABASE_URL unset (SQLite), or restore a pg_dump or JSON backup here."
        )
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = source.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise RestoreError(f"The backup {path} is damaged ({verdict}): use another one.")
        connection.ensure_connection()
        # Page by page through the configured connection, so the file keeps its place, its
        # mode (600) and its write-ahead log; nothing copies a file under a live database.
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()  # the next query opens it afresh, with the installation's pragmas


def _restore_pg_dump(path: Path) -> None:
    if connection.vendor != "postgresql":
        raise RestoreError(
            f"{path} is a pg_dump backup, but this installation uses SQLite. Set "
            "DATABASE_URL to an empty PostgreSQL database and restore again."
        )
    if shutil.which("pg_restore") is None:
        raise RestoreError("Restoring a pg_dump backup needs PostgreSQL's pg_restore program.")
    connection.close()
    # One transaction: a restore that fails or is interrupted leaves the database empty,
    # ready for the same command again, not half restored.
    failure = postgres_program(
        "pg_restore",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={connection.settings_dict['NAME']}",
        str(path),
    )
    if failure is not None:
        raise RestoreError(f"pg_restore failed: {failure}")


def _restore_json(path: Path) -> None:
    # Django's JSON keeps times to the millisecond: the audit trail's keyed hashes, made
    # over the exact times, would no longer verify. It moves a casebook between databases.
    raise RestoreError(
        f"{path} is a JSON backup, which keeps times to the millisecond only, so the restored "
        "audit trail would not verify. Restore a SQLite or pg_dump backup (the default "
        "format of `casebook backup`)."
    )


def database_restore(*, backup: Path) -> str:
    """Put the backup into this installation's (empty) database; returns its format."""
    chosen = backup_format_of(backup)
    {"sqlite": _restore_sqlite, "pg_dump": _restore_pg_dump, "json": _restore_json}[chosen](backup)
    # A backup from an earlier version gets the migrations it lacks; nothing for a current one.
    call_command("migrate", interactive=False, verbosity=0)
    return chosen


def installation_restore(
    *, backup: Path, evidence: Path, step: Callable[[str], None] = lambda _: None
) -> tuple[str, VaultBackupReport, int]:
    """Check the keys and the emptiness, restore the database and the vault, rebuild the
    search index. Returns (format, the vault's report, people indexed). Raises RestoreError
    before writing anything when the keys are missing or the installation is not empty."""
    from casebook.people.services import search_index_rebuild

    backup_format_of(backup)
    if not evidence.is_dir():
        raise RestoreError(
            f"There is no evidence backup folder {evidence}: give the folder "
            "`casebook backup --evidence` wrote."
        )
    problem = keys_problem()
    if problem:
        raise RestoreError(problem)
    found = installation_contents()
    if found:
        lines = "\n".join(f"- {what}: {fix}." for what, fix in found)
        raise RestoreError(f"This installation is not empty; nothing was restored.\n{lines}")
    step("Restoring the database")
    chosen = database_restore(backup=backup)
    step("Restoring the evidence vault")
    try:
        vault = restore_vault(folder=evidence)
    except BackupError as error:
        raise RestoreError(str(error)) from None
    step("Rebuilding the search index")
    indexed, _ = search_index_rebuild()
    return chosen, vault, indexed
