"""The monitor's work waits for a busy database and is never dropped.

Another connection takes the write lock (SQLite's single writer, as a long import or a
backup would) for longer than the busy timeout while pages go through the pipeline: a real
Celery worker on this machine's Redis, and the in-process runner, must both finish every
page instead of recording "database is locked" as the page's failure.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

import pytest
from django.db import connection

from casebook.monitor.intake import InProcessRunner, ingest, runner_default
from casebook.monitor.models import Page
from casebook.monitor.tasks import CeleryRunner
from tests.monitor.pipeline_support import FIXTURES
from tests.monitor.test_celery import (  # noqa: F401 (redis_celery is a fixture)
    redis_celery,
    solo_worker,
    wait_until,
)

# Well past the busy timeout of every connection (5 s), so that writers do hit "locked".
HOLD_SECONDS = 9


class WriteLock:
    """Another connection holding the database's write lock for a while, in a thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.taken = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def __enter__(self) -> WriteLock:
        self.thread.start()
        assert self.taken.wait(10), "could not take the write lock"
        return self

    def __exit__(self, *exc) -> None:
        self.thread.join(self.seconds + 30)

    def _hold(self) -> None:
        if connection.vendor == "sqlite":
            holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            settings = connection.settings_dict
            holder = psycopg.connect(
                host=settings["HOST"],
                port=settings["PORT"] or 5432,
                user=settings["USER"],
                password=settings["PASSWORD"] or None,
                dbname=settings["NAME"],
            )
            holder.execute("LOCK TABLE monitor_page IN EXCLUSIVE MODE")  # reads go on
        self.taken.set()
        time.sleep(self.seconds)
        holder.execute("COMMIT") if connection.vendor == "sqlite" else holder.commit()
        holder.close()


@pytest.fixture
def monitor_warnings():
    """The monitor's warnings, from any thread (Celery's worker sets up logging its way)."""
    messages: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger("casebook.monitor")
    logger.addHandler(handler)
    yield messages
    logger.removeHandler(handler)


def _no_page_lost() -> None:
    assert not Page.objects.filter(status=Page.Status.NEW).exists()
    failed = list(Page.objects.filter(status=Page.Status.FAILED).values_list("error", flat=True))
    assert not [error for error in failed if "locked" in error], failed
    relevant = Page.objects.get(external_id="norwich-hospital-protest.html")
    assert relevant.status == Page.Status.DONE and relevant.candidates.exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_waits_out_a_held_write_lock_and_finishes_every_page(
    redis_celery,  # noqa: F811
    reference_data,
    monitor_warnings,
):
    runner = runner_default()
    assert isinstance(runner, CeleryRunner)
    report = ingest(FIXTURES, runner, cap=1_000_000)
    assert report.submitted >= 6

    # The worker first, then the lock: its first write meets the lock for the whole timeout.
    with solo_worker(redis_celery), WriteLock(HOLD_SECONDS):
        finished = wait_until(
            lambda: not Page.objects.filter(status=Page.Status.NEW).exists(), timeout=180
        )

    assert finished, list(Page.objects.values_list("external_id", "status", "error"))
    _no_page_lost()
    if connection.vendor == "sqlite":
        # The lock was met, and waited out.
        assert any("the database is busy" in message for message in monitor_warnings)


@pytest.mark.django_db(transaction=True)
def test_the_in_process_runner_waits_out_a_held_write_lock(reference_data, monitor_warnings):
    with WriteLock(HOLD_SECONDS):
        ingest(FIXTURES, InProcessRunner(), cap=1_000_000)

    _no_page_lost()
    if connection.vendor == "sqlite":
        assert any("the database is busy" in message for message in monitor_warnings)
