"""Linkage's incremental comparison through a real Celery worker on this machine's Redis.

A partner's file brings back an event the casebook holds: the import only queues the
comparison (the broker's message names the task, nothing of any incident); a worker started
afterwards, in a thread of this process so that it shares the test database, runs it, and
the pair waits in the judgement queue. Skipped, saying why, where no Redis answers.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from casebook.cases.models import Incident
from casebook.linkage import services
from casebook.linkage.models import LinkageRun
from tests.linkage.test_incremental import trained  # noqa: F401
from tests.monitor.test_celery import redis_celery, solo_worker, wait_until  # noqa: F401


def partner_file(folder, original: Incident):
    """An import file describing `original`'s event twice more, in other words."""
    act = original.acts.select_related("act_type", "legal_provision").first()
    date = original.date.isoformat()
    row = {
        "incident_id": "partner-queued-1",
        "title": f"Partner sheet: {original.title}",
        "summary": original.summary,
        "date": {"month": date[:7], "year": date[:4]}.get(original.date_precision, date),
        "place": original.place,
        "force": original.force.slug,
        "act_type": act.act_type.slug,
        "number_affected": act.number_affected if act.number_affected is not None else "",
        "legal_provision": act.legal_provision.slug if act.legal_provision else "",
        "trigger_wording": act.trigger_wording,
        "source_title": "Partner spreadsheet, row 1",
    }
    again = {**row, "incident_id": "partner-queued-2", "title": f"Row 2: {original.title}"}
    path = folder / "partner.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(row))
        writer.writeheader()
        writer.writerows([row, again])
    return path


@pytest.mark.django_db(transaction=True)
def test_an_import_queues_the_comparison_and_a_real_worker_runs_it(
    trained,  # noqa: F811
    redis_celery,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    from casebook.linkage import incremental

    # One incident a comparison: the task must queue itself again for the second.
    monkeypatch.setattr(incremental, "MOST_NEW", 1)
    call_command("import_incidents", str(partner_file(tmp_path, trained)), stdout=io.StringIO())
    copy = Incident.objects.get(external_id="partner-queued-1")
    second = Incident.objects.get(external_id="partner-queued-2")

    # Queued in Redis, not compared: no worker runs yet.
    assert not LinkageRun.objects.filter(kind="incremental").exists()

    with solo_worker(redis_celery):
        compared = wait_until(
            lambda: LinkageRun.objects.filter(kind="incremental").count() == 2, timeout=180
        )

    assert compared
    runs = LinkageRun.objects.filter(kind="incremental").order_by("id")
    assert [r.incident_reference for r in runs] == [copy.reference, second.reference]
    assert all(r.finished_at is not None for r in runs)
    waiting = {p.key for p in services.pairs_waiting()}
    assert tuple(sorted((trained.reference, copy.reference))) in waiting


def test_a_comparison_sent_from_a_fresh_process_goes_to_the_casebooks_broker(tmp_path):
    # A web worker may queue a comparison before anything else loaded the Celery app: the
    # task must still be the casebook's, on its broker, not Celery's default application.
    broker = "redis://127.0.0.1:6379/15"
    script = (
        "import django; django.setup()\n"
        "from casebook.linkage.tasks import compare_new\n"
        "print(compare_new.app.main, compare_new.app.conf.broker_url)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "casebook.settings",
        "CASEBOOK_BROKER_URL": broker,
        "CASEBOOK_DATA_DIR": str(tmp_path),
        "CASEBOOK_SECRET_KEY": "linkage-test-key-not-secret",
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["casebook", broker]
