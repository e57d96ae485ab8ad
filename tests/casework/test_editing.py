"""Recording and editing incidents: the one-page form and the incident_save service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident, Outcome, Protest
from casebook.cases.search import filter_by_text
from casebook.cases.services import NOT_KEPT
from casebook.casework.drafts import ActDraft, IncidentDraft, OutcomeDraft
from casebook.casework.services import incident_save
from casebook.codebook.models import ActType, Organisation, OutcomeType
from casebook.people.models import Involvement, Person
from tests.factories import (
    ActFactory,
    IncidentFactory,
    IncidentSourceFactory,
    InvolvementFactory,
    OutcomeFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("casework:incident-create")

INCIDENT = {
    "title": "Two arrested over an invented banner",
    "summary": "Officers arrested two people holding a banner at a synthetic march.",
    "date": "2024-05-04",
    "date_precision": "day",
    "place": "Testford",
    "country": "GB",
    "force": "metropolitan-police-service",
    "tags": "banners, synthetic",
}
ARREST = {
    "act_type": "arrest",
    "number_affected": "2",
    "number_precision": "exact",
    "legal_provision": "poa-1986-s5",
    "offence_wording": "displaying an invented sign",
    "trigger_type": "banner",
    "trigger_wording": "HONK IF INVENTED",
    "outcome_type": "bailed",
    "outcome_date": "2024-05-05",
    "outcome_note": "Invented bail",
}
SEIZURE = {
    "act_type": "seizure",
    "number_affected": "1",
    "number_precision": "exact",
    "trigger_type": "banner",
}
SOURCE = {
    "kind": "news_article",
    "channel": "news-monitor",
    "title": "Invented Gazette report",
    "url": "https://news.example.test/invented",
    "publisher": "The Example Gazette",
    "published_on": "2024-05-05",
    "reliability": "B",
    "credibility": "2",
    "text": "The wombatish banner was taken away.",
    "supports": "arrest count",
}
PERSON = {
    "full_name": "Canaryname Testperson",
    "contact": "canary@example.test",
    "role": "arrested",
    "act_number": "1",
    "consent_record": "on",
}


def editor_data(incident=None, *, acts=(), sources=(), people=(), initial=(0, 0, 0)) -> dict:
    """POST data for the incident editor: the incident's fields and its rows by prefix."""
    data = dict(INCIDENT if incident is None else incident)
    for (prefix, rows), initial_count in zip(
        (("acts", acts), ("sources", sources), ("people", people)), initial, strict=True
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(initial_count)
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = value
    return data


def test_a_caseworker_records_an_incident_with_acts_outcome_source_and_person(client_for, personas):
    client = client_for("caseworker")
    response = client.post(
        CREATE, editor_data(acts=[ARREST, SEIZURE], sources=[SOURCE], people=[PERSON])
    )
    assert response.status_code == 302, response.context and response.context["editor"].error_rows
    incident = Incident.objects.get(title=INCIDENT["title"])
    assert response["Location"] == incident.get_absolute_url()
    assert incident.reference.startswith("CB-2024-")
    assert incident.created_by == personas["caseworker"]
    assert list(incident.assigned_to.all()) == [personas["caseworker"]]
    assert incident.force.slug == "metropolitan-police-service"
    assert sorted(t.name for t in incident.tags.all()) == ["banners", "synthetic"]

    arrest, seizure = incident.acts.order_by("position")
    assert (arrest.act_type.slug, arrest.number_affected) == ("arrest", 2)
    assert arrest.legal_provision.citation == "Public Order Act 1986 s5"
    assert arrest.trigger_wording == "HONK IF INVENTED"
    assert [(o.outcome_type.slug, o.date) for o in arrest.outcomes.all()] == [
        ("bailed", dt.date(2024, 5, 5))
    ]
    assert seizure.act_type.slug == "seizure" and not seizure.outcomes.exists()

    [link] = incident.source_links.select_related("source")
    assert (link.source.grade, link.supports) == ("B2", "arrest count")
    [involvement] = Involvement.objects.filter(act=arrest)
    assert involvement.role == "arrested"
    assert involvement.person.full_name == "Canaryname Testperson"
    assert involvement.person.consent_record and involvement.person.consent_given_at

    # Searchable at once, by a word only in the source's text.
    assert list(filter_by_text(Incident.objects.all(), "wombatish")) == [incident]
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Canaryname Testperson" in page  # the creator works on it, so sees its people


def test_recording_an_incident_is_audited_without_personal_values(client_for):
    client_for("caseworker").post(CREATE, editor_data(acts=[ARREST], people=[PERSON]))
    incident = Incident.objects.get(title=INCIDENT["title"])
    entries = AuditEntry.objects.filter(incident_reference=incident.reference)
    actions = set(entries.values_list("action", flat=True))
    assert {
        "cases.incident.created",
        "cases.act.created",
        "cases.outcome.recorded",
        "people.person.created",
    } <= actions
    created = entries.get(action="cases.incident.created")
    assert created.changes["title"] == [None, NOT_KEPT]  # free text: by name only
    for entry in entries:
        assert "Canaryname" not in str(entry.changes)
        assert "canary@example.test" not in str(entry.changes)


def test_a_validation_error_keeps_everything_entered(client_for):
    bad_act = dict(ARREST, number_affected="lots")
    data = editor_data(
        dict(INCIDENT, title=""), acts=[bad_act, SEIZURE], sources=[SOURCE], people=[PERSON]
    )
    response = client_for("caseworker").post(CREATE, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved yet" in html
    assert "Give the incident a title" in html
    assert "Give the number as a whole number" in html
    for kept in (
        "HONK IF INVENTED",
        'value="lots"',
        "Invented Gazette report",
        "The wombatish banner was taken away.",
        "Canaryname Testperson",
        'value="banners, synthetic"',
    ):
        assert kept in html, kept
    assert not Incident.objects.exists()
    assert not Person.objects.exists()


def test_a_person_must_belong_to_an_act_row_that_exists(client_for):
    data = editor_data(acts=[ARREST], people=[dict(PERSON, act_number="3")])
    response = client_for("caseworker").post(CREATE, data)
    assert response.status_code == 200
    assert "Act row 3 is empty or being removed" in response.content.decode()
    assert not Incident.objects.exists()


def test_choosing_a_protest_and_naming_a_new_one_is_refused(client_for, reference_data):
    from tests.factories import ProtestFactory

    protest = ProtestFactory()
    data = editor_data(
        dict(INCIDENT, protest=str(protest.pk), new_protest_name="Another synthetic march")
    )
    response = client_for("caseworker").post(CREATE, data)
    assert "Choose an existing protest or name a new one, not both." in response.content.decode()


def test_a_new_protest_is_created_with_the_incident(client_for):
    data = editor_data(
        dict(
            INCIDENT,
            new_protest_name="Synthetic climate march",
            new_protest_date="2024-05-04",
            new_protest_place="Testford",
        )
    )
    client_for("coordinator").post(CREATE, data)
    incident = Incident.objects.get()
    assert incident.protest == Protest.objects.get(name="Synthetic climate march")


def test_an_unknown_codebook_value_is_named_in_the_error(client_for):
    data = editor_data(dict(INCIDENT, force="no-such-constabulary"), acts=[ARREST])
    html = client_for("caseworker").post(CREATE, data).content.decode()
    assert "“no-such-constabulary” is not a police force in the codebook" in html


def test_adding_a_row_without_javascript_keeps_the_input(client_for):
    data = editor_data(acts=[ARREST])
    data["add"] = "acts"
    response = client_for("caseworker").post(CREATE, data)
    assert response.status_code == 200
    assert len(response.context["editor"].acts.forms) == 2
    assert "HONK IF INVENTED" in response.content.decode()
    assert not Incident.objects.exists()


# --- Editing -------------------------------------------------------------------------------


@pytest.fixture
def recorded(client_for, personas):
    """An incident the caseworker recorded: one arrest, charged, one source, one person."""
    incident = IncidentFactory(created_by=personas["caseworker"])
    incident.assigned_to.add(personas["caseworker"])
    act = ActFactory(incident=incident)
    OutcomeFactory(act=act, date=dt.date(2024, 6, 1))
    IncidentSourceFactory(incident=incident)
    InvolvementFactory(act=act, person__full_name="Editable Testperson")
    return incident


def edit_form_data(client, incident) -> dict:
    """The editor's current values, as the browser would post them back unchanged."""
    editor = client.get(reverse("casework:incident-edit", args=[incident.reference])).context[
        "editor"
    ]
    data = {}
    for form in [
        editor.incident_form,
        *editor.acts.forms,
        *editor.sources.forms,
        *editor.people.forms,
    ]:
        for field in form:
            value = field.value()
            if value in (None, False):
                continue
            if value is True:
                value = "on"
            data[field.html_name] = str(value)
    for formset in editor.formsets():
        for field in formset.management_form:
            data[field.html_name] = str(field.value())
    return data


def test_editing_a_changed_outcome_appends_it_to_the_history(client_for, recorded):
    client = client_for("caseworker")
    data = edit_form_data(client, recorded)
    assert data["acts-0-outcome_type"] == "charged"
    data.update({"acts-0-outcome_type": "acquitted", "acts-0-outcome_date": "2024-10-01"})
    response = client.post(reverse("casework:incident-edit", args=[recorded.reference]), data)
    assert response.status_code == 302
    act = recorded.acts.get()
    assert [(o.outcome_type.slug, o.date) for o in act.outcomes.all()] == [
        ("charged", dt.date(2024, 6, 1)),
        ("acquitted", dt.date(2024, 10, 1)),
    ]
    assert (
        AuditEntry.objects.filter(
            incident_reference=recorded.reference, action="cases.outcome.recorded"
        ).count()
        == 1
    )


def test_saving_an_unchanged_incident_changes_nothing(client_for, recorded):
    client = client_for("caseworker")
    response = client.post(
        reverse("casework:incident-edit", args=[recorded.reference]),
        edit_form_data(client, recorded),
    )
    assert response.status_code == 302
    assert Outcome.objects.filter(act__incident=recorded).count() == 1
    assert Involvement.objects.filter(act__incident=recorded).count() == 1
    assert recorded.source_links.count() == 1
    changes = AuditEntry.objects.filter(incident_reference=recorded.reference).exclude(
        action="people.person.viewed"
    )  # opening the editor shows the people: a view, no change
    assert not changes.exists()


def test_editing_updates_fields_and_removes_rows(client_for, recorded):
    client = client_for("coordinator")
    data = edit_form_data(client, recorded)
    data.update(
        {
            "title": "A corrected synthetic title",
            "sources-0-DELETE": "on",
            "people-0-DELETE": "on",
            "acts-0-number_affected": "4",
        }
    )
    response = client.post(reverse("casework:incident-edit", args=[recorded.reference]), data)
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.title == "A corrected synthetic title"
    assert recorded.acts.get().number_affected == 4
    assert not recorded.source_links.exists()
    assert not Involvement.objects.filter(act__incident=recorded).exists()
    updated = AuditEntry.objects.get(
        incident_reference=recorded.reference, action="cases.incident.updated"
    )
    assert updated.changes["title"] == [NOT_KEPT, NOT_KEPT]
    assert set(updated.changes) >= {"title", "acts", "sources", "people"}


def test_a_caseworker_cannot_edit_an_incident_they_do_not_work_on(client_for, reference_data):
    incident = IncidentFactory()
    client = client_for("caseworker")
    url = reverse("casework:incident-edit", args=[incident.reference])
    assert client.get(url).status_code == 403
    assert client.post(url, editor_data()).status_code == 403


@pytest.mark.parametrize("persona", ["analyst", "outsider"])
def test_analysts_and_outsiders_cannot_record_incidents(client_for, reference_data, persona):
    client = client_for(persona)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, editor_data(acts=[ARREST])).status_code == 403
    assert not Incident.objects.exists()


# --- The service, as the API and imports call it -------------------------------------------


def arrest_draft(**fields) -> ActDraft:
    return ActDraft(
        fields={"act_type": ActType.objects.get(slug="arrest"), "number_affected": 1, **fields}
    )


def incident_draft(**fields) -> IncidentDraft:
    return IncidentDraft(
        fields={
            "title": "Synthetic service incident",
            "date": dt.date(2023, 2, 1),
            "force": Organisation.objects.get(slug="metropolitan-police-service"),
            **fields,
        }
    )


def test_the_service_refuses_an_analyst(personas):
    with pytest.raises(PermissionDenied):
        incident_save(actor=personas["analyst"], draft=incident_draft())


def test_the_service_refuses_a_caseworker_not_on_the_incident(personas):
    incident = IncidentFactory()
    with pytest.raises(PermissionDenied):
        incident_save(
            actor=personas["caseworker"], incident=incident, draft=incident_draft(title="x")
        )


def test_the_service_reports_row_errors_by_row_and_saves_nothing(personas):
    draft = incident_draft()
    draft.acts = [arrest_draft(), arrest_draft(number_affected=3, number_precision="unknown")]
    with pytest.raises(ValidationError) as raised:
        incident_save(actor=personas["coordinator"], draft=draft)
    assert "acts.1.number_affected" in raised.value.message_dict
    assert not Incident.objects.exists()


def test_the_service_gives_references_in_the_incident_year(personas):
    draft = incident_draft()
    draft.acts = [arrest_draft()]
    draft.acts[0].outcome = OutcomeDraft(outcome_type=OutcomeType.objects.get(slug="pending"))
    incident = incident_save(actor=personas["coordinator"], draft=draft)
    assert incident.reference.startswith("CB-2023-")
    assert incident.acts.get().outcomes.get().outcome_type.slug == "pending"


def test_the_editor_lists_recent_protests_and_the_chosen_one(client_for, reference_data, settings):
    from casebook.casework.forms import IncidentForm
    from tests.factories import ProtestFactory

    old = ProtestFactory(name="Synthetic ancient march", date=dt.date(1999, 1, 1))
    for day in range(1, IncidentForm.PROTESTS_LISTED + 2):
        ProtestFactory(date=dt.date(2024, 1, 1) + dt.timedelta(days=day))
    client = client_for("caseworker")
    assert "Synthetic ancient march" not in client.get(CREATE).content.decode()
    # From the old protest's page: "Record an incident at this protest".
    preselected = client.get(CREATE, {"protest": old.pk}).content.decode()
    assert f'<option value="{old.pk}" selected>Synthetic ancient march' in preselected
    # And an old protest is still accepted when posted.
    client.post(CREATE, editor_data(dict(INCIDENT, protest=str(old.pk))))
    assert Incident.objects.get().protest == old


def test_a_new_source_counts_as_found_independently_unless_the_editor_says_searched(
    client_for, personas
):
    client = client_for("caseworker")
    searched = {**SOURCE, "title": "Found by looking it up", "found": "searching"}
    response = client.post(CREATE, editor_data(acts=[ARREST], sources=[SOURCE, searched]))
    assert response.status_code == 302
    incident = Incident.objects.get(title=INCIDENT["title"])
    found = dict(incident.source_links.values_list("source__title", "found_independently"))
    assert found == {"Invented Gazette report": True, "Found by looking it up": False}
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Found by searching for this incident" in page


def test_the_editor_can_mark_a_cited_source_as_found_by_searching_and_it_is_audited(
    client_for, recorded
):
    client = client_for("caseworker")
    data = edit_form_data(client, recorded)
    assert data["sources-0-found"] == "independently"
    data["sources-0-found"] = "searching"
    response = client.post(reverse("casework:incident-edit", args=[recorded.reference]), data)
    assert response.status_code == 302
    assert not recorded.source_links.get().found_independently
    entry = AuditEntry.objects.get(
        incident_reference=recorded.reference, action="sources.source.updated"
    )
    assert entry.changes["found_independently"] == [True, False]
    # Posting without the choice (an older form) keeps what is recorded.
    data = edit_form_data(client, recorded)
    del data["sources-0-found"]
    client.post(reverse("casework:incident-edit", args=[recorded.reference]), data)
    assert not recorded.source_links.get().found_independently
