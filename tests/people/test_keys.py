"""Master keys, the keyring outside the database, and key rotation."""

from __future__ import annotations

import base64
import io
import sqlite3

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from casebook.people.keys import cipher
from casebook.people.keys.keyring import keyring
from casebook.people.keys.master import (
    ENV_VAR,
    MasterKeyError,
    add_master_key,
    encode_key,
    ensure_master_key,
    forget_cached_keys,
    master_keys,
    parse_keys,
)
from casebook.people.models import Person
from tests.conftest import CANARIES, fresh
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def file_keys() -> list[bytes]:
    return parse_keys(settings.MASTER_KEY_FILE.read_text(), where="test")


def names_of(people) -> list[str]:
    return [fresh(p).full_name for p in people]


@pytest.fixture
def people(reference_data):
    return [PersonFactory(full_name=f"Rotateperson Number{n}") for n in range(7)]


def test_a_new_installation_gets_a_private_master_key_file(people):
    path = settings.MASTER_KEY_FILE
    assert path.exists()
    assert path.stat().st_mode & 0o077 == 0
    assert len(file_keys()) == 1
    assert settings.KEYRING_PATH.stat().st_mode & 0o077 == 0


def test_the_data_keys_are_not_in_the_main_database(people, tmp_path):
    from casebook.installation.backup import backup_json

    key = fresh(people[0]).personal_data_key()
    backup = tmp_path / "main.json"
    backup_json(backup)
    dump = backup.read_bytes()
    for form in (key, key.hex().encode(), base64.b64encode(key)):
        assert form not in dump
    wrapped = (
        sqlite3.connect(settings.KEYRING_PATH)
        .execute("SELECT wrapped FROM data_key WHERE key_id = ?", [str(people[0].key_id)])
        .fetchone()[0]
    )
    assert base64.b64encode(wrapped) not in dump and wrapped.hex().encode() not in dump


def test_rotation_rewraps_every_key_and_the_old_master_key_is_no_longer_needed(people, run):
    old_key = file_keys()[0]
    before = names_of(people)

    output = run("keys", "rotate")

    assert "Re-wrapped" in output and "Retired old master keys" in output
    new_keys = file_keys()
    assert len(new_keys) == 1 and new_keys[0] != old_key
    ring = keyring()
    assert ring.counts_by_master_key() == {cipher.key_fingerprint(new_keys[0]): ring.count() + 1}
    # The old key is gone from everywhere Casebook looks, and everything still opens.
    assert old_key not in settings.MASTER_KEY_FILE.read_bytes()
    forget_cached_keys()
    assert names_of(people) == before
    # New people are sealed under the new master key too.
    added = PersonFactory(full_name="After Rotation")
    assert fresh(added).full_name == "After Rotation"
    assert Person.objects.search("rotateperson").count() == len(people)


def test_with_only_the_old_master_key_nothing_opens_after_rotation(people, run):
    old_key = file_keys()[0]
    run("keys", "rotate")
    settings.MASTER_KEY_FILE.write_text(encode_key(old_key) + "\n")
    forget_cached_keys()
    with pytest.raises(MasterKeyError, match="not configured"):
        fresh(people[0]).full_name  # noqa: B018


def test_an_interrupted_rotation_is_finished_by_running_it_again(people, run):
    old_id = master_keys().active_id
    new_id = add_master_key()
    ring = keyring()
    calls = []

    def stop_after_first_batch(n):
        calls.append(n)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ring.rewrap(progress=stop_after_first_batch, batch=3)
    counts = ring.counts_by_master_key()
    assert counts[new_id] == 1 and counts[old_id] == ring.count()  # the index key went first
    assert names_of(people)  # half-way, both keys configured: everything opens

    output = run("keys", "rotate")

    assert f"Finishing the rotation to master key {new_id}" in output
    assert ring.counts_by_master_key() == {new_id: ring.count() + 1}
    assert [cipher.key_fingerprint(k) for k in file_keys()] == [new_id]
    forget_cached_keys()
    assert names_of(people) == [f"Rotateperson Number{n}" for n in range(7)]


def test_master_keys_from_the_environment_rotate_to_the_first_one(people, run, monkeypatch):
    old_key = file_keys()[0]
    new_key = cipher.new_key()
    monkeypatch.setenv(ENV_VAR, f"{encode_key(new_key)}, {encode_key(old_key)}")
    forget_cached_keys()

    output = run("keys", "rotate")

    assert "Remove the old keys" in output
    ring = keyring()
    assert ring.counts_by_master_key() == {cipher.key_fingerprint(new_key): ring.count() + 1}
    monkeypatch.setenv(ENV_VAR, encode_key(new_key))
    forget_cached_keys()
    assert names_of(people)[0] == "Rotateperson Number0"
    with pytest.raises(CommandError, match="keys generate"):
        run("keys", "rotate")


def test_a_missing_master_key_is_never_silently_replaced(people):
    settings.MASTER_KEY_FILE.unlink()
    forget_cached_keys()
    with pytest.raises(MasterKeyError, match="No master key"):
        fresh(people[0]).full_name  # noqa: B018
    with pytest.raises(MasterKeyError, match="restore the key file"):
        ensure_master_key()
    assert not settings.MASTER_KEY_FILE.exists()


def test_a_master_key_file_others_can_read_is_refused(people):
    settings.MASTER_KEY_FILE.chmod(0o644)
    forget_cached_keys()
    with pytest.raises(MasterKeyError, match="chmod 600"):
        fresh(people[0]).full_name  # noqa: B018


def test_malformed_master_keys_are_reported_without_the_key(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "bm90IGEga2V5")  # base64 of "not a key"
    forget_cached_keys()
    with pytest.raises(MasterKeyError, match="not 32 bytes") as error:
        master_keys()
    assert "bm90IGEga2V5" not in str(error.value)


def test_generate_prints_a_usable_key():
    out, err = io.StringIO(), io.StringIO()
    call_command("keys", "generate", stdout=out, stderr=err)
    assert len(parse_keys(out.getvalue(), where="output")[0]) == 32
    assert "Key id" in err.getvalue()


def test_status_reports_keys_and_people(people, run):
    output = run("keys", "status")
    assert master_keys().active_id in output
    assert "People: 7 (0 erased)" in output


def test_keyring_backup_is_a_private_copy(people, run, tmp_path):
    target = tmp_path / "keyring-copy.sqlite3"
    output = run("keys", "backup", str(target))
    assert "Keep only this newest copy" in output
    assert target.stat().st_mode & 0o077 == 0
    copied = sqlite3.connect(target).execute("SELECT COUNT(*) FROM data_key").fetchone()[0]
    assert copied == keyring().count() >= len(people)


def test_deleting_a_person_destroys_their_key_once_committed(
    people, django_capture_on_commit_callbacks
):
    person = people[0]
    with django_capture_on_commit_callbacks(execute=True):
        Person.objects.filter(pk=person.pk).delete()
    assert not keyring().has_data_key(str(person.key_id))


def test_the_canary_person_is_readable_only_with_the_keyring(canary_person, settings, tmp_path):
    assert fresh(canary_person).full_name == CANARIES["full_name"]
    settings.KEYRING_PATH = tmp_path / "empty-keyring.sqlite3"
    person = fresh(canary_person)
    assert person.full_name == "[erased]" and not person.details_readable


def test_people_added_quickly_share_one_disk_sync_per_batch_of_keys(reference_data):
    ring = keyring()
    people = [PersonFactory() for _ in range(40)]
    assert len({p.key_id for p in people}) == 40
    assert all(ring.has_data_key(str(p.key_id)) for p in people)
    assert ring._pool_size > 1  # the batches grew while people kept coming
    assert [fresh(p).full_name for p in people] == [p.full_name for p in people]
