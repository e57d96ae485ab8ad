"""The record's invariants hold in the database itself, whatever path writes to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from casebook.audit.models import AuditEntry
from casebook.cases.models import Act, Incident, IncidentStatus
from casebook.cases.search import filter_by_text
from casebook.cases.services import incident_reindex, incident_set_status, reference_block
from tests.factories import (
    ActFactory,
    IncidentFactory,
    IncidentSourceFactory,
    PersonFactory,
    SourceFactory,
    ready_incident,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _codebook(reference_data):
    pass


def test_references_are_unique_and_follow_the_year():
    first, second = reference_block(year=2024, count=2)
    assert first.startswith("CB-2024-") and len(first) == len("CB-2024-000001")
    assert int(second[-6:]) == int(first[-6:]) + 1
    assert reference_block(year=2025)[0].startswith("CB-2025-")


def test_database_refuses_an_end_date_before_the_start():
    incident = IncidentFactory()
    incident.end_date = incident.date - dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        incident.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        incident.save()


def test_database_refuses_a_latitude_off_the_globe():
    incident = IncidentFactory()
    Incident.objects.filter(pk=incident.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(latitude=123, longitude=0)


def test_database_refuses_a_count_on_an_act_whose_number_is_unknown():
    act = ActFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Act.objects.filter(pk=act.pk).update(number_precision="unknown", number_affected=4)


def test_coordinates_come_in_pairs():
    incident = IncidentFactory()
    incident.latitude = 51.5
    with pytest.raises(ValidationError) as error:
        incident.full_clean()
    assert "longitude" in error.value.message_dict


def test_a_person_is_never_shown_by_name_in_str():
    person = PersonFactory(full_name="Canary Zebraname")
    assert person.reference.startswith("P-")
    assert "Canary" not in str(person)


def test_source_grade_and_text_hash():
    source = SourceFactory(reliability="B", credibility="2", text="hello")
    assert source.grade == "B2"
    assert source.text_sha256 == (
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    )


def test_caseworker_cannot_verify_but_coordinator_can(make_user):
    incident = ready_incident(status=IncidentStatus.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        incident_set_status(incident=incident, status="verified", actor=make_user("caseworker"))
    coordinator = make_user("coordinator")
    incident_set_status(incident=incident, status="verified", actor=coordinator)
    incident.refresh_from_db()
    assert incident.status == "verified"
    entry = AuditEntry.objects.get(action="cases.incident.verified")
    assert entry.actor == coordinator
    assert entry.incident_reference == incident.reference
    assert entry.changes == {"status": ["in_review", "verified"]}


def test_a_draft_cannot_jump_to_verified(make_user):
    incident = IncidentFactory(status=IncidentStatus.DRAFT)
    with pytest.raises(ValidationError):
        incident_set_status(incident=incident, status="verified", actor=make_user("coordinator"))


def test_full_text_search_finds_words_from_acts_and_source_texts():
    incident = IncidentFactory(title="Quiet vigil")
    ActFactory(incident=incident, trigger_wording="NOBODY EXPECTS THE PAPERCLIP")
    link = IncidentSourceFactory(incident=incident)
    link.source.text = "A marmalade-coloured banner was taken away."
    link.source.save()
    IncidentFactory(title="Unrelated")
    incident_reindex([incident.pk])
    found = lambda q: list(filter_by_text(Incident.objects.all(), q))  # noqa: E731
    assert found("paperclip") == [incident]
    assert found("marmalade") == [incident]
    # A search submitted matches whole (stemmed) words; one sent while typing also the
    # start of its last word.
    assert found("marma") == []
    assert list(filter_by_text(Incident.objects.all(), "marma", typing=True)) == [incident]
    assert found("vigil paperclip") == [incident]
    assert found("vigil nonexistentword") == []


def test_full_text_search_reads_hostile_queries_as_plain_words():
    near = IncidentFactory(title="Vigil near the station")
    other = IncidentFactory(title="Quiet march")
    incident_reindex([near.pk, other.pk])
    found = lambda q: set(filter_by_text(Incident.objects.all(), q))  # noqa: E731
    assert found('"') == found("*") == {near, other}  # no words at all: nothing to filter by
    assert found("NEAR(") == {near}  # the word, not FTS5's NEAR operator
    assert found("a OR") == set()  # words again; no incident has both
    assert found("'; DROP TABLE cases_incident; --") == set()
    assert found("ü-ß") == set()
    assert Incident.objects.count() == 2


def test_search_forgets_a_deleted_incident():
    incident = IncidentFactory(title="Ephemeral gathering")
    incident_reindex([incident.pk])
    incident.delete()
    assert list(filter_by_text(Incident.objects.all(), "ephemeral")) == []
