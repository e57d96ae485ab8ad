"""The API's other resources, through the same services as their pages: people, evidence,
the monitor's queue, statistics and the audit trail's check."""

from __future__ import annotations

import pytest

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from casebook.monitor.models import Candidate
from casebook.sources.models import EvidenceFile
from tests.api.operations import _png
from tests.factories import IncidentFactory, InvolvementFactory
from tests.monitor.pipeline_support import make_candidate

pytestmark = pytest.mark.django_db


def test_caseworkers_read_the_people_of_the_incidents_they_work_on_only(api_for, personas):
    mine = InvolvementFactory(person__full_name="Invented Mineperson")
    InvolvementFactory(person__full_name="Invented Otherperson")
    mine.act.incident.assigned_to.add(personas["caseworker"])
    listed = api_for("caseworker").get("/api/v1/people").json()["items"]
    assert [p["full_name"] for p in listed] == ["Invented Mineperson"]
    assert {
        p["full_name"] for p in api_for("coordinator").get("/api/v1/people").json()["items"]
    } == {
        "Invented Mineperson",
        "Invented Otherperson",
    }
    assert AuditEntry.objects.filter(action="people.person.viewed").count() == 3


def test_evidence_goes_through_the_vaults_checks(api_for, personas, evidence_dir):
    incident = IncidentFactory()
    incident.assigned_to.add(personas["caseworker"])
    client = api_for("caseworker")
    url = f"/api/v1/incidents/{incident.reference}/evidence"
    from django.core.files.uploadedfile import SimpleUploadedFile

    refused = client.post(
        url, data={"file": SimpleUploadedFile("notes.exe", b"MZ\x90\x00binary", "image/png")}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "file"
    stored = client.post(url, data={"file": SimpleUploadedFile("x.png", _png(), "image/png")})
    assert stored.status_code == 201, stored.content
    again = client.post(url, data={"file": SimpleUploadedFile("y.png", _png(), "image/png")})
    assert again.status_code == 200 and again.json()["id"] == stored.json()["id"]
    assert EvidenceFile.objects.count() == 1
    # Metadata for those who see the evidence; hash and type for every role.
    assert client.get(url).json()[0]["details"]["original_filename"] == "x.png"
    assert api_for("analyst").get(url).json()[0]["details"] is None


def test_coordinators_decide_candidates_and_caseworkers_only_read_the_queue(api_for):
    candidate = make_candidate()
    assert api_for("caseworker").get("/api/v1/monitor/candidates").json()["items"][0]["id"] == (
        candidate.pk
    )
    url = f"/api/v1/monitor/candidates/{candidate.pk}/decision"
    assert api_for("caseworker").post(url, json={"decision": "accept"}).status_code == 403
    accepted = api_for("coordinator").post(url, json={"decision": "accept"})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert Incident.objects.filter(reference=accepted.json()["incident"]).exists()
    again = api_for("coordinator").post(url, json={"decision": "reject", "reason": "x"})
    assert again.status_code == 409
    assert Candidate.objects.get(pk=candidate.pk).status == "accepted"


def test_statistics_count_as_the_page_does_and_name_a_wrong_filter(api_for):
    IncidentFactory.create_batch(3)
    body = api_for("analyst").get("/api/v1/statistics", {"unit": "year"}).json()
    assert body["total"]["incidents"] == 3
    assert body["by_period"][0]["period"] == "2024"
    wrong = api_for("analyst").get("/api/v1/statistics", {"unit": "fortnight"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "unit"


def test_administrators_check_the_audit_trail(api_for):
    from tests.api.operations import NEW_INCIDENT

    api_for("coordinator").post("/api/v1/incidents", json=NEW_INCIDENT)
    body = api_for("administrator").get("/api/v1/audit/verify").json()
    assert body["ok"] is True and body["problem"] is None and body["checked"] >= 1
    AuditEntry.objects.all().delete()  # emptied behind the trail's back
    body = api_for("administrator").get("/api/v1/audit/verify").json()
    assert body["ok"] is False and body["problem"]
