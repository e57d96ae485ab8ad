"""Readers who may not see an incident's people search its redacted text only: a name typed
into a summary finds nothing for them, while a coordinator still finds it (SQLite's FTS5 and
PostgreSQL's tsvector alike)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from casebook.cases.models import SearchDocument
from casebook.cases.services import incident_reindex
from casebook.redaction.services import derivative_approve, derivative_propose
from tests.factories import ActFactory, IncidentFactory, IncidentSourceFactory

pytestmark = pytest.mark.django_db

SURNAME = "Quillbarrow"


@pytest.fixture
def incidents(personas, django_capture_on_commit_callbacks):
    named = IncidentFactory(
        title="Arrests at the invented lantern vigil",
        summary=f"Officers held Mr Zephyrin {SURNAME} by the fountain.",
        created_by=personas["coordinator"],
    )
    ActFactory(incident=named, offence_wording="obstructing Ms Orlaith Vantreskow")
    IncidentSourceFactory(incident=named, source__text="Mrs Petronel Dusklow filmed it.")
    other = IncidentFactory(title="Dispersal at the invented lantern parade")
    # Writing the search documents is what every write path does; once committed, the
    # redacted documents are made (an editor's save).
    with django_capture_on_commit_callbacks(execute=True):
        incident_reindex([named.pk, other.pk])
    return named, other


def _found(client, q: str) -> str:
    response = client.get(reverse("casework:incident-list"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("reader", ["analyst", "caseworker"])
def test_names_typed_into_free_text_find_nothing_for_readers_who_may_not_see_people(
    client_for, incidents, reader
):
    named, _other = incidents
    client = client_for(reader)
    for q in (SURNAME, "Zephyrin", "Vantreskow", "Dusklow", "Petronel"):
        page = _found(client, q)
        assert named.reference not in page, q
        assert "No incident matches" in page
    # The rest of the text is found as before.
    assert named.reference in _found(client, "fountain")
    page = _found(client, "lantern")
    assert named.reference in page and incidents[1].reference in page


def test_coordinators_and_the_caseworker_on_the_incident_still_find_the_name(
    client_for, incidents, personas
):
    named, _other = incidents
    assert named.reference in _found(client_for("coordinator"), SURNAME)
    named.assigned_to.add(personas["caseworker"])
    assert named.reference in _found(client_for("caseworker"), SURNAME)
    assert named.reference in _found(client_for("caseworker"), "Vantreskow")


def test_the_redacted_index_holds_tags_not_names(incidents):
    named, _other = incidents
    document = SearchDocument.objects.get(incident=named)
    assert SURNAME in document.body
    assert SURNAME not in document.redacted_body
    assert "[PERSON-1]" in document.redacted_body or "PERSON" in document.redacted_body


def test_a_bulk_write_is_searchable_after_redact_refresh_and_says_so_until_then(
    client_for, incidents, capsys
):
    # A bulk writer (an import, the sample data) writes documents without redacted ones.
    bulk = IncidentFactory(title="Kettling at the invented bridge")
    SearchDocument.objects.create(incident=bulk, body="kettling invented bridge")
    client = client_for("analyst")
    page = _found(client, "kettling")
    assert bulk.reference not in page
    assert "1 incident cannot be found by its words yet" in page
    call_command("redact", "refresh")
    assert "1 incident(s) now searchable" in capsys.readouterr().out
    page = _found(client, "kettling")
    assert bulk.reference in page and "cannot be found" not in page


def test_an_approved_redaction_replaces_the_machines_in_search(
    client_for, incidents, personas, django_capture_on_commit_callbacks
):
    named, _other = incidents
    coordinator = personas["coordinator"]
    derivative = derivative_propose(original=named, field="summary", actor=coordinator)
    # The reviewer hides the fountain too (a place that identifies someone's home).
    start = named.summary.index("fountain")
    derivative.regions.append(
        {"start": start, "end": start + len("fountain"), "entity": "OTHER", "redact": True}
    )
    from casebook.redaction.services import derivative_update_spans

    derivative = derivative_update_spans(
        derivative=derivative, spans=derivative.regions, actor=coordinator
    )
    with django_capture_on_commit_callbacks(execute=True):
        derivative_approve(derivative=derivative, actor=coordinator)
    assert named.reference not in _found(client_for("analyst"), "fountain")
    assert named.reference in _found(client_for("coordinator"), "fountain")


def test_statistics_count_a_typed_name_only_for_those_who_may_see_it(client_for, incidents):
    def counted(reader: str) -> int:
        response = client_for(reader).get(reverse("analysis:statistics"), {"q": SURNAME})
        assert response.status_code == 200
        return response.context["tables"].total.total.incidents

    assert counted("analyst") == 0
    assert counted("coordinator") == 1
