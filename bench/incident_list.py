"""How fast the incident list answers at scale: median and p95 server time per kind of request.

    .venv/bin/python bench/incident_list.py --size 100000                  # SQLite, temp folder
    .venv/bin/python bench/incident_list.py --size 100000 --reuse          # keep the data
    .venv/bin/python bench/incident_list.py --size 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/casebook_bench   # PostgreSQL

The script builds its own database (a SQLite file under the temp folder, or the PostgreSQL
database named in the URL, which it drops and creates: the name must contain "bench"),
migrates it, loads the codebook, writes `--size` synthetic incidents with the sample
generator and runs ANALYZE (VACUUM ANALYZE on PostgreSQL). It then signs in as a
coordinator (with a second factor; `--reader analyst` or `caseworker` to see theirs: redacted
titles and the redacted index, made first and timed) and sends a realistic mix of requests
to /incidents/ through Django's test client (no network, no browser): each kind
`--requests` times, interleaved, after one warm-up round. Times are measured around the
whole request (middleware, session, queries, template). `--reuse` keeps a database that
already holds `--size` incidents from an earlier run and skips the generation.

Beyond `--generate` (100,000) incidents the sample is not generated but copied in SQL
(bench/growth.py): a million incidents in minutes. `--grow-from 100000` (SQLite) or
`--grow-from postgres://…/casebook_bench_100k` starts from an earlier run's database
instead of generating at all:

    .venv/bin/python bench/incident_list.py --size 1000000 --grow-from 100000 --reuse
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

# Beyond this the sample is copied in SQL (bench/growth.py) rather than generated.
GENERATED_AT_MOST = 100_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="incidents to generate")
    parser.add_argument("--seed", type=int, default=1, help="sample generator seed")
    parser.add_argument("--requests", type=int, default=30, help="requests per kind")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL database to drop, create and use (name with 'bench')",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database of an earlier run if it holds --size incidents",
    )
    parser.add_argument(
        "--generate",
        type=int,
        default=GENERATED_AT_MOST,
        help="generate at most this many incidents with the sample generator and copy them "
        "in SQL up to --size (bench/growth.py)",
    )
    parser.add_argument(
        "--grow-from",
        default="",
        metavar="SOURCE",
        help="start from the database of an earlier run instead of generating: its --size on "
        "SQLite, its --database-url on PostgreSQL (used as a template); then copy up to --size",
    )
    parser.add_argument(
        "--sizes",
        default="",
        help="comma-separated sizes (e.g. 10000,100000,1000000): run each (with --reuse) in a "
        "process of its own and print one table of all; on PostgreSQL each size's database "
        "is the URL's name with _<size> added",
    )
    parser.add_argument("--json", default="", help=argparse.SUPPRESS)  # a --sizes child's
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="skip ANALYZE after loading (planner without statistics)",
    )
    parser.add_argument(
        "--drop", action="store_true", help="delete the database when done (no later --reuse)"
    )
    parser.add_argument(
        "--reader",
        choices=["coordinator", "analyst", "caseworker"],
        default="coordinator",
        help="whose list: an analyst (or a caseworker on none of them) reads titles redacted "
        "and searches the redacted index, made first (`casebook redact refresh`) and timed",
    )
    return parser.parse_args()


# --- The database --------------------------------------------------------------------------


def data_folder(args: argparse.Namespace) -> Path:
    """The run's data folder: the SQLite file, and on every backend the secret key, the
    keyring and the master key, which must never be those of a real casebook."""
    if args.database_url:
        name = f"list-postgres-{urlsplit(args.database_url).path.lstrip('/')}"
    else:
        name = f"list-{args.size}-seed{args.seed}"
    return Path(tempfile.gettempdir()) / "casebook-bench" / name


def incidents_in_sqlite(path: Path) -> int:
    try:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT COUNT(*) FROM cases_incident").fetchone()[0]
    except sqlite3.Error:
        return -1


def postgres_admin(url: str) -> tuple[str, str]:
    """(URL of the server's maintenance database, name of the bench database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop and create {name!r}: use a database name with 'bench'.")
    return urlunsplit(parts._replace(path="/postgres")), name


def incidents_in_postgres(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as db:
            return db.execute("SELECT COUNT(*) FROM cases_incident").fetchone()[0]
    except psycopg.Error:
        return -1


def postgres_recreate(url: str, *, create: bool = True, template: str = "") -> None:
    """Drop the bench database and (`create`) make it again, empty or as a copy of the
    `template` database (a name or a URL on the same server)."""
    import psycopg
    from psycopg import sql

    admin, name = postgres_admin(url)
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if create and template:
            source = urlsplit(template).path.lstrip("/") if "://" in template else template
            db.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(source)
                )
            )
        elif create:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare_database(args: argparse.Namespace) -> tuple[str, bool]:
    """Point the settings at the bench database; returns (description, needs data)."""
    folder = data_folder(args)
    for name in ("CASEBOOK_KEYRING_PATH", "CASEBOOK_MASTER_KEY_FILE", "CASEBOOK_MASTER_KEY"):
        os.environ.pop(name, None)  # keys live in the bench's data folder, nowhere else
    os.environ["CASEBOOK_DATA_DIR"] = str(folder)
    if args.database_url:
        postgres_admin(args.database_url)  # checks the name before anything is dropped
        reuse = args.reuse and incidents_in_postgres(args.database_url) == args.size
        if not reuse:
            postgres_recreate(args.database_url, template=getattr(args, "grow_from", ""))
        description = f"PostgreSQL {urlsplit(args.database_url).path.lstrip('/')}"
        os.environ["DATABASE_URL"] = args.database_url
    else:
        # A laptop install: the default SQLite file in the data folder, the settings' pragmas.
        reuse = args.reuse and incidents_in_sqlite(folder / "casebook.sqlite3") == args.size
        description = f"SQLite {sqlite3.sqlite_version} {folder / 'casebook.sqlite3'}"
        os.environ.pop("DATABASE_URL", None)
    if not reuse:
        shutil.rmtree(folder, ignore_errors=True)
        if getattr(args, "grow_from", ""):
            # The earlier run's keys (its people's) and, on SQLite, its database file.
            shutil.copytree(data_folder(_earlier(args)), folder)
            if not args.database_url:
                with sqlite3.connect(folder / "casebook.sqlite3") as db:
                    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder.mkdir(parents=True, exist_ok=True)
    return description, not reuse


def _earlier(args: argparse.Namespace) -> argparse.Namespace:
    """The arguments of the run named by --grow-from (whose database this one starts from)."""
    if args.database_url:
        source = (
            args.grow_from
            if "://" in args.grow_from
            else (urlunsplit(urlsplit(args.database_url)._replace(path=f"/{args.grow_from}")))
        )
        return argparse.Namespace(**{**vars(args), "database_url": source, "grow_from": ""})
    return argparse.Namespace(**{**vars(args), "size": int(args.grow_from), "grow_from": ""})


def load(args: argparse.Namespace, console) -> tuple[float, float, str]:
    """Write the sample data: generated up to --generate incidents (unless the database
    started as an earlier run's), copied in SQL beyond (bench/growth.py). Returns the time,
    this process's CPU time and what was done, in words."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from casebook.cases.models import Incident
    from casebook.sample.generator import sample_generate
    from growth import casebook_grow

    started, cpu = time.perf_counter(), time.process_time()
    done = []
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        if not getattr(args, "grow_from", ""):
            generated = min(args.size, getattr(args, "generate", None) or args.size)
            task = progress.add_task("Generating incidents", total=generated)
            report = sample_generate(
                size=generated, seed=args.seed, progress=lambda n: progress.advance(task, n)
            )
            done.append(f"generated {generated:,} in {report.seconds:.1f} s")
        else:
            done.append(f"started from the {args.grow_from} run's database")
        if Incident.objects.count() < args.size:
            copying = progress.add_task("Copying", total=None)

            def copied(table: str, copy: int, copies: int) -> None:
                progress.update(
                    copying, description=f"Copying ({table})", completed=copy - 1, total=copies
                )

            grown = casebook_grow(args.size, progress=copied)
            done.append(
                f"copied {grown['copies']} times up to {args.size:,} in {grown['seconds']:.1f} s"
                + (f" (indexes made again {grown['indexes']:.1f} s)" if grown["indexes"] else "")
            )
    return time.perf_counter() - started, time.process_time() - cpu, "; ".join(done)


def analyze() -> tuple[str, float]:
    """Planner statistics, as a database in use has them. On PostgreSQL also VACUUM, which
    autovacuum soon does after a bulk load: it sets the visibility map, without which every
    COUNT(*) of the paginator reads the whole table (42 ms instead of 7 at 100,000)."""
    from django.db import connection

    statement = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(statement)
    return statement, time.perf_counter() - started


# --- The requests --------------------------------------------------------------------------


def request_kinds(n: int, seed: int) -> dict[str, list[dict]]:
    """Kind of request -> `n` query-string parameter sets, drawn from the data itself."""
    from django.db.models import Count

    from casebook.cases.models import Act, Incident, IncidentStatus, Protest, Tag

    rng = random.Random(seed)

    def cycle(values: list) -> list:
        values = list(values) or [None]
        return [values[i % len(values)] for i in range(n)]

    def top(queryset, field: str, limit: int = 12) -> list:
        rows = queryset.values(field).annotate(n=Count("id")).order_by("-n")[:limit]
        return [row[field] for row in rows if row[field] is not None]

    years = sorted({d.year for d in Incident.objects.dates("date", "year")})

    def quarter() -> dict:
        year, month = rng.choice(years), rng.choice((1, 4, 7, 10))
        end = {1: "03-31", 4: "06-30", 7: "09-30", 10: "12-31"}[month]
        return {"date_from": f"{year}-{month:02d}-01", "date_to": f"{year}-{end}"}

    def year_range() -> dict:
        year = rng.choice(years)
        return {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}

    forces = top(Incident.objects, "force__slug")
    act_types = top(Act.objects, "act_type__slug")
    provisions = top(Act.objects, "legal_provision__slug", 20)
    triggers = top(Act.objects, "trigger_type__slug")
    pairs = (
        Act.objects.exclude(legal_provision=None)
        .values("act_type__slug", "legal_provision__slug")
        .annotate(n=Count("id"))
        .order_by("-n")[:12]
    )
    protests = list(
        Protest.objects.annotate(n=Count("incidents"))
        .order_by("-n")
        .values_list("pk", flat=True)[:n]
    )
    tags = list(
        Tag.objects.annotate(n=Count("incidents"))
        .filter(n__gt=0)
        .order_by("-n", "name")
        .values_list("name", flat=True)
    )
    statuses = list(IncidentStatus.values)
    common = ["police", "arrested", "placard", "march", "officers", "protest"]
    rare = ["statues", "faslane", "aberystwyth", "bangor", "bandstand", "horn"]  # < 1 %
    return {
        "no filter": [{} for _ in range(n)],
        "page 50": [{"page": 50} for _ in range(n)],
        "force": [{"force": f} for f in cycle(forces)],
        "date range": [quarter() for _ in range(n)],
        "act type": [{"act_type": a} for a in cycle(act_types)],
        "provision": [{"provision": p} for p in cycle(provisions)],
        "trigger": [{"trigger": t} for t in cycle(triggers)],
        "status": [{"status": s} for s in cycle(statuses)],
        "protest": [{"protest": p} for p in cycle(protests)],
        "tag": [{"tag": t} for t in cycle(tags)],
        "force + dates": [{"force": f, **year_range()} for f in cycle(forces)],
        "act type + provision": [
            {"act_type": p["act_type__slug"], "provision": p["legal_provision__slug"]}
            for p in cycle(list(pairs))
        ],
        "trigger + status": [
            {"trigger": t, "status": s}
            for t, s in zip(cycle(triggers), cycle(statuses[::-1]), strict=True)
        ],
        "q common word": [{"q": w} for w in cycle(common)],
        "q rare word": [{"q": w} for w in cycle(rare)],
        "q + filters": [
            {"q": w, "force": f, **year_range()}
            for w, f in zip(cycle(common), cycle(forces), strict=True)
        ],
        "sort oldest first": [{"sort": "date"} for _ in range(n)],
        "sort reference": [{"sort": "-reference"} for _ in range(n)],
        "sort title": [{"sort": s} for s in cycle(["title", "-title"])],
    }


def matches(params: dict) -> int | None:
    """How many incidents the list's own filter finds for these parameters (not timed)."""
    try:
        from casebook.cases.selectors import incidents_filtered
        from casebook.casework.forms import IncidentFilterForm
    except ImportError:
        return None
    form = IncidentFilterForm({k: str(v) for k, v in params.items() if k != "page"})
    return incidents_filtered(**form.filters()).count() if form.is_valid() else None


def signed_in_client(role: str = "coordinator"):
    from django.contrib.auth.models import Group
    from django.test import Client

    from casebook.accounts.models import User
    from casebook.accounts.roles import Role

    user, _ = User.objects.get_or_create(
        username=f"bench-{role}", defaults={"email": f"bench-{role}@example.test"}
    )
    user.groups.add(Group.objects.get(name=Role(role)))
    client = Client()
    client.force_login(user)
    try:  # coordinators pass a second factor; the OTP middleware checks it on every request
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:
        return client
    device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def run_requests(kinds: dict[str, list[dict]], console, reader: str) -> dict[str, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("casework:incident-list")
    client = signed_in_client(reader)
    results: dict[str, dict] = {kind: {"times": [], "statuses": set()} for kind in kinds}
    for kind, param_sets in kinds.items():  # warm-up round, and the query count of each kind
        with CaptureQueriesContext(connection) as queries:
            client.get(url, param_sets[0])
        results[kind]["queries"] = len(queries)
        results[kind]["matches"] = matches(param_sets[0])
        results[kind]["example"] = urlencode(param_sets[0])
        results[kind]["floor"] = []
        results[kind]["cpu"] = []
    rounds = max(len(p) for p in kinds.values())
    with console.status("Requesting…") as status:
        for round_number in range(rounds):
            status.update(f"Requesting: round {round_number + 1} of {rounds}")
            for kind, param_sets in kinds.items():
                params = param_sets[round_number % len(param_sets)]
                statements: list[tuple[str, object]] = []
                with connection.execute_wrapper(recorder(statements)):
                    started, cpu = time.perf_counter(), time.process_time()
                    response = client.get(url, params)
                    results[kind]["times"].append((time.perf_counter() - started) * 1000)
                    results[kind]["cpu"].append((time.process_time() - cpu) * 1000)
                results[kind]["statuses"].add(response.status_code)
                results[kind]["floor"].append(replay(connection, statements))
    return results


def recorder(statements: list):
    """An execute wrapper noting each statement and its parameters (no timing added)."""

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    return record


def replay(connection, statements: list) -> float:
    """The floor: the request's reads run again on the driver's cursor, rows fetched, in ms."""
    reads = [
        (sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")
    ]
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the backend's own cursor, under Django's wrapper
        started = time.perf_counter()
        for sql, params in reads:
            cursor.execute(sql, params)
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def print_report(results: dict[str, dict], *, console, title: str) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column, justify in (
        ("request", "left"),
        ("example parameters", "left"),
        ("matches*", "right"),
        ("queries", "right"),
        ("n", "right"),
        ("status", "right"),
        ("median ms", "right"),
        ("p95 ms", "right"),
        ("max ms", "right"),
        ("CPU ms", "right"),
        ("SQL floor ms", "right"),
        ("ratio", "right"),
    ):
        table.add_column(column, justify=justify, overflow="fold")
    everything: list[float] = []
    floors: list[float] = []
    cpus: list[float] = []
    for kind, result in results.items():
        times = result["times"]
        everything += times
        found = result["matches"]
        table.add_row(
            kind,
            result["example"] or "—",
            "?" if found is None else f"{found:,}",
            str(result["queries"]),
            str(len(times)),
            ",".join(map(str, sorted(result["statuses"]))),
            f"{statistics.median(times):.1f}",
            f"{p95(times):.1f}",
            f"{max(times):.1f}",
            f"{statistics.median(result['cpu']):.1f}",
            f"{statistics.median(result['floor']):.1f}",
            f"{statistics.median(times) / max(statistics.median(result['floor']), 0.001):.1f}×",
        )
        floors += result["floor"]
        cpus += result["cpu"]
    table.add_section()
    table.add_row(
        "overall",
        "",
        "",
        "",
        str(len(everything)),
        "",
        f"{statistics.median(everything):.1f}",
        f"{p95(everything):.1f}",
        f"{max(everything):.1f}",
        f"{statistics.median(cpus):.1f}",
        f"{statistics.median(floors):.1f}",
        f"{statistics.median(everything) / max(statistics.median(floors), 0.001):.1f}×",
        style="bold",
    )
    console.print(table)
    console.print(
        "* incidents matching the example parameters; times in milliseconds per "
        "request, measured around the test client's call; the SQL floor is the median time "
        "of the same request's SELECTs replayed on the driver's cursor, rows fetched, and the "
        "ratio the request's median over it; CPU ms the median CPU time of this process per "
        "request (on SQLite it includes the SQL, run in this process; steadier than the time "
        "on a busy machine)"
    )


def casebook_ready(args: argparse.Namespace, *, width: int = 150):
    """Settings from the environment, the database made (or reused), Django set up, migrated,
    the codebook loaded and, for a new database, the sample generated: what every bench that
    reads this database starts with. Returns (console, description, generation), generation
    being (seconds, CPU seconds, what was done) of the sample written, or None for a database
    reused."""
    os.environ.setdefault("CASEBOOK_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    os.environ["CASEBOOK_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "casebook.settings"
    os.environ.pop("CASEBOOK_DEBUG", None)  # DEBUG logs every query: not what servers run
    description, needs_data = prepare_database(args)

    import django
    from rich.console import Console

    console = Console()
    if not console.is_terminal:
        console = Console(width=width)  # a readable table in logs and pipes too
    django.setup()
    from django.core.management import call_command

    from casebook.installation.bootstrap import bootstrap_reference_data

    call_command("migrate", interactive=False, verbosity=0)
    bootstrap_reference_data()
    generation = load(args, console) if needs_data else None
    return console, description, generation


def machine_line(description: str) -> str:
    """The database and machine a figure was measured on, for the first line printed."""
    import django

    return (
        f"{description}, Python {platform.python_version()}, Django {django.get_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )


def summary(results: dict[str, dict]) -> dict[str, dict]:
    """Each kind's figures, as a --sizes child hands them to its parent."""
    return {
        kind: {
            "median": statistics.median(r["times"]),
            "p95": p95(r["times"]),
            "cpu": statistics.median(r["cpu"]),
            "floor": statistics.median(r["floor"]),
            "matches": r["matches"],
            "statuses": sorted(r["statuses"]),
        }
        for kind, r in results.items()
    }


def run_sizes(args: argparse.Namespace) -> None:
    """Each size in a process of its own (Django sets up one database a process), then one
    table: p95, CPU and the ratio to the SQL floor at every size, and the growth of the
    CPU a request (steadier than its time on a busy machine) from the smallest size to the
    largest beside that of log(size)."""
    import json
    import math
    import subprocess

    from rich.console import Console
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=200)
    sizes = [int(size) for size in args.sizes.split(",")]
    figures: dict[int, dict] = {}
    cpu_before = os.times()
    for size in sizes:
        out = Path(tempfile.gettempdir()) / f"casebook-bench-list-{size}-{os.getpid()}.json"
        command = [sys.executable, __file__, "--size", str(size), "--reuse", "--json", str(out)]
        command += ["--seed", str(args.seed), "--requests", str(args.requests)]
        command += ["--reader", args.reader, "--generate", str(args.generate)]
        if args.database_url:
            parts = urlsplit(args.database_url)
            named = parts._replace(path=f"{parts.path.rstrip('/')}_{size}")
            command += ["--database-url", urlunsplit(named)]
        console.print(f"[bold]{size:,} incidents[/]: {' '.join(command[1:])}")
        subprocess.run(command, check=True)  # noqa: S603 (this script, our arguments)
        figures[size] = json.loads(out.read_text())
        out.unlink()
    cpu = os.times()
    loads = ", ".join(f"{figures[size]['load']:.1f}" for size in sizes)
    table = Table(
        title=f"GET /incidents/ at {', '.join(f'{s:,}' for s in sizes)} incidents "
        f"({'PostgreSQL' if args.database_url else 'SQLite'}; load average {loads})",
        title_justify="left",
    )
    table.add_column("request")
    for size in sizes:
        table.add_column(f"{size:,}: p95 ms", justify="right")
        table.add_column("CPU ms", justify="right")
        table.add_column("SQL ms", justify="right")
        table.add_column("ratio", justify="right")
    table.add_column(f"CPU ×\n{sizes[0]:,}→{sizes[-1]:,}", justify="right")
    table.add_column("log ×", justify="right")
    growth_of_log = math.log(sizes[-1]) / math.log(sizes[0])
    for kind in figures[sizes[0]]["kinds"]:
        row = [kind]
        for size in sizes:
            f = figures[size]["kinds"][kind]
            row += [
                f"{f['p95']:.1f}",
                f"{f['cpu']:.1f}",
                f"{f['floor']:.1f}",
                f"{f['median'] / max(f['floor'], 0.001):.1f}×",
            ]
        first, last = figures[sizes[0]]["kinds"][kind], figures[sizes[-1]]["kinds"][kind]
        row += [f"{last['cpu'] / first['cpu']:.2f}", f"{growth_of_log:.2f}"]
        table.add_row(*row)
    console.print(table)
    console.print(
        "p95 and the median in wall milliseconds per request; CPU ms the median CPU of the "
        "bench's process per request (on SQLite it includes the SQL); SQL ms the median of "
        "the request's SELECTs replayed on the driver's cursor; ratio the median request "
        f"over it. CPU of the runs: {children_cpu(cpu) - children_cpu(cpu_before):.0f} s"
    )


def children_cpu(times: os.times_result) -> float:
    return times.children_user + times.children_system


def main() -> None:
    args = parse_args()
    if args.sizes:
        run_sizes(args)
        return
    console, description, generation = casebook_ready(args)
    from django.conf import settings

    from casebook.cases.models import Incident

    analyzed = None if args.no_analyze or generation is None else analyze()
    incidents = Incident.objects.count()
    console.print(machine_line(description))
    if generation is not None:
        seconds, cpu, done = generation
        console.print(
            f"Wrote {incidents:,} incidents in {seconds:.1f} s ({done}; "
            f"{incidents / seconds:,.0f} incidents/s; {cpu:.1f} s CPU in this process)"
            + (f"; {analyzed[0]} {analyzed[1]:.1f} s" if analyzed else "")
        )
    else:
        console.print(f"Reused {incidents:,} incidents from an earlier run")
    if args.reader != "coordinator":
        from casebook.redaction.searching import redacted_search_fill

        started, cpu = time.perf_counter(), time.process_time()
        made = redacted_search_fill()
        seconds = time.perf_counter() - started
        console.print(
            f"Redacted search documents made for {made:,} incidents in {seconds:.1f} s "
            f"({time.process_time() - cpu:.1f} s CPU); the list as {args.reader}"
        )
    results = run_requests(request_kinds(args.requests, args.seed), console, args.reader)
    if args.json:
        import json

        Path(args.json).write_text(
            json.dumps({"load": os.getloadavg()[0], "kinds": summary(results)})
        )
    print_report(
        results,
        console=console,
        title=(f"GET /incidents/: {incidents:,} incidents, {settings.INCIDENTS_PER_PAGE} a page"),
    )
    if args.drop:
        from django.db import connections

        connections.close_all()
        if args.database_url:
            postgres_recreate(args.database_url, create=False)
        shutil.rmtree(data_folder(args), ignore_errors=True)


if __name__ == "__main__":
    main()
