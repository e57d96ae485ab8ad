"""The incident pages as a signed-in user sees them: list, filters, incident page, status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casebook.cases.models import Incident, IncidentStatus, Tag
from casebook.cases.selectors import incidents_filtered
from casebook.cases.services import incident_reindex
from casebook.casework.forms import IncidentFilterForm
from casebook.codebook.models import (
    ActType,
    LegalProvision,
    Organisation,
    OutcomeType,
    TriggerType,
)
from tests.factories import (
    ActFactory,
    IncidentFactory,
    IncidentSourceFactory,
    InvolvementFactory,
    OutcomeFactory,
    ProtestFactory,
    ready_incident,
)

pytestmark = pytest.mark.django_db

LIST = reverse("casework:incident-list")


def listed(response) -> set[str]:
    """References of the incidents on a list page."""
    return {incident.reference for incident, _acts, _sources in response.context["rows"]}


@pytest.fixture
def two_incidents(reference_data, django_capture_on_commit_callbacks):
    """Two incidents that differ in every filterable way."""
    protest = ProtestFactory(name="Synthetic vigil")
    first = IncidentFactory(
        title="Placard arrests at the synthetic vigil",
        date=dt.date(2024, 3, 2),
        protest=protest,
        status="verified",
    )
    ActFactory(
        incident=first,
        act_type=ActType.objects.get(slug="arrest"),
        trigger_type=TriggerType.objects.get(slug="placard"),
        legal_provision=LegalProvision.objects.get(citation="Public Order Act 1986 s5"),
        trigger_wording="ZEBRAFINCH SOLIDARITY",
    )
    first.tags.add(Tag.objects.create(name="vigil"))
    second = IncidentFactory(
        title="Flag seized in Testford",
        date=dt.date(2024, 9, 20),
        force=Organisation.objects.exclude(slug="metropolitan-police-service").first(),
    )
    ActFactory(
        incident=second,
        act_type=ActType.objects.get(slug="seizure"),
        trigger_type=TriggerType.objects.get(slug="flag"),
        legal_provision=None,
        trigger_wording="an invented flag",
    )
    IncidentSourceFactory(incident=second, source__text="The quokkaesque report said so.")
    # As once committed: the redacted documents that a caseworker not on them searches are made.
    with django_capture_on_commit_callbacks(execute=True):
        incident_reindex([first.pk, second.pk])
    return first, second


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_from": "2024-06-01"}, "second"),
        ({"date_to": "2024-06-01"}, "first"),
        ({"force": "metropolitan-police-service"}, "first"),
        ({"act_type": "seizure"}, "second"),
        ({"trigger": "placard"}, "first"),
        ({"status": "verified"}, "first"),
        ({"tag": "vigil"}, "first"),
        ({"tag": "VIGIL"}, "first"),
    ],
)
def test_each_list_filter_narrows_the_results(client_for, two_incidents, params, expected):
    first, second = two_incidents
    response = client_for("caseworker").get(LIST, params)
    assert response.status_code == 200
    wanted = first if expected == "first" else second
    assert listed(response) == {wanted.reference}


def test_provision_and_protest_filters_narrow_the_results(client_for, two_incidents):
    first, _second = two_incidents
    provision = first.acts.get().legal_provision
    client = client_for("analyst")
    assert listed(client.get(LIST, {"provision": provision.slug})) == {first.reference}
    assert listed(client.get(LIST, {"protest": first.protest_id})) == {first.reference}


def test_act_filters_apply_to_one_and_the_same_act(client_for, two_incidents):
    # The first incident has an arrest over a placard; nothing was seized over a placard.
    response = client_for("caseworker").get(LIST, {"act_type": "seizure", "trigger": "placard"})
    assert listed(response) == set()


def test_no_filter_lists_every_incident(client_for, two_incidents):
    assert listed(client_for("coordinator").get(LIST)) == {i.reference for i in two_incidents}


def test_search_finds_an_incident_by_a_word_only_in_its_source_text(client_for, two_incidents):
    response = client_for("caseworker").get(LIST, {"q": "quokkaesque"})
    assert listed(response) == {two_incidents[1].reference}


def test_search_finds_an_incident_by_its_trigger_wording(client_for, two_incidents):
    response = client_for("caseworker").get(LIST, {"q": "zebrafinch"})
    assert listed(response) == {two_incidents[0].reference}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2024-13-45"}, "Give the from date as a date, YYYY-MM-DD"),
        ({"date_from": "2024-09-01", "date_to": "2024-01-01"}, "The to date is before"),
        ({"force": "no-such-force"}, "is not a police force in the codebook"),
        ({"act_type": "teleportation"}, "is not a type of act in the codebook"),
        ({"provision": "no-such-act-s99"}, "is not a legal provision in the codebook"),
        ({"trigger": "telepathy"}, "is not a trigger in the codebook"),
        ({"status": "lost"}, "is not a status"),
        ({"protest": "999999"}, "There is no protest with id 999999"),
        ({"protest": "abc"}, "There is no protest with id abc"),
        ({"tag": "no such tag"}, "No incident is tagged"),
        ({"sort": "colour"}, "Sort by date, reference or title"),
    ],
)
def test_invalid_filters_give_a_clear_message_not_an_error_page(
    client_for, two_incidents, params, message
):
    response = client_for("caseworker").get(LIST, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert listed(response) == set()


def test_an_invalid_page_number_shows_a_page_instead_of_failing(client_for, two_incidents):
    response = client_for("caseworker").get(LIST, {"page": "many"})
    assert response.status_code == 200
    assert len(listed(response)) == 2


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("-date", ["later", "earlier", "earliest"]),
        ("date", ["earliest", "earlier", "later"]),
        ("title", ["earlier", "later", "earliest"]),
        ("-title", ["earliest", "later", "earlier"]),
        ("reference", ["earliest", "earlier", "later"]),
        ("-reference", ["later", "earlier", "earliest"]),
    ],
)
def test_the_list_sorts_by_date_title_and_reference(client_for, reference_data, sort, order):
    # References follow creation order; titles are chosen to sort differently from dates.
    incidents = {
        "earliest": IncidentFactory(date=dt.date(2022, 1, 1), title="Zulu case"),
        "earlier": IncidentFactory(date=dt.date(2022, 6, 1), title="Alpha case"),
        "later": IncidentFactory(date=dt.date(2022, 12, 1), title="Mike case"),
    }
    response = client_for("caseworker").get(LIST, {"sort": sort})
    shown = [incident.reference for incident, _a, _s in response.context["rows"]]
    assert shown == [incidents[name].reference for name in order]


def test_the_list_paginates(client_for, reference_data, settings):
    settings.INCIDENTS_PER_PAGE = 2
    incidents = [IncidentFactory(date=dt.date(2023, 1, day)) for day in range(1, 6)]
    client = client_for("caseworker")
    pages = [listed(client.get(LIST, {"page": n})) for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert set().union(*pages) == {incident.reference for incident in incidents}
    assert "page 1 of 3" in client.get(LIST).content.decode()


def test_each_row_shows_its_act_summary_and_source_count(client_for, reference_data):
    incident = IncidentFactory()
    ActFactory(incident=incident, number_affected=2)
    ActFactory(incident=incident, number_affected=1)
    ActFactory(incident=incident, act_type=ActType.objects.get(slug="seizure"), number_affected=1)
    ActFactory(
        incident=incident,
        act_type=ActType.objects.get(slug="dispersal"),
        number_affected=None,
        number_precision="unknown",
    )
    IncidentSourceFactory.create_batch(2, incident=incident)
    response = client_for("caseworker").get(LIST)
    [(_incident, acts, sources)] = response.context["rows"]
    assert acts == "3 arrests, seizure (1 item), dispersal (number unknown)"
    assert sources == 2


def test_the_list_needs_as_many_queries_for_fifty_rows_as_for_one(client_for, reference_data):
    client = client_for("caseworker")

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"act_type": "arrest"})
        return len(captured), len(response.context["rows"])

    IncidentSourceFactory(incident=ActFactory().incident)
    client.get(LIST)  # warm the session
    one = queries_for_list()
    for _ in range(49):
        IncidentSourceFactory(incident=ActFactory().incident)
    # A caseworker reads these incidents' titles redacted: made and stored on the first view.
    queries_for_list()
    fifty = queries_for_list()
    assert (one[1], fifty[1]) == (1, 50)
    assert fifty[0] == one[0]


def test_an_htmx_request_gets_only_the_results(client_for, two_incidents):
    client = client_for("caseworker")
    fragment = client.get(
        LIST, {"act_type": "seizure"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    page = client.get(LIST, {"act_type": "seizure"})
    assert "<html" not in fragment.content.decode()
    assert two_incidents[1].reference in fragment.content.decode()
    assert "<html" in page.content.decode()
    assert "HX-Request" in fragment["Vary"]


def test_the_incident_page_shows_acts_outcomes_sources_and_history(client_for, reference_data):
    incident = IncidentFactory(
        title="Synthetic kettle",
        latitude="51.500000",
        longitude="-0.120000",
        coordinate_precision="street",
    )
    act = ActFactory(incident=incident, trigger_wording="INVENTED SLOGAN SEVEN")
    OutcomeFactory(act=act, date=dt.date(2024, 6, 1))
    OutcomeFactory(
        act=act, outcome_type=OutcomeType.objects.get(slug="acquitted"), date=dt.date(2024, 9, 1)
    )
    IncidentSourceFactory(
        incident=incident,
        source__reliability="B",
        source__credibility="2",
        source__publisher="The Example Gazette",
        supports="arrest count",
    )
    client = client_for("coordinator")
    client.post(
        reverse("casework:incident-status", args=[incident.reference]), {"status": "in_review"}
    )
    page = client.get(incident.get_absolute_url()).content.decode()
    for expected in (
        "Synthetic kettle",
        "4 May 2024",
        "51.500000",
        "Metropolitan Police",
        "Public Order Act 1986 s5",
        "INVENTED SLOGAN SEVEN",
        "Placard",
        "The Example Gazette",
        "B2",
        "usually reliable",
        "probably true",
        "Supports: arrest count",
        "cases.incident.in_review",
        "status",
    ):
        assert expected in page, expected
    assert page.index("Charged") < page.index("Acquitted")


def test_the_incident_page_respects_date_precision(client_for, reference_data):
    incident = IncidentFactory(date=dt.date(2023, 7, 1), date_precision="month")
    page = client_for("analyst").get(incident.get_absolute_url()).content.decode()
    assert "July 2023" in page
    assert "1 July 2023" not in page


def test_an_unknown_reference_is_a_friendly_404(client_for, reference_data):
    response = client_for("caseworker").get(
        reverse("casework:incident-detail", args=["CB-1999-000001"])
    )
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


# --- Status changes by role ----------------------------------------------------------------


def change_status(client, incident, status):
    return client.post(
        reverse("casework:incident-status", args=[incident.reference]), {"status": status}
    )


def test_a_caseworker_sends_their_incident_for_review_and_back(
    client_for, personas, reference_data
):
    incident = ready_incident(created_by=personas["caseworker"])
    client = client_for("caseworker")
    assert change_status(client, incident, "in_review").status_code == 302
    incident.refresh_from_db()
    assert incident.status == "in_review"
    change_status(client, incident, "draft")
    incident.refresh_from_db()
    assert incident.status == "draft"


@pytest.mark.parametrize("status", ["verified", "rejected", "archived"])
def test_a_caseworker_cannot_verify_reject_or_archive(client_for, personas, reference_data, status):
    incident = IncidentFactory(created_by=personas["caseworker"], status="in_review")
    assert change_status(client_for("caseworker"), incident, status).status_code == 403
    incident.refresh_from_db()
    assert incident.status == "in_review"


def test_the_incident_page_offers_only_the_status_buttons_the_role_may_use(
    client_for, personas, reference_data
):
    incident = IncidentFactory(created_by=personas["caseworker"], status="in_review")
    caseworker_page = client_for("caseworker").get(incident.get_absolute_url())
    coordinator_page = client_for("coordinator").get(incident.get_absolute_url())
    analyst_page = client_for("analyst").get(incident.get_absolute_url())
    assert [s.value for s in caseworker_page.context["status_choices"]] == ["draft"]
    assert [s.value for s in coordinator_page.context["status_choices"]] == [
        "draft",
        "verified",
        "rejected",
        "archived",
    ]
    assert analyst_page.context["status_choices"] == []
    assert 'name="status"' not in analyst_page.content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "administrator"])
def test_coordinators_and_administrators_verify_and_archive(client_for, reference_data, persona):
    incident = ready_incident(status="in_review")
    client = client_for(persona)
    change_status(client, incident, "verified")
    incident.refresh_from_db()
    assert incident.status == "verified"
    change_status(client, incident, "archived")
    incident.refresh_from_db()
    assert incident.status == "archived"


def test_an_impossible_transition_is_explained_not_applied(client_for, reference_data):
    incident = IncidentFactory(status="draft")
    client = client_for("coordinator")
    response = change_status(client, incident, "verified")
    incident.refresh_from_db()
    assert incident.status == "draft"
    page = client.get(response["Location"]).content.decode()
    assert "An incident that is draft cannot become verified." in page


def test_a_caseworker_not_on_the_incident_cannot_change_its_status(client_for, reference_data):
    incident = IncidentFactory()
    assert change_status(client_for("caseworker"), incident, "in_review").status_code == 403


def test_an_analyst_cannot_change_a_status(client_for, reference_data):
    incident = IncidentFactory()
    assert change_status(client_for("analyst"), incident, "in_review").status_code == 403


# --- People on the incident page -----------------------------------------------------------


def test_the_analyst_sees_how_many_people_but_never_who(client_for, reference_data):
    involvement = InvolvementFactory(person__full_name="Canaryname Testperson")
    page = client_for("analyst").get(involvement.act.incident.get_absolute_url())
    html = page.content.decode()
    assert "1 person recorded" in html
    assert "Canaryname" not in html
    assert involvement.person.reference not in html


def test_an_expired_form_explains_itself_instead_of_a_bare_403(personas):
    from django.test import Client

    from tests.conftest import sign_in

    client = sign_in(Client(enforce_csrf_checks=True), personas["caseworker"])
    response = client.post(reverse("casework:incident-create"), {"title": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_the_server_error_page_renders_without_a_request():
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "Something went wrong on our side" in html


def test_a_refusal_says_why(client_for, reference_data):
    response = client_for("analyst").get(reverse("casework:incident-create"))
    assert response.status_code == 403
    assert "they do not record incidents" in response.content.decode()


def test_a_broad_search_says_more_than_the_counting_limit(client_for, reference_data, monkeypatch):
    from casebook.cases import selectors

    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    incidents = [IncidentFactory(title=f"Synthetic okapi case {n}") for n in range(3)]
    incident_reindex([incident.pk for incident in incidents])
    client = client_for("coordinator")
    response = client.get(LIST, {"q": "okapi"})
    assert "More than 2 incidents" in response.content.decode()
    # Structured filters are counted the same way: exactly up to the limit, "more than"
    # beyond (counting every match is what grows with the casebook).
    broad = client.get(LIST, {"force": "metropolitan-police-service"}).content.decode()
    assert "More than 2 incidents" in broad
    Incident.objects.filter(pk=incidents[0].pk).update(status=IncidentStatus.VERIFIED)
    exact = client.get(LIST, {"status": IncidentStatus.VERIFIED}).content.decode()
    assert "1 incident" in exact and "More than" not in exact


@pytest.mark.parametrize("sort", ["title", "-date"])
def test_search_results_keep_the_requested_order(client_for, reference_data, sort):
    incidents = [
        IncidentFactory(title=title, date=date)
        for title, date in [
            ("Bravo ibis", dt.date(2021, 1, 1)),
            ("Alpha ibis", dt.date(2020, 1, 1)),
            ("Charlie ibis", dt.date(2022, 1, 1)),
            ("Delta heron", dt.date(2023, 1, 1)),
        ]
    ]
    incident_reindex([incident.pk for incident in incidents])
    response = client_for("coordinator").get(LIST, {"q": "ibis", "sort": sort})
    shown = [incident.title for incident, _a, _s in response.context["rows"]]
    expected = {
        "title": ["Alpha ibis", "Bravo ibis", "Charlie ibis"],
        "-date": ["Charlie ibis", "Bravo ibis", "Alpha ibis"],
    }[sort]
    assert shown == expected


@pytest.mark.parametrize(
    "params",
    [
        {"act_type": "arrest"},
        {"act_type": "arrest", "trigger": "placard"},
        {"act_type": "seizure", "unrecorded": "provision"},
        {"tag": "vigil"},
        {"act_type": "arrest", "status": "verified"},
    ],
)
def test_list_counts_act_and_tag_filters_as_incidents(two_incidents, client_for, params):
    """Counted over the acts (or a tag's links) for act-only or tag-only filters: an incident
    with two matching acts still counts once, as the filtered incidents do."""
    first, _second = two_incidents
    ActFactory(incident=first, act_type=ActType.objects.get(slug="arrest"))
    form = IncidentFilterForm(params)
    assert form.is_valid(), form.errors
    expected = incidents_filtered(**form.filters()).count()
    response = client_for("caseworker").get(LIST, params)
    assert response.context["page"].paginator.count == expected == len(listed(response))
