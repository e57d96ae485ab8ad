"""`/healthz` names each part's state without signing in; `/metrics` needs its own token."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from tests.processes import casebook_env, free_port
from tests.stack import redis_database

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-only"


def _health(client: Client):
    response = client.get(reverse("healthz"))
    return response.status_code, json.loads(response.content)


def test_healthz_answers_anonymous_visitors_with_each_part(evidence_dir, settings):
    settings.MONITOR_BROKER_URL = ""
    status, body = _health(Client())
    assert status == 200
    assert body == {
        "status": "ok",
        "parts": {
            "database": {"status": "ok"},
            "broker": {"status": "in-process"},
            "cache": {"status": "in-process"},
            "vault": {"status": "ok"},
        },
    }


def test_healthz_checks_a_configured_broker(evidence_dir, settings):
    settings.MONITOR_BROKER_URL = "redis://127.0.0.1:6379/15"
    assert _health(Client()) == (
        200,
        {
            "status": "ok",
            "parts": {
                "database": {"status": "ok"},
                "broker": {"status": "ok"},
                "cache": {"status": "in-process"},
                "vault": {"status": "ok"},
            },
        },
    )
    settings.MONITOR_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    status, body = _health(Client())
    assert status == 503
    assert body["status"] == "down"
    assert body["parts"]["broker"]["status"] == "down"
    assert body["parts"]["database"] == {"status": "ok"}


def test_healthz_checks_a_configured_shared_cache(evidence_dir, settings):
    settings.MONITOR_BROKER_URL = ""
    settings.CACHE_URL = "redis://127.0.0.1:6379/14"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CACHE_URL,
        }
    }
    assert _health(Client())[1]["parts"]["cache"] == {"status": "ok"}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
        }
    }
    status, body = _health(Client())
    assert status == 503
    assert body["parts"]["cache"] == {"status": "down", "error": "ConnectionError"}


def test_healthz_reports_a_vault_that_cannot_be_written(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MONITOR_BROKER_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "evidence"},
        },
    }
    status, body = _health(Client())
    assert status == 503
    assert body["parts"]["vault"] == {"status": "down", "error": "PermissionError"}


def test_healthz_reports_a_database_that_does_not_answer(tmp_path):
    """A separate process whose database is a PostgreSQL port nobody listens on."""
    env = casebook_env(
        tmp_path / "home",
        data_dir=tmp_path,
        CASEBOOK_SECRET_KEY="health-test-key-" + "x" * 40,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nothing",
        DJANGO_SETTINGS_MODULE="casebook.settings",
    )
    script = (
        "import json, django; django.setup();"
        "from casebook.web.health import health_report;"
        "print(json.dumps(health_report()))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    healthy, parts = json.loads(result.stdout.strip().splitlines()[-1])
    assert healthy is False
    assert parts["database"]["status"] == "down"
    assert parts["broker"] == {"status": "in-process"}


def test_metrics_are_off_without_a_token_setting(settings):
    settings.METRICS_TOKEN = ""
    assert Client().get(reverse("metrics")).status_code == 404


def test_metrics_need_the_token(settings, client_for):
    settings.METRICS_TOKEN = TOKEN
    assert Client().get(reverse("metrics")).status_code == 403
    wrong = Client().get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer wrong")
    assert wrong.status_code == 403
    # A signed-in administrator's session is not the token either.
    assert client_for("administrator").get(reverse("metrics")).status_code == 403


def test_metrics_hold_latency_queue_stages_and_failed_sign_ins(settings, evidence_dir):
    from casebook.monitor.models import Feed, Page

    settings.METRICS_TOKEN = TOKEN
    settings.MONITOR_BROKER_URL = ""
    feed = Feed.objects.create(name="Synthetic feed", url="https://feed.example.test/rss")
    Page.objects.create(
        feed=feed,
        identity="synthetic-page-1",
        url="https://news.example.test/a",
        stages={"fetch": {"status": "ok", "ms": 250.0, "note": ""}},
    )
    Client().get(reverse("healthz"))
    authenticate(username="nobody-synthetic", password="wrong")
    response = Client().get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    text = response.content.decode()
    assert any(
        line.startswith("casebook_request_seconds_count{") and 'view="healthz"' in line
        for line in text.splitlines()
    )
    assert 'casebook_queue_depth{queue="celery"} 0.0' in text
    assert 'casebook_monitor_stage_seconds{stage="fetch"} 0.25' in text
    failed = [
        line for line in text.splitlines() if line.startswith("casebook_failed_sign_ins_total ")
    ]
    assert failed and float(failed[0].split()[1]) >= 1


def test_metrics_read_the_queue_depth_from_the_broker(settings):
    from kombu import Connection

    settings.METRICS_TOKEN = TOKEN
    # An empty Redis database of the test's own: the "celery" queue it counts is one no other
    # test (another worker of a parallel run, another run on this machine) fills or empties.
    with redis_database() as url, Connection(url) as broker:
        settings.MONITOR_BROKER_URL = url
        queue = broker.SimpleQueue("celery")
        queue.put({"synthetic": 1})
        queue.put({"synthetic": 2})
        try:
            response = Client().get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
            assert 'casebook_queue_depth{queue="celery"} 2.0' in response.content.decode()
        finally:
            queue.close()
