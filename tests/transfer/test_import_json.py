"""Importing Casebook JSON: nested incidents, and the people in them only with consent."""

from __future__ import annotations

import json

import pytest

from casebook.audit.models import AuditEntry
from casebook.audit.services import audit_verify
from casebook.cases.models import Incident
from casebook.people.models import Involvement, Person
from casebook.sources.models import Source
from casebook.transfer.services import incidents_import
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def document(*incidents: dict) -> bytes:
    return json.dumps(
        {"format": "casebook-incidents", "version": 1, "incidents": list(incidents)}
    ).encode()


def incident(**overrides) -> dict:
    data = {
        "id": "json-001",
        "title": "Invented dispersal at Testford square",
        "date": "2024-06-01",
        "force": "Kent Police",
        "acts": [
            {
                "act_type": "dispersal",
                "number_precision": "unknown",
                "legal_provision": "Anti-social Behaviour, Crime and Policing Act 2014 s35",
            }
        ],
        "sources": [
            {
                "url": "https://news.example.test/square",
                "title": "Square cleared",
                "kind": "news_article",
                "reliability": "c",
                "credibility": "3",
            }
        ],
    }
    data.update(overrides)
    return data


def arrested(**person) -> dict:
    return {"act_type": "arrest", "number_affected": 1, "people": [{"role": "arrested", **person}]}


def test_json_import_creates_incident_act_and_graded_source(coordinator):
    report = incidents_import(file=document(incident()), actor=coordinator)

    assert report.ok, report.problems
    assert report.format == "json"
    created = Incident.objects.get()
    assert created.force.slug == "kent-police"
    assert created.acts.get().legal_provision.short_citation == "ASBCPA 2014 s.35"
    assert created.source_links.get().source.grade == "C3"


def test_a_bare_list_of_incidents_is_read_too(coordinator):
    report = incidents_import(file=json.dumps([incident()]).encode(), actor=coordinator)

    assert report.created == 1


def test_json_problems_name_the_path_to_the_value(coordinator):
    bad = incident(
        acts=[{"act_type": "arrest", "number_affected": -2, "outcomes": [{"outcome": "jailed"}]}]
    )

    report = incidents_import(file=document(bad), actor=coordinator)

    messages = [str(p) for p in report.problems]
    assert (
        "incidents[0].acts[0], number_affected: '-2' is not a whole number; write e.g. 3, "
        "or leave it empty." in messages
    )
    assert any(
        m.startswith(
            "incidents[0].acts[0].outcomes[0], outcome: 'jailed' is not an outcome in the codebook"
        )
        for m in messages
    )


def test_broken_json_is_reported_with_its_line(coordinator):
    report = incidents_import(
        file=b'{"incidents": [\n{"title": }]}', actor=coordinator, filename="upload.json"
    )

    assert str(report.problems[0]).startswith(
        "The file: is not valid JSON (Expecting value at line 2, column 11)"
    )


def test_people_with_consent_are_imported_and_named_only_by_reference_in_the_audit(
    coordinator,
):
    person = {
        "full_name": "Testperson Canaryname",
        "contact": "canary@example.test",
        "consent_record": True,
    }

    report = incidents_import(file=document(incident(acts=[arrested(**person)])), actor=coordinator)

    assert report.ok, report.problems
    involvement = Involvement.objects.select_related("person").get()
    assert (involvement.role, involvement.person.full_name) == ("arrested", "Testperson Canaryname")
    entries = json.dumps(list(AuditEntry.objects.values("changes", "object_id", "action")))
    assert "Canaryname" not in entries
    assert "people.person.imported" in entries


def test_personal_details_without_consent_are_refused(coordinator):
    person = {"full_name": "Testperson Noconsent", "consent_record": False}

    report = incidents_import(file=document(incident(acts=[arrested(**person)])), actor=coordinator)

    assert [str(p) for p in report.problems] == [
        "incidents[0].acts[0].people[0], consent_record: No consent to keep their details is "
        "recorded, so the person's name, contact and address may not be kept; record their "
        "consent, or remove the details."
    ]
    assert not Person.objects.exists()


def test_a_person_given_by_reference_is_linked_not_copied(coordinator):
    known = PersonFactory()

    incidents_import(
        file=document(incident(acts=[arrested(reference=known.reference)])), actor=coordinator
    )

    assert Person.objects.get() == known
    assert known.involvements.get().role == "arrested"


def test_an_unknown_person_reference_is_a_problem(coordinator):
    report = incidents_import(
        file=document(incident(acts=[arrested(reference="P-999999")])), actor=coordinator
    )

    assert "no person P-999999 in this casebook" in str(report.problems[0])


def test_reimporting_people_without_references_does_not_double_them(coordinator):
    person = {"full_name": "Testperson Once", "consent_record": True}
    data = document(incident(acts=[arrested(**person)]))

    incidents_import(file=data, actor=coordinator)
    incidents_import(file=data, actor=coordinator)

    assert Person.objects.count() == 1
    assert Involvement.objects.count() == 1


def test_the_same_id_twice_in_one_file_is_a_problem(coordinator):
    report = incidents_import(file=document(incident(), incident()), actor=coordinator)

    assert [str(p) for p in report.problems] == [
        "incidents[1], id: 'json-001' is also the id of incidents[0]."
    ]


def test_two_acts_of_one_incident_with_the_same_id_are_a_problem(coordinator):
    acts = [{"id": "a1", "act_type": "arrest"}, {"id": "a1", "act_type": "seizure"}]

    report = incidents_import(file=document(incident(acts=acts)), actor=coordinator)

    assert [str(p) for p in report.problems] == [
        "incidents[0].acts[1], id: 'a1' names two acts of this incident; give each act its "
        "own id (or none: acts without one are numbered 1, 2, 3… in order)."
    ]
    assert not Incident.objects.exists()


def test_a_name_too_long_to_keep_is_a_problem_named_by_place_not_value(coordinator):
    person = {"full_name": "Testperson " + "Longname" * 30, "consent_record": True}

    report = incidents_import(file=document(incident(acts=[arrested(**person)])), actor=coordinator)

    assert [str(p) for p in report.problems] == [
        "incidents[0].acts[0].people[0], full_name: is longer than 200 characters (it has "
        "251); shorten it."
    ]
    assert not Person.objects.exists()


def test_imported_source_texts_are_hashed_as_sources_hash_them_when_saved(coordinator):
    sources = [
        {
            "url": "https://news.example.test/text",
            "title": "With a text",
            "text": "Invented report of invented arrests.",
        }
    ]
    incidents_import(file=document(incident(sources=sources)), actor=coordinator)

    source = Source.objects.get()
    imported = source.text_sha256
    source.save()

    assert imported == source.text_sha256 != ""


def test_an_import_keeps_the_audit_chain_intact(coordinator):
    person = {"full_name": "Testperson Chained", "consent_record": True}
    incidents_import(
        file=document(incident(id="one", acts=[arrested(**person)]), incident(id="two")),
        actor=coordinator,
    )
    report = incidents_import(
        file=document(incident(id="two", title="Changed title")), actor=coordinator
    )

    assert report.ok, report.problems
    assert audit_verify().ok
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == [
        "cases.incident.imported",
        "cases.incident.imported",
        "people.person.imported",
        "cases.incident.updated",
    ]
