"""The migration that seals existing people: plain rows in, sealed rows out, and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casebook.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("people", "0001_initial")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    # Every app's last migration, not only people's: going back to people 0001 also took back
    # the migrations of apps that depend on people (publishing's submissions, linkage's
    # person merges), and the tests after this one need their tables.
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


def test_existing_people_are_sealed_by_the_migration_and_opened_by_its_reverse():
    migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_person (reference, full_name, contact, address, date_of_birth, "
            "gender, ethnicity, notes, consent_record, consent_share, consent_publish, "
            "consent_notes, created_at) VALUES ('P-000900', 'Canaryold Qzxvrow', "
            "'07700 900900', '9 Old Row', '1980-04-05', '', '', 'old note', %s, %s, %s, '', "
            "'2024-01-01 00:00:00+00:00')",
            [True, False, False],
        )
    try:
        migrate(latest())
        with connection.cursor() as cursor:
            cursor.execute("SELECT full_name, date_of_birth FROM people_person")
            name, born = cursor.fetchone()
            columns = connection.introspection.get_table_description(cursor, "people_person")
        assert name.startswith("cb1:") and born.startswith("cb1:")
        assert "search_tokens" not in [column.name for column in columns]  # in the keyring
        person = Person.objects.get(reference="P-000900")
        assert (person.full_name, str(person.date_of_birth)) == ("Canaryold Qzxvrow", "1980-04-05")
        assert list(Person.objects.search("qzxvrow canaryold")) == [person]
        assert list(Person.objects.search("07700 900900")) == [person]

        migrate([("people", "0002_encrypt_personal_details")])  # the index back in the column
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_tokens FROM people_person")
            assert len(cursor.fetchone()[0].split()) == 4

        migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT full_name, date_of_birth, notes FROM people_person")
            name, born, notes = cursor.fetchone()
        assert (name, str(born), notes) == ("Canaryold Qzxvrow", "1980-04-05", "old note")
    finally:
        migrate(latest())
