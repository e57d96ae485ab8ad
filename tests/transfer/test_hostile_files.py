"""Files made to break the importer are file problems with a clear message, never a crash."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from casebook.cases.models import Incident
from casebook.transfer.services import incidents_import
from tests.transfer.conftest import csv_bytes, incident_row

pytestmark = pytest.mark.django_db

NESTED = 100_000  # brackets: far past Python's recursion limit


def problems_of(data: bytes, coordinator, **options) -> list[str]:
    report = incidents_import(file=data, actor=coordinator, **options)
    assert not report.ok
    assert not Incident.objects.exists()
    return [str(problem) for problem in report.problems]


def test_a_json_file_nested_past_the_recursion_limit_is_a_file_problem(coordinator):
    data = ("[" * NESTED + "]" * NESTED).encode()

    assert problems_of(data, coordinator, filename="deep.json") == [
        "The file: is nested more than 64 levels deep; no data Casebook reads is built like "
        "that. Check that it is the file you meant."
    ]


def test_an_incident_nested_deeply_inside_a_valid_document_is_a_file_problem(coordinator):
    deep = {"id": "x", "title": "Invented", "date": "2024-05-04", "tags": []}
    for _ in range(200):
        deep = {"acts": [deep]}
    data = json.dumps({"format": "casebook-incidents", "incidents": [deep]}).encode()

    problems = problems_of(data, coordinator, filename="deep.json")

    assert problems[0].startswith("The file: is nested more than 64 levels deep")


def test_a_json_lines_file_with_one_hostile_line_names_that_line(coordinator):
    good = json.dumps({"id": "a", "title": "Invented", "date": "2024-05-04"})
    data = f"{good}\n{'[' * NESTED}\n".encode()

    problems = problems_of(data, coordinator, filename="lines.jsonl", format="json")

    assert "Line 2: is nested more than 64 levels deep" in problems[0]
    assert problems[0].endswith("each line holds one incident.")


def test_a_number_of_thousands_of_digits_is_a_file_problem(coordinator):
    data = ('{"incidents": [{"id": "a", "number": ' + "9" * 5000 + "}]}").encode()

    assert problems_of(data, coordinator, filename="big.json") == [
        "The file: holds a number with thousands of digits, which is no count or coordinate; "
        "check the file."
    ]


def test_tags_that_are_not_words_are_a_problem_of_their_incident(coordinator):
    data = json.dumps(
        [{"id": "a", "title": "Invented", "date": "2024-05-04", "tags": [{"nested": ["x"]}]}]
    ).encode()

    assert problems_of(data, coordinator, filename="tags.json") == [
        'incidents[0], tags: should be a list of words, e.g. ["kettling"].'
    ]


def test_a_csv_cell_over_the_field_limit_is_a_file_problem_naming_its_row(coordinator):
    data = csv_bytes([incident_row(incident_id="a"), incident_row(summary="x" * 200_000)])

    assert problems_of(data, coordinator) == [
        "The file: row 3 has a cell of more than 131,072 characters, more than Casebook reads "
        "from a CSV cell. Shorten it, or check that every quote in the rows above it is closed "
        "(an unclosed quote runs on to the end of the file)."
    ]


def test_skipping_invalid_rows_cannot_skip_past_an_unreadable_cell(coordinator):
    data = csv_bytes([incident_row(incident_id="a"), incident_row(summary="x" * 200_000)])

    report = incidents_import(file=data, actor=coordinator, skip_invalid=True)

    assert [str(p) for p in report.problems][0].startswith("The file: row 3 has a cell")
    assert not report.ok
    assert not Incident.objects.exists()


def test_an_unclosed_quote_that_swallows_the_file_is_a_file_problem(coordinator):
    header = csv_bytes([incident_row()]).decode().splitlines()[0]
    data = (header + '\nx,"Invented title,2024-05-04\n' + "more text\n" * 20_000).encode()

    problems = problems_of(data, coordinator)

    assert problems[0].startswith("The file: row 2 has a cell of more than 131,072 characters")


def test_the_import_command_reports_a_hostile_file_without_a_traceback(tmp_path, reference_data):
    path = tmp_path / "deep.json"
    path.write_text("[" * NESTED)
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: the file has 1 problem"):
        call_command("import_incidents", str(path), stderr=err)

    assert "The file: is nested more than 64 levels deep" in err.getvalue()
