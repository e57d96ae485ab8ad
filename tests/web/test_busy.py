"""A busy database gives the "busy, your input is kept, try again" page, never a 500.

Another connection really holds the write lock (SQLite: BEGIN IMMEDIATE on the same file;
PostgreSQL: an exclusive table lock) while a signed-in user saves an edit or opens a page
that writes an audit entry.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from tests.casework.test_editing import edit_form_data
from tests.factories import ActFactory, IncidentFactory, InvolvementFactory
from tests.web.busy_support import SHORT_WAIT_MS, another_writer, kept_fields, patience_of

pytestmark = pytest.mark.django_db(transaction=True)

NEW_TITLE = "Invented title typed while the casebook was busy"


@pytest.fixture
def recorded(personas, reference_data):
    incident = IncidentFactory(created_by=personas["caseworker"])
    incident.assigned_to.add(personas["caseworker"])
    ActFactory(incident=incident)
    return incident


def test_an_edit_saved_while_another_writer_holds_the_lock_keeps_the_input(client_for, recorded):
    client = client_for("caseworker")
    url = reverse("casework:incident-edit", args=[recorded.reference])
    data = edit_form_data(client, recorded)
    data["title"] = NEW_TITLE
    entries = AuditEntry.objects.count()

    with patience_of(SHORT_WAIT_MS), another_writer():
        response = client.post(url, data)

    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "The casebook is busy" in page and "your input is kept" in page
    assert "Nothing was saved" in page
    # Nothing of the edit reached the database.
    assert Incident.objects.get(pk=recorded.pk).title != NEW_TITLE
    assert AuditEntry.objects.count() == entries
    # The page holds the input, ready to send again to the same address.
    kept = kept_fields(page)
    assert kept["title"] == [NEW_TITLE]
    assert f'action="{url}"' in page

    # Once the other writer is done, "Send again" saves exactly what was typed.
    again = client.post(url, kept)
    assert again.status_code == 302
    assert Incident.objects.get(pk=recorded.pk).title == NEW_TITLE


def test_opening_a_person_while_the_database_is_busy_gives_the_busy_page(
    client_for, reference_data
):
    person = InvolvementFactory(person__full_name="Invented Busyperson").person
    client = client_for("coordinator")
    url = reverse("people:person-detail", args=[person.reference])

    with patience_of(SHORT_WAIT_MS), another_writer():
        response = client.get(url)

    assert response.status_code == 503
    page = response.content.decode()
    assert "The casebook is busy" in page and "Try again" in page
    assert "Invented Busyperson" not in page  # the view failed before showing anything
    assert client.get(url).status_code == 200


def test_signing_in_while_the_database_is_busy_keeps_the_name_but_not_the_password(
    reference_data,
):
    from django.test import Client

    from tests.factories import UserFactory

    UserFactory(username="busysignin", password="a-long-password-1")
    client = Client(raise_request_exception=False)
    client.get(reverse("accounts:login"))
    with patience_of(SHORT_WAIT_MS), another_writer():
        response = client.post(
            reverse("accounts:login"),
            {"username": "busysignin", "password": "a-long-password-1"},
        )
    assert response.status_code == 503
    page = response.content.decode()
    assert "The casebook is busy" in page and "Passwords and codes are not kept" in page
    assert "a-long-password-1" not in page
    assert kept_fields(page) == {"username": ["busysignin"]}


def test_a_busy_database_met_after_the_view_gives_the_busy_page_too(rf):
    """The site's 500 handler (errors after the view: the session saved by its middleware)."""
    from django.db import OperationalError

    from casebook.web.busy import server_error

    request = rf.post("/incidents/new/", {"title": "Invented"})
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        busy = server_error(request)
    try:
        raise OperationalError("no such table: cases_incident")
    except OperationalError:
        broken = server_error(request)
    assert busy.status_code == 503 and "The casebook is busy" in busy.content.decode()
    assert kept_fields(busy.content.decode()) == {"title": ["Invented"]}
    assert broken.status_code == 500 and "went wrong on our side" in broken.content.decode()
