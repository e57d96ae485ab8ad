"""People's details are sealed at rest, bound to their person and field, and plain in Python."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from casebook.casework.forms import PersonForm
from casebook.people.keys import cipher
from casebook.people.keys.fields import UNREADABLE, PlaintextRefused, aad
from casebook.people.keys.keyring import keyring
from casebook.people.models import Person
from tests.conftest import CANARIES, fresh
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

COLUMNS = [
    "full_name",
    "contact",
    "address",
    "date_of_birth",
    "gender",
    "ethnicity",
    "notes",
    "consent_notes",
]


def raw_row(person) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM people_person WHERE id = %s",  # noqa: S608
            [person.pk],
        )
        return dict(zip(COLUMNS, cursor.fetchone(), strict=True))


def test_no_personal_value_is_in_the_database_in_plain_text(canary_person):
    row = raw_row(canary_person)
    dumped = json.dumps(row, default=str).lower()
    for canary in [*CANARIES.values(), "1991-07-23", "qzxv"]:
        assert canary.lower() not in dumped
    for name in COLUMNS:
        assert row[name].startswith("cb1:"), name


def test_details_read_back_as_the_python_values_they_were(canary_person):
    person = fresh(canary_person)
    assert person.full_name == CANARIES["full_name"]
    assert person.address == CANARIES["address"]
    assert person.date_of_birth == dt.date(1991, 7, 23)
    assert isinstance(person.date_of_birth, dt.date)


def test_empty_fields_are_sealed_too_so_the_table_does_not_say_what_is_known(reference_data):
    person = PersonFactory(full_name="", contact="", address="", date_of_birth=None)
    row = raw_row(person)
    assert row["full_name"].startswith("cb1:") and row["date_of_birth"].startswith("cb1:")
    loaded = fresh(person)
    assert (loaded.full_name, loaded.date_of_birth) == ("", None)


def test_values_and_the_json_dump_show_only_sealed_text(canary_person):
    values = Person.objects.values("full_name", "contact").get(pk=canary_person.pk)
    assert all(v.startswith("cb1:") for v in values.values())
    out = io.StringIO()
    call_command("dumpdata", "people.person", stdout=out)
    assert "qzxv" not in out.getvalue().lower()
    assert "1991-07-23" not in out.getvalue()  # Django passes dates through unless told not to
    assert "cb1:" in out.getvalue()


def test_a_value_copied_into_another_persons_row_does_not_open(canary_person, reference_data):
    other = PersonFactory(full_name="Someone Else")
    stolen = raw_row(canary_person)["full_name"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET full_name = %s WHERE id = %s", [stolen, other.pk])
    assert fresh(other).full_name == UNREADABLE
    # The primitive says why: the key and the person it is bound to differ.
    key = fresh(other).personal_data_key()
    with pytest.raises(cipher.DecryptionError):
        cipher.open_sealed(key, stolen, aad(other.key_id, "full_name"))


def test_a_value_moved_to_another_field_of_the_same_person_does_not_open(canary_person):
    name = raw_row(canary_person)["full_name"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET notes = %s WHERE id = %s", [name, canary_person.pk]
        )
    person = fresh(canary_person)
    assert person.notes == UNREADABLE
    assert person.full_name == CANARIES["full_name"]


def test_an_unreadable_value_is_kept_as_it_was_when_the_person_is_saved(canary_person):
    name = raw_row(canary_person)["full_name"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET notes = %s WHERE id = %s", [name, canary_person.pk]
        )
    person = fresh(canary_person)
    assert person.notes == UNREADABLE
    person.consent_share = True
    person.save()
    assert raw_row(person)["notes"] == name  # evidence of tampering is not overwritten


def test_writes_that_would_put_plain_text_into_sql_are_refused(canary_person):
    with pytest.raises(PlaintextRefused), transaction.atomic():
        Person.objects.filter(pk=canary_person.pk).update(address="Plain Street")
    person = fresh(canary_person)
    person.address = "Plain Street"
    with pytest.raises(PlaintextRefused), transaction.atomic():
        Person.objects.bulk_update([person], ["address"])
    with pytest.raises(PlaintextRefused), transaction.atomic():
        list(Person.objects.filter(address="Plain Street"))
    assert "Plain Street" not in json.dumps(raw_row(canary_person))


def test_filtering_by_exact_name_or_contact_goes_through_the_blind_index(canary_person):
    assert list(Person.objects.filter(full_name="canaryfirst  QZXVNAME")) == [canary_person]
    assert list(Person.objects.filter(contact="Canary.Qzxv@example.test")) == [canary_person]
    assert not Person.objects.filter(full_name="Canaryfirst").exists()  # whole name only
    assert Person.objects.filter(involvements__person__full_name=CANARIES["full_name"]).exists()


def test_search_tokens_are_keyed_hashes_kept_in_the_keyring_not_in_the_database(canary_person):
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "people_person")
    assert not any("token" in column.name for column in columns)
    with sqlite3.connect(keyring().path) as ring:
        tokens = [
            token
            for (token,) in ring.execute(
                "SELECT token FROM search_token WHERE key_id = ?", [str(canary_person.key_id)]
            )
        ]
    assert len(tokens) == 4  # two name words, the whole name, the contact
    assert all(len(t) == 20 and int(t, 16) >= 0 for t in tokens)


def test_search_finds_by_any_order_of_name_words_and_by_phone_number(reference_data):
    person = PersonFactory(full_name="Siobhán O'Brien-Ng", contact="+44 7700 900123")
    PersonFactory(full_name="Siobhan Other")
    assert list(Person.objects.search("ng siobhan")) == [person]
    assert list(Person.objects.search("OBRIEN")) == [person]
    assert list(Person.objects.search("07700 900123")) == [person]
    assert list(Person.objects.search("brien")) == []  # whole words only


def test_the_casework_person_form_edits_a_sealed_person(canary_person):
    person = fresh(canary_person)
    form = PersonForm(instance=person)
    assert form.initial["full_name"] == CANARIES["full_name"]
    form = PersonForm(
        data={
            "full_name": "Renamed Qzxvperson",
            "contact": person.contact,
            "role": "arrested",
            "act_number": 1,
            "consent_record": "on",
        },
        instance=person,
    )
    assert form.is_valid(), form.errors
    form.save()
    assert fresh(person).full_name == "Renamed Qzxvperson"
    assert list(Person.objects.search("renamed")) == [person]
    assert "renamed" not in json.dumps(raw_row(person)).lower()


def test_a_person_the_model_validates_checks_lengths_on_the_plain_value(reference_data):
    person = Person(full_name="x" * 201)
    with pytest.raises(Exception, match="at most 200"):
        person.full_clean(exclude=["reference"])


def test_the_sample_generator_writes_sealed_people(reference_data):
    from casebook.sample.generator import sample_generate

    sample_generate(size=5, seed=3)
    people = list(Person.objects.all())
    assert people
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, contact, address FROM people_person")
        assert all(v.startswith("cb1:") for row in cursor.fetchall() for v in row)
    assert all(" " in p.full_name for p in people)  # "Given Surname", opened again
    first = people[0]
    assert first in Person.objects.search(first.full_name)


def test_a_pickled_person_carries_no_key(canary_person):
    import pickle

    person = fresh(canary_person)
    assert person.full_name  # opens, so the key is cached on the instance
    assert person.personal_data_key() not in pickle.dumps(person)
