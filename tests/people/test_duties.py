"""Subject access, erasure with a tombstone, retention, and consent to publication."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from casebook.audit.models import AuditEntry
from casebook.audit.services import audit_verify
from casebook.cases.models import IncidentStatus
from casebook.codebook.models import OutcomeType
from casebook.people.duties.erasure import person_erase
from casebook.people.duties.retention import retention_due
from casebook.people.keys.keyring import keyring
from casebook.people.models import Involvement, Person
from casebook.people.services import person_may_be_published
from tests.conftest import CANARIES, fresh
from tests.factories import (
    ActFactory,
    IncidentFactory,
    InvolvementFactory,
    OutcomeFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


# Subject access.


def test_the_subject_access_archive_holds_everything_about_the_person(
    canary_person, run, tmp_path, client_for
):
    client_for("coordinator").get(f"/people/{canary_person.reference}/")
    output = tmp_path / "sar.zip"

    printed = run("person", "export", canary_person.reference.lower(), str(output))

    assert "1 involvements" in printed
    assert output.stat().st_mode & 0o077 == 0
    with zipfile.ZipFile(output) as archive:
        record = json.loads(archive.read("person.json"))
        assert "README.txt" in archive.namelist()
    assert record["reference"] == canary_person.reference
    assert record["details"]["full_name"] == CANARIES["full_name"]
    assert record["details"]["date_of_birth"] == "1991-07-23"
    involvement = canary_person.involvements.get()
    assert record["involvements"][0]["role"] == "arrested"
    assert record["involvements"][0]["incident"]["reference"] == involvement.act.incident.reference
    assert record["involvements"][0]["act"]["type"]
    actions = [entry["action"] for entry in record["audit"]]
    assert "people.person.viewed" in actions and actions[-1] == "people.person.exported"
    assert all("ip_address" not in entry for entry in record["audit"])
    exported = AuditEntry.objects.get(action="people.person.exported")
    assert "qzxv" not in json.dumps(exported.changes).lower()


def test_the_archive_carries_the_persons_evidence_files(canary_person, tmp_path, settings):
    from casebook.people.duties.subject_access import person_export
    from casebook.sources.evidence.services import evidence_add

    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence", "base_url": None},
        },
    }
    text = b"Statement of Canaryfirst Qzxvname, written for the test.\n"
    added = evidence_add(
        content=io.BytesIO(text),
        filename="statement.txt",
        actor=None,
        person=canary_person,
        via="test",
    )

    report = person_export(person=canary_person, output=tmp_path / "sar.zip")

    assert report.evidence_files == 1
    with zipfile.ZipFile(tmp_path / "sar.zip") as archive:
        record = json.loads(archive.read("person.json"))
        assert archive.read(record["evidence"][0]["file"]) == text
    assert record["evidence"][0]["sha256"] == added.evidence.sha256


def test_export_of_an_unknown_reference_fails_cleanly(reference_data, tmp_path):
    with pytest.raises(CommandError, match="No person P-999999"):
        call_command("person", "export", "P-999999", str(tmp_path / "x.zip"))


# Erasure.


def test_erasure_keeps_a_tombstone_so_the_counts_stay_true(canary_person, run):
    arrested_before = Involvement.objects.filter(role="arrested").count()
    key_id = str(canary_person.key_id)

    printed = run("person", "erase", canary_person.reference, "--reason", "their request")

    assert "data key destroyed" in printed
    person = fresh(canary_person)
    assert person.is_erased and person.erasure_reason == "their request"
    assert person.reference == canary_person.reference and person.consent_record
    assert Involvement.objects.filter(role="arrested").count() == arrested_before
    assert person.involvements.count() == 1
    assert not keyring().has_data_key(key_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, contact, address, date_of_birth, notes "
            "FROM people_person WHERE id = %s",
            [person.pk],
        )
        assert cursor.fetchone() == ("", "", "", None, "")
    assert not Person.objects.search("canaryfirst").exists()
    entry = AuditEntry.objects.get(action="people.person.erased")
    assert entry.changes["data_key"] == "destroyed"
    assert "qzxv" not in json.dumps(entry.changes).lower()
    assert audit_verify().ok


def test_erasing_twice_changes_nothing_more(canary_person, run):
    run("person", "erase", canary_person.reference, "--reason", "their request")
    printed = run("person", "erase", canary_person.reference, "--reason", "again")
    assert "already erased" in printed
    assert fresh(canary_person).erasure_reason == "their request"


def test_erasure_needs_a_reason(canary_person):
    with pytest.raises(CommandError, match="reason"):
        call_command("person", "erase", canary_person.reference, "--reason", "  ")
    assert not fresh(canary_person).is_erased


def test_an_erased_person_cannot_be_given_new_details(canary_person):
    person_erase(person=canary_person, reason="their request")
    person = fresh(canary_person)
    person.full_name = "New Name"
    person.save()  # an erased row stays blank whatever is assigned
    assert fresh(person).full_name == ""


# Retention.


def _final_outcome(act, on: dt.date):
    final = OutcomeType.objects.filter(final=True).first()
    return OutcomeFactory(act=act, outcome_type=final, date=on)


@pytest.fixture
def cases(reference_data):
    """People on a long-closed case, a recently closed one, an open one, an archived one."""
    old = ActFactory(incident=IncidentFactory(date=dt.date(2015, 1, 10)))
    _final_outcome(old, dt.date(2016, 3, 1))
    recent = ActFactory(incident=IncidentFactory(date=dt.date(2024, 1, 10)))
    _final_outcome(recent, dt.date(2025, 3, 1))
    still_open = ActFactory(incident=IncidentFactory(date=dt.date(2014, 1, 10)))
    OutcomeFactory(act=still_open, date=dt.date(2014, 2, 1))  # charged: not final
    archived = ActFactory(
        incident=IncidentFactory(date=dt.date(2013, 5, 5), status=IncidentStatus.ARCHIVED)
    )
    people = {
        name: InvolvementFactory(act=act, person=PersonFactory(full_name=f"Ret {name}")).person
        for name, act in (
            ("old", old),
            ("recent", recent),
            ("open", still_open),
            ("archived", archived),
        )
    }
    # Someone on both the old case and the open one stays: their case is not closed.
    both = PersonFactory(full_name="Ret both")
    InvolvementFactory(act=old, person=both)
    InvolvementFactory(act=still_open, person=both)
    people["both"] = both
    return people


def test_retention_erases_a_long_closed_case_and_keeps_open_and_recent_ones(
    cases, run, monkeypatch
):
    today = dt.date(2026, 6, 1)
    # The archived incident's closing day is when it last changed: long ago.
    from casebook.cases.models import Incident

    Incident.objects.filter(status=IncidentStatus.ARCHIVED).update(
        updated_at=dt.datetime(2013, 6, 1, tzinfo=dt.UTC)
    )

    due = {d.person.reference for d in retention_due(months=72, today=today)}
    assert due == {cases["old"].reference, cases["archived"].reference}

    dry = run("retention", "run", "--dry-run", "--today", today.isoformat())
    assert f"Would erase {cases['old'].reference}" in dry
    assert not any(fresh(p).is_erased for p in cases.values())

    printed = run("retention", "run", "--today", today.isoformat())

    assert "Erased the details of 2 people" in printed
    assert fresh(cases["old"]).is_erased and fresh(cases["archived"]).is_erased
    assert "retention rule: case closed" in fresh(cases["old"]).erasure_reason
    for name in ("recent", "open", "both"):
        assert fresh(cases[name]).full_name == f"Ret {name}"
    assert run("retention", "run", "--today", today.isoformat()).startswith(
        "Erased the details of 0 people"
    )


def test_retention_can_be_turned_off(cases, run):
    assert "rule is off" in run("retention", "run", "--months", "0")
    assert not any(fresh(p).is_erased for p in cases.values())


# Consent to publication.


def test_only_people_who_agreed_to_publication_are_publishable(reference_data):
    agreed = PersonFactory(consent_publish=True)
    refused = PersonFactory(consent_publish=False)
    erased = PersonFactory(consent_publish=True)
    person_erase(person=erased, reason="their request")
    assert list(Person.objects.publishable()) == [agreed]
    assert person_may_be_published(agreed)
    assert not person_may_be_published(refused)
    assert not person_may_be_published(fresh(erased))


def test_erasure_removes_the_persons_own_evidence_and_unlinks_shared_evidence(
    canary_person, tmp_path, settings
):
    from casebook.sources.evidence.services import evidence_add
    from casebook.sources.models import EvidenceFile

    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence", "base_url": None},
        },
    }
    incident = canary_person.involvements.get().act.incident
    own = evidence_add(
        content=io.BytesIO(b"Only about the person.\n"),
        filename="a.txt",
        actor=None,
        person=canary_person,
        via="test",
    ).evidence
    shared = evidence_add(
        content=io.BytesIO(b"About the incident too.\n"),
        filename="b.txt",
        actor=None,
        person=canary_person,
        incident=incident,
        via="test",
    ).evidence

    report = person_erase(person=canary_person, reason="their request")

    assert (report.evidence_removed, report.evidence_detached) == (1, 1)
    assert not EvidenceFile.objects.filter(pk=own.pk).exists()
    kept = EvidenceFile.objects.get(pk=shared.pk)
    assert kept.person_id is None and kept.incident == incident
