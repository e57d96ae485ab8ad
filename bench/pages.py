"""The fixed cost of each kind of page: CPU milliseconds per request beside the SQL it ran.

    .venv/bin/python bench/pages.py --size 10000 --reuse                  # SQLite
    .venv/bin/python bench/pages.py --size 10000 --reuse \\
        --database-url postgres://postgres@127.0.0.1:5432/casebook_bench   # PostgreSQL

The database is `bench/incident_list.py`'s (same folder, generator and seed: a database made
by either serves both); the monitor's demo feeds are loaded into it once for the review
queue. Signed in as a coordinator with a second factor, through Django's test client (no
network), it sends every kind of request that `bench/load.py` sends (the list, a search, an
incident's page, its editor and a save through it, the API's reads and writes), the Celery
tasks those requests queued (run as the stack's worker runs them, "worker tasks") and the
other pages people keep open (the monitor's review queue, the statistics page once its
figures are kept), `--requests` times each, interleaved, after a warm-up round.

Printed per kind: queries, median wall and CPU milliseconds per request, the SQL floor and
the ratio CPU / floor. The floor is the request's reads replayed on the driver's own cursor
(rows fetched) plus its writes timed as they ran on that cursor. On SQLite the process's CPU
includes the SQL; on PostgreSQL the server's CPU for the request (its backend process, read
from /proc) is added, so "server CPU" is what one request costs the machine either way: at
N ms a request two idle cores answer at most 2000 / N requests a second.
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import sys
import time
from copy import copy as copy_of
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import incident_list as base  # noqa: E402  (builds the database, signs in, replays SQL)

READS = ("SELECT", "WITH")


QUEUE = 120  # candidates: more than the queue's page of 50


def review_queue_ready(console) -> int:
    """Candidates in the review queue: the monitor's demo articles, loaded once, their
    candidates copied (as further events of the same pages) until the queue fills pages."""
    from casebook.monitor.models import Candidate

    if not Candidate.objects.exists():
        from casebook.monitor.demo import monitor_demo_load

        with console.status("Loading the monitor's demo articles (once)…"):
            monitor_demo_load()
    found = list(Candidate.objects.order_by("pk"))
    copies = []
    for number in range(max(0, QUEUE - len(found))):
        copy = copy_of(found[number % len(found)])
        copy.pk, copy.status, copy.incident_id = None, Candidate.Status.PENDING, None
        copy.decided_by_id, copy.decided_at, copy.reject_reason = None, None, ""
        copy.event_index = 100 + number
        copies.append(copy)
    Candidate.objects.bulk_create(copies)
    return Candidate.objects.count()


def api_token(user) -> str:
    from casebook.api.models import AccessToken
    from casebook.api.services import token_create

    AccessToken.objects.filter(user=user, name="pages bench").delete()
    _, raw = token_create(user=user, name="pages bench", scopes=["write"], days=1, at_console=True)
    return raw


def editable(count: int) -> list[str]:
    """References of unpublished incidents to edit (an edit takes a published one off the
    portal), the newest first."""
    from casebook.cases.models import Incident

    return list(
        Incident.objects.filter(publication__isnull=True)
        .order_by("-pk")
        .values_list("reference", flat=True)[:count]
    )


class Kinds:
    """Each kind of request as a function of the round number -> (method, url, data, headers)."""

    def __init__(self, n: int, seed: int, token: str) -> None:
        from casebook.cases.models import Incident

        rng = random.Random(seed)
        self.list = []
        self.search = []
        for parameter_sets in base.request_kinds(n, seed).values():
            for parameters in parameter_sets:
                query = {k: v for k, v in parameters.items() if v not in (None, "")}
                address = "/incidents/" + (f"?{urlencode(query)}" if query else "")
                (self.search if "q" in query else self.list).append(address)
        rng.shuffle(self.list)
        rng.shuffle(self.search)
        total = Incident.objects.count()
        self.references = list(
            Incident.objects.order_by("pk").values_list("reference", flat=True)[
                :: max(1, total // 500)
            ]
        )
        rng.shuffle(self.references)
        self.own = editable(max(n, 5))
        self.api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        self.made: list[str] = []
        self.app, self.queued = tasks_queued()
        self.example = {
            "title": "Invented pages-bench incident",
            "summary": "Officers arrested two invented marchers.",
            "date": "2024-05-04",
            "place": "Testford",
            "force": Incident.objects.exclude(force=None).values_list("force__slug", flat=True)[0],
            "acts": [{"act_type": "arrest", "number_affected": 2}],
        }


def tasks_queued():
    """Celery's app sending to its in-memory broker instead of running tasks at once, as with
    the production stack's broker; returns it and the list each task sent is noted in (its
    name and arguments), for the "worker tasks" kind to run."""
    from celery.signals import after_task_publish

    from casebook.monitor.celery_app import app

    queued: list[tuple[str, list]] = []

    def noted(sender=None, headers=None, body=None, **_):
        queued.append((headers["task"], list(body[0])))

    after_task_publish.connect(noted, weak=False)
    app.conf.task_always_eager = False
    return app, queued


def request_plan(kinds: Kinds) -> dict:
    """Kind -> prepare(client, round), which does what must come first untimed (reading the
    form to send back, the ETag to match) and returns the request to time, a function."""
    import json

    from load import edited  # the load bench's reading of the editor's form

    def get(addresses):
        cycle = itertools.cycle(addresses)

        def prepare(client, _number):
            address = next(cycle)
            return lambda: client.get(address)

        return prepare

    def edit_save(client, number):
        reference = kinds.own[number % len(kinds.own)]
        page = client.get(f"/incidents/{reference}/edit/")
        data: dict[str, list[str]] = {}
        for name, value in edited(page.content.decode(), f"pages-{number}"):
            data.setdefault(name, []).append(value)
        return lambda: client.post(f"/incidents/{reference}/edit/", data)

    def api_create(client, number):
        body = json.dumps(kinds.example | {"title": f"Invented pages-bench incident {number}"})

        def create():
            response = client.post(
                "/api/v1/incidents", body, content_type="application/json", **kinds.api
            )
            if response.status_code == 201:
                kinds.made.append(response.json()["reference"])
            return response

        return create

    def api_read(client, number):
        reference = kinds.references[number % len(kinds.references)]
        return lambda: client.get(f"/api/v1/incidents/{reference}", **kinds.api)

    def api_update(client, number):
        url = f"/api/v1/incidents/{kinds.made[number % len(kinds.made)]}"
        etag = client.get(url, **kinds.api)["ETag"]
        body = json.dumps({"place": f"Benchtown {number}"})
        return lambda: client.patch(
            url, body, content_type="application/json", HTTP_IF_MATCH=etag, **kinds.api
        )

    def worker(_client, _number):
        # The tasks the requests above queued (a save's redacted search document, an API
        # write's), run as the production stack's Celery worker runs them.
        tasks, kinds.queued[:] = list(kinds.queued), []

        def run_tasks():
            results = [kinds.app.tasks[name].apply(args=args) for name, args in tasks]
            return SimpleNamespace(status_code=200 if all(r.successful() for r in results) else 500)

        return run_tasks

    return {
        "list": get(kinds.list),
        "search": get(kinds.search),
        "incident page": get([f"/incidents/{r}/" for r in kinds.references]),
        "edit page": get([f"/incidents/{r}/edit/" for r in kinds.own]),
        "edit save": edit_save,
        "api list": lambda client, _n: (
            lambda: client.get("/api/v1/incidents", {"limit": 50}, **kinds.api)
        ),
        "api read": api_read,
        "api create": api_create,
        "api update": api_update,
        "worker tasks": worker,
        "review queue": get(["/monitor/", "/monitor/?status=all"]),
        "statistics page": get(["/analysis/", "/analysis/?by=force", "/analysis/?unit=year"]),
    }


class Recorder:
    """An execute wrapper: each read noted for replay, each write timed as it runs."""

    def __init__(self) -> None:
        self.reads: list[tuple[str, object]] = []
        self.writes = 0
        self.write_ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(READS):
            self.reads.append((sql, params))
            return execute(sql, params, many, context)
        self.writes += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.write_ms += (time.perf_counter() - started) * 1000


def backend_cpu(connection) -> float:
    """CPU seconds the PostgreSQL backend of this connection has used (0 on SQLite)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(plan: dict, requests: int, console) -> dict[str, dict]:
    from django.db import connection

    client = base.signed_in_client("coordinator")
    results: dict[str, dict] = {
        kind: {"wall": [], "cpu": [], "floor": [], "queries": 0, "statuses": set()} for kind in plan
    }

    def once(kind: str, number: int) -> None:
        request = plan[kind](client, number)
        recorder = Recorder()
        server = backend_cpu(connection)
        with connection.execute_wrapper(recorder):
            started, cpu = time.perf_counter(), time.process_time()
            response = request()
            wall = (time.perf_counter() - started) * 1000
            spent = (time.process_time() - cpu) * 1000
        spent += (backend_cpu(connection) - server) * 1000
        result = results[kind]
        result["wall"].append(wall)
        result["cpu"].append(spent)
        result["floor"].append(base.replay(connection, recorder.reads) + recorder.write_ms)
        result["queries"] = len(recorder.reads) + recorder.writes
        result["statuses"].add(response.status_code)

    for kind in plan:  # warm-up round, forgotten
        once(kind, 0)
    for result in results.values():
        result.update(wall=[], cpu=[], floor=[])
    with console.status("Requesting…") as status:
        for number in range(1, requests + 1):
            status.update(f"Requesting: round {number} of {requests}")
            for kind in plan:
                once(kind, number)
    return results


def print_report(results: dict[str, dict], *, console, title: str) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in (
        "request",
        "status",
        "queries",
        "median ms",
        "p95 ms",
        "server CPU ms",
        "SQL floor ms",
        "CPU / floor",
    ):
        table.add_column(column, justify="left" if column == "request" else "right")
    for kind, result in results.items():
        cpu, floor = statistics.median(result["cpu"]), statistics.median(result["floor"])
        table.add_row(
            kind,
            ",".join(map(str, sorted(result["statuses"]))),
            str(result["queries"]),
            f"{statistics.median(result['wall']):.1f}",
            f"{base.p95(result['wall']):.1f}",
            f"{cpu:.1f}",
            f"{floor:.1f}",
            f"{cpu / max(floor, 0.001):.1f}×",
        )
    console.print(table)
    console.print(
        "Milliseconds per request around the test client's call (median; p95). Server CPU: "
        "this process's CPU time per request (median), plus on PostgreSQL its backend "
        "process's. SQL floor: the request's reads replayed on the driver's cursor, rows "
        "fetched, plus its writes as they ran. Edit save and API update also read the form "
        "or ETag first, untimed, as a browser or client would."
    )


def main() -> None:
    args = base.parse_args()
    console, description, generated = base.casebook_ready(args, width=150)
    if generated and not args.no_analyze:
        base.analyze()
    from casebook.accounts.models import User
    from casebook.cases.models import Incident

    candidates = review_queue_ready(console)
    base.signed_in_client("coordinator")  # makes the bench's coordinator
    token = api_token(User.objects.get(username="bench-coordinator"))
    incidents = Incident.objects.count()
    console.print(
        f"{base.machine_line(description)}; {incidents:,} incidents, "
        f"{candidates} candidates in the review queue"
    )
    kinds = Kinds(args.requests, args.seed, token)
    try:
        results = run(request_plan(kinds), args.requests, console)
    finally:
        # The incidents the API made go again, so that `--reuse` finds --size incidents.
        Incident.objects.filter(reference__in=kinds.made).delete()
    print_report(results, console=console, title=f"Pages: {incidents:,} incidents")


if __name__ == "__main__":
    main()
