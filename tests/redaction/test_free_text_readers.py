"""Readers who may not see an incident's people (analysts, a caseworker not on it) read its
free text only through redaction, on every page: the approved redaction, or the machine's,
marked as unreviewed. Those who see the people read it as written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casebook.redaction.models import AutomaticRedaction
from casebook.redaction.services import derivative_approve, derivative_propose
from tests.factories import (
    IncidentFactory,
    IncidentSourceFactory,
    OutcomeFactory,
    ProtestFactory,
)

pytestmark = pytest.mark.django_db

# Invented people, typed into free text the way caseworkers do; each is found by the
# redactor (a title before a name, a phone number's shape, an address's house number).
NAME = "Zephyrin Quillbarrow"
PHONE = "07700 900461"
WITNESS = "Orlaith Vantreskow"
ORGANISER = "Petronel Dusklow"
ADDRESS = "14 Tansyhollow Road"


@pytest.fixture
def incident(personas):
    protest = ProtestFactory(
        name="Vigil at the invented square", organiser=f"Organised by Mrs {ORGANISER}"
    )
    incident = IncidentFactory(
        title=f"Arrest of Mr {NAME} at the vigil",
        summary=f"Officers held Mr {NAME} outside {ADDRESS}, Testford. Call {PHONE}.",
        protest=protest,
        created_by=personas["coordinator"],
    )
    outcome = OutcomeFactory(
        act__incident=incident,
        act__offence_wording=f"obstructing Mr {NAME}",
        act__trigger_wording=f"Free Mr {NAME} now",
        note=f"Bail: report to Ms {WITNESS}, {PHONE}",
    )
    IncidentSourceFactory(
        incident=incident,
        source__title=f"Statement by Mr {NAME}",
        supports=f"what Ms {WITNESS} saw",
    )
    return outcome.act.incident


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("reader", ["analyst", "caseworker"])
def test_readers_who_may_not_see_the_people_read_the_incident_page_redacted(
    client_for, incident, reader
):
    page = _page(client_for(reader), incident.get_absolute_url())
    for secret in (NAME, "Quillbarrow", PHONE, WITNESS, ADDRESS, ORGANISER):
        assert secret not in page
    assert "[PERSON-1]" in page and "[PHONE-1]" in page and "[ADDRESS-1]" in page
    assert "unreviewed redaction" in page
    assert "Officers held Mr [PERSON-1] outside [ADDRESS-1], Testford." in page


@pytest.mark.parametrize("reader", ["coordinator", "administrator"])
def test_those_who_see_the_people_read_free_text_as_written(client_for, incident, reader):
    page = _page(client_for(reader), incident.get_absolute_url())
    for written in (NAME, PHONE, WITNESS, ADDRESS, f"Statement by Mr {NAME}"):
        assert written in page
    assert "unreviewed redaction" not in page


def test_a_caseworker_on_the_incident_reads_it_as_written(client_for, incident, personas):
    incident.assigned_to.add(personas["caseworker"])
    page = _page(client_for("caseworker"), incident.get_absolute_url())
    assert NAME in page and "unreviewed redaction" not in page


def test_the_incident_list_and_its_htmx_fragment_show_redacted_titles(client_for, incident):
    client = client_for("analyst")
    full = _page(client, reverse("casework:incident-list"))
    fragment = client.get(
        reverse("casework:incident-list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    ).content.decode()
    for page in (full, fragment):
        assert incident.reference in page
        assert NAME not in page and "Quillbarrow" not in page
        assert "Arrest of Mr [PERSON-1] at the vigil" in page
    assert NAME in _page(client_for("coordinator"), reverse("casework:incident-list"))


def test_protest_pages_show_organisers_and_incident_titles_redacted(client_for, incident):
    client = client_for("analyst")
    for url in (reverse("cases:protest-list"), incident.protest.get_absolute_url()):
        page = _page(client, url)
        assert ORGANISER not in page and NAME not in page
    detail = _page(client, incident.protest.get_absolute_url())
    assert "Organised by Mrs [PERSON-1]" in detail
    assert ORGANISER in _page(client_for("coordinator"), incident.protest.get_absolute_url())


def test_an_approved_redaction_is_shown_instead_of_the_machines(client_for, incident, personas):
    derivative = derivative_propose(
        original=incident, field="summary", actor=personas["coordinator"]
    )
    derivative_approve(derivative=derivative, actor=personas["coordinator"])
    page = _page(client_for("analyst"), incident.get_absolute_url())
    summary = page.split('<p class="summary">')[1].split("</p>")[0]
    assert "[PERSON-1]" in summary and "unreviewed" not in summary
    # Once the summary changes, the approval no longer fits it: the machine's again.
    incident.summary += f" Mr {WITNESS} filmed it."
    incident.save()
    page = _page(client_for("analyst"), incident.get_absolute_url())
    summary = page.split('<p class="summary">')[1].split("</p>")[0]
    assert WITNESS not in summary and "unreviewed redaction" in summary


def test_the_machines_redaction_is_stored_once_and_never_holds_the_original(client_for, incident):
    client = client_for("analyst")
    _page(client, incident.get_absolute_url())
    stored = AutomaticRedaction.objects.count()
    assert stored >= 6
    _page(client, incident.get_absolute_url())
    _page(client, reverse("casework:incident-list"))
    assert AutomaticRedaction.objects.count() == stored  # the list's title: the same text
    texts = " ".join(AutomaticRedaction.objects.values_list("text", flat=True))
    assert NAME not in texts and PHONE not in texts
    # An edited text is another text: redacted afresh, the old redaction never served.
    incident.title = f"Arrest of Ms {WITNESS}"
    incident.save()
    page = _page(client, incident.get_absolute_url())
    assert WITNESS not in page and "Arrest of Ms [PERSON-1]" in page
