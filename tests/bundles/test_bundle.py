"""Court-ready evidence bundles: what goes in, who may make one, and that verify.py, run as
a separate `python3 -I` process, passes a fresh bundle and names every kind of tampering."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from casebook.audit.models import AuditEntry
from casebook.audit.services import audit_record
from casebook.bundles.contents import incident_evidence
from casebook.bundles.services import BundleRefused, bundle_make, bundle_unpack
from casebook.sources.evidence.services import evidence_add, evidence_download
from tests.conftest import CANARIES
from tests.factories import (
    ActFactory,
    IncidentFactory,
    IncidentSourceFactory,
    InvolvementFactory,
    PersonFactory,
)
from tests.sources.conftest import CANARY_FILENAME, pdf_bytes, photo_with_exif

pytestmark = pytest.mark.django_db


def verify(folder: Path, *flags: str, args: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """verify.py as a court's clerk runs it: its own process, isolated from our packages
    (`flags` go to Python, `args` to verify.py)."""
    return subprocess.run(
        [sys.executable, "-I", *flags, str(folder / "verify.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=folder,
    )


@pytest.fixture
def incident(reference_data, evidence_dir, personas):
    incident = IncidentFactory()
    act = ActFactory(incident=incident)
    link = IncidentSourceFactory(incident=incident)
    InvolvementFactory(act=act, person=PersonFactory(**CANARIES, consent_share=False))
    evidence_add(
        content=io.BytesIO(photo_with_exif()),
        filename=CANARY_FILENAME,
        actor=personas["coordinator"],
        incident=incident,
        ip_address="192.0.2.7",
    )
    document = evidence_add(
        content=io.BytesIO(pdf_bytes()), filename="statement.pdf", actor=None, source=link.source
    ).evidence
    evidence_download(evidence=document, actor=personas["administrator"], ip_address="192.0.2.9")
    # Other incidents' entries between this incident's: links only, never their content.
    other = IncidentFactory(title="Othertitle Qzvx")
    audit_record(action="cases.incident.updated", instance=other, incident=other)
    audit_record(action="cases.incident.verified", instance=incident, incident=incident)
    return incident


@pytest.fixture
def bundle(incident, personas, tmp_path):
    path = tmp_path / "bundle.zip"
    made = bundle_make(incident=incident, output=path, actor=personas["coordinator"])
    return made, bundle_unpack(path, tmp_path / "unpacked")


def test_a_fresh_bundle_verifies_under_bare_python(bundle):
    _made, folder = bundle
    result = verify(folder)
    assert result.returncode == 0, result.stdout
    assert "VERDICT: VERIFIED" in result.stdout
    assert "audit entries" in result.stdout


def test_without_any_package_the_verifier_checks_the_signature_with_its_own_code(bundle):
    _made, folder = bundle
    result = verify(folder, "-S")  # no site-packages at all: no cryptography
    assert result.returncode == 0, result.stdout
    assert "this script's own Ed25519 code" in result.stdout
    path = folder / "manifest.json"
    path.write_text(path.read_text().replace('"redacted": false', '"redacted": true'))
    result = verify(folder, "-S")
    assert result.returncode == 1 and "signature does not verify" in result.stdout


def test_the_verifiers_own_ed25519_passes_rfc_8032s_first_test_vector():
    from casebook.bundles.verifier import ed25519_verify

    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
        "39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert ed25519_verify(public, b"", signature)
    assert not ed25519_verify(public, b"x", signature)
    assert not ed25519_verify(public, b"", signature[:63] + b"\x0c")


def test_the_bundle_holds_the_originals_byte_for_byte_and_the_custody(bundle, incident):
    made, folder = bundle
    originals = sorted((folder / "evidence").iterdir())
    assert len(originals) == 2 and made.evidence_files == 2
    stored = {item.sha256 for item in incident_evidence(incident)}
    assert {hashlib.sha256(path.read_bytes()).hexdigest() for path in originals} == stored
    custody = json.loads((folder / "custody.json").read_text())
    photo = next(item for item in custody if item["media_type"] == "image/jpeg")
    assert photo["added_by"] == "coordinator" and photo["added_from"] == "192.0.2.7"
    assert photo["restricted"]["original_filename"] == CANARY_FILENAME
    document = next(item for item in custody if item["media_type"] == "application/pdf")
    assert [access["action"] for access in document["accesses"]] == [
        "sources.evidence.added",
        "sources.evidence.downloaded",
    ]
    assert document["accesses"][1]["from"] == "192.0.2.9"
    sources = json.loads((folder / "sources.json").read_text())
    assert sources[0]["grade"] == "B2" and sources[0]["text"]
    for name in ("index.html", "index.pdf", "public-key.pem", "manifest.sig"):
        assert (folder / name).is_file()
    assert (folder / "index.pdf").read_bytes().startswith(b"%PDF")


def test_other_incidents_entries_are_links_without_content(bundle):
    _made, folder = bundle
    links = (folder / "audit" / "links.jsonl").read_text()
    entries = (folder / "audit" / "entries.jsonl").read_text()
    assert links and "Othertitle" not in links + entries
    assert set(json.loads(links.splitlines()[0])) == {"sequence", "previous_hash", "entry_hash"}


def test_people_without_consent_to_share_leave_only_by_reference(bundle):
    made, folder = bundle
    everything = b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())
    for canary in CANARIES.values():
        assert canary.encode() not in everything
    person = json.loads((folder / "incident.json").read_text())["people"][0]
    assert person["details"] is None and "consent" in person["details_left_out"]
    assert made.people_with_details == []


def test_people_who_consented_to_sharing_are_in_a_coordinators_bundle(incident, personas, tmp_path):
    person = PersonFactory(**CANARIES, consent_share=True)
    InvolvementFactory(act=incident.acts.first(), person=person)
    made = bundle_make(incident=incident, output=tmp_path / "b.zip", actor=personas["coordinator"])
    folder = bundle_unpack(tmp_path / "b.zip", tmp_path / "out")
    assert CANARIES["full_name"] in (folder / "incident.json").read_text()
    assert made.people_with_details == [person.reference]
    entry = AuditEntry.objects.filter(action="bundles.bundle.made").get()
    assert entry.changes["people_with_details"][1] == [person.reference]
    assert entry.changes["manifest_sha256"][1] == made.manifest_sha256


def test_a_redacted_bundle_carries_approved_copies_only(incident, personas, tmp_path):
    made = bundle_make(
        incident=incident, output=tmp_path / "r.zip", actor=personas["coordinator"], redacted=True
    )
    folder = bundle_unpack(tmp_path / "r.zip", tmp_path / "out")
    assert not (folder / "evidence").exists()  # nothing approved yet
    assert len(made.left_out) == 2
    everything = b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())
    for canary in (*CANARIES.values(), CANARY_FILENAME):
        assert canary.encode() not in everything
    # Staff addresses stay only in the audit entries, whose hashes cover them.
    assert "192.0.2.7" not in (folder / "custody.json").read_text()
    assert verify(folder).returncode == 0


@pytest.mark.parametrize("persona", ["caseworker", "analyst", "outsider"])
def test_only_coordinators_and_administrators_make_bundles(incident, personas, tmp_path, persona):
    with pytest.raises(PermissionDenied):
        bundle_make(incident=incident, output=tmp_path / "x.zip", actor=personas[persona])
    assert not (tmp_path / "x.zip").exists()
    assert not AuditEntry.objects.filter(action="bundles.bundle.made").exists()


def _failing(folder: Path) -> str:
    result = verify(folder)
    assert result.returncode == 1, result.stdout
    assert "VERDICT: NOT VERIFIED" in result.stdout
    return result.stdout


def test_one_altered_byte_in_an_evidence_file_is_named(bundle):
    _made, folder = bundle
    target = sorted((folder / "evidence").iterdir())[0]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    assert f"file evidence/{target.name}: altered" in _failing(folder)


def test_a_deleted_file_is_named(bundle):
    _made, folder = bundle
    target = sorted((folder / "evidence").iterdir())[1]
    target.unlink()
    assert f"file evidence/{target.name}: missing" in _failing(folder)


def test_an_added_file_is_named(bundle):
    _made, folder = bundle
    (folder / "evidence" / "extra.jpg").write_bytes(b"not evidence")
    assert "file evidence/extra.jpg: not in the manifest" in _failing(folder)


def test_an_edited_manifest_fails_its_signature(bundle):
    _made, folder = bundle
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["created_by"] = "someone else"
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    assert "manifest.json: its signature does not verify" in _failing(folder)


def test_a_manifest_edited_to_match_an_altered_file_still_fails(bundle):
    _made, folder = bundle
    target = folder / "sources.json"
    target.write_text(target.read_text().replace("B2", "A1"))
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    for item in manifest["files"]:
        if item["path"] == "sources.json":
            item["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
            item["size"] = target.stat().st_size
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    output = _failing(folder)
    assert "signature does not verify" in output and "sources.json: altered" not in output


def test_an_edited_audit_entry_is_named(bundle):
    _made, folder = bundle
    path = folder / "audit" / "entries.jsonl"
    lines = path.read_text().splitlines()
    entry = json.loads(lines[1])
    entry["actor_name"] = "nobody"
    lines[1] = json.dumps(entry, sort_keys=True)
    path.write_text("\n".join(lines) + "\n")
    assert f"audit entry #{entry['sequence']}: its actor_name differ" in _failing(folder)


def test_an_audit_entry_edited_with_its_content_is_named(bundle):
    _made, folder = bundle
    path = folder / "audit" / "entries.jsonl"
    lines = path.read_text().splitlines()
    entry = json.loads(lines[0])
    fields = json.loads(entry["content"])
    fields[4] = "cases.incident.archived"
    entry["action"] = fields[4]
    entry["content"] = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    lines[0] = json.dumps(entry, sort_keys=True)
    path.write_text("\n".join(lines) + "\n")
    assert f"audit entry #{entry['sequence']}: its content was altered" in _failing(folder)


def test_a_removed_chain_link_is_named(bundle):
    _made, folder = bundle
    path = folder / "audit" / "links.jsonl"
    lines = path.read_text().splitlines()
    removed = json.loads(lines[0])["sequence"]
    path.write_text("\n".join(lines[1:]) + ("\n" if lines[1:] else ""))
    assert f"the link of entry #{removed} is missing" in _failing(folder)


def test_the_audit_key_lets_an_expert_recompute_the_keyed_hashes(bundle, settings):
    _made, folder = bundle
    result = verify(folder, args=("--audit-key", str(settings.AUDIT_KEY_FILE)))
    assert result.returncode == 0, result.stdout
    assert "keyed hashes verify under the audit key" in result.stdout


def test_a_changed_blob_in_the_vault_refuses_the_bundle(incident, personas, tmp_path):
    from casebook.sources.models import EvidenceFile

    stored = EvidenceFile.objects.filter(incident=incident).first()
    blob = Path(tmp_path / "evidence" / stored.storage_name)
    blob.chmod(0o640)
    blob.write_bytes(blob.read_bytes() + b"x")
    with pytest.raises(BundleRefused, match="no longer matches"):
        bundle_make(incident=incident, output=tmp_path / "x.zip", actor=personas["coordinator"])
    assert not (tmp_path / "x.zip").exists()


def test_the_command_writes_a_bundle_and_records_it(incident, tmp_path, capsys):
    path = tmp_path / "cmd.zip"
    call_command("bundle", incident.reference, "-o", str(path))
    out = capsys.readouterr().out
    assert "Manifest SHA-256:" in out and zipfile.is_zipfile(path)
    assert path.stat().st_mode & 0o077 == 0
    entry = AuditEntry.objects.filter(action="bundles.bundle.made").get()
    assert entry.actor_id is None and entry.incident_reference == incident.reference
    with pytest.raises(CommandError, match="exists"):
        call_command("bundle", incident.reference, "-o", str(path))
    with pytest.raises(CommandError, match="no incident"):
        call_command("bundle", "CB-1999-000001", "-o", str(tmp_path / "n.zip"))


def test_the_incident_page_offers_coordinators_the_bundle_download(client_for, incident):
    from django.urls import reverse

    page = client_for("coordinator").get(
        reverse("casework:incident-detail", args=[incident.reference])
    )
    assert reverse("bundles:incident-bundle", args=[incident.reference]).encode() in page.content
    page = client_for("analyst").get(reverse("casework:incident-detail", args=[incident.reference]))
    assert b"/bundle/" not in page.content
    response = client_for("administrator").post(
        reverse("bundles:incident-bundle", args=[incident.reference]), {"redacted": "1"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    assert (
        zipfile.ZipFile(io.BytesIO(data))
        .namelist()[0]
        .startswith(f"{incident.reference}-evidence-redacted/")
    )


def test_the_public_key_printed_is_the_one_that_signs_bundles(bundle, tmp_path, run):
    _made, folder = bundle
    out = run("keys", "public-key", "-o", str(tmp_path / "key.pem"))
    assert (tmp_path / "key.pem").read_text() == (folder / "public-key.pem").read_text()
    fingerprint = json.loads((folder / "manifest.json").read_text())["signing_key_fingerprint"]
    assert fingerprint in out
    result = verify(folder, args=("--public-key", str(tmp_path / "key.pem")))
    assert result.returncode == 0 and "with the public key you gave" in result.stdout
