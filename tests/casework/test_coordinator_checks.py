"""What a coordinator expects the record to refuse, or to say, before it goes wrong: an
incident dated in the future, one sent for review with no act or no source; and a seizure's
number counted as items, not people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casebook.cases.models import Incident
from casebook.codebook.models import ActType
from casebook.transfer.services import incidents_import
from tests.casework.test_editing import ARREST, CREATE, INCIDENT, SEIZURE, editor_data
from tests.factories import ActFactory, IncidentFactory, IncidentSourceFactory
from tests.transfer.conftest import csv_bytes, incident_row

pytestmark = pytest.mark.django_db


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def test_the_editor_refuses_an_incident_dated_in_the_future(client_for):
    data = editor_data(dict(INCIDENT, date=f"{tomorrow():%Y-%m-%d}"), acts=[ARREST])
    response = client_for("caseworker").post(CREATE, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is in the future" in html and "Check the year" in html
    assert not Incident.objects.exists()


def test_today_is_not_the_future(client_for):
    arrest = dict(ARREST, outcome_type="", outcome_date="", outcome_note="")
    data = editor_data(dict(INCIDENT, date=f"{timezone.localdate():%Y-%m-%d}"), acts=[arrest])
    response = client_for("caseworker").post(CREATE, data)
    assert response.status_code == 302
    assert Incident.objects.get().date == timezone.localdate()


def test_an_import_refuses_a_future_date_with_the_same_words(make_user):
    report = incidents_import(
        file=csv_bytes([incident_row(date=f"{tomorrow():%Y-%m-%d}", outcome_date="")]),
        actor=make_user("coordinator"),
    )
    assert not report.ok
    assert any("is in the future" in str(problem) for problem in report.problems)
    assert not Incident.objects.exists()


def change_status(client, incident, status):
    return client.post(
        reverse("casework:incident-status", args=[incident.reference]),
        {"status": status},
        follow=True,
    )


def test_sending_for_review_without_an_act_or_a_source_is_refused_naming_both(client_for, personas):
    incident = IncidentFactory(created_by=personas["caseworker"])
    client = client_for("caseworker")
    page = client.get(incident.get_absolute_url()).content.decode()
    # Said before the button is pressed, and again when it is.
    assert "cannot be sent for review yet: it has no act and no source" in page
    response = change_status(client, incident, "in_review")
    html = response.content.decode()
    assert "cannot be sent for review yet: it has no act and no source" in html
    assert "Record at least one act (what the police did) and one source" in html
    incident.refresh_from_db()
    assert incident.status == "draft"


def test_sending_for_review_names_only_what_is_missing(client_for, personas):
    incident = IncidentFactory(created_by=personas["caseworker"])
    ActFactory(incident=incident)
    client = client_for("caseworker")
    html = change_status(client, incident, "in_review").content.decode()
    assert "it has no source." in html and "no act" not in html
    incident.refresh_from_db()
    assert incident.status == "draft"

    IncidentSourceFactory(incident=incident)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "cannot be sent for review" not in page
    html = change_status(client, incident, "in_review").content.decode()
    assert "is now in review" in html
    incident.refresh_from_db()
    assert incident.status == "in_review"


def test_verifying_needs_an_act_and_a_source_too(client_for):
    incident = IncidentFactory(status="in_review")
    IncidentSourceFactory(incident=incident)
    html = change_status(client_for("coordinator"), incident, "verified").content.decode()
    assert "cannot be verified yet: it has no act." in html
    incident.refresh_from_db()
    assert incident.status == "in_review"


def test_a_seizure_counts_items_not_people(client_for, personas):
    response = client_for("caseworker").post(
        CREATE, editor_data(INCIDENT, acts=[ARREST, dict(SEIZURE, number_affected="4")])
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    page = client_for("caseworker").get(incident.get_absolute_url()).content.decode()
    assert "— 2 people</span>" in page
    assert "— 4 items</span>" in page and "4 people" not in page
    listed = client_for("caseworker").get(reverse("casework:incident-list")).content.decode()
    assert "2 arrests, seizure (4 items)" in listed
    editor = client_for("caseworker").get(
        reverse("casework:incident-edit", args=[incident.reference])
    )
    html = editor.content.decode()
    assert "How many people</label>" in html and "How many items</label>" in html


def test_the_codebook_says_which_act_types_count_items():
    assert set(ActType.objects.filter(counts="items").values_list("slug", flat=True)) == {"seizure"}
