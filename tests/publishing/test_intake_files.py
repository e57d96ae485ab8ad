"""Files sent with an account from the public: through the evidence vault's checks, kept
internal, added later through the private page, evidence once a caseworker accepts."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from casebook.audit.models import AuditEntry
from casebook.publishing import intake
from casebook.publishing.models import Submission, SubmissionFile
from casebook.sources.models import EvidenceFile
from tests.publishing.test_intake import ACCOUNT, _code, _send
from tests.publishing.world import PublishedWorld, portal_on
from tests.sources.conftest import (
    CANARY_FILENAME,
    CANARY_MAKE,
    image_bytes,
    pdf_bytes,
    photo_with_exif,
    stored_files,
)
from tests.sources.test_evidence_hostile import HOSTILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(reference_data, monkeypatch, evidence_dir):
    monkeypatch.setattr(intake, "MIN_SECONDS", 0)
    monkeypatch.setattr(intake, "MIN_SECONDS_WITHOUT_SCRIPT", 0)
    from django.core.cache import cache

    cache.clear()
    return portal_on()


def _photo(name=CANARY_FILENAME, data=None):
    return SimpleUploadedFile(name, data or photo_with_exif(), content_type="image/jpeg")


def test_a_photo_sent_with_an_account_waits_in_the_vault_with_it(client, portal, evidence_dir):
    response = _send(client, files=[_photo()])
    assert response.status_code == 200
    waiting = SubmissionFile.objects.get()
    assert waiting.media_type == "image/jpeg" and waiting.original_filename == CANARY_FILENAME
    assert waiting.submission == Submission.objects.get() and waiting.evidence is None
    assert stored_files(evidence_dir) == [
        f"{waiting.sha256[:2]}/{waiting.sha256[2:4]}/{waiting.sha256}"
    ]
    entry = AuditEntry.objects.get(action="publishing.submission.received")
    assert waiting.sha256 in str(entry.changes) and "Canaryname" not in str(entry.changes)


@pytest.mark.parametrize(
    "name", ["jpeg-zip-polyglot", "jpeg-script-in-comment", "pdf-launch", "truncated-jpeg"]
)
def test_what_the_vault_refuses_the_form_refuses_naming_the_file(
    client, portal, evidence_dir, name
):
    _, data, filename, reason = next(row for row in HOSTILE if row[0] == name)
    page = _send(client, files=[SimpleUploadedFile(filename, data)]).content.decode()
    assert f"“{filename}” was not accepted" in page and reason in page
    assert "choose them again" in page  # the browser dropped the file: say so
    assert ACCOUNT.split(":")[0] in page  # the words are kept
    assert not Submission.objects.exists() and stored_files(evidence_dir) == []


def test_a_reader_in_arabic_reads_why_a_file_was_refused_in_arabic(client, portal, evidence_dir):
    _, data, filename, reason = next(row for row in HOSTILE if row[0] == "truncated-jpeg")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = _send(client, files=[SimpleUploadedFile(filename, data)]).content.decode()
    assert f"لم يُقبل الملف «{filename}»" in page
    assert "محتواه تالف" in page and reason not in page
    assert not Submission.objects.exists() and stored_files(evidence_dir) == []


def test_a_file_over_the_forms_limit_is_refused_with_the_fix(
    client, portal, evidence_dir, monkeypatch
):
    monkeypatch.setattr(intake, "FILE_MAX_BYTES", 10_000)
    big = image_bytes("PNG", Image.effect_noise((200, 200), 80))
    assert len(big) > 10_000
    page = _send(client, files=[_photo("big.png", big)]).content.decode()
    assert "“big.png” is larger than the limit of 9.77 KB" in page
    assert "Send a smaller copy" in page
    assert not Submission.objects.exists() and stored_files(evidence_dir) == []


def test_at_most_five_files_go_with_an_account(client, portal):
    files = [
        _photo(f"p{i}.png", image_bytes("PNG", Image.new("RGB", (9, 9 + i)))) for i in range(6)
    ]
    page = _send(client, files=files).content.decode()
    assert "at most 5 files" in page and not Submission.objects.exists()


def test_the_sender_adds_a_photo_through_their_private_page(client, portal):
    code = _code(_send(client))
    url = reverse("publishing:receipt", args=[code])
    page = client.post(url, {"text": "", "files": [_photo()]}).content.decode()
    assert "You sent 1 file with it." in page
    assert SubmissionFile.objects.get().submission == Submission.objects.get()
    refused = client.post(url, {"files": [SimpleUploadedFile("x.jpg", b"MZ\x90\x00" * 40)]})
    assert "“x.jpg” was not accepted" in refused.content.decode()
    assert SubmissionFile.objects.count() == 1


def test_withdrawing_deletes_the_files_bytes_too(
    client, portal, evidence_dir, django_capture_on_commit_callbacks
):
    code = _code(_send(client, files=[_photo()]))
    assert stored_files(evidence_dir)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("publishing:receipt", args=[code]), {"withdraw": "1"})
    assert not SubmissionFile.objects.exists()
    assert stored_files(evidence_dir) == []


def test_setting_an_account_aside_deletes_its_files(
    client, portal, client_for, evidence_dir, django_capture_on_commit_callbacks
):
    _send(client, files=[SimpleUploadedFile("r.pdf", pdf_bytes())])
    submission = Submission.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for("caseworker").post(
            reverse("publishing:intake-detail", args=[submission.pk]),
            {"decision": "discard", "reason": "Not about police."},
        )
    assert not SubmissionFile.objects.exists() and stored_files(evidence_dir) == []


def test_accepted_the_photo_becomes_evidence_of_the_incident_and_the_source(
    client, portal, client_for
):
    _send(client, files=[_photo()])
    submission = Submission.objects.get()
    caseworker = client_for("caseworker")
    detail = reverse("publishing:intake-detail", args=[submission.pk])
    assert "Files sent with it" in caseworker.get(detail).content.decode()
    caseworker.post(detail, {"decision": "accept"})
    evidence = EvidenceFile.objects.get()
    submission.refresh_from_db()
    assert evidence.source == submission.source
    assert evidence.incident == submission.source.incident_links.get().incident
    # Read from the photo as for any evidence, and restricted like it.
    assert evidence.device_make == CANARY_MAKE and evidence.gps_latitude is not None
    assert SubmissionFile.objects.get().evidence == evidence
    assert AuditEntry.objects.filter(action="sources.evidence.added").count() == 1


def _accepted_onto_a_published_incident(client, client_for) -> PublishedWorld:
    world = PublishedWorld()
    _send(client, files=[_photo()])
    submission = Submission.objects.get()
    client_for("coordinator").post(
        reverse("publishing:intake-detail", args=[submission.pk]),
        {"decision": "accept", "reference": world.incident.reference},
    )
    return world


def test_accepted_onto_an_existing_incident_the_photo_is_its_evidence(client, portal, client_for):
    world = _accepted_onto_a_published_incident(client, client_for)
    assert EvidenceFile.objects.get().incident == world.incident


def test_the_caseworkers_preview_carries_no_metadata_and_is_audited(client, portal, client_for):
    _send(client, files=[_photo()])
    waiting = SubmissionFile.objects.get()
    url = reverse("publishing:intake-file", args=[waiting.submission_id, waiting.pk])
    response = client_for("coordinator").get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    with Image.open(io.BytesIO(response.content)) as preview:
        assert not preview.getexif() and "icc_profile" not in preview.info
    assert CANARY_MAKE.encode() not in response.content
    assert AuditEntry.objects.filter(action="publishing.submission.file_viewed").exists()
    assert client_for("analyst").get(url).status_code == 403


def test_no_file_from_the_public_reaches_a_public_page(client, portal, client_for):
    world = _accepted_onto_a_published_incident(client, client_for)
    evidence = EvidenceFile.objects.get()
    page = client.get(reverse("publishing:incident", args=[world.incident.reference]))
    assert f"/images/{evidence.pk}/" not in page.content.decode()
    image = reverse("publishing:incident-image", args=[world.incident.reference, evidence.pk])
    assert client.get(image).status_code == 404


def test_waiting_files_outlive_removed_evidence_and_go_into_the_vaults_backup(
    client, portal, evidence_dir, tmp_path, django_capture_on_commit_callbacks
):
    from casebook.installation.backup import backup_vault, restore_vault
    from casebook.sources.evidence.services import evidence_add, evidence_remove
    from tests.factories import IncidentFactory

    photo = photo_with_exif()
    _send(client, files=[_photo(data=photo)])
    waiting = SubmissionFile.objects.get()
    # A caseworker happens to have the same photo as evidence, then removes it.
    same = evidence_add(
        content=io.BytesIO(photo), filename="x.jpg", actor=None, incident=IncidentFactory()
    )
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=same.evidence, actor=None)
    assert stored_files(evidence_dir)  # the waiting file's bytes are still there

    folder = tmp_path / "vault-backup"
    assert backup_vault(folder=folder).copied == 1
    (evidence_dir / stored_files(evidence_dir)[0]).chmod(0o600)
    (evidence_dir / stored_files(evidence_dir)[0]).unlink()
    assert restore_vault(folder=folder).copied == 1
    assert stored_files(evidence_dir) == [stored_files(folder)[0]]
    assert waiting.sha256 in stored_files(folder)[0]


def test_evidence_verify_rehashes_the_files_waiting_with_an_account(
    client, portal, evidence_dir, capsys
):
    from django.core.management import CommandError, call_command

    _send(client, files=[_photo()])
    waiting = SubmissionFile.objects.get()
    call_command("evidence", "verify")
    assert "Evidence intact: 1 stored files" in capsys.readouterr().out
    stored = evidence_dir / waiting.sha256[:2] / waiting.sha256[2:4] / waiting.sha256
    stored.chmod(0o600)
    stored.write_bytes(b"bytes changed behind the vault's back")
    said = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 stored evidence files"):
        call_command("evidence", "verify", stderr=said)
    report = said.getvalue()
    assert "no longer matches its hash" in report
    assert f"a file sent with account #{waiting.submission_id} from the public form" in report
    assert CANARY_FILENAME not in report
