"""Backups of the main database: sealed, keyless, and unreadable for people erased since."""

from __future__ import annotations

import os
import shutil  # noqa: F401  (used by the skip conditions below)
import sqlite3
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from casebook.people.duties.erasure import person_erase
from casebook.people.keys.fields import ERASED
from casebook.people.models import Person
from tests.conftest import CANARIES, fresh
from tests.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db
on_sqlite = pytest.mark.skipif("os.environ.get('DATABASE_URL', '').startswith('postgres')")
on_postgres = pytest.mark.skipif(
    "not os.environ.get('DATABASE_URL', '').startswith('postgres') or not shutil.which('pg_dump')"
)


@pytest.fixture
def two_people(canary_person, reference_data):
    other = PersonFactory(full_name="Staysreadable Person", contact="stays@example.test")
    InvolvementFactory(person=other)
    return canary_person, other


def restore_people_table(columns: list[str], rows: list[tuple]) -> None:
    """Put the backup's people rows back into the live database, as a restore would."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns if c != "id")
    with connection.cursor() as cursor:
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            cursor.execute(
                f"UPDATE people_person SET {assignments} WHERE id = %s",  # noqa: S608
                [v for c, v in values.items() if c != "id"] + [values["id"]],
            )


def assert_erased_one_unreadable_other_readable(erased, other) -> None:
    restored = fresh(erased)
    assert not restored.is_erased  # the backup predates the erasure…
    assert restored.full_name == ERASED  # …but its details no longer open
    assert restored.date_of_birth is None
    assert not restored.details_readable
    assert fresh(other).full_name == "Staysreadable Person"


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_erasure_makes_the_person_unreadable_in_an_earlier_sqlite_backup(
    two_people, tmp_path, capsys
):
    erased, other = two_people
    backup = tmp_path / "casebook-backup.sqlite3"
    call_command("backup", str(backup))
    assert backup.stat().st_mode & 0o077 == 0
    assert "keys backup" in capsys.readouterr().out
    raw = backup.read_bytes().lower()
    assert not any(c.lower().encode() in raw for c in [*CANARIES.values(), "1991-07-23"])

    person_erase(person=erased, reason="the person's request")

    with sqlite3.connect(backup) as old:
        cursor = old.execute("SELECT * FROM people_person")
        columns = [d[0] for d in cursor.description]
        restore_people_table(columns, cursor.fetchall())
    assert_erased_one_unreadable_other_readable(erased, other)


def test_erasure_makes_the_person_unreadable_in_an_earlier_json_backup(two_people, tmp_path):
    erased, other = two_people
    backup = tmp_path / "casebook-backup.json"
    call_command("backup", str(backup), "--format", "json")
    text = backup.read_text().lower()
    assert "cb1:" in text
    assert not any(c.lower() in text for c in [*CANARIES.values(), "1991-07-23"])

    person_erase(person=erased, reason="the person's request")
    call_command("loaddata", str(backup), verbosity=0)

    assert_erased_one_unreadable_other_readable(erased, other)


def test_after_a_restore_reconcile_finishes_the_erasure(two_people, tmp_path, capsys):
    erased, other = two_people
    backup = tmp_path / "casebook-backup.json"
    call_command("backup", str(backup), "--format", "json")
    person_erase(person=erased, reason="the person's request")
    call_command("loaddata", str(backup), verbosity=0)
    capsys.readouterr()

    call_command("keys", "reconcile")

    assert f"Marked {erased.reference} as erased" in capsys.readouterr().out
    assert fresh(erased).is_erased and fresh(other).details_readable
    assert "qzxv" not in str(Person.objects.values().get(pk=erased.pk)).lower()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_erasure_makes_the_person_unreadable_in_an_earlier_pg_dump(two_people, tmp_path):
    import psycopg

    erased, other = two_people
    backup = tmp_path / "casebook.dump"
    call_command("backup", str(backup))  # pg_dump of the (committed) test database

    person_erase(person=erased, reason="the person's request")

    settings = connection.settings_dict
    environment = {
        **os.environ,
        "PGHOST": settings["HOST"] or "127.0.0.1",
        "PGPORT": str(settings["PORT"] or 5432),
        "PGUSER": settings["USER"] or "",
        "PGPASSWORD": settings["PASSWORD"] or "",
    }
    dsn = psycopg.conninfo.make_conninfo(
        host=environment["PGHOST"],
        port=environment["PGPORT"],
        user=environment["PGUSER"],
        password=environment["PGPASSWORD"] or None,
    )
    fresh_db = f"casebook_restore_{os.getpid()}"
    with psycopg.connect(dsn, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh_db}"')
        admin.execute(f'CREATE DATABASE "{fresh_db}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={fresh_db}", str(backup)],
            env=environment,
            check=True,
            capture_output=True,
        )
        with psycopg.connect(dsn, dbname=fresh_db) as restored:
            cursor = restored.execute("SELECT * FROM people_person")
            columns = [d.name for d in cursor.description]
            rows = cursor.fetchall()
    finally:
        with psycopg.connect(dsn, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh_db}"')
    restore_people_table(columns, rows)
    assert_erased_one_unreadable_other_readable(erased, other)


@on_postgres
def test_the_backup_command_runs_pg_dump(two_people, tmp_path, capsys):
    backup = tmp_path / "casebook.dump"
    call_command("backup", str(backup))
    assert "(pg_dump" in capsys.readouterr().out
    assert backup.stat().st_size > 0 and backup.stat().st_mode & 0o077 == 0
