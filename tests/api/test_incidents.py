"""Incidents through the API: the list's filters and search, one incident as each role reads
it, recording and changing through the editor's function, status, bulk, ETags, problems."""

from __future__ import annotations

import pytest

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from tests.api.conftest import TokenClient, raw_token_for
from tests.factories import IncidentFactory, InvolvementFactory, ProtestFactory, ready_incident

pytestmark = pytest.mark.django_db

LIST = "/api/v1/incidents"

NEW = {
    "title": "Invented arrests at a synthetic vigil",
    "summary": "Officers arrested two invented marchers.",
    "date": "2024-05-04",
    "place": "Testford",
    "force": "metropolitan-police-service",
    "tags": ["vigils"],
    "acts": [
        {
            "act_type": "arrest",
            "number_affected": 2,
            "legal_provision": "poa-1986-s5",
            "trigger_type": "banner",
            "outcome": {"outcome_type": "bailed", "date": "2024-05-05"},
        }
    ],
    "sources": [
        {
            "kind": "news_article",
            "channel": "news-monitor",
            "title": "An invented report",
            "url": "https://news.example.test/api-1",
            "reliability": "B",
            "credibility": "2",
        }
    ],
}


def test_the_list_pages_by_cursor_through_every_match(api_for):
    made = [IncidentFactory().reference for _ in range(5)]
    client = api_for("analyst")
    seen, url, params = [], LIST, {"limit": 2}
    while True:
        page = client.get(url, params).json()
        seen += [row["reference"] for row in page["items"]]
        if not page["next"]:
            break
        params = {"limit": 2, "cursor": page["next"]}
    assert seen == made


def test_the_list_takes_the_incident_lists_filters_and_names_a_wrong_one(api_for):
    kept = IncidentFactory(status="verified")
    IncidentFactory(status="draft")
    client = api_for("analyst")
    rows = client.get(LIST, {"status": "verified"}).json()["items"]
    assert [row["reference"] for row in rows] == [kept.reference]
    wrong = client.get(LIST, {"force": "metropolis-pd", "cursor": ""})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "force"
    assert "not a police force" in wrong.json()["errors"][0]["detail"]
    assert client.get(LIST, {"cursor": "bogus"}).json()["errors"][0]["field"] == "cursor"


def test_the_statistics_pages_not_recorded_and_too_coarse_links_work_here_too(api_for):
    without_force = IncidentFactory(force=None)
    year_only = IncidentFactory(date_precision="year")
    client = api_for("analyst")
    rows = client.get(LIST, {"unrecorded": "force"}).json()["items"]
    assert [row["reference"] for row in rows] == [without_force.reference]
    rows = client.get(LIST, {"coarse": "month"}).json()["items"]
    assert [row["reference"] for row in rows] == [year_only.reference]
    wrong = client.get(LIST, {"unrecorded": "colour"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "unrecorded"


def test_a_search_finds_by_words_as_the_incident_list_does(
    api_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        found = IncidentFactory(title="Kettle at the invented bridge")
        IncidentFactory(title="Something else")
    from casebook.cases.services import incident_reindex

    incident_reindex(Incident.objects.values_list("pk", flat=True))
    rows = api_for("coordinator").get(LIST, {"q": "bridge"}).json()["items"]
    assert [row["reference"] for row in rows] == [found.reference]


def test_people_only_for_roles_that_see_them_with_the_personal_data_scope(api_for, personas):
    involvement = InvolvementFactory(person__full_name="Invented Personname")
    url = f"{LIST}/{involvement.act.incident.reference}"
    for persona, sees in [("coordinator", True), ("caseworker", False), ("analyst", False)]:
        body = api_for(persona).get(url).json()
        assert ("Invented Personname" in str(body)) is sees, persona
        assert body["people_count"] == 1
    read_only = TokenClient(raw_token_for(personas["coordinator"], ["read"])).get(url).json()
    assert read_only["acts"][0]["people"] is None
    assert AuditEntry.objects.filter(action="people.person.viewed").count() == 1


def test_an_incident_is_recorded_through_the_editors_function_and_audited(api_for, personas):
    response = api_for("caseworker").post(LIST, json=NEW)
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(reference=body["reference"])
    assert response["Location"].endswith(incident.reference)
    assert body["acts"][0]["outcomes"][0]["outcome_type"] == "bailed"
    assert body["tags"] == ["vigils"]
    assert incident.assigned_to.filter(pk=personas["caseworker"].pk).exists()
    assert AuditEntry.objects.filter(
        action="cases.incident.created", object_id=str(incident.pk)
    ).exists()


def test_a_bad_incident_is_refused_whole_with_every_field_named(api_for):
    bad = NEW | {"title": "", "force": "metropolis-pd"}
    bad["acts"] = [{"act_type": "arest"}, {"number_affected": "two"}]
    response = api_for("coordinator").post(LIST, json=bad)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert "acts.1.number_affected" in fields
    bad["acts"] = [{"act_type": "arest"}]
    response = api_for("coordinator").post(LIST, json=bad)
    fields = {error["field"]: error["detail"] for error in response.json()["errors"]}
    assert {"title", "force", "acts.0.act_type"} <= set(fields)
    assert "codebook" in fields["acts.0.act_type"]
    assert not Incident.objects.exists()


def test_unknown_fields_are_named_not_ignored(api_for):
    response = api_for("coordinator").post(LIST, json=NEW | {"titel": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "titel"


def test_etags_answer_conditional_reads_and_refuse_lost_updates(api_for):
    incident = ready_incident()
    client = api_for("coordinator")
    url = f"{LIST}/{incident.reference}"
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    changed = client.patch(url, json={"place": "Othertown"}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] != etag
    stale = client.patch(url, json={"place": "Thirdtown"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert Incident.objects.get(pk=incident.pk).place == "Othertown"


def test_an_update_keeps_what_it_does_not_name(api_for):
    created = api_for("coordinator").post(LIST, json=NEW).json()
    url = f"{LIST}/{created['reference']}"
    updated = api_for("coordinator").patch(url, json={"title": "Renamed invented incident"})
    body = updated.json()
    assert body["title"] == "Renamed invented incident"
    assert body["tags"] == ["vigils"] and len(body["acts"]) == 1 and len(body["sources"]) == 1


def test_caseworkers_change_only_incidents_they_work_on_and_never_verify(api_for):
    incident = ready_incident()
    url = f"{LIST}/{incident.reference}"
    assert api_for("caseworker").patch(url, json={"place": "x"}).status_code == 403
    assert api_for("analyst").post(LIST, json=NEW).status_code == 403
    status = api_for("coordinator").post(f"{url}/status", json={"status": "in_review"})
    assert status.status_code == 200 and status.json()["status"] == "in_review"
    wrong = api_for("coordinator").post(f"{url}/status", json={"status": "teleported"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "status"


def test_bulk_is_all_or_nothing_as_an_import(api_for):
    good = {
        "id": "partner-1",
        "title": "Invented bulk one",
        "date": "2024-05-04",
        "force": "metropolitan-police-service",
    }
    bad = {
        "id": "partner-2",
        "title": "Invented bulk two",
        "date": "2024-05-04",
        "force": "Metropolis PD",
    }
    refused = api_for("coordinator").post(f"{LIST}/bulk", json={"incidents": [good, bad]})
    assert refused.status_code == 422, refused.content
    assert any(error["field"] == "force" for error in refused.json()["errors"])
    assert not Incident.objects.exists()
    made = api_for("coordinator").post(f"{LIST}/bulk", json={"incidents": [good]})
    assert made.status_code == 201, made.content
    assert made.json()["created"] == 1 and len(made.json()["references"]) == 1
    assert api_for("caseworker").post(f"{LIST}/bulk", json={"incidents": [good]}).status_code == 403


def test_a_protest_is_named_by_id(api_for):
    protest = ProtestFactory()
    response = api_for("coordinator").post(LIST, json=NEW | {"protest": protest.pk})
    assert response.json()["protest"] == protest.pk
    missing = api_for("coordinator").post(LIST, json=NEW | {"protest": 999999})
    assert missing.json()["errors"][0]["field"] == "protest"
