"""Casebook under load on the production stack: signed-in people and API clients at once,
then anonymous portal readers. Requests per second and p50/p95/p99 per kind of request.

    .venv/bin/python bench/load.py --size 100000 --minutes 10                     # SQLite
    .venv/bin/python bench/load.py --size 100000 --minutes 10 \\
        --database-url postgres://postgres@127.0.0.1:5432/casebook_bench_load     # PostgreSQL

The database is built (or reused) as `bench/incident_list.py` builds it, in a folder of its
own (`load-SIZE-seedN`, or `load-postgres-NAME`, in the temp folder), and up to `--published`
incidents are published as `bench/portal.py` publishes them. Then the production stack
starts as deploy/ runs it (tests/stack.py): gunicorn (`--workers`, default 2 a core + 1),
a Celery worker and beat on an empty Redis database, which is also the shared cache.

`--users` (50) coordinators sign in with a password and a second factor, then each, without
pause, for `--minutes`: browses the incident list (pages, filters and sorts drawn from the
data, as bench/incident_list.py does), searches, opens incidents and edits one of their own
(the whole-incident editor: the page, then the form sent back with the summary changed).
`--api-clients` (5) of them are API clients instead, recording incidents and changing them
(POST, then GET for the ETag and PATCH with If-Match). Every answer other than the expected
one (200, or 302/201 after a write) is an error. Then `--readers` (200) anonymous readers
read the portal for `--reader-minutes`. Each client is an asyncio task with its own
connection and cookies; the number of requests in flight is the number of clients.

The throughput target of issue 15: at least 3× the ~24 requests/s measured with 50 signed-in
users before, with 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import incident_list as base  # noqa: E402  (builds the database)
import portal  # noqa: E402  (publishes in bulk, the portal's request mix)

BEFORE_REQUESTS_PER_SECOND = 24.0  # issue 15: 50 signed-in users, 0 errors, one server
TARGET_RATIO = 3.0
PASSWORD = "load-bench-password-7"  # noqa: S105 (invented users of a throwaway database)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="incidents in the database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="", help="PostgreSQL (name with 'bench')")
    parser.add_argument("--minutes", type=float, default=10.0, help="signed-in load duration")
    parser.add_argument("--users", type=int, default=50, help="signed-in clients in all")
    parser.add_argument("--api-clients", type=int, default=5, help="of them, API clients")
    parser.add_argument("--readers", type=int, default=200, help="anonymous portal readers")
    parser.add_argument("--reader-minutes", type=float, default=None, help="default --minutes/5")
    parser.add_argument("--published", type=int, default=10_000, help="incidents on the portal")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument(
        "--alone-seconds",
        type=float,
        default=20.0,
        help="first, one person and one API client alone: each kind's floor",
    )
    args = parser.parse_args()
    # What incident_list's casebook_ready reads.
    args.reuse, args.no_analyze, args.requests, args.reader = not args.fresh, False, 30, ""
    return args


# --- The database and its people ------------------------------------------------------------


def prepare(args: argparse.Namespace):
    """The bench database ready, users and tokens made; returns what the clients need."""

    def folder(a: argparse.Namespace) -> Path:
        name = urlsplit(a.database_url).path.lstrip("/") if a.database_url else ""
        kind = f"postgres-{name}" if name else f"{a.size}-seed{a.seed}"
        return Path(tempfile.gettempdir()) / "casebook-bench" / f"load-{kind}"

    base.data_folder = folder  # type: ignore[assignment]
    # Runs add incidents (the API clients): a database holding at least --size is reused.
    for name in ("incidents_in_sqlite", "incidents_in_postgres"):
        counted = getattr(base, name)
        setattr(base, name, lambda where, c=counted: min(c(where), args.size))
    console, description, generated = base.casebook_ready(args)
    published = portal.publish(args.published, console)
    if generated:
        base.analyze()
    return console, description, published


def people(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """Coordinators load-0 … with a confirmed authenticator; tokens for the API clients."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casebook.accounts.roles import Role
    from casebook.accounts.services import user_ensure
    from casebook.api.models import AccessToken
    from casebook.api.services import token_create

    names = [f"load-{n}" for n in range(args.users)]
    tokens = []
    for index, name in enumerate(names):
        user, created = user_ensure(username=name, role=Role.COORDINATOR, password=PASSWORD)
        if created:
            TOTPDevice.objects.create(user=user, name="load bench", confirmed=True)
        if index >= args.users - args.api_clients:
            AccessToken.objects.filter(user=user).delete()
            tokens.append(_token(token_create, user))
    return names[: args.users - args.api_clients], tokens


def _token(token_create, user) -> str:
    _, raw = token_create(user=user, name="load bench", scopes=["write"], days=1, at_console=True)
    return raw


def second_factor(username: str) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def browsing_mix(args: argparse.Namespace) -> dict[str, list[str]]:
    """Kind -> addresses: the list's kinds of request from bench/incident_list.py, grouped."""
    from casebook.cases.models import Incident

    mix: dict[str, list[str]] = {"list": [], "search": []}
    for parameter_sets in base.request_kinds(40, args.seed).values():
        for parameters in parameter_sets:
            query = {k: v for k, v in (parameters or {}).items() if v not in (None, "")}
            mix["search" if "q" in query else "list"].append(
                "/incidents/" + (f"?{urlencode(query)}" if query else "")
            )
    rng = random.Random(args.seed)
    references = list(
        Incident.objects.values_list("reference", flat=True)[:: max(1, args.size // 4000)]
    )
    rng.shuffle(references)
    mix["open"] = [f"/incidents/{reference}/" for reference in references[:3000]]
    return mix


# --- Measuring ----------------------------------------------------------------------------


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float, problem: str = "") -> None:
        if problem:
            self.errors.setdefault(kind, []).append(problem)
        else:
            self.times.setdefault(kind, []).append(seconds * 1000)

    def count(self) -> int:
        return sum(map(len, self.times.values())) + sum(map(len, self.errors.values()))


async def timed(tally: Tally, kind: str, request, expect: tuple[int, ...] = (200,)):
    """Await `request` (a client's call, not yet started) and count its time or its error."""
    started = time.perf_counter()
    try:
        response = await request
    except Exception as error:  # noqa: BLE001 (a refused or dropped connection is an error)
        tally.add(kind, 0, type(error).__name__)
        return None
    elapsed = time.perf_counter() - started
    tally.add(kind, elapsed, "" if response.status_code in expect else str(response.status_code))
    return response


class _Forms(HTMLParser):
    """The fields a browser would send back from each form of a page that posts."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._fields = []
            self.forms.append(self._fields)
        if self._fields is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            chosen = [v for v, selected in self._options if selected]
            self._fields += [(self._select, v) for v in chosen or [v for v, _ in self._options[:1]]]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._fields is not None:
            self._fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def edited(page: str, marker: str) -> list[tuple[str, str]]:
    """The editor's form as the page shows it, with the summary changed."""
    parser = _Forms()
    parser.feed(page)
    form = next(f for f in parser.forms if any(n.endswith("summary") for n, _ in f))
    return [
        (
            name,
            f"{value.split(' [load ')[0]} [load {marker}]" if name.endswith("summary") else value,
        )
        for name, value in form
    ]


# --- Clients -------------------------------------------------------------------------------


async def sign_in(client, username: str, code) -> None:
    """Password, then (coordinators) the second factor, as a browser does; checked."""
    page = await client.get("/accounts/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    await client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": csrf, "username": username, "password": PASSWORD},
    )
    asked = await client.get("/incidents/")
    if "two-factor" in asked.headers.get("location", ""):
        page = await client.get("/accounts/two-factor/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        token = await asyncio.to_thread(code, username)
        await client.post(
            "/accounts/two-factor/", data={"csrfmiddlewaretoken": csrf, "token": token}
        )
        asked = await client.get("/incidents/")
    if asked.status_code != 200:
        raise RuntimeError(f"{username} could not sign in ({asked.status_code})")


async def person(client, number: int, mix, own: list[str], tally: Tally, until: float) -> None:
    rng = random.Random(number)
    edits = 0
    while time.perf_counter() < until:
        roll = rng.random()
        if roll < 0.45:
            await timed(tally, "list", client.get(rng.choice(mix["list"])))
        elif roll < 0.65:
            await timed(tally, "search", client.get(rng.choice(mix["search"])))
        elif roll < 0.90:
            await timed(tally, "open incident", client.get(rng.choice(mix["open"])))
        else:
            reference = own[edits % len(own)]
            edits += 1
            page = await timed(tally, "edit page", client.get(f"/incidents/{reference}/edit/"))
            if page is None or page.status_code != 200:
                continue
            data: dict[str, list[str]] = {}
            for name, value in edited(page.text, f"{number}-{edits}"):
                data.setdefault(name, []).append(value)
            await timed(
                tally,
                "edit save",
                client.post(
                    f"/incidents/{reference}/edit/",
                    data=data,
                    headers={"Referer": str(page.url)},
                ),
                expect=(302,),
            )


async def api_client(client, number: int, example: dict, tally: Tally, until: float) -> None:
    made: list[str] = []
    step = 0
    while time.perf_counter() < until:
        step += 1
        if not made or step % 2:
            body = example | {"title": f"Invented load incident {number}-{step}"}
            answer = await timed(
                tally, "api create", client.post("/api/v1/incidents", json=body), (201,)
            )
            if answer is not None and answer.status_code == 201:
                made.append(answer.json()["reference"])
            continue
        url = f"/api/v1/incidents/{made[step % len(made)]}"
        current = await timed(tally, "api read", client.get(url))
        if current is None or current.status_code != 200:
            continue
        etag = current.headers["ETag"]
        await timed(
            tally,
            "api update",
            client.patch(url, json={"place": f"Loadtown {step}"}, headers={"If-Match": etag}),
        )


async def reader(client, number: int, mix: dict[str, list[str]], tally: Tally, until: float):
    rng = random.Random(10_000 + number)
    kinds = list(mix)
    while time.perf_counter() < until:
        kind = rng.choice(kinds)
        await timed(tally, f"portal {kind}", client.get(rng.choice(mix[kind])))


async def signed_in_load(
    args, stack, mix, own, tokens, example
) -> tuple[Tally, float, float, Tally]:
    """Sign everyone in; one person and one API client alone for --alone-seconds (each
    kind's time with no one waiting: its floor), then everyone. The load's tally, seconds and
    server CPU seconds, and the tally alone."""
    import httpx

    base_url = stack.base

    people_names, owned = own
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(base_url=base_url, timeout=300, limits=limits) for _ in people_names
    ]
    api = [
        httpx.AsyncClient(
            base_url=base_url,
            timeout=300,
            limits=limits,
            headers={"Authorization": f"Bearer {token}"},
        )
        for token in tokens
    ]
    gate = asyncio.Semaphore(8)  # sign-ins hash passwords: not all 50 at once

    async def signed(client, name):
        async with gate:
            await sign_in(client, name, second_factor)

    await asyncio.gather(*(signed(c, n) for c, n in zip(clients, people_names, strict=True)))
    alone = Tally()
    until = time.perf_counter() + args.alone_seconds
    await asyncio.gather(
        person(clients[0], 0, mix, owned[0], alone, until),
        *(api_client(client, 0, example, alone, until) for client in api[:1]),
    )
    tally = Tally()
    before = cpu_ticks(stack)
    started = time.perf_counter()
    until = started + args.minutes * 60
    await asyncio.gather(
        *(person(client, n, mix, owned[n], tally, until) for n, client in enumerate(clients)),
        *(api_client(client, n, example, tally, until) for n, client in enumerate(api)),
    )
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds_since(stack, before)
    for client in clients + api:
        await client.aclose()
    return tally, elapsed, cpu, alone


async def reader_load(args, base_url: str, mix) -> tuple[Tally, float]:
    import httpx

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(base_url=base_url, timeout=300, limits=limits)
        for _ in range(args.readers)
    ]
    tally = Tally()
    started = time.perf_counter()
    minutes = args.reader_minutes if args.reader_minutes is not None else args.minutes / 5
    until = started + minutes * 60
    await asyncio.gather(*(reader(c, n, mix, tally, until) for n, c in enumerate(clients)))
    elapsed = time.perf_counter() - started
    for client in clients:
        await client.aclose()
    return tally, elapsed


def cpu_ticks(stack) -> dict[int, int]:
    """CPU ticks used so far by each process of the stack (each started in a process group of
    its own: gunicorn's master and workers, the Celery worker and its children, beat) and, on
    PostgreSQL, by the server's processes for the stack's database."""
    groups = {process.pid for process in stack.processes.values()}
    database = urlsplit(stack.env.get("DATABASE_URL", "")).path.lstrip("/")
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        # A PostgreSQL backend's title: "postgres: USER DATABASE ADDRESS(PORT) STATE".
        ours = int(fields[2]) in groups or (
            bool(database) and title.startswith("postgres: ") and f" {database} " in title
        )
        if ours:  # after the command: state, ppid, pgrp, …, utime (12th), stime (13th)
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    return ticks


def cpu_seconds_since(stack, before: dict[int, int]) -> float:
    """CPU seconds the stack used since `before` (a process that ended meanwhile is missed)."""
    now = cpu_ticks(stack)
    spent = sum(ticks - before.get(pid, 0) for pid, ticks in now.items())
    return spent / os.sysconf("SC_CLK_TCK")


def capacity_line(stack, requests: int, cpu: float, elapsed: float) -> str:
    """What the server spent: independent of what else the machine runs, unlike the rate.
    Beside it, the CPU a request may cost for the target rate on this machine's cores, and
    the rate reached beside the most those cores could answer at this cost (its floor)."""
    per_request = cpu / max(requests, 1)
    cores = os.cpu_count() or 1
    parts = "gunicorn, worker, beat"
    if stack.env.get("DATABASE_URL", "").startswith("postgres"):
        parts += ", PostgreSQL"  # SQLite runs inside the workers: already counted
    ceiling = cores / max(per_request, 1e-9)
    allowed = cores / (BEFORE_REQUESTS_PER_SECOND * TARGET_RATIO) * 1000
    rate = requests / max(elapsed, 1e-9)
    return (
        f"Server CPU ({parts}): {cpu:.0f} s for {requests:,} requests, "
        f"{per_request * 1000:.1f} ms a request ({per_request * 1000 / allowed:.2f}× the "
        f"{allowed:.1f} ms the target allows on {cores} cores); {cores} idle cores would answer "
        f"at most ~{ceiling:.0f} requests/s at that cost: {rate:.1f} requests/s is "
        f"{rate / ceiling:.2f}× of it"
    )


# --- Report --------------------------------------------------------------------------------


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(
    console, title: str, tally: Tally, elapsed: float, alone: Tally | None = None
) -> tuple[float, int]:
    """The table per kind; with `alone` (the same kinds with no one else asking), each
    kind's p50 alone is its floor, printed beside the p95 under load as a ratio."""
    from rich.table import Table

    table = Table(title=title)
    columns = ["kind", "requests", "errors", "p50 ms", "p95 ms", "p99 ms"]
    if alone is not None:
        columns += ["alone p50 ms", "p95 / alone"]
    for column in columns:
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind in sorted(set(tally.times) | set(tally.errors)):
        times = tally.times.get(kind, [])
        row = [
            kind,
            f"{len(times) + len(tally.errors.get(kind, [])):,}",
            str(len(tally.errors.get(kind, []))),
            f"{statistics.median(times):.0f}" if times else "-",
            f"{quantile(times, 0.95):.0f}",
            f"{quantile(times, 0.99):.0f}",
        ]
        if alone is not None:
            floor = alone.times.get(kind)
            if floor and times:
                floor_ms = statistics.median(floor)
                row += [f"{floor_ms:.0f}", f"{quantile(times, 0.95) / floor_ms:.1f}×"]
            else:
                row += ["-", "-"]
        table.add_row(*row)
    every = [t for times in tally.times.values() for t in times]
    errors = sum(map(len, tally.errors.values()))
    rate = tally.count() / elapsed
    table.add_section()
    overall = [
        "overall",
        f"{tally.count():,}",
        str(errors),
        f"{statistics.median(every):.0f}" if every else "-",
        f"{quantile(every, 0.95):.0f}",
        f"{quantile(every, 0.99):.0f}",
    ]
    table.add_row(*overall, *(["", ""] if alone is not None else []), style="bold")
    console.print(table)
    for kind, problems in tally.errors.items():
        console.print(f"  errors in {kind}: {', '.join(sorted(set(problems)))}")
    console.print(f"{rate:.1f} requests/s over {elapsed:.0f} s")
    return rate, errors


def main() -> None:
    args = parse_args()
    console, description, published = prepare(args)
    from casebook.cases.models import Incident

    names, tokens = people(args)
    mix = browsing_mix(args)
    # Each person edits incidents of their own: two people saving one incident would be a
    # real conflict the editor reports, not a fault of the server. Never a published one:
    # a changed summary takes it off the portal until its redaction is approved again, and
    # the portal's readers would rightly get 404 for it.
    pool = list(
        Incident.objects.filter(publication__isnull=True)
        .order_by("-pk")
        .values_list("reference", flat=True)[: 20 * len(names)]
    )
    owned = {n: pool[n * 20 : (n + 1) * 20] for n in range(len(names))}
    example = api_example()
    readers_mix = portal.request_mix(200, args.seed)
    incidents = Incident.objects.count()
    from django.db import connections

    connections.close_all()

    from tests.stack import production_stack, redis_database, stack_env

    with redis_database() as redis:
        env = stack_env(
            Path(os.environ["CASEBOOK_DATA_DIR"]),
            database_url=os.environ.get("DATABASE_URL", ""),
            redis_url=redis,
            # The API's clients write without pause; the per-token limit is not measured here.
            CASEBOOK_API_RATE="1000000",
            CASEBOOK_SECRET_KEY=os.environ["CASEBOOK_SECRET_KEY"],
        )
        with production_stack(env, workers=args.workers or 2 * (os.cpu_count() or 1) + 1) as stack:
            console.print(
                f"{base.machine_line(description)}; {incidents:,} incidents, "
                f"{published:,} published"
            )
            console.print(
                f"gunicorn {args.workers or 2 * (os.cpu_count() or 1) + 1} workers, Celery worker "
                f"and beat, Redis; {len(names)} signed-in people and {len(tokens)} API "
                f"clients for {args.minutes:g} min"
            )
            tally, elapsed, cpu, alone = asyncio.run(
                signed_in_load(args, stack, mix, (names, owned), tokens, example)
            )
            rate, errors = report(
                console, "Signed-in people and API clients", tally, elapsed, alone
            )
            console.print(
                f"Alone (the floor): one person and one API client for {args.alone_seconds:g} s "
                "before the load, each kind's median"
            )
            console.print(capacity_line(stack, tally.count(), cpu, elapsed))
            target = BEFORE_REQUESTS_PER_SECOND * TARGET_RATIO
            console.print(
                f"Issue 15 target: ≥ {target:.0f} requests/s ({TARGET_RATIO:g}× the "
                f"{BEFORE_REQUESTS_PER_SECOND:g} before) with 0 errors: {rate:.1f} requests/s, "
                f"{errors} errors, ratio {rate / BEFORE_REQUESTS_PER_SECOND:.2f}× -> "
                f"{'met' if rate >= target and errors == 0 else 'MISSED'}; "
                f"load average now {os.getloadavg()[0]:.1f}"
            )
            if args.readers:
                before = cpu_ticks(stack)
                tally, elapsed = asyncio.run(reader_load(args, stack.base, readers_mix))
                report(console, f"{args.readers} anonymous portal readers", tally, elapsed)
                console.print(
                    capacity_line(stack, tally.count(), cpu_seconds_since(stack, before), elapsed)
                )
                console.print(f"load average now {os.getloadavg()[0]:.1f}")
    console.print("Stopped: " + ", ".join(f"{k} {v}" for k, v in stack.exit_codes.items()))


def api_example() -> dict:
    from casebook.cases.models import Incident

    force = Incident.objects.values_list("force__slug", flat=True).first()
    return {
        "title": "Invented load incident",
        "summary": "Officers arrested two invented marchers.",
        "date": "2024-05-04",
        "place": "Testford",
        "force": force,
        "acts": [{"act_type": "arrest", "number_affected": 2}],
    }


if __name__ == "__main__":
    main()
