"""`casebook restore`: backup → the machine lost → restore on an empty one, as separate
processes on the suite's database (SQLite, or PostgreSQL databases of their own)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.installations import Installation

HEAD = (
    "from casebook.audit.models import AuditHead; h = AuditHead.objects.get(id=1); "
    "print(f'{h.sequence}:{h.entry_hash}')"
)
FIRST_PERSON = (
    "from casebook.people.models import Person; "
    "print(Person.objects.order_by('pk').values_list('reference', flat=True).first())"
)
# Kept apart from the machine, as the guide says: the secret key, the master key, the
# audit key (all offline) and the newest keyring copy `casebook keys backup` wrote.
KEPT_APART = ("secret_key", "master.key", "audit.key")


def _photo(colour: tuple[int, int, int]) -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(picture, "PNG")
    return picture.getvalue()


@pytest.fixture(scope="module")
def prepared(sample_installation, tmp_path_factory):
    """The sample installation with evidence files: some on an incident, one on a person."""
    folder = tmp_path_factory.mktemp("restore")
    installation = sample_installation.copy(folder / "casebook", "casebook_restore")
    try:
        incident = installation.python(
            "from casebook.cases.models import Incident; "
            "print(Incident.objects.order_by('pk').first().reference)"
        )
        files = []
        for number, colour in enumerate([(200, 20, 20), (20, 200, 20), (20, 20, 200)]):
            path = folder / f"photo-{number}.png"
            path.write_bytes(_photo(colour))
            files.append(str(path))
        installation.ok("evidence", "add", *files, "--incident", incident)
        person = installation.python(FIRST_PERSON)
        installation.ok("evidence", "add", files[0], "--person", person)
        yield installation
    finally:
        installation.drop()


@pytest.fixture
def site(prepared, tmp_path, request):
    copy = prepared.copy(tmp_path / "casebook", f"casebook_restore_{request.node.name[-12:]}")
    yield copy
    copy.drop()


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _back_up(site: Installation, offline: Path) -> tuple[Path, Path]:
    offline.mkdir()
    backup, vault = offline / "casebook.backup", offline / "vault"
    site.ok("backup", str(backup), "--evidence", str(vault))
    for name in KEPT_APART:
        shutil.copy2(site.data / name, offline / name)
    return backup, vault


def _lose_the_machine(site: Installation) -> None:
    """Database, data folder (keys, keyring, checkpoint), vault: all gone."""
    site.wipe_database()
    shutil.rmtree(site.data)
    site.data.mkdir()
    (site.data / "home").mkdir()


def _put_keys_back(site: Installation, offline: Path, *, keyring: bool = True) -> None:
    for name in KEPT_APART:
        shutil.copy2(offline / name, site.data / name)
    if keyring:
        shutil.copy2(offline / "keyring.sqlite3", site.data / "keyring.sqlite3")


def test_a_backup_comes_back_whole_on_an_empty_installation(site, tmp_path):
    before = tmp_path / "before.json"
    site.ok("export", "--format", "json", "--personal-data", "-o", str(before))
    backup, vault = _back_up(site, tmp_path / "offline")
    site.ok("keys", "backup", str(tmp_path / "offline" / "keyring.sqlite3"))
    head, files = site.python(HEAD), _hashes(site.vault)
    assert len(files) == 3

    _lose_the_machine(site)
    _put_keys_back(site, tmp_path / "offline", keyring=False)
    refused = site.run("restore", str(backup), "--evidence", str(vault))
    assert refused.returncode != 0
    assert f"The keyring is not at {site.data / 'keyring.sqlite3'}" in refused.stderr
    assert "casebook keys backup" in refused.stderr
    # Nothing was written: the restore below finds the installation empty.

    _put_keys_back(site, tmp_path / "offline")
    restored = site.ok("restore", str(backup), "--evidence", str(vault))
    assert "Restored the evidence vault" in restored
    assert "audit verify: intact" in restored
    assert "evidence verify: intact, 3 files match their hashes" in restored
    assert "Restore complete." in restored

    assert site.python(HEAD) == head
    assert _hashes(site.vault) == files
    after = tmp_path / "after.json"
    site.ok("export", "--format", "json", "--personal-data", "-o", str(after))
    assert json.loads(after.read_text()) == json.loads(before.read_text())

    again = site.run("restore", str(backup), "--evidence", str(vault))
    assert again.returncode != 0
    assert "This installation is not empty; nothing was restored." in again.stderr
    assert "already holds a casebook (8 incidents" in again.stderr
    assert "the evidence vault" in again.stderr and "holds 3 files" in again.stderr


def test_a_person_erased_after_the_backup_stays_unreadable_in_the_restored_copy(site, tmp_path):
    person, name = json.loads(
        site.python(
            "import json; from casebook.people.models import Person; "
            "p = Person.objects.order_by('pk').first(); "
            "print(json.dumps([p.reference, p.full_name]))"
        )
    )
    backup, vault = _back_up(site, tmp_path / "offline")
    site.ok("person", "erase", person, "--reason", "their request", "--yes")
    # The newest keyring copy, made after the erasure, as the guide asks.
    site.ok("keys", "backup", str(tmp_path / "offline" / "keyring.sqlite3"))

    _lose_the_machine(site)
    _put_keys_back(site, tmp_path / "offline")
    restored = site.ok("restore", str(backup), "--evidence", str(vault))
    assert "Finished the erasure of 1 people erased after this backup was made" in restored
    assert person in restored

    state = site.python(
        "from casebook.people.models import Person; "
        f"p = Person.objects.get(reference='{person}'); found = Person.objects.search({name!r}); "
        "files = p.evidence_files.count(); "
        "print([p.is_erased, p.details_readable, p.full_name, found.count(), files])"
    )
    # The row is back, and nothing in it or attached to it says who it was.
    assert state == "[True, False, '', 0, 0]"
    export = tmp_path / "after.json"
    site.ok("export", "--format", "json", "--personal-data", "-o", str(export))
    assert name not in export.read_text()

    assert "0 people without a data key" in site.ok("keys", "reconcile")
