"""ACLED's own rows survive an import and an export as ACLED gave them, and a row that names
no force gets the force of its place, marked as inferred.

ACLED's rows are read from ../shared/reference/acled (test use only, never copied here):
the assertions name event ids and columns, never the rows' content.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from django.urls import reverse

from casebook.cases.models import Incident
from casebook.redaction.models import AutomaticRedaction
from casebook.transfer.formats.acled import COLUMNS
from casebook.transfer.services import incidents_export, incidents_import
from tests.transfer.conftest import acled_reference, csv_bytes
from tests.transfer.test_import_acled import acled_row

pytestmark = pytest.mark.django_db


def exported_acled() -> list[dict[str, str]]:
    out = io.StringIO()
    incidents_export(stream=out, actor=None, format="acled")
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.fixture(scope="module")
def reference_redactions(django_db_blocker) -> list[AutomaticRedaction]:
    """The machine's redactions of the reference rows' free text, made once for the module by
    the same import and export (then rolled back): the export that makes them runs the
    language model over a thousand texts, the same for every test that exports these rows."""
    data = acled_reference("acled_sample_2022.csv").read_bytes()
    with django_db_blocker.unblock(), transaction.atomic():
        assert incidents_import(file=data, actor=None).ok
        exported_acled()
        made = list(AutomaticRedaction.objects.all())
        transaction.set_rollback(True)
    assert made
    return made


@pytest.fixture
def redactions_kept(reference_redactions):
    """What an earlier export of the same rows left in the casebook: its kept redactions."""
    AutomaticRedaction.objects.bulk_create(reference_redactions)


def test_acleds_reference_rows_come_back_field_by_field_as_acled_gave_them(
    coordinator, redactions_kept
):
    data = acled_reference("acled_sample_2022.csv").read_bytes()
    given = {row["event_id_cnty"]: row for row in csv.DictReader(io.StringIO(data.decode()))}

    report = incidents_import(file=data, actor=coordinator)
    rows = exported_acled()

    assert report.ok and report.created == len(rows) > 200
    assert list(rows[0]) == list(COLUMNS)
    differences = [
        (row["event_id_cnty"], column)
        for row in rows
        for column in COLUMNS
        if row[column] != given[row["event_id_cnty"]][column]
    ]
    assert differences == []


def test_acleds_rows_survive_a_casebook_json_export_and_import_too(coordinator, redactions_kept):
    data = acled_reference("acled_sample_2022.csv").read_bytes()
    incidents_import(file=data, actor=coordinator)
    before = exported_acled()
    out = io.StringIO()
    incidents_export(stream=out, actor=None, format="json")
    Incident.objects.all().delete()

    report = incidents_import(file=out.getvalue(), actor=coordinator)

    assert report.ok, report.problems[:3]
    assert exported_acled() == before


def test_the_uk_reference_rows_get_the_force_of_their_place(coordinator):
    data = acled_reference("acled_sample_2022.csv").read_bytes()

    incidents_import(file=data, actor=coordinator)

    british = Incident.objects.filter(country="GB")
    assert british.exists()
    assert not british.filter(force=None).exists()
    assert all(i.force_inference.startswith("its place (") for i in british)


@pytest.mark.parametrize(
    ("place", "force"),
    [
        ({"admin1": "England", "admin2": "Greater London", "admin3": "Hackney"}, "metropolitan"),
        ({"admin1": "England", "admin2": "Greater London", "admin3": "City of London"}, "city-of"),
        ({"admin1": "Scotland", "admin2": "Glasgow City", "admin3": ""}, "police-scotland"),
        ({"admin1": "Northern Ireland", "admin2": "Belfast", "admin3": ""}, "police-service-of"),
        ({"admin1": "Wales", "admin2": "Cardiff", "admin3": "Cardiff"}, "south-wales"),
        ({"admin1": "England", "admin2": "Isle of Wight", "location": "Newport"}, "hampshire"),
        ({"admin1": "England", "admin2": "", "location": "London - Camden"}, "metropolitan"),
    ],
)
def test_a_row_naming_no_force_gets_the_force_of_its_place(coordinator, place, force):
    row = acled_row(**{"notes": "Police arrested two invented campaigners.", "admin3": "", **place})

    report = incidents_import(file=csv_bytes([row]), actor=coordinator)

    incident = Incident.objects.get()
    assert incident.force.slug.startswith(force)
    assert incident.force_inference.startswith("its place (")
    assert "given the force that polices its place" in report.notes[0]


def test_a_force_named_in_the_notes_wins_over_the_place(coordinator):
    row = acled_row(admin2="Greater London", admin3="Camden")  # notes name Kent Police

    incidents_import(file=csv_bytes([row]), actor=coordinator)

    incident = Incident.objects.get()
    assert incident.force.slug == "kent-police"
    assert incident.force_inference == "the words of its source"


def test_a_place_elsewhere_is_not_policed_by_a_british_force(coordinator):
    row = acled_row(
        notes="Police arrested two invented campaigners.",
        iso="840",
        country="United States",
        admin1="Massachusetts",
        admin2="Suffolk",
        admin3="",
        location="Boston",
    )

    incidents_import(file=csv_bytes([row]), actor=coordinator)

    assert Incident.objects.get().force is None


def test_a_casebook_file_without_a_force_gets_the_force_of_its_place(coordinator):
    from tests.transfer.conftest import incident_row

    row = incident_row(force="", place="Newport, Isle of Wight")

    incidents_import(file=csv_bytes([row]), actor=coordinator)

    incident = Incident.objects.get()
    assert incident.force.slug == "hampshire-and-isle-of-wight-constabulary"
    assert incident.force_inference == "its place (Isle of Wight)"


def test_the_incident_page_says_the_force_was_inferred_until_someone_sets_it(
    client_for, coordinator
):
    row = acled_row(notes="Police arrested two invented campaigners.", admin3="Hackney")
    row["admin2"] = "Greater London"
    incidents_import(file=csv_bytes([row]), actor=coordinator)
    incident = Incident.objects.get()
    client = client_for("coordinator")
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Metropolitan Police Service" in page
    assert "inferred from its place (Hackney), not given by a source; check it" in page

    from tests.casework.test_editing import editor_data

    data = editor_data({**_form_fields(incident), "force": "city-of-london-police"})
    response = client.post(reverse("casework:incident-edit", args=[incident.reference]), data)

    assert response.status_code == 302, response.context["editor"].error_rows
    incident.refresh_from_db()
    assert (incident.force.slug, incident.force_inference) == ("city-of-london-police", "")
    assert "inferred from" not in client.get(incident.get_absolute_url()).content.decode()


def _form_fields(incident: Incident) -> dict:
    return {
        "title": incident.title,
        "summary": incident.summary,
        "date": incident.date.isoformat(),
        "date_precision": incident.date_precision,
        "place": incident.place,
        "country": incident.country,
    }
