"""`casebook backup FILE --evidence FOLDER`: the vault, copied incrementally by hash."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from PIL import Image

from casebook.installation.backup import BackupError, backup_vault
from casebook.sources.evidence.services import evidence_add
from casebook.sources.models import EvidenceFile
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _photo(colour: tuple[int, int, int]) -> io.BytesIO:
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(picture, "PNG")
    picture.seek(0)
    return picture


def _hashes(folder) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_the_vault_backup_copies_only_new_files_and_checks_each_hash(
    reference_data, evidence_dir, tmp_path, capsys
):
    incident = IncidentFactory()
    for colour in [(200, 30, 30), (30, 200, 30)]:
        evidence_add(content=_photo(colour), filename="a.png", actor=None, incident=incident)
    folder = tmp_path / "vault-backup"

    call_command("backup", str(tmp_path / "db.backup"), "--evidence", str(folder))
    assert "2 new files, 0 already there" in capsys.readouterr().out
    stored = dict(EvidenceFile.objects.values_list("sha256", "storage_name"))
    # Every blob, under the vault's own name, with the bytes its name promises.
    assert _hashes(folder) == {sha: sha for sha in stored}
    assert all((folder / name).exists() for name in stored.values())

    evidence_add(content=_photo((30, 30, 200)), filename="b.png", actor=None, incident=incident)
    assert backup_vault(folder=folder).copied == 1
    assert backup_vault(folder=folder).kept == 3

    # A damaged copy in the backup is replaced, not trusted for its name.
    damaged = folder / next(iter(stored.values()))
    damaged.chmod(0o600)
    damaged.write_bytes(b"damaged")
    report = backup_vault(folder=folder)
    assert (report.copied, report.kept) == (1, 2)
    assert all(name == sha for name, sha in _hashes(folder).items())


def test_a_vault_blob_that_changed_stops_the_backup(reference_data, evidence_dir, tmp_path):
    incident = IncidentFactory()
    added = evidence_add(content=_photo((9, 9, 9)), filename="c.png", actor=None, incident=incident)
    blob = evidence_dir / added.evidence.storage_name
    blob.chmod(0o600)
    blob.write_bytes(b"tampered")
    with pytest.raises(BackupError, match="evidence verify"):
        backup_vault(folder=tmp_path / "vault-backup")
    assert not [p for p in (tmp_path / "vault-backup").rglob("*") if p.is_file()]
