"""Casebook's own incidents in ACLED's layout: coded as ACLED's codebook codes events, with
notes that say what happened without leaking narrative; and exports that choose statuses."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from casebook.cases.models import Incident, IncidentStatus
from casebook.codebook.models import ActType, OutcomeType
from casebook.redaction.services import derivative_approve, derivative_propose
from casebook.transfer.formats.acled import ACT_SUB_EVENTS, SUB_EVENTS
from casebook.transfer.services import incidents_export
from tests.factories import ActFactory, IncidentFactory, OutcomeFactory, ProtestFactory
from tests.transfer.conftest import acled_reference

pytestmark = pytest.mark.django_db


def acled_rows(**options) -> dict[str, dict[str, str]]:
    out = io.StringIO()
    incidents_export(stream=out, actor=None, format="acled", **options)
    return {row["event_id_cnty"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}


def incident_with(*act_types: str, protest: bool = False, **fields) -> Incident:
    incident = IncidentFactory(protest=ProtestFactory() if protest else None, **fields)
    for slug in act_types:
        ActFactory(incident=incident, act_type=ActType.objects.get(slug=slug), trigger_type=None)
    return incident


def test_every_act_type_of_the_codebook_maps_to_a_category_in_acleds_own_list(reference_data):
    path = acled_reference("acled_event_categories.csv")
    categories = {row["sub_event_type"]: row for row in csv.DictReader(path.open(encoding="utf-8"))}

    assert set(ActType.objects.values_list("slug", flat=True)) <= set(ACT_SUB_EVENTS)
    for at_protest, elsewhere in ACT_SUB_EVENTS.values():
        for sub_event in (at_protest, elsewhere):
            event_type, disorder = SUB_EVENTS[sub_event]
            acled = categories[sub_event]
            assert acled["event_type"] == event_type, sub_event
            flags = [
                name for name in ("political_violence", "demonstrations") if acled[name] == "1"
            ]
            expected = {
                ("political_violence", "demonstrations"): "Political violence; Demonstrations",
                ("political_violence",): "Political violence",
                ("demonstrations",): "Demonstrations",
                (): "Strategic developments",
            }[tuple(flags)]
            assert disorder == expected, sub_event


@pytest.mark.parametrize(
    ("act_types", "protest", "expected"),
    [
        (["charge"], False, ("Strategic developments", "Other")),
        (["arrest", "charge"], False, ("Strategic developments", "Arrests")),
        (["arrest"], True, ("Protests", "Protest with intervention")),
        (["force"], True, ("Protests", "Protest with intervention")),
        (["force"], False, ("Violence against civilians", "Attack")),
        (["dispersal"], False, ("Protests", "Protest with intervention")),
        (["image_appeal"], True, ("Strategic developments", "Other")),
        (["home_visit"], False, ("Strategic developments", "Other")),
    ],
)
def test_acts_are_coded_as_acleds_codebook_codes_events(
    reference_data, act_types, protest, expected
):
    incident = incident_with(*act_types, protest=protest)

    row = acled_rows()[incident.reference]

    assert (row["event_type"], row["sub_event_type"]) == expected
    if expected[0] == "Protests":
        assert (row["actor1"], row["inter1"], row["inter2"], row["interaction"]) == (
            "Protesters (United Kingdom)",
            "6",
            "1",
            "16",
        )
    else:
        assert (row["actor1"], row["inter1"]) == (incident.force.name, "1")


def test_notes_say_what_happened_from_the_coded_facts_without_the_narrative(reference_data):
    incident = incident_with(
        "arrest",
        summary="Testperson Canaryname was held after speaking at the invented rally.",
        date=dt.date(2024, 5, 4),
        place="Testford",
    )
    act = incident.acts.get()
    act.trigger_wording = "CANARY SLOGAN"
    act.save()
    OutcomeFactory(act=act, outcome_type=OutcomeType.objects.get(slug="charged"))

    notes = acled_rows()[incident.reference]["notes"]

    assert notes.startswith(f"On 4 May 2024 in Testford, {incident.force.name}: arrest of ")
    assert "then charged" in notes
    assert "Canaryname" not in notes and "CANARY" not in notes


def test_notes_lead_with_the_approved_redaction_of_the_summary(reference_data, make_user):
    coordinator = make_user("coordinator")
    incident = incident_with("arrest", summary="Daniel Okafor was held at the invented rally.")
    derivative = derivative_propose(original=incident, field="summary", actor=coordinator)
    derivative_approve(derivative=derivative, actor=coordinator)

    notes = acled_rows()[incident.reference]["notes"]

    assert notes.startswith("[PERSON-1] was held at the invented rally. On ")
    assert "Okafor" not in notes


def test_the_export_page_exports_verified_incidents_unless_told_otherwise(client_for):
    verified = IncidentFactory(status=IncidentStatus.VERIFIED, title="Invented verified one")
    IncidentFactory(status=IncidentStatus.DRAFT, title="Invented draft one")
    client = client_for("analyst")
    export = reverse("transfer:export")

    page = client.get(export).content.decode()
    default = b"".join(
        client.post(export, {"format": "csv", "statuses": ["verified"]}).streaming_content
    ).decode()
    both = b"".join(
        client.post(export, {"format": "csv", "statuses": ["verified", "draft"]}).streaming_content
    ).decode()
    none = client.post(export, {"format": "csv"})

    assert 'value="verified" id="id_statuses_2" checked' in page
    assert "Draft (1)" in page and "Verified (1)" in page
    assert verified.title in default and "Invented draft one" not in default
    assert "Invented draft one" in both
    assert none.status_code == 400 and "Tick at least one status" in none.content.decode()


def test_the_export_command_takes_several_statuses(reference_data, tmp_path):
    IncidentFactory(status=IncidentStatus.VERIFIED, title="Invented verified one")
    IncidentFactory(status=IncidentStatus.IN_REVIEW, title="Invented one in review")
    IncidentFactory(status=IncidentStatus.DRAFT, title="Invented draft one")
    path = tmp_path / "out.csv"

    call_command(
        "export_incidents", "--status", "verified,in_review", "-o", str(path), stderr=io.StringIO()
    )

    text = path.read_text()
    assert "Invented verified one" in text and "Invented one in review" in text
    assert "Invented draft one" not in text
