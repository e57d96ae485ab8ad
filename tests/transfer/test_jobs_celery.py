"""A web import queued for a real Celery worker on this machine's Redis (`casebook worker`).

The request only stores the file and queues the job: nothing is imported until a worker
takes it from Redis. The broker's message holds the job's id only, never the file.
"""

from __future__ import annotations

import pytest

from casebook.cases.models import Incident
from casebook.transfer.models import ImportJob
from tests.monitor.test_celery import redis_celery, solo_worker, wait_until  # noqa: F401
from tests.transfer.conftest import csv_bytes, incident_row
from tests.transfer.test_views import IMPORT, upload


@pytest.mark.django_db(transaction=True)
def test_a_web_import_waits_in_the_queue_and_a_real_worker_runs_it(
    redis_celery,  # noqa: F811
    client_for,
):
    client = client_for("coordinator")
    rows = [incident_row(incident_id=f"queued-{n}", title=f"Invented queued {n}") for n in range(3)]

    response = client.post(IMPORT, upload(csv_bytes(rows)))

    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    assert not Incident.objects.exists()
    waiting = client.get(response["Location"]).content.decode()
    assert "Waiting to start" in waiting and 'hx-trigger="every 1s"' in waiting

    with solo_worker(redis_celery):
        ended = wait_until(lambda: ImportJob.objects.get().ended, timeout=120)

    assert ended
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FINISHED, job.error
    assert Incident.objects.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "Imported 3 new incidents" in page
