"""The import and export pages, through HTTP, for every persona."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident, IncidentStatus
from casebook.redaction.searching import redacted_search_pending
from casebook.transfer.downloads import held_folder
from casebook.transfer.formats.base import WITH_ITS_INCIDENT
from casebook.transfer.models import ImportJob
from tests.conftest import PERSONAS
from tests.factories import IncidentFactory, InvolvementFactory
from tests.transfer.conftest import csv_bytes, incident_row
from tests.transfer.test_import_json import document, incident

pytestmark = pytest.mark.django_db
# Imports run as jobs in a process of their own, which sees only what is committed: tests
# that run one, or take back one cut off, need a database that really commits (and is
# emptied after them). The others run inside a transaction, which is much cheaper.
commits = pytest.mark.django_db(transaction=True)

IMPORT = reverse("transfer:import")
EXPORT = reverse("transfer:export")
CANARY = "Testperson Canaryname"
# Status per persona: importers are coordinators and administrators; exporters add analysts.
IMPORTERS = list(zip(PERSONAS, (200, 200, 403, 403, 403, 302), strict=True))
EVERY_STATUS = {"statuses": IncidentStatus.values}
EXPORTERS = list(zip(PERSONAS, (200, 200, 403, 200, 403, 302), strict=True))


def upload(data: bytes, name: str = "incidents.csv", **fields) -> dict:
    return {"file": SimpleUploadedFile(name, data), "format": "auto", **fields}


def mixed_file() -> bytes:
    return csv_bytes(
        [incident_row(incident_id="good"), incident_row(incident_id="bad", force="Metropolis PD")]
    )


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


# --- Import ---------------------------------------------------------------------------


def finished(client, response, *, timeout: float = 900.0):
    """Follow an import's job page (as htmx polls it) until the job has ended; the page.

    The job runs in a process of its own, which starts Django and its apps: on a machine
    busy with other work that alone took two minutes, so the deadline only catches a hang.
    """
    assert response.status_code == 302, response.content[:500]
    url = response["Location"]
    assert url.startswith("/transfer/import/jobs/")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        part = client.get(url, headers={"HX-Request": "true"}).content.decode()
        if "hx-trigger" not in part:
            return client.get(url)
        time.sleep(0.1)
    raise AssertionError(f"the import job did not end: {part[:1000]}")


@pytest.mark.parametrize(("persona", "status"), IMPORTERS)
def test_the_import_page_opens_for_coordinators_and_administrators_only(
    client_for, persona, status
):
    response = client_for(persona).get(IMPORT)

    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    if status == 200:
        assert b'enctype="multipart/form-data"' in response.content


@pytest.mark.parametrize(("persona", "status"), IMPORTERS)
@commits
def test_only_coordinators_and_administrators_can_post_an_import(client_for, persona, status):
    client = client_for(persona)
    response = client.post(IMPORT, upload(csv_bytes([incident_row()])))

    if status == 200:
        assert finished(client, response).status_code == 200
        assert Incident.objects.exists()
    else:
        assert response.status_code == status
        assert not Incident.objects.exists()
        assert not ImportJob.objects.exists()


@commits
def test_an_import_runs_as_a_job_and_shows_what_it_did(client_for):
    client = client_for("coordinator")
    response = client.post(IMPORT, upload(csv_bytes([incident_row()]), name="my-cases.csv"))

    page = finished(client, response).content.decode()
    assert "Imported 1 new incident and updated 0; 0 already up to date." in page
    incident = Incident.objects.get()
    assert incident.created_by.username == "coordinator"
    # The result links to what was imported.
    assert reverse("casework:incident-detail", args=[incident.reference]) in page
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FINISHED and job.filename == "my-cases.csv"
    # The upload waited sealed in the data folder, and is gone with its key.
    assert not job.file_key
    assert not any(p.name.endswith(".upload") for p in held_folder().iterdir())
    # The import page lists the user's jobs.
    listed = client.get(IMPORT).content.decode()
    assert "my-cases.csv" in listed and "Imported 1 new incident" in listed


def test_a_running_job_shows_its_progress_and_polls(client_for, personas):
    job = ImportJob.objects.create(
        created_by=personas["coordinator"], filename="big.csv", status=ImportJob.Status.RUNNING
    )
    state = {"phase": "checking", "read": 500, "read_total": 1000, "incidents": 40}
    state.update(checking=20, problems=3)
    (held_folder() / f"job-{job.pk}.progress.json").write_text(json.dumps(state))

    page = client_for("coordinator").get(reverse("transfer:import-job", args=[job.pk]))

    text = page.content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert "50 %" in text and "20 of 40" in text
    assert "<dt>Problems found so far</dt>\n    <dd>3</dd>" in text


@commits
def test_a_job_is_seen_only_by_the_one_who_sent_it(client_for):
    client = client_for("coordinator")
    response = client.post(IMPORT, upload(csv_bytes([incident_row()])))
    finished(client, response)

    assert client_for("administrator").get(response["Location"]).status_code == 404
    assert client_for("caseworker").get(response["Location"]).status_code == 403


@pytest.mark.django_db
def test_the_job_page_waits_for_the_report_saved_after_the_last_transaction(client_for, personas):
    # The import marks its job finished in its last transaction; the runner saves the
    # report a moment later. A page that stopped asking in between never showed it.
    job = ImportJob.objects.create(
        created_by=personas["coordinator"],
        filename="my-cases.csv",
        status=ImportJob.Status.FINISHED,
        started_at=timezone.now(),
    )
    client = client_for("coordinator")
    url = reverse("transfer:import-job", args=[job.pk])

    assert "hx-trigger" in client.get(url, headers={"HX-Request": "true"}).content.decode()

    job.report = {"ok": True, "summary": "Imported 1 new incident and updated 0."}
    job.finished_at = timezone.now()
    job.save()
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in part


@commits
def test_a_job_whose_process_died_is_failed_when_the_import_page_opens(client_for, personas):
    job = ImportJob.objects.create(
        created_by=personas["coordinator"],
        filename="cut.csv",
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=1),
    )

    page = client_for("coordinator").get(IMPORT).content.decode()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "stopped when Casebook was restarted; nothing of it was kept" in page


@commits
def test_a_failed_import_lists_problems_by_row_and_field_and_writes_nothing(client_for):
    client = client_for("coordinator")
    response = client.post(IMPORT, upload(mixed_file()))

    page = finished(client, response).content.decode()
    assert "Nothing was imported: the file has 1 problem to fix first." in page
    assert '<td class="ref">Row 3</td><td><code>force</code></td>' in page
    assert "&#x27;Metropolis PD&#x27; is not a police force in the codebook." in page
    assert "Download the rejected rows" not in page
    assert not Incident.objects.exists()


@commits
def test_a_dry_run_counts_and_writes_nothing(client_for):
    client = client_for("administrator")
    response = client.post(IMPORT, upload(csv_bytes([incident_row()]), dry_run="on"))

    assert "Checked: would import 1 new incident" in finished(client, response).content.decode()
    assert not Incident.objects.exists()


@commits
def test_skip_invalid_imports_the_rest_and_offers_the_rejects_once(client_for):
    client = client_for("coordinator")

    response = client.post(IMPORT, upload(mixed_file(), skip_invalid="on"))

    page = finished(client, response).content.decode()
    assert "Imported 1 new incident" in page
    assert "1 incident (1 row of the file) was left out for problems." in page
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["good"]
    link = reverse("transfer:import-job-rejects", args=[ImportJob.objects.get().pk])
    assert link in page
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="incidents.rejects.csv"'
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert [r["incident_id"] for r in rows] == ["bad"]
    assert rows[0]["problems"].startswith("force: 'Metropolis PD' is not a police force")
    assert client.get(link).status_code == 404  # served once
    assert "Download the rejected rows" not in client.get(response["Location"]).content.decode()


@commits
def test_the_rejects_file_is_held_encrypted_and_only_for_the_one_who_imported(client_for):
    client = client_for("coordinator")
    response = client.post(IMPORT, upload(mixed_file(), skip_invalid="on"))
    finished(client, response)
    link = reverse("transfer:import-job-rejects", args=[ImportJob.objects.get().pk])

    held = list(held_folder().iterdir())
    assert any(path.name.endswith(".rejects") for path in held)
    assert all(b"Metropolis" not in path.read_bytes() for path in held)
    assert client_for("administrator").get(link).status_code == 404
    assert client.get(link).status_code == 200


@commits
def test_json_rejects_download_as_json_lines(client_for):
    client = client_for("coordinator")
    bad = incident(id="json-bad", acts=[{"act_type": "arrest", "number_affected": -1}])

    response = client.post(
        IMPORT, upload(document(incident(), bad), name="cases.json", skip_invalid="on")
    )
    finished(client, response)

    download = client.get(reverse("transfer:import-job-rejects", args=[ImportJob.objects.get().pk]))
    assert download["Content-Disposition"] == 'attachment; filename="cases.rejects.jsonl"'
    assert [json.loads(line)["id"] for line in download.content.decode().splitlines()] == [
        "json-bad"
    ]


@commits
def test_every_row_of_a_rejected_incident_is_handed_back(client_for):
    client = client_for("coordinator")
    rows = [
        incident_row(incident_id="two-rows"),
        incident_row(incident_id="two-rows", title="", date="", act_type="detention"),
    ]

    response = client.post(IMPORT, upload(csv_bytes(rows), skip_invalid="on"))
    finished(client, response)

    link = reverse("transfer:import-job-rejects", args=[ImportJob.objects.get().pk])
    text = client.get(link).content.decode()
    problems = [r["problems"] for r in csv.DictReader(io.StringIO(text))]
    assert problems[0] == WITH_ITS_INCIDENT
    assert problems[1].startswith("act_type: 'detention'")


def test_a_file_that_is_not_utf8_is_refused_with_how_to_save_it(client_for):
    data = csv_bytes([incident_row(place="Testford Café")]).decode().encode("cp1252")

    response = client_for("coordinator").post(IMPORT, upload(data))

    assert response.status_code == 400
    assert "CSV UTF-8" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_import_without_a_file_asks_for_one(client_for):
    response = client_for("coordinator").post(IMPORT, {"format": "auto"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


@commits
def test_problem_text_from_a_file_is_shown_escaped(client_for):
    row = incident_row(force="<script>alert(1)</script>")
    client = client_for("coordinator")

    page = finished(client, client.post(IMPORT, upload(csv_bytes([row])))).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


# --- Export -----------------------------------------------------------------------------


@pytest.fixture
def recorded():
    incident_with_person = IncidentFactory(title="Invented arrests on Testford green")
    InvolvementFactory(act__incident=incident_with_person, person__full_name=CANARY)
    return incident_with_person


@pytest.mark.parametrize(("persona", "status"), EXPORTERS)
def test_the_export_page_opens_for_analysts_coordinators_and_administrators(
    client_for,
    persona,
    status,
):
    response = client_for(persona).get(EXPORT)

    assert response.status_code == status
    if status == 200:
        offers_personal_data = b'name="personal_data"' in response.content
        assert offers_personal_data is (persona in ("administrator", "coordinator"))


@pytest.mark.parametrize(("persona", "status"), EXPORTERS)
def test_an_export_streams_a_file_to_those_allowed(client_for, recorded, persona, status):
    response = client_for(persona).post(EXPORT, {"format": "csv", **EVERY_STATUS})

    assert response.status_code == status
    if status == 200:
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith(
            'attachment; filename="casebook-incidents-'
        )
        text = streamed(response)
        assert "Invented arrests on Testford green" in text
        assert CANARY not in text
    else:
        assert not AuditEntry.objects.filter(action="cases.incidents.exported").exists()


def test_an_analyst_asking_for_personal_data_gets_none(client_for, recorded):
    response = client_for("analyst").post(
        EXPORT, {"format": "json", "personal_data": "on", **EVERY_STATUS}
    )

    assert CANARY not in streamed(response)
    entry = AuditEntry.objects.get(action="cases.incidents.exported")
    assert entry.changes["personal_data"] is False


def test_a_coordinator_exports_personal_data_in_json_and_it_is_recorded(client_for, recorded):
    response = client_for("coordinator").post(
        EXPORT, {"format": "json", "personal_data": "on", **EVERY_STATUS}
    )

    assert CANARY in streamed(response)
    entry = AuditEntry.objects.get(action="cases.incidents.exported")
    assert entry.actor.username == "coordinator"
    assert entry.changes["people"] == [recorded.acts.get().involvements.get().person.reference]


def test_personal_data_is_offered_in_json_only(client_for, recorded):
    response = client_for("coordinator").post(
        EXPORT, {"format": "csv", "personal_data": "on", **EVERY_STATUS}
    )

    assert response.status_code == 400
    assert "Personal details travel only in the JSON format" in response.content.decode()
    assert not AuditEntry.objects.filter(action="cases.incidents.exported").exists()


def test_an_export_can_be_limited_to_dates(client_for, recorded):
    response = client_for("analyst").post(
        EXPORT, {"format": "acled", "since": "2999-01-01", **EVERY_STATUS}
    )

    assert streamed(response).count("\n") == 1  # the header only


@commits
def test_a_web_import_is_searchable_by_analysts_through_its_redacted_text(client_for):
    row = incident_row(
        summary="Officers held Mr Zephyrin Quillbarrow beside the invented fountain.",
        title="Invented arrests at a Testford lantern vigil",
    )
    coordinator = client_for("coordinator")
    finished(coordinator, coordinator.post(IMPORT, upload(csv_bytes([row]))))
    reference = Incident.objects.get().reference
    analyst = client_for("analyst")

    def found(q: str) -> bool:
        page = analyst.get(reverse("casework:incident-list"), {"q": q})
        return reference in page.content.decode()

    # The job goes on to make the redacted search document once the import has finished:
    # no `casebook redact refresh` needed.
    deadline = time.monotonic() + 300
    while redacted_search_pending() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert found("fountain") and found("lantern")
    assert not found("Quillbarrow")
    assert (
        reference
        in coordinator.get(reverse("casework:incident-list"), {"q": "Quillbarrow"}).content.decode()
    )
