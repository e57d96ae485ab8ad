"""Importing ACLED exports. Rows here are invented; ACLED's own rows never enter the repo."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from casebook.cases.models import Incident
from casebook.sources.models import Source
from casebook.transfer.formats.acled import COLUMNS
from casebook.transfer.services import incidents_import
from tests.transfer.conftest import acled_reference, csv_bytes

pytestmark = pytest.mark.django_db


def acled_row(**overrides) -> dict:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        {
            "event_id_cnty": "GBR90001",
            "event_date": "2024-03-09",
            "year": "2024",
            "time_precision": "1",
            "disorder_type": "Demonstrations",
            "event_type": "Protests",
            "sub_event_type": "Protest with intervention",
            "actor1": "Protesters (United Kingdom)",
            "inter1": "6",
            "actor2": "Police Forces of the United Kingdom",
            "inter2": "1",
            "interaction": "16",
            "iso": "826",
            "region": "Europe",
            "country": "United Kingdom",
            "admin1": "England",
            "admin2": "Testshire",
            "location": "Testford",
            "latitude": "51.1234",
            "longitude": "-0.5678",
            "geo_precision": "1",
            "source": "Example Gazette",
            "source_scale": "Subnational",
            "notes": "On 9 March 2024, invented campaigners gathered in Testford. Kent Police "
            "arrested 4 people under section 14 of the Public Order Act.",
            "fatalities": "0",
            "timestamp": "1710000000",
        }
    )
    row.update(overrides)
    return row


def test_acled_events_become_incidents_with_arrests_read_from_the_notes(coordinator):
    report = incidents_import(
        file=csv_bytes([acled_row()]), actor=coordinator, filename="acled.csv"
    )

    assert report.ok, report.problems
    assert report.format == "acled"
    incident = Incident.objects.get()
    assert incident.external_id == "acled:GBR90001"
    assert incident.title == "Protest with intervention in Testford"
    assert (incident.date, incident.date_precision) == (dt.date(2024, 3, 9), "day")
    assert incident.country == "GB"
    assert str(incident.latitude) == "51.123400"
    assert incident.coordinate_precision == "town"
    assert incident.force.slug == "kent-police"
    act = incident.acts.get()
    assert (act.act_type.slug, act.number_affected, act.number_precision) == ("arrest", 4, "exact")
    assert act.legal_provision.citation == "Public Order Act 1986 s14"
    assert [t.name for t in incident.tags.all()] == ["acled"]
    source = incident.source_links.get().source
    assert (source.channel.slug, source.publisher) == ("acled", "Example Gazette")


def test_peaceful_protests_are_skipped_and_counted(coordinator):
    rows = [
        acled_row(),
        acled_row(
            event_id_cnty="GBR90002",
            sub_event_type="Peaceful protest",
            actor2="",
            inter2="0",
            interaction="60",
            notes="Invented marchers walked through Testford.",
        ),
    ]

    report = incidents_import(file=csv_bytes(rows), actor=coordinator)

    assert report.created == 1
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("Row 3", "Peaceful protest with no police action")
    ]


def test_newer_text_actor_codes_and_acled_date_styles_are_understood(coordinator):
    row = acled_row(
        sub_event_type="Violent demonstration",
        inter1="Rioters",
        inter2="State forces",
        interaction="State forces-Rioters",
        event_date="09 March 2024",
        time_precision="3",
        iso="",
        iso3="GBR",
        notes="Police dispersed invented rioters; no arrests were made.",
    )

    report = incidents_import(file=csv_bytes([row]), actor=coordinator)

    assert report.ok, report.problems
    incident = Incident.objects.get()
    assert (incident.date, incident.date_precision) == (dt.date(2024, 3, 9), "month")
    assert [a.act_type.slug for a in incident.acts.all()] == ["dispersal"]


def test_excessive_force_with_vague_numbers_is_recorded_without_a_count(coordinator):
    row = acled_row(
        sub_event_type="Excessive force against protesters",
        notes="Officers used batons on invented protesters and detained several.",
    )

    incidents_import(file=csv_bytes([row]), actor=coordinator)

    acts = {a.act_type.slug: a for a in Incident.objects.get().acts.all()}
    assert set(acts) == {"arrest", "force"}
    assert (acts["arrest"].number_affected, acts["arrest"].number_precision) == (None, "unknown")


def test_notes_naming_no_force_import_without_one_and_say_so(coordinator):
    row = acled_row(notes="Police arrested two invented campaigners.", admin2="")

    report = incidents_import(file=csv_bytes([row]), actor=coordinator)

    assert Incident.objects.get().force is None
    assert report.notes == [
        "1 incidents name no police force we could recognise; they were imported without one."
    ]


def test_reimporting_an_acled_file_updates_the_same_incidents(coordinator):
    incidents_import(file=csv_bytes([acled_row()]), actor=coordinator)

    report = incidents_import(
        file=csv_bytes([acled_row(location="Testford Green")]), actor=coordinator
    )

    assert (report.created, report.updated) == (0, 1)
    assert Incident.objects.get().place == "Testford Green"
    assert Source.objects.count() == 1


def test_a_file_that_is_not_an_acled_export_says_so(coordinator):
    data = csv_bytes([{"event_id_cnty": "GBR1", "event_date": "2024-01-01"}])

    report = incidents_import(file=data, actor=coordinator)

    assert [str(p) for p in report.problems] == [
        "Row 1, sub_event_type, notes: column missing; this does not look like an ACLED "
        "export. Download the events with all columns."
    ]


def test_acled_reference_sample_imports_cleanly(coordinator):
    # Real ACLED rows (test use only): we assert counts, never copy their content.
    data = acled_reference("acled_sample_2022.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode())))

    report = incidents_import(file=data, actor=coordinator, dry_run=True)

    assert report.ok, report.problems[:5]
    assert report.created + len(report.skipped) == len(rows)
    police_action = {"Protest with intervention", "Excessive force against protesters", "Arrests"}
    assert report.created >= sum(r["sub_event_type"] in police_action for r in rows)
    assert all(
        "Peaceful protest" in s.reason or "no police action" in s.reason for s in report.skipped
    )
