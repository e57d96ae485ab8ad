"""`casebook backup FILE --evidence FOLDER`: the vault, copied incrementally by hash."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from PIL import Image

from casebook.installation.backup import BackupError, backup_settings, backup_vault
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

    settings_file = tmp_path / "settings.env"
    call_command(
        "backup",
        str(tmp_path / "db.backup"),
        "--evidence",
        str(folder),
        "--settings-file",
        str(settings_file),
    )
    out = capsys.readouterr().out
    assert "2 new files, 0 already there" in out
    from django.conf import settings

    assert settings.SECRET_KEY not in settings_file.read_text()
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


def test_the_settings_backup_leaves_secrets_out(tmp_path):
    output = tmp_path / "settings.env"
    left_out = backup_settings(
        output=output,
        environ={
            "CASEBOOK_SECRET_KEY": "s3cret-value",
            "CASEBOOK_MASTER_KEY": "m4ster-value",
            "CASEBOOK_METRICS_TOKEN": "t0ken-value",
            "CASEBOOK_ALLOWED_HOSTS": "casebook.example.org",
            "DATABASE_URL": "postgres://casebook:pa55word@db.example.org:5432/casebook",
            "HOME": "/home/someone",
        },
    )
    text = output.read_text()
    assert output.stat().st_mode & 0o077 == 0
    assert left_out == ["CASEBOOK_MASTER_KEY", "CASEBOOK_METRICS_TOKEN", "CASEBOOK_SECRET_KEY"]
    assert "CASEBOOK_ALLOWED_HOSTS=casebook.example.org" in text
    assert "DATABASE_URL=postgres://casebook:***@db.example.org:5432/casebook" in text
    for secret in ("s3cret", "m4ster", "t0ken", "pa55word", "HOME"):
        assert secret not in text


def test_a_wiped_vault_comes_back_from_its_backup(reference_data, evidence_dir, tmp_path):
    import shutil

    from casebook.installation.backup import restore_vault
    from casebook.sources.evidence.services import evidence_verify

    incident = IncidentFactory()
    for colour in [(1, 2, 3), (4, 5, 6)]:
        evidence_add(content=_photo(colour), filename="d.png", actor=None, incident=incident)
    before = _hashes(evidence_dir)
    folder = tmp_path / "vault-backup"
    backup_vault(folder=folder)
    shutil.rmtree(evidence_dir)
    assert evidence_verify().problems

    report = restore_vault(folder=folder)
    assert (report.copied, report.kept) == (2, 0)
    assert _hashes(evidence_dir) == before
    assert evidence_verify().problems == []
    assert restore_vault(folder=folder).kept == 2
