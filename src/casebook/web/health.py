"""`/healthz` (does every part answer?) and `/metrics` (Prometheus, behind a token).

Neither says anything about a person: the health check names parts and their state, the
metrics are counts and timings labelled by URL *name* (never the path, which can hold a
reference) and by monitor stage.

Metrics counted in the web process (request latency, failed sign-ins) live in that process.
Under gunicorn, with several workers, prometheus_client's multiprocess mode adds them up:
PROMETHEUS_MULTIPROC_DIR names a folder where every worker writes its values
(casebook/web/gunicorn_config.py makes and empties it), and a scrape, whichever worker
answers it, reads all of them. Queue depth and the monitor's stage timings are read at scrape
time from the broker and the database, so they are the same whichever process answers.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

BROKER_TIMEOUT_SECONDS = 2.0
# The monitor's stage timings: the mean over this many most recently updated pages.
RECENT_PAGES = 500


def _database() -> str:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _broker() -> str:
    if not settings.MONITOR_BROKER_URL:
        return "in-process"  # no broker configured: tasks run in the web process itself
    from kombu import Connection

    with Connection(settings.MONITOR_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    return "ok"


def _cache() -> str:
    if not settings.CACHE_URL:
        return "in-process"  # each process's own memory: nothing to reach
    from django.core.cache import cache

    # A write and a read: the API's throttle does both on every request.
    cache.set("casebook-healthz", "ok", timeout=10)
    if cache.get("casebook-healthz") != "ok":
        raise LookupError("the cache did not keep a value")
    return "ok"


def _vault() -> str:
    storage = storages["evidence"]
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location)
        if folder.is_dir():
            if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
                raise PermissionError("the evidence folder is not readable and writable")
            return "ok"
        # Not made yet (no file stored so far): it is made on the first upload, if it can be.
        parent = next((p for p in folder.parents if p.exists()), None)
        if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            raise PermissionError("the evidence folder is missing and cannot be made")
        return "ok"
    storage.listdir("")  # object storage: one listing request
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "broker": _broker,
    "cache": _cache,
    "vault": _vault,
}


def health_report() -> tuple[bool, dict[str, dict[str, str]]]:
    """Each part's state: `ok` (or `in-process` without a broker or a shared cache) or `down`, with
    the kind of error (its class name only: messages can carry hosts or paths)."""
    parts: dict[str, dict[str, str]] = {}
    for name, check in CHECKS.items():
        try:
            parts[name] = {"status": check()}
        except Exception as error:  # noqa: BLE001 (any failure means the part does not answer)
            parts[name] = {"status": "down", "error": type(error).__name__}
    healthy = all(part["status"] != "down" for part in parts.values())
    return healthy, parts


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database, the broker, the cache and the evidence vault answer, 503
    otherwise."""
    healthy, parts = health_report()
    return JsonResponse(
        {"status": "ok" if healthy else "down", "parts": parts},
        status=200 if healthy else 503,
    )


# Metrics ---------------------------------------------------------------------------------

REGISTRY = CollectorRegistry()
REQUEST_SECONDS = Histogram(
    "casebook_request_seconds",
    "Time to answer a request, by URL name, method and status class.",
    ["view", "method", "status"],
    registry=REGISTRY,
)
FAILED_SIGN_INS = Counter(
    "casebook_failed_sign_ins",
    "Sign-ins refused for a wrong username or password.",
    registry=REGISTRY,
)


def _count_failed_sign_in(sender, **kwargs) -> None:
    FAILED_SIGN_INS.inc()


user_login_failed.connect(_count_failed_sign_in, dispatch_uid="casebook.web.health")


class _ReadAtScrape(Collector):
    """Queue depth and stage timings, read from the broker and the database at each scrape.

    A part that does not answer leaves its metric out (`/healthz` says which part is down);
    the other metrics are still served."""

    def describe(self) -> list:
        return []  # no reads at registration (the database may not be there yet)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            depths = _queue_depths()
        except Exception:  # noqa: BLE001 (the broker is down: no depth to report)
            depths = {}
        try:
            means = _stage_means()
        except Exception:  # noqa: BLE001 (the database is down: no timings to report)
            means = {}
        depth = GaugeMetricFamily(
            "casebook_queue_depth",
            "Tasks waiting in the broker's queue (0 without a broker: tasks run in-process).",
            labels=["queue"],
        )
        for queue, count in depths.items():
            depth.add_metric([queue], count)
        yield depth
        stages = GaugeMetricFamily(
            "casebook_monitor_stage_seconds",
            f"Mean time of each monitor stage over the {RECENT_PAGES} most recently updated pages.",
            labels=["stage"],
        )
        for stage, seconds in means.items():
            stages.add_metric([stage], seconds)
        yield stages


def _queue_depths() -> dict[str, int]:
    if not settings.MONITOR_BROKER_URL:
        return {"celery": 0}
    from kombu import Connection

    depths = {}
    with Connection(settings.MONITOR_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        channel = broker.default_channel
        for queue in ("celery",):
            try:
                _, count, _ = channel.queue_declare(queue=queue, passive=True)
            except Exception:  # noqa: BLE001 (a queue nobody declared yet holds nothing)
                count = 0
                channel = broker.channel()
            depths[queue] = int(count)
    return depths


def _stage_means() -> dict[str, float]:
    from casebook.monitor.models import Page

    totals: dict[str, list[float]] = {}
    recent = Page.objects.order_by("-updated_at").values_list("stages", flat=True)
    for stages in recent[:RECENT_PAGES]:
        for stage, outcome in (stages or {}).items():
            if isinstance(outcome, dict) and isinstance(outcome.get("ms"), int | float):
                totals.setdefault(stage, []).append(outcome["ms"] / 1000)
    return {stage: sum(values) / len(values) for stage, values in totals.items()}


REGISTRY.register(_ReadAtScrape())


def _scrape_registry() -> CollectorRegistry:
    """What a scrape reads: this process's registry, or, in multiprocess mode, every
    process's values from the shared folder (this process's included) and the values read
    at scrape time."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(_ReadAtScrape())
    return registry


class RequestTimingMiddleware:
    """Times every request into casebook_request_seconds (first in the stack: all of it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unmatched"
        REQUEST_SECONDS.labels(
            view=view, method=request.method, status=f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics for `Authorization: Bearer <CASEBOOK_METRICS_TOKEN>`.

    404 when no token is set (metrics are off), 403 for a missing or wrong token."""
    expected = settings.METRICS_TOKEN
    if not expected:
        return HttpResponse("Metrics are off (set CASEBOOK_METRICS_TOKEN).", status=404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse("A valid metrics token is needed.", status=403)
    return HttpResponse(generate_latest(_scrape_registry()), content_type=CONTENT_TYPE_LATEST)
