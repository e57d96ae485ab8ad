"""Importing what is valid and handing back the rest: `skip_invalid` and the rejects file."""

from __future__ import annotations

import csv
import io
import json

import pytest

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident, Protest
from casebook.sources.models import Source
from casebook.transfer.formats.base import WITH_ITS_INCIDENT
from casebook.transfer.services import incidents_import
from tests.transfer.conftest import csv_bytes, incident_row
from tests.transfer.test_import_acled import acled_row
from tests.transfer.test_import_json import document, incident

pytestmark = pytest.mark.django_db


def mixed_rows() -> list[dict]:
    """Incidents a (two rows, valid), b (two rows, the second with an unknown act type),
    c (an unknown force) and d (valid)."""
    return [
        incident_row(incident_id="a"),
        incident_row(
            incident_id="a",
            title="",
            date="",
            act_type="seizure",
            outcome="",
            outcome_date="",
            source_url="",
            source_title="",
            source_publisher="",
        ),
        incident_row(incident_id="b", title="Invented kettling at Testford bridge"),
        incident_row(
            incident_id="b",
            title="",
            date="",
            act_type="detention",
            outcome="",
            outcome_date="",
            source_url="",
            source_title="",
            source_publisher="",
        ),
        incident_row(incident_id="c", force="Metropolis PD"),
        incident_row(incident_id="d"),
    ]


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_skip_invalid_writes_valid_incidents_and_rejects_the_others_whole(coordinator):
    rejects = io.StringIO()

    report = incidents_import(
        file=csv_bytes(mixed_rows()), actor=coordinator, skip_invalid=True, rejects=rejects
    )

    assert report.ok
    assert (report.created, report.rejected, report.rejected_rows) == (2, 2, 3)
    assert sorted(Incident.objects.values_list("external_id", flat=True)) == ["a", "d"]
    assert Incident.objects.get(external_id="a").acts.count() == 2
    assert report.summary == (
        "Imported 2 new incidents and updated 0; 0 already up to date. 2 incidents (3 rows "
        "of the file) were left out for problems."
    )
    rows = read_csv(rejects.getvalue())
    assert [(r["incident_id"], r["act_type"]) for r in rows] == [
        ("b", "arrest"),
        ("b", "detention"),
        ("c", "arrest"),
    ]
    assert list(rows[0]) == [
        *csv_bytes(mixed_rows()).decode().splitlines()[0].split(","),
        "problems",
    ]
    assert rows[0]["problems"] == WITH_ITS_INCIDENT
    assert rows[1]["problems"].startswith(
        "act_type: 'detention' is not an act type in the codebook; use one of: arrest,"
    )
    assert rows[2]["problems"] == (
        "force: 'Metropolis PD' is not a police force in the codebook. Use the "
        "force's name or slug, e.g. metropolitan-police-service."
    )
    assert [str(p).split(",")[0] for p in report.problems] == ["Row 5", "Row 6"]


def test_the_fixed_rejects_file_imports_as_it_is_and_completes_the_import(coordinator):
    data = csv_bytes(mixed_rows())
    rejects = io.StringIO()
    incidents_import(file=data, actor=coordinator, skip_invalid=True, rejects=rejects)

    fixed = (
        rejects.getvalue().replace("detention", "arrest").replace("Metropolis PD", "Kent Police")
    )
    report = incidents_import(file=fixed.encode(), actor=coordinator)

    assert report.ok, report.problems
    assert report.created == 2
    assert sorted(Incident.objects.values_list("external_id", flat=True)) == ["a", "b", "c", "d"]
    assert Incident.objects.get(external_id="c").force.slug == "kent-police"
    again = incidents_import(
        file=data.decode()
        .replace("detention", "arrest")
        .replace("Metropolis PD", "Kent Police")
        .encode(),
        actor=coordinator,
    )
    assert (again.created, again.updated) == (0, 0)


def test_without_skip_invalid_one_bad_row_still_stops_the_whole_file(coordinator):
    report = incidents_import(file=csv_bytes(mixed_rows()), actor=coordinator)

    assert not report.ok
    assert report.summary == "Nothing was imported: the file has 2 problems to fix first."
    assert not Incident.objects.exists()
    assert not AuditEntry.objects.filter(action="cases.incident.imported").exists()


def test_a_rejects_file_that_fails_again_keeps_one_problems_column(coordinator):
    first = io.StringIO()
    incidents_import(
        file=csv_bytes(mixed_rows()), actor=coordinator, skip_invalid=True, rejects=first
    )
    second = io.StringIO()

    report = incidents_import(
        file=first.getvalue().replace("detention", "arrest").encode(),
        actor=coordinator,
        skip_invalid=True,
        rejects=second,
    )

    assert (report.created, report.rejected) == (1, 1)
    rows = read_csv(second.getvalue())
    assert [r["incident_id"] for r in rows] == ["c"]
    assert second.getvalue().splitlines()[0].count("problems") == 1
    assert rows[0]["problems"].startswith("force: 'Metropolis PD'")


def test_a_bad_header_rejects_nothing_and_imports_nothing(coordinator):
    row = incident_row()
    row["froce"] = row.pop("force")
    rejects = io.StringIO()

    report = incidents_import(
        file=csv_bytes([row]), actor=coordinator, skip_invalid=True, rejects=rejects
    )

    assert not report.ok
    assert report.summary == "Nothing was imported: the file has 1 problem to fix first."
    assert rejects.getvalue() == ""
    assert not Incident.objects.exists()


def test_an_incident_citing_a_source_with_bad_details_elsewhere_is_rejected_too(coordinator):
    rows = [
        incident_row(incident_id="first", source_kind="blog post"),
        incident_row(incident_id="second"),
        incident_row(incident_id="third", source_url="", source_title="", source_publisher=""),
    ]
    rejects = io.StringIO()

    report = incidents_import(
        file=csv_bytes(rows), actor=coordinator, skip_invalid=True, rejects=rejects
    )

    assert (report.created, report.rejected) == (1, 2)
    assert Incident.objects.get().external_id == "third"
    assert not Source.objects.exists()
    problems = [r["problems"] for r in read_csv(rejects.getvalue())]
    assert problems[0].startswith("source_kind: 'blog post' is not a source kind")
    assert problems[1] == (
        "source_url: names a source whose details have a problem on Row 2; fix them there."
    )


def test_dry_run_with_skip_invalid_counts_and_hands_back_rejects_but_writes_nothing(
    coordinator,
):
    rejects = io.StringIO()

    report = incidents_import(
        file=csv_bytes(mixed_rows()),
        actor=coordinator,
        skip_invalid=True,
        rejects=rejects,
        dry_run=True,
    )

    assert report.summary.startswith("Checked: would import 2 new incidents")
    assert "2 incidents (3 rows of the file) would be left out for problems." in report.summary
    assert len(read_csv(rejects.getvalue())) == 3
    assert not Incident.objects.exists()


def test_a_protest_named_across_chunks_is_created_once(coordinator, monkeypatch):
    monkeypatch.setattr("casebook.transfer.services.CHUNK", 2)
    rows = [incident_row(incident_id=f"id-{n}", protest="Invented march") for n in range(5)]

    report = incidents_import(file=csv_bytes(rows), actor=coordinator)

    assert report.created == 5
    assert Protest.objects.get().incidents.count() == 5


# --- JSON and ACLED ---------------------------------------------------------------------


def test_json_rejects_are_json_lines_with_their_problems_and_import_once_fixed(coordinator):
    bad = incident(id="json-bad", acts=[{"act_type": "arrest", "number_affected": -2}])
    data = document(incident(id="json-good"), bad)
    rejects = io.StringIO()

    report = incidents_import(file=data, actor=coordinator, skip_invalid=True, rejects=rejects)

    assert (report.created, report.rejected) == (1, 1)
    lines = [json.loads(line) for line in rejects.getvalue().splitlines()]
    assert [line["id"] for line in lines] == ["json-bad"]
    assert lines[0]["problems"] == [
        "acts[0], number_affected: '-2' is not a whole number; write e.g. 3, or leave it empty."
    ]
    lines[0]["acts"][0]["number_affected"] = 2
    fixed = "\n".join(json.dumps(line) for line in lines) + "\n"

    again = incidents_import(file=fixed.encode(), actor=coordinator)

    assert again.ok, again.problems
    assert again.created == 1
    assert Incident.objects.get(external_id="json-bad").acts.get().number_affected == 2


def test_json_lines_name_problems_by_line(coordinator):
    lines = [
        json.dumps(incident(id="one")),
        "{not json",
        json.dumps(incident(id="three", title="")),
    ]

    report = incidents_import(
        file="\n".join(lines).encode(), actor=coordinator, filename="rejects.jsonl"
    )

    assert [str(p) for p in report.problems] == [
        "Line 2: is not valid JSON (Expecting property name enclosed in double quotes at "
        "column 2); each line holds one incident.",
        "Line 3, title: is missing; every incident needs a title.",
    ]


def test_acled_rows_that_cannot_be_read_go_to_the_rejects_in_acled_columns(coordinator):
    rows = [
        acled_row(event_id_cnty="GBR1"),
        acled_row(event_id_cnty="GBR2", event_date="the ides of March"),
    ]
    rejects = io.StringIO()

    report = incidents_import(
        file=csv_bytes(rows),
        actor=coordinator,
        skip_invalid=True,
        rejects=rejects,
        filename="acled.csv",
    )

    assert (report.created, report.rejected) == (1, 1)
    rejected = read_csv(rejects.getvalue())
    assert [r["event_id_cnty"] for r in rejected] == ["GBR2"]
    assert rejected[0]["problems"].startswith("event_date: 'the ides of March' is not a date")
    assert list(rejected[0])[:3] == ["event_id_cnty", "event_date", "year"]


# --- Progress ---------------------------------------------------------------------------


def test_progress_is_reported_for_reading_checking_and_writing(coordinator):
    data = csv_bytes([incident_row(incident_id=f"id-{n}") for n in range(3)])
    seen: dict[str, tuple[int, int]] = {}

    incidents_import(
        file=data,
        actor=coordinator,
        progress=lambda phase, done, total: seen.update({phase: (done, total)}),
    )

    assert seen == {
        "reading": (len(data.decode()), len(data.decode())),
        "checking": (3, 3),
        "problems": (0, 3),
        "writing": (3, 3),
    }
