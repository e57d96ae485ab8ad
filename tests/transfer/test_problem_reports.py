"""An import reports every problem of a file at once, each once, in words for its maker."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from casebook.cases.models import Incident
from casebook.transfer.services import incidents_import
from tests.transfer.conftest import csv_bytes, incident_row

pytestmark = pytest.mark.django_db

# Nine incidents with one problem each, and one with three; every source its own, so that
# each source's problem belongs to its own row.
ROWS = [
    incident_row(incident_id="a", date="2024-13-45"),
    incident_row(incident_id="b", force="Metropolis PD"),
    incident_row(incident_id="c", act_type="teleportation"),
    incident_row(incident_id="d", source_kind="rumour", source_url="https://e.test/d"),
    incident_row(incident_id="e", number_affected="lots"),
    incident_row(
        incident_id="f",
        source_reliability="Z",
        source_url="https://e.test/f",
        source_title="x" * 400,
    ),
    incident_row(incident_id="g", country="Atlantis"),
    incident_row(incident_id="h", outcome="vanished"),
    incident_row(incident_id="i", trigger_type="telepathy"),
    incident_row(incident_id="j", date="2024-13-45", force="Metropolis PD", status="nonsense"),
    incident_row(incident_id="k"),  # nothing wrong
]
EXPECTED = [
    ("Row 2", "date"),
    ("Row 3", "force"),
    ("Row 4", "act_type"),
    ("Row 5", "source_kind"),
    ("Row 6", "number_affected"),
    ("Row 7", "source_reliability"),
    ("Row 7", "source_title"),
    ("Row 8", "country"),
    ("Row 9", "outcome"),
    ("Row 10", "trigger_type"),
    ("Row 11", "date"),
    ("Row 11", "force"),
    ("Row 11", "status"),
]
DJANGO_WORDING = ("This field", "Ensure this value", "Enter a valid", "cannot be null")


def places(report) -> list[tuple[str, str]]:
    return [(p.where, p.field) for p in report.problems]


def test_every_problem_of_the_file_is_reported_once_in_row_order(coordinator):
    report = incidents_import(file=csv_bytes(ROWS), actor=coordinator)

    assert places(report) == EXPECTED
    assert not Incident.objects.exists()


def test_skipping_invalid_incidents_reports_the_same_problems_as_stopping(coordinator):
    report = incidents_import(file=csv_bytes(ROWS), actor=coordinator, skip_invalid=True)

    assert places(report) == EXPECTED
    assert report.rejected == 10
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["k"]


def test_problems_are_in_our_words_not_djangos(coordinator):
    report = incidents_import(file=csv_bytes(ROWS), actor=coordinator)

    messages = [p.message for p in report.problems]
    assert not [m for m in messages if any(words in m for words in DJANGO_WORDING)]
    titles = [p.message for p in report.problems if p.field == "source_title"]
    assert titles == ["is longer than 300 characters (it has 400); shorten it."]


def test_an_unreadable_date_is_not_also_reported_as_empty(coordinator):
    csv_report = incidents_import(file=csv_bytes([incident_row(date="31/02/2024")]), actor=None)
    data = json.dumps([{"id": "x", "title": "Invented", "date": "2024-02-31"}]).encode()
    json_report = incidents_import(file=data, actor=None, filename="x.json")

    assert [str(p) for p in csv_report.problems] == ["Row 2, date: 2024-02-31 is not a real date."]
    assert [str(p) for p in json_report.problems] == [
        "incidents[0], date: 2024-02-31 is not a real date."
    ]


def test_half_a_position_is_one_problem(coordinator):
    row = incident_row(latitude="north-ish", longitude="-0.1")

    report = incidents_import(file=csv_bytes([row]), actor=coordinator)

    assert [str(p) for p in report.problems] == [
        "Row 2, latitude: 'north-ish' is not a number; write e.g. 51.5072."
    ]


def test_the_command_and_its_rejects_file_carry_every_problem(tmp_path, reference_data):
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes(ROWS))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_incidents", str(path), "--skip-invalid", stdout=out, stderr=err)

    assert len(err.getvalue().splitlines()) == len(EXPECTED)
    rejects = list(csv.DictReader((tmp_path / "incidents.rejects.csv").open()))
    assert [r["incident_id"] for r in rejects] == list("abcdefghij")
    assert rejects[-1]["problems"].count(" | ") == 2  # date, force and status of row 11
    with pytest.raises(CommandError, match="the file has 13 problems"):
        call_command("import_incidents", str(path), stdout=out, stderr=io.StringIO())
