"""The incident page and the editor read what they show once: what they have read already
is counted, not read again, and a form sent back is checked against what was sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.casework.test_editing import edit_form_data, recorded  # noqa: F401 (a fixture)
from tests.factories import ActFactory, IncidentFactory, InvolvementFactory

pytestmark = pytest.mark.django_db


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]


def test_the_incident_page_counts_the_rows_it_shows(client_for, personas):
    incident = IncidentFactory()
    act = ActFactory(incident=incident)
    InvolvementFactory(act=act)
    InvolvementFactory(act=act)
    for role in ("coordinator", "analyst"):  # sees the people; does not
        with CaptureQueriesContext(connection) as queries:
            page = client_for(role).get(incident.get_absolute_url()).content.decode()
        # What sending for review lacks, from the acts and sources the page shows.
        if role == "coordinator":
            assert "cannot be sent for review yet: it has no source" in page
        counted = _counts(queries)
        assert not any('FROM "cases_act" WHERE' in q for q in counted), counted
        assert not any('FROM "sources_incidentsource" WHERE' in q for q in counted), counted
        if role == "analyst":
            assert "2 people recorded" in page


def test_a_form_sent_back_with_errors_shows_each_act_outcome_history(client_for, recorded):  # noqa: F811
    client = client_for("caseworker")
    data = edit_form_data(client, recorded) | {"title": ""}
    response = client.post(reverse("casework:incident-edit", args=[recorded.reference]), data)
    assert response.status_code == 200
    act_row = response.content.decode().split('<fieldset class="row act-row">')[1]
    outcome = recorded.acts.get().outcomes.get()
    assert f"{outcome.outcome_type.label} · {dt.date(2024, 6, 1):%-d %B %Y}" in act_row
    assert response.context["editor"].acts.forms[0].outcomes == [outcome]
