"""The people pages: who may see whom, search, audit of every view, erasure by button."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.people.keys.fields import ERASED
from tests.conftest import CANARIES, fresh
from tests.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db

LIST = reverse("people:person-list")


def detail(person) -> str:
    return reverse("people:person-detail", args=[person.reference])


def erase(person) -> str:
    return reverse("people:person-erase", args=[person.reference])


@pytest.fixture
def on_caseworkers_incident(personas, reference_data):
    """A person on an incident the caseworker works on, and one on somebody else's."""
    theirs = InvolvementFactory(person__full_name="Visibleto Caseworker")
    theirs.act.incident.assigned_to.add(personas["caseworker"])
    other = InvolvementFactory(person__full_name="Hiddenfrom Caseworker")
    return theirs.person, other.person


def test_a_coordinator_finds_a_person_by_name(client_for, canary_person):
    client = client_for("coordinator")
    page = client.get(LIST, {"q": "qzxvname canaryfirst"}).content.decode()
    assert canary_person.reference in page and CANARIES["full_name"] in page
    posted = client.post(LIST, {"q": "QZXVNAME"}).content.decode()
    assert CANARIES["full_name"] in posted
    assert CANARIES["full_name"] not in client.post(LIST, {"q": "nobody"}).content.decode()


def test_a_coordinator_finds_a_person_by_contact(client_for, canary_person):
    page = client_for("coordinator").post(LIST, {"q": CANARIES["contact"].upper()})
    assert canary_person.reference in page.content.decode()


@pytest.mark.parametrize("persona", ["analyst", "outsider"])
def test_analysts_and_outsiders_get_403_on_every_people_page(client_for, canary_person, persona):
    client = client_for(persona)
    for response in (
        client.get(LIST),
        client.get(LIST, {"q": "canaryfirst"}),
        client.post(LIST, {"q": "canaryfirst"}),
        client.get(detail(canary_person)),
        client.get(erase(canary_person)),
    ):
        assert response.status_code == 403
        assert "qzxv" not in response.content.decode().lower()


def test_anonymous_visitors_are_sent_to_sign_in(client, canary_person):
    for url in (LIST, detail(canary_person)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_caseworker_sees_only_the_people_of_incidents_they_work_on(
    client_for, on_caseworkers_incident
):
    theirs, other = on_caseworkers_incident
    client = client_for("caseworker")
    page = client.get(LIST).content.decode()
    assert "Visibleto Caseworker" in page and "Hiddenfrom" not in page
    assert "Hiddenfrom" not in client.get(LIST, {"q": "hiddenfrom caseworker"}).content.decode()
    assert client.get(detail(theirs)).status_code == 200
    assert client.get(detail(other)).status_code == 404


def test_the_person_page_shows_details_consent_and_involvements(client_for, canary_person):
    involvement = canary_person.involvements.get()
    page = client_for("coordinator").get(detail(canary_person)).content.decode()
    for value in CANARIES.values():
        assert value in page
    assert "23 July 1991" in page
    assert involvement.act.incident.reference in page
    assert "Arrested" in page
    assert "Consent to keep details not recorded" not in page


def test_the_person_page_flags_missing_consent_to_keep_details(client_for, reference_data):
    person = PersonFactory(consent_record=False)
    page = client_for("coordinator").get(detail(person)).content.decode()
    assert "Consent to keep details not recorded" in page


def test_every_view_of_a_person_is_audited_without_personal_values(
    client_for, personas, canary_person
):
    client = client_for("coordinator")
    client.get(detail(canary_person), REMOTE_ADDR="192.0.2.7")
    client.post(LIST, {"q": "canaryfirst"}, REMOTE_ADDR="192.0.2.8")
    entries = list(AuditEntry.objects.filter(action="people.person.viewed").order_by("sequence"))
    assert [(e.changes["via"], e.ip_address) for e in entries] == [
        ("person page", "192.0.2.7"),
        ("people list", "192.0.2.8"),
    ]
    assert all(
        e.actor == personas["coordinator"] and e.object_id == str(canary_person.pk) for e in entries
    )
    assert "qzxv" not in str([e.changes for e in entries]).lower()


def test_an_administrator_erases_a_person_with_the_button(client_for, personas, canary_person):
    client = client_for("administrator")
    assert "Erase details" in client.get(detail(canary_person)).content.decode()
    assert "cannot be undone" in client.get(erase(canary_person)).content.decode()
    refused = client.post(erase(canary_person), {"reason": "their request", "confirm": "P-1"})
    assert "to confirm the erasure" in refused.content.decode()
    assert not fresh(canary_person).is_erased

    done = client.post(
        erase(canary_person),
        {"reason": "their request", "confirm": canary_person.reference.lower()},
        REMOTE_ADDR="192.0.2.9",
    )

    assert done.status_code == 302 and done["Location"] == detail(canary_person)
    person = fresh(canary_person)
    assert person.is_erased and person.erasure_reason == "their request"
    page = client.get(detail(canary_person)).content.decode()
    assert ERASED in page and "qzxv" not in page.lower()
    entry = AuditEntry.objects.get(action="people.person.erased")
    assert (entry.actor, entry.ip_address) == (personas["administrator"], "192.0.2.9")


@pytest.mark.parametrize("persona", ["coordinator", "caseworker"])
def test_only_administrators_may_erase(client_for, canary_person, persona):
    client = client_for(persona)
    assert (
        client.post(
            erase(canary_person), {"reason": "x", "confirm": canary_person.reference}
        ).status_code
        == 403
    )
    assert not fresh(canary_person).is_erased
    assert "Erase details" not in client.get(detail(canary_person)).content.decode()
