"""Each people test gets a master key file and a keyring of its own, so that rotating,
deleting or restoring keys never reaches another test."""

from __future__ import annotations

import pytest

CANARIES = {
    "full_name": "Canaryfirst Qzxvname",
    "contact": "canary.qzxv@example.test",
    "address": "17 Canarystreet Qzxv, Testford",
    "gender": "Canarygender-qzxv",
    "ethnicity": "Canaryethnic-qzxv",
    "notes": "Canarynote qzxv: bail conditions",
    "consent_notes": "Canaryconsent qzxv",
}


@pytest.fixture(autouse=True)
def own_keys(settings, tmp_path, monkeypatch):
    from casebook.people.keys.master import ENV_VAR, forget_cached_keys

    monkeypatch.delenv(ENV_VAR, raising=False)
    settings.MASTER_KEY_FILE = tmp_path / "keys" / "master.key"
    settings.KEYRING_PATH = tmp_path / "keys" / "keyring.sqlite3"
    forget_cached_keys()
    yield settings
    from casebook.people.keys.keyring import keyring

    keyring().close()
    forget_cached_keys()


@pytest.fixture
def canary_person(reference_data):
    """A person with a canary string in every personal field, arrested on one act."""
    import datetime as dt

    from tests.factories import InvolvementFactory, PersonFactory

    person = PersonFactory(**CANARIES, date_of_birth=dt.date(1991, 7, 23), consent_record=True)
    InvolvementFactory(person=person)
    return person


def fresh(person):
    """The person as loaded from the database again (nothing cached on the instance)."""
    from casebook.people.models import Person

    return Person.objects.get(pk=person.pk)
