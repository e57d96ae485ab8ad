"""The pipeline through a real Celery worker and the Redis on this machine.

The pages are queued first and checked untouched; only then does a worker start (in a thread
of this process, so it shares the test database) and process them from Redis. A queue name of
its own keeps this test apart from anything else using the same Redis.
"""

from __future__ import annotations

import socket
import time
import uuid

import pytest

from casebook.monitor.celery_app import app
from casebook.monitor.intake import ingest, runner_default
from casebook.monitor.models import Candidate, Page
from casebook.monitor.pipeline import STAGES
from casebook.monitor.tasks import CeleryRunner
from tests.monitor.pipeline_support import FIXTURES

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/15"
# One queue name for this test run, apart from anyone else's on the same Redis; one for the
# whole run because Celery keeps the queues it declared for the life of the app.
QUEUE = f"casebook-test-{uuid.uuid4().hex[:8]}"


def redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_celery(settings):
    if not redis_answers():
        pytest.skip(f"no Redis answers on {REDIS_HOST}:{REDIS_PORT}; the Celery test needs one")
    keys = ("broker_url", "task_always_eager", "task_default_queue", "result_backend")
    previous = {key: app.conf.get(key) for key in keys}
    queue = QUEUE
    app.conf.update(
        broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue, result_backend=None
    )
    _forget_connections()
    settings.MONITOR_BROKER_URL = REDIS_URL
    yield app
    app.conf.update(previous)
    _forget_connections()
    _forget_queue(queue)


def _forget_connections() -> None:
    """Drop pooled broker connections so the next use connects to the configured broker."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    # The app builds its queues and routes once, from the settings of its first send: a test
    # that sent a task before this one (to the in-memory broker, say) would leave the worker
    # and the senders on other queues than this test's. Built again from the current settings.
    app.__dict__.pop("amqp", None)
    # kombu keeps producer pools per connection in a registry of its own, which a stopped
    # worker leaves closed: the next test's messages would meet "Acquire on closed pool".
    pools.reset()


def _forget_queue(queue: str) -> None:
    """Remove what this test's queue left in Redis (kombu's bindings and the queue itself)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = [queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
    client.delete(*keys)
    client.close()


def solo_worker(celery_app):
    """A real Celery worker in a thread of this process (it shares the test database)."""
    from celery.contrib.testing.worker import start_worker

    return start_worker(
        celery_app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=30,
    )


def wait_until(predicate, *, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_pipeline_runs_through_a_real_celery_worker_on_redis(redis_celery, reference_data):
    runner = runner_default()
    assert isinstance(runner, CeleryRunner)
    report = ingest(FIXTURES, runner, cap=1_000_000)
    assert report.submitted >= 6

    # Queued in Redis, not processed: the worker is not running yet.
    waiting = Page.objects.filter(status=Page.Status.NEW)
    assert waiting.count() == report.submitted
    assert not waiting.filter(raw="").exists()  # the markup waits for the read stage
    assert not Candidate.objects.exists()

    with solo_worker(redis_celery):
        finished = wait_until(lambda: not Page.objects.filter(status=Page.Status.NEW).exists())

    assert finished, list(Page.objects.values_list("external_id", "status", "stage"))
    relevant = Page.objects.get(external_id="norwich-hospital-protest.html")
    assert relevant.status == Page.Status.DONE and relevant.relevant
    assert set(relevant.stages) == set(STAGES)  # JSONB keeps no key order
    assert relevant.candidates.exists()
    assert Page.objects.get(external_id="nantes.html").status == Page.Status.SKIPPED
    copy = Page.objects.get(external_id="syndicated-norwich-hospital-protest.html")
    assert copy.duplicate_of == relevant
    assert not Page.objects.exclude(raw="").exists()


@pytest.mark.django_db
def test_beats_tick_reads_only_the_feeds_that_are_due(settings, reference_data):
    """Without a broker, tasks run eagerly in-process: the same code beat runs on servers."""
    import datetime as dt

    from django.utils import timezone

    from casebook.monitor.models import Feed
    from casebook.monitor.tasks import feeds_poll_due
    from tests.monitor.pipeline_support import LocalServer

    settings.MONITOR_ALLOW_PRIVATE_ADDRESSES = True
    settings.MONITOR_HOST_DELAY_MS = 0
    assert app.conf.task_always_eager and not settings.MONITOR_BROKER_URL
    server = LocalServer().start()
    try:
        empty = '<rss version="2.0"><channel><title>T</title></channel></rss>'
        for path in ("/due.xml", "/later.xml", "/paused.xml"):
            server.serve(path, empty, content_type="application/rss+xml")
        Feed.objects.create(name="Due", url=server.url("/due.xml"))
        Feed.objects.create(
            name="Later",
            url=server.url("/later.xml"),
            next_due_at=timezone.now() + dt.timedelta(minutes=10),
        )
        Feed.objects.create(name="Paused", url=server.url("/paused.xml"), active=False)
        assert feeds_poll_due() == 1
    finally:
        server.stop()
    assert [len(server.seen(p)) for p in ("/due.xml", "/later.xml", "/paused.xml")] == [1, 0, 0]
    assert Feed.objects.get(name="Due").next_due_at > timezone.now()


def test_the_worker_command_needs_a_broker(settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.MONITOR_BROKER_URL = ""
    with pytest.raises(CommandError, match="CASEBOOK_BROKER_URL"):
        call_command("worker")
