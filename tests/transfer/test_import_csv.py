"""Importing Casebook CSV files: what a coordinator sees after uploading a spreadsheet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from casebook.audit.models import AuditEntry
from casebook.cases.models import Act, Incident, Outcome, Protest
from casebook.cases.search import filter_by_text
from casebook.cases.services import NOT_KEPT
from casebook.sources.models import IncidentSource, Source
from casebook.transfer.services import ImportFileError, incidents_import
from tests.factories import IncidentFactory, SourceFactory
from tests.transfer.conftest import csv_bytes, incident_row

pytestmark = pytest.mark.django_db


def test_import_creates_incident_with_its_act_outcome_and_source(coordinator):
    report = incidents_import(file=csv_bytes([incident_row()]), actor=coordinator)

    assert report.ok, report.problems
    assert (report.created, report.updated) == (1, 0)
    incident = Incident.objects.get(external_id="testgroup-001")
    assert incident.reference.startswith("CB-2024-")
    assert incident.force.slug == "metropolitan-police-service"
    assert incident.created_by == coordinator
    act = incident.acts.get()
    assert (act.act_type.slug, act.number_affected, act.number_precision) == ("arrest", 3, "exact")
    assert act.legal_provision.citation == "Public Order Act 1986 s5"
    assert act.trigger_type.slug == "placard"
    assert [(o.outcome_type.slug, o.date) for o in act.outcomes.all()] == [
        ("charged", dt.date(2024, 5, 6))
    ]
    source = incident.source_links.get().source
    assert (source.title, source.channel.slug, source.grade) == (
        "Three held at invented vigil",
        "other",
        "F6",
    )


def test_import_accepts_forces_provisions_and_terms_as_people_write_them(coordinator):
    row = incident_row(
        force="the Met",
        legal_provision="s.14 POA",
        act_type="Stop and search",
        trigger_type="Placard or sign",
        outcome="No further action",
        outcome_date="",
    )

    report = incidents_import(file=csv_bytes([row]), actor=coordinator)

    assert report.ok, report.problems
    act = Act.objects.select_related("incident__force").get()
    assert act.incident.force.slug == "metropolitan-police-service"
    assert act.legal_provision.citation == "Public Order Act 1986 s14"
    assert act.act_type.slug == "stop_search"
    assert act.outcomes.get().outcome_type.slug == "no_further_action"


def test_import_rejects_unknown_force_naming_row_column_and_fix(coordinator):
    rows = [incident_row(incident_id="a"), incident_row(incident_id="b", force="Metropolis PD")]

    report = incidents_import(file=csv_bytes(rows), actor=coordinator)

    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "Row 3, force: 'Metropolis PD' is not a police force in the codebook. Use the "
        "force's name or slug, e.g. metropolitan-police-service."
    ]
    assert report.summary == "Nothing was imported: the file has 1 problem to fix first."
    assert not Incident.objects.exists()


def test_import_reports_every_problem_at_once_and_writes_nothing(coordinator):
    rows = [
        incident_row(incident_id="a", date="31/02/2024"),
        incident_row(incident_id="b", act_type="detention"),
        incident_row(incident_id="c", number_affected="three"),
        incident_row(incident_id="d", title=""),
        incident_row(incident_id="e", latitude="91", longitude="0"),
        incident_row(incident_id="f"),
    ]

    report = incidents_import(file=csv_bytes(rows), actor=coordinator)

    messages = [str(p) for p in report.problems]
    assert "Row 2, date: 2024-02-31 is not a real date." in messages
    assert any(
        m.startswith(
            "Row 3, act_type: 'detention' is not an act type in the codebook; use one of: arrest,"
        )
        for m in messages
    )
    assert (
        "Row 4, number_affected: 'three' is not a whole number; write e.g. 3, or leave it "
        "empty." in messages
    )
    assert any(m.startswith("Row 5, title: is empty") for m in messages)
    assert "Row 6, latitude: 91 is outside -90…90." in messages
    assert not Incident.objects.exists()
    assert not Source.objects.filter(external_id__isnull=True, url__contains="vigil").exists()


def test_reimporting_the_same_file_changes_nothing(coordinator):
    rows = [
        incident_row(),
        incident_row(
            act_type="seizure",
            number_affected="1",
            legal_provision="",
            trigger_type="",
            outcome="",
            outcome_date="",
        ),
    ]
    incidents_import(file=csv_bytes(rows), actor=coordinator)

    report = incidents_import(file=csv_bytes(rows), actor=coordinator)

    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Incident.objects.count() == 1
    assert Act.objects.count() == 2
    assert Outcome.objects.count() == 1
    assert IncidentSource.objects.count() == 1


def test_reimport_updates_changed_values_and_records_them_in_the_history(coordinator):
    incidents_import(file=csv_bytes([incident_row()]), actor=coordinator)

    changed = incident_row(
        title="Invented arrests at a Testford vigil (corrected)",
        number_affected="4",
        outcome="charged; convicted",
        outcome_date="2024-05-06; 2024-09-01",
    )
    report = incidents_import(file=csv_bytes([changed]), actor=coordinator)

    assert (report.created, report.updated) == (0, 1)
    incident = Incident.objects.get()
    assert incident.title.endswith("(corrected)")
    act = incident.acts.get()
    assert act.number_affected == 4
    assert [o.outcome_type.slug for o in act.outcomes.all()] == ["charged", "convicted"]
    update = AuditEntry.objects.get(action="cases.incident.updated")
    assert update.incident_reference == incident.reference
    assert update.actor == coordinator
    # Free text names people: the trail keeps that the title changed, not what it said.
    assert update.changes["title"] == [NOT_KEPT, NOT_KEPT]
    assert update.changes["act 1 number_affected"] == ["3", "4"]
    assert AuditEntry.objects.filter(action="cases.incident.imported").count() == 1


def test_empty_cells_on_reimport_keep_what_the_casebook_has(coordinator):
    incidents_import(file=csv_bytes([incident_row(summary="Kept summary.")]), actor=coordinator)

    incidents_import(file=csv_bytes([incident_row(summary="", force="")]), actor=coordinator)

    incident = Incident.objects.get()
    assert incident.summary == "Kept summary."
    assert incident.force.slug == "metropolitan-police-service"


def test_skip_existing_leaves_imported_incidents_alone(coordinator):
    incidents_import(file=csv_bytes([incident_row()]), actor=coordinator)

    report = incidents_import(
        file=csv_bytes([incident_row(title="Changed")]), actor=coordinator, update_existing=False
    )

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Incident.objects.get().title == "Invented arrests at a Testford vigil"


def test_rows_sharing_an_incident_id_make_one_incident_with_several_acts_and_sources(
    coordinator,
):
    rows = [
        incident_row(),
        incident_row(
            title="",
            date="",
            act_type="seizure",
            number_affected="2",
            legal_provision="",
            trigger_type="flag",
            outcome="",
            outcome_date="",
            source_url="https://news.example.test/story/second",
            source_title="Flags seized at invented vigil",
        ),
        {
            "incident_id": "testgroup-001",
            "source_url": "https://police.example.test/statement",
            "source_title": "Statement on the invented vigil",
            "source_kind": "police_statement",
            "source_channel": "police-statements",
        },
    ]

    report = incidents_import(file=csv_bytes(rows), actor=coordinator)

    assert report.ok, report.problems
    incident = Incident.objects.get()
    assert [a.act_type.slug for a in incident.acts.all()] == ["arrest", "seizure"]
    kinds = sorted(link.source.kind for link in incident.source_links.all())
    assert kinds == ["news_article", "news_article", "police_statement"]


def test_rows_of_one_incident_that_disagree_are_a_problem(coordinator):
    rows = [incident_row(), incident_row(date="2024-05-05", act_type="seizure")]

    report = incidents_import(file=csv_bytes(rows), actor=coordinator)

    assert [str(p) for p in report.problems] == [
        "Row 3, date: '2024-05-05' differs from '2024-05-04' on row 2 for the same "
        "incident_id; give each incident's details once, or repeat them exactly."
    ]


def test_import_reads_uk_dates_and_keeps_their_precision(coordinator):
    rows = [
        incident_row(incident_id="day", date="04/05/2024"),
        incident_row(incident_id="month", date="May 2024"),
        incident_row(incident_id="year", date="2023"),
    ]

    incidents_import(file=csv_bytes(rows), actor=coordinator)

    found = {i.external_id: (i.date, i.date_precision) for i in Incident.objects.all()}
    assert found == {
        "day": (dt.date(2024, 5, 4), "day"),
        "month": (dt.date(2024, 5, 1), "month"),
        "year": (dt.date(2023, 1, 1), "year"),
    }


def test_import_suggests_the_column_a_misspelt_header_meant(coordinator):
    row = incident_row()
    row["froce"] = row.pop("force")

    report = incidents_import(file=csv_bytes([row]), actor=coordinator)

    assert [str(p) for p in report.problems] == [
        "Row 1, froce: is not a Casebook column; did you mean 'force'? The columns are "
        "listed in the import help."
    ]


def test_import_reads_semicolon_separated_files_with_a_byte_order_mark(coordinator):
    data = "\ufeff".encode() + csv_bytes([incident_row()], delimiter=";")

    report = incidents_import(file=data, actor=coordinator)

    assert report.ok, report.problems
    assert Incident.objects.get().title == "Invented arrests at a Testford vigil"


def test_import_explains_how_to_save_a_file_that_is_not_utf8(coordinator):
    data = csv_bytes([incident_row(place="Testford Café")]).decode().encode("cp1252")

    with pytest.raises(ImportFileError, match="not UTF-8 text.*CSV UTF-8"):
        incidents_import(file=data, actor=coordinator)


def test_dry_run_counts_what_would_change_and_writes_nothing(coordinator):
    report = incidents_import(file=csv_bytes([incident_row()]), actor=coordinator, dry_run=True)

    assert report.ok
    assert report.summary.startswith("Checked: would import 1 new incident")
    assert not Incident.objects.exists()
    assert not Source.objects.exists()


def test_rows_without_incident_id_import_with_a_warning_about_duplicates(coordinator):
    rows = [incident_row(incident_id=""), incident_row(incident_id="", title="Another")]

    report = incidents_import(file=csv_bytes(rows), actor=coordinator)

    assert report.created == 2
    assert report.notes == [
        "2 incidents have no incident_id: importing the same file again would add them again."
    ]


@pytest.mark.parametrize("role", ["caseworker", "analyst", None])
def test_only_coordinators_and_administrators_import(make_user, role):
    with pytest.raises(PermissionDenied):
        incidents_import(file=csv_bytes([incident_row()]), actor=make_user(role))
    assert not Incident.objects.exists()


def test_imported_incidents_are_found_by_full_text_search(coordinator):
    incidents_import(
        file=csv_bytes([incident_row(trigger_wording="ZORBLAX NOW")]), actor=coordinator
    )

    assert filter_by_text(Incident.objects.all(), "zorblax").count() == 1


def test_import_links_a_known_source_by_its_url_instead_of_copying_it(coordinator):
    known = SourceFactory(url="https://news.example.test/story/vigil")

    incidents_import(file=csv_bytes([incident_row()]), actor=coordinator)

    assert Source.objects.count() == 1
    assert Incident.objects.get().source_links.get().source == known


def test_one_source_cited_by_many_incidents_is_created_once(coordinator):
    rows = [incident_row(incident_id=f"id-{n}") for n in range(3)]

    incidents_import(file=csv_bytes(rows), actor=coordinator)

    assert Source.objects.count() == 1
    assert IncidentSource.objects.count() == 3


def test_protest_named_by_several_rows_is_created_once_and_then_reused(coordinator):
    rows = [incident_row(incident_id=f"id-{n}", protest="Invented vigil") for n in range(2)]

    incidents_import(file=csv_bytes(rows), actor=coordinator)
    incidents_import(
        file=csv_bytes([incident_row(incident_id="id-9", protest="invented VIGIL")]),
        actor=coordinator,
    )

    protest = Protest.objects.get()
    assert protest.incidents.count() == 3


def test_incident_exported_from_this_casebook_is_updated_by_its_reference(coordinator):
    incident = IncidentFactory(title="Old title")

    row = incident_row(incident_id=incident.reference, title="New title", date="2024-05-04")
    report = incidents_import(file=csv_bytes([row]), actor=coordinator)

    assert (report.created, report.updated) == (0, 1)
    incident.refresh_from_db()
    assert incident.title == "New title"


def test_reference_from_another_casebook_with_another_date_is_not_overwritten(coordinator):
    incident = IncidentFactory(title="Ours", date=dt.date(2024, 1, 1))

    row = incident_row(incident_id=incident.reference, title="Theirs", date="2024-05-04")
    report = incidents_import(file=csv_bytes([row]), actor=coordinator)

    assert "If the row comes from another casebook, give it a new incident_id." in str(
        report.problems[0]
    )
    incident.refresh_from_db()
    assert incident.title == "Ours"


def test_verified_status_in_a_file_is_kept_for_a_coordinator(coordinator):
    incidents_import(file=csv_bytes([incident_row(status="verified")]), actor=coordinator)

    assert Incident.objects.get().status == "verified"


def test_command_line_import_needs_no_user_and_is_audited_without_one():
    report = incidents_import(file=csv_bytes([incident_row()]), actor=None)

    assert report.ok, report.problems
    assert AuditEntry.objects.get(action="cases.incident.imported").actor is None
