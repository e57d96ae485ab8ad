"""Imports written in batches: others get the write lock between them, and the import stays
all or nothing — a failure half way takes back every batch already written.

The failure is a real one: a trigger in the database refuses one incident of the file, as a
full disk or a broken constraint would, after earlier batches were committed.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident, Protest
from casebook.people.models import Person
from casebook.sources.models import Source
from casebook.transfer import batches
from casebook.transfer.models import ImportJob, ImportJobWrite
from casebook.transfer.services import incidents_import
from tests.casework.test_editing import ARREST, CREATE, INCIDENT, SOURCE, editor_data
from tests.factories import InvolvementFactory
from tests.transfer.conftest import csv_bytes, incident_row
from tests.transfer.test_views import IMPORT, finished, upload
from tests.web.busy_support import SHORT_WAIT_MS, another_writer, patience_of

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED_TITLE = "Invented incident the database refuses"


def rows(count: int, *, refused_at: int | None = None) -> list[dict]:
    return [
        incident_row(
            incident_id=f"batch-{n}",
            title=REFUSED_TITLE if n == refused_at else f"Invented batch incident {n}",
            protest=f"Invented batch protest {n}",
            source_url=f"https://news.example.test/batch/{n}",
        )
        for n in range(count)
    ]


@pytest.fixture
def small_batches(monkeypatch):
    """Two incidents a batch, so that a small file is written in several."""
    monkeypatch.setattr(batches, "CHUNK", 2)
    monkeypatch.setattr(batches, "PAUSE_SECONDS", 0)


@pytest.fixture
def refusing_database():
    """A trigger that makes the database refuse one incident, as a fault would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse_incident BEFORE INSERT ON cases_incident "
                f"WHEN NEW.title = '{REFUSED_TITLE}' "
                "BEGIN SELECT RAISE(ABORT, 'simulated fault while writing'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_incident() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.title = '{REFUSED_TITLE}' THEN "
                "RAISE EXCEPTION 'simulated fault while writing'; END IF; RETURN NEW; "
                "END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_incident BEFORE INSERT ON cases_incident "
                "FOR EACH ROW EXECUTE FUNCTION refuse_incident()"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER refuse_incident")
        else:
            cursor.execute("DROP TRIGGER refuse_incident ON cases_incident")
            cursor.execute("DROP FUNCTION refuse_incident()")


def nothing_of_the_file_is_left() -> None:
    assert not Incident.objects.exists()
    assert not Person.objects.exists()
    assert not Source.objects.filter(url__contains="/batch/").exists()
    assert not Protest.objects.filter(name__startswith="Invented batch protest").exists()
    assert not ImportJobWrite.objects.exists()


def test_a_failure_after_some_batches_were_written_leaves_nothing_visible(
    small_batches, refusing_database, reference_data
):
    with pytest.raises(DatabaseError, match="simulated fault"):
        incidents_import(file=csv_bytes(rows(7, refused_at=5)), actor=None)

    nothing_of_the_file_is_left()
    undone = AuditEntry.objects.get(action="cases.incidents.import_undone")
    assert undone.changes["incident"] == [4, 0]  # two batches had been written, then taken back
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_a_web_import_that_fails_half_way_says_so_and_keeps_nothing(
    small_batches, refusing_database, client_for
):
    client = client_for("coordinator")

    response = client.post(IMPORT, upload(csv_bytes(rows(7, refused_at=5))))

    page = finished(client, response).content.decode()
    assert "Not imported" in page and "nothing of it was kept" in page
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
    nothing_of_the_file_is_left()


def test_a_file_in_several_batches_is_imported_whole(small_batches, reference_data):
    report = incidents_import(file=csv_bytes(rows(7)), actor=None)

    assert report.ok and report.created == 7
    assert Incident.objects.count() == 7
    assert Protest.objects.filter(name__startswith="Invented batch protest").count() == 7
    assert not ImportJobWrite.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.Status.FINISHED


def test_checking_a_file_and_a_dry_run_need_no_write_lock(reference_data):
    """Another writer holds the lock throughout: checking writes nothing, so it goes on."""
    bad = [incident_row(incident_id="bad", force="Metropolis PD")]
    with patience_of(SHORT_WAIT_MS), another_writer():
        dry = incidents_import(file=csv_bytes(rows(3)), actor=None, dry_run=True)
        refused = incidents_import(file=csv_bytes(bad), actor=None)

    assert dry.ok and dry.created == 3
    assert not refused.ok and "Metropolis PD" in str(refused.problems[0])
    assert not Incident.objects.exists()


def test_the_import_waits_for_a_writer_that_holds_the_lock_instead_of_failing(reference_data):
    held = threading.Event()
    release = threading.Event()

    def writer() -> None:
        with another_writer():
            held.set()
            release.wait(30)

    other = threading.Thread(target=writer)
    other.start()
    held.wait(30)
    timer = threading.Timer(1.0, release.set)
    timer.start()
    try:
        with patience_of(SHORT_WAIT_MS):
            report = incidents_import(file=csv_bytes(rows(3)), actor=None)
    finally:
        release.set()
        other.join()
    assert report.ok and Incident.objects.count() == 3


def test_opening_a_person_during_an_import_works_or_gets_the_busy_page(small_batches, client_for):
    person = InvolvementFactory(person__full_name="Invented Readerperson").person
    client = client_for("coordinator")
    url = reverse("people:person-detail", args=[person.reference])
    statuses = []
    importing = threading.Thread(
        target=lambda: incidents_import(file=csv_bytes(rows(60)), actor=None)
    )
    importing.start()
    try:
        while importing.is_alive():
            statuses.append(client.get(url).status_code)
    finally:
        importing.join()
    statuses.append(client.get(url).status_code)

    assert set(statuses) <= {200, 503}, statuses
    assert statuses[-1] == 200
    assert Incident.objects.count() == 61


def test_a_job_cut_off_mid_import_is_taken_back_when_found(client_for, personas):
    """What kill -9 leaves: a running job, silent for long, with batches written."""
    incidents_import(file=csv_bytes(rows(3)), actor=None)
    cut = ImportJob.objects.create(
        created_by=personas["coordinator"],
        filename="cut.csv",
        status=ImportJob.Status.RUNNING,
        heartbeat=timezone.now() - dt.timedelta(hours=1),
        started_at=timezone.now() - dt.timedelta(hours=1),
    )
    for kind, model in (("incident", Incident), ("protest", Protest), ("source", Source)):
        ImportJobWrite.objects.bulk_create(
            ImportJobWrite(job=cut, kind=kind, row_id=pk)
            for pk in model.objects.values_list("pk", flat=True)
        )

    client_for("coordinator").get(IMPORT)

    cut.refresh_from_db()
    assert cut.status == ImportJob.Status.FAILED
    nothing_of_the_file_is_left()


@pytest.fixture
def two_a_batch(monkeypatch):
    """Two incidents a batch, with the import's own pause after each: a long import."""
    monkeypatch.setattr(batches, "CHUNK", 2)


def save_incidents_while(importing: threading.Thread, client) -> list[int]:
    """Record incidents through the editor, one after another, for as long as the import
    runs (and once more after it); returns the status of each save."""
    statuses = []
    importing.start()
    try:
        while importing.is_alive() or not statuses:
            title = f"Invented incident saved during an import {len(statuses)}"
            data = editor_data({**INCIDENT, "title": title}, acts=[ARREST], sources=[SOURCE])
            statuses.append(client.post(CREATE, data).status_code)
    finally:
        importing.join()
    return statuses


def in_a_thread(work) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as error:  # noqa: BLE001 (handed to the test to look at)
            outcome.append(error)
        finally:
            connection.close()  # the thread's own connection

    return threading.Thread(target=run), outcome


def test_people_saving_incidents_during_a_long_import_get_every_save_through(
    two_a_batch, client_for
):
    client = client_for("coordinator")
    importing, outcome = in_a_thread(lambda: incidents_import(file=csv_bytes(rows(60)), actor=None))

    statuses = save_incidents_while(importing, client)

    assert set(statuses) == {302}, statuses
    assert outcome[0].ok and outcome[0].created == 60
    saved = Incident.objects.filter(title__startswith="Invented incident saved during")
    assert saved.count() == len(statuses)
    assert Incident.objects.filter(external_id__startswith="batch-").count() == 60


def test_an_import_failing_at_its_end_while_people_save_leaves_only_their_incidents(
    two_a_batch, refusing_database, client_for
):
    client = client_for("coordinator")
    importing, outcome = in_a_thread(
        lambda: incidents_import(file=csv_bytes(rows(60, refused_at=59)), actor=None)
    )

    statuses = save_incidents_while(importing, client)

    assert set(statuses) == {302}, statuses
    assert isinstance(outcome[0], DatabaseError)
    assert not Incident.objects.filter(external_id__startswith="batch-").exists()
    assert not Protest.objects.filter(name__startswith="Invented batch protest").exists()
    assert not ImportJobWrite.objects.exists()
    saved = Incident.objects.filter(title__startswith="Invented incident saved during")
    assert saved.count() == len(statuses) == Incident.objects.count()
