"""Exporting incidents: round trips, and what must never leave the building."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident, Protest, Tag
from casebook.codebook.models import ActType, OutcomeType
from casebook.people.models import Person
from casebook.sources.models import IncidentSource, Source
from casebook.transfer.formats.acled import COLUMNS as ACLED_COLUMNS
from casebook.transfer.formats.casebook_csv import COLUMNS
from casebook.transfer.services import import_template, incidents_export, incidents_import
from tests.factories import (
    ActFactory,
    IncidentFactory,
    IncidentSourceFactory,
    InvolvementFactory,
    OutcomeFactory,
    ProtestFactory,
)

pytestmark = pytest.mark.django_db


def export(format: str = "csv", *, actor=None, **options) -> str:
    stream = io.StringIO()
    incidents_export(stream=stream, actor=actor, format=format, **options)
    return stream.getvalue()


@pytest.fixture
def casebook():
    """Two incidents: one with a protest, two acts, outcomes, sources and a named person."""
    protest = ProtestFactory(name="Invented march for invented causes")
    first = IncidentFactory(
        title="Arrests at the invented march",
        protest=protest,
        date=dt.date(2024, 5, 4),
        summary="Officers arrested marchers.",
        latitude="51.500000",
        longitude="-0.120000",
        coordinate_precision="street",
    )
    first.tags.add(Tag.objects.create(name="march"))
    arrest = ActFactory(incident=first, number_affected=2)
    OutcomeFactory(act=arrest, date=dt.date(2024, 5, 5))
    OutcomeFactory(act=arrest, date=None, outcome_type=OutcomeType.objects.get(slug="convicted"))
    ActFactory(
        incident=first,
        act_type=ActType.objects.get(slug="seizure"),
        number_affected=None,
        number_precision="unknown",
        legal_provision=None,
        trigger_type=None,
        trigger_wording="",
        offence_wording="",
    )
    IncidentSourceFactory(incident=first)
    # Found by searching for the incident once it was known: no capture (analysis/capture.py).
    IncidentSourceFactory(incident=first, supports="seizure", found_independently=False)
    InvolvementFactory(
        act=arrest, person__full_name="Testperson Canaryname", person__contact="canary@example.test"
    )
    second = IncidentFactory(
        title="Image appeal after an invented vigil",
        date=dt.date(2024, 2, 1),
        date_precision="month",
        force=None,
    )
    ActFactory(
        incident=second,
        act_type=ActType.objects.get(slug="image_appeal"),
        number_affected=5,
        number_precision="approximate",
        legal_provision=None,
        trigger_type=None,
    )
    return first, second


def _forget_incidents() -> None:
    Incident.objects.all().delete()
    Source.objects.all().delete()
    Protest.objects.all().delete()


def test_csv_export_imports_back_into_an_empty_casebook_unchanged(casebook):
    exported = export("csv")
    _forget_incidents()

    report = incidents_import(file=exported.encode(), actor=None)

    assert report.ok, report.problems
    assert report.created == 2
    assert export("csv") == exported


def test_json_export_imports_back_with_people_linked_by_reference(casebook):
    exported = export("json")
    _forget_incidents()

    report = incidents_import(file=exported.encode(), actor=None)

    assert report.ok, report.problems
    assert export("json") == exported
    assert Person.objects.get().involvements.count() == 1


@pytest.mark.parametrize("format", ["csv", "json"])
def test_a_source_found_by_searching_stays_so_through_a_round_trip(casebook, format):
    def flags() -> list[tuple[str, bool]]:
        return sorted(IncidentSource.objects.values_list("supports", "found_independently"))

    before = flags()
    assert before == [("arrest count", True), ("seizure", False)]
    exported = export(format)
    assert ("false" if format == "csv" else '"found_independently": false') in exported
    _forget_incidents()
    assert incidents_import(file=exported.encode(), actor=None).ok
    assert flags() == before


def test_an_unreadable_found_independently_is_named(reference_data):
    from tests.transfer.conftest import csv_bytes, incident_row

    report = incidents_import(
        file=csv_bytes([incident_row(source_found_independently="perhaps")]), actor=None
    )
    assert not report.ok
    assert "source_found_independently" in str(report.problems[0])


def test_csv_has_one_row_per_act_or_source_and_dates_keep_their_precision(casebook):
    rows = list(csv.DictReader(io.StringIO(export("csv"))))

    assert list(rows[0]) == list(COLUMNS)
    assert [(r["date"], r["act_type"]) for r in rows] == [
        ("2024-02", "image_appeal"),
        ("2024-05-04", "arrest"),
        ("2024-05-04", "seizure"),
    ]
    arrest = rows[1]
    assert (arrest["outcome"], arrest["outcome_date"]) == ("charged; convicted", "2024-05-05; ")
    assert arrest["protest"] == "Invented march for invented causes"


@pytest.mark.parametrize("format", ["csv", "json", "acled"])
def test_exports_without_personal_data_carry_no_names_or_contacts(casebook, personas, format):
    text = export(format, actor=personas["analyst"])

    assert "Canaryname" not in text
    assert "canary@example.test" not in text
    assert "An invented article" not in text  # source texts name people too


def test_json_export_names_people_by_reference_only(casebook, personas):
    data = json.loads(export("json", actor=personas["analyst"]))

    people = [p for i in data["incidents"] for a in i.get("acts", []) for p in a.get("people", [])]
    assert people == [{"reference": Person.objects.get().reference, "role": "arrested"}]


def test_personal_data_export_is_refused_to_analysts(casebook, personas):
    with pytest.raises(PermissionDenied):
        export("json", actor=personas["analyst"], personal_data=True)


@pytest.mark.parametrize("persona", ["caseworker", "outsider", "anonymous"])
def test_only_exporting_roles_may_export(casebook, personas, persona):
    with pytest.raises(PermissionDenied):
        export("csv", actor=personas[persona] or _anonymous())


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_personal_data_export_includes_details_and_leaves_a_trace(casebook, personas):
    text = export("json", actor=personas["coordinator"], personal_data=True)

    assert "Testperson Canaryname" in text
    entry = AuditEntry.objects.get(action="cases.incidents.exported")
    assert entry.actor == personas["coordinator"]
    assert entry.changes["personal_data"] is True
    assert entry.changes["people"] == [Person.objects.get().reference]
    assert "Canaryname" not in json.dumps(entry.changes)


def test_every_export_is_recorded_with_its_format_and_size(casebook, personas):
    export("acled", actor=personas["analyst"])

    entry = AuditEntry.objects.get(action="cases.incidents.exported")
    assert entry.changes == {
        "format": "acled",
        "incidents": 2,
        "personal_data": False,
        "people": [],
    }


def test_free_text_goes_through_the_redactor(casebook):
    text = export("csv", redact=lambda value: value.replace("invented", "[REDACTED]"))

    assert "Arrests at the [REDACTED] march" in text
    assert "Arrests at the invented march" not in text


def test_a_summary_leaves_only_once_its_redaction_is_approved(casebook, make_user):
    from casebook.redaction.services import derivative_approve, derivative_propose

    assert "Officers arrested marchers." not in export("csv")
    coordinator = make_user("coordinator")
    derivative = derivative_propose(original=casebook[0], actor=coordinator, field="summary")
    assert "Officers arrested marchers." not in export("csv")  # proposed is not approved
    derivative_approve(derivative=derivative, actor=coordinator)
    assert derivative.text in export("csv")


def test_spreadsheet_formulas_are_neutralised_and_restored_on_import(reference_data):
    IncidentFactory(title='=HYPERLINK("https://evil.example.test","click")')

    exported = export("csv")
    assert "'=HYPERLINK" in exported
    _forget_incidents()
    incidents_import(file=exported.encode(), actor=None)

    assert Incident.objects.get().title.startswith("=HYPERLINK")


def test_acled_export_uses_acleds_columns_and_codes(casebook):
    rows = list(csv.DictReader(io.StringIO(export("acled"))))

    assert list(rows[0]) == list(ACLED_COLUMNS)
    first, _ = casebook
    march = next(r for r in rows if r["event_id_cnty"] == first.reference)
    assert march["event_date"] == "2024-05-04"
    assert march["sub_event_type"] == "Protest with intervention"
    assert (march["actor2"], march["inter2"], march["interaction"]) == (
        "Metropolitan Police Service",
        "1",
        "16",
    )
    assert (march["iso"], march["country"], march["admin1"]) == ("826", "United Kingdom", "England")
    assert (march["latitude"], march["longitude"], march["geo_precision"]) == (
        "51.500000",
        "-0.120000",
        "1",
    )
    assert "arrest of 2 people" in march["notes"]


def test_incidents_imported_from_acled_keep_acleds_event_id_on_export(reference_data):
    IncidentFactory(external_id="acled:GBR90001")

    rows = list(csv.DictReader(io.StringIO(export("acled"))))

    assert rows[0]["event_id_cnty"] == "GBR90001"


@pytest.mark.parametrize("format", ["csv", "json"])
def test_the_import_template_is_itself_a_valid_import(reference_data, format):
    report = incidents_import(
        file=import_template(format=format).encode(), actor=None, dry_run=True
    )

    assert report.ok, report.problems
    assert report.created == 1


def test_export_of_a_chosen_queryset_contains_only_those_incidents(casebook):
    first, _ = casebook

    text = export("csv", incidents=Incident.objects.filter(pk=first.pk))

    assert "Image appeal" not in text
    assert "Arrests at the invented march" in text


def test_export_reports_its_progress_and_streams_in_pieces(casebook):
    seen = []

    text = export("csv", progress=lambda phase, done, total: seen.append((phase, done, total)))

    assert seen == [("exporting", 2, 2)]
    assert text.startswith("incident_id,title,")


def test_a_streamed_export_is_recorded_before_its_first_piece(casebook, personas):
    from casebook.transfer.services import incidents_export_stream

    stream = incidents_export_stream(actor=personas["analyst"], format="json")

    assert AuditEntry.objects.filter(action="cases.incidents.exported").count() == 1
    assert stream.count == 2
    assert stream.filename.endswith(".json")
    assert json.loads("".join(stream))["incidents"][0]["title"]
