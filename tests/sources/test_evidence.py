"""The evidence vault: uploads by role, content addressing, metadata, derivatives, custody."""

from __future__ import annotations

import io
import os
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from PIL import Image

from casebook.audit.models import AuditEntry
from casebook.sources.evidence.services import (
    EvidenceIntegrityError,
    evidence_add,
    evidence_derivative_image,
    evidence_details_visible_to,
    evidence_remove,
    evidence_verify,
)
from casebook.sources.evidence.sniffing import EvidenceRefused, sniff
from casebook.sources.models import EvidenceFile
from tests.conftest import PERSONAS, sign_in
from tests.factories import IncidentFactory, InvolvementFactory, SourceFactory
from tests.sources.conftest import (
    CANARY_COMMENT,
    CANARY_FILENAME,
    CANARY_MAKE,
    CANARY_MODEL,
    CANARY_XMP,
    image_bytes,
    mp3_bytes,
    mp4_bytes,
    ogg_bytes,
    pdf_bytes,
    photo_with_exif,
    picture,
    stored_files,
    wav_bytes,
)

pytestmark = pytest.mark.django_db

CANARY_CAPTION = "Canarycaption Vqzx"
RESTRICTED_CANARIES = (
    CANARY_MAKE,
    CANARY_MODEL,
    CANARY_FILENAME,
    CANARY_CAPTION,
    "51.507333",
    "-0.127500",
)


@pytest.fixture
def incident(personas):
    incident = IncidentFactory()
    incident.assigned_to.add(personas["caseworker"])
    return incident


def upload(client, incident, data: bytes, name: str = "file.bin", caption: str = ""):
    url = reverse("sources:evidence-upload", args=[incident.reference])
    file = io.BytesIO(data)
    file.name = name
    return client.post(url, {"file": file, "caption": caption})


def add(incident, data: bytes, name: str = "file.bin", **kwargs):
    return evidence_add(
        content=io.BytesIO(data), filename=name, actor=None, incident=incident, **kwargs
    )


# --- Who may upload ----------------------------------------------------------------------------

UPLOAD_STATUS = dict(zip(PERSONAS, (201, 201, 201, 403, 403, 302), strict=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_upload_is_allowed_to_editors_of_the_incident_only(
    client_for, incident, evidence_dir, persona
):
    response = upload(client_for(persona), incident, image_bytes("PNG"), "p.png")
    assert response.status_code == UPLOAD_STATUS[persona]
    stored = EvidenceFile.objects.filter(incident=incident).count()
    assert stored == (1 if UPLOAD_STATUS[persona] == 201 else 0)
    if UPLOAD_STATUS[persona] == 201:
        assert response.json()["status"] == "stored"
        assert response.json()["media_type"] == "image/png"
    else:
        assert stored_files(evidence_dir) == []


def test_a_caseworker_not_on_the_incident_may_not_upload(client, make_user, incident, evidence_dir):
    other = sign_in(client, make_user("caseworker"))
    response = upload(other, incident, image_bytes("PNG"), "p.png")
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


def test_the_caseworker_who_created_the_incident_may_upload(client, make_user, evidence_dir):
    author = make_user("caseworker")
    incident = IncidentFactory(created_by=author)
    response = upload(sign_in(client, author), incident, image_bytes("PNG"), "p.png")
    assert response.status_code == 201


def test_uploads_need_the_csrf_token(personas, incident, evidence_dir):
    from django.test import Client

    client = sign_in(Client(enforce_csrf_checks=True), personas["coordinator"])
    response = upload(client, incident, image_bytes("PNG"), "p.png")
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()
    assert stored_files(evidence_dir) == []


def test_the_evidence_page_shows_the_upload_zone_only_to_those_who_may_upload(client_for, incident):
    url = reverse("sources:incident-evidence", args=[incident.reference])
    for persona, may_upload in [("coordinator", True), ("caseworker", True), ("analyst", False)]:
        response = client_for(persona).get(url)
        assert response.status_code == 200
        assert (b"evidence-upload" in response.content) is may_upload
    assert client_for("outsider").get(url).status_code == 403
    assert client_for("anonymous").get(url).status_code == 302


# --- The plain form, without JavaScript ---------------------------------------------------------


def test_the_plain_form_takes_several_files_and_reports_each(client_for, incident, evidence_dir):
    url = reverse("sources:incident-evidence", args=[incident.reference])
    good, text, bad = (
        io.BytesIO(image_bytes("PNG")),
        io.BytesIO(b"Notes.\n"),
        io.BytesIO(b"\x7fELF\x02\x01\x01" + b"\x00" * 60),
    )
    good.name, text.name, bad.name = "one.png", "notes.txt", "holiday.jpg"
    response = client_for("caseworker").post(url, {"files": [good, text, bad]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "one.png</strong>: stored." in page
    assert "notes.txt</strong>: stored." in page
    assert "holiday.jpg</strong>: refused." in page
    assert "Programs and scripts are never accepted" in page
    assert EvidenceFile.objects.filter(incident=incident).count() == 2


def test_the_upload_page_loads_its_script_and_keeps_a_plain_form(client_for, incident):
    page = (
        client_for("coordinator")
        .get(reverse("sources:incident-evidence", args=[incident.reference]))
        .content.decode()
    )
    assert 'enctype="multipart/form-data"' in page
    assert 'name="files" multiple' in page
    assert "sources/evidence.js" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_file_over_the_limit_is_refused_before_it_is_read_whole(
    client_for, incident, evidence_dir, upload_temp_dir, settings
):
    settings.EVIDENCE_MAX_BYTES = 10_000
    response = upload(client_for("coordinator"), incident, b"a" * 50_000, "long.txt")
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["message"]
    assert not EvidenceFile.objects.exists()
    assert stored_files(evidence_dir) == []
    assert list(upload_temp_dir.iterdir()) == []


# --- Content addressing and write-once ----------------------------------------------------------


def test_the_same_bytes_are_stored_once_however_often_attached(evidence_dir):
    data = photo_with_exif()
    first, second = IncidentFactory(), IncidentFactory()
    a = add(first, data, "a.jpg")
    b = add(second, data, "b.jpg")
    again = add(first, data, "a-again.jpg")
    assert a.created and b.created and not again.created
    assert again.evidence.pk == a.evidence.pk
    assert a.evidence.sha256 == b.evidence.sha256
    assert EvidenceFile.objects.count() == 2
    sha = a.evidence.sha256
    assert stored_files(evidence_dir) == [f"{sha[:2]}/{sha[2:4]}/{sha}"]
    assert (evidence_dir / a.evidence.storage_name).read_bytes() == data


def test_a_stored_blob_is_read_only_and_never_rewritten(evidence_dir):
    data = image_bytes("PNG")
    first = add(IncidentFactory(), data).evidence
    path = evidence_dir / first.storage_name
    assert oct(path.stat().st_mode & 0o777) == "0o440"
    before = path.stat().st_mtime_ns
    add(IncidentFactory(), data)
    assert path.stat().st_mtime_ns == before


def test_the_type_comes_from_the_content_not_the_name(evidence_dir):
    incident = IncidentFactory()
    assert add(incident, image_bytes("PNG"), "report.pdf").evidence.media_type == "image/png"
    assert add(incident, pdf_bytes(), "photo.jpg").evidence.media_type == "application/pdf"


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (image_bytes("JPEG"), "image/jpeg"),
        (image_bytes("PNG"), "image/png"),
        (image_bytes("WEBP"), "image/webp"),
        (image_bytes("HEIF"), "image/heic"),
        (mp4_bytes(), "video/mp4"),
        (mp4_bytes(brand=b"qt  "), "video/quicktime"),
        (mp4_bytes(brand=b"M4A "), "audio/mp4"),
        (mp4_bytes(handler=b"soun"), "audio/mp4"),
        (mp3_bytes(), "audio/mpeg"),
        (ogg_bytes(), "audio/ogg"),
        (wav_bytes(), "audio/wav"),
        (pdf_bytes(), "application/pdf"),
        ("Témoignage: the officer said “move on”.\r\n".encode(), "text/plain"),
    ],
    ids=[
        "jpeg",
        "png",
        "webp",
        "heic",
        "mp4",
        "mov",
        "m4a",
        "mp4-audio",
        "mp3",
        "ogg",
        "wav",
        "pdf",
        "text",
    ],
)
def test_every_type_on_the_allowlist_is_accepted(data, media_type):
    assert sniff(io.BytesIO(data)).media_type == media_type


def test_a_multi_picture_jpeg_from_a_phone_is_accepted():
    # MPF: more complete JPEGs (depth maps, HDR gain maps) follow the first picture.
    out = io.BytesIO()
    picture().save(out, format="MPO", save_all=True, append_images=[picture((32, 24))])
    assert sniff(io.BytesIO(out.getvalue())).media_type == "image/jpeg"


def test_a_jpeg_followed_by_another_without_declaring_it_is_refused():
    with pytest.raises(EvidenceRefused, match="extra data after the end"):
        sniff(io.BytesIO(image_bytes("JPEG") + image_bytes("JPEG")))


# --- Metadata: read as evidence, restricted, stripped from derivatives --------------------------


def test_capture_metadata_is_read_into_the_restricted_fields(evidence_dir):
    evidence = add(IncidentFactory(), photo_with_exif(), CANARY_FILENAME).evidence
    assert evidence.gps_latitude == Decimal("51.507333")
    assert evidence.gps_longitude == Decimal("-0.127500")
    assert evidence.device_make == CANARY_MAKE
    assert evidence.device_model == CANARY_MODEL
    assert evidence.captured_at.isoformat() == "2024-05-04T14:03:22+01:00"
    assert evidence.capture_offset_known
    assert evidence.exif["Make"] == CANARY_MAKE
    assert evidence.exif["GPSLatitudeRef"] == "N"
    assert evidence.original_filename == CANARY_FILENAME
    assert (evidence.width, evidence.height) == (64, 48)


def test_video_location_and_time_are_read_too(evidence_dir):
    # 2024-05-04 13:03:22 UTC in seconds since 1904, as QuickTime counts.
    created = 3797672602
    evidence = add(
        IncidentFactory(), mp4_bytes(created=created, location="+51.5073-000.1275/"), "clip.mp4"
    ).evidence
    assert evidence.captured_at.isoformat() == "2024-05-04T13:03:22+00:00"
    assert evidence.gps_latitude == Decimal("51.507300")
    assert evidence.gps_longitude == Decimal("-0.127500")


def test_the_derivative_carries_none_of_the_original_metadata(evidence_dir):
    original = photo_with_exif()
    evidence = add(IncidentFactory(), original).evidence
    derivative = evidence_derivative_image(evidence)
    for canary in (CANARY_MAKE.encode(), CANARY_MODEL.encode(), CANARY_COMMENT, CANARY_XMP):
        assert canary in original
        assert canary not in derivative
    for marker in (b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"GPS"):
        assert marker not in derivative
    with Image.open(io.BytesIO(derivative)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "icc_profile" not in image.info
        # EXIF orientation 6 (rotate 90°) is applied to the pixels, then dropped.
        assert image.size == (48, 64)


def test_the_derivative_of_a_transparent_png_is_a_png_without_text_chunks(evidence_dir):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Canaryauthor Zzqv")
    data = image_bytes("PNG", picture(mode="RGBA", colour=(0, 0, 0, 0)), pnginfo=info)
    evidence = add(IncidentFactory(), data).evidence
    derivative = evidence_derivative_image(evidence, max_side=32)
    assert derivative.startswith(b"\x89PNG")
    assert b"Canaryauthor" not in derivative and b"tEXt" not in derivative
    with Image.open(io.BytesIO(derivative)) as image:
        assert max(image.size) == 32


def test_a_heic_photo_gets_a_jpeg_derivative(evidence_dir):
    evidence = add(IncidentFactory(), image_bytes("HEIF")).evidence
    assert evidence.media_type == "image/heic"
    assert evidence_derivative_image(evidence).startswith(b"\xff\xd8")


def test_only_images_have_derivatives(evidence_dir):
    evidence = add(IncidentFactory(), pdf_bytes()).evidence
    with pytest.raises(ValueError, match="not an image"):
        evidence_derivative_image(evidence)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("administrator", True),
        ("coordinator", True),
        ("caseworker", True),
        ("analyst", False),
    ],
)
def test_restricted_details_are_shown_only_to_those_who_see_people(
    client_for, incident, evidence_dir, persona, sees
):
    add(incident, photo_with_exif(), CANARY_FILENAME, caption=CANARY_CAPTION)
    page = (
        client_for(persona)
        .get(reverse("sources:incident-evidence", args=[incident.reference]))
        .content.decode()
    )
    assert "SHA-256" in page  # every role sees that the file exists
    for canary in RESTRICTED_CANARIES:
        assert (canary in page) is sees, f"{persona}: {canary}"


def test_a_caseworker_not_on_the_incident_sees_no_restricted_details(
    client, make_user, incident, evidence_dir
):
    evidence = add(incident, photo_with_exif(), CANARY_FILENAME, caption=CANARY_CAPTION)
    other = sign_in(client, make_user("caseworker"))
    page = other.get(reverse("sources:incident-evidence", args=[incident.reference]))
    assert not any(canary in page.content.decode() for canary in RESTRICTED_CANARIES)
    for name in ("sources:evidence-thumbnail", "sources:evidence-original"):
        assert other.get(reverse(name, args=[evidence.evidence.pk])).status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_thumbnails_and_originals_only_for_those_who_see_people(
    client_for, incident, evidence_dir, persona
):
    original_bytes = photo_with_exif()
    evidence = add(incident, original_bytes).evidence
    allowed = persona in ("administrator", "coordinator", "caseworker")
    expected = 200 if allowed else {"anonymous": 302}.get(persona, 403)
    client = client_for(persona)
    thumbnail = client.get(reverse("sources:evidence-thumbnail", args=[evidence.pk]))
    original = client.get(reverse("sources:evidence-original", args=[evidence.pk]))
    assert (thumbnail.status_code, original.status_code) == (expected, expected)
    if not allowed:
        return
    assert thumbnail["Content-Type"] == "image/jpeg"
    assert thumbnail["X-Content-Type-Options"] == "nosniff"
    assert CANARY_MAKE.encode() not in thumbnail.content
    assert b"GPS" not in thumbnail.content
    assert original["Content-Disposition"].startswith("attachment;")
    assert "Canaryname" not in original["Content-Disposition"]
    assert original["X-Content-Type-Options"] == "nosniff"
    assert b"".join(original.streaming_content) == original_bytes


def test_analysts_never_see_details_even_if_assigned(personas, incident, evidence_dir):
    incident.assigned_to.add(personas["analyst"])
    evidence = add(incident, photo_with_exif()).evidence
    assert not evidence_details_visible_to(user=personas["analyst"], evidence=evidence)


def test_evidence_of_a_person_is_visible_to_caseworkers_on_their_incidents(personas, evidence_dir):
    involvement = InvolvementFactory()
    evidence = evidence_add(
        content=io.BytesIO(image_bytes("PNG")),
        filename="p.png",
        actor=None,
        person=involvement.person,
    ).evidence
    caseworker = personas["caseworker"]
    assert not evidence_details_visible_to(user=caseworker, evidence=evidence)
    involvement.act.incident.assigned_to.add(caseworker)
    assert evidence_details_visible_to(user=caseworker, evidence=evidence)
    assert evidence_details_visible_to(user=personas["coordinator"], evidence=evidence)


# --- Chain of custody --------------------------------------------------------------------------


def test_every_add_is_audited_with_hash_and_address_but_never_the_name(
    client_for, incident, evidence_dir
):
    response = upload(
        client_for("caseworker"),
        incident,
        photo_with_exif(),
        CANARY_FILENAME,
        caption=CANARY_CAPTION,
    )
    evidence = EvidenceFile.objects.get(pk=response.json()["id"])
    assert evidence.added_by.username == "caseworker"
    assert evidence.added_from == "127.0.0.1"
    entry = AuditEntry.objects.get(action="sources.evidence.added")
    assert entry.actor_name == "caseworker"
    assert entry.ip_address == "127.0.0.1"
    assert entry.incident_reference == incident.reference
    assert entry.changes["sha256"] == [None, evidence.sha256]
    assert entry.changes["media_type"] == [None, "image/jpeg"]
    text = repr(entry.changes) + entry.object_id + entry.object_type
    assert not any(canary in text for canary in RESTRICTED_CANARIES + ("Canaryname",))


def test_seeing_restricted_details_is_audited_for_those_shown_them(
    client_for, incident, evidence_dir
):
    evidence = add(incident, photo_with_exif()).evidence
    url = reverse("sources:incident-evidence", args=[incident.reference])
    client_for("analyst").get(url)
    assert not AuditEntry.objects.filter(action="sources.evidence.viewed").exists()
    client_for("caseworker").get(url)
    entry = AuditEntry.objects.get(action="sources.evidence.viewed")
    assert entry.actor_name == "caseworker"
    assert entry.incident_reference == incident.reference
    assert entry.changes == {"evidence": [None, f"#{evidence.pk}"]}


def test_downloading_an_original_is_audited(client_for, incident, evidence_dir):
    evidence = add(incident, image_bytes("PNG")).evidence
    client_for("coordinator").get(reverse("sources:evidence-original", args=[evidence.pk]))
    entry = AuditEntry.objects.get(action="sources.evidence.downloaded")
    assert entry.actor_name == "coordinator"
    assert entry.object_id == str(evidence.pk)


def test_a_changed_blob_is_never_handed_out(client_for, incident, evidence_dir):
    evidence = add(incident, image_bytes("PNG")).evidence
    path = evidence_dir / evidence.storage_name
    path.chmod(0o640)
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    response = client_for("coordinator").get(
        reverse("sources:evidence-original", args=[evidence.pk])
    )
    assert response.status_code == 409
    with pytest.raises(EvidenceIntegrityError):
        evidence_derivative_image(evidence)


def test_removing_the_last_attachment_deletes_the_blob(
    personas, evidence_dir, django_capture_on_commit_callbacks
):
    data = image_bytes("PNG")
    first = add(IncidentFactory(), data).evidence
    second = add(IncidentFactory(), data).evidence
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=first, actor=personas["coordinator"])
    assert stored_files(evidence_dir) == [second.storage_name]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=second, actor=personas["coordinator"])
    assert stored_files(evidence_dir) == []
    assert AuditEntry.objects.filter(action="sources.evidence.removed").count() == 2


# --- The command line ---------------------------------------------------------------------------


def test_evidence_add_command_stores_files_for_an_incident_source_and_person(
    tmp_path, evidence_dir, capsys
):
    incident, source = IncidentFactory(), SourceFactory()
    person = InvolvementFactory(act__incident=incident).person
    photo, notes = tmp_path / "photo.jpg", tmp_path / "notes.txt"
    photo.write_bytes(photo_with_exif())
    notes.write_bytes(b"Statement taken on the day.\n")
    call_command(
        "evidence",
        "add",
        str(photo),
        str(notes),
        "--incident",
        incident.reference,
        "--source",
        str(source.pk),
        "--person",
        person.reference,
        "--caption",
        "From the hotline",
    )
    out = capsys.readouterr().out
    assert out.count("stored") == 2
    rows = EvidenceFile.objects.order_by("id")
    assert [(r.incident, r.source, r.person) for r in rows] == [(incident, source, person)] * 2
    assert rows[0].gps_latitude == Decimal("51.507333")
    assert rows[0].added_by is None
    entry = AuditEntry.objects.filter(action="sources.evidence.added").first()
    assert entry.changes["via"] == [None, "command line"]


def test_evidence_add_command_refuses_bad_files_and_stores_nothing_of_them(tmp_path, evidence_dir):
    incident = IncidentFactory()
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"<html><script>alert(1)</script></html>")
    with pytest.raises(CommandError, match="1 of 1 files refused"):
        call_command("evidence", "add", str(bad), "--incident", incident.reference)
    assert not EvidenceFile.objects.exists()
    assert stored_files(evidence_dir) == []


def test_evidence_add_command_checks_the_user_it_acts_for(tmp_path, evidence_dir, personas):
    incident = IncidentFactory()
    photo = tmp_path / "p.png"
    photo.write_bytes(image_bytes("PNG"))
    with pytest.raises(CommandError, match="may not add evidence"):
        call_command(
            "evidence", "add", str(photo), "--incident", incident.reference, "--user", "analyst"
        )
    call_command(
        "evidence", "add", str(photo), "--incident", incident.reference, "--user", "coordinator"
    )
    assert EvidenceFile.objects.get().added_by == personas["coordinator"]


def test_evidence_add_command_needs_something_to_attach_to(tmp_path):
    photo = tmp_path / "p.png"
    photo.write_bytes(image_bytes("PNG"))
    with pytest.raises(CommandError, match="evidence of"):
        call_command("evidence", "add", str(photo))
    with pytest.raises(CommandError, match="no incident CB-1999-000001"):
        call_command("evidence", "add", str(photo), "--incident", "CB-1999-000001")


def test_evidence_verify_passes_when_every_blob_matches(evidence_dir, capsys):
    add(IncidentFactory(), image_bytes("PNG"))
    call_command("evidence", "verify")
    assert "Evidence intact: 1 stored files" in capsys.readouterr().out


def test_evidence_verify_names_a_changed_byte_and_a_missing_file(evidence_dir, capsys):
    incident = IncidentFactory()
    changed = add(incident, image_bytes("PNG")).evidence
    missing = add(incident, pdf_bytes()).evidence
    intact = add(incident, wav_bytes()).evidence
    path = evidence_dir / changed.storage_name
    path.chmod(0o640)
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0x01  # one bit of one byte
    path.write_bytes(bytes(raw))
    os.remove(evidence_dir / missing.storage_name)

    report = evidence_verify()
    assert report.checked == 3
    problems = {p.sha256: p.problem for p in report.problems}
    assert problems == {changed.sha256: "changed", missing.sha256: "missing"}
    assert intact.sha256 not in problems

    with pytest.raises(CommandError, match="2 of 3 stored evidence files"):
        call_command("evidence", "verify")
    err = capsys.readouterr().err
    assert f"{changed.storage_name} no longer matches its hash" in err
    assert f"{missing.storage_name} is missing" in err
    assert f"evidence #{changed.pk}" in err and incident.reference in err


def test_backfill_gives_older_images_the_hash_an_upload_would_and_runs_again_harmlessly(
    evidence_dir, capsys
):
    first, second = IncidentFactory(), IncidentFactory()
    photo = image_bytes("JPEG", picture(size=(96, 64), colour=(200, 40, 40)))
    shared = [add(first, photo).evidence, add(second, photo).evidence]  # one blob, two records
    png = add(first, image_bytes("PNG", picture(colour=(10, 200, 90)))).evidence
    document = add(first, pdf_bytes()).evidence
    expected = {e.pk: e.perceptual_hash for e in [*shared, png]}
    assert all(expected.values()) and not document.perceptual_hash
    # As they were before perceptual hashes existed.
    EvidenceFile.objects.update(perceptual_hash="")

    call_command("evidence", "backfill-hashes")
    out = capsys.readouterr().out
    assert "2 images given a perceptual hash (3 evidence records)" in out
    hashes = dict(EvidenceFile.objects.values_list("pk", "perceptual_hash"))
    assert hashes == {**expected, document.pk: ""}

    call_command("evidence", "backfill-hashes")
    assert "0 images given a perceptual hash (0 evidence records)" in capsys.readouterr().out
    assert dict(EvidenceFile.objects.values_list("pk", "perceptual_hash")) == hashes


def test_backfill_names_a_changed_file_and_leaves_it_without_a_hash(evidence_dir, capsys):
    incident = IncidentFactory()
    changed = add(incident, image_bytes("PNG", picture(colour=(0, 0, 255)))).evidence
    intact = add(incident, image_bytes("PNG", picture(colour=(255, 255, 0)))).evidence
    EvidenceFile.objects.update(perceptual_hash="")
    path = evidence_dir / changed.storage_name
    path.chmod(0o640)
    raw = bytearray(path.read_bytes())
    raw[-20] ^= 0x01
    path.write_bytes(bytes(raw))

    with pytest.raises(CommandError, match="1 stored files are missing or changed"):
        call_command("evidence", "backfill-hashes")
    assert "no longer matches its hash" in capsys.readouterr().err
    changed.refresh_from_db()
    intact.refresh_from_db()
    assert changed.perceptual_hash == "" and len(intact.perceptual_hash) == 16


# --- The permission matrix's rows for these pages ------------------------------------------------


def test_the_matrix_rows_hold_for_every_persona(client_for, evidence_dir):
    """Run tests/sources/matrix.py's rows as the project's matrix does, canaries included."""
    from tests.sources.matrix import SOURCES_MATRIX
    from tests.web.test_permissions import CANARIES, World

    world = World()
    failures = []
    for name, (method, build, expected) in SOURCES_MATRIX.items():
        for persona, status in zip(PERSONAS, expected, strict=True):
            url = build(world)
            client = client_for(persona)
            response = (
                client.post(url, {"status": "in_review"}) if method == "POST" else client.get(url)
            )
            if response.status_code != status:
                failures.append(f"{persona} {name}: {response.status_code}, expected {status}")
            if persona in ("caseworker", "analyst", "outsider", "anonymous"):
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                ).decode(errors="replace")
                if any(canary in body for canary in CANARIES):
                    failures.append(f"{persona} {name} shows personal data")
    assert not failures, "\n".join(failures)
