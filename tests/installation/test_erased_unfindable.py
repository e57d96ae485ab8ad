"""After an erasure, an earlier backup read with the current keys finds nobody by their details.

The blind index lives in the keyring with the data keys, and erasure deletes a person's
entries with their key: the backup itself holds no search token, so nothing in it leads
from a name, a phone number or an e-mail address to the person or to their incident.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from django.core.management import call_command

from casebook.people.keys import blind_index
from casebook.people.keys.keyring import keyring
from casebook.people.models import Person
from tests.conftest import CANARIES, fresh
from tests.factories import InvolvementFactory, PersonFactory
from tests.processes import casebook_env, run_with_env

pytestmark = pytest.mark.django_db
on_sqlite = pytest.mark.skipif(
    "os.environ.get('DATABASE_URL', '').startswith('postgres')",
    reason="opens a SQLite backup as the database",
)

DETAILS = [
    *CANARIES.values(),
    *CANARIES["full_name"].split(),
    " ".join(reversed(CANARIES["full_name"].split())),
    CANARIES["full_name"].upper(),
    "1991-07-23",
]

# Run against the old backup, with the current keyring and master key.
SEARCH_EVERY_DETAIL = """
import json, os
from casebook.people.models import Involvement, Person
details, incident, other = json.loads(os.environ["QUESTION"])
found = {}
for detail in details:
    hits = {p.reference for p in Person.objects.search(detail)}
    hits |= {p.reference for p in Person.objects.filter(full_name=detail)}
    hits |= {p.reference for p in Person.objects.filter(contact=detail)}
    found[detail] = sorted(hits)
on_incident = [
    str(i.person.full_name) for i in Involvement.objects.filter(act__incident__reference=incident)
]
others = sorted(p.reference for p in Person.objects.search(other))
print(json.dumps({"found": found, "on_incident": on_incident, "other": others}))
"""


@pytest.fixture
def two_people(canary_person, reference_data):
    other = PersonFactory(full_name="Staysreadable Person", contact="stays@example.test")
    InvolvementFactory(person=other)
    return canary_person, other


def tokens_of(person_details: dict) -> list[str]:
    return [
        *blind_index.field_tokens("name", person_details["full_name"]),
        *blind_index.field_tokens("contact", person_details["contact"]),
    ]


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_an_earlier_backup_with_current_keys_finds_nobody_erased_since(
    two_people, tmp_path, settings
):
    erased, other = two_people
    incident = erased.involvements.get().act.incident.reference
    backup = tmp_path / "before-erasure.sqlite3"
    call_command("backup", str(backup))
    call_command("person", "erase", erased.reference, "--reason", "their request")

    env = casebook_env(
        tmp_path / "home",
        data_dir=tmp_path / "elsewhere",
        DATABASE_URL=f"sqlite:///{backup}",
        CASEBOOK_SECRET_KEY="test-only-key-not-secret-" + "x" * 40,
        CASEBOOK_KEYRING_PATH=str(settings.KEYRING_PATH),
        CASEBOOK_MASTER_KEY_FILE=str(settings.MASTER_KEY_FILE),
        QUESTION=json.dumps([DETAILS, incident, "staysreadable"]),
    )
    result = run_with_env(env, "shell", "-c", SEARCH_EVERY_DETAIL)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])

    assert answer["found"] == {detail: [] for detail in DETAILS}
    assert answer["on_incident"] == ["[erased]"]  # the row is there; nothing says who it was
    assert answer["other"] == [other.reference]  # search still works for everyone else


def test_no_backup_holds_a_search_token_of_anyone(two_people, tmp_path):
    erased, other = two_people
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), "--format", "json")
    text = backup.read_text()
    details = [CANARIES, {"full_name": "Staysreadable Person", "contact": "stays@example.test"}]
    tokens = [token for person in details for token in tokens_of(person)]
    assert len(tokens) == 8
    assert not any(token in text for token in tokens)
    assert "search_tokens" not in text


def test_erasure_deletes_the_persons_entries_from_the_keyrings_index(two_people, run):
    erased, other = two_people
    key_id = str(erased.key_id)
    assert key_id in keyring().index_key_ids()

    run("person", "erase", erased.reference, "--reason", "their request")

    assert key_id not in keyring().index_key_ids()
    with sqlite3.connect(keyring().path) as ring:
        held = {token for (token,) in ring.execute("SELECT token FROM search_token")}
    assert not held & set(tokens_of(CANARIES))
    assert not Person.objects.search(CANARIES["contact"]).exists()
    printed = run("keys", "reindex")  # rebuilding brings nobody back
    assert "1 people indexed" in printed
    assert key_id not in keyring().index_key_ids()
    assert list(Person.objects.search("staysreadable")) == [other]


def test_reindex_after_a_restore_finds_people_by_their_restored_details(two_people, tmp_path, run):
    erased, other = two_people
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), "--format", "json")
    renamed = fresh(other)
    renamed.full_name = "Renamedlater Person"
    renamed.save()
    call_command("loaddata", str(backup), verbosity=0)  # back to "Staysreadable Person"
    assert not Person.objects.search("staysreadable").exists()  # the index is newer

    printed = run("keys", "reindex")

    assert "2 people indexed" in printed
    assert list(Person.objects.search("staysreadable")) == [other]
    assert not Person.objects.search("renamedlater").exists()
    assert list(Person.objects.search(CANARIES["contact"])) == [erased]
